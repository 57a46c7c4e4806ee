/**
 * Rules re-run by host: {@link IncrementalRules} keeps, for each host, what the rules that
 * split by host (`Rule.byHost`) reported on that host's part of the last snapshot, and on the
 * next snapshot re-runs them only on the hosts whose part changed. Rules that do not split, and
 * the global half of those that do (the Calls rtcd URL), run over the whole snapshot each time.
 * The result is {@link runRules}'s on the same snapshot (test/incremental.test.ts compares).
 *
 * A host's part is every fact, workload and environment assignment placed on it, the findings
 * and file records of the files on it; it "changed" when any of these differs (by identity, or
 * for copies the resolver makes on every snapshot, by value). Per-host rules read other
 * hosts' files only through the whole snapshot's file records (a Dockerfile's text), which
 * are not part of the comparison: a host is re-checked when a file on it changes.
 */
import type { PortFact, RuleId } from '../model/facts';
import { FactLookup } from '../index/lookup';
import { HostGroups } from '../index/shards';
import type { SnapshotGroup } from '../index/snapshot';
import type { FileRecord, PlacedEnv, PlacedFinding, PlacedWorkload, Snapshot } from '../index/workspace';
import { RULES, settleRules, type RuleSettingsArg } from './index';
import type { PortDiagnostic, Rule } from './rule';

/** What one host group contributes to a snapshot (a {@link SnapshotGroup} when the index resolved by group). */
type HostPart = Pick<SnapshotGroup, 'facts' | 'workloads' | 'env' | 'findings' | 'files'>;

/** A part being collected by {@link partsOf}. */
interface NewPart {
  facts: PortFact[];
  workloads: PlacedWorkload[];
  env: PlacedEnv[];
  findings: PlacedFinding[];
  files: FileRecord[];
}

/** One host group's part and what each per-host rule reported on it (by rule id; absent: not run yet, or it threw). */
interface HostEntry {
  part: HostPart;
  found: Map<RuleId, PortDiagnostic[]>;
}

function newPart(): NewPart {
  return { facts: [], workloads: [], env: [], findings: [], files: [] };
}

/**
 * Pairs of hosts that must be checked together: two hosts with facts or workloads in one network
 * namespace (compose files of one project placed on two hosts), or a fact placed on one host
 * whose mention is in a file on another. Instance keys are not links: they name a process
 * within its host (`systemd:api.service` on every host that has that unit). Usually empty.
 */
function hostLinks(snap: Snapshot): [string, string][] {
  const links: [string, string][] = [];
  const netnsHost = new Map<string, string>();
  const inNetns = (netns: string | undefined, host: string): void => {
    if (netns === undefined) return;
    const other = netnsHost.get(netns);
    if (other === undefined) netnsHost.set(netns, host);
    else if (other !== host) links.push([other, host]);
  };
  let file: string | undefined;
  let fileHost = '';
  for (const f of snap.facts) {
    inNetns(f.netns, f.host);
    // Facts come file by file: ask a file's host once per run of its facts (comparing ids
    // instead costs more: they are concatenated strings, flattened on every read).
    const at = f.location.file;
    if (at !== file) fileHost = snap.hostOf((file = at));
    if (fileHost !== f.host) links.push([fileHost, f.host]);
  }
  for (const w of snap.workloads) inNetns(w.netns, w.host);
  return links;
}

/** Each linked host's group key (the group's host names, sorted, joined by NUL); hosts with no link are their own group. */
function groupsOf(links: readonly [string, string][]): Map<string, string> {
  const groups = new HostGroups();
  for (const [a, b] of links) groups.join(a, b);
  return groups.keys();
}

/** Every host group's part of `snap` (see {@link hostLinks}), by group key (a lone host's is its name), each in snapshot order. Linear in the snapshot. */
function partsOf(snap: Snapshot): Map<string, HostPart> {
  // The index's groups join at least the hosts hostLinks would (shards.ts).
  if (snap.groups) return new Map(snap.groups.map((g) => [g.key, g]));
  const links = hostLinks(snap);
  const groups = links.length > 0 ? groupsOf(links) : undefined;
  const parts = new Map<string, NewPart>();
  let lastHost: string | undefined;
  let last = newPart();
  const of = (host: string): NewPart => {
    if (host === lastHost) return last;
    const key = groups?.get(host) ?? host;
    lastHost = host;
    last = parts.get(key) ?? parts.set(key, newPart()).get(key)!;
    return last;
  };
  for (const f of snap.facts) of(f.host).facts.push(f);
  for (const w of snap.workloads) of(w.host).workloads.push(w);
  for (const e of snap.env) of(e.host).env.push(e);
  for (const f of snap.findings) of(snap.hostOf(f.file)).findings.push(f);
  for (const r of snap.files.values()) of(snap.hostOf(r.path)).files.push(r);
  return parts;
}

/** Structural equality of plain data (facts, findings): arrays and plain objects by content, anything else by identity. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameValue((a as Record<string, unknown>)[k], rb[k]));
}

function sameList<T>(a: readonly T[], b: readonly T[], byValue: boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(byValue && sameValue(a[i], b[i]))) return false;
  return true;
}

function samePart(a: HostPart, b: HostPart): boolean {
  if (a === b) return true;
  return sameList(a.files, b.files, false) && sameList(a.workloads, b.workloads, false) && sameList(a.env, b.env, false) &&
    sameList(a.facts, b.facts, true) && sameList(a.findings, b.findings, true);
}

/** `snap` seen through one host's part: its facts, workloads, environment and findings only, with a lookup of its own. */
function partView(snap: Snapshot, part: HostPart): Snapshot {
  let lookup: FactLookup | undefined;
  // Everything else is read through to the snapshot (not copied: that would join its facts).
  const own = (value: unknown): PropertyDescriptor => ({ value, enumerable: true });
  return Object.freeze(Object.create(snap, {
    facts: own(part.facts),
    workloads: own(part.workloads),
    env: own(part.env),
    findings: own(part.findings),
    lookup: own(() => (lookup ??= new FactLookup(part.facts, part.workloads))),
  }) as Snapshot);
}

/** The rules that split by host. */
const SPLIT: readonly Rule[] = RULES.filter((r) => r.byHost !== undefined);

/**
 * Runs the rules over successive snapshots of one index, re-running per-host rules only on the
 * hosts whose part changed since the previous call. Owned by one session (not shared); holds
 * the per-host diagnostics of the last snapshot it saw (their memory is the diagnostics').
 */
export class IncrementalRules {
  private hosts = new Map<string, HostEntry>();
  /** The groups of the last snapshot run, when the index resolved it by group. */
  private groups: Snapshot['groups'];
  /** Keys of the entries whose per-host rules have not run yet. */
  private readonly unfilled = new Set<string>();
  private roots: Snapshot['roots'] | undefined;
  /** Hosts re-checked by the last {@link run} (for tests and measurements). */
  lastRechecked = 0;

  /**
   * {@link runRules}`(snap, settings, onError)`: the same diagnostics in the same order, with
   * per-host rules answered from the cache for the hosts whose part did not change. A snapshot
   * with other roots (a settings change) starts a new cache.
   */
  run(snap: Snapshot, settings: RuleSettingsArg = {}, onError: (rule: RuleId, e: unknown) => void = () => undefined): PortDiagnostic[] {
    if (this.roots !== snap.roots) {
      this.hosts = new Map();
      this.groups = undefined;
    }
    this.roots = snap.roots;
    this.lastRechecked = this.update(snap);
    const failed = this.fill(snap);
    return settleRules(snap, settings, onError, (rule) => this.check(snap, rule, failed));
  }

  /** Brings the per-group entries up to `snap`; returns how many groups need their rules run. */
  private update(snap: Snapshot): number {
    const groups = snap.groups;
    const prev = this.groups;
    this.groups = groups;
    let rechecked = 0;
    const put = (key: string, part: HostPart, old: HostEntry | undefined, into: Map<string, HostEntry>): void => {
      // Same content: keep the diagnostics computed from the old part.
      if (old && samePart(old.part, part)) {
        into.set(key, { part, found: old.found });
        // A rule that threw on it last time is tried again.
        if (old.found.size < SPLIT.length) this.unfilled.add(key);
      } else {
        into.set(key, { part, found: new Map() });
        this.unfilled.add(key);
        rechecked++;
      }
    };
    // The index's groups in the same order with the same keys: only the changed ones are looked at.
    if (groups && prev && groups.length === prev.length && groups.every((g, i) => g === prev[i] || g.key === prev[i]!.key)) {
      groups.forEach((g, i) => {
        if (g !== prev[i]) put(g.key, g, this.hosts.get(g.key), this.hosts);
      });
      return rechecked;
    }
    const next = new Map<string, HostEntry>();
    this.unfilled.clear();
    for (const [host, part] of partsOf(snap)) put(host, part, this.hosts.get(host), next);
    this.hosts = next;
    return rechecked;
  }

  /**
   * Runs every per-host rule on each host group that lacks its findings, one group at a time so
   * that only one group's view and lookup is alive at once. Returns the first error each rule
   * threw, to be reported when the rule is asked for (a rule that is off is never asked).
   */
  private fill(snap: Snapshot): Map<RuleId, unknown> {
    const failed = new Map<RuleId, unknown>();
    for (const key of this.unfilled) {
      const entry = this.hosts.get(key);
      if (!entry) {
        this.unfilled.delete(key);
        continue;
      }
      let view: Snapshot | undefined;
      for (const rule of SPLIT) {
        if (entry.found.has(rule.id) || failed.has(rule.id)) continue;
        view ??= partView(snap, entry.part);
        try {
          entry.found.set(rule.id, rule.byHost === true ? rule.check(view) : rule.byHost!.host(view));
        } catch (e) {
          failed.set(rule.id, e);
        }
      }
      if (entry.found.size === SPLIT.length) this.unfilled.delete(key);
    }
    return failed;
  }

  /** One rule's findings over `snap`: per host from {@link fill}'s cache, else `rule.check`. Throws what the rule threw. */
  private check(snap: Snapshot, rule: Rule, failed: ReadonlyMap<RuleId, unknown>): PortDiagnostic[] {
    const split = rule.byHost;
    if (!split) return rule.check(snap);
    if (failed.has(rule.id)) throw failed.get(rule.id);
    const out: PortDiagnostic[] = split === true ? [] : split.global(snap);
    for (const entry of this.hosts.values()) for (const d of entry.found.get(rule.id) ?? []) out.push(d);
    return out;
  }
}
