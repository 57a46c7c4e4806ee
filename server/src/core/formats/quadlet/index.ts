/**
 * Podman quadlets (id `quadlet`, podman-systemd.unit(5)): `.container`, `.pod` and `.kube` unit
 * files, read with the systemd unit grammar (../systemd/syntax.ts). Each is a workload like a
 * compose service: `PublishPort=` values follow Docker's publish grammar
 * (../docker/publish.ts: `[ip:][hostPort:]containerPort[/proto]`) and give a host `bind` plus
 * a `reference` to the container port; `Network=host` makes the container ports host binds (Podman
 * ignores publishing then); `Image=` (or a `.kube`'s `Yaml=`) and `ContainerName=` name it.
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
import { basename } from '../../model/paths';
import { publishFacts, type Container, type PlacedPorts } from '../docker/container';
import { parsePublishSpec, type PortPart } from '../docker/publish';
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
  const hostNetwork = network === 'host';
  const c: Container = { name: last('ContainerName')?.value ?? last('PodName')?.value ?? name.replace(/\.[a-z]+$/, ''), instance: `quadlet:${ctx.path}`, netns: hostNetwork ? undefined : `podman:${ctx.path}`, hostNetwork };
  for (const e of entries) if (e.key === 'PublishPort') publishEntry(e, c, ctx.path, result);
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
