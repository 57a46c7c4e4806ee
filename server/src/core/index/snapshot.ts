/**
 * Snapshots: immutable views of the workspace index at one moment. Two stages, two types:
 *
 * - {@link PlacedSnapshot}: every file's facts placed on its host, before cross-file resolution
 *   (what the resolver reads);
 * - {@link Snapshot}: after resolution (rtcd overrides, bind mounts, Calls environment); what
 *   rules and features read, and the only one with {@link Snapshot.lookup}.
 *
 * Both keep the texts, file records and host mapping they were made from: editing the index
 * later changes neither a snapshot's texts nor its line numbers.
 */
import type { FormatId, Location, PortFact } from '../model/facts';
import { LineIndex } from '../model/lines';
import type { Placement } from './deployments';
import type { HostMap, Root } from './hosts';
import { FactLookup } from './lookup';
import type { PlacedEnv, PlacedFinding, PlacedWorkload } from './placed';

/**
 * One file's text as the index held it. Never changes; the {@link LineIndex} is built on first
 * use and then shared by every snapshot that holds this text.
 */
export class SourceText {
  readonly path: string;
  readonly text: string;
  #lines: LineIndex | undefined;
  readonly #derived = new Map<(path: string, text: string) => unknown, unknown>();

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    Object.freeze(this);
  }

  /** Line starts of `text`, for offset-to-position lookups by binary search. */
  get lines(): LineIndex {
    return (this.#lines ??= new LineIndex(this.text));
  }

  /**
   * `derive(path, text)`, computed on the first call with that function and then returned to
   * every caller, in this snapshot and every later one that holds this text (a guide's setups,
   * a port document). `derive` must be a pure function of its arguments, and callers must not
   * change what it returns; the function object itself is the key.
   */
  derive<T>(derive: (path: string, text: string) => T): T {
    if (!this.#derived.has(derive)) this.#derived.set(derive, derive(this.path, this.text));
    return this.#derived.get(derive) as T;
  }
}

/** A file with a format, as one snapshot saw it. Frozen: a later edit makes a new record. */
export interface FileRecord {
  readonly path: string;
  readonly text: string;
  readonly format: FormatId;
  /** How sure the format's detection was; parse errors are reported only when `true` (`strong`). */
  readonly confident: boolean;
  /** True when the text fails to parse and the last good extraction's facts stand in. */
  readonly stale: boolean;
  /** True when the current text fails to parse (whether or not an older extraction stands in). */
  readonly failed: boolean;
  /** Line index of `text` (built on first use, shared with other records of the same text). */
  readonly lines: LineIndex;
  /** {@link SourceText.derive} of this record's text: a pure function of path and text, computed once per text. */
  derive<T>(derive: (path: string, text: string) => T): T;
}

/** A frozen {@link FileRecord} of `source`. */
export function fileRecord(source: SourceText, format: FormatId, confident: boolean, stale: boolean, failed: boolean): FileRecord {
  return Object.freeze({
    path: source.path, text: source.text, format, confident, stale, failed,
    get lines() { return source.lines; },
    derive: <T>(derive: (path: string, text: string) => T): T => source.derive(derive),
  });
}

/** What both stages of a snapshot offer. */
interface SnapshotView {
  readonly roots: readonly Root[];
  readonly facts: readonly PortFact[];
  readonly workloads: readonly PlacedWorkload[];
  readonly env: readonly PlacedEnv[];
  /** Per-file findings (extraction, and in a resolved snapshot the resolver's), parse errors only for confidently recognized files. */
  readonly findings: readonly PlacedFinding[];
  /** Files with a format, by path, in path order. */
  readonly files: ReadonlyMap<string, FileRecord>;
  /** Host of a path. */
  hostOf(path: string): string;
  /** Host of a path, its compose project and why (the host map, else `deployments.ts`). */
  placementOf(path: string): Placement;
  /** Path for messages: relative to its root, with the root's name first when there are several roots. */
  display(path: string): string;
  /** Text of any known file (with or without a format) as of this snapshot; `undefined` when unknown. */
  textOf(path: string): string | undefined;
  /** Line index of a file's text as of this snapshot (of the empty text when unknown). */
  linesOf(path: string): LineIndex;
  /** 0-based line of a location's start. */
  lineOf(loc: Location): number;
  /** "file:line" for messages (1-based line). */
  where(loc: Location): string;
}

/** A snapshot before cross-file resolution: facts as their files say them, placed on hosts. */
export interface PlacedSnapshot extends SnapshotView {
  readonly stage: 'placed';
}

/**
 * One group of hosts resolved and checked together (`shards.ts`: hosts joined by a shared
 * netns, a mention in another host's file, a mount or a build): its part of a snapshot. The
 * next snapshot holds the same object while nothing in the group changed.
 */
export interface SnapshotGroup {
  /** The group's host names, sorted, joined by NUL (a lone host's: its name). */
  readonly key: string;
  readonly facts: readonly PortFact[];
  readonly workloads: readonly PlacedWorkload[];
  readonly env: readonly PlacedEnv[];
  readonly findings: readonly PlacedFinding[];
  /** The group's files, in path order (never empty). */
  readonly files: readonly FileRecord[];
  /** The host of each of {@link files}, in the same order. */
  readonly fileHosts: readonly string[];
  /**
   * `derive(this)`, computed on the first call with that function and kept as long as the group
   * is (a rule's view of it, e.g. its rtcd APIs). `derive` must be a pure function of the group,
   * and callers must not change what it returns; the function object itself is the key.
   */
  memo<T>(derive: (group: SnapshotGroup) => T): T;
}

/** An immutable, resolved view of the index at one moment. Rules are pure functions of a snapshot. */
export interface Snapshot extends SnapshotView {
  readonly stage: 'resolved';
  /**
   * The snapshot as groups of hosts, when the index resolved it group by group: every fact,
   * workload, env assignment, finding and file record is in exactly one group. Absent for a
   * snapshot resolved as a whole.
   */
  readonly groups?: readonly SnapshotGroup[];
  /**
   * Every group's `derive(group)` ({@link SnapshotGroup.memo}), joined in group order; a snapshot
   * resolved as a whole answers as one group of everything. The index's next snapshot starts
   * from this one's answer and asks only its changed groups, so a list of a few items among
   * 5,000 groups costs the changed groups, not all of them. `derive` must be pure; callers must
   * not change what it returns.
   */
  collect<T>(derive: (group: SnapshotGroup) => readonly T[]): readonly T[];
  /** Every fact, hosts assigned and cross-file resolution applied (rtcd overrides, compose mounts). */
  readonly facts: readonly PortFact[];
  /** Facts and workloads grouped by host, netns, file and role; built on first use, then shared by every rule. */
  lookup(): FactLookup;
  /**
   * `derive(this)`, computed on the first call with that function and then returned to every
   * caller (rules that read the same derived view, e.g. the port documents, read it once per
   * snapshot). `derive` must be a pure function of the snapshot, and what it returns must not be
   * changed by its callers; the function object itself is the key.
   */
  memo<T>(derive: (snap: Snapshot) => T): T;
}

/** Texts by path, as a snapshot reads them (a `Map`, or the index's persistent map). */
export interface TextLookup {
  get(path: string): SourceText | undefined;
}

/** Frozen records by path, as {@link FileRecords} reads them. */
export interface RecordLookup {
  get(path: string): FileRecord | undefined;
  has(path: string): boolean;
}

/**
 * A snapshot's files with a format, in path order: a sorted path list and a lookup that holds
 * exactly those paths, neither changed afterwards (the index hands over a persistent map, so
 * the next snapshot shares it instead of copying it).
 */
export class FileRecords implements ReadonlyMap<string, FileRecord> {
  readonly #paths: readonly string[];
  readonly #records: RecordLookup;

  constructor(paths: readonly string[], records: RecordLookup) {
    this.#paths = paths;
    this.#records = records;
    Object.freeze(this);
  }

  get size(): number {
    return this.#paths.length;
  }

  get(path: string): FileRecord | undefined {
    return this.#records.get(path);
  }

  has(path: string): boolean {
    return this.#records.has(path);
  }

  forEach(callback: (value: FileRecord, key: string, map: ReadonlyMap<string, FileRecord>) => void, thisArg?: unknown): void {
    for (const p of this.#paths) callback.call(thisArg, this.#records.get(p)!, p, this);
  }

  *entries(): MapIterator<[string, FileRecord]> {
    for (const p of this.#paths) yield [p, this.#records.get(p)!];
  }

  *keys(): MapIterator<string> {
    yield* this.#paths;
  }

  *values(): MapIterator<FileRecord> {
    for (const p of this.#paths) yield this.#records.get(p)!;
  }

  [Symbol.iterator](): MapIterator<[string, FileRecord]> {
    return this.entries();
  }
}

/** What a placed snapshot is made of; the maps and lists must not change afterwards. */
export interface SnapshotParts {
  facts: readonly PortFact[];
  workloads: readonly PlacedWorkload[];
  env: readonly PlacedEnv[];
  findings: readonly PlacedFinding[];
  files: ReadonlyMap<string, FileRecord>;
  /** The text of every known file, with or without a format (a `.env` that only others read). */
  texts: TextLookup;
  hosts: HostMap;
}

const NO_LINES = new LineIndex('');

/** The placed snapshot of `parts` (frozen, its lists frozen). */
export function placedSnapshot(parts: SnapshotParts): PlacedSnapshot {
  const { hosts, texts } = parts;
  const linesOf = (path: string): LineIndex => texts.get(path)?.lines ?? NO_LINES;
  return Object.freeze({
    stage: 'placed' as const,
    roots: hosts.roots,
    facts: Object.freeze(parts.facts),
    workloads: Object.freeze(parts.workloads),
    env: Object.freeze(parts.env),
    findings: Object.freeze(parts.findings),
    files: parts.files,
    hostOf: (path: string) => hosts.hostOf(path),
    placementOf: (path: string) => hosts.placementOf(path),
    display: (path: string) => hosts.display(path),
    textOf: (path: string) => texts.get(path)?.text,
    linesOf,
    lineOf: (loc: Location) => linesOf(loc.file).lineOf(loc.span.start),
    where: (loc: Location) => `${hosts.display(loc.file)}:${linesOf(loc.file).lineOf(loc.span.start) + 1}`,
  });
}

/** What parts (groups, placed files) hold between them, each list in part order. */
export function joinParts(parts: readonly Pick<SnapshotGroup, 'facts' | 'workloads' | 'env' | 'findings'>[]): {
  facts: PortFact[];
  workloads: PlacedWorkload[];
  env: PlacedEnv[];
  findings: PlacedFinding[];
} {
  const out = { facts: [] as PortFact[], workloads: [] as PlacedWorkload[], env: [] as PlacedEnv[], findings: [] as PlacedFinding[] };
  for (const p of parts) {
    for (const f of p.facts) out.facts.push(f);
    for (const w of p.workloads) out.workloads.push(w);
    for (const e of p.env) out.env.push(e);
    for (const f of p.findings) out.findings.push(f);
  }
  return out;
}

/** One {@link Snapshot.collect} answer: the groups it was made from, each group's list, and the lists joined. */
interface Collection {
  readonly groups: readonly SnapshotGroup[];
  readonly perGroup: readonly (readonly unknown[])[];
  readonly flat: readonly unknown[];
}

/** A grouped snapshot's {@link Snapshot.collect} answers, by derive function; the index hands the last snapshot's to the next. */
export type Collections = Map<(group: SnapshotGroup) => readonly unknown[], Collection>;

function groupFindings(g: SnapshotGroup): readonly PlacedFinding[] {
  return g.findings;
}

/** `derive` over `groups`, joined; from `prev` (the last snapshot's) when the groups have the same keys, asking only the groups that changed. */
function collected(groups: readonly SnapshotGroup[], derive: (group: SnapshotGroup) => readonly unknown[], prev: Collection | undefined): Collection {
  if (prev && prev.groups.length === groups.length) {
    const perGroup = [...prev.perGroup];
    let changed = false;
    let same = true;
    for (let i = 0; i < groups.length && same; i++) {
      const g = groups[i]!;
      if (g === prev.groups[i]) continue;
      if (g.key !== prev.groups[i]!.key) same = false;
      const list = g.memo(derive);
      if (list.length > 0 || perGroup[i]!.length > 0) changed = true;
      perGroup[i] = list;
    }
    if (same) return { groups, perGroup, flat: changed ? Object.freeze(perGroup.flat()) : prev.flat };
  }
  const perGroup = groups.map((g) => g.memo(derive));
  return { groups, perGroup, flat: Object.freeze(perGroup.flat()) };
}

/**
 * The resolved snapshot made of `groups`, in order, over `files`, `texts` and `hosts`: its
 * facts, workloads, env and findings are the groups' joined, on first read (an edit's publish
 * that reads only the changed groups never joins 27,000 facts). `collections` receives its
 * {@link Snapshot.collect} answers; `previous`, the last snapshot's, lets it start from them. Frozen.
 */
export function groupedSnapshot(groups: readonly SnapshotGroup[], parts: Pick<SnapshotParts, 'files' | 'texts' | 'hosts'>, collections: Collections = new Map(), previous?: Collections): Snapshot {
  const placed = placedSnapshot({ ...parts, facts: [], workloads: [], env: [], findings: [] });
  const collect = <T>(derive: (group: SnapshotGroup) => readonly T[]): readonly T[] => {
    let c = collections.get(derive);
    if (!c) {
      c = collected(groups, derive, previous?.get(derive));
      collections.set(derive, c);
    }
    return c.flat as readonly T[];
  };
  // Each list on its own, on first read: the findings rules read every group's findings, rarely anything else.
  const lazy = <T>(pick: (g: SnapshotGroup) => readonly T[]): (() => readonly T[]) => {
    let list: readonly T[] | undefined;
    return () => (list ??= Object.freeze(groups.flatMap(pick)));
  };
  const facts = lazy((g) => g.facts);
  const workloads = lazy((g) => g.workloads);
  const env = lazy((g) => g.env);
  const findings = () => collect(groupFindings);
  let lookup: FactLookup | undefined;
  const snap: Snapshot = Object.freeze({
    ...placed,
    stage: 'resolved' as const,
    get facts() { return facts(); },
    get workloads() { return workloads(); },
    get env() { return env(); },
    get findings() { return findings(); },
    groups: Object.freeze(groups),
    collect,
    lookup: () => (lookup ??= new FactLookup(snap.facts, snap.workloads)),
    memo: memoTable(() => snap),
  });
  return snap;
}

/**
 * `memo(derive)` over the value `of()` gives: `derive` computed on the first call with that
 * function, then returned to every caller (the function object is the key). What
 * {@link Snapshot.memo} and {@link SnapshotGroup.memo} are made of.
 */
export function memoTable<A>(of: () => A): <T>(derive: (value: A) => T) => T {
  const memos = new Map<(value: A) => unknown, unknown>();
  return <T>(derive: (value: A) => T): T => {
    if (!memos.has(derive)) memos.set(derive, derive(of()));
    return memos.get(derive) as T;
  };
}

/** A snapshot resolved as a whole, seen as one group of everything (what its {@link Snapshot.collect} asks). */
function wholeGroup(snap: Snapshot): SnapshotGroup {
  const files = [...snap.files.values()];
  const group: SnapshotGroup = Object.freeze({
    key: '',
    facts: snap.facts,
    workloads: snap.workloads,
    env: snap.env,
    findings: snap.findings,
    files,
    fileHosts: files.map((r) => snap.hostOf(r.path)),
    memo: memoTable(() => group),
  });
  return group;
}

/**
 * The resolved snapshot of `placed`: its facts replaced by `facts` (the resolver's) and
 * `findings` added after the placed ones. Frozen.
 */
export function resolvedSnapshot(placed: PlacedSnapshot, facts: readonly PortFact[], findings: readonly PlacedFinding[]): Snapshot {
  let lookup: FactLookup | undefined;
  let whole: SnapshotGroup | undefined;
  const frozen = Object.freeze(facts);
  const snap: Snapshot = Object.freeze({
    ...placed,
    stage: 'resolved' as const,
    facts: frozen,
    findings: Object.freeze([...placed.findings, ...findings]),
    lookup: () => (lookup ??= new FactLookup(frozen, placed.workloads)),
    collect: <T>(derive: (group: SnapshotGroup) => readonly T[]): readonly T[] => (whole ??= wholeGroup(snap)).memo(derive),
    memo: memoTable(() => snap),
  });
  return snap;
}
