/**
 * The workspace port table: one row per mention, ordered by host, port and protocol, and its
 * Markdown rendering. Shared by the CLI's `ports` command, the editor's views and the generated
 * region of port documents (the `doc-stale` rule compares against it).
 */
import type { PortFact } from '../model/facts';
import { formatRange } from '../model/ports';
import { roleLabel } from './queries';
import type { Snapshot } from './snapshot';

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

/** The table row of one fact. */
export function toRow(snap: Snapshot, f: PortFact): PortRow {
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
  return row;
}

/** Host, first port, protocol, file, line. */
export function factOrder(snap: Snapshot): (a: PortFact, b: PortFact) => number {
  const proto = (f: PortFact) => (f.protocol === 'both' ? 'tcp+udp' : f.protocol);
  return (a, b) =>
    a.host.localeCompare(b.host) || a.ports.start - b.ports.start || a.ports.end - b.ports.end || proto(a).localeCompare(proto(b)) ||
    snap.display(a.location.file).localeCompare(snap.display(b.location.file)) || a.location.span.start - b.location.span.start;
}

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Rows for every fact, sorted by host, port range, protocol, file and position. */
export function portTable(snap: Snapshot): PortRow[] {
  return [...snap.facts].sort(factOrder(snap)).map((f) => toRow(snap, f));
}

/** "What is this mention for", for the reference's Purpose column. */
export function purposeOf(row: Pick<PortRow, 'role' | 'kind' | 'detail' | 'inEffect'>): string {
  const base = row.role ?? (row.kind === 'bind' ? `listens (${row.detail})` : row.kind === 'reference' ? `uses it (${row.detail})` : row.detail);
  return row.inEffect ? base : `${base}, overridden`;
}

/**
 * The `Service | Port | Protocol | Address | Purpose | Source` table of a port reference, as
 * lines (header, separator, one line per row). Pipes and backslashes in cells are escaped and
 * line breaks flattened, so each row stays one table row.
 */
export function markdownTable(rows: readonly PortRow[]): string[] {
  const out = ['| Service | Port | Protocol | Address | Purpose | Source |', '|---|---|---|---|---|---|'];
  for (const r of rows) out.push(`| ${cell(r.owner)} | ${r.port} | ${r.protocol} | ${cell(r.address)} | ${cell(purposeOf(r))} | ${cell(`${r.file}:${r.line}`)} |`);
  return out;
}
