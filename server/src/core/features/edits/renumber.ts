/**
 * "Renumber rtcd ports": one set of edits that moves rtcd's API port and media port everywhere
 * they are carried — rtcd's config.toml and its `RTCD_*` overrides, the compose or `docker run`
 * mappings of its container, nginx proxies and upstreams that point at it (and stream listeners
 * in the same block that forward its media), ufw rules that open those ports only for rtcd
 * (with the numbers in their comments), and the Calls plugin's rtcd URL and `MM_CALLS_*`
 * variables. Values derived from `${VAR:-default}` change where the effective value is written.
 * Pure; the language server and the CLI apply the edits.
 */
import type { PortFact, Protocol } from '../../model/facts';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../model/ports';
import type { Snapshot } from '../../index/workspace';
import { heldMessage, holdersOf, nearestFree, takenPorts, whyNotFree, type FreeQuery, type TakenPort } from './free';
import { linkedMentions, type LinkedMention } from './links';
import { moveEdits } from './port';
import { verifyEdits, type Reanalyze } from './recheck';
import type { TextEdit } from './text';
import type { PortDiagnostic } from '../../rules';
import { effectiveBinds, protocolsOverlap } from '../../index/queries';

/** rtcd's ports: `api` is TCP (api.http.listen_address), `media` is UDP and TCP (rtc.ice_port_udp/tcp). Integers in [80, 49151]. */
export interface RtcdPorts {
  api: number;
  media: number;
}

/** One rtcd process: its effective API and media binds. */
export interface RtcdInstance {
  instance: string;
  host: string;
  api?: PortFact;
  udp?: PortFact;
  tcp?: PortFact;
}

/** rtcd processes in the workspace, by instance, in a stable order (host, then instance). */
export function rtcdInstances(snap: Snapshot): RtcdInstance[] {
  const by = new Map<string, RtcdInstance>();
  for (const b of effectiveBinds(snap)) {
    if (b.role !== 'rtcd-api' && b.role !== 'rtcd-ice-udp' && b.role !== 'rtcd-ice-tcp') continue;
    const key = b.instance ?? b.id;
    const r = by.get(key) ?? { instance: key, host: b.host };
    if (b.role === 'rtcd-api') r.api ??= b;
    else if (b.role === 'rtcd-ice-udp') r.udp ??= b;
    else r.tcp ??= b;
    by.set(key, r);
  }
  return [...by.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.instance < b.instance ? -1 : 1));
}

/** A port some other process holds. */
export interface Held {
  port: number;
  protocol: Protocol;
  /** "web (opt/jitsi/docker-compose.yml:9)". */
  holder: string;
  message: string;
}

/** What {@link planRenumber} returns. */
export interface RenumberPlan {
  instance?: RtcdInstance;
  current?: RtcdPorts;
  edits: TextEdit[];
  /** Every mention that changes, with why. */
  mentions: LinkedMention[];
  /** Why the renumber cannot be done (invalid ports, no rtcd, a default written nowhere); set means no edits. */
  invalid?: string;
  /** New ports held by something else; the renumber is refused unless forced. */
  held: Held[];
}

function inRange(n: number): boolean {
  return Number.isInteger(n) && n >= RTCD_MIN_PORT && n <= RTCD_MAX_PORT;
}

/**
 * Computes the renumber of one rtcd (`instance`, default the first of {@link rtcdInstances}) to
 * `ports`. Never throws: invalid input yields `invalid`, taken ports yield `held`.
 */
export function planRenumber(snap: Snapshot, textOf: (file: string) => string | undefined, ports: RtcdPorts, instance?: string): RenumberPlan {
  const plan: RenumberPlan = { edits: [], mentions: [], held: [] };
  if (!inRange(ports.api) || !inRange(ports.media)) {
    plan.invalid = `rtcd accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; got API ${ports.api}, media ${ports.media}`;
    return plan;
  }
  if (ports.api === ports.media) {
    plan.invalid = `the API port and the media port must differ (both would bind ${ports.api}/tcp)`;
    return plan;
  }
  const all = rtcdInstances(snap);
  const r = instance ? all.find((x) => x.instance === instance) : all[0];
  if (!r || !r.api) {
    plan.invalid = all.length === 0 ? 'no rtcd found in the workspace (a config.toml, or a unit, compose service or docker run starting rtcd)' : `no rtcd instance ${instance}`;
    return plan;
  }
  plan.instance = r;
  plan.current = { api: r.api.ports.start, media: (r.udp ?? r.tcp ?? r.api).ports.start };
  const roles: [PortFact | undefined, number][] = [[r.api, ports.api], [r.udp, ports.media], [r.tcp, ports.media]];
  const moves = new Map<PortFact, { old: number; next: number; why: string }>();
  for (const [bind, next] of roles) {
    if (!bind || bind.ports.start === next) continue;
    if (bind.derivation.kind === 'default') {
      plan.invalid = `rtcd's ${bind.detail} is its default ${bind.ports.start}, written nowhere (${bind.derivation.note}); write it in config.toml or as an RTCD_ variable first`;
      return plan;
    }
    const old = bind.ports.start;
    const group = linkedMentions(snap, bind);
    for (const m of group) if (!moves.has(m.fact)) moves.set(m.fact, { old, next, why: m.why });
    // The host side of a container mapping that publishes rtcd's port 1:1.
    for (const m of group) {
      const t = m.fact;
      if (t.kind !== 'reference' || !t.publishedBy || t.publishedBy.start !== old || t.publishedBy.end !== old) continue;
      const published = effectiveBinds(snap).find((b) => b.location.file === t.location.file && b.netns === undefined && b.ports.start === old && protocolsOverlap(b.protocol, t.protocol) && b.owner === t.owner);
      if (published) for (const p of linkedMentions(snap, published)) if (!moves.has(p.fact)) moves.set(p.fact, { old, next, why: p.fact === published ? `port published for rtcd by ${t.owner}` : p.why });
    }
    // The Calls plugin's own RTC ports mirror rtcd's media port.
    if (bind.role !== 'rtcd-api') {
      for (const c of snap.facts) if ((c.role === 'calls-udp' || c.role === 'calls-tcp') && c.ports.start === old && c.derivation.kind !== 'default' && !moves.has(c)) moves.set(c, { old, next, why: "the Calls plugin's RTC port" });
    }
  }
  // nginx stream listeners forwarding rtcd's media, in the block of a proxy that moves.
  for (const [f, mv] of [...moves]) {
    if (f.format !== 'nginx' || f.kind !== 'reference' || f.block === undefined || mv.old === plan.current.api) continue;
    for (const l of snap.facts) {
      if (l.format === 'nginx' && l.kind === 'bind' && l.location.file === f.location.file && l.block === f.block && l.ports.start === mv.old && l.ports.end === mv.old && !moves.has(l)) {
        for (const p of linkedMentions(snap, l)) if (!moves.has(p.fact)) moves.set(p.fact, { ...mv, why: p.fact === l ? 'nginx listener forwarding rtcd media' : p.why });
      }
    }
  }
  // Firewall rules (ufw, firewalld, nftables, iptables) that opened an old port only for what moves.
  const moving = (b: PortFact) => moves.has(b);
  for (const fw of snap.facts) {
    if (fw.kind !== 'firewall' || fw.ports.start !== fw.ports.end || moves.has(fw)) continue;
    const mine = [...moves].filter(([b, mv]) => b.kind === 'bind' && b.host === fw.host && b.netns === undefined && mv.old === fw.ports.start && protocolsOverlap(b.protocol, fw.protocol));
    if (mine.length === 0) continue;
    const nexts = new Set(mine.map(([, mv]) => mv.next));
    if (nexts.size !== 1) continue;
    const others = effectiveBinds(snap).filter((b) => !moving(b) && b.host === fw.host && b.netns === undefined && b.ports.start <= fw.ports.start && b.ports.end >= fw.ports.start && protocolsOverlap(b.protocol, fw.protocol));
    if (others.length === 0) moves.set(fw, { ...mine[0]![1], why: `${fw.firewall?.firewall ?? 'ufw'} rule` });
  }
  // Taken ports: a moving bind's new port must be free where it binds.
  for (const [b, mv] of moves) {
    if (b.kind !== 'bind' || b.shadowed) continue;
    for (const proto of b.protocol === 'both' ? (['tcp', 'udp'] as const) : [b.protocol]) {
      const h = holdersOf(snap, { host: b.host, netns: b.netns }, mv.next, proto, moving);
      if (h.length > 0 && !plan.held.some((x) => x.port === mv.next && x.protocol === proto)) {
        plan.held.push({ port: mv.next, protocol: proto, holder: `${h[0]!.owner} (${snap.where(h[0]!.location)})`, message: heldMessage(snap, mv.next, h) });
      }
    }
  }
  const edits: TextEdit[] = [];
  for (const [f, mv] of moves) {
    const { edits: e } = moveEdits(textOf, [{ fact: f, why: mv.why }], mv.old, mv.next);
    for (const x of e) if (!edits.some((y) => y.file === x.file && y.span.start === x.span.start && y.span.end === x.span.end)) edits.push(x);
    plan.mentions.push({ fact: f, why: mv.why });
  }
  plan.edits = edits;
  return plan;
}

/** Suggested ports for the renumber prompt. */
export interface RtcdSuggestion {
  instance: string;
  host: string;
  current: RtcdPorts;
  suggested: RtcdPorts;
  /** Why a current port is not kept, and which nearer ports were skipped. */
  reasons: string[];
  /** Single ports bound on rtcd's host (its own network namespace) by anything but this rtcd. */
  taken: TakenPort[];
}

/**
 * The current rtcd ports and a free pair: a current port is kept when nothing else holds it,
 * else the nearest free port (not bound on the host, not a well-known port of another stack
 * present, in [80, 49151]). `undefined` when there is no rtcd.
 */
export function suggestRtcdPorts(snap: Snapshot, instance?: string): RtcdSuggestion | undefined {
  const all = rtcdInstances(snap);
  const r = instance ? all.find((x) => x.instance === instance) : all[0];
  if (!r || !r.api) return undefined;
  const media = r.udp ?? r.tcp ?? r.api;
  const current = { api: r.api.ports.start, media: media.ports.start };
  const ownBinds = new Set(effectiveBinds(snap).filter((b) => b.instance === r.instance));
  const reasons: string[] = [];
  // Ports are checked on the host: a containerized rtcd publishes its ports there.
  const base: Omit<FreeQuery, 'protocols' | 'from'> = { place: { host: r.host }, bounds: { min: RTCD_MIN_PORT, max: RTCD_MAX_PORT }, ignore: (b) => ownBinds.has(b), ownWords: new Set(['rtcd']) };
  const pick = (from: number, protocols: Protocol[], avoid: Set<number>, what: string): number => {
    const q: FreeQuery = { ...base, protocols, from, avoid };
    const why = whyNotFree(snap, q, from);
    if (!why) return from;
    reasons.push(`${what} ${from}: ${why}`);
    const n = nearestFree(snap, q);
    if (!n) return from;
    for (const s of n.skipped) reasons.push(`${what}: skipped ${s}`);
    return n.port;
  };
  const api = pick(current.api, ['tcp'], new Set([current.media]), 'API');
  const m = pick(current.media, ['udp', 'tcp'], new Set([api]), 'media');
  const taken = takenPorts(snap, { host: r.host }, (b) => ownBinds.has(b));
  return { instance: r.instance, host: r.host, current, suggested: { api, media: m }, reasons, taken };
}

/** What {@link decideRenumber} concludes. */
export type RenumberDecision =
  /** Nothing is sent: `reason` says why ("8443/tcp is bound by web (...)", an invalid port, a problem the edits would cause). */
  | { kind: 'refused'; reason: string }
  /** rtcd already uses the requested ports. */
  | { kind: 'unchanged' }
  /** Apply `edits` (in `files` files); `label` is "rtcd ports: API 8444 → 8045, media 8046 → 8047". */
  | { kind: 'apply'; edits: TextEdit[]; files: number; label: string };

/**
 * The renumber of the first rtcd to `ports`, checked as the editor command applies it: refused
 * when {@link planRenumber} finds the ports invalid, or (unless `force`) when a new port is held
 * by something else or the re-check guard finds a problem the edits cause at a place where
 * `before` (the unedited workspace's diagnostics, same settings as `reanalyze`) had none.
 * Never throws for bad input; an exception of `reanalyze` propagates.
 */
export function decideRenumber(snap: Snapshot, textOf: (file: string) => string | undefined, ports: RtcdPorts, before: readonly PortDiagnostic[], reanalyze: Reanalyze, force = false): RenumberDecision {
  const plan = planRenumber(snap, textOf, ports);
  if (plan.invalid) return { kind: 'refused', reason: plan.invalid };
  if (plan.held.length > 0 && !force) return { kind: 'refused', reason: plan.held.map((h) => h.message).join('; ') };
  if (plan.edits.length === 0) return { kind: 'unchanged' };
  const caused = verifyEdits(before, plan.edits, textOf, reanalyze).caused;
  if (caused.length > 0 && !force) return { kind: 'refused', reason: `the renumber would cause ${caused.map((d) => `${d.rule} at ${snap.where(d.location)}: ${d.message}`).join('; ')}` };
  const cur = plan.current!;
  const label = `rtcd ports: API ${cur.api} → ${ports.api}, media ${cur.media} → ${ports.media}`;
  return { kind: 'apply', edits: plan.edits, files: new Set(plan.edits.map((e) => e.file)).size, label };
}
