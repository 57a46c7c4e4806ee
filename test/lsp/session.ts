/**
 * An in-process language-server session for tests: the real server (startServer) and a test
 * client, each a JSON-RPC connection over a pair of stream.PassThrough pipes (client → server
 * and server → client), so every message goes through the same framing and dispatch as over
 * stdio, without a child process. Files come from an in-memory WorkspaceHost by default (or any
 * host, such as nodeHost() over a temporary folder).
 *
 * What the test client does: answers `workspace/configuration` with `settings` (tests may
 * change the object, then send `workspace/didChangeConfiguration`), accepts
 * `client/registerCapability` (recording it) and `workspace/applyEdit` (recording it; answer
 * from `applyEdit`), and records every published diagnostic, `portolan/indexed` and log line.
 *
 * Two things an in-process session must not do, because vscode-languageserver's Node
 * connection ends the process for them: send `exit` (it calls process.exit), or give a
 * `processId` in initialize (it polls that process and exits with it). {@link startSession}
 * sends `processId: null`, and {@link TestSession.close} only sends `shutdown`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type ApplyWorkspaceEditParams,
  type ApplyWorkspaceEditResult,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
} from 'vscode-languageserver-protocol/node';
import { isCandidatePath } from '../../server/src/core/index/registry';
import type { Root, WorkspaceHost } from '../../server/src/core/index/workspace';
import { lifecycleConnection } from '../../server/src/lsp/lifecycle';
import type { IndexedParams } from '../../server/src/lsp/protocol';
import { startServer } from '../../server/src/lsp/server';
import type { ServerPlatform, Session } from '../../server/src/lsp/session';
import { ROOT, withTimeout } from '../helpers';

/** A WorkspaceHost over a map of absolute POSIX paths to texts, which tests may change. */
export interface MemoryHost extends WorkspaceHost {
  readonly files: Map<string, string>;
  /** Every path read through `readFile`, in order. */
  readonly reads: string[];
}

/** A {@link MemoryHost} holding `files`; it lists the candidate paths under a root, sorted, as nodeHost does. */
export function memoryHost(files: Record<string, string> = {}): MemoryHost {
  const map = new Map(Object.entries(files));
  const reads: string[] = [];
  return {
    files: map,
    reads,
    async listFiles(root) {
      const prefix = root.replace(/\/+$/, '') + '/';
      return [...map.keys()].filter((p) => p.startsWith(prefix) && isCandidatePath(p)).sort();
    },
    async readFile(p) {
      reads.push(p);
      const text = map.get(p);
      return text === undefined ? { skipped: 'gone: deleted after it was listed (ENOENT)' } : { text };
    },
  };
}

/** Every file of a folder of the repository (e.g. `examples/prochat-host`), keyed by `root` + its relative path. */
export function filesOf(repoDir: string, root: string): Record<string, string> {
  const base = path.join(ROOT, repoDir);
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(base, { recursive: true, encoding: 'utf8' })) {
    const abs = path.join(base, rel);
    if (fs.statSync(abs).isFile()) out[`${root}/${rel.split(path.sep).join('/')}`] = fs.readFileSync(abs, 'utf8');
  }
  return out;
}

/** Options of {@link startSession}. */
export interface SessionOptions {
  /** Workspace folders; default one folder `/ws` named `ws`. */
  folders?: Root[];
  /** The host the server reads through; default `memoryHost(files)`. */
  host?: WorkspaceHost;
  /** Files of the default memory host. */
  files?: Record<string, string>;
  /** The client's capabilities; default: pulls configuration, dynamic watcher registration, versioned and annotated edits. */
  capabilities?: ClientCapabilities;
  /** What `workspace/configuration` answers for every item (the same object each time, so tests can change it). */
  settings?: object;
  /** Answer `client/registerCapability` with an error (a client that refuses dynamic registrations). */
  refuseRegistrations?: boolean;
  /** The server's own file watcher and link check (main.ts gives `chokidarWatcher` and `linkOnTheWay`); default none. */
  platform?: ServerPlatform;
  /** The answer to `workspace/applyEdit`; default applied. */
  applyEdit?: (p: ApplyWorkspaceEditParams) => ApplyWorkspaceEditResult;
}

/** A running session; see the module comment. */
export interface TestSession {
  /** The test client's connection. */
  client: ProtocolConnection;
  /** The server's session (its index, settings, documents). */
  server: Session;
  /** The host the server reads (a MemoryHost unless `host` was given). */
  host: WorkspaceHost;
  init: InitializeResult;
  /** The latest diagnostics per URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Every `portolan/indexed`, in order. */
  indexed: IndexedParams[];
  registrations: Registration[];
  applied: ApplyWorkspaceEditParams[];
  /** Every `window/logMessage` (type 1 error … 4 log). */
  logs: { type: number; message: string }[];
  /** The messages of logged errors: a handler failure shows up here. */
  errors(): string[];
  /** Resolves once `pred` holds, checked now and after every diagnostic or `portolan/indexed`; rejects after the LSP timeout naming `what`. */
  until(pred: () => boolean, what: string): Promise<void>;
  /** The diagnostics of `uri` once they satisfy `pred`. */
  waitFor(uri: string, pred: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]>;
  /** Resolves with the next `portolan/indexed` after this call. */
  nextIndexed(what?: string): Promise<IndexedParams>;
  /** `file:` URI of an absolute path. */
  uri(p: string): string;
  /** Sends `shutdown` and disposes both connections. */
  close(): Promise<void>;
}

/** The client capabilities {@link startSession} announces by default. */
export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    applyEdit: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } },
  },
  textDocument: { hover: { contentFormat: ['markdown'] }, rename: { prepareSupport: true }, codeAction: { resolveSupport: { properties: ['edit'] } } },
};

/** A pair of connections over two PassThrough pipes, the server's running {@link startServer} (with the lifetime rules of lifecycle.ts). */
export function connect(host: WorkspaceHost, platform?: ServerPlatform): { client: ProtocolConnection; server: Session; dispose(): void } {
  const up = new PassThrough();
  const down = new PassThrough();
  const { connection: serverConnection } = lifecycleConnection(new StreamMessageReader(up), new StreamMessageWriter(down), () => undefined);
  const server = startServer(serverConnection, host, platform);
  serverConnection.listen();
  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  return {
    client,
    server,
    dispose() {
      client.dispose();
      serverConnection.dispose();
      up.end();
      down.end();
    },
  };
}

/** What the test client records, and a wait on it. */
type Recorder = Pick<TestSession, 'diagnostics' | 'indexed' | 'registrations' | 'applied' | 'logs' | 'until'>;

/** Installs the test client's handlers (see the module comment) and starts listening. */
function record(client: ProtocolConnection, opts: SessionOptions): Recorder {
  const r: Recorder = { diagnostics: new Map(), indexed: [], registrations: [], applied: [], logs: [], until: () => Promise.resolve() };
  const checks = new Set<() => void>();
  const changed = () => {
    for (const c of [...checks]) c();
  };
  client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    r.diagnostics.set(p.uri, p.diagnostics);
    changed();
  });
  client.onNotification('portolan/indexed', (p: IndexedParams) => {
    r.indexed.push(p);
    changed();
  });
  client.onNotification('window/logMessage', (p: { type: number; message: string }) => void r.logs.push(p));
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => opts.settings ?? {}));
  client.onRequest('client/registerCapability', (p: { registrations: Registration[] }) => {
    if (opts.refuseRegistrations) return new ResponseError(ErrorCodes.InvalidRequest, 'registrations refused by the test client');
    r.registrations.push(...p.registrations);
    return null;
  });
  client.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
    r.applied.push(p);
    return opts.applyEdit ? opts.applyEdit(p) : { applied: true };
  });
  client.listen();
  r.until = (pred, what) => {
    if (pred()) return Promise.resolve();
    let check!: () => void;
    const done = new Promise<void>((resolve) => {
      check = () => {
        if (pred()) resolve();
      };
      checks.add(check);
    });
    return withTimeout(done, what).finally(() => checks.delete(check));
  };
  return r;
}

/** Starts a server in process, initializes it with `opts` and waits for its first `portolan/indexed`. */
export async function startSession(opts: SessionOptions = {}): Promise<TestSession> {
  const folders = opts.folders ?? [{ path: '/ws', name: 'ws' }];
  const host = opts.host ?? memoryHost(opts.files ?? {});
  const { client, server, dispose } = connect(host, opts.platform);
  const r = record(client, opts);
  const uri = (p: string) => pathToFileURL(p).href;
  const init = (await client.sendRequest('initialize', {
    processId: null,
    rootUri: folders[0] ? uri(folders[0].path) : null,
    workspaceFolders: folders.map((f) => ({ uri: uri(f.path), name: f.name })),
    capabilities: opts.capabilities ?? CLIENT_CAPABILITIES,
  })) as InitializeResult;
  void client.sendNotification('initialized', {});
  await r.until(() => r.indexed.length > 0, 'the first portolan/indexed');
  return {
    ...r,
    client,
    server,
    host,
    init,
    uri,
    errors: () => r.logs.filter((l) => l.type === 1).map((l) => l.message),
    async waitFor(u, pred, what) {
      await r.until(() => r.diagnostics.has(u) && pred(r.diagnostics.get(u)!), what);
      return r.diagnostics.get(u)!;
    },
    async nextIndexed(what = 'portolan/indexed') {
      const seen = r.indexed.length;
      await r.until(() => r.indexed.length > seen, what);
      return r.indexed[r.indexed.length - 1]!;
    },
    async close() {
      await client.sendRequest('shutdown').catch(() => undefined);
      dispose();
    },
  };
}
