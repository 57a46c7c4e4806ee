/**
 * Writes of the CLI (`renumber-rtcd`, `ports --write`) under one rule: a file is written only
 * when it lies inside the target folder, is not a symbolic link, and no folder between it and
 * the target folder is one; the final open uses O_NOFOLLOW, so a link put in place after the
 * check is refused (ELOOP) rather than followed. The target folder itself may be reached
 * through a link.
 */
import { closeSync, constants, lstatSync, openSync, realpathSync, writeSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * Why `file` must not be written as a file of the folder `root`, or `undefined` when it may:
 * outside `root`, a symbolic link (also a dangling one), not a regular file, or in a folder
 * reached through a link below `root`. A missing file in a real folder may be created.
 */
export function refusedWrite(file: string, root: string): string | undefined {
  const base = posix.normalize(root).replace(/\/+$/, '');
  const named = posix.normalize(file);
  if (!named.startsWith(base + '/')) return `${file} is outside ${root}`;
  const rel = named.slice(base.length + 1);
  let st;
  try {
    st = lstatSync(named);
  } catch {
    st = undefined; // missing: it may be created, if its folder is real
  }
  if (st?.isSymbolicLink()) return `${rel} is a symbolic link; Portolan never writes through one`;
  if (st && !st.isFile()) return `${rel} is not a regular file`;
  const dir = posix.dirname(rel);
  try {
    const realDir = realpathSync(posix.join(base, dir));
    const expected = dir === '.' ? realpathSync(base) : `${realpathSync(base).replace(/\/+$/, '')}/${dir}`;
    if (realDir !== expected) return `${rel} is in a folder reached through a symbolic link (${realDir})`;
  } catch (e) {
    return `${rel}: its folder cannot be resolved (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  return undefined;
}

/** Writes `data` to `file` (created with mode 0666 minus umask, or truncated) without following a link at its last component. Throws the file system's error (ELOOP for a link). */
export function writeNoFollow(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o666);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}
