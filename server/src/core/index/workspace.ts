/**
 * The workspace index: every candidate file's text, its format, its extraction (cached by
 * content and by the files it read), and immutable snapshots of all port facts with hosts
 * assigned (see `snapshot.ts`). I/O happens only through a {@link WorkspaceHost}.
 */
import type { ExtractContext, ExtractResult, FormatId } from '../model/facts';
import { FileListing } from '../model/listing';
import { DeploymentTracker, type LayoutFile, type LayoutRoot } from './deployments';
import { HostMap, type HostMapping, type Root } from './hosts';
import { placeFile, type PlacedEnv, type PlacedFile, type PlacedFinding, type PlacedWorkload } from './placed';
import { classify, extractFile, FORMATS, type FormatLog } from './registry';
import { ResolveMemo } from './resolve';
import { HostShards, type ShardScope } from './shards';
import { Map as ImmutableMap } from 'immutable';
import { fileRecord, FileRecords, groupedSnapshot, joinParts, placedSnapshot, SourceText, type Collections, type FileRecord, type PlacedSnapshot, type Snapshot } from './snapshot';

export type { FileRecord, HostMapping, PlacedEnv, PlacedFinding, PlacedWorkload, Root, Snapshot };
export { loadWorkspace, READ_CONCURRENCY, type WorkspaceHost } from './load';
export type { PlacedSnapshot } from './snapshot';

/** Index options. */
export interface IndexOptions {
  roots: Root[];
  hostMap?: HostMapping[];
}

/** What the index knows about one file with a format. Internal: snapshots get {@link FileRecord}s. */
interface FileState {
  source: SourceText;
  format: FormatId;
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
  /** This file's contribution placed on its host; reused while its extraction and host stay the same. */
  placed?: PlacedFile;
  /** The frozen record snapshots hold; dropped when the text changes, remade when confidence or staleness does. */
  record?: FileRecord;
}

/**
 * The index. Not thread-safe by design (one owner: the server's or the CLI's event loop).
 * Extraction results are cached per file and recomputed only when the file's text, a file it
 * read, or (for include globs) the set of files changes.
 */
export class WorkspaceIndex {
  private readonly states = new Map<string, FileState>();
  /**
   * Texts of every known workspace file (also those with no format: they may be read by others).
   * Persistent (immutable's Map): a snapshot keeps the map of its moment, an edit makes a new
   * one sharing the rest, so no snapshot copies 20,000 entries.
   */
  private texts = ImmutableMap<string, SourceText>();
  /** The frozen record of every file with a format, persistent like {@link texts}. */
  private records = ImmutableMap<string, FileRecord>();
  /** The reverse of each state's `reads`: path read -> the files whose extraction read it. */
  private readonly readers = new Map<string, Set<string>>();
  /** Files whose extraction listed the workspace's files (each state's `readsFileList`). */
  private readonly listReaders = new Set<string>();
  /**
   * Other files' texts as extractions parsed them (`ExtractContext.parsed`), by kind and path:
   * shared by the extractions of one set of texts, dropped when a text changes and when a
   * snapshot is done (parse trees are not kept between snapshots).
   */
  private parses = new Map<string, unknown>();
  private sortedPaths: string[] | undefined;
  private fileListing: FileListing | undefined;
  /** Roots and host-map globs alone; {@link hosts} adds the inferred deployment layouts. */
  private baseHosts: HostMap;
  private hosts: HostMap;
  private readonly deployments = new DeploymentTracker();
  private readonly resolveMemo = new ResolveMemo();
  /** Placed files by host and their resolution by group of hosts (`shards.ts`). */
  private readonly shards = new HostShards();
  /** Paths whose placed contribution may have changed since the last snapshot (edited, removed, or a reader of one). */
  private dirty = new Set<string>();
  /** The host map the shards were placed with; another one re-places every file. */
  private placedWith: HostMap | undefined;
  /** The paths with a format, sorted, and a number that changes whenever they do. */
  private formatPaths: string[] | undefined;
  private formatVersion = 0;
  private cached: Snapshot | undefined;
  /** The last snapshot's {@link Snapshot.collect} answers, for the next snapshot to start from. */
  private collections: Collections | undefined;
  private readonly log: FormatLog | undefined;

  /** `log` receives one line per format module that threw (a bug in that module), with the file and stack. */
  constructor(options: IndexOptions, log?: FormatLog) {
    this.baseHosts = new HostMap(options.roots, options.hostMap);
    this.hosts = this.baseHosts;
    this.log = log;
  }

  /** Replaces roots and host mapping (a settings change); facts are re-placed on next snapshot. */
  configure(options: IndexOptions): void {
    this.baseHosts = new HostMap(options.roots, options.hostMap);
    this.hosts = this.baseHosts;
    this.deployments.reset();
    this.placedWith = undefined;
    this.cached = undefined;
  }

  /** The root that contains a path (the longest), or undefined. */
  rootOf(path: string): Root | undefined {
    return this.hosts.rootOf(path);
  }

  /** Host of a path: the first host-map glob that matches its root-relative path, else the inferred deployment's host. */
  hostOf(path: string): string {
    return this.currentHosts().hostOf(path);
  }

  /**
   * The hosts as the current files lay them out: re-infers the deployment layouts
   * (`deployments.ts`) when a file they read changed, keeping the same {@link HostMap} otherwise.
   */
  private currentHosts(): HostMap {
    const roots: readonly LayoutRoot[] = this.baseHosts.roots;
    if (this.deployments.refresh(roots, this.paths(), (p) => this.layoutInput(p)) || this.hosts === this.baseHosts) {
      this.hosts = this.baseHosts.withLayouts(this.deployments.current());
    }
    return this.hosts;
  }

  /** A file as the deployment inference reads it, extracted on demand; undefined when it takes no part (no format, host-mapped, outside every root). */
  private layoutInput(path: string): { root: LayoutRoot; file: LayoutFile } | undefined {
    const state = this.states.get(path);
    const root = this.baseHosts.rootOf(path);
    if (!state || !root || this.baseHosts.mappedPlacement(path) !== undefined) return undefined;
    const current = state.result ?? this.extract(path, state);
    const result = current.failed && state.lastGood ? state.lastGood : current;
    return { root, file: { path, format: state.format, text: state.source.text, result } };
  }

  /**
   * True when a change of `path`'s text cannot change the inferred layouts: the host map places
   * it and every file whose extraction read it (host-mapped files take no part in the inference).
   */
  private outsideLayouts(path: string): boolean {
    const mapped = (p: string) => this.baseHosts.mappedPlacement(p) !== undefined;
    if (!mapped(path)) return false;
    for (const r of this.readers.get(path) ?? []) if (!mapped(r)) return false;
    return true;
  }

  /** Adds or replaces a file's text. Returns true when anything changed. */
  setText(path: string, text: string): boolean {
    const isNew = !this.texts.has(path);
    if (!isNew && this.texts.get(path)!.text === text) return false;
    const source = new SourceText(path, text);
    this.texts = this.texts.set(path, source);
    if (this.parses.size > 0) this.parses = new Map();
    if (isNew) this.listChanged();
    if (isNew || !this.outsideLayouts(path)) this.deployments.invalidate();
    this.invalidate(path, isNew);
    this.dirty.add(path);
    const prev = this.states.get(path);
    const { mod, detection } = classify(path, text, this.log);
    if (!mod) {
      this.dropState(path);
    } else if (!prev || prev.format !== mod.id) {
      this.dropState(path);
      this.states.set(path, { source, format: mod.id, confident: detection === 'strong', stale: false, reads: new Set(), readsFileList: false });
      this.formatsChanged();
    } else {
      prev.source = source;
      prev.confident = detection === 'strong';
      delete prev.result;
      delete prev.record;
    }
    this.cached = undefined;
    return true;
  }

  /** Forgets a file (deleted, or no longer included). */
  remove(path: string): boolean {
    if (!this.texts.has(path)) return false;
    this.texts = this.texts.delete(path);
    this.dropState(path);
    if (this.parses.size > 0) this.parses = new Map();
    this.hosts.forget(path);
    this.listChanged();
    this.deployments.invalidate();
    this.invalidate(path, true);
    this.dirty.add(path);
    this.cached = undefined;
    return true;
  }

  private listChanged(): void {
    this.sortedPaths = undefined;
    this.fileListing = undefined;
  }

  /** All known paths indexed by name and directory name (see `model/listing.ts`). */
  listing(): FileListing {
    if (!this.fileListing) this.fileListing = new FileListing(this.paths());
    return this.fileListing;
  }

  /** All known paths, sorted. */
  paths(): readonly string[] {
    if (!this.sortedPaths) this.sortedPaths = [...this.texts.keys()].sort();
    return this.sortedPaths;
  }

  /** Current text of a known file. */
  textOf(path: string): string | undefined {
    return this.texts.get(path)?.text;
  }

  /** Drops the results of the files that read `changed` (or, when the file list changed, listed it): the readers' index, not a scan of every file. */
  private invalidate(changed: string, listChanged: boolean): void {
    const drop = (path: string): void => {
      const s = path === changed ? undefined : this.states.get(path);
      if (!s) return;
      delete s.result;
      this.dirty.add(path);
    };
    for (const path of this.readers.get(changed) ?? []) drop(path);
    if (listChanged) for (const path of this.listReaders) drop(path);
  }

  /** Records what the latest extraction of `path` read, replacing what the one before read. */
  private setReads(path: string, state: FileState, reads: Set<string>, readsFileList: boolean): void {
    this.forgetReads(path, state);
    state.reads = reads;
    state.readsFileList = readsFileList;
    for (const r of reads) (this.readers.get(r) ?? this.readers.set(r, new Set()).get(r)!).add(path);
    if (readsFileList) this.listReaders.add(path);
  }

  private forgetReads(path: string, state: FileState): void {
    for (const r of state.reads) {
      const set = this.readers.get(r);
      if (!set) continue;
      set.delete(path);
      if (set.size === 0) this.readers.delete(r);
    }
    this.listReaders.delete(path);
  }

  private dropState(path: string): void {
    const state = this.states.get(path);
    if (!state) return;
    this.forgetReads(path, state);
    this.states.delete(path);
    this.records = this.records.delete(path);
    this.formatsChanged();
  }

  private formatsChanged(): void {
    this.formatPaths = undefined;
    this.formatVersion++;
  }

  /** The paths with a format, for matching mounts when a group of hosts is resolved. */
  private scope(): ShardScope {
    const files = (this.formatPaths ??= this.paths().filter((p) => this.states.has(p)));
    return { files, version: this.formatVersion, formatOf: (p) => this.states.get(p)?.format };
  }

  /** Extracts a file's current text through the registry's boundary, recording what it read. */
  private extract(path: string, state: FileState): ExtractResult {
    const mod = FORMATS.find((m) => m.id === state.format)!;
    const reads = new Set<string>();
    let readsFileList = false;
    const ctx: ExtractContext = {
      path,
      text: state.source.text,
      read: (p) => {
        reads.add(p);
        return this.texts.get(p)?.text;
      },
      files: () => {
        readsFileList = true;
        return this.paths();
      },
      listing: () => {
        readsFileList = true;
        return this.listing();
      },
      parsed: <T>(p: string, kind: string, parse: (text: string) => T): T | undefined => {
        reads.add(p);
        const source = this.texts.get(p);
        if (!source) return undefined;
        const key = `${kind}\u0000${p}`;
        if (this.parses.has(key)) return this.parses.get(key) as T;
        const value = parse(source.text);
        this.parses.set(key, value);
        return value;
      },
    };
    const result = extractFile(mod, ctx, this.log);
    this.setReads(path, state, reads, readsFileList);
    state.result = result;
    if (!result.failed) state.lastGood = result;
    state.stale = result.failed === true && state.lastGood !== undefined;
    return result;
  }

  /** A file's placed contribution and frozen record, (re)computed only when something they depend on changed. */
  private place(path: string, state: FileState, hosts: HostMap): { placed: PlacedFile; record: FileRecord } {
    const result = state.result ?? this.extract(path, state);
    const host = hosts.hostOf(path);
    let placed = state.placed;
    if (!placed || placed.result !== result || placed.host !== host || placed.confident !== state.confident) {
      placed = placeFile({ path, format: state.format, result, confident: state.confident, ...(state.lastGood ? { lastGood: state.lastGood } : {}) }, host);
      state.placed = placed;
    }
    let record = state.record;
    const failed = result.failed === true;
    if (!record || record.confident !== state.confident || record.stale !== state.stale || record.failed !== failed) {
      record = fileRecord(state.source, state.format, state.confident, state.stale, failed);
      state.record = record;
      this.records = this.records.set(path, record);
    }
    return { placed, record };
  }

  /**
   * The current snapshot (resolved); computed on demand and cached until the next change. Only
   * the files changed since the last snapshot (and their readers) are placed again, and only
   * the groups of hosts holding them are resolved again (`shards.ts`); a new host map (a
   * settings change, re-inferred layouts) re-places every file, and a file gaining or losing a
   * format re-resolves every group.
   */
  snapshot(): Snapshot {
    if (this.cached) return this.cached;
    const hosts = this.currentHosts();
    const dirty = hosts === this.placedWith ? this.dirty : new Set([...this.shards.paths(), ...this.states.keys()]);
    this.placedWith = hosts;
    this.dirty = new Set();
    for (const path of dirty) {
      const state = this.states.get(path);
      if (!state) {
        this.shards.put(path, undefined);
        continue;
      }
      const { placed, record } = this.place(path, state, hosts);
      this.shards.put(path, { path, placed, record, placement: hosts.placementOf(path) });
    }
    const texts = this.texts;
    const groups = this.shards.resolve(hosts, texts, this.scope(), this.resolveMemo);
    const collections: Collections = new Map();
    this.cached = groupedSnapshot(groups, { files: new FileRecords(this.scope().files, this.records), texts, hosts }, collections, this.collections);
    this.collections = collections;
    this.parses = new Map();
    return this.cached;
  }

  /**
   * The current files placed on their hosts, before resolution, as one snapshot: what the
   * groups of the current {@link snapshot} were resolved from. `resolveSnapshot` of it gives the
   * same facts and findings resolved as a whole (tests compare the two).
   */
  placed(): PlacedSnapshot {
    const snap = this.snapshot();
    const parts = joinParts([...snap.files.keys()].map((path) => this.states.get(path)!.placed!));
    return placedSnapshot({ ...parts, files: snap.files, texts: this.texts, hosts: this.placedWith! });
  }
}
