/**
 * The workspace's placed files by host, and their resolution by group of hosts, kept by the
 * index between snapshots: an edit changes one host's shard, and only the group holding that
 * host is resolved again; every other group's resolved part is the same object as before.
 *
 * Hosts are resolved (and checked by the per-host rules) together when anything joins them:
 * - a network namespace named on both (compose files of one project placed on two hosts);
 * - a fact, environment assignment or workload on one host that is written in a file on the
 *   other, or a compose service on one building a Dockerfile on the other;
 * - a bind mount or Dockerfile copy that moves a file on the other host into a container (the
 *   resolver reports these; a group whose resolution moves a file from outside it is merged with
 *   that file's host and resolved again).
 *
 * A group's resolved part is reused while its shards are the same objects and the list of
 * files with a format is unchanged (mount sources are matched against every file). Resolving
 * the groups one by one gives the facts {@link resolveSnapshot} gives for the whole workspace,
 * in group order (test/shards.test.ts compares).
 */
import type { PortFact } from '../model/facts';
import type { Placement } from './deployments';
import type { HostMap } from './hosts';
import type { PlacedEnv, PlacedFile, PlacedFinding, PlacedWorkload } from './placed';
import { resolveFacts, type ResolveMemo, type ResolveScope } from './resolve';
import { memoTable, placedSnapshot, type FileRecord, type SnapshotGroup, type TextLookup } from './snapshot';

/** One file as a shard holds it: its placed contribution, frozen record and placement. */
export interface ShardFile {
  readonly path: string;
  readonly placed: PlacedFile;
  readonly record: FileRecord;
  readonly placement: Placement;
}

/** One host's files, in path order. Never changed: an edit makes a new shard. */
interface HostShard {
  readonly host: string;
  readonly files: readonly ShardFile[];
  /** Network namespaces its facts and workloads name. */
  readonly netns: readonly string[];
  /** Other files its facts, environment and workloads are written in or build (see the module comment). */
  readonly mentions: readonly string[];
}

/** A resolved group: the shards it was resolved from, and what it gave. */
interface GroupState {
  readonly shards: readonly HostShard[];
  /** The {@link ShardScope.version} it was resolved with. */
  readonly version: number;
  readonly part: SnapshotGroup;
  /** Host pairs its resolution joined: a file moved into a container by a file on another host. */
  readonly joins: readonly (readonly [string, string])[];
}

/** The whole workspace's files with a format, as group resolution matches mounts against them; `version` changes whenever `files` does. */
export interface ShardScope extends ResolveScope {
  readonly version: number;
}

function samePlacement(a: Placement, b: Placement): boolean {
  return a.host === b.host && a.project === b.project && a.rule === b.rule && a.composeOrder === b.composeOrder && a.reason === b.reason;
}

/** Index of `path` in `files` (path order), or of where it would go, negated minus one. */
function find(files: readonly ShardFile[], path: string): number {
  let lo = 0;
  let hi = files.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = files[mid]!.path;
    if (p === path) return mid;
    if (p < path) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

function makeShard(host: string, files: readonly ShardFile[]): HostShard {
  const netns = new Set<string>();
  const mentions = new Set<string>();
  for (const { path, placed } of files) {
    const mention = (file: string): void => {
      if (file !== path) mentions.add(file);
    };
    for (const f of placed.facts) {
      if (f.netns !== undefined) netns.add(f.netns);
      mention(f.location.file);
    }
    for (const w of placed.workloads) {
      if (w.netns !== undefined) netns.add(w.netns);
      for (const e of w.env) mention(e.valueLocation.file);
      if (w.build) mention(w.build.dockerfile);
    }
    for (const e of placed.env) mention(e.valueLocation.file);
  }
  return { host, files, netns: [...netns], mentions: [...mentions] };
}

/** Union-find over host names; a host never joined is its own group. */
export class HostGroups {
  private readonly parent = new Map<string, string>();

  private root(h: string): string {
    let r = h;
    for (let p = this.parent.get(r); p !== undefined && p !== r; p = this.parent.get(r)) r = p;
    if (r !== h) this.parent.set(h, r);
    return r;
  }

  join(a: string, b: string): void {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra === rb) return;
    this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
    if (!this.parent.has(ra < rb ? ra : rb)) this.parent.set(ra < rb ? ra : rb, ra < rb ? ra : rb);
  }

  /** Each joined host's group key: the group's host names, sorted, joined by NUL. Hosts not in the map are groups of their own (key: the host). */
  keys(): Map<string, string> {
    const members = new Map<string, string[]>();
    for (const h of this.parent.keys()) {
      const r = this.root(h);
      (members.get(r) ?? members.set(r, []).get(r)!).push(h);
    }
    const out = new Map<string, string>();
    for (const list of members.values()) {
      const key = list.sort().join('\u0000');
      for (const h of list) out.set(h, key);
    }
    return out;
  }
}

/**
 * The placed files by host and their resolution by group. Owned by one {@link WorkspaceIndex};
 * {@link put} records a file's change, {@link resolve} brings the groups up to date.
 */
export class HostShards {
  private readonly shards = new Map<string, HostShard>();
  /** Path -> host of the shard that holds it. */
  private readonly where = new Map<string, string>();
  /** Network namespace -> hosts whose shards name it; `shared` holds those named on more than one. */
  private readonly netnsHosts = new Map<string, Set<string>>();
  private readonly shared = new Set<string>();
  /** Hosts whose shard has mentions. */
  private readonly mentioning = new Set<string>();
  private groups = new Map<string, GroupState>();
  /**
   * What the last {@link resolve} left, for the next one to take the short way (only changed
   * shards' groups, same membership, same order): each joined host's group key, the parts in
   * order with each key's position, and the host map and scope version they were made with.
   */
  private last: { keys: ReadonlyMap<string, string>; parts: readonly SnapshotGroup[]; position: ReadonlyMap<string, number>; hosts: HostMap; version: number } | undefined;
  /** Hosts whose shard changed since the last resolve, and whether any change could move a host to another group (a shard made or emptied, its namespaces or mentions changed). */
  private readonly changed = new Set<string>();
  private linksChanged = false;

  /** Changes recorded by {@link put} and not yet applied, by host: path -> the file, or undefined to remove it. */
  private readonly pending = new Map<string, Map<string, ShardFile | undefined>>();

  /**
   * Records one file's placed contribution (`undefined`: it has none any more). Its host's shard
   * is replaced (on the next {@link resolve}, once per host however many of its files changed)
   * only when the placed contribution, the record or the placement differs.
   */
  put(path: string, file: ShardFile | undefined): void {
    const oldHost = this.where.get(path);
    if (oldHost !== undefined) {
      const pending = this.pending.get(oldHost);
      const files = this.shards.get(oldHost)?.files ?? [];
      const i = find(files, path);
      const old = pending?.has(path) ? pending.get(path) : i >= 0 ? files[i] : undefined;
      if (file && old && file.placement.host === oldHost && old.placed === file.placed && old.record === file.record && samePlacement(old.placement, file.placement)) return;
      if (!file || file.placement.host !== oldHost) {
        this.change(oldHost, path, undefined);
        this.where.delete(path);
      }
    }
    if (!file) return;
    this.change(file.placement.host, path, file);
    this.where.set(path, file.placement.host);
  }

  private change(host: string, path: string, file: ShardFile | undefined): void {
    (this.pending.get(host) ?? this.pending.set(host, new Map()).get(host)!).set(path, file);
  }

  /** Applies the recorded changes: one new shard per changed host. */
  private flush(): void {
    for (const [host, changes] of this.pending) {
      const kept = (this.shards.get(host)?.files ?? []).filter((f) => !changes.has(f.path));
      const added = [...changes.values()].filter((f): f is ShardFile => f !== undefined);
      this.replace(host, added.length === 0 ? kept : [...kept, ...added].sort((a, b) => (a.path < b.path ? -1 : 1)));
    }
    this.pending.clear();
  }

  /** Every path a shard holds. */
  paths(): IterableIterator<string> {
    return this.where.keys();
  }

  private replace(host: string, files: readonly ShardFile[]): void {
    const old = this.shards.get(host);
    this.changed.add(host);
    for (const ns of old?.netns ?? []) {
      const hosts = this.netnsHosts.get(ns)!;
      hosts.delete(host);
      if (hosts.size === 0) this.netnsHosts.delete(ns);
      if (hosts.size <= 1) this.shared.delete(ns);
    }
    if (files.length === 0) {
      this.shards.delete(host);
      this.mentioning.delete(host);
      this.linksChanged = true;
      return;
    }
    const shard = makeShard(host, files);
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (!old || !same(old.netns, shard.netns) || !same(old.mentions, shard.mentions)) this.linksChanged = true;
    this.shards.set(host, shard);
    for (const ns of shard.netns) {
      const hosts = this.netnsHosts.get(ns) ?? this.netnsHosts.set(ns, new Set()).get(ns)!;
      hosts.add(host);
      if (hosts.size > 1) this.shared.add(ns);
    }
    if (shard.mentions.length > 0) this.mentioning.add(host);
    else this.mentioning.delete(host);
  }

  /** The host of a path: its shard's, else the host map's. */
  private hostOfPath(path: string, hosts: HostMap): string {
    return this.where.get(path) ?? hosts.hostOf(path);
  }

  /** The group key of every joined host (see the module comment); hosts absent are groups of their own. */
  private groupKeys(hosts: HostMap): Map<string, string> {
    const uf = new HostGroups();
    for (const ns of this.shared) {
      const [first, ...rest] = this.netnsHosts.get(ns)!;
      for (const h of rest) uf.join(first!, h);
    }
    for (const host of this.mentioning) {
      for (const p of this.shards.get(host)!.mentions) {
        const other = this.hostOfPath(p, hosts);
        if (other !== host) uf.join(host, other);
      }
    }
    for (const g of this.groups.values()) for (const [a, b] of g.joins) uf.join(a, b);
    return uf.keys();
  }

  /**
   * Every group's resolved part, ordered by the group's first path. Groups whose shards and
   * scope are unchanged since the last call keep their part (the same object); the others are
   * resolved against `scope` with `texts` and `hosts` (the snapshot's).
   */
  resolve(hosts: HostMap, texts: TextLookup, scope: ShardScope, memo: ResolveMemo): SnapshotGroup[] {
    this.flush();
    const last = this.last;
    if (last && !this.linksChanged && last.hosts === hosts && last.version === scope.version) {
      const parts = this.resolveChanged(last, hosts, texts, scope, memo);
      if (parts) return parts;
    }
    const { parts, keys } = this.regroup(hosts, texts, scope, memo);
    const position = new Map(parts.map((g, i) => [g.key, i]));
    this.last = { keys, parts, position, hosts, version: scope.version };
    this.changed.clear();
    this.linksChanged = false;
    return parts;
  }

  /**
   * The short way: no host can have changed group, so only the groups of changed shards are
   * resolved again, in place. Undefined when a resolution joined or left a host (the caller
   * regroups; the groups resolved here are kept).
   */
  private resolveChanged(last: NonNullable<HostShards['last']>, hosts: HostMap, texts: TextLookup, scope: ShardScope, memo: ResolveMemo): SnapshotGroup[] | undefined {
    const parts = [...last.parts];
    for (const key of new Set([...this.changed].map((h) => last.keys.get(h) ?? h))) {
      const old = this.groups.get(key);
      const shards = old?.shards.map((s) => this.shards.get(s.host));
      if (!old || !shards || shards.some((s) => s === undefined)) return undefined;
      const state = resolveGroup(key, shards as HostShard[], hosts, texts, scope, memo, (p) => this.hostOfPath(p, hosts));
      this.groups.set(key, state);
      if (!sameJoins(old.joins, state.joins)) return undefined;
      parts[last.position.get(key)!] = state.part;
    }
    this.changed.clear();
    this.last = { ...last, parts };
    return parts;
  }

  /** The long way: every host's group from the current links, each group resolved unless its shards are unchanged; regrouped until no resolution joins a host from outside its group. */
  private regroup(hosts: HostMap, texts: TextLookup, scope: ShardScope, memo: ResolveMemo): { parts: SnapshotGroup[]; keys: Map<string, string> } {
    for (;;) {
      const keys = this.groupKeys(hosts);
      const members = new Map<string, HostShard[]>();
      for (const shard of this.shards.values()) {
        const key = keys.get(shard.host) ?? shard.host;
        (members.get(key) ?? members.set(key, []).get(key)!).push(shard);
      }
      const next = new Map<string, GroupState>();
      // Regroup when a resolution joined a host from outside its group, or joins no longer what it did.
      let regroup = false;
      for (const [key, shards] of members) {
        const old = this.groups.get(key);
        if (old && old.version === scope.version && old.shards.length === shards.length && old.shards.every((s, i) => s === shards[i])) {
          next.set(key, old);
          continue;
        }
        const state = resolveGroup(key, shards, hosts, texts, scope, memo, (p) => this.hostOfPath(p, hosts));
        next.set(key, state);
        const inGroup = new Set(shards.map((s) => s.host));
        if (state.joins.some(([a, b]) => !inGroup.has(a) || !inGroup.has(b))) regroup = true;
        if (old && !sameJoins(old.joins, state.joins)) regroup = true;
      }
      this.groups = next;
      if (regroup) continue;
      const parts = [...next.values()].map((g) => g.part);
      // The keys the parts were grouped by: what the short way looks groups up with.
      return { parts: parts.sort((a, b) => (a.files[0]!.path < b.files[0]!.path ? -1 : 1)), keys };
    }
  }
}

function sameJoins(a: GroupState['joins'], b: GroupState['joins']): boolean {
  return a.length === b.length && a.every(([x, y], i) => x === b[i]![0] && y === b[i]![1]);
}

/** Resolves one group of shards (see the module comment). */
function resolveGroup(
  key: string,
  shards: readonly HostShard[],
  hosts: HostMap,
  texts: TextLookup,
  scope: ShardScope,
  memo: ResolveMemo,
  hostOf: (path: string) => string,
): GroupState {
  const files = shards.length === 1 ? shards[0]!.files : shards.flatMap((s) => s.files).sort((a, b) => (a.path < b.path ? -1 : 1));
  const facts: PortFact[] = [];
  const workloads: PlacedWorkload[] = [];
  const env: PlacedEnv[] = [];
  const findings: PlacedFinding[] = [];
  const records = new Map<string, FileRecord>();
  for (const { path, placed, record } of files) {
    records.set(path, record);
    for (const f of placed.facts) facts.push(f);
    for (const w of placed.workloads) workloads.push(w);
    for (const e of placed.env) env.push(e);
    for (const f of placed.findings) findings.push(f);
  }
  const placed = placedSnapshot({ facts, workloads, env, findings, files: records, texts, hosts });
  const r = resolveFacts(placed, memo, scope, `resolved#${shards[0]!.host}#`);
  const joins: [string, string][] = [];
  const seen = new Set<string>();
  for (const [file, movers] of r.moved) {
    const b = hostOf(file);
    for (const by of movers) {
      const a = hostOf(by);
      const pair = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
      if (a !== b && !seen.has(pair)) {
        seen.add(pair);
        joins.push(a < b ? [a, b] : [b, a]);
      }
    }
  }
  joins.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  const part: SnapshotGroup = Object.freeze({
    key,
    memo: memoTable(() => part),
    facts: Object.freeze(r.facts),
    workloads: Object.freeze(workloads),
    env: Object.freeze(env),
    findings: Object.freeze([...findings, ...r.findings]),
    files: Object.freeze(files.map((f) => f.record)),
    fileHosts: Object.freeze(files.map((f) => f.placement.host)),
  });
  return { shards, version: scope.version, part, joins };
}
