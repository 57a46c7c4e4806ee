/**
 * Linear time and bounded output on pathological input, per format module (issue 12): each
 * input is run through the whole engine (index, snapshot, every rule) at S and 4S characters,
 * the faster of two runs each. Time at 4S must stay well below the quadratic 16x of time at S
 * (under 8x, with a few milliseconds of slack for timer noise on a shared machine), under a
 * loose absolute bound, and the output within runRules' limits. Exact seconds per MB:
 * `npm run bench:pathological`.
 */
import * as assert from 'node:assert/strict';
import { MAX_DIAGNOSTICS_PER_RULE, MAX_MESSAGE_LENGTH, MAX_RELATED, RULE_INFO } from '../server/src/core/rules';
import { PATHOLOGICAL_FORMATS, PATHOLOGICAL_INPUTS, runPathological, type PathologicalFormat } from './pathological-inputs';

const S = 32 * 1024;

function fastest(format: PathologicalFormat, input: string): ReturnType<typeof runPathological> {
  const a = runPathological(format, input);
  const b = runPathological(format, input);
  return a.ms <= b.ms ? a : b;
}

describe('pathological input: linear time and bounded output in every format', function () {
  this.timeout(120000);
  for (const format of PATHOLOGICAL_FORMATS) {
    describe(format.name, () => {
      for (const [name, gen] of Object.entries(PATHOLOGICAL_INPUTS)) {
        it(name, () => {
          runPathological(format, gen(1024));
          const measure = (size: number) => {
            const small = fastest(format, gen(size));
            const large = fastest(format, gen(4 * size));
            return { small, large, bound: 8 * Math.max(small.ms, 5) + 40, size };
          };
          // A collection of the larger heap can cost one run more than 8x: a quadratic path fails at twice the size too.
          let m = measure(S);
          if (m.large.ms >= m.bound) m = measure(2 * S);
          const { small, large, bound, size } = m;
          assert.ok(large.ms < bound, `${format.name}, ${name}: ${small.ms.toFixed(1)} ms at ${size} chars but ${large.ms.toFixed(1)} ms at ${4 * size} (bound ${bound.toFixed(0)} ms): super-linear`);
          assert.ok(large.ms < 8000, `${format.name}, ${name}: ${large.ms.toFixed(0)} ms for ${4 * size} chars`);
          const perRule = new Map<string, number>();
          for (const d of large.diagnostics) {
            perRule.set(d.rule, (perRule.get(d.rule) ?? 0) + 1);
            assert.ok(d.message.length <= MAX_MESSAGE_LENGTH, `message of ${d.message.length} code units`);
            assert.ok(d.related.length <= MAX_RELATED);
          }
          for (const [rule, n] of perRule) assert.ok(n <= MAX_DIAGNOSTICS_PER_RULE + 1, `${n} ${rule} diagnostics in one file`);
          assert.ok(large.diagnostics.length <= RULE_INFO.length * (MAX_DIAGNOSTICS_PER_RULE + 1));
        });
      }
    });
  }
});
