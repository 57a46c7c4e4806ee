/**
 * `firewall-missing` and `firewall-stale` (warnings), for hosts whose workspace has host
 * firewall rules in a rule file: a shell script of ufw, firewall-cmd, nft or iptables commands,
 * ufw's user.rules, a firewalld zone, an nftables ruleset or an iptables-save file. Every
 * firewall's rules count alike (a port one of them allows is allowed). Rules written in
 * Markdown documents count as evidence that a port is allowed, but a document alone neither
 * makes a host "firewalled" nor gets its rules called stale: documents often list alternatives.
 *
 * - missing: a port that must be reachable from outside (rtcd media UDP and TCP, a public
 *   nginx listener or front-end listener (Caddy, HAProxy, Traefik: see ./frontends.ts), the
 *   Calls plugin's own RTC ports) has no allow rule for its protocol.
 *   Docker-published ports (and rootful Podman's) bypass ufw, firewalld, nftables input chains
 *   and iptables INPUT, so none is demanded for them.
 * - stale: an allow rule for a port and protocol nothing on the host binds, except services
 *   that normally live outside such configs (22/tcp, SSH) and the documented default ports of
 *   host-network containers and units (a Home Assistant container on `network_mode: host`
 *   accounts for 8123/tcp). On a host with listeners Portolan cannot read (see
 *   ../index/unseen.ts) the rule may be right after all: the finding is then `information` and
 *   names those workloads, and no quick fix deletes the rule. The same holds, port by port, for
 *   a default port of a server that a script on the host installs or starts (`apt-get install
 *   coturn`, `systemctl enable coturn.service`: 3478 and 5349), whose configuration the script
 *   writes where Portolan cannot read it; the script's other ports stay warnings.
 *   iptables `DOCKER-USER` rules (`filtersPublished`) do not make a host firewalled; such an
 *   allow rule is stale when no published port or container port of a Docker-published
 *   mapping on the host matches it (DOCKER-USER sees packets after Docker's DNAT).
 */
import { iptablesInputDrops } from '../formats/iptables';
import { isLoopback } from '../model/addresses';
import type { FirewallName, PortFact, Protocol, PortRange } from '../model/facts';
import { formatRange, rangesOverlap } from '../model/ports';
import { OUTSIDE_SERVICES } from '../model/wellknown';
import type { Snapshot } from '../index/workspace';
import { isDockerPublished } from '../index/listeners';
import { isFrontEndListener } from './frontends';
import { type PortDiagnostic, type Rule } from './rule';
import { effectiveBinds, portLabel, protocolCovers, protocolsOverlap, roleLabel } from '../index/queries';
import { hostListeners, type HostListeners, type UnseenListener } from '../index/unseen';

const PUBLIC_ROLES = new Set<PortFact['role']>(['rtcd-ice-udp', 'rtcd-ice-tcp', 'calls-udp', 'calls-tcp']);

function isRuleFile(f: PortFact): boolean {
  return f.kind === 'firewall' && f.format !== 'markdown';
}

/** An allow rule for incoming traffic (of any firewall, DOCKER-USER ones included). */
function allows(f: PortFact): boolean {
  return f.kind === 'firewall' && (f.firewall?.action === 'allow' || f.firewall?.action === 'limit') && f.firewall.direction === 'in';
}

/** A rule of the host's own input filtering (not a DOCKER-USER rule). */
function isHostRule(f: PortFact): boolean {
  return f.firewall?.filtersPublished !== true;
}

/** The command that would allow `ports`/`proto` in `firewall`, as the firewall-missing message suggests it. */
export function allowCommand(firewall: FirewallName, ports: PortRange, proto: Exclude<Protocol, 'both'>): string {
  const r = formatRange(ports);
  switch (firewall) {
    case 'ufw': return `ufw allow ${r.replace('-', ':')}/${proto}`;
    case 'firewalld': return `firewall-cmd --permanent --add-port=${r}/${proto}`;
    case 'nftables': return `${proto} dport ${r} accept (in the input chain)`;
    case 'iptables': return `iptables -A INPUT -p ${proto} --dport ${r.replace('-', ':')} -j ACCEPT`;
  }
}

/** "ufw", "firewalld", "nftables or iptables": the firewalls of the rule facts, in order of appearance. */
export function firewallList(rules: readonly PortFact[]): string {
  const names = [...new Set(rules.map((r) => r.firewall?.firewall ?? 'ufw'))];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0] ?? 'ufw';
}

function firewalledHosts(snap: Snapshot): Map<string, PortFact[]> {
  const hosts = new Map<string, PortFact[]>();
  for (const f of snap.facts) {
    if (!isRuleFile(f) || !isHostRule(f)) continue;
    const list = hosts.get(f.host);
    if (list) list.push(f);
    else hosts.set(f.host, [f]);
  }
  return hosts;
}

/**
 * {@link firewalledHosts}, counting only the firewalls that deny what they do not allow once
 * enabled (ufw's default incoming policy, firewalld's zones, an nftables input chain). iptables
 * rules prove such a policy only with a drop policy on INPUT in their file (`:INPUT DROP`,
 * `iptables -P INPUT DROP`) or a catch-all `-A INPUT -j DROP`/`REJECT` without any match (a
 * negated source, `! -s 10.0.0.0/8 -j DROP`, still accepts that whole net): INPUT accepts by default (bigbluebutton's freeswitch entrypoint only rejects 5060 from strangers), so they
 * demand no allow rule.
 */
function denyingHosts(snap: Snapshot): Map<string, PortFact[]> {
  // An iptables-save `:INPUT DROP [0:0]`, a script's `iptables -P INPUT DROP`, or an
  // unconditional `-A INPUT -j DROP` (not `! -s 10.0.0.0/8 -j DROP`), read once per file.
  const policy = new Map<string, boolean>();
  const dropsByDefault = (file: string): boolean => {
    let drops = policy.get(file);
    if (drops === undefined) policy.set(file, (drops = iptablesInputDrops(snap.files.get(file)?.text ?? '')));
    return drops;
  };
  const out = new Map<string, PortFact[]>();
  for (const [host, facts] of firewalledHosts(snap)) {
    const denying = facts.filter((f) => f.firewall?.firewall !== 'iptables' || dropsByDefault(f.location.file));
    if (denying.length > 0) out.set(host, denying);
  }
  return out;
}

function mustBePublic(snap: Snapshot, b: PortFact): boolean {
  if (b.netns !== undefined || isDockerPublished(snap, b)) return false;
  if (PUBLIC_ROLES.has(b.role)) return true;
  return (b.format === 'nginx' && !isLoopback(b.address)) || isFrontEndListener(b);
}

export const firewallMissing: Rule = {
  id: 'firewall-missing',
  severity: 'warning',
  description: 'A port that must be reachable from outside has no firewall allow rule for its protocol.',
  byHost: true,
  check(snap) {
    const out: PortDiagnostic[] = [];
    const hosts = denyingHosts(snap);
    // Each host's allow rules, gathered once (not once per bind).
    const allowsOn = new Map<string, PortFact[]>();
    for (const b of effectiveBinds(snap)) {
      const ruleFacts = hosts.get(b.host);
      if (!ruleFacts || !mustBePublic(snap, b)) continue;
      let allowed = allowsOn.get(b.host);
      if (!allowed) allowsOn.set(b.host, (allowed = snap.lookup().factsOn(b.host).filter(allows)));
      const protos = b.protocol === 'both' ? (['tcp', 'udp'] as const) : [b.protocol];
      for (const proto of protos) {
        const covered = allowed.some((r) => isHostRule(r) && r.ports.start <= b.ports.start && r.ports.end >= b.ports.end && protocolCovers(r.protocol, proto));
        if (covered) continue;
        const file = ruleFacts[0]!.location;
        const fw = ruleFacts[0]!.firewall?.firewall ?? 'ufw';
        const label = roleLabel(b.role) ?? `${b.owner}'s ${b.detail}`;
        out.push({
          rule: 'firewall-missing', severity: 'warning', location: b.location,
          message: `${formatRange(b.ports)}/${proto} (${label}) must be reachable from outside, but no ${firewallList(ruleFacts)} rule on host "${b.host}" allows it (rules in ${snap.display(file.file)}); add: ${allowCommand(fw, b.ports, proto)}`,
          related: [{ location: file, message: `${fw} rules for this host` }],
          data: { port: b.ports.start, protocol: proto, rulesFile: file.file },
        });
      }
    }
    return out;
  },
};

/** "homeassistant (network_mode: host)", "a (…) or b (…)", "a (…), b (…) and 2 more". */
function unseenList(list: readonly UnseenListener[]): string {
  const named = list.slice(0, 3).map((u) => `${u.workload.name} (${u.why})`);
  if (list.length > 3) return `${named.join(', ')} and ${list.length - 3} more`;
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} or ${named[named.length - 1]}` : named[0]!;
}

export const firewallStale: Rule = {
  id: 'firewall-stale',
  severity: 'warning',
  description: 'A firewall allow rule for a port and protocol that nothing on the host binds.',
  byHost: true,
  check(snap) {
    const out: PortDiagnostic[] = [];
    const lookup = snap.lookup();
    // Advertised ICE host ports by host, gathered once (not filtered per rule).
    const advertised = new Map<string, PortFact[]>();
    for (const a of [...lookup.withRole('rtcd-ice-host-port-override'), ...lookup.withRole('calls-ice-host-port-override')]) {
      (advertised.get(a.host) ?? advertised.set(a.host, []).get(a.host)!).push(a);
    }
    const listeners = new Map<string, HostListeners>();
    for (const r of snap.facts) {
      if (!isRuleFile(r) || !allows(r)) continue;
      if (!isHostRule(r)) {
        if (!publishedMatch(snap, r)) out.push({ rule: 'firewall-stale', severity: 'warning', location: r.location, message: `iptables DOCKER-USER ${r.firewall?.action ?? 'allow'}s ${portLabel(r)}, but no Docker-published port on host "${r.host}" (host or container side) matches it`, related: [] });
        continue;
      }
      if (OUTSIDE_SERVICES.some((s) => s.port >= r.ports.start && s.port <= r.ports.end && protocolsOverlap(s.protocol, r.protocol))) continue;
      const onHost = lookup.bindsOn(r.host);
      const serves = (b: PortFact): boolean => (b.netns === undefined || isDockerPublished(snap, b)) && rangesOverlap(b.ports, r.ports) && protocolsOverlap(b.protocol, r.protocol);
      const used = onHost.some(serves) || (advertised.get(r.host) ?? []).some(serves);
      if (used) continue;
      let seen = listeners.get(r.host);
      if (!seen) listeners.set(r.host, (seen = hostListeners(snap, r.host)));
      if (seen.defaults.some((d) => d.port >= r.ports.start && d.port <= r.ports.end && protocolsOverlap(d.protocol, r.protocol))) continue;
      const other = onHost.filter((b) => b.netns === undefined && rangesOverlap(b.ports, r.ports));
      const hint = other.length > 0 ? `; ${other[0]!.owner} binds ${portLabel(other[0]!)} (${snap.where(other[0]!.location)})` : '';
      const related = other.map((b) => ({ location: b.location, message: `${b.owner} binds ${portLabel(b)}` }));
      const action = r.firewall?.action ?? 'allow';
      const fwName = r.firewall?.firewall ?? 'ufw';
      const scripted = seen.scripted.filter((l) => l.ports.some((d) => d.port >= r.ports.start && d.port <= r.ports.end && protocolsOverlap(d.protocol, r.protocol)));
      if (scripted.length > 0) {
        const s = scripted[0]!;
        out.push({
          rule: 'firewall-stale', severity: 'information', location: r.location,
          message: `${fwName} ${action}s ${portLabel(r)}, and nothing on host "${r.host}" that Portolan can read binds it${hint}; it is a default port of ${s.label}, which ${snap.display(s.location.file)} sets up (${s.how}), with a configuration Portolan does not read`,
          related: [...related, ...scripted.map((l) => ({ location: l.location, message: `${l.how}: ${l.label} listens on ${l.ports.map((p) => `${p.port}/${p.protocol === 'both' ? 'tcp+udp' : p.protocol}`).join(', ')} by default` }))],
          data: { unseen: scripted.map((l) => l.label) },
        });
        continue;
      }
      if (seen.unseen.length > 0) {
        out.push({
          rule: 'firewall-stale', severity: 'information', location: r.location,
          message: `${fwName} ${action}s ${portLabel(r)}, and nothing on host "${r.host}" that Portolan can read binds it${hint}; it may be bound by ${unseenList(seen.unseen)}, whose listener${seen.unseen.length > 1 ? 's' : ''} Portolan cannot see`,
          related: [...related, ...seen.unseen.map((u) => ({ location: u.workload.location, message: `${u.workload.name}: ${u.why}` }))],
          data: { unseen: seen.unseen.map((u) => u.workload.name) },
        });
        continue;
      }
      out.push({
        rule: 'firewall-stale', severity: 'warning', location: r.location,
        message: `${fwName} ${action}s ${portLabel(r)}, but nothing on host "${r.host}" binds it${hint}`,
        related,
      });
    }
    return out;
  },
};

/** True when a Docker-published mapping on the rule's host matches a DOCKER-USER rule's port: the host port or the container port. */
export function publishedMatch(snap: Snapshot, r: PortFact): boolean {
  return snap.lookup().factsOn(r.host).some((f) => protocolsOverlap(f.protocol, r.protocol) && rangesOverlap(f.ports, r.ports) &&
    ((f.kind === 'bind' && isDockerPublished(snap, f)) || (f.kind === 'reference' && f.publishedBy !== undefined)));
}
