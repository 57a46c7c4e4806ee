/**
 * Completion of free ports where a port is written (core/features/complete.ts), nearest first,
 * each saying why it is free; with `portolan.live.enabled` in any folder, ports the live machine
 * holds are left out.
 */
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { completePorts } from '../../core/features/complete';
import { readLiveSockets } from '../../node/live';
import { spanToRange } from '../convert';
import { guard } from '../guard';
import type { Feature } from './feature';

export const completion: Feature = {
  name: 'completion',
  capabilities: { completionProvider: { triggerCharacters: [':', ' '] } },
  register(session, connection) {
    connection.onCompletion(
      guard(connection, 'completion', [], (params): CompletionItem[] => {
        const at = session.at(params.textDocument.uri, params.position);
        if (!at) return [];
        const r = session.liveEnabled() ? readLiveSockets() : undefined;
        const c = completePorts(session.snapshot(), at.file, at.text, at.offset, r && 'sockets' in r ? { live: r.sockets } : {});
        if (!c) return [];
        const range = spanToRange(at.text, c.replace);
        return c.items.map((i) => ({
          label: String(i.port),
          kind: CompletionItemKind.Value,
          detail: i.detail,
          documentation: { kind: 'markdown', value: `Port **${i.port}** is ${i.detail}.` },
          sortText: String(i.rank).padStart(4, '0'),
          filterText: String(i.port),
          textEdit: { range, newText: String(i.port) },
        }));
      }),
    );
  },
};
