/**
 * The language server's port-document and live features, in process (./session.ts) over an
 * in-memory workspace: free-port completion, the doc-stale quick fix, the update command
 * (workspace/applyEdit), the `portolan/live` request against a real listener of this process,
 * and the live hover line once `portolan.live.enabled` is on. Waits on messages with timeouts,
 * never on fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { CodeAction, CompletionItem, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { REGION_BEGIN, REGION_END } from '../../server/src/core/formats/markdown/portdoc';
import type { LiveResult } from '../../server/src/lsp/protocol';
import { startSession, type TestSession } from './session';

const DIR = '/ws/host';

describe('language server: completion, region fixes and the live check', function () {
  this.timeout(30000);
  const settings: { live?: { enabled: boolean } } = {};
  let s: TestSession;
  let conn: TestSession['client'];
  let edits: TestSession['applied'];
  let listener: net.Server;
  let port: number;

  const uri = (rel: string) => s.uri(`${DIR}/${rel}`);
  const waitDiagnostics = (rel: string, pred: (d: Diagnostic[]) => boolean, what: string) => s.waitFor(uri(rel), pred, what);

  before(async () => {
    listener = await new Promise<net.Server>((resolve, reject) => {
      const l = net.createServer();
      l.once('error', reject);
      l.listen(0, '127.0.0.1', () => resolve(l));
    });
    port = (listener.address() as net.AddressInfo).port;
    const files = {
      [`${DIR}/nginx/sites-enabled/app`]: `server {\n    listen 127.0.0.1:${port};\n    server_name app.example.com;\n}\n`,
      [`${DIR}/README.md`]: `# Host\n\n${REGION_BEGIN}\nold\n${REGION_END}\n`,
    };
    s = await startSession({ folders: [{ path: DIR, name: 'host' }], files, settings, capabilities: { workspace: { configuration: true, applyEdit: true } } });
    conn = s.client;
    edits = s.applied;
    const caps = s.init.capabilities;
    assert.ok(caps.completionProvider && caps.codeActionProvider && caps.executeCommandProvider);
  });

  after(async () => {
    await s?.close();
    await new Promise<void>((r) => listener.close(() => r()));
  });

  it('completes free ports in an nginx listen, replacing the typed digits, each saying why', async () => {
    const text = 'server {\n    listen 8080;\n}\n';
    void conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('nginx/sites-enabled/new'), languageId: 'nginx', version: 1, text } });
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
    const reindexed = s.nextIndexed('portolan/indexed after the settings change');
    void conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await reindexed;
    const value = (await hover()).value;
    assert.match(value, new RegExp(`Live: \\*\\*taken\\*\\* by \\S+ \\(pid ${process.pid}\\) on 127\\.0\\.0\\.1:${port}/tcp`));
    assert.deepEqual(s.errors(), []);
  });
});
