/**
 * Which machine a file describes: workspace folders (roots), the `portolan.hostMap` globs, and
 * else the deployment layout inferred from the files (`deployments.ts`). A {@link HostMap} is
 * immutable once built (a settings change or a new layout builds a new one), so every snapshot
 * keeps the hosts it was made with.
 */
import picomatch from 'picomatch';
import type { DeploymentLayout, Placement } from './deployments';

/** A workspace folder: its absolute path and its name (the default host name). */
export interface Root {
  path: string;
  name: string;
}

/**
 * Maps files to hosts: a glob relative to a root (picomatch syntax, `/` separators) and the host
 * name. With `root` (a root's absolute path) the mapping applies to that workspace folder only,
 * as a folder-level `portolan.hostMap` setting does; without it, to every root.
 */
export interface HostMapping {
  glob: string;
  host: string;
  root?: string;
}

/** One host-map glob compiled for one root. */
interface Matcher {
  root: Root;
  /** picomatch's regular expression for the glob (`dot: true`). */
  re: RegExp;
  /**
   * For a glob `<base>/**` whose base is plain names (letters, digits, `_`, `-`, inner `.`):
   * `<base>/`, so a path known to start with it is decided without the expression (see
   * {@link underTest}); `undefined` for any other glob.
   */
  under?: string;
  host: string;
  glob: string;
}

const PLAIN_BASE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;
/** What picomatch's expression for `<base>/**` (`dot: true`) refuses after `<base>/`: a `.` or `..` segment. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;
/** Characters after which the expression decides (its `.` stops at line ends; backslashes are separators on Windows). */
const UNPLAIN = /[\\\n\r\u2028\u2029]/;

/**
 * Whether `rest` (a path after a `<base>/` it starts with) matches `<base>/**`: `true`/`false`
 * as picomatch's expression answers, `undefined` when the expression must decide.
 */
function underTest(rest: string): boolean | undefined {
  if (UNPLAIN.test(rest)) return undefined;
  return !DOT_SEGMENT.test(rest);
}

/**
 * The host-map globs compiled: the matchers in setting order, and indexes into them by root path
 * and the glob's static prefix (`deploy/app/` of `deploy/app/**`, always ending in `/`; '' for
 * none; the whole path for a glob without wildcards), so a path is tested only against the globs
 * whose prefix it starts with. Depends on the roots and globs alone.
 */
interface CompiledGlobs {
  matchers: Matcher[];
  byPrefix: Map<string, Map<string, number[]>>;
}

/**
 * Compiles `hostMap` for `roots`. Throws picomatch's TypeError for an empty glob or one over
 * 65,536 characters, as `picomatch()` does.
 */
function compileGlobs(roots: readonly Root[], hostMap: readonly HostMapping[]): CompiledGlobs {
  const compiled: CompiledGlobs = { matchers: [], byPrefix: new Map() };
  for (const m of hostMap) {
    // The expression picomatch(glob, { dot: true }) runs (its result object carries it, with the
    // platform's options); testing it directly saves two result objects per path.
    const re = picomatch(m.glob, { dot: true })('', true).regex;
    // A glob's static prefix ("deploy/app/" of "deploy/app/**") rules most paths out without running it.
    const scan = picomatch.scan(m.glob);
    const prefix = !scan.isGlob ? m.glob : scan.base === '' ? '' : scan.base + '/';
    for (const root of roots) {
      if (m.root !== undefined && m.root !== root.path) continue;
      const byRoot = compiled.byPrefix.get(root.path) ?? compiled.byPrefix.set(root.path, new Map()).get(root.path)!;
      (byRoot.get(prefix) ?? byRoot.set(prefix, []).get(prefix)!).push(compiled.matchers.length);
      const matcher: Matcher = { root, re, host: m.host, glob: m.glob };
      if (scan.isGlob && m.glob === `${scan.base}/**` && PLAIN_BASE.test(scan.base)) matcher.under = `${scan.base}/`;
      compiled.matchers.push(matcher);
    }
  }
  return compiled;
}

/** Roots and host mapping, compiled. The host of each path is computed once and remembered. */
export class HostMap {
  readonly roots: readonly Root[];
  readonly hostMap: readonly HostMapping[];
  /** Compiled once per roots and globs; the maps {@link withLayouts} makes share it. */
  private readonly compiled: CompiledGlobs;
  /** Placement of each path asked so far (a cache of a pure function of the path). */
  private readonly known = new Map<string, Placement>();
  /**
   * {@link mappedPlacement} of each path asked so far (null: the layout decides). It depends on
   * the roots and globs alone, so the maps {@link withLayouts} makes share it.
   */
  private readonly mapped: Map<string, Placement | null>;
  /** The inferred layout of each root (by root path); empty until {@link withLayouts}. */
  private readonly layouts: ReadonlyMap<string, DeploymentLayout>;

  /**
   * `layouts`, `mapped` and `compiled` are for {@link withLayouts}: callers pass roots and globs.
   * Throws picomatch's TypeError for an empty glob or one over 65,536 characters.
   */
  constructor(roots: readonly Root[], hostMap: readonly HostMapping[] = [], layouts: ReadonlyMap<string, DeploymentLayout> = new Map(), mapped?: Map<string, Placement | null>, compiled?: CompiledGlobs) {
    this.roots = roots;
    this.hostMap = hostMap;
    this.layouts = layouts;
    this.mapped = mapped ?? new Map();
    this.compiled = compiled ?? compileGlobs(roots, hostMap);
  }

  /** The root that contains a path (the longest), or undefined. */
  rootOf(path: string): Root | undefined {
    let best: Root | undefined;
    for (const r of this.roots) {
      if ((path === r.path || path.startsWith(r.path.endsWith('/') ? r.path : r.path + '/')) && (!best || r.path.length > best.path.length)) best = r;
    }
    return best;
  }

  /** The same roots and globs over newly inferred layouts (by root path). */
  withLayouts(layouts: ReadonlyMap<string, DeploymentLayout>): HostMap {
    return new HostMap(this.roots, this.hostMap, layouts, this.mapped, this.compiled);
  }

  /**
   * The placement the roots and host-map globs decide alone: `default` outside every root, the
   * first matching glob's host; `undefined` when the inferred layout decides.
   */
  mappedPlacement(path: string): Placement | undefined {
    const known = this.mapped.get(path);
    if (known !== undefined) return known ?? undefined;
    const placed = this.computeMapped(path);
    this.mapped.set(path, placed ?? null);
    return placed;
  }

  private computeMapped(path: string): Placement | undefined {
    const root = this.rootOf(path);
    if (!root) return { host: 'default', rule: 'outside', reason: 'outside every workspace folder' };
    const rel = this.relative(root, path);
    const hit = this.firstMatch(root, rel);
    return hit ? { host: hit.host, rule: 'host-map', reason: `portolan.hostMap puts ${hit.glob} on it` } : undefined;
  }

  /** Host, compose project and reason of a path: the host map first, else the inferred layout, else the root's own host. */
  placementOf(path: string): Placement {
    const known = this.known.get(path);
    if (known !== undefined) return known;
    const root = this.rootOf(path)!;
    const placed = this.mappedPlacement(path) ?? this.layouts.get(root.path)?.placementOf(path) ?? { host: root.name, rule: 'root', reason: "in no compose project, so on the folder's own host" };
    this.known.set(path, placed);
    return placed;
  }

  /** Host of a path (see {@link placementOf}). */
  hostOf(path: string): string {
    return this.placementOf(path).host;
  }

  /** Path for messages: relative to its root, with the root's name first when there are several roots; outside every root, the path itself. */
  display(path: string): string {
    const root = this.rootOf(path);
    if (!root) return path;
    const rel = this.relative(root, path);
    return this.roots.length > 1 ? `${root.name}/${rel}` : rel;
  }

  /** Drops a path's remembered host (the file is gone; memory only, answers do not change). */
  forget(path: string): void {
    this.known.delete(path);
    this.mapped.delete(path);
  }

  /** The first host-map glob (in setting order) of `root` that matches `rel`: only those whose static prefix `rel` starts with are run. */
  private firstMatch(root: Root, rel: string): Matcher | undefined {
    const byRoot = this.compiled.byPrefix.get(root.path);
    if (!byRoot) return undefined;
    const candidates: number[] = [];
    const add = (prefix: string): void => {
      const list = byRoot.get(prefix);
      if (list) for (const i of list) candidates.push(i);
    };
    add('');
    for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) add(rel.slice(0, i + 1));
    add(rel);
    candidates.sort((a, b) => a - b);
    // picomatch's matcher: never the empty path; the glob itself, else its expression.
    for (const i of candidates) {
      const m = this.compiled.matchers[i]!;
      if (rel === '') continue;
      const fast = m.under !== undefined && rel.startsWith(m.under) ? underTest(rel.slice(m.under.length)) : undefined;
      if (fast ?? (rel === m.glob || m.re.test(rel))) return m;
    }
    return undefined;
  }

  private relative(root: Root, path: string): string {
    return path.slice(root.path.length).replace(/^\/+/, '');
  }
}
