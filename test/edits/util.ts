/**
 * Helpers for the edit tests: a fix context over an in-memory workspace (test/memory.ts), the
 * example host read from disk, and "apply these edits, then check again" with the set of
 * problems the edit caused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FixContext } from '../../server/src/core/features/edits/fixes';
import { indexReanalyzer, verifyEdits, type Verdict } from '../../server/src/core/features/edits/recheck';
import { applyAll, type TextEdit } from '../../server/src/core/features/edits/text';
import { WorkspaceIndex } from '../../server/src/core/index/workspace';
import { ROOT } from '../helpers';
import { analysisOf, analyze, WS, type Analysis } from '../memory';

/** A fix context over in-memory files rooted at /ws. */
export function contextOf(files: Record<string, string>): FixContext & { a: Analysis } {
  const a = analyze(files);
  return { a, snap: a.snap, textOf: (f) => a.index.textOf(f), before: a.diagnostics, reanalyze: indexReanalyzer(a.index, { roots: [WS] }) };
}

/** Every file of a folder (relative POSIX path → text), read as UTF-8 with any BOM removed, as the host does. */
export function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) readTree(p, base, out);
    else out[path.relative(base, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8').replace(/^\uFEFF/, '');
  }
  return out;
}

/** The example host as in-memory files under /ws. */
export function exampleFiles(): Record<string, string> {
  const tree = readTree(path.join(ROOT, 'examples', 'prochat-host'));
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [`/ws/${k}`, v]));
}

/** Applies edits to in-memory files; returns the new file map. */
export function applied(files: Record<string, string>, edits: readonly TextEdit[]): Record<string, string> {
  const changed = applyAll(edits, (f) => files[f]);
  return { ...files, ...Object.fromEntries(changed) };
}

/** Re-check of `edits` over in-memory files. */
export function verdictOf(files: Record<string, string>, edits: readonly TextEdit[]): Verdict {
  const a = analyze(files);
  return verifyEdits(a.diagnostics, edits, (f) => files[f], indexReanalyzer(a.index, { roots: [WS] }));
}

/** A fresh index of in-memory files (for the round trips). */
export function indexOf(files: Record<string, string>): WorkspaceIndex {
  return analysisOf((() => {
    const i = new WorkspaceIndex({ roots: [WS] });
    for (const [p, t] of Object.entries(files)) i.setText(p, t);
    return i;
  })()).index;
}

/** The text of the line an edit is on, after applying it. */
export function lineWith(text: string, needle: string): string {
  const line = text.split(/\r?\n/).find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`no line with ${needle}`);
  return line;
}
