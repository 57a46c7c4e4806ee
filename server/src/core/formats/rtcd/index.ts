/**
 * rtcd's config.toml (mattermost/rtcd, config/config.sample.toml) and the knowledge of which
 * keys and `RTCD_*` environment variables rtcd reads (docs/env_config.md).
 *
 * Facts: the API bind (`api.http.listen_address`, TCP, default ":8045"), the media binds
 * (`rtc.ice_port_udp` / `rtc.ice_port_tcp`, default 8443, on `rtc.ice_address_udp/tcp`), and
 * `rtc.ice_host_port_override` as a reference (advertised, not bound; a port, or one reference
 * per "localIP/port" pair of its string form). A key that is absent
 * yields a `default` fact located on its section header (or the file's first line).
 * Findings: `invalid-port` outside [80, 49151]; `unknown-rtcd-key` with a did-you-mean.
 */
import { parseListenAddress } from '../../model/addresses';
import type { ExtractContext, ExtractedFact, ExtractResult, FileFinding, FormatModule, Role, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../model/ports';
import { dotted, listToml, type TomlEntry } from '../toml/syntax';
import { basename } from '../../model/paths';

/** A key rtcd reads: its dotted TOML path and its environment override name. */
export interface RtcdKey {
  key: string;
  env: string;
}

/** Every key rtcd reads, with its `RTCD_*` override (docs/env_config.md). */
export const RTCD_KEYS: readonly RtcdKey[] = [
  ['api.http.listen_address', 'RTCD_API_HTTP_LISTENADDRESS'],
  ['api.http.tls.enable', 'RTCD_API_HTTP_TLS_ENABLE'],
  ['api.http.tls.cert_file', 'RTCD_API_HTTP_TLS_CERTFILE'],
  ['api.http.tls.cert_key', 'RTCD_API_HTTP_TLS_CERTKEY'],
  ['api.security.enable_admin', 'RTCD_API_SECURITY_ENABLEADMIN'],
  ['api.security.admin_secret_key', 'RTCD_API_SECURITY_ADMINSECRETKEY'],
  ['api.security.allow_self_registration', 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION'],
  ['api.security.session_cache.expiration_minutes', 'RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES'],
  ['rtc.ice_address_udp', 'RTCD_RTC_ICEADDRESSUDP'],
  ['rtc.ice_port_udp', 'RTCD_RTC_ICEPORTUDP'],
  ['rtc.ice_address_tcp', 'RTCD_RTC_ICEADDRESSTCP'],
  ['rtc.ice_port_tcp', 'RTCD_RTC_ICEPORTTCP'],
  ['rtc.ice_host_override', 'RTCD_RTC_ICEHOSTOVERRIDE'],
  ['rtc.ice_host_port_override', 'RTCD_RTC_ICEHOSTPORTOVERRIDE'],
  ['rtc.ice_servers', 'RTCD_RTC_ICESERVERS'],
  ['rtc.turn.static_auth_secret', 'RTCD_RTC_TURNCONFIG_STATICAUTHSECRET'],
  ['rtc.turn.credentials_expiration_minutes', 'RTCD_RTC_TURNCONFIG_CREDENTIALSEXPIRATIONMINUTES'],
  ['rtc.enable_ipv6', 'RTCD_RTC_ENABLEIPV6'],
  ['rtc.udp_sockets_count', 'RTCD_RTC_UDPSOCKETSCOUNT'],
  ['rtc.nack_buffer_size', 'RTCD_RTC_NACKBUFFERSIZE'],
  ['rtc.nack_disable_copy', 'RTCD_RTC_NACKDISABLECOPY'],
  ['store.data_source', 'RTCD_STORE_DATASOURCE'],
  ['logger.enable_console', 'RTCD_LOGGER_ENABLECONSOLE'],
  ['logger.console_json', 'RTCD_LOGGER_CONSOLEJSON'],
  ['logger.console_level', 'RTCD_LOGGER_CONSOLELEVEL'],
  ['logger.enable_file', 'RTCD_LOGGER_ENABLEFILE'],
  ['logger.file_json', 'RTCD_LOGGER_FILEJSON'],
  ['logger.file_level', 'RTCD_LOGGER_FILELEVEL'],
  ['logger.file_location', 'RTCD_LOGGER_FILELOCATION'],
  ['logger.enable_color', 'RTCD_LOGGER_ENABLECOLOR'],
].map(([key, env]) => ({ key: key!, env: env! }));

/** The port-carrying keys, their role, protocol and rtcd's default. */
export const RTCD_PORT_KEYS: readonly { key: string; env: string; role: Role; protocol: 'tcp' | 'udp'; default: number; addressKey?: string }[] = [
  { key: 'api.http.listen_address', env: 'RTCD_API_HTTP_LISTENADDRESS', role: 'rtcd-api', protocol: 'tcp', default: 8045 },
  { key: 'rtc.ice_port_udp', env: 'RTCD_RTC_ICEPORTUDP', role: 'rtcd-ice-udp', protocol: 'udp', default: 8443, addressKey: 'rtc.ice_address_udp' },
  { key: 'rtc.ice_port_tcp', env: 'RTCD_RTC_ICEPORTTCP', role: 'rtcd-ice-tcp', protocol: 'tcp', default: 8443, addressKey: 'rtc.ice_address_tcp' },
];

/** Letters and digits only, lower-cased: how names are compared for did-you-mean. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Names people write for rtcd's ports in other products' style (seed 000: `[HTTP] ServerPort`). */
const ALIASES: Record<string, string> = {
  httpserverport: 'api.http.listen_address',
  httpport: 'api.http.listen_address',
  apiport: 'api.http.listen_address',
  httplistenaddress: 'api.http.listen_address',
  serverport: 'api.http.listen_address',
  rtciceportudp: 'rtc.ice_port_udp',
  rtciceporttcp: 'rtc.ice_port_tcp',
  rtcudpport: 'rtc.ice_port_udp',
  rtctcpport: 'rtc.ice_port_tcp',
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The rtcd key a mistyped dotted key most likely means, or `undefined`. Compares names with
 * case, dots and underscores ignored, then known aliases, then edit distance <= 3.
 */
export function suggestRtcdKey(written: string): string | undefined {
  const s = squash(written);
  for (const k of RTCD_KEYS) if (squash(k.key) === s) return k.key;
  if (ALIASES[s]) return ALIASES[s];
  const tail = squash(written.split('.').pop() ?? '');
  if (ALIASES[tail]) return ALIASES[tail];
  let best: string | undefined;
  let bestD = 4;
  for (const k of RTCD_KEYS) {
    const d = editDistance(s, squash(k.key));
    if (d < bestD) {
      bestD = d;
      best = k.key;
    }
  }
  return best;
}

/**
 * For an environment variable name: the rtcd key it overrides (`RTCD_RTC_ICEPORTUDP` ->
 * rtc.ice_port_udp); or, when rtcd would ignore it but it looks meant for rtcd, the name it
 * should have (`API_SECURITY_ALLOWSELFREGISTRATION` -> `RTCD_API_SECURITY_ALLOWSELFREGISTRATION`).
 */
export function classifyRtcdEnv(name: string): { kind: 'key'; key: RtcdKey } | { kind: 'unknown'; suggestion?: string } {
  const hit = RTCD_KEYS.find((k) => k.env === name);
  if (hit) return { kind: 'key', key: hit };
  const upper = name.toUpperCase();
  const withPrefix = upper.startsWith('RTCD_') ? upper : `RTCD_${upper}`;
  const near = RTCD_KEYS.find((k) => k.env === withPrefix) ?? RTCD_KEYS.find((k) => squash(k.env) === squash(withPrefix));
  if (near) return { kind: 'unknown', suggestion: near.env };
  let best: RtcdKey | undefined;
  let bestD = 4;
  for (const k of RTCD_KEYS) {
    const d = editDistance(squash(withPrefix), squash(k.env));
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best ? { kind: 'unknown', suggestion: best.env } : { kind: 'unknown' };
}

/** True when an env name is rtcd's or is plausibly meant for rtcd (used to decide whether to flag it). */
export function looksLikeRtcdEnv(name: string): boolean {
  if (name.startsWith('RTCD_')) return true;
  const r = classifyRtcdEnv(name);
  return r.kind === 'unknown' && r.suggestion !== undefined && squash(`RTCD_${name}`) === squash(r.suggestion);
}

const RTCD_SECTIONS = new Set(['api', 'rtc', 'store', 'logger']);

function detect(path: string, text: string): 'strong' | 'weak' | false {
  const lower = path.toLowerCase();
  if (!lower.endsWith('.toml')) return false;
  const byPath = /(^|\/)rtcd[^/]*(\/|\.toml$)/.test(lower);
  const byContent = /^[ \t]*\[(api|rtc)\]/m.test(text) && /(listen_address|ice_port_udp|ice_port_tcp|ice_host_override)/.test(text);
  if (byContent) return 'strong';
  if (byPath) return 'strong';
  return false;
}

function firstLine(text: string): Span {
  const nl = text.indexOf('\n');
  return { start: 0, end: nl < 0 ? text.length : nl };
}

/** Extracts rtcd's binds from config.toml. Never throws. */
function extract(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const listing = listToml(ctx.text);
  if (!listing.ok) {
    const at = Math.min(listing.offset, ctx.text.length);
    result.findings.push({ rule: 'parse-error', span: { start: at, end: Math.min(at + 1, ctx.text.length) }, message: listing.tooDeep ? listing.message : `TOML syntax error: ${listing.message}` });
    result.failed = true;
    return result;
  }
  const instance = `rtcd:${ctx.path}`;
  const byKey = new Map<string, TomlEntry>();
  for (const e of listing.entries) byKey.set(dotted(e.path), e);
  const known = new Set(RTCD_KEYS.map((k) => k.key));
  const loc = (span: Span) => ({ file: ctx.path, span });

  for (const e of listing.entries) {
    const key = dotted(e.path);
    const root = String(e.path[0]);
    // ice_servers is an array of inline tables; anything below it is fine.
    if (key.startsWith('rtc.ice_servers')) continue;
    if (known.has(key)) continue;
    const suggestion = suggestRtcdKey(key);
    const f: FileFinding = {
      rule: 'unknown-rtcd-key',
      span: e.keySpan,
      message: `rtcd does not read "${key}"${RTCD_SECTIONS.has(root) ? '' : ` (section [${root}] is not one of rtcd's: api, rtc, store, logger)`}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
    };
    if (suggestion) f.suggestion = suggestion;
    result.findings.push(f);
  }

  const sectionSpan = (section: string): Span => listing.tables.find((t) => t.path.length === 1 && t.path[0] === section)?.span ?? firstLine(ctx.text);

  for (const pk of RTCD_PORT_KEYS) {
    const e = byKey.get(pk.key);
    const addressEntry = pk.addressKey ? byKey.get(pk.addressKey) : undefined;
    let address: string | undefined;
    if (addressEntry && typeof addressEntry.value === 'string' && addressEntry.value.trim() !== '') {
      address = addressEntry.value.split(',')[0]!.trim();
    }
    const base = { kind: 'bind' as const, protocol: pk.protocol, owner: 'rtcd', role: pk.role, detail: pk.key.split('.').pop()!, instance };
    if (!e) {
      const span = sectionSpan(pk.key.split('.')[0]!);
      const fact: ExtractedFact = {
        ...base,
        ports: { start: pk.default, end: pk.default },
        location: loc(span),
        valueLocation: loc(span),
        derivation: { kind: 'default', note: `rtcd's default for ${pk.key}` },
      };
      if (address) fact.address = address;
      result.facts.push(fact);
      continue;
    }
    let port: number | undefined;
    let span: Span | undefined;
    if (pk.role === 'rtcd-api') {
      if (typeof e.value === 'string') {
        const la = parseListenAddress(e.value);
        if (la?.port) {
          port = la.port.port;
          // Written with escapes: the digits have no exact source position, so the whole string is the mention.
          span = e.contentSpan ? { start: e.contentSpan.start + la.port.start, end: e.contentSpan.start + la.port.end } : e.valueSpan;
          address = la.host;
        } else {
          result.findings.push({ rule: 'invalid-port', span: e.valueSpan, message: `api.http.listen_address "${e.value}" has no port; rtcd expects an address like ":8045"` });
        }
      } else {
        result.findings.push({ rule: 'invalid-port', span: e.valueSpan, message: `api.http.listen_address must be a string like ":8045"` });
      }
    } else if (typeof e.value === 'number' && Number.isInteger(e.value)) {
      port = e.value;
      span = e.valueSpan;
    } else {
      result.findings.push({ rule: 'invalid-port', span: e.valueSpan, message: `${pk.key} must be an integer port in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]` });
    }
    if (port === undefined || !span) continue;
    if (port < RTCD_MIN_PORT || port > RTCD_MAX_PORT) {
      result.findings.push({ rule: 'invalid-port', span, message: `rtcd accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; ${pk.key} is ${port}` });
      continue;
    }
    const fact: ExtractedFact = { ...base, ports: { start: port, end: port }, location: loc(span), valueLocation: loc(span), derivation: { kind: 'literal' } };
    if (address) fact.address = address;
    result.facts.push(fact);
  }

  overrideFacts(byKey.get('rtc.ice_host_port_override'), result, ctx.path, instance);
  return result;
}

/**
 * rtc.ice_host_port_override (config.sample.toml): a port, or a string of "localIP/port" pairs
 * separated by commas, advertised in ICE host candidates instead of ice_port_udp/tcp. Adds one
 * `reference` per port (role `rtcd-ice-host-port-override`), or an `invalid-port` finding.
 */
function overrideFacts(override: TomlEntry | undefined, result: ExtractResult, path: string, instance: string): void {
  const loc = (span: Span) => ({ file: path, span });
  const overrideFact = (port: number, span: Span, address?: string): void => {
    if (port < RTCD_MIN_PORT || port > RTCD_MAX_PORT) {
      result.findings.push({ rule: 'invalid-port', span, message: `rtcd accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; rtc.ice_host_port_override is ${port}` });
      return;
    }
    const fact: ExtractedFact = {
      kind: 'reference', ports: { start: port, end: port }, protocol: 'both', owner: 'rtcd', role: 'rtcd-ice-host-port-override',
      detail: 'ice_host_port_override', location: loc(span), valueLocation: loc(span), derivation: { kind: 'literal' }, instance,
    };
    if (address !== undefined) fact.address = address;
    result.facts.push(fact);
  };
  if (override && typeof override.value === 'number') {
    if (Number.isInteger(override.value)) overrideFact(override.value, override.valueSpan);
    else result.findings.push({ rule: 'invalid-port', span: override.valueSpan, message: `rtc.ice_host_port_override must be an integer port in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]` });
  } else if (override && typeof override.value === 'string' && override.value.trim() !== '') {
    const pairs = parseHostPortOverride(override.value);
    if (!pairs) {
      result.findings.push({ rule: 'invalid-port', span: override.valueSpan, message: `rtc.ice_host_port_override "${override.value}" is neither a port nor a list like "10.0.0.1/8443,10.0.0.2/8444"` });
    } else {
      const content = override.contentSpan;
      for (const p of pairs) overrideFact(p.port, content ? { start: content.start + p.start, end: content.start + p.end } : override.valueSpan, p.address);
    }
  }
}

/**
 * Reads rtcd's `ice_host_port_override` string form: "30443", or comma-separated
 * "localIP/port" pairs ("10.0.0.1/8443,10.0.0.2/8444"; config.sample.toml). Returns each port
 * (an integer, range not checked) with the offsets of its digits in `value`, or `undefined`
 * when any part is malformed.
 */
export function parseHostPortOverride(value: string): { port: number; start: number; end: number; address?: string }[] | undefined {
  const out: { port: number; start: number; end: number; address?: string }[] = [];
  let at = 0;
  for (const part of value.split(',')) {
    const m = /^(\s*)(?:([^/\s]+)\/)?(\d{1,5})\s*$/.exec(part);
    if (!m) return undefined;
    const start = at + m[1]!.length + (m[2] !== undefined ? m[2].length + 1 : 0);
    const p: { port: number; start: number; end: number; address?: string } = { port: Number(m[3]), start, end: start + m[3]!.length };
    if (m[2] !== undefined) p.address = m[2];
    out.push(p);
    at += part.length + 1;
  }
  return out;
}

/** The rtcd config.toml format module. Recognized by `[api]`/`[rtc]` with rtcd keys, or by an rtcd path. */
export const rtcdFormat: FormatModule = { id: 'rtcd-toml', detect, extract };

/** True when a path is conventionally rtcd's config file (used to link units and containers to it). */
export function isRtcdConfigName(path: string): boolean {
  return basename(path) === 'config.toml' || /rtcd/i.test(path);
}
