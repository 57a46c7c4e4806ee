/**
 * The live machine, as data: parsing Linux's `/proc/net/{tcp,tcp6,udp,udp6}` tables (format:
 * linux/net/ipv4/tcp_ipv4.c `get_tcp4_sock`, udp.c `udp4_format_sock`, and their IPv6
 * twins; documented in proc(5)) and comparing the sockets with the configured binds of a
 * snapshot. Pure: the Node host (server/src/node/live.ts) reads the files and the process
 * table and hands the text here.
 */
import { isLoopback, isWildcard } from '../model/addresses';
import type { PortFact } from '../model/facts';
import { formatRange } from '../model/ports';
import { isDockerPublished } from '../index/listeners';
import type { Snapshot } from '../index/workspace';
import { effectiveBinds, protocolsOverlap } from '../index/queries';

/** A bound socket of the machine. `port` is 1-65535; `address` is dotted IPv4 or compressed-enough IPv6. */
export interface LiveSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  /** TCP: true in state LISTEN. UDP: true when unconnected (state 07), i.e. a server socket. */
  listening: boolean;
  inode: number;
  uid: number;
  /** The process holding the socket, when the OS let us see it. */
  process?: { pid: number; name: string };
}

function ipv4(hex: string, littleEndian: boolean): string {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return (littleEndian ? bytes.reverse() : bytes).join('.');
}

function ipv6(hex: string, littleEndian: boolean): string {
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    let chunk = hex.slice(w * 8, w * 8 + 8);
    if (littleEndian) chunk = chunk.match(/../g)!.reverse().join('');
    words.push(chunk.slice(0, 4), chunk.slice(4, 8));
  }
  const groups = words.map((g) => parseInt(g, 16).toString(16));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    const v4 = words.slice(6).join('');
    return `::ffff:${[0, 2, 4, 6].map((i) => parseInt(v4.slice(i, i + 2), 16)).join('.')}`;
  }
  const full = groups.join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  return full;
}

/**
 * Parses one `/proc/net/tcp|tcp6|udp|udp6` table. `littleEndian` says how the kernel printed
 * the 32-bit address words (true on x86 and ARM). Header and malformed lines are skipped; never
 * throws. Ports are printed in network order and read as they are.
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp', littleEndian = true): LiveSocket[] {
  const out: LiveSocket[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || !/^\d+:$/.test(cols[0]!)) continue;
    const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(cols[1]!);
    if (!m) continue;
    const port = parseInt(m[2]!, 16);
    if (port === 0) continue;
    const state = cols[3]!.toUpperCase();
    const address = m[1]!.length === 8 ? ipv4(m[1]!, littleEndian) : ipv6(m[1]!, littleEndian);
    out.push({ protocol, address, port, listening: protocol === 'tcp' ? state === '0A' : state === '07', inode: Number(cols[9]), uid: Number(cols[7]) });
  }
  return out;
}

/** A configured bind and the sockets of other processes that already hold its port. */
export interface TakenBind {
  fact: PortFact;
  sockets: LiveSocket[];
}

/** What {@link liveReport} finds. */
export interface LiveReport {
  /** Configured binds whose port a process that is not their owner already holds (or whose holder is unknown). */
  taken: TakenBind[];
  /** Configured binds whose port is held by their owner (running as configured). */
  running: TakenBind[];
  /** Listening sockets no configured bind declares, sorted by protocol and port. */
  undeclared: LiveSocket[];
}

function words(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3);
}

/** Process names that count as the owner of a bind: its owner, workload name, program and image words; `docker-proxy` for Docker-published ports. */
export function ownerNames(snap: Snapshot, f: PortFact): string[] {
  const w = snap.workloads.find((x) => x.instance === f.instance);
  const names = [f.owner, ...(w ? [w.name, w.program ?? '', w.image ?? ''] : [])].flatMap(words);
  if (f.format === 'nginx') names.push('nginx');
  if (f.format === 'rtcd-toml') names.push('rtcd');
  if (f.format === 'mattermost-json') names.push('mattermost');
  if (isDockerPublished(snap, f)) names.push('docker-proxy', 'dockerd');
  return [...new Set(names)];
}

function heldBy(names: readonly string[], s: LiveSocket): boolean {
  const p = s.process?.name.toLowerCase();
  if (!p) return false;
  return names.some((n) => n === p || (Math.min(n.length, p.length) >= 4 && (p.startsWith(n) || n.startsWith(p))));
}

function socketMatches(f: PortFact, s: LiveSocket): boolean {
  if (s.port < f.ports.start || s.port > f.ports.end || !protocolsOverlap(f.protocol, s.protocol)) return false;
  if (isWildcard(f.address) || isWildcard(s.address)) return true;
  const a = f.address!.replace(/^\[|\]$/g, '').toLowerCase();
  if (a === 'localhost') return isLoopback(s.address);
  return a === s.address || s.address === `::ffff:${a}`;
}

/**
 * Compares the machine's sockets with the configured binds that live in the host's network
 * namespace (host binds and Docker-published ports; container-internal ports are not on the
 * machine's tables). `host` limits the check to one host of the workspace (default: all).
 */
export function liveReport(snap: Snapshot, sockets: readonly LiveSocket[], host?: string): LiveReport {
  const binds = effectiveBinds(snap).filter((f) => f.netns === undefined && f.format !== 'markdown' && (host === undefined || f.host === host));
  const taken: TakenBind[] = [];
  const running: TakenBind[] = [];
  for (const f of binds) {
    const holders = sockets.filter((s) => socketMatches(f, s));
    if (holders.length === 0) continue;
    const names = ownerNames(snap, f);
    const others = holders.filter((s) => !heldBy(names, s));
    if (others.length > 0) taken.push({ fact: f, sockets: others });
    else running.push({ fact: f, sockets: holders });
  }
  const undeclared = sockets
    .filter((s) => s.listening && !binds.some((f) => s.port >= f.ports.start && s.port <= f.ports.end && protocolsOverlap(f.protocol, s.protocol)))
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port || a.address.localeCompare(b.address));
  return { taken, running, undeclared };
}

/** "nginx (pid 812)" or "an unknown process (uid 0; not visible to this user)". */
export function holderLabel(s: LiveSocket): string {
  return s.process ? `${s.process.name} (pid ${s.process.pid})` : `an unknown process (uid ${s.uid}; not visible to this user)`;
}

/** "127.0.0.1:8080/tcp", "[::1]:53/udp". */
export function socketLabel(s: LiveSocket): string {
  return `${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}/${s.protocol}`;
}

/** One line for a bind: "8443/udp (rtcd, etc/rtcd/config.toml:7) is taken by nginx (pid 812) on 0.0.0.0:8443/udp". */
export function takenLine(snap: Snapshot, t: TakenBind): string {
  const proto = t.fact.protocol === 'both' ? 'tcp+udp' : t.fact.protocol;
  return `${formatRange(t.fact.ports)}/${proto} (${t.fact.owner}, ${snap.where(t.fact.location)}) is taken by ${t.sockets.map((s) => `${holderLabel(s)} on ${socketLabel(s)}`).join(', ')}`;
}
