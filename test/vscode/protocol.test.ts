/**
 * The launcher/suite file protocol in plain Node: a waiter sees a file renamed into place, reads
 * it whole, and times out with a message naming what it waited for.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitForJsonFile, writeJsonAtomic } from './protocol';

describe('vscode test protocol', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-protocol-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves when the file is written after the wait began', async () => {
    const waiting = waitForJsonFile<{ n: number }>(dir, 'results.json', 10_000, 'results');
    writeJsonAtomic(path.join(dir, 'results.json'), { n: 3 });
    assert.deepEqual(await waiting, { n: 3 });
    assert.deepEqual(fs.readdirSync(dir), ['results.json'], 'no temporary file left');
  });

  it('resolves at once when the file already exists', async () => {
    writeJsonAtomic(path.join(dir, 'done.json'), { file: '/x.png' });
    assert.deepEqual(await waitForJsonFile(dir, 'done.json', 10_000, 'done'), { file: '/x.png' });
  });

  it('ignores other files and rejects on timeout, naming what it waited for', async () => {
    const waiting = waitForJsonFile(dir, 'results.json', 300, 'the suite\'s results');
    writeJsonAtomic(path.join(dir, 'other.json'), {});
    await assert.rejects(waiting, /the suite's results: timed out after 0 s/);
  });

  it('rejects when the abort promise rejects first', async () => {
    const abort = Promise.reject(new Error('server exited early'));
    await assert.rejects(waitForJsonFile(dir, 'results.json', 10_000, 'results', abort), /server exited early/);
  });
});
