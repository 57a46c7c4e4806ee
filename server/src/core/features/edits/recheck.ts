/**
 * The "re-check after the fix" guard: apply edits in memory to a copy of the workspace's texts,
 * run every rule again and list the problems the edits caused. A problem after the edit counts
 * as old when a problem of the same rule was reported before at the same place (its span mapped
 * back through the edits to the original text); every other one is caused by the edit. Pure.
 */
import { runRules, type PortDiagnostic, type RuleSettingsArg } from '../../rules';
import { WorkspaceIndex, type IndexOptions } from '../../index/workspace';
import { applyAll, groupEdits, mapBack, type TextEdit } from './text';

/** Re-runs the rules over the workspace with some files' texts replaced. */
export type Reanalyze = (changed: ReadonlyMap<string, string>) => PortDiagnostic[];

/**
 * A {@link Reanalyze} over a copy of `index`'s texts: a fresh index with the same options (roots
 * and host map), the same rule settings. `index` itself is never changed.
 */
export function indexReanalyzer(index: WorkspaceIndex, options: IndexOptions, settings: RuleSettingsArg = {}): Reanalyze {
  return (changed) => {
    const copy = new WorkspaceIndex(options);
    for (const p of index.paths()) copy.setText(p, changed.get(p) ?? index.textOf(p) ?? '');
    return runRules(copy.snapshot(), settings);
  };
}

function key(d: PortDiagnostic, start: number, end: number): string {
  return `${d.rule}\u0000${d.location.file}\u0000${start}\u0000${end}`;
}

/** What re-checking an edit found. */
export interface Verdict {
  /** Problems reported after the edit that were not reported before at that place. */
  caused: PortDiagnostic[];
  /** Problems reported before that are gone after the edit. */
  resolved: PortDiagnostic[];
}

/**
 * Re-checks `edits`: `before` are the diagnostics of the unedited workspace (same settings as
 * `reanalyze`). Throws when the edits overlap or name a file not in the workspace.
 */
export function verifyEdits(before: readonly PortDiagnostic[], edits: readonly TextEdit[], textOf: (file: string) => string | undefined, reanalyze: Reanalyze): Verdict {
  const changed = applyAll(edits, textOf);
  if (changed.size === 0) return { caused: [], resolved: [] };
  const after = reanalyze(changed);
  const grouped = groupEdits(edits);
  const old = new Map<string, PortDiagnostic[]>();
  for (const d of before) {
    const k = key(d, d.location.span.start, d.location.span.end);
    old.set(k, [...(old.get(k) ?? []), d]);
  }
  const caused: PortDiagnostic[] = [];
  for (const d of after) {
    const span = mapBack(d.location.span, grouped.get(d.location.file) ?? []);
    const list = old.get(key(d, span.start, span.end));
    if (list && list.length > 0) list.shift();
    else caused.push(d);
  }
  return { caused, resolved: [...old.values()].flat() };
}

/** The problems `edits` cause (see {@link verifyEdits}). */
export function causedProblems(before: readonly PortDiagnostic[], edits: readonly TextEdit[], textOf: (file: string) => string | undefined, reanalyze: Reanalyze): PortDiagnostic[] {
  return verifyEdits(before, edits, textOf, reanalyze).caused;
}
