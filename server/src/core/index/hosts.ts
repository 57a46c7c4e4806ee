/**
 * Which machine a file describes: workspace folders (roots) and the `portolan.hostMap` globs.
 * A {@link HostMap} is immutable once built (a settings change builds a new one), so every
 * snapshot keeps the hosts it was made with.
 */
import picomatch from 'picomatch';

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

/** Roots and host mapping, compiled. The host of each path is computed once and remembered. */
export class HostMap {
  readonly roots: readonly Root[];
  private readonly matchers: { root: Root; match: (rel: string) => boolean; host: string }[] = [];
  /** Host of each path asked so far (a cache of a pure function of the path). */
  private readonly known = new Map<string, string>();

  constructor(roots: readonly Root[], hostMap: readonly HostMapping[] = []) {
    this.roots = roots;
    for (const m of hostMap) {
      const isMatch = picomatch(m.glob, { dot: true });
      // A glob's static prefix ("deploy/app/" of "deploy/app/**") rules most paths out without running it.
      const base = picomatch.scan(m.glob).base;
      const prefix = base === '' ? '' : base + '/';
      for (const root of roots) {
        if (m.root === undefined || m.root === root.path) this.matchers.push({ root, match: (rel) => rel.startsWith(prefix) && isMatch(rel), host: m.host });
      }
    }
  }

  /** The root that contains a path (the longest), or undefined. */
  rootOf(path: string): Root | undefined {
    let best: Root | undefined;
    for (const r of this.roots) {
      if ((path === r.path || path.startsWith(r.path.endsWith('/') ? r.path : r.path + '/')) && (!best || r.path.length > best.path.length)) best = r;
    }
    return best;
  }

  /** Host of a path: the first host-map glob that matches its root-relative path, else its root's name; `default` outside every root. */
  hostOf(path: string): string {
    const known = this.known.get(path);
    if (known !== undefined) return known;
    const root = this.rootOf(path);
    let host = root ? root.name : 'default';
    if (root) {
      const rel = this.relative(root, path);
      const hit = this.matchers.find((m) => m.root === root && m.match(rel));
      if (hit) host = hit.host;
    }
    this.known.set(path, host);
    return host;
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
  }

  private relative(root: Root, path: string): string {
    return path.slice(root.path.length).replace(/^\/+/, '');
  }
}
