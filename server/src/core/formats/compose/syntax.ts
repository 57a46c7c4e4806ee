/**
 * The YAML syntax of a compose file, read with the `yaml` library (YAML 1.2, node ranges in
 * UTF-16 offsets), and the few node helpers extraction needs: aliases, merge keys, spans and
 * scalar values with the source offset of each character.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { FileFinding, Span } from '../../model/facts';
import type { SourcedText } from '../docker/interpolation';
import { maskTemplateTags } from '../../model/templates';

/**
 * Parses a compose file's YAML. A file that fails to parse and holds template engine tags is
 * parsed again with them masked (`maskTemplateTags`: first branches, printed values as `$___`);
 * offsets are unchanged. `value` is the document when it has no errors; otherwise
 * `errors` holds one `parse-error` per YAML error (duplicate keys included, as compose rejects
 * them), spanning the word where yaml found it, with a one-line message. Aliases are bounded:
 * more than 100 resolutions of one anchor is an error. Never throws: yaml reports even a
 * too-deep nesting ("call stack") as a document error.
 */
export function parseComposeYaml(text: string): { value?: Document; errors: FileFinding[] } {
  const options = { prettyErrors: false, maxAliasCount: 100 } as Parameters<typeof parseDocument>[1];
  const doc = parseDocument(text, options);
  if (doc.errors.length === 0) return { value: doc, errors: [] };
  // A Jinja/gomplate template of a compose file (`{% if %}` lines, `{{ var }}` values) is read as
  // its first branches would render it; values a tag prints become unknown `$___` interpolations.
  const masked = maskTemplateTags(text, (length) => '$' + '_'.repeat(length - 1));
  if (masked.masked) {
    const rendered = parseDocument(masked.text, options);
    if (rendered.errors.length === 0) return { value: rendered, errors: [] };
  }
  const errors: FileFinding[] = [];
  for (const err of doc.errors) {
    const [start, end] = err.pos;
    let stop = Math.max(start, Math.min(end, text.length));
    // yaml often points at one character: widen to the word it starts (a key, a token).
    if (stop - start <= 1) {
      const m = /^[^\s:,[\]{}#]+/.exec(text.slice(start, start + 200));
      if (m) stop = start + m[0].length;
    }
    const message = /call stack/i.test(err.message) ? `YAML nested too deeply for Portolan to read (${err.message})` : err.message;
    errors.push({ rule: 'parse-error', span: { start, end: stop }, message });
  }
  return { errors };
}

/**
 * Follows aliases (8 hops at most); `undefined` for an alias that resolves to nothing or
 * further. yaml's `Alias.resolve` throws only when given a resolution context, which is not
 * passed here.
 */
export function deref(doc: Document, node: unknown): unknown {
  let n = node;
  for (let hops = 0; hops < 8 && isAlias(n); hops++) n = n.resolve(doc);
  return isAlias(n) ? undefined : n;
}

/** String form of a scalar key. */
export function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  return isScalar(k) && k.value !== null && k.value !== undefined ? String(k.value) : undefined;
}

/**
 * Entries of a mapping with YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) applied: own keys
 * win, then earlier merge sources over later ones. Merges nest 4 deep at most.
 */
export function entries(doc: Document, map: YAMLMap, depth = 0): Map<string, Pair> {
  const own = new Map<string, Pair>();
  const merged: Map<string, Pair>[] = [];
  for (const item of map.items) {
    const pair = item as Pair;
    const name = keyName(pair);
    if (name === undefined) continue;
    if (name === '<<' && depth < 4) {
      const v = deref(doc, pair.value);
      const sources = isSeq(v) ? v.items.map((x) => deref(doc, x)) : [v];
      for (const s of sources) if (isMap(s)) merged.push(entries(doc, s, depth + 1));
      continue;
    }
    own.set(name, pair);
  }
  for (const m of merged) for (const [k, p] of m) if (!own.has(k)) own.set(k, p);
  return own;
}

/** Source span of a node (without trailing comments); empty at 0 for a node without a range. */
export function nodeSpan(node: Node): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function run(from: number, to: number): number[] {
  const r: number[] = [];
  for (let k = from; k < to; k++) r.push(k);
  return r;
}

/** Escapes of double-quoted YAML scalars that map one source escape to one character. */
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' };

/**
 * The characters of a single-line quoted scalar `raw` (starting at offset `s`) with their
 * offsets; stops at a line break or an escape not in {@link SIMPLE_ESCAPES}.
 */
function quotedChars(raw: string, s: number): { chars: string[]; offsets: number[] } {
  const q = raw[0];
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i]!;
    if (c === '\n' || c === '\r') break;
    if (q === "'" && c === "'" && raw[i + 1] === "'") {
      chars.push("'");
      offsets.push(s + i);
      i++;
      continue;
    }
    if (q === '"' && c === '\\') {
      const e2 = raw[i + 1];
      if (e2 === undefined || SIMPLE_ESCAPES[e2] === undefined) break;
      chars.push(SIMPLE_ESCAPES[e2]!);
      offsets.push(s + i);
      i++;
      continue;
    }
    chars.push(c);
    offsets.push(s + i);
  }
  return { chars, offsets };
}

/**
 * The value of a scalar with the source offset of each character. Plain and quoted single-line
 * scalars map exactly; numbers, booleans and nulls keep their source text ("80", "true", "").
 * Values yaml folds or unescapes in ways not mapped here get offsets clamped to the node.
 */
export function scalarText(text: string, node: Scalar): SourcedText {
  const [s, e] = node.range ?? [0, 0];
  const raw = text.slice(s, e);
  const value = node.value;
  if (typeof value !== 'string') return { value: raw, offsets: run(s, e) };
  if (node.type === 'PLAIN' && raw === value) return { value, offsets: run(s, e) };
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
  if (quoted && raw.length >= 2) {
    const { chars, offsets } = quotedChars(raw, s);
    if (chars.join('') === value) return { value, offsets };
  }
  const lo = quoted ? s + 1 : s;
  const hi = Math.max(lo, (quoted ? e - 1 : e) - 1);
  return { value, offsets: Array.from(value, (_, i) => Math.min(lo + i, hi)) };
}

/**
 * The compose merge tag of a node (compose-spec 13-merge.md, "Reset value" and "Replace
 * value"): `reset` for `!reset` (the value earlier files gave is removed), `override` for
 * `!override` (it is replaced by this one), `undefined` for any other node. yaml keeps such
 * unknown tags on the node and reports them only as warnings.
 */
export function mergeTag(node: unknown): 'reset' | 'override' | undefined {
  if (!isNode(node)) return undefined;
  return node.tag === '!reset' ? 'reset' : node.tag === '!override' ? 'override' : undefined;
}
