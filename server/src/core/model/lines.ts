/**
 * Offsets to positions. A {@link LineIndex} is built once per text (O(n)) and answers each
 * position by binary search (O(log lines)); offsets are UTF-16 code units, lines and characters
 * 0-based, as LSP counts them.
 */

/** Start offsets of a text's lines, for position lookups by binary search. Immutable. */
export class LineIndex {
  /** `starts[i]` is the offset where line `i` begins; `starts[0]` is 0. */
  private readonly starts: readonly number[];
  /** Length of the indexed text; offsets past it are clamped. */
  readonly length: number;

  constructor(text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
    this.length = text.length;
  }

  /** Number of lines (a text without a final newline still counts its last line). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line and UTF-16 column of `offset`, clamped to `[0, length]`. */
  positionAt(offset: number): { line: number; character: number } {
    const at = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - this.starts[lo]! };
  }

  /** 0-based line of `offset`. */
  lineOf(offset: number): number {
    return this.positionAt(offset).line;
  }

  /** Offset of a 0-based line and character, clamped to the text. */
  offsetAt(line: number, character: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length) return this.length;
    const start = this.starts[line]!;
    const next = line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.length;
    return Math.min(start + Math.max(0, character), Math.max(start, next));
  }
}

/**
 * 0-based line and UTF-16 column of an offset in `text`. Scans the text once; callers that ask
 * for many positions in one text build a {@link LineIndex} instead.
 */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: end - lineStart };
}
