/**
 * The rule contract and the diagnostic type every rule returns. A rule is a pure function of a
 * {@link Snapshot}: same snapshot, same diagnostics, no I/O.
 */
import type { Location, RuleId, Severity } from '../model/facts';
import type { Snapshot } from '../index/workspace';

/** A problem at an exact location, with the other side(s) as related locations. */
export interface PortDiagnostic {
  rule: RuleId;
  severity: Severity;
  location: Location;
  message: string;
  related: { location: Location; message: string }[];
  /** For quick fixes: the suggested key/name, or other rule-specific data. */
  data?: Record<string, unknown>;
}

/** One rule: a stable id, its default severity, and a pure check. */
export interface Rule {
  id: RuleId;
  severity: Severity;
  /** True for a rule that runs only when the settings give it a severity (`project-conflict`). */
  optIn?: boolean;
  description: string;
  check(snap: Snapshot): PortDiagnostic[];
  /**
   * Set when the rule's findings split by host, so that an edit re-runs it only on the hosts
   * whose facts changed (`incremental.ts`). `true`: `check` over the whole snapshot reports what
   * `check` over each host's part reports (the facts, workloads, environment and findings placed
   * on that host alone), together. An object: `check` reports `global` over the whole snapshot
   * (kept cheap: scans, no per-host work) and `host` over each host's part.
   */
  byHost?: true | { host(part: Snapshot): PortDiagnostic[]; global(snap: Snapshot): PortDiagnostic[] };
}

