/**
 * Reads the live machine's sockets for the core's live check: Linux `/proc/net/{tcp,tcp6,udp,udp6}`
 * parsed by core/live.ts, and the owning process of each socket found by walking
 * `/proc/<pid>/fd` symlinks (`socket:[inode]`) and reading `/proc/<pid>/comm`. Processes of
 * other users are invisible without privileges; their sockets keep no process ("unknown process").
 * Nothing is executed: no `ss`, no `netstat`, nothing from the workspace. Runs where the
 * language server or CLI runs, so under VS Code Remote it sees the remote machine.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { endianness } from 'node:os';
import { parseProcNet, type LiveSocket } from '../core/features/live';

/** The machine's sockets, or why they cannot be read. */
export type LiveSockets = { sockets: LiveSocket[] } | { unavailable: string };

/** `socket inode -> process` for every process whose fd table this user may read. */
function socketOwners(procRoot: string): Map<number, { pid: number; name: string }> {
  const owners = new Map<number, { pid: number; name: string }>();
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    let name: string | undefined;
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (!m) continue;
      if (name === undefined) {
        try {
          name = readFileSync(`${procRoot}/${pid}/comm`, 'utf8').trim();
        } catch {
          name = '';
        }
      }
      if (!owners.has(Number(m[1]))) owners.set(Number(m[1]), { pid: Number(pid), name: name || 'unknown' });
    }
  }
  return owners;
}

/**
 * Reads every bound TCP and UDP socket (IPv4 and IPv6) of this machine, with its process where
 * visible. `procRoot` defaults to `/proc`. Returns `unavailable` with a reason on systems without
 * `/proc/net` (macOS, Windows). Synchronous and quick (a few ms on a workstation); never throws.
 */
export function readLiveSockets(procRoot = '/proc'): LiveSockets {
  const sockets: LiveSocket[] = [];
  let read = 0;
  const little = endianness() === 'LE';
  for (const [file, proto] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']] as const) {
    try {
      sockets.push(...parseProcNet(readFileSync(`${procRoot}/net/${file}`, 'utf8'), proto, little));
      read++;
    } catch {
      // tcp6/udp6 are absent when IPv6 is disabled
    }
  }
  if (read === 0) return { unavailable: `${procRoot}/net is not readable on this system (the live check needs Linux's /proc)` };
  const owners = socketOwners(procRoot);
  for (const s of sockets) {
    const p = owners.get(s.inode);
    if (p) s.process = p;
  }
  return { sockets };
}
