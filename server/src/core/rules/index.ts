/**
 * Every rule, and running them over a snapshot with per-rule severity settings.
 */
import type { RuleId, Severity } from '../model';
import type { Snapshot } from '../workspace';
import { portConflict } from './conflict';
import { docConflict, docDrift, docStale } from './docs';
import { publicExposure } from './exposure';
import { invalidPort, parseError, unknownRtcdKey } from './findings';
import { firewallMissing, firewallStale } from './firewall';
import type { PortDiagnostic, Rule } from './rule';
import { rtcdMismatch } from './rtcd';
import { unresolvedReference } from './unresolved';

export type { PortDiagnostic, Rule } from './rule';

/** All rules in a stable order. */
export const RULES: readonly Rule[] = [portConflict, rtcdMismatch, unresolvedReference, firewallMissing, firewallStale, publicExposure, invalidPort, unknownRtcdKey, parseError, docConflict, docDrift, docStale];

/** Per-rule severity override; `off` disables the rule. */
export type RuleSettings = Partial<Record<RuleId, Severity | 'off'>>;

/**
 * Runs every enabled rule. Diagnostics located in a file that currently fails to parse (and
 * whose last good facts stand in) are dropped, except its parse errors: their offsets belong
 * to an older text. A rule that throws is reported through `onError` and skipped, so one
 * faulty rule cannot take the others down.
 */
export function runRules(snap: Snapshot, settings: RuleSettings = {}, onError: (rule: RuleId, e: unknown) => void = () => undefined): PortDiagnostic[] {
  const out: PortDiagnostic[] = [];
  for (const rule of RULES) {
    const sev = settings[rule.id] ?? rule.severity;
    if (sev === 'off') continue;
    let found: PortDiagnostic[];
    try {
      found = rule.check(snap);
    } catch (e) {
      onError(rule.id, e);
      continue;
    }
    for (const d of found) {
      const state = snap.files.get(d.location.file);
      if (state?.stale && d.rule !== 'parse-error') continue;
      out.push({ ...d, severity: sev });
    }
  }
  out.sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : a.location.span.start - b.location.span.start || a.rule.localeCompare(b.rule)));
  return out;
}
