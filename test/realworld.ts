/**
 * The real-world corpus (test/corpus/realworld/): each folder opened as a user opens a repository,
 * one folder at a time with default settings (`portolan check <folder> --format json`, run in
 * process), and its errors and warnings matched against classification.json.
 *
 * Used by test/realworld.test.ts (precision and recall) and by `npm run corpus:table`, which
 * rewrites the table in test/corpus/realworld/README.md from one run. `node out/test/realworld.js --list`
 * also lists every false finding still reported, with its class and reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../server/src/cli/main';
import type { DiagnosticRow } from '../server/src/cli/main';
import { CORPUS } from './helpers';

export const REALWORLD = path.join(CORPUS, 'realworld');
export const CLASSIFICATION = path.join(REALWORLD, 'classification.json');
export const README = path.join(REALWORLD, 'README.md');

/** One classified finding, keyed by file, line, column and rule (the corpus files never change). */
export interface Classified {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
  verdict: 'true' | 'false';
  /** For a false finding: the class of issue "What really runs together" that explains it (1-7). */
  class?: number;
  reason: string;
}

/** classification.json: classified findings by corpus folder. */
export type Classification = Record<string, Classified[]>;

/** The outcome of one folder. */
export interface FolderRun {
  folder: string;
  /** Errors and warnings reported now. */
  reported: DiagnosticRow[];
  /** Reported findings classified true / false. */
  truePositives: Classified[];
  falsePositives: Classified[];
  /** Reported findings not in classification.json. */
  unclassified: DiagnosticRow[];
  /** Classified-true findings no longer reported. */
  lostTrue: Classified[];
}

const keyOf = (x: { file: string; line: number; column: number; rule: string }) => `${x.file}:${x.line}:${x.column}:${x.rule}`;

export function readClassification(): Classification {
  return JSON.parse(fs.readFileSync(CLASSIFICATION, 'utf8')) as Classification;
}

/** The corpus folders (one per repository). */
export function folders(): string[] {
  return fs.readdirSync(REALWORLD, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Runs `check --format json` on one folder in process. Rejects when the CLI fails. */
export async function checkFolder(folder: string): Promise<DiagnosticRow[]> {
  let out = '';
  let err = '';
  const code = await main(['check', path.join(REALWORLD, folder), '--format', 'json'], { out: (s) => (out += s), err: (s) => (err += s) });
  if (code !== 0 && code !== 1) throw new Error(`check ${folder} exited ${code}: ${err}`);
  return (JSON.parse(out) as { diagnostics: DiagnosticRow[] }).diagnostics;
}

/** Runs one folder and matches its errors and warnings with the classification. */
export async function runFolder(folder: string, classified: readonly Classified[]): Promise<FolderRun> {
  const reported = (await checkFolder(folder)).filter((d) => d.severity === 'error' || d.severity === 'warning');
  const byKey = new Map(classified.map((c) => [keyOf(c), c]));
  const seen = new Set<string>();
  const run: FolderRun = { folder, reported, truePositives: [], falsePositives: [], unclassified: [], lostTrue: [] };
  for (const d of reported) {
    const c = byKey.get(keyOf(d));
    seen.add(keyOf(d));
    if (!c) run.unclassified.push(d);
    else (c.verdict === 'true' ? run.truePositives : run.falsePositives).push(c);
  }
  run.lostTrue = classified.filter((c) => c.verdict === 'true' && !seen.has(keyOf(c)));
  return run;
}

export async function runAll(): Promise<FolderRun[]> {
  const cls = readClassification();
  const out: FolderRun[] = [];
  for (const f of folders()) out.push(await runFolder(f, cls[f] ?? []));
  return out;
}

/** Precision over all folders: reported true / reported (1 when nothing is reported). */
export function precision(runs: readonly FolderRun[]): number {
  const reported = runs.reduce((n, r) => n + r.reported.length, 0);
  const truePositives = runs.reduce((n, r) => n + r.truePositives.length, 0);
  return reported === 0 ? 1 : truePositives / reported;
}

/** The Markdown table of README.md's "Today" section (repository, errors, warnings, true, false). */
export function table(runs: readonly FolderRun[]): string {
  const rows = ['| repository | errors | warnings | true | false |', '|---|---:|---:|---:|---:|'];
  let [e, w, t, f] = [0, 0, 0, 0];
  for (const r of runs) {
    const errors = r.reported.filter((d) => d.severity === 'error').length;
    const warnings = r.reported.length - errors;
    rows.push(`| ${r.folder.replace('__', '/')} | ${errors} | ${warnings} | ${r.truePositives.length} | ${r.falsePositives.length + r.unclassified.length} |`);
    [e, w, t, f] = [e + errors, w + warnings, t + r.truePositives.length, f + r.falsePositives.length + r.unclassified.length];
  }
  rows.push(`| **total** (${runs.length} repositories) | **${e}** | **${w}** | **${t}** | **${f}** |`);
  const p = precision(runs);
  return `${rows.join('\n')}\n\nPrecision: ${t} of ${e + w} errors and warnings are true (${(p * 100).toFixed(1)} %).\n`;
}

const BEGIN = '<!-- table: generated by `npm run corpus:table` -->';
const END = '<!-- end of table -->';

/** README.md with its generated table replaced by `generated`. Throws when the markers are missing. */
export function withTable(readme: string, generated: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the markers ${BEGIN} ... ${END}`);
  return `${readme.slice(0, a + BEGIN.length)}\n${generated}${readme.slice(b)}`;
}

/** The generated table as README.md holds it now (between the markers). */
export function tableInReadme(readme: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? '' : readme.slice(a + BEGIN.length + 1, b);
}

if (require.main === module) {
  void runAll().then((runs) => {
    const generated = table(runs);
    if (process.argv.includes('--write')) fs.writeFileSync(README, withTable(fs.readFileSync(README, 'utf8'), generated));
    process.stdout.write(generated);
    for (const r of runs) for (const d of r.unclassified) process.stdout.write(`unclassified: ${r.folder} ${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}: ${d.message}\n`);
    for (const r of runs) for (const c of r.lostTrue) process.stdout.write(`true finding lost: ${r.folder} ${c.file}:${c.line} ${c.rule}\n`);
    if (process.argv.includes('--list')) {
      for (const r of runs) for (const c of r.falsePositives) process.stdout.write(`false (class ${c.class ?? '?'}): ${r.folder} ${c.file}:${c.line}:${c.column} ${c.rule}: ${c.message}\n  why: ${c.reason}\n`);
    }
  });
}
