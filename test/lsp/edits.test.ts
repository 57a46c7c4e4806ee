/**
 * The edit features over LSP, in process (./session.ts) over a temporary copy of
 * examples/prochat-host read through the Node host: code actions (quick fixes and fix-all),
 * prepareRename/rename (accepted and refused), references, definition,
 * portolan/suggestRtcdPorts and the rtcd renumber command, whose workspace/applyEdit the test
 * client records; the tests check the edit's shape, change annotations and document versions,
 * and that the files on disk stay as they were. No fixed sleeps: waits are on messages, with
 * timeouts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Location, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { nodeHost } from '../../server/src/node/host';
import { RENUMBER_RTCD_SERVER_COMMAND, type RenumberRtcdResult, type SuggestRtcdPortsResult } from '../../server/src/lsp/protocol';
import { ROOT, positionIn as pos } from '../helpers';
import { startSession, type TestSession } from './session';

/** Applies LSP text edits (positions in UTF-16 code units) to a text. */
function applyLsp(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const off = (p: { line: number; character: number }) => lineStarts[p.line]! + p.character;
  return [...edits].sort((a, b) => off(b.range.start) - off(a.range.start)).reduce((t, e) => t.slice(0, off(e.range.start)) + e.newText + t.slice(off(e.range.end)), text);
}

describe('edit features over LSP', function () {
  this.timeout(30000);
  let dir: string;
  let s: TestSession;
  let conn: TestSession['client'];
  let applyEdits: TestSession['applied'];
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-lsp-edits-')));
    fs.cpSync(path.join(ROOT, 'examples', 'prochat-host'), dir, { recursive: true });
    s = await startSession({ folders: [{ path: dir, name: 'prochat-host' }], host: nodeHost() });
    conn = s.client;
    applyEdits = s.applied;
    assert.deepEqual(s.init.capabilities.renameProvider, { prepareProvider: true });
    assert.ok(s.init.capabilities.executeCommandProvider?.commands.includes(RENUMBER_RTCD_SERVER_COMMAND));
  });

  after(async () => {
    await s?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('offers the quick fix for the unknown rtcd variable, and none on a line without a fixable problem', async () => {
    const rel = 'etc/systemd/system/rtcd.service';
    const text = read(rel);
    const at = pos(text, 'API_SECURITY', 2);
    const actions = (await conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri(rel) }, range: { start: at, end: at }, context: { diagnostics: [], only: ['quickfix'] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred]), [['Rename to RTCD_API_SECURITY_ALLOWSELFREGISTRATION', 'quickfix', true]]);
    const dc = actions[0]!.edit!.documentChanges as TextDocumentEdit[];
    assert.equal(dc.length, 1);
    assert.equal(dc[0]!.textDocument.version, null, 'a closed file is edited with version null');
    assert.equal(applyLsp(text, dc[0]!.edits), text.replace('Environment=API_', 'Environment=RTCD_API_'));
    assert.equal(actions[0]!.diagnostics?.[0]?.code, 'unknown-rtcd-key');
    const quiet = pos(text, 'Restart=always');
    assert.deepEqual(await conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(rel) }, range: { start: quiet, end: quiet }, context: { diagnostics: [], only: ['quickfix'] } }), []);
  });

  it('fix-all: a per-rule source.fixAll.portolan action resolves to its edit; on-save fix-all returns one combined action', async () => {
    const rel = 'etc/ufw/setup-firewall.sh';
    const text = read(rel);
    const at = pos(text, '8045/udp');
    const listed = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(rel) }, range: { start: at, end: at }, context: { diagnostics: [] } })) as CodeAction[];
    const perRule = listed.find((a) => a.kind === 'source.fixAll.portolan' && a.title === 'Fix all firewall-stale problems in this file');
    assert.ok(perRule, JSON.stringify(listed.map((a) => a.title)));
    assert.equal(perRule.edit, undefined, 'computed on resolve');
    const resolved = (await conn.sendRequest('codeAction/resolve', perRule)) as CodeAction;
    const dc = resolved.edit!.documentChanges as TextDocumentEdit[];
    assert.equal(applyLsp(text, dc[0]!.edits), text.replace("sudo ufw allow 8045/udp comment 'rtcd Media UDP'\n", ''));
    const onSave = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(rel) }, range: { start: at, end: at }, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    assert.equal(onSave.length, 1);
    assert.equal(onSave[0]!.kind, 'source.fixAll.portolan');
    assert.ok(onSave[0]!.edit);
  });

  it('prepareRename gives the digits and the port; rename returns an annotated edit of every linked mention', async () => {
    const rel = 'etc/rtcd/config.toml';
    const text = read(rel);
    const at = pos(text, ':8444', 2);
    const prep = (await conn.sendRequest('textDocument/prepareRename', { textDocument: { uri: uri(rel) }, position: at })) as { range: { start: { line: number; character: number }; end: { character: number } }; placeholder: string };
    assert.equal(prep.placeholder, '8444');
    assert.equal(text.split('\n')[prep.range.start.line]!.slice(prep.range.start.character, prep.range.end.character), '8444');
    const edit = (await conn.sendRequest('textDocument/rename', { textDocument: { uri: uri(rel) }, position: at, newName: '8045' })) as WorkspaceEdit;
    const files = (edit.documentChanges as TextDocumentEdit[]).map((d) => d.textDocument.uri.slice(pathToFileURL(dir).href.length + 1)).sort();
    assert.deepEqual(files, ['etc/nginx/sites-enabled/rtcd', 'etc/rtcd/config.toml']);
    assert.ok(edit.changeAnnotations && Object.values(edit.changeAnnotations).some((a) => a.label === "rtcd's API"));
  });

  it('rename is refused with the reason when the new port is taken or out of range', async () => {
    const rel = 'etc/rtcd/config.toml';
    const at = pos(read(rel), ':8444', 2);
    await assert.rejects(conn.sendRequest('textDocument/rename', { textDocument: { uri: uri(rel) }, position: at, newName: '8443' }), /8443\/tcp is bound by web/);
    await assert.rejects(conn.sendRequest('textDocument/rename', { textDocument: { uri: uri(rel) }, position: at, newName: '60000' }), /outside \[80, 49151\]/);
    await assert.rejects(conn.sendRequest('textDocument/prepareRename', { textDocument: { uri: uri(rel) }, position: { line: 0, character: 0 } }), /No port/);
  });

  it('references from the proxy_pass include rtcd\'s bind; definition from it leads to rtcd\'s config', async () => {
    const rel = 'etc/nginx/sites-enabled/rtcd';
    const at = pos(read(rel), '127.0.0.1:8444', 11);
    const refs = (await conn.sendRequest('textDocument/references', { textDocument: { uri: uri(rel) }, position: at, context: { includeDeclaration: true } })) as Location[];
    assert.deepEqual(refs.map((l) => `${l.uri.slice(pathToFileURL(dir).href.length + 1)}:${l.range.start.line + 1}`).sort(), ['etc/nginx/sites-enabled/rtcd:10', 'etc/rtcd/config.toml:7']);
    const defs = (await conn.sendRequest('textDocument/definition', { textDocument: { uri: uri(rel) }, position: at })) as Location[];
    assert.deepEqual(defs.map((l) => `${l.uri.slice(pathToFileURL(dir).href.length + 1)}:${l.range.start.line + 1}`), ['etc/rtcd/config.toml:7']);
  });

  it('portolan/suggestRtcdPorts gives the current and a free pair with reasons, and the taken ports', async () => {
    const s = (await conn.sendRequest('portolan/suggestRtcdPorts', {})) as SuggestRtcdPortsResult;
    assert.equal(s.available, true);
    assert.deepEqual(s.current, { api: 8444, media: 8046 });
    assert.deepEqual(s.suggested, { api: 8445, media: 8046 });
    assert.deepEqual([s.min, s.max], [80, 49151]);
    assert.ok(s.taken.some((t) => t.port === 8443 && t.holder.startsWith('web ')));
  });

  it('the renumber command refuses a taken port without sending an edit', async () => {
    const n = applyEdits.length;
    const r = (await conn.sendRequest('workspace/executeCommand', { command: RENUMBER_RTCD_SERVER_COMMAND, arguments: [{ api: 8443, media: 8047 }] })) as RenumberRtcdResult;
    assert.equal(r.applied, false);
    assert.match(r.message, /8443\/tcp is bound by web/);
    assert.equal(applyEdits.length, n);
  });

  it('the renumber command sends one workspace/applyEdit with annotations that need confirmation, the open document\'s version, null for closed files', async () => {
    const rel = 'etc/rtcd/config.toml';
    const text = read(rel);
    void conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: 'toml', version: 7, text } });
    const r = (await conn.sendRequest('workspace/executeCommand', { command: RENUMBER_RTCD_SERVER_COMMAND, arguments: [{ api: 8045, media: 8047 }] })) as RenumberRtcdResult;
    assert.equal(r.applied, true, r.message);
    assert.equal(r.changes, 5);
    assert.equal(r.files, 3);
    const sent = applyEdits[applyEdits.length - 1]!;
    assert.match(sent.label!, /rtcd ports: API 8444 → 8045, media 8046 → 8047/);
    const dcs = sent.edit.documentChanges as TextDocumentEdit[];
    const byFile = new Map(dcs.map((d) => [d.textDocument.uri.slice(pathToFileURL(dir).href.length + 1), d]));
    assert.deepEqual([...byFile.keys()].sort(), ['etc/nginx/sites-enabled/rtcd', 'etc/rtcd/config.toml', 'etc/ufw/setup-firewall.sh']);
    assert.equal(byFile.get(rel)!.textDocument.version, 7);
    assert.equal(byFile.get('etc/ufw/setup-firewall.sh')!.textDocument.version, null);
    const annotations = Object.values(sent.edit.changeAnnotations ?? {});
    assert.ok(annotations.length > 0 && annotations.every((a) => a.needsConfirmation === true && /8444 → 8045/.test(a.description ?? '')));
    for (const d of dcs) for (const e of d.edits) assert.ok('annotationId' in e && sent.edit.changeAnnotations![(e as { annotationId: string }).annotationId]);
    assert.equal(applyLsp(text, byFile.get(rel)!.edits), text.replace(':8444', ':8045').replace('ice_port_udp = 8046', 'ice_port_udp = 8047').replace('ice_port_tcp = 8046', 'ice_port_tcp = 8047'));
    assert.equal(read(rel), text, 'the server never writes files');
    assert.deepEqual(s.errors(), []);
  });
});
