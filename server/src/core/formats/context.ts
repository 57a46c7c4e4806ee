/**
 * Helpers format modules share over an {@link ExtractContext}: exact spans inside shell words,
 * reads of sibling files that record the dependency, the shared file listing, and syntax errors
 * as `parse-error` findings.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { FileListing } from '../model/listing';
import type { ExtractContext, FileFinding, ShellWord, Span } from '../model/facts';
import { dirname, resolvePath } from '../model/paths';

/**
 * Source span of `word.value.slice(from, to)`. Exact even inside quotes, because each
 * character of the value carries its own source offset.
 */
export function wordSpan(word: ShellWord, from = 0, to = word.value.length): Span {
  if (word.value.length === 0 || from >= to) {
    const at = from < word.offsets.length ? word.offsets[from]! : word.span.end;
    return { start: at, end: at };
  }
  return { start: word.offsets[from]!, end: word.offsets[to - 1]! + 1 };
}

/** Reads a sibling or included file through the context; `undefined` when absent. */
export function readRelative(ctx: ExtractContext, rel: string): { path: string; text: string } | undefined {
  const path = resolvePath(dirname(ctx.path), rel);
  const text = ctx.read(path);
  return text === undefined ? undefined : { path, text };
}

/** Context whose reads are appended to `deps` (for helpers that cannot return dependencies). */
export function recordingContext(ctx: ExtractContext, deps: string[]): ExtractContext {
  return {
    path: ctx.path,
    text: ctx.text,
    files: () => ctx.files(),
    ...(ctx.listing ? { listing: () => ctx.listing!() } : {}),
    read(path: string): string | undefined {
      const t = ctx.read(path);
      if (t !== undefined && !deps.includes(path)) deps.push(path);
      return t;
    },
  };
}


/** Another file parsed by `parse`: the index's shared parse when the context offers one ({@link ExtractContext.parsed}), else a parse of `ctx.read`'s text; `undefined` when absent. */
export function readParsed<T>(ctx: ExtractContext, path: string, kind: string, parse: (text: string) => T): T | undefined {
  if (ctx.parsed) return ctx.parsed(path, kind, parse);
  const text = ctx.read(path);
  return text === undefined ? undefined : parse(text);
}

/** The context's file listing: the index's shared one when it offers it, else one built from `ctx.files()`. */
export function listingOf(ctx: ExtractContext): FileListing {
  return ctx.listing?.() ?? new FileListing(ctx.files());
}

/** Syntax errors reported per file; the rest only make the file `failed`. */
const MAX_SYNTAX_FINDINGS = 5;

/**
 * The first five of a grammar's `errors` as `parse-error` findings on their spans, each message
 * prefixed with `what` ("HAProxy syntax error: …"). Empty for no errors.
 */
export function syntaxFindings(errors: readonly { span: Span; message: string }[], what: string): FileFinding[] {
  return errors.slice(0, MAX_SYNTAX_FINDINGS).map((e) => ({ rule: 'parse-error', span: e.span, message: `${what}: ${e.message}` }));
}

/**
 * Deepest JSON nesting Portolan reads (open `[` and `{`). jsonc-parser's `parseTree` recurses per
 * level and overflows the stack between 5,000 and 10,000 levels; configuration files nest a few.
 */
export const MAX_JSON_DEPTH = 200;

/**
 * Where a JSON (or JSONC) text nests deeper than `max` ({@link MAX_JSON_DEPTH}), in one pass
 * outside strings and `//`, `/* *\/` comments: `at` is the offset of the first bracket past the
 * bound. `undefined` when the text is within `max`. Never throws; linear in the text.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): { at: number; depth: number } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return { at: i, depth };
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/**
 * jsonc-parser's tree of `text` (trailing commas allowed, comments tolerated) and its syntax
 * errors as findings ({@link jsonSyntaxFindings}); a text nested deeper than
 * {@link MAX_JSON_DEPTH} is not parsed and gives one "nested too deeply" finding at the first
 * bracket past the bound. `root` is `undefined` for an empty text or any finding.
 */
export function parseJson(text: string): { root?: JsonNode; findings: FileFinding[] } {
  const deep = jsonTooDeep(text);
  if (deep) return { findings: [{ rule: 'parse-error', span: { start: deep.at, end: deep.at + 1 }, message: `JSON nested too deeply for Portolan to read (more than ${MAX_JSON_DEPTH} levels)` }] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors.length > 0 ? { findings: jsonSyntaxFindings(text, errors) } : { ...(root ? { root } : {}), findings: [] };
}

/**
 * The first five of jsonc-parser's `errors` for `text` as `parse-error` findings ("JSON syntax
 * error: <code>"), each span at least one code unit and inside the text.
 */
export function jsonSyntaxFindings(text: string, errors: readonly ParseError[]): FileFinding[] {
  return syntaxFindings(errors.slice(0, MAX_SYNTAX_FINDINGS).map((e) => {
    const start = Math.min(e.offset, text.length);
    return { span: { start, end: Math.min(text.length, start + Math.max(e.length, 1)) }, message: printParseErrorCode(e.error) };
  }), 'JSON syntax error');
}
