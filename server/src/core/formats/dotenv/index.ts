/**
 * `.env` files as docker compose reads them.
 *
 * Grammar (docker compose "Use an environment file" / compose-go `dotenv`):
 * - one `KEY=VALUE` per line, optionally preceded by `export `; blank lines and lines whose first
 *   non-blank character is `#` are ignored; lines ending in CRLF are accepted;
 * - an unquoted value runs to the end of the line, loses surrounding blanks, and a ` #` (blank
 *   then `#`) starts an inline comment;
 * - `'single quoted'` values are taken literally and may span lines;
 * - `"double quoted"` values may span lines and understand `\n`, `\r`, `\t`, `\\`, `\"`, `\$`;
 * - unquoted and double-quoted values are interpolated (`${VAR}` etc., the compose grammar in
 *   `../docker/interpolation.ts`) from the variables assigned earlier in the same file, then
 *   from an optional lookup.
 *
 * The module extracts only environment assignments (`ExtractResult.env`), never port facts:
 * the ports come from the files that interpolate these variables (compose).
 */
import type { Detection, EnvAssignment, ExtractContext, ExtractResult, FormatModule, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { basename } from '../../model/paths';
import { interpolate, type EnvLookup, type SourcedText } from '../docker/interpolation';

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

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** The key of an assignment line `[export ]KEY=...` in `text[pos, lineEnd)`, or `undefined`. */
function keyOf(text: string, pos: number, lineEnd: number): { key: string; from: number; to: number; eq: number } | undefined {
  let i = pos;
  while (i < lineEnd && isBlank(text[i])) i++;
  if (i >= lineEnd || text[i] === '#') return undefined;
  if (text.startsWith('export', i) && isBlank(text[i + 6])) {
    i += 6;
    while (i < lineEnd && isBlank(text[i])) i++;
  }
  // Searched within the line only: indexOf over the rest of the file made lines without `=` quadratic.
  let eq = i;
  while (eq < lineEnd && text[eq] !== '=') eq++;
  if (eq >= lineEnd) return undefined;
  let to = eq;
  while (to > i && isBlank(text[to - 1])) to--;
  const key = text.slice(i, to);
  return KEY_RE.test(key) ? { key, from: i, to, eq } : undefined;
}

/** A value as read: its characters, the span of its raw text, and where the next line starts. */
interface RawValue {
  raw: SourcedText;
  span: Span;
  /** Single-quoted: never interpolated. */
  literal: boolean;
  /** Offset after the value's last line (a quoted value may span lines). */
  next: number;
}

/**
 * A quoted value whose opening quote is at `v`. Without a closing quote (compose rejects the
 * file) the rest of the line is the value.
 */
function quotedValue(text: string, v: number, lineEnd: number, next: number, doInterpolate: boolean): RawValue {
  const q = text[v]!;
  const n = text.length;
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
      const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: doInterpolate ? '$$' : '$' };
      const rep = map[text[k + 1]!];
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
  const literal = q === "'";
  if (closed < 0) return { raw: { value: text.slice(v + 1, lineEnd), offsets: range(v + 1, lineEnd) }, span: { start: v + 1, end: lineEnd }, literal, next };
  const closeEol = text.indexOf('\n', closed);
  return { raw: { value: value.join(''), offsets }, span: { start: v + 1, end: closed }, literal, next: closeEol < 0 ? n : closeEol + 1 };
}

/** An unquoted value from `v` to the line end or a ` #` comment, without trailing blanks. */
function unquotedValue(text: string, v: number, lineEnd: number, next: number): RawValue {
  let end = lineEnd;
  for (let k = v; k < lineEnd; k++) {
    if (text[k] === '#' && k > v && isBlank(text[k - 1])) {
      end = k;
      break;
    }
  }
  while (end > v && isBlank(text[end - 1])) end--;
  return { raw: { value: text.slice(v, end), offsets: range(v, end) }, span: { start: v, end }, literal: false, next };
}

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
    const k = keyOf(text, pos, lineEnd);
    pos = eol + 1;
    if (!k) continue;
    const nameLocation = { file: path, span: { start: k.from, end: k.to } };
    let v = k.eq + 1;
    if (options.literal) {
      out.push({ name: k.key, value: text.slice(v, lineEnd), nameLocation, valueLocation: { file: path, span: { start: v, end: lineEnd } } });
      continue;
    }
    while (v < lineEnd && isBlank(text[v])) v++;
    const q = text[v];
    const read = q === "'" || q === '"' ? quotedValue(text, v, lineEnd, pos, doInterpolate) : unquotedValue(text, v, lineEnd, pos);
    const assignment: EnvAssignment = { name: k.key, value: read.raw.value, nameLocation, valueLocation: { file: path, span: read.span } };
    if (doInterpolate && !read.literal && read.raw.value.includes('$')) {
      const r = interpolate(read.raw, path, lookup);
      assignment.value = r.value;
      setOffsets(assignment, r.origins.map((o) => (o.file === path ? o.offset : o.start)));
    } else {
      setOffsets(assignment, read.raw.offsets);
    }
    out.push(assignment);
    known.set(k.key, assignment);
    pos = read.next;
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
    const name = basename(path);
    if (strongName(name)) return 'strong';
    if (weakName(name) && looksLikeDotenv(text)) return 'weak';
    return false;
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    result.env = parseDotenv(ctx.path, ctx.text);
    return result;
  },
};
