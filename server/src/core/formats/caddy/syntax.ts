/**
 * The Caddyfile's lexical structure (caddyserver.com/docs/caddyfile/concepts, "Structure" and
 * "Tokens and quotes"): tokens separated by whitespace, a `#` at the start of a token comments to
 * the end of the line, `"…"` (with `\"` escapes) and `` `…` `` quote a token that may span lines,
 * a `\` before a newline continues the line, an unquoted `{` that ends a line opens a block and an
 * unquoted `}` on its own line closes it. A token such as `{$PORT}` or `{http.request.host}` is a
 * placeholder, not a brace. Heredocs (`<<MARKER`) are read as plain tokens up to their marker line.
 *
 * The grammar returns `{ value, errors }`: an unclosed quote or block and a stray `}` are errors
 * with their spans; the tree read so far is still returned. Linear in the text.
 */
import type { Span } from '../../model/facts';

/** One token: its text after quote removal and the source span it was written on. */
export interface CaddyToken {
  text: string;
  span: Span;
  /** True when written in quotes: then `text` is not a brace and offsets inside may differ. */
  quoted: boolean;
}

/** One line of tokens (a site address line, a directive, a subdirective) and its block. */
export interface CaddyLine {
  tokens: CaddyToken[];
  /** The lines of the `{ … }` block the line opens, when it opens one. */
  block?: CaddyLine[];
}

/** A syntax error and where it is. */
export interface CaddyError {
  span: Span;
  message: string;
}

/** Reads the tokens of `text` into lines, each with the source offsets of its tokens. */
function tokenize(text: string): { lines: CaddyToken[][]; errors: CaddyError[] } {
  const lines: CaddyToken[][] = [];
  const errors: CaddyError[] = [];
  let line: CaddyToken[] = [];
  let i = 0;
  const n = text.length;
  const endLine = () => {
    if (line.length > 0) lines.push(line);
    line = [];
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      endLine();
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"' || c === '`') {
      const start = i++;
      let value = '';
      while (i < n && text[i] !== c) {
        if (c === '"' && text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        value += text[i++];
      }
      if (i >= n) errors.push({ span: { start, end: start + 1 }, message: `unclosed ${c} quote` });
      else i++;
      line.push({ text: value, span: { start, end: i }, quoted: true });
    } else {
      const start = i;
      // Braces inside a token are placeholders ({$PORT}, {env.HOST}): only whitespace ends a token.
      while (i < n && !/\s/.test(text[i]!)) i++;
      line.push({ text: text.slice(start, i), span: { start, end: i }, quoted: false });
    }
  }
  endLine();
  return { lines, errors };
}

/** Reads a Caddyfile into its nested lines (see the module comment). */
export function parseCaddyfile(text: string): { value: CaddyLine[]; errors: CaddyError[] } {
  const { lines, errors } = tokenize(text);
  const root: CaddyLine[] = [];
  const stack: { lines: CaddyLine[]; open?: CaddyToken }[] = [{ lines: root }];
  for (const tokens of lines) {
    const top = stack[stack.length - 1]!;
    const first = tokens[0]!;
    if (tokens.length === 1 && !first.quoted && first.text === '}') {
      if (stack.length === 1) errors.push({ span: first.span, message: 'unexpected "}": no block is open' });
      else stack.pop();
      continue;
    }
    const last = tokens[tokens.length - 1]!;
    if (!last.quoted && last.text === '{') {
      const entry: CaddyLine = { tokens: tokens.slice(0, -1), block: [] };
      top.lines.push(entry);
      stack.push({ lines: entry.block!, open: last });
      continue;
    }
    top.lines.push({ tokens });
  }
  for (const open of stack.slice(1).map((s) => s.open!)) errors.push({ span: open.span, message: 'block opened here is not closed' });
  return { value: root, errors };
}

/** Every line in `lines` and in their blocks, depth first (an explicit stack: no recursion on deep nesting). */
export function* walkLines(lines: readonly CaddyLine[]): Generator<CaddyLine> {
  const stack: { lines: readonly CaddyLine[]; i: number }[] = [{ lines, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.lines.length) {
      stack.pop();
      continue;
    }
    const line = top.lines[top.i++]!;
    yield line;
    if (line.block) stack.push({ lines: line.block, i: 0 });
  }
}
