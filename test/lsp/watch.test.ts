/**
 * The server's own file watching (server/src/node/watch.ts, chokidar), for clients that cannot
 * register `workspace/didChangeWatchedFiles` watchers (Neovim before 0.10): an in-process server
 * over a temporary folder on disk (nodeHost), initialized without the capability, notices files
 * created, changed and deleted on disk; never reads a symbolic link created in the folder nor an
 * excluded file; and does not start its watcher when the client registers one. Waits on
 * published diagnostics with timeouts, never on fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeHost } from '../../server/src/node/host';
import { chokidarWatcher } from '../../server/src/node/watch';
import type { ClientCapabilities } from 'vscode-languageserver-protocol/node';
import type { WatchFolders } from '../../server/src/lsp/watching';
import { tmpWorkspace } from '../helpers';
import { CLIENT_CAPABILITIES, startSession, type TestSession } from './session';

const BAD_SITE = 'server {\n    listen 70000;\n}\n';
const GOOD_SITE = 'server {\n    listen 8081;\n}\n';
const NO_WATCH = { ...CLIENT_CAPABILITIES, workspace: { ...CLIENT_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: false } } };
const invalid = (d: { code?: unknown }[]) => d.some((x) => x.code === 'invalid-port');

describe('file watching by the server itself (chokidar)', function () {
  this.timeout(30000);
  let dir: string;
  let outside: string;
  let s: TestSession | undefined;
  const settings: { exclude?: string[] } = { exclude: ['excluded/**'] };

  beforeEach(() => {
    dir = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/a': GOOD_SITE }, 'portolan-watch-'));
    outside = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/canary': BAD_SITE }, 'portolan-canary-'));
  });

  afterEach(async () => {
    await s?.close();
    s = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const start = (watch: WatchFolders, capabilities: ClientCapabilities = NO_WATCH) =>
    startSession({ folders: [{ path: dir, name: 'ws' }], host: nodeHost(), platform: { watchFolders: watch }, capabilities, settings });

  it('notices a file created, changed and deleted on disk when the client registers no watcher, and logs the mode', async () => {
    s = await start(chokidarWatcher);
    assert.ok(s.logs.some((l) => l.message === '[portolan] file watching: server (chokidar)'), s.logs.map((l) => l.message).join('\n'));
    assert.deepEqual(s.registrations.map((r) => r.method), ['workspace/didChangeConfiguration']);
    const created = path.join(dir, 'nginx/sites-enabled/b');
    fs.writeFileSync(created, BAD_SITE);
    await s.waitFor(s.uri(created), invalid, 'invalid-port on the file created on disk');
    fs.writeFileSync(created, GOOD_SITE);
    await s.waitFor(s.uri(created), (d) => !invalid(d), 'the change on disk clearing invalid-port');
    fs.writeFileSync(created, BAD_SITE);
    await s.waitFor(s.uri(created), invalid, 'invalid-port again');
    fs.rmSync(created);
    await s.waitFor(s.uri(created), (d) => d.length === 0, 'the deleted file emptied');
    assert.equal(s.server.textOf(created), undefined);
  });

  it('never reads a symbolic link created in the folder, nor an excluded file', async () => {
    s = await start(chokidarWatcher);
    const link = path.join(dir, 'nginx/sites-enabled/link');
    fs.symlinkSync(path.join(outside, 'nginx/sites-enabled/canary'), link);
    fs.mkdirSync(path.join(dir, 'excluded/nginx/sites-enabled'), { recursive: true });
    const excluded = path.join(dir, 'excluded/nginx/sites-enabled/x');
    fs.writeFileSync(excluded, BAD_SITE);
    // A file created after both: once it is published, the events before it were handled.
    const marker = path.join(dir, 'nginx/sites-enabled/marker');
    fs.writeFileSync(marker, BAD_SITE);
    await s.waitFor(s.uri(marker), invalid, 'invalid-port on the marker file');
    assert.equal(s.server.textOf(link), undefined);
    assert.equal(s.server.textOf(excluded), undefined);
    assert.equal(s.diagnostics.get(s.uri(link)), undefined);
    assert.equal(s.diagnostics.get(s.uri(excluded)), undefined);
  });

  it('follows workspace folders: watches an added folder, and a removed folder\'s file written later is not read', async () => {
    const added = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/a': GOOD_SITE }, 'portolan-watch-added-'));
    try {
      s = await startSession({ folders: [{ path: dir, name: 'ws' }], host: nodeHost(), platform: { watchFolders: chokidarWatcher }, capabilities: { ...NO_WATCH, workspace: { ...NO_WATCH.workspace, workspaceFolders: true } }, settings });
      const folders = (a: string[], r: string[]) =>
        s!.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: a.map((p) => ({ uri: s!.uri(p), name: path.basename(p) })), removed: r.map((p) => ({ uri: s!.uri(p), name: path.basename(p) })) } });
      // The change publishes once it is done, the watcher restarted on the new folders included.
      const done = s.nextIndexed('the publish after the folder change');
      void folders([added], []);
      await done;
      assert.equal(s.server.textOf(path.join(added, 'nginx/sites-enabled/a')), GOOD_SITE);
      const created = path.join(added, 'nginx/sites-enabled/b');
      fs.writeFileSync(created, BAD_SITE);
      await s.waitFor(s.uri(created), invalid, 'invalid-port on a file created in the added folder');

      // Whether the old watcher still runs or not, the removed folder's events are not read.
      void folders([], [dir]);
      await s.until(() => s!.server.textOf(path.join(dir, 'nginx/sites-enabled/a')) === undefined, 'the removed folder dropped');
      const late = path.join(dir, 'nginx/sites-enabled/late');
      fs.writeFileSync(late, BAD_SITE);
      const marker = path.join(added, 'nginx/sites-enabled/marker');
      fs.writeFileSync(marker, BAD_SITE);
      await s.waitFor(s.uri(marker), invalid, 'invalid-port on the marker in the kept folder');
      assert.equal(s.server.textOf(late), undefined);
      assert.equal(s.diagnostics.get(s.uri(late)), undefined);
    } finally {
      await s?.close();
      s = undefined;
      fs.rmSync(added, { recursive: true, force: true });
    }
  });

  it('does not start its own watcher when the client registers one', async () => {
    const started: string[][] = [];
    const spy: WatchFolders = (o) => {
      started.push([...o.roots]);
      return chokidarWatcher(o);
    };
    s = await start(spy, CLIENT_CAPABILITIES);
    assert.deepEqual(started, []);
    assert.ok(s.logs.some((l) => l.message === '[portolan] file watching: client'));
    assert.ok(s.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
    await s.close();
    s = await start(spy);
    assert.deepEqual(started, [[dir]], 'the same spy starts chokidar for a client without the capability');
  });

  it('watches a workspace that lies inside a folder it never descends into (~/.cache/…)', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-watch-'));
    const ws = path.join(fs.realpathSync(cache), '.cache', 'ws');
    fs.mkdirSync(path.join(ws, 'nginx/sites-enabled'), { recursive: true });
    try {
      s = await startSession({ folders: [{ path: ws, name: 'ws' }], host: nodeHost(), platform: { watchFolders: chokidarWatcher }, capabilities: NO_WATCH, settings: {} });
      const created = path.join(ws, 'nginx/sites-enabled/b');
      fs.writeFileSync(created, BAD_SITE);
      await s.waitFor(s.uri(created), invalid, 'invalid-port on a file under .cache/ws');
    } finally {
      await s?.close();
      s = undefined;
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
