/**
 * POSIX path helpers for the core's absolute paths ("/ws/nginx/sites/rtcd.conf"). No file
 * system access: these only compute strings.
 */
/** Directory part of a POSIX path ("/a/b/c.conf" -> "/a/b"). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last segment of a POSIX path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins and normalizes POSIX path segments ("." and ".." resolved); an absolute `rel` wins. */
export function resolvePath(base: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}
