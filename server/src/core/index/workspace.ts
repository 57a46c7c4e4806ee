/**
 * The workspace index: every candidate file's text, its format, its extraction (cached by
 * content and by the files it read), and an immutable {@link Snapshot} of all port facts with
 * hosts assigned. I/O happens only through a {@link WorkspaceHost}.
 */
import picomatch from 'picomatch';
import type { EnvAssignment, ExtractContext, ExtractResult, FileFinding, FormatId, FormatModule, Location, PortFact, Workload } from '../model/facts';
import { FileListing } from '../model/listing';
import { FactLookup } from './lookup';
import { classify, FORMATS } from './registry';
import { resolveSnapshot, type ResolvedFinding } from './resolve';
import { DeploymentTracker, type LayoutFile, type LayoutRoot, type Placement } from './deployments';
import { positionAt } from '../model/lines';

/**
 * The I/O boundary. The language server implements it over the file system and open editors,
 * the CLI over the file system, tests over a map in memory.
 */
export interface WorkspaceHost {
  /** Every file under `root` worth considering (absolute POSIX paths); hidden VCS folders and node_modules excluded. */
  listFiles(root: string): Promise<string[]>;
  /**
   * The text of a file (UTF-8, BOM removed; `note` says what was repaired, e.g. invalid UTF-8),
   * or why it was skipped (too large, binary, unreadable, gone).
   */
  readFile(path: string): Promise<{ text: string; note?: string } | { skipped: string }>;
  /** Entries under `root` the listing left out on purpose (symbolic links), with why. Optional. */
  listSkipped?(root: string): Promise<{ path: string; reason: string }[]>;
}

/** A workspace folder: its absolute path and its name (the default host name). */
export interface Root {
  path: string;
  name: string;
}

/**
 * Maps files to hosts: a glob relative to a root (picomatch syntax, `/` separators) and the host
 * name. With `root` (a root's absolute path) the mapping applies to that workspace folder only,
 * as a folder-level `portolan.hostMap` setting does; without it, to every root.
 */
export interface HostMapping {
  glob: string;
  host: string;
  root?: string;
}

/** Index options. */
export interface IndexOptions {
  roots: Root[];
  hostMap?: HostMapping[];
}

/** What the index knows about one file. */
export interface FileState {
  path: string;
  text: string;
  format?: FormatId;
  /** How sure the format's detection was; parse errors are reported only when `strong`. */
  confident: boolean;
  /** The extraction of the current text. */
  result?: ExtractResult;
  /** The last extraction that did not fail; its facts stand in while the file does not parse. */
  lastGood?: ExtractResult;
  /** True when the current text failed and `lastGood` is being used. */
  stale: boolean;
  /** Paths read during extraction (found or not), for invalidation. */
  reads: Set<string>;
  /** True when extraction listed the workspace's files (an include glob): invalidated by creations and deletions. */
  readsFileList: boolean;
  /** This file's facts, workloads, env and findings placed on its host; reused while its extraction and host stay the same. */
  placed?: PlacedFile;
}

/** A file's contribution to a snapshot, cached per extraction result and host. */
interface PlacedFile {
  result: ExtractResult;
  confident: boolean;
  host: string;
  facts: PortFact[];
  workloads: PlacedWorkload[];
  env: PlacedEnv[];
  findings: PlacedFinding[];
}

/** A workload placed on a host. */
export interface PlacedWorkload extends Workload {
  host: string;
  file: string;
}

/** An environment assignment from a standalone env file, placed on a host. */
export interface PlacedEnv extends EnvAssignment {
  host: string;
}

/** A finding placed in a file (from extraction or from the resolver). */
export interface PlacedFinding extends FileFinding {
  file: string;
}

/**
 * An immutable view of the index at one moment. Rules are pure functions of a snapshot.
 */
export interface Snapshot {
  readonly roots: readonly Root[];
  /** Every fact, hosts assigned and cross-file resolution applied (rtcd overrides, compose mounts). */
  readonly facts: readonly PortFact[];
  readonly workloads: readonly PlacedWorkload[];
  readonly env: readonly PlacedEnv[];
  /** Per-file findings (extraction and resolver), parse errors only for confidently recognized files. */
  readonly findings: readonly PlacedFinding[];
  /** Files with a format, by path. */
  readonly files: ReadonlyMap<string, FileState>;
  /** Host of a path. */
  hostOf(path: string): string;
  /** Host of a path, its compose project and why (see `deployments.ts`). */
  placementOf(path: string): Placement;
  /** Path for messages: relative to its root, with the root's name first when there are several roots. */
  display(path: string): string;
  /** "file:line" for messages (1-based line). */
  where(loc: Location): string;
  /** 0-based line of an offset in a file. */
  lineOf(loc: Location): number;
  /** Facts and workloads grouped by host, netns, file and role; built on first use, then shared by every rule. */
  lookup(): FactLookup;
}

/**
 * The index. Not thread-safe by design (one owner: the server's or the CLI's event loop).
 * Extraction results are cached per file and recomputed only when the file's text, a file it
 * read, or (for include globs) the set of files changes.
 */
export class WorkspaceIndex {
  private readonly states = new Map<string, FileState>();
  /** Texts of every known workspace file (also those with no format: they may be read by others). */
  private readonly texts = new Map<string, string>();
  private sortedPaths: string[] | undefined;
  private fileListing: FileListing | undefined;
  /** Placement of each path, computed once per host mapping and deployment layout. */
  private readonly hosts = new Map<string, Placement>();
  private readonly deployments = new DeploymentTracker();
  /** The host-map placement of each path (null: no glob matches), computed once per host mapping. */
  private readonly hostMapped = new Map<string, Placement | null>();
  private cached: Snapshot | undefined;
  private options: IndexOptions;
  private hostMatchers: { root: Root; match: (rel: string) => boolean; host: string; glob: string }[] = [];

  constructor(options: IndexOptions) {
    this.options = options;
    this.compileHostMap();
  }

  /** Replaces roots and host mapping (a settings change); facts are re-placed on next snapshot. */
  configure(options: IndexOptions): void {
    this.options = options;
    this.compileHostMap();
    this.cached = undefined;
  }

  private compileHostMap(): void {
    this.hostMatchers = [];
    this.hosts.clear();
    this.hostMapped.clear();
    this.deployments.reset();
    for (const m of this.options.hostMap ?? []) {
      const isMatch = picomatch(m.glob, { dot: true });
      // A glob's static prefix ("deploy/app/" of "deploy/app/**") rules most paths out without running it.
      const base = picomatch.scan(m.glob).base;
      const prefix = base === '' ? '' : base + '/';
      for (const root of this.options.roots) {
        if (m.root === undefined || m.root === root.path) this.hostMatchers.push({ root, match: (rel) => rel.startsWith(prefix) && isMatch(rel), host: m.host, glob: m.glob });
      }
    }
  }

  /** The root that contains a path (the longest), or undefined. */
  rootOf(path: string): Root | undefined {
    let best: Root | undefined;
    for (const r of this.options.roots) {
      if ((path === r.path || path.startsWith(r.path.endsWith('/') ? r.path : r.path + '/')) && (!best || r.path.length > best.path.length)) best = r;
    }
    return best;
  }

  /** Host of a path: the first host-map glob that matches its root-relative path, else the inferred deployment's host. */
  hostOf(path: string): string {
    return this.placementOf(path).host;
  }

  /** Host, compose project and reason of a path (see `deployments.ts`); `default` outside every root. */
  placementOf(path: string): Placement {
    if (this.deployments.refresh(this.options.roots, this.paths(), (p) => this.layoutInput(p))) this.hosts.clear();
    const known = this.hosts.get(path);
    if (known !== undefined) return known;
    const placed = this.computePlacement(path);
    this.hosts.set(path, placed);
    return placed;
  }

  private computePlacement(path: string): Placement {
    return this.mappedPlacement(path) ?? this.deployments.placementOf(this.rootOf(path)!, path);
  }

  /** The placement a host-map glob (or being outside every root) decides, else null: the inference decides. */
  private mappedPlacement(path: string): Placement | null {
    const known = this.hostMapped.get(path);
    if (known !== undefined) return known;
    const root = this.rootOf(path);
    let placed: Placement | null = null;
    if (!root) placed = { host: 'default', rule: 'outside', reason: 'outside every workspace folder' };
    else {
      const rel = path.slice(root.path.length).replace(/^\/+/, '');
      const m = this.hostMatchers.find((x) => x.root === root && x.match(rel));
      if (m) placed = { host: m.host, rule: 'host-map', reason: `portolan.hostMap puts ${m.glob} on it` };
    }
    this.hostMapped.set(path, placed);
    return placed;
  }

  /** A file as the deployment inference reads it, extracted on demand; undefined when it takes no part (no format, host-mapped). */
  private layoutInput(path: string): { root: LayoutRoot; file: LayoutFile } | undefined {
    const state = this.states.get(path);
    const mod = state?.format && FORMATS.find((m) => m.id === state.format);
    if (!state || !mod || this.mappedPlacement(path) !== null) return undefined;
    if (!state.result) this.extractOne(state, mod);
    const result = state.result!.failed && state.lastGood ? state.lastGood : state.result!;
    return { root: this.rootOf(path)!, file: { path, format: mod.id, text: state.text, result } };
  }

  /** Adds or replaces a file's text. Returns true when anything changed. */
  setText(path: string, text: string): boolean {
    const isNew = !this.texts.has(path);
    if (!isNew && this.texts.get(path) === text) return false;
    this.texts.set(path, text);
    if (isNew) this.listChanged();
    this.invalidate(path, isNew);
    const prev = this.states.get(path);
    const { mod, detection } = classify(path, text);
    if (!mod) {
      this.states.delete(path);
    } else if (!prev || prev.format !== mod.id) {
      this.states.set(path, { path, text, format: mod.id, confident: detection === 'strong', stale: false, reads: new Set(), readsFileList: false });
    } else {
      prev.text = text;
      prev.confident = detection === 'strong';
      delete prev.result;
    }
    this.cached = undefined;
    return true;
  }

  /** Forgets a file (deleted, or no longer included). */
  remove(path: string): boolean {
    if (!this.texts.delete(path)) return false;
    this.states.delete(path);
    this.hosts.delete(path);
    this.listChanged();
    this.invalidate(path, true);
    this.cached = undefined;
    return true;
  }

  private listChanged(): void {
    this.sortedPaths = undefined;
    this.fileListing = undefined;
  }

  /** All known paths indexed by name and directory name (see `filelist.ts`). */
  listing(): FileListing {
    if (!this.fileListing) this.fileListing = new FileListing(this.paths());
    return this.fileListing;
  }

  /** All known paths, sorted. */
  paths(): readonly string[] {
    if (!this.sortedPaths) this.sortedPaths = [...this.texts.keys()].sort();
    return this.sortedPaths;
  }

  /** Text of a known file. */
  textOf(path: string): string | undefined {
    return this.texts.get(path);
  }

  private invalidate(changed: string, listChanged: boolean): void {
    this.deployments.invalidate();
    for (const s of this.states.values()) {
      if (s.path === changed) continue;
      if (s.reads.has(changed) || (listChanged && s.readsFileList)) delete s.result;
    }
  }

  private extractOne(state: FileState, mod: FormatModule): void {
    const reads = new Set<string>();
    let readsFileList = false;
    const ctx: ExtractContext = {
      path: state.path,
      text: state.text,
      read: (p) => {
        reads.add(p);
        return this.texts.get(p);
      },
      files: () => {
        readsFileList = true;
        return this.paths();
      },
      listing: () => {
        readsFileList = true;
        return this.listing();
      },
    };
    let result: ExtractResult;
    try {
      result = mod.extract(ctx);
    } catch (e) {
      // A module must not throw; if one does, the file keeps its last good facts and says why.
      result = {
        facts: [], findings: [{ rule: 'parse-error', span: { start: 0, end: 0 }, message: `Portolan could not read this ${mod.id} file: ${/call stack/i.test((e as Error).message) ? `it is nested too deeply (${(e as Error).message})` : (e as Error).message}` }],
        env: [], workloads: [], dependencies: [], failed: true,
      };
    }
    state.reads = reads;
    state.readsFileList = readsFileList;
    state.result = result;
    if (!result.failed) state.lastGood = result;
    state.stale = result.failed === true && state.lastGood !== undefined;
  }

  /** The current snapshot; computed on demand and cached until the next change. */
  snapshot(): Snapshot {
    if (this.cached) return this.cached;
    const facts: PortFact[] = [];
    const workloads: PlacedWorkload[] = [];
    const env: PlacedEnv[] = [];
    const findings: PlacedFinding[] = [];
    const files = new Map<string, FileState>();
    for (const path of this.paths()) {
      const state = this.states.get(path);
      if (!state || !state.format) continue;
      if (!state.result) {
        const mod = FORMATS.find((m) => m.id === state.format);
        if (!mod) continue;
        this.extractOne(state, mod);
      }
      files.set(path, state);
      const current = state.result!;
      const host = this.hostOf(path);
      let placed = state.placed;
      if (!placed || placed.result !== current || placed.host !== host || placed.confident !== state.confident) {
        const effective = current.failed && state.lastGood ? state.lastGood : current;
        const format = state.format;
        let n = 0;
        placed = {
          result: current, host, confident: state.confident,
          facts: effective.facts.map((f) => ({ ...f, host, format, id: `${path}#${n++}` })),
          workloads: effective.workloads.map((w) => ({ ...w, host, file: path })),
          env: effective.env.map((e) => ({ ...e, host })),
          findings: current.findings.filter((f) => f.rule !== 'parse-error' || state.confident).map((f) => ({ ...f, file: path })),
        };
        state.placed = placed;
      }
      for (const f of placed.facts) facts.push(f);
      for (const w of placed.workloads) workloads.push(w);
      for (const e of placed.env) env.push(e);
      for (const f of placed.findings) findings.push(f);
    }
    const roots = this.options.roots;
    const texts = this.texts;
    const multi = roots.length > 1;
    const self = this;
    const base: Snapshot = {
      roots,
      facts,
      workloads,
      env,
      findings,
      files,
      hostOf: (p) => self.hostOf(p),
      placementOf: (p) => self.placementOf(p),
      display(p: string): string {
        const root = self.rootOf(p);
        if (!root) return p;
        const rel = p.slice(root.path.length).replace(/^\/+/, '');
        return multi ? `${root.name}/${rel}` : rel;
      },
      lineOf(loc: Location): number {
        return positionAt(texts.get(loc.file) ?? '', loc.span.start).line;
      },
      where(loc: Location): string {
        return `${this.display(loc.file)}:${this.lineOf(loc) + 1}`;
      },
      lookup: () => {
        throw new Error('lookup() is available on resolved snapshots only');
      },
    };
    const resolved = resolveSnapshot(base);
    let lookup: FactLookup | undefined;
    this.cached = {
      ...base,
      facts: resolved.facts,
      findings: [...findings, ...resolved.findings.map((f: ResolvedFinding) => ({ ...f }))],
      lookup: () => (lookup ??= new FactLookup(resolved.facts, workloads)),
    };
    return this.cached;
  }
}

/**
 * Loads every file under the index's roots through the host. Files the host skips are reported
 * through `log` with the reason and otherwise ignored; files `accept` rejects (the include and
 * exclude settings) are not read at all.
 */
export async function loadWorkspace(
  index: WorkspaceIndex,
  host: WorkspaceHost,
  roots: readonly Root[],
  log?: (message: string) => void,
  accept: (path: string) => boolean = () => true,
): Promise<void> {
  for (const root of roots) {
    const paths = await host.listFiles(root.path);
    for (const p of paths) {
      if (!accept(p)) continue;
      const r = await host.readFile(p);
      if ('skipped' in r) {
        log?.(`skipped ${p}: ${r.skipped}`);
        continue;
      }
      if (r.note) log?.(`read ${p}: ${r.note}`);
      index.setText(p, r.text);
    }
    // Only worth the extra directory reads when someone reads the log.
    if (log && host.listSkipped) for (const s of await host.listSkipped(root.path)) log(`skipped ${s.path}: ${s.reason}`);
  }
}
