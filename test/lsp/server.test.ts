/**
 * The language server as an editor sees it, in process (./session.ts): diagnostics for files
 * never opened, hover, the port table and reference requests, settings and watched-file changes
 * applied without a restart, malformed input. The workspace is examples/prochat-host in memory.
 * Waits on notifications with timeouts, never on fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import type { PortTableHost } from '../../server/src/lsp/protocol';
import { positionIn } from '../helpers';
import { filesOf, startSession, type MemoryHost, type TestSession } from './session';

const DIR = '/ws/prochat-host';

describe('language server', function () {
  this.timeout(30000);
  /** What the test client answers to workspace/configuration; tests change it, then notify. */
  const settings: { rules?: Record<string, string>; exclude?: string[] } = {};
  const files = filesOf('examples/prochat-host', DIR);
  let s: TestSession;
  let host: MemoryHost;
  const uri = (rel: string) => s.uri(`${DIR}/${rel}`);
  const text = (rel: string) => host.files.get(`${DIR}/${rel}`)!;
  const configJson = 'opt/mattermost/config/config.json';

  before(async () => {
    s = await startSession({ folders: [{ path: DIR, name: 'prochat-host' }], files, settings });
    host = s.host as MemoryHost;
  });

  after(async () => {
    await s?.close();
  });

  it('publishes diagnostics for a file that was never opened, on the exact digits, with the other side', async () => {
    const diags = await s.waitFor(uri(configJson), (d) => d.some((x) => x.code === 'rtcd-mismatch'), 'rtcd-mismatch on config.json');
    const d = diags.find((x) => x.code === 'rtcd-mismatch')!;
    const line = text(configJson).split('\n')[d.range.start.line]!;
    assert.equal(line.slice(d.range.start.character, d.range.end.character), '8443');
    assert.equal(d.source, 'portolan');
    assert.equal(d.severity, 1);
    assert.match(d.message, /etc\/rtcd\/config\.toml:\d+/);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri.endsWith('/etc/rtcd/config.toml')), 'related information points at rtcd config');
  });

  it('reports both sides of a port conflict', async () => {
    const a = await s.waitFor(uri('etc/nginx/sites-enabled/rtcd'), (d) => d.some((x) => x.code === 'port-conflict'), 'conflict in nginx site');
    const b = await s.waitFor(uri('etc/rtcd/config.toml'), (d) => d.some((x) => x.code === 'port-conflict'), 'conflict in rtcd config');
    assert.match(a.find((x) => x.code === 'port-conflict')!.message, /rtcd \(etc\/rtcd\/config\.toml:\d+\)/);
    assert.match(b.find((x) => x.code === 'port-conflict')!.message, /etc\/nginx\/sites-enabled\/rtcd:\d+/);
  });

  it('hovers a port in an unopened file with owner, role, derivation and other mentions', async () => {
    const position = positionIn(text(configJson), 'yourserver.com:8443', 'yourserver.com:'.length + 1);
    const hover = (await s.client.sendRequest('textDocument/hover', { textDocument: { uri: uri(configJson) }, position })) as Hover | null;
    assert.ok(hover, 'hover returned');
    const md = (hover.contents as MarkupContent).value;
    assert.match(md, /8443\/tcp/);
    assert.match(md, /Calls plugin's rtcd URL/);
    assert.match(md, /Owner: \*\*mattermost\*\*/);
    assert.match(md, /Other mentions of 8443/);
    assert.match(md, /docker-compose\.yml:\d+/);
    assert.equal(text(configJson).split('\n')[hover.range!.start.line]!.slice(hover.range!.start.character, hover.range!.end.character), '8443');
  });

  it('answers portolan/portTable with host, project, port/protocol and mentions, problems marked, and filters', async () => {
    const all = (await s.client.sendRequest('portolan/portTable', { filter: 'all' })) as PortTableHost[];
    assert.deepEqual(all.map((h) => h.host), ['prochat-host']);
    assert.equal(all[0]!.byProject, true);
    assert.deepEqual(all[0]!.projects.map((g) => `${g.project ?? '-'} ${g.label}`), ['- files in no project', 'opt/jitsi opt/jitsi']);
    const ports = (h: PortTableHost, group = 0) => h.projects[group]!.ports;
    const p8444 = ports(all[0]!).find((p) => p.port === '8444' && p.protocol === 'tcp')!;
    assert.equal(p8444.worst, 'error');
    const rtcd = p8444.mentions.find((m) => m.owner === 'rtcd')!;
    assert.equal(rtcd.role, "rtcd's API");
    assert.equal(rtcd.file, 'etc/rtcd/config.toml');
    assert.ok(rtcd.problems.some((p) => p.rule === 'port-conflict'));
    const line = text('etc/rtcd/config.toml').split('\n')[rtcd.range.start.line]!;
    assert.equal(line.slice(rtcd.range.start.character, rtcd.range.end.character), '8444');
    const problems = (await s.client.sendRequest('portolan/portTable', { filter: 'problems' })) as PortTableHost[];
    assert.ok(problems[0]!.projects.every((g) => g.ports.every((p) => p.worst !== undefined)));
    assert.ok(ports(problems[0]!).length < ports(all[0]!).length);
    assert.deepEqual(ports(problems[0]!, 1).map((p) => `${p.port}/${p.protocol}`), ['8000/tcp'], "jitsi's side of its clash with portainer");
    const rtcdOnly = (await s.client.sendRequest('portolan/portTable', { filter: 'rtcd' })) as PortTableHost[];
    assert.deepEqual(rtcdOnly[0]!.projects.map((g) => g.label), ['files in no project'], 'jitsi mentions none of them');
    assert.deepEqual(ports(rtcdOnly[0]!).map((p) => `${p.port}/${p.protocol}`), ['8046/tcp', '8046/udp', '8443/tcp', '8443/udp', '8444/tcp']);
  });

  it('answers portolan/portReference with the Markdown reference', async () => {
    const { markdown } = (await s.client.sendRequest('portolan/portReference', {})) as { markdown: string };
    assert.match(markdown, /^<!-- portolan:reference [^\n]*-->\n# Port reference: prochat-host\n/);
    assert.match(markdown, /^\| rtcd \| 8444 \| tcp \| \* \| rtcd's API \| etc\/rtcd\/config\.toml:7 \|$/m);
  });

  it('applies portolan.exclude without a restart: excluded files lose their diagnostics and come back', async () => {
    const compose = uri('opt/jitsi/docker-compose.yml');
    await s.waitFor(compose, (x) => x.some((y) => y.code === 'port-conflict'), 'jitsi compose conflict present');
    settings.exclude = ['opt/jitsi/**'];
    void s.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.waitFor(compose, (x) => x.length === 0, 'excluded compose file cleared');
    await s.waitFor(uri('opt/portainer/run-portainer.sh'), (x) => !x.some((y) => y.code === 'port-conflict'), 'the other side of the 8000 conflict cleared');
    delete settings.exclude;
    void s.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.waitFor(compose, (x) => x.some((y) => y.code === 'port-conflict'), 'conflict back after the exclude is removed');
  });

  it('re-publishes when an open document is edited, and clears a fixed problem', async () => {
    const t = text(configJson);
    void s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(configJson), languageId: 'json', version: 1, text: t } });
    const pos = positionIn(t, 'yourserver.com:8443', 'yourserver.com:'.length);
    void s.client.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri(configJson), version: 2 },
      contentChanges: [{ range: { start: pos, end: { line: pos.line, character: pos.character + 4 } }, text: '8444' }],
    });
    const after = await s.waitFor(uri(configJson), (d) => !d.some((x) => x.code === 'rtcd-mismatch'), 'rtcd-mismatch to clear');
    assert.ok(!after.some((x) => x.code === 'rtcd-mismatch'));
  });

  it('survives malformed input and keeps answering, with no handler failure logged', async () => {
    const broken = uri('etc/nginx/sites-enabled/broken');
    void s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: broken, languageId: 'nginx', version: 1, text: 'server {\n  listen 8080;\n  location / { proxy_pass "http://127.0.0.1:\u0000' } });
    const diags = await s.waitFor(broken, (d) => d.some((x) => x.code === 'parse-error'), 'parse-error on broken nginx file');
    assert.ok(diags.length > 0);
    assert.equal(await s.client.sendRequest('textDocument/hover', { textDocument: { uri: uri(configJson) }, position: { line: 0, character: 0 } }), null);
    assert.equal(await s.client.sendRequest('textDocument/hover', { textDocument: { uri: broken }, position: { line: 99, character: 99 } }), null);
    assert.ok(((await s.client.sendRequest('portolan/portTable', { filter: 'all' })) as PortTableHost[]).length > 0, 'still answering');
    assert.deepEqual(s.errors(), []);
  });

  it('picks up a created file through workspace/didChangeWatchedFiles', async () => {
    const script = `${DIR}/etc/ufw/extra.sh`;
    host.files.set(script, '#!/bin/sh\nufw allow 8046/tcp comment "rtcd media TCP"\n');
    void s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri(script), type: 1 }] });
    const d = await s.waitFor(uri('etc/rtcd/config.toml'), (x) => !x.some((y) => y.code === 'firewall-missing'), 'firewall-missing to clear');
    assert.ok(!d.some((y) => y.code === 'firewall-missing'));
  });

  it("drops the created file's effect again when it is deleted", async () => {
    const script = `${DIR}/etc/ufw/extra.sh`;
    host.files.delete(script);
    void s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri(script), type: 3 }] });
    const d = await s.waitFor(uri('etc/rtcd/config.toml'), (x) => x.some((y) => y.code === 'firewall-missing'), 'firewall-missing to return');
    assert.ok(d.some((y) => y.code === 'firewall-missing'));
  });

  it('applies a settings change without a restart: a rule set to off loses its diagnostics', async () => {
    const rtcd = uri('etc/rtcd/config.toml');
    await s.waitFor(rtcd, (x) => x.some((y) => y.code === 'port-conflict'), 'port-conflict present');
    settings.rules = { 'port-conflict': 'off' };
    void s.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const d = await s.waitFor(rtcd, (x) => !x.some((y) => y.code === 'port-conflict'), 'port-conflict to go');
    assert.ok(d.some((y) => y.code === 'firewall-missing'), 'other rules still report');
    delete settings.rules;
  });
});
