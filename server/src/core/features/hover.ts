/**
 * Hover content for a port mention: owner, protocol, address, role, the host and why it is that
 * host (index/deployments.ts), how the value was derived, every other mention of that port on
 * the host, and the well-known use of the port: the product's own name when the image or
 * program behind the mention identifies it (Home Assistant's 8123, Portainer's 9000), else the
 * generic meaning or the candidates (never one product's name for a number several products
 * use). Returns Markdown; links come from the caller so the core
 * never builds URIs. Every name taken from the workspace (owner, host, file, image, comment,
 * expression) is escaped (./markup.ts), so no workspace text becomes a link or markup.
 */
import type { Location, PortFact } from '../model/facts';
import { formatRange, rangesOverlap } from '../model/ports';
import { wellKnown } from '../model/wellknown';
import type { Snapshot } from '../index/workspace';
import { portLabel, roleLabel } from '../index/queries';
import { ownerLabel, portOwner, publishedTarget, workloadOf } from '../index/owners';
import { markdownCode as code, markdownText as text } from './markup';

/** Facts whose mention (or written value) covers `offset` in `file`; the narrowest first. */
export function factsAt(snap: Snapshot, file: string, offset: number): PortFact[] {
  const hits = snap.facts.filter((f) => {
    const at = (l: Location) => l.file === file && l.span.start <= offset && offset <= l.span.end;
    return at(f.location) || at(f.valueLocation);
  });
  return hits.sort((a, b) => a.location.span.end - a.location.span.start - (b.location.span.end - b.location.span.start));
}

function derivationText(snap: Snapshot, f: PortFact, link: (l: Location, text: string) => string): string {
  const d = f.derivation;
  switch (d.kind) {
    case 'literal': return 'written here';
    case 'default': return d.note;
    case 'env': return `environment override ${code(d.variable)} at ${link(d.location, text(snap.where(d.location)))}`;
    case 'interpolation':
      if (d.source === 'env-file' && d.location) return `${code(d.expression)} = ${formatRange(f.ports)}, from ${link(d.location, text(snap.where(d.location)))}`;
      if (d.source === 'expression-default') return `${code(d.expression)}: ${code(d.variable)} is not set, so its default ${formatRange(f.ports)} applies`;
      return `${code(d.expression)}: ${code(d.variable)} is not set`;
  }
}

/**
 * Markdown hover for the narrowest mention at an offset, or `undefined` when there is none.
 * `link(location, label)` gets an already escaped Markdown label and returns a link to it.
 */
export function hoverAt(snap: Snapshot, file: string, offset: number, link: (l: Location, text: string) => string): { markdown: string; location: Location } | undefined {
  const f = factsAt(snap, file, offset)[0];
  if (!f) return undefined;
  const lines: string[] = [];
  const role = roleLabel(f.role);
  lines.push(`**${portLabel(f)}** · ${f.kind}${role ? ` · ${role}` : ''}${f.shadowed ? ` · *not in effect (${text(f.shadowedBy ?? 'overridden')})*` : ''}`);
  lines.push('');
  const where = f.netns ? `inside container ${text(f.netns.replace(/^[a-z-]+:/, ''))}` : `host "${text(f.host)}"`;
  lines.push(`Owner: **${text(f.owner)}** · address: ${text(f.address ?? (f.kind === 'firewall' ? 'any' : f.addressUnknown ? 'unknown (an unset variable)' : 'all interfaces'))} · ${where} · ${code(f.detail)}`);
  // Which host and why (index/deployments.ts); a resolver fact placed by its launcher may sit on another host than its file.
  const placed = snap.placementOf(f.location.file);
  lines.push(placed.host === f.host ? `Host **${text(f.host)}**: ${text(placed.reason)}` : `Host **${text(f.host)}**`);
  if (f.firewall) lines.push(`${f.firewall.firewall} ${f.firewall.action} ${f.firewall.direction}${f.firewall.from ? ` from ${text(f.firewall.from)}` : ' from anywhere'}${f.firewall.comment ? ` — “${text(f.firewall.comment)}”` : ''}${f.firewall.filtersPublished ? ' (DOCKER-USER: filters Docker-published ports)' : ''}`);
  lines.push(`Value: ${derivationText(snap, f, link)}`);
  const others = snap.facts
    .filter((o) => o !== f && o.host === f.host && rangesOverlap(o.ports, f.ports))
    .sort((a, b) => (a.location.file === b.location.file ? a.location.span.start - b.location.span.start : a.location.file < b.location.file ? -1 : 1));
  if (others.length > 0) {
    lines.push('', `Other mentions of ${formatRange(f.ports)} on "${text(f.host)}":`);
    for (const o of others.slice(0, 20)) {
      const r = roleLabel(o.role);
      lines.push(`- ${o.kind} ${portLabel(o)} · ${text(o.owner)}${r ? ` (${r})` : ''}${o.shadowed ? ' (not in effect)' : ''} · ${link(o.location, text(snap.where(o.location)))}`);
    }
    if (others.length > 20) lines.push(`- … and ${others.length - 20} more`);
  }
  const owned = snap.facts.some((o) => o.kind === 'bind' && !o.shadowed && o.host === f.host && rangesOverlap(o.ports, f.ports));
  const owner = portOwner(workloadOf(snap, f));
  if (!owned) {
    const known = wellKnown(f.ports.start, f.protocol, owner);
    lines.push('', known.length > 0 ? `Nothing in the workspace binds ${formatRange(f.ports)}. Well-known use: ${known.map((k) => k.name).join('; ')}.` : `Nothing in the workspace binds ${formatRange(f.ports)}.`);
  } else {
    // A published host port is the container port's product; the host number says nothing.
    const inside = publishedTarget(snap, f)?.ports.start ?? f.ports.start;
    const own = wellKnown(inside, f.protocol, owner).filter((k) => k.product !== undefined);
    const by = ownerLabel(owner);
    if (own.length > 0 && by) lines.push('', `Well-known use of ${inside}: ${own.map((k) => k.name).join('; ')} (${text(by)}).`);
  }
  return { markdown: lines.join('\n'), location: f.location };
}
