/**
 * File watching is the server's: it registers one watcher for every file with a client that
 * supports dynamic registration (and none with one that does not), reads a watched file only
 * when it is a candidate path, and drops a deleted folder's files. In process, in memory.
 */
import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { WATCHED_GLOB } from '../../server/src/lsp/features/workspace';
import { CLIENT_CAPABILITIES, memoryHost, startSession, type MemoryHost, type TestSession } from './session';

const ENV_COMPOSE = {
  '/ws/app/docker-compose.yml': 'services:\n  web:\n    image: nginx\n    ports:\n      - "${WEB_PORT}:80"\n',
  '/ws/app/.env': 'WEB_PORT=8080\n',
};

describe('file watching', function () {
  this.timeout(30000);
  let s: TestSession | undefined;

  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('registers one watcher for every file (and the settings section) when the client supports dynamic registration', async () => {
    s = await startSession({ files: ENV_COMPOSE });
    const watchers = s.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.equal(watchers.length, 1);
    assert.deepEqual(watchers[0]!.registerOptions, { watchers: [{ globPattern: '**/*' }] });
    assert.ok(s.registrations.some((r) => r.method === 'workspace/didChangeConfiguration'));
    // LSP glob semantics: `*` matches any characters of a segment, dot files included.
    const match = picomatch(WATCHED_GLOB, { dot: true });
    for (const p of ['.env', 'opt/jitsi/.env', 'env.example', 'etc/ufw/applications.d/web', 'etc/nginx/sites-available/x', 'etc/nginx/sites-enabled/x', 'etc/systemd/system/rtcd.service.d/override.conf', 'etc/nginx']) {
      assert.ok(match(p), p);
    }
  });

  it('registers no watcher with a client that cannot take dynamic registrations', async () => {
    const capabilities = { ...CLIENT_CAPABILITIES, workspace: { ...CLIENT_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: false } } };
    s = await startSession({ files: ENV_COMPOSE, capabilities });
    assert.deepEqual(s.registrations.map((r) => r.method), ['workspace/didChangeConfiguration']);
  });

  it('indexes and publishes even when the client refuses the registrations, and logs the refusal', async () => {
    s = await startSession({ files: { '/ws/nginx/sites-enabled/a': 'server {\n    listen 70000;\n}\n' }, refuseRegistrations: true });
    await s.waitFor(s.uri('/ws/nginx/sites-enabled/a'), (d) => d.some((x) => x.code === 'invalid-port'), 'invalid-port published');
    assert.deepEqual(s.registrations, []);
    assert.ok(s.errors().length > 0 && s.errors().every((e) => /^\[portolan\] client\/registerCapability failed: .*registrations refused/.test(e)), s.errors().join('\n'));
  });

  it('reads a watched file only when it is one Portolan reads: .env yes, a .js source no', async () => {
    const host = memoryHost(ENV_COMPOSE);
    s = await startSession({ host });
    const compose = s.uri('/ws/app/docker-compose.yml');
    assert.ok(!s.diagnostics.get(compose)?.some((d) => d.code === 'invalid-port'), 'no invalid port at first');
    host.files.set('/ws/app/.env', 'WEB_PORT=70000\n');
    host.files.set('/ws/app/server.js', 'listen(70000)\n');
    host.reads.length = 0;
    const next = s.nextIndexed();
    void s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('/ws/app/server.js'), type: 1 }, { uri: s.uri('/ws/app/.env'), type: 2 }] });
    await next;
    assert.deepEqual(host.reads, ['/ws/app/.env']);
    const d = await s.waitFor(compose, (x) => x.some((y) => y.code === 'invalid-port'), 'invalid-port from the changed .env');
    assert.ok(d.length > 0);
  });

  it('drops every file below a deleted folder (one event for the folder), and nothing beside it', async () => {
    const host: MemoryHost = memoryHost({
      '/ws/a/nginx/sites-enabled/one': 'server {\n    listen 8080;\n}\n',
      '/ws/a/docker-compose.yml': 'services:\n  app:\n    image: example/app\n    ports:\n      - "8080:3000"\n',
      '/ws/ab/nginx/sites-enabled/three': 'server {\n    listen 9090;\n}\n',
    });
    s = await startSession({ host });
    await s.waitFor(s.uri('/ws/a/nginx/sites-enabled/one'), (d) => d.some((x) => x.code === 'port-conflict'), 'the conflict');
    for (const p of [...host.files.keys()]) if (p.startsWith('/ws/a/')) host.files.delete(p);
    void s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: s.uri('/ws/a'), type: 3 }] });
    await s.waitFor(s.uri('/ws/a/nginx/sites-enabled/one'), (d) => d.length === 0, 'the conflict gone with the folder');
    assert.deepEqual([...s.server.index.paths()], ['/ws/ab/nginx/sites-enabled/three'], 'a sibling folder whose name starts the same stays');
  });
});
