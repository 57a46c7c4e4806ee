/** The fast-check seed helper (./property.ts): fixed by default, random on request, replayable, strict on typos. */
import * as assert from 'node:assert/strict';
import { FIXED_SEED, fcParams, FC_SEED, seedFrom } from './property';

describe('property test seeds', () => {
  it('uses the fixed seed when PORTOLAN_FC_SEED is unset or empty, and in this run unless it is set', () => {
    assert.equal(seedFrom({}), FIXED_SEED);
    assert.equal(seedFrom({ PORTOLAN_FC_SEED: ' ' }), FIXED_SEED);
    if (!process.env.PORTOLAN_FC_SEED) assert.equal(FC_SEED, FIXED_SEED);
    assert.deepEqual(fcParams(7, { endOnFailure: true }), { seed: FC_SEED, numRuns: 7, endOnFailure: true });
  });

  it('replays a given 32-bit seed, and draws a 32-bit one for "random"', () => {
    assert.equal(seedFrom({ PORTOLAN_FC_SEED: '-1785909945' }), -1785909945);
    assert.equal(seedFrom({ PORTOLAN_FC_SEED: 'random' }, () => 0), -2147483648);
    assert.equal(seedFrom({ PORTOLAN_FC_SEED: 'random' }, () => (2 ** 32 - 1) / 2 ** 32), 2147483647);
    assert.notEqual(seedFrom({ PORTOLAN_FC_SEED: 'random' }, () => 0.25), FIXED_SEED);
  });

  it('refuses what is not a 32-bit integer, rather than silently using another seed', () => {
    for (const bad of ['abc', '12.5', '2147483648', 'Random', '0x10']) assert.throws(() => seedFrom({ PORTOLAN_FC_SEED: bad }), /PORTOLAN_FC_SEED must be/, bad);
    assert.equal(seedFrom({ PORTOLAN_FC_SEED: '2147483647' }), 2147483647);
  });
});
