/**
 * Ports in TOML files other than rtcd's: keys named `port`, `*_port`, `listen`, `*_listen`,
 * `address`, `addr`, `*_address`, `*_addr`, `bind`, `*_bind`. An integer value, or a string
 * "host:port" / ":port", is a bind; when the same table names a remote `host`/`server`/`url`, it
 * is a reference. In a table named for a service the program connects to (`[database]`,
 * `[redis]`, `[smtp]`, `[upstream]`...) a loopback host makes it a loopback reference; elsewhere a
 * loopback host is the bind address.
 * Traefik's dynamic configuration (`[http.services.X.loadBalancer]` with `[[...servers]]` `url =
 * "http://host:port"`, `[[tcp.services.X.loadBalancer.servers]]` / `udp` with `address =
 * "host:port"`, and ports such as `healthCheck.port` under a service) names the servers Traefik
 * forwards to: every port under `http|tcp|udp.services` is a reference (udp ones UDP), never a
 * bind; a server `url` without a written port gives nothing.
 * Recognized only by content (a TOML file with at least one such key); never reports parse
 * errors, because a `.toml` file is not necessarily configuration of a port at all.
 */
import { isLoopback, isWildcard, parseListenAddress, parseUrl } from '../../model/addresses';
import type { ExtractContext, ExtractedFact, ExtractResult, FormatModule } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { isValidPort } from '../../model/ports';
import { dotted, listToml } from './syntax';
import { basename } from '../../model/paths';

const PORT_KEY = /^(port|[a-z0-9_]*_port|listen|[a-z0-9_]*_listen|listen_addr(ess)?|address|addr|[a-z0-9_]*_address|[a-z0-9_]*_addr|bind|[a-z0-9_]*_bind)$/i;
const PORT_KEY_LINE = /^[ \t]*(?:[\w.-]+\.)?(port|\w+_port|listen|\w+_listen|address|addr|\w+_address|\w+_addr|bind|\w+_bind)\s*=/im;
const REMOTE_KEYS = ['host', 'hostname', 'server', 'url', 'address', 'addr'];
/** Tables that describe a service this program connects to: their host/port pair is a reference even on loopback. */
const CLIENT_TABLE = /(^|[._-])(db|database|postgres(ql)?|mysql|mariadb|redis|cache|memcached?|mongo(db)?|smtp|mail|upstream|remote|client|backend|broker|amqp|rabbitmq|kafka|nats|elasticsearch|ldap)([._-]|$)/i;

/** Tables of a Traefik dynamic configuration's services (doc.traefik.io "Routing & Load Balancing"), by dotted path. */
const TRAEFIK_SERVICE = /^(http|tcp|udp)\.services\./i;
/** A Traefik service table header, as a line: `[http.services.app.loadBalancer]`, `[[tcp.services.db.loadBalancer.servers]]`. */
const TRAEFIK_SERVICE_LINE = /^[ \t]*\[{1,2}[ \t]*(?:http|tcp|udp)\.services\./im;

function detect(path: string, text: string): 'weak' | false {
  if (!path.toLowerCase().endsWith('.toml')) return false;
  return PORT_KEY_LINE.test(text) || TRAEFIK_SERVICE_LINE.test(text) ? 'weak' : false;
}

function extract(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const listing = listToml(ctx.text);
  if (!listing.ok) {
    result.failed = true;
    return result;
  }
  const owner = basename(ctx.path).replace(/\.toml$/i, '');
  const byTable = new Map<string, Map<string, unknown>>();
  for (const e of listing.entries) {
    const table = dotted(e.path.slice(0, -1));
    const m = byTable.get(table) ?? new Map<string, unknown>();
    m.set(String(e.path[e.path.length - 1]).toLowerCase(), e.value);
    byTable.set(table, m);
  }
  for (const e of listing.entries) {
    const name = String(e.path[e.path.length - 1]);
    const table = dotted(e.path.slice(0, -1));
    const traefik = TRAEFIK_SERVICE.exec(table);
    const url = traefik !== null && name.toLowerCase() === 'url';
    if (!PORT_KEY.test(name) && !url) continue;
    const siblings = byTable.get(table);
    let remote: string | undefined;
    for (const k of REMOTE_KEYS) {
      const v = siblings?.get(k);
      if (k !== name.toLowerCase() && typeof v === 'string' && v !== '' && !isWildcard(v)) remote = v;
    }
    const clientTable = CLIENT_TABLE.test(table);
    let port: number | undefined;
    let span = e.valueSpan;
    let address: string | undefined;
    if (url) {
      const u = typeof e.value === 'string' && e.contentSpan ? parseUrl(e.value) : undefined;
      if (!u?.port) continue;
      port = u.port.port;
      span = { start: e.contentSpan!.start + u.port.start, end: e.contentSpan!.start + u.port.end };
      if (u.host !== '') address = u.host;
    } else if (typeof e.value === 'number' && Number.isInteger(e.value)) {
      port = e.value;
    } else if (typeof e.value === 'string' && e.contentSpan) {
      const la = parseListenAddress(e.value);
      if (!la?.port) continue;
      port = la.port.port;
      span = { start: e.contentSpan.start + la.port.start, end: e.contentSpan.start + la.port.end };
      address = la.host;
    } else {
      continue;
    }
    if (!isValidPort(port)) {
      if (port === 0) continue; // 0 conventionally means "disabled" or "pick any"
      result.findings.push({ rule: 'invalid-port', span, message: `port ${port} is out of range 1-65535` });
      continue;
    }
    const isReference = traefik !== null ||
      (remote !== undefined && (!isLoopback(remote) || clientTable)) || (address !== undefined && /[a-z]/i.test(address) && (!isLoopback(address) || clientTable));
    // A loopback host beside the port of a server section is where that server binds.
    if (!isReference && address === undefined && remote !== undefined && isLoopback(remote)) address = remote;
    const fact: ExtractedFact = {
      kind: isReference ? 'reference' : 'bind',
      ports: { start: port, end: port },
      protocol: /udp/i.test(name) || traefik?.[1]!.toLowerCase() === 'udp' ? 'udp' : 'tcp',
      owner: table ? `${owner} [${table}]` : owner,
      location: { file: ctx.path, span },
      valueLocation: { file: ctx.path, span },
      derivation: { kind: 'literal' },
      detail: dotted(e.path),
      instance: `toml:${ctx.path}`,
    };
    const addr = address ?? (isReference ? remote : undefined);
    if (addr !== undefined) fact.address = addr;
    result.facts.push(fact);
  }
  return result;
}

/** Generic TOML ports (weakly recognized by port-like keys). */
export const tomlFormat: FormatModule = { id: 'toml', detect, extract };
