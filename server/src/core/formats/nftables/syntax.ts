/**
 * The nftables ruleset language (nft(8), "RULESET" and "STATEMENTS"), as far as port rules
 * need it: words, `{ }` blocks, anonymous sets, `;`/newline statement ends, `#` comments,
 * double-quoted strings and backslash line continuation, each token with its source span.
 * `table`, `chain`, `set`, `map`, `flowtable` and named objects open blocks; any other `{` is an
 * anonymous set inside the statement. Pure and total, linear time, never throws.
 */
import type { FileFinding, Span } from '../../model/facts';
import type { OffsetAt } from '../firewall';

/** One token: a word, a quoted string (without quotes), or one of `{ } , :`. */
export interface NftToken {
  text: string;
  span: Span;
}

/**
 * An open block: its header words (`["chain", "input"]`) and the nearest enclosing `table` and
 * `chain` headers (itself included), shared by every statement inside, so that each statement
 * costs O(1) whatever the nesting depth.
 */
export interface NftBlock {
  header: string[];
  table?: string[];
  chain?: string[];
  parent?: NftBlock;
}

/** A statement: its tokens and the innermost block it sits in (absent at top level). */
export interface NftStatement {
  tokens: NftToken[];
  block?: NftBlock;
}

/** The keyword of a block header: `chain` for `chain x` and for `add chain inet f x`. */
export function headerKeyword(header: readonly string[]): string | undefined {
  return header[0] === 'add' || header[0] === 'create' ? header[1] : header[0];
}

/** Result of {@link parseNft}. */
export interface NftSyntax {
  value: NftStatement[];
  errors: FileFinding[];
}

const BLOCK_KEYWORDS = new Set(['table', 'chain', 'set', 'map', 'flowtable']);
/** Stateful objects a table may define as blocks (`counter web { ... }`, `ct helper ftp { ... }`). */
const OBJECT_KEYWORDS = new Set(['counter', 'quota', 'limit', 'ct', 'secmark', 'synproxy']);

/** Tokens of `s` (offsets through `at`), with `\n` statement ends kept as tokens whose text is "\n". */
export function tokenize(s: string, at: OffsetAt): NftToken[] {
  const out: NftToken[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) { i += s[i + 1] === '\n' ? 2 : 3; continue; }
    if (c === '#') { while (i < s.length && s[i] !== '\n') i++; continue; }
    if (c === '\n' || c === ';') { out.push({ text: '\n', span: { start: at(i), end: at(i) + 1 } }); i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '{' || c === '}' || c === ',') { out.push({ text: c, span: { start: at(i), end: at(i) + 1 } }); i++; continue; }
    if (c === '"') {
      const end = s.indexOf('"', i + 1);
      const stop = end < 0 ? s.length : end;
      out.push({ text: s.slice(i + 1, stop), span: { start: at(i + 1), end: stop > i + 1 ? at(stop - 1) + 1 : at(i + 1) } });
      i = stop + 1;
      continue;
    }
    const from = i;
    while (i < s.length && !/[\s{},;#"]/.test(s[i]!)) i++;
    out.push({ text: s.slice(from, i), span: { start: at(from), end: at(i - 1) + 1 } });
  }
  return out;
}

/**
 * True when the statement read so far opens a block with its next `{`: a `table`, `chain`,
 * `set`, `map` or `flowtable` (also as `add chain ...`), or a stateful object directly in a table.
 */
function opensBlock(stmt: NftToken[], block: NftBlock | undefined): boolean {
  if (stmt.some((t) => t.text === '{')) return false;
  const k = stmt[0]?.text === 'add' || stmt[0]?.text === 'create' ? 1 : 0;
  const word = stmt[k]?.text;
  if (word === undefined) return false;
  if (BLOCK_KEYWORDS.has(word)) return true;
  return OBJECT_KEYWORDS.has(word) && block !== undefined && headerKeyword(block.header) === 'table';
}

/**
 * Parses a ruleset text into its statements. An unbalanced `}` or an unclosed block gives a
 * `parse-error` (nft refuses such a file). Statements inside anonymous sets keep their braces
 * and commas as tokens.
 */
export function parseNft(text: string, at: OffsetAt = (i) => i): NftSyntax {
  const tokens = tokenize(text, at);
  const value: NftStatement[] = [];
  const errors: FileFinding[] = [];
  let block: NftBlock | undefined;
  const openers: NftToken[] = [];
  let stmt: NftToken[] = [];
  let setDepth = 0;
  const flush = () => {
    if (stmt.length > 0) value.push(block ? { tokens: stmt, block } : { tokens: stmt });
    stmt = [];
  };
  for (const t of tokens) {
    if (t.text === '\n' && setDepth === 0) { flush(); continue; }
    if (t.text === '\n') continue;
    if (t.text === '{' && setDepth === 0 && opensBlock(stmt, block)) {
      const header = stmt.map((x) => x.text);
      const kw = headerKeyword(header);
      const next: NftBlock = { header };
      if (block) next.parent = block;
      const table = kw === 'table' ? header : block?.table;
      const chain = kw === 'chain' ? header : block?.chain;
      if (table) next.table = table;
      if (chain) next.chain = chain;
      block = next;
      openers.push(t);
      stmt = [];
      continue;
    }
    if (t.text === '{') { setDepth++; stmt.push(t); continue; }
    if (t.text === '}' && setDepth > 0) { setDepth--; stmt.push(t); continue; }
    if (t.text === '}') {
      flush();
      if (!block) { errors.push({ rule: 'parse-error', span: t.span, message: 'nftables: "}" closes no block (nft(8))' }); continue; }
      block = block.parent;
      openers.pop();
      continue;
    }
    stmt.push(t);
  }
  flush();
  if (openers.length > 0) errors.push({ rule: 'parse-error', span: openers[openers.length - 1]!.span, message: 'nftables: this block is never closed with "}" (nft(8))' });
  return { value, errors };
}
