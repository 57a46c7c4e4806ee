/**
 * Extraction of a compose file's services: their ports (`ports`, `expose`, `network_mode`) as
 * facts and each service as a {@link Workload}. Grammar of the entries in `../docker/`.
 */
import { isMap, isNode, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { ExtractContext, ExtractResult, Span, Workload } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { dockerNetns, exposeFact, parseNetworkMode, publishFacts, type Container, type PlacedPorts } from '../docker/container';
import { parseExpose } from '../docker/expose';
import { UNSET_MARK } from '../docker/interpolation';
import { isUnknown, longHostIp, longProtocol, parsePublishField, parsePublishSpec, type PortPart } from '../docker/publish';
import { traefikServiceFacts } from '../traefik/compose';
import { resolvePath } from '../../model/paths';
import { placePart } from './place';
import { ComposeFile } from './scope';
import { entries, keyName, mergeTag, nodeSpan, parseComposeYaml } from './syntax';
import { build, command, environment, envFiles, suffixVolumes, volumes } from './workload';

/**
 * Facts, findings and workloads of one compose file (see the module comment of `index.ts`). A
 * YAML error fails the file with its `parse-error`s and nothing else; a file without a
 * `services` mapping yields nothing. Reads `.env` (or its templates) and `env_file`s through
 * `ctx.read`, recording them as dependencies.
 */
export function extractCompose(ctx: ExtractContext): ExtractResult {
  const { value: doc, errors } = parseComposeYaml(ctx.text);
  if (!doc) {
    const r = emptyResult();
    r.failed = true;
    r.findings.push(...errors);
    return r;
  }
  const f = new ComposeFile(ctx, doc);
  const root = doc.contents;
  if (!isMap(root)) return f.result;
  const top = entries(doc, root);
  const services = f.deref(top.get('services')?.value);
  if (!isMap(services) && !top.has('include')) return f.result;
  f.loadEnv();
  if (isMap(services)) containerNames(f, services);
  const included = includes(f, top.get('include')?.value);
  if (included.length) f.result.includes = included;
  if (!isMap(services)) return f.result;
  for (const item of services.items) {
    const pair = item as Pair;
    const name = keyName(pair);
    const body = f.deref(pair.value);
    if (name === undefined || !isNode(pair.key)) continue;
    service(f, name, nodeSpan(pair.key as Node), isMap(body) ? entries(doc, body) : new Map());
  }
  return f.result;
}

/**
 * compose `include:` (compose-spec 14-include.md): each entry a path (short syntax) or a map
 * whose `path` is a path or a list of paths (long syntax), resolved against this file's folder
 * (absolute paths as written), interpolated with the project variables (`.env`).
 * Remote includes (`oci://`, `git@`, URLs) are left out.
 */
function includes(f: ComposeFile, node: unknown): string[] {
  const n = f.deref(node);
  if (!isSeq(n)) return [];
  const out: string[] = [];
  for (const raw of n.items) {
    const item = f.deref(raw);
    const paths = isMap(item) ? f.deref(entries(f.doc, item).get('path')?.value) : item;
    for (const p of isSeq(paths) ? paths.items : [paths]) {
      const s = f.str(p);
      if (s && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith('git@') && !out.includes(resolvePath(f.dir, s))) out.push(resolvePath(f.dir, s));
    }
  }
  return out;
}

/** Records each service's `container_name` (compose-spec 05-services.md) in `f.containerNames`. */
function containerNames(f: ComposeFile, services: YAMLMap): void {
  for (const item of services.items) {
    const pair = item as Pair;
    const name = keyName(pair);
    const body = f.deref(pair.value);
    const cn = name !== undefined && isMap(body) ? f.str(entries(f.doc, body).get('container_name')?.value) : undefined;
    if (name !== undefined && cn) f.containerNames.set(cn, name);
  }
}

/** The container of a service: instance and namespace "compose:<dir>#<service>", or per `network_mode`. */
function container(f: ComposeFile, name: string, networkMode: string | undefined): Container {
  const instance = `compose:${f.dir}#${name}`;
  const mode = parseNetworkMode(networkMode);
  // `container:<name>` naming a service's `container_name` of this file joins that service.
  const joined = mode.kind === 'service' ? mode.name : mode.kind === 'container' ? f.containerNames.get(mode.name) : undefined;
  const netns =
    mode.kind === 'host' ? undefined
    : joined !== undefined ? `compose:${f.dir}#${joined}`
    : mode.kind === 'container' ? dockerNetns(mode.name)
    : instance;
  const c: Container = { name, instance, netns, hostNetwork: mode.kind === 'host' };
  if (joined !== undefined) c.address = joined;
  return c;
}

/** A service as one compose file defines it: that file and the service's keys. */
interface ServiceDef {
  f: ComposeFile;
  svc: Map<string, Pair>;
}

/** Definitions an `extends` chain follows at most (the service itself included). */
const EXTENDS_DEPTH = 8;

/** The keys of service `name` in file `f`, or `undefined` when it has no such service. */
function serviceIn(f: ComposeFile, name: string): ServiceDef | undefined {
  const body = f.deref(f.serviceEntries()?.get(name)?.value);
  return isMap(body) ? { f, svc: entries(f.doc, body) } : undefined;
}

/** What a service's `extends` names (short form `extends: web`, or `service` and `file`). */
function extendsOf(d: ServiceDef): { service: string; file?: string } | undefined {
  const ext = d.f.deref(d.svc.get('extends')?.value);
  if (isScalar(ext)) {
    const service = d.f.str(ext);
    return service ? { service } : undefined;
  }
  if (!isMap(ext)) return undefined;
  const m = entries(d.f.doc, ext);
  const service = d.f.str(m.get('service')?.value);
  const file = d.f.str(m.get('file')?.value);
  return service ? { service, ...(file ? { file } : {}) } : undefined;
}

/**
 * The definitions a service's ports come from (compose-spec 05-services.md, `extends`): the
 * service itself, then the service it extends (in the same file, or in `extends.file` resolved
 * against the extending file's folder), and so on, nearest first. Ends at 8 definitions, at a
 * cycle, and at a base that is missing or whose file is not in the workspace or does not parse.
 */
function extendsChain(f: ComposeFile, name: string, svc: Map<string, Pair>): ServiceDef[] {
  const chain: ServiceDef[] = [{ f, svc }];
  const seen = new Set([`${f.file}\u0000${name}`]);
  for (let cur = chain[0]!; chain.length < EXTENDS_DEPTH; ) {
    const ext = extendsOf(cur);
    const bf = ext && (ext.file === undefined ? cur.f : f.otherFile(resolvePath(cur.f.dir, ext.file)));
    if (!ext || !bf || seen.has(`${bf.file}\u0000${ext.service}`)) break;
    seen.add(`${bf.file}\u0000${ext.service}`);
    const base = serviceIn(bf, ext.service);
    if (!base) break;
    chain.push(base);
    cur = base;
  }
  return chain;
}

/**
 * The values of a sequence key (`ports`, `expose`) along an extends chain, base first: compose
 * appends the extending service's entries to its base's (compose-spec 13-merge.md, sequences),
 * unless the extending service tags its value `!reset` (nothing of the base) or `!override`
 * (its own value only).
 */
function inherited(chain: readonly ServiceDef[], key: string): { f: ComposeFile; node: unknown }[] {
  const out: { f: ComposeFile; node: unknown }[] = [];
  for (const d of chain) {
    const pair = d.svc.get(key);
    if (!pair) continue;
    out.unshift({ f: d.f, node: pair.value });
    if (mergeTag(pair.value)) break;
  }
  return out;
}

/** The keys a service tags `!reset`/`!override` whose earlier values matter to ports. */
function resetKeys(svc: Map<string, Pair>): string[] {
  return ['ports', 'expose'].filter((k) => mergeTag(svc.get(k)?.value) !== undefined);
}

/** The names of a `profiles` list. */
function profileNames(d: ServiceDef): string[] {
  const n = d.f.deref(d.svc.get('profiles')?.value);
  return isSeq(n) ? n.items.map((x) => d.f.str(x)).filter((x): x is string => x !== undefined && x !== '') : [];
}

/**
 * compose `profiles` along an extends chain (compose merges the lists: either enables the
 * service) and `COMPOSE_PROFILES` as the project sets it: the service's own profiles (else the
 * nearest base's) as `profiles`, the other inherited ones as `extendedProfiles`.
 */
function profiles(f: ComposeFile, chain: readonly ServiceDef[], w: Workload): void {
  const lists = chain.map(profileNames);
  const own = lists.find((l) => l.length > 0) ?? [];
  const extended = [...new Set(lists.flat())].filter((p) => !own.includes(p));
  if (own.length) w.profiles = own;
  if (extended.length) w.extendedProfiles = extended;
  const enabled = f.lookup('COMPOSE_PROFILES');
  if (enabled) w.enabledProfiles = enabled.value.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** Facts and the workload of one service. */
function service(f: ComposeFile, name: string, keySpan: Span, svc: Map<string, Pair>): void {
  const chain = extendsChain(f, name, svc);
  const networkMode = chain.map((d) => d.f.str(d.svc.get('network_mode')?.value)).find((m) => m !== undefined);
  const c = container(f, name, networkMode);
  const mode = parseNetworkMode(networkMode);
  const joins = mode.kind === 'service' || mode.kind === 'container' ? networkMode : undefined;
  for (const { f: df, node } of inherited(chain, 'ports')) {
    const ports = df.deref(node);
    if (!isSeq(ports)) continue;
    for (const raw of ports.items) {
      const item = df.deref(raw);
      if (joins !== undefined && isNode(item)) unpublishable(df, item as Node, joins);
      else if (isScalar(item)) portShort(df, c, item);
      else if (isMap(item)) portLong(df, c, entries(df.doc, item));
    }
  }
  for (const { f: df, node } of inherited(chain, 'expose')) {
    const expose = df.deref(node);
    if (!isSeq(expose)) continue;
    for (const raw of expose.items) {
      const item = df.deref(raw);
      if (isScalar(item)) exposeEntry(df, c, item);
    }
  }
  const w = workload(f, name, keySpan, svc, c, networkMode);
  profiles(f, chain, w);
  f.result.workloads.push(w);
  f.result.facts.push(...traefikServiceFacts(f, c, svc, f.str(svc.get('image')?.value), w.env));
}

/** The workload of one service (its own keys; ports come from {@link service}). */
function workload(f: ComposeFile, name: string, keySpan: Span, svc: Map<string, Pair>, c: Container, networkMode: string | undefined): Workload {
  const w: Workload = {
    kind: 'compose-service',
    name,
    args: command(f, svc.get('command')?.value),
    env: [...envFiles(f, svc.get('env_file')?.value), ...environment(f, svc.get('environment')?.value)],
    volumes: volumes(f, svc.get('volumes')?.value),
    instance: c.instance,
    location: { file: f.file, span: keySpan },
  };
  const sv = suffixVolumes(f, svc.get('volumes')?.value);
  if (sv.length) w.suffixVolumes = sv;
  const b = build(f, svc.get('build')?.value);
  if (b) w.build = b;
  const image = f.str(svc.get('image')?.value);
  if (image !== undefined) w.image = image;
  if (networkMode !== undefined) w.networkMode = networkMode;
  if (c.netns !== undefined) w.netns = c.netns;
  const resets = resetKeys(svc);
  if (resets.length) w.resets = resets;
  return w;
}

/**
 * A `ports` entry of a service that shares another container's network namespace
 * (`network_mode: service:<name>` / `container:<name>`): Docker refuses to create such a
 * container ("conflicting options: port publishing and the container type network mode", moby
 * runconfig), so the entry publishes nothing and is reported as `invalid-port` on its text; the
 * port belongs on the service whose namespace is shared. `docker-compose config` 1.29 accepts it.
 */
function unpublishable(f: ComposeFile, node: Node, mode: string): void {
  const interp = isScalar(node) ? f.interp(node, UNSET_MARK) : undefined;
  const span = interp ? placePart(interp, f.file, 0, interp.value.length).location.span : nodeSpan(node);
  const owner = mode.slice(mode.indexOf(':') + 1);
  f.result.findings.push({ rule: 'invalid-port', span, message: `Docker publishes no ports of a container that shares another's network namespace (network_mode: ${mode}); publish this port on ${owner} instead` });
}

/** A `ports` entry in the short syntax, e.g. `"127.0.0.1:${HTTP_PORT:-8080}:80/tcp"`. */
function portShort(f: ComposeFile, c: Container, node: Scalar): void {
  const interp = f.interp(node, UNSET_MARK);
  const { spec, problems } = parsePublishSpec(interp.value);
  if (!spec || problems.length) {
    f.problems(interp, problems);
    return;
  }
  const side = (p: PortPart | undefined): PlacedPorts | undefined =>
    p?.range ? { range: p.range, place: placePart(interp, f.file, p.from, p.to) } : undefined;
  const mapping = { protocol: spec.protocol, hostIp: spec.hostIp?.text, hostIpUnknown: spec.hostIpUnknown === true, published: side(spec.published), target: side(spec.target) };
  f.result.facts.push(...publishFacts(c, mapping, 'ports'));
}

/**
 * One long-syntax field (`target`, `published`) as placed ports: `undefined` when absent or
 * unknown, `null` after reporting its problems.
 */
function longField(f: ComposeFile, node: unknown): PlacedPorts | undefined | null {
  const n = f.deref(node);
  if (!isScalar(n) || n.value === null) return undefined;
  const interp = f.interp(n, UNSET_MARK);
  const { part, problems } = parsePublishField(interp.value);
  if (!part) {
    f.problems(interp, problems);
    return null;
  }
  return part.range ? { range: part.range, place: placePart(interp, f.file, 0, interp.value.length) } : undefined;
}

/** A `ports` entry in the long syntax: `target`, `published`, `host_ip`, `protocol`. */
function portLong(f: ComposeFile, c: Container, m: Map<string, Pair>): void {
  const target = longField(f, m.get('target')?.value);
  const published = longField(f, m.get('published')?.value);
  if (target === null || published === null) return;
  const protocol = longProtocol(f.str(m.get('protocol')?.value));
  const ipNode = f.deref(m.get('host_ip')?.value);
  const ipText = isScalar(ipNode) && ipNode.value !== null ? f.interp(ipNode, UNSET_MARK).value : undefined;
  const hostIpUnknown = ipText !== undefined && isUnknown(ipText);
  const hostIp = hostIpUnknown ? undefined : longHostIp(ipText);
  f.result.facts.push(...publishFacts(c, { protocol, hostIp, hostIpUnknown, published, target }, 'ports'));
}

/** An `expose` entry, e.g. `"9000-9001/udp"`. */
function exposeEntry(f: ComposeFile, c: Container, node: Scalar): void {
  const interp = f.interp(node, UNSET_MARK);
  const { spec, problems } = parseExpose(interp.value, { label: 'expose entry', unknownProtocol: 'problem' });
  if (!spec) {
    f.problems(interp, problems);
    return;
  }
  if (!spec.ports.range) return;
  const place = placePart(interp, f.file, spec.ports.from, spec.ports.to);
  f.result.facts.push(exposeFact(c, { range: spec.ports.range, place }, spec.protocol, 'expose'));
}
