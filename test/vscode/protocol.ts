/**
 * The file protocol between a launcher (a plain Node process) and the test suite running inside
 * VS Code's extension host. Nothing here imports `vscode`, so both sides can use it.
 *
 * The launcher creates a control folder and passes its path in the environment of the VS Code
 * process (the extension host inherits it):
 * - the suite writes `results.json` (a SuiteResults) there when mocha ends;
 * - for a screenshot the suite writes `shot-<n>.request.json` (a ScreenshotRequest); a launcher
 *   that can take screenshots writes `shot-<n>.done.json` (a ScreenshotDone) when the PNG exists.
 * Every file is written to a temporary name and renamed, so a reader never sees half a file.
 * Both sides wait with fs.watch on the folder plus an overall timeout, never by polling.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Environment variable holding the control folder's absolute path. */
export const CONTROL_DIR_ENV = 'PORTOLAN_VSCODE_TEST_DIR';
/** Environment variable set to "1" when the launcher answers screenshot requests. */
export const SCREENSHOTS_ENV = 'PORTOLAN_VSCODE_SCREENSHOTS';
/** Name of the results file in the control folder. */
export const RESULTS_FILE = 'results.json';

/** One test's outcome. `durationMs` is wall time in milliseconds; `error` is message + stack. */
export interface TestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

/** What the suite reports. `fatal` is set when the suite could not run at all (e.g. no test files). */
export interface SuiteResults {
  vscodeVersion: string;
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: TestResult[];
  fatal?: string;
}

/**
 * A screenshot request. `name` becomes `<name>.png` ([a-z0-9-] only). Before taking it the
 * launcher waits (up to `timeoutMs`, default 30000) until an element matching the CSS
 * `selector` is visible and, when `text` is given, contains that text (every one of them, for a list).
 */
export interface ScreenshotRequest {
  name: string;
  selector?: string;
  text?: string | string[];
  timeoutMs?: number;
  /**
   * After the picture, click every element matching this CSS selector, in document order, as a
   * user would (e.g. the refactor preview's checkboxes). Only the offline launcher can click.
   */
  click?: string;
}

/** The launcher's answer: the PNG's absolute path, or why it could not be taken. */
export interface ScreenshotDone {
  file?: string;
  error?: string;
}

/** Writes `value` as JSON to `file` atomically (temporary file in the same folder, then rename). */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}

/**
 * Resolves with the parsed JSON of `dir/name` as soon as it exists: checks once, then on every
 * fs.watch event of `dir`. Rejects after `timeoutMs` milliseconds with a message naming `what`,
 * or when `abort` (if given) rejects first. The watcher is always closed.
 */
export function waitForJsonFile<T>(dir: string, name: string, timeoutMs: number, what: string, abort?: Promise<never>): Promise<T> {
  const file = path.join(dir, name);
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      watcher.close();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value as T);
    };
    const check = () => {
      if (done || !fs.existsSync(file)) return;
      try {
        finish(undefined, JSON.parse(fs.readFileSync(file, 'utf8')) as T);
      } catch (e) {
        finish(new Error(`${what}: ${file} is not valid JSON: ${(e as Error).message}`));
      }
    };
    const watcher = fs.watch(dir, () => check());
    watcher.on('error', (e) => finish(new Error(`${what}: watching ${dir} failed: ${e.message}`)));
    const timer = setTimeout(() => finish(new Error(`${what}: timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    abort?.catch((e: Error) => finish(e));
    check();
  });
}
