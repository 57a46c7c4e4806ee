/**
 * Edits that change a port's digits where they are written: the effective value's digits
 * (`valueLocation`, possibly a `.env` entry or a `${VAR:-default}` default, never the
 * expression), plus the port numbers inside a ufw rule's comment. Pure.
 */
import type { PortFact } from '../../model/facts';
import { lineAt, type TextEdit } from './text';

/** Why a mention's digits cannot be edited, or the edit. */
export type DigitsEdit = { edit: TextEdit } | { reason: string };

/**
 * The edit that writes `next` over the digits of `f`'s effective value, which must read `old`
 * (decimal digits, leading zeros allowed). A default (written nowhere) or a value written in
 * another shape cannot be edited: the result says why.
 */
export function digitsEdit(textOf: (file: string) => string | undefined, f: PortFact, old: number, next: number, label?: string): DigitsEdit {
  if (f.derivation.kind === 'default' || (f.derivation.kind === 'interpolation' && f.derivation.source === 'unset')) {
    return { reason: `${f.owner} ${f.detail} uses a default that is written nowhere (${f.derivation.kind === 'default' ? f.derivation.note : f.derivation.expression})` };
  }
  const text = textOf(f.valueLocation.file);
  const written = text?.slice(f.valueLocation.span.start, f.valueLocation.span.end);
  if (written === undefined || !/^\d+$/.test(written) || Number(written) !== old) {
    return { reason: `${f.owner} ${f.detail} is written as "${written ?? ''}", not as the digits of ${old}` };
  }
  const edit: TextEdit = { file: f.valueLocation.file, span: { ...f.valueLocation.span }, newText: String(next) };
  if (label !== undefined) edit.label = label;
  return { edit };
}

/** Edits of every whole number equal to `old` in `text` from offset `from` (for comments). */
function numbersIn(file: string, text: string, from: number, to: number, old: number, next: number, label: string): TextEdit[] {
  const out: TextEdit[] = [];
  const re = /\d+/g;
  const part = text.slice(from, to);
  for (let m = re.exec(part); m; m = re.exec(part)) {
    if (Number(m[0]) === old && m[0] === String(old)) out.push({ file, span: { start: from + m.index, end: from + m.index + m[0].length }, newText: String(next), label });
  }
  return out;
}

/**
 * Edits of the other places a ufw rule repeats its port: the whole numbers equal to `old` in the
 * rule's `comment '...'` (ufw commands in scripts and Markdown), or, in ufw's user.rules, the
 * `--dport` of the iptables lines under the rule's `### tuple ###` line.
 */
export function firewallExtraEdits(textOf: (file: string) => string | undefined, fw: PortFact, old: number, next: number): TextEdit[] {
  const file = fw.location.file;
  const text = textOf(file);
  if (text === undefined || fw.kind !== 'firewall') return [];
  const line = lineAt(text, fw.location.span.start);
  if (fw.format === 'ufw-rules') {
    const out: TextEdit[] = [];
    let at = line.break.end;
    while (at < text.length) {
      const l = lineAt(text, at);
      const body = text.slice(l.span.start, l.span.end);
      if (!body.startsWith('-A ')) break;
      const m = /--dport (\d+)\b/.exec(body);
      if (m && Number(m[1]) === old) {
        const start = l.span.start + m.index + '--dport '.length;
        out.push({ file, span: { start, end: start + m[1]!.length }, newText: String(next), label: 'ufw rule' });
      }
      at = l.break.end;
      if (l.break.end === l.span.end) break;
    }
    return out;
  }
  const rest = text.slice(fw.location.span.end, line.span.end);
  const m = /\bcomment\s+(['"])((?:(?!\1).)*)\1/.exec(rest);
  if (!m) return [];
  const start = fw.location.span.end + m.index + m[0].indexOf(m[1]!) + 1;
  return numbersIn(file, text, start, start + m[2]!.length, old, next, 'ufw rule comment');
}

/**
 * Edits that move every mention in `mentions` from `old` to `next`: their digits, and for
 * ufw rules the port numbers in their comments. Mentions whose value cannot be edited are
 * returned in `unwritable` with the reason.
 */
export function moveEdits(
  textOf: (file: string) => string | undefined,
  mentions: readonly { fact: PortFact; why: string }[],
  old: number,
  next: number,
): { edits: TextEdit[]; unwritable: { fact: PortFact; reason: string }[] } {
  const edits: TextEdit[] = [];
  const unwritable: { fact: PortFact; reason: string }[] = [];
  for (const m of mentions) {
    const d = digitsEdit(textOf, m.fact, old, next, m.why);
    if ('reason' in d) {
      unwritable.push({ fact: m.fact, reason: d.reason });
      continue;
    }
    if (!edits.some((e) => e.file === d.edit.file && e.span.start === d.edit.span.start && e.span.end === d.edit.span.end)) edits.push(d.edit);
    if (m.fact.kind === 'firewall') {
      for (const e of firewallExtraEdits(textOf, m.fact, old, next)) if (!edits.some((x) => x.file === e.file && x.span.start === e.span.start)) edits.push(e);
    }
  }
  return { edits, unwritable };
}
