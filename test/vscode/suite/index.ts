/**
 * Entry point of the in-editor suite (`extensionTestsPath` = out/test/vscode/suite/index.js).
 * Both launchers load it: `npm run test:vscode` (offline, VS Code server + headless Chromium)
 * and `npm run test:electron` (@vscode/test-electron).
 *
 * Adding a test: create `test/vscode/suite/<topic>.itest.ts` with ordinary mocha `describe`/`it`
 * blocks. Every `*.itest.ts` in this folder is picked up (the `.itest` suffix keeps it out of the
 * plain unit run, which cannot load `vscode`). Start with `before(activatePortolan)`; use the
 * helpers in `./helpers` to find example files (`exampleUri`), to wait on events with a timeout
 * (`waitForDiagnostics`, `waitForEvent`, `withTimeout`; never sleep), and to take a picture
 * (`await screenshot('port-table', { selector, text })`, saved as <name>.png by the offline run).
 * The workspace is a fresh temporary copy of examples/prochat-host, so tests may edit files and
 * settings; restore what you change in the same test file, later files see the same copy.
 */
import * as vscode from 'vscode';
import { runFolder } from '../runner';

/** Called by VS Code's extension host in test mode; rejects when any test failed. */
export function run(): Promise<void> {
  return runFolder(__dirname, vscode.version);
}
