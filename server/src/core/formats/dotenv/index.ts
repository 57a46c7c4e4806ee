/**
 * `.env` files as docker compose reads them, and compose's `${VAR}` interpolation.
 *
 * Grammar (docker compose "Use an environment file" / compose-go `dotenv`):
 * - one `KEY=VALUE` per line, optionally preceded by `export `; blank lines and lines whose first
 *   non-blank character is `#` are ignored; lines ending in CRLF are accepted;
 * - an unquoted value runs to the end of the line, loses surrounding blanks, and a ` #` (blank
 *   then `#`) starts an inline comment;
 * - `'single quoted'` values are taken literally and may span lines;
 * - `"double quoted"` values may span lines and understand `\n`, `\r`, `\t`, `\\`, `\"`, `\$`;
 * - unquoted and double-quoted values are interpolated (`${VAR}` etc., see {@link interpolate})
 *   from the variables assigned earlier in the same file, then from an optional lookup.
 *
 * The module extracts only environment assignments (`ExtractResult.env`), never port facts:
 * the ports come from the files that interpolate these variables (compose).
 */
import type { Detection, EnvAssignment, ExtractContext, ExtractResult, FormatModule, Location, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { basename } from '../../model/paths';

/** A string together with the source offset of each of its characters in one file. */
export interface SourcedText {
  value: string;
  /** `offsets[i]` is the offset in the file of `value[i]`. */
  offsets: number[];
}

/** Where one character of an interpolated value comes from. */
export interface CharOrigin {
  /**
   * Span in the interpolated file: the character itself for literal text, the whole
   * `${...}` expression for substituted text.
   */
  start: number;
  end: number;
  /** File and offset where the character is actually written (an env file for values read from it). */
  file: string;
  offset: number;
  /** Index into {@link Interpolation.subs} of the substitution that produced it; -1 for literal text. */
  sub: number;
}

/** One `$VAR` / `${VAR...}` expression met while interpolating. */
export interface Substitution {
  /** The expression as written, e.g. "${JVB_PORT:-10000}". */
  expression: string;
  /** Span of the expression in the interpolated file. */
  span: Span;
  variable: string;
  /**
   * `env-file`: the variable's value from the env file; `expression-default`: the text written
   * in the expression (`:-` / `-` default or `:+` / `+` replacement); `unset`: no value at all.
   */
  source: 'env-file' | 'expression-default' | 'unset';
  /** The env file's value span (source `env-file`) or the default text span (source `expression-default`). */
  location?: Location;
}

/** Result of {@link interpolate}. */
export interface Interpolation {
  value: string;
  /** One per character of `value`. */
  origins: CharOrigin[];
  subs: Substitution[];
  /** `${VAR:?message}` with VAR unset, or an unterminated `${`. Spans are in the interpolated file. */
  errors: { span: Span; message: string }[];
}

/** Finds the value of a variable for interpolation; `undefined` when unset. */
export type EnvLookup = (name: string) => EnvAssignment | undefined;

/**
 * Marker character substituted for an unset variable when the caller asks for it (see
 * {@link interpolate}): lets a port parser tell "unknown" from "malformed".
 */
export const UNSET_MARK = '\uE000';

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Interpolates compose-style variable references in `input` (compose spec, "Interpolation"):
 * `$VAR`, `${VAR}`, `${VAR:-default}` (default when unset or empty), `${VAR-default}` (default
 * when unset), `${VAR:?err}` / `${VAR?err}` (error), `${VAR:+alt}` / `${VAR+alt}` (alt when set),
 * `$$` for a literal `$`. Defaults may nest (`${A:-${B}}`). A `$` not followed by a name or
 * `{` is kept literally.
 *
 * `file` names the file `input.offsets` point into. An unset variable without a default yields
 * `unset` (default ""; pass {@link UNSET_MARK} to see where a value is unknown). Never throws.
 */
export function interpolate(input: SourcedText, file: string, lookup: EnvLookup, unset = ''): Interpolation {
  const out: Interpolation = { value: '', origins: [], subs: [], errors: [] };
  run(input, 0, input.value.length, file, lookup, unset, out, -1, 0);
  return out;
}

/** Source span of `input.value.slice(from, to)`. */
function spanOf(input: SourcedText, from: number, to: number): Span {
  if (from >= to) {
    const at = input.offsets[from] ?? (input.offsets.length ? input.offsets[input.offsets.length - 1]! + 1 : 0);
    return { start: at, end: at };
  }
  return { start: input.offsets[from]!, end: input.offsets[to - 1]! + 1 };
}

/** Index of the `}` closing the `${` whose body starts at `from`, or -1. */
function closingBrace(s: string, from: number, to: number): number {
  let depth = 1;
  for (let i = from; i < to; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function push(out: Interpolation, ch: string, origin: CharOrigin): void {
  out.value += ch;
  out.origins.push(origin);
}

/**
 * Interpolates `input.value[from, to)` into `out`. `outerSub`/`outerSpan`: when nested inside a
 * default, the enclosing expression, which owns every character produced.
 */
function run(
  input: SourcedText,
  from: number,
  to: number,
  file: string,
  lookup: EnvLookup,
  unset: string,
  out: Interpolation,
  outerSub: number,
  depth: number,
  outerSpan?: Span,
): void {
  const s = input.value;
  let i = from;
  while (i < to) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= to) {
      const own = spanOf(input, i, i + 1);
      const at = outerSpan ?? own;
      push(out, c, { start: at.start, end: at.end, file, offset: own.start, sub: outerSub });
      i++;
      continue;
    }
    const next = s[i + 1]!;
    if (next === '$') {
      const own = spanOf(input, i, i + 2);
      const at = outerSpan ?? own;
      push(out, '$', { start: at.start, end: at.end, file, offset: own.start, sub: outerSub });
      i += 2;
      continue;
    }
    let name: string;
    let op = '';
    let argFrom = -1;
    let argTo = -1;
    let exprEnd: number;
    if (next === '{') {
      const close = closingBrace(s, i + 2, to);
      if (close < 0) {
        out.errors.push({ span: spanOf(input, i, to), message: `unterminated variable reference "${s.slice(i, to)}"` });
        for (let k = i; k < to; k++) {
          const own = spanOf(input, k, k + 1);
          const at = outerSpan ?? own;
          push(out, s[k]!, { start: at.start, end: at.end, file, offset: own.start, sub: outerSub });
        }
        return;
      }
      exprEnd = close + 1;
      let j = i + 2;
      while (j < close && (j === i + 2 ? NAME_START : NAME_CHAR).test(s[j]!)) j++;
      name = s.slice(i + 2, j);
      const m = /^(:-|:\?|:\+|-|\?|\+)/.exec(s.slice(j, close));
      if (m) {
        op = m[1]!;
        argFrom = j + op.length;
        argTo = close;
      } else if (j !== close) {
        name = ''; // "${1}" or "${A B}": not a valid reference
      }
    } else if (NAME_START.test(next)) {
      let j = i + 1;
      while (j < to && NAME_CHAR.test(s[j]!)) j++;
      name = s.slice(i + 1, j);
      exprEnd = j;
    } else {
      const own = spanOf(input, i, i + 1);
      const at = outerSpan ?? own;
      push(out, c, { start: at.start, end: at.end, file, offset: own.start, sub: outerSub });
      i++;
      continue;
    }
    const exprSpan = spanOf(input, i, exprEnd);
    const ownerSpan = outerSpan ?? exprSpan;
    if (name === '') {
      out.errors.push({ span: exprSpan, message: `invalid variable reference "${s.slice(i, exprEnd)}"` });
      for (let k = i; k < exprEnd; k++) {
        const own = spanOf(input, k, k + 1);
        push(out, s[k]!, { start: ownerSpan.start, end: ownerSpan.end, file, offset: own.start, sub: outerSub });
      }
      i = exprEnd;
      continue;
    }
    const found = lookup(name);
    const isSet = found !== undefined;
    const nonEmpty = isSet && found.value !== '';
    let sub = outerSub;
    const record = (source: Substitution['source'], location?: Location): number => {
      if (outerSub >= 0) return outerSub;
      const entry: Substitution = { expression: s.slice(i, exprEnd), span: exprSpan, variable: name, source };
      if (location) entry.location = location;
      out.subs.push(entry);
      return out.subs.length - 1;
    };
    const useValue = (): void => {
      sub = record('env-file', found!.valueLocation);
      const v = found!.value;
      for (let k = 0; k < v.length; k++) {
        const offset = found!.valueOffsets?.[k] ?? found!.valueLocation.span.start + k;
        push(out, v[k]!, { start: ownerSpan.start, end: ownerSpan.end, file: found!.valueLocation.file, offset, sub });
      }
    };
    const useArg = (): void => {
      sub = record('expression-default', { file, span: spanOf(input, argFrom, argTo) });
      if (depth < 16) run(input, argFrom, argTo, file, lookup, unset, out, sub, depth + 1, ownerSpan);
    };
    const useUnset = (): void => {
      sub = record('unset');
      for (const ch of unset) push(out, ch, { start: ownerSpan.start, end: ownerSpan.end, file, offset: exprSpan.start, sub });
    };
    switch (op) {
      case '':
        if (isSet) useValue();
        else useUnset();
        break;
      case ':-':
        if (nonEmpty) useValue();
        else useArg();
        break;
      case '-':
        if (isSet) useValue();
        else useArg();
        break;
      case ':+':
        if (nonEmpty) useArg();
        else record(isSet ? 'env-file' : 'unset');
        break;
      case '+':
        if (isSet) useArg();
        else record('unset');
        break;
      case ':?':
      case '?':
        if (op === ':?' ? nonEmpty : isSet) useValue();
        else {
          const msg = s.slice(argFrom, argTo);
          out.errors.push({ span: exprSpan, message: `required variable ${name} is not set${msg ? `: ${msg}` : ''}` });
          useUnset();
        }
        break;
    }
    i = exprEnd;
  }
}

/** Options of {@link parseDotenv}. */
export interface DotenvOptions {
  /**
   * Interpolate `${VAR}` in unquoted and double-quoted values, as docker compose does (default
   * true). Pass false for systemd `EnvironmentFile=`, which takes values literally.
   */
  interpolate?: boolean;
  /** Variables not assigned earlier in the file (compose: the project's .env). */
  lookup?: EnvLookup;
  /**
   * `docker run --env-file` semantics: the value is the rest of the line verbatim (quotes and
   * `#` included, no interpolation). Default false.
   */
  literal?: boolean;
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a dotenv file (grammar in the module comment). `path` is the file's absolute path,
 * used in the returned locations. Returns the assignments in file order (later ones win);
 * lines that are not assignments are skipped. `nameLocation` covers the key,
 * `valueLocation` the raw value text (inside the quotes when quoted, empty at the `=` for
 * `KEY=`); `valueOffsets` is set when the value is not a plain copy of that text. Never throws.
 */
export function parseDotenv(path: string, text: string, options: DotenvOptions = {}): EnvAssignment[] {
  const doInterpolate = options.interpolate !== false;
  const out: EnvAssignment[] = [];
  const known = new Map<string, EnvAssignment>();
  const lookup: EnvLookup = (name) => known.get(name) ?? options.lookup?.(name);
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    const lineEnd = eol > pos && text[eol - 1] === '\r' ? eol - 1 : eol;
    let i = pos;
    while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
    let next = eol + 1;
    if (i >= lineEnd || text[i] === '#') {
      pos = next;
      continue;
    }
    if (text.startsWith('export', i) && (text[i + 6] === ' ' || text[i + 6] === '\t')) {
      i += 6;
      while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
    }
    const eq = text.indexOf('=', i);
    if (eq < 0 || eq >= lineEnd) {
      pos = next;
      continue;
    }
    let keyEnd = eq;
    while (keyEnd > i && (text[keyEnd - 1] === ' ' || text[keyEnd - 1] === '\t')) keyEnd--;
    const key = text.slice(i, keyEnd);
    if (!KEY_RE.test(key)) {
      pos = next;
      continue;
    }
    let v = eq + 1;
    if (options.literal) {
      const a: EnvAssignment = {
        name: key,
        value: text.slice(v, lineEnd),
        nameLocation: { file: path, span: { start: i, end: keyEnd } },
        valueLocation: { file: path, span: { start: v, end: lineEnd } },
      };
      out.push(a);
      pos = next;
      continue;
    }
    while (v < lineEnd && (text[v] === ' ' || text[v] === '\t')) v++;
    let raw: SourcedText;
    let span: Span;
    let literal = false;
    const q = text[v];
    if (q === "'" || q === '"') {
      const value: string[] = [];
      const offsets: number[] = [];
      let k = v + 1;
      let closed = -1;
      while (k < n) {
        const c = text[k]!;
        if (c === q) {
          closed = k;
          break;
        }
        if (q === '"' && c === '\\' && k + 1 < n) {
          const e = text[k + 1]!;
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: doInterpolate ? '$$' : '$' };
          const rep = map[e];
          if (rep !== undefined) {
            // "\$" stays a "$" that interpolation must not expand: encode it as "$$".
            for (const ch of rep) {
              value.push(ch);
              offsets.push(k + 1);
            }
            k += 2;
            continue;
          }
        }
        if (c === '\r' && text[k + 1] === '\n') {
          k++;
          continue;
        }
        value.push(c);
        offsets.push(k);
        k++;
      }
      if (closed < 0) {
        // No closing quote: compose rejects the file; keep the rest of the line as the value.
        raw = { value: text.slice(v + 1, lineEnd), offsets: range(v + 1, lineEnd) };
        span = { start: v + 1, end: lineEnd };
      } else {
        raw = { value: value.join(''), offsets };
        span = { start: v + 1, end: closed };
        const closeEol = text.indexOf('\n', closed);
        next = closeEol < 0 ? n : closeEol + 1;
      }
      literal = q === "'";
    } else {
      let end = lineEnd;
      for (let k = v; k < lineEnd; k++) {
        if (text[k] === '#' && k > v && (text[k - 1] === ' ' || text[k - 1] === '\t')) {
          end = k;
          break;
        }
      }
      while (end > v && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
      raw = { value: text.slice(v, end), offsets: range(v, end) };
      span = { start: v, end };
    }
    const assignment: EnvAssignment = {
      name: key,
      value: raw.value,
      nameLocation: { file: path, span: { start: i, end: keyEnd } },
      valueLocation: { file: path, span },
    };
    if (doInterpolate && !literal && raw.value.includes('$')) {
      const r = interpolate(raw, path, lookup);
      assignment.value = r.value;
      const offsets = r.origins.map((o) => (o.file === path ? o.offset : o.start));
      setOffsets(assignment, offsets);
    } else {
      setOffsets(assignment, raw.offsets);
    }
    out.push(assignment);
    known.set(key, assignment);
    pos = next;
  }
  return out;
}

/** Sets `valueOffsets` only when they are not the plain run from the value span's start. */
function setOffsets(a: EnvAssignment, offsets: number[]): void {
  const start = a.valueLocation.span.start;
  const plain = offsets.length === a.valueLocation.span.end - start && offsets.every((o, k) => o === start + k);
  if (plain) delete a.valueOffsets;
  else a.valueOffsets = offsets;
}

function range(from: number, to: number): number[] {
  const r: number[] = [];
  for (let k = from; k < to; k++) r.push(k);
  return r;
}

/** Names that are env files by convention, whatever their content. */
function strongName(name: string): boolean {
  if (name === '.env' || (name.endsWith('.env') && name.length > 4)) return true;
  // .env.local, .env.production, ... but not the templates below
  return /^\.env\.[A-Za-z0-9_-]+$/.test(name) && !/^\.env\.(example|sample|template|dist|defaults?)$/.test(name);
}

/** Names that may be env files or templates of them: content decides. */
function weakName(name: string): boolean {
  return /^\.?env(\.(example|sample|template|dist|defaults?))?$/.test(name);
}

/** True when every non-blank, non-comment line is `[export ]KEY=...` (and there is at least one). */
function looksLikeDotenv(text: string): boolean {
  let assignments = 0;
  let inQuote = '';
  for (const line of text.split('\n')) {
    if (inQuote) {
      if (line.includes(inQuote)) inQuote = '';
      continue;
    }
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*(['"]?)(.*)$/.exec(t);
    if (!m) return false;
    const q = m[1]!;
    if (q && !m[2]!.includes(q)) inQuote = q;
    assignments++;
  }
  return assignments > 0;
}

/**
 * The dotenv format: `.env`, `*.env`, `.env.<stage>` (strong); `env`, `env.example`,
 * `.env.example`, `.env.sample`, `.env.template` (weak, and only when every line is an
 * assignment or comment). Extracts `env` only.
 */
export const dotenvFormat: FormatModule = {
  id: 'dotenv',
  detect(path: string, text: string): Detection {
    try {
      const name = basename(path);
      if (strongName(name)) return 'strong';
      if (weakName(name) && looksLikeDotenv(text)) return 'weak';
      return false;
    } catch {
      return false;
    }
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    try {
      result.env = parseDotenv(ctx.path, ctx.text);
    } catch {
      result.failed = true;
    }
    return result;
  },
};
