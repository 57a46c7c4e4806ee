/**
 * rtcd instances: an rtcd config.toml plus the systemd unit, compose service or `docker run`
 * that starts rtcd is one instance. `RTCD_*` overrides in the launcher's environment win over
 * config.toml (rtcd reads its config file, then the environment); the overridden config values
 * stay as shadowed mentions. A launcher with no config file binds rtcd's defaults.
 */
import { parseListenAddress } from '../../model/addresses';
import type { EnvAssignment, Location, PortFact } from '../../model/facts';
import { filesNamedBy } from '../../model/listing';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../model/ports';
import { classifyRtcdEnv, looksLikeRtcdEnv, RTCD_PORT_KEYS } from '../../formats/rtcd';
import type { PlacedEnv, PlacedWorkload } from '../placed';
import type { PlacedSnapshot } from '../snapshot';
import type { Draft } from './draft';
import type { ResolveMemo } from './memo';
import { envSpan, lastAssignments, plainPort, workloadFormat } from './workloads';

type PortKey = (typeof RTCD_PORT_KEYS)[number];

/** One launcher and what it is linked to. */
interface Instance {
  w: PlacedWorkload;
  host: string;
  /** The linked config.toml, if any. */
  config: string | undefined;
  configFacts: readonly PortFact[];
  /** Instance key of the binds the environment adds: the config's, else the launcher's. */
  instance: string;
  netns: string | undefined;
}

/**
 * Resolves every rtcd launcher, host by host (hosts in the order they first appear among
 * workloads, then facts): links its config, applies its `RTCD_*` overrides or rtcd's defaults,
 * and reports unknown `RTCD_*` variables, in launchers and in standalone env files.
 */
export function resolveRtcdInstances(snap: PlacedSnapshot, draft: Draft, mounted: ReadonlyMap<string, PlacedWorkload>, memo: ResolveMemo): void {
  const { factsOf, configsOn } = rtcdConfigs(draft);
  const launchersOn = new Map<string, PlacedWorkload[]>();
  for (const w of snap.workloads) if (memo.isRtcd(w)) pushTo(launchersOn, w.host, w);
  const hosts = new Set(snap.workloads.map((w) => w.host));
  for (const f of draft.facts) hosts.add(f.host);
  for (const host of hosts) {
    for (const w of launchersOn.get(host) ?? []) {
      const config = linkedConfig(w, configsOn.get(host) ?? [], mounted);
      const configFacts = config ? factsOf.get(config) ?? [] : [];
      applyEnvironment(draft, { w, host, config, configFacts, instance: config ? `rtcd:${config}` : w.instance, netns: config ? configFacts[0]?.netns : w.netns });
      for (const e of w.env) {
        if (RTCD_PORT_KEYS.some((k) => k.env === e.name)) continue;
        if (!looksLikeRtcdEnv(e.name) && !e.name.startsWith('RTCD_')) continue;
        reportUnknown(draft, e);
      }
    }
  }
  // Standalone env files: a variable spelled like rtcd's but unknown is a typo.
  for (const e of snap.env) if (e.name.startsWith('RTCD_')) reportUnknown(draft, e);
}

function pushTo<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Each rtcd config file's facts (copied: overrides may shadow them), and the configs on each host, in fact order. */
function rtcdConfigs(draft: Draft): { factsOf: Map<string, PortFact[]>; configsOn: Map<string, string[]> } {
  const factsOf = new Map<string, PortFact[]>();
  const configsOn = new Map<string, string[]>();
  for (let i = 0; i < draft.facts.length; i++) {
    if (draft.facts[i]!.format !== 'rtcd-toml') continue;
    const f = draft.own(i);
    const file = f.location.file;
    let list = factsOf.get(file);
    if (!list) {
      factsOf.set(file, (list = []));
      pushTo(configsOn, f.host, file);
    }
    list.push(f);
  }
  return { factsOf, configsOn };
}

/**
 * The config a launcher reads: the one mounted into it; else the one its `--config` names (by
 * {@link filesNamedBy}, sharing at least the last three segments, or all when fewer are
 * written: "config.toml" alone names too much); else, for a systemd unit, the host's only one.
 */
function linkedConfig(w: PlacedWorkload, configs: readonly string[], mounted: ReadonlyMap<string, PlacedWorkload>): string | undefined {
  const mountedConfig = configs.find((c) => mounted.get(c) === w);
  if (mountedConfig) return mountedConfig;
  const arg = configArg(w.args);
  const byArg = arg ? filesNamedBy(arg, [...configs].sort(), w.file, { minSegments: Math.min(3, arg.split('/').filter(Boolean).length) })[0] : undefined;
  return byArg ?? (w.kind === 'systemd-unit' && configs.length === 1 ? configs[0] : undefined);
}

/** The value of `--config X`, `--config=X`, `-config X` or `-config=X`. */
function configArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?config(?:=(.*))?$/.exec(args[i]!);
    if (m) return m[1] ?? args[i + 1];
  }
  return undefined;
}

/** For each rtcd port key: the launcher's override (shadowing the config's binds), or rtcd's default when no config is linked. */
function applyEnvironment(draft: Draft, inst: Instance): void {
  const last = lastAssignments(inst.w.env);
  for (const pk of RTCD_PORT_KEYS) {
    const e = last.get(pk.env);
    if (e) applyOverride(draft, inst, pk, e);
    else if (!inst.config) applyDefault(draft, inst, pk);
  }
}

function applyOverride(draft: Draft, inst: Instance, pk: PortKey, e: EnvAssignment): void {
  const { w, host } = inst;
  const fromConfig = inst.configFacts.filter((f) => f.role === pk.role && f.kind === 'bind');
  const value: { port: number; loc: Location; address?: string | undefined } | undefined = pk.role === 'rtcd-api' ? listenPort(e) : plainPort(e);
  if (!value) {
    draft.report({ rule: 'invalid-port', file: e.valueLocation.file, span: e.valueLocation.span, message: `${pk.env}="${e.value}" is not a valid ${pk.role === 'rtcd-api' ? 'listen address like ":8045"' : 'port'}` });
    return;
  }
  const { port, loc } = value;
  if (port < RTCD_MIN_PORT || port > RTCD_MAX_PORT) {
    draft.report({ rule: 'invalid-port', file: loc.file, span: loc.span, message: `rtcd accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; ${pk.env} is ${port}` });
    return;
  }
  for (const f of fromConfig) {
    f.shadowed = true;
    f.shadowedBy = `overridden by ${pk.env}`;
  }
  const fact: Omit<PortFact, 'id'> = {
    kind: 'bind', ports: { start: port, end: port }, protocol: pk.protocol, owner: 'rtcd', role: pk.role, host, format: workloadFormat(w),
    location: loc, valueLocation: loc, detail: pk.env, instance: inst.instance,
    derivation: { kind: 'env', variable: pk.env, location: { file: e.nameLocation.file, span: { start: e.nameLocation.span.start, end: e.valueLocation.span.end } } },
  };
  const addr = value.address ?? fromConfig[0]?.address;
  if (addr !== undefined) fact.address = addr;
  if (inst.netns !== undefined) fact.netns = inst.netns;
  draft.add(fact);
}

/** The port of a listen address value (`:8045`, `127.0.0.1:8045`), where its digits are, and its host part. */
function listenPort(e: EnvAssignment): { port: number; loc: Location; address: string | undefined } | undefined {
  const la = parseListenAddress(e.value);
  if (!la?.port) return undefined;
  return { port: la.port.port, loc: envSpan(e, la.port.start, la.port.end), address: la.host };
}

function applyDefault(draft: Draft, inst: Instance, pk: PortKey): void {
  const { w } = inst;
  const fact: Omit<PortFact, 'id'> = {
    kind: 'bind', ports: { start: pk.default, end: pk.default }, protocol: pk.protocol, owner: 'rtcd', role: pk.role, host: inst.host,
    format: workloadFormat(w),
    location: w.location, valueLocation: w.location, detail: pk.key.split('.').pop()!, instance: inst.instance,
    derivation: { kind: 'default', note: `rtcd's default for ${pk.key} (no config file is linked to ${w.name})` },
  };
  if (w.netns !== undefined) fact.netns = w.netns;
  draft.add(fact);
}

/** An `unknown-rtcd-key` finding for a variable rtcd does not read, once per mention, with the key it likely means. */
function reportUnknown(draft: Draft, e: EnvAssignment | PlacedEnv): void {
  const c = classifyRtcdEnv(e.name);
  if (c.kind === 'key' || !draft.firstReport(e.nameLocation)) return;
  const note = e.name.startsWith('RTCD_') ? '' : ' (rtcd reads only variables prefixed RTCD_)';
  draft.report({
    rule: 'unknown-rtcd-key', file: e.nameLocation.file, span: e.nameLocation.span,
    message: `rtcd does not read ${e.name}${note}${c.suggestion ? `; did you mean ${c.suggestion}?` : ''}`,
    ...(c.suggestion ? { suggestion: c.suggestion } : {}),
  });
}
