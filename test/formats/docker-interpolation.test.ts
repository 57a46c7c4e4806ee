import * as assert from 'node:assert/strict';
import { interpolate, UNSET_MARK, type EnvLookup } from '../../server/src/core/formats/docker/interpolation';
import { parseDotenv } from '../../server/src/core/formats/dotenv';
import { slice } from '../helpers';

describe('compose interpolation', () => {
  describe('interpolate', () => {
    const envText = 'HTTP_PORT=8000\nEMPTY=\n';
    const vars = parseDotenv('/ws/.env', envText);
    const lookup: EnvLookup = (n) => vars.find((a) => a.name === n);
    const src = (s: string) => ({ value: s, offsets: Array.from(s, (_, i) => 100 + i) });

    it('substitutes ${VAR} and $VAR from the lookup, recording the env-file location', () => {
      const r = interpolate(src('${HTTP_PORT}:80 $HTTP_PORT'), '/ws/c.yml', lookup);
      assert.equal(r.value, '8000:80 8000');
      assert.equal(r.subs.length, 2);
      assert.equal(r.subs[0]!.source, 'env-file');
      assert.equal(r.subs[0]!.expression, '${HTTP_PORT}');
      assert.deepEqual(r.subs[0]!.span, { start: 100, end: 112 });
      assert.equal(slice(envText, r.subs[0]!.location!.span), '8000');
      assert.equal(r.origins[0]!.file, '/ws/.env');
      assert.equal(r.origins[0]!.start, 100);
      assert.equal(r.origins[0]!.end, 112);
    });

    it('applies :- and - defaults, :+ alternatives and $$ escapes', () => {
      const v = (s: string) => interpolate(src(s), '/f', lookup).value;
      assert.equal(v('${NOPE:-10000}'), '10000');
      assert.equal(v('${EMPTY:-d}'), 'd');
      assert.equal(v('${EMPTY-d}'), '');
      assert.equal(v('${NOPE-d}'), 'd');
      assert.equal(v('${HTTP_PORT:+set}'), 'set');
      assert.equal(v('${NOPE:+set}'), '');
      assert.equal(v('$$HTTP_PORT'), '$HTTP_PORT');
      assert.equal(v('${NOPE:-${HTTP_PORT}}'), '8000');
      assert.equal(v('cost $5'), 'cost $5');
    });

    it('marks the default text as the value location for expression defaults', () => {
      const r = interpolate(src('${JVB_PORT:-10000}'), '/f', lookup);
      assert.equal(r.subs[0]!.source, 'expression-default');
      assert.deepEqual(r.subs[0]!.location, { file: '/f', span: { start: 112, end: 117 } });
      assert.equal(r.origins[0]!.offset, 112);
    });

    it('yields the unset marker (or nothing) for unset variables and reports :? errors', () => {
      const r = interpolate(src('${NOPE}:80'), '/f', lookup, UNSET_MARK);
      assert.equal(r.value, `${UNSET_MARK}:80`);
      assert.equal(r.subs[0]!.source, 'unset');
      assert.equal(interpolate(src('${NOPE}:80'), '/f', lookup).value, ':80');
      const e = interpolate(src('${NOPE:?must be set}'), '/f', lookup);
      assert.equal(e.errors.length, 1);
      assert.match(e.errors[0]!.message, /NOPE is not set: must be set/);
      const u = interpolate(src('${OPEN'), '/f', lookup);
      assert.equal(u.value, '${OPEN');
      assert.equal(u.errors.length, 1);
    });

    it('keeps invalid references as written and reports them; ${VAR?err} errs only when unset', () => {
      const bad = interpolate(src('${1}:80'), '/f', lookup);
      assert.equal(bad.value, '${1}:80');
      assert.match(bad.errors[0]!.message, /invalid variable reference "\$\{1\}"/);
      assert.deepEqual(bad.errors[0]!.span, { start: 100, end: 104 });
      assert.deepEqual(interpolate(src('${EMPTY?x}'), '/f', lookup).errors, [], 'set but empty is enough for ?');
      assert.equal(interpolate(src('${EMPTY:?x}'), '/f', lookup).errors.length, 1, 'but not for :?');
    });

    it('gives nested defaults the span of the outer expression', () => {
      const r = interpolate(src('${NOPE:-${HTTP_PORT}}'), '/f', lookup);
      assert.equal(r.value, '8000');
      assert.equal(r.subs.length, 1, 'one substitution: the outer expression');
      assert.ok(r.origins.every((o) => o.start === 100 && o.end === 121 && o.file === '/ws/.env'));
    });

    it('keeps a text without $ as written, each character its own origin where it is written', () => {
      const r = interpolate({ value: 'a:b', offsets: [10, 11, 15] }, '/ws/c.yml', lookup);
      assert.deepEqual(r, {
        value: 'a:b',
        origins: [10, 11, 15].map((at) => ({ start: at, end: at + 1, file: '/ws/c.yml', offset: at, sub: -1 })),
        subs: [],
        errors: [],
      });
      // Near miss: `$$` is one literal `$` written over two characters.
      const escaped = interpolate({ value: 'a$$b', offsets: [10, 11, 12, 15] }, '/ws/c.yml', lookup);
      assert.equal(escaped.value, 'a$b');
      assert.deepEqual(escaped.origins[1], { start: 11, end: 13, file: '/ws/c.yml', offset: 11, sub: -1 });
    });
  });
});
