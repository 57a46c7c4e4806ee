/**
 * What front ends read from a compose service besides its ports:
 * - Traefik's CLI flags in `command:` (`--entrypoints.web.address=:80`, `--api.insecure=true`) of a
 *   service whose image or program is Traefik: binds inside its container (see `static.ts`);
 * - Traefik's Docker provider labels `traefik.{http,tcp,udp}.services.<name>.loadbalancer.server.port`
 *   (doc.traefik.io/traefik/routing/providers/docker/): a `reference` to the port of the labelled
 *   container that Traefik routes to, unless `traefik.enable=false`;
 * - nginx-proxy's `VIRTUAL_PORT` (see `../nginx-proxy/`).
 * A reference's address is the service's name in its own network namespace, so
 * `unresolved-reference` reports a port the container is not known to listen on (its `expose`,
 * its `ports` targets, its image's well-known ports) and stays silent when nothing is known.
 * Label values are interpolated like every compose value (`${PORT:-8080}`).
 */
import { isMap, isScalar, isSeq, type Pair, type Scalar } from 'yaml';
import type { EnvAssignment, ExtractedFact } from '../../model/facts';
import { isValidRange } from '../../model/ports';
import type { Container } from '../docker/container';
import type { Interpolation } from '../docker/interpolation';
import { placePart } from '../compose/place';
import type { ComposeFile } from '../compose/scope';
import { entries } from '../compose/syntax';
import { virtualPortFacts } from '../nginx-proxy/virtual-port';
import { staticFacts, type TraefikSetting } from './static';

const SERVICE_PORT = /^traefik\.(http|tcp|udp)\.services\.[^.]+\.loadbalancer\.server\.port$/i;
const TRAEFIK_IMAGE = /(^|\/)traefik(:|@|$)/i;

/** An interpolated scalar and the offset in its value where a part starts. */
interface Part {
  interp: Interpolation;
  from: number;
  value: string;
}

/** The `labels` of a service as key and value parts (map and `KEY=value` list form). */
function labels(f: ComposeFile, node: unknown): { key: string; value: Part }[] {
  const out: { key: string; value: Part }[] = [];
  const n = f.deref(node);
  if (isMap(n)) {
    for (const [key, pair] of entries(f.doc, n)) {
      const v = f.deref(pair.value);
      if (!isScalar(v) || v.value === null) continue;
      const interp = f.interp(v);
      out.push({ key, value: { interp, from: 0, value: interp.value } });
    }
  } else if (isSeq(n)) {
    for (const raw of n.items) {
      const v = f.deref(raw);
      if (!isScalar(v) || v.value === null) continue;
      const interp = f.interp(v);
      const eq = interp.value.indexOf('=');
      if (eq > 0) out.push({ key: interp.value.slice(0, eq), value: { interp, from: eq + 1, value: interp.value.slice(eq + 1) } });
    }
  }
  return out;
}

/** The words of `command:` (list items, or a string split at blanks) as parts of their scalars. */
function commandWords(f: ComposeFile, node: unknown): Part[] {
  const n = f.deref(node);
  const scalars: Scalar[] = isScalar(n) ? [n] : isSeq(n) ? n.items.map((x) => f.deref(x)).filter((x): x is Scalar => isScalar(x)) : [];
  const out: Part[] = [];
  for (const s of scalars) {
    if (s.value === null) continue;
    const interp = f.interp(s);
    for (const m of interp.value.matchAll(/[^\s]+/g)) out.push({ interp, from: m.index, value: m[0] });
  }
  return out;
}

/** A flag word as a static-config setting (`--api.insecure` alone means `true`). */
function flagSetting(f: ComposeFile, w: Part): TraefikSetting | undefined {
  const m = /^--([A-Za-z0-9_.-]+)(?:=(.*))?$/s.exec(w.value);
  if (!m) return undefined;
  const at = m[2] === undefined ? w.value.length : m[0].length - m[2].length;
  const whole = placePart(w.interp, f.file, w.from + (m[2] === undefined ? 0 : at), w.from + w.value.length).location.span;
  return {
    path: m[1]!.toLowerCase().split('.'),
    value: m[2] ?? 'true',
    span: m[2] === undefined || m[2] === '' ? placePart(w.interp, f.file, w.from, w.from + w.value.length).location.span : whole,
    place: (from, to) => (m[2] === undefined ? undefined : placePart(w.interp, f.file, w.from + at + from, w.from + at + to)),
  };
}

/**
 * The facts of one compose service that Traefik and nginx-proxy read (see the module comment).
 * `env` is the service's environment in effect (its `environment` and `env_file`s).
 */
export function traefikServiceFacts(f: ComposeFile, c: Container, svc: Map<string, Pair>, image: string | undefined, env: readonly EnvAssignment[]): ExtractedFact[] {
  const out: ExtractedFact[] = [];
  const words = commandWords(f, svc.get('command')?.value);
  if ((image !== undefined && TRAEFIK_IMAGE.test(image)) || words[0]?.value === 'traefik') {
    const settings = words.map((w) => flagSetting(f, w)).filter((s): s is TraefikSetting => s !== undefined);
    const target = { file: f.file, owner: c.name, instance: c.instance, ...(c.netns !== undefined ? { netns: c.netns } : {}), ...(c.hostNetwork ? {} : { address: c.name }) };
    const { facts, findings } = staticFacts(settings, target);
    out.push(...facts);
    f.result.findings.push(...findings);
  }
  const all = labels(f, svc.get('labels')?.value);
  if (!all.some((l) => l.key.toLowerCase() === 'traefik.enable' && l.value.value.trim().toLowerCase() === 'false')) {
    for (const l of all) {
      const m = SERVICE_PORT.exec(l.key);
      if (!m || !/^\d{1,5}$/.test(l.value.value)) continue;
      const port = Number(l.value.value);
      const place = placePart(l.value.interp, f.file, l.value.from, l.value.from + l.value.value.length);
      if (!isValidRange({ start: port, end: port })) {
        f.result.findings.push({ rule: 'invalid-port', span: place.location.span, message: `Traefik label ${l.key} names port ${port}, which is not a port (1-65535)` });
        continue;
      }
      const fact: ExtractedFact = { kind: 'reference', ports: { start: port, end: port }, protocol: m[1]!.toLowerCase() === 'udp' ? 'udp' : 'tcp', address: c.name, owner: c.name, detail: 'traefik label', ...place };
      if (c.netns !== undefined) fact.netns = c.netns;
      out.push(fact);
    }
  }
  out.push(...virtualPortFacts(c, env, (span, message) => f.result.findings.push({ rule: 'invalid-port', span, message })));
  return out;
}
