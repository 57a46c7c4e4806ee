/**
 * Output bounds shared by the CLI and the language server (both get their diagnostics from
 * `runRules`): a hostile or broken file cannot flood a client, a terminal or a CI log.
 *
 * - Per file and rule, the first {@link MAX_DIAGNOSTICS_PER_RULE} diagnostics by position are
 *   kept; the rest are replaced by one summarising diagnostic of the same rule and severity at the
 *   first dropped one's location: "… and K more parse-error diagnostics in this file".
 * - A message is at most {@link MAX_MESSAGE_LENGTH} UTF-16 code units (longer ones end in `…`).
 * - A diagnostic has at most {@link MAX_RELATED} related locations; a message of its own
 *   says how many were left out.
 */
import type { PortDiagnostic } from './rule';

/** Diagnostics kept per file and rule, in position order, before the one summarising diagnostic. */
export const MAX_DIAGNOSTICS_PER_RULE = 100;

/** Longest message, in UTF-16 code units (an over-long one is cut and ends in `…`). */
export const MAX_MESSAGE_LENGTH = 500;

/** Related locations kept per diagnostic. */
export const MAX_RELATED = 20;

/** `s` cut to `max` code units, the last one replaced by `…` when cut; never splits a surrogate pair. */
export function boundedText(s: string, max = MAX_MESSAGE_LENGTH): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const last = s.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…`;
}

function bounded(d: PortDiagnostic): PortDiagnostic {
  const long = d.message.length > MAX_MESSAGE_LENGTH || d.related.length > MAX_RELATED || d.related.some((r) => r.message.length > MAX_MESSAGE_LENGTH);
  if (!long) return d;
  const related = d.related.slice(0, MAX_RELATED).map((r) => ({ location: r.location, message: boundedText(r.message) }));
  const left = d.related.length - MAX_RELATED;
  if (left > 0) related[related.length - 1] = { ...related[related.length - 1]!, message: boundedText(`${related[related.length - 1]!.message} (and ${left} more related locations not listed)`) };
  return { ...d, message: boundedText(d.message), related };
}

/**
 * Applies the bounds above to diagnostics sorted by file and offset (as `runRules` returns them).
 * Order is kept; each summarising diagnostic takes the place of the first diagnostic it stands for.
 * Linear in the number of diagnostics.
 */
export function boundDiagnostics(sorted: readonly PortDiagnostic[]): PortDiagnostic[] {
  const out: PortDiagnostic[] = [];
  // One file's diagnostics at a time (they are consecutive): counted by rule within the file.
  for (let i = 0; i < sorted.length; ) {
    const file = sorted[i]!.location.file;
    let end = i;
    while (end < sorted.length && sorted[end]!.location.file === file) end++;
    const counts = new Map<string, number>();
    for (let k = i; k < end; k++) counts.set(sorted[k]!.rule, (counts.get(sorted[k]!.rule) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (let k = i; k < end; k++) {
      const d = sorted[k]!;
      const n = (seen.get(d.rule) ?? 0) + 1;
      seen.set(d.rule, n);
      if (n <= MAX_DIAGNOSTICS_PER_RULE) out.push(bounded(d));
      else if (n === MAX_DIAGNOSTICS_PER_RULE + 1) {
        const more = counts.get(d.rule)! - MAX_DIAGNOSTICS_PER_RULE;
        out.push({
          rule: d.rule, severity: d.severity, location: d.location, related: [],
          message: `… and ${more} more ${d.rule} diagnostics in this file (Portolan reports the first ${MAX_DIAGNOSTICS_PER_RULE} per file and rule)`,
        });
      }
    }
    i = end;
  }
  return out;
}
