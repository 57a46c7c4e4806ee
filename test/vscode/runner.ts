/**
 * Runs a folder's in-editor test files with mocha inside VS Code's extension host and reports
 * the outcome both ways a launcher can read it: a rejected promise (what @vscode/test-electron
 * turns into its exit code) and, when the launcher asked for it, `results.json` in the control
 * folder (what the offline launcher waits for). In-editor test files end in `.itest.js`, so the
 * plain unit run (`out/test/**\/*.test.js`) never loads them: they need `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { CONTROL_DIR_ENV, RESULTS_FILE, writeJsonAtomic, type SuiteResults, type TestResult } from './protocol';

/** Suffix of compiled in-editor test files. */
export const ITEST_SUFFIX = '.itest.js';

/**
 * Loads every `*.itest.js` in `dir` (sorted by name) into one mocha run and runs it.
 * `vscodeVersion` goes into the report. Resolves when every test passed; rejects with a summary
 * when a test failed or no test file was found (an empty run is a failure, never a silent pass).
 */
export async function runFolder(dir: string, vscodeVersion: string): Promise<void> {
  const started = Date.now();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(ITEST_SUFFIX)).sort();
  const results: SuiteResults = { vscodeVersion, passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [] };
  try {
    if (files.length === 0) throw new Error(`no *${ITEST_SUFFIX} files in ${dir}`);
    // Generous per-test timeout: the machine is shared and the language server indexes on start.
    // Tests wait on events with their own, shorter timeouts that say what they waited for.
    const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
    for (const f of files) mocha.addFile(path.join(dir, f));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      const record = (test: Mocha.Runnable, state: TestResult['state'], err?: Error) => {
        const r: TestResult = { fullTitle: test.fullTitle(), state, durationMs: test.duration ?? 0 };
        if (err) r.error = err.stack ?? String(err);
        results.tests.push(r);
        results[state]++;
      };
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (t: Mocha.Test) => record(t, 'passed'));
      runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (t: Mocha.Test) => record(t, 'pending'));
      // Also fires for failing hooks (before/after), which then stand for the tests they block.
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (t: Mocha.Runnable, err: Error) => record(t, 'failed', err));
    });
    if (results.tests.length === 0) results.fatal = `mocha ran no tests from ${files.join(', ')}`;
  } catch (e) {
    results.fatal = (e as Error).stack ?? String(e);
  }
  results.durationMs = Date.now() - started;
  const control = process.env[CONTROL_DIR_ENV];
  if (control) writeJsonAtomic(path.join(control, RESULTS_FILE), results);
  if (results.fatal) throw new Error(results.fatal);
  if (results.failed > 0 || results.pending > 0) {
    throw new Error(`${results.failed} failed, ${results.pending} skipped, ${results.passed} passed`);
  }
}
