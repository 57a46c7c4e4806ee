/**
 * nginx configuration syntax: a tokenizer and block parser that keep exact offsets.
 *
 * Grammar: nginx's own (src/core/ngx_conf_file.c, `ngx_conf_read_token`): a directive is words
 * ended by `;` or followed by a `{ ... }` block; words are separated by spaces, tabs and line
 * breaks; `#` at the start of a word comments to the end of the line; a word that starts with
 * `"` or `'` is quoted (backslash escapes `\"`, `\'`, `\\`, `\t`, `\r`, `\n`), and a closing quote
 * must be followed by a space, `;`, `{` or `)`; a backslash outside quotes escapes the next
 * character; `${var}` keeps its braces inside the word; `}` only closes a block at the start of a
 * word.
 *
 * The parser is iterative (an explicit stack of open blocks), and blocks nest at most
 * {@link MAX_BLOCK_DEPTH} deep, so neither it nor a recursive walk of its tree can exhaust the
 * call stack. It never throws: every syntax error is a value.
 */
import type { ShellWord, Span } from '../../model/facts';
import { maskTemplateTags } from '../../model/templates';

/**
 * `text` with its template engine tags (gomplate/Jinja `{{ }}`, `{% %}`, `{# #}`, see
 * `maskTemplateTags`) masked, same length so that every offset stays valid: a tag alone on its lines,
 * a tag that prints nothing (`{{ if .Env.X }}`, `{{ end }}`, `{% if %}`, `{# #}`) and every branch
 * after a conditional's first become blanks; a tag inside a directive
 * (`listen {{ .Env.PORT }};`) becomes one nginx-variable-like word (`$___...`), which the
 * extractor already treats as an unknown value. `masked` tells whether there was any tag.
 */
export function maskEngineTags(text: string): { text: string; masked: boolean } {
  return maskTemplateTags(text, (length) => '$' + '_'.repeat(length - 1));
}

/**
 * One nginx word. `value` is the word after quote and escape processing; `offsets[i]` is the
 * source offset of `value[i]`; `span` covers the source text including any quotes.
 */
export interface NginxWord extends ShellWord {
  quoted: boolean;
}

/** One directive: `name args... ;` or `name args... { block }`. */
export interface NginxDirective {
  name: NginxWord;
  args: NginxWord[];
  /** Child directives when the directive has a block (even an unclosed one, after an error). */
  block?: NginxDirective[];
  /** Span of the block's opening `{`. */
  blockOpen?: Span;
  /** From the name to the `;` or `}` that ends the directive (to the end of the text when unclosed). */
  span: Span;
}

/** A syntax error: nginx's own message ("unexpected \"}\"", "unexpected end of file, expecting \"}\"") and its span. */
export interface NginxSyntaxError {
  span: Span;
  message: string;
}

/**
 * Result of {@link parseNginx}: the directives read before any error (`value`), and the errors.
 * nginx stops at the first error, so `errors` holds at most one.
 */
export interface NginxParse {
  value: NginxDirective[];
  errors: NginxSyntaxError[];
}

/**
 * Deepest block nesting read (`http { server { location { ... } } }` is 3). nginx itself sets no
 * limit; real configurations stay below 10. A deeper block is a syntax error on its `{`.
 */
export const MAX_BLOCK_DEPTH = 100;

type Terminator = 'semicolon' | 'block-start' | 'block-done' | 'file-done';

interface ReadResult {
  words: NginxWord[];
  term: Terminator;
  /** Span of the `;`, `{` or `}` (empty at the end of the text for `file-done`). */
  termSpan: Span;
}

/** What reading one more character gives: the directive's end, an error, or `undefined` (read on). */
type Step = ReadResult | NginxSyntaxError | undefined;

/** Tokenizer state while one directive's words are read (the flags of ngx_conf_read_token). */
interface WordState {
  words: NginxWord[];
  lastSpace: boolean;
  needSpace: boolean;
  escaped: boolean;
  sQuoted: boolean;
  dQuoted: boolean;
  variable: boolean;
  comment: boolean;
  /** First character of the word's content. */
  start: number;
  /** First character of the word's source (the quote for quoted words). */
  spanStart: number;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** The word at source [start, end) with escapes resolved; each value character keeps its source offset. */
function unescapedWord(text: string, start: number, end: number, quoted: boolean, span: Span): NginxWord {
  const offsets: number[] = [];
  const raw = text.slice(start, end);
  if (!raw.includes('\\')) {
    // No escape (nearly every word): the value is the source, one string instead of one per character.
    for (let src = start; src < end; src++) offsets.push(src);
    return { value: raw, offsets, span, quoted };
  }
  let value = '';
  for (let src = start; src < end; ) {
    if (text[src] === '\\' && src + 1 < end) {
      const next = text[src + 1];
      if (next === '"' || next === "'" || next === '\\') {
        src++;
      } else if (next === 't' || next === 'r' || next === 'n') {
        value += next === 't' ? '\t' : next === 'r' ? '\r' : '\n';
        offsets.push(src);
        src += 2;
        continue;
      }
    }
    value += text[src];
    offsets.push(src);
    src++;
  }
  return { value, offsets, span, quoted };
}

/** Reads directives' words one directive at a time, as ngx_conf_read_token does. */
class DirectiveReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** The next directive's words and terminator, or the syntax error that stops nginx. */
  next(): ReadResult | NginxSyntaxError {
    const s: WordState = {
      words: [], lastSpace: true, needSpace: false, escaped: false, sQuoted: false, dQuoted: false,
      variable: false, comment: false, start: 0, spanStart: 0,
    };
    for (;;) {
      if (this.pos >= this.text.length) return this.atEnd(s);
      const ch = this.text[this.pos]!;
      this.pos++;
      const step = this.step(s, ch);
      if (step) return step;
    }
  }

  private step(s: WordState, ch: string): Step {
    if (ch === '\n' && s.comment) s.comment = false;
    if (s.comment) return undefined;
    if (s.escaped) {
      s.escaped = false;
      return undefined;
    }
    if (s.needSpace) return this.afterQuote(s, ch);
    if (s.lastSpace) return this.wordStart(s, ch);
    return this.inWord(s, ch);
  }

  /** The end of the text: the last directive is complete only when nothing of it was read. */
  private atEnd(s: WordState): ReadResult | NginxSyntaxError {
    const n = this.text.length;
    if (s.words.length === 0 && s.lastSpace) return { words: s.words, term: 'file-done', termSpan: { start: n, end: n } };
    if (s.sQuoted || s.dQuoted) {
      return {
        span: { start: s.spanStart, end: s.spanStart + 1 },
        message: 'unexpected end of file, expecting ";" or "}" (unterminated quoted string)',
      };
    }
    const partial = !s.lastSpace ? { start: s.spanStart, end: n } : s.words[s.words.length - 1]!.span;
    return { span: partial, message: 'unexpected end of file, expecting ";" or "}"' };
  }

  /** After a closing quote: a space, `;`, `{` or `)` must follow. */
  private afterQuote(s: WordState, ch: string): Step {
    if (isSpace(ch)) {
      s.lastSpace = true;
      s.needSpace = false;
      return undefined;
    }
    if (ch === ';' || ch === '{') return this.ended(s.words, ch);
    if (ch !== ')') return this.unexpected(ch);
    s.lastSpace = true;
    s.needSpace = false;
    return this.wordStart(s, ch);
  }

  /** Between words: a terminator, a comment, or the first character of a word. */
  private wordStart(s: WordState, ch: string): Step {
    s.start = this.pos - 1;
    s.spanStart = s.start;
    if (isSpace(ch)) return undefined;
    switch (ch) {
      case ';':
      case '{':
        return s.words.length === 0 ? this.unexpected(ch) : this.ended(s.words, ch);
      case '}':
        return s.words.length !== 0 ? this.unexpected(ch) : { words: s.words, term: 'block-done', termSpan: this.charSpan() };
      case '#':
        s.comment = true;
        return undefined;
      case '\\':
        s.escaped = true;
        break;
      case '"':
        s.start++;
        s.dQuoted = true;
        break;
      case "'":
        s.start++;
        s.sQuoted = true;
        break;
      case '$':
        s.variable = true;
        break;
    }
    s.lastSpace = false;
    return undefined;
  }

  /** Inside a word: its end (a closing quote, or a space, `;` or `{` outside quotes) adds it. */
  private inWord(s: WordState, ch: string): Step {
    if (ch === '{' && s.variable) return undefined;
    s.variable = false;
    if (ch === '\\') {
      s.escaped = true;
      return undefined;
    }
    if (ch === '$') {
      s.variable = true;
      return undefined;
    }
    if (!this.wordEnds(s, ch)) return undefined;
    const quoted = s.needSpace;
    const end = this.pos - 1;
    s.words.push(unescapedWord(this.text, s.start, end, quoted, { start: s.spanStart, end: quoted ? this.pos : end }));
    return ch === ';' || ch === '{' ? this.ended(s.words, ch) : undefined;
  }

  private wordEnds(s: WordState, ch: string): boolean {
    if (s.dQuoted || s.sQuoted) {
      if (ch !== (s.dQuoted ? '"' : "'")) return false;
      s.dQuoted = false;
      s.sQuoted = false;
      s.needSpace = true;
      return true;
    }
    if (!isSpace(ch) && ch !== ';' && ch !== '{') return false;
    s.lastSpace = true;
    return true;
  }

  private ended(words: NginxWord[], ch: string): ReadResult {
    return { words, term: ch === '{' ? 'block-start' : 'semicolon', termSpan: this.charSpan() };
  }

  private unexpected(ch: string): NginxSyntaxError {
    return { span: this.charSpan(), message: `unexpected "${ch}"` };
  }

  /** Span of the character just read. */
  private charSpan(): Span {
    return { start: this.pos - 1, end: this.pos };
  }
}

/**
 * Parses nginx configuration text into directives, exactly as ngx_conf_read_token splits it.
 * On a syntax error it returns the directives read so far (an unclosed block keeps the children
 * read before the error, and its span runs to the end of the text) and the error with nginx's
 * wording and an exact span: the unexpected character, the `{` of a block left open at the end
 * of the text, the opening quote of an unterminated string, the last word of a directive missing
 * its `;`, or the `{` of a block nested deeper than {@link MAX_BLOCK_DEPTH}. Never throws.
 */
export function parseNginx(text: string): NginxParse {
  const reader = new DirectiveReader(text);
  const value: NginxDirective[] = [];
  const failed = (error: NginxSyntaxError): NginxParse => ({ value, errors: [error] });
  /** Enclosing blocks, outermost first. */
  const open: NginxDirective[] = [];
  for (;;) {
    const r = reader.next();
    if ('message' in r) return failed(r);
    const inner = open[open.length - 1];
    if (r.term === 'file-done') {
      return inner ? failed({ span: inner.blockOpen!, message: 'unexpected end of file, expecting "}"' }) : { value, errors: [] };
    }
    if (r.term === 'block-done') {
      if (!inner) return failed({ span: r.termSpan, message: 'unexpected "}"' });
      inner.span = { start: inner.span.start, end: r.termSpan.end };
      open.pop();
      continue;
    }
    const [name, ...args] = r.words;
    const d: NginxDirective = { name: name!, args, span: { start: name!.span.start, end: r.termSpan.end } };
    (inner ? inner.block! : value).push(d);
    if (r.term === 'block-start') {
      d.blockOpen = r.termSpan;
      d.block = [];
      d.span = { start: d.span.start, end: text.length };
      if (open.length >= MAX_BLOCK_DEPTH) {
        return failed({ span: r.termSpan, message: `blocks nested too deeply (more than ${MAX_BLOCK_DEPTH} levels)` });
      }
      open.push(d);
    }
  }
}
