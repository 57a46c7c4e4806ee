/**
 * `port-conflict` (error): two binds on one host and in one network namespace overlap in
 * protocol, address and port, and belong to different processes. Both sides are reported.
 * Docker-published host ports are host binds; container-side ports are not (unless
 * `network_mode: host`, which the compose module already turns into host binds). Transient binds
 * (a foreground `docker run --rm`) are held only while a one-shot command runs and are skipped.
 * A clash only with compose services in profiles `COMPOSE_PROFILES` does not enable (facts with
 * `optional`, set by the resolver) is a warning whose message names the profile; two services
 * with profiles but none in common are alternatives and never clash.
 */
import type { PortFact } from '../model/facts';
import { type PortDiagnostic, type Rule } from './rule';
import { addressesOverlap, describe, effectiveBinds, portLabel, protocolsOverlap } from '../index/queries';

/** How a bind's address reads in a message. */
function where(b: PortFact): string {
  return b.address ?? (b.addressUnknown ? 'an unknown address' : 'all interfaces');
}

/** Why a clash between `a` and `b`, one of them in compose profiles not enabled, is only possible. */
function profileNote(a: PortFact, b: PortFact): string {
  const [who, profiles] = a.optional ? [a, a.profiles ?? []] : [b, b.profiles ?? []];
  const names = profiles.map((p) => `"${p}"`).join(', ');
  return ` when ${who.owner}'s compose profile${profiles.length > 1 ? 's' : ''} ${names} ${profiles.length > 1 ? 'are' : 'is'} enabled (COMPOSE_PROFILES does not enable ${profiles.length > 1 ? 'them' : 'it'}, so ${who.owner} runs only with --profile)`;
}

/**
 * True for two compose services that both have profiles, with no profile in common, not both
 * enabled by `COMPOSE_PROFILES`: alternatives
 * (`--profile cpu` or `--profile gpu`; a base service in a profile never enabled, which others
 * extend) that run together only if someone enables both on purpose.
 */
function alternatives(a: PortFact, b: PortFact): boolean {
  if (!a.profiles || !b.profiles || (!a.optional && !b.optional)) return false;
  return !a.profiles.some((p) => b.profiles!.includes(p));
}

function sameProcess(a: PortFact, b: PortFact): boolean {
  return a.instance !== undefined && a.instance === b.instance;
}

export const portConflict: Rule = {
  id: 'port-conflict',
  severity: 'error',
  description: 'Two services bind the same port, protocol and address on one host.',
  byHost: true,
  check(snap) {
    const out: PortDiagnostic[] = [];
    const groups = new Map<string, PortFact[]>();
    for (const b of effectiveBinds(snap)) {
      if (b.transient) continue;
      const key = `${b.host}\u0000${b.netns ?? ''}`;
      const g = groups.get(key) ?? [];
      g.push(b);
      groups.set(key, g);
    }
    for (const binds of groups.values()) {
      binds.sort((x, y) => x.ports.start - y.ports.start);
      const clashes = new Map<PortFact, PortFact[]>();
      // Sweep: only binds whose ranges can overlap are compared.
      for (let i = 0; i < binds.length; i++) {
        const a = binds[i]!;
        for (let j = i + 1; j < binds.length && binds[j]!.ports.start <= a.ports.end; j++) {
          const b = binds[j]!;
          if (sameProcess(a, b) || alternatives(a, b) || !protocolsOverlap(a.protocol, b.protocol) || !addressesOverlap(a.address, b.address)) continue;
          clashes.set(a, [...(clashes.get(a) ?? []), b]);
          clashes.set(b, [...(clashes.get(b) ?? []), a]);
        }
      }
      for (const [a, others] of clashes) {
        // A clash with a service only a compose profile starts is a warning, unless another is certain.
        const certain = a.optional ? [] : others.filter((o) => !o.optional);
        const first = certain[0] ?? others[0]!;
        const more = others.length > 1 ? ` and ${others.length - 1} more` : '';
        out.push({
          rule: 'port-conflict',
          severity: certain.length ? 'error' : 'warning',
          location: a.location,
          message: `${portLabel(a)} on ${where(a)} is also bound by ${describe(snap, first)}${more}${certain.length ? '' : profileNote(a, first)}`,
          related: others.map((o) => ({ location: o.location, message: `${o.owner} binds ${portLabel(o)} on ${where(o)}` })),
        });
      }
    }
    return out;
  },
};
