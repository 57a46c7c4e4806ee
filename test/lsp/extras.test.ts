/**
 * The language server's port-document and live features over stdio: free-port completion, the
 * doc-stale quick fix, the update command (workspace/applyEdit), the `portolan/live` request
 * against a real listener, and the live hover line once `portolan.live.enabled` is on.
 * Waits on messages with timeouts, never on fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ApplyWorkspaceEditParams,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type MarkupContent,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { REGION_BEGIN, REGION_END } from '../server/src/core/formats/markdown/portdoc';
import type { LiveResult } from '../server/src/lsp/protocol';
import { ROOT, withTimeout } from './helpers';


describe('language server: completion, region fixes and the live check', function () {
  this.timeout(30000);
  const settings: { live?: { enabled: boolean } } = {};
  let dir: string;
  let child: ChildProcess;
  let conn: ProtocolConnection;
  let listener: net.Server;
  let port: number;
  const diagnostics = new Map<string, Diagnostic[]>();
  const edits: ApplyWorkspaceEditParams[] = [];
  let onDiagnostics: () => void = () => undefined;

  const file = (rel: string) => path.join(dir, rel);
  const uri = (rel: string) => pathToFileURL(file(rel)).href;

  function waitDiagnostics(rel: string, pred: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]> {
    return withTimeout(new Promise((resolve) => {
      const check = () => {
        const d = diagnostics.get(uri(rel));
        if (d && pred(d)) resolve(d);
      };
      onDiagnostics = check;
      check();
    }), what);
  }

  before(async () => {
    listener = await new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (listener.address() as net.AddressInfo).port;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-lspx-'));
    fs.mkdirSync(file('nginx/sites-enabled'), { recursive: true });
    fs.writeFileSync(file('nginx/sites-enabled/app'), `server {\n    listen 127.0.0.1:${port};\n    server_name app.example.com;\n}\n`);
    fs.writeFileSync(file('README.md'), `# Host\n\n${REGION_BEGIN}\nold\n${REGION_END}\n`);
    child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      diagnostics.set(p.uri, p.diagnostics);
      onDiagnostics();
    });
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
      edits.push(p);
      return { applied: true };
    });
    conn.onNotification('window/logMessage', () => undefined);
    const indexed = withTimeout(new Promise((resolve) => conn.onNotification('portolan/indexed', resolve)), 'portolan/indexed');
    conn.listen();
    const init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'host' }],
      capabilities: { workspace: { configuration: true, applyEdit: true } },
    })) as { capabilities: Record<string, unknown> };
    assert.ok(init.capabilities.completionProvider && init.capabilities.codeActionProvider && init.capabilities.executeCommandProvider);
    conn.sendNotification('initialized', {});
    await indexed;
  });

  after(async () => {
    if (conn) {
      await conn.sendRequest('shutdown').catch(() => undefined);
      conn.sendNotification('exit');
      conn.dispose();
      child.kill();
    }
    await new Promise<void>((r) => listener.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('completes free ports in an nginx listen, replacing the typed digits, each saying why', async () => {
    const text = 'server {\n    listen 8080;\n}\n';
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('nginx/sites-enabled/new'), languageId: 'nginx', version: 1, text } });
    const items = (await conn.sendRequest('textDocument/completion', { textDocument: { uri: uri('nginx/sites-enabled/new') }, position: { line: 1, character: 15 } })) as CompletionItem[];
    assert.deepEqual(items.map((i) => i.label), ['8080', '8081', '8079', '8082', '8078']);
    const first = items[0]! as CompletionItem & { textEdit: { range: { start: { character: number }; end: { character: number } } } };
    assert.deepEqual([first.textEdit.range.start.character, first.textEdit.range.end.character], [11, 15]);
    assert.match(first.detail!, /^free: not bound on host "host"/);
  });

  it('offers a quick fix for a stale region, and the update command applies the same edit', async () => {
    const ds = await waitDiagnostics('README.md', (d) => d.some((x) => x.code === 'doc-stale'), 'doc-stale on README.md');
    const stale = ds.find((x) => x.code === 'doc-stale')!;
    assert.equal(stale.range.start.line, 2);
    const actions = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri('README.md') }, range: stale.range, context: { diagnostics: [stale] } })) as CodeAction[];
    assert.equal(actions.length, 1);
    const edit = actions[0]!.edit!.changes![uri('README.md')]![0]!;
    assert.deepEqual(edit.range, { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, 'only the body between the markers');
    assert.match(edit.newText, /^\| Service \| Port .*\n\|---/);
    assert.ok(edit.newText.includes(`\n| app.example.com | ${port} | tcp | 127.0.0.1 | listens (listen) | nginx/sites-enabled/app:2 |\n`), edit.newText);
    const r = (await conn.sendRequest('workspace/executeCommand', { command: 'portolan.updatePortTables', arguments: [] })) as { changed: number };
    assert.equal(r.changed, 1);
    assert.deepEqual(edits[0]!.edit.changes![uri('README.md')], [edit]);
  });

  it('answers portolan/live with the configured bind that another process (this test) holds', async () => {
    const r = (await conn.sendRequest('portolan/live')) as LiveResult;
    assert.equal(r.available, true, r.reason);
    const t = r.taken.find((x) => x.uri === uri('nginx/sites-enabled/app'));
    assert.ok(t, JSON.stringify(r.taken));
    assert.equal(t.line, 1);
    assert.match(t.message, new RegExp(`^${port}/tcp \\(app\\.example\\.com, nginx/sites-enabled/app:2\\) is taken by \\S+ \\(pid ${process.pid}\\)`));
  });

  it('adds a live line to hover only when portolan.live.enabled is on', async () => {
    const hover = async () => ((await conn.sendRequest('textDocument/hover', { textDocument: { uri: uri('nginx/sites-enabled/app') }, position: { line: 1, character: 22 } })) as Hover).contents as MarkupContent;
    assert.doesNotMatch((await hover()).value, /Live:/);
    settings.live = { enabled: true };
    // The server pulls settings, re-indexes and then sends portolan/indexed: after it, hover uses the new setting.
    const reindexed = withTimeout(new Promise((resolve) => conn.onNotification('portolan/indexed', resolve)), 'portolan/indexed after the settings change');
    conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await reindexed;
    const value = (await hover()).value;
    assert.match(value, new RegExp(`Live: \\*\\*taken\\*\\* by \\S+ \\(pid ${process.pid}\\) on 127\\.0\\.0\\.1:${port}/tcp`));
  });
});
