/**
 * The language server adapter: wires an LSP connection to the core's WorkspaceIndex. It only
 * converts (URIs to paths, offsets to positions, core diagnostics to LSP diagnostics) and
 * schedules work; all analysis is in the core.
 *
 * Lifecycle: `initialize` records the workspace folders; `initialized` loads every candidate
 * file (open or not), publishes diagnostics for all of them and sends `portolan/indexed`.
 * Edits of open documents, watched-file events and settings changes re-index and re-publish.
 * Every handler is guarded: a failure is logged and the server goes on.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileFilter } from '../core/index/filter';
import { hoverAt } from '../core/features/hover';
import { isCandidatePath } from '../core/index/registry';
import { parseRuleSettings, runRules, withCrossProjectConflicts, type PortDiagnostic, type RuleSettings } from '../core/rules';
import { portReference, portTree } from '../core/features/table';
import { loadWorkspace, WorkspaceIndex, type HostMapping, type Root, type WorkspaceHost } from '../core/index/workspace';
import { EDIT_CAPABILITIES, FIX_ALL_KIND, registerEditHandlers } from './actions';
import { markdownLink, offsetAt, pathToUri, spanToRange, toLspDiagnostic, uriToPath } from './convert';
import { IndexedNotification, PortReferenceRequest, PortTableRequest, RENUMBER_RTCD_SERVER_COMMAND, UPDATE_REGIONS_COMMAND, type PortTableHost } from './protocol';
import { EXTRA_CAPABILITIES, liveHoverLine, registerExtras } from './extras';

/**
 * The `portolan` settings section of one workspace folder, as the client sends it (untrusted
 * JSON: every field is checked before use).
 */
export interface PortolanSettings {
  /** Path glob (relative to the workspace folder) to host name. */
  hostMap?: Record<string, string>;
  /** Rule id to severity or "off". */
  rules?: Record<string, string>;
  /** `portolan.crossProjectConflicts`: report `project-conflict` notes. */
  crossProjectConflicts?: boolean;
  /** Globs (relative to the folder) of the only files to read; empty means every candidate file. */
  include?: string[];
  /** Globs (relative to the folder) of files never to read. */
  exclude?: string[];
  /** `portolan.live.enabled`: hover and completion consult the live machine's sockets. */
  live?: { enabled?: boolean };
}

/** A folder's settings, checked and compiled. */
interface FolderSettings {
  rules: RuleSettings;
  hostMap: HostMapping[];
  accept: (relativePath: string) => boolean;
  /** include/exclude as given, to tell whether the file set must be re-read. */
  filterKey: string;
  /** `portolan.live.enabled`. */
  live: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

function folderSettings(s: PortolanSettings | null | undefined, root: Root | undefined): FolderSettings {
  const raw = typeof s === 'object' && s !== null ? s : {};
  const map = typeof raw.hostMap === 'object' && raw.hostMap !== null ? raw.hostMap : {};
  const hostMap = Object.entries(map)
    .filter(([g, h]) => typeof g === 'string' && typeof h === 'string' && g !== '' && h !== '')
    .map(([glob, host]) => (root ? { glob, host, root: root.path } : { glob, host }));
  const include = strings(raw.include);
  const exclude = strings(raw.exclude);
  const live = typeof raw.live === 'object' && raw.live !== null && raw.live.enabled === true;
  return { rules: withCrossProjectConflicts(parseRuleSettings(raw.rules), raw.crossProjectConflicts === true), hostMap, accept: fileFilter({ include, exclude }), filterKey: JSON.stringify([include, exclude]), live };
}

/**
 * Serves Portolan over `connection`, reading files through `host`. Returns once handlers are
 * registered; call `connection.listen()` afterwards (the caller owns the transport).
 */
export function startServer(connection: Connection, host: WorkspaceHost): void {
  const documents = new TextDocuments(TextDocument);
  let roots: Root[] = [];
  let index = new WorkspaceIndex({ roots });
  /** Settings by root path; `''` holds the settings for files outside every root. */
  let settings = new Map<string, FolderSettings>();
  let canPullConfig = false;
  let canRegisterWatchers = false;
  let ready = false;
  let skipped = 0;
  let publishQueued = false;
  let clientCapabilities: ClientCapabilities = {};

  const log = (m: string) => connection.console.log(`[portolan] ${m}`);
  const textOf = (path: string) => index.textOf(path) ?? '';

  const guard = <A extends unknown[], R>(name: string, fn: (...a: A) => R, fallback: R) => (...a: A): R => {
    try {
      return fn(...a);
    } catch (e) {
      connection.console.error(`[portolan] ${name} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };

  const settingsOf = (path: string): FolderSettings => settings.get(index.rootOf(path)?.path ?? '') ?? settings.get('') ?? folderSettings(undefined, undefined);

  /** Whether the include/exclude settings of the file's folder let Portolan read it. Files outside every folder are read. */
  function accepts(path: string): boolean {
    const root = index.rootOf(path);
    if (!root) return true;
    return settingsOf(path).accept(path.slice(root.path.length).replace(/^\/+/, ''));
  }

  function configureIndex(): void {
    index.configure({ roots, hostMap: [...settings.values()].flatMap((s) => s.hostMap) });
  }

  /** The snapshot and its diagnostics, each file's severities from its folder's settings. */
  function analyze(): { snap: ReturnType<WorkspaceIndex['snapshot']>; diagnostics: PortDiagnostic[] } {
    const snap = index.snapshot();
    const diagnostics = runRules(snap, (file) => settingsOf(file).rules, (rule, e) => connection.console.error(`[portolan] rule ${rule} failed: ${(e as Error).stack ?? e}`));
    return { snap, diagnostics };
  }

  /** What was last sent per file, serialized: a file is re-sent only when its diagnostics change. */
  let sent = new Map<string, string>();
  /** Bumped by every change; a publish that sees a newer generation stops (its work is stale). */
  let generation = 0;
  /** The generation the last completed publish reflected. */
  let publishedGeneration = -1;
  let publishing = false;

  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  /**
   * Computes diagnostics for the current index and sends those that changed, then
   * `portolan/indexed`. Yields to the event loop between the snapshot, the rules and the sends;
   * when a change arrived meanwhile it stops, and the publish scheduled by that change does
   * the work on the newer text.
   */
  async function publish(): Promise<void> {
    const gen = generation;
    const snap = index.snapshot();
    await nextTurn();
    if (gen !== generation) return;
    const diagnostics = runRules(snap, (file) => settingsOf(file).rules, (rule, e) => connection.console.error(`[portolan] rule ${rule} failed: ${(e as Error).stack ?? e}`));
    await nextTurn();
    if (gen !== generation) return;
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) byFile.get(d.location.file)?.push(toLspDiagnostic(d, textOf)) ?? byFile.set(d.location.file, [toLspDiagnostic(d, textOf)]);
    const next = new Map<string, string>();
    for (const [path, list] of byFile) {
      const key = JSON.stringify(list);
      next.set(path, key);
      if (sent.get(path) !== key) void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: list });
    }
    for (const path of sent.keys()) if (!next.has(path)) void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: [] });
    sent = next;
    publishedGeneration = gen;
    void connection.sendNotification(IndexedNotification, {
      files: snap.files.size,
      facts: snap.facts.length,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      skipped,
    });
  }

  /** Runs publishes until one completes on the newest generation; one loop at a time. */
  async function publishLoop(): Promise<void> {
    if (publishing) return;
    publishing = true;
    try {
      // A change during a publish either stops it or, once it is past its last check, makes
      // the loop go round again: the newest text is always published.
      while (publishedGeneration !== generation) await publish();
    } catch (e) {
      connection.console.error(`[portolan] publish failed: ${(e as Error).stack ?? e}`);
    } finally {
      publishing = false;
    }
  }

  /** Marks the index changed and coalesces bursts of changes into one publish on a later turn of the event loop. */
  function schedulePublish(): void {
    generation++;
    if (!ready || publishQueued) return;
    publishQueued = true;
    setImmediate(() => {
      publishQueued = false;
      void publishLoop();
    });
  }

  /** Pulls each folder's `portolan` section (folder-level settings win, as in VS Code). */
  async function pullSettings(): Promise<void> {
    if (!canPullConfig) return;
    try {
      const items = [{ section: 'portolan' }, ...roots.map((r) => ({ scopeUri: pathToUri(r.path), section: 'portolan' }))];
      const values = (await connection.workspace.getConfiguration(items)) as (PortolanSettings | null)[];
      const next = new Map<string, FolderSettings>([['', folderSettings(values[0], undefined)]]);
      roots.forEach((r, i) => next.set(r.path, folderSettings(values[i + 1], r)));
      settings = next;
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
  }

  /** Same settings for every folder (a client that pushes settings instead of answering pulls). */
  function pushedSettings(s: PortolanSettings | undefined): void {
    settings = new Map([['', folderSettings(s, undefined)], ...roots.map((r) => [r.path, folderSettings(s, r)] as const)]);
  }

  async function reloadFile(path: string): Promise<void> {
    if (documents.get(pathToUri(path))) return; // the editor's text wins over the disk
    if (!accepts(path)) {
      index.remove(path);
      return;
    }
    const r = await host.readFile(path);
    if ('text' in r) index.setText(path, r.text);
    else index.remove(path);
  }

  /** Loads every accepted file of every folder, then lays open editors' texts over them. */
  async function loadAll(): Promise<void> {
    for (const p of [...index.paths()]) if (!accepts(p)) index.remove(p);
    await loadWorkspace(index, host, roots, (m) => {
      if (m.startsWith('skipped ')) skipped++;
      log(m);
    }, accepts);
    for (const doc of documents.all()) {
      const p = uriToPath(doc.uri);
      if (p && accepts(p)) index.setText(p, doc.getText());
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
    roots = folders.flatMap((f) => {
      const path = uriToPath(f.uri);
      return path ? [{ path, name: f.name || path.slice(path.lastIndexOf('/') + 1) }] : [];
    });
    clientCapabilities = params.capabilities;
    canPullConfig = params.capabilities.workspace?.configuration === true;
    canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    index = new WorkspaceIndex({ roots });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        ...EXTRA_CAPABILITIES,
        ...EDIT_CAPABILITIES,
        // One code-action provider and one command list for both feature sets.
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        executeCommandProvider: { commands: [UPDATE_REGIONS_COMMAND, RENUMBER_RTCD_SERVER_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'portolan-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    try {
      if (canRegisterWatchers) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
      }
      if (canPullConfig) await connection.client.register(DidChangeConfigurationNotification.type, { section: 'portolan' });
      await pullSettings();
      configureIndex();
      await loadAll();
      ready = true;
      await publishLoop();
    } catch (e) {
      connection.console.error(`[portolan] indexing failed: ${(e as Error).stack ?? e}`);
      ready = true;
    }
  });

  documents.onDidChangeContent(
    guard('didChange', (e) => {
      const p = uriToPath(e.document.uri);
      if (p && accepts(p) && index.setText(p, e.document.getText())) schedulePublish();
    }, undefined),
  );
  documents.onDidClose((e) => {
    const p = uriToPath(e.document.uri);
    if (p) void reloadFile(p).then(schedulePublish, (err: Error) => log(`reload ${p}: ${err.message}`));
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    for (const c of params.changes) {
      const p = uriToPath(c.uri);
      if (!p || !index.rootOf(p)) continue;
      try {
        if (c.type === FileChangeType.Deleted) {
          // A deleted folder arrives as one event: drop everything below it.
          for (const known of [...index.paths()]) if (known === p || known.startsWith(p + '/')) index.remove(known);
        } else {
          if (isCandidatePath(p)) await reloadFile(p);
        }
      } catch (e) {
        log(`watched file ${p}: ${(e as Error).message}`);
      }
    }
    schedulePublish();
  });

  connection.onDidChangeConfiguration(async (change) => {
    try {
      const before = [...settings.values()].map((s) => s.filterKey).join('\n');
      if (canPullConfig) await pullSettings();
      else pushedSettings((change.settings as { portolan?: PortolanSettings } | null)?.portolan);
      configureIndex();
      if (ready && [...settings.values()].map((s) => s.filterKey).join('\n') !== before) await loadAll();
    } catch (e) {
      connection.console.error(`[portolan] settings change failed: ${(e as Error).stack ?? e}`);
    }
    schedulePublish();
  });

  connection.onRequest(
    PortTableRequest,
    guard('portTable', (params): PortTableHost[] => {
      const { snap, diagnostics } = analyze();
      const filter = params.filter === 'problems' || params.filter === 'rtcd' ? params.filter : 'all';
      return portTree(snap, diagnostics, filter).map((h) => ({
        host: h.host,
        ports: h.ports.map((p) => ({
          port: p.port,
          protocol: p.protocol,
          ...(p.worst ? { worst: p.worst } : {}),
          mentions: p.mentions.map((m) => ({
            owner: m.owner,
            ...(m.role ? { role: m.role } : {}),
            kind: m.kind,
            address: m.address,
            detail: m.detail,
            inEffect: m.inEffect,
            uri: pathToUri(m.location.file),
            file: m.file,
            line: m.line,
            range: spanToRange(textOf(m.location.file), m.location.span),
            problems: m.problems,
          })),
        })),
      }));
    }, []),
  );

  connection.onRequest(
    PortReferenceRequest,
    guard('portReference', () => {
      const { snap, diagnostics } = analyze();
      return { markdown: portReference(snap, diagnostics, roots.map((r) => r.name).join(', ') || 'workspace') };
    }, { markdown: '' }),
  );

  connection.onHover(
    guard('hover', (params) => {
      const p = uriToPath(params.textDocument.uri);
      if (!p) return null;
      const text = index.textOf(p);
      if (text === undefined) return null;
      const offset = offsetAt(text, params.position.line, params.position.character);
      const snap = index.snapshot();
      const h = hoverAt(snap, p, offset, (loc, label) => markdownLink(textOf, loc, label));
      if (!h) return null;
      const live = settingsOf(p).live ? liveHoverLine(snap, p, offset) : undefined;
      const contents = { kind: 'markdown' as const, value: live ? `${h.markdown}\n\n${live}` : h.markdown };
      return h.location.file === p ? { contents, range: spanToRange(text, h.location.span) } : { contents };
    }, null),
  );

  const extras = registerExtras(connection, { snapshot: () => index.snapshot(), textOf: (p) => index.textOf(p), liveEnabled: () => [...settings.values()].some((s) => s.live), log });
  const edits = registerEditHandlers(connection, {
    documents,
    index: () => index,
    indexOptions: () => ({ roots, hostMap: [...settings.values()].flatMap((s) => s.hostMap) }),
    ruleSettings: (file) => settingsOf(file).rules,
    analyze,
    clientCapabilities: () => clientCapabilities,
  });
  // The connection has one handler of each: the edit features' fixes, then the doc-stale fix.
  connection.onCodeAction(async (params) => {
    const only = params.context.only;
    const quickFixWanted = only === undefined || only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty);
    return [...(await edits.codeActions(params)), ...(quickFixWanted ? extras.codeActions(params) : [])];
  });
  connection.onExecuteCommand(async (params) => {
    if (params.command === UPDATE_REGIONS_COMMAND) return extras.updateRegions();
    if (params.command === RENUMBER_RTCD_SERVER_COMMAND) return edits.renumberRtcd(params);
    return null;
  });

  connection.onShutdown(() => {
    ready = false;
  });

  documents.listen(connection);
}
