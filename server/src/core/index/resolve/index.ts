/**
 * Cross-file resolution: turns a {@link PlacedSnapshot} into the resolved {@link Snapshot} the
 * rules read. Pure. Passes, in order:
 *
 * 1. compose merge across a project's files (`compose.ts`): `!reset`/`!override` and profiles;
 * 2. bind mounts (`mounts.ts`): a config file mounted into a container moves into its netns;
 * 3. rtcd instances and their `RTCD_*` environment overrides (`rtcd.ts`);
 * 4. the Calls plugin's `MM_CALLS_*` environment (`calls.ts`).
 */
import type { PortFact } from '../../model/facts';
import type { PlacedFinding } from '../placed';
import { resolvedSnapshot, type PlacedSnapshot, type Snapshot } from '../snapshot';
import { applyCallsEnvironment } from './calls';
import { applyComposeMerge } from './compose';
import { Draft } from './draft';
import { ResolveMemo } from './memo';
import { applyBindMounts } from './mounts';
import { resolveRtcdInstances } from './rtcd';
import type { ResolveScope } from './scope';

export { isMattermostWorkload, isRtcdWorkload } from './workloads';
export { ResolveMemo } from './memo';
export type { ResolveScope } from './scope';

/**
 * The resolved snapshot of `placed`: its facts with the passes' changes applied (changed facts
 * are copies; the placed facts are never mutated) followed by the facts the passes add (ids
 * `resolved#<n>`), and its findings followed by the resolver's (unknown `RTCD_*` variables,
 * invalid override values). `memo` (the index's, kept between its snapshots) only saves time.
 */
export function resolveSnapshot(placed: PlacedSnapshot, memo: ResolveMemo = new ResolveMemo()): Snapshot {
  const { facts, findings } = resolveFacts(placed, memo);
  return resolvedSnapshot(placed, facts, findings);
}

/** What resolving (a part of) a placed snapshot gives. */
export interface Resolved {
  /** The placed facts with the passes' changes (copies), then the added ones. */
  facts: PortFact[];
  /** The resolver's findings (not the placed ones). */
  findings: PlacedFinding[];
  /** Every file a workload mounts or a Dockerfile copies, with every file that does (whichever wins). */
  moved: ReadonlyMap<string, readonly string[]>;
}

/**
 * The passes of {@link resolveSnapshot} over `placed`, which may be a part of the workspace: then
 * `scope` gives the whole workspace's files for matching mounts and copies, and `idPrefix`
 * (unique per part) starts the added facts' ids. A moved file that is not in `placed.files`
 * means the part was too small: its facts were not moved (see `../shards.ts`).
 */
export function resolveFacts(placed: PlacedSnapshot, memo: ResolveMemo, scope?: ResolveScope, idPrefix?: string): Resolved {
  const draft = new Draft(placed.facts, idPrefix);
  applyComposeMerge(placed, draft);
  const { mounted, moved } = applyBindMounts(placed, draft, memo, scope);
  resolveRtcdInstances(placed, draft, mounted, memo);
  applyCallsEnvironment(placed, draft, memo);
  return { ...draft.result(), moved };
}
