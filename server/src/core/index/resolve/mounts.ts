/**
 * Bind mounts (compose `volumes`, `docker run -v`): a config file mounted into a container
 * describes that container, so its facts move into the container's network namespace.
 */
import { withPrefix } from '../../model/listing';
import type { PlacedWorkload } from '../placed';
import type { PlacedSnapshot } from '../snapshot';
import type { Draft } from './draft';

/**
 * Moves the facts of every file mounted into a container (the file itself, or every file below a
 * mounted directory) into that container's netns; its binds take the container's instance.
 * Compose, shell and dotenv facts stay: they describe the launcher, not the program. Returns the
 * container each mounted file is mounted into (the last one that mounts it).
 */
export function applyBindMounts(snap: PlacedSnapshot, draft: Draft): Map<string, PlacedWorkload> {
  const mounted = new Map<string, PlacedWorkload>();
  const sortedFiles = [...snap.files.keys()].sort();
  for (const w of snap.workloads) {
    if (!w.netns) continue;
    for (const v of w.volumes) {
      // The mounted file itself, or every file below the mounted directory (a sorted run).
      const hits = snap.files.has(v.source) ? [v.source] : [];
      hits.push(...withPrefix(sortedFiles, v.source.endsWith('/') ? v.source : v.source + '/'));
      for (const file of hits) if (file !== w.file) mounted.set(file, w);
    }
  }
  const facts = draft.facts;
  for (let i = 0; i < facts.length && mounted.size > 0; i++) {
    const w = mounted.get(facts[i]!.location.file);
    const format = facts[i]!.format;
    if (!w || format === 'compose' || format === 'shell' || format === 'dotenv') continue;
    const f = draft.own(i);
    f.netns = w.netns;
    if (f.kind === 'bind') f.instance = w.instance;
  }
  return mounted;
}
