/**
 * Extraction of a compose file's services: their ports (`ports`, `expose`, `network_mode`) as
 * facts and each service as a {@link Workload}. Grammar of the entries in `../docker/`.
 */
import { isMap, isNode, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { ExtractContext, ExtractResult, Span, Workload } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { dockerNetns, exposeFact, parseNetworkMode, publishFacts, type Container, type PlacedPorts } from '../docker/container';
import { parseExpose } from '../docker/expose';
import { UNSET_MARK } from '../docker/interpolation';
import { isUnknown, longHostIp, longProtocol, parsePublishField, parsePublishSpec, type PortPart } from '../docker/publish';
import { traefikServiceFacts } from '../traefik/compose';
import { placePart } from './place';
import { ComposeFile } from './scope';
import { entries, keyName, nodeSpan, parseComposeYaml } from './syntax';
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
  const services = f.deref(entries(doc, root).get('services')?.value);
  if (!isMap(services)) return f.result;
  f.loadEnv();
  for (const item of services.items) {
    const pair = item as Pair;
    const name = keyName(pair);
    const body = f.deref(pair.value);
    if (name === undefined || !isNode(pair.key)) continue;
    service(f, name, nodeSpan(pair.key as Node), isMap(body) ? entries(doc, body) : new Map());
  }
  return f.result;
}

/** The container of a service: instance and namespace "compose:<dir>#<service>", or per `network_mode`. */
function container(f: ComposeFile, name: string, networkMode: string | undefined): Container {
  const instance = `compose:${f.dir}#${name}`;
  const mode = parseNetworkMode(networkMode);
  const netns =
    mode.kind === 'host' ? undefined
    : mode.kind === 'service' ? `compose:${f.dir}#${mode.name}`
    : mode.kind === 'container' ? dockerNetns(mode.name)
    : instance;
  return { name, instance, netns, hostNetwork: mode.kind === 'host' };
}

/** Facts and the workload of one service. */
function service(f: ComposeFile, name: string, keySpan: Span, svc: Map<string, Pair>): void {
  const networkMode = f.str(svc.get('network_mode')?.value);
  const c = container(f, name, networkMode);
  const ports = f.deref(svc.get('ports')?.value);
  if (isSeq(ports)) {
    for (const raw of ports.items) {
      const item = f.deref(raw);
      if (isScalar(item)) portShort(f, c, item);
      else if (isMap(item)) portLong(f, c, entries(f.doc, item));
    }
  }
  const expose = f.deref(svc.get('expose')?.value);
  if (isSeq(expose)) {
    for (const raw of expose.items) {
      const item = f.deref(raw);
      if (isScalar(item)) exposeEntry(f, c, item);
    }
  }
  const workload: Workload = {
    kind: 'compose-service',
    name,
    args: command(f, svc.get('command')?.value),
    env: [...envFiles(f, svc.get('env_file')?.value), ...environment(f, svc.get('environment')?.value)],
    volumes: volumes(f, svc.get('volumes')?.value),
    instance: c.instance,
    location: { file: f.file, span: keySpan },
  };
  const sv = suffixVolumes(f, svc.get('volumes')?.value);
  if (sv.length) workload.suffixVolumes = sv;
  const b = build(f, svc.get('build')?.value);
  if (b) workload.build = b;
  const image = f.str(svc.get('image')?.value);
  if (image !== undefined) workload.image = image;
  if (networkMode !== undefined) workload.networkMode = networkMode;
  if (c.netns !== undefined) workload.netns = c.netns;
  f.result.workloads.push(workload);
  f.result.facts.push(...traefikServiceFacts(f, c, svc, image, workload.env));
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
