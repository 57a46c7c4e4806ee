/**
 * Lookups over the workspace's file list, built once per list: by file name and by the name of
 * the directory holding the file. Format modules that resolve includes or suffix-matched paths
 * (nginx `include`, systemd `EnvironmentFile=`, ufw `applications.d/`) use them instead of
 * scanning every path, so resolving one include costs the files it can name, not the workspace.
 * {@link filesNamedBy} maps a path written for the server onto workspace files.
 */
import picomatch from 'picomatch';
import { basename, dirname } from './paths';

const NONE: readonly string[] = [];

/** An immutable index of sorted absolute POSIX paths. */
export class FileListing {
  /** The paths, sorted. */
  readonly all: readonly string[];
  readonly set: ReadonlySet<string>;
  private readonly byName = new Map<string, string[]>();
  private readonly byDir = new Map<string, string[]>();
  /** Results derived from this listing alone (it never changes), keyed by what computed them. */
  private readonly memos = new Map<string, unknown>();

  /** Indexes `paths` (absolute POSIX paths, already sorted). */
  constructor(paths: readonly string[]) {
    this.all = paths;
    this.set = new Set(paths);
    for (const p of paths) {
      const name = basename(p);
      const dir = basename(dirname(p));
      (this.byName.get(name) ?? this.byName.set(name, []).get(name)!).push(p);
      (this.byDir.get(dir) ?? this.byDir.set(dir, []).get(dir)!).push(p);
    }
  }

  /** Paths whose last segment is `name`, sorted. */
  named(name: string): readonly string[] {
    return this.byName.get(name) ?? NONE;
  }

  /** Paths directly inside a directory named `dir` (its last segment), sorted. */
  inDirNamed(dir: string): readonly string[] {
    return this.byDir.get(dir) ?? NONE;
  }

  /**
   * The smallest known superset of the paths a pattern can match by suffix: the pattern's
   * segments are matched against the ends of paths, `*?[` make a segment a glob. When the last
   * segment is literal, the paths with that name; else, when the one before is literal, the
   * paths in a directory of that name; else every path.
   */
  candidates(pattern: string): readonly string[] {
    const segs = pattern.split('/').filter((s) => s !== '');
    if (segs.some((s) => s === '.' || s === '..')) return this.all;
    const isGlob = (s: string) => /[*?[\]{}()!+@]/.test(s);
    const last = segs[segs.length - 1];
    if (last === undefined) return this.all;
    if (!isGlob(last)) return this.named(last);
    const parent = segs[segs.length - 2];
    if (parent !== undefined && !isGlob(parent)) return this.inDirNamed(parent);
    return this.all;
  }

  /**
   * Memoizes `compute()` under `key` for the life of this listing. `compute` must depend only on
   * the listing and the key (the listing is immutable, so the result stays true).
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = compute();
    this.memos.set(key, v);
    return v;
  }
}

/** The paths of sorted `paths` that start with `prefix` (a contiguous run, found by binary search). */
export function withPrefix(paths: readonly string[], prefix: string): readonly string[] {
  if (prefix === '' || prefix === '/') return paths;
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (paths[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < paths.length && paths[end]!.startsWith(prefix)) end++;
  return paths.slice(lo, end);
}

/** Options of {@link filesNamedBy}. */
export interface NamedByOptions {
  /** `written` is a glob: picomatch syntax per segment, `*` never crosses a `/`, dot files are not matched. */
  glob?: boolean;
  /** Fewest trailing segments a match must share with `written` (default 1). */
  minSegments?: number;
}

/**
 * picomatch's matcher for a glob (dot files not matched), or `undefined` for a glob it rejects
 * (it throws on globs over 65,536 characters): the one place the core turns picomatch's throw
 * into a value. Used here and by nginx `include`.
 */
export function globMatcher(glob: string): ((path: string) => boolean) | undefined {
  try {
    return picomatch(glob, { dot: false });
  } catch {
    return undefined;
  }
}

/**
 * The workspace files that a path written for the server names: an nginx `include`, a systemd
 * `EnvironmentFile=`, an rtcd `--config`. A workspace keeps the server's files somewhere below
 * its folder, so `/etc/rtcd/rtcd.env` names `/ws/etc/rtcd/rtcd.env`. The one mapping every
 * format and the resolver use.
 *
 * - `from` is the {@link FileListing} (its {@link FileListing.candidates} are searched, and the
 *   matching is memoized for the listing's life) or a sorted list of absolute paths.
 * - `written` (absolute, not a glob) that is itself one of the paths is the only answer.
 * - Otherwise the answer is the paths whose last k segments equal (for a glob: match) the last
 *   k segments of `written`, for the largest k >= `minSegments` any path has. `.` segments
 *   are ignored; a path with a `..` segment names nothing.
 * - Tie-break, the only one: of those, the paths under the deepest ancestor directory of `near`
 *   (the file that wrote the path) holding any of them, in path order. Ancestors are whole
 *   segments: `/ws/a` is no ancestor of `/ws/ab/x`.
 *
 * Returns a sorted list, `[]` when nothing matches; a caller that wants one file takes the first.
 */
export function filesNamedBy(written: string, from: FileListing | readonly string[], near: string, options: NamedByOptions = {}): readonly string[] {
  const listing = from instanceof FileListing ? from : undefined;
  const glob = options.glob === true;
  if (!glob && written.startsWith('/') && (listing ? listing.set.has(written) : (from as readonly string[]).includes(written))) return [written];
  const segs = written.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s === '..')) return NONE;
  for (let k = segs.length; k >= Math.max(1, options.minSegments ?? 1); k--) {
    const suffix = segs.slice(-k).join('/');
    // Which paths end with the suffix depends on the paths alone, so a listing computes it once.
    const compute = (): readonly string[] => {
      const m = glob ? globMatcher(suffix) : (s: string) => s === suffix;
      if (!m) return NONE;
      return (listing ? listing.candidates(suffix) : (from as readonly string[])).filter((f) => {
        const fs = f.split('/').filter((s) => s !== '');
        return fs.length >= k && m(fs.slice(-k).join('/'));
      });
    };
    const hits = listing ? listing.memo(`named-by\u0000${glob ? 'g' : 'p'}\u0000${suffix}`, compute) : compute();
    if (hits.length > 0) return nearestTree(hits, near);
  }
  return NONE;
}

/**
 * The paths of sorted `hits` under the deepest ancestor directory of `near` that holds any of
 * them (all of `hits` when only `/` does).
 */
function nearestTree(hits: readonly string[], near: string): readonly string[] {
  for (let dir = dirname(near); dir !== '/'; dir = dirname(dir)) {
    const under = withPrefix(hits, dir + '/');
    if (under.length > 0) return under;
  }
  return hits;
}
