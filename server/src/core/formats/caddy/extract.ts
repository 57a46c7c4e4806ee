/**
 * Port facts of a Caddyfile (caddyserver.com/docs/caddyfile):
 * - each site address is a TCP `bind` of its port on all interfaces (or on the site's `bind` /
 *   global `default_bind` host); an address without a port binds 443 (`https_port`), or 80
 *   (`http_port`) for `http://`, as `default` facts on the address; a host name without scheme
 *   and port also binds 80 for Caddy's automatic HTTPS redirects;
 * - `reverse_proxy` upstreams (arguments and `to` lines, `http://`, `https://`, `h2c://`; a bare
 *   `:port` dials localhost) and `php_fastcgi` upstreams are `reference`s; without a port they
 *   point at 80 (443 for `https://`) as `default` facts;
 * - the global `admin` address binds the admin API (role `admin-api`; `admin off` binds nothing;
 *   absent, Caddy's default localhost:2019 is not reported);
 * - the listener address of a global `servers` block is a reference to that listener.
 * Every bind has the instance "caddy": one Caddy serves all its sites. Ports outside 1-65535 are
 * `invalid-port` findings. Placeholders (`{$PORT}`) are unknown and yield nothing.
 */
import type { Derivation, ExtractContext, ExtractedFact, ExtractResult, Location, Span } from '../../model/facts';
import { syntaxFindings } from '../context';
import { emptyResult } from '../../model/facts';
import { formatRange, isValidRange } from '../../model/ports';
import { parseNetworkAddress, parseSiteAddress, parseUpstream, type CaddyAddress } from './address';
import { parseCaddyfile, walkLines, type CaddyLine, type CaddyToken } from './syntax';

/** The instance of every Caddy bind: one process serves every site. */
export const CADDY_INSTANCE = 'caddy';

/** What the global options block sets for the sites. */
interface Globals {
  httpPort: { port: number; location?: Location };
  httpsPort: { port: number; location?: Location };
  defaultBind?: string;
}

class CaddyExtraction {
  readonly result: ExtractResult = emptyResult();
  constructor(readonly ctx: ExtractContext) {}

  loc(span: Span): Location {
    return { file: this.ctx.path, span };
  }

  /** Source offset of a token's first character, when its text is a plain copy of the source. */
  start(tok: CaddyToken): number | undefined {
    if (!tok.quoted) return tok.span.start;
    return this.ctx.text.slice(tok.span.start + 1, tok.span.end - 1) === tok.text ? tok.span.start + 1 : undefined;
  }

  /** The fact for an address's written port, or `undefined` after an `invalid-port` finding. */
  written(tok: CaddyToken, a: CaddyAddress, base: Omit<ExtractedFact, 'ports' | 'location' | 'valueLocation' | 'derivation'>): ExtractedFact | undefined {
    const at = this.start(tok);
    if (!a.port || at === undefined) return undefined;
    const span = { start: at + a.port.start, end: at + a.port.end };
    if (!isValidRange(a.port.range)) {
      this.result.findings.push({ rule: 'invalid-port', span, message: `${base.detail} port ${formatRange(a.port.range)} is not a port (1-65535)` });
      return undefined;
    }
    return { ...base, ports: a.port.range, location: this.loc(span), valueLocation: this.loc(span), derivation: { kind: 'literal' } };
  }

  /** A `default` fact on the whole token, its value written at `valueLocation` when a global option sets it. */
  defaulted(tok: CaddyToken, port: number, note: string, base: Omit<ExtractedFact, 'ports' | 'location' | 'valueLocation' | 'derivation'>, valueLocation?: Location): ExtractedFact {
    const comma = !tok.quoted && tok.text.endsWith(',') && tok.text.length > 1 ? 1 : 0;
    const location = this.loc({ start: tok.span.start, end: tok.span.end - comma });
    const derivation: Derivation = { kind: 'default', note };
    return { ...base, ports: { start: port, end: port }, location, valueLocation: valueLocation ?? location, derivation };
  }
}

/** Reads the global options block (the first block, without keys). */
function globals(x: CaddyExtraction, block: readonly CaddyLine[]): Globals {
  const g: Globals = { httpPort: { port: 80 }, httpsPort: { port: 443 } };
  for (const line of block) {
    const [name, arg] = line.tokens;
    if (!name || name.quoted) continue;
    if ((name.text === 'http_port' || name.text === 'https_port') && arg && /^\d{1,5}$/.test(arg.text)) {
      const at = x.start(arg);
      const slot = name.text === 'http_port' ? g.httpPort : g.httpsPort;
      slot.port = Number(arg.text);
      if (at !== undefined) slot.location = x.loc({ start: at, end: at + arg.text.length });
    } else if (name.text === 'default_bind' && arg) {
      const a = parseNetworkAddress(arg.text);
      if (a?.host) g.defaultBind = a.host;
    } else if (name.text === 'admin' && arg && arg.text !== 'off') {
      const a = parseNetworkAddress(arg.text);
      if (!a || a.unknownPort) continue;
      const fact = x.written(arg, a, { kind: 'bind', protocol: 'tcp', owner: 'caddy', role: 'admin-api', detail: 'admin', instance: CADDY_INSTANCE });
      if (!fact) continue;
      if (a.unknownHost) fact.addressUnknown = true;
      else if (a.host) fact.address = a.host;
      x.result.facts.push(fact);
    } else if (name.text === 'servers' && arg && !arg.text.startsWith('{')) {
      const a = parseNetworkAddress(arg.text);
      const fact = a && !a.unknownPort ? x.written(arg, a, { kind: 'reference', protocol: 'tcp', owner: 'caddy', detail: 'servers' }) : undefined;
      if (fact) x.result.facts.push(fact);
    }
  }
  return g;
}

/** True for a matcher token (`*`, `/path`, `@name`) in a directive's first argument. */
function isMatcher(tok: CaddyToken | undefined): boolean {
  return tok !== undefined && !tok.quoted && (tok.text === '*' || tok.text.startsWith('/') || tok.text.startsWith('@'));
}

/** One upstream of `reverse_proxy`, `to` or `php_fastcgi` as a reference. */
function upstream(x: CaddyExtraction, tok: CaddyToken, detail: string, owner: string, block: string): void {
  const a = parseUpstream(tok.text);
  if (!a || a.unknownHost || a.unknownPort) return;
  const base: Omit<ExtractedFact, 'ports' | 'location' | 'valueLocation' | 'derivation'> = { kind: 'reference', protocol: 'tcp', address: a.host ?? 'localhost', owner, detail, block };
  if (a.scheme) base.scheme = a.scheme;
  if (a.port) {
    const fact = x.written(tok, a, base);
    if (fact) x.result.facts.push(fact);
  } else if (a.host && detail !== 'php_fastcgi') {
    const port = a.scheme === 'https' ? 443 : 80;
    x.result.facts.push(x.defaulted(tok, port, `Caddy's default upstream port for ${a.scheme ?? 'http'}`, base));
  }
}

/** The upstreams of the directives in a site's body (any depth: `handle`, `route`, …). */
function directives(x: CaddyExtraction, body: readonly CaddyLine[], owner: string, block: string): void {
  for (const line of walkLines(body)) {
    const [name, ...args] = line.tokens;
    if (!name || name.quoted) continue;
    if (name.text === 'reverse_proxy' || name.text === 'php_fastcgi') {
      const ups = isMatcher(args[0]) ? args.slice(1) : args;
      for (const tok of ups) upstream(x, tok, name.text, owner, block);
      for (const sub of line.block ?? []) {
        const [key, ...more] = sub.tokens;
        if (key && !key.quoted && key.text === 'to') for (const tok of more) upstream(x, tok, name.text, owner, block);
      }
    }
  }
}

/** The binds of one site block: its addresses, at its `bind` host when it has one. */
function site(x: CaddyExtraction, g: Globals, addresses: readonly CaddyToken[], body: readonly CaddyLine[]): void {
  const bindLine = body.find((l) => l.tokens[0]?.text === 'bind' && !l.tokens[0].quoted && l.tokens.length > 1);
  const bindHost = bindLine ? parseNetworkAddress(bindLine.tokens[1]!.text)?.host : g.defaultBind;
  const owner = addresses[0]?.text.replace(/,$/, '') ?? 'caddy';
  const block = `site@${addresses[0]?.span.start ?? 0}`;
  for (const tok of addresses) {
    if (tok.text === ',') continue;
    const a = parseSiteAddress(tok.text);
    if (!a || a.unknownPort || (a.unknownHost && !a.port)) continue;
    const base: Omit<ExtractedFact, 'ports' | 'location' | 'valueLocation' | 'derivation'> = { kind: 'bind', protocol: 'tcp', owner, detail: 'site address', instance: CADDY_INSTANCE, block };
    if (bindHost !== undefined) base.address = bindHost;
    if (a.scheme) base.scheme = a.scheme;
    if (a.port) {
      const fact = x.written(tok, a, base);
      if (fact) x.result.facts.push(fact);
      continue;
    }
    const http = a.scheme === 'http';
    const main = http ? g.httpPort : g.httpsPort;
    x.result.facts.push(x.defaulted(tok, main.port, main.location ? `the global ${http ? 'http_port' : 'https_port'} option` : `Caddy's default ${http ? 'HTTP' : 'HTTPS'} port`, base, main.location));
    if (!http && a.scheme === undefined && a.host !== undefined) {
      x.result.facts.push(x.defaulted(tok, g.httpPort.port, 'Caddy\'s automatic HTTPS redirects from HTTP', base, g.httpPort.location));
    }
  }
  directives(x, body, owner, block);
}

/** Facts and findings of one Caddyfile (see the module comment). */
export function extractCaddyfile(ctx: ExtractContext): ExtractResult {
  const x = new CaddyExtraction(ctx);
  const { value: lines, errors } = parseCaddyfile(ctx.text);
  x.result.findings.push(...syntaxFindings(errors, 'Caddyfile syntax error'));
  if (errors.length > 0) {
    x.result.failed = true;
    return x.result;
  }
  let rest = lines;
  let g: Globals = { httpPort: { port: 80 }, httpsPort: { port: 443 } };
  if (rest[0] && rest[0].tokens.length === 0 && rest[0].block) {
    g = globals(x, rest[0].block);
    rest = rest.slice(1);
  }
  if (rest[0] && !rest[0].block) {
    // A single site without braces: its first line is the addresses, the rest its body.
    site(x, g, rest[0].tokens, rest.slice(1));
    return x.result;
  }
  for (const line of rest) {
    const first = line.tokens[0];
    if (!line.block || !first) continue;
    if (!first.quoted && (first.text.startsWith('(') || first.text.startsWith('&('))) {
      directives(x, line.block, 'caddy', `snippet@${first.span.start}`);
      continue;
    }
    site(x, g, line.tokens, line.block);
  }
  return x.result;
}
