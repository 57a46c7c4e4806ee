/**
 * Template engine tags (core/model/templates.ts): the linear scanner finds exactly the tags the
 * plain definition gives (a regular expression, fine on small inputs and quadratic on hostile
 * ones), and stays linear where that definition is not.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { composeFormat } from '../server/src/core/formats/compose';
import { nginxFormat } from '../server/src/core/formats/nginx';
import { engineTags, maskTemplateTags } from '../server/src/core/model/templates';
import { extractIn, slice } from './helpers';
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

describe('templates read as their first branches would render them (maskTemplateTags)', () => {
  const mask = (text: string) => maskTemplateTags(text, (n) => '$' + '_'.repeat(n - 1)).text;

  it('blanks every later branch of a conditional or loop, outermost, keeping length and line breaks', () => {
    const text = '{% if a %}A{% if b %}B{% else %}C{% endif %}{% elif d %}D\n{% else %}E{% endif %}F{{ x }}';
    const out = mask(text);
    assert.equal(out.length, text.length);
    assert.equal(out.replace(/ +/g, ' '), ' A B \n F$______');
    assert.equal(out.split('\n').length, 2);
    const go = '{{ if .A }}a{{ else }}b{{ end }}{{ range .L }}r{{ end }}';
    assert.equal(mask(go).replace(/ +/g, ' '), ' a r ');
  });

  it('near miss: unbalanced tags mask nothing beyond their own text (an extra end, an unclosed block)', () => {
    assert.equal(mask('x{% endif %}y{% else %}z').replace(/ +/g, ' '), 'x y z');
    assert.equal(mask('{% if a %}x{% else %}y').replace(/ +/g, ' '), ' x y');
  });

  // Mailu/Mailu core/nginx/conf/nginx.conf: branches that each open a block used to leave the
  // braces unbalanced ("unexpected end of file") and hide every listener of the file.
  const branches = [
    'http {',
    '    {% if TLS_FLAVOR == "cert" %}',
    '    server {',
    '      listen 443 ssl;',
    '    {% else %}',
    '    server {',
    '      listen 80;',
    '    {% endif %}',
    '      location / { proxy_pass http://127.0.0.1:8080; }',
    '    }',
    '}',
    '',
  ].join('\n');

  it('an nginx template whose branches each open a server block parses: the first branch\'s listen is read', () => {
    const r = extractIn(nginxFormat, { '/ws/core/nginx/conf/nginx.conf': branches }, '/ws/core/nginx/conf/nginx.conf');
    assert.equal(r.failed, undefined);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.facts.map((f) => `${f.kind} ${slice(branches, f.location.span)}`), ['bind 443', 'reference 8080']);
  });

  it('near miss: the same braces without template tags are a real parse-error', () => {
    const plain = branches.replace(/ *\{%[^\n]*%\}\n/g, '');
    const r = extractIn(nginxFormat, { '/ws/core/nginx/conf/nginx.conf': plain }, '/ws/core/nginx/conf/nginx.conf');
    assert.deepEqual(r.findings.map((f) => f.rule), ['parse-error']);
  });

  // Mailu/Mailu setup/flavors/compose/docker-compose.yml: a Jinja template named like a compose
  // file gave 848 parse-errors; `{% set %}` on line 1 is no YAML.
  const compose = [
    "{% set env='mailu.env' %}",
    'services:',
    '  front:',
    '    image: ghcr.io/mailu/nginx:{{ version }}',
    '    env_file: {{ env }}',
    '    ports:',
    '    {% for port in (80, 443) %}',
    '      - "{{ bind4 }}:{{ port }}:{{ port }}"',
    '    {% endfor %}',
    '  db:',
    '    image: postgres:16',
    '    ports:',
    '      - "5432:5432"',
    '',
  ].join('\n');

  it('a compose template parses as rendered: no parse-error, tag-valued ports give no fact, literal ports keep their spans', () => {
    const r = extractIn(composeFormat, { '/ws/setup/docker-compose.yml': compose }, '/ws/setup/docker-compose.yml');
    assert.deepEqual(r.findings, []);
    const binds = r.facts.filter((f) => f.kind === 'bind').map((f) => slice(compose, f.location.span));
    assert.deepEqual(binds, ['5432']);
  });

  it('near miss: a YAML error that masking does not explain is still reported; a file without tags is never masked', () => {
    const broken = compose.replace('  db:', '  db: [');
    const r = extractIn(composeFormat, { '/ws/setup/docker-compose.yml': broken }, '/ws/setup/docker-compose.yml');
    assert.ok(r.findings.some((f) => f.rule === 'parse-error'));
    const label = 'services:\n  app:\n    image: app:1\n    labels:\n      tag: "{{.Name}}"\n    ports:\n      - "8080:80"\n';
    const plain = extractIn(composeFormat, { '/ws/docker-compose.yml': label }, '/ws/docker-compose.yml');
    assert.deepEqual(plain.findings, []);
    assert.deepEqual(plain.facts.filter((f) => f.kind === 'bind').map((f) => slice(label, f.location.span)), ['8080']);
  });
});
