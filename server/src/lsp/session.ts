/**
 * One language-server session: the workspace folders and the core's WorkspaceIndex over them,
 * the open documents, each folder's `portolan` settings, and the publish loop that turns index
 * changes into `textDocument/publishDiagnostics` and `portolan/indexed`. The features
 * (./features/*) read the workspace and report changes through it; only the session changes the
 * index.
 *
 * The publish loop publishes at most one snapshot at a time, yields to the event loop between
 * the snapshot, the rules and the sends, drops a publish as soon as a newer change arrives, and
 * re-sends a file's diagnostics only when they changed.
 */
import { TextDocuments, type ClientCapabilities, type Connection, type InitializeParams } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { indexReanalyzer, type Reanalyze } from '../core/features/edits/recheck';
import { isCandidatePath } from '../core/index/registry';
import { loadWorkspace, WorkspaceIndex, type IndexOptions, type Root, type Snapshot, type WorkspaceHost } from '../core/index/workspace';
import type { PortDiagnostic, RuleSettingsByFile } from '../core/rules';
import { IncrementalRules, sameValue } from '../core/rules/incremental';
import { offsetAt, pathToUri, toLspDiagnostic, uriToPath, type EditTarget } from './convert';
import { logFailure } from './guard';
import { changeRoots, rootsOf } from './folders';
import { folderSettings, type FolderSettings, type PortolanSettings } from './settings';
import { IndexedNotification } from './protocol';
import type { FolderWatcher, WatchFolders } from './watching';

/** What the server gets from the machine besides file reads (../node/); each part optional (absent in memory-only tests). */
export interface ServerPlatform {
  /** The server's own file watcher (../node/watch.ts), for clients that cannot register one. */
  watchFolders?: WatchFolders;
  /** Why `path` under the folder `root` is reached through a symbolic link (../node/host.ts), or `undefined`. */
  linkOnTheWay?(path: string, root: string): string | undefined;
}

/** A position in a workspace file: its path, its text and the UTF-16 offset. */
export interface At {
  file: string;
  text: string;
  offset: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The state of one server run; see the module comment. */
/** What was last published for one file: its diagnostics, and the texts of the files they point into (positions depend on them). */
interface SentDiagnostics {
  diagnostics: readonly PortDiagnostic[];
  files: readonly string[];
  texts: readonly (string | undefined)[];
}

export class Session implements EditTarget {
  readonly documents = new TextDocuments(TextDocument);
  roots: Root[] = [];
  index = new WorkspaceIndex({ roots: [] });
  clientCapabilities: ClientCapabilities = {};
  /** Settings by root path; `''` holds the settings for files outside every root. */
  private settings = new Map<string, FolderSettings>();
  /** The settings of a file no folder's settings cover (before any are read). */
  private readonly defaults = folderSettings(undefined, undefined);
  /** The last `portolan` section a `workspace/didChangeConfiguration` pushed (clients that answer no pulls). */
  private pushed: PortolanSettings | undefined;
  /** The loads and folder changes, one after the other (each awaits the one before). */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Whether the workspace is loaded and publishing may start (false again after shutdown). */
  private ready = false;
  private skipped = 0;
  private publishQueued = false;
  /** What was last sent per file, serialized: a file is re-sent only when its diagnostics change. */
  private sent = new Map<string, SentDiagnostics>();
  /** Bumped by every change; a publish that sees a newer generation stops (its work is stale). */
  private generation = 0;
  /** The generation the last completed publish reflected. */
  private publishedGeneration = -1;
  private publishing = false;
  /** The rules, re-run after an edit only on the hosts whose facts changed. */
  private readonly ruleRuns = new IncrementalRules();
  /** Who reports changes on disk: the client (a registered watcher), the server itself, or nobody yet. */
  private watching: 'client' | 'server' | undefined;
  private watcher: FolderWatcher | undefined;
  /** Open documents the index refuses (a link, outside the folders), so each is logged once per open. */
  private refusedDocuments = new Set<string>();
  /**
   * The disk read under way per path, as a ticket: a read applies its text only while its
   * ticket is still the path's, so an editor's text (didOpen, didChange), a deletion or a newer
   * read that came meanwhile wins over it (a didClose's read never overwrites a reopened document).
   */
  private diskReads = new Map<string, number>();
  private lastTicket = 0;

  constructor(
    readonly connection: Connection,
    private readonly host: WorkspaceHost,
    private readonly platform: ServerPlatform = {},
  ) {}

  private get watchFolders(): WatchFolders | undefined {
    return this.platform.watchFolders;
  }

  /** A line in the client's output (`window/logMessage`, type Log). */
  log(message: string): void {
    this.connection.console.log(`[portolan] ${message}`);
  }

  /** Logs a failure the way the guard does (./guard.ts). */
  fail(name: string, e: unknown): void {
    logFailure(this.connection, name, e);
  }

  /** Records the workspace folders (or the root URI) and the client's capabilities of `initialize`. */
  initialize(params: InitializeParams): void {
    this.roots = rootsOf(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []));
    this.clientCapabilities = params.capabilities;
    this.index = new WorkspaceIndex({ roots: this.roots }, (m) => this.connection.console.error(`[portolan] ${m}`));
  }

  /** Whether the client answers `workspace/configuration` (settings are pulled, per folder). */
  get canPullConfig(): boolean {
    return this.clientCapabilities.workspace?.configuration === true;
  }

  /**
   * Says who reports changes on disk (the workspace feature, on `initialized`): `client` when a
   * `workspace/didChangeWatchedFiles` watcher was registered, else `server`: {@link start} then
   * watches the folders itself. Logs the mode.
   */
  watchFiles(mode: 'client' | 'server'): void {
    this.watching = mode;
    if (mode === 'client') this.log('file watching: client');
    else if (this.watchFolders) this.log('file watching: server (chokidar)');
    else this.log('file watching: none (the client registers no watcher and this server has no watcher of its own)');
  }

  /**
   * On `initialized`: reads the settings, loads every accepted file (while the server's own
   * watcher, if in use, gets ready: the first `portolan/indexed` comes after both), then
   * publishes. Publishing starts even when loading failed.
   */
  async start(): Promise<void> {
    await this.serially(async () => {
      try {
        await this.loadSettings();
        this.configureIndex();
        await Promise.all([this.loadAll(), this.startWatcher()]);
      } finally {
        this.ready = true;
      }
    });
    await this.publishLoop();
  }

  /** On `shutdown`: no more publishes; one under way stops at its next yield. */
  async stop(): Promise<void> {
    this.ready = false;
    this.stopped = true;
    this.generation++;
    const w = this.watcher;
    this.watcher = undefined;
    await w?.close();
  }

  /** Runs `task` after every load or folder change queued before it; rejects as `task` does. */
  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts the server's own watcher when {@link watchFiles} chose it and there is a folder; resolves once it watches. */
  private async startWatcher(): Promise<void> {
    if (this.watching !== 'server' || !this.watchFolders || this.watcher || this.stopped || this.roots.length === 0) return;
    this.watcher = this.watchFolders({
      roots: this.roots.map((r) => r.path),
      accepts: (p) => isCandidatePath(p) && this.accepts(p),
      onChange: (events) => void this.filesChanged(events),
      log: (m) => this.log(m),
    });
    await this.watcher.ready;
  }

  /**
   * Points the server's own watcher (when in use) at the current folders: the new watcher
   * watches before the old one stops, so no change in a folder kept is missed (one seen by both
   * is read twice and publishes nothing new).
   */
  private async restartWatcher(): Promise<void> {
    if (this.watching !== 'server' || !this.watchFolders) return;
    const old = this.watcher;
    this.watcher = undefined;
    try {
      await this.startWatcher();
    } finally {
      await old?.close();
    }
  }

  // Reading the workspace.

  textOf(path: string): string | undefined {
    return this.index.textOf(path);
  }

  /** The current text of a file, '' when the index does not know it. */
  text(path: string): string {
    return this.index.textOf(path) ?? '';
  }

  versionOf(path: string): number | null {
    return this.documents.get(pathToUri(path))?.version ?? null;
  }

  /** The file, text and offset of an LSP position; `undefined` for a non-file URI or a file the index does not hold. */
  at(uri: string, position: { line: number; character: number }): At | undefined {
    const file = uriToPath(uri);
    const text = file === undefined ? undefined : this.index.textOf(file);
    if (file === undefined || text === undefined) return undefined;
    return { file, text, offset: offsetAt(text, position.line, position.character) };
  }

  settingsOf(path: string): FolderSettings {
    return this.settings.get(this.index.rootOf(path)?.path ?? '') ?? this.settings.get('') ?? this.defaults;
  }

  /** Whether any folder has `portolan.live.enabled`. */
  liveEnabled(): boolean {
    return [...this.settings.values()].some((s) => s.live);
  }

  /** Roots and host map the index is configured with (for the re-check's copy). */
  indexOptions(): IndexOptions {
    return { roots: this.roots, hostMap: [...this.settings.values()].flatMap((s) => s.hostMap) };
  }

  snapshot(): Snapshot {
    return this.index.snapshot();
  }

  /** The current snapshot and its diagnostics, each file's severities from its folder's settings. */
  analyze(): { snap: Snapshot; diagnostics: PortDiagnostic[] } {
    const snap = this.index.snapshot();
    return { snap, diagnostics: this.rules(snap) };
  }

  /** Re-runs the rules on a copy of the index with some texts replaced (the re-check guard), with the same settings. */
  reanalyzer(): Reanalyze {
    return indexReanalyzer(this.index, this.indexOptions(), this.ruleSettings());
  }

  private rules(snap: Snapshot): PortDiagnostic[] {
    return this.ruleRuns.run(snap, this.ruleSettings(), (rule, e) => this.fail(`rule ${rule}`, e));
  }

  /** Each file's folder's rule settings, with every folder's (a rule off in all of them is not run). */
  ruleSettings(): RuleSettingsByFile {
    return { of: (file) => this.settingsOf(file).rules, all: [...this.settings.values(), this.defaults].map((s) => s.rules) };
  }

  /** Whether the include/exclude settings of the file's folder let Portolan read it. Files outside every folder are read. */
  accepts(path: string): boolean {
    const root = this.index.rootOf(path);
    if (!root) return true;
    return this.settingsOf(path).accept(path.slice(root.path.length).replace(/^\/+/, ''));
  }

  // Changes.

  /**
   * An open document's new text (`didOpen`, `didChange`). A document outside every workspace
   * folder, or one that is a symbolic link or lies below one (`platform.linkOnTheWay`), never
   * enters the index, so neither the table, diagnostics, hover nor any WorkspaceEdit shows it;
   * the log says "not indexed <path>: <why>" once per open.
   */
  documentChanged(uri: string, text: string): void {
    const p = uriToPath(uri);
    if (!p) return;
    this.diskReads.delete(p); // the editor's text supersedes a disk read under way
    if (this.indexesOpen(p) && this.index.setText(p, text)) this.schedulePublish();
  }

  /** Whether an open document's text may enter the index (see {@link documentChanged}); logs a refusal once per open. */
  private indexesOpen(path: string): boolean {
    const root = this.index.rootOf(path);
    const refused = !root ? 'outside the workspace folders' : this.platform.linkOnTheWay?.(path, root.path);
    if (refused === undefined) return this.accepts(path);
    if (!this.refusedDocuments.has(path)) this.log(`not indexed ${path}: ${refused}`);
    this.refusedDocuments.add(path);
    this.index.remove(path);
    return false;
  }

  /** A document was closed: the disk's text replaces the editor's. */
  async documentClosed(uri: string): Promise<void> {
    const p = uriToPath(uri);
    if (!p) return;
    this.refusedDocuments.delete(p);
    try {
      await this.reloadFile(p);
    } catch (e) {
      this.log(`reload ${p}: ${(e as Error).message}`);
    }
    this.schedulePublish();
  }

  /**
   * Watched-file events (`workspace/didChangeWatchedFiles`), already as paths. A deletion drops
   * the file or, for a folder (one event for the whole tree), everything below it; a creation or
   * change re-reads a candidate file. Paths outside every folder are ignored.
   */
  async filesChanged(changes: readonly { path: string; deleted: boolean }[]): Promise<void> {
    for (const { path, deleted } of changes) {
      if (!this.index.rootOf(path)) continue;
      try {
        if (deleted) {
          for (const reading of [...this.diskReads.keys()]) if (reading === path || reading.startsWith(path + '/')) this.diskReads.delete(reading);
          for (const known of [...this.index.paths()]) if (known === path || known.startsWith(path + '/')) this.index.remove(known);
        } else if (isCandidatePath(path)) {
          await this.reloadFile(path);
        }
      } catch (e) {
        this.log(`watched file ${path}: ${(e as Error).message}`);
      }
    }
    this.schedulePublish();
  }

  /**
   * The settings changed (`workspace/didChangeConfiguration`): pulled again when the client
   * answers pulls, else `pushed` (the notification's `portolan` section) for every folder. The
   * files are re-read when include/exclude changed.
   */
  async settingsChanged(pushed: PortolanSettings | undefined): Promise<void> {
    try {
      await this.serially(async () => {
        const before = this.filterKeys();
        if (!this.canPullConfig) this.pushed = pushed;
        await this.loadSettings();
        this.configureIndex();
        if (this.ready && this.filterKeys() !== before) await this.loadAll();
      });
    } finally {
      this.schedulePublish();
    }
  }

  /**
   * The client added or removed workspace folders (`workspace/didChangeWorkspaceFolders`; the
   * event as sent, checked by ./folders.ts). The roots, each folder's host name and settings
   * follow; a file no folder holds any more leaves the index (its diagnostics are emptied by
   * the next publish, and later events for it are ignored), an open one included; a file that
   * now belongs to another folder (nested folders) is read again under it; an added folder's
   * files are read as in the initial load (include/exclude, no links, nothing outside it); the
   * server's own watcher, when in use, watches the new folders. Runs after the loads and folder
   * changes before it; logs the change.
   */
  async foldersChanged(event: unknown): Promise<void> {
    try {
      await this.serially(() => this.applyFolders(event));
    } finally {
      this.schedulePublish();
    }
  }

  private async applyFolders(event: unknown): Promise<void> {
    const change = changeRoots(this.roots, event);
    if (!change) return;
    const names = (roots: readonly Root[]) => roots.map((r) => r.path).join(', ') || 'none';
    this.log(`workspace folders: added ${names(change.added)}; removed ${names(change.removed)}`);
    const before = new Map(this.index.paths().map((p) => [p, this.index.rootOf(p)?.path] as const));
    this.roots = change.roots;
    // The index answers for the new folders at once (a watched-file event meanwhile is judged by
    // them), and again with their settings once those are read.
    this.configureIndex();
    await this.loadSettings();
    this.configureIndex();
    for (const [path, was] of before) {
      const now = this.index.rootOf(path);
      if (now?.path === was) continue;
      try {
        await this.rehome(path, now !== undefined);
      } catch (e) {
        this.log(`folder change ${path}: ${(e as Error).message}`);
      }
    }
    if (change.added.length > 0) await this.loadRoots(change.added, (p) => !before.has(p));
    await this.restartWatcher();
  }

  /** A known file whose folder changed: dropped when no folder holds it (`inside` false), else read again under its new folder; an open document's text is checked again instead. */
  private async rehome(path: string, inside: boolean): Promise<void> {
    const doc = this.documents.get(pathToUri(path));
    if (doc) {
      if (this.indexesOpen(path)) this.index.setText(path, doc.getText());
    } else if (!inside) {
      this.diskReads.delete(path);
      this.index.remove(path);
    } else {
      await this.reloadFile(path);
    }
  }

  private filterKeys(): string {
    return [...this.settings.values()].map((s) => s.filterKey).join('\n');
  }

  /** Reads the settings of every folder: pulled when the client answers pulls, else the last pushed section for all. */
  private async loadSettings(): Promise<void> {
    if (this.canPullConfig) await this.pullSettings();
    else this.settings = new Map([['', folderSettings(this.pushed, undefined)], ...this.roots.map((r) => [r.path, folderSettings(this.pushed, r)] as const)]);
  }

  /** Pulls each folder's `portolan` section (folder-level settings win, as in VS Code). */
  private async pullSettings(): Promise<void> {
    try {
      const items = [{ section: 'portolan' }, ...this.roots.map((r) => ({ scopeUri: pathToUri(r.path), section: 'portolan' }))];
      const values = (await this.connection.workspace.getConfiguration(items)) as (PortolanSettings | null)[];
      const next = new Map<string, FolderSettings>([['', folderSettings(values[0], undefined)]]);
      this.roots.forEach((r, i) => next.set(r.path, folderSettings(values[i + 1], r)));
      this.settings = next;
    } catch (e) {
      this.log(`could not read settings: ${(e as Error).message}`);
    }
  }

  private configureIndex(): void {
    this.index.configure(this.indexOptions());
  }

  /**
   * Re-reads a file from disk into the index, unless it is open (the editor's text wins) or
   * its folder's include/exclude refuses it (then it is dropped). The text read is applied only
   * when nothing newer came during the read (see {@link diskReads}) and the file still belongs
   * to the folder it was read under (a folder removed meanwhile).
   */
  private async reloadFile(path: string): Promise<void> {
    if (this.documents.get(pathToUri(path))) return; // the editor's text wins over the disk
    if (!this.accepts(path)) {
      this.index.remove(path);
      return;
    }
    const ticket = ++this.lastTicket;
    this.diskReads.set(path, ticket);
    // Only files of a workspace folder are ever read from disk (a didClose or a watched-file
    // event may name any path); the host refuses links below the folder.
    const root = this.index.rootOf(path);
    const r = root ? await this.host.readFile(path, root.path) : { skipped: 'outside the workspace folders' };
    if (this.diskReads.get(path) !== ticket) return; // superseded while reading
    this.diskReads.delete(path);
    if (root && this.index.rootOf(path)?.path !== root.path) return; // its folder changed while reading
    if ('text' in r) {
      this.index.setText(path, r.text);
      return;
    }
    this.index.remove(path);
    if (!r.skipped.startsWith('gone')) this.log(`not read ${path}: ${r.skipped}`);
  }

  /** Loads every accepted file of every folder, then lays open editors' texts over them. */
  private async loadAll(): Promise<void> {
    for (const p of [...this.index.paths()]) if (!this.accepts(p)) this.index.remove(p);
    await this.loadRoots(this.roots);
  }

  /** Loads the accepted files of `roots` that `wanted` lets through, then lays open editors' texts over them. */
  private async loadRoots(roots: readonly Root[], wanted: (path: string) => boolean = () => true): Promise<void> {
    const accepts = (p: string) => this.accepts(p) && wanted(p);
    await loadWorkspace(this.index, this.host, roots, (m) => {
      if (m.startsWith('skipped ')) this.skipped++;
      this.log(m);
    }, accepts);
    for (const doc of this.documents.all()) {
      const p = uriToPath(doc.uri);
      if (p && this.indexesOpen(p)) this.index.setText(p, doc.getText());
    }
  }

  // Publishing.

  /** Marks the index changed and coalesces bursts of changes into one publish on a later turn of the event loop. */
  schedulePublish(): void {
    this.generation++;
    if (!this.ready || this.publishQueued) return;
    this.publishQueued = true;
    setImmediate(() => {
      this.publishQueued = false;
      void this.publishLoop();
    });
  }

  /** Runs publishes until one completes on the newest generation; one loop at a time. */
  private async publishLoop(): Promise<void> {
    if (this.publishing) return;
    this.publishing = true;
    try {
      // A change during a publish either stops it or, once it is past its last check, makes
      // the loop go round again: the newest text is always published.
      while (this.ready && this.publishedGeneration !== this.generation) await this.publish();
    } catch (e) {
      this.fail('publish', e);
    } finally {
      this.publishing = false;
    }
  }

  /**
   * Computes diagnostics for the current index and sends those that changed, then
   * `portolan/indexed`. Yields to the event loop between the snapshot, the rules and the sends;
   * when a change arrived meanwhile it stops, and the publish scheduled by that change does
   * the work on the newer text.
   */
  private async publish(): Promise<void> {
    const gen = this.generation;
    const snap = this.index.snapshot();
    await nextTurn();
    if (gen !== this.generation || !this.ready) return;
    const diagnostics = this.rules(snap);
    await nextTurn();
    if (gen !== this.generation || !this.ready) return;
    this.send(diagnostics);
    this.publishedGeneration = gen;
    void this.connection.sendNotification(IndexedNotification, {
      files: snap.files.size,
      // Counted by group: reading snap.facts would join every group's facts for one number.
      facts: snap.groups ? snap.groups.reduce((n, g) => n + g.facts.length, 0) : snap.facts.length,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      skipped: this.skipped,
    });
  }

  /**
   * Sends each file's diagnostics that differ from what was last sent, and empties files that
   * have none now. A file's diagnostics are converted (offsets to positions) only when they, or
   * the text of a file they point into, changed: the other files keep what was sent.
   */
  private send(diagnostics: readonly PortDiagnostic[]): void {
    const text = (p: string) => this.text(p);
    const byFile = new Map<string, PortDiagnostic[]>();
    for (const d of diagnostics) {
      const list = byFile.get(d.location.file);
      if (list) list.push(d);
      else byFile.set(d.location.file, [d]);
    }
    const next = new Map<string, SentDiagnostics>();
    for (const [path, list] of byFile) {
      const files = [...new Set([path, ...list.flatMap((d) => d.related.map((r) => r.location.file))])];
      const texts = files.map(text);
      const old = this.sent.get(path);
      if (old && sameValue(old.diagnostics, list) && old.files.length === files.length && old.files.every((f, i) => f === files[i] && old.texts[i] === texts[i])) {
        next.set(path, old);
        continue;
      }
      next.set(path, { diagnostics: list, files, texts });
      void this.connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: list.map((d) => toLspDiagnostic(d, text)) });
    }
    for (const path of this.sent.keys()) if (!next.has(path)) void this.connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: [] });
    this.sent = next;
  }
}
