/** Prints an in-editor suite's results for a launcher. */
import type { SuiteResults } from './protocol';

/**
 * Prints one line per test (ok / FAIL / SKIP, with the error indented) and a summary line
 * naming `how` the suite ran and the wall time in `seconds`. Returns true when the run counts
 * as passed: at least one test, none failed, none skipped, no suite error.
 */
export function report(results: SuiteResults, how: string, seconds: number): boolean {
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'SKIP';
    process.stdout.write(`  ${mark} ${t.fullTitle} (${t.durationMs} ms)\n`);
    if (t.error) process.stdout.write(t.error.split('\n').map((l) => `         ${l}`).join('\n') + '\n');
  }
  if (results.fatal) process.stdout.write(`  suite error: ${results.fatal}\n`);
  process.stdout.write(`\nvscode tests (${how}): ${results.passed} passed, ${results.failed} failed, ${results.pending} skipped in ${seconds} s\n`);
  return !results.fatal && results.failed === 0 && results.pending === 0 && results.passed > 0;
}
