/**
 * Which mentions of a port belong together: the bind, the references that resolve to it, the
 * firewall rules that open it for it, and the overrides of the same setting. Rename, "Find All
 * References", "Go to Definition", the port-conflict quick fix and the rtcd renumber all use
 * these links. Pure functions of a snapshot.
 */
import { isLoopback } from '../../model/addresses';
import { factsAt } from '../hover';
import type { Location, PortFact } from '../../model/facts';
import { rangesOverlap } from '../../model/ports';
import { composeServices, containerPorts, isDockerPublished, loopbackServers } from '../../index/listeners';
import type { Snapshot } from '../../index/workspace';
import { effectiveBinds, protocolsOverlap, roleLabel } from '../../index/queries';

/** A mention linked to a subject port, and a short label of why it changes with it. */
export interface LinkedMention {
  fact: PortFact;
  why: string;
}

/** The narrowest fact whose mention (or written value) covers `offset` in `file`, preferring mentions located in that file. */
export function factAt(snap: Snapshot, file: string, offset: number): PortFact | undefined {
  const hits = factsAt(snap, file, offset);
  return hits.find((f) => f.location.file === file) ?? hits[0];
}

const single = (f: PortFact): boolean => f.ports.start === f.ports.end;

function sameLocation(a: Location, b: Location): boolean {
  return a.file === b.file && a.span.start === b.span.start && a.span.end === b.span.end;
}

/** True when two locations overlap in one file. */
export function locationsOverlap(a: Location, b: Location): boolean {
  return a.file === b.file && a.span.start < b.span.end && b.span.start < a.span.end;
}

/**
 * The binds a reference resolves to:
 * - the Calls rtcd URL: rtcd's API binds on its port, else nginx listeners on its port;
 * - a loopback reference: binds on the host and network namespace that serve it, except a
 *   listener in the reference's own nginx server block (a proxy to itself is the problem, not
 *   the target);
 * - a reference to a compose service by name: what that container listens on.
 * Container targets of a published port and references to other hosts resolve to nothing.
 */
export function resolveReference(snap: Snapshot, r: PortFact): PortFact[] {
  if (r.kind !== 'reference' || r.publishedBy || r.role === 'rtcd-ice-host-port-override') return [];
  if (r.role === 'calls-rtcd-url') {
    const binds = effectiveBinds(snap);
    const api = binds.filter((b) => b.role === 'rtcd-api' && b.ports.start === r.ports.start);
    if (api.length > 0) return api;
    return binds.filter((b) => b.format === 'nginx' && b.host === r.host && b.netns === undefined && b.ports.start === r.ports.start);
  }
  if (r.address === undefined) return [];
  if (isLoopback(r.address)) {
    return loopbackServers(snap, r).filter((b) => !(b.format === 'nginx' && r.format === 'nginx' && b.location.file === r.location.file && b.block !== undefined && b.block === r.block));
  }
  const services = composeServices(snap, r.host, r.address, r.netns);
  return services.flatMap((w) => containerPorts(snap, w)).flatMap((p) => (p.fact && p.fact.kind === 'bind' && p.port >= r.ports.start && p.port <= r.ports.end && protocolsOverlap(p.protocol, r.protocol) ? [p.fact] : []));
}

/** Binds one process (or one setting with its overrides) makes on the same port as `b`. */
function sameSetting(snap: Snapshot, b: PortFact): PortFact[] {
  return snap.facts.filter((f) => {
    if (f.kind !== 'bind' || f.host !== b.host || f.ports.start !== b.ports.start || f.ports.end !== b.ports.end) return false;
    if (f === b) return true;
    if (b.role !== undefined) {
      if (f.role !== b.role) return false;
      return b.role.startsWith('calls-') ? true : f.instance !== undefined && f.instance === b.instance;
    }
    return f.role === undefined && f.instance !== undefined && f.instance === b.instance && f.protocol === b.protocol && f.location.file === b.location.file && f.block === b.block && f.detail === b.detail;
  });
}

/** The binds a mention stands for: itself (a bind), what it resolves to (a reference) or what it opens (a firewall rule); empty when ambiguous. */
export function anchorBinds(snap: Snapshot, f: PortFact): PortFact[] {
  if (f.kind === 'bind') return [f];
  if (f.kind === 'reference') {
    if (f.publishedBy) {
      // A container target stands for what the container binds on that port.
      return effectiveBinds(snap).filter((b) => b.netns === f.netns && b.host === f.host && b.ports.start === f.ports.start && protocolsOverlap(b.protocol, f.protocol));
    }
    const s = resolveReference(snap, f);
    const instances = new Set(s.map((b) => b.instance ?? b.id));
    return instances.size === 1 ? s : [];
  }
  const opened = effectiveBinds(snap).filter((b) => b.host === f.host && (b.netns === undefined || isDockerPublished(snap, b)) && rangesOverlap(b.ports, f.ports) && protocolsOverlap(b.protocol, f.protocol));
  const instances = new Set(opened.map((b) => b.instance ?? b.id));
  return instances.size === 1 ? opened : [];
}

function describeBind(b: PortFact): string {
  const role = roleLabel(b.role);
  if (b.derivation.kind === 'env') return `${role ?? `${b.owner}'s port`}: environment override ${b.derivation.variable}`;
  return role ? `${role}${b.shadowed ? ' (overridden)' : ''}` : `${b.owner} ${b.detail}`;
}

/**
 * Every mention that must change together with `subject` (included) so that the host stays
 * consistent: the binds of the same setting (config value, its environment overrides, the same
 * process described twice), references that resolve only to them, container targets of those
 * binds, rtcd's advertised ICE port when it mirrors the media port, firewall rules that open
 * the port only for them, and any mention sharing the written value (a `.env` entry used twice).
 * Ranges link to nothing but themselves. A firewall rule that also opens the port for another
 * process is linked only with `sharedFirewall` (the caller re-checks which variant is right).
 */
export function linkedMentions(snap: Snapshot, subject: PortFact, opts: { sharedFirewall?: boolean } = {}): LinkedMention[] {
  const out = new Map<PortFact, string>();
  const add = (f: PortFact, why: string) => {
    if (!out.has(f)) out.set(f, why);
  };
  if (!single(subject)) return [{ fact: subject, why: 'this mention' }];
  const anchors = anchorBinds(snap, subject).filter(single);
  const binds = new Set<PortFact>();
  for (const a of anchors) for (const b of sameSetting(snap, a)) binds.add(b);
  if (subject.kind === 'bind') binds.add(subject);
  for (const b of binds) add(b, describeBind(b));
  if (subject.kind !== 'bind') add(subject, subject.kind === 'firewall' ? `${subject.firewall?.firewall ?? 'ufw'} rule` : `${subject.owner} ${subject.detail}`);
  const port = subject.kind === 'bind' || anchors.length === 0 ? subject.ports.start : anchors[0]!.ports.start;
  const bindList = [...binds];
  if (bindList.length > 0) {
    for (const r of snap.facts) {
      if (r.kind !== 'reference' || !single(r) || r.ports.start !== port) continue;
      if (r.publishedBy) {
        if (bindList.some((b) => b.netns !== undefined && b.netns === r.netns && b.host === r.host && protocolsOverlap(b.protocol, r.protocol))) add(r, `container port mapped by ${r.owner}`);
        continue;
      }
      if (r.role === 'rtcd-ice-host-port-override') {
        if (bindList.some((b) => (b.role === 'rtcd-ice-udp' || b.role === 'rtcd-ice-tcp') && b.instance === r.instance)) add(r, "rtcd's advertised ICE port");
        continue;
      }
      const servers = resolveReference(snap, r);
      if (servers.length > 0 && servers.every((s) => binds.has(s) || sameSetting(snap, s).some((x) => binds.has(x)))) add(r, r.role === 'calls-rtcd-url' ? "the Calls plugin's rtcd URL" : `${r.owner} ${r.detail}`);
    }
    const hostBinds = bindList.filter((b) => b.netns === undefined || isDockerPublished(snap, b));
    for (const fw of snap.facts) {
      if (fw.kind !== 'firewall' || !single(fw) || fw.ports.start !== port) continue;
      const mine = hostBinds.filter((b) => b.host === fw.host && protocolsOverlap(b.protocol, fw.protocol));
      if (mine.length === 0) continue;
      const others = effectiveBinds(snap).filter((b) => !binds.has(b) && b.host === fw.host && (b.netns === undefined || isDockerPublished(snap, b)) && rangesOverlap(b.ports, fw.ports) && protocolsOverlap(b.protocol, fw.protocol));
      const label = `${fw.firewall?.firewall ?? 'ufw'} rule`;
      if (others.length === 0) add(fw, label);
      else if (opts.sharedFirewall) add(fw, `${label} (also opens it for ${others[0]!.owner})`);
    }
  }
  // A value written once and used by several mentions changes for all of them.
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of snap.facts) {
      if (out.has(f) || !single(f) || f.ports.start !== port) continue;
      const shared = [...out.keys()].find((m) => m.derivation.kind !== 'default' && locationsOverlap(m.valueLocation, f.valueLocation));
      if (shared) {
        add(f, `${f.owner} ${f.detail} (same written value)`);
        grew = true;
      }
    }
  }
  return [...out].map(([fact, why]) => ({ fact, why })).sort((a, b) => (a.fact.location.file < b.fact.location.file ? -1 : a.fact.location.file > b.fact.location.file ? 1 : a.fact.location.span.start - b.fact.location.span.start));
}

/** True when two facts are the same mention (same location). */
export function sameMention(a: PortFact, b: PortFact): boolean {
  return sameLocation(a.location, b.location);
}
