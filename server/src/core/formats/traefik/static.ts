/**
 * Traefik's static configuration (doc.traefik.io/traefik/reference/static-configuration/), as
 * a file (`traefik.yml`/`.yaml` read with `yaml`, `traefik.toml` with toml-eslint-parser) or as
 * CLI flags (`--entrypoints.web.address=:80`). Keys are case-insensitive, as Traefik reads them.
 * - `entryPoints.<name>.address` (`[host]:port[/tcp|/udp]`) is a `bind` of that entry point;
 * - `api.insecure=true` serves the API and dashboard on the entry point `traefik`, port 8080
 *   unless an entry point named `traefik` is configured: a `bind` with role `admin-api`.
 * Ports outside 1-65535 are `invalid-port` findings. An entry point address that is no address
 * at all (`foobar`, `:foobar`: no port, no template marker) is a placeholder: Traefik would not
 * start with it (net.Listen: "missing port in address"), so the configuration is a listing of
 * options (Traefik's own reference, static-configuration/file.yaml) and its implied dashboard
 * port is no fact either.
 */
import { isMap, isScalar, type Document, type Node } from 'yaml';
import type { ExtractedFact, FileFinding, Location, PortRange, Protocol, Span } from '../../model/facts';
import type { PortPlace } from '../docker/container';
import { formatRange, isValidRange } from '../../model/ports';
import { hasTemplateMarker } from '../../model/templates';
import { scalarText } from '../compose/syntax';

/** Traefik's port for the `traefik` entry point that `api.insecure` uses (doc.traefik.io "API"). */
export const TRAEFIK_API_PORT = 8080;

/**
 * One static-config setting: its lower-cased key path, its value, and where a part of the value
 * is (`place(from, to)` for `value.slice(from, to)`; `undefined` when the characters do not map
 * to the source exactly).
 */
export interface TraefikSetting {
  path: string[];
  value: string;
  place(from: number, to: number): PortPlace | undefined;
  /** Span of the whole value as written, in the setting's file. */
  span: Span;
}

/** A setting whose characters sit at `offsets` (or nowhere exact) in `file`. */
export function setting(file: string, path: string[], value: string, span: Span, offsets?: readonly number[]): TraefikSetting {
  return {
    path, value, span,
    place(from, to) {
      if (!offsets || to <= from) return undefined;
      const loc = { file, span: { start: offsets[from]!, end: offsets[to - 1]! + 1 } };
      return { location: loc, valueLocation: loc, derivation: { kind: 'literal' } };
    },
  };
}

/** An entry point address `[host]:port[/protocol]`; offsets index the address text. */
export function parseEntryPointAddress(text: string): { host?: string; range: PortRange; protocol: Protocol; from: number; to: number } | undefined {
  const m = /^(\[[^\]]*\]|[^:/[\]]*):(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp))?$/i.exec(text);
  if (!m) return undefined;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const start = Number(m[2]);
  const from = m[1]!.length + 1;
  const out: { host?: string; range: PortRange; protocol: Protocol; from: number; to: number } = {
    range: { start, end: m[3] === undefined ? start : Number(m[3]) },
    protocol: m[4]?.toLowerCase() === 'udp' ? 'udp' : 'tcp',
    from,
    to: from + m[2]!.length + (m[3] === undefined ? 0 : m[3].length + 1),
  };
  if (host !== '' && host !== '0.0.0.0' && host !== '::') out.host = host;
  return out;
}

/** Where the facts of one static configuration go (a file or a container). */
export interface TraefikTarget {
  file: string;
  owner: string;
  instance: string;
  /** Container fields for CLI flags of a compose service (its namespace and name as address). */
  netns?: string;
  address?: string;
}

/**
 * The facts and findings of a static configuration's settings (see the module comment). `api`
 * insecure without an entry point `traefik` binds 8080 at the `insecure` value, unless an entry
 * point address is a placeholder.
 */
export function staticFacts(settings: readonly TraefikSetting[], t: TraefikTarget): { facts: ExtractedFact[]; findings: FileFinding[] } {
  const facts: ExtractedFact[] = [];
  const findings: FileFinding[] = [];
  const loc = (span: Span): Location => ({ file: t.file, span });
  const base = (detail: string): Pick<ExtractedFact, 'kind' | 'owner' | 'instance' | 'detail'> & Partial<ExtractedFact> => {
    const b: Pick<ExtractedFact, 'kind' | 'owner' | 'instance' | 'detail'> & Partial<ExtractedFact> = { kind: 'bind', owner: t.owner, instance: t.instance, detail };
    if (t.netns !== undefined) b.netns = t.netns;
    if (t.address !== undefined) b.address = t.address;
    return b;
  };
  const insecure = settings.find((s) => s.path.join('.') === 'api.insecure' && s.value.toLowerCase() === 'true');
  let apiEntryPoint = false;
  let placeholder = false;
  for (const s of settings) {
    if (s.path.length !== 3 || s.path[0] !== 'entrypoints' || s.path[2] !== 'address') continue;
    const a = parseEntryPointAddress(s.value);
    if (!a && s.value.trim() !== '' && !hasTemplateMarker(s.value)) placeholder = true;
    const place = a ? s.place(a.from, a.to) : undefined;
    if (!a || !place) continue;
    if (!isValidRange(a.range)) {
      findings.push({ rule: 'invalid-port', span: place.location.span, message: `entry point ${s.path[1]} port ${formatRange(a.range)} is not a port (1-65535)` });
      continue;
    }
    const fact: ExtractedFact = { ...base(`entryPoints.${s.path[1]}.address`), ports: a.range, protocol: a.protocol, ...place };
    if (a.host !== undefined) fact.address = a.host;
    if (s.path[1] === 'traefik' && insecure) {
      fact.role = 'admin-api';
      apiEntryPoint = true;
    }
    facts.push(fact);
  }
  if (insecure && !apiEntryPoint && !placeholder) {
    facts.push({
      ...base('api.insecure'), ports: { start: TRAEFIK_API_PORT, end: TRAEFIK_API_PORT }, protocol: 'tcp', role: 'admin-api',
      location: loc(insecure.span), valueLocation: loc(insecure.span),
      derivation: { kind: 'default', note: 'api.insecure serves the API and dashboard on entry point "traefik", port 8080' },
    });
  }
  return { facts, findings };
}

/** The scalar settings of a YAML static configuration, depth first, keys lower-cased. */
export function yamlSettings(file: string, text: string, doc: Document): TraefikSetting[] {
  const out: TraefikSetting[] = [];
  const stack: { node: unknown; path: string[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > 4) continue;
    if (isMap(node)) {
      for (const item of [...node.items].reverse()) {
        const key = isScalar(item.key) ? String(item.key.value).toLowerCase() : undefined;
        if (key !== undefined) stack.push({ node: item.value, path: [...path, key] });
      }
    } else if (isScalar(node) && node.value !== null && path.length > 0) {
      const src = scalarText(text, node);
      const [s, e] = (node as Node).range ?? [0, 0];
      const exact = src.offsets.length === src.value.length && src.offsets.every((o, i) => i === 0 || o > src.offsets[i - 1]!);
      out.push(setting(file, path, src.value, { start: s, end: e }, exact ? src.offsets : undefined));
    }
  }
  return out;
}
