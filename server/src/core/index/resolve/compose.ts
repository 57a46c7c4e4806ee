/**
 * Compose as it runs, across the compose files of one project (compose-spec 13-merge.md and
 * 15-profiles.md). Pure.
 *
 * - `!reset` / `!override` on a service's `ports` or `expose` in a later file of the project
 *   discards what earlier files gave that key: their facts become `shadowed` (not in effect).
 * - A service with `profiles` none of which `COMPOSE_PROFILES` (the project's `.env`) enables
 *   runs only when asked for: its facts get `optional`, which makes its conflicts warnings.
 *   Every service with profiles gets them on its facts (`profiles`).
 *   `COMPOSE_PROFILES=*` enables every profile. A service without `profiles` always runs.
 *
 * The files' order is the project's merge order (`Placement.composeOrder`); for a compose file
 * in no inferred project (placed by `portolan.hostMap`) the default file comes first, then its
 * `*.override.*` file, then any other.
 */
import { basename, dirname } from '../../model/paths';
import type { PortFact } from '../../model/facts';
import type { PlacedSnapshot } from '../snapshot';
import type { Draft } from './draft';

/** What the project's files say about one service (host and instance). */
interface ServiceMerge {
  /** Per key (`ports`, `expose`): the latest file position that tags it `!reset`/`!override`, and that file. */
  resetAt: Map<string, { order: number; file: string }>;
  /** The profiles facts name (`Workload.profiles`); with `extended`, those that enable the service. */
  profiles: Set<string>;
  extended: Set<string>;
  enabled?: string[];
}

/** The merge position of a compose file (see the module comment). */
function orderOf(snap: PlacedSnapshot, file: string): number {
  const o = snap.placementOf(file).composeOrder;
  if (o !== undefined) return o;
  const name = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  return /^(docker-)?compose\.ya?ml$/.test(name) ? 0 : /\.override\.ya?ml$/.test(name) ? 1 : 2;
}

/** The compose key a fact comes from, as the merge tags name it. */
function keyOf(f: PortFact): string {
  return f.detail.startsWith('expose') ? 'expose' : 'ports';
}

/** The file that defines fact `f` (its id is "<file>#<n>"). */
function definingFile(f: PortFact): string {
  return f.id.slice(0, f.id.lastIndexOf('#'));
}

function merges(snap: PlacedSnapshot): Map<string, ServiceMerge> {
  const out = new Map<string, ServiceMerge>();
  for (const w of snap.workloads) {
    if (w.kind !== 'compose-service' || (!w.resets && !w.profiles)) continue;
    const key = `${w.host}\u0000${w.instance}`;
    const m: ServiceMerge = out.get(key) ?? { resetAt: new Map(), profiles: new Set<string>(), extended: new Set<string>() };
    out.set(key, m);
    const order = orderOf(snap, w.file);
    for (const k of w.resets ?? []) if (order > (m.resetAt.get(k)?.order ?? -1)) m.resetAt.set(k, { order, file: w.file });
    for (const p of w.profiles ?? []) m.profiles.add(p);
    for (const p of w.extendedProfiles ?? []) m.extended.add(p);
  }
  // COMPOSE_PROFILES is the project's; any of its files' readings of it will do.
  for (const w of snap.workloads) {
    const m = w.kind === 'compose-service' && w.enabledProfiles ? out.get(`${w.host}\u0000${w.instance}`) : undefined;
    if (m && !m.enabled) m.enabled = w.enabledProfiles;
  }
  return out;
}

/** True when none of a service's profiles is enabled. */
function optional(m: ServiceMerge): boolean {
  if (m.profiles.size === 0) return false;
  const on = m.enabled ?? [];
  return !on.includes('*') && ![...m.profiles, ...m.extended].some((p) => on.includes(p));
}

/** Applies the merge tags and profiles of every compose project to `draft` (see the module comment). */
export function applyComposeMerge(snap: PlacedSnapshot, draft: Draft): void {
  const byService = merges(snap);
  if (byService.size === 0) return;
  const facts = draft.facts;
  for (let i = 0; i < facts.length; i++) {
    const f = facts[i]!;
    if (f.format !== 'compose') continue;
    const file = definingFile(f);
    const m = byService.get(`${f.host}\u0000compose:${dirname(file)}#${f.owner}`);
    if (!m) continue;
    const reset = m.resetAt.get(keyOf(f));
    if (reset !== undefined && reset.order > orderOf(snap, file)) {
      const own = draft.own(i);
      own.shadowed = true;
      own.shadowedBy = `${keyOf(f)} replaced by !reset or !override in ${basename(reset.file)}`;
    }
    if (m.profiles.size === 0) continue;
    const own = draft.own(i);
    own.profiles = [...m.profiles];
    if (optional(m)) own.optional = true;
  }
}
