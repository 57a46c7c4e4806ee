/**
 * `rtcd-mismatch` (error): a mention that must carry rtcd's API or media port carries another
 * number:
 * - the Calls rtcd URL must reach rtcd's API directly, or an nginx listener that proxies to it;
 * - nginx proxying to rtcd (a server block, upstream or file named for rtcd) must target its API;
 * - compose or `docker run` mappings of rtcd's container must target ports rtcd listens on;
 * - environment overrides of one rtcd (or of the Calls URL) must not disagree with each other;
 * - a published ICE port must be advertised as published (./ice.ts).
 */
import { isLoopback } from '../model/addresses';
import { RTCD_PORT_KEYS } from '../formats/rtcd';
import type { EnvAssignment, PortFact } from '../model/facts';
import { isMattermostWorkload, isRtcdWorkload } from '../index/resolve';
import type { Snapshot } from '../index/workspace';
import { type PortDiagnostic, type Rule } from './rule';
import { iceHostPortFindings } from './ice';
import { basename } from '../model/paths';
import { describe, effectiveBinds, portLabel, protocolCovers, roleLabel } from '../index/queries';

const RTCD_ROLES = new Set<PortFact['role']>(['rtcd-api', 'rtcd-ice-udp', 'rtcd-ice-tcp']);

function listing(binds: PortFact[]): string {
  return binds.map((b) => `${roleLabel(b.role) ?? b.owner} ${portLabel(b)}`).join(', ');
}

/** True when an nginx reference is about rtcd: its block, upstream, server_name or file names rtcd. */
function aboutRtcd(r: PortFact): boolean {
  return /rtcd/i.test(r.owner) || /rtcd/i.test(basename(r.location.file)) || (r.block !== undefined && /rtcd/i.test(r.block));
}

function proxiesToApi(snap: Snapshot, listener: PortFact, apiPorts: Set<number>): boolean {
  return snap.lookup().factsOfFile(listener.location.file).some(
    (r) => r.kind === 'reference' && r.format === 'nginx' && (r.block === undefined || r.block === listener.block || r.detail === 'upstream') &&
      apiPorts.has(r.ports.start),
  );
}

function disagreeing(env: EnvAssignment[], names: string[]): { loser: EnvAssignment; winner: EnvAssignment }[] {
  const out: { loser: EnvAssignment; winner: EnvAssignment }[] = [];
  const relevant = env.filter((e) => names.includes(e.name));
  const winner = relevant[relevant.length - 1];
  if (!winner) return out;
  for (const e of relevant.slice(0, -1)) if (e.value.trim() !== winner.value.trim()) out.push({ loser: e, winner });
  return out;
}

function isRtcdBind(b: PortFact): boolean {
  return b.kind === 'bind' && !b.shadowed && RTCD_ROLES.has(b.role);
}

/** The rtcd API binds in effect among `facts`, in fact order. */
function rtcdApis({ facts }: { readonly facts: readonly PortFact[] }): PortFact[] {
  return facts.filter((b) => isRtcdBind(b) && b.role === 'rtcd-api');
}

/** The Calls rtcd URLs in effect among `facts`, in fact order. */
function rtcdUrls({ facts }: { readonly facts: readonly PortFact[] }): PortFact[] {
  return facts.filter((f) => f.role === 'calls-rtcd-url' && !f.shadowed);
}

/**
 * The Calls rtcd URL findings. A URL on one host may point at rtcd's API on another, so this
 * part reads the whole workspace: the API binds and URLs of the host groups ({@link Snapshot.collect}:
 * only groups changed since the last snapshot are read again), then scans of the facts only for
 * a URL that misses.
 */
function callsUrlFindings(snap: Snapshot): PortDiagnostic[] {
  const out: PortDiagnostic[] = [];
  const apis = snap.collect(rtcdApis);
  const apiPorts = new Set(apis.map((b) => b.ports.start));
  if (apis.length > 0) {
    for (const u of snap.collect(rtcdUrls)) {
      if (apiPorts.has(u.ports.start)) continue;
      const viaNginx = snap.facts.some((l) => l.kind === 'bind' && !l.shadowed && l.format === 'nginx' && l.ports.start === u.ports.start && proxiesToApi(snap, l, apiPorts));
      if (viaNginx) continue;
      const holders = snap.facts.filter((b) => b.kind === 'bind' && !b.shadowed && b.netns === undefined && b.ports.start <= u.ports.start && b.ports.end >= u.ports.start && b.protocol !== 'udp');
      const held = holders.length > 0 ? `; ${u.ports.start} is bound by ${describe(snap, holders[0]!)}` : '';
      out.push({
        rule: 'rtcd-mismatch', severity: 'error', location: u.location,
        message: `the Calls rtcd URL points at port ${u.ports.start}, which does not reach rtcd's API (${apis.map((a) => `${portLabel(a)} at ${snap.where(a.location)}`).join(', ')})${held}`,
        related: [...apis.map((a) => ({ location: a.location, message: `rtcd's API binds ${portLabel(a)}` })), ...holders.map((h) => ({ location: h.location, message: `${h.owner} binds ${portLabel(h)}` }))],
        data: { expected: [...apiPorts] },
      });
    }
  }
  return out;
}

/** The findings about one host's own files and workloads: nginx to rtcd, rtcd's container mappings, disagreeing overrides, published ICE ports. */
function hostFindings(snap: Snapshot): PortDiagnostic[] {
  const out: PortDiagnostic[] = [];
  const rtcdBinds = effectiveBinds(snap).filter((b) => RTCD_ROLES.has(b.role));
  // nginx proxying to rtcd on this host.
  for (const r of snap.facts) {
    if (r.format !== 'nginx' || r.kind !== 'reference' || r.shadowed || !aboutRtcd(r)) continue;
    if (r.address !== undefined && !isLoopback(r.address)) continue;
    const local = rtcdBinds.filter((b) => b.host === r.host && b.netns === r.netns);
    if (local.length === 0) continue;
    if (local.some((b) => b.ports.start === r.ports.start && protocolCovers(r.protocol, b.protocol))) continue;
    const api = local.filter((b) => b.role === 'rtcd-api');
    out.push({
      rule: 'rtcd-mismatch', severity: 'error', location: r.location,
      message: `nginx ${r.detail} to rtcd uses port ${r.ports.start}, but rtcd listens on ${listing(local)} (${snap.where(local[0]!.location)})`,
      related: local.map((b) => ({ location: b.location, message: `${roleLabel(b.role)} binds ${portLabel(b)}` })),
      data: { expected: api.map((b) => b.ports.start) },
    });
  }

  // Container mappings of rtcd's container.
  for (const w of snap.workloads.filter((x) => isRtcdWorkload(x) && x.netns)) {
    const inside = rtcdBinds.filter((b) => b.host === w.host && b.netns === w.netns);
    if (inside.length === 0) continue;
    for (const t of snap.lookup().factsIn(w.netns!)) {
      if (t.kind !== 'reference' || !t.publishedBy) continue;
      const ok = inside.some((b) => b.ports.start >= t.ports.start && b.ports.start <= t.ports.end && protocolCovers(t.protocol, b.protocol));
      if (ok) continue;
      out.push({
        rule: 'rtcd-mismatch', severity: 'error', location: t.location,
        message: `${w.name} publishes container port ${portLabel(t)}, but rtcd listens on ${listing(inside)} inside the container`,
        related: inside.map((b) => ({ location: b.location, message: `${roleLabel(b.role)} binds ${portLabel(b)}` })),
      });
    }
  }

  // Environment overrides that disagree with each other.
  for (const w of snap.workloads) {
    const groups: string[][] = [];
    if (isRtcdWorkload(w)) for (const k of RTCD_PORT_KEYS) groups.push([k.env]);
    if (isMattermostWorkload(w)) groups.push(['MM_CALLS_RTCD_SERVICE_URL', 'MM_CALLS_RTCD_URL'], ['MM_CALLS_UDP_SERVER_PORT'], ['MM_CALLS_TCP_SERVER_PORT']);
    for (const names of groups) {
      for (const { loser, winner } of disagreeing(w.env, names)) {
        out.push({
          rule: 'rtcd-mismatch', severity: 'error', location: loser.valueLocation,
          message: `${loser.name}=${loser.value} for ${w.name} is overridden by ${winner.name}=${winner.value} (${snap.where(winner.valueLocation)}); the two disagree`,
          related: [{ location: winner.valueLocation, message: `${winner.name}=${winner.value} takes effect` }],
        });
      }
    }
  }
  out.push(...iceHostPortFindings(snap));
  return out;
}

export const rtcdMismatch: Rule = {
  id: 'rtcd-mismatch',
  severity: 'error',
  description: "A mention that must carry rtcd's API or media port carries another number.",
  check: (snap) => [...callsUrlFindings(snap), ...hostFindings(snap)],
  byHost: { host: hostFindings, global: callsUrlFindings },
};
