/**
 * Word splitting with exact source offsets for POSIX shell command lines (shell scripts,
 * Markdown shell blocks) and for systemd `ExecStart=` command lines.
 *
 * Pure and total: no I/O, no state, never throws. Unterminated quotes or substitutions end
 * at the end of the scanned range.
 */
import type { ShellWord, Span } from '../../model/facts';

/** A here-document body that the shell lexer skipped. */
export interface Heredoc {
  /** The delimiter word after quote removal ("EOF"). */
  delimiter: string;
  /** True when the delimiter was quoted (`<<'EOF'`): the body is not expanded by the shell. */
  quoted: boolean;
  /** True for `<<-`: leading tabs are stripped from body lines and the delimiter line. */
  stripTabs: boolean;
  /** The body text, from the line after the command to just before the delimiter line. */
  span: Span;
}

/** Result of {@link lexShell}. */
export interface ShellLex {
  /** Simple commands in source order, each a non-empty list of words. */
  commands: ShellWord[][];
  /** Here-document bodies in source order. */
  heredocs: Heredoc[];
}

/** Mutable builder for one word; local to one lexer call. */
class WordBuilder {
  chars: string[] = [];
  offsets: number[] = [];
  start = -1;
  end = -1;
  quoted = false;

  get open(): boolean {
    return this.start >= 0;
  }

  begin(at: number): void {
    if (this.start < 0) this.start = at;
  }

  push(ch: string, at: number): void {
    this.chars.push(ch);
    this.offsets.push(at);
  }

  take(): { word: ShellWord; quoted: boolean } | undefined {
    if (this.start < 0) return undefined;
    const word: ShellWord = {
      value: this.chars.join(''),
      span: { start: this.start, end: Math.max(this.end, this.start) },
      offsets: this.offsets,
    };
    const quoted = this.quoted;
    this.chars = [];
    this.offsets = [];
    this.start = -1;
    this.end = -1;
    this.quoted = false;
    return { word, quoted };
  }
}

/**
 * Index one past the end of a `$(...)`, `${...}`, `$((...))` or `` `...` `` starting at `i`
 * (which points at `$` or the backtick), bounded by `end`. Quotes inside `$(...)` are skipped.
 */
function substitutionEnd(text: string, i: number, end: number): number {
  if (text[i] === '`') {
    let k = i + 1;
    while (k < end && text[k] !== '`') k += text[k] === '\\' ? 2 : 1;
    return Math.min(k + 1, end);
  }
  const open = text[i + 1];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let k = i + 1;
  while (k < end) {
    const ch = text[k];
    if (ch === '\\') {
      k += 2;
      continue;
    }
    if (open === '(' && ch === "'") {
      const q = text.indexOf("'", k + 1);
      k = q < 0 || q >= end ? end : q + 1;
      continue;
    }
    if (ch === open) depth++;
    else if (ch === close) {
      depth--;
      if (depth === 0) return k + 1;
    }
    k++;
  }
  return end;
}

function isSubstitutionStart(text: string, i: number, end: number): boolean {
  return text[i] === '$' && i + 1 < end && (text[i + 1] === '(' || text[i + 1] === '{');
}

/**
 * Lexes `text[start, end)` as POSIX sh (XCU 2.2-2.3, 2.7.4): single quotes, double quotes
 * with `\$ \` \" \\` and backslash-newline escapes, backslash escapes outside quotes,
 * backslash-newline continuations (a command may span lines), `#` comments at the start of a
 * word, and the separators newline `;` `;;` `&` `&&` `|` `||` `|&` `(` `)`. Parameter
 * expansions and command substitutions (`$VAR`, `${VAR:-x y}`, `$(cmd)`, backticks) are kept
 * literally in the word value. Redirections (`>file`, `2>&1`, `<in`, `<<<word`, `&>file`) are
 * removed together with their target word; here-documents (`<<EOF`, `<<'EOF'`, `<<-EOF`) are
 * removed and their bodies skipped (and returned in `heredocs`).
 */
export function lexShell(text: string, start = 0, end = text.length): ShellLex {
  end = Math.max(0, Math.min(end, text.length));
  const commands: ShellWord[][] = [];
  const heredocs: Heredoc[] = [];
  let cmd: ShellWord[] = [];
  const w = new WordBuilder();
  let skipNext = false;
  let heredocNext: { stripTabs: boolean } | undefined;
  let pending: { delimiter: string; quoted: boolean; stripTabs: boolean }[] = [];

  const endWord = (): void => {
    const t = w.take();
    if (!t) return;
    if (heredocNext) {
      pending.push({ delimiter: t.word.value, quoted: t.quoted, stripTabs: heredocNext.stripTabs });
      heredocNext = undefined;
    } else if (skipNext) {
      skipNext = false;
    } else {
      cmd.push(t.word);
    }
  };
  const endCommand = (): void => {
    endWord();
    if (cmd.length > 0) commands.push(cmd);
    cmd = [];
    skipNext = false;
    heredocNext = undefined;
  };
  const readHeredocs = (from: number): number => {
    let i = from;
    for (const h of pending) {
      const bodyStart = i;
      let bodyEnd = end;
      while (i < end) {
        const nl = text.indexOf('\n', i);
        const lineEnd = nl < 0 || nl >= end ? end : nl;
        let line = text.slice(i, lineEnd);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        if (line === h.delimiter) {
          bodyEnd = i;
          i = Math.min(lineEnd + 1, end);
          break;
        }
        i = Math.min(lineEnd + 1, end);
        if (lineEnd >= end) bodyEnd = end;
      }
      heredocs.push({ ...h, span: { start: bodyStart, end: Math.max(bodyStart, bodyEnd) } });
    }
    pending = [];
    return i;
  };
  const copyVerbatim = (from: number, to: number): void => {
    for (let k = from; k < to; k++) w.push(text[k]!, k);
    w.end = to;
  };

  let i = Math.max(0, start);
  while (i < end) {
    const c = text[i]!;
    if (c === '\\') {
      if (text[i + 1] === '\n' && i + 1 < end) {
        i += 2;
        continue;
      }
      if (text[i + 1] === '\r' && text[i + 2] === '\n' && i + 2 < end) {
        i += 3;
        continue;
      }
      w.begin(i);
      w.quoted = true;
      if (i + 1 < end) {
        w.push(text[i + 1]!, i + 1);
        i += 2;
      } else {
        w.push('\\', i);
        i++;
      }
      w.end = i;
      continue;
    }
    if (c === "'") {
      w.begin(i);
      w.quoted = true;
      let j = i + 1;
      while (j < end && text[j] !== "'") {
        w.push(text[j]!, j);
        j++;
      }
      i = Math.min(j + 1, end);
      w.end = i;
      continue;
    }
    if (c === '"') {
      w.begin(i);
      w.quoted = true;
      let j = i + 1;
      while (j < end && text[j] !== '"') {
        const ch = text[j]!;
        if (ch === '\\' && j + 1 < end) {
          const n = text[j + 1]!;
          if (n === '\n') {
            j += 2;
            continue;
          }
          if (n === '$' || n === '`' || n === '"' || n === '\\') {
            w.push(n, j + 1);
            j += 2;
            continue;
          }
        }
        if (isSubstitutionStart(text, j, end) || ch === '`') {
          const k = Math.min(substitutionEnd(text, j, end), end);
          copyVerbatim(j, k);
          j = k;
          continue;
        }
        w.push(ch, j);
        j++;
      }
      i = Math.min(j + 1, end);
      w.end = i;
      continue;
    }
    if (isSubstitutionStart(text, i, end) || c === '`') {
      w.begin(i);
      const k = substitutionEnd(text, i, end);
      copyVerbatim(i, k);
      i = k;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n') {
      endCommand();
      i = readHeredocs(i + 1);
      continue;
    }
    if (c === '#' && !w.open) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl >= end ? end : nl;
      continue;
    }
    if (c === ';' || c === '|' || c === '(' || c === ')') {
      endCommand();
      const n = text[i + 1];
      i += (c === ';' && n === ';') || (c === '|' && (n === '|' || n === '&')) ? 2 : 1;
      continue;
    }
    if (c === '&') {
      if (text[i + 1] === '>') {
        endWord();
        i += text[i + 2] === '>' ? 3 : 2;
        skipNext = true;
        continue;
      }
      endCommand();
      i += text[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === '<' || c === '>') {
      if (text[i + 1] === '(') {
        // Process substitution <(cmd) / >(cmd): one literal word.
        w.begin(i);
        const k = substitutionEnd(text, i, end);
        copyVerbatim(i, k);
        i = k;
        continue;
      }
      if (w.open && !w.quoted && w.end === i && /^\d+$/.test(w.chars.join(''))) {
        w.take(); // file descriptor number of the redirection ("2>")
      } else {
        endWord();
      }
      if (c === '<' && text[i + 1] === '<') {
        if (text[i + 2] === '<') {
          i += 3;
          skipNext = true;
        } else {
          i += 2;
          const stripTabs = text[i] === '-';
          if (stripTabs) i++;
          heredocNext = { stripTabs };
        }
        continue;
      }
      i++;
      if (text[i] === '>' || text[i] === '&' || text[i] === '|') i++;
      skipNext = true;
      continue;
    }
    w.begin(i);
    w.push(c, i);
    i++;
    w.end = i;
  }
  endCommand();
  if (pending.length > 0) readHeredocs(end);
  return { commands, heredocs };
}

/**
 * Splits `text[start, end)` into simple shell commands, each a list of words with exact
 * per-character offsets (see {@link lexShell} for the grammar). Commands with no words are
 * dropped; here-document bodies are skipped.
 */
export function splitCommands(text: string, start = 0, end = text.length): ShellWord[][] {
  return lexShell(text, start, end).commands;
}

/** Here-document bodies of `text[start, end)` (see {@link lexShell}). */
export function heredocs(text: string, start = 0, end = text.length): Heredoc[] {
  return lexShell(text, start, end).heredocs;
}

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

/** Reserved words that may precede a simple command (XCU 2.4) and are not the command. */
const LEADING_KEYWORDS: readonly string[] = ['if', 'then', 'do', 'else', 'elif', 'while', 'until', '!', '{', 'time'];
/** Wrappers that run the rest of the line as the command. */
const WRAPPERS: readonly string[] = ['command', 'exec', 'nohup', 'builtin'];
/** sudo(8) options that take a separate argument. */
const SUDO_ARG_OPTIONS: readonly string[] = ['-u', '-g', '-p', '-C', '-D', '-h', '-r', '-t', '-U', '-T', '--user', '--group', '--prompt', '--chdir', '--host', '--role', '--type', '--other-user', '--close-from', '--command-timeout'];

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The words of the command proper: strips leading reserved words (`if`, `then`, `do`, `!`,
 * `{`, ...), variable assignments (`FOO=1`), `sudo`/`doas` with their options (`sudo -E`,
 * `sudo -u root`), `env [-i] [NAME=V]...`, and `command`/`exec`/`nohup`. With `prompt`, a
 * leading `$` word (a shell prompt copied into documentation) is stripped too. Returns `[]`
 * for `command -v x` style queries and when nothing is left.
 */
export function commandWords(words: ShellWord[], prompt = false): ShellWord[] {
  let i = 0;
  if (prompt && words[0]?.value === '$') i++;
  for (;;) {
    const v = words[i]?.value;
    if (v === undefined) return [];
    if (LEADING_KEYWORDS.includes(v) || ASSIGNMENT.test(v)) {
      i++;
      continue;
    }
    if (v === 'sudo' || v === 'doas') {
      i++;
      while (words[i]?.value.startsWith('-')) {
        const o = words[i]!.value;
        i++;
        if (o === '--') break;
        if (SUDO_ARG_OPTIONS.includes(o) || (v === 'doas' && o === '-u')) i++;
      }
      continue;
    }
    if (v === 'env') {
      i++;
      while (words[i]?.value.startsWith('-')) {
        const o = words[i]!.value;
        i++;
        if (o === '-u' || o === '-C' || o === '-S') i++;
      }
      continue;
    }
    if (WRAPPERS.includes(v)) {
      if (v === 'command' && /^-[vV]$/.test(words[i + 1]?.value ?? '')) return [];
      i++;
      continue;
    }
    return words.slice(i);
  }
}
