/**
 * Fact queries shared by rules and features: protocol and address overlap, labels, the effective
 * binds of a snapshot and whether a bind serves a reference. Pure functions of their arguments.
 */
import { isWildcard } from '../model/addresses';
import type { PortFact, Protocol } from '../model/facts';
import { formatRange, rangesOverlap } from '../model/ports';
import type { Snapshot } from './snapshot';

/** True when two protocols share a transport (`both` is TCP and UDP). */
export function protocolsOverlap(a: Protocol, b: Protocol): boolean {
  if (a === b) return true;
  if (a === 'sctp' || b === 'sctp') return false;
  return a === 'both' || b === 'both';
}

/** True when protocol `outer` includes all of `inner`. */
export function protocolCovers(outer: Protocol, inner: Protocol): boolean {
  return outer === inner || (outer === 'both' && inner !== 'sctp');
}

function normalAddress(a: string | undefined): string | undefined {
  if (a === undefined) return undefined;
  const h = a.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' ? '127.0.0.1' : h;
}

/** True when two listen addresses can collide: a wildcard covers every address; two specific addresses only if equal. */
export function addressesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (isWildcard(a) || isWildcard(b)) return true;
  return normalAddress(a) === normalAddress(b);
}

/** "8443/udp", "10000-20000/tcp", "8443/tcp+udp". */
export function portLabel(f: Pick<PortFact, 'ports' | 'protocol'>): string {
  return `${formatRange(f.ports)}/${f.protocol === 'both' ? 'tcp+udp' : f.protocol}`;
}

/** Human name of a role. */
export function roleLabel(role: PortFact['role']): string | undefined {
  switch (role) {
    case 'rtcd-api': return "rtcd's API";
    case 'rtcd-ice-udp': return "rtcd's media (ICE UDP)";
    case 'rtcd-ice-tcp': return "rtcd's media (ICE TCP)";
    case 'rtcd-ice-host-port-override': return "rtcd's advertised ICE port";
    case 'calls-ice-host-port-override': return "the Calls plugin's advertised ICE port";
    case 'calls-rtcd-url': return "the Calls plugin's rtcd URL";
    case 'calls-udp': return "the Calls plugin's RTC UDP port";
    case 'calls-tcp': return "the Calls plugin's RTC TCP port";
    case 'mattermost-http': return "Mattermost's HTTP listener";
    default: return undefined;
  }
}

/** "rtcd (etc/rtcd/config.toml:7)". */
export function describe(snap: Snapshot, f: PortFact): string {
  return `${f.owner} (${snap.where(f.location)})`;
}

/** Binds that take effect (not shadowed by an override). */
export function effectiveBinds(snap: Snapshot): readonly PortFact[] {
  return snap.lookup().effectiveBinds;
}

/** True when bind `b` can serve a connection to port/protocol `r` (same netns assumed by the caller). */
export function bindServes(b: PortFact, r: Pick<PortFact, 'ports' | 'protocol'>): boolean {
  return rangesOverlap(b.ports, r.ports) && protocolsOverlap(b.protocol, r.protocol);
}
