/**
 * Compose variable interpolation, as the compose specification defines it (compose-spec
 * `spec.md`, section "Interpolation") and compose-go implements it: the values of a compose file
 * and of the `.env` files docker compose reads.
 *
 * Grammar:
 * - `$VAR` and `${VAR}`: the variable's value (a name is `[A-Za-z_][A-Za-z0-9_]*`);
 * - `${VAR:-default}`: `default` when VAR is unset or empty; `${VAR-default}`: when unset;
 * - `${VAR:?err}`: an error when VAR is unset or empty; `${VAR?err}`: when unset;
 * - `${VAR:+alt}`: `alt` when VAR is set and non-empty; `${VAR+alt}`: when set;
 * - `$$`: a literal `$`. Defaults and alternatives may nest (`${A:-${B}}`, at most 16 deep).
 * A `$` followed by neither a name, `{` nor `$` stays literal.
 *
 * The result keeps, for each character, where it came from, so that a port produced by
 * `${HTTP_PORT}` can be reported on the expression and edited where its digits are written.
 */
import type { EnvAssignment, Location, Span } from '../../model/facts';

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

/**
 * Interpolates compose-style variable references in `input` (grammar in the module comment).
 * `file` names the file `input.offsets` point into. An unset variable without a default yields
 * `unset` (default ""; pass {@link UNSET_MARK} to see where a value is unknown). Problems
 * (`${VAR:?err}` with VAR unset, an unterminated `${`, an invalid name such as `${1}`) are
 * returned in `errors`, with the text kept as written. Never throws.
 */
export function interpolate(input: SourcedText, file: string, lookup: EnvLookup, unset = ''): Interpolation {
  if (!input.value.includes('$')) return literalText(input, file);
  const out: Interpolation = { value: '', origins: [], subs: [], errors: [] };
  new Interpolator(input, file, lookup, unset, out).run(0, input.value.length, -1, 0);
  return out;
}

/**
 * {@link interpolate} of a text without `$` (most values): every character literal, its own
 * origin, without building the value one character at a time.
 */
function literalText(input: SourcedText, file: string): Interpolation {
  const origins: CharOrigin[] = [];
  for (let i = 0; i < input.value.length; i++) {
    // spanOf(input, i, i + 1), without its object.
    const start = input.offsets[i]!;
    origins.push({ start, end: input.offsets[i]! + 1, file, offset: start, sub: -1 });
  }
  return { value: input.value, origins, subs: [], errors: [] };
}

/** The operators between a name and its argument in `${NAME<op>arg}`; '' for a bare reference. */
type Operator = '' | ':-' | '-' | ':+' | '+' | ':?' | '?';

/** A variable reference at `[from, end)` of the input; `name` is '' when it is not a valid one. */
interface Reference {
  from: number;
  end: number;
  name: string;
  op: Operator;
  /** `[argFrom, argTo)`: the default, alternative or message text; empty without an operator. */
  argFrom: number;
  argTo: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const OPERATOR = /^(:-|:\?|:\+|-|\?|\+)/;

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

/**
 * The reference starting with the `$` at `i` (`i + 1 < to`, `s[i + 1]` not `$`): a
 * {@link Reference}, `'unterminated'` for a `${` without its `}` before `to`, or `undefined`
 * when the `$` starts no reference (it is literal).
 */
function scanReference(s: string, i: number, to: number): Reference | 'unterminated' | undefined {
  const next = s[i + 1]!;
  if (next === '{') {
    const close = closingBrace(s, i + 2, to);
    if (close < 0) return 'unterminated';
    let j = i + 2;
    while (j < close && (j === i + 2 ? NAME_START : NAME_CHAR).test(s[j]!)) j++;
    const m = OPERATOR.exec(s.slice(j, close));
    // "${1}" or "${A B}": not a valid reference
    const name = m || j === close ? s.slice(i + 2, j) : '';
    const op = (m?.[1] ?? '') as Operator;
    return { from: i, end: close + 1, name, op, argFrom: m ? j + op.length : -1, argTo: m ? close : -1 };
  }
  if (!NAME_START.test(next)) return undefined;
  let j = i + 1;
  while (j < to && NAME_CHAR.test(s[j]!)) j++;
  return { from: i, end: j, name: s.slice(i + 1, j), op: '', argFrom: -1, argTo: -1 };
}

/** One interpolation run over one input, writing into `out`. */
class Interpolator {
  constructor(
    private readonly input: SourcedText,
    private readonly file: string,
    private readonly lookup: EnvLookup,
    private readonly unset: string,
    private readonly out: Interpolation,
  ) {}

  /**
   * Interpolates `input.value[from, to)`. `outerSub`/`outerSpan`: when nested inside a
   * default, the enclosing expression, which owns every character produced.
   */
  run(from: number, to: number, outerSub: number, depth: number, outerSpan?: Span): void {
    const s = this.input.value;
    let i = from;
    while (i < to) {
      const c = s[i]!;
      if (c === '$' && s[i + 1] === '$' && i + 1 < to) {
        this.literal('$', i, i + 2, outerSub, outerSpan);
        i += 2;
        continue;
      }
      const ref = c === '$' && i + 1 < to ? scanReference(s, i, to) : undefined;
      if (ref === undefined) {
        this.literal(c, i, i + 1, outerSub, outerSpan);
        i++;
        continue;
      }
      if (ref === 'unterminated') {
        this.out.errors.push({ span: spanOf(this.input, i, to), message: `unterminated variable reference "${s.slice(i, to)}"` });
        for (let k = i; k < to; k++) this.literal(s[k]!, k, k + 1, outerSub, outerSpan);
        return;
      }
      this.reference(ref, outerSub, depth, outerSpan);
      i = ref.end;
    }
  }

  private push(ch: string, origin: CharOrigin): void {
    this.out.value += ch;
    this.out.origins.push(origin);
  }

  /** Emits `ch`, written at `[from, to)` of the input; owned by `outerSpan` when nested. */
  private literal(ch: string, from: number, to: number, sub: number, outerSpan?: Span): void {
    const own = spanOf(this.input, from, to);
    const at = outerSpan ?? own;
    this.push(ch, { start: at.start, end: at.end, file: this.file, offset: own.start, sub });
  }

  /** Substitutes one reference (or keeps an invalid one as written, with an error). */
  private reference(ref: Reference, outerSub: number, depth: number, outerSpan?: Span): void {
    const s = this.input.value;
    const exprSpan = spanOf(this.input, ref.from, ref.end);
    const ownerSpan = outerSpan ?? exprSpan;
    if (ref.name === '') {
      this.out.errors.push({ span: exprSpan, message: `invalid variable reference "${s.slice(ref.from, ref.end)}"` });
      for (let k = ref.from; k < ref.end; k++) {
        const own = spanOf(this.input, k, k + 1);
        this.push(s[k]!, { start: ownerSpan.start, end: ownerSpan.end, file: this.file, offset: own.start, sub: outerSub });
      }
      return;
    }
    const found = this.lookup(ref.name);
    const isSet = found !== undefined;
    const nonEmpty = isSet && found.value !== '';
    const record = (source: Substitution['source'], location?: Location): number => {
      if (outerSub >= 0) return outerSub;
      const entry: Substitution = { expression: s.slice(ref.from, ref.end), span: exprSpan, variable: ref.name, source };
      if (location) entry.location = location;
      this.out.subs.push(entry);
      return this.out.subs.length - 1;
    };
    const useValue = (): void => {
      const sub = record('env-file', found!.valueLocation);
      const v = found!.value;
      for (let k = 0; k < v.length; k++) {
        const offset = found!.valueOffsets?.[k] ?? found!.valueLocation.span.start + k;
        this.push(v[k]!, { start: ownerSpan.start, end: ownerSpan.end, file: found!.valueLocation.file, offset, sub });
      }
    };
    const useArg = (): void => {
      const sub = record('expression-default', { file: this.file, span: spanOf(this.input, ref.argFrom, ref.argTo) });
      if (depth < 16) this.run(ref.argFrom, ref.argTo, sub, depth + 1, ownerSpan);
    };
    const useUnset = (): void => {
      const sub = record('unset');
      for (const ch of this.unset) this.push(ch, { start: ownerSpan.start, end: ownerSpan.end, file: this.file, offset: exprSpan.start, sub });
    };
    switch (ref.op) {
      case '':
        return isSet ? useValue() : useUnset();
      case ':-':
        return nonEmpty ? useValue() : useArg();
      case '-':
        return isSet ? useValue() : useArg();
      case ':+':
        if (nonEmpty) useArg();
        else record(isSet ? 'env-file' : 'unset');
        return;
      case '+':
        if (isSet) useArg();
        else record('unset');
        return;
      case ':?':
      case '?':
        if (ref.op === ':?' ? nonEmpty : isSet) return useValue();
        this.out.errors.push({ span: exprSpan, message: `required variable ${ref.name} is not set${ref.argTo > ref.argFrom ? `: ${s.slice(ref.argFrom, ref.argTo)}` : ''}` });
        return useUnset();
    }
  }
}
