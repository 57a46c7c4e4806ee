/**
 * Small helpers shared by the format modules: port text parsing and span arithmetic.
 * No I/O, no state.
 */
import type { ExtractContext, PortRange, ShellWord, Span } from './model';

/** Lowest and highest valid TCP/UDP port. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** rtcd and the Calls plugin accept ports in this inclusive range (see corpus/PROVENANCE.md). */
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

/** 0-based line and UTF-16 column of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: end - lineStart };
}

/** Directory part of a POSIX path ("/a/b/c.conf" -> "/a/b"). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last segment of a POSIX path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins and normalizes POSIX path segments ("." and ".." resolved); an absolute `rel` wins. */
export function resolvePath(base: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
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
