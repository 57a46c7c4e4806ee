/**
 * Parsing of "host:port" listen addresses and of URLs, with the offsets of the port digits.
 * Pure; never throws.
 */

/** A port found inside a string: its number and where its digits sit in that string. */
export interface PortInText {
  port: number;
  /** Offset of the first digit and one past the last, relative to the parsed string. */
  start: number;
  end: number;
}

/** Result of {@link parseListenAddress}. */
export interface ListenAddress {
  /** Host part without brackets; `undefined` for "" / "*" / "0.0.0.0"-less forms like ":8045". */
  host?: string;
  port?: PortInText;
}

/**
 * Parses Go-style listen addresses as rtcd and Mattermost write them: ":8045", "0.0.0.0:8045",
 * "127.0.0.1:8045", "[::1]:8045", "localhost:8045", or a bare port "8045". Returns `undefined`
 * when there is no port-shaped part (e.g. "unix:/run/x.sock", "localhost").
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const s = text.trim();
  const lead = text.indexOf(s);
  if (/^\d+$/.test(s)) return { port: { port: Number(s), start: lead, end: lead + s.length } };
  let host: string;
  let rest: number;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') return undefined;
    host = s.slice(1, close);
    rest = close + 2;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = s.slice(0, colon);
    if (host.includes(':')) return undefined; // unbracketed IPv6 without port
    rest = colon + 1;
  }
  const digits = s.slice(rest);
  if (!/^\d+$/.test(digits)) return undefined;
  const out: ListenAddress = { port: { port: Number(digits), start: lead + rest, end: lead + s.length } };
  if (host !== '' && host !== '*') out.host = host;
  return out;
}

/** Result of {@link parseUrl}. */
export interface UrlPort {
  scheme: string;
  host: string;
  /** The explicit port, when written. */
  port?: PortInText;
  /** The scheme's default port (http/ws 80, https/wss 443), when no port is written. */
  defaultPort?: number;
  /** Offset range of the host text in the string. */
  hostStart: number;
  hostEnd: number;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443, grpc: 80, grpcs: 443 };

/**
 * Parses "scheme://[user[:pass]@]host[:port][/path]" (RFC 3986 authority), keeping offsets.
 * Returns `undefined` when the text is not such a URL.
 */
export function parseUrl(text: string): UrlPort | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  let i = m[0].length;
  let authEnd = text.length;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '/' || c === '?' || c === '#') {
      authEnd = j;
      break;
    }
  }
  const at = text.lastIndexOf('@', authEnd);
  if (at >= i) i = at + 1;
  let hostStart = i;
  let hostEnd: number;
  let portStart: number | undefined;
  if (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || close > authEnd) return undefined;
    hostStart = i + 1;
    hostEnd = close;
    if (text[close + 1] === ':') portStart = close + 2;
  } else {
    const colon = text.indexOf(':', i);
    if (colon >= 0 && colon < authEnd) {
      hostEnd = colon;
      portStart = colon + 1;
    } else {
      hostEnd = authEnd;
    }
  }
  const host = text.slice(hostStart, hostEnd);
  if (host === '') return undefined;
  const out: UrlPort = { scheme, host, hostStart, hostEnd };
  if (portStart !== undefined) {
    const digits = text.slice(portStart, authEnd);
    if (!/^\d+$/.test(digits)) return undefined;
    out.port = { port: Number(digits), start: portStart, end: authEnd };
  } else if (DEFAULT_PORTS[scheme] !== undefined) {
    out.defaultPort = DEFAULT_PORTS[scheme];
  }
  return out;
}

/** True for 127.0.0.0/8, ::1 and "localhost". */
export function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** True for an address that means "all interfaces": undefined, "", "*", "0.0.0.0", "::". */
export function isWildcard(host: string | undefined): boolean {
  return host === undefined || host === '' || host === '*' || host === '0.0.0.0' || host === '::' || host === '[::]';
}
