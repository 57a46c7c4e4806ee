/**
 * ufw's rule store `/etc/ufw/user.rules` and `user6.rules`: iptables-restore input
 * (iptables-restore(8)) in which ufw writes each rule once more as a `### tuple ###` comment.
 * Only the tuple lines are read, as ufw itself reads them back. Pure and total: never throws.
 */
import type { ExtractContext, ExtractResult, FirewallAction } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { parsePortList, portProtocol, type OffsetOf } from './ports';
import { ACTIONS, firewallFact, type RuleShape } from './rule';

/** The comment that starts each rule line ufw parses back. */
export const TUPLE = '### tuple ###';

/** Addresses ufw writes for "any". */
function isWildcardAddress(a: string): boolean {
  return a === '0.0.0.0/0' || a === '::/0' || a === 'any';
}

/** ufw stores a rule's comment as the hex of its UTF-8 bytes; `undefined` for bad hex or UTF-8. */
function decodeHexComment(hex: string): string | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  try {
    return decodeURIComponent(hex.replace(/(..)/g, '%$1'));
  } catch {
    return undefined;
  }
}

/**
 * Facts from the `### tuple ###` lines of ufw's rule store (the lines ufw itself parses back,
 * written by ufw's iptables backend): `ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION
 * [comment=HEX]`, e.g. `### tuple ### allow udp 8443 0.0.0.0/0 any 0.0.0.0/0 in comment=72746364`.
 * ACTION may carry `route:` and `_log`/`_log-all`; DIRECTION may carry `_IFACE`. The `-A ...`
 * iptables lines repeat the tuples and are ignored. Malformed tuple lines give `parse-error`.
 */
export function extractUserRules(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const text = ctx.text;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd);
    if (line.startsWith(TUPLE)) tupleLine(ctx.path, line, lineStart, result);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return result;
}

function tupleLine(file: string, line: string, lineStart: number, result: ExtractResult): void {
  const tokens: { v: string; at: number }[] = [];
  const re = /\S+/g;
  re.lastIndex = TUPLE.length;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) tokens.push({ v: m[0], at: lineStart + m.index });
  let comment: string | undefined;
  const last = tokens[tokens.length - 1];
  if (last && last.v.startsWith('comment=')) {
    comment = decodeHexComment(last.v.slice('comment='.length));
    tokens.pop();
  }
  const bad = (): void => {
    result.findings.push({ rule: 'parse-error', span: { start: lineStart, end: lineStart + line.replace(/\r$/, '').length }, message: 'ufw rule tuple not understood: expected "### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION"' });
  };
  if (tokens.length !== 7 && tokens.length !== 9) return bad();
  const [actionTok, protoTok, dportTok, dstTok, , srcTok] = tokens;
  const dirTok = tokens[tokens.length - 1]!;
  let action = actionTok!.v;
  const route = action.startsWith('route:');
  if (route) action = action.slice('route:'.length);
  action = action.split('_')[0]!;
  if (!ACTIONS.includes(action)) return bad();
  const direction = dirTok.v.startsWith('out') ? 'out' : 'in';
  if (!dirTok.v.startsWith('in') && !dirTok.v.startsWith('out')) return bad();
  if (dportTok!.v === 'any') return;
  const protocol = portProtocol(protoTok!.v);
  if (protocol === undefined) return bad();
  const at: OffsetOf = (i) => dportTok!.at + i;
  const list = parsePortList(dportTok!.v, at, 0, dportTok!.v.length);
  if (!list) return bad();
  result.findings.push(...list.findings);
  const rule: RuleShape = { action: action as FirewallAction, route, direction };
  if (!isWildcardAddress(srcTok!.v)) rule.from = srcTok!.v;
  if (!isWildcardAddress(dstTok!.v)) rule.to = dstTok!.v;
  if (comment !== undefined) rule.comment = comment;
  for (const item of list.items) {
    result.facts.push(firewallFact(rule, item.ports, protocol, file, item.span, { kind: 'literal' }));
  }
}
