/**
 * nftables port rules as `firewall` facts (nft(8)): in chains of type `filter` on the `input`
 * hook (and the chains they `jump`/`goto`), each `tcp dport`/`udp dport`/`sctp dport`/`th dport`
 * match of a rule whose verdict is `accept` (allow), `drop` (deny) or `reject` gives one fact per
 * port or range, written inline, in an anonymous set `{ 80, 443 }`, in a `define` (`$web`) or in
 * a named set's `elements` (`@web`). Command-form rules (`add rule inet filter input tcp dport 22
 * accept`, as `nft` commands in scripts write them) count when their chain is an input chain of
 * the same text, or is named `input`. Rules on other hooks (forward, output), on loopback only
 * (`iif lo`, `iifname "lo"`) and negated matches (`dport != 22`) give nothing. Pure and total.
 */
import type { ExtractedFact, FileFinding, FirewallAction, Protocol } from '../../model/facts';
import { portToken, ruleFact, type RuleOf } from '../firewall';
import { headerKeyword, parseNft, type NftBlock, type NftStatement, type NftToken } from './syntax';

const VERDICTS: Readonly<Record<string, FirewallAction>> = { accept: 'allow', drop: 'deny', reject: 'reject' };
const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
/** Service names nft resolves through /etc/services (Debian netbase), the ones rules use. */
const SERVICES: Readonly<Record<string, number>> = { ssh: 22, smtp: 25, domain: 53, http: 80, https: 443, submission: 587, imaps: 993 };

/** Table and chain of a rule: `"inet filter"`, `"input"`. */
interface ChainRef { table: string; chain: string }

/** Where a chain-block statement sits, or `undefined` outside a chain. */
function chainOf(block: NftBlock | undefined): ChainRef | undefined {
  const t = block?.table;
  const c = block?.chain;
  if (!c) return undefined;
  const cw = c[0] === 'chain' ? c.slice(1) : c.slice(2);
  if (!t) return cw.length >= 3 ? { table: tableKey(cw.slice(0, -1)), chain: cw[cw.length - 1]! } : undefined;
  const tw = t[0] === 'table' ? t.slice(1) : t.slice(2);
  return { table: tableKey(tw), chain: cw[cw.length - 1] ?? '' };
}

/** `"inet filter"` from `["inet","filter"]` or `["filter"]` (family ip by default). */
function tableKey(words: string[]): string {
  return words.length >= 2 && FAMILIES.has(words[0]!) ? `${words[0]} ${words[1]}` : `ip ${words[0] ?? ''}`;
}

/** A command-form rule `add|insert rule [FAMILY] TABLE CHAIN STATEMENT...`: its chain and statement tokens. */
export function commandRule(tokens: NftToken[]): { ref: ChainRef; body: NftToken[] } | undefined {
  if (!['add', 'insert', 'create'].includes(tokens[0]?.text ?? '') || tokens[1]?.text !== 'rule') return undefined;
  const famOff = FAMILIES.has(tokens[2]?.text ?? '') ? 1 : 0;
  const table = tokens.slice(2, 3 + famOff).map((t) => t.text);
  const chain = tokens[3 + famOff]?.text;
  if (chain === undefined) return undefined;
  let body = tokens.slice(4 + famOff);
  if (body[0]?.text === 'position' || body[0]?.text === 'handle' || body[0]?.text === 'index') body = body.slice(2);
  return { ref: { table: tableKey(table), chain }, body };
}

/** Values of a set or define: the element tokens between braces, or the one token. */
function elementsOf(tokens: NftToken[], i: number): NftToken[] {
  if (tokens[i]?.text !== '{') return tokens[i] ? [tokens[i]!] : [];
  const out: NftToken[] = [];
  for (let k = i + 1; k < tokens.length && tokens[k]!.text !== '}'; k++) if (tokens[k]!.text !== ',') out.push(tokens[k]!);
  return out;
}

/** Defines (`define web = { 80, 443 }`) and named sets (`set web { elements = { ... } }`) of a text. */
interface Names { defines: Map<string, NftToken[]>; sets: Map<string, NftToken[]> }

function namesOf(statements: NftStatement[]): Names {
  const names: Names = { defines: new Map(), sets: new Map() };
  for (const s of statements) {
    const t = s.tokens;
    if (t[0]?.text === 'define' && t[2]?.text === '=' && t[1]) names.defines.set(t[1].text, elementsOf(t, 3));
    const set = s.block?.header;
    if (set?.[0] === 'set' && t[0]?.text === 'elements' && t[1]?.text === '=') {
      const table = s.block?.table;
      names.sets.set(`${tableKey(table?.slice(1) ?? [])} ${set[1] ?? ''}`, elementsOf(t, 2));
    }
  }
  return names;
}

/** Chains on the input hook and the chains they jump to, as "table chain" keys. */
function inputChains(statements: NftStatement[]): Set<string> {
  const input = new Set<string>();
  const jumps = new Map<string, string[]>();
  for (const s of statements) {
    const c = chainOf(s.block);
    if (!c) continue;
    const key = `${c.table} ${c.chain}`;
    const t = s.tokens.map((x) => x.text);
    if (t[0] === 'type' && t[1] === 'filter' && t[2] === 'hook' && t[3] === 'input') input.add(key);
    for (let i = 0; i + 1 < t.length; i++) {
      if (t[i] !== 'jump' && t[i] !== 'goto') continue;
      const list = jumps.get(key);
      if (list) list.push(`${c.table} ${t[i + 1]}`);
      else jumps.set(key, [`${c.table} ${t[i + 1]}`]);
    }
  }
  const todo = [...input];
  while (todo.length > 0) for (const j of jumps.get(todo.pop()!) ?? []) if (!input.has(j)) { input.add(j); todo.push(j); }
  return input;
}

/** The protocol of a `dport` match preceded by `proto`, given the whole statement. */
function protocolOf(proto: string, words: string[]): Protocol | undefined {
  if (proto === 'tcp' || proto === 'udp' || proto === 'sctp') return proto;
  if (proto !== 'th') return undefined;
  const i = words.indexOf('l4proto');
  const v = i >= 0 ? words[i + 1] : undefined;
  return v === 'tcp' || v === 'udp' ? v : 'both';
}

/** Facts of one rule statement (its tokens after any command-form prefix). */
function ruleFacts(body: NftToken[], table: string, chain: string, names: Names, file: string, out: Out): void {
  const words = body.map((t) => t.text);
  const verdict = [...words].reverse().find((w) => Object.hasOwn(VERDICTS, w));
  if (verdict === undefined) return;
  for (let i = 0; i < words.length; i++) if ((words[i] === 'iif' || words[i] === 'iifname') && /^lo$/.test(words[i + 1] ?? '')) return;
  const s = words.indexOf('saddr');
  const from = s > 0 && words[s + 1] !== undefined && words[s + 1] !== '!=' ? (words[s + 1] === '{' ? 'a set of addresses' : words[s + 1]) : undefined;
  for (let i = 1; i < words.length; i++) {
    if (words[i] !== 'dport') continue;
    const protocol = protocolOf(words[i - 1]!, words);
    if (!protocol || words[i + 1] === '!=') continue;
    const rule: RuleOf = { firewall: 'nftables', action: VERDICTS[verdict]!, detail: `nft ${table} ${chain} ${words[i - 1]} dport` };
    if (from !== undefined) rule.from = from;
    const k = words[i + 1] === '==' ? i + 2 : i + 1;
    for (const e of elementsOf(body, k)) valueFacts(e, rule, protocol, names, table, file, out);
  }
}

/** What one extraction collects; `expanded` keeps each named set or define expanded once per rule shape (bounded output). */
interface Out { facts: ExtractedFact[]; findings: FileFinding[]; expanded: Set<string> }

/** Facts of one element of a `dport` value: a port, a range, a service name, `$define` or `@set`. */
function valueFacts(e: NftToken, rule: RuleOf, protocol: Protocol, names: Names, table: string, file: string, out: Out): void {
  const named = e.text.startsWith('$') ? names.defines.get(e.text.slice(1)) : e.text.startsWith('@') ? names.sets.get(`${table} ${e.text.slice(1)}`) : undefined;
  if (named) {
    const key = `${table} ${e.text}|${protocol}|${rule.action}|${rule.from ?? ''}|${rule.detail}`;
    if (out.expanded.has(key)) return;
    out.expanded.add(key);
    for (const n of named) if (!n.text.startsWith('$') && !n.text.startsWith('@')) valueFacts(n, rule, protocol, names, table, file, out);
    return;
  }
  const svc = Object.hasOwn(SERVICES, e.text) ? SERVICES[e.text] : undefined;
  if (svc !== undefined) {
    out.facts.push(ruleFact(rule, { start: svc, end: svc }, protocol, { file, span: e.span }, { kind: 'default', note: `service name ${e.text} = ${svc} (/etc/services)` }));
    return;
  }
  const at = (j: number) => e.span.start + j;
  const tok = e.span.end - e.span.start === e.text.length ? portToken(e.text, at, 0, e.text.length, '-', 'nftables') : undefined;
  if (!tok) return;
  out.findings.push(...tok.findings);
  if (tok.ports) out.facts.push(ruleFact(rule, tok.ports, protocol, { file, span: tok.span }));
}

/**
 * Facts and findings of an nftables text (see the module comment). `at` maps indices of `text`
 * to source offsets (the identity for a file; word offsets for an `nft` command in a script).
 */
export function nftFacts(text: string, file: string, at: (i: number) => number = (i) => i): { facts: ExtractedFact[]; findings: FileFinding[] } {
  const { value: statements, errors } = parseNft(text, at);
  const out: Out = { facts: [], findings: [...errors], expanded: new Set() };
  const names = namesOf(statements);
  const input = inputChains(statements);
  for (const s of statements) {
    const cmd = commandRule(s.tokens);
    if (cmd) {
      const key = `${cmd.ref.table} ${cmd.ref.chain}`;
      if (input.has(key) || /^input$/i.test(cmd.ref.chain)) ruleFacts(cmd.body, cmd.ref.table, cmd.ref.chain, names, file, out);
      continue;
    }
    const c = chainOf(s.block);
    if (c && s.block && headerKeyword(s.block.header) === 'chain' && input.has(`${c.table} ${c.chain}`)) ruleFacts(s.tokens, c.table, c.chain, names, file, out);
  }
  return { facts: out.facts, findings: out.findings };
}
