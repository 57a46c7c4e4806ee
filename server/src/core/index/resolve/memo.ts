/**
 * What the resolver keeps between the snapshots of one index: answers that depend only on
 * inputs an edit rarely changes, checked before reuse. Owned by one {@link WorkspaceIndex}
 * (no module-level state); a fresh memo gives the same results, only slower.
 */
import type { PlacedWorkload } from '../placed';
import { isMattermostWorkload, isRtcdWorkload } from './workloads';

export class ResolveMemo {
  private readonly rtcd = new WeakMap<PlacedWorkload, boolean>();
  private readonly mattermost = new WeakMap<PlacedWorkload, boolean>();
  private files: readonly string[] | undefined;
  private built: unknown;

  /** {@link isRtcdWorkload}, once per placed workload (placed workloads never change). */
  isRtcd(w: PlacedWorkload): boolean {
    let v = this.rtcd.get(w);
    if (v === undefined) this.rtcd.set(w, (v = isRtcdWorkload(w)));
    return v;
  }

  /** {@link isMattermostWorkload}, once per placed workload. */
  isMattermost(w: PlacedWorkload): boolean {
    let v = this.mattermost.get(w);
    if (v === undefined) this.mattermost.set(w, (v = isMattermostWorkload(w)));
    return v;
  }

  /**
   * `build(files)` for the sorted path list `files`, reused while the next call's list holds the
   * same paths in the same order (compared element by element: linear, no hashing).
   */
  perFileList<T>(files: readonly string[], build: (files: readonly string[]) => T): T {
    const old = this.files;
    if (old === files) return this.built as T;
    if (old && old.length === files.length && old.every((p, i) => p === files[i])) return this.built as T;
    this.files = files;
    this.built = build(files);
    return this.built as T;
  }
}
