/**
 * Caddy's address forms, with the offsets of their port digits:
 * - site addresses (caddyserver.com/docs/caddyfile/concepts#addresses): `[scheme://][host][:port][/path]`,
 *   e.g. `example.com`, `:443`, `localhost:8443`, `http://example.com:8080`, `[::1]:8080`;
 * - upstream addresses of `reverse_proxy` (…/caddyfile/directives/reverse_proxy#upstream-addresses):
 *   `[scheme://]host[:port]` with scheme `http`, `https` or `h2c`;
 * - network addresses (…/docs/conventions#network-addresses) of `admin`, `bind`, JSON `listen` and
 *   `dial`: `[network/]host[:port[-end]]`, network `tcp`, `tcp4`, `tcp6`, `udp`, `udp4`, `udp6`
 *   (`unix…` and `fd/…` have no port).
 * A part holding a placeholder (`{$PORT}`, `{env.PORT}`) is unknown: no port is returned for it.
 */
import type { PortRange } from '../../model/facts';

/** An address as far as it is known. Offsets index the address text. */
export interface CaddyAddress {
  scheme?: string;
  /** Host without brackets; `undefined` when empty (all interfaces for a listener). */
  host?: string;
  /** Network of a network address (`tcp` when not written). */
  network?: string;
  /** Port or inclusive range and the offsets `[start, end)` of its digits; absent when not written. */
  port?: { range: PortRange; start: number; end: number };
  /** True when the host is (or holds) a placeholder: the host is not known. */
  unknownHost?: boolean;
  /** True when the port is a placeholder: the port is not known. */
  unknownPort?: boolean;
}

const PORT = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** Splits `host[:port]` at `offset` in `text` (host in brackets for IPv6). */
function hostPort(text: string, offset: number, out: CaddyAddress): CaddyAddress | undefined {
  const rest = text.slice(offset);
  let host = rest;
  let portAt = -1;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    host = rest.slice(1, close);
    if (close + 1 < rest.length) {
      if (rest[close + 1] !== ':') return undefined;
      portAt = close + 2;
    }
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0 && !rest.slice(0, colon).includes(':')) {
      host = rest.slice(0, colon);
      portAt = colon + 1;
    } else if (colon >= 0) {
      return undefined; // an unbracketed IPv6 address
    }
  }
  if (host.includes('{')) out.unknownHost = true;
  if (host !== '' && host !== '*') out.host = host;
  if (portAt >= 0) {
    const digits = rest.slice(portAt);
    const m = PORT.exec(digits);
    if (!m) {
      if (digits.includes('{')) out.unknownPort = true;
      else return undefined;
    } else {
      const start = Number(m[1]);
      out.port = { range: { start, end: m[2] === undefined ? start : Number(m[2]) }, start: offset + portAt, end: offset + portAt + digits.length };
    }
  }
  return out;
}

/**
 * A site address (see the module comment), without its path; `undefined` when it is not one
 * (a matcher, a snippet name). A trailing comma is not part of the address.
 */
export function parseSiteAddress(text: string): CaddyAddress | undefined {
  const bare = text.endsWith(',') ? text.slice(0, -1) : text;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(bare);
  const out: CaddyAddress = {};
  let from = 0;
  if (m) {
    out.scheme = m[1]!.toLowerCase();
    from = m[0].length;
  }
  const slash = bare.indexOf('/', from);
  const authority = slash < 0 ? bare : bare.slice(0, slash);
  if (authority.length === from && slash < 0) return m ? out : undefined;
  return hostPort(authority, from, out);
}

/** An upstream address of `reverse_proxy` / `to` (see the module comment). */
export function parseUpstream(text: string): CaddyAddress | undefined {
  if (/^unix\//.test(text) || text.startsWith('srv+') || text.startsWith('{')) return undefined;
  return parseSiteAddress(text);
}

/** A network address (see the module comment); `undefined` for `unix`/`fd` networks. */
export function parseNetworkAddress(text: string): CaddyAddress | undefined {
  const m = /^([a-z0-9+]+)\//.exec(text);
  const out: CaddyAddress = {};
  let from = 0;
  if (m) {
    const network = m[1]!;
    if (!/^(tcp|udp|ip)[46]?$/.test(network)) return undefined;
    out.network = network;
    from = m[0].length;
  }
  return hostPort(text, from, out);
}
