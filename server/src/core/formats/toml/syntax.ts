/**
 * TOML key/value listing with exact offsets, on top of toml-eslint-parser (a TOML 1.0 parser
 * that keeps source ranges; smol-toml, the design card's TOML package, keeps none).
 */
import { parseTOML } from 'toml-eslint-parser';
import type { Span } from '../../model/facts';

/** A scalar or other value at a dotted key path. */
export interface TomlEntry {
  /** Full key path, tables included: ["api", "http", "listen_address"]. Array-of-table indices are numbers. */
  path: (string | number)[];
  /** Span of the key text as written on its line (e.g. `http.listen_address`). */
  keySpan: Span;
  /** Span of the last key segment (what a rename of the key changes). */
  lastKeySpan: Span;
  /** The value: string, number (integers as number), boolean, or `undefined` for arrays/tables/dates. */
  value: string | number | boolean | undefined;
  /** Span of the value as written (quotes included for strings). */
  valueSpan: Span;
  /** Span of the string's content (inside the quotes) when it is a string written without escapes. */
  contentSpan?: Span;
}

/** A `[table]` header. */
export interface TomlTable {
  path: (string | number)[];
  span: Span;
}

/** Result of {@link listToml}: entries and tables, or the parse error with its offset (`tooDeep` when refused by {@link tomlTooDeep}). */
export type TomlListing =
  | { ok: true; entries: TomlEntry[]; tables: TomlTable[] }
  | { ok: false; message: string; offset: number; tooDeep?: true };

interface AstNode {
  type: string;
  range: [number, number];
}
interface KeyPart extends AstNode {
  name?: string;
  value?: string;
}
interface KeyValueNode extends AstNode {
  key: { keys: KeyPart[] } & AstNode;
  value: AstNode & { value?: unknown; kind?: string; style?: string; elements?: unknown[]; body?: unknown[] };
}
interface TableNode extends AstNode {
  resolvedKey: (string | number)[];
  key: AstNode;
  body: KeyValueNode[];
}

function keyName(k: KeyPart): string {
  return k.name ?? String(k.value ?? '');
}

/**
 * Deepest TOML nesting Portolan reads: open inline arrays and tables (`[`, `{`) plus the parts of
 * one dotted key or table header (`[a.b.c]` is three levels). toml-eslint-parser recurses per
 * inline level and overflows the stack near 10,000, and a header of 500,000 parts costs it seconds
 * of allocation; configuration files nest a few levels.
 */
export const MAX_TOML_DEPTH = 200;

/** Index after a TOML string starting at `i` (`"`, `'`, `"""` or `'''`), or `text.length` when unterminated. */
function tomlStringEnd(text: string, i: number): number {
  const q = text[i]!;
  const triple = text.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let k = i + close.length;
  while (k < text.length) {
    const c = text[k]!;
    if (c === '\\' && q === '"') k += 2;
    else if (text.startsWith(close, k)) return k + close.length;
    else if (c === '\n' && !triple) return k;
    else k++;
  }
  return text.length;
}

/**
 * Where a TOML text nests deeper than `max` ({@link MAX_TOML_DEPTH}), in one pass outside strings
 * and comments: the open inline `[`/`{` brackets plus the dots of the key being read (a table
 * header's, a key's before its `=`, a key's inside an inline table). `at` is the offset of the
 * bracket or dot past the bound; `undefined` when the text is within `max`.
 */
export function tomlTooDeep(text: string, max = MAX_TOML_DEPTH): { at: number; depth: number } | undefined {
  const open: string[] = [];
  let key = true;
  let dots = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      if (open.length === 0) [key, dots] = [true, 0];
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    const header = lineStart && open.length === 0 && c === '[';
    lineStart = false;
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = (nl < 0 ? text.length : nl) - 1;
    } else if (c === '"' || c === "'") {
      i = tomlStringEnd(text, i) - 1;
    } else if (header) {
      // `[a.b]` or `[[a.b]]`: a key to its end; the bracket itself is one level.
      [key, dots] = [true, 1];
      if (text[i + 1] === '[') i++;
    } else if (c === '=') {
      key = false;
    } else if (c === '.' && key) {
      if (open.length + ++dots > max) return { at: i, depth: open.length + dots };
    } else if (c === '[' || c === '{') {
      open.push(c);
      [key, dots] = [c === '{', 0];
      if (open.length > max) return { at: i, depth: open.length };
    } else if ((c === ']' || c === '}') && open.length > 0) {
      open.pop();
      key = false;
    } else if (c === ',' && open[open.length - 1] === '{') {
      [key, dots] = [true, 0];
    }
  }
  return undefined;
}

/**
 * Parses TOML 1.0 text and lists every key/value pair with its full path and exact spans.
 * Never throws: a syntax error is returned with toml-eslint-parser's message and offset, and a
 * text nested deeper than {@link MAX_TOML_DEPTH} ({@link tomlTooDeep}) is refused before
 * parsing with a "nested too deeply" message at the first level past the bound.
 */
export function listToml(text: string): TomlListing {
  const deep = tomlTooDeep(text);
  if (deep) return { ok: false, message: `TOML nested too deeply for Portolan to read (more than ${MAX_TOML_DEPTH} levels)`, offset: deep.at, tooDeep: true };
  let ast: { body: { body: (TableNode | KeyValueNode)[] }[] };
  try {
    ast = parseTOML(text) as unknown as typeof ast;
  } catch (e) {
    const err = e as { message?: string; index?: number };
    return { ok: false, message: String(err.message ?? e), offset: typeof err.index === 'number' ? err.index : 0 };
  }
  const entries: TomlEntry[] = [];
  const tables: TomlTable[] = [];
  const top = ast.body[0];
  if (!top) return { ok: true, entries, tables };
  const visitPairs = (prefix: (string | number)[], pairs: KeyValueNode[]): void => {
    for (const kv of pairs) {
      if (kv.type !== 'TOMLKeyValue') continue;
      const keys = kv.key.keys;
      const path = [...prefix, ...keys.map(keyName)];
      const last = keys[keys.length - 1]!;
      const v = kv.value;
      let value: TomlEntry['value'];
      let contentSpan: Span | undefined;
      if (v.type === 'TOMLValue') {
        if (typeof v.value === 'string') {
          value = v.value;
          const raw = text.slice(v.range[0], v.range[1]);
          const quote = raw.startsWith('"""') || raw.startsWith("'''") ? 3 : 1;
          if (raw.slice(quote, raw.length - quote) === v.value) {
            contentSpan = { start: v.range[0] + quote, end: v.range[1] - quote };
          }
        } else if (typeof v.value === 'number' || typeof v.value === 'boolean') {
          value = v.value;
        } else if (typeof v.value === 'bigint') {
          value = Number(v.value);
        }
      } else if (v.type === 'TOMLInlineTable' && Array.isArray(v.body)) {
        visitPairs(path, v.body as KeyValueNode[]);
      }
      const entry: TomlEntry = {
        path,
        keySpan: { start: kv.key.range[0], end: kv.key.range[1] },
        lastKeySpan: { start: last.range[0], end: last.range[1] },
        value,
        valueSpan: { start: v.range[0], end: v.range[1] },
      };
      if (contentSpan) entry.contentSpan = contentSpan;
      entries.push(entry);
    }
  };
  for (const node of top.body) {
    if (node.type === 'TOMLTable') {
      const t = node as TableNode;
      // The header ends at the `]` (or `]]` for an array of tables) after the key, spaces allowed: `[ a ]`.
      const close = text.indexOf(']', t.key.range[1]);
      const end = close < 0 ? t.key.range[1] : close + (text.startsWith('[[', t.range[0]) ? 2 : 1);
      tables.push({ path: t.resolvedKey, span: { start: t.range[0], end } });
      visitPairs(t.resolvedKey, t.body);
    } else {
      visitPairs([], [node as KeyValueNode]);
    }
  }
  return { ok: true, entries, tables };
}

/** Dotted form of a key path ("api.http.listen_address"); array indices become "[n]". */
export function dotted(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}
