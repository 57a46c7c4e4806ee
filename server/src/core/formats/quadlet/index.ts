/**
 * Podman quadlets (id `quadlet`, podman-systemd.unit(5)): `.container`, `.pod` and `.kube` unit
 * files, read with the systemd unit grammar (../systemd/syntax.ts). Each is a workload like a
 * compose service: `PublishPort=` values follow Docker's publish grammar
 * (../docker/publish.ts: `[ip:][hostPort:]containerPort[/proto]`) and give a host `bind` plus
 * a `reference` to the container port; `Network=host` makes the container ports host binds (Podman
 * ignores publishing then); `Image=` (or a `.kube`'s `Yaml=`) and `ContainerName=` name it.
 *
 * A `.container` with `Pod=<name>.pod`, or `Network=<name>.container`, joins that quadlet's network
 * namespace (podman-systemd.unit(5); the named file is looked up beside this one): its netns is
 * the pod's or container's, and a pod with `Network=host` gives host networking. Podman refuses
 * to publish ports of a container that shares a namespace ("network cannot be configured when it
 * is shared with a pod"), so such a container's `PublishPort=` values are `invalid-port`
 * findings that name where the port belongs.
 *
 * `PublishPort=` values with a systemd specifier (`%i`) or a template placeholder (`!!x!!`) give
 * nothing.
 *
 * Firewall behaviour: rootful Podman with netavark adds its own firewall rules for published
 * ports, as Docker does, so host firewalls (ufw, firewalld zones, nftables input chains,
 * iptables INPUT) do not filter them; a quadlet in a rootful search path
 * (podman-systemd.unit(5): `/etc/containers/systemd/`, `/usr/share/containers/systemd/`,
 * `/run/containers/systemd/`) is marked `rootful`. Rootless quadlets (`~/.config/containers/systemd/`,
 * `/etc/containers/systemd/users/`) publish through a user-space forwarder that binds a host
 * socket, so the host firewall does apply; a quadlet anywhere else has an unknown mode and is
 * not said to bypass the firewall. Pure.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule, Workload } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { basename, dirname } from '../../model/paths';
import { publishFacts, type Container, type PlacedPorts } from '../docker/container';
import { parsePublishSpec, type PortPart } from '../docker/publish';
import { readParsed } from '../context';
import { parseUnitFile, type UnitEntry } from '../systemd/syntax';

const SECTION: Readonly<Record<string, string>> = { container: 'Container', pod: 'Pod', kube: 'Kube' };

/** Strong for `*.container`, `*.pod` and `*.kube` files with their `[Container]`/`[Pod]`/`[Kube]` section. */
export function detectQuadlet(path: string, text: string): Detection {
  const ext = /\.(container|pod|kube)$/.exec(path)?.[1];
  if (ext === undefined) return false;
  return new RegExp(`^[ \\t]*\\[${SECTION[ext]!}\\][ \\t]*\\r?$`, 'm').test(text) ? 'strong' : false;
}

/** True for a quadlet in a search path of rootful Podman (podman-systemd.unit(5)), not in its per-user `users/` folder. */
export function isRootfulPath(path: string): boolean {
  return /\/(?:etc|usr\/share|run)\/containers\/systemd\//.test(path) && !/\/etc\/containers\/systemd\/users\//.test(path);
}

/** The PublishPort= facts of one entry into `result`; problems become `invalid-port` findings. */
function publishEntry(e: UnitEntry, c: Container, file: string, result: ExtractResult): void {
  // systemd specifiers (%i) are expanded when the unit starts; "!" marks placeholders of
  // template tools. Neither is a value Portolan can read.
  if (/[%!]/.test(e.value)) return;
  const { spec, problems } = parsePublishSpec(e.value);
  const spanOf = (from: number, to: number) => ({ start: e.offsets[from] ?? e.raw.start, end: to > from ? e.offsets[to - 1]! + 1 : e.offsets[from] ?? e.raw.start });
  for (const p of problems) result.findings.push({ rule: 'invalid-port', span: spanOf(p.from, p.to), message: `PublishPort=: ${p.message}` });
  if (!spec || problems.length > 0) return;
  const side = (p: PortPart | undefined): PlacedPorts | undefined => {
    if (!p?.range) return undefined;
    const location = { file, span: spanOf(p.from, p.to) };
    return { range: p.range, place: { location, valueLocation: location, derivation: { kind: 'literal' } } };
  };
  result.facts.push(...publishFacts(c, { protocol: spec.protocol, hostIp: spec.hostIp?.text, hostIpUnknown: spec.hostIpUnknown === true, published: side(spec.published), target: side(spec.target) }, 'PublishPort'));
}

/** The quadlet whose network namespace a `.container` joins (`Pod=x.pod`, `Network=x.container`). */
interface Joined {
  key: 'Pod' | 'Network';
  /** The value as written, e.g. "opencloud.pod". */
  file: string;
  netns: string;
  /** The name the joined namespace is reached by: the pod's `PodName=`/the container's `ContainerName=`, else the file's stem. */
  address: string;
  hostNetwork: boolean;
}

/**
 * The namespace `Pod=` or `Network=<name>.container` joins, read from the named quadlet beside
 * this file when the workspace holds it (its `Network=host` and its name); `undefined` when the
 * container joins none. Values with a specifier or a path are not followed.
 */
function joinedQuadlet(ctx: ExtractContext, pod: string | undefined, network: string | undefined): Joined | undefined {
  const key = pod !== undefined ? 'Pod' : 'Network';
  const file = pod ?? network;
  const kind = key === 'Pod' ? 'pod' : 'container';
  if (file === undefined || !new RegExp(`^[^/%]+\\.${kind}$`).test(file)) return undefined;
  const path = `${dirname(ctx.path)}/${file}`;
  const unit = readParsed(ctx, path, 'systemd-unit', (text) => parseUnitFile(text).value);
  const entries = unit?.entries.filter((e) => e.section === SECTION[kind]) ?? [];
  const value = (k: string) => [...entries].reverse().find((e) => e.key === k)?.value;
  return { key, file, netns: `podman:${path}`, address: value(kind === 'pod' ? 'PodName' : 'ContainerName') ?? file.replace(/\.[a-z]+$/, ''), hostNetwork: value('Network') === 'host' };
}

/**
 * The workload and port facts of a quadlet file (see the module comment). The workload's name
 * is the file name ("web.container"), its instance `quadlet:<path>`. Malformed unit syntax gives
 * the systemd grammar's `parse-error`s.
 */
export function extractQuadlet(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const { value: unit, errors } = parseUnitFile(ctx.text);
  result.findings.push(...errors);
  if (unit.failed) { result.failed = true; return result; }
  const ext = /\.(container|pod|kube)$/.exec(ctx.path)?.[1] ?? 'container';
  const section = SECTION[ext]!;
  const entries = unit.entries.filter((e) => e.section === section);
  const last = (key: string) => [...entries].reverse().find((e) => e.key === key);
  const name = basename(ctx.path);
  const network = last('Network')?.value;
  const joined = ext === 'container' ? joinedQuadlet(ctx, last('Pod')?.value, network) : undefined;
  const hostNetwork = joined ? joined.hostNetwork : network === 'host';
  const own = last('ContainerName')?.value ?? last('PodName')?.value ?? name.replace(/\.[a-z]+$/, '');
  const c: Container = { name: own, instance: `quadlet:${ctx.path}`, netns: hostNetwork ? undefined : (joined?.netns ?? `podman:${ctx.path}`), hostNetwork };
  if (joined) c.address = joined.address;
  for (const e of entries) {
    if (e.key !== 'PublishPort') continue;
    if (joined) result.findings.push({ rule: 'invalid-port', span: e.raw, message: `Podman publishes no ports of a container that shares ${joined.file}'s network namespace (${joined.key}=${joined.file}); publish this port with PublishPort= in ${joined.file} instead` });
    else publishEntry(e, c, ctx.path, result);
  }
  const header = unit.sections.find((s) => s.name === section);
  const workload: Workload = { kind: 'podman-quadlet', name, args: [], env: [], volumes: [], instance: c.instance, location: { file: ctx.path, span: header?.span ?? { start: 0, end: 0 } } };
  const image = last('Image')?.value ?? last('Yaml')?.value;
  if (image !== undefined) workload.image = image;
  if (network !== undefined) workload.networkMode = network;
  if (c.netns !== undefined) workload.netns = c.netns;
  if (isRootfulPath(ctx.path)) workload.rootful = true;
  result.workloads.push(workload);
  return result;
}

/** Podman quadlet files (id `quadlet`), see the module comment. */
export const quadletFormat: FormatModule = {
  id: 'quadlet',
  detect: detectQuadlet,
  extract: extractQuadlet,
};
