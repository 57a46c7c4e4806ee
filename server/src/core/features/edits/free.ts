/**
 * Which ports are free on a host: not bound there by anything else (any protocol overlap), not
 * a well-known port of a stack present on the host, and inside the range the product accepts.
 * Used by the port-conflict quick fix, rename and the rtcd renumber. Pure.
 */
import type { PortFact, Protocol, Role } from '../../model/facts';
import { MAX_PORT, MIN_PORT, RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../model/ports';
import { WELL_KNOWN_PORTS, type WellKnownPort } from '../../model/wellknown';
import type { Snapshot } from '../../index/workspace';
import { effectiveBinds, protocolsOverlap } from '../../index/queries';

/** Inclusive bounds of a port. */
export interface Bounds {
  min: number;
  max: number;
}

const PRODUCT_ROLES = new Set<Role>(['rtcd-api', 'rtcd-ice-udp', 'rtcd-ice-tcp', 'rtcd-ice-host-port-override', 'calls-ice-host-port-override', 'calls-rtcd-url', 'calls-udp', 'calls-tcp']);

/** rtcd's and the Calls plugin's ports must lie in [80, 49151]; any other port in [1, 65535]. */
export function boundsFor(roles: readonly (Role | undefined)[]): Bounds {
  return roles.some((r) => r !== undefined && PRODUCT_ROLES.has(r)) ? { min: RTCD_MIN_PORT, max: RTCD_MAX_PORT } : { min: MIN_PORT, max: MAX_PORT };
}

/** Where a port would be bound: a host and a network namespace (`undefined`: the host's). */
export interface Place {
  host: string;
  netns?: string | undefined;
}

/**
 * Effective binds that hold `port`/`protocol` at `place` (same host and network namespace),
 * except those `ignore` accepts (the mentions that are about to move). Sorted by file.
 */
export function holdersOf(snap: Snapshot, place: Place, port: number, protocol: Protocol, ignore: (f: PortFact) => boolean = () => false): PortFact[] {
  return effectiveBinds(snap).filter(
    (b) => b.host === place.host && b.netns === place.netns && b.ports.start <= port && b.ports.end >= port && protocolsOverlap(b.protocol, protocol) && !ignore(b),
  );
}

/** "8443/tcp is bound by web (opt/jitsi/docker-compose.yml:9)". */
export function heldMessage(snap: Snapshot, port: number, holders: readonly PortFact[]): string {
  const h = holders[0]!;
  return `${port}/${h.protocol === 'both' ? 'tcp+udp' : h.protocol} is bound by ${h.owner} (${snap.where(h.location)})${holders.length > 1 ? ` and ${holders.length - 1} more` : ''}`;
}

/** Lower-case words naming the products present on a host: images, programs, workload and owner names. */
export function stackWords(snap: Snapshot, host: string): Set<string> {
  const words = new Set<string>();
  const add = (s: string | undefined) => {
    for (const w of (s ?? '').toLowerCase().split(/[^a-z0-9]+/)) if (w.length >= 4 && !/^\d+$/.test(w)) words.add(w);
  };
  for (const w of snap.workloads) {
    if (w.host !== host) continue;
    add(w.image?.replace(/[:@][^/]*$/, ''));
    add(w.program);
    add(w.name.replace(/\.(service|socket)$/, ''));
  }
  for (const f of snap.facts) if (f.host === host && f.kind !== 'firewall') add(f.owner);
  return words;
}

/** The words of `present` that name a stack with well-known ports ("nginx", "postgres", "rtcd"), sorted. */
export function presentStacks(present: ReadonlySet<string>): string[] {
  return [...present].filter((p) => WELL_KNOWN_PORTS.some((w) => w.name.toLowerCase().includes(p))).sort();
}

/**
 * The well-known use of `port` that belongs to a stack present on the host (its name mentions
 * a product word of the host other than the subject's own `ownWords`), or `undefined`.
 */
export function reservedBy(port: number, protocol: Protocol, present: ReadonlySet<string>, ownWords: ReadonlySet<string> = new Set()): WellKnownPort | undefined {
  return WELL_KNOWN_PORTS.find((w) => {
    if (w.port !== port || !protocolsOverlap(w.protocol, protocol)) return false;
    const name = w.name.toLowerCase();
    const hits = [...present].filter((p) => name.includes(p));
    return hits.some((h) => !ownWords.has(h));
  });
}

/** What {@link nearestFree} needs to know. */
export interface FreeQuery {
  place: Place;
  /** Every protocol the port must be free for. */
  protocols: readonly Protocol[];
  /** Search outwards from here (the current port); the port itself is not returned. */
  from: number;
  bounds: Bounds;
  /** Binds that move with the subject (they do not hold the new port). */
  ignore?: (f: PortFact) => boolean;
  /** Words of the subject's own product: its well-known ports do not count as taken. */
  ownWords?: ReadonlySet<string>;
  /** Ports not to return (e.g. the port chosen for rtcd's other role). */
  avoid?: ReadonlySet<number>;
}

/**
 * Why `port` is not free for the query, or `undefined` when it is: out of bounds, bound by
 * something else on the host, or a well-known port of a stack present.
 */
export function whyNotFree(snap: Snapshot, q: FreeQuery, port: number, present: ReadonlySet<string> = stackWords(snap, q.place.host)): string | undefined {
  if (!Number.isInteger(port) || port < q.bounds.min || port > q.bounds.max) return `${port} is outside [${q.bounds.min}, ${q.bounds.max}]`;
  if (q.avoid?.has(port)) return `${port} is already chosen`;
  for (const p of q.protocols) {
    const h = holdersOf(snap, q.place, port, p, q.ignore);
    if (h.length > 0) return heldMessage(snap, port, h);
  }
  for (const p of q.protocols) {
    const w = reservedBy(port, p, present, q.ownWords);
    if (w) return `${port}/${p} is the well-known port of ${w.name}`;
  }
  return undefined;
}

/**
 * The free port nearest to `q.from` (at distance 1, 2, …; the higher one first on a tie), with
 * the reasons the nearer ports were skipped; `undefined` when none is free within the bounds.
 */
export function nearestFree(snap: Snapshot, q: FreeQuery): { port: number; skipped: string[] } | undefined {
  const present = stackWords(snap, q.place.host);
  const skipped: string[] = [];
  const span = Math.max(q.from - q.bounds.min, q.bounds.max - q.from);
  for (let d = 1; d <= span; d++) {
    for (const port of [q.from + d, q.from - d]) {
      if (port < q.bounds.min || port > q.bounds.max) continue;
      const why = whyNotFree(snap, q, port, present);
      if (!why) return { port, skipped };
      if (skipped.length < 20) skipped.push(why);
    }
  }
  return undefined;
}

/** A single port that a bind at some place holds, as a prompt shows it to validate input. */
export interface TakenPort {
  /** Integer 1-65535. */
  port: number;
  protocol: Protocol;
  /** "web (opt/jitsi/docker-compose.yml:9)": the bind's owner and where it is written. */
  holder: string;
}

/**
 * The single ports (ranges are left out: a prompt checks one number) of every effective bind at
 * `place` (same host and network namespace) except those `ignore` accepts, in the order of
 * {@link effectiveBinds}. Empty when nothing else binds there.
 */
export function takenPorts(snap: Snapshot, place: Place, ignore: (f: PortFact) => boolean = () => false): TakenPort[] {
  return effectiveBinds(snap)
    .filter((b) => b.host === place.host && b.netns === place.netns && b.ports.start === b.ports.end && !ignore(b))
    .map((b) => ({ port: b.ports.start, protocol: b.protocol, holder: `${b.owner} (${snap.where(b.location)})` }));
}
