/**
 * Opened documents that are not workspace files (a symbolic link, a file below a linked folder,
 * a file outside the workspace folders) never enter the index: no diagnostics, no port-table
 * row, no part of a rename's WorkspaceEdit; the log says "not indexed …" once. A near miss: a
 * plain file opened before it exists on disk is indexed. In process over a copy of
 * examples/prochat-host on disk (nodeHost, main.ts's link check).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { linkOnTheWay, nodeHost } from '../../server/src/node/host';
import { ROOT, positionIn as pos } from '../helpers';
import { startSession, type TestSession } from './session';

/** A site proxying to rtcd's API: as a workspace file, rtcd's rename would edit it. */
const EVIL = 'server {\n    listen 9471;\n    location / {\n        proxy_pass http://127.0.0.1:8444;\n    }\n}\n';

describe('opened documents that are links or outside the workspace', function () {
  this.timeout(30000);
  let base: string;
  let dir: string;
  let outside: string;
  let s: TestSession;
  const uri = (p: string) => pathToFileURL(p).href;
  const open = (p: string, text: string) => s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(p), languageId: 'nginx', version: 1, text } });
  const has9471 = () => s.server.snapshot().facts.some((f) => f.ports.start === 9471);

  beforeEach(async () => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-opened-')));
    dir = path.join(base, 'host');
    outside = path.join(base, 'outside');
    fs.cpSync(path.join(ROOT, 'examples', 'prochat-host'), dir, { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'evil'), EVIL);
    fs.symlinkSync(path.join(outside, 'evil'), path.join(dir, 'etc/nginx/sites-enabled/evil'));
    fs.symlinkSync(outside, path.join(dir, 'etc/nginx/conf.d'));
    s = await startSession({ folders: [{ path: dir, name: 'host' }], host: nodeHost(), platform: { linkOnTheWay } });
  });

  afterEach(async () => {
    await s.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('keeps a linked file, a file below a linked folder and a file outside out of the index, the table and a rename', async () => {
    const paths = [path.join(dir, 'etc/nginx/sites-enabled/evil'), path.join(dir, 'etc/nginx/conf.d/evil'), path.join(outside, 'evil')];
    for (const p of paths) await open(p, EVIL);
    // A plain file opened after them: once it is indexed, the opens before it were handled.
    const fresh = path.join(dir, 'etc/nginx/sites-enabled/fresh');
    await open(fresh, 'server {\n    listen 9472;\n}\n');
    await s.until(() => s.server.snapshot().facts.some((f) => f.ports.start === 9472), 'the unsaved plain file indexed');
    assert.equal(has9471(), false);
    for (const p of paths) assert.equal(s.server.textOf(p), undefined, p);
    assert.equal(s.logs.filter((l) => /^\[portolan\] not indexed .*\/sites-enabled\/evil: symbolic link not followed \(etc\/nginx\/sites-enabled\/evil\)$/.test(l.message)).length, 1, JSON.stringify(s.logs));
    assert.ok(s.logs.some((l) => /not indexed .*conf\.d\/evil: symbolic link not followed \(etc\/nginx\/conf\.d\)/.test(l.message)));
    assert.ok(s.logs.some((l) => /not indexed .*outside\/evil: outside the workspace folders/.test(l.message)));
    const table = JSON.stringify(await s.client.sendRequest('portolan/portTable', { filter: 'all' }));
    assert.ok(table.includes('9472') && !table.includes('9471'), table);

    const config = path.join(dir, 'etc/rtcd/config.toml');
    const at = pos(fs.readFileSync(config, 'utf8'), ':8444', 2);
    const edit = (await s.client.sendRequest('textDocument/rename', { textDocument: { uri: uri(config) }, position: at, newName: '8045' })) as WorkspaceEdit;
    const files = (edit.documentChanges as TextDocumentEdit[]).map((d) => d.textDocument.uri.slice(uri(dir).length + 1)).sort();
    assert.deepEqual(files, ['etc/nginx/sites-enabled/rtcd', 'etc/rtcd/config.toml']);
  });

  it('a change to a refused document stays out too, and a plain copy of the same text is indexed (near miss)', async () => {
    const link = path.join(dir, 'etc/nginx/sites-enabled/evil');
    await open(link, EVIL);
    await s.client.sendNotification('textDocument/didChange', { textDocument: { uri: uri(link), version: 2 }, contentChanges: [{ text: EVIL + '# edited\n' }] });
    const copy = path.join(dir, 'etc/nginx/sites-enabled/copy');
    fs.writeFileSync(copy, EVIL);
    await open(copy, EVIL);
    await s.until(has9471, 'the plain copy indexed');
    assert.equal(s.server.textOf(link), undefined);
    assert.equal(s.server.snapshot().facts.filter((f) => f.ports.start === 9471).every((f) => f.location.file === copy), true);
  });
});
