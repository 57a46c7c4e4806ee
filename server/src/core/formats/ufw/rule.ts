/**
 * One ufw rule as a `firewall` fact: the shape both ufw commands (ufw(8)) and the rule store's
 * `### tuple ###` lines describe.
 */
import type { Derivation, ExtractedFact, FirewallAction, FirewallRule, Location, PortRange, Protocol, ShellWord, Span } from '../../model/facts';

/** ufw's rule actions (ufw(8)). */
export const ACTIONS: readonly string[] = ['allow', 'deny', 'reject', 'limit'];

/** What one rule says besides its ports, collected while its words are read. */
export interface RuleShape {
  action: FirewallAction;
  /** True for `ufw route ...` (forwarded traffic). */
  route: boolean;
  direction: 'in' | 'out';
  /** Source address as written; absent for any. */
  from?: string;
  /** Destination address as written; absent for any. */
  to?: string;
  /** The rule's `comment` text, decoded. */
  comment?: string;
  /** Protocol of a separate `proto` word (`any` gives `both`); absent without one. */
  protocol?: Protocol;
  /** The `proto` word itself, for findings about it. */
  protoWord?: ShellWord;
}

/**
 * The `firewall` fact for one port or range of `rule`. `span` is where the port (or the name
 * that stands for it) is written in `file`; `valueLocation` defaults to it and points into a
 * profile file for ports that come from an application profile. `detail` is "ufw allow",
 * "ufw route deny", ...
 */
export function firewallFact(
  rule: RuleShape,
  ports: PortRange,
  protocol: Protocol,
  file: string,
  span: Span,
  derivation: Derivation,
  valueLocation?: Location,
): ExtractedFact {
  const firewall: FirewallRule = { firewall: 'ufw', action: rule.action, direction: rule.direction };
  if (rule.from !== undefined) firewall.from = rule.from;
  if (rule.comment !== undefined) firewall.comment = rule.comment;
  const location: Location = { file, span };
  const fact: ExtractedFact = {
    kind: 'firewall',
    ports,
    protocol,
    owner: 'ufw',
    location,
    valueLocation: valueLocation ?? location,
    derivation,
    detail: `ufw ${rule.route ? 'route ' : ''}${rule.action}`,
    firewall,
  };
  if (rule.to !== undefined) fact.address = rule.to;
  return fact;
}
