/**
 * The one place property tests (fast-check) get their seed. `npx mocha` and `npm test` use the
 * fixed {@link FIXED_SEED}, so every run generates the same inputs. `npm run test:random` sets
 * `PORTOLAN_FC_SEED=random`: one new seed per process, printed in the suite titles. Any
 * integer in `PORTOLAN_FC_SEED` replays that run: `PORTOLAN_FC_SEED=-1785909945 npx mocha`.
 */
import type { Parameters } from 'fast-check';

/** The seed of the deterministic runs: a 32-bit integer, as fast-check's `seed` parameter takes. */
export const FIXED_SEED = 20260512;

/**
 * The seed this process uses, from `env.PORTOLAN_FC_SEED`: unset or empty gives
 * {@link FIXED_SEED}; `random` draws a 32-bit integer; an integer is used as written.
 * Throws on anything else, so a mistyped replay seed is not silently replaced.
 */
export function seedFrom(env: NodeJS.ProcessEnv, random: () => number = Math.random): number {
  const raw = (env.PORTOLAN_FC_SEED ?? '').trim();
  if (raw === '') return FIXED_SEED;
  if (raw === 'random') return (Math.floor(random() * 0x1_0000_0000) - 0x8000_0000) | 0;
  if (!/^-?\d+$/.test(raw) || (Number(raw) | 0) !== Number(raw)) throw new Error(`PORTOLAN_FC_SEED must be "random" or a 32-bit integer, not "${raw}"`);
  return Number(raw);
}

/** This process's seed (read once). */
export const FC_SEED = seedFrom(process.env);

/** Appended to suite titles: `(fast-check, seed N)`, so a failing run names its seed. */
export const SEED_LABEL = `fast-check, seed ${FC_SEED}${FC_SEED === FIXED_SEED ? '' : ', replay with PORTOLAN_FC_SEED=' + FC_SEED}`;

/** fast-check parameters with this process's seed and `numRuns` runs, plus `extra`. */
export function fcParams<T>(numRuns: number, extra: Parameters<T> = {}): Parameters<T> {
  return { seed: FC_SEED, numRuns, ...extra };
}
