/**
 * ufw's port grammar shared by its commands, its rule store and its application profiles
 * (ufw(8), ufw-framework(8)): port lists (`80,443`, `8000:8010`) and the protocol words.
 * Pure and total: no I/O, never throws.
 */
import type { FileFinding, PortRange, Protocol, Span } from '../../model/facts';
import { isValidPort } from '../../model/ports';

/** One port or range in a port list, with the span of its text. */
export interface PortItem {
  /** Ports 1-65535, inclusive; `start === end` for a single port. */
  ports: PortRange;
  span: Span;
}

/** Maps an index of a parsed string to its source offset. */
export type OffsetOf = (i: number) => number;

/** Source span of the parsed string's `[from, to)`; an empty span at `from` when `to <= from`. */
export function spanOf(at: OffsetOf, from: number, to: number): Span {
  return to <= from ? { start: at(from), end: at(from) } : { start: at(from), end: at(to - 1) + 1 };
}

/**
 * Parses a ufw port list `s[from, to)`: ports and `a:b` ranges separated by commas
 * (ufw(8): "8000:8010", "80,443"). Returns `undefined` when the text is not port-shaped (a
 * service or profile name). Otherwise the items plus `invalid-port` findings for ports out of
 * 1-65535, reversed ranges and malformed lists.
 */
export function parsePortList(
  s: string,
  at: OffsetOf,
  from: number,
  to: number,
): { items: PortItem[]; findings: FileFinding[] } | undefined {
  const text = s.slice(from, to);
  if (!/^[\d:,]+$/.test(text) || !/\d/.test(text)) return undefined;
  const items: PortItem[] = [];
  const findings: FileFinding[] = [];
  let pos = from;
  for (const part of text.split(',')) {
    const a = pos;
    const b = pos + part.length;
    pos = b + 1;
    const span = spanOf(at, a, b);
    const m = /^(\d{1,9})(?::(\d{1,9}))?$/.exec(part);
    if (!m) {
      findings.push({ rule: 'invalid-port', span: spanOf(at, from, to), message: `ufw: malformed port list "${text}" (expected PORT, PORT:PORT or a comma-separated list, ufw(8))` });
      return { items: [], findings };
    }
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    let ok = true;
    if (!isValidPort(start)) {
      const len = m[1]!.length;
      findings.push({ rule: 'invalid-port', span: spanOf(at, a, a + len), message: `ufw: port ${m[1]} is outside 1-65535` });
      ok = false;
    }
    if (m[2] !== undefined && !isValidPort(end)) {
      findings.push({ rule: 'invalid-port', span: spanOf(at, b - m[2].length, b), message: `ufw: port ${m[2]} is outside 1-65535` });
      ok = false;
    }
    if (ok && start > end) {
      findings.push({ rule: 'invalid-port', span, message: `ufw: port range ${part} is reversed (ufw requires start <= end, e.g. ${end}:${start})` });
      ok = false;
    }
    if (ok) items.push({ ports: { start, end }, span });
  }
  return { items, findings };
}

/** Maps ufw's protocol word to the model; `undefined` for protocols that cannot carry ports. */
export function portProtocol(word: string): Protocol | undefined {
  if (word === 'tcp' || word === 'udp') return word;
  if (word === 'any') return 'both';
  return undefined;
}

/** The protocol words ufw accepts (ufw(8)); only tcp, udp and any may go with ports. */
export const KNOWN_PROTOCOLS: readonly string[] = ['tcp', 'udp', 'any', 'ah', 'esp', 'gre', 'ipv6', 'igmp'];
