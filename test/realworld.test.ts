/**
 * Precision on real repositories: every folder of test/corpus/realworld/ opened alone with
 * default settings. Fails when an error or warning is not classified in classification.json,
 * when a finding classified true is no longer reported, when precision falls below
 * {@link PRECISION_FLOOR}, or when README.md's table is not the one this run gives.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { folders, precision, README, readClassification, runAll, table, tableInReadme, type FolderRun } from './realworld';

/**
 * The precision the corpus must keep (errors and warnings classified true / reported): the bar
 * of issue 11 ("What really runs together"). A change that adds a false finding must remove
 * another or stay under it; classify every new finding in classification.json.
 */
const PRECISION_FLOOR = 0.95;

describe('real-world corpus (test/corpus/realworld)', function () {
  this.timeout(120_000);
  let runs: FolderRun[];
  before(async () => {
    runs = await runAll();
  });

  it('classifies every folder and at least 25 repositories', () => {
    const cls = readClassification();
    assert.ok(folders().length >= 25, `${folders().length} folders`);
    assert.deepEqual(folders().filter((f) => !(f in cls)), [], 'folders missing from classification.json');
    assert.deepEqual(Object.keys(cls).filter((f) => !folders().includes(f)), [], 'classification.json names folders that do not exist');
  });

  it('reports only classified findings (classify a new one by reading the files)', () => {
    const unclassified = runs.flatMap((r) => r.unclassified.map((d) => `${r.folder} ${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}: ${d.message}`));
    assert.deepEqual(unclassified, []);
  });

  it('still reports every finding classified true', () => {
    assert.deepEqual(runs.flatMap((r) => r.lostTrue.map((c) => `${r.folder} ${c.file}:${c.line}:${c.column} ${c.rule}`)), []);
    assert.ok(runs.some((r) => r.truePositives.length > 0), 'the corpus has true findings');
  });

  it(`keeps precision at or above ${PRECISION_FLOOR * 100} %`, () => {
    const falses = runs.flatMap((r) => r.falsePositives.map((c) => `${r.folder} ${c.file}:${c.line} ${c.rule} (class ${c.class}): ${c.reason}`));
    assert.ok(precision(runs) >= PRECISION_FLOOR, `precision ${(precision(runs) * 100).toFixed(1)} %; false findings:\n${falses.join('\n')}`);
  });

  it('README.md shows the table of this run (npm run corpus:table --write regenerates it)', () => {
    assert.equal(tableInReadme(fs.readFileSync(README, 'utf8')), table(runs));
  });
});
