/**
 * The Node.js implementation of the core's WorkspaceHost: lists candidate files with
 * tinyglobby (no symlink following, so a symlink loop cannot hang it) and reads them with
 * size and binary checks. Used by the CLI and the language server; the core never imports it.
 */
import { promises as fs } from 'node:fs';
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

/** A host over the local file system. `extraIgnore` adds globs (relative to each root) to skip. */
export function nodeHost(extraIgnore: readonly string[] = []): WorkspaceHost {
  return {
    async listFiles(root: string): Promise<string[]> {
      const rel = await glob(['**/*'], { cwd: root, dot: true, followSymbolicLinks: false, onlyFiles: true, ignore: [...IGNORED_DIRS, ...extraIgnore] });
      return rel.map((r) => `${root.replace(/\/+$/, '')}/${r}`).filter(isCandidatePath).sort();
    },
    async readFile(path: string) {
      try {
        const st = await fs.stat(path);
        if (!st.isFile()) return { skipped: 'not a regular file' };
        if (st.size > MAX_FILE_BYTES) return { skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB (${st.size} bytes)` };
        const bytes = await fs.readFile(path);
        const text = decode(bytes);
        if (text === undefined) return { skipped: 'binary content (NUL bytes)' };
        return isUtf8(bytes) ? { text } : { text, note: 'not valid UTF-8; invalid bytes read as U+FFFD' };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { skipped: 'gone: deleted after it was listed (ENOENT)' };
        if (code === 'ELOOP') return { skipped: 'symbolic link loop (ELOOP)' };
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
