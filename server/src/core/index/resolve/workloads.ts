/**
 * What the resolver reads of a workload: which program it starts, its environment in effect and
 * where in the source a port inside an environment value is written. Pure.
 */
import type { EnvAssignment, Location, PortFact } from '../../model/facts';
import type { PlacedWorkload } from '../placed';

/** True when a workload starts rtcd (program `rtcd`, or an rtcd container image). */
export function isRtcdWorkload(w: PlacedWorkload): boolean {
  if (w.program && /^rtcd$/i.test(w.program)) return true;
  return w.image !== undefined && /(^|\/)rtcd(:|@|$)/i.test(w.image);
}

/** True when a workload runs Mattermost (image or program), or sets Calls variables. */
export function isMattermostWorkload(w: PlacedWorkload): boolean {
  if (w.program && /^mattermost$/i.test(w.program)) return true;
  if (w.image && /mattermost\/(mattermost|\$\{MATTERMOST_IMAGE)|mattermost-(enterprise|team)-edition/i.test(w.image)) return true;
  return w.env.some((e) => e.name.startsWith('MM_CALLS_'));
}

/** The format of the file that defines a workload. */
export function workloadFormat(w: PlacedWorkload): PortFact['format'] {
  return w.kind === 'systemd-unit' ? 'systemd' : w.kind === 'compose-service' ? 'compose' : 'shell';
}

/** Each variable's assignment in effect: the last one wins, as in a shell, systemd or compose. */
export function lastAssignments(env: readonly EnvAssignment[]): Map<string, EnvAssignment> {
  const last = new Map<string, EnvAssignment>();
  for (const e of env) last.set(e.name, e);
  return last;
}

/** Offset in the source of character `i` of an env value. */
function valueOffset(e: EnvAssignment, i: number): number {
  return e.valueOffsets?.[i] ?? e.valueLocation.span.start + i;
}

/** Where characters `[from, to)` of an env value are written; the whole value when empty. */
export function envSpan(e: EnvAssignment, from: number, to: number): Location {
  if (to <= from) return e.valueLocation;
  return { file: e.valueLocation.file, span: { start: valueOffset(e, from), end: valueOffset(e, to - 1) + 1 } };
}

/** The port of a value that is only digits (blanks around allowed) and where its digits are; else undefined. Not range-checked. */
export function plainPort(e: EnvAssignment): { port: number; loc: Location } | undefined {
  if (!/^\s*\d+\s*$/.test(e.value)) return undefined;
  const t = e.value.trim();
  const at = e.value.indexOf(t);
  return { port: Number(t), loc: envSpan(e, at, at + t.length) };
}
