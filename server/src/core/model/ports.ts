/**
 * Small helpers shared by the format modules: port text parsing and span arithmetic.
 * No I/O, no state.
 */
import type { PortRange } from './facts';

/** Lowest and highest valid TCP/UDP port. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** rtcd and the Calls plugin accept ports in this inclusive range (see test/corpus/PROVENANCE.md). */
export const RTCD_MIN_PORT = 80;
export const RTCD_MAX_PORT = 49151;

/** True when `n` is an integer 1-65535. */
export function isValidPort(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_PORT && n <= MAX_PORT;
}

/** True when both ends are valid ports and `start <= end`. */
export function isValidRange(r: PortRange): boolean {
  return isValidPort(r.start) && isValidPort(r.end) && r.start <= r.end;
}

/**
 * Parses "8080" or an inclusive range "8000-8010" (or `sep`, e.g. ":" for ufw's "8000:8010").
 * Returns `undefined` when the text is not made of decimal digits in that shape. Does not
 * check 1-65535 or order: callers report those as `invalid-port` with the exact span.
 */
export function parsePortRange(text: string, sep = '-'): PortRange | undefined {
  const i = text.indexOf(sep);
  if (i < 0) {
    return /^\d{1,6}$/.test(text) ? { start: Number(text), end: Number(text) } : undefined;
  }
  const a = text.slice(0, i);
  const b = text.slice(i + sep.length);
  if (!/^\d{1,6}$/.test(a) || !/^\d{1,6}$/.test(b)) return undefined;
  return { start: Number(a), end: Number(b) };
}

/** Human form of a range: "8443" or "10000-20000". */
export function formatRange(r: PortRange): string {
  return r.start === r.end ? String(r.start) : `${r.start}-${r.end}`;
}

/** True when two inclusive ranges share at least one port. */
export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}
