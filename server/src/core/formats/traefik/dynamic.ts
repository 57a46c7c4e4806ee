/**
 * Traefik's dynamic configuration as a YAML file of the file provider
 * (doc.traefik.io "Routing & Load Balancing"): the servers a service balances over are
 * upstreams Traefik connects to, so each written port is a `reference`, never a bind:
 * - `http.services.<name>.loadBalancer.servers[].url` (`http://host:port/...`; a URL without a
 *   written port gives nothing),
 * - `tcp|udp.services.<name>.loadBalancer.servers[].address` (`host:port`; udp ones UDP),
 * - `<proto>.services.<name>.loadBalancer.healthCheck.port`.
 * Keys are case-insensitive, as Traefik reads them. (A TOML dynamic file is read the same way by
 * the generic TOML module.) Pure; never throws.
 */
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { parseListenAddress, parseUrl } from '../../model/addresses';
import type { ExtractedFact, FileFinding, Protocol } from '../../model/facts';
import { isValidPort } from '../../model/ports';
import { scalarText } from '../compose/syntax';
import { setting, type TraefikSetting } from './static';

/** A YAML text whose top level has `http:`, `tcp:` or `udp:` and which names a `loadBalancer`. */
const DYNAMIC_YAML = /^(?:http|tcp|udp):[ \t]*(?:#.*)?$/m;
const LOAD_BALANCER = /^[ \t-]*loadBalancer:/im;

/** True when a YAML text looks like a Traefik dynamic configuration with services. */
export function isDynamicYaml(text: string): boolean {
  return DYNAMIC_YAML.test(text) && LOAD_BALANCER.test(text);
}

/** Scalars under `<proto>.services`, with lower-cased paths (sequence items as their index) and the path as written. */
function serviceSettings(file: string, text: string, doc: Document): { s: TraefikSetting; written: string }[] {
  const out: { s: TraefikSetting; written: string }[] = [];
  const stack: { node: unknown; path: string[]; written: string }[] = [{ node: doc.contents, path: [], written: '' }];
  while (stack.length > 0) {
    const { node, path, written } = stack.pop()!;
    if (path.length > 7 || (path.length >= 2 && path[1] !== 'services') || (path.length >= 1 && !/^(http|tcp|udp)$/.test(path[0]!))) continue;
    if (isMap(node)) {
      for (const item of [...node.items].reverse()) {
        if (!isScalar(item.key)) continue;
        const key = String(item.key.value);
        stack.push({ node: item.value, path: [...path, key.toLowerCase()], written: written ? `${written}.${key}` : key });
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], path: [...path, String(i)], written: `${written}[${i}]` });
    } else if (isScalar(node) && node.value !== null && path.length > 0) {
      const src = scalarText(text, node);
      const [s, e] = (node as Node).range ?? [0, 0];
      const exact = src.offsets.length === src.value.length && src.offsets.every((o, i) => i === 0 || o > src.offsets[i - 1]!);
      out.push({ s: setting(file, path, src.value, { start: s, end: e }, exact ? src.offsets : undefined), written });
    }
  }
  return out;
}

/** Where the port of one service setting is: its offsets in the value and the host, or undefined when it names no port. */
function portOf(path: readonly string[], value: string): { port: number; from: number; to: number; host?: string } | undefined {
  const [proto, , , lb, part, , key] = path;
  if (lb !== 'loadbalancer') return undefined;
  if (part === 'servers' && path.length === 7 && proto === 'http' && key === 'url') {
    const u = parseUrl(value);
    return u?.port ? { port: u.port.port, from: u.port.start, to: u.port.end, ...(u.host !== '' ? { host: u.host } : {}) } : undefined;
  }
  if (part === 'servers' && path.length === 7 && proto !== 'http' && key === 'address') {
    const a = parseListenAddress(value);
    return a?.port ? { port: a.port.port, from: a.port.start, to: a.port.end, ...(a.host !== undefined ? { host: a.host } : {}) } : undefined;
  }
  if (part === 'healthcheck' && path.length === 6 && path[5] === 'port' && /^\d+$/.test(value)) return { port: Number(value), from: 0, to: value.length };
  return undefined;
}

/**
 * The references of a YAML dynamic configuration (see the module comment), owned by `traefik`.
 * Ports outside 1-65535 are `invalid-port` findings; values whose characters do not map to the
 * source exactly (escapes) give nothing.
 */
export function dynamicFacts(file: string, text: string, doc: Document): { facts: ExtractedFact[]; findings: FileFinding[] } {
  const facts: ExtractedFact[] = [];
  const findings: FileFinding[] = [];
  for (const { s, written } of serviceSettings(file, text, doc)) {
    const p = portOf(s.path, s.value);
    const place = p ? s.place(p.from, p.to) : undefined;
    if (!p || !place) continue;
    if (!isValidPort(p.port)) {
      findings.push({ rule: 'invalid-port', span: place.location.span, message: `Traefik service server port ${p.port} is not a port (1-65535)` });
      continue;
    }
    const protocol: Protocol = s.path[0] === 'udp' ? 'udp' : 'tcp';
    const fact: ExtractedFact = { kind: 'reference', ports: { start: p.port, end: p.port }, protocol, owner: 'traefik', detail: written, ...place };
    if (p.host !== undefined) fact.address = p.host;
    facts.push(fact);
  }
  return { facts, findings };
}
