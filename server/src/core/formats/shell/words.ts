/**
 * Word splitting with exact source offsets for POSIX shell command lines (shell scripts,
 * Markdown shell blocks). systemd command lines have their own splitter in
 * `systemd/command-line.ts`; what runs behind `sudo`/`env`/`exec` is `normalize.ts`.
 *
 * Pure and total: no I/O, no module state, never throws. Unterminated quotes or substitutions
 * end at the end of the scanned range.
 */
import type { ShellWord, Span } from '../../model/facts';
import { WordBuilder } from './word-builder';

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

/** True when `text[i]` starts `$(` or `${` inside the range. */
function isSubstitutionStart(text: string, i: number, end: number): boolean {
  return text[i] === '$' && i + 1 < end && (text[i + 1] === '(' || text[i + 1] === '{');
}

/** A here-document whose delimiter has been read but whose body has not yet. */
type PendingHeredoc = Omit<Heredoc, 'span'>;

/** The state of one {@link lexShell} call over `text[.., end)`. */
class ShellLexer {
  /** Commands ended since the caller last took them. */
  ready: ShellWord[][] = [];
  readonly heredocs: Heredoc[] = [];
  private cmd: ShellWord[] = [];
  private readonly w = new WordBuilder();
  /** The next word is a redirection target and is dropped. */
  private skipNext = false;
  /** The next word is a here-document delimiter. */
  private heredocNext: { stripTabs: boolean } | undefined;
  /** Here-documents whose bodies start after the current line. */
  private pending: PendingHeredoc[] = [];

  constructor(
    private readonly text: string,
    private readonly end: number,
  ) {}

  /**
   * Lexes from `start` to the end of the range, yielding each simple command as soon as it ends:
   * a caller that reads them one by one keeps only the current one alive (a script of many
   * commands would otherwise hold every word at once, and the garbage collector copy them all).
   */
  *run(start: number): Generator<ShellWord[]> {
    let i = Math.max(0, start);
    while (i < this.end) {
      i = this.step(i);
      if (this.ready.length > 0) yield* this.take();
    }
    this.endCommand();
    if (this.pending.length > 0) this.readHeredocs(this.end);
    yield* this.take();
  }

  /** The commands ended since the last call. */
  private take(): ShellWord[][] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** Reads the character (or token) at `i`; returns the index after it. */
  private step(i: number): number {
    const { text, end, w } = this;
    const c = text[i]!;
    if (c === '\\') return this.backslash(i);
    if (c === "'") return this.singleQuoted(i);
    if (c === '"') return this.doubleQuoted(i);
    if (isSubstitutionStart(text, i, end) || c === '`') {
      w.begin(i);
      const k = substitutionEnd(text, i, end);
      this.copyVerbatim(i, k);
      return k;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      this.endWord();
      return i + 1;
    }
    if (c === '\n') {
      this.endCommand();
      return this.readHeredocs(i + 1);
    }
    if (c === '#' && !w.open) {
      const nl = text.indexOf('\n', i);
      return nl < 0 || nl >= end ? end : nl;
    }
    if (c === ';' || c === '|' || c === '(' || c === ')') {
      this.endCommand();
      const n = text[i + 1];
      return i + ((c === ';' && n === ';') || (c === '|' && (n === '|' || n === '&')) ? 2 : 1);
    }
    if (c === '&') return this.ampersand(i);
    if (c === '<' || c === '>') return this.redirection(i);
    w.begin(i);
    w.push(c, i);
    w.end = i + 1;
    return i + 1;
  }

  /** A backslash outside quotes: a line continuation, or an escaped character. */
  private backslash(i: number): number {
    const { text, end, w } = this;
    if (text[i + 1] === '\n' && i + 1 < end) return i + 2;
    if (text[i + 1] === '\r' && text[i + 2] === '\n' && i + 2 < end) return i + 3;
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
    return i;
  }

  /** `'...'`: every character literal up to the closing quote. */
  private singleQuoted(i: number): number {
    const { text, end, w } = this;
    w.begin(i);
    w.quoted = true;
    let j = i + 1;
    while (j < end && text[j] !== "'") {
      w.push(text[j]!, j);
      j++;
    }
    const next = Math.min(j + 1, end);
    w.end = next;
    return next;
  }

  /** `"..."`: `\$ \` \" \\` and backslash-newline escapes; substitutions kept verbatim. */
  private doubleQuoted(i: number): number {
    const { text, end, w } = this;
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
        this.copyVerbatim(j, k);
        j = k;
        continue;
      }
      w.push(ch, j);
      j++;
    }
    const next = Math.min(j + 1, end);
    w.end = next;
    return next;
  }

  /** `&>file` / `&>>file` (a redirection), or the separators `&` and `&&`. */
  private ampersand(i: number): number {
    const text = this.text;
    if (text[i + 1] === '>') {
      this.endWord();
      this.skipNext = true;
      return i + (text[i + 2] === '>' ? 3 : 2);
    }
    this.endCommand();
    return i + (text[i + 1] === '&' ? 2 : 1);
  }

  /** `<`, `>` and their forms: redirections, here-documents, here-strings, `<(cmd)`. */
  private redirection(i: number): number {
    const { text, end, w } = this;
    const c = text[i];
    if (text[i + 1] === '(') {
      // Process substitution <(cmd) / >(cmd): one literal word.
      w.begin(i);
      const k = substitutionEnd(text, i, end);
      this.copyVerbatim(i, k);
      return k;
    }
    if (w.open && !w.quoted && w.end === i && /^\d+$/.test(w.chars.join(''))) {
      w.take(); // file descriptor number of the redirection ("2>")
    } else {
      this.endWord();
    }
    if (c === '<' && text[i + 1] === '<') {
      if (text[i + 2] === '<') {
        this.skipNext = true;
        return i + 3;
      }
      i += 2;
      const stripTabs = text[i] === '-';
      if (stripTabs) i++;
      this.heredocNext = { stripTabs };
      return i;
    }
    i++;
    if (text[i] === '>' || text[i] === '&' || text[i] === '|') i++;
    this.skipNext = true;
    return i;
  }

  private endWord(): void {
    const t = this.w.take();
    if (!t) return;
    if (this.heredocNext) {
      this.pending.push({ delimiter: t.word.value, quoted: t.quoted, stripTabs: this.heredocNext.stripTabs });
      this.heredocNext = undefined;
    } else if (this.skipNext) {
      this.skipNext = false;
    } else {
      this.cmd.push(t.word);
    }
  }

  private endCommand(): void {
    this.endWord();
    if (this.cmd.length > 0) this.ready.push(this.cmd);
    this.cmd = [];
    this.skipNext = false;
    this.heredocNext = undefined;
  }

  /** Skips the bodies of the pending here-documents, from `from`; returns the index after them. */
  private readHeredocs(from: number): number {
    const { text, end } = this;
    let i = from;
    for (const h of this.pending) {
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
      this.heredocs.push({ ...h, span: { start: bodyStart, end: Math.max(bodyStart, bodyEnd) } });
    }
    this.pending = [];
    return i;
  }

  /** Appends `text[from, to)` to the word as written (a substitution kept literally). */
  private copyVerbatim(from: number, to: number): void {
    for (let k = from; k < to; k++) this.w.push(this.text[k]!, k);
    this.w.end = to;
  }
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
  const lexer = new ShellLexer(text, Math.max(0, Math.min(end, text.length)));
  const commands = [...lexer.run(start)];
  return { commands, heredocs: lexer.heredocs };
}

/**
 * The simple commands of `text[start, end)` one at a time, in source order, each a list of
 * words with exact per-character offsets (see {@link lexShell} for the grammar). Commands with
 * no words are dropped; here-document bodies are skipped. Lazy: a caller that reads each command
 * once keeps memory bounded by the longest command, not by the script.
 */
export function eachCommand(text: string, start = 0, end = text.length): Generator<ShellWord[]> {
  return new ShellLexer(text, Math.max(0, Math.min(end, text.length))).run(start);
}

/** {@link eachCommand}'s commands as one array. */
export function splitCommands(text: string, start = 0, end = text.length): ShellWord[][] {
  return [...eachCommand(text, start, end)];
}

/** Here-document bodies of `text[start, end)` (see {@link lexShell}). */
export function heredocs(text: string, start = 0, end = text.length): Heredoc[] {
  return lexShell(text, start, end).heredocs;
}
