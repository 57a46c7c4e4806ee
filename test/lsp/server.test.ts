/**
 * The language server as an editor sees it: spawned over stdio from the built bin script,
 * spoken to with vscode-languageserver-protocol's client-side connection. Waits on
 * notifications with timeouts, never on fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Hover,
  type MarkupContent,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { PortTableHost } from '../server/src/lsp/protocol';
import { ROOT, positionIn, withTimeout } from './helpers';

/** What the test client answers to workspace/configuration; tests change it, then notify. */
const settings: { rules?: Record<string, string>; exclude?: string[] } = {};

interface Session {
  conn: ProtocolConnection;
  child: ChildProcess;
  diagnostics: Map<string, Diagnostic[]>;
  /** Resolves with the next publishDiagnostics for `uri` that satisfies `pred`, or the current one if it already does. */
  waitFor(uri: string, pred: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]>;
  indexed: Promise<unknown>;
  stderr: string[];
}

function startServer(): Session {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; pred: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.pred(p.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => undefined);
  const indexed = new Promise((resolve) => conn.onNotification('portolan/indexed', resolve));
  conn.listen();
  return {
    conn,
    child,
    diagnostics,
    stderr,
    indexed: withTimeout(indexed, 'portolan/indexed'),
    waitFor(uri, pred, what) {
      const now = diagnostics.get(uri);
      if (now && pred(now)) return Promise.resolve(now);
      return withTimeout(new Promise((resolve) => waiters.push({ uri, pred, resolve })), what);
    },
  };
}


function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}


describe('language server over stdio', function () {
  this.timeout(30000);
  let dir: string;
  let s: Session;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-lsp-'));
    copyDir(path.join(ROOT, 'examples', 'prochat-host'), dir);
    s = startServer();
    await s.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'prochat-host' }],
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { hover: { contentFormat: ['markdown'] } } },
    });
    s.conn.sendNotification('initialized', {});
    await s.indexed;
  });

  after(async () => {
    if (s) {
      await s.conn.sendRequest('shutdown').catch(() => undefined);
      s.conn.sendNotification('exit');
      s.conn.dispose();
      s.child.kill();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const configJson = () => path.join(dir, 'opt/mattermost/config/config.json');

  it('publishes diagnostics for a file that was never opened, on the exact digits, with the other side', async () => {
    const uri = pathToFileURL(configJson()).href;
    const diags = await s.waitFor(uri, (d) => d.some((x) => x.code === 'rtcd-mismatch'), 'rtcd-mismatch on config.json');
    const d = diags.find((x) => x.code === 'rtcd-mismatch')!;
    const text = fs.readFileSync(configJson(), 'utf8');
    const line = text.split('\n')[d.range.start.line]!;
    assert.equal(line.slice(d.range.start.character, d.range.end.character), '8443');
    assert.equal(d.source, 'portolan');
    assert.equal(d.severity, 1);
    assert.match(d.message, /etc\/rtcd\/config\.toml:\d+/);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri.endsWith('/etc/rtcd/config.toml')), 'related information points at rtcd config');
  });

  it('reports both sides of a port conflict', async () => {
    const nginx = pathToFileURL(path.join(dir, 'etc/nginx/sites-enabled/rtcd')).href;
    const rtcd = pathToFileURL(path.join(dir, 'etc/rtcd/config.toml')).href;
    const a = await s.waitFor(nginx, (d) => d.some((x) => x.code === 'port-conflict'), 'conflict in nginx site');
    const b = await s.waitFor(rtcd, (d) => d.some((x) => x.code === 'port-conflict'), 'conflict in rtcd config');
    assert.match(a.find((x) => x.code === 'port-conflict')!.message, /rtcd \(etc\/rtcd\/config\.toml:\d+\)/);
    assert.match(b.find((x) => x.code === 'port-conflict')!.message, /etc\/nginx\/sites-enabled\/rtcd:\d+/);
  });

  it('hovers a port in an unopened file with owner, role, derivation and other mentions', async () => {
    const text = fs.readFileSync(configJson(), 'utf8');
    const position = positionIn(text, 'yourserver.com:8443', 'yourserver.com:'.length + 1);
    const hover = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: pathToFileURL(configJson()).href }, position })) as Hover | null;
    assert.ok(hover, 'hover returned');
    const md = (hover.contents as MarkupContent).value;
    assert.match(md, /8443\/tcp/);
    assert.match(md, /Calls plugin's rtcd URL/);
    assert.match(md, /Owner: \*\*mattermost\*\*/);
    assert.match(md, /Other mentions of 8443/);
    assert.match(md, /docker-compose\.yml:\d+/);
    assert.equal(text.split('\n')[hover.range!.start.line]!.slice(hover.range!.start.character, hover.range!.end.character), '8443');
  });

  it('answers portolan/portTable with host, port/protocol and mentions, problems marked, and filters', async () => {
    const all = (await s.conn.sendRequest('portolan/portTable', { filter: 'all' })) as PortTableHost[];
    assert.deepEqual(all.map((h) => h.host), ['prochat-host']);
    const p8444 = all[0]!.ports.find((p) => p.port === '8444' && p.protocol === 'tcp')!;
    assert.equal(p8444.worst, 'error');
    const rtcd = p8444.mentions.find((m) => m.owner === 'rtcd')!;
    assert.equal(rtcd.role, "rtcd's API");
    assert.equal(rtcd.file, 'etc/rtcd/config.toml');
    assert.ok(rtcd.problems.some((p) => p.rule === 'port-conflict'));
    const text = fs.readFileSync(path.join(dir, 'etc/rtcd/config.toml'), 'utf8');
    const line = text.split('\n')[rtcd.range.start.line]!;
    assert.equal(line.slice(rtcd.range.start.character, rtcd.range.end.character), '8444');
    const problems = (await s.conn.sendRequest('portolan/portTable', { filter: 'problems' })) as PortTableHost[];
    assert.ok(problems[0]!.ports.every((p) => p.worst !== undefined));
    assert.ok(problems[0]!.ports.length < all[0]!.ports.length);
    const rtcdOnly = (await s.conn.sendRequest('portolan/portTable', { filter: 'rtcd' })) as PortTableHost[];
    assert.deepEqual(rtcdOnly[0]!.ports.map((p) => `${p.port}/${p.protocol}`), ['8046/tcp', '8046/udp', '8443/tcp', '8443/udp', '8444/tcp']);
  });

  it('answers portolan/portReference with the Markdown reference', async () => {
    const { markdown } = (await s.conn.sendRequest('portolan/portReference', {})) as { markdown: string };
    assert.match(markdown, /^<!-- portolan:reference [^\n]*-->\n# Port reference: prochat-host\n/);
    assert.match(markdown, /^\| rtcd \| 8444 \| tcp \| \* \| rtcd's API \| etc\/rtcd\/config\.toml:7 \|$/m);
  });

  it('applies portolan.exclude without a restart: excluded files lose their diagnostics and come back', async () => {
    const uri = pathToFileURL(path.join(dir, 'opt/jitsi/docker-compose.yml')).href;
    await s.waitFor(uri, (x) => x.some((y) => y.code === 'port-conflict'), 'jitsi compose conflict present');
    settings.exclude = ['opt/jitsi/**'];
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.waitFor(uri, (x) => x.length === 0, 'excluded compose file cleared');
    const portainer = pathToFileURL(path.join(dir, 'opt/portainer/run-portainer.sh')).href;
    await s.waitFor(portainer, (x) => !x.some((y) => y.code === 'port-conflict'), 'the other side of the 8000 conflict cleared');
    delete settings.exclude;
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.waitFor(uri, (x) => x.some((y) => y.code === 'port-conflict'), 'conflict back after the exclude is removed');
  });

  it('re-publishes when an open document is edited, and clears a fixed problem', async () => {
    const uri = pathToFileURL(configJson()).href;
    const text = fs.readFileSync(configJson(), 'utf8');
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
    const pos = positionIn(text, 'yourserver.com:8443', 'yourserver.com:'.length);
    s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: pos, end: { line: pos.line, character: pos.character + 4 } }, text: '8444' }],
    });
    const after = await s.waitFor(uri, (d) => !d.some((x) => x.code === 'rtcd-mismatch'), 'rtcd-mismatch to clear');
    assert.ok(!after.some((x) => x.code === 'rtcd-mismatch'));
  });

  it('survives malformed input and keeps answering', async () => {
    const bad = path.join(dir, 'etc/nginx/sites-enabled/broken');
    const uri = pathToFileURL(bad).href;
    s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: 'server {\n  listen 8080;\n  location / { proxy_pass "http://127.0.0.1:\u0000' } });
    const diags = await s.waitFor(uri, (d) => d.some((x) => x.code === 'parse-error'), 'parse-error on broken nginx file');
    assert.ok(diags.length > 0);
    const hover = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: pathToFileURL(configJson()).href }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
    assert.equal(s.child.exitCode, null, 'server still running');
  });

  it('picks up a created file through workspace/didChangeWatchedFiles', async () => {
    const script = path.join(dir, 'etc/ufw/extra.sh');
    fs.writeFileSync(script, '#!/bin/sh\nufw allow 8046/tcp comment "rtcd media TCP"\n');
    const rtcd = pathToFileURL(path.join(dir, 'etc/rtcd/config.toml')).href;
    s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(script).href, type: 1 }] });
    const d = await s.waitFor(rtcd, (x) => !x.some((y) => y.code === 'firewall-missing'), 'firewall-missing to clear');
    assert.ok(!d.some((y) => y.code === 'firewall-missing'));
  });
  it('drops the created file\'s effect again when it is deleted', async () => {
    const script = path.join(dir, 'etc/ufw/extra.sh');
    fs.rmSync(script);
    const rtcd = pathToFileURL(path.join(dir, 'etc/rtcd/config.toml')).href;
    s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(script).href, type: 3 }] });
    const d = await s.waitFor(rtcd, (x) => x.some((y) => y.code === 'firewall-missing'), 'firewall-missing to return');
    assert.ok(d.some((y) => y.code === 'firewall-missing'));
  });

  it('applies a settings change without a restart: a rule set to off loses its diagnostics', async () => {
    const rtcd = pathToFileURL(path.join(dir, 'etc/rtcd/config.toml')).href;
    await s.waitFor(rtcd, (x) => x.some((y) => y.code === 'port-conflict'), 'port-conflict present');
    settings.rules = { 'port-conflict': 'off' };
    s.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const d = await s.waitFor(rtcd, (x) => !x.some((y) => y.code === 'port-conflict'), 'port-conflict to go');
    assert.ok(d.some((y) => y.code === 'firewall-missing'), 'other rules still report');
    delete settings.rules;
  });
});
