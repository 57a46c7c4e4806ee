/**
 * Hover on a port: the core's hover text (core/features/hover.ts) with links to the other
 * mentions, and, when the file's folder has `portolan.live.enabled`, a line about the live
 * machine (./live.ts). The range is the port's digits when they are in the hovered file.
 */
import type { Hover } from 'vscode-languageserver';
import { hoverAt } from '../../core/features/hover';
import { markdownLink, spanToRange } from '../convert';
import { guard } from '../guard';
import { liveHoverLine } from './live';
import type { Feature } from './feature';

export const hover: Feature = {
  name: 'hover',
  capabilities: { hoverProvider: true },
  register(session, connection) {
    connection.onHover(
      guard(connection, 'hover', null, (params): Hover | null => {
        const at = session.at(params.textDocument.uri, params.position);
        if (!at) return null;
        const snap = session.snapshot();
        const h = hoverAt(snap, at.file, at.offset, (loc, label) => markdownLink((p) => session.text(p), loc, label));
        if (!h) return null;
        const line = session.settingsOf(at.file).live ? liveHoverLine(snap, at.file, at.offset) : undefined;
        const contents = { kind: 'markdown' as const, value: line ? `${h.markdown}\n\n${line}` : h.markdown };
        return h.location.file === at.file ? { contents, range: spanToRange(at.text, h.location.span) } : { contents };
      }),
    );
  },
};
