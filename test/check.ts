/**
 * Data-driven checks over fixtures (./fixture.ts): index the fixture's files in memory with the
 * real WorkspaceIndex, run the real rules or quick fixes, and compare with the annotations.
 * Test-only code. On a mismatch each check throws an AssertionError whose `actual` and
 * `expected` are the fixture as written and as it would have to be, so mocha shows a diff.
 *
 * - {@link checkDiagnostics}: the diagnostics are exactly the annotations (`RULE [SEVERITY][: MESSAGE]`).
 * - {@link checkFacts}: the port facts are exactly the annotations (`KIND [WORD | KEY=VALUE]...`).
 * - {@link checkFix} / {@link checkNoFix}: the quick fix for one diagnostic turns the files
 *   into the expected ones byte for byte, or no fix is offered.
 */
import * as assert from 'node:assert/strict';
import { fixAll, quickFixes, type FixContext, type QuickFix } from '../server/src/core/features/edits/fixes';
import { indexReanalyzer, verifyEdits } from '../server/src/core/features/edits/recheck';
import { applyAll } from '../server/src/core/features/edits/text';
import { WorkspaceIndex, type HostMapping, type IndexOptions, type Snapshot } from '../server/src/core/index/workspace';
import type { PortFact, RuleId } from '../server/src/core/model/facts';
import { runRules, type PortDiagnostic, type RuleSettings } from '../server/src/core/rules/index';
import {
  FIXTURE_ROOT,
  FixtureError,
  fixturePath,
  matchAll,
  messageMatches,
  parseDiagnosticExpectation,
  parseFactExpectation,
  parseFixture,
  renderFixture,
  type Annotation,
  type DiagnosticExpectation,
  type FactExpectation,
  type Mark,
} from './fixture';
import { factFields } from './render';

/** Options of the checks. */
export interface CheckOptions {
  /** Host map of the workspace folder `/ws` (globs relative to it). */
  hostMap?: HostMapping[];
  /** Rule severities, as the `portolan.rules` setting. */
  settings?: RuleSettings;
  /** {@link checkDiagnostics} only: compare only these rules' diagnostics (default: every rule). */
  only?: readonly RuleId[];
  /**
   * Re-use this index (from an earlier check) instead of a fresh one, as an editor session does:
   * the fixture's texts are set into it and files it does not list are removed, so a check after
   * an edit exercises the index's incremental update. Its roots and host map stay as they are.
   */
  index?: WorkspaceIndex;
}

/** The analysed fixture a check returns, for assertions the annotations cannot express. */
export interface Checked {
  /** The fixture's files without annotation lines (absolute path to text). */
  files: Record<string, string>;
  index: WorkspaceIndex;
  snap: Snapshot;
  /** Every diagnostic (also those `only` left out), sorted as runRules sorts them. */
  diagnostics: PortDiagnostic[];
  /** Diagnostics of one rule, in order. */
  byRule(id: RuleId): PortDiagnostic[];
}

function indexOptions(opts: CheckOptions): IndexOptions {
  const roots = [{ path: FIXTURE_ROOT, name: FIXTURE_ROOT.slice(1) }];
  return opts.hostMap ? { roots, hostMap: opts.hostMap } : { roots };
}

function analyse(files: Record<string, string>, opts: CheckOptions): Checked {
  const index = opts.index ?? new WorkspaceIndex(indexOptions(opts));
  for (const p of [...index.paths()]) if (!(p in files)) index.remove(p);
  for (const [p, t] of Object.entries(files)) index.setText(p, t);
  const snap = index.snapshot();
  const diagnostics = runRules(snap, opts.settings ?? {}, (rule, e) => {
    throw new Error(`rule ${rule} threw: ${(e as Error).stack ?? String(e)}`);
  });
  return { files, index, snap, diagnostics, byRule: (id) => diagnostics.filter((d) => d.rule === id) };
}

const sameSpan = (a: Annotation, file: string, span: { start: number; end: number }) => a.file === file && a.span.start === span.start && a.span.end === span.end;

/**
 * Compares annotations with actual items; throws an AssertionError showing both fixtures when
 * some annotation has no item or some item no annotation.
 */
function compare<E, A>(
  what: string,
  files: Record<string, string>,
  annotations: readonly Annotation[],
  expected: readonly E[],
  actual: readonly A[],
  locate: (a: A) => { file: string; span: { start: number; end: number } },
  fits: (e: E, a: A) => boolean,
  describeActual: (a: A) => string,
): void {
  const pairs = matchAll(
    expected.map((e, i) => ({ e, ann: annotations[i]! })),
    actual,
    ({ e, ann }, a) => {
      const at = locate(a);
      return sameSpan(ann, at.file, at.span) && fits(e, a);
    },
  );
  const matched = new Set(pairs.filter((j) => j >= 0));
  if (matched.size === actual.length && pairs.every((j) => j >= 0)) return;
  const expectedMarks: Mark[] = annotations.map((a) => ({ file: a.file, span: a.span, text: a.text }));
  const actualMarks: Mark[] = [];
  pairs.forEach((j, i) => {
    if (j >= 0) actualMarks.push({ ...locate(actual[j]!), text: annotations[i]!.text });
  });
  const extra = actual.filter((_, j) => !matched.has(j));
  for (const a of extra) actualMarks.push({ ...locate(a), text: describeActual(a) });
  const missing = annotations.filter((_, i) => pairs[i]! < 0);
  const lines = [
    `${what} differ from the annotations`,
    ...missing.map((a) => `  no ${what.replace(/s$/, '')} for the annotation at fixture line ${a.sourceLine}: ${a.text}`),
    ...extra.map((a) => `  not annotated: ${locate(a).file} ${describeActual(a)}`),
  ];
  throw new assert.AssertionError({ message: lines.join('\n'), actual: renderFixture(files, actualMarks), expected: renderFixture(files, expectedMarks), operator: what });
}

const fitsDiagnostic = (e: DiagnosticExpectation, d: PortDiagnostic) =>
  e.rule === d.rule && (e.severity === undefined || e.severity === d.severity) && (e.message === undefined || messageMatches(e.message, d.message));

/**
 * Indexes the fixture's files under `/ws`, runs every rule, and asserts that the diagnostics are
 * exactly the annotations: each annotation (`RULE [SEVERITY][: MESSAGE]`, see
 * `parseDiagnosticExpectation`) matches one diagnostic on exactly its span, and each diagnostic
 * is annotated. With `only`, diagnostics of other rules are ignored. Throws FixtureError for a
 * malformed fixture, AssertionError when they differ; returns the analysis otherwise.
 */
export function checkDiagnostics(fixture: string, opts: CheckOptions = {}): Checked {
  const { files, annotations } = parseFixture(fixture);
  const expected = annotations.map((a) => parseDiagnosticExpectation(a.text));
  const only = opts.only;
  if (only) for (const e of expected) if (!only.includes(e.rule)) throw new FixtureError(`annotation of ${e.rule}, but only ${only.join(', ')} are checked`);
  const result = analyse(files, opts);
  const actual = only ? result.diagnostics.filter((d) => only.includes(d.rule)) : result.diagnostics;
  compare('diagnostics', files, annotations, expected, actual, (d) => d.location, fitsDiagnostic, (d) => `${d.rule} ${d.severity}: ${d.message}`);
  return result;
}

/** A fact annotation that matches `f` exactly: its kind, protocol, ports and every other field. */
function factAnnotation(f: PortFact, files: Record<string, string>): string {
  const fields = new Map(factFields(f, files));
  const words = [f.kind, f.protocol, fields.get('ports')!];
  for (const [k, v] of fields) {
    if (k === 'kind' || k === 'protocol' || k === 'ports' || k === 'text') continue;
    words.push(`${k}=${v === '' || /[\s"]/.test(v) ? JSON.stringify(v) : v}`);
  }
  return words.join(' ');
}

function fitsFact(files: Record<string, string>): (e: FactExpectation, f: PortFact) => boolean {
  return (e, f) => {
    const fields = new Map(factFields(f, files));
    for (const [k, v] of e) if (fields.get(k) !== v) return false;
    return true;
  };
}

/**
 * Indexes the fixture's files under `/ws` and asserts that the snapshot's port facts are exactly
 * the annotations: each annotation (`KIND [WORD | KEY=VALUE]...`, see `parseFactExpectation`)
 * matches one fact whose `location` is exactly its span, and each fact is annotated. Throws
 * FixtureError for a malformed fixture, AssertionError when they differ.
 */
export function checkFacts(fixture: string, opts: Omit<CheckOptions, 'only'> = {}): Checked {
  const { files, annotations } = parseFixture(fixture);
  const expected = annotations.map((a) => parseFactExpectation(a.text));
  const result = analyse(files, opts);
  compare('facts', files, annotations, expected, result.snap.facts, (f) => f.location, fitsFact(files), (f) => factAnnotation(f, files));
  return result;
}

/** Options of the fix checks: a host map and rule settings (always a fresh index). */
export type FixOptions = Omit<CheckOptions, 'only' | 'index'>;

/** Which diagnostic and which of its fixes {@link checkFix} applies. */
export interface FixChoice {
  /** The diagnostic's rule. */
  rule?: RuleId;
  /** The diagnostic's file: absolute, or a fixture path (`/etc/x` is `/ws/etc/x`). */
  file?: string;
  /** The source text the diagnostic covers. */
  text?: string;
  /** The fix's title; `...` stands for any characters. Needed when several fixes are offered. */
  title?: string;
}

function choiceOf(which: RuleId | FixChoice | undefined): FixChoice {
  return typeof which === 'string' ? { rule: which } : (which ?? {});
}

function filesOf(src: string | Record<string, string>): { files: Record<string, string>; annotations: Annotation[] } {
  return typeof src === 'string' ? parseFixture(src) : { files: { ...src }, annotations: [] };
}

/** The fix context of in-memory files, as the language server builds it. */
export function fixContext(files: Record<string, string>, opts: FixOptions = {}): FixContext & { checked: Checked } {
  const checked = analyse(files, opts);
  return { checked, snap: checked.snap, textOf: (f) => checked.index.textOf(f), before: checked.diagnostics, reanalyze: indexReanalyzer(checked.index, indexOptions(opts), opts.settings ?? {}) };
}

/** The one diagnostic selected by the fixture's annotation (at most one) and `choice`; asserts there is exactly one. */
function selectDiagnostic(ctx: FixContext & { checked: Checked }, annotations: readonly Annotation[], choice: FixChoice): PortDiagnostic {
  if (annotations.length > 1) throw new FixtureError(`a fix fixture marks at most one diagnostic, found ${annotations.length} annotations`);
  const ann = annotations[0];
  const e = ann && parseDiagnosticExpectation(ann.text);
  const file = choice.file === undefined ? undefined : choice.file.startsWith(`${FIXTURE_ROOT}/`) ? choice.file : fixturePath(choice.file);
  const files = ctx.checked.files;
  const found = ctx.before.filter(
    (d) =>
      (!ann || (sameSpan(ann, d.location.file, d.location.span) && fitsDiagnostic(e!, d))) &&
      (choice.rule === undefined || d.rule === choice.rule) &&
      (file === undefined || d.location.file === file) &&
      (choice.text === undefined || files[d.location.file]!.slice(d.location.span.start, d.location.span.end) === choice.text),
  );
  if (found.length !== 1) {
    const all = renderFixture(files, ctx.before.map((d) => ({ ...d.location, text: `${d.rule} ${d.severity}: ${d.message}` })));
    assert.fail(`expected exactly one diagnostic to fix, found ${found.length}; the diagnostics are:\n${all}`);
  }
  return found[0]!;
}

/** What {@link checkFix} returns. */
export interface FixResult {
  /** Every fix offered for the diagnostic. */
  fixes: QuickFix[];
  /** The fix applied. */
  fix: QuickFix;
  /** All files after the fix. */
  files: Record<string, string>;
}

/** Asserts `out` equals `after` for every file `after` names, and `before` for every other file. */
function assertFiles(before: Record<string, string>, after: Record<string, string>, out: Record<string, string>): void {
  for (const f of Object.keys(after)) if (!(f in before)) throw new FixtureError(`the expected files name ${f}, which is not in the workspace`);
  const names = Object.keys(out).filter((f) => f in after || out[f] !== before[f]);
  const actual = Object.fromEntries(names.map((f) => [f, out[f]]));
  const expected = Object.fromEntries(names.map((f) => [f, after[f] ?? before[f]]));
  assert.deepEqual(actual, expected, 'files after the fix (files the expectation does not name must stay unchanged)');
}

/**
 * Applies one quick fix (features/edits/fixes.ts) and compares the files byte for byte.
 *
 * - `before`: a fixture, or a map of absolute path to text. A fixture may mark the diagnostic to
 *   fix with one diagnostic annotation (`^^^^ RULE [SEVERITY][: MESSAGE]`); `which` narrows
 *   further (a rule id, or rule, file, covered text and fix title). Exactly one diagnostic must
 *   be selected, and exactly one fix unless `which.title` picks one.
 * - `after`: a fixture without annotations, or a map. Files it names must equal the result
 *   byte for byte; every other file must be unchanged.
 *
 * Also asserts the re-check verdict: the fix causes no problem and its own problem is gone.
 */
export function checkFix(before: string | Record<string, string>, after: string | Record<string, string>, which?: RuleId | FixChoice, opts: FixOptions = {}): FixResult {
  const { files, annotations } = filesOf(before);
  const expected = filesOf(after);
  if (expected.annotations.length > 0) throw new FixtureError('the expected fixture of checkFix takes no annotations');
  const choice = choiceOf(which);
  const ctx = fixContext(files, opts);
  const d = selectDiagnostic(ctx, annotations, choice);
  const fixes = quickFixes(ctx, d);
  const chosen = choice.title === undefined ? fixes : fixes.filter((f) => messageMatches(choice.title!, f.title));
  assert.equal(chosen.length, 1, `expected one fix${choice.title ? ` titled "${choice.title}"` : ''} for ${d.rule} "${d.message}", offered: ${JSON.stringify(fixes.map((f) => f.title))}`);
  const fix = chosen[0]!;
  const verdict = verifyEdits(ctx.before, fix.edits, (f) => files[f], ctx.reanalyze);
  assert.deepEqual(verdict.caused.map((x) => `${x.rule}: ${x.message}`), [], 'problems the fix caused');
  assert.ok(verdict.resolved.some((r) => r.rule === d.rule && r.location.file === d.location.file && r.location.span.start === d.location.span.start), 'the fixed problem is gone');
  const out = { ...files, ...Object.fromEntries(applyAll(fix.edits, (f) => files[f])) };
  assertFiles(files, expected.files, out);
  return { fixes, fix, files: out };
}

/**
 * Asserts that the one diagnostic `before` and `which` select (as in {@link checkFix}) gets no
 * quick fix, or with `which.title` none of that title. Returns the diagnostic.
 */
export function checkNoFix(before: string | Record<string, string>, which?: RuleId | FixChoice, opts: FixOptions = {}): PortDiagnostic {
  const { files, annotations } = filesOf(before);
  const choice = choiceOf(which);
  const ctx = fixContext(files, opts);
  const d = selectDiagnostic(ctx, annotations, choice);
  const fixes = quickFixes(ctx, d).filter((f) => choice.title === undefined || messageMatches(choice.title, f.title));
  assert.deepEqual(fixes.map((f) => f.title), [], `no fix expected for ${d.rule} "${d.message}"`);
  return d;
}

/**
 * Applies fix-all for `file` (optionally one rule) and compares the files as {@link checkFix}
 * does. Returns the diagnostics it fixed.
 *
 * A `before` fixture may annotate diagnostics (`^^^^ RULE [SEVERITY][: MESSAGE]`): then the
 * diagnostics fix-all fixed must be exactly the annotated ones, matched as
 * {@link checkDiagnostics} matches them, so the fixture shows which squiggles go away. Without
 * annotations which ones were fixed is not checked (look at the returned list).
 */
export function checkFixAll(before: string | Record<string, string>, after: string | Record<string, string>, file: string, rule?: RuleId, opts: FixOptions = {}): PortDiagnostic[] {
  const { files, annotations } = filesOf(before);
  const expected = filesOf(after);
  if (expected.annotations.length > 0) throw new FixtureError('the expected fixture of checkFixAll takes no annotations');
  const ctx = fixContext(files, opts);
  const abs = file.startsWith(`${FIXTURE_ROOT}/`) ? file : fixturePath(file);
  const { edits, fixed } = fixAll(ctx, abs, rule);
  if (annotations.length > 0) {
    const wanted = annotations.map((a) => parseDiagnosticExpectation(a.text));
    compare('fixed diagnostics', files, annotations, wanted, fixed, (d) => d.location, fitsDiagnostic, (d) => `${d.rule} ${d.severity}: ${d.message}`);
  }
  assert.deepEqual(verifyEdits(ctx.before, edits, (f) => files[f], ctx.reanalyze).caused.map((x) => `${x.rule}: ${x.message}`), [], 'problems fix-all caused');
  assertFiles(files, expected.files, { ...files, ...Object.fromEntries(applyAll(edits, (f) => files[f])) });
  return fixed;
}
