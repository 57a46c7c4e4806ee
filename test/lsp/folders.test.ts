/**
 * Workspace folders added and removed while the server runs (`workspace/didChangeWorkspaceFolders`):
 * an added folder's files are read and published, on the folder's own host and under its
 * settings; a removed folder's files leave the index, their diagnostics are emptied and later
 * events for them are not read, while a file a remaining (outer) folder holds stays; the
 * server's own watcher follows the folders. In process, in memory; an on-disk case with links
 * checks the initial load's guards. Waits on notifications, never on fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientCapabilities } from 'vscode-languageserver-protocol/node';
import type { WatchFolders } from '../../server/src/lsp/watching';
import { changeRoots, rootsOf } from '../../server/src/lsp/folders';
import { nodeHost } from '../../server/src/node/host';
import { tmpWorkspace } from '../helpers';
import { CLIENT_CAPABILITIES, memoryHost, startSession, type MemoryHost, type TestSession } from './session';

const BAD = 'server {\n    listen 70000;\n}\n';
const SITE = (port: number) => `server {\n    listen ${port};\n}\n`;
const FOLDERS: ClientCapabilities = { ...CLIENT_CAPABILITIES, workspace: { ...CLIENT_CAPABILITIES.workspace, workspaceFolders: true } };
const NO_CLIENT_WATCH: ClientCapabilities = { ...FOLDERS, workspace: { ...FOLDERS.workspace, didChangeWatchedFiles: { dynamicRegistration: false } } };
const invalid = (d: { code?: unknown }[]) => d.some((x) => x.code === 'invalid-port');

describe('workspace folders added and removed', function () {
  this.timeout(30000);
  let s: TestSession | undefined;

  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  const change = (added: { path: string; name: string }[], removed: { path: string; name: string }[]) =>
    s!.client.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: added.map((f) => ({ uri: s!.uri(f.path), name: f.name })), removed: removed.map((f) => ({ uri: s!.uri(f.path), name: f.name })) },
    });

  it('announces workspace folders with change notifications', async () => {
    s = await startSession({ capabilities: FOLDERS });
    assert.deepEqual(s.init.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
  });

  it("reads an added folder's files, publishes them on the folder's host, and leaves an excluded one out", async () => {
    const host = memoryHost({
      '/ws/nginx/sites-enabled/a': SITE(8080),
      '/other/nginx/sites-enabled/b': SITE(8080),
      '/other/nginx/sites-enabled/bad': BAD,
      '/other/excluded/nginx/sites-enabled/x': BAD,
    });
    s = await startSession({ host, capabilities: FOLDERS, settings: { exclude: ['excluded/**'] } });
    assert.equal(s.server.textOf('/other/nginx/sites-enabled/bad'), undefined, 'not a folder yet');
    void change([{ path: '/other', name: 'edge' }], []);
    await s.waitFor(s.uri('/other/nginx/sites-enabled/bad'), invalid, "invalid-port in the added folder's file");
    assert.equal(s.server.index.hostOf('/other/nginx/sites-enabled/b'), 'edge');
    assert.equal(s.server.index.hostOf('/ws/nginx/sites-enabled/a'), 'ws');
    // Two folders are two hosts: the same port on each is no conflict.
    assert.ok(!s.diagnostics.get(s.uri('/other/nginx/sites-enabled/b'))?.some((d) => d.code === 'port-conflict'));
    assert.equal(s.server.textOf('/other/excluded/nginx/sites-enabled/x'), undefined);
    assert.ok(!host.reads.includes('/other/excluded/nginx/sites-enabled/x'));
    assert.ok(s.logs.some((l) => l.message === '[portolan] workspace folders: added /other; removed none'), JSON.stringify(s.logs));
  });

  it("drops a removed folder's files and empties their diagnostics; its file changing later is not read (near miss: the kept folder's is)", async () => {
    const host: MemoryHost = memoryHost({ '/ws/nginx/sites-enabled/a': SITE(8080), '/other/nginx/sites-enabled/bad': BAD });
    s = await startSession({ host, capabilities: FOLDERS, folders: [{ path: '/ws', name: 'ws' }, { path: '/other', name: 'other' }] });
    const bad = s.uri('/other/nginx/sites-enabled/bad');
    await s.waitFor(bad, invalid, 'invalid-port before the removal');
    void change([], [{ path: '/other', name: 'other' }]);
    await s.waitFor(bad, (d) => d.length === 0, "the removed folder's diagnostics emptied");
    assert.deepEqual([...s.server.index.paths()], ['/ws/nginx/sites-enabled/a']);

    host.files.set('/other/nginx/sites-enabled/bad', BAD + '# changed\n');
    host.files.set('/ws/nginx/sites-enabled/a', BAD);
    host.reads.length = 0;
    void s.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: bad, type: 2 }, { uri: s.uri('/ws/nginx/sites-enabled/a'), type: 2 }] });
    await s.waitFor(s.uri('/ws/nginx/sites-enabled/a'), invalid, "the kept folder's change read");
    assert.deepEqual(host.reads, ['/ws/nginx/sites-enabled/a']);
    assert.deepEqual(s.diagnostics.get(bad), []);
  });

  it('keeps the files of a removed folder that an outer folder holds, now on its host, and drops an open document no folder holds', async () => {
    const host = memoryHost({ '/ws/nginx/sites-enabled/a': SITE(8080), '/ws/sub/nginx/sites-enabled/b': BAD, '/away/nginx/sites-enabled/c': BAD });
    const folders = [{ path: '/ws', name: 'ws' }, { path: '/ws/sub', name: 'sub' }, { path: '/away', name: 'away' }];
    s = await startSession({ host, capabilities: FOLDERS, folders });
    const c = s.uri('/away/nginx/sites-enabled/c');
    void s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: c, languageId: 'nginx', version: 1, text: BAD + '# open\n' } });
    await s.until(() => s!.server.textOf('/away/nginx/sites-enabled/c') === BAD + '# open\n', 'the open text indexed');
    assert.equal(s.server.index.hostOf('/ws/sub/nginx/sites-enabled/b'), 'sub');
    const b = s.uri('/ws/sub/nginx/sites-enabled/b');
    await s.waitFor(b, invalid, 'invalid-port in the inner folder');
    host.reads.length = 0;
    void change([], [folders[1]!, folders[2]!]);
    await s.waitFor(c, (d) => d.length === 0, "the open document's diagnostics emptied");
    assert.equal(s.server.index.hostOf('/ws/sub/nginx/sites-enabled/b'), 'ws');
    assert.equal(s.server.textOf('/ws/sub/nginx/sites-enabled/b'), BAD);
    assert.deepEqual(host.reads, ['/ws/sub/nginx/sites-enabled/b'], 'read again under the outer folder, and nothing else');
    assert.ok(invalid(s.diagnostics.get(b)!), 'the inner file keeps its diagnostics');
    assert.equal(s.server.textOf('/away/nginx/sites-enabled/c'), undefined);
    assert.ok(s.logs.some((l) => l.message === '[portolan] not indexed /away/nginx/sites-enabled/c: outside the workspace folders'), JSON.stringify(s.logs));
  });

  it("restarts the server's own watcher on the new folders (and none while the client watches)", async () => {
    const started: string[][] = [];
    const closed: string[][] = [];
    const spy: WatchFolders = (o) => {
      const roots = [...o.roots];
      started.push(roots);
      return { ready: Promise.resolve(), close: async () => void closed.push(roots) };
    };
    const host = memoryHost({ '/ws/nginx/sites-enabled/a': SITE(8080), '/other/nginx/sites-enabled/bad': BAD });
    s = await startSession({ host, capabilities: NO_CLIENT_WATCH, platform: { watchFolders: spy } });
    void change([{ path: '/other', name: 'other' }], []);
    await s.waitFor(s.uri('/other/nginx/sites-enabled/bad'), invalid, 'the added folder published');
    void change([], [{ path: '/ws', name: 'ws' }]);
    await s.until(() => started.length === 3, 'the watcher restarted twice');
    assert.deepEqual(started, [['/ws'], ['/ws', '/other'], ['/other']]);
    await s.until(() => closed.length === 2, 'the old watchers closed');
    assert.deepEqual(closed, [['/ws'], ['/ws', '/other']]);
    await s.close();

    started.length = 0;
    s = await startSession({ host, capabilities: FOLDERS, platform: { watchFolders: spy } });
    void change([], [{ path: '/ws', name: 'ws' }]);
    await s.nextIndexed('the publish after the removal');
    assert.deepEqual(started, [], 'the client watches: no watcher of its own');
  });

  it('reads an added folder on disk with the initial load\'s guards: a link inside it is not followed', async () => {
    const outside = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/canary': BAD }, 'portolan-folders-out-'));
    const ws = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/a': SITE(8080) }, 'portolan-folders-ws-'));
    const added = fs.realpathSync(tmpWorkspace({ 'nginx/sites-enabled/bad': BAD }, 'portolan-folders-add-'));
    fs.symlinkSync(path.join(outside, 'nginx/sites-enabled/canary'), path.join(added, 'nginx/sites-enabled/link'));
    try {
      s = await startSession({ host: nodeHost(), capabilities: FOLDERS, folders: [{ path: ws, name: 'ws' }], settings: {} });
      void change([{ path: added, name: 'added' }], []);
      await s.waitFor(s.uri(path.join(added, 'nginx/sites-enabled/bad')), invalid, 'the added folder on disk published');
      assert.equal(s.server.textOf(path.join(added, 'nginx/sites-enabled/link')), undefined);
      assert.equal(s.diagnostics.get(s.uri(path.join(added, 'nginx/sites-enabled/link'))), undefined);
    } finally {
      for (const d of [outside, ws, added]) fs.rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('workspace folders as roots (folders.ts)', () => {
  it('takes file: folders without a trailing slash, once each, and skips malformed ones', () => {
    assert.deepEqual(rootsOf([{ uri: 'file:///ws/', name: 'w' }, { uri: 'file:///ws', name: 'again' }, { uri: 'untitled:x', name: 'u' }, { name: 'no uri' }, null, { uri: 'file:///', name: '' }]), [
      { path: '/ws', name: 'w' },
      { path: '/', name: '/' },
    ]);
    assert.deepEqual(rootsOf('not a list'), []);
  });

  it('applies a change: removed first, added when new; nothing when nothing changes', () => {
    const roots = [{ path: '/a', name: 'a' }, { path: '/b', name: 'b' }];
    assert.deepEqual(changeRoots(roots, { added: [{ uri: 'file:///c', name: 'c' }, { uri: 'file:///a', name: 'a2' }], removed: [{ uri: 'file:///b', name: 'b' }] }), {
      roots: [{ path: '/a', name: 'a' }, { path: '/c', name: 'c' }],
      added: [{ path: '/c', name: 'c' }],
      removed: [{ path: '/b', name: 'b' }],
    });
    assert.equal(changeRoots(roots, { added: [{ uri: 'file:///a', name: 'a' }], removed: [{ uri: 'file:///zzz', name: 'z' }] }), undefined);
    assert.equal(changeRoots(roots, null), undefined);
  });
});
