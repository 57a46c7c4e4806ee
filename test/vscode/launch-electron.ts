/**
 * Launcher for the same in-editor suite through @vscode/test-electron, for machines with a desktop
 * VS Code or internet access (it downloads VS Code otherwise). Not used by `npm test` or CI here:
 * this machine has no internet; `npm run test:vscode` is the offline launcher.
 *
 *   npm run test:electron                                   # downloads VS Code ($VSCODE_VERSION, default stable)
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code npm run test:electron   # a VS Code already installed
 *
 * On Linux without a display, run it under `xvfb-run -a`. Screenshots are not taken here (the
 * suite's screenshot() says so in the log and returns). Opens a temporary copy of
 * examples/prochat-host with fresh user-data and extensions folders; exit status 0 only when every
 * test passed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { CONTROL_DIR_ENV, RESULTS_FILE, type SuiteResults } from './protocol';
import { report } from './report';
import { ROOT, copyExampleWorkspace } from './workspace';

async function main(): Promise<number> {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-electron-'));
  const control = path.join(tmp, 'control');
  fs.mkdirSync(control);
  const folder = copyExampleWorkspace(tmp);
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH || undefined;
  let exitCode = 1;
  try {
    try {
      exitCode = await runTests({
        ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: process.env.VSCODE_VERSION || 'stable' }),
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js'),
        extensionTestsEnv: { [CONTROL_DIR_ENV]: control },
        launchArgs: [
          folder,
          '--disable-extensions',
          '--skip-welcome',
          '--skip-release-notes',
          '--user-data-dir', path.join(tmp, 'user-data'),
          '--extensions-dir', path.join(tmp, 'extensions'),
        ],
      });
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      process.stderr.write(
        `launch-electron: ${msg}\n` +
          (vscodeExecutablePath
            ? `(VS Code at ${vscodeExecutablePath}; on Linux without a display run under xvfb-run -a)\n`
            : 'Could not download or run VS Code. Without internet set VSCODE_EXECUTABLE_PATH to an installed VS Code, or use `npm run test:vscode` (offline).\n'),
      );
    }
    const resultsFile = path.join(control, RESULTS_FILE);
    if (fs.existsSync(resultsFile)) {
      const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
      const ok = report(results, `@vscode/test-electron, VS Code ${results.vscodeVersion}`, Math.round((Date.now() - started) / 1000));
      if (!ok) exitCode = exitCode || 1;
    } else {
      process.stderr.write('launch-electron: the suite wrote no results (it did not run)\n');
      exitCode = exitCode || 1;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`launch-electron: ${e.stack ?? e}\n`);
    process.exit(1);
  },
);
