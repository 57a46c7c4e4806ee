/**
 * What the session needs of a file watcher of its own, for clients that cannot register
 * `workspace/didChangeWatchedFiles` watchers (Neovim before 0.10). The implementation lives
 * with the other I/O in ../node/watch.ts; the session only sees these events.
 */

/** One change on disk: an absolute POSIX path, and whether it (a file or a whole folder) was deleted. */
export interface WatchEvent {
  path: string;
  deleted: boolean;
}

/** What a watcher may ask of the session. */
export interface WatchOptions {
  /** Workspace folders (absolute POSIX paths) to watch, each with everything below it. */
  roots: readonly string[];
  /** Whether a file (absolute path) is one Portolan reads: candidate path and the folder's include/exclude, asked at each event. */
  accepts(path: string): boolean;
  /** Receives the changes, in the order they happened. */
  onChange(events: WatchEvent[]): void;
  /** A line for the client's log (watch errors). */
  log(message: string): void;
}

/** A running watcher. */
export interface FolderWatcher {
  /** Resolves once the folders are being watched (changes from then on are reported). */
  ready: Promise<void>;
  /** Stops watching; resolves when every OS watch is released. */
  close(): Promise<void>;
}

/** Starts watching; must not throw (failures go to `log`). */
export type WatchFolders = (options: WatchOptions) => FolderWatcher;
