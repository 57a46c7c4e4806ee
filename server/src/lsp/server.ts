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
import { EXTRA_CAPABILITIES, liveHoverLine, registerExtras } from './extras';

/** The `portolan` settings section, as the client sends it. */
export interface PortolanSettings {
  /** Path glob (relative to a workspace folder) to host name. */
  hostMap?: Record<string, string>;
  /** Rule id to severity or "off". */
  rules?: Partial<Record<RuleId, string>>;
  /** `portolan.live.enabled`: hover and completion consult the live machine's sockets. */
  live?: { enabled?: boolean };
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
  let published = new Set<string>();
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

  function publish(): void {
    const snap = index.snapshot();
    const diagnostics = runRules(snap, ruleSettings(settings), (rule, e) => connection.console.error(`[portolan] rule ${rule} failed: ${(e as Error).stack ?? e}`));
    const byFile = new Map<string, Diagnostic[]>();
    for (const path of snap.files.keys()) byFile.set(path, []);
    for (const d of diagnostics) byFile.get(d.location.file)?.push(toLspDiagnostic(d, textOf)) ?? byFile.set(d.location.file, [toLspDiagnostic(d, textOf)]);
    const next = new Set<string>();
    for (const [path, list] of byFile) {
      if (list.length === 0 && !published.has(path)) continue;
      void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: list });
      if (list.length > 0) next.add(path);
    }
    for (const path of published) if (!byFile.has(path)) void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: [] });
    published = next;
    void connection.sendNotification(IndexedNotification, {
      files: snap.files.size,
      facts: snap.facts.length,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      skipped,
    });
  }

  /** Coalesces bursts of changes into one publish on the next turn of the event loop. */
  function schedulePublish(): void {
    if (!ready || publishQueued) return;
    publishQueued = true;
    setImmediate(() => {
      publishQueued = false;
      guard('publish', publish, undefined)();
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
        ...EXTRA_CAPABILITIES,
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
        skipped++;
        log(m);
      });
      for (const doc of documents.all()) {
        const p = uriToPath(doc.uri);
        if (p) index.setText(p, doc.getText());
      }
      ready = true;
      publish();
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
      const live = settings.live?.enabled === true ? liveHoverLine(snap, p, offset) : undefined;
      const contents = { kind: 'markdown' as const, value: live ? `${h.markdown}\n\n${live}` : h.markdown };
      return h.location.file === p ? { contents, range: spanToRange(text, h.location.span) } : { contents };
    }, null),
  );

  registerExtras(connection, { snapshot: () => index.snapshot(), textOf: (p) => index.textOf(p), liveEnabled: () => settings.live?.enabled === true, log });

  connection.onShutdown(() => {
    ready = false;
  });

  documents.listen(connection);
}
