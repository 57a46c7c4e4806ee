/**
 * Completion of free ports. In a port position (a compose `ports` entry or `published:`,
 * nginx `listen`, a TOML key ending in `port` or rtcd's `listen_address = ":`, `ufw allow`),
 * offers free ports near the number typed so far, each with the reasons it is free: nothing on
 * the host binds it and it is not a well-known port of a product present on the host (the test
 * of edits/free.ts, shared with the quick fixes and the renumber), and (when the live check is
 * on) nothing on this machine holds it. Pure.
 */
import type { LiveSocket } from './live';
import type { Span } from '../model/facts';
import { presentStacks, stackWords, whyNotFree, type FreeQuery } from './edits/free';
import type { Snapshot } from '../index/workspace';

/** One offered port. */
export interface PortCompletion {
  port: number;
  /** Short reason line: "free on host "ws" · not used by nginx, rtcd · not in use on this machine". */
  detail: string;
  /** Order: nearest to the typed value first (0-based). */
  rank: number;
}

/** Where a completion applies and what it offers. */
export interface PortCompletions {
  /** The typed digits that a chosen item replaces (empty at the cursor when nothing is typed). */
  replace: Span;
  items: PortCompletion[];
}

/** Options of {@link completePorts}. */
export interface CompleteOptions {
  /** Sockets of the live machine, when the live check is on. */
  live?: readonly LiveSocket[];
  /** How many free ports to offer (default 5). */
  count?: number;
}

/** Line patterns (text from line start to the cursor) that put the cursor on a port. */
const POSITIONS: readonly { name: string; re: RegExp }[] = [
  { name: 'nginx listen', re: /(?:^|[;{\s])listen\s+(?:(?:\[[0-9a-f:]*\]|[\w.*-]+):)?(\d*)$/i },
  { name: 'compose published', re: /^\s*published\s*:\s*["']?(\d*)$/ },
  { name: 'TOML port key', re: /^\s*(?:[\w-]+\.)*[\w-]*port[\w-]*\s*=\s*(\d*)$/i },
  { name: 'rtcd listen_address', re: /^\s*(?:[\w-]+\.)*[\w-]*listen_address\s*=\s*["'][\w.]*:(\d*)$/i },
  { name: 'ufw allow', re: /\bufw\s+(?:allow|deny|reject|limit)\s+(?:(?:in|out)\s+)?(?:.*\bport\s+)?(\d*)$/i },
];

/** True when the line at `offset` is an item of a compose `ports:` list (a host port before any `:`). */
function composePortsItem(text: string, lineStart: number, before: string): RegExpExecArray | null {
  const m = /^(\s*)-\s*["']?(?:\d{1,3}(?:\.\d{1,3}){3}:)?(\d*)$/.exec(before);
  if (!m) return null;
  const indent = m[1]!.length;
  const above = text.slice(0, lineStart).split('\n').reverse();
  for (const l of above) {
    if (l.trim() === '' || /^\s*#/.test(l)) continue;
    const lead = l.length - l.trimStart().length;
    if (/^\s*-/.test(l) && lead === indent) continue;
    return lead <= indent && /^\s*ports\s*:\s*$/.test(l) ? m : null;
  }
  return null;
}

/**
 * Free ports near the number typed at `offset` of `file` (whose text is `text`), or `undefined`
 * when the cursor is not in a port position. Candidates go outward from the typed number
 * (n, n+1, n-1, n+2, ...; 8000 when nothing is typed), stay in 1-65535, stay at or above 1024
 * unless the typed number is below it, and skip ports bound on the file's host (any protocol),
 * ports of stacks in the workspace and, with `live`, ports held on this machine.
 */
export function completePorts(snap: Snapshot, file: string, text: string, offset: number, opts: CompleteOptions = {}): PortCompletions | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  let typed: string | undefined;
  const compose = composePortsItem(text, lineStart, before);
  if (compose) typed = compose[2];
  else for (const p of POSITIONS) {
    const m = p.re.exec(before);
    if (m) {
      typed = m[1];
      break;
    }
  }
  if (typed === undefined) return undefined;
  const host = snap.hostOf(file);
  const replace = { start: offset - typed.length, end: offset };
  const base = typed === '' ? 8000 : Math.min(65535, Math.max(1, Number(typed)));
  // The same notion of free as the quick fixes and the renumber (edits/free.ts), for either
  // protocol since a port position does not say which; the mention being typed is not a
  // competitor of itself.
  const query: FreeQuery = {
    place: { host },
    protocols: ['tcp', 'udp'],
    from: base,
    bounds: { min: base < 1024 ? 1 : 1024, max: 65535 },
    ignore: (f) => f.location.file === file && f.location.span.start <= replace.end && f.location.span.end >= replace.start,
  };
  const present = stackWords(snap, host);
  const stacks = presentStacks(present);
  const live = opts.live;
  const count = opts.count ?? 5;
  const items: PortCompletion[] = [];
  for (let step = 0; items.length < count && step < 2000; step++) {
    for (const port of step === 0 ? [base] : [base + step, base - step]) {
      if (items.length >= count || whyNotFree(snap, query, port, present) !== undefined) continue;
      if (live?.some((s) => s.port === port)) continue;
      const reasons = [`not bound on host "${host}"`];
      if (stacks.length > 0) reasons.push(`not a well-known port of ${stacks.join(', ')}`);
      if (live) reasons.push('not in use on this machine');
      items.push({ port, detail: `free: ${reasons.join('; ')}`, rank: items.length });
    }
  }
  return { replace, items };
}
