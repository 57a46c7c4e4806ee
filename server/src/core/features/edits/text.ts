/**
 * The pure edit layer: an edit replaces a span of one file's text (UTF-16 offsets, as
 * everywhere in the core) with new text. No LSP types: the language server converts edits to
 * a WorkspaceEdit, the CLI applies them to the bytes on disk, tests apply them to strings.
 */
import type { Span } from '../../model/facts';

/** Replace `span` (half-open UTF-16 offsets into the file's current text) of `file` with `newText`. An empty span inserts. */
export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
  /** Short human label of why this mention changes ("rtcd API bind", "ufw rule"); the editor groups edits by it. */
  label?: string;
}

/** Thrown by {@link normalizeEdits} when two different edits overlap. */
export class OverlappingEditsError extends Error {}

/**
 * Edits of one file, sorted by start, exact duplicates (same span and text) removed.
 * Throws {@link OverlappingEditsError} when two different edits overlap or when two different
 * insertions target the same offset, since their result would depend on order.
 */
export function normalizeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.span.start === e.span.start && prev.span.end === e.span.end) {
      if (prev.newText === e.newText) continue;
      throw new OverlappingEditsError(`two edits of ${e.file} at ${e.span.start}-${e.span.end} disagree ("${prev.newText}" vs "${e.newText}")`);
    }
    if (prev && e.span.start < prev.span.end) throw new OverlappingEditsError(`edits of ${e.file} overlap at ${e.span.start}`);
    out.push(e);
  }
  return out;
}

/**
 * Applies edits of one file to its text and returns the new text. Edits are normalized first
 * (see {@link normalizeEdits}); spans outside `[0, text.length]` throw a RangeError.
 * Everything outside the edited spans is kept as is.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const list = normalizeEdits(edits);
  let out = '';
  let at = 0;
  for (const e of list) {
    if (e.span.start < 0 || e.span.end > text.length || e.span.start > e.span.end) throw new RangeError(`edit span ${e.span.start}-${e.span.end} outside a text of ${text.length} characters`);
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}

/** Edits grouped by file, each group normalized, files sorted. Throws as {@link normalizeEdits}. */
export function groupEdits(edits: readonly TextEdit[]): Map<string, TextEdit[]> {
  const by = new Map<string, TextEdit[]>();
  for (const e of edits) by.set(e.file, [...(by.get(e.file) ?? []), e]);
  return new Map([...by.keys()].sort().map((f) => [f, normalizeEdits(by.get(f)!)]));
}

/**
 * Applies a set of edits over several files. `textOf` gives each file's current text; returns
 * the new texts of the files that change. Throws when a file is unknown or edits overlap.
 */
export function applyAll(edits: readonly TextEdit[], textOf: (file: string) => string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, list] of groupEdits(edits)) {
    const text = textOf(file);
    if (text === undefined) throw new Error(`cannot edit ${file}: not in the workspace`);
    const next = applyEdits(text, list);
    if (next !== text) out.set(file, next);
  }
  return out;
}

/** True when no two edits of the union overlap (identical duplicates allowed). */
export function compatible(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  try {
    groupEdits([...a, ...b]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Maps a span of the edited text back to the original text: offsets before, between and after
 * edits shift back by the length differences; an offset inside an edit's new text maps to that
 * edit's original span. `edits` must be normalized edits of that one file.
 */
export function mapBack(span: Span, edits: readonly TextEdit[]): Span {
  const one = (offset: number, isEnd: boolean): number => {
    let delta = 0;
    for (const e of edits) {
      const newStart = e.span.start + delta;
      const newEnd = newStart + e.newText.length;
      if (isEnd ? offset <= newStart : offset < newStart) break;
      if (isEnd ? offset <= newEnd : offset < newEnd) return isEnd ? e.span.end : e.span.start;
      delta += e.newText.length - (e.span.end - e.span.start);
    }
    return offset - delta;
  };
  const start = one(span.start, false);
  return { start, end: Math.max(start, one(span.end, true)) };
}

/** Span of the line containing `offset`, without its line break; `break` is the span of the break ("\n", "\r\n" or empty at the end). */
export function lineAt(text: string, offset: number): { span: Span; break: Span } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) return { span: { start, end: text.length }, break: { start: text.length, end: text.length } };
  const nl = end;
  if (end > start && text[end - 1] === '\r') end--;
  return { span: { start, end }, break: { start: end, end: nl + 1 } };
}

/** The file's line break: "\r\n" when its first line break is CRLF, else "\n". */
export function lineBreakOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}
