/**
 * Edits in a real VS Code: Go to Definition and Find All References, rename (F2) through the
 * editor's rename provider, a quick fix, and "Portolan: Renumber rtcd Ports" applied through the
 * refactor preview and undone with one undo. Every change made here is undone, so the later test
 * files see the example as it was.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatePortolan, codeOf, exampleUri, positionOf, screenshot, waitForDiagnostics, waitForEvent, withTimeout, EVENT_TIMEOUT_MS } from './helpers';

const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri);

/** "file:line text" of each location, sorted, for readable comparisons. */
async function describeLocations(locations: readonly (vscode.Location | vscode.LocationLink)[]): Promise<string[]> {
  const out: string[] = [];
  for (const l of locations) {
    const uri = 'targetUri' in l ? l.targetUri : l.uri;
    const range = 'targetUri' in l ? (l.targetSelectionRange ?? l.targetRange) : l.range;
    const doc = await vscode.workspace.openTextDocument(uri);
    out.push(`${rel(uri)}:${range.start.line + 1} ${doc.getText(range)}`);
  }
  return out.sort();
}

/**
 * Runs `start`, which applies a WorkspaceEdit that needs confirmation, and accepts it in the
 * refactor preview as a user would: once the preview lists `file`, the offline launcher takes the
 * README's picture and ticks every file; then `refactorPreview.apply`. Resolves with `start`'s value.
 */
async function throughRefactorPreview<T>(start: Thenable<T>, file: string, what: string): Promise<T> {
  // Edits that need confirmation start unticked: tick each file, as the user does, then Apply.
  const shot = await screenshot('refactor-preview', {
    selector: '.bulk-edit-panel .monaco-list-row',
    text: file,
    click: '.bulk-edit-panel .monaco-list-row[aria-level="1"] :is(.monaco-custom-toggle, [role="checkbox"])',
  });
  if (shot === undefined) throw new Error('this launcher cannot tick the refactor preview; run the offline launcher');
  await vscode.commands.executeCommand('refactorPreview.apply');
  return withTimeout(start, EVENT_TIMEOUT_MS, what);
}

describe('refactoring', () => {
  const site = () => exampleUri('etc/nginx/sites-enabled/rtcd');
  const config = () => exampleUri('etc/rtcd/config.toml');

  before(async () => {
    await activatePortolan();
    await waitForDiagnostics(config(), (d) => d.some((x) => codeOf(x) === 'port-conflict'), 'port-conflict in rtcd config.toml');
  });

  it('Go to Definition from nginx proxy_pass opens rtcd\'s bind; Find All References lists the linked mentions', async () => {
    const doc = await vscode.workspace.openTextDocument(site());
    const pos = positionOf(doc, '127.0.0.1:8444', '127.0.0.1:'.length + 1);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', site(), pos);
    assert.deepEqual(await describeLocations(defs ?? []), ['etc/rtcd/config.toml:7 8444']);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', site(), pos);
    const described = await describeLocations(refs ?? []);
    assert.ok(described.includes('etc/rtcd/config.toml:7 8444'), described.join('; '));
    assert.ok(described.some((d) => d.startsWith('etc/nginx/sites-enabled/rtcd:') && d.endsWith(' 8444')), described.join('; '));
  });

  it('rename (F2) on rtcd\'s API port changes every linked mention, and refuses a taken port with the holder', async () => {
    const doc = await vscode.workspace.openTextDocument(config());
    const pos = positionOf(doc, ':8444', 2);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', config(), pos, '8045');
    assert.ok(edit, 'a WorkspaceEdit');
    const changed: string[] = [];
    for (const [uri, edits] of edit.entries()) {
      const d = await vscode.workspace.openTextDocument(uri);
      for (const e of edits) changed.push(`${rel(uri)}:${e.range.start.line + 1} ${d.getText(e.range)}->${e.newText}`);
    }
    changed.sort();
    assert.ok(changed.includes('etc/rtcd/config.toml:7 8444->8045'), changed.join('; '));
    assert.ok(changed.some((c) => c.startsWith('etc/nginx/sites-enabled/rtcd:') && c.endsWith(' 8444->8045')), changed.join('; '));
    // Refused with the holder, as the rename box shows it.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', config(), pos, '8443')), /8443\/tcp is bound by web \(opt\/jitsi\/docker-compose\.yml:\d+\)/);
  });

  it('offers the unknown-rtcd-key quick fix on the unit\'s misspelt variable', async () => {
    const unit = exampleUri('etc/systemd/system/rtcd.service');
    await vscode.workspace.openTextDocument(unit); // code actions run on a loaded text model
    const diags = await waitForDiagnostics(unit, (d) => d.some((x) => codeOf(x) === 'unknown-rtcd-key'), 'unknown-rtcd-key in rtcd.service');
    const d = diags.find((x) => codeOf(x) === 'unknown-rtcd-key')!;
    const ask = async () => (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', unit, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    let actions = await ask();
    // One CI run in four got no actions at all for the request sent right after the open (cause
    // not found; see the issue note): ask again, at most four more times, each a new request.
    for (let tries = 0; actions.length === 0 && tries < 4; tries++) {
      await waitForDiagnostics(unit, (ds) => ds.some((x) => codeOf(x) === 'unknown-rtcd-key'), 'unknown-rtcd-key in rtcd.service again');
      actions = await ask();
    }
    const fix = actions.find((a) => a.kind?.value === 'quickfix' && /RTCD_/.test(a.title));
    assert.ok(fix?.edit, `a quick fix with an edit among: ${actions.map((a) => a.title).join('; ')}`);
    const [[uri, edits]] = fix.edit.entries() as [[vscode.Uri, vscode.TextEdit[]]];
    assert.equal(rel(uri), 'etc/systemd/system/rtcd.service');
    assert.equal(edits[0]!.newText, 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION');
  });

  it('Renumber rtcd Ports applies one edit through the refactor preview, and one undo reverts every file', async () => {
    const files = ['etc/rtcd/config.toml', 'etc/nginx/sites-enabled/rtcd', 'etc/ufw/setup-firewall.sh'].map(exampleUri);
    const before = await Promise.all(files.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()));
    const result = await throughRefactorPreview(
      vscode.commands.executeCommand<{ applied: boolean; message: string; changes: number; files: number }>('portolan.renumberRtcd', { api: 8045, media: 8047 }),
      'config.toml',
      'the renumber to apply',
    );
    assert.equal(result?.applied, true, result?.message);
    assert.deepEqual({ changes: result.changes, files: result.files }, { changes: 5, files: 3 });
    const after = await Promise.all(files.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()));
    assert.match(after[0]!, /http\.listen_address = ":8045"/);
    assert.match(after[0]!, /ice_port_udp = 8047\n/);
    assert.match(after[1]!, /proxy_pass http:\/\/127\.0\.0\.1:8045;/);
    assert.match(after[2]!, /ufw allow 8047\/udp/);
    // Unsaved: edited through the editor, nothing written behind its back.
    assert.ok(files.every((u) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString())?.isDirty));
    await waitForDiagnostics(config(), (d) => !d.some((x) => codeOf(x) === 'port-conflict'), 'the 8444 conflict to go');

    // One undo, from the edited config.toml.
    await vscode.window.showTextDocument(files[0]!);
    const reverted = waitForEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document.uri.toString() === files[2]!.toString() && e.document.getText() === before[2], 'the ufw script to be reverted');
    await vscode.commands.executeCommand('undo');
    await reverted;
    const undone = await Promise.all(files.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()));
    assert.deepEqual(undone, before);
    await waitForDiagnostics(config(), (d) => d.some((x) => codeOf(x) === 'port-conflict'), 'the 8444 conflict back after undo');
  });
});
