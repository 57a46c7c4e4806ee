/**
 * firewalld's rich language (firewalld.richlanguage(5)) as `firewall-cmd --add-rich-rule` takes
 * it: `rule [family="ipv4"] [source [not] address="10.0.0.0/8"] [destination …]
 * [port port="5432" protocol="tcp" | service name="ssh" | forward-port … | …] [log …] [audit]
 * [accept | reject | drop | mark …]`. The rule is a list of keywords, each followed by its
 * `name=value` attributes (values in single or double quotes, or bare). This reads only what a
 * port check needs: the `port` or `service` element, the source address and the action. Pure
 * and total: linear in the text, never throws.
 */
import type { FirewallAction } from '../../model/facts';

/** One `name=value` attribute, with the index of its value's first character and its length. */
export interface RichAttribute {
  value: string;
  from: number;
  to: number;
}

/** A keyword (`rule`, `source`, `port`, `accept`, …) and the attributes written after it. */
interface RichElement {
  keyword: string;
  attributes: Map<string, RichAttribute>;
  /** `source not address=…` / `destination not …`. */
  negated: boolean;
}

/** What a rich rule says about ports: its element, source and action. */
export interface RichRule {
  /** The `port` element's `port` and `protocol`, or the `service` element's `name`. */
  element?: { kind: 'port'; port: RichAttribute; protocol: string | undefined } | { kind: 'service'; name: RichAttribute };
  /** The `source address`, absent for any source or a negated one (`source not address=…`). */
  from?: string;
  action?: FirewallAction;
}

/** Splits the rule into keywords with their attributes; indexes are into `text`. */
function elements(text: string, start: number): RichElement[] {
  const out: RichElement[] = [];
  const word = /\s*([A-Za-z-]+)(?:=(?:"([^"]*)"|'([^']*)'|(\S*)))?/y;
  word.lastIndex = start;
  for (let m = word.exec(text); m; m = word.exec(text)) {
    const name = m[1]!;
    const quoted = m[2] ?? m[3];
    const raw = quoted ?? m[4];
    if (raw === undefined) {
      if (name === 'not' && out.length > 0) out[out.length - 1]!.negated = true;
      else out.push({ keyword: name, attributes: new Map(), negated: false });
      continue;
    }
    const to = m.index + m[0].length - (quoted !== undefined ? 1 : 0);
    out[out.length - 1]?.attributes.set(name, { value: raw, from: to - raw.length, to });
  }
  return out;
}

const ACTIONS: Readonly<Record<string, FirewallAction>> = { accept: 'allow', drop: 'deny', reject: 'reject' };

/**
 * Reads the rich rule in `text` from index `start` (the text after `--add-rich-rule=`).
 * Returns what it could read; a rule with no action or no `port`/`service` element opens
 * nothing a port check can use, and the caller gives no fact for it.
 */
export function readRichRule(text: string, start = 0): RichRule {
  const out: RichRule = {};
  for (const el of elements(text, start)) {
    const action = ACTIONS[el.keyword];
    if (action) out.action = action;
    else if (el.keyword === 'source' && !el.negated) {
      const address = el.attributes.get('address')?.value;
      if (address !== undefined) out.from = address;
    } else if (el.keyword === 'port' && el.attributes.get('port')) {
      out.element = { kind: 'port', port: el.attributes.get('port')!, protocol: el.attributes.get('protocol')?.value };
    } else if (el.keyword === 'service' && el.attributes.get('name')) {
      out.element = { kind: 'service', name: el.attributes.get('name')! };
    }
  }
  return out;
}
