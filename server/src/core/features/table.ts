/**
 * The port tree behind the Ports view (host, project, port, mention, with the diagnostics on each) and the
 * Markdown port reference that `ports --format markdown` and "Export Port Reference" write.
 */
import { GENERATED_REFERENCE } from '../formats/markdown/portdoc';
import { factOrder, markdownTable, toRow, type PortRow } from '../index/table';
import type { Snapshot } from '../index/workspace';
import type { Location, PortFact, RuleId, Severity } from '../model/facts';
import { type PortDiagnostic } from '../rules/rule';

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

/**
 * One group of a host's mentions: a compose project (`project` is its id relative to its
 * workspace folder, as `Placement.project` gives it: a directory, a compose file run on its own,
 * or "" for a project at the folder's top level), or the host's files in no project (`project`
 * undefined: nginx, ufw, systemd units, scripts).
 */
export interface TreeProject {
  project?: string;
  /**
   * Name for display: the project's id ("opt/jitsi"), the folder's name for a project at its top
   * level, "files in no project" for the rest; prefixed with the folder's name ("a/opt/jitsi",
   * "a: files in no project") when the workspace has several folders.
   */
  label: string;
  ports: TreePort[];
}

/** One host of the port tree. */
export interface TreeHost {
  host: string;
  /**
   * True when the host's mentions (before filtering) come from more than one group, so the view
   * shows a level per project; false when they all come from one (a project that is its own host,
   * or a folder without projects): then `projects` has exactly one entry and the view lists its
   * ports directly under the host.
   */
  byProject: boolean;
  /** The groups with at least one port: files in no project first, then projects by label. */
  projects: TreeProject[];
}

/** The port tree's filters: every port, ports with a problem, ports rtcd or Calls mention. */
export type PortTreeFilter = 'all' | 'problems' | 'rtcd';

const SEVERITY_RANK: Record<Severity, number> = { error: 4, warning: 3, information: 2, hint: 1 };

/** Facts of one host or group, in {@link factOrder}, as ports with their mentions and problems. */
function portsOf(snap: Snapshot, facts: readonly PortFact[], byFile: ReadonlyMap<string, PortDiagnostic[]>): TreePort[] {
  const ports: TreePort[] = [];
  for (const f of facts) {
    const row = toRow(snap, f);
    let port = ports[ports.length - 1];
    if (!port || port.port !== row.port || port.protocol !== row.protocol) ports.push((port = { port: row.port, protocol: row.protocol, mentions: [], rtcd: false }));
    const problems = (byFile.get(f.location.file) ?? [])
      .filter((d) => d.location.span.start < f.location.span.end && f.location.span.start < d.location.span.end)
      .map((d) => ({ rule: d.rule, severity: d.severity, message: d.message }));
    port.mentions.push({ ...row, location: f.location, problems });
    if (f.role?.startsWith('rtcd') || f.role?.startsWith('calls') || /\brtcd\b/i.test(f.owner)) port.rtcd = true;
    for (const p of problems) if (!port.worst || SEVERITY_RANK[p.severity] > SEVERITY_RANK[port.worst]) port.worst = p.severity;
  }
  return ports;
}

/** The facts in {@link factOrder}, split by host (in that order); each host's facts keep the order. */
function factsByHost(snap: Snapshot): Map<string, PortFact[]> {
  const hosts = new Map<string, PortFact[]>();
  for (const f of [...snap.facts].sort(factOrder(snap))) (hosts.get(f.host) ?? hosts.set(f.host, []).get(f.host)!).push(f);
  return hosts;
}

function diagnosticsByFile(diagnostics: readonly PortDiagnostic[]): Map<string, PortDiagnostic[]> {
  const byFile = new Map<string, PortDiagnostic[]>();
  for (const d of diagnostics) (byFile.get(d.location.file) ?? byFile.set(d.location.file, []).get(d.location.file)!).push(d);
  return byFile;
}

const keepPort = (filter: PortTreeFilter) => (p: TreePort) => (filter === 'all' ? true : filter === 'problems' ? p.worst !== undefined : p.rtcd);

/** A fact's group: its file's compose project when the file is placed on the fact's host, with a sort key and label. */
function groupOf(snap: Snapshot, f: PortFact): { key: string; project?: string; label: string } {
  const p = snap.placementOf(f.location.file);
  const root = snap.roots.filter((r) => f.location.file.startsWith(r.path.endsWith('/') ? r.path : r.path + '/')).sort((a, b) => b.path.length - a.path.length)[0];
  const prefix = snap.roots.length > 1 && root ? root.name : '';
  // Sort key: folder, then files in no project ("0") before projects ("1" + id).
  if (p.project === undefined || p.host !== f.host || !root) return { key: `${prefix}\u00000`, label: prefix ? `${prefix}: files in no project` : 'files in no project' };
  const label = p.project === '' ? root.name : prefix ? `${prefix}/${p.project}` : p.project;
  return { key: `${prefix}\u00001${p.project}`, project: p.project, label };
}

/**
 * The port table as a tree: host → project → port/protocol → mention, in {@link portTable}'s
 * order within each group. A project is the compose project the deployment inference (or the
 * mirror layout) puts a mention's file in; mentions in no project form one group per folder.
 * A port that files of two groups mention appears under both, each with its own mentions. A
 * diagnostic is attached to every mention whose location it overlaps (same file, overlapping
 * spans). `filter` keeps all ports, those with a problem, or those rtcd or Calls mention; groups
 * and hosts left without ports are dropped, `byProject` is decided before filtering.
 */
export function portTree(snap: Snapshot, diagnostics: readonly PortDiagnostic[], filter: PortTreeFilter = 'all'): TreeHost[] {
  const byFile = diagnosticsByFile(diagnostics);
  const keep = keepPort(filter);
  const hosts: TreeHost[] = [];
  for (const [host, facts] of factsByHost(snap)) {
    const groups = new Map<string, { project?: string; label: string; facts: PortFact[] }>();
    for (const f of facts) {
      const g = groupOf(snap, f);
      let group = groups.get(g.key);
      if (!group) groups.set(g.key, (group = { ...(g.project !== undefined ? { project: g.project } : {}), label: g.label, facts: [] }));
      group.facts.push(f);
    }
    const projects = [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, g]) => ({ ...(g.project !== undefined ? { project: g.project } : {}), label: g.label, ports: portsOf(snap, g.facts, byFile).filter(keep) }))
      .filter((g) => g.ports.length > 0);
    if (projects.length > 0) hosts.push({ host, byProject: groups.size > 1, projects });
  }
  return hosts;
}

/** Host → port/protocol → mention, without the project level (the Markdown reference's tables). */
function hostPorts(snap: Snapshot, diagnostics: readonly PortDiagnostic[]): { host: string; ports: TreePort[] }[] {
  const byFile = diagnosticsByFile(diagnostics);
  return [...factsByHost(snap)].map(([host, facts]) => ({ host, ports: portsOf(snap, facts, byFile) }));
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
  const tree = hostPorts(snap, diagnostics)
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
