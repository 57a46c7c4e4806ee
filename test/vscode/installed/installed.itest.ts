/**
 * The packaged extension works on its own: loaded from the installed .vsix (bundle only, no out/,
 * no node_modules), it starts its bundled server and reports the example's findings.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatePortolan, codeOf, exampleUri, isLoaded, waitForDiagnostics } from '../suite/helpers';

/** The repository root, seen from out/test/vscode/installed/. */
const REPO = path.resolve(__dirname, '..', '..', '..', '..');

describe('installed .vsix', () => {
  it('loads Portolan from the extensions folder, from its bundle', async () => {
    const ext = await activatePortolan();
    assert.ok(!ext.extensionPath.startsWith(REPO + path.sep), `loaded from ${ext.extensionPath}, not from the .vsix`);
    assert.equal(ext.packageJSON.main, './dist/extension.js');
    assert.ok(fs.existsSync(path.join(ext.extensionPath, 'dist', 'server.js')), 'bundled server shipped');
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'out')), 'no tsc output shipped');
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'node_modules')), 'no node_modules shipped');
    assert.equal(ext.isActive, true);
  });

  it('ships every file its manifest names (view icon, grammars, language configurations, schema)', async () => {
    const ext = await activatePortolan();
    const c = ext.packageJSON.contributes as {
      viewsContainers: { activitybar: { icon: string }[] };
      views: Record<string, { icon?: string }[]>;
      grammars: { path: string }[];
      languages: { configuration: string }[];
      tomlValidation: { url: string }[];
    };
    const named = [
      ...c.viewsContainers.activitybar.map((v) => v.icon),
      ...Object.values(c.views).flat().flatMap((v) => (v.icon ? [v.icon] : [])),
      ...c.grammars.map((g) => g.path),
      ...c.languages.map((l) => l.configuration),
      ...c.tomlValidation.map((t) => t.url),
    ];
    const missing = named.filter((rel) => !fs.existsSync(path.join(ext.extensionPath, rel)));
    assert.deepEqual(missing, [], 'files named by package.json but missing from the .vsix');
    assert.ok(named.length >= 9);
  });

  it('reports rtcd-mismatch in the unopened config.json and the 8444 port-conflict', async () => {
    await activatePortolan();
    const config = exampleUri('opt/mattermost/config/config.json');
    assert.equal(isLoaded(config), false);
    const d = await waitForDiagnostics(config, (x) => x.some((y) => codeOf(y) === 'rtcd-mismatch'), 'rtcd-mismatch from the installed extension');
    const r = d.find((y) => codeOf(y) === 'rtcd-mismatch')!.range;
    assert.deepEqual([r.start.line, r.start.character, r.end.character], [52, 64, 68]);
    await waitForDiagnostics(exampleUri('etc/nginx/sites-enabled/rtcd'), (x) => x.some((y) => codeOf(y) === 'port-conflict'), 'port-conflict in the nginx rtcd site');
    assert.equal(vscode.languages.getDiagnostics(exampleUri('NOTES.md')).length, 0);
  });
});
