/**
 * Loading a workspace through its host: the {@link WorkspaceHost} I/O boundary and the initial
 * read of every file into an index (`workspace.ts` re-exports both).
 */
import type { Root } from './hosts';

/**
 * The I/O boundary. The language server implements it over the file system and open editors,
 * the CLI over the file system, tests over a map in memory.
 */
export interface WorkspaceHost {
  /** Every file under `root` worth considering (absolute POSIX paths); hidden VCS folders and node_modules excluded. */
  listFiles(root: string): Promise<string[]>;
  /**
   * The text of the file `path` under the workspace folder `root` (UTF-8, BOM removed; `note`
   * says what was repaired, e.g. invalid UTF-8), or why it was skipped (too large, binary,
   * unreadable, gone, or not the file it names: a symbolic link anywhere below `root`, or a
   * path outside `root`). A workspace may be hostile: a host never reads through a link.
   */
  readFile(path: string, root: string): Promise<{ text: string; note?: string } | { skipped: string }>;
  /** Entries under `root` the listing left out on purpose (symbolic links), with why. Optional. */
  listSkipped?(root: string): Promise<{ path: string; reason: string }[]>;
}

/** Most host reads {@link loadWorkspace} keeps in flight: enough to hide each read's latency, few enough to bound open files and memory. */
export const READ_CONCURRENCY = 32;

/**
 * Loads every file under the index's roots through the host, up to {@link READ_CONCURRENCY}
 * reads at a time, applying them in listing order. Files the host skips are reported
 * through `log` with the reason and otherwise ignored; files `accept` rejects (the include and
 * exclude settings) are not read at all.
 */
export async function loadWorkspace(
  index: { setText(path: string, text: string): unknown },
  host: WorkspaceHost,
  roots: readonly Root[],
  log?: (message: string) => void,
  accept: (path: string) => boolean = () => true,
): Promise<void> {
  for (const root of roots) {
    const paths = (await host.listFiles(root.path)).filter((p) => accept(p));
    // Up to READ_CONCURRENCY reads in flight, applied in listing order (deterministic logs and index).
    const reads: (Promise<Awaited<ReturnType<WorkspaceHost['readFile']>>> | undefined)[] = [];
    let next = 0;
    const start = (): void => {
      if (next < paths.length) reads.push(host.readFile(paths[next++]!, root.path));
    };
    for (let k = 0; k < READ_CONCURRENCY; k++) start();
    for (let i = 0; i < paths.length; i++) {
      const r = await reads[i]!;
      reads[i] = undefined;
      start();
      const p = paths[i]!;
      if ('skipped' in r) {
        log?.(`skipped ${p}: ${r.skipped}`);
        continue;
      }
      if (r.note) log?.(`read ${p}: ${r.note}`);
      index.setText(p, r.text);
    }
    // Only worth the extra directory reads when someone reads the log.
    if (log && host.listSkipped) for (const s of await host.listSkipped(root.path)) log(`skipped ${s.path}: ${s.reason}`);
  }
}
