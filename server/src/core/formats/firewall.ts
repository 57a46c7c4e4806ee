/**
 * What the firewalld, nftables and iptables modules share: one rule as a `firewall` fact, and
 * the port-or-range token each of them writes (`8443`, `10000-20000`, iptables' `1000:2000`)
 * with exact spans and `invalid-port` findings. Pure and total: no I/O, never throws.
 */
import type { Derivation, ExtractedFact, FileFinding, FirewallAction, FirewallName, FirewallRule, Location, PortRange, Protocol, Span } from '../model/facts';
import { isValidPort } from '../model/ports';

/** What one rule says besides its ports. */
export interface RuleOf {
  firewall: FirewallName;
  action: FirewallAction;
  /** "firewall-cmd --add-port", "nft tcp dport", "iptables -A INPUT", "firewalld zone port". */
  detail: string;
  /** Source address or CIDR; absent for any (`ruleFact` reads `0.0.0.0/0` and `::/0` as any). */
  from?: string;
  /** Destination address; absent for any. */
  to?: string;
  /** True for iptables `DOCKER-USER` rules (see `FirewallRule.filtersPublished`). */
  filtersPublished?: boolean;
}

/** A source that matches every address: `-s 0.0.0.0/0`, `saddr ::/0`. */
const ANY_SOURCE = /^(?:0\.0\.0\.0\/0|::\/0|::0\/0)$/;

/**
 * The `firewall` fact (direction `in`, owner the firewall's name) for `ports`/`protocol` of
 * `rule`, written at `location`; a source of every address counts as none. `valueLocation` defaults to `location` (a service name resolved
 * through a definition file points there instead).
 */
export function ruleFact(rule: RuleOf, ports: PortRange, protocol: Protocol, location: Location, derivation: Derivation = { kind: 'literal' }, valueLocation?: Location): ExtractedFact {
  const firewall: FirewallRule = { firewall: rule.firewall, action: rule.action, direction: 'in' };
  if (rule.from !== undefined && !ANY_SOURCE.test(rule.from)) firewall.from = rule.from;
  if (rule.filtersPublished) firewall.filtersPublished = true;
  const fact: ExtractedFact = { kind: 'firewall', ports, protocol, owner: rule.firewall, location, valueLocation: valueLocation ?? location, derivation, detail: rule.detail, firewall };
  if (rule.to !== undefined) fact.address = rule.to;
  return fact;
}

/** Maps an index of a parsed string to its source offset. */
export type OffsetAt = (i: number) => number;

/** Source span of the parsed string's `[from, to)`. */
export function spanAt(at: OffsetAt, from: number, to: number): Span {
  return to <= from ? { start: at(from), end: at(from) } : { start: at(from), end: at(to - 1) + 1 };
}

/** One port or range token: the range when valid, else the findings saying why not. */
export interface PortToken {
  ports?: PortRange;
  span: Span;
  findings: FileFinding[];
}

/**
 * Reads `s[from, to)` as a port (`8443`) or an inclusive range `A<sep>B` (`10000-20000`, or
 * `1000:2000` with `sep` ":"). Returns `undefined` when the text is not digits in that shape (a
 * service name, a variable); otherwise the range, or `invalid-port` findings (prefixed with
 * `label`) on the digits for a port outside 1-65535 and on the token for a reversed range.
 */
export function portToken(s: string, at: OffsetAt, from: number, to: number, sep: string, label: string): PortToken | undefined {
  const text = s.slice(from, to);
  const m = new RegExp(`^(\\d{1,9})(?:${sep === '-' ? '-' : ':'}(\\d{1,9}))?$`).exec(text);
  if (!m) return undefined;
  const span = spanAt(at, from, to);
  const findings: FileFinding[] = [];
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (!isValidPort(start)) findings.push({ rule: 'invalid-port', span: spanAt(at, from, from + m[1]!.length), message: `${label}: port ${m[1]} is outside 1-65535` });
  if (m[2] !== undefined && !isValidPort(end)) findings.push({ rule: 'invalid-port', span: spanAt(at, to - m[2].length, to), message: `${label}: port ${m[2]} is outside 1-65535` });
  if (findings.length === 0 && start > end) findings.push({ rule: 'invalid-port', span, message: `${label}: port range ${text} is reversed (the first port must not exceed the last)` });
  return findings.length > 0 ? { span, findings } : { ports: { start, end }, span, findings };
}
