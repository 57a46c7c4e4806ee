/**
 * nginx configuration files: a tokenizer and block parser that keep exact offsets, and the
 * extraction of every port nginx binds (`listen`) or points at (`proxy_pass` and the other
 * `*_pass` directives, `upstream` servers, URLs in `return` / `rewrite`).
 *
 * Grammar: nginx's own (src/core/ngx_conf_file.c, `ngx_conf_read_token`): a directive is words
 * ended by `;` or followed by a `{ ... }` block; words are separated by spaces, tabs and line
 * breaks; `#` at the start of a word comments to the end of the line; a word that starts with
 * `"` or `'` is quoted (backslash escapes `\"`, `\'`, `\\`, `\t`, `\r`, `\n`), and a closing quote
 * must be followed by a space, `;`, `{` or `)`; a backslash outside quotes escapes the next
 * character; `${var}` keeps its braces inside the word; `}` only closes a block at the start of a
 * word. Directive semantics follow the nginx reference (ngx_http_core_module `listen`,
 * ngx_stream_core_module `listen`, ngx_http_upstream_module, ngx_http_proxy_module, ...).
 *
 * Include design (one listen is never reported twice): every fact is reported only by the
 * extraction of the file where its digits are written. `include` is followed (through
 * {@link ExtractContext.read}, recorded in `dependencies`, depth at most 16, each file visited
 * once so cycles end) only to learn context:
 * - forward, from the file being extracted: which `upstream` names exist, so `proxy_pass
 *   http://backend` yields no default-port reference when `backend` is an upstream defined in an
 *   included file;
 * - backward, from the prefix's `nginx.conf` (the nearest ancestor directory of the file that
 *   holds an `nginx.conf`): the include that pulls this file in gives its context (`http`,
 *   `stream`, `mail`, or an enclosing `server` block, whose server_name becomes the owner of a
 *   snippet's `listen`), plus every upstream name of the configuration. Without such an
 *   `nginx.conf`, sibling nginx files of the same directory are read for upstream names (conf.d
 *   and sites-enabled files share one `http` context), and a file's top level is taken as `http`
 *   unless it has main-level blocks (`http`, `events`, `stream`, `mail`).
 * Include paths: relative ones resolve against the prefix (else the including file's directory);
 * absolute ones (`/etc/nginx/snippets/x.conf`) and unresolved relative ones map onto the
 * workspace by the longest matching path suffix (at least two segments for globs); globs match
 * with picomatch on {@link ExtractContext.files}.
 *
 * A `server` block in `http` context with no `listen` makes nginx listen on `*:80` (`*:8000`
 * when not started as root). That bind is reported (derivation `default`, span on the `server`
 * keyword) only when the block has no `include`, or every include resolves and none of the
 * included files contains a `listen`.
 */
import picomatch from 'picomatch';
import type {
  Detection,
  ExtractContext,
  ExtractedFact,
  ExtractResult,
  FileFinding,
  FormatModule,
  Protocol,
  ShellWord,
  Span,
} from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { FileListing, filesNamedBy, withPrefix } from '../../model/listing';
import { isLoopback } from '../../model/addresses';
import { isValidRange, parsePortRange } from '../../model/ports';
import { basename, dirname, resolvePath } from '../../model/paths';
import { wordSpan } from '../context';
import { listingOf } from '../context';

// ---------------------------------------------------------------------------------------------
// Tokenizer and parser
// ---------------------------------------------------------------------------------------------

/**
 * One nginx word. `value` is the word after quote and escape processing; `offsets[i]` is the
 * source offset of `value[i]`; `span` covers the source text including any quotes.
 */
export interface NginxWord extends ShellWord {
  quoted: boolean;
}

/** One directive: `name args... ;` or `name args... { block }`. */
export interface NginxDirective {
  name: NginxWord;
  args: NginxWord[];
  /** Child directives when the directive has a block (even an unclosed one, after an error). */
  block?: NginxDirective[];
  /** Span of the block's opening `{`. */
  blockOpen?: Span;
  /** From the name to the `;` or `}` that ends the directive (to the end of the text when unclosed). */
  span: Span;
}

/** Result of {@link parseNginx}: the directives read before any error, and the first error. */
export interface NginxParseResult {
  directives: NginxDirective[];
  /** nginx's own message ("unexpected \"}\"", "unexpected end of file, expecting \"}\"") and its span. */
  error?: { span: Span; message: string };
}

type Terminator = 'semicolon' | 'block-start' | 'block-done' | 'file-done';

interface ReadResult {
  words: NginxWord[];
  term: Terminator;
  /** Span of the `;`, `{` or `}` (empty at the end of the text for `file-done`). */
  termSpan: Span;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/**
 * Parses nginx configuration text into directives, exactly as ngx_conf_read_token splits it.
 * Never throws: on a syntax error it returns the directives read so far (an unclosed block keeps
 * the children read before the error) and the error with nginx's wording and an exact span:
 * the unexpected character, the `{` of a block left open at the end of the text, the opening
 * quote of an unterminated string, or the last word of a directive missing its `;`.
 */
export function parseNginx(text: string): NginxParseResult {
  const n = text.length;
  let pos = 0;
  let error: { span: Span; message: string } | undefined;

  const makeWord = (start: number, end: number, quoted: boolean, spanStart: number, spanEnd: number): NginxWord => {
    let value = '';
    const offsets: number[] = [];
    for (let src = start; src < end; ) {
      if (text[src] === '\\' && src + 1 < end) {
        const next = text[src + 1];
        if (next === '"' || next === "'" || next === '\\') {
          src++;
        } else if (next === 't' || next === 'r' || next === 'n') {
          value += next === 't' ? '\t' : next === 'r' ? '\r' : '\n';
          offsets.push(src);
          src += 2;
          continue;
        }
      }
      value += text[src];
      offsets.push(src);
      src++;
    }
    return { value, offsets, span: { start: spanStart, end: spanEnd }, quoted };
  };

  /** Reads one directive's words up to its terminator; sets `error` and returns undefined on a syntax error. */
  const read = (): ReadResult | undefined => {
    const words: NginxWord[] = [];
    let lastSpace = true;
    let needSpace = false;
    let escaped = false;
    let sQuoted = false;
    let dQuoted = false;
    let variable = false;
    let comment = false;
    let start = 0; // first character of the word's content
    let spanStart = 0; // first character of the word's source (the quote for quoted words)
    for (;;) {
      if (pos >= n) {
        if (words.length > 0 || !lastSpace) {
          if (sQuoted || dQuoted) {
            error = {
              span: { start: spanStart, end: spanStart + 1 },
              message: 'unexpected end of file, expecting ";" or "}" (unterminated quoted string)',
            };
          } else {
            const partial = !lastSpace ? { start: spanStart, end: n } : words[words.length - 1]!.span;
            error = { span: partial, message: 'unexpected end of file, expecting ";" or "}"' };
          }
          return undefined;
        }
        return { words, term: 'file-done', termSpan: { start: n, end: n } };
      }
      const ch = text[pos]!;
      pos++;
      if (ch === '\n' && comment) comment = false;
      if (comment) continue;
      if (escaped) {
        escaped = false;
        continue;
      }
      if (needSpace) {
        if (isSpace(ch)) {
          lastSpace = true;
          needSpace = false;
          continue;
        }
        if (ch === ';') return { words, term: 'semicolon', termSpan: { start: pos - 1, end: pos } };
        if (ch === '{') return { words, term: 'block-start', termSpan: { start: pos - 1, end: pos } };
        if (ch === ')') {
          lastSpace = true;
          needSpace = false;
        } else {
          error = { span: { start: pos - 1, end: pos }, message: `unexpected "${ch}"` };
          return undefined;
        }
      }
      if (lastSpace) {
        start = pos - 1;
        spanStart = start;
        if (isSpace(ch)) continue;
        switch (ch) {
          case ';':
          case '{':
            if (words.length === 0) {
              error = { span: { start: pos - 1, end: pos }, message: `unexpected "${ch}"` };
              return undefined;
            }
            return {
              words,
              term: ch === '{' ? 'block-start' : 'semicolon',
              termSpan: { start: pos - 1, end: pos },
            };
          case '}':
            if (words.length !== 0) {
              error = { span: { start: pos - 1, end: pos }, message: 'unexpected "}"' };
              return undefined;
            }
            return { words, term: 'block-done', termSpan: { start: pos - 1, end: pos } };
          case '#':
            comment = true;
            continue;
          case '\\':
            escaped = true;
            lastSpace = false;
            continue;
          case '"':
            start++;
            dQuoted = true;
            lastSpace = false;
            continue;
          case "'":
            start++;
            sQuoted = true;
            lastSpace = false;
            continue;
          case '$':
            variable = true;
            lastSpace = false;
            continue;
          default:
            lastSpace = false;
            continue;
        }
      }
      // Inside a word.
      if (ch === '{' && variable) continue;
      variable = false;
      if (ch === '\\') {
        escaped = true;
        continue;
      }
      if (ch === '$') {
        variable = true;
        continue;
      }
      let found = false;
      if (dQuoted) {
        if (ch === '"') {
          dQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (sQuoted) {
        if (ch === "'") {
          sQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (isSpace(ch) || ch === ';' || ch === '{') {
        lastSpace = true;
        found = true;
      }
      if (found) {
        const quoted = needSpace;
        words.push(makeWord(start, pos - 1, quoted, spanStart, quoted ? pos : pos - 1));
        if (ch === ';') return { words, term: 'semicolon', termSpan: { start: pos - 1, end: pos } };
        if (ch === '{') return { words, term: 'block-start', termSpan: { start: pos - 1, end: pos } };
      }
    }
  };

  const parseBlock = (open: Span | undefined, out: NginxDirective[]): Span | undefined => {
    for (;;) {
      const r = read();
      if (!r) return undefined;
      if (r.term === 'block-done') {
        if (!open) {
          error = { span: r.termSpan, message: 'unexpected "}"' };
          return undefined;
        }
        return r.termSpan;
      }
      if (r.term === 'file-done') {
        if (open) error = { span: open, message: 'unexpected end of file, expecting "}"' };
        return undefined;
      }
      const [name, ...args] = r.words;
      const d: NginxDirective = { name: name!, args, span: { start: name!.span.start, end: r.termSpan.end } };
      out.push(d);
      if (r.term === 'block-start') {
        d.blockOpen = r.termSpan;
        d.block = [];
        const close = parseBlock(r.termSpan, d.block);
        d.span = { start: name!.span.start, end: close ? close.end : n };
        if (error) return undefined;
      }
    }
  };

  const directives: NginxDirective[] = [];
  try {
    parseBlock(undefined, directives);
  } catch {
    error ??= { span: { start: 0, end: 0 }, message: 'nginx configuration could not be parsed (blocks nested too deeply?)' };
  }
  return error ? { directives, error } : { directives };
}

// ---------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------

/** Extensions that are never nginx configuration, whatever folder they sit in. */
const FOREIGN_EXT = new Set([
  'md', 'markdown', 'rst', 'txt', 'adoc', 'html', 'htm', 'xml', 'yml', 'yaml', 'json', 'jsonc', 'toml', 'ini',
  'env', 'service', 'socket', 'timer', 'target', 'mount', 'sh', 'bash', 'zsh', 'ps1', 'py', 'js', 'mjs', 'cjs',
  'ts', 'go', 'rb', 'java', 'c', 'h', 'lua', 'php', 'pem', 'crt', 'key', 'lock', 'log', 'csv', 'properties',
  'dockerfile', 'j2', 'tf', 'hcl', 'nix', 'cfg',
]);
/** Extensions a file may have to be weakly detected from its content alone ('' = none). */
const WEAK_EXT = new Set(['', 'conf', 'template', 'inc', 'vhost', 'site', 'nginx', 'nginxconf']);

const SIGNALS: readonly RegExp[] = [
  /(?:^|[\s;{}])server\s*\{/,
  /(?:^|[\s;{}])listen[ \t]+(?!=)[^;{}\n=]*(?:=[^;{}\n]*)?;/,
  /(?:^|[\s;{}])location\s+[^;{}\n]*\{/,
  /(?:^|[\s;{}])(?:proxy|fastcgi|grpc|uwsgi|scgi|memcached)_pass\s+[^;{}\n]+;/,
  /(?:^|[\s;{}])upstream\s+[\w.-]+\s*\{/,
  /(?:^|[\s;{}])http\s*\{/,
  /(?:^|[\s;{}])events\s*\{/,
  /(?:^|[\s;{}])stream\s*\{/,
];
/** Signals that only a block-structured nginx file has (any one of them is needed for a weak match). */
const BLOCK_SIGNALS = new Set([0, 4, 5, 6, 7]);

function extension(path: string): string {
  const base = basename(path).toLowerCase();
  if (base.endsWith('.conf.template')) return 'template';
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i + 1);
}

function pathLooksNginx(path: string): boolean {
  const segs = path.toLowerCase().split('/').filter(Boolean);
  const base = segs[segs.length - 1] ?? '';
  if (base === 'nginx.conf' || /\.(?:nginx|nginxconf)$/.test(base)) return true;
  return segs
    .slice(0, -1)
    .some((s) => /(?:^|[-_.])nginx(?:[-_.]|$)/.test(s) || s === 'sites-available' || s === 'sites-enabled' || s === 'conf.d');
}

/** Share of meaningful lines that end like nginx lines (`;`, `{`, `}`), and which signals occur. */
function contentShape(text: string): { ratio: number; signals: number[] } {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  let lines = 0;
  let shaped = 0;
  const stripped: string[] = [];
  for (const raw of sample.split('\n')) {
    const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
    if (line === '') continue;
    stripped.push(line);
    lines++;
    const last = line[line.length - 1];
    if (last === ';' || last === '{' || last === '}') shaped++;
  }
  const body = stripped.join('\n');
  const signals: number[] = [];
  SIGNALS.forEach((re, i) => {
    if (re.test(body)) signals.push(i);
  });
  return { ratio: lines === 0 ? 0 : shaped / lines, signals };
}

/**
 * Detects nginx configuration. `strong` when the path looks like nginx (`nginx.conf`, `*.nginx`,
 * `*.nginxconf`, a folder named like `nginx`, `sites-available`, `sites-enabled`, `conf.d`) and
 * the content has at least one typical directive (`server {`, `listen N;`, `location ... {`,
 * `*_pass`, `upstream x {`, `http {`, `events {`, `stream {`) with at least 60% of its lines
 * ending in `;`, `{` or `}`; `weak` for a `.conf`-like or extensionless file elsewhere with two
 * such directives, one of them a block, and 80% nginx-shaped lines; `false` otherwise and always
 * for Markdown, YAML, JSON, TOML, systemd units, scripts and the like. Never throws.
 */
export function detectNginx(path: string, text: string): Detection {
  try {
    const ext = extension(path);
    if (FOREIGN_EXT.has(ext)) return false;
    const { ratio, signals } = contentShape(text);
    if (signals.length === 0) return false;
    if (pathLooksNginx(path)) return ratio >= 0.6 ? 'strong' : false;
    if (!WEAK_EXT.has(ext)) return false;
    if (signals.length >= 2 && signals.some((s) => BLOCK_SIGNALS.has(s)) && ratio >= 0.8) return 'weak';
    return false;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Include resolution
// ---------------------------------------------------------------------------------------------

/** Maximum include nesting followed, as a guard against pathological trees. */
export const MAX_INCLUDE_DEPTH = 16;

/**
 * nginx's prefix for `fromFile`: the nearest ancestor directory (starting with the file's own)
 * that holds an `nginx.conf` among `files`; the file's directory when there is none.
 */
export function nginxPrefix(fromFile: string, files: ReadonlySet<string>): { dir: string; root?: string } {
  let dir = dirname(fromFile);
  for (;;) {
    const candidate = dir === '/' ? '/nginx.conf' : `${dir}/nginx.conf`;
    if (files.has(candidate)) return { dir, root: candidate };
    if (dir === '/') break;
    dir = dirname(dir);
  }
  return { dir: dirname(fromFile) };
}

const isGlob = (p: string): boolean => /[*?[]/.test(p);

/**
 * Workspace files an `include` argument names, sorted. Relative paths resolve against the
 * prefix (see {@link nginxPrefix}); absolute paths, and relative ones that do not resolve, match
 * workspace files by the longest path suffix; among several matching trees the files sharing
 * the most directories with `fromFile` win (one file for a plain path, all of them for a glob). Returns `[]` for arguments with variables or nothing matching.
 */
export function resolveInclude(pattern: string, fromFile: string, files: readonly string[], fileSet?: ReadonlySet<string>, listing?: FileListing): string[] {
  try {
    if (pattern === '' || pattern.includes('$')) return [];
    const lst = listing ?? new FileListing(files);
    const set = fileSet ?? lst.set;
    // Every match below ends with the pattern's last segments: only those paths are tested.
    const cands = lst.candidates(pattern);
    const glob = isGlob(pattern);
    const globHits = (abs: string): readonly string[] => {
      const m = lst.memo(`nginx-glob\u0000${abs}`, () => picomatch(abs, { dot: false }));
      const base = picomatch.scan(abs).base;
      return withPrefix(cands, base.endsWith('/') ? base : base + '/').filter((f) => m(f));
    };
    if (!pattern.startsWith('/')) {
      const abs = resolvePath(nginxPrefix(fromFile, set).dir, pattern);
      if (glob) {
        const hits = globHits(abs);
        if (hits.length > 0) return [...hits];
      } else if (set.has(abs)) {
        return [abs];
      }
    } else if (!glob && set.has(pattern)) {
      return [pattern];
    } else if (glob) {
      const hits = globHits(resolvePath('/', pattern));
      if (hits.length > 0) return [...hits];
    }
    const named = filesNamedBy(pattern, lst, fromFile, { glob, minSegments: glob ? 2 : 1 });
    return glob ? [...named] : named.slice(0, 1);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Context walk
// ---------------------------------------------------------------------------------------------

/** The enclosing `server` block of a directive. */
interface ServerInfo {
  /** First server_name that is not "_" or "", else "nginx". */
  owner: string;
  /** A `listen ... udp` in the block (stream). */
  udp: boolean;
  /** "server@<offset of the keyword>" when the block is in the file being extracted. */
  block?: string;
}

/** Where a directive sits. */
interface Env {
  context: 'main' | 'http' | 'stream' | 'mail';
  server?: ServerInfo;
  /** Enclosing `upstream` name. */
  upstream?: string;
}

const MAIN_BLOCKS = new Set(['http', 'events', 'stream', 'mail']);

function serverInfo(d: NginxDirective, inThisFile: boolean): ServerInfo {
  let owner: string | undefined;
  let udp = false;
  for (const c of d.block ?? []) {
    if (c.block) continue;
    if (c.name.value === 'server_name' && owner === undefined) {
      owner = c.args.map((a) => a.value).find((v) => v !== '_' && v !== '');
    }
    if (c.name.value === 'listen' && c.args.slice(1).some((a) => a.value === 'udp')) udp = true;
  }
  const info: ServerInfo = { owner: owner ?? 'nginx', udp };
  if (inThisFile) info.block = `server@${d.name.span.start}`;
  return info;
}

/**
 * Visits every directive with the context around it (before descending into its block).
 * `inThisFile` decides whether server blocks get a `block` id.
 */
function walk(dirs: readonly NginxDirective[], env: Env, inThisFile: boolean, visit: (d: NginxDirective, env: Env) => void): void {
  for (const d of dirs) {
    visit(d, env);
    if (!d.block) continue;
    const name = d.name.value;
    let inner: Env = env;
    if (MAIN_BLOCKS.has(name) && name !== 'events' && !env.server && !env.upstream) {
      inner = { context: name as Env['context'] };
    } else if (name === 'server' && !env.server && !env.upstream) {
      inner = { context: env.context === 'main' ? 'http' : env.context, server: serverInfo(d, inThisFile) };
    } else if (name === 'upstream' && !env.server && !env.upstream && d.args[0]) {
      inner = { context: env.context === 'main' ? 'http' : env.context, upstream: d.args[0].value };
    }
    walk(d.block, inner, inThisFile, visit);
  }
}

/** Top-level context of a file read on its own: `main` when it has main-level blocks, else `http`. */
function ownTopContext(dirs: readonly NginxDirective[]): Env {
  return { context: dirs.some((d) => d.block && MAIN_BLOCKS.has(d.name.value)) ? 'main' : 'http' };
}

/** What the include tree tells about the file being extracted. */
interface Knowledge {
  /** Upstream names, lower-cased (nginx compares them case-insensitively). */
  upstreams: Set<string>;
  /** Protocols of the stream servers that proxy_pass to an upstream, by lower-cased name. */
  upstreamUse: Map<string, Set<'tcp' | 'udp'>>;
  /** Context at the include that pulls the extracted file in, when found. */
  includer?: Env;
}

class Scanner {
  readonly knowledge: Knowledge = { upstreams: new Set(), upstreamUse: new Map() };
  readonly deps = new Set<string>();
  private readonly visited = new Set<string>();
  readonly files: readonly string[];
  readonly fileSet: ReadonlySet<string>;
  readonly listing: FileListing;

  constructor(private readonly ctx: ExtractContext) {
    this.listing = listingOf(ctx);
    this.files = this.listing.all;
    this.fileSet = this.listing.set;
  }

  /** Reads another file through the context and records the dependency. */
  read(path: string): string | undefined {
    if (path === this.ctx.path) return this.ctx.text;
    let text: string | undefined;
    try {
      text = this.ctx.read(path);
    } catch {
      text = undefined;
    }
    this.deps.add(path);
    return text;
  }

  /** Collects upstream names and include contexts from `path` and what it includes. */
  scan(path: string, dirs: readonly NginxDirective[], env: Env, depth: number): void {
    this.visited.add(path);
    const includes: { word: NginxWord; env: Env }[] = [];
    const k = this.knowledge;
    walk(dirs, env, false, (d, e) => {
      const name = d.name.value;
      if (d.block && name === 'upstream' && !e.server && !e.upstream && d.args[0]) {
        k.upstreams.add(d.args[0].value.toLowerCase());
      } else if (!d.block && name === 'proxy_pass' && e.server && d.args[0] && /^[\w.-]+$/.test(d.args[0].value)) {
        const key = d.args[0].value.toLowerCase();
        const set = k.upstreamUse.get(key) ?? new Set<'tcp' | 'udp'>();
        set.add(e.server.udp ? 'udp' : 'tcp');
        k.upstreamUse.set(key, set);
      } else if (!d.block && name === 'include' && d.args[0]) {
        includes.push({ word: d.args[0], env: e });
      }
    });
    for (const inc of includes) {
      for (const target of resolveInclude(inc.word.value, path, this.files, this.fileSet, this.listing)) {
        if (target === this.ctx.path && path !== this.ctx.path && !k.includer) {
          k.includer = inc.env;
        }
        if (this.visited.has(target) || depth >= MAX_INCLUDE_DEPTH) continue;
        const text = this.read(target);
        if (text === undefined) continue;
        try {
          this.scan(target, parseNginx(text).directives, inc.env, depth + 1);
        } catch {
          // An included file nested deeper than the stack allows adds no knowledge.
        }
      }
    }
  }

  /** Marks a path as already scanned (the file being extracted is scanned last, in its own context). */
  skip(path: string): void {
    this.visited.add(path);
  }

  wasVisited(path: string): boolean {
    return this.visited.has(path);
  }
}

// ---------------------------------------------------------------------------------------------
// Host/port parsing inside words
// ---------------------------------------------------------------------------------------------

/** A host and optional port inside a word, as value indices. */
interface HostPort {
  scheme?: string;
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
 * `$scheme://` counts as a scheme of unknown name. Returns `undefined` when no host is written.
 */
function splitHostPort(v: string, allowBareScheme: boolean): HostPort | undefined {
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

const PASS_DIRECTIVES = new Set(['proxy_pass', 'grpc_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass']);
const SCHEME_DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, grpc: 80, grpcs: 443 };

const isSingleLabel = (h: string): boolean => /^[A-Za-z0-9_-]+$/.test(h) && !/^\d+$/.test(h);

// ---------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------

class Extractor {
  readonly result: ExtractResult = emptyResult();

  constructor(
    private readonly ctx: ExtractContext,
    private readonly scanner: Scanner,
  ) {}

  private get findings(): FileFinding[] {
    return this.result.findings;
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
    extra: { defaultNote?: string; scheme?: string; noBlock?: boolean } = {},
  ): void {
    const location = { file: this.ctx.path, span };
    const fact: ExtractedFact = {
      kind,
      ports,
      protocol,
      owner,
      location,
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

  private invalidPort(word: NginxWord, from: number, to: number, directive: string): void {
    const span = from < to ? wordSpan(word, from, to) : word.span;
    this.findings.push({ rule: 'invalid-port', span, message: `invalid port in "${word.value}" of the "${directive}" directive` });
  }

  /** Parses the port text at value indices [from, to) of `word`; reports invalid ports. */
  private port(word: NginxWord, from: number, to: number, directive: string): { start: number; end: number } | undefined {
    const r = parsePortRange(word.value.slice(from, to));
    if (!r || !isValidRange(r)) {
      this.invalidPort(word, from, to, directive);
      return undefined;
    }
    return r;
  }

  run(dirs: readonly NginxDirective[], top: Env): void {
    walk(dirs, top, true, (d, env) => {
      try {
        this.directive(d, env);
      } catch {
        // A directive that cannot be understood yields nothing.
      }
    });
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
    let address: string | undefined;
    let portFrom: number | undefined;
    let addrTo: number;
    if (v.startsWith('[')) {
      const close = v.indexOf(']');
      if (close < 0) return;
      address = v.slice(1, close);
      addrTo = close + 1;
      if (close + 1 < v.length) {
        if (v[close + 1] !== ':') return;
        portFrom = close + 2;
      }
    } else if (/^\d+(?:-\d+)?$/.test(v)) {
      portFrom = 0;
      addrTo = 0;
    } else {
      const colon = v.indexOf(':');
      addrTo = colon < 0 ? v.length : colon;
      address = v.slice(0, addrTo);
      if (colon >= 0) portFrom = colon + 1;
    }
    if (address === '*' || address === '') address = undefined;
    if (portFrom === undefined) {
      this.push('bind', { start: 80, end: 80 }, protocol, address, owner, wordSpan(word, 0, addrTo), 'listen', env, {
        defaultNote: 'nginx listen default port 80',
      });
      return;
    }
    const ports = this.port(word, portFrom, v.length, 'listen');
    if (!ports) return;
    this.push('bind', ports, protocol, address, owner, wordSpan(word, portFrom, v.length), 'listen', env);
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
    const def = hp.scheme !== undefined ? SCHEME_DEFAULT_PORTS[hp.scheme] : undefined;
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

/** Sibling files that share an `http` context with `path` when no nginx.conf ties them together. */
function siblings(path: string, files: readonly string[]): string[] {
  const dir = dirname(path);
  const ext = extension(path);
  const shared = ['conf.d', 'sites-enabled', 'sites-available'].includes(basename(dir));
  return withPrefix(files, dir === '/' ? '/' : dir + '/')
    .filter((f) => f !== path && dirname(f) === dir && (shared || extension(f) === ext))
    .slice(0, 64);
}

/**
 * Extracts nginx port facts from `ctx.text` (see the module docstring for contexts and includes).
 * Binds: `listen` (instance "nginx", owner the server's first server_name or "nginx", address
 * undefined for `*`/absent, brackets stripped, udp for `udp`/`quic`). References: the `*_pass`
 * directives, `upstream` servers (owner the upstream name), literal ports in `return`/`rewrite`
 * URLs. Invalid ports yield `invalid-port` findings instead of facts; a syntax error yields a
 * `parse-error` finding, `failed: true` and the facts read before it. Never throws.
 */
export function extractNginx(ctx: ExtractContext): ExtractResult {
  let parsed: NginxParseResult;
  try {
    parsed = parseNginx(ctx.text);
  } catch {
    return { ...emptyResult(), failed: true };
  }
  let scanner: Scanner | undefined;
  let result: ExtractResult;
  try {
    scanner = new Scanner(ctx);
    const prefix = nginxPrefix(ctx.path, scanner.fileSet);
    scanner.skip(ctx.path);
    if (prefix.root && prefix.root !== ctx.path) {
      const rootText = scanner.read(prefix.root);
      if (rootText !== undefined) scanner.scan(prefix.root, parseNginx(rootText).directives, { context: 'main' }, 1);
    }
    const top: Env = scanner.knowledge.includer ?? ownTopContext(parsed.directives);
    if (!prefix.root) {
      for (const sib of siblings(ctx.path, scanner.files)) {
        if (scanner.wasVisited(sib)) continue;
        const text = scanner.read(sib);
        if (text === undefined || detectNginx(sib, text) === false) continue;
        // A sibling that cannot be walked (nesting deeper than the stack) tells nothing; it must not erase this file's facts.
        try {
          const dirs = parseNginx(text).directives;
          scanner.scan(sib, dirs, ownTopContext(dirs), 1);
        } catch {
          continue;
        }
      }
    }
    scanner.scan(ctx.path, parsed.directives, top, 0);
    const ex = new Extractor(ctx, scanner);
    ex.run(parsed.directives, top);
    result = ex.result;
  } catch {
    result = emptyResult();
  }
  if (scanner) result.dependencies = [...scanner.deps].filter((p) => p !== ctx.path).sort();
  if (parsed.error) {
    result.findings.push({ rule: 'parse-error', span: parsed.error.span, message: parsed.error.message });
    result.failed = true;
  }
  return result;
}

/** The nginx format module. */
export const nginxFormat: FormatModule = {
  id: 'nginx',
  detect: detectNginx,
  extract: extractNginx,
};
