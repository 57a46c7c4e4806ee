/**
 * Hover over a conflicting port: the text names the owner and the other mentions, and the hover
 * is shown in the editor for the README's picture.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatePortolan, exampleUri, positionOf, screenshot, waitForDiagnostics, codeOf } from './helpers';

/** Plain text of every hover part (markdown strings, marked strings). */
function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('hover', () => {
  before(activatePortolan);

  it('over listen 8444 in the nginx rtcd site names the owner and the other mentions, and shows in the editor', async () => {
    const uri = exampleUri('etc/nginx/sites-enabled/rtcd');
    // The server answers hover once it has indexed the workspace; its diagnostics say it has.
    await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'port-conflict'), 'port-conflict in the nginx rtcd site');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const pos = positionOf(doc, 'listen 8444', 'listen '.length + 1);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    const md = hoverText(hovers ?? []);
    assert.match(md, /\*\*8444\/tcp\*\* · bind/);
    assert.match(md, /Owner: \*\*jitsi\.yourserver\.com\*\*/, 'owner is the nginx server block');
    assert.match(md, /Other mentions of 8444/);
    assert.match(md, /rtcd \(rtcd's API\) · \[etc\/rtcd\/config\.toml:7\]/, 'the conflicting rtcd bind is listed');
    const ours = (hovers ?? []).find((h) => h.range);
    assert.ok(ours?.range, 'hover has a range');
    assert.equal(doc.getText(ours.range), '8444');

    // Show it for real: cursor on the digits, then the editor's own "Show Hover" action.
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.showHover');
    // The launcher waits until the hover widget shows Portolan's text, then takes the picture.
    await screenshot('hover', { selector: '.monaco-editor .monaco-hover', text: 'Other mentions of 8444' });
  });

  it('over a line with no port returns no Portolan hover', async () => {
    const uri = exampleUri('etc/nginx/sites-enabled/rtcd');
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = positionOf(doc, 'server_name', 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    assert.doesNotMatch(hoverText(hovers ?? []), /Other mentions|Owner:/);
  });
});
