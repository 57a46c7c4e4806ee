/**
 * The test corpus is self-contained: every upstream file test/corpus/PROVENANCE.md lists is in
 * the repository beside its upstream's LICENSE, nothing unlisted hides there, every seed is
 * listed in seeds/PROVENANCE.md, and no test or benchmark source reads a folder beside the
 * project root (`../shared`), which a clone elsewhere does not have.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS, CORPUS_UPSTREAMS, isCorpusPaperwork, ROOT, SEEDS, seedNames } from './helpers';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Folder (without the slash) and the files of each row of PROVENANCE.md's table, as the table names them. */
function provenanceRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of text.matchAll(/^\| ([\w-]+)\/ \| [\w-]+\/[\w.-]+ \| [0-9a-f]{40} \| ([^|]+) \|/gm)) rows.set(m[1]!, m[2]!);
  return rows;
}

/** Source lines that build a path to a `shared` folder beside the project root. */
function sharedPathUses(source: string): string[] {
  return source.split('\n').filter((line) => !/^\s*(\*|\/\/)/.test(line) && /(['"])\.\.\1\s*,\s*(['"])shared\2|['"`][^'"`]*\.\.\/shared\//.test(line));
}

describe('test corpus', () => {
  const rows = provenanceRows(fs.readFileSync(path.join(CORPUS, 'PROVENANCE.md'), 'utf8'));

  it('has one PROVENANCE row with a 40-digit commit and a LICENSE per upstream folder', () => {
    assert.deepEqual([...rows.keys()].sort(), [...CORPUS_UPSTREAMS].sort());
    for (const u of CORPUS_UPSTREAMS) assert.ok(fs.statSync(path.join(CORPUS, u, 'LICENSE')).size > 1000, `${u}/LICENSE`);
  });

  it('holds exactly the files PROVENANCE lists (by base name), no more', () => {
    for (const u of CORPUS_UPSTREAMS) {
      const listed = rows.get(u)!;
      for (const f of walk(path.join(CORPUS, u)).filter((x) => !isCorpusPaperwork(x))) {
        const rel = path.relative(path.join(CORPUS, u), f).split(path.sep).join('/');
        assert.ok(listed.includes(path.basename(rel)), `${u}/${rel} is not listed in PROVENANCE.md`);
      }
    }
    // Near miss: a file that is not in the table is caught.
    assert.ok(!rows.get('rtcd')!.includes('docker-compose.yml'));
  });

  it('lists every seed in seeds/PROVENANCE.md, and there are five', () => {
    const listed = fs.readFileSync(path.join(SEEDS, 'PROVENANCE.md'), 'utf8');
    assert.equal(seedNames().length, 5);
    for (const n of seedNames()) assert.ok(listed.includes(`| ${n} |`), n);
  });

  it('no test or benchmark source reads ../shared', () => {
    const sources = [...walk(path.join(ROOT, 'test')), ...walk(path.join(ROOT, 'bench'))].filter((f) => f.endsWith('.ts') && f !== path.join(ROOT, 'test', 'corpus.test.ts'));
    assert.ok(sources.length > 20);
    const bad = sources.flatMap((f) => sharedPathUses(fs.readFileSync(f, 'utf8')).map((l) => `${path.relative(ROOT, f)}: ${l.trim()}`));
    assert.deepEqual(bad, []);
    // This file is left out of the scan for the examples below: the forms the check must catch, and a compose volume it must not.
    assert.equal(sharedPathUses("const SEEDS = path.resolve(ROOT, '..', 'shared', 'seeds');").length, 1);
    assert.equal(sharedPathUses("export const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');").length, 1);
    assert.equal(sharedPathUses("const c = path.join(__dirname, '../shared/corpus');").length, 1);
    assert.equal(sharedPathUses("        '        source: ../shared',").length, 0);
  });
});
