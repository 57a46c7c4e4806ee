/**
 * `public-exposure` (warning): a database, cache or admin port published on all interfaces by
 * compose or `docker run` (Docker bypasses ufw), or allowed from anywhere by ufw. The message
 * says how to bind it to 127.0.0.1. A number several products share (9000, 8123, 8080, 9443)
 * counts only when the container's image (or the unit's program that binds the port the rule
 * opens) identifies the product whose admin or database port it is; see `exposureRisk`. A bind
 * whose host address is written but unknown (`addressUnknown`: an unset `$HOST_IP`) is not public.
 */
import { isLoopback, isWildcard } from '../model/addresses';
import { formatRange, rangesOverlap } from '../model/ports';
import { exposureRisk } from '../model/wellknown';
import { isDockerPublished } from '../index/listeners';
import { type PortDiagnostic, type Rule } from './rule';
import { protocolsOverlap } from '../index/queries';
import { portOwner, publishedTarget, workloadOf } from '../index/owners';
import { adminApiExposures } from './frontends';

export const publicExposure: Rule = {
  id: 'public-exposure',
  severity: 'warning',
  description: 'A database, cache or admin port reachable from everywhere.',
  check(snap) {
    const out: PortDiagnostic[] = [];
    for (const b of snap.facts) {
      if (!isDockerPublished(snap, b) || !isWildcard(b.address) || b.addressUnknown || b.shadowed) continue;
      const owner = portOwner(snap.lookup().workload(b.instance));
      const target = publishedTarget(snap, b);
      const inside = target?.ports.start ?? b.ports.start;
      const risk = exposureRisk(inside, b.protocol, owner) ?? (target ? undefined : exposureRisk(b.ports.start, b.protocol, owner));
      if (!risk) continue;
      const spec = `127.0.0.1:${formatRange(b.ports)}:${target ? formatRange(target.ports) : formatRange(b.ports)}`;
      out.push({
        rule: 'public-exposure', severity: 'warning', location: b.location,
        message: `${risk.name} port ${formatRange(b.ports)} of ${b.owner} is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "${spec}"`,
        related: target ? [{ location: target.location, message: `container port ${formatRange(target.ports)}` }] : [],
        data: { fix: 'loopback' },
      });
    }
    for (const r of snap.facts) {
      if (r.kind !== 'firewall' || r.firewall?.direction !== 'in' || (r.firewall.action !== 'allow' && r.firewall.action !== 'limit') || r.firewall.from !== undefined) continue;
      if (r.format === 'markdown') continue;
      // The host services the rule opens (not loopback-only ones, not containers).
      const opened = snap.lookup().factsOn(r.host).filter((b) => b.kind === 'bind' && !b.shadowed && b.netns === undefined && !isLoopback(b.address) &&
        rangesOverlap(b.ports, r.ports) && protocolsOverlap(b.protocol, r.protocol));
      const owner = opened.length > 0 ? portOwner(workloadOf(snap, opened[0]!)) : undefined;
      const risk = exposureRisk(r.ports.start, r.protocol === 'both' ? 'tcp' : r.protocol, owner);
      if (!risk) continue;
      const who = opened.length > 0 ? ` (${opened[0]!.owner} binds it on ${isWildcard(opened[0]!.address) ? 'all interfaces' : opened[0]!.address} at ${snap.where(opened[0]!.location)})` : '';
      out.push({
        rule: 'public-exposure', severity: 'warning', location: r.location,
        message: `ufw allows ${risk.name} port ${formatRange(r.ports)} from anywhere${who}; allow only the hosts that need it (ufw allow from 10.0.0.5 to any port ${formatRange(r.ports)} proto tcp) and bind the service to 127.0.0.1 when only local clients use it`,
        related: opened.map((b) => ({ location: b.location, message: `${b.owner} binds ${formatRange(b.ports)}/${b.protocol}` })),
      });
    }
    out.push(...adminApiExposures(snap));
    return out as PortDiagnostic[];
  },
};
