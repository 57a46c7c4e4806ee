/**
 * The port facts of one container, shared by compose services and `docker run`: what a
 * published mapping and an exposed port mean for where something listens.
 *
 * - A published mapping (`ports` / `-p`) is a `bind` of the published host port(s) in the host
 *   namespace (at `host_ip` when given) and a `reference` to the target in the container's
 *   namespace, whose `publishedBy` is the published range.
 * - An exposed port (`expose` / `--expose`) is a `bind` in the container's namespace.
 * - With host networking (compose `network_mode: host`, `docker run --network host`) Docker
 *   ignores publishing: targets and exposed ports are binds in the host namespace.
 */
import type { Derivation, ExtractedFact, Location, PortRange } from '../../model/facts';
import type { DockerProtocol } from './publish';

/** The container whose ports are described. */
export interface Container {
  /** Compose service or container name: the facts' owner and the address of its target references. */
  name: string;
  /** The instance of its binds, e.g. "compose:/ws/app#web", "docker-run:web". */
  instance: string;
  /** Its network namespace as used in facts; `undefined` for host networking. */
  netns: string | undefined;
  /** True with host networking: publishing is ignored. */
  hostNetwork: boolean;
  /**
   * The name its listeners are reached by when it shares another container's namespace
   * (compose `network_mode: service:<name>`): that service's name. Absent: its own `name`.
   */
  address?: string;
}

/** Where a port part is written and how its value was derived (see {@link ExtractedFact}). */
export interface PortPlace {
  location: Location;
  valueLocation: Location;
  derivation: Derivation;
}

/** A known port or range together with its place. */
export interface PlacedPorts {
  range: PortRange;
  place: PortPlace;
}

/** One published mapping whose parts are known (an unknown side is absent). */
export interface PublishedMapping {
  protocol: DockerProtocol;
  /** compose-spec `host_ip`; `undefined` for all interfaces or when unknown. */
  hostIp: string | undefined;
  /** True when the `host_ip` is written but unknown (an unset variable): the bind gets `addressUnknown`. */
  hostIpUnknown?: boolean;
  published: PlacedPorts | undefined;
  target: PlacedPorts | undefined;
}

/**
 * Facts of one published mapping (see the module comment), in order: the host bind, then the
 * target reference. `detail` is the key or flag ("ports", "-p"); references get
 * "`detail` target".
 */
export function publishFacts(c: Container, m: PublishedMapping, detail: string): ExtractedFact[] {
  const base = { protocol: m.protocol, owner: c.name, instance: c.instance };
  if (c.hostNetwork) {
    return m.target ? [{ ...base, kind: 'bind', ports: m.target.range, ...m.target.place, detail }] : [];
  }
  const out: ExtractedFact[] = [];
  if (m.published) {
    const bind: ExtractedFact = { ...base, kind: 'bind', ports: m.published.range, ...m.published.place, detail };
    if (m.hostIp !== undefined) bind.address = m.hostIp;
    else if (m.hostIpUnknown) bind.addressUnknown = true;
    out.push(bind);
  }
  if (m.target) {
    const ref: ExtractedFact = {
      kind: 'reference',
      ports: m.target.range,
      protocol: m.protocol,
      address: c.name,
      owner: c.name,
      ...m.target.place,
      detail: `${detail} target`,
    };
    if (c.netns !== undefined) ref.netns = c.netns;
    if (m.published) ref.publishedBy = m.published.range;
    ref.publishTarget = true;
    out.push(ref);
  }
  return out;
}

/**
 * The bind of one exposed port or range: in the container's namespace at the container's name,
 * or a plain host bind with host networking. `detail` is the key or flag ("expose", "--expose").
 */
export function exposeFact(c: Container, ports: PlacedPorts, protocol: DockerProtocol, detail: string): ExtractedFact {
  const fact: ExtractedFact = {
    kind: 'bind',
    ports: ports.range,
    protocol,
    owner: c.name,
    instance: c.instance,
    ...ports.place,
    detail,
  };
  if (!c.hostNetwork) fact.address = c.address ?? c.name;
  if (c.netns !== undefined) fact.netns = c.netns;
  return fact;
}

/**
 * A network mode as compose `network_mode` and `docker run --network` write it: `host`,
 * `container:<name>` (join that container's namespace), `service:<name>` (compose: join that
 * service's), or anything else (`bridge`, `none`, a network name), which keeps the container's
 * own namespace.
 */
export type NetworkMode =
  | { kind: 'host' }
  | { kind: 'container'; name: string }
  | { kind: 'service'; name: string }
  | { kind: 'own' };

/** Reads a network mode (see {@link NetworkMode}); an absent one is `own`. */
export function parseNetworkMode(text: string | undefined): NetworkMode {
  if (text === 'host') return { kind: 'host' };
  if (text?.startsWith('container:')) return { kind: 'container', name: text.slice('container:'.length) };
  if (text?.startsWith('service:')) return { kind: 'service', name: text.slice('service:'.length) };
  return { kind: 'own' };
}

/** The namespace of a container joined through `container:<name>`: Docker's "docker:<name>". */
export function dockerNetns(name: string): string {
  return `docker:${name}`;
}
