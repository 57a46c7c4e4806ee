/**
 * The Node.js implementation of the core's WorkspaceHost: lists candidate files with
 * tinyglobby (no symlink following, so a symlink loop cannot hang it) and reads them with
 * size and binary checks, never through a symbolic link or outside the folder. Used by the CLI and the language server; the core never imports it.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fs, readSync, realpathSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { posix } from 'node:path';
import { glob } from 'tinyglobby';
import { isCandidatePath } from '../core/index/registry';
import type { WorkspaceHost } from '../core/index/workspace';

/** Files larger than this are skipped with a reason (configuration files are small). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Folders never worth reading. */
export const IGNORED_DIRS = ['**/node_modules/**', '**/.git/**', '**/.hg/**', '**/.svn/**', '**/out/**', '**/.cache/**'];

/** Decodes a file's bytes: UTF-8, BOM removed; `undefined` when it looks binary (a NUL byte in the first 8 KiB). Invalid UTF-8 sequences become U+FFFD. */
export function decode(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)/;

/** `posix.normalize(p)`, without its copy for an absolute path that is already normal (every listed path). */
function normal(p: string): string {
  return p.startsWith('/') && !NOT_NORMAL.test(p) ? p : posix.normalize(p);
}

/**
 * Why `path` is not the file it names under the workspace folder `root`, or `undefined` when it
 * is: its real path must be the folder's real path followed by the same relative path, so a
 * symbolic link anywhere below the folder (the file, or a folder on the way) is refused, and so
 * is a path outside the folder. The folder itself may be reached through a link. `realpath`
 * resolves the file and `rootReal` the folder (both throw the file system's error, ENOENT when
 * the file is gone).
 */
function refusal(path: string, root: string, realpath: (p: string) => string, rootReal: (base: string) => string): string | undefined {
  const base = normal(root).replace(/\/+$/, '');
  const named = normal(path);
  if (!named.startsWith(base + '/')) return `outside the workspace folder ${root}`;
  const real = realpath(named);
  const rel = named.slice(base.length + 1);
  if (real === `${rootReal(base).replace(/\/+$/, '')}/${rel}`) return undefined;
  return `symbolic link not followed (${rel} resolves to ${real})`;
}

/**
 * Why `path` under the workspace folder `root` is reached through a symbolic link (the file
 * itself or a folder on the way below `root`), or lies outside `root`; `undefined` when neither.
 * For texts that come from the editor (an opened document): a part of the path that does not
 * exist on disk (a new, unsaved file) ends the check with `undefined`, since nothing there can
 * be followed. Synchronous `lstat` per path segment below the folder, so an open is decided
 * before the next message.
 */
export function linkOnTheWay(path: string, root: string): string | undefined {
  const base = posix.normalize(root).replace(/\/+$/, '');
  const named = posix.normalize(path);
  if (!named.startsWith(base + '/')) return `outside the workspace folder ${root}`;
  let at = base;
  for (const part of named.slice(base.length + 1).split('/')) {
    at += `/${part}`;
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) return `symbolic link not followed (${at.slice(base.length + 1)})`;
  }
  return undefined;
}

/** What the host answers for a file, from its descriptor's stat and its bytes (read only when the stat allows). */
function answer(st: Stats, bytes: () => Buffer): { text: string; note?: string } | { skipped: string } {
  if (!st.isFile()) return { skipped: 'not a regular file' };
  if (st.size > MAX_FILE_BYTES) return { skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${st.size} bytes)` };
  const b = bytes();
  if (b.length > MAX_FILE_BYTES) return { skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (grew to ${b.length} bytes while read)` };
  const text = decode(b);
  if (text === undefined) return { skipped: 'binary content (NUL bytes)' };
  return isUtf8(b) ? { text } : { text, note: 'not valid UTF-8; invalid bytes read as U+FFFD' };
}

/** The skip reason for a file system error. */
function failure(e: unknown): { skipped: string } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { skipped: 'gone: deleted after it was listed (ENOENT)' };
  if (code === 'ELOOP') return { skipped: 'symbolic link not followed (ELOOP)' };
  return { skipped: `unreadable: ${code ?? (e as Error).message}` };
}

// O_NOFOLLOW: a link put in place of the file after the check is refused (ELOOP), not read.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Reads the whole file behind `fd` with blocking reads: `size` bytes expected from its stat; a
 * file that grows meanwhile is read to its end, but at most one byte past {@link MAX_FILE_BYTES}
 * (so the caller can tell it is too large). A read that fills less than the buffer ends the file
 * (a regular file reads short only at its end), so an unchanged file costs one read, not two.
 */
function readAllSync(fd: number, size: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(size, 1) + 1);
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      if (len > MAX_FILE_BYTES) break;
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_FILE_BYTES + 1));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const want = buf.length - len;
    const n = readSync(fd, buf, len, want, len);
    len += n;
    if (n < want) break;
  }
  return buf.subarray(0, len);
}

/** {@link WorkspaceHost.readFile} with blocking calls: the same checks, answers and reasons as the asynchronous path. */
function readSyncChecked(path: string, root: string, rootReal: (base: string) => string): { text: string; note?: string } | { skipped: string } {
  try {
    const refused = refusal(path, root, (p) => realpathSync.native(p), rootReal);
    if (refused) return { skipped: refused };
    const fd = openSync(normal(path), OPEN_FLAGS);
    try {
      const st = fstatSync(fd);
      return answer(st, () => readAllSync(fd, st.size));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return failure(e);
  }
}

/**
 * A host over the local file system. `extraIgnore` adds globs (relative to each root) to skip.
 * `reads: 'sync'` reads each file with blocking calls (the CLI, which has nothing else to do:
 * no promise per system call); the default `'async'` never blocks the event loop (the server).
 * Either way the workspace folder's own real path is resolved once per folder and host.
 */
export function nodeHost(extraIgnore: readonly string[] = [], reads: 'async' | 'sync' = 'async'): WorkspaceHost {
  const rootReals = new Map<string, string>();
  const rootReal = (base: string): string => rootReals.get(base) ?? rootReals.set(base, realpathSync.native(base)).get(base)!;
  return {
    async listFiles(root: string): Promise<string[]> {
      const rel = await glob(['**/*'], { cwd: root, dot: true, followSymbolicLinks: false, onlyFiles: true, ignore: [...IGNORED_DIRS, ...extraIgnore] });
      return rel.map((r) => `${root.replace(/\/+$/, '')}/${r}`).filter(isCandidatePath).sort();
    },
    async readFile(path: string, root: string) {
      if (reads === 'sync') return readSyncChecked(path, root, rootReal);
      try {
        const named = posix.normalize(path);
        const real = named.startsWith(posix.normalize(root).replace(/\/+$/, '') + '/') ? await fs.realpath(named) : '';
        const refused = refusal(path, root, () => real, rootReal);
        if (refused) return { skipped: refused };
        const handle = await fs.open(named, OPEN_FLAGS);
        try {
          const st = await handle.stat();
          let bytes = Buffer.alloc(0);
          if (st.isFile() && st.size <= MAX_FILE_BYTES) bytes = await handle.readFile();
          return answer(st, () => bytes);
        } finally {
          await handle.close();
        }
      } catch (e) {
        return failure(e);
      }
    },
    async listSkipped(root: string) {
      // tinyglobby leaves symbolic links out silently; say which ones were not followed.
      const base = root.replace(/\/+$/, '');
      const dirs = await glob(['**/*'], { cwd: base, dot: true, followSymbolicLinks: false, onlyDirectories: true, ignore: [...IGNORED_DIRS, ...extraIgnore] });
      const out: { path: string; reason: string }[] = [];
      for (const d of ['', ...dirs]) {
        const dir = d === '' ? base : posix.join(base, d);
        let entries;
        try {
          entries = await fs.readdir(dir, { withFileTypes: true });
        } catch {
          continue;
        }
        for (const e of entries) {
          if (!e.isSymbolicLink()) continue;
          const p = posix.join(dir, e.name);
          let target = '';
          try {
            target = await fs.readlink(p);
          } catch {
            // reported without its target
          }
          out.push({ path: p, reason: `symbolic link${target ? ` to ${target}` : ''} not followed` });
        }
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : 1));
    },
  };
}
