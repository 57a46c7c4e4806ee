/**
 * Quick fixes for Portolan's diagnostics, as plain edits. Every candidate is re-checked (see
 * ./recheck.ts): a fix is offered only when it removes its problem and the workspace reports no
 * problem the fix caused. Pure.
 *
 * - `port-conflict`: move this side, with everything linked to it, to the nearest free port.
 * - `rtcd-mismatch`: set the mention to rtcd's port, or rtcd to the mention's port; set a losing
 *   environment override to the winning value; for an ICE port published on another host port,
 *   advertise the published port (add or correct the host-port override) or make the mapping
 *   symmetric (./ice.ts).
 * - `firewall-missing`: add a `ufw allow PORT/PROTO` line to the host's ufw script, after its
 *   allow rules (after the same port's rule for the other protocol when there is one), copying
 *   that line's `sudo`, indentation and comment quoting.
 * - `firewall-stale`: delete the rule's line (not when a listener Portolan cannot see may use it).
 * - `public-exposure`: publish the port on 127.0.0.1 (short syntax, `docker run -p`, or
 *   `host_ip` in compose's long syntax).
 * - `unknown-rtcd-key`: rename to the key or variable rtcd reads.
 * - `invalid-port`: swap a reversed range.
 */
import type { PortFact, RuleId } from '../../model/facts';
import { formatRange } from '../../model/ports';
import type { PortDiagnostic } from '../../rules';
import type { Snapshot } from '../../index/workspace';
import { boundsFor, nearestFree, stackWords, whyNotFree } from './free';
import { iceHostPortFixes } from './ice';
import { linkedMentions } from './links';
import { digitsEdit, moveEdits } from './port';
import { verifyEdits, type Reanalyze } from './recheck';
import { compatible, lineAt, lineBreakOf, type TextEdit } from './text';
import { effectiveBinds, protocolCovers } from '../../index/queries';

/** One quick fix: a title for the editor, the problem it fixes and its edits. */
export interface QuickFix {
  title: string;
  rule: RuleId;
  diagnostic: PortDiagnostic;
  edits: TextEdit[];
  /** The fix an editor applies first ("preferred" in LSP). */
  preferred: boolean;
}

/** The workspace as the fixes see it. */
export interface FixContext {
  snap: Snapshot;
  /** Current text of a workspace file. */
  textOf(file: string): string | undefined;
  /** Diagnostics of the unedited workspace, with the settings `reanalyze` uses. */
  before: readonly PortDiagnostic[];
  reanalyze: Reanalyze;
}

type Candidate = Omit<QuickFix, 'rule' | 'diagnostic' | 'preferred'>;

/** Rules that have quick fixes. */
export const FIXABLE_RULES: readonly RuleId[] = ['port-conflict', 'rtcd-mismatch', 'firewall-missing', 'firewall-stale', 'public-exposure', 'unknown-rtcd-key', 'invalid-port'];

const sameSpan = (a: PortFact['location'], b: PortFact['location']) => a.file === b.file && a.span.start === b.span.start && a.span.end === b.span.end;

function factOf(snap: Snapshot, d: PortDiagnostic, pred: (f: PortFact) => boolean = () => true): PortFact | undefined {
  return snap.facts.find((f) => sameSpan(f.location, d.location) && pred(f));
}

function same(d: PortDiagnostic, e: PortDiagnostic): boolean {
  return d.rule === e.rule && sameSpan(d.location, e.location);
}

/** Moves `subject` and its linked mentions to `port`; `undefined` when the subject's own digits cannot be edited. */
function moveTo(ctx: FixContext, subject: PortFact, port: number, sharedFirewall: boolean): TextEdit[] | undefined {
  const mentions = linkedMentions(ctx.snap, subject, { sharedFirewall });
  const { edits, unwritable } = moveEdits((f) => ctx.textOf(f), mentions, subject.ports.start, port);
  if (unwritable.some((u) => u.fact === subject) || edits.length === 0) return undefined;
  return edits;
}

/** Variants of moving a bind: without, then with the firewall rules it shares with others. */
function moveVariants(ctx: FixContext, subject: PortFact, port: number): TextEdit[][] {
  const out: TextEdit[][] = [];
  for (const shared of [false, true]) {
    const e = moveTo(ctx, subject, port, shared);
    if (e && !out.some((x) => JSON.stringify(x) === JSON.stringify(e))) out.push(e);
  }
  return out;
}

function conflictFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  const subject = factOf(ctx.snap, d, (f) => f.kind === 'bind' && !f.shadowed);
  if (!subject || subject.ports.start !== subject.ports.end) return [];
  const group = new Set(linkedMentions(ctx.snap, subject).map((m) => m.fact));
  const free = nearestFree(ctx.snap, {
    place: { host: subject.host, netns: subject.netns },
    protocols: subject.protocol === 'both' ? ['tcp', 'udp'] : [subject.protocol],
    from: subject.ports.start,
    bounds: boundsFor([subject.role]),
    ignore: (b) => group.has(b),
    ownWords: stackWords(ctx.snap, subject.host).has(subject.owner.toLowerCase()) ? new Set([subject.owner.toLowerCase()]) : new Set(),
  });
  if (!free) return [];
  const title = `Move ${subject.owner}'s ${subject.detail} from ${subject.ports.start} to ${free.port}, the nearest free port`;
  return [moveVariants(ctx, subject, free.port).map((edits) => ({ title: withCount(title, edits), edits }))];
}

function withCount(title: string, edits: readonly TextEdit[]): string {
  const files = new Set(edits.map((e) => e.file)).size;
  return edits.length > 1 ? `${title} (${edits.length} changes in ${files} file${files === 1 ? '' : 's'})` : title;
}

function mismatchFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  const { snap } = ctx;
  const out: Candidate[][] = [];
  if (d.data?.['fix'] === 'ice-host-port') return iceHostPortFixes(ctx, d);
  if (/ is overridden by /.test(d.message) && d.related.length === 1) {
    const loser = d.location;
    const winner = d.related[0]!.location;
    const value = ctx.textOf(winner.file)?.slice(winner.span.start, winner.span.end);
    if (value !== undefined && !/[\r\n]/.test(value)) out.push([{ title: `Set this override to "${value}", the value that takes effect`, edits: [{ file: loser.file, span: { ...loser.span }, newText: value }] }]);
    return out;
  }
  const mention = factOf(snap, d, (f) => f.kind === 'reference');
  if (!mention || mention.ports.start !== mention.ports.end) return out;
  const rtcdBinds = effectiveBinds(snap).filter((b) => b.role === 'rtcd-api' || b.role === 'rtcd-ice-udp' || b.role === 'rtcd-ice-tcp');
  let targets: PortFact[];
  if (mention.publishedBy) {
    targets = rtcdBinds.filter((b) => b.netns === mention.netns && b.host === mention.host && protocolCovers(mention.protocol, b.protocol));
  } else {
    const expected = new Set((d.data?.['expected'] as number[] | undefined) ?? []);
    targets = rtcdBinds.filter((b) => b.role === 'rtcd-api' && expected.has(b.ports.start));
  }
  const seen = new Set<number>();
  for (const t of targets) {
    if (seen.has(t.ports.start)) continue;
    seen.add(t.ports.start);
    const e = digitsEdit((f) => ctx.textOf(f), mention, mention.ports.start, t.ports.start, 'set to rtcd\'s port');
    if ('edit' in e) out.push([{ title: `Set this port to ${t.ports.start}, ${t.role === 'rtcd-api' ? "rtcd's API port" : "rtcd's media port"}`, edits: [e.edit] }]);
  }
  // Or move rtcd to the mention's port, when that port is free for rtcd.
  if (!mention.publishedBy && targets.length > 0) {
    const api = targets[0]!;
    const group = new Set(linkedMentions(snap, api).map((m) => m.fact));
    const why = whyNotFree(snap, { place: { host: api.host, netns: api.netns }, protocols: ['tcp'], from: api.ports.start, bounds: boundsFor([api.role]), ignore: (b) => group.has(b), ownWords: new Set(['rtcd']) }, mention.ports.start);
    if (!why) {
      out.push(moveVariants(ctx, api, mention.ports.start).map((edits) => ({ title: withCount(`Set rtcd's API port to ${mention.ports.start}, this mention's port`, edits), edits })));
    }
  }
  return out;
}

/** A line holding exactly one ufw command, nothing chained or continued. */
const SIMPLE_UFW = /^([ \t]*)((?:sudo[ \t]+)?)ufw[ \t]+(allow|limit|deny|reject)[ \t]+([^;&|\\`$]*)$/;

function simpleUfwLine(text: string, offset: number): { line: ReturnType<typeof lineAt>; m: RegExpExecArray } | undefined {
  const line = lineAt(text, offset);
  const m = SIMPLE_UFW.exec(text.slice(line.span.start, line.span.end));
  if (!m) return undefined;
  const prev = line.span.start > 0 ? lineAt(text, line.span.start - 1) : undefined;
  if (prev && /\\$/.test(text.slice(prev.span.start, prev.span.end))) return undefined;
  return { line, m };
}

function swapProtocolWords(s: string, from: string, to: string): string {
  return s.replace(new RegExp(`\\b${from}\\b`, 'gi'), (w) => (w === w.toUpperCase() ? to.toUpperCase() : w[0] === w[0]!.toUpperCase() ? to[0]!.toUpperCase() + to.slice(1) : to));
}

function commentLabel(b: PortFact, proto: string): string {
  switch (b.role) {
    case 'rtcd-ice-udp':
    case 'rtcd-ice-tcp': return `rtcd media ${proto.toUpperCase()}`;
    case 'rtcd-api': return 'rtcd API';
    case 'calls-udp':
    case 'calls-tcp': return `Calls RTC ${proto.toUpperCase()}`;
    default: return `${b.owner} ${b.detail}`.replace(/['"\\$`]/g, '');
  }
}

function firewallMissingFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  const { snap } = ctx;
  const b = factOf(snap, d, (f) => f.kind === 'bind');
  const proto = d.data?.['protocol'];
  if (!b || (proto !== 'tcp' && proto !== 'udp')) return [];
  const scripts = snap.facts.filter((f) => f.kind === 'firewall' && f.host === b.host && f.format === 'shell' && f.firewall?.firewall === 'ufw' && (f.firewall.action === 'allow' || f.firewall?.action === 'limit') && f.firewall.direction === 'in');
  if (scripts.length === 0) return [];
  const file = scripts.find((f) => f.location.file === d.data?.['rulesFile'])?.location.file ?? scripts[0]!.location.file;
  const inFile = scripts.filter((f) => f.location.file === file).sort((x, y) => x.location.span.start - y.location.span.start);
  const text = ctx.textOf(file);
  if (text === undefined) return [];
  const sibling = [...inFile].reverse().find((f) => f.ports.start === b.ports.start && f.ports.end === b.ports.end && f.protocol !== proto);
  const anchor = sibling ?? inFile[inFile.length - 1]!;
  const at = simpleUfwLine(text, anchor.location.span.start);
  if (!at) return [];
  const [, indent, sudo, , args] = at.m;
  const port = formatRange(b.ports).replace('-', ':');
  const classic = /^\d+(?::\d+)?\/(tcp|udp)\b/.test(args!) || /^\d+(?::\d+)?(\s|$)/.test(args!);
  const rule = classic ? `${port}/${proto}` : `proto ${proto} to any port ${port}`;
  const cm = /\bcomment[ \t]+(['"])((?:(?!\1).)*)\1/.exec(args!);
  let comment = '';
  if (cm) {
    const q = cm[1]!;
    const textOfComment = sibling ? swapProtocolWords(cm[2]!, sibling.protocol === 'udp' ? 'udp' : 'tcp', proto) : commentLabel(b, proto);
    comment = ` comment ${q}${textOfComment.split(q).join('')}${q}`;
  }
  const lb = lineBreakOf(text);
  const newLine = `${indent}${sudo}ufw allow ${rule}${comment}`;
  const edit: TextEdit = at.line.break.end > at.line.span.end
    ? { file, span: { start: at.line.break.end, end: at.line.break.end }, newText: newLine + lb, label: 'ufw rule' }
    : { file, span: { start: at.line.span.end, end: at.line.span.end }, newText: lb + newLine, label: 'ufw rule' };
  return [[{ title: `Add "ufw allow ${rule}" to ${snap.display(file)}`, edits: [edit] }]];
}

function firewallStaleFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  // A rule a listener Portolan cannot see may need is not deleted for the user.
  if (d.data?.['unseen'] !== undefined) return [];
  const r = factOf(ctx.snap, d, (f) => f.kind === 'firewall');
  if (!r || r.format !== 'shell' || r.firewall?.firewall !== 'ufw') return [];
  const text = ctx.textOf(r.location.file);
  if (text === undefined) return [];
  const at = simpleUfwLine(text, r.location.span.start);
  if (!at) return [];
  // One fact per line only: a rule line that allows several ports keeps the others.
  const others = ctx.snap.facts.filter((f) => f !== r && f.location.file === r.location.file && f.location.span.start >= at.line.span.start && f.location.span.start <= at.line.span.end);
  if (others.length > 0) return [];
  return [[{ title: `Remove the stale rule "${text.slice(at.line.span.start, at.line.span.end).trim()}"`, edits: [{ file: r.location.file, span: { start: at.line.span.start, end: at.line.break.end }, newText: '', label: 'ufw rule' }] }]];
}

function exposureFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  if (d.data?.['fix'] !== 'loopback') return [];
  // In a guide (rules/docs.ts guideDiagnostics) the bind is in the setup's own snapshot; the diagnostic is on its Markdown digits.
  const fact = factOf(ctx.snap, d, (f) => f.kind === 'bind');
  const b = fact ?? (d.data?.['guide'] === true ? { location: d.location, ports: undefined } : undefined);
  if (!b) return [];
  const file = b.location.file;
  const text = ctx.textOf(file);
  if (text === undefined) return [];
  const line = lineAt(text, b.location.span.start);
  const before = text.slice(line.span.start, b.location.span.start);
  const title = `Publish ${b.ports ? formatRange(b.ports) : text.slice(b.location.span.start, b.location.span.end)} on 127.0.0.1 only`;
  const ip = /(0\.0\.0\.0|\[::\]|::):$/.exec(before);
  if (ip) {
    const start = b.location.span.start - ip[0].length;
    return [[{ title, edits: [{ file, span: { start, end: start + ip[1]!.length }, newText: '127.0.0.1', label: 'loopback' }] }]];
  }
  const long = /^([ \t]*)(-[ \t]+)?published:[ \t]*['"]?$/.exec(before);
  if (long) {
    const indent = long[1]! + (long[2] ? ' '.repeat(long[2].length) : '');
    const lb = lineBreakOf(text);
    const edit: TextEdit = line.break.end > line.span.end
      ? { file, span: { start: line.break.end, end: line.break.end }, newText: `${indent}host_ip: 127.0.0.1${lb}`, label: 'loopback' }
      : { file, span: { start: line.span.end, end: line.span.end }, newText: `${lb}${indent}host_ip: 127.0.0.1`, label: 'loopback' };
    return [[{ title, edits: [edit] }]];
  }
  if (/(^|[\s'"=])$/.test(before)) return [[{ title, edits: [{ file, span: { start: b.location.span.start, end: b.location.span.start }, newText: '127.0.0.1:', label: 'loopback' }] }]];
  return [];
}

function unknownKeyFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  const suggestion = d.data?.['suggestion'];
  if (typeof suggestion !== 'string') return [];
  const { file, span } = d.location;
  const written = ctx.textOf(file)?.slice(span.start, span.end);
  if (written === undefined || written === '') return [];
  let newText = suggestion;
  if (ctx.snap.files.get(file)?.format === 'rtcd-toml' || suggestion.includes('.')) {
    // A TOML key is written relative to its table: rename only within the same table.
    const full = /does not read "([^"]+)"/.exec(d.message)?.[1];
    if (!full || !full.endsWith(written) || !/^[A-Za-z0-9_.-]+$/.test(written)) return [];
    const prefix = full.slice(0, full.length - written.length);
    if (!suggestion.startsWith(prefix)) return [];
    newText = suggestion.slice(prefix.length);
  }
  return [[{ title: `Rename to ${newText}`, edits: [{ file, span: { ...span }, newText, label: 'rtcd key' }] }]];
}

function invalidPortFixes(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  const { file, span } = d.location;
  const written = ctx.textOf(file)?.slice(span.start, span.end);
  const m = written ? /^(\d+)([-:])(\d+)$/.exec(written) : null;
  if (!m || Number(m[1]) <= Number(m[3])) return [];
  const swapped = `${m[3]}${m[2]}${m[1]}`;
  return [[{ title: `Swap the range to ${swapped}`, edits: [{ file, span: { ...span }, newText: swapped, label: 'port range' }] }]];
}

/** Candidate fixes of a diagnostic, before re-checking: groups of alternatives (the first that passes is offered). */
function candidates(ctx: FixContext, d: PortDiagnostic): Candidate[][] {
  switch (d.rule) {
    case 'port-conflict': return conflictFixes(ctx, d);
    case 'rtcd-mismatch': return mismatchFixes(ctx, d);
    case 'firewall-missing': return firewallMissingFixes(ctx, d);
    case 'firewall-stale': return firewallStaleFixes(ctx, d);
    case 'public-exposure': return exposureFixes(ctx, d);
    case 'unknown-rtcd-key': return unknownKeyFixes(ctx, d);
    case 'invalid-port': return invalidPortFixes(ctx, d);
    default: return [];
  }
}

/** True when the edits remove `d` and cause no new problem. */
function passes(ctx: FixContext, d: PortDiagnostic, edits: readonly TextEdit[]): boolean {
  try {
    const v = verifyEdits(ctx.before, edits, (f) => ctx.textOf(f), ctx.reanalyze);
    return v.caused.length === 0 && v.resolved.some((r) => same(r, d));
  } catch {
    return false;
  }
}

/**
 * The diagnostics of `file` whose rule has quick fixes ({@link FIXABLE_RULES}) and whose span
 * touches the offsets `from`..`to` (UTF-16, inclusive at both ends, so a cursor right after the
 * digits still counts), in the order of `diagnostics`.
 */
export function fixableIn(diagnostics: readonly PortDiagnostic[], file: string, from: number, to: number): PortDiagnostic[] {
  return diagnostics.filter((d) => d.location.file === file && FIXABLE_RULES.includes(d.rule) && d.location.span.start <= to && d.location.span.end >= from);
}

/**
 * The quick fixes offered for one diagnostic: each candidate that removes the problem and
 * causes none (see ./recheck.ts), the first one preferred. Never throws; a diagnostic without a
 * clear fix gets none.
 */
export function quickFixes(ctx: FixContext, d: PortDiagnostic): QuickFix[] {
  const out: QuickFix[] = [];
  let cands: Candidate[][];
  try {
    cands = candidates(ctx, d);
  } catch {
    return out;
  }
  for (const alternatives of cands) {
    const ok = alternatives.find((c) => passes(ctx, d, c.edits));
    if (ok) out.push({ ...ok, rule: d.rule, diagnostic: d, preferred: out.length === 0 });
  }
  return out;
}

/**
 * Fix-all for one file (and one rule, when given): takes each diagnostic's preferred fix in
 * order and keeps it when it does not overlap the fixes kept so far and the combination still
 * causes no problem. Returns the combined edits and the diagnostics they fix.
 */
export function fixAll(ctx: FixContext, file: string, rule?: RuleId): { edits: TextEdit[]; fixed: PortDiagnostic[] } {
  let edits: TextEdit[] = [];
  const fixed: PortDiagnostic[] = [];
  for (const d of ctx.before) {
    if (d.location.file !== file || (rule !== undefined && d.rule !== rule) || !FIXABLE_RULES.includes(d.rule)) continue;
    const fix = quickFixes(ctx, d)[0];
    if (!fix || !compatible(edits, fix.edits)) continue;
    const next = [...edits, ...fix.edits];
    let ok = false;
    try {
      const v = verifyEdits(ctx.before, next, (f) => ctx.textOf(f), ctx.reanalyze);
      ok = v.caused.length === 0 && [d, ...fixed].every((x) => v.resolved.some((r) => same(r, x)));
    } catch {
      ok = false;
    }
    if (ok) {
      edits = next;
      fixed.push(d);
    }
  }
  return { edits, fixed };
}
