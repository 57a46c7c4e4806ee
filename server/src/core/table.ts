/**
 * The workspace port table: one row per mention, ordered by host, port and protocol. Shared by
 * the CLI's `ports` command and the editor's views.
 */
import type { PortFact } from './model';
import { formatRange } from './ports';
import { roleLabel } from './rules/rule';
import type { Snapshot } from './workspace';

/** One row of the port table. `line` is 1-based. */
export interface PortRow {
  host: string;
  port: string;
  protocol: string;
  kind: PortFact['kind'];
  owner: string;
  role?: string;
  address: string;
  file: string;
  line: number;
  detail: string;
  inEffect: boolean;
}

/** Rows for every fact, sorted by host, first port, protocol, file and line. */
export function portTable(snap: Snapshot): PortRow[] {
  const rows = snap.facts.map((f) => {
    const row: PortRow = {
      host: f.host,
      port: formatRange(f.ports),
      protocol: f.protocol === 'both' ? 'tcp+udp' : f.protocol,
      kind: f.kind,
      owner: f.owner,
      address: f.netns ? `${f.address ?? '*'} (container)` : f.address ?? (f.kind === 'firewall' ? 'any' : '*'),
      file: snap.display(f.location.file),
      line: snap.lineOf(f.location) + 1,
      detail: f.detail,
      inEffect: !f.shadowed,
    };
    const r = roleLabel(f.role);
    if (r) row.role = r;
    return { row, start: f.ports.start };
  });
  rows.sort((a, b) => a.row.host.localeCompare(b.row.host) || a.start - b.start || a.row.protocol.localeCompare(b.row.protocol) || a.row.file.localeCompare(b.row.file) || a.row.line - b.row.line);
  return rows.map((r) => r.row);
}
