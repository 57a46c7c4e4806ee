/**
 * HAProxy's configuration syntax (HAProxy Configuration Manual, section 2.2 "Quoting and
 * escaping" and 2.1 "Configuration file format"): one keyword line per line, words separated by
 * spaces or tabs, `#` starts a comment outside quotes, `\` escapes the next character, `"…"`
 * (with `${VAR}` expansion) and `'…'` quote. A line whose first word is a section keyword
 * (`global`, `defaults`, `frontend`, `backend`, `listen`, …) starts that section; every other line
 * belongs to the section above it.
 *
 * Returns `{ value, errors }`: an unclosed quote is an error at its quote. Linear in the text.
 */
import type { Span } from '../../model/facts';

/** One word after quote removal; `offsets[i]` is the source offset of `text[i]`. */
export interface HaproxyWord {
  text: string;
  span: Span;
  offsets: number[];
  /** True when some part was in double quotes: `${VAR}` there is an environment variable. */
  quoted: boolean;
}

/** One keyword line. */
export interface HaproxyLine {
  words: HaproxyWord[];
}

/** A section and its lines. */
export interface HaproxySection {
  /** `global`, `defaults`, `frontend`, `backend`, `listen`, `peers`, …; `''` before the first section. */
  keyword: string;
  /** The section header line (absent for the lines before the first section). */
  header?: HaproxyLine;
  lines: HaproxyLine[];
}

/** A syntax error and where it is. */
export interface HaproxyError {
  span: Span;
  message: string;
}

/** Section keywords of HAProxy 2.x and 3.x (Configuration Manual sections 3-12). */
export const SECTION_KEYWORDS: ReadonlySet<string> = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist', 'mailers',
  'program', 'http-errors', 'ring', 'cache', 'crt-store', 'log-forward', 'fcgi-app', 'dynamic-update', 'traces', 'acme',
]);

/** The words of one line starting at `from` (up to the newline); returns them and the line's end. */
function lineWords(text: string, from: number, errors: HaproxyError[]): { words: HaproxyWord[]; end: number } {
  const words: HaproxyWord[] = [];
  let i = from;
  const n = text.length;
  while (i < n && text[i] !== '\n') {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      break;
    }
    const start = i;
    let value = '';
    const offsets: number[] = [];
    let quoted = false;
    while (i < n && !/[ \t\r\n#]/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < n && text[i + 1] !== '\n') {
        offsets.push(i + 1);
        value += text[i + 1];
        i += 2;
      } else if (ch === '"' || ch === "'") {
        const open = i++;
        if (ch === '"') quoted = true;
        while (i < n && text[i] !== ch && text[i] !== '\n') {
          if (ch === '"' && text[i] === '\\' && i + 1 < n && text[i + 1] !== '\n') i++;
          offsets.push(i);
          value += text[i++];
        }
        if (text[i] !== ch) {
          errors.push({ span: { start: open, end: open + 1 }, message: `unclosed ${ch} quote` });
          break;
        }
        i++;
      } else {
        offsets.push(i);
        value += ch;
        i++;
      }
    }
    words.push({ text: value, span: { start, end: i }, offsets, quoted });
  }
  return { words, end: i };
}

/** Reads a configuration into its sections (see the module comment). */
export function parseHaproxy(text: string): { value: HaproxySection[]; errors: HaproxyError[] } {
  const errors: HaproxyError[] = [];
  const sections: HaproxySection[] = [{ keyword: '', lines: [] }];
  let i = 0;
  while (i <= text.length) {
    const { words, end } = lineWords(text, i, errors);
    if (words.length > 0) {
      const line = { words };
      const first = words[0]!.text;
      if (SECTION_KEYWORDS.has(first)) sections.push({ keyword: first, header: line, lines: [] });
      else sections[sections.length - 1]!.lines.push(line);
    }
    i = end + 1;
  }
  return { value: sections, errors };
}

/** Source span of `word.text.slice(from, to)`. */
export function wordPart(word: HaproxyWord, from: number, to: number): Span {
  return { start: word.offsets[from]!, end: word.offsets[to - 1]! + 1 };
}
