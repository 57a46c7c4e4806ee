/**
 * Completion of free ports. In a port position (a compose `ports` entry or `published:`,
 * nginx `listen`, a TOML key ending in `port` or rtcd's `listen_address = ":`, `ufw allow`),
 * offers free ports near the number typed so far, each with the reasons it is free: nothing on
 * the host binds it, it is not a well-known port of a stack present in the workspace, and (when
 * the live check is on) nothing on this machine holds it. Pure.
 */
import type { LiveSocket } from './live';
import type { Span } from './model';
import { IMAGE_PORTS, WELL_KNOWN_PORTS } from './wellknown';
import type { Snapshot } from './workspace';

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

/** The stacks present in the workspace and the ports they use (image ports, rtcd, Mattermost, nginx). */
function stackPorts(snap: Snapshot): Map<number, string> {
  const out = new Map<number, string>();
  const add = (port: number, name: string) => out.set(port, out.has(port) ? `${out.get(port)}, ${name}` : name);
  for (const w of snap.workloads) {
    if (!w.image) continue;
    const entry = IMAGE_PORTS.find((e) => e.image.test(w.image!));
    for (const p of entry?.ports ?? []) add(p.port, w.image.replace(/:.*$/, ''));
  }
  const formats = new Set([...snap.files.values()].map((s) => s.format));
  if (formats.has('rtcd-toml') || snap.facts.some((f) => f.role?.startsWith('rtcd'))) for (const p of [8045, 8443]) add(p, 'rtcd');
  if (formats.has('mattermost-json')) add(8065, 'Mattermost');
  if (formats.has('nginx')) for (const p of [80, 443]) add(p, 'nginx');
  if (snap.workloads.some((w) => /jitsi/.test(w.image ?? ''))) for (const w of WELL_KNOWN_PORTS.filter((x) => /jitsi/i.test(x.name))) add(w.port, 'Jitsi');
  return out;
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
  // The mention being typed is not a competitor of itself.
  const self = (f: (typeof snap.facts)[number]) => f.location.file === file && f.location.span.start <= replace.end && f.location.span.end >= replace.start;
  const bound = snap.facts.filter((f) => f.kind === 'bind' && !f.shadowed && f.host === host && f.netns === undefined && f.format !== 'markdown' && !self(f));
  const stacks = stackPorts(snap);
  const live = opts.live;
  const count = opts.count ?? 5;
  const base = typed === '' ? 8000 : Math.min(65535, Math.max(1, Number(typed)));
  const floor = base < 1024 ? 1 : 1024;
  const stackNames = [...new Set([...stacks.values()].flatMap((s) => s.split(', ')))];
  const items: PortCompletion[] = [];
  for (let step = 0; items.length < count && step < 2000; step++) {
    for (const port of step === 0 ? [base] : [base + step, base - step]) {
      if (items.length >= count || port < floor || port > 65535) continue;
      if (bound.some((f) => port >= f.ports.start && port <= f.ports.end)) continue;
      if (stacks.has(port)) continue;
      if (live?.some((s) => s.port === port)) continue;
      const reasons = [`not bound on host "${host}"`];
      if (stackNames.length > 0) reasons.push(`not a port of ${stackNames.join(', ')}`);
      if (live) reasons.push('not in use on this machine');
      items.push({ port, detail: `free: ${reasons.join('; ')}`, rank: items.length });
    }
  }
  return { replace, items };
}
