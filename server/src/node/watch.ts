/**
 * The server's own file watcher over chokidar 4 (../lsp/watching.ts says when it is used):
 * native OS events (inotify, FSEvents; `usePolling: false`, so the tree is never polled), no
 * initial scan reported (`ignoreInitial`), symbolic links not followed (`followSymlinks: false`),
 * folders that are never read (../node/host.ts `IGNORED_DIRS`: node_modules, .git, …) not
 * descended into, and files reported only when the session accepts them (candidate paths and the
 * folder's include/exclude). Events are only notices: the session re-reads a file through the
 * host, which refuses links and paths outside the folders.
 */
import type { Stats } from 'node:fs';
import { watch } from 'chokidar';
import picomatch from 'picomatch';
import type { FolderWatcher, WatchFolders } from '../lsp/watching';
import { IGNORED_DIRS } from './host';

/** chokidar's window for `change` events of one file (chokidar 4 index.js `_throttle(CHANGE, path, 50)`), in milliseconds. */
const CHANGE_THROTTLE_MS = 50;

/** Starts a chokidar watcher on the options' roots; see the module comment. */
export const chokidarWatcher: WatchFolders = ({ roots, accepts, onChange, log }): FolderWatcher => {
  // IGNORED_DIRS are `**/name/**` globs: a folder is skipped when a path below it would match.
  const neverRead = picomatch(IGNORED_DIRS, { dot: true });
  const bases = roots.map((r) => r.replace(/\/+$/, ''));
  const ignored = (path: string, stats?: Stats): boolean => {
    // The globs apply below a root (a workspace inside ~/.cache is still watched).
    const base = bases.find((b) => path.startsWith(b + '/'));
    if (base !== undefined && neverRead(`${path.slice(base.length + 1)}/x`)) return true;
    // chokidar asks once without stats; decide on files only when it knows they are files.
    return stats?.isFile() === true && !accepts(path);
  };
  const watcher = watch([...roots], { ignoreInitial: true, followSymlinks: false, usePolling: false, persistent: true, ignored });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  watcher.on('add', (path) => onChange([{ path, deleted: false }]));
  // chokidar passes on one `change` per file per 50 ms and drops the rest, so a second write
  // within that window would go unseen: each change is reported again once the window is over
  // (re-reading an unchanged text costs a read and publishes nothing).
  const trailing = new Map<string, NodeJS.Timeout>();
  watcher.on('change', (path) => {
    onChange([{ path, deleted: false }]);
    clearTimeout(trailing.get(path));
    trailing.set(path, setTimeout(() => {
      trailing.delete(path);
      onChange([{ path, deleted: false }]);
    }, CHANGE_THROTTLE_MS + 10));
  });
  watcher.on('unlink', (path) => onChange([{ path, deleted: true }]));
  watcher.on('unlinkDir', (path) => onChange([{ path, deleted: true }]));
  watcher.on('error', (e) => log(`file watching: ${(e as Error).message ?? String(e)}`));
  return {
    ready,
    close: () => {
      for (const t of trailing.values()) clearTimeout(t);
      trailing.clear();
      return watcher.close();
    },
  };
};
