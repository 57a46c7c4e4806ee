/**
 * Port facts of one nginx file: every port nginx binds (`listen`, and the implicit `*:80` of a
 * `server` block without one) or points at (`proxy_pass` and the other `*_pass` directives,
 * `upstream` servers, URLs in `return` / `rewrite`). Directive semantics follow the nginx
 * reference (ngx_http_core_module `listen`, ngx_stream_core_module `listen`,
 * ngx_http_upstream_module `server`, ngx_http_proxy_module `proxy_pass`, ngx_http_rewrite_module
 * `return` / `rewrite`). Context and upstream names come from the include tree (./includes).
 *
 * A `server` block in `http` context with no `listen` makes nginx listen on `*:80` (`*:8000`
 * when not started as root). That bind is reported (derivation `default`, span on the `server`
 * keyword) only when the block has no `include`, or every include resolves and none of the
 * included files contains a `listen`.
 */
import { isPlaceholder } from '../../model/templates';
import type { ExtractContext, ExtractedFact, ExtractResult, Protocol, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { isLoopback } from '../../model/addresses';
import { isValidRange, parsePortRange } from '../../model/ports';
import { wordSpan } from '../context';
import { serverInfo, walk, type Env } from './contexts';
import { splitHostPort } from './hostport';
import { resolveInclude, scanAround, sharedParse, type Scanner } from './includes';
import { maskEngineTags, parseNginx, type NginxDirective, type NginxParse, type NginxWord } from './syntax';

const PASS_DIRECTIVES = new Set(['proxy_pass', 'grpc_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass']);
/** Port of a `*_pass` URL without one, by lower-cased scheme. */
const SCHEME_DEFAULT_PORTS: ReadonlyMap<string, number> = new Map([['http', 80], ['https', 443], ['grpc', 80], ['grpcs', 443]]);

const isSingleLabel = (h: string): boolean => /^[A-Za-z0-9_-]+$/.test(h) && !/^\d+$/.test(h);

/** What a fact adds to the port, place and owner. */
interface Extra {
  /** Set for a port nginx assumes (derivation `default`, with this note). */
  defaultNote?: string;
  scheme?: string;
  /** Do not tie the fact to the enclosing server block (upstream servers). */
  noBlock?: boolean;
}

class Extractor {
  readonly result: ExtractResult = emptyResult();

  constructor(
    private readonly ctx: ExtractContext,
    private readonly scanner: Scanner,
  ) {}

  run(dirs: readonly NginxDirective[], top: Env): void {
    walk(dirs, top, true, (d, env) => this.directive(d, env));
  }

  private push(
    kind: ExtractedFact['kind'],
    ports: { start: number; end: number },
    protocol: Protocol,
    address: string | undefined,
    owner: string,
    span: Span,
    detail: string,
    env: Env,
    extra: Extra = {},
  ): void {
    const fact: ExtractedFact = {
      kind,
      ports,
      protocol,
      owner,
      location: { file: this.ctx.path, span },
      valueLocation: { file: this.ctx.path, span: { ...span } },
      derivation: extra.defaultNote ? { kind: 'default', note: extra.defaultNote } : { kind: 'literal' },
      detail,
    };
    if (address !== undefined) fact.address = address;
    if (kind === 'bind') fact.instance = 'nginx';
    if (extra.scheme !== undefined) fact.scheme = extra.scheme;
    if (!extra.noBlock && env.server?.block) fact.block = env.server.block;
    this.result.facts.push(fact);
  }

  /**
   * Parses the port text at value indices [from, to) of `word`; reports an `invalid-port` finding
   * for anything but 1-65535 or a valid range, except a placeholder (`<port>`, `@@PORT@@`), which
   * is an unknown value.
   */
  private port(word: NginxWord, from: number, to: number, directive: string): { start: number; end: number } | undefined {
    const r = parsePortRange(word.value.slice(from, to));
    if (r && isValidRange(r)) return r;
    if (isPlaceholder(word.value.slice(from, to))) return undefined; // `server 172.18.0.9:<Port>`: a value to fill in
    const span = from < to ? wordSpan(word, from, to) : word.span;
    this.result.findings.push({ rule: 'invalid-port', span, message: `invalid port in "${word.value}" of the "${directive}" directive` });
    return undefined;
  }

  private directive(d: NginxDirective, env: Env): void {
    const name = d.name.value;
    if (d.block) {
      if (name === 'server' && !env.server && !env.upstream && (env.context === 'http' || env.context === 'main')) {
        this.defaultListen(d, env);
      }
      return;
    }
    if (env.upstream) {
      if (name === 'server') this.upstreamServer(d, env);
      return;
    }
    if (name === 'listen') this.listen(d, env);
    else if (PASS_DIRECTIVES.has(name)) this.pass(d, env);
    else if (name === 'return') this.returnDirective(d, env);
    else if (name === 'rewrite' && d.args[1]) this.urlPort(d.args[1], 'rewrite', env);
  }

  private listen(d: NginxDirective, env: Env): void {
    const word = d.args[0];
    if (!word) return;
    const v = word.value;
    if (v.startsWith('unix:') || v.includes('$')) return;
    const params = d.args.slice(1).map((a) => a.value);
    const protocol: Protocol = params.includes('udp') || params.includes('quic') ? 'udp' : 'tcp';
    const owner = env.server?.owner ?? 'nginx';
    const at = listenAddress(v);
    if (!at) return;
    const address = at.address === '*' || at.address === '' ? undefined : at.address;
    if (at.portFrom === undefined) {
      this.push('bind', { start: 80, end: 80 }, protocol, address, owner, wordSpan(word, 0, at.addrTo), 'listen', env, {
        defaultNote: 'nginx listen default port 80',
      });
      return;
    }
    const ports = this.port(word, at.portFrom, v.length, 'listen');
    if (!ports) return;
    this.push('bind', ports, protocol, address, owner, wordSpan(word, at.portFrom, v.length), 'listen', env);
  }

  private defaultListen(d: NginxDirective, env: Env): void {
    const children = d.block ?? [];
    if (children.some((c) => !c.block && c.name.value === 'listen')) return;
    for (const inc of children.filter((c) => !c.block && c.name.value === 'include')) {
      const arg = inc.args[0];
      if (!arg) return;
      const targets = resolveInclude(arg.value, this.ctx.path, this.scanner.files, this.scanner.fileSet, this.scanner.listing);
      if (targets.length === 0) return;
      for (const t of targets) {
        const text = this.scanner.read(t);
        if (text === undefined || /(?:^|[\s;{}])listen\s/.test(text)) return;
      }
    }
    const info = serverInfo(d, true);
    const fact: Env = { ...env, server: info };
    this.push('bind', { start: 80, end: 80 }, 'tcp', undefined, info.owner, d.name.span, 'listen', fact, {
      defaultNote: 'nginx listen default *:80 (a server block without listen; *:8000 when nginx does not run as root)',
    });
  }

  private pass(d: NginxDirective, env: Env): void {
    const word = d.args[0];
    if (!word) return;
    const directive = d.name.value;
    const hp = splitHostPort(word.value, true);
    if (!hp || hp.unix || hp.variablePort) return;
    const owner = env.server?.owner ?? 'nginx';
    const protocol: Protocol = env.server?.udp && hp.scheme === undefined ? 'udp' : 'tcp';
    const address = hp.host;
    if (hp.portText !== undefined) {
      const ports = this.port(word, hp.portFrom!, hp.portTo!, directive);
      if (!ports) return;
      this.push('reference', ports, protocol, address, owner, wordSpan(word, hp.portFrom!, hp.portTo!), directive, env, {
        ...(hp.scheme !== undefined ? { scheme: hp.scheme } : {}),
      });
      return;
    }
    const def = hp.scheme !== undefined ? SCHEME_DEFAULT_PORTS.get(hp.scheme) : undefined;
    if (def === undefined || address.includes('$')) return;
    const eligible =
      isLoopback(address) || (isSingleLabel(address) && !this.scanner.knowledge.upstreams.has(address.toLowerCase()));
    if (!eligible) return;
    this.push('reference', { start: def, end: def }, protocol, address, owner, wordSpan(word, hp.hostFrom, hp.hostTo), directive, env, {
      scheme: hp.scheme!,
      defaultNote: `${hp.scheme} default port ${def}`,
    });
  }

  private upstreamServer(d: NginxDirective, env: Env): void {
    const word = d.args[0];
    if (!word) return;
    const hp = splitHostPort(word.value, true);
    if (!hp || hp.unix || hp.variablePort || hp.scheme !== undefined) return;
    const owner = env.upstream!;
    const use = this.scanner.knowledge.upstreamUse.get(owner.toLowerCase());
    const protocol: Protocol =
      env.context === 'stream' && use?.has('udp') ? (use.has('tcp') ? 'both' : 'udp') : 'tcp';
    if (hp.portText !== undefined) {
      const ports = this.port(word, hp.portFrom!, hp.portTo!, 'server');
      if (!ports) return;
      this.push('reference', ports, protocol, hp.host, owner, wordSpan(word, hp.portFrom!, hp.portTo!), 'upstream', env, {
        noBlock: true,
      });
      return;
    }
    if (env.context === 'stream' || hp.host.includes('$')) return;
    if (d.args.slice(1).some((a) => a.value.startsWith('service='))) return;
    this.push('reference', { start: 80, end: 80 }, protocol, hp.host, owner, wordSpan(word, hp.hostFrom, hp.hostTo), 'upstream', env, {
      defaultNote: 'nginx upstream server default port 80',
      noBlock: true,
    });
  }

  private returnDirective(d: NginxDirective, env: Env): void {
    const a = d.args;
    let url: NginxWord | undefined;
    if (a.length >= 2 && /^30[12378]$/.test(a[0]!.value)) url = a[1];
    else if (a.length === 1) url = a[0];
    if (url) this.urlPort(url, 'return', env);
  }

  /** A literal port in a redirect URL (`https://$host:8443$request_uri`). */
  private urlPort(word: NginxWord, directive: string, env: Env): void {
    if (!/^(?:https?|\$scheme):\/\//i.test(word.value)) return;
    const hp = splitHostPort(word.value, false);
    if (!hp || hp.unix || hp.portText === undefined) return;
    const ports = this.port(word, hp.portFrom!, hp.portTo!, directive);
    if (!ports) return;
    const extra = hp.scheme !== undefined ? { scheme: hp.scheme } : {};
    this.push('reference', ports, 'tcp', hp.host, env.server?.owner ?? 'nginx', wordSpan(word, hp.portFrom!, hp.portTo!), directive, env, extra);
  }
}

/**
 * The parts of a `listen` address (`8080`, `127.0.0.1:8080`, `[::1]:443`, `localhost`) as value
 * indices: the address text (brackets stripped; `undefined` for a bare port), where it ends,
 * and where the port starts (`undefined` when none is written). `undefined` for an unclosed `[`
 * or text after `]` that is not `:port`.
 */
function listenAddress(v: string): { address: string | undefined; addrTo: number; portFrom: number | undefined } | undefined {
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    if (close < 0) return undefined;
    if (close + 1 < v.length && v[close + 1] !== ':') return undefined;
    return { address: v.slice(1, close), addrTo: close + 1, portFrom: close + 1 < v.length ? close + 2 : undefined };
  }
  if (/^\d+(?:-\d+)?$/.test(v)) return { address: undefined, addrTo: 0, portFrom: 0 };
  const colon = v.indexOf(':');
  const addrTo = colon < 0 ? v.length : colon;
  return { address: v.slice(0, addrTo), addrTo, portFrom: colon >= 0 ? colon + 1 : undefined };
}

/**
 * The extracted file's directives: with template tags, a parse of the masked text; else the
 * index's shared parse of the text ({@link sharedParse}), the one every other nginx file's scan
 * of the include tree reads, so a file is parsed once per snapshot, not once for itself and once
 * for the others. The shared parse is used only when the context's text of the file is `ctx.text`.
 */
function ownParse(ctx: ExtractContext): NginxParse {
  const masked = maskEngineTags(ctx.text);
  if (masked.masked || !ctx.parsed || ctx.read(ctx.path) !== ctx.text) return parseNginx(masked.text);
  return sharedParse(ctx, ctx.path) ?? parseNginx(ctx.text);
}

/**
 * Extracts nginx port facts from `ctx.text` (see ./includes for contexts and includes).
 * Binds: `listen` (instance "nginx", owner the server's first server_name or "nginx", address
 * undefined for `*`/absent, brackets stripped, udp for `udp`/`quic`). References: the `*_pass`
 * directives, `upstream` servers (owner the upstream name), literal ports in `return`/`rewrite`
 * URLs. A gomplate/Jinja template's tags (`{{ }}`, `{% %}`, `{# #}`) are read as unknown values
 * ({@link maskEngineTags}): no parse-error or invalid-port for them, no fact where a tag gives the
 * port. Invalid ports yield `invalid-port` findings instead of facts; a syntax error yields a
 * `parse-error` finding, `failed: true` and the facts read before it. `dependencies` lists every
 * other file read, sorted.
 */
export function extractNginx(ctx: ExtractContext): ExtractResult {
  const parsed = ownParse(ctx);
  const { scanner, top } = scanAround(ctx, parsed.value);
  const ex = new Extractor(ctx, scanner);
  ex.run(parsed.value, top);
  const result = ex.result;
  result.dependencies = [...scanner.deps].filter((p) => p !== ctx.path).sort();
  for (const error of parsed.errors) {
    result.findings.push({ rule: 'parse-error', span: error.span, message: error.message });
    result.failed = true;
  }
  return result;
}
