/**
 * nginx-proxy (github.com/nginx-proxy/nginx-proxy, README "Multiple Ports"; used with
 * acme-companion): a container with `VIRTUAL_HOST` is proxied to the port `VIRTUAL_PORT` names,
 * which must be a port the container listens on. `VIRTUAL_PORT` is read from the service's
 * environment in effect (its `environment` and `env_file`s) as a `reference` to the service's
 * own name in its network namespace, so `unresolved-reference` reports a port the container is
 * not known to listen on. A value that is not one port 1-65535 is `invalid-port` when it is
 * written as digits; other values (empty, a variable left unset) yield nothing.
 */
import type { EnvAssignment, ExtractedFact, Location, Span } from '../../model/facts';
import { isValidPort } from '../../model/ports';
import type { Container } from '../docker/container';

/** Where the characters `[from, to)` of an assignment's value are written. */
function valueSpan(a: EnvAssignment, from: number, to: number): Location {
  const at = (i: number) => a.valueOffsets?.[i] ?? a.valueLocation.span.start + i;
  return { file: a.valueLocation.file, span: { start: at(from), end: at(to - 1) + 1 } };
}

/** The `VIRTUAL_PORT` reference of a container with `VIRTUAL_HOST` (see the module comment). */
export function virtualPortFacts(c: Container, env: readonly EnvAssignment[], invalid: (span: Span, message: string) => void): ExtractedFact[] {
  if (!env.some((a) => a.name === 'VIRTUAL_HOST' && a.value.trim() !== '')) return [];
  const last = [...env].reverse().find((a) => a.name === 'VIRTUAL_PORT');
  if (!last) return [];
  const m = /^(\s*)(\d{1,6})\s*$/.exec(last.value);
  if (!m) return [];
  const port = Number(m[2]);
  const loc = valueSpan(last, m[1]!.length, m[1]!.length + m[2]!.length);
  if (!isValidPort(port)) {
    if (loc.file === last.nameLocation.file) invalid(loc.span, `VIRTUAL_PORT ${port} is not a port (1-65535)`);
    return [];
  }
  const fact: ExtractedFact = {
    kind: 'reference', ports: { start: port, end: port }, protocol: 'tcp', address: c.name, owner: c.name, detail: 'VIRTUAL_PORT',
    location: loc, valueLocation: loc, derivation: { kind: 'literal' },
  };
  if (c.netns !== undefined) fact.netns = c.netns;
  return [fact];
}
