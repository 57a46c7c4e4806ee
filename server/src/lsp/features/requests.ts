/**
 * Portolan's own requests (client → server; shapes and directions in ../protocol.ts):
 * `portolan/portTable` (the Ports view's tree), `portolan/portReference` (the Markdown port
 * reference, as `portolan ports --format markdown` prints it) and `portolan/suggestRtcdPorts`
 * (rtcd's current and a suggested free pair, for the renumber prompts). Only conversion: the
 * answers are core/features/table.ts's and core/features/edits/renumber.ts's.
 */
import { suggestRtcdPorts } from '../../core/features/edits/renumber';
import { portReference, portTree, type TreeHost, type TreePort } from '../../core/features/table';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../core/model/ports';
import { pathToUri, spanToRange } from '../convert';
import { guard } from '../guard';
import { PortReferenceRequest, PortTableRequest, SuggestRtcdPortsRequest, type PortTableHost, type PortTablePort, type SuggestRtcdPortsResult } from '../protocol';
import type { Session } from '../session';
import type { Feature } from './feature';

/** The core's port tree in the protocol's shape: URIs and ranges instead of paths and spans. */
function toPortTable(tree: readonly TreeHost[], text: (path: string) => string): PortTableHost[] {
  return tree.map((h) => ({
    host: h.host,
    byProject: h.byProject,
    projects: h.projects.map((g) => ({ ...(g.project !== undefined ? { project: g.project } : {}), label: g.label, ports: toPorts(g.ports, text) })),
  }));
}

function toPorts(ports: readonly TreePort[], text: (path: string) => string): PortTablePort[] {
  return ports.map((p) => ({
    port: p.port,
    protocol: p.protocol,
    ...(p.worst ? { worst: p.worst } : {}),
    mentions: p.mentions.map((m) => ({
      owner: m.owner,
      ...(m.role ? { role: m.role } : {}),
      kind: m.kind,
      address: m.address,
      detail: m.detail,
      inEffect: m.inEffect,
      uri: pathToUri(m.location.file),
      file: m.file,
      line: m.line,
      range: spanToRange(text(m.location.file), m.location.span),
      problems: m.problems,
    })),
  }));
}

function suggestion(session: Session): SuggestRtcdPortsResult {
  const base = { reasons: [], min: RTCD_MIN_PORT, max: RTCD_MAX_PORT, taken: [] };
  const s = suggestRtcdPorts(session.snapshot());
  if (!s) return { ...base, available: false, message: 'No rtcd found in the workspace.' };
  const taken = s.taken.map((t) => ({ port: t.port, protocol: t.protocol === 'both' ? 'tcp+udp' : t.protocol, holder: t.holder }));
  return { ...base, available: true, host: s.host, current: s.current, suggested: s.suggested, reasons: s.reasons, taken };
}

const SUGGEST_FAILED: SuggestRtcdPortsResult = { available: false, message: "Portolan could not compute rtcd's ports; see the Portolan output.", reasons: [], min: RTCD_MIN_PORT, max: RTCD_MAX_PORT, taken: [] };

export const requests: Feature = {
  name: 'requests',
  capabilities: {},
  register(session, connection) {
    connection.onRequest(
      PortTableRequest,
      guard(connection, 'portTable', [], (params) => {
        const { snap, diagnostics } = session.analyze();
        const filter = params.filter === 'problems' || params.filter === 'rtcd' ? params.filter : 'all';
        return toPortTable(portTree(snap, diagnostics, filter), (p) => session.text(p));
      }),
    );
    connection.onRequest(
      PortReferenceRequest,
      guard(connection, 'portReference', { markdown: '' }, () => {
        const { snap, diagnostics } = session.analyze();
        return { markdown: portReference(snap, diagnostics, session.roots.map((r) => r.name).join(', ') || 'workspace') };
      }),
    );
    connection.onRequest(SuggestRtcdPortsRequest, guard(connection, 'suggestRtcdPorts', SUGGEST_FAILED, () => suggestion(session)));
  },
};
