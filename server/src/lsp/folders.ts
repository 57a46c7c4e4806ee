/**
 * Workspace folders as the index's roots: the folders of `initialize` and the changes of
 * `workspace/didChangeWorkspaceFolders` (untrusted JSON: malformed entries are skipped).
 */
import type { Root } from '../core/index/workspace';
import { uriToPath } from './convert';
import { folderName } from './settings';

/** One folder as the client sends it (`WorkspaceFolder`), before checking. */
interface FolderLike {
  uri?: unknown;
  name?: unknown;
}

/**
 * The roots of a list of `WorkspaceFolder`s: absolute POSIX paths without a trailing `/` (`/`
 * itself stays), each named by {@link folderName}; non-`file:` URIs and malformed entries are
 * skipped, and a path given twice is kept once (the first). `folders` may be anything.
 */
export function rootsOf(folders: unknown): Root[] {
  const out: Root[] = [];
  for (const f of Array.isArray(folders) ? (folders as FolderLike[]) : []) {
    if (typeof f !== 'object' || f === null || typeof f.uri !== 'string') continue;
    const raw = uriToPath(f.uri);
    if (raw === undefined) continue;
    const path = raw.replace(/(.)\/+$/, '$1');
    if (!out.some((r) => r.path === path)) out.push({ path, name: folderName(typeof f.name === 'string' ? f.name : '', path) });
  }
  return out;
}

/** The roots after a folder change, and the roots it added and removed (each only when it really was new or present). */
export interface FolderChange {
  roots: Root[];
  added: Root[];
  removed: Root[];
}

/**
 * Applies a `WorkspaceFoldersChangeEvent` (`{ added, removed }`, any JSON) to `roots`: removed
 * paths go first, then added ones not present are appended. `undefined` when nothing changes.
 */
export function changeRoots(roots: readonly Root[], event: unknown): FolderChange | undefined {
  const e = typeof event === 'object' && event !== null ? (event as { added?: unknown; removed?: unknown }) : {};
  const gone = new Set(rootsOf(e.removed).map((r) => r.path));
  const removed = roots.filter((r) => gone.has(r.path));
  const kept = roots.filter((r) => !gone.has(r.path));
  const added = rootsOf(e.added).filter((r) => !kept.some((k) => k.path === r.path));
  if (added.length === 0 && removed.length === 0) return undefined;
  return { roots: [...kept, ...added], added, removed };
}
