/**
 * What listens where: shared lookups for the reference-checking rules. Pure functions of a
 * snapshot.
 */
import { isLoopback } from '../model/addresses';
import type { PortFact, Protocol } from '../model/facts';
import { rangesOverlap } from '../model/ports';
import { imagePorts } from '../model/wellknown';
import type { PlacedWorkload } from './placed';
import { isRtcdWorkload } from './resolve';
import type { Snapshot } from './snapshot';
import { addressesOverlap, bindServes, protocolsOverlap } from './queries';

/** A port a compose service's container listens on, and the mention that says so. */
export interface ContainerPort {
  port: number;
  protocol: Protocol;
  fact?: PortFact;
  /** Why we believe it: "expose", "ports target", "image default", or a mounted config. */
  source: string;
}

/**
 * Compose services on a host named `name`; when `near` (the network namespace of whoever names
 * the service) belongs to a compose project, those of that project if there are any.
 */
export function composeServices(snap: Snapshot, host: string, name: string, near?: string): PlacedWorkload[] {
  const lookup = snap.lookup();
  const all = lookup.composeServices(host, name);
  const project = lookup.composeProject(near);
  const same = project ? all.filter((w) => lookup.composeProject(w.netns) === project) : [];
  return same.length > 0 ? same : [...all];
}

/**
 * Everything a container is known to listen on; empty when nothing is known. Only facts on the
 * workload's host count: alternative compose files of one directory (`docker-compose-t1.yml`,
 * `docker-compose-t1-swarm.yml`) name their services' namespaces alike, but are separate
 * projects on separate hosts.
 */
export function containerPorts(snap: Snapshot, w: PlacedWorkload): ContainerPort[] {
  const out: ContainerPort[] = [];
  if (!w.netns) return out;
  for (const f of snap.lookup().factsIn(w.netns)) {
    if (f.shadowed || f.host !== w.host) continue;
    if (f.kind === 'bind') out.push({ port: f.ports.start, protocol: f.protocol, fact: f, source: f.detail });
    else if (f.kind === 'reference' && f.publishTarget) out.push({ port: f.ports.start, protocol: f.protocol, fact: f, source: 'ports target' });
  }
  if (!isRtcdWorkload(w)) for (const p of imagePorts(w.image)) out.push({ ...p, source: `image default of ${w.image}` });
  return out;
}

/** Binds on the same host and network namespace that can serve a loopback reference. */
export function loopbackServers(snap: Snapshot, r: PortFact): PortFact[] {
  return snap.lookup().bindsIn(r.host, r.netns).filter(
    (b) => bindServes(b, r) && (addressesOverlap(b.address, '127.0.0.1') || isLoopback(b.address)),
  );
}

/** True when a reference's address is a loopback address. */
export function isLoopbackReference(r: PortFact): boolean {
  return isLoopback(r.address);
}

/** Effective binds of any netns on a host with this port and an overlapping protocol. */
export function bindsOfPort(snap: Snapshot, host: string, ports: PortFact['ports'], protocol: Protocol): PortFact[] {
  return snap.lookup().bindsOn(host).filter((b) => rangesOverlap(b.ports, ports) && protocolsOverlap(b.protocol, protocol));
}

/**
 * True when the fact is a port Docker publishes on the host (compose `ports`, `docker run -p`):
 * Docker bypasses ufw. That is a bind in the host's network namespace by a container (a compose
 * service or a `docker run`, the first workload with the fact's instance) that is not on the
 * host's network: a container on `network_mode: host` / `--network host` publishes nothing; its
 * ports are ordinary host binds that ufw does filter.
 */
export function isDockerPublished(snap: Snapshot, f: PortFact): boolean {
  if (f.kind !== 'bind' || f.netns !== undefined) return false;
  const w = snap.lookup().workload(f.instance);
  return w !== undefined && (w.kind === 'compose-service' || w.kind === 'docker-run' || (w.kind === 'podman-quadlet' && w.rootful === true)) && w.networkMode !== 'host';
}
