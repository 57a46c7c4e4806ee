/**
 * The output bounds of runRules (core/rules/limits.ts) and the YAML guards of compose/syntax.ts:
 * each bound fires just past its limit and stays silent at it.
 */
import * as assert from 'node:assert/strict';
import { parseComposeYaml, MAX_YAML_DEPTH, MAX_YAML_ERRORS, yamlTooDeep } from '../server/src/core/formats/compose/syntax';
import { boundDiagnostics, boundedText, MAX_DIAGNOSTICS_PER_RULE, MAX_MESSAGE_LENGTH, MAX_RELATED } from '../server/src/core/rules/limits';
import type { PortDiagnostic } from '../server/src/core/rules';

function diag(file: string, at: number, extra: Partial<PortDiagnostic> = {}): PortDiagnostic {
  return { rule: 'parse-error', severity: 'error', location: { file, span: { start: at, end: at + 1 } }, message: `error at ${at}`, related: [], ...extra };
}

describe('output bounds', () => {
  it('keeps the first MAX_DIAGNOSTICS_PER_RULE per file and rule, then one summary at the first dropped one', () => {
    const list = Array.from({ length: MAX_DIAGNOSTICS_PER_RULE + 5 }, (_, i) => diag('/ws/a.yml', i));
    const out = boundDiagnostics(list);
    assert.equal(out.length, MAX_DIAGNOSTICS_PER_RULE + 1);
    assert.equal(out[MAX_DIAGNOSTICS_PER_RULE]!.location.span.start, MAX_DIAGNOSTICS_PER_RULE);
    assert.match(out[MAX_DIAGNOSTICS_PER_RULE]!.message, /^… and 5 more parse-error diagnostics in this file/);
  });

  it('near miss: exactly MAX_DIAGNOSTICS_PER_RULE, or the same count spread over two files, is kept whole', () => {
    const list = Array.from({ length: MAX_DIAGNOSTICS_PER_RULE }, (_, i) => diag('/ws/a.yml', i));
    assert.deepEqual(boundDiagnostics(list), list);
    const two = [...list, ...list.map((d) => ({ ...d, location: { ...d.location, file: '/ws/b.yml' } }))];
    assert.equal(boundDiagnostics(two).length, 2 * MAX_DIAGNOSTICS_PER_RULE);
  });

  it('cuts long messages and related lists, and leaves short ones alone', () => {
    const related = Array.from({ length: MAX_RELATED + 3 }, (_, i) => ({ location: { file: '/ws/b', span: { start: i, end: i } }, message: `r${i}` }));
    const [d] = boundDiagnostics([diag('/ws/a', 0, { message: 'x'.repeat(MAX_MESSAGE_LENGTH + 1), related })]);
    assert.equal(d!.message.length, MAX_MESSAGE_LENGTH);
    assert.ok(d!.message.endsWith('…'));
    assert.equal(d!.related.length, MAX_RELATED);
    assert.match(d!.related[MAX_RELATED - 1]!.message, /and 3 more related locations not listed/);
    const short = diag('/ws/a', 0, { message: 'x'.repeat(MAX_MESSAGE_LENGTH), related: related.slice(0, MAX_RELATED) });
    assert.equal(boundDiagnostics([short])[0], short);
    assert.equal(boundedText('😀'.repeat(MAX_MESSAGE_LENGTH)).length <= MAX_MESSAGE_LENGTH, true);
  });
});

describe('compose YAML guards', () => {
  const nested = (n: number) => `services:\n  a:\n    x: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  it('refuses nesting deeper than MAX_YAML_DEPTH with one parse error, before yaml parses it', () => {
    const r = parseComposeYaml(nested(MAX_YAML_DEPTH));
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.message, /nested too deeply/);
  });

  it('near miss: nesting well within the limit, brackets in quotes, comments and block scalars are read', () => {
    assert.ok(parseComposeYaml(nested(MAX_YAML_DEPTH - 10)).value);
    const quoted = `services:\n  a:\n    x: "${'['.repeat(500)}"\n    # ${'{'.repeat(500)}\n    command: |\n      ${'{'.repeat(500)}\n`;
    assert.equal(yamlTooDeep(quoted), undefined);
    assert.ok(parseComposeYaml(quoted).value);
  });

  it('builds at most MAX_YAML_ERRORS errors and counts the rest in one', () => {
    const r = parseComposeYaml(`services:\n  a:\n    ports: ${'"'.repeat(1000)}\n`);
    assert.equal(r.errors.length, MAX_YAML_ERRORS + 1);
    assert.match(r.errors[MAX_YAML_ERRORS]!.message, /^… and \d+ more YAML errors/);
    const few = parseComposeYaml('services:\n  a:\n    ports: """"\n');
    assert.ok(few.errors.length > 0 && few.errors.length <= MAX_YAML_ERRORS && !few.errors.some((e) => e.message.startsWith('…')));
  });

  it('reads no further than the parser\'s first MAX_YAML_ERRORS error tokens: the rest of 200,000 stray "}" is not lexed', () => {
    const r = parseComposeYaml(`services:\n  a:\n    image: x\n${'}'.repeat(200_000)}\n`);
    assert.equal(r.errors.length, MAX_YAML_ERRORS + 1);
    assert.match(r.errors[MAX_YAML_ERRORS]!.message, /^… and more YAML errors \(Portolan reads a file no further than its first \d+\)/);
    assert.match(r.errors[0]!.message, /flow-map-end/);
    // Near miss: a few stray braces are each reported, with no summary.
    const few = parseComposeYaml(`services:\n  a:\n    image: x\n${'}'.repeat(3)}\n`);
    assert.ok(few.errors.length > 0 && few.errors.length <= 6 && !few.errors.some((e) => e.message.startsWith('…')));
  });
});
