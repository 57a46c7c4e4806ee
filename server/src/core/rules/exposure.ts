/**
 * `public-exposure` (warning): a database, cache or admin port published on all interfaces by
 * compose, `docker run` or a rootful Podman quadlet (they bypass ufw, firewalld, nftables input
 * chains and iptables INPUT), unless an iptables `DOCKER-USER` rule drops or rejects it (on the
 * published or the container port); or allowed from anywhere by a host firewall rule. The message
 * says how to bind it to 127.0.0.1. A number several products share (9000, 8123, 8080, 9443)
 * counts only when the container's image (or the unit's program that binds the port the rule
 * opens) identifies the product whose admin or database port it is; see `exposureRisk`. A bind
 * whose host address is written but unknown (`addressUnknown`: an unset `$HOST_IP`) is not public.
 */
import { isLoopback, isWildcard } from '../model/addresses';
import type { PortFact } from '../model/facts';
import { formatRange, rangesOverlap } from '../model/ports';
import type { Snapshot } from '../index/workspace';
import { exposureRisk } from '../model/wellknown';
import { isDockerPublished } from '../index/listeners';
import { type PortDiagnostic, type Rule } from './rule';
import { protocolsOverlap } from '../index/queries';
import { portOwner, publishedTarget, workloadOf } from '../index/owners';
import { adminApiExposures } from './frontends';

/** True when a DOCKER-USER drop or reject rule on the bind's host covers its published or container port. */
function droppedForDocker(snap: Snapshot, b: PortFact, target: PortFact | undefined): boolean {
  return snap.lookup().factsOn(b.host).some((r) => r.kind === 'firewall' && r.firewall?.filtersPublished === true && r.firewall.from === undefined &&
    (r.firewall.action === 'deny' || r.firewall.action === 'reject') && protocolsOverlap(r.protocol, b.protocol) &&
    (rangesOverlap(r.ports, b.ports) || (target !== undefined && rangesOverlap(r.ports, target.ports))));
}

/** "Docker bypasses ufw", "rootful Podman bypasses firewalld": who publishes and the host's firewalls. */
function bypassText(snap: Snapshot, b: PortFact): string {
  const engine = snap.lookup().workload(b.instance)?.kind === 'podman-quadlet' ? 'rootful Podman' : 'Docker';
  const names = [...new Set(snap.lookup().factsOn(b.host).filter((r) => r.kind === 'firewall' && r.format !== 'markdown' && r.firewall?.filtersPublished !== true).map((r) => r.firewall?.firewall ?? 'ufw'))];
  return `${engine} bypasses ${names.length === 0 ? 'ufw' : names.join(' and ')}`;
}

/** How to open a port to one host only, in the rule's own firewall. */
function narrowHint(r: PortFact): string {
  const p = formatRange(r.ports);
  switch (r.firewall?.firewall) {
    case 'firewalld': return `a rich rule: firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="10.0.0.5" port port="${p}" protocol="tcp" accept'`;
    case 'nftables': return `ip saddr 10.0.0.5 tcp dport ${p} accept`;
    case 'iptables': return `iptables -A INPUT -s 10.0.0.5 -p tcp --dport ${p.replace('-', ':')} -j ACCEPT`;
    default: return `ufw allow from 10.0.0.5 to any port ${p} proto tcp`;
  }
}

export const publicExposure: Rule = {
  id: 'public-exposure',
  severity: 'warning',
  description: 'A database, cache or admin port reachable from everywhere.',
  byHost: true,
  check(snap) {
    const out: PortDiagnostic[] = [];
    for (const b of snap.facts) {
      if (!isDockerPublished(snap, b) || !isWildcard(b.address) || b.addressUnknown || b.shadowed) continue;
      const owner = portOwner(snap.lookup().workload(b.instance));
      const target = publishedTarget(snap, b);
      if (droppedForDocker(snap, b, target)) continue;
      const inside = target?.ports.start ?? b.ports.start;
      const risk = exposureRisk(inside, b.protocol, owner) ?? (target ? undefined : exposureRisk(b.ports.start, b.protocol, owner));
      if (!risk) continue;
      const spec = `127.0.0.1:${formatRange(b.ports)}:${target ? formatRange(target.ports) : formatRange(b.ports)}`;
      out.push({
        rule: 'public-exposure', severity: 'warning', location: b.location,
        message: `${risk.name} port ${formatRange(b.ports)} of ${b.owner} is published on all interfaces, and ${bypassText(snap, b)}; publish it on loopback only: "${spec}"`,
        related: target ? [{ location: target.location, message: `container port ${formatRange(target.ports)}` }] : [],
        data: { fix: 'loopback' },
      });
    }
    for (const r of snap.facts) {
      if (r.kind !== 'firewall' || r.firewall?.direction !== 'in' || (r.firewall.action !== 'allow' && r.firewall.action !== 'limit') || r.firewall.from !== undefined) continue;
      if (r.format === 'markdown' || r.firewall.filtersPublished === true) continue;
      // The host services the rule opens (not loopback-only ones, not containers).
      const opened = snap.lookup().factsOn(r.host).filter((b) => b.kind === 'bind' && !b.shadowed && b.netns === undefined && !isLoopback(b.address) &&
        rangesOverlap(b.ports, r.ports) && protocolsOverlap(b.protocol, r.protocol));
      const owner = opened.length > 0 ? portOwner(workloadOf(snap, opened[0]!)) : undefined;
      const risk = exposureRisk(r.ports.start, r.protocol === 'both' ? 'tcp' : r.protocol, owner);
      if (!risk) continue;
      const who = opened.length > 0 ? ` (${opened[0]!.owner} binds it on ${isWildcard(opened[0]!.address) ? 'all interfaces' : opened[0]!.address} at ${snap.where(opened[0]!.location)})` : '';
      out.push({
        rule: 'public-exposure', severity: 'warning', location: r.location,
        message: `${r.firewall.firewall} allows ${risk.name} port ${formatRange(r.ports)} from anywhere${who}; allow only the hosts that need it (${narrowHint(r)}) and bind the service to 127.0.0.1 when only local clients use it`,
        related: opened.map((b) => ({ location: b.location, message: `${b.owner} binds ${formatRange(b.ports)}/${b.protocol}` })),
      });
    }
    out.push(...adminApiExposures(snap));
    return out as PortDiagnostic[];
  },
};
