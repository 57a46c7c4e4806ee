/**
 * Lines and fenced code blocks of Markdown documents and which blocks hold shell commands; shared by the
 * ufw reading of ./index and the port-reference reading of ./portdoc.
 *
 * Fences follow CommonMark 0.31 "Fenced code blocks": a line of at least three backticks or
 * tildes opens a block, the info string's first word names the language, and a line of at
 * least as many of the same character closes it (an unclosed block runs to the end of the
 * document). Pure; never throws.
 */
import type { Span } from '../../model/facts';

/** A fenced code block: its language (first word of the info string, lower case) and body. */
export interface FencedBlock {
  lang: string;
  /** From the line after the opening fence to the start of the closing fence line. */
  body: Span;
}

/**
 * Info strings whose blocks are read as shell commands: none at all, the shell names
 * (`sh`, `bash`, `shell`, `zsh`) and the session names of {@link PROMPT_LANGS}.
 */
export const SHELL_LANGS: ReadonlySet<string> = new Set(['', 'sh', 'bash', 'shell', 'zsh', 'console', 'shell-session', 'sh-session', 'shellsession']);

/** Shell session languages: lines start with a prompt (`$ ` user, `# ` root) and mix in program output. */
export const PROMPT_LANGS: ReadonlySet<string> = new Set(['console', 'shell-session', 'sh-session', 'shellsession']);

/**
 * The fenced code blocks of a Markdown document, in order. Fences may be indented (list
 * items); blocks inside `>` block quotes are not recognized.
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { ch: string; len: number; lang: string; bodyStart: number } | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const next = nl < 0 ? text.length + 1 : nl + 1;
    // Both fence lines start with blanks then a backtick or tilde: any other line is passed without a copy.
    let first = lineStart;
    while (first < lineEnd && (text[first] === ' ' || text[first] === '\t')) first++;
    if (text[first] !== '`' && text[first] !== '~') {
      lineStart = next;
      continue;
    }
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (open) {
      const close = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1]![0] === open.ch && close[1]!.length >= open.len) {
        blocks.push({ lang: open.lang, body: { start: open.bodyStart, end: lineStart } });
        open = undefined;
      }
    } else {
      const m = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
      if (m && !(m[1]![0] === '`' && m[2]!.includes('`'))) {
        const info = m[2]!.trim();
        const lang = (info.split(/[\s,{}]+/).find((x) => x !== '') ?? '').replace(/^\./, '').toLowerCase();
        open = { ch: m[1]![0]!, len: m[1]!.length, lang, bodyStart: Math.min(next, text.length) };
      }
    }
    lineStart = next;
  }
  if (open) blocks.push({ lang: open.lang, body: { start: open.bodyStart, end: text.length } });
  return blocks;
}

/**
 * Where the commands of a fenced block are written, as document offsets in order: the whole
 * body of a {@link SHELL_LANGS} block; for a {@link PROMPT_LANGS} block only its prompt lines,
 * each from after the prompt to the end of the line, extended over backslash continuations
 * (other lines are program output); `[]` for any other language.
 */
export function shellCommandRanges(text: string, block: FencedBlock): Span[] {
  if (!SHELL_LANGS.has(block.lang)) return [];
  return PROMPT_LANGS.has(block.lang) ? promptRanges(text, block.body) : [block.body];
}

/** Command ranges of a prompt-style block body (see {@link shellCommandRanges}). */
function promptRanges(text: string, body: Span): Span[] {
  const ranges: Span[] = [];
  let lineStart = body.start;
  while (lineStart < body.end) {
    const nl = text.indexOf('\n', lineStart);
    let lineEnd = nl < 0 || nl >= body.end ? body.end : nl;
    const m = /^[ \t]*[$#][ \t]+/.exec(text.slice(lineStart, lineEnd));
    if (m) {
      const start = lineStart + m[0].length;
      while (/\\\r?$/.test(text.slice(lineStart, lineEnd)) && lineEnd < body.end) {
        lineStart = lineEnd + 1;
        const n2 = text.indexOf('\n', lineStart);
        lineEnd = n2 < 0 || n2 >= body.end ? body.end : n2;
      }
      ranges.push({ start, end: lineEnd });
    }
    lineStart = lineEnd + 1;
  }
  return ranges;
}

/** One line of a document: its offsets (`end` at the `\n` or the end of the text) and its text without a `\r`. */
export interface Line {
  start: number;
  end: number;
  text: string;
}

/** The line at `start` (without its `\r`) and the start of the next one, `-1` after the last line. */
export function lineAt(text: string, start: number): { line: Line; next: number } {
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  return { line: { start, end, text: text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end) }, next: nl < 0 ? -1 : nl + 1 };
}

/** Every line of `text` in order (one, empty, for an empty text). */
export function lines(text: string): Line[] {
  const out: Line[] = [];
  for (let at = 0; at >= 0;) {
    const { line, next } = lineAt(text, at);
    out.push(line);
    at = next;
  }
  return out;
}
