/**
 * The server's lifetime (LSP 3.17 "Server lifetime", server/src/lsp/lifecycle.ts) over the
 * in-process connection (./session.ts): requests before `initialize` get -32002, notifications
 * before it are dropped, a second `initialize` and requests after `shutdown` get -32600, a body
 * that is not JSON gets -32700 and the server reads on. The cases that end the process (exit,
 * malformed headers, a closed stream) run against the spawned server in ./stdio.test.ts.
 * Also the host name of a workspace folder whose client-given name is a path (Neovim).
 */
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter, type Diagnostic, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { lifecycleConnection } from '../../server/src/lsp/lifecycle';
import { folderName } from '../../server/src/lsp/settings';
import { withTimeout } from '../helpers';
import { connect, memoryHost, startSession } from './session';

const SITE = 'server {\n    listen 8080;\n}\n';
const init = { processId: null, rootUri: 'file:///ws', workspaceFolders: [{ uri: 'file:///ws', name: 'ws' }], capabilities: {} };
const hover = { textDocument: { uri: 'file:///ws/site.conf' }, position: { line: 1, character: 12 } };

/** The error code a request is answered with, or 'answered' when it gets a result. */
async function codeOf(client: ProtocolConnection, method: string, params?: object): Promise<number | 'answered'> {
  try {
    await withTimeout(client.sendRequest(method, params), method);
    return 'answered';
  } catch (e) {
    if (e instanceof ResponseError) return e.code;
    throw e;
  }
}

describe('LSP lifecycle', function () {
  this.timeout(30000);

  it('answers a request before initialize with ServerNotInitialized and drops notifications, then initializes', async () => {
    const c = connect(memoryHost({ '/ws/site.conf': SITE }));
    const published: string[] = [];
    c.client.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => void published.push(p.uri));
    c.client.onNotification('window/logMessage', () => undefined);
    c.client.listen();
    try {
      assert.equal(await codeOf(c.client, 'textDocument/hover', hover), ErrorCodes.ServerNotInitialized);
      assert.equal(await codeOf(c.client, 'shutdown'), ErrorCodes.ServerNotInitialized);
      // A didOpen before initialize is dropped: the document never reaches the session.
      await c.client.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///ws/other.conf', languageId: 'nginx', version: 1, text: SITE } });
      assert.equal(await codeOf(c.client, 'initialize', init), 'answered');
      assert.equal(c.server.documents.get('file:///ws/other.conf'), undefined);
      assert.equal(await codeOf(c.client, 'initialize', init), ErrorCodes.InvalidRequest, 'a second initialize is refused');
      await c.client.sendNotification('initialized', {});
      assert.equal(await codeOf(c.client, 'textDocument/hover', hover), 'answered');
    } finally {
      c.dispose();
    }
  });

  it('refuses every request after shutdown with InvalidRequest, shutdown itself included', async () => {
    const s = await startSession({ files: { '/ws/site.conf': SITE } });
    try {
      assert.equal(await codeOf(s.client, 'textDocument/hover', hover), 'answered');
      assert.equal(await codeOf(s.client, 'shutdown'), 'answered');
      assert.equal(await codeOf(s.client, 'textDocument/hover', hover), ErrorCodes.InvalidRequest);
      assert.equal(await codeOf(s.client, 'portolan/portTable', {}), ErrorCodes.InvalidRequest);
      assert.equal(await codeOf(s.client, 'shutdown'), ErrorCodes.InvalidRequest);
    } finally {
      await s.close();
    }
  });

  it('answers a body that is not JSON with ParseError (id null) and goes on reading', async () => {
    const up = new PassThrough();
    const down = new PassThrough();
    const ends: string[] = [];
    const { connection } = lifecycleConnection(new StreamMessageReader(up), new StreamMessageWriter(down), (e) => void ends.push(e.reason));
    connection.onInitialize(() => ({ capabilities: {} }));
    connection.listen();
    const out: string[] = [];
    down.on('data', (b: Buffer) => void out.push(b.toString()));
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    up.write(frame('{{{'));
    up.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'initialize', params: init })));
    await withTimeout(new Promise<void>((resolve) => {
      const check = () => void (/"id":7,"result"/.test(out.join('')) && resolve());
      down.on('data', check);
      check();
    }), 'the initialize answer after a broken body');
    assert.match(out.join(''), /"id":null,"error":\{"code":-32700/);
    assert.deepEqual(ends, []);
    up.write('Content-Length: many\r\n\r\n{}');
    await withTimeout(new Promise<void>((resolve) => setImmediate(function wait() {
      if (ends.length) resolve();
      else setImmediate(wait);
    })), 'the end of reading after a malformed header');
    assert.deepEqual(ends, ['malformed']);
    connection.dispose();
  });
});

describe('workspace folder names', function () {
  this.timeout(30000);

  it('names a host after the folder when the client gives a path as its name', () => {
    assert.equal(folderName('/tmp/x/ws', '/tmp/x/ws'), 'ws');
    assert.equal(folderName('', '/srv/host-a/'), 'host-a');
    assert.equal(folderName('prod', '/tmp/x/ws'), 'prod');
    assert.equal(folderName('/', '/'), '/');
  });

  it('says host "ws", not the path, in a diagnostic when Neovim names the folder by its path', async () => {
    const script = '#!/bin/sh\nufw allow 9999/tcp && ufw reload\n';
    const s = await startSession({ folders: [{ path: '/tmp/x/ws', name: '/tmp/x/ws' }], files: { '/tmp/x/ws/fw.sh': script } });
    try {
      const diags: Diagnostic[] = await s.waitFor(s.uri('/tmp/x/ws/fw.sh'), (d) => d.some((x) => x.code === 'firewall-stale'), 'firewall-stale on fw.sh');
      const message = diags.find((x) => x.code === 'firewall-stale')!.message;
      assert.match(message, /nothing on host "ws" binds it/);
      assert.doesNotMatch(message, /\/tmp\/x/);
    } finally {
      await s.close();
    }
  });
});
