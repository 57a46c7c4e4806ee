/**
 * Settings reach the running server without a reload: `portolan.rules` with a rule set to "off"
 * removes that rule's diagnostics, and taking the setting away brings them back.
 *
 * The setting is written to the workspace's .vscode/settings.json (the workspace is a temporary
 * copy), as a user editing settings would; this works whether or not package.json declares the key.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatePortolan, codeOf, exampleUri, waitForDiagnostics, waitForEvent } from './helpers';

const encoder = new TextEncoder();

/** Writes the workspace settings file and resolves once VS Code has applied `portolan.rules`. */
async function writeWorkspaceSettings(settings: object): Promise<void> {
  const dir = exampleUri('.vscode');
  await vscode.workspace.fs.createDirectory(dir);
  const applied = waitForEvent(vscode.workspace.onDidChangeConfiguration, (e) => e.affectsConfiguration('portolan.rules'), 'portolan.rules to change');
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'settings.json'), encoder.encode(JSON.stringify(settings, null, 2)));
  await applied;
}

describe('settings', () => {
  before(activatePortolan);

  it('"portolan.rules": { "rtcd-mismatch": "off" } removes those diagnostics and restoring brings them back', async () => {
    const config = exampleUri('opt/mattermost/config/config.json');
    const nginx = exampleUri('etc/nginx/sites-enabled/rtcd');
    const has = (rule: string) => (d: vscode.Diagnostic[]) => d.some((x) => codeOf(x) === rule);
    await waitForDiagnostics(config, has('rtcd-mismatch'), 'rtcd-mismatch before the change');

    await writeWorkspaceSettings({ 'portolan.rules': { 'rtcd-mismatch': 'off' } });
    assert.deepEqual(vscode.workspace.getConfiguration('portolan').get('rules'), { 'rtcd-mismatch': 'off' });
    const off = await waitForDiagnostics(config, (d) => !has('rtcd-mismatch')(d), 'rtcd-mismatch to disappear');
    assert.ok(!has('rtcd-mismatch')(off));
    // Other rules are untouched: the port conflict in the nginx site stays.
    assert.ok(has('port-conflict')(vscode.languages.getDiagnostics(nginx)), 'port-conflict still reported');

    await writeWorkspaceSettings({});
    const back = await waitForDiagnostics(config, has('rtcd-mismatch'), 'rtcd-mismatch to come back');
    assert.equal(back.filter((x) => codeOf(x) === 'rtcd-mismatch').length, 1);
  });
});
