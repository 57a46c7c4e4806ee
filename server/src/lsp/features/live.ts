/**
 * The live machine: the `portolan/live` request (client → server) compares the sockets of the
 * machine the server runs on (Linux `/proc/net`, read by ../../node/live.ts; nothing is
 * executed) with the configured binds; {@link liveHoverLine} is the hover's line about a bind.
 * The comparison is the core's (core/features/live.ts).
 */
import { factsAt } from '../../core/features/hover';
import { holderLabel, liveReport, socketLabel, takenLine } from '../../core/features/live';
import type { Snapshot } from '../../core/index/workspace';
import { readLiveSockets } from '../../node/live';
import { pathToUri } from '../convert';
import { guard } from '../guard';
import { LiveRequest, type LiveResult } from '../protocol';
import type { Feature } from './feature';

/** The live report as the `portolan/live` request returns it. */
export function liveResult(snap: Snapshot): LiveResult {
  const r = readLiveSockets();
  if ('unavailable' in r) return { available: false, reason: r.unavailable, taken: [], undeclared: [] };
  const rep = liveReport(snap, r.sockets);
  return {
    available: true,
    taken: rep.taken.map((t) => ({ message: takenLine(snap, t), uri: pathToUri(t.fact.location.file), line: snap.lineOf(t.fact.location) })),
    undeclared: rep.undeclared.map((s) => `${socketLabel(s)}  ${holderLabel(s)}`),
  };
}

/** A Markdown line for hover: who holds the hovered bind's port (UTF-16 `offset` in `path`) on this machine, or that it is free; `undefined` off a bind. */
export function liveHoverLine(snap: Snapshot, path: string, offset: number): string | undefined {
  const f = factsAt(snap, path, offset).find((x) => x.kind === 'bind' && x.netns === undefined);
  if (!f) return undefined;
  const r = readLiveSockets();
  if ('unavailable' in r) return `Live: ${r.unavailable}`;
  const rep = liveReport(snap, r.sockets);
  const taken = rep.taken.find((t) => t.fact.id === f.id);
  if (taken) return `Live: **taken** by ${taken.sockets.map((s) => `${holderLabel(s)} on ${socketLabel(s)}`).join(', ')}`;
  const running = rep.running.find((t) => t.fact.id === f.id);
  if (running) return `Live: held by its owner, ${running.sockets.map(holderLabel).join(', ')}`;
  return 'Live: free on this machine';
}

const LIVE_FAILED: LiveResult = { available: false, reason: 'the live check failed; see the Portolan output', taken: [], undeclared: [] };

export const live: Feature = {
  name: 'live',
  capabilities: {},
  register(session, connection) {
    connection.onRequest(LiveRequest, guard(connection, 'live', LIVE_FAILED, () => liveResult(session.snapshot())));
  },
};
