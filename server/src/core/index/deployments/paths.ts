/** Relative-path helpers and the directory names the layout inference recognises. */

/** Top-level directories of a machine's file system (FHS 3.0). */
export const FS_TOP: ReadonlySet<string> = new Set(['etc', 'opt', 'srv', 'usr', 'var', 'home', 'root', 'lib', 'boot']);
/** Top-level directories whose subdirectories are programs' (`etc/nginx/`, `opt/jitsi/`, `srv/app/`). */
export const PROGRAM_DIRS: ReadonlySet<string> = new Set(['etc', 'opt', 'srv']);
/** The file names compose loads without `-f` (compose-spec "Compose file"). */
export const DEFAULT_COMPOSE = /^(docker-)?compose\.ya?ml$/i;
/** Directory names of test, fixture, sample and example trees. */
export const TEST_TREE = /^\.?(tests?|testdata|e2e|fixtures?|samples?|examples?|demos?)$/i;
export const LOCAL_ADDRESSES: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::', '*']);

/** The directory part of a relative path ("" at the top). */
export function relDir(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function isUnder(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(dir + '/');
}

/** Depth of a relative directory ("" is 0). */
export function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

/** Normalizes a relative path joined to a relative base; undefined when it leaves the folder. */
export function joinRel(base: string, rel: string): string | undefined {
  const out = base === '' ? [] : base.split('/');
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(p);
  }
  return out.join('/');
}

/** The shallowest test tree containing a relative path (its directories only), if any. */
export function testTreeOf(rel: string): string | undefined {
  const segs = rel.split('/');
  for (let i = 0; i < segs.length - 1; i++) if (TEST_TREE.test(segs[i]!)) return segs.slice(0, i + 1).join('/');
  return undefined;
}

/** The deepest test tree containing a relative path, if any. */
export function deepestTestTree(rel: string): string | undefined {
  const segs = rel.split('/');
  for (let i = segs.length - 2; i >= 0; i--) if (TEST_TREE.test(segs[i]!)) return segs.slice(0, i + 1).join('/');
  return undefined;
}
