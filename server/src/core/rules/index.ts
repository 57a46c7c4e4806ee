/**
 * Every rule, and running them over a snapshot with per-file severity settings and inline
 * suppressions (see ../suppress.ts).
 */
import type { RuleId, Severity } from '../model/facts';
import { applySuppressions, SUPPRESSION_KEYWORD } from '../index/suppress';
import type { FileRecord, Snapshot } from '../index/workspace';
import type { SnapshotGroup } from '../index/snapshot';
import { portConflict } from './conflict';
import { projectConflict } from './project';
import { docConflict, docDrift, docStale, GUIDE_RULES, guideDiagnostics } from './docs';
import { guideSetupsIn, type GuideSetup } from '../index/documents';
import { publicExposure } from './exposure';
import { invalidPort, parseError, unknownRtcdKey } from './findings';
import { firewallMissing, firewallStale } from './firewall';
import { boundDiagnostics } from './limits';
import type { PortDiagnostic, Rule } from './rule';
import { rtcdMismatch } from './rtcd';
import { unresolvedReference } from './unresolved';

export type { PortDiagnostic, Rule } from './rule';
export { MAX_DIAGNOSTICS_PER_RULE, MAX_MESSAGE_LENGTH, MAX_RELATED } from './limits';
export { withCrossProjectConflicts } from './project';

/** All rules in a stable order. */
export const RULES: readonly Rule[] = [portConflict, projectConflict, rtcdMismatch, unresolvedReference, firewallMissing, firewallStale, publicExposure, invalidPort, unknownRtcdKey, parseError, docConflict, docDrift, docStale];

/** Id, default severity and description of every diagnostic code Portolan reports. */
export interface RuleInfo {
  id: RuleId;
  severity: Severity;
  description: string;
  /** True when the rule is off unless the settings give it a severity. */
  optIn?: boolean;
}

/**
 * `unused-suppression` is not a check over the snapshot: it is reported by {@link runRules}
 * for a `portolan-ignore-next-line` directive that hides nothing.
 */
export const UNUSED_SUPPRESSION: RuleInfo = {
  id: 'unused-suppression',
  severity: 'hint',
  description: `A ${SUPPRESSION_KEYWORD} comment that hides nothing: no problem of the named rule starts on the next line, or the name is not a rule.`,
};

/** Every diagnostic code, in a stable order: the rules, then `unused-suppression`. */
export const RULE_INFO: readonly RuleInfo[] = [...RULES.map(({ id, severity, description, optIn }) => (optIn ? { id, severity, description, optIn } : { id, severity, description })), UNUSED_SUPPRESSION];

const RULE_IDS: ReadonlySet<string> = new Set(RULE_INFO.map((r) => r.id));

/** Per-rule severity override; `off` disables the rule. */
export type RuleSettings = Partial<Record<RuleId, Severity | 'off'>>;

/**
 * Rule settings that differ by file (a multi-root workspace has one per folder): `of(file)` gives
 * the settings that apply to a file, and `all` every settings object `of` can return, so that a
 * rule off in all of them is not run at all (a bare function gives no such list).
 */
export interface RuleSettingsByFile {
  of(file: string): RuleSettings;
  readonly all: readonly RuleSettings[];
}

/** What {@link runRules} accepts as settings: one for every file, per file with their list, or a function of the file. */
export type RuleSettingsArg = RuleSettings | RuleSettingsByFile | ((file: string) => RuleSettings);

function byFile(settings: RuleSettingsArg): settings is RuleSettingsByFile {
  return typeof settings === 'object' && typeof (settings as { of?: unknown }).of === 'function';
}

/**
 * Reads a settings object (`{ "port-conflict": "warning", … }`) from untrusted JSON: keys that
 * are not rule ids and values that are not a severity or `off` are dropped, never thrown on.
 */
export function parseRuleSettings(value: unknown): RuleSettings {
  const out: RuleSettings = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [id, sev] of Object.entries(value)) {
    if (RULE_IDS.has(id) && (sev === 'error' || sev === 'warning' || sev === 'information' || sev === 'hint' || sev === 'off')) out[id as RuleId] = sev;
  }
  return out;
}

/** True when a text names the suppression keyword (only such files can hold a directive). */
function namesSuppression(_path: string, text: string): boolean {
  return text.includes(SUPPRESSION_KEYWORD);
}

/** A host group's files that name the suppression keyword. */
function groupSuppressible(g: SnapshotGroup): FileRecord[] {
  return g.files.filter((r) => r.derive(namesSuppression));
}

/** A host group's files whose text fails to parse and whose last good facts stand in. */
function groupStale(g: SnapshotGroup): string[] {
  return g.files.filter((r) => r.stale).map((r) => r.path);
}

/** The snapshot's stale files (see {@link groupStale}), from its groups' memos. */
function staleFiles(snap: Snapshot): ReadonlySet<string> {
  return new Set(snap.collect(groupStale));
}

/** The snapshot's files that name the suppression keyword, from its groups' memos. */
function suppressible(snap: Snapshot): readonly FileRecord[] {
  return snap.collect(groupSuppressible);
}

/**
 * Runs every enabled rule and returns its diagnostics, sorted by file and offset.
 *
 * - `settings` is one {@link RuleSettings} for every file, or a function giving the settings
 *   that apply to a file (a multi-root workspace has one per folder); the diagnostic's own file
 *   decides its severity, and `off` drops it. Without a setting, a diagnostic keeps the severity
 *   its rule gave it (usually the rule's default). An opt-in rule runs only where the settings
 *   give it a severity (see {@link withCrossProjectConflicts}).
 * - Diagnostics located in a file that currently fails to parse (and whose last good facts
 *   stand in) are dropped, except its parse errors: their offsets belong to an older text.
 * - `portolan-ignore-next-line` comments hide the diagnostics on their next line; one that
 *   hides nothing is reported as `unused-suppression`.
 * - A rule that throws is reported through `onError` and skipped, so one faulty rule cannot take
 *   the others down.
 * - Output is bounded (./limits): per file and rule the first {@link MAX_DIAGNOSTICS_PER_RULE}
 *   diagnostics by position, then one summarising "… and K more" diagnostic; messages cut at
 *   {@link MAX_MESSAGE_LENGTH} code units; at most {@link MAX_RELATED} related locations each.
 */
export function runRules(
  snap: Snapshot,
  settings: RuleSettingsArg = {},
  onError: (rule: RuleId, e: unknown) => void = () => undefined,
): PortDiagnostic[] {
  return settleRules(snap, settings, onError, (rule) => rule.check(snap));
}

/**
 * {@link runRules} with each rule's own findings (before the guide setups', severities,
 * suppressions and bounds) taken from `check`, which must return what `rule.check(snap)`
 * returns; the order matters only among findings of one rule at one offset, which the stable
 * sort keeps (`incremental.ts` answers from its per-host cache, host by host). Throws of
 * `check` are reported like a rule's.
 */
export function settleRules(
  snap: Snapshot,
  settings: RuleSettingsArg,
  onError: (rule: RuleId, e: unknown) => void,
  check: (rule: Rule) => PortDiagnostic[],
): PortDiagnostic[] {
  const settingsOf = typeof settings === 'function' ? settings : byFile(settings) ? (file: string) => settings.of(file) : () => settings;
  // An opt-in rule (`project-conflict`) is off unless the settings give it a severity.
  const severityOf = (rule: RuleInfo, file: string): Severity | 'off' => settingsOf(file)[rule.id] ?? (rule.optIn ? 'off' : rule.severity);
  // A rule may report some findings below its default severity (firewall-stale on a host with
  // listeners Portolan cannot see); a setting for the rule still decides for all of them.
  const findingSeverity = (rule: RuleInfo, d: PortDiagnostic): Severity | 'off' => settingsOf(d.location.file)[rule.id] ?? (rule.optIn ? 'off' : d.severity);
  const offIn = (rule: RuleInfo, s: RuleSettings): boolean => (s[rule.id] ?? (rule.optIn ? 'off' : rule.severity)) === 'off';
  const everywhereOff = (rule: RuleInfo): boolean =>
    typeof settings === 'function' ? false : byFile(settings) ? settings.all.every((s) => offIn(rule, s)) : offIn(rule, settings);
  const found: PortDiagnostic[] = [];
  const stale = staleFiles(snap);
  // The setups of the guides' snippets, checked by the GUIDE_RULES as hosts of their own (rules/docs.ts).
  let setups: GuideSetup[] | undefined;
  for (const rule of RULES) {
    if (everywhereOff(rule)) continue;
    let list: PortDiagnostic[];
    try {
      list = check(rule);
      if (GUIDE_RULES.has(rule.id)) list = [...list, ...guideDiagnostics((setups ??= guideSetupsIn(snap)), rule)];
    } catch (e) {
      onError(rule.id, e);
      continue;
    }
    for (const d of list) {
      if (d.rule !== 'parse-error' && stale.size > 0 && stale.has(d.location.file)) continue;
      const sev = findingSeverity(rule, d);
      if (sev !== 'off') found.push({ ...d, severity: sev });
    }
  }
  const { kept, unused } = applySuppressions(
    found,
    // `lines` is read only for files with directives: a getter keeps the others' line index unbuilt.
    // Only files that name the keyword can hold a directive.
    suppressible(snap).map((s) => ({ path: s.path, text: s.text, format: s.format, skip: s.stale, get lines() { return s.lines; } })),
    RULE_IDS,
    (id, file) => {
      const info = RULE_INFO.find((r) => r.id === id);
      return info !== undefined && severityOf(info, file) !== 'off';
    },
  );
  const out = kept;
  for (const u of unused) {
    const sev = severityOf(UNUSED_SUPPRESSION, u.location.file);
    if (sev !== 'off') out.push({ rule: UNUSED_SUPPRESSION.id, severity: sev, location: u.location, message: u.message, related: [] });
  }
  out.sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : a.location.span.start - b.location.span.start || a.rule.localeCompare(b.rule)));
  return boundDiagnostics(out);
}
