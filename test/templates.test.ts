/**
 * Template engine tags (core/model/templates.ts): the linear scanner finds exactly the tags the
 * plain definition gives (a regular expression, fine on small inputs and quadratic on hostile
 * ones), and stays linear where that definition is not.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { engineTags } from '../server/src/core/model/templates';
import { fcParams, SEED_LABEL } from './property';

/** The definition: `{{ }}`/`{% %}` with a body of at most 4,000 characters, `{# #}` on one line, leftmost first, shortest body. */
const DEFINITION = /\{\{[\s\S]{0,4000}?\}\}|\{%[\s\S]{0,4000}?%\}|\{#[^\n]{0,4000}?#\}/g;

function byDefinition(text: string): { start: number; end: number; comment: boolean; alone: boolean }[] {
  const found = [...text.matchAll(DEFINITION)].map((m) => ({ start: m.index, end: m.index + m[0].length, comment: m[0].startsWith('{#') }));
  const rest = [...text].map((c, i) => (c !== '\n' && found.some((t) => t.start <= i && i < t.end) ? ' ' : c)).join('');
  const lineBlank = (at: number) => {
    const from = rest.lastIndexOf('\n', at - 1) + 1;
    const nl = rest.indexOf('\n', at);
    return rest.slice(from, nl < 0 ? rest.length : nl).trim() === '';
  };
  return found.map((t) => ({ ...t, alone: lineBlank(t.start) && lineBlank(Math.max(t.start, t.end - 1)) }));
}

describe(`template engine tags (${SEED_LABEL})`, () => {
  it('finds the tags the definition gives, with the same "alone on its lines" verdict', () => {
    const text = fc.string({ unit: fc.constantFrom('{', '}', '%', '#', '\n', ' ', 'x', '$'), maxLength: 60 });
    fc.assert(
      fc.property(text, (t) => {
        assert.deepEqual(engineTags(t).map(({ start, end, comment, alone }) => ({ start, end, comment, alone })), byDefinition(t));
      }),
      fcParams(3000),
    );
  });

  it('keeps the examples: a Go action alone on its line is silent, a value tag is not, an unclosed one is no tag', () => {
    const text = '{{ if .Env.X }}\nlisten {{ .Env.PORT }};\n{{ end }}\n{# note #}\nlisten {{ 80;\n';
    assert.deepEqual(engineTags(text).map((t) => [text.slice(t.start, t.end), t.alone, t.silent]), [
      ['{{ if .Env.X }}', true, true],
      ['{{ .Env.PORT }}', false, false],
      ['{{ end }}', true, true],
      ['{# note #}', true, true],
    ]);
  });

  it('is linear on hostile input: 100,000 tags on one line and 200,000 unclosed openings', () => {
    // Each took far longer than the test timeout before the scanner (100,000 tags: 108 s).
    assert.equal(engineTags('{{x}} '.repeat(100_000)).length, 100_000);
    assert.equal(engineTags('{{ '.repeat(200_000)).length, 0);
    assert.equal(engineTags('{# '.repeat(100_000) + '\n#}').length, 0);
  });
});
