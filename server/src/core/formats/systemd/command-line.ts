/**
 * systemd command lines and list settings (systemd.service(5) "Command lines",
 * systemd.syntax(7) "Quoting"): the value of `ExecStart=`, `Environment=`,
 * `EnvironmentFile=` split into words with exact source offsets.
 *
 * Pure and total: no I/O, no state, never throws. An unterminated quote ends the value.
 */
import type { ShellWord } from '../../model/facts';
import { WordBuilder } from '../shell/word-builder';

/** The one-character C escapes systemd decodes (systemd.syntax(7) "Quoting"). */
const C_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  s: ' ',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Decodes the C-style escape at `text[i]` (a backslash); returns the character and source length. */
function cUnescape(text: string, i: number, end: number): { ch: string; len: number } {
  const n = text[i + 1];
  if (n === undefined || i + 1 >= end) return { ch: '\\', len: 1 };
  const simple = C_ESCAPES[n];
  if (simple !== undefined) return { ch: simple, len: 2 };
  let m: RegExpExecArray | null;
  const rest = text.slice(i + 1, Math.min(end, i + 10));
  if ((m = /^x([0-9a-fA-F]{2})/.exec(rest))) return { ch: String.fromCharCode(parseInt(m[1]!, 16)), len: 4 };
  if ((m = /^u([0-9a-fA-F]{4})/.exec(rest))) return { ch: String.fromCharCode(parseInt(m[1]!, 16)), len: 6 };
  if ((m = /^U([0-9a-fA-F]{8})/.exec(rest))) {
    const cp = parseInt(m[1]!, 16);
    return { ch: cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd', len: 10 };
  }
  if ((m = /^([0-7]{3})/.exec(rest))) return { ch: String.fromCharCode(parseInt(m[1]!, 8)), len: 4 };
  // systemd rejects unknown escapes; keep the character so offsets stay meaningful.
  return { ch: n, len: 2 };
}

/**
 * Splits a systemd setting value `text[start, end)` into words the way systemd does for
 * command lines and list settings (systemd.syntax(7) "Quoting", systemd.service(5) "Command
 * lines"): words are separated by whitespace; double and single quotes group words; C-style
 * backslash escapes (`\n`, `\t`, `\\`, `\"`, `\xHH`, `\NNN`, `\s`, ...) are decoded both inside
 * and outside quotes. A backslash before a line break is a continuation (systemd replaces it by
 * a space), and `#`/`;` comment lines inside a continued value are skipped. `$VAR`, `${VAR}`
 * and `%` specifiers are kept literally. Each decoded character maps to the offset of its
 * first source character. Never throws; an unterminated quote ends the value.
 */
export function systemdSplit(text: string, start = 0, end = text.length): ShellWord[] {
  end = Math.max(0, Math.min(end, text.length));
  const words: ShellWord[] = [];
  const w = new WordBuilder();
  const endWord = (): void => {
    const t = w.take();
    if (t) words.push(t.word);
  };
  const continuation = (i: number): number => {
    // i points at a backslash; returns the index after "\\\n" / "\\\r\n", or -1.
    if (text[i + 1] === '\n' && i + 1 < end) return i + 2;
    if (text[i + 1] === '\r' && text[i + 2] === '\n' && i + 2 < end) return i + 3;
    return -1;
  };
  const skipCommentLines = (from: number): number => {
    let i = from;
    for (;;) {
      let j = i;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j < end && (text[j] === '#' || text[j] === ';')) {
        const nl = text.indexOf('\n', j);
        i = nl < 0 || nl >= end ? end : nl + 1;
        continue;
      }
      return i;
    }
  };
  let i = Math.max(0, start);
  while (i < end) {
    const c = text[i]!;
    if (c === '\\') {
      const k = continuation(i);
      if (k >= 0) {
        endWord();
        i = skipCommentLines(k);
        continue;
      }
      w.begin(i);
      const { ch, len } = cUnescape(text, i, end);
      w.push(ch, i);
      i += len;
      w.end = i;
      continue;
    }
    if (c === '"' || c === "'") {
      w.begin(i);
      let j = i + 1;
      while (j < end && text[j] !== c) {
        if (text[j] === '\\') {
          const k = continuation(j);
          if (k >= 0) {
            w.push(' ', j);
            j = skipCommentLines(k);
            continue;
          }
          const { ch, len } = cUnescape(text, j, end);
          w.push(ch, j);
          j += len;
          continue;
        }
        w.push(text[j]!, j);
        j++;
      }
      i = Math.min(j + 1, end);
      w.end = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    w.begin(i);
    w.push(c, i);
    i++;
    w.end = i;
  }
  endWord();
  return words;
}

/** Result of {@link systemdCommand}. */
export interface SystemdCommand {
  /** The special executable prefixes that were written ("-", "@", "+", "!", "!!", ":", "|"), in order. */
  prefixes: string;
  /** The executable (prefixes removed) followed by its arguments; argv[0] of an `@` command is dropped. */
  words: ShellWord[];
}

/**
 * Parses a systemd command line (`ExecStart=` value, systemd.service(5) "Command lines"):
 * splits it with {@link systemdSplit}, removes the executable's special prefixes `-@:+!|`
 * (the spans and offsets of the first word then start after them) and, for `@`, the argv[0]
 * word that follows the executable. A lone `;` word is not a separator here (dropped in
 * current systemd); it stays an argument.
 */
export function systemdCommand(text: string, start = 0, end = text.length): SystemdCommand {
  const words = systemdSplit(text, start, end);
  const first = words[0];
  if (!first) return { prefixes: '', words };
  const m = /^[-@:+!|]*/.exec(first.value)!;
  const prefixes = m[0];
  if (prefixes.length > 0) {
    const n = prefixes.length;
    const offsets = first.offsets.slice(n);
    words[0] = {
      value: first.value.slice(n),
      offsets,
      span: { start: offsets.length > 0 ? offsets[0]! : first.span.end, end: first.span.end },
    };
  }
  if (prefixes.includes('@') && words.length > 1) words.splice(1, 1);
  return { prefixes, words };
}

/**
 * The words of a systemd command line with the executable's prefixes stripped (see
 * {@link systemdCommand}).
 */
export function systemdWords(text: string, start = 0, end = text.length): ShellWord[] {
  return systemdCommand(text, start, end).words;
}
