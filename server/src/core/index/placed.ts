/**
 * A file's contribution to a snapshot: its facts, workloads, environment and findings placed on
 * the file's host. Placement is cached per extraction result and host, so a snapshot after an
 * edit re-places only the files whose extraction or host changed. Pure.
 */
import type { EnvAssignment, ExtractResult, FileFinding, FormatId, PortFact, Workload } from '../model/facts';

/** A workload placed on a host; `file` is the file that defines it. */
export interface PlacedWorkload extends Workload {
  host: string;
  file: string;
}

/** An environment assignment from a standalone env file, placed on a host. */
export interface PlacedEnv extends EnvAssignment {
  host: string;
}

/** A finding placed in a file (from extraction or from the resolver). */
export interface PlacedFinding extends FileFinding {
  file: string;
}

/** One file's placed contribution, with what it was computed from (to tell when to recompute). */
export interface PlacedFile {
  readonly result: ExtractResult;
  readonly confident: boolean;
  readonly host: string;
  readonly facts: readonly PortFact[];
  readonly workloads: readonly PlacedWorkload[];
  readonly env: readonly PlacedEnv[];
  readonly findings: readonly PlacedFinding[];
}

/** What {@link placeFile} reads of a file's state in the index. */
export interface PlacementInput {
  path: string;
  format: FormatId;
  /** The extraction of the current text. */
  result: ExtractResult;
  /** The last extraction that did not fail; its facts stand in while the file does not parse. */
  lastGood?: ExtractResult;
  /**
   * Parse errors are placed only for confidently recognized files; a file recognized only weakly
   * whose text fails to parse yields nothing at all (it may not be that format).
   */
  confident: boolean;
}

const NOTHING: ExtractResult = { facts: [], findings: [], env: [], workloads: [], dependencies: [] };

/**
 * Places a file on `host`: facts get `host`, `format` and the id `"<path>#<n>"` (n counts from 0
 * in extraction order); workloads get `host` and `file`; findings get `file`. Facts, workloads
 * and env come from `lastGood` while the current result failed; findings always from the
 * current result. A weakly recognized file (`confident` false) whose current text fails places
 * no facts, workloads, env or findings of the current text (only `lastGood`'s facts, if any).
 */
export function placeFile(s: PlacementInput, host: string): PlacedFile {
  const current = s.result;
  const weakFailure = current.failed === true && !s.confident;
  const effective = current.failed ? s.lastGood ?? (weakFailure ? NOTHING : current) : current;
  const { path, format } = s;
  let n = 0;
  return {
    result: current, host, confident: s.confident,
    facts: effective.facts.map((f) => ({ ...f, host, format, id: `${path}#${n++}` })),
    workloads: effective.workloads.map((w) => ({ ...w, host, file: path })),
    env: effective.env.map((e) => ({ ...e, host })),
    findings: weakFailure ? [] : current.findings.filter((f) => f.rule !== 'parse-error' || s.confident).map((f) => ({ ...f, file: path })),
  };
}
