/**
 * Cross-file resolution, applied to every snapshot before the rules run. Pure.
 *
 * - Bind mounts: a config file mounted into a container (compose `volumes`, `docker run -v`)
 *   describes that container, so its facts move into the container's network namespace.
 * - rtcd instances: an rtcd config.toml plus the systemd unit, compose service or `docker run`
 *   that starts rtcd is one instance. `RTCD_*` overrides in the launcher's environment win
 *   over config.toml; the overridden config values stay as shadowed mentions. A launcher with
 *   no config file binds rtcd's defaults.
 * - Calls plugin environment (`MM_CALLS_*`) adds the rtcd URL and RTC port mentions; a set
 *   rtcd URL means the plugin's own RTC ports do not bind.
 */
import { parseListenAddress, parseUrl } from '../model/addresses';
import { withPrefix } from '../model/listing';
import { classifyRtcdEnv, looksLikeRtcdEnv, RTCD_PORT_KEYS } from '../formats/rtcd';
import type { EnvAssignment, FileFinding, Location, PortFact, Role } from '../model/facts';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../model/ports';
import type { PlacedWorkload, Snapshot } from './workspace';

/** A finding the resolver adds (unknown `RTCD_*` variables, invalid override values). */
export interface ResolvedFinding extends FileFinding {
  file: string;
}

/** True when a workload starts rtcd (program `rtcd`, or an rtcd container image). */
export function isRtcdWorkload(w: PlacedWorkload): boolean {
  if (w.program && /^rtcd$/i.test(w.program)) return true;
  return w.image !== undefined && /(^|\/)rtcd(:|@|$)/i.test(w.image);
}

/** True when a workload runs Mattermost (image or program), or sets Calls variables. */
export function isMattermostWorkload(w: PlacedWorkload): boolean {
  if (w.program && /^mattermost$/i.test(w.program)) return true;
  if (w.image && /mattermost\/(mattermost|\$\{MATTERMOST_IMAGE)|mattermost-(enterprise|team)-edition/i.test(w.image)) return true;
  return w.env.some((e) => e.name.startsWith('MM_CALLS_'));
}

/** The format of the file that defines a workload. */
function workloadFormat(w: PlacedWorkload): PortFact['format'] {
  return w.kind === 'systemd-unit' ? 'systemd' : w.kind === 'compose-service' ? 'compose' : 'shell';
}

/** Offset in the source of character `i` of an env value. */
function valueOffset(e: EnvAssignment, i: number): number {
  return e.valueOffsets?.[i] ?? e.valueLocation.span.start + i;
}

function envSpan(e: EnvAssignment, from: number, to: number): Location {
  if (to <= from) return e.valueLocation;
  return { file: e.valueLocation.file, span: { start: valueOffset(e, from), end: valueOffset(e, to - 1) + 1 } };
}

/** True when `written` (a path on the target machine, e.g. /etc/rtcd/config.toml) names workspace file `file` by suffix. */
function pathNames(written: string, file: string): boolean {
  const a = written.split('/').filter(Boolean);
  const b = file.split('/').filter(Boolean);
  // Compare up to the last three segments: "/etc/rtcd/config.toml" names ".../etc/rtcd/config.toml".
  const n = Math.min(a.length, b.length, 3);
  if (n === 0 || a.length > b.length) return false;
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

function configArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--?config(?:=(.*))?$/.exec(a);
    if (m) return m[1] ?? args[i + 1];
  }
  return undefined;
}

/** Resolves cross-file meaning; returns the snapshot's facts (copied, never mutated in place) and findings. */
export function resolveSnapshot(snap: Snapshot): { facts: PortFact[]; findings: ResolvedFinding[] } {
  // Copy on write: the snapshot's facts are shared with the index's per-file cache, so only the
  // facts this function changes (mounted files' facts, rtcd's and the Calls plugin's ports) are copied.
  const facts = [...snap.facts];
  const copied = new Set<number>();
  const own = (i: number): PortFact => {
    if (!copied.has(i)) {
      facts[i] = { ...facts[i]! };
      copied.add(i);
    }
    return facts[i]!;
  };
  const findings: ResolvedFinding[] = [];
  // One unknown-rtcd-key per variable mention, however many launchers read the env file.
  const reportedNames = new Set<string>();
  const firstReport = (l: Location): boolean => {
    const k = `${l.file}\u0000${l.span.start}`;
    if (reportedNames.has(k)) return false;
    reportedNames.add(k);
    return true;
  };
  const added: PortFact[] = [];
  let seq = 0;
  const push = (f: Omit<PortFact, 'id'>): void => {
    added.push({ ...f, id: `resolved#${seq++}` } as PortFact);
  };

  // 1. Bind mounts move a config file's facts into the container that reads it.
  const mounted = new Map<string, PlacedWorkload>();
  const sortedFiles = [...snap.files.keys()].sort();
  for (const w of snap.workloads) {
    if (!w.netns) continue;
    for (const v of w.volumes) {
      // The mounted file itself, or every file below the mounted directory (a sorted run).
      const hits = snap.files.has(v.source) ? [v.source] : [];
      hits.push(...withPrefix(sortedFiles, v.source.endsWith('/') ? v.source : v.source + '/'));
      for (const file of hits) if (file !== w.file) mounted.set(file, w);
    }
  }
  for (let i = 0; i < facts.length && mounted.size > 0; i++) {
    const w = mounted.get(facts[i]!.location.file);
    const format = facts[i]!.format;
    if (!w || format === 'compose' || format === 'shell' || format === 'dotenv') continue;
    const f = own(i);
    f.netns = w.netns;
    if (f.kind === 'bind') f.instance = w.instance;
  }

  // 2. rtcd instances. Only hosts with a launcher can have one.
  const rtcdFacts = new Map<string, PortFact[]>();
  const configsOn = new Map<string, string[]>();
  for (let i = 0; i < facts.length; i++) {
    if (facts[i]!.format !== 'rtcd-toml') continue;
    const f = own(i);
    const file = f.location.file;
    if (!rtcdFacts.has(file)) {
      rtcdFacts.set(file, []);
      const list = configsOn.get(f.host) ?? [];
      list.push(file);
      configsOn.set(f.host, list);
    }
    rtcdFacts.get(file)!.push(f);
  }
  const launchersOn = new Map<string, PlacedWorkload[]>();
  for (const w of snap.workloads) {
    if (!isRtcdWorkload(w)) continue;
    const list = launchersOn.get(w.host) ?? [];
    list.push(w);
    launchersOn.set(w.host, list);
  }
  // Hosts in the order they first appear among workloads, then facts (the order findings are made in).
  const hosts = new Set(snap.workloads.map((w) => w.host));
  for (const f of facts) hosts.add(f.host);
  for (const host of hosts) {
    const launchers = launchersOn.get(host);
    if (!launchers) continue;
    const configs = configsOn.get(host) ?? [];
    for (const w of launchers) {
      const mountedConfig = configs.find((c) => mounted.get(c) === w);
      const arg = configArg(w.args);
      const byArg = arg ? configs.find((c) => pathNames(arg, c)) : undefined;
      const config = mountedConfig ?? byArg ?? (w.kind === 'systemd-unit' && configs.length === 1 ? configs[0] : undefined);
      const configFacts = config ? rtcdFacts.get(config) ?? [] : [];
      const instance = config ? `rtcd:${config}` : w.instance;
      const netns = config ? configFacts[0]?.netns : w.netns;
      // The last assignment of a variable wins, as in a shell or systemd.
      const last = new Map<string, EnvAssignment>();
      for (const e of w.env) last.set(e.name, e);
      for (const pk of RTCD_PORT_KEYS) {
        const e = last.get(pk.env);
        const fromConfig = configFacts.filter((f) => f.role === pk.role && f.kind === 'bind');
        if (e) {
          let port: number | undefined;
          let loc: Location = e.valueLocation;
          let address: string | undefined;
          if (pk.role === 'rtcd-api') {
            const la = parseListenAddress(e.value);
            if (la?.port) {
              port = la.port.port;
              loc = envSpan(e, la.port.start, la.port.end);
              address = la.host;
            }
          } else if (/^\s*\d+\s*$/.test(e.value)) {
            const t = e.value.trim();
            const at = e.value.indexOf(t);
            port = Number(t);
            loc = envSpan(e, at, at + t.length);
          }
          if (port === undefined) {
            findings.push({ rule: 'invalid-port', file: e.valueLocation.file, span: e.valueLocation.span, message: `${pk.env}="${e.value}" is not a valid ${pk.role === 'rtcd-api' ? 'listen address like ":8045"' : 'port'}` });
            continue;
          }
          if (port < RTCD_MIN_PORT || port > RTCD_MAX_PORT) {
            findings.push({ rule: 'invalid-port', file: loc.file, span: loc.span, message: `rtcd accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; ${pk.env} is ${port}` });
            continue;
          }
          for (const f of fromConfig) f.shadowed = true;
          const fact: Omit<PortFact, 'id'> = {
            kind: 'bind', ports: { start: port, end: port }, protocol: pk.protocol, owner: 'rtcd', role: pk.role, host, format: workloadFormat(w),
            location: loc, valueLocation: loc, detail: pk.env, instance,
            derivation: { kind: 'env', variable: pk.env, location: { file: e.nameLocation.file, span: { start: e.nameLocation.span.start, end: e.valueLocation.span.end } } },
          };
          const addr = address ?? fromConfig[0]?.address;
          if (addr !== undefined) fact.address = addr;
          if (netns !== undefined) fact.netns = netns;
          push(fact);
        } else if (!config) {
          const fact: Omit<PortFact, 'id'> = {
            kind: 'bind', ports: { start: pk.default, end: pk.default }, protocol: pk.protocol, owner: 'rtcd', role: pk.role, host,
            format: workloadFormat(w),
            location: w.location, valueLocation: w.location, detail: pk.key.split('.').pop()!, instance,
            derivation: { kind: 'default', note: `rtcd's default for ${pk.key} (no config file is linked to ${w.name})` },
          };
          if (w.netns !== undefined) fact.netns = w.netns;
          push(fact);
        }
      }
      for (const e of w.env) {
        if (RTCD_PORT_KEYS.some((k) => k.env === e.name)) continue;
        const c = classifyRtcdEnv(e.name);
        if (c.kind === 'key') continue;
        if (!looksLikeRtcdEnv(e.name) && !e.name.startsWith('RTCD_')) continue;
        if (!firstReport(e.nameLocation)) continue;
        const suggestion = c.suggestion;
        const f: ResolvedFinding = {
          rule: 'unknown-rtcd-key', file: e.nameLocation.file, span: e.nameLocation.span,
          message: `rtcd does not read ${e.name}${e.name.startsWith('RTCD_') ? '' : ' (rtcd reads only variables prefixed RTCD_)'}${suggestion ? `; did you mean ${suggestion}?` : ''}`,
        };
        if (suggestion) f.suggestion = suggestion;
        findings.push(f);
      }
    }
  }
  // Standalone env files: a variable spelled like rtcd's but unknown is a typo.
  for (const e of snap.env) {
    if (!e.name.startsWith('RTCD_')) continue;
    const c = classifyRtcdEnv(e.name);
    if (c.kind === 'key' || !firstReport(e.nameLocation)) continue;
    const f: ResolvedFinding = { rule: 'unknown-rtcd-key', file: e.nameLocation.file, span: e.nameLocation.span, message: `rtcd does not read ${e.name}${c.suggestion ? `; did you mean ${c.suggestion}?` : ''}` };
    if (c.suggestion) f.suggestion = c.suggestion;
    findings.push(f);
  }

  // 3. Calls plugin environment.
  const callsPorts = new Map<string, PortFact[]>();
  for (let i = 0; i < facts.length; i++) {
    if (facts[i]!.role !== 'calls-udp' && facts[i]!.role !== 'calls-tcp') continue;
    const f = own(i);
    const list = callsPorts.get(f.host) ?? [];
    list.push(f);
    callsPorts.set(f.host, list);
  }
  for (const w of snap.workloads) {
    if (!isMattermostWorkload(w)) continue;
    const last = new Map<string, EnvAssignment>();
    for (const e of w.env) last.set(e.name, e);
    const urlEnv = last.get('MM_CALLS_RTCD_SERVICE_URL') ?? last.get('MM_CALLS_RTCD_URL');
    const hasUrl = urlEnv !== undefined && urlEnv.value.trim() !== '';
    if (urlEnv && hasUrl) {
      const lead = urlEnv.value.indexOf(urlEnv.value.trim());
      const u = parseUrl(urlEnv.value.trim());
      const port = u?.port?.port ?? u?.defaultPort;
      if (u && port !== undefined) {
        const loc = u.port ? envSpan(urlEnv, lead + u.port.start, lead + u.port.end) : envSpan(urlEnv, lead + u.hostStart, lead + u.hostEnd);
        const fact: Omit<PortFact, 'id'> = {
          kind: 'reference', ports: { start: port, end: port }, protocol: 'tcp', address: u.host, owner: w.name, role: 'calls-rtcd-url', host: w.host,
          format: workloadFormat(w), scheme: u.scheme,
          location: loc, valueLocation: loc, detail: urlEnv.name, derivation: { kind: 'env', variable: urlEnv.name, location: urlEnv.valueLocation },
        };
        if (w.netns !== undefined) fact.netns = w.netns;
        push(fact);
      }
    }
    for (const [name, role, protocol] of [['MM_CALLS_UDP_SERVER_PORT', 'calls-udp', 'udp'], ['MM_CALLS_TCP_SERVER_PORT', 'calls-tcp', 'tcp']] as const) {
      const e = last.get(name);
      if (!e || !/^\s*\d+\s*$/.test(e.value)) continue;
      const t = e.value.trim();
      const at = e.value.indexOf(t);
      const port = Number(t);
      const loc = envSpan(e, at, at + t.length);
      if (port < RTCD_MIN_PORT || port > RTCD_MAX_PORT) {
        findings.push({ rule: 'invalid-port', file: loc.file, span: loc.span, message: `the Calls plugin accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; ${name} is ${port}` });
        continue;
      }
      for (const f of callsPorts.get(w.host) ?? []) if (f.role === role) f.shadowed = true;
      const fact: Omit<PortFact, 'id'> = {
        kind: 'bind', ports: { start: port, end: port }, protocol, owner: w.name, role: role as Role, host: w.host,
        format: workloadFormat(w),
        location: loc, valueLocation: loc, detail: name, instance: w.instance, derivation: { kind: 'env', variable: name, location: e.valueLocation },
      };
      if (w.netns !== undefined) fact.netns = w.netns;
      if (hasUrl) fact.shadowed = true;
      push(fact);
    }
    if (hasUrl) for (const f of callsPorts.get(w.host) ?? []) f.shadowed = true;
  }
  return { facts: [...facts, ...added], findings };
}
