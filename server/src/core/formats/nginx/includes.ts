/**
 * nginx `include` resolution and what the include tree tells about one file.
 *
 * Include design (one listen is never reported twice): every fact is reported only by the
 * extraction of the file where its digits are written. `include` is followed (through
 * {@link ExtractContext.read}, recorded in `dependencies`, depth at most
 * {@link MAX_INCLUDE_DEPTH}, each file visited once so cycles end) only to learn context:
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
 */
import picomatch from 'picomatch';
import type { ExtractContext } from '../../model/facts';
import { FileListing, filesNamedBy, globMatcher, withPrefix } from '../../model/listing';
import { basename, dirname, resolvePath } from '../../model/paths';
import { listingOf, readParsed } from '../context';
import { ownTopContext, walk, type Env } from './contexts';
import { detectNginx, extension } from './detect';
import { parseNginx, type NginxDirective, type NginxParse, type NginxWord } from './syntax';

/** Maximum include nesting followed, as a guard against pathological trees. */
export const MAX_INCLUDE_DEPTH = 16;

/** Most sibling files read for upstream names when no nginx.conf ties a directory together. */
const MAX_SIBLINGS = 64;

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
 * the most directories with `fromFile` win (one file for a plain path, all of them for a glob).
 * Returns `[]` for arguments with variables, globs picomatch rejects, or nothing matching.
 */
export function resolveInclude(pattern: string, fromFile: string, files: readonly string[], fileSet?: ReadonlySet<string>, listing?: FileListing): string[] {
  if (pattern === '' || pattern.includes('$')) return [];
  const lst = listing ?? new FileListing(files);
  const set = fileSet ?? lst.set;
  // Every match below ends with the pattern's last segments: only those paths are tested.
  const cands = lst.candidates(pattern);
  const direct = directHits(pattern, fromFile, set, lst, cands);
  return direct.length > 0 ? direct : [...suffixHits(pattern, fromFile, lst)];
}

/** Files the include names as nginx reads it: relative to the prefix, or absolute as written. */
function directHits(pattern: string, fromFile: string, set: ReadonlySet<string>, lst: FileListing, cands: readonly string[]): string[] {
  const glob = isGlob(pattern);
  const globHits = (abs: string): string[] => {
    const m = lst.memo(`nginx-glob\u0000${abs}`, () => globMatcher(abs));
    if (!m) return [];
    const base = picomatch.scan(abs).base;
    return withPrefix(cands, base.endsWith('/') ? base : base + '/').filter((f) => m(f));
  };
  if (!pattern.startsWith('/')) {
    const abs = resolvePath(nginxPrefix(fromFile, set).dir, pattern);
    if (glob) return globHits(abs);
    return set.has(abs) ? [abs] : [];
  }
  if (!glob) return set.has(pattern) ? [pattern] : [];
  return globHits(resolvePath('/', pattern));
}

/** Files named by the pattern's longest matching path suffix (the config was copied elsewhere): {@link filesNamedBy}. */
function suffixHits(pattern: string, fromFile: string, lst: FileListing): readonly string[] {
  const glob = isGlob(pattern);
  const named = filesNamedBy(pattern, lst, fromFile, { glob, minSegments: glob ? 2 : 1 });
  return glob ? named : named.slice(0, 1);
}


/**
 * Sibling files that share an `http` context with `path` when no nginx.conf ties them together
 * (at most {@link MAX_SIBLINGS}, in path order). The directory's candidates are found once per
 * listing and directory, not once per file of the directory.
 */
function siblings(path: string, listing: FileListing): string[] {
  const dir = dirname(path);
  const ext = extension(path);
  const shared = ['conf.d', 'sites-enabled', 'sites-available'].includes(basename(dir));
  const firstOfDir = listing.memo(`nginx-siblings\u0000${dir}\u0000${shared ? '' : ext}`, () =>
    withPrefix(listing.all, dir === '/' ? '/' : dir + '/')
      .filter((f) => dirname(f) === dir && (shared || extension(f) === ext))
      .slice(0, MAX_SIBLINGS + 1));
  return firstOfDir.filter((f) => f !== path).slice(0, MAX_SIBLINGS);
}

/** What the include tree tells about the file being extracted. */
export interface Knowledge {
  /** Upstream names, lower-cased (nginx compares them case-insensitively). */
  upstreams: Set<string>;
  /** Protocols of the stream servers that proxy_pass to an upstream, by lower-cased name. */
  upstreamUse: Map<string, Set<'tcp' | 'udp'>>;
  /** Context at the include that pulls the extracted file in, when found. */
  includer?: Env;
}

/**
 * A workspace file's parse as an nginx file, one per snapshot for every extraction that reads it
 * (`ExtractContext.parsed`, kind `nginx`); `undefined` when the file is absent. Records the
 * dependency.
 */
export function sharedParse(ctx: ExtractContext, path: string): NginxParse | undefined {
  return readParsed(ctx, path, 'nginx', parseNginx);
}

/** What one walk of a file's directives in one context finds, in walk order. */
interface WalkSummary {
  /** Lower-cased names of the `upstream` blocks outside `server` and `upstream`. */
  upstreams: string[];
  /** Lower-cased `proxy_pass` names inside `server` blocks, with the block's protocol. */
  uses: [string, 'tcp' | 'udp'][];
  /** The `include` directives with the context around each. */
  includes: { word: NginxWord; env: Env }[];
  /**
   * The files each include names ({@link resolveInclude} from the walked file), by index into
   * `includes`, once asked. Only in a remembered walk: it lives with one file list and one parse.
   */
  targets?: (readonly string[])[];
}

/** The context a prefix's nginx.conf is read in; one object, so walks of it can be remembered by context. */
const MAIN_ENV: Env = Object.freeze({ context: 'main' });

/** The walk of `dirs` in `env` that {@link Scanner.scan} reads (see {@link WalkSummary}). */
function summarize(dirs: readonly NginxDirective[], env: Env): WalkSummary {
  const sum: WalkSummary = { upstreams: [], uses: [], includes: [] };
  walk(dirs, env, false, (d, e) => {
    const name = d.name.value;
    if (d.block && name === 'upstream' && !e.server && !e.upstream && d.args[0]) {
      sum.upstreams.push(d.args[0].value.toLowerCase());
    } else if (!d.block && name === 'proxy_pass' && e.server && d.args[0] && /^[\w.-]+$/.test(d.args[0].value)) {
      sum.uses.push([d.args[0].value.toLowerCase(), e.server.udp ? 'udp' : 'tcp']);
    } else if (!d.block && name === 'include' && d.args[0]) {
      sum.includes.push({ word: d.args[0], env: e });
    }
  });
  return sum;
}

/**
 * Walks of other files' shared parses (see `ExtractContext.parsed`), by the parse and the context
 * object: every extraction under one prefix walks the same nginx.conf tree, so each file of it is
 * walked once per context instead of once per extraction. Entries go with the parses they were
 * made from. Also each parse's own top context, so a sibling's walks are found again.
 */
interface WalkMemo {
  walks: WeakMap<readonly NginxDirective[], Map<Env, WalkSummary>>;
  tops: WeakMap<readonly NginxDirective[], Env>;
}

/** Walks the include tree around one file, collecting {@link Knowledge} and the files read. */
export class Scanner {
  readonly knowledge: Knowledge = { upstreams: new Set(), upstreamUse: new Map() };
  /** Every path read through the context (the extracted file's own path may be among them). */
  readonly deps = new Set<string>();
  private readonly visited = new Set<string>();
  readonly files: readonly string[];
  readonly fileSet: ReadonlySet<string>;
  readonly listing: FileListing;

  private readonly walks: WalkMemo;

  constructor(private readonly ctx: ExtractContext) {
    this.listing = listingOf(ctx);
    this.files = this.listing.all;
    this.fileSet = this.listing.set;
    this.walks = this.listing.memo('nginx-walks', (): WalkMemo => ({ walks: new WeakMap(), tops: new WeakMap() }));
  }

  /** {@link summarize}, remembered for other files' parses (the extracted file's own is walked once anyway). */
  private summary(path: string, dirs: readonly NginxDirective[], env: Env): WalkSummary {
    if (path === this.ctx.path) return summarize(dirs, env);
    let byEnv = this.walks.walks.get(dirs);
    if (!byEnv) this.walks.walks.set(dirs, (byEnv = new Map()));
    let sum = byEnv.get(env);
    if (!sum) byEnv.set(env, (sum = summarize(dirs, env)));
    return sum;
  }

  /**
   * The files include `n` of a walk of `path` names, resolved once per file list (the listing's
   * memo: the file's own extraction and the other files' scans ask the same). Every extraction
   * under one prefix walks the same nginx.conf, so a remembered walk also keeps them itself.
   */
  private targets(path: string, summary: WalkSummary, n: number): readonly string[] {
    const pattern = summary.includes[n]!.word.value;
    const resolved = (): readonly string[] =>
      this.listing.memo(`nginx-include\u0000${path}\u0000${pattern}`, () => resolveInclude(pattern, path, this.files, this.fileSet, this.listing));
    if (path === this.ctx.path) return resolved();
    const known = (summary.targets ??= []);
    return known[n] ?? (known[n] = resolved());
  }

  /** A sibling's own top context ({@link ownTopContext}), one object per parse. */
  private topOf(path: string, dirs: readonly NginxDirective[]): Env {
    if (path === this.ctx.path) return ownTopContext(dirs);
    let top = this.walks.tops.get(dirs);
    if (!top) this.walks.tops.set(dirs, (top = ownTopContext(dirs)));
    return top;
  }

  /** Reads another file through the context and records the dependency; `undefined` when absent. */
  read(path: string): string | undefined {
    if (path === this.ctx.path) return this.ctx.text;
    const text = this.ctx.read(path);
    this.deps.add(path);
    return text;
  }

  /**
   * Another file's directives (the extracted file's own when `path` is it), parsed once for every
   * extraction that reads it (see `ExtractContext.parsed`); records the dependency; `undefined`
   * when absent. With `asSibling`, `undefined` too when the file does not look like nginx.
   */
  parsed(path: string, asSibling = false): readonly NginxDirective[] | undefined {
    if (path === this.ctx.path) return asSibling && detectNginx(path, this.ctx.text) === false ? undefined : parseNginx(this.ctx.text).value;
    this.deps.add(path);
    if (!asSibling) return sharedParse(this.ctx, path)?.value;
    return readParsed(this.ctx, path, 'nginx-sibling', (text) => (detectNginx(path, text) === false ? undefined : parseNginx(text).value));
  }

  /** Collects upstream names and include contexts from `path` and what it includes. */
  scan(path: string, dirs: readonly NginxDirective[], env: Env, depth: number): void {
    this.visited.add(path);
    const k = this.knowledge;
    const summary = this.summary(path, dirs, env);
    const { upstreams, uses, includes } = summary;
    for (const name of upstreams) k.upstreams.add(name);
    for (const [key, protocol] of uses) {
      const set = k.upstreamUse.get(key) ?? new Set<'tcp' | 'udp'>();
      set.add(protocol);
      k.upstreamUse.set(key, set);
    }
    for (let n = 0; n < includes.length; n++) {
      const inc = includes[n]!;
      for (const target of this.targets(path, summary, n)) {
        if (target === this.ctx.path && path !== this.ctx.path && !k.includer) {
          k.includer = inc.env;
        }
        if (this.visited.has(target) || depth >= MAX_INCLUDE_DEPTH) continue;
        const dirs = this.parsed(target);
        if (dirs !== undefined) this.scan(target, dirs, inc.env, depth + 1);
      }
    }
  }

  /** Reads the nginx siblings of the extracted file for upstream names, each in its own top context. */
  scanSiblings(): void {
    for (const sib of siblings(this.ctx.path, this.listing)) {
      if (this.visited.has(sib)) continue;
      const dirs = this.parsed(sib, true);
      if (dirs === undefined) continue;
      this.scan(sib, dirs, this.topOf(sib, dirs), 1);
    }
  }

  /** Marks a path as already scanned (the file being extracted is scanned last, in its own context). */
  skip(path: string): void {
    this.visited.add(path);
  }
}

/**
 * Scans everything around `ctx.path` that gives it context (the prefix's nginx.conf and its
 * includes, else the siblings), then the file's own tree (`dirs`) and what it includes. Returns
 * the scanner (knowledge, dependencies) and the file's top-level context.
 */
export function scanAround(ctx: ExtractContext, dirs: readonly NginxDirective[]): { scanner: Scanner; top: Env } {
  const scanner = new Scanner(ctx);
  const prefix = nginxPrefix(ctx.path, scanner.fileSet);
  scanner.skip(ctx.path);
  if (prefix.root && prefix.root !== ctx.path) {
    const rootDirs = scanner.parsed(prefix.root);
    if (rootDirs !== undefined) scanner.scan(prefix.root, rootDirs, MAIN_ENV, 1);
  }
  const top: Env = scanner.knowledge.includer ?? ownTopContext(dirs);
  if (!prefix.root) scanner.scanSiblings();
  scanner.scan(ctx.path, dirs, top, 0);
  return { scanner, top };
}
