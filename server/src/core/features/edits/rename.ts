/**
 * Rename a port (F2), "Find All References" and "Go to Definition" over the links of
 * ./links.ts. Pure: positions are UTF-16 offsets, results are core locations and edits.
 */
import type { Location, PortFact, Span } from '../../model/facts';
import { rangesOverlap } from '../../model/ports';
import type { Snapshot } from '../../index/workspace';
import { boundsFor, heldMessage, holdersOf } from './free';
import { anchorBinds, factAt, linkedMentions, resolveReference, type LinkedMention } from './links';
import { moveEdits } from './port';
import type { TextEdit } from './text';

/** What can be renamed at a position: the span to edit in the requested file, the current port and everything linked. */
export interface RenameTarget {
  subject: PortFact;
  /** In the requested file: the mention's digits (or the `${VAR}` that yields them). */
  span: Span;
  port: number;
  mentions: LinkedMention[];
}

/**
 * The port at `offset` of `file` and what is linked to it, or an error saying why it cannot be
 * renamed (no port there, a range, or a default that is written nowhere).
 */
export function prepareRename(snap: Snapshot, file: string, offset: number): RenameTarget | { error: string } {
  const f = factAt(snap, file, offset);
  if (!f) return { error: 'No port mention here.' };
  if (f.ports.start !== f.ports.end) return { error: `${f.ports.start}-${f.ports.end} is a port range; only single ports can be renamed.` };
  if (f.derivation.kind === 'default' || (f.derivation.kind === 'interpolation' && f.derivation.source === 'unset')) {
    return { error: `${f.ports.start} is a default that is written nowhere; write the port first.` };
  }
  const span = f.location.file === file ? f.location.span : f.valueLocation.span;
  return { subject: f, span: { ...span }, port: f.ports.start, mentions: linkedMentions(snap, f) };
}

/**
 * Renames the port at `offset` of `file` to `newName` (decimal digits): edits of every linked
 * mention's digits and of the port numbers in linked ufw comments. Refused, with the reason, when
 * the new port is not a number, is out of range (rtcd and Calls ports [80, 49151], others
 * [1, 65535]) or is bound by something else on the host.
 */
export function renamePort(snap: Snapshot, textOf: (file: string) => string | undefined, file: string, offset: number, newName: string): { edits: TextEdit[]; mentions: LinkedMention[] } | { error: string } {
  const t = prepareRename(snap, file, offset);
  if ('error' in t) return t;
  const trimmed = newName.trim();
  if (!/^\d{1,6}$/.test(trimmed)) return { error: `"${newName}" is not a port number.` };
  const port = Number(trimmed);
  const bounds = boundsFor(t.mentions.map((m) => m.fact.role));
  if (port < bounds.min || port > bounds.max) return { error: `${port} is outside [${bounds.min}, ${bounds.max}], the ports ${bounds.max === 65535 ? 'TCP and UDP allow' : 'rtcd and the Calls plugin accept'}.` };
  if (port === t.port) return { edits: [], mentions: t.mentions };
  const moving = new Set(t.mentions.map((m) => m.fact));
  for (const b of t.mentions.map((m) => m.fact).filter((f) => f.kind === 'bind' && !f.shadowed)) {
    const held = holdersOf(snap, { host: b.host, netns: b.netns }, port, b.protocol, (x) => moving.has(x));
    if (held.length > 0) return { error: `Port ${heldMessage(snap, port, held)}.` };
  }
  const { edits, unwritable } = moveEdits(textOf, t.mentions, t.port, port);
  const own = unwritable.find((u) => u.fact === t.subject);
  if (own) return { error: own.reason };
  return { edits, mentions: t.mentions };
}

/** Where "Go to Definition" leads from the mention at `offset`: the binds a reference resolves to, or that a firewall rule opens. */
export function definitionsAt(snap: Snapshot, file: string, offset: number): Location[] {
  const f = factAt(snap, file, offset);
  if (!f || f.kind === 'bind') return [];
  const binds = f.kind === 'reference' && !f.publishedBy ? resolveReference(snap, f) : anchorBinds(snap, f);
  return binds.map((b) => b.location);
}

/**
 * "Find All References" from the mention at `offset`: every linked mention (see
 * {@link linkedMentions}), each at its mention and, when the digits are written elsewhere (a
 * `.env` entry), there too. Binds count as declarations and are left out unless asked for.
 */
export function referencesAt(snap: Snapshot, file: string, offset: number, includeDeclaration: boolean): Location[] {
  const f = factAt(snap, file, offset);
  if (!f) return [];
  const out: Location[] = [];
  const add = (l: Location) => {
    if (!out.some((o) => o.file === l.file && rangesOverlap({ start: o.span.start, end: o.span.end - 1 }, { start: l.span.start, end: l.span.end - 1 }))) out.push(l);
  };
  for (const m of linkedMentions(snap, f)) {
    if (m.fact.kind === 'bind' && !includeDeclaration) continue;
    add(m.fact.location);
    if (m.fact.derivation.kind !== 'default') add(m.fact.valueLocation);
  }
  return out;
}
