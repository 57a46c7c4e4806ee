import type { SnippetKind } from '../formats/markdown/snippets';
import { formatRange, rangesOverlap } from '../model/ports';
import type { Snapshot } from '../index/workspace';
import { MAX_RELATED } from './limits';
import { type PortDiagnostic, type Rule } from './rule';
import { protocolsOverlap } from '../index/queries';
import { configuredPorts, kubernetesDocument, kubernetesRecord, portDocuments, portsOfService, serviceKey, type PlacedDocFact } from '../index/documents';
import { portsMarkdown, regionEdits, type GuideSetup } from '../index/documents';
import { docOffset } from '../formats/markdown/snippets';
import type { Location, RuleId } from '../model/facts';

function label(f: Pick<PlacedDocFact, 'ports' | 'protocol'>): string {
  return `${formatRange(f.ports)}/${f.protocol === 'both' ? 'tcp+udp' : f.protocol}`;
}

/** A service name as compared: parenthesized remarks dropped, spaces collapsed, lower case. */
function serviceName(s: string): string {
  return s.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Pairs of one document's facts compared at most: beyond it the document's remaining pairs are
 * not looked at (a document giving one port to hundreds of services still gets its first findings).
 */
export const MAX_DOC_PAIRS = 250_000;

/**
 * Calls `visit(i, j)` for every pair of indices into `facts` whose port ranges overlap
 * (protocols not compared): a sweep over the facts sorted by start, so the cost is n log n plus
 * the pairs visited (at most {@link MAX_DOC_PAIRS}), not n x n.
 */
function forEachOverlap(facts: readonly PlacedDocFact[], visit: (i: number, j: number) => void): void {
  const active: number[] = [];
  let visits = 0;
  for (const j of byStart(facts)) {
    visits += active.length;
    if (visits > MAX_DOC_PAIRS) return;
    const start = facts[j]!.ports.start;
    let kept = 0;
    for (const i of active) if (facts[i]!.ports.end >= start) active[kept++] = i;
    active.length = kept;
    for (const i of active) visit(i, j);
    active.push(j);
  }
}

/**
 * Indices of `facts` by port start, ties in index order. Ports are integers in [0, 65535], so each
 * index is sorted as the one number `start * n + index` (a typed array's numeric sort, no comparator calls).
 */
function byStart(facts: readonly PlacedDocFact[]): number[] {
  const n = facts.length;
  if (!facts.every((f) => Number.isInteger(f.ports.start) && f.ports.start >= 0 && f.ports.start <= 65535)) {
    return facts.map((_, i) => i).sort((x, y) => facts[x]!.ports.start - facts[y]!.ports.start || x - y);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = facts[i]!.ports.start * n + i;
  keys.sort();
  return Array.from(keys, (k) => k % n);
}

/** A service word without a plural `s` ("files" -> "file"); `undefined` stays. */
function singular(word: string | undefined): string | undefined {
  return word !== undefined && word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function lineNo(snap: Snapshot, f: PlacedDocFact): number {
  return snap.lineOf(f.location) + 1;
}

/** Rows of a summary table that restate an earlier row of their project drop out; the rest stand. */
function statedBinds(facts: readonly PlacedDocFact[]): PlacedDocFact[] {
  // In document order: table rows, list items, and code `port=` whose service has a name of its own.
  const rows = facts.filter((f) => f.kind === 'bind' && (f.source === 'table' || f.source === 'list' || (f.source === 'code' && serviceKey(f.service) !== undefined)))
    .sort((a, b) => a.location.span.start - b.location.span.start);
  const restated = new Set<number>();
  const restates = (summary: PlacedDocFact, d: PlacedDocFact): boolean => {
    const project = summary.project?.toLowerCase();
    return protocolsOverlap(d.protocol, summary.protocol) && (project === undefined || d.headings.some((h) => h.toLowerCase().includes(project)));
  };
  forEachOverlap(rows, (i, j) => {
    const a = rows[i]!;
    const b = rows[j]!;
    if (a.summary && !b.summary && restates(a, b)) restated.add(i);
    if (b.summary && !a.summary && restates(b, a)) restated.add(j);
  });
  return rows.filter((_, i) => !restated.has(i));
}

export const docConflict: Rule = {
  id: 'doc-conflict',
  severity: 'warning',
  description: 'A port reference document gives one port and protocol to two different services.',
  check(snap) {
    const out: PortDiagnostic[] = [];
    for (const doc of portDocuments(snap)) {
      // Components of a Helm chart or Kubernetes guide are separate Deployments, each with its own pod IP.
      const record = snap.files.get(doc.file);
      if ((record ? kubernetesRecord(snap, record) : kubernetesDocument(snap, doc.file, snap.textOf(doc.file) ?? '')) !== undefined) continue;
      const binds = statedBinds(doc.facts);
      const name = binds.map((f) => serviceName(f.service));
      // Per fact (by index, which is document order): how many others conflict, and the first MAX_RELATED of them.
      const count = new Array<number>(binds.length).fill(0);
      const firsts: number[][] = binds.map(() => []);
      const add = (i: number, j: number) => {
        count[i]!++;
        const list = firsts[i]!;
        if (list.length === MAX_RELATED && j > list[MAX_RELATED - 1]!) return;
        let k = list.length;
        while (k > 0 && list[k - 1]! > j) k--;
        list.splice(k, 0, j);
        if (list.length > MAX_RELATED) list.pop();
      };
      const key = binds.map((f) => (f.source === 'table' ? undefined : singular(serviceKey(f.service))));
      forEachOverlap(binds, (i, j) => {
        const a = binds[i]!;
        const b = binds[j]!;
        if (!protocolsOverlap(a.protocol, b.protocol) || name[i] === name[j]) return;
        // A list item names its service more loosely ("File transfer server", "Files"): the service's word decides.
        if ((a.source === 'list' || b.source === 'list' || a.source === 'code' || b.source === 'code') && (key[i] ?? singular(serviceKey(a.service))) === (key[j] ?? singular(serviceKey(b.service)))) return;
        // Code proposes a port; the document's stated plan is not wrong because of it: only the code is reported.
        if (a.source === 'code' && b.source === 'code') return;
        if (b.source !== 'code') add(i, j);
        if (a.source !== 'code') add(j, i);
      });
      for (const [i, a] of binds.entries()) {
        if (count[i] === 0) continue;
        const others = firsts[i]!.map((j) => binds[j]!);
        const first = others[0]!;
        const more = count[i]! > 1 ? ` and ${count[i]! - 1} more` : '';
        out.push({
          rule: 'doc-conflict', severity: 'warning', location: a.location,
          message: `${label(a)} is documented for "${a.service}" and also for "${first.service}" (line ${lineNo(snap, first)})${more}; one host cannot give it to both`,
          related: others.map((o) => ({ location: o.location, message: `"${o.service}" documented on ${label(o)}` })),
        });
      }
    }
    return out;
  },
};

/** A DNS name as nginx's `server_name` writes it (`registry.example.com`, `*.example.org`, `example.com.`). */
const VIRTUAL_HOST = /^(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\.?$/i;

/**
 * True when the fence of documented fact `f` says on its first line which file it stands for
 * (`# /etc/rtcd/config.toml`, `// /opt/app/compose.yaml`) and the workspace holds a file at that
 * path (its absolute path ends with it): the guide then speaks of this workspace's configuration.
 */
function namesWorkspaceFile(snap: Snapshot, text: string, f: PlacedDocFact, seen: Map<string, boolean>): boolean {
  const body = text.slice(f.row.span.start, Math.min(f.row.span.end, f.row.span.start + 300));
  const named = /^[ \t]*(?:#|\/\/|;)[ \t]*(\/[\w.@/-]+)[ \t]*\r?$/m.exec(body.split('\n', 1)[0] ?? '')?.[1];
  if (named === undefined) return false;
  let found = seen.get(named);
  if (found === undefined) seen.set(named, (found = [...snap.files.keys()].some((p) => p.endsWith(named))));
  return found;
}

export const docDrift: Rule = {
  id: 'doc-drift',
  severity: 'warning',
  description: "A documented port disagrees with what the workspace's configuration binds for that service.",
  check(snap) {
    const out: PortDiagnostic[] = [];
    const docs = portDocuments(snap);
    if (docs.length === 0) return out;
    const configured = configuredPorts(snap);
    const seen = new Map<string, boolean>();
    for (const doc of docs) {
      const facts = doc.facts.filter((f) => f.kind === 'bind' && !f.summary);
      // A guide that states no ports of its own (no table, no list) shows examples to adapt ("add
      // these ports", a remapping, another stack's sample): its snippets are checked as setups,
      // not held against this workspace.
      const states = doc.facts.some((f) => f.source === 'table' || f.source === 'list');
      const text = snap.files.get(doc.file)?.text ?? '';
      const agrees = (f: PlacedDocFact, ports: ReturnType<typeof portsOfService>) =>
        ports.some((c) => protocolsOverlap(c.protocol, f.protocol) && (rangesOverlap(c.ports, f.ports) || (f.target !== undefined && rangesOverlap(c.ports, f.target))));
      for (const f of facts) {
        // An nginx snippet's server block is named by its server_name: a virtual host, not the
        // program behind it ("registry.example.com" listens on 443 and proxies to registry's 5000).
        if (f.source === 'fence' && ((!states && !namesWorkspaceFile(snap, text, f, seen)) || VIRTUAL_HOST.test(f.service))) continue;
        const ports = portsOfService(configured, f.service);
        if (ports.length === 0 || agrees(f, ports)) continue;
        if (f.source === 'fence') {
          const key = serviceKey(f.service);
          const alternatives = facts.filter((g) => g.source === 'fence' && g.detail === f.detail && serviceKey(g.service) === key);
          if (alternatives.some((g) => agrees(g, ports))) continue;
        }
        const distinct = [...new Map(ports.map((c) => [`${formatRange(c.ports)}/${c.protocol === 'both' ? 'tcp+udp' : c.protocol}`, c])).entries()];
        const shown = distinct.slice(0, 4).map(([l, c]) => `${l} (${snap.where(c.location)})`).join(', ');
        out.push({
          rule: 'doc-drift', severity: 'warning', location: f.location,
          message: `documented ${label(f)} for "${f.service}", but the configuration gives ${serviceKey(f.service)} ${shown}${distinct.length > 4 ? ` and ${distinct.length - 4} more` : ''}`,
          related: ports.map((c) => ({ location: c.location, message: c.label })),
        });
      }
    }
    return out;
  },
};

export const docStale: Rule = {
  id: 'doc-stale',
  severity: 'information',
  description: 'A generated port table region is out of date.',
  check(snap) {
    const out: PortDiagnostic[] = [];
    const docs = portDocuments(snap).filter((d) => d.regions.length > 0);
    if (docs.length === 0) return out;
    const table = portsMarkdown(snap);
    for (const doc of docs) {
      const text = snap.files.get(doc.file)?.text ?? '';
      for (const e of regionEdits(doc.regions, text, table)) {
        out.push({
          rule: 'doc-stale', severity: 'information', location: { file: doc.file, span: e.region.begin },
          message: `the generated port table (to line ${snap.lineOf({ file: doc.file, span: e.region.end }) + 1}) is out of date; regenerate it with the quick fix, the "Portolan: Update Generated Port Tables" command or \`portolan ports --format markdown --write ${snap.display(doc.file)}\``,
          related: [],
          data: { start: e.region.body.start, end: e.region.body.end, newText: e.newText },
        });
      }
    }
    return out;
  },
};

/** The rules a guide's setups are checked with, as the files of a host of their own. */
export const GUIDE_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['port-conflict', 'rtcd-mismatch', 'public-exposure', 'invalid-port', 'unknown-rtcd-key']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `rule`'s diagnostics in the setups of guides (see `guideSetupsIn`), moved into the guides:
 * every location on the Markdown digits of the snippet (a default written nowhere goes to the
 * start of the fence's body), the message prefixed with `In this guide's "<section>" setup: `
 * and each `<virtual path>:<line>` in it replaced by `line <line>` of the guide. Only rules of
 * {@link GUIDE_RULES} are run; `data` is kept, with `guide: true` added.
 */
/** Snippet kinds that start containers: a compose file and a `docker run` line describe the same launch. */
const LAUNCHERS: ReadonlySet<SnippetKind> = new Set(['compose', 'shell']);

/**
 * True when every other binder of a guide's port-conflict is in a snippet of the same kind as the
 * finding's own (two TOML tabs of one option, two nginx blocks), or both start containers (a
 * compose example and its `docker run` equivalent, "if you can't use compose"): a guide shows
 * one program in alternative ways far more often than two programs on one port. Conflicts across
 * programs (an nginx block on rtcd's ICE port) stay.
 */
function sameProgramTwice(byPath: ReadonlyMap<string, { kind: SnippetKind }>, d: PortDiagnostic): boolean {
  const own = byPath.get(d.location.file)?.kind;
  if (own === undefined || d.related.length === 0) return false;
  return d.related.every((r) => {
    const other = byPath.get(r.location.file)?.kind;
    return other !== undefined && (other === own || (LAUNCHERS.has(own) && LAUNCHERS.has(other)));
  });
}

export function guideDiagnostics(setups: readonly GuideSetup[], rule: Rule): PortDiagnostic[] {
  if (!GUIDE_RULES.has(rule.id)) return [];
  const out: PortDiagnostic[] = [];
  for (const setup of setups) {
    const byPath = new Map(setup.snippets.map((s) => [s.path, s]));
    const move = (loc: Location): Location | undefined => {
      const s = byPath.get(loc.file);
      if (!s) return undefined;
      const start = docOffset(s, loc.span.start);
      return { file: setup.file, span: { start, end: Math.max(start, docOffset(s, loc.span.end)) } };
    };
    let message = (m: string) => m;
    for (const s of setup.snippets) {
      const pattern = new RegExp(`${escapeRegExp(setup.snapshot.display(s.path))}:(\\d+)`, 'g');
      const first = s.line + 1;
      const prev = message;
      message = (m) => prev(m).replace(pattern, (_, n: string) => `line ${Math.max(Number(n), first)}`);
    }
    const where = setup.title === '' ? "In this guide's setup: " : `In this guide's "${setup.title}" setup: `;
    // The setup's snapshot is kept with the guide's text: its findings are computed once.
    for (const d of setup.snapshot.memo(rule.check)) {
      const location = move(d.location);
      if (!location) continue;
      if (d.rule === 'port-conflict' && sameProgramTwice(byPath, d)) continue;
      const related = d.related.flatMap((r) => {
        const l = move(r.location);
        return l ? [{ location: l, message: message(r.message) }] : [];
      });
      out.push({ ...d, location, message: where + message(d.message), related, data: { ...(d.data ?? {}), guide: true } });
    }
  }
  return out;
}
