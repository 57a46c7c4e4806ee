/**
 * `public-exposure` (warning): a database, cache or admin port published on all interfaces by
 * compose or `docker run` (Docker bypasses ufw), or allowed from anywhere by ufw. The message
 * says how to bind it to 127.0.0.1.
 */
import { isLoopback, isWildcard } from '../model/addresses';
import { formatRange, rangesOverlap } from '../model/ports';
import { exposureRisk } from '../model/wellknown';
import { isDockerPublished } from '../index/listeners';
import { type PortDiagnostic, type Rule } from './rule';
import { protocolsOverlap } from '../index/queries';

export const publicExposure: Rule = {
  id: 'public-exposure',
  severity: 'warning',
  description: 'A database, cache or admin port reachable from everywhere.',
  check(snap) {
    const out: PortDiagnostic[] = [];
    for (const b of snap.facts) {
      if (!isDockerPublished(snap, b) || !isWildcard(b.address) || b.shadowed) continue;
      const w = snap.lookup().workload(b.instance);
      const target = snap.lookup().factsOfFile(b.location.file).find((t) => t.kind === 'reference' && t.publishedBy && w?.netns === t.netns && t.publishedBy.start === b.ports.start && t.location.file === b.location.file);
      const inside = target?.ports.start ?? b.ports.start;
      const risk = exposureRisk(inside, b.protocol, w?.image) ?? exposureRisk(b.ports.start, b.protocol, w?.image);
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
      const risk = exposureRisk(r.ports.start, r.protocol === 'both' ? 'tcp' : r.protocol);
      if (!risk) continue;
      // The host services the rule opens (not loopback-only ones, not containers).
      const opened = snap.lookup().factsOn(r.host).filter((b) => b.kind === 'bind' && !b.shadowed && b.netns === undefined && !isLoopback(b.address) &&
        rangesOverlap(b.ports, r.ports) && protocolsOverlap(b.protocol, r.protocol));
      const who = opened.length > 0 ? ` (${opened[0]!.owner} binds it on ${isWildcard(opened[0]!.address) ? 'all interfaces' : opened[0]!.address} at ${snap.where(opened[0]!.location)})` : '';
      out.push({
        rule: 'public-exposure', severity: 'warning', location: r.location,
        message: `ufw allows ${risk.name} port ${formatRange(r.ports)} from anywhere${who}; allow only the hosts that need it (ufw allow from 10.0.0.5 to any port ${formatRange(r.ports)} proto tcp) and bind the service to 127.0.0.1 when only local clients use it`,
        related: opened.map((b) => ({ location: b.location, message: `${b.owner} binds ${formatRange(b.ports)}/${b.protocol}` })),
      });
    }
    return out as PortDiagnostic[];
  },
};
