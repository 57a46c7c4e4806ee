/**
 * Port facts of a guide outside tables: Markdown list items that state a port, and `port=`
 * keyword arguments and assignments in program code fences (Python). Both become documented
 * binds (see ./portdoc); nothing here is configuration Portolan reads with a format module.
 *
 * List items (CommonMark 0.31 "List items": `-`, `*`, `+` or `1.`/`1)` and a space; emphasis
 * `**`/`__` and code ticks around the parts allowed) in one of three shapes:
 * - `Port N: purpose (PROTO)` (also `Ports N-M`, `-` or `–` instead of `:`), the protocol in the
 *   trailing parentheses (`TCP`, `UDP`, `HTTPS`...); without one the item is a note
 *   ("Port 3021: Will be freed", "Port 3020: Open") and not read;
 * - `PROTO N (purpose)`, PROTO one of `TCP`, `UDP`, `TCP/UDP`, `UDP/TCP`;
 * - `N/proto - purpose` (`:` or `–` instead of `-`).
 * Other items ("Default: Port 8081", "User A: uses port 8081", "API (3001)") are not read.
 *
 * Code (info string `python`/`py`): `name=N` keyword arguments whose name is `port` or ends in
 * `_port` (the service is the called name: `CollaborationServer(host='0.0.0.0', port=5556)`),
 * and assignments `name = N` / `self.name = N` of such names (the service is the name's words
 * before `port`: `server_port` -> "server"). Only decimal literals count; `port = find(8081)`
 * and comparisons do not.
 *
 * Ports are integers 1-65535 (others are skipped); ranges inclusive. Offsets are UTF-16 code
 * units into the document. Linear time; never throws.
 */
import type { PortRange, Protocol, Span } from '../../model/facts';
import { isValidPort } from '../../model/ports';
import { fencedBlocks } from './fences';
import type { DocumentedFact } from './portdoc';

/** A port a list item or a code line gives a service. */
export interface StatedPort {
  ports: PortRange;
  /** `undefined` when the item names no protocol (TCP is then assumed by the caller). */
  protocol?: Protocol;
  service: string;
  /** The first port's digits. */
  span: Span;
  /** The list item's line, or the code line. */
  line: Span;
  /** "list item", "port= argument", "assignment". */
  detail: string;
}

const EM = '[*_`]*';
const N = '(\\d{1,5})(?:[ \\t]*[-–][ \\t]*(\\d{1,5}))?';
const PORT_FIRST = new RegExp(`^${EM}ports?[ \\t]+${N}${EM}[ \\t]*[:–-][ \\t]*(.+)$`, 'i');
const PROTO_FIRST = new RegExp(`^${EM}(tcp|udp|tcp/udp|udp/tcp)${EM}[ \\t]+${EM}${N}${EM}[ \\t]*\\(([^()]+)\\)[ \\t]*$`, 'i');
const NUMBER_FIRST = new RegExp(`^${EM}${N}/(tcp|udp)${EM}[ \\t]+[-–:][ \\t]+(.+)$`, 'i');

function protocolOf(s: string): Protocol | undefined {
  const c = s.toLowerCase();
  const tcp = /\btcp\b/.test(c);
  const udp = /\budp\b/.test(c);
  if (tcp && udp) return 'both';
  if (udp) return 'udp';
  if (tcp || /\b(https?|wss?|grpc|tls)\b/.test(c)) return 'tcp';
  return undefined;
}

function clean(s: string): string {
  return s.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ').trim();
}

function range(a: string, b: string | undefined): PortRange | undefined {
  const start = Number(a);
  const end = b === undefined ? start : Number(b);
  return isValidPort(start) && isValidPort(end) && start <= end ? { start, end } : undefined;
}

/**
 * The port a list item states, or `undefined`. `item` is the text after the list marker,
 * starting at document offset `at`; `line` is the item's line.
 */
export function listItemPort(item: string, at: number, line: Span): StatedPort | undefined {
  let m = PORT_FIRST.exec(item);
  if (m) {
    const ports = range(m[1]!, m[2]);
    const rest = m[3]!;
    const paren = /\(([^()]*)\)[*_`\s]*$/.exec(rest);
    const service = clean(paren ? rest.slice(0, paren.index) : rest).replace(/[.:;,]+$/, '');
    if (!ports || service === '' || !/[A-Za-z]/.test(service)) return undefined;
    // Without a protocol the item is a status or a note ("Port 3021: Will be freed"), not a port plan.
    const proto = paren ? protocolOf(paren[1]!) : undefined;
    if (!proto) return undefined;
    return withProto({ ports, service, span: digits(item, at, m[1]!), line, detail: 'list item' }, proto);
  }
  m = PROTO_FIRST.exec(item);
  if (m) {
    const ports = range(m[2]!, m[3]);
    const service = clean(m[4]!);
    if (!ports || service === '') return undefined;
    return withProto({ ports, service, span: digits(item, at, m[2]!, item.toLowerCase().indexOf(m[1]!.toLowerCase()) + m[1]!.length), line, detail: 'list item' }, protocolOf(m[1]!));
  }
  m = NUMBER_FIRST.exec(item);
  if (m) {
    const ports = range(m[1]!, m[2]);
    const service = clean(m[4]!);
    if (!ports || service === '' || !/[A-Za-z]/.test(service)) return undefined;
    return withProto({ ports, service, span: digits(item, at, m[1]!), line, detail: 'list item' }, protocolOf(m[3]!));
  }
  return undefined;
}

function withProto(p: StatedPort, proto: Protocol | undefined): StatedPort {
  if (proto) p.protocol = proto;
  return p;
}

/** Span of the first occurrence of `number` in `item` at or after `from`. */
function digits(item: string, at: number, number: string, from = 0): Span {
  const i = item.indexOf(number, from);
  return { start: at + i, end: at + i + number.length };
}

const LIST_ITEM = /^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(.*)$/;

/** The ports the list items of `lines` state (lines inside fences are the caller's to skip). */
export function listPorts(lines: readonly { start: number; end: number; text: string }[], skip: (at: number) => boolean): StatedPort[] {
  const out: StatedPort[] = [];
  for (const l of lines) {
    if (skip(l.start)) continue;
    const m = LIST_ITEM.exec(l.text);
    if (!m) continue;
    const p = listItemPort(m[2]!, l.start + m[1]!.length, { start: l.start, end: l.end });
    if (p) out.push(p);
  }
  return out;
}

/** How many list items stating a port make a document a port reference by themselves. */
export const MIN_LIST_PORTS = 2;

/** True when at least {@link MIN_LIST_PORTS} list items outside fences state a port (detection of port documents). */
export function looksLikePortList(text: string): boolean {
  if (!/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+[*_`]*(?:ports?[ \t]+\d|tcp|udp|\d{1,5}\/(?:tcp|udp))/im.test(text)) return false;
  const fences = fencedBlocks(text).map((b) => b.body);
  const lines: { start: number; end: number; text: string }[] = [];
  for (let start = 0; start <= text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines.push({ start, end, text: text.slice(start, end).replace(/\r$/, '') });
    start = nl < 0 ? text.length + 1 : nl + 1;
  }
  let f = 0;
  const inFence = (at: number) => {
    while (f < fences.length && fences[f]!.end <= at) f++;
    return f < fences.length && at >= fences[f]!.start;
  };
  return listPorts(lines, inFence).length >= MIN_LIST_PORTS;
}

/** Info strings of program code whose `port=` arguments and assignments are read. */
export const CODE_LANGS: ReadonlySet<string> = new Set(['python', 'py', 'python3']);

const PORT_NAME = /(?<![\w.])((?:self\.)?([A-Za-z_]\w*))[ \t]*=(?!=)[ \t]*(\d{1,5})(?![\w.])/g;

/** How far back from a keyword argument its call's `(` is looked for, in code units. */
const CALL_LOOKBACK = 2000;

/** The called name (`CollaborationServer`, `socket.bind`) before the innermost `(` left open before `offset` in `body`, looking back at most {@link CALL_LOOKBACK} code units. */
function callee(body: string, offset: number): string | undefined {
  let depth = 0;
  const stop = Math.max(0, offset - CALL_LOOKBACK);
  for (let i = offset - 1; i >= stop; i--) {
    const c = body[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      let end = i;
      while (end > stop && (body[end - 1] === ' ' || body[end - 1] === '\t')) end--;
      let begin = end;
      while (begin > stop && /[\w.]/.test(body[begin - 1]!)) begin--;
      while (begin < end && !/[A-Za-z_]/.test(body[begin]!)) begin++;
      return begin < end ? body.slice(begin, end) : undefined;
    }
  }
  return undefined;
}

/**
 * The `port=` keyword arguments and assignments of a code fence body (see the module comment).
 * `bodyStart` is the body's document offset.
 */
export function codePorts(body: string, bodyStart: number): StatedPort[] {
  const out: StatedPort[] = [];
  const lineStarts: number[] = [0];
  for (let i = 0; i < body.length; i++) if (body[i] === '\n') lineStarts.push(i + 1);
  let lineOf = 0;
  for (const m of body.matchAll(PORT_NAME)) {
    while (lineOf + 1 < lineStarts.length && lineStarts[lineOf + 1]! <= m.index) lineOf++;
    const name = m[2]!;
    if (!/^(?:\w+_)?port$/i.test(name)) continue;
    const ports = range(m[3]!, undefined);
    if (!ports) continue;
    const lineStart = lineStarts[lineOf]!;
    const lineEnd = lineOf + 1 < lineStarts.length ? lineStarts[lineOf + 1]! - 1 : body.length;
    if (/#/.test(body.slice(lineStart, m.index))) continue;
    const at = m.index + m[0].length - m[3]!.length;
    const prefix = name.replace(/_?port$/i, '').replace(/_/g, ' ');
    const call = m[1]!.startsWith('self.') ? undefined : callee(body, m.index);
    const service = call ? (prefix ? `${call} ${prefix}` : call) : prefix;
    out.push({ ports, service, span: { start: bodyStart + at, end: bodyStart + at + m[3]!.length }, line: { start: bodyStart + lineStart, end: bodyStart + lineEnd }, detail: call ? 'port= argument' : 'assignment' });
  }
  return out;
}

/** The documented bind (see ./portdoc) of a list item (`list`) or a code line (`code`) of the document `path`; TCP when no protocol is stated. */
export function statedFact(path: string, p: StatedPort, source: 'list' | 'code', headings: string[]): DocumentedFact {
  return {
    kind: 'bind', ports: p.ports, protocol: p.protocol ?? 'tcp', service: p.service, headings, summary: false,
    location: { file: path, span: p.span }, row: { file: path, span: p.line }, source, detail: p.detail,
  };
}
