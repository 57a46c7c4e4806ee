/**
 * The one test of the shipped server process: bin/portolan-language-server.js spawned with
 * `--stdio` over a temporary workspace, spoken to with vscode-languageserver-protocol's
 * connection. initialize, a diagnostic on an opened file, hover, shutdown and exit (the process
 * ends with code 0); then how the process ends: exit with and without shutdown, malformed headers,
 * a body that is not JSON, a closed stream. Every other LSP test runs in process (./session.ts).
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type MarkupContent,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ROOT, tmpWorkspace, withTimeout } from '../helpers';

const SITE = 'server {\n    listen 8080;\n}\n';
const COMPOSE = 'services:\n  app:\n    image: example/app\n    ports:\n      - "8080:3000"\n';

describe('language server process over stdio', function () {
  this.timeout(30000);
  let dir: string;
  let child: ChildProcess;
  let conn: ProtocolConnection;
  const stderr: string[] = [];
  const published = new Map<string, Diagnostic[]>();
  let onPublish = () => undefined as void;

  before(() => {
    dir = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/a': SITE, 'docker-compose.yml': COMPOSE }, 'portolan-stdio-'));
    child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
    conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.set(p.uri, p.diagnostics);
      onPublish();
    });
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
  });

  after(() => {
    conn?.dispose();
    if (child && child.exitCode === null) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('initializes, publishes a diagnostic for an opened file, hovers, and exits with 0 after shutdown', async () => {
    const rootUri = pathToFileURL(dir).href;
    const init = (await withTimeout(
      conn.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'host' }], capabilities: { workspace: { configuration: true } } }),
      'initialize',
    )) as InitializeResult;
    assert.equal(init.serverInfo?.name, 'portolan-language-server');
    assert.equal(init.capabilities.hoverProvider, true);
    void conn.sendNotification('initialized', {});

    const uri = pathToFileURL(path.join(dir, 'nginx/sites-enabled/a')).href;
    void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: SITE } });
    const conflict = () => published.get(uri)?.find((d) => d.code === 'port-conflict');
    await withTimeout(new Promise<void>((resolve) => {
      onPublish = () => void (conflict() && resolve());
      onPublish();
    }), 'port-conflict on the opened site');
    assert.deepEqual(conflict()!.range, { start: { line: 1, character: 11 }, end: { line: 1, character: 15 } });

    const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 12 } })) as Hover;
    assert.match((hover.contents as MarkupContent).value, /8080\/tcp/);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await withTimeout(conn.sendRequest('shutdown'), 'shutdown');
    void conn.sendNotification('exit');
    assert.equal(await withTimeout(exited, 'the server process to exit'), 0, stderr.join(''));
  });
});

/** Spawns the server with `--stdio`, writes `input` (raw bytes: framing included), and resolves with its exit code and stderr. */
function runRaw(input: string[], end = false): { exited: Promise<{ code: number | null; stderr: string; stdout: string }>; child: ChildProcess } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (b: Buffer) => void (stderr += b.toString()));
  child.stdout!.on('data', (b: Buffer) => void (stdout += b.toString()));
  const exited = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr, stdout })));
  for (const chunk of input) child.stdin!.write(chunk);
  if (end) child.stdin!.end();
  return { exited: withTimeout(exited, 'the server process to exit').finally(() => child.exitCode === null && child.kill()), child };
}

/** Resolves once the child's stdout (from now on) contains `needle`. */
function output(child: ChildProcess, needle: string, what: string): Promise<void> {
  let out = '';
  return withTimeout(new Promise<void>((resolve) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(needle)) resolve();
    });
  }), what);
}

const frame = (o: object) => {
  const body = JSON.stringify(o);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};
const INIT = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

describe('language server process: how it ends', function () {
  this.timeout(30000);

  it('exits with 1 on exit without shutdown, also before initialize', async () => {
    assert.equal((await runRaw([INIT, frame({ jsonrpc: '2.0', method: 'exit' })]).exited).code, 1);
    assert.equal((await runRaw([frame({ jsonrpc: '2.0', method: 'exit' })]).exited).code, 1);
  });

  it('exits with 0 on exit after shutdown, having answered shutdown', async () => {
    const r = runRaw([INIT, frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' })]);
    await output(r.child, '"id":2,"result":null', 'the answer to shutdown');
    r.child.stdin!.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    assert.equal((await r.exited).code, 0);
  });

  for (const [what, header] of [
    ['a non-numeric Content-Length', 'Content-Length: abc\r\n\r\n{}'],
    ['no Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
    ['a header line without a colon', 'Content-Length 2\r\n\r\n{}'],
  ] as const) {
    it(`exits with 1 and says why on a header with ${what}, rather than staying alive and deaf`, async () => {
      const r = await runRaw([INIT, header]).exited;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot read the client's messages any more/);
    });
  }

  it('stays alive after a body that is not JSON (answered with ParseError), then ends normally', async () => {
    const r = runRaw([INIT, 'Content-Length: 3\r\n\r\n{{{', frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' })]);
    await output(r.child, '"id":2,"result":null', 'the answer to shutdown after the broken body');
    r.child.stdin!.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    const end = await r.exited;
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stdout, /"id":null,"error":\{"code":-32700/);
  });

  it('exits when the client closes the stream: 1 without shutdown, 0 after shutdown was answered', async () => {
    assert.equal((await runRaw([INIT], true).exited).code, 1);
    const r = runRaw([INIT, frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' })]);
    await output(r.child, '"id":2,"result":null', 'the answer to shutdown');
    r.child.stdin!.end();
    assert.equal((await r.exited).code, 0);
  });
});
