/**
 * Lookups over the workspace's file list, built once per list: by file name and by the name of
 * the directory holding the file. Format modules that resolve includes or suffix-matched paths
 * (nginx `include`, systemd `EnvironmentFile=`, ufw `applications.d/`) use them instead of
 * scanning every path, so resolving one include costs the files it can name, not the workspace.
 */
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
