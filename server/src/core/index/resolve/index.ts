/**
 * Cross-file resolution: turns a {@link PlacedSnapshot} into the resolved {@link Snapshot} the
 * rules read. Pure. Passes, in order:
 *
 * 1. compose merge across a project's files (`compose.ts`): `!reset`/`!override` and profiles;
 * 2. bind mounts (`mounts.ts`): a config file mounted into a container moves into its netns;
 * 3. rtcd instances and their `RTCD_*` environment overrides (`rtcd.ts`);
 * 4. the Calls plugin's `MM_CALLS_*` environment (`calls.ts`).
 */
import { resolvedSnapshot, type PlacedSnapshot, type Snapshot } from '../snapshot';
import { applyCallsEnvironment } from './calls';
import { applyComposeMerge } from './compose';
import { Draft } from './draft';
import { ResolveMemo } from './memo';
import { applyBindMounts } from './mounts';
import { resolveRtcdInstances } from './rtcd';

export { isMattermostWorkload, isRtcdWorkload } from './workloads';
export { ResolveMemo } from './memo';

/**
 * The resolved snapshot of `placed`: its facts with the passes' changes applied (changed facts
 * are copies; the placed facts are never mutated) followed by the facts the passes add (ids
 * `resolved#<n>`), and its findings followed by the resolver's (unknown `RTCD_*` variables,
 * invalid override values). `memo` (the index's, kept between its snapshots) only saves time.
 */
export function resolveSnapshot(placed: PlacedSnapshot, memo: ResolveMemo = new ResolveMemo()): Snapshot {
  const draft = new Draft(placed.facts);
  applyComposeMerge(placed, draft);
  const mounted = applyBindMounts(placed, draft, memo);
  resolveRtcdInstances(placed, draft, mounted, memo);
  applyCallsEnvironment(placed, draft, memo);
  const { facts, findings } = draft.result();
  return resolvedSnapshot(placed, facts, findings);
}
