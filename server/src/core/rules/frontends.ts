/**
 * What the rules need to know about front ends (Caddy, HAProxy, Traefik).
 *
 * Their public listeners (`isFrontEndListener`) must be reachable from outside, as nginx's are
 * (`firewall-missing`): Caddy site addresses, binds of HAProxy `frontend` sections and Traefik
 * entry points, on the host and not on loopback; not admin APIs, not HAProxy `listen` sections
 * (often a stats page kept private).
 *
 * And `public-exposure` findings for front ends' admin APIs (facts with role `admin-api`): a
 * Caddy `admin` address (Caddyfile global option or JSON `admin.listen`; Caddy's default is
 * localhost:2019, caddyserver.com/docs/caddyfile/options#admin) or a Traefik `api.insecure`
 * dashboard (doc.traefik.io/traefik/operations/api/) that listens on all interfaces of the host.
 * Whoever reaches it can reconfigure the proxy. Binds inside a container are left to the
 * published-port check of `exposure.ts` (the port is public only when it is published), binds on
 * a written but unknown address are not called public.
 */
import { isLoopback, isWildcard } from '../model/addresses';
import type { PortFact } from '../model/facts';
import { formatRange } from '../model/ports';
import type { Snapshot } from '../index/snapshot';
import type { PortDiagnostic } from './rule';

/** What to tell the operator, by the format that wrote the admin address. */
function advice(format: string, port: string): { name: string; fix: string } {
  if (format === 'traefik' || format === 'compose') {
    return { name: 'Traefik API and dashboard (api.insecure)', fix: 'turn api.insecure off and serve the dashboard through a router with authentication, or bind the entry point "traefik" to 127.0.0.1' };
  }
  return { name: 'Caddy admin API', fix: `bind it to localhost ("admin localhost:${port}") or a unix socket` };
}

/** `public-exposure` findings of admin APIs on all interfaces of their host (see the module comment). */
export function adminApiExposures(snap: Snapshot): PortDiagnostic[] {
  const out: PortDiagnostic[] = [];
  for (const b of snap.facts) {
    if (b.kind !== 'bind' || b.role !== 'admin-api' || b.shadowed || b.addressUnknown || b.netns !== undefined || !isWildcard(b.address)) continue;
    const port = formatRange(b.ports);
    const { name, fix } = advice(b.format, port);
    out.push({
      rule: 'public-exposure', severity: 'warning', location: b.location,
      message: `${name} port ${port} listens on all interfaces: whoever reaches it can reconfigure the proxy; ${fix}`,
      related: [],
    });
  }
  return out;
}

/** True for a front end's public listener (see the module comment). */
export function isFrontEndListener(b: PortFact): boolean {
  if (b.kind !== 'bind' || b.netns !== undefined || b.role === 'admin-api' || isLoopback(b.address)) return false;
  if (b.format === 'caddy') return b.detail === 'site address' || b.detail === 'listen';
  if (b.format === 'haproxy') return b.block?.startsWith('frontend@') === true;
  return b.format === 'traefik' && b.detail.startsWith('entryPoints.');
}
