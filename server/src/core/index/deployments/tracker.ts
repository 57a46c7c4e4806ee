/** Keeps the inferred layouts of a workspace's roots between snapshots. */
import type { ExtractResult } from '../../model/facts';
import { inferDeployments } from './infer';
import type { DeploymentLayout, DeploymentMemo, LayoutFile, LayoutRoot } from './model';

/**
 * The deployment layouts of a workspace's roots, kept by the workspace index: re-inferred only
 * when a change happened and the file list or an extraction result differs from the last time.
 */
export class DeploymentTracker {
  private readonly memo: DeploymentMemo = new WeakMap();
  private inputs: { paths: readonly string[]; results: (ExtractResult | undefined)[] } | undefined;
  private layouts = new Map<string, DeploymentLayout>();
  private fresh = false;

  /** A file changed: the next {@link refresh} compares its inputs with the last ones. */
  invalidate(): void {
    this.fresh = false;
  }

  /** The roots or the host map changed: the next {@link refresh} re-infers. */
  reset(): void {
    this.fresh = false;
    this.inputs = undefined;
  }

  /**
   * Brings the layouts up to date after a change. `input` gives a path's root and layout input
   * (extracting it on demand), or undefined for a path the inference leaves out (no format,
   * placed by the host map, outside every root). Returns true when the layouts were re-inferred.
   */
  refresh(roots: readonly LayoutRoot[], paths: readonly string[], input: (path: string) => { root: LayoutRoot; file: LayoutFile } | undefined): boolean {
    if (this.fresh) return false;
    this.fresh = true;
    const results: (ExtractResult | undefined)[] = [];
    const byRoot = new Map<string, LayoutFile[]>(roots.map((r) => [r.path, []]));
    for (const path of paths) {
      const x = input(path);
      results.push(x?.file.result);
      if (x) byRoot.get(x.root.path)?.push(x.file);
    }
    const old = this.inputs;
    if (old && old.paths === paths && old.results.length === results.length && old.results.every((r, i) => r === results[i])) return false;
    this.inputs = { paths, results };
    this.layouts = new Map(roots.map((r) => [r.path, inferDeployments(r, byRoot.get(r.path)!, this.memo)]));
    return true;
  }

  /** The layouts of the last refresh, by root path (a new map after each re-inference). */
  current(): ReadonlyMap<string, DeploymentLayout> {
    return this.layouts;
  }
}
