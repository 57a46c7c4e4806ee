/**
 * The workspace port table: one row per mention, ordered by host, port and protocol. Shared by
 * the CLI's `ports` command and the editor's views.
 */
import { GENERATED_REFERENCE } from './formats/portdoc';
import type { Location, PortFact, RuleId, Severity } from './model';
import { formatRange } from './ports';
import { roleLabel, type PortDiagnostic } from './rules/rule';
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

function toRow(snap: Snapshot, f: PortFact): PortRow {
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
function factOrder(snap: Snapshot): (a: PortFact, b: PortFact) => number {
  const proto = (f: PortFact) => (f.protocol === 'both' ? 'tcp+udp' : f.protocol);
  return (a, b) =>
    a.host.localeCompare(b.host) || a.ports.start - b.ports.start || a.ports.end - b.ports.end || proto(a).localeCompare(proto(b)) ||
    snap.display(a.location.file).localeCompare(snap.display(b.location.file)) || a.location.span.start - b.location.span.start;
}

/** Rows for every fact, sorted by host, port range, protocol, file and position. */
export function portTable(snap: Snapshot): PortRow[] {
  return [...snap.facts].sort(factOrder(snap)).map((f) => toRow(snap, f));
}

/** A problem attached to a mention in the port tree. */
export interface MentionProblem {
  rule: RuleId;
  severity: Severity;
  message: string;
}

/** One mention of a port in the port tree: a table row with its location and its problems. */
export interface TreeMention extends PortRow {
  location: Location;
  problems: MentionProblem[];
}

/** A port and protocol on one host, with every mention of it. */
export interface TreePort {
  /** "8443", "10000-20000" (inclusive). */
  port: string;
  /** "tcp", "udp", "tcp+udp" or "sctp". */
  protocol: string;
  mentions: TreeMention[];
  /** The worst severity among the mentions' problems, if any. */
  worst?: Severity;
  /** True when rtcd or the Calls plugin mentions this port. */
  rtcd: boolean;
}

/** One host of the port tree. */
export interface TreeHost {
  host: string;
  ports: TreePort[];
}

/** The port tree's filters: every port, ports with a problem, ports rtcd or Calls mention. */
export type PortTreeFilter = 'all' | 'problems' | 'rtcd';

const SEVERITY_RANK: Record<Severity, number> = { error: 4, warning: 3, information: 2, hint: 1 };

/**
 * The port table as a tree: host → port/protocol → mention, in {@link portTable}'s order. A
 * diagnostic is attached to every mention whose location it overlaps (same file, overlapping
 * spans). `filter` keeps all ports, those with a problem, or those rtcd or Calls mention.
 */
export function portTree(snap: Snapshot, diagnostics: readonly PortDiagnostic[], filter: PortTreeFilter = 'all'): TreeHost[] {
  const byFile = new Map<string, PortDiagnostic[]>();
  for (const d of diagnostics) byFile.set(d.location.file, [...(byFile.get(d.location.file) ?? []), d]);
  const facts = [...snap.facts].sort(factOrder(snap));
  const hosts: TreeHost[] = [];
  for (const f of facts) {
    const row = toRow(snap, f);
    let host = hosts[hosts.length - 1];
    if (!host || host.host !== row.host) hosts.push((host = { host: row.host, ports: [] }));
    let port = host.ports[host.ports.length - 1];
    if (!port || port.port !== row.port || port.protocol !== row.protocol) host.ports.push((port = { port: row.port, protocol: row.protocol, mentions: [], rtcd: false }));
    const problems = (byFile.get(f.location.file) ?? [])
      .filter((d) => d.location.span.start < f.location.span.end && f.location.span.start < d.location.span.end)
      .map((d) => ({ rule: d.rule, severity: d.severity, message: d.message }));
    port.mentions.push({ ...row, location: f.location, problems });
    if (f.role?.startsWith('rtcd') || f.role?.startsWith('calls') || /\brtcd\b/i.test(f.owner)) port.rtcd = true;
    for (const p of problems) if (!port.worst || SEVERITY_RANK[p.severity] > SEVERITY_RANK[port.worst]) port.worst = p.severity;
  }
  if (filter === 'all') return hosts;
  const keep = (p: TreePort) => (filter === 'problems' ? p.worst !== undefined : p.rtcd);
  return hosts.map((h) => ({ host: h.host, ports: h.ports.filter(keep) })).filter((h) => h.ports.length > 0);
}

/** "What is this mention for", for the reference's Purpose column. */
export function purposeOf(row: Pick<PortRow, 'role' | 'kind' | 'detail' | 'inEffect'>): string {
  const base = row.role ?? (row.kind === 'bind' ? `listens (${row.detail})` : row.kind === 'reference' ? `uses it (${row.detail})` : row.detail);
  return row.inEffect ? base : `${base}, overridden`;
}

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

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

/**
 * A Markdown port reference of the whole workspace, in the shape operators write by hand: a
 * section per host with a `Service | Port | Protocol | Address | Purpose | Source` table, then
 * the host's problems. `title` names the workspace. Deterministic (no dates, no file counts) and
 * rows read from Markdown documents are left out, so a committed reference only changes when the
 * configuration's ports do, and writing it into the workspace does not change the next one.
 */
export function portReference(snap: Snapshot, diagnostics: readonly PortDiagnostic[], title: string): string {
  const lines = [`${GENERATED_REFERENCE} generated by Portolan; regenerate it instead of editing it -->`, `# Port reference: ${title}`, '', 'Every port mentioned in the configuration files, by host.'];
  // Documents are not a source: a reference never lists rows read from another reference.
  const fromDocs = (m: TreeMention) => snap.files.get(m.location.file)?.format === 'markdown';
  const tree = portTree(snap, diagnostics)
    .map((h) => ({ host: h.host, ports: h.ports.map((p) => ({ ...p, mentions: p.mentions.filter((m) => !fromDocs(m)) })).filter((p) => p.mentions.length > 0) }))
    .filter((h) => h.ports.length > 0);
  for (const host of tree) {
    lines.push('', `## Host \`${host.host}\``, '', ...markdownTable(host.ports.flatMap((p) => p.mentions)));
    const problems = diagnostics.filter((d) => d.rule !== 'unused-suppression' && snap.files.has(d.location.file) && snap.hostOf(d.location.file) === host.host);
    if (problems.length > 0) {
      lines.push('', 'Problems:', '');
      for (const d of problems) lines.push(`- ${d.severity} \`${d.rule}\` at ${snap.where(d.location)}: ${d.message.replace(/\r?\n/g, ' ')}`);
    }
  }
  if (tree.length === 0) lines.push('', 'No ports found.');
  return lines.join('\n') + '\n';
}
