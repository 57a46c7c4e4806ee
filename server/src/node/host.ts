/**
 * The Node.js implementation of the core's WorkspaceHost: lists candidate files with
 * tinyglobby (no symlink following, so a symlink loop cannot hang it) and reads them with
 * size and binary checks, never through a symbolic link or outside the folder. Used by the CLI and the language server; the core never imports it.
 */
import { constants, lstatSync, promises as fs } from 'node:fs';
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

/**
 * Why `path` is not the file it names under the workspace folder `root`, or `undefined` when it
 * is: its real path must be the folder's real path followed by the same relative path, so a
 * symbolic link anywhere below the folder (the file, or a folder on the way) is refused, and so
 * is a path outside the folder. The folder itself may be reached through a link. Throws the
 * file system's error (ENOENT when the file is gone).
 */
async function notTheNamedFile(path: string, root: string): Promise<string | undefined> {
  const base = posix.normalize(root).replace(/\/+$/, '');
  const named = posix.normalize(path);
  if (!named.startsWith(base + '/')) return `outside the workspace folder ${root}`;
  const [real, realBase] = await Promise.all([fs.realpath(named), fs.realpath(base)]);
  const rel = named.slice(base.length + 1);
  if (real === `${realBase.replace(/\/+$/, '')}/${rel}`) return undefined;
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

/** A host over the local file system. `extraIgnore` adds globs (relative to each root) to skip. */
export function nodeHost(extraIgnore: readonly string[] = []): WorkspaceHost {
  return {
    async listFiles(root: string): Promise<string[]> {
      const rel = await glob(['**/*'], { cwd: root, dot: true, followSymbolicLinks: false, onlyFiles: true, ignore: [...IGNORED_DIRS, ...extraIgnore] });
      return rel.map((r) => `${root.replace(/\/+$/, '')}/${r}`).filter(isCandidatePath).sort();
    },
    async readFile(path: string, root: string) {
      try {
        const refused = await notTheNamedFile(path, root);
        if (refused) return { skipped: refused };
        // O_NOFOLLOW: a link put in place of the file after the check is refused (ELOOP), not read.
        const handle = await fs.open(posix.normalize(path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
        try {
          const st = await handle.stat();
          if (!st.isFile()) return { skipped: 'not a regular file' };
          if (st.size > MAX_FILE_BYTES) return { skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${st.size} bytes)` };
          const bytes = await handle.readFile();
          const text = decode(bytes);
          if (text === undefined) return { skipped: 'binary content (NUL bytes)' };
          return isUtf8(bytes) ? { text } : { text, note: 'not valid UTF-8; invalid bytes read as U+FFFD' };
        } finally {
          await handle.close();
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { skipped: 'gone: deleted after it was listed (ENOENT)' };
        if (code === 'ELOOP') return { skipped: 'symbolic link not followed (ELOOP)' };
        return { skipped: `unreadable: ${code ?? (e as Error).message}` };
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
