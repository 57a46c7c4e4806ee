/**
 * Host and port inside one nginx word: `proxy_pass http://[::1]:8080/x`, `upstream` servers
 * (`10.0.0.2:9000`), redirect URLs (`https://$host:8443$request_uri`).
 */

/** A host and optional port inside a word, as value indices. */
export interface HostPort {
  /** Lower-cased scheme; `undefined` when none is written or it is `$scheme`. */
  scheme?: string;
  /** A `unix:` socket path (no host, no port). */
  unix: boolean;
  /** Host text without brackets. */
  host: string;
  /** Value indices of the host, brackets included. */
  hostFrom: number;
  hostTo: number;
  /** The text after `:` up to the end of the authority, when a `:` follows the host. */
  portText?: string;
  portFrom?: number;
  portTo?: number;
  /** The port is a variable (`:$port`). */
  variablePort: boolean;
}

/**
 * Splits "[scheme://]host[:port][/...]" as nginx URLs are written, where the host may be a
 * variable (`$host`) and a variable may follow the port digits (`:8443$request_uri`).
 * `$scheme://` counts as a scheme of unknown name; without `allowBareScheme` a scheme is
 * required. Returns `undefined` when no host is written (or a `[` host is not closed). The
 * port text is not checked: callers parse it.
 */
export function splitHostPort(v: string, allowBareScheme: boolean): HostPort | undefined {
  let i = 0;
  let scheme: string | undefined;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(v) ?? /^(\$scheme):\/\//.exec(v);
  if (m) {
    scheme = m[1] === '$scheme' ? undefined : m[1]!.toLowerCase();
    i = m[0].length;
  } else if (!allowBareScheme) {
    return undefined;
  }
  if (v.startsWith('unix:', i)) return { scheme, unix: true, host: '', hostFrom: i, hostTo: i, variablePort: false };
  const hostFrom = i;
  let hostTo: number;
  let host: string;
  let j: number;
  if (v[i] === '[') {
    const close = v.indexOf(']', i);
    if (close < 0) return undefined;
    host = v.slice(i + 1, close);
    hostTo = close + 1;
    j = hostTo;
  } else {
    j = i;
    while (j < v.length && !':/?#'.includes(v[j]!)) j++;
    host = v.slice(i, j);
    hostTo = j;
  }
  if (host === '') return undefined;
  const out: HostPort = { scheme, unix: false, host, hostFrom, hostTo, variablePort: false };
  if (v[j] === ':') {
    let e = j + 1;
    while (e < v.length && !'/?#$'.includes(v[e]!)) e++;
    if (e === j + 1 && v[e] === '$') {
      out.variablePort = true;
    } else {
      out.portText = v.slice(j + 1, e);
      out.portFrom = j + 1;
      out.portTo = e;
    }
  }
  return out;
}
