/**
 * Who is behind a fact: the workload that binds or publishes it, what Portolan knows about that
 * workload's product ({@link PortOwner}), and the container port a published host port maps to.
 * Pure functions of a snapshot.
 */
import type { PortFact } from '../model/facts';
import type { PortOwner } from '../model/wellknown';
import type { PlacedWorkload, Snapshot } from './workspace';

/**
 * The workload a fact belongs to: the one with the fact's `instance`, else the one whose network
 * namespace the fact lives in (a compose `ports` target, a mounted config). `undefined` when
 * neither is known (nginx on the host, a ufw rule).
 */
export function workloadOf(snap: Snapshot, f: PortFact): PlacedWorkload | undefined {
  const byInstance = snap.lookup().workload(f.instance);
  if (byInstance) return byInstance;
  if (f.netns === undefined) return undefined;
  return snap.lookup().workloadsOn(f.host).find((w) => w.netns === f.netns);
}

/** What a workload says about its product: image, program, arguments, environment. `undefined` for no workload. */
export function portOwner(w: PlacedWorkload | undefined): PortOwner | undefined {
  if (!w) return undefined;
  return { image: w.image, program: w.program, args: w.args, env: w.env };
}

/** "image homeassistant/home-assistant:stable", "program grafana-server", or `undefined`. */
export function ownerLabel(o: PortOwner | undefined): string | undefined {
  if (o?.image !== undefined) return `image ${o.image}`;
  if (o?.program !== undefined) return `program ${o.program}`;
  return undefined;
}

/**
 * For a host port published by compose `ports` or `docker run -p`: the container target it maps
 * to (the `reference` with `publishedBy` equal to the bind's first port, in the same file and
 * the workload's namespace), the one nearest the bind's digits. `undefined` for any other fact.
 */
export function publishedTarget(snap: Snapshot, b: PortFact): PortFact | undefined {
  if (b.kind !== 'bind' || b.netns !== undefined) return undefined;
  const w = snap.lookup().workload(b.instance);
  if (!w?.netns) return undefined;
  let best: PortFact | undefined;
  for (const t of snap.lookup().factsOfFile(b.location.file)) {
    if (t.kind !== 'reference' || !t.publishedBy || t.netns !== w.netns || t.publishedBy.start !== b.ports.start || t.publishedBy.end !== b.ports.end || t.protocol !== b.protocol) continue;
    const d = Math.abs(t.location.span.start - b.location.span.start);
    if (!best || d < Math.abs(best.location.span.start - b.location.span.start)) best = t;
  }
  return best;
}
