/**
 * Diagnostics for files that were never opened: the server indexes the whole workspace at start,
 * so the example's planted findings appear without any editor touching those files.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatePortolan, codeOf, exampleUri, isLoaded, waitForDiagnostics } from './helpers';

describe('diagnostics for unopened files', () => {
  before(activatePortolan);

  it('reports rtcd-mismatch on the exact 8443 digits of config.json\'s rtcdserviceurl', async () => {
    const uri = exampleUri('opt/mattermost/config/config.json');
    assert.equal(isLoaded(uri), false, 'config.json must not have been opened by any test');
    const diags = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'rtcd-mismatch'), 'rtcd-mismatch in config.json');
    const found = diags.filter((x) => codeOf(x) === 'rtcd-mismatch');
    assert.equal(found.length, 1, `one rtcd-mismatch expected, got ${found.length}`);
    const d = found[0]!;
    // Line 53 (1-based): `                "rtcdserviceurl": "https://jitsi.yourserver.com:8443",`
    assert.deepEqual(
      [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
      [52, 64, 52, 68],
      'range covers 8443 in rtcdserviceurl',
    );
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /8444/, 'the message names rtcd\'s real API port');
    // Reading the diagnostics did not open the document.
    assert.equal(isLoaded(uri), false);
  });

  it('reports the 8444 port-conflict on both sides, nginx rtcd site and rtcd config.toml', async () => {
    const nginx = exampleUri('etc/nginx/sites-enabled/rtcd');
    const rtcd = exampleUri('etc/rtcd/config.toml');
    const a = await waitForDiagnostics(nginx, (d) => d.some((x) => codeOf(x) === 'port-conflict'), 'port-conflict in the nginx rtcd site');
    const b = await waitForDiagnostics(rtcd, (d) => d.some((x) => codeOf(x) === 'port-conflict'), 'port-conflict in rtcd config.toml');
    const onNginx = a.find((x) => codeOf(x) === 'port-conflict')!;
    const onRtcd = b.find((x) => codeOf(x) === 'port-conflict')!;
    // `    listen 8444 ssl http2;` (line 3) and `http.listen_address = ":8444"` (line 7).
    assert.deepEqual([onNginx.range.start.line, onNginx.range.start.character, onNginx.range.end.character], [2, 11, 15]);
    assert.deepEqual([onRtcd.range.start.line, onRtcd.range.start.character, onRtcd.range.end.character], [6, 24, 28]);
    // Each side points at the other through relatedInformation.
    assert.ok(onNginx.relatedInformation?.some((r) => r.location.uri.toString() === rtcd.toString()), 'nginx side links rtcd config');
    assert.ok(onRtcd.relatedInformation?.some((r) => r.location.uri.toString() === nginx.toString()), 'rtcd side links nginx site');
  });

  it('keeps files with no port facts silent (dovecot.conf, NOTES.md)', async () => {
    // Wait until the workspace has been published (config.json has its finding), then check.
    await waitForDiagnostics(exampleUri('opt/mattermost/config/config.json'), (d) => d.length > 0, 'first publish');
    assert.deepEqual(vscode.languages.getDiagnostics(exampleUri('etc/dovecot/dovecot.conf')), []);
    assert.deepEqual(vscode.languages.getDiagnostics(exampleUri('NOTES.md')), []);
  });
});
