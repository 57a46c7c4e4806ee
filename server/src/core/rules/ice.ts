/**
 * Part of `rtcd-mismatch` (error): rtcd's, or the Calls plugin's own RTC server's, ICE media
 * port published on another host port with nothing telling the server so.
 *
 * rtcd and the plugin put the port they listen on (rtcd `rtc.ice_port_udp` / `rtc.ice_port_tcp`,
 * default 8443; the plugin's `UDPServerPort` / `TCPServerPort`, default 8443) into their ICE host
 * candidates, unless a host-port override names another (rtcd `rtc.ice_host_port_override` /
 * `RTCD_RTC_ICEHOSTPORTOVERRIDE`, rtcd's config.sample.toml and docs/env_config.md; the
 * plugin's `ICEHostPortOverride` / `MM_CALLS_ICE_HOST_PORT_OVERRIDE`, plugin.json and
 * Mattermost's "Calls plugin configuration settings" documentation). When compose
 * `ports` or `docker run -p` publish that container port on a different host port
 * ("9443:8443/udp"), clients send media to the advertised 8443, which nothing on the host
 * forwards: calls connect without audio (mattermost/docker#139, #180,
 * mattermost-plugin-calls#548). Reported on the published host port's digits unless an
 * override equals the published port. A symmetric mapping, a bridged container's other ports
 * (rtcd's API 8045) and host-network containers are never reported.
 */
import type { EnvAssignment, Location, PortFact, Protocol } from '../model/facts';
import { parseHostPortOverride } from '../formats/rtcd';
import { CALLS_DEFAULT_PORT } from '../formats/mattermost';
import { isMattermostWorkload, isRtcdWorkload } from '../index/resolve';
import type { PlacedWorkload, Snapshot } from '../index/workspace';
import type { PortDiagnostic } from './rule';

/** rtcd's and the plugin's override variables and keys. */
export const ICE_OVERRIDE = {
  rtcd: { variable: 'RTCD_RTC_ICEHOSTPORTOVERRIDE', key: 'rtc.ice_host_port_override', server: 'rtcd' },
  calls: { variable: 'MM_CALLS_ICE_HOST_PORT_OVERRIDE', key: 'ICEHostPortOverride', server: "the Calls plugin's RTC server" },
} as const;

/** One ICE port a container's server listens on. `fact` is absent for the plugin's unwritten default. */
interface IcePort {
  port: number;
  protocol: Protocol;
  fact?: PortFact;
}

/** The override in effect: its ports, where it is written, and the assignment when it is an environment variable. */
interface Override {
  ports: number[];
  location: Location;
  env?: EnvAssignment;
  fact?: PortFact;
}

function lastEnv(w: PlacedWorkload, name: string): EnvAssignment | undefined {
  let found: EnvAssignment | undefined;
  for (const e of w.env) if (e.name === name) found = e;
  return found;
}

/** The override from the environment (which wins), else from the config file; `null` when one is set but unreadable. */
function overrideOf(w: PlacedWorkload, variable: string, facts: readonly PortFact[]): Override | undefined | null {
  const e = lastEnv(w, variable);
  if (e && e.value.trim() !== '') {
    const pairs = parseHostPortOverride(e.value);
    if (!pairs) return null;
    return { ports: pairs.map((p) => p.port), location: e.valueLocation, env: e };
  }
  const live = facts.filter((f) => !f.shadowed);
  if (live.length === 0) return undefined;
  return { ports: live.map((f) => f.ports.start), location: live[0]!.location, fact: live[0]! };
}

/** rtcd's ICE binds inside the container, and their override. */
function rtcdPorts(snap: Snapshot, w: PlacedWorkload): { ports: IcePort[]; override: Override | undefined | null } {
  const lookup = snap.lookup();
  const binds = lookup.effectiveBinds.filter((b) => (b.role === 'rtcd-ice-udp' || b.role === 'rtcd-ice-tcp') && b.host === w.host && b.netns === w.netns);
  const instances = new Set(binds.map((b) => b.instance));
  const written = lookup.withRole('rtcd-ice-host-port-override').filter((f) => f.host === w.host && (f.netns === w.netns || instances.has(f.instance)));
  return { ports: binds.map((b) => ({ port: b.ports.start, protocol: b.protocol, fact: b })), override: overrideOf(w, ICE_OVERRIDE.rtcd.variable, written) };
}

/**
 * The Calls plugin's RTC ports inside a Mattermost container: its `calls-udp` / `calls-tcp`
 * binds there, else the plugin's default 8443 (UDP always: nothing else in a Mattermost
 * container uses UDP; TCP only when the service sets Calls variables). None when an rtcd URL
 * is set: the plugin's own server does not run then.
 */
function callsPorts(snap: Snapshot, w: PlacedWorkload): { ports: IcePort[]; override: Override | undefined | null } {
  const none = { ports: [], override: undefined };
  const url = lastEnv(w, 'MM_CALLS_RTCD_SERVICE_URL') ?? lastEnv(w, 'MM_CALLS_RTCD_URL');
  if (url && url.value.trim() !== '') return none;
  const inside = snap.lookup().factsIn(w.netns!);
  if (inside.some((f) => f.role === 'calls-rtcd-url' && !f.shadowed)) return none;
  const ports: IcePort[] = [];
  const callsEnv = w.env.some((e) => e.name.startsWith('MM_CALLS_'));
  for (const [role, protocol] of [['calls-udp', 'udp'], ['calls-tcp', 'tcp']] as const) {
    const facts = inside.filter((f) => f.role === role && f.kind === 'bind');
    const live = facts.filter((f) => !f.shadowed);
    if (live.length > 0) for (const f of live) ports.push({ port: f.ports.start, protocol, fact: f });
    else if (facts.length === 0 && (protocol === 'udp' || callsEnv)) ports.push({ port: CALLS_DEFAULT_PORT, protocol });
  }
  const written = inside.filter((f) => f.role === 'calls-ice-host-port-override');
  return { ports, override: overrideOf(w, ICE_OVERRIDE.calls.variable, written) };
}

/** The host bind a container target's mapping publishes (same file, instance, ports and protocol), nearest the target. */
function publishedBind(snap: Snapshot, w: PlacedWorkload, t: PortFact): PortFact | undefined {
  let best: PortFact | undefined;
  for (const b of snap.lookup().factsOfFile(t.location.file)) {
    if (b.kind !== 'bind' || b.netns !== undefined || b.instance !== w.instance || b.protocol !== t.protocol) continue;
    if (b.ports.start !== t.publishedBy!.start || b.ports.end !== t.publishedBy!.end) continue;
    const d = Math.abs(b.location.span.start - t.location.span.start);
    if (!best || d < Math.abs(best.location.span.start - t.location.span.start)) best = b;
  }
  return best;
}

/** The `rtcd-mismatch` findings about ICE ports published on another host port. */
export function iceHostPortFindings(snap: Snapshot): PortDiagnostic[] {
  const out: PortDiagnostic[] = [];
  // One service described by several compose files is several workloads with one namespace.
  const reported = new Set<string>();
  for (const w of snap.workloads) {
    if (!w.netns || w.networkMode === 'host') continue;
    const rtcd = isRtcdWorkload(w);
    if (!rtcd && !isMattermostWorkload(w)) continue;
    const which = rtcd ? ICE_OVERRIDE.rtcd : ICE_OVERRIDE.calls;
    const { ports, override } = rtcd ? rtcdPorts(snap, w) : callsPorts(snap, w);
    if (ports.length === 0 || override === null) continue;
    for (const t of snap.lookup().factsIn(w.netns)) {
      if (t.kind !== 'reference' || !t.publishedBy || t.ports.start !== t.ports.end || t.publishedBy.start !== t.publishedBy.end) continue;
      const ice = ports.find((p) => p.port === t.ports.start && p.protocol === t.protocol);
      const published = t.publishedBy.start;
      if (!ice || published === ice.port) continue;
      if (override?.ports.includes(published)) continue;
      const bind = publishedBind(snap, w, t);
      const key = bind ? `${bind.location.file}\u0000${bind.location.span.start}` : '';
      if (!bind || reported.has(key)) continue;
      reported.add(key);
      const proto = ice.protocol.toUpperCase();
      const advertised = override
        ? `advertises ${override.ports.join(', ')} in its ICE host candidates (${override.env ? which.variable : override.fact?.detail ?? which.key} at ${snap.where(override.location)})`
        : `advertises ${ice.port}, the port it listens on inside the container, in its ICE host candidates`;
      const fix = override
        ? `set the override to ${published}`
        : `set ${which.variable}=${published} (${which.key})`;
      const related = [{ location: t.location, message: `container port ${ice.port}/${ice.protocol}` }];
      if (ice.fact) related.push({ location: ice.fact.location, message: `${which.server} listens on ${ice.port}/${ice.protocol}` });
      if (override) related.push({ location: override.location, message: `host-port override ${override.ports.join(', ')}` });
      out.push({
        rule: 'rtcd-mismatch', severity: 'error', location: bind.location,
        message: `${w.name} publishes ${which.server}'s ICE ${proto} port ${ice.port} on host port ${published}, but ${which.server} ${advertised}, so clients send media to a port the host does not forward and calls have no audio; ${fix}, or publish "${ice.port}:${ice.port}/${ice.protocol}"`,
        related,
        data: { fix: 'ice-host-port', published, container: ice.port, protocol: ice.protocol, variable: which.variable, server: rtcd ? 'rtcd' : 'calls', instance: w.instance },
      });
    }
  }
  return out;
}
