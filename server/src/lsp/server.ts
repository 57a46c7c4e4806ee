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
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt } from '../core/hover';
import { isCandidatePath } from '../core/registry';
import type { RuleId } from '../core/model';
import { RULES, runRules, type RuleSettings } from '../core/rules';
import { loadWorkspace, WorkspaceIndex, type HostMapping, type Root, type WorkspaceHost } from '../core/workspace';
import { markdownLink, offsetAt, pathToUri, spanToRange, toLspDiagnostic, uriToPath } from './convert';
import { IndexedNotification } from './protocol';

/** The `portolan` settings section, as the client sends it. */
export interface PortolanSettings {
  /** Path glob (relative to a workspace folder) to host name. */
  hostMap?: Record<string, string>;
  /** Rule id to severity or "off". */
  rules?: Partial<Record<RuleId, string>>;
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

function ruleSettings(s: PortolanSettings | undefined): RuleSettings {
  const out: RuleSettings = {};
  for (const [id, sev] of Object.entries(s?.rules ?? {})) {
    if (RULES.some((r) => r.id === id) && typeof sev === 'string' && SEVERITIES.has(sev)) out[id as RuleId] = sev as RuleSettings[RuleId];
  }
  return out;
}

function hostMap(s: PortolanSettings | undefined): HostMapping[] {
  return Object.entries(s?.hostMap ?? {})
    .filter(([g, h]) => typeof g === 'string' && typeof h === 'string' && g !== '' && h !== '')
    .map(([glob, host]) => ({ glob, host }));
}

/**
 * Serves Portolan over `connection`, reading files through `host`. Returns once handlers are
 * registered; call `connection.listen()` afterwards (the caller owns the transport).
 */
export function startServer(connection: Connection, host: WorkspaceHost): void {
  const documents = new TextDocuments(TextDocument);
  let roots: Root[] = [];
  let index = new WorkspaceIndex({ roots });
  let settings: PortolanSettings = {};
  let canPullConfig = false;
  let canRegisterWatchers = false;
  let ready = false;
  let skipped = 0;
  let publishQueued = false;

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
    const diagnostics = runRules(snap, ruleSettings(settings), (rule, e) => connection.console.error(`[portolan] rule ${rule} failed: ${(e as Error).stack ?? e}`));
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

  async function pullSettings(): Promise<void> {
    if (!canPullConfig) return;
    try {
      const s = (await connection.workspace.getConfiguration('portolan')) as PortolanSettings | null;
      settings = s ?? {};
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
  }

  async function reloadFile(path: string): Promise<void> {
    if (documents.get(pathToUri(path))) return; // the editor's text wins over the disk
    const r = await host.readFile(path);
    if ('text' in r) index.setText(path, r.text);
    else index.remove(path);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
    roots = folders.flatMap((f) => {
      const path = uriToPath(f.uri);
      return path ? [{ path, name: f.name || path.slice(path.lastIndexOf('/') + 1) }] : [];
    });
    canPullConfig = params.capabilities.workspace?.configuration === true;
    canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    index = new WorkspaceIndex({ roots });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
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
      index.configure({ roots, hostMap: hostMap(settings) });
      await loadWorkspace(index, host, roots, (m) => {
        if (m.startsWith('skipped ')) skipped++;
        log(m);
      });
      for (const doc of documents.all()) {
        const p = uriToPath(doc.uri);
        if (p) index.setText(p, doc.getText());
      }
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
      if (p && index.setText(p, e.document.getText())) schedulePublish();
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
    if (canPullConfig) await pullSettings();
    else settings = ((change.settings as { portolan?: PortolanSettings } | null)?.portolan) ?? {};
    index.configure({ roots, hostMap: hostMap(settings) });
    schedulePublish();
  });

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
      const contents = { kind: 'markdown' as const, value: h.markdown };
      return h.location.file === p ? { contents, range: spanToRange(text, h.location.span) } : { contents };
    }, null),
  );

  connection.onShutdown(() => {
    ready = false;
  });

  documents.listen(connection);
}
