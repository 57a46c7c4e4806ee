/**
 * Port facts of an HAProxy configuration (HAProxy Configuration Manual 2.6+, sections 4.2
 * "bind", 5.1 "Bind options", 5.2 "Server and default-server options"):
 * - `bind <addr>[,<addr>…]` in `frontend` and `listen` sections: each `[prefix@][host]:port[-end]`
 *   is a `bind` (TCP; UDP for `udp@`/`quic4@`/`quic6@`), on all interfaces for `*`, `::`, `0.0.0.0`
 *   or an empty host; `unix@`, `abns@`, `fd@` and socket pairs have no port;
 * - `server <name> <addr>[:port]` and `server-template <prefix> <n> <fqdn>[:port]` in `backend`
 *   and `listen` sections: a `reference` to the address and port (a server without a port gets
 *   the client's destination port: no fact);
 * - the health-check port (`port <n>` on the server, or inherited from `default-server port <n>`
 *   of the section, else of the `defaults` section it inherits from: the last one above it, or
 *   the one named by `from`) of a server with `check`: a `reference` on the server's address
 *   whose value is written at the `port` digits.
 * Binds have the instance "haproxy"; `owner` is the section's name (the frontend name). A port
 * or range outside 1-65535 is `invalid-port`. A part holding `${VAR}` is unknown.
 */
import type { Derivation, ExtractContext, ExtractedFact, ExtractResult, Location, PortRange, Protocol, Span } from '../../model/facts';
import { syntaxFindings } from '../context';
import { emptyResult } from '../../model/facts';
import { formatRange, isValidRange } from '../../model/ports';
import { parseHaproxy, wordPart, type HaproxyLine, type HaproxySection, type HaproxyWord } from './syntax';

/** The instance of every HAProxy bind: one process serves every frontend. */
export const HAPROXY_INSTANCE = 'haproxy';

/** An address `[prefix@]host[:port[-end]]` with the offsets (in the text) of its port digits. */
export interface HaproxyAddress {
  host?: string;
  protocol: Protocol;
  port?: { range: PortRange; from: number; to: number };
  /** The host or port holds `${VAR}`. */
  unknownHost?: boolean;
  unknownPort?: boolean;
}

const IP_PREFIX = /^(ipv4|ipv6|tcp|tcp4|tcp6|udp|udp4|udp6|quic4|quic6|mptcp|mptcp4|mptcp6)@/;

/** Reads one address (see {@link HaproxyAddress}); `undefined` for socket addresses and malformed ones. */
export function parseHaproxyAddress(text: string): HaproxyAddress | undefined {
  let from = 0;
  let protocol: Protocol = 'tcp';
  const m = IP_PREFIX.exec(text);
  if (m) {
    from = m[0].length;
    if (/^(udp|quic)/.test(m[1]!)) protocol = 'udp';
  } else if (/^[a-z0-9]+@/i.test(text) || text.startsWith('/')) {
    return undefined;
  }
  const colon = text.lastIndexOf(':');
  const out: HaproxyAddress = { protocol };
  const hostText = colon >= from ? text.slice(from, colon) : text.slice(from);
  const host = hostText.startsWith('[') && hostText.endsWith(']') ? hostText.slice(1, -1) : hostText;
  if (host.includes('${')) out.unknownHost = true;
  else if (host !== '' && host !== '*' && host !== '0.0.0.0' && host !== '::') out.host = host;
  if (colon >= from) {
    const digits = text.slice(colon + 1);
    const p = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(digits);
    if (p) out.port = { range: { start: Number(p[1]), end: p[2] === undefined ? Number(p[1]) : Number(p[2]) }, from: colon + 1, to: text.length };
    else if (digits.includes('${')) out.unknownPort = true;
    else if (digits !== '' && !/^[+-]\d+$/.test(digits)) return undefined;
  }
  return out;
}

/** A `port <n>` health-check port and where its digits are. */
interface CheckPort {
  port: number;
  location: Location;
  /** Where it was set: "default-server of defaults \"name\"" or "default-server of backend \"x\"". */
  origin: string;
  check: boolean;
}

type Base = Omit<ExtractedFact, 'ports' | 'location' | 'valueLocation' | 'derivation'>;

class HaproxyExtraction {
  readonly result: ExtractResult = emptyResult();
  constructor(readonly ctx: ExtractContext) {}

  loc(span: Span): Location {
    return { file: this.ctx.path, span };
  }

  /** A fact on `span`, or `undefined` after an `invalid-port` finding. */
  fact(range: PortRange, span: Span, base: Base, valueLocation?: Location, derivation: Derivation = { kind: 'literal' }): ExtractedFact | undefined {
    if (!isValidRange(range)) {
      this.result.findings.push({ rule: 'invalid-port', span, message: `${base.detail} port ${formatRange(range)} is not a port (1-65535)` });
      return undefined;
    }
    return { ...base, ports: range, location: this.loc(span), valueLocation: valueLocation ?? this.loc(span), derivation };
  }

  /** The value of a `port <n>` option among `words`, with its digits' location. */
  portOption(words: readonly HaproxyWord[]): { port: number; location: Location } | undefined {
    for (let i = 0; i + 1 < words.length; i++) {
      if (words[i]!.text !== 'port' || !/^\d{1,5}$/.test(words[i + 1]!.text)) continue;
      const w = words[i + 1]!;
      return { port: Number(w.text), location: this.loc(wordPart(w, 0, w.text.length)) };
    }
    return undefined;
  }
}

/** The `default-server` port of a section's lines, if any. */
function defaultServer(x: HaproxyExtraction, lines: readonly HaproxyLine[], origin: string, inherited: CheckPort | undefined): CheckPort | undefined {
  let out = inherited;
  for (const l of lines) {
    if (l.words[0]?.text !== 'default-server') continue;
    const p = x.portOption(l.words);
    const check = l.words.some((w) => w.text === 'check') || (out?.check ?? false);
    if (p) out = { ...p, origin, check };
    else if (out) out = { ...out, check };
  }
  return out;
}

function binds(x: HaproxyExtraction, line: HaproxyLine, owner: string, block: string): void {
  const w = line.words[1];
  if (!w) return;
  let at = 0;
  for (const part of w.text.split(',')) {
    const from = at;
    at += part.length + 1;
    const a = parseHaproxyAddress(part);
    if (!a?.port) continue;
    const base: Base = { kind: 'bind', protocol: a.protocol, owner, detail: 'bind', instance: HAPROXY_INSTANCE, block };
    if (a.host !== undefined) base.address = a.host;
    else if (a.unknownHost) base.addressUnknown = true;
    const fact = x.fact(a.port.range, wordPart(w, from + a.port.from, from + a.port.to), base);
    if (fact) x.result.facts.push(fact);
  }
}

function server(x: HaproxyExtraction, line: HaproxyLine, owner: string, block: string, inherited: CheckPort | undefined): void {
  const template = line.words[0]!.text === 'server-template';
  const w = line.words[template ? 3 : 2];
  if (!w) return;
  const a = parseHaproxyAddress(w.text);
  if (!a || a.unknownHost) return;
  const base: Base = { kind: 'reference', protocol: a.protocol, owner, detail: line.words[0]!.text, block };
  if (a.host !== undefined) base.address = a.host;
  if (a.port) {
    const fact = x.fact(a.port.range, wordPart(w, a.port.from, a.port.to), base);
    if (fact) x.result.facts.push(fact);
  }
  const options = line.words.slice(template ? 4 : 3);
  const check = options.some((o) => o.text === 'check') || (inherited?.check ?? false);
  if (!check || a.host === undefined) return;
  const own = x.portOption(options);
  const checkBase: Base = { ...base, detail: `${base.detail} check port` };
  if (own) {
    const fact = x.fact({ start: own.port, end: own.port }, own.location.span, checkBase);
    if (fact) x.result.facts.push(fact);
  } else if (inherited) {
    const host = a.port ? wordPart(w, 0, a.port.from - 1) : w.span;
    const fact = x.fact({ start: inherited.port, end: inherited.port }, host, checkBase, inherited.location, { kind: 'default', note: `port ${inherited.port} of ${inherited.origin}` });
    if (fact) x.result.facts.push(fact);
  }
}

/** The facts of one proxy section (`frontend`, `backend`, `listen`). */
function proxy(x: HaproxyExtraction, s: HaproxySection, inherited: CheckPort | undefined): void {
  const name = s.header?.words[1]?.text ?? s.keyword;
  const block = `${s.keyword}@${s.header?.words[0]?.span.start ?? 0}`;
  const checkPort = s.keyword === 'frontend' ? undefined : defaultServer(x, s.lines, `default-server of ${s.keyword} "${name}"`, inherited);
  for (const line of s.lines) {
    const kw = line.words[0]!.text;
    if (kw === 'bind' && s.keyword !== 'backend') binds(x, line, name, block);
    else if ((kw === 'server' || kw === 'server-template') && s.keyword !== 'frontend') server(x, line, name, block, checkPort);
  }
}

/** Facts and findings of one HAProxy configuration (see the module comment). */
export function extractHaproxy(ctx: ExtractContext): ExtractResult {
  const x = new HaproxyExtraction(ctx);
  const { value: sections, errors } = parseHaproxy(ctx.text);
  x.result.findings.push(...syntaxFindings(errors, 'HAProxy syntax error'));
  if (errors.length > 0) {
    x.result.failed = true;
    return x.result;
  }
  const named = new Map<string, CheckPort | undefined>();
  let last: CheckPort | undefined;
  for (const s of sections) {
    const words = s.header?.words ?? [];
    const fromAt = words.findIndex((w) => w.text === 'from');
    const parent = fromAt > 0 ? named.get(words[fromAt + 1]?.text ?? '') : s.keyword === 'defaults' ? undefined : last;
    if (s.keyword === 'defaults') {
      const name = fromAt === 1 ? '' : words[1]?.text ?? '';
      last = defaultServer(x, s.lines, name ? `default-server of defaults "${name}"` : 'default-server of defaults', parent);
      if (name) named.set(name, last);
    } else if (s.keyword === 'frontend' || s.keyword === 'backend' || s.keyword === 'listen') {
      proxy(x, s, parent);
    }
  }
  return x.result;
}
