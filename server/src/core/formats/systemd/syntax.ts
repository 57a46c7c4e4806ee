/**
 * The unit-file grammar of systemd.syntax(7): `[Section]` headers, `Key=Value` assignments,
 * `#`/`;` comment lines and backslash line continuation, with the source offset of every
 * character of every value. Knows nothing of what the keys mean.
 *
 * Pure and total: no I/O, no module state, never throws.
 */
import { hasEngineTag, hasInstallerPlaceholder } from '../../model/templates';
import type { FileFinding, Span } from '../../model/facts';

/** A `[Section]` header. */
export interface UnitSection {
  name: string;
  /** The whole `[Name]` text. */
  span: Span;
}

/** One `Key=Value` assignment, continuation lines joined. */
export interface UnitEntry {
  section: string;
  key: string;
  keySpan: Span;
  /** The value with continuations replaced by a space and comment lines inside them removed, trimmed. */
  value: string;
  /** Source offset of each character of `value`. */
  offsets: number[];
  /** Raw source range of the value, from its first character to the end of its last line. */
  raw: Span;
}

/** What a unit file says, as systemd reads it. */
export interface UnitFile {
  sections: UnitSection[];
  /** Assignments inside a section, in file order. */
  entries: UnitEntry[];
  /** True when a section header is malformed (systemd refuses to load such a file). */
  failed: boolean;
}

/** Result of {@link parseUnitFile}: the file and the lines systemd would complain about. */
export interface UnitSyntax {
  value: UnitFile;
  /** `parse-error` findings, in file order. */
  errors: FileFinding[];
}

/**
 * Parses a unit file per systemd.syntax(7): `[Section]` headers, `Key=Value` assignments
 * (whitespace around `=` ignored), `#` and `;` comment lines, and backslash line
 * continuation (the backslash becomes a space; comment lines inside a continued value are
 * dropped). Lines that are none of these give a `parse-error` (systemd logs "Missing '='"
 * and ignores them); a header without `]` gives a `parse-error` and sets `value.failed`.
 * LF and CRLF line ends. Never throws.
 */
export function parseUnitFile(text: string): UnitSyntax {
  const value: UnitFile = { sections: [], entries: [], failed: false };
  const errors: FileFinding[] = [];
  let section: string | undefined;
  let i = 0;
  while (i <= text.length) {
    const lineEnd = lineEndAt(text, i);
    const contentEnd = trimCr(text, i, lineEnd);
    const s = skipBlanks(text, i, contentEnd);
    const first = text[s];
    if (s >= contentEnd || first === '#' || first === ';') {
      i = lineEnd + 1;
      continue;
    }
    if (first === '[') {
      section = sectionHeader(text, s, contentEnd, value, errors);
      i = lineEnd + 1;
      continue;
    }
    const logical = logicalLine(text, s, contentEnd, lineEnd + 1);
    const entry = assignment(logical, section, value.failed, { start: s, end: contentEnd }, errors);
    if (entry) value.entries.push(entry);
    i = logical.next;
  }
  return { value, errors };
}

/** Index of the `\n` that ends the line at `i`, or the text's length. */
function lineEndAt(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

/** `end`, less a `\r` just before it. */
function trimCr(text: string, start: number, end: number): number {
  return end > start && text[end - 1] === '\r' ? end - 1 : end;
}

/** The first index from `i` (before `end`) that is not a space or tab. */
function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

/**
 * A `[Name]` header at `text[s, contentEnd)`: records the section and returns its name, or,
 * for a header without `]`, records a `parse-error`, sets `failed` and returns `undefined`
 * (the following assignments belong to no section).
 */
function sectionHeader(text: string, s: number, contentEnd: number, value: UnitFile, errors: FileFinding[]): string | undefined {
  let e = contentEnd;
  while (e > s && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
  if (text[e - 1] === ']' && e - s >= 2) {
    const name = text.slice(s + 1, e - 1);
    value.sections.push({ name, span: { start: s, end: e } });
    return name;
  }
  value.failed = true;
  errors.push({
    rule: 'parse-error',
    span: { start: s, end: e },
    message: `Invalid section header "${text.slice(s, e)}": missing "]" (systemd refuses to load a unit file with a malformed header, systemd.syntax(7))`,
  });
  return undefined;
}

/** One logical line: the physical lines of a continued assignment joined, each character with its offset. */
interface LogicalLine {
  text: string;
  offsets: number[];
  /** End of the last physical line's content. */
  last: number;
  /** Start of the line after the logical line. */
  next: number;
}

/**
 * The logical line that starts at `text[s, contentEnd)` (`next` is the start of the
 * following physical line): while a line ends in a backslash, the next line that is not a
 * comment continues it, and the backslash becomes a space.
 */
function logicalLine(text: string, s: number, contentEnd: number, next: number): LogicalLine {
  const pieces: Span[] = [];
  let ps = s;
  let pe = contentEnd;
  let j = next;
  let last = contentEnd;
  for (;;) {
    if (pe > ps && text[pe - 1] === '\\' && j <= text.length) {
      pieces.push({ start: ps, end: pe }); // the backslash itself becomes a space
      j = skipCommentLines(text, j);
      if (j > text.length) break; // nothing follows: the backslash stays a character
      const le = lineEndAt(text, j);
      ps = j;
      pe = trimCr(text, j, le);
      last = pe;
      j = le + 1;
      continue;
    }
    pieces.push({ start: ps, end: pe });
    last = Math.max(last, pe);
    break;
  }
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!;
    const continued = p < pieces.length - 1;
    const end = continued ? piece.end - 1 : piece.end;
    for (let k = piece.start; k < end; k++) {
      chars.push(text[k]!);
      offsets.push(k);
    }
    if (continued) {
      chars.push(' ');
      offsets.push(piece.end - 1);
    }
  }
  return { text: chars.join(''), offsets, last, next: j };
}

/** Skips the `#`/`;` comment lines from line start `j` (inside a continued value). */
function skipCommentLines(text: string, j: number): number {
  while (j <= text.length) {
    const le = lineEndAt(text, j);
    const k = skipBlanks(text, j, le);
    if (text[k] !== '#' && text[k] !== ';') break;
    j = le + 1;
  }
  return j;
}

/**
 * The `Key=Value` entry of a logical line in `section`, or `undefined` with a `parse-error`
 * (on `line`, the first physical line) when it has no `=`, no key, or no section. A line without
 * `=` that holds a template tag or an installer placeholder is skipped without an error. After a
 * malformed header (`failed`) assignments outside a section are dropped silently.
 */
function assignment(logical: LogicalLine, section: string | undefined, failed: boolean, line: Span, errors: FileFinding[]): UnitEntry | undefined {
  const { text, offsets: offs } = logical;
  const eq = text.indexOf('=');
  if (eq < 0) {
    // A line a template or installer fills in (`{{ range }}`, `!!priorities.high!!`) is not yet a unit line.
    if (hasEngineTag(text) || hasInstallerPlaceholder(text)) return undefined;
    errors.push({
      rule: 'parse-error',
      span: line,
      message: `Missing "=": systemd ignores this line (expected Key=Value, a [Section] header or a # comment, systemd.syntax(7))`,
    });
    return undefined;
  }
  let ke = eq;
  while (ke > 0 && /\s/.test(text[ke - 1]!)) ke--;
  let vs = eq + 1;
  while (vs < text.length && /\s/.test(text[vs]!)) vs++;
  let ve = text.length;
  while (ve > vs && /\s/.test(text[ve - 1]!)) ve--;
  const key = text.slice(0, ke);
  if (key === '') {
    errors.push({ rule: 'parse-error', span: line, message: `Missing key name before "=": systemd ignores this line (systemd.syntax(7))` });
    return undefined;
  }
  if (section === undefined) {
    if (!failed) {
      errors.push({
        rule: 'parse-error',
        span: { start: offs[0]!, end: offs[ke - 1]! + 1 },
        message: `Assignment outside of any [Section]: systemd ignores it (systemd.syntax(7))`,
      });
    }
    return undefined;
  }
  const valueStart = vs < text.length ? offs[vs]! : offs[eq]! + 1;
  return {
    section,
    key,
    keySpan: { start: offs[0]!, end: offs[ke - 1]! + 1 },
    value: text.slice(vs, ve),
    offsets: offs.slice(vs, ve),
    raw: { start: valueStart, end: Math.max(valueStart, logical.last) },
  };
}
