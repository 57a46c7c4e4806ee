/**
 * The YAML syntax of a compose file, read with the `yaml` library (YAML 1.2, node ranges in
 * UTF-16 offsets), and the few node helpers extraction needs: aliases, merge keys, spans and
 * scalar values with the source offset of each character.
 */
import { Composer, isAlias, isMap, isNode, isScalar, isSeq, Parser, YAMLParseError, type CST, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { FileFinding, Span } from '../../model/facts';
import type { SourcedText } from '../docker/interpolation';
import { maskTemplateTags } from '../../model/templates';

/** YAML errors reported per file; the rest are counted in one summarising error. */
export const MAX_YAML_ERRORS = 100;

/**
 * Deepest YAML nesting Portolan reads (block indentation levels, compact `- `/`? ` entries and
 * flow `[`/`{` together). yaml recurses per level and overflows near 1,000, and V8 may then abort
 * the whole process (a regular expression compiled on an exhausted stack); compose files nest
 * about 6 deep.
 */
export const MAX_YAML_DEPTH = 200;

/** A bracket or quote at the start of a token: after the line's start, a blank or a flow/indicator character. */
function tokenStart(text: string, i: number): boolean {
  return i === 0 || ' \t\n[{,:-?'.includes(text[i - 1]!);
}

/**
 * Where a YAML text nests deeper than `max`, estimated in one pass: a stack of the indentations
 * of block lines, plus the compact `- `/`? `/`: ` indicators at a line's start, plus the open flow
 * brackets outside quotes, comments and block scalars: meant to over-estimate (a bracket inside
 * a plain scalar counts), so that a file it passes cannot overflow yaml's recursion. `undefined` when the text is within `max`.
 */
export function yamlTooDeep(text: string, max = MAX_YAML_DEPTH): { at: number; depth: number } | undefined {
  return scanYaml(text, max);
}

/**
 * {@link yamlTooDeep}'s pass; when `runs` is given it also collects the runs of empty lines
 * (`[start, end)`, from the first empty line to the next line's start or the end of the text)
 * that lie outside any quoted or block scalar and flow collection and end at a line starting in
 * column 0 or at the end of the text: no scalar can span them (a plain scalar's continuation
 * line is indented), so they separate nodes and nothing else.
 */
function scanYaml(text: string, max: number, runs?: [number, number][]): { at: number; depth: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote = '';
  let scalarParent = -1;
  let run = -1;
  for (let lineStart = 0; lineStart <= text.length;) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0) nl = text.length;
    let i = lineStart;
    while (i < nl && text[i] === ' ') i++;
    const indent = i - lineStart;
    const blank = i === nl || text[i] === '\r' || text[i] === '#';
    let block = indents.length;
    if (scalarParent >= 0 && (blank || indent > scalarParent)) {
      lineStart = nl + 1;
      continue;
    }
    scalarParent = -1;
    if (runs && (nl === lineStart || (nl === lineStart + 1 && text[lineStart] === '\r'))) {
      if (run < 0 && quote === '' && flow === 0) run = lineStart;
      lineStart = nl + 1;
      continue;
    }
    if (run >= 0 && indent === 0 && text[lineStart] !== '\t') runs!.push([run, lineStart]);
    run = -1;
    if (!blank && quote === '' && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      block = indents.length;
      while ('-?:'.includes(text[i]!) && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        block++;
        i += 2;
        while (text[i] === ' ' || text[i] === '\t') i++;
      }
      if (/(?:^|[ \t:-])[|>][-+1-9]{0,2}[ \t]*(?:#.*)?\r?$/.test(text.slice(i, nl))) scalarParent = indent;
    }
    for (; i < nl; i++) {
      const c = text[i]!;
      if (quote !== '') {
        if (c === '\\' && quote === '"') i++;
        else if (c === "'" && quote === "'" && text[i + 1] === "'") i++;
        else if (c === quote) quote = '';
      } else if (c === '#' && (i === lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      else if ((c === '"' || c === "'") && tokenStart(text, i)) quote = c;
      else if (c === '[' || c === '{') {
        flow++;
        if (block + flow > max) return { at: i, depth: block + flow };
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (block > max) return { at: lineStart + indent, depth: block };
    lineStart = nl + 1;
  }
  if (run >= 0) runs!.push([run, text.length]);
  return undefined;
}

/**
 * `text` with each of `runs` ({@link scanYaml}'s separating empty lines) turned into one line of
 * spaces (every line break of the run but the last becomes a space): the same length, offsets
 * and document, but one line for yaml to lex instead of thousands (yaml spends about a
 * microsecond on each line: 1.3 s for 1 MB of empty lines).
 */
function quietBlankRuns(text: string, runs: readonly [number, number][]): string {
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of runs) {
    const last = text.lastIndexOf('\n', end - 1);
    if (last <= start) continue;
    parts.push(text.slice(at, start), ' '.repeat(last - start));
    at = last;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * yaml's parse of one document, with at most {@link MAX_YAML_ERRORS} errors built; `more` counts
 * the others. Once the parser's own error tokens pass the bound the text is read no further
 * (`stopped`): the document has failed, and 1 MB of stray `}` would otherwise cost yaml a token each.
 */
function parseBounded(text: string): { doc: Document; more: number; stopped: boolean } {
  const options = { prettyErrors: false, maxAliasCount: 100 };
  const parser = new Parser();
  const composer = new Composer(options as ConstructorParameters<typeof Composer>[0]);
  let errors = 0;
  // yaml builds an Error (with its stack) per syntax error, 60 s for 1 MB of "}": past the cap
  // only count them. `onError` is the composer's own sink (yaml 2.x); warnings are not read.
  const sink = composer as unknown as { onError: (source: unknown, code: string, message: string, warning?: boolean) => void };
  const report = sink.onError;
  sink.onError = (source, code, message, warning) => {
    if (warning) return;
    if (++errors <= MAX_YAML_ERRORS) report(source, code, message, warning);
  };
  let stopped = false;
  function* tokens(): Generator<CST.Token> {
    for (const token of parser.parse(text)) {
      if (token.type === 'error' && ++errors > MAX_YAML_ERRORS) {
        stopped = true;
        return;
      }
      yield token;
    }
  }
  let doc: Document | undefined;
  for (const d of composer.compose(tokens(), true, text.length)) {
    if (!doc) doc = d as Document;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  return { doc: doc!, more: Math.max(0, errors - MAX_YAML_ERRORS), stopped };
}

/**
 * Parses a compose file's YAML. A file that fails to parse and holds template engine tags is
 * parsed again with them masked (`maskTemplateTags`: first branches, printed values as `$___`);
 * offsets are unchanged. `value` is the document when it has no errors; otherwise
 * `errors` holds one `parse-error` per YAML error (duplicate keys included, as compose rejects
 * them), spanning the word where yaml found it, with a one-line message: the first
 * {@link MAX_YAML_ERRORS}, then one "… and K more YAML errors" at the end of the text (or "… and
 * more YAML errors" when the parser's errors passed the bound and the rest was not read). A text
 * nested deeper than {@link MAX_YAML_DEPTH} gives one "nested too deeply" error and is not
 * parsed. Aliases are bounded: more than 100 resolutions of one anchor is an error. Never
 * throws: yaml reports even a too-deep nesting ("call stack") as a document error.
 */
export function parseComposeYaml(text: string): { value?: Document; errors: FileFinding[] } {
  const runs: [number, number][] = [];
  const deep = scanYaml(text, MAX_YAML_DEPTH, runs);
  if (deep) return { errors: [{ rule: 'parse-error', span: { start: deep.at, end: Math.min(text.length, deep.at + 1) }, message: `YAML nested too deeply for Portolan to read (more than ${MAX_YAML_DEPTH} levels)` }] };
  // Long runs only: a few empty lines cost yaml nothing, and the text is then parsed as written.
  const long = runs.filter(([start, end]) => end - start > 64);
  const { doc, more, stopped } = parseBounded(long.length > 0 ? quietBlankRuns(text, long) : text);
  if (doc.errors.length === 0) return { value: doc, errors: [] };
  // A Jinja/gomplate template of a compose file (`{% if %}` lines, `{{ var }}` values) is read as
  // its first branches would render it; values a tag prints become unknown `$___` interpolations.
  const masked = maskTemplateTags(text, (length) => '$' + '_'.repeat(length - 1));
  if (masked.masked) {
    const rendered = parseBounded(masked.text).doc;
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
  if (stopped) errors.push({ rule: 'parse-error', span: { start: text.length, end: text.length }, message: `… and more YAML errors (Portolan reads a file no further than its first ${MAX_YAML_ERRORS})` });
  else if (more > 0) errors.push({ rule: 'parse-error', span: { start: text.length, end: text.length }, message: `… and ${more} more YAML errors (Portolan reports the first ${MAX_YAML_ERRORS})` });
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
