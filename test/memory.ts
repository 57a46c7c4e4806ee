/**
 * In-memory workspace for rule, resolver and index tests: files given as a map of absolute
 * POSIX paths to text are put into a {@link WorkspaceIndex}, and every rule is run over its
 * snapshot. No file system access.
 */
import type { Location, PortFact, RuleId } from '../server/src/core/model/facts';
import { runRules, type PortDiagnostic } from '../server/src/core/rules/index';
import { WorkspaceIndex, type HostMapping, type Root, type Snapshot } from '../server/src/core/index/workspace';

/** Options of {@link analyze}: workspace folders (default one folder `/ws` named `ws`) and a host map. */
export interface AnalyzeOptions {
  roots?: Root[];
  hostMap?: HostMapping[];
}

/** What {@link analyze} returns. */
export interface Analysis {
  index: WorkspaceIndex;
  snap: Snapshot;
  diagnostics: PortDiagnostic[];
  /** Diagnostics of one rule, in runRules order. */
  byRule(id: RuleId): PortDiagnostic[];
  /** Facts whose mention is in `file` (absolute path). */
  factsIn(file: string): PortFact[];
}

/** The default workspace folder. */
export const WS: Root = { path: '/ws', name: 'ws' };

/** Indexes `files` (absolute paths) and runs every rule. */
export function analyze(files: Record<string, string>, opts: AnalyzeOptions = {}): Analysis {
  const roots = opts.roots ?? [WS];
  const index = new WorkspaceIndex(opts.hostMap ? { roots, hostMap: opts.hostMap } : { roots });
  for (const [p, text] of Object.entries(files)) index.setText(p, text);
  return analysisOf(index);
}

/** Snapshot and diagnostics of an existing index (after edits). */
export function analysisOf(index: WorkspaceIndex): Analysis {
  const snap = index.snapshot();
  const diagnostics = runRules(snap, {}, (rule, e) => {
    throw new Error(`rule ${rule} threw: ${(e as Error).stack ?? String(e)}`);
  });
  return {
    index,
    snap,
    diagnostics,
    byRule: (id) => diagnostics.filter((d) => d.rule === id),
    factsIn: (file) => snap.facts.filter((f) => f.location.file === file),
  };
}

/** The source text a diagnostic (or any location) covers. */
export function at(files: Record<string, string>, d: PortDiagnostic | Location): string {
  const loc: Location = 'location' in d ? d.location : d;
  const t = files[loc.file];
  if (t === undefined) throw new Error(`location in unknown file ${loc.file}`);
  return t.slice(loc.span.start, loc.span.end);
}

/** 1-based line of a location in `files`. */
export function lineOf(files: Record<string, string>, loc: Location): number {
  const t = files[loc.file];
  if (t === undefined) throw new Error(`location in unknown file ${loc.file}`);
  return t.slice(0, loc.span.start).split('\n').length;
}

/** "rule file:line" summaries, for readable assertion failures. */
export function summary(files: Record<string, string>, ds: readonly PortDiagnostic[]): string[] {
  return ds.map((d) => `${d.rule} ${d.location.file}:${lineOf(files, d.location)} ${JSON.stringify(at(files, d))}`);
}
