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

/** Result of {@link listToml}: entries and tables, or the parse error with its offset. */
export type TomlListing =
  | { ok: true; entries: TomlEntry[]; tables: TomlTable[] }
  | { ok: false; message: string; offset: number };

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
 * Parses TOML 1.0 text and lists every key/value pair with its full path and exact spans.
 * Never throws: a syntax error is returned with toml-eslint-parser's message and offset.
 */
export function listToml(text: string): TomlListing {
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
