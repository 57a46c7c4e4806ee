/**
 * ufw application profiles (ufw-framework(8)): the INI files under `/etc/ufw/applications.d/`
 * that name port sets (`[Nginx Full]` with `ports=80,443/tcp`), a built-in table of the
 * profiles common packages ship, and the lookup `ufw allow 'Nginx Full'` resolves through.
 * Pure and total: other files are read only through the {@link ExtractContext}; never throws.
 */
import type { ExtractContext, ExtractResult, FileFinding, Location, PortRange, Protocol } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { listingOf } from '../context';
import { parsePortList, portProtocol, spanOf, type OffsetOf } from './ports';

/** One port set of an application profile: `80,443/tcp` gives two entries. */
export interface AppPortEntry {
  ports: PortRange;
  protocol: Protocol;
  /** Where the digits are written in the profile file; absent for built-in profiles. */
  location?: Location;
}

/** An application profile (`[Nginx Full]` with `ports=80,443/tcp`). */
export interface AppPorts {
  /** The section name, as used in `ufw allow 'Nginx Full'`. */
  name: string;
  title?: string;
  /** The `ports=` value as written, e.g. "80,443/tcp". */
  portsText: string;
  entries: AppPortEntry[];
  /** The `[Name]` header in the profile file; absent for built-in profiles. */
  location?: Location;
}

/** Resolves an application profile name; `undefined` when unknown. */
export type AppLookup = (name: string) => AppPorts | undefined;

/** Profiles shipped by common Ubuntu/Debian packages (openssh-server, nginx, apache2, postfix, dovecot). */
const BUILTIN_APPS: Readonly<Record<string, string>> = {
  OpenSSH: '22/tcp',
  'Nginx HTTP': '80/tcp',
  'Nginx HTTPS': '443/tcp',
  'Nginx Full': '80,443/tcp',
  Apache: '80/tcp',
  'Apache Secure': '443/tcp',
  'Apache Full': '80,443/tcp',
  Postfix: '25/tcp',
  'Postfix SMTPS': '465/tcp',
  'Postfix Submission': '587/tcp',
  'Dovecot IMAP': '143/tcp',
  'Dovecot Secure IMAP': '993/tcp',
  'Dovecot POP3': '110/tcp',
  'Dovecot Secure POP3': '995/tcp',
};

/** A profile from the built-in table (ports without locations); `undefined` for other names. */
export function builtinApp(name: string): AppPorts | undefined {
  const ports = BUILTIN_APPS[name];
  if (ports === undefined) return undefined;
  const entries: AppPortEntry[] = [];
  const parsed = parseAppPorts(ports, (i) => i, 0, ports.length, '');
  for (const e of parsed.entries) entries.push({ ports: e.ports, protocol: e.protocol });
  return { name, portsText: ports, entries };
}

/**
 * Parses a profile `ports=` value `s[from, to)` (ufw-framework(8)): `|`-separated port sets,
 * each `LIST[/PROTO]`, e.g. "80,443/tcp", "8443/udp|8045/tcp", "60000:61000/udp", "22".
 * A list or range needs /tcp or /udp. Locations are omitted when `file` is "".
 */
function parseAppPorts(
  s: string,
  at: OffsetOf,
  from: number,
  to: number,
  file: string,
): { entries: AppPortEntry[]; findings: FileFinding[] } {
  const entries: AppPortEntry[] = [];
  const findings: FileFinding[] = [];
  let pos = from;
  for (const part of s.slice(from, to).split('|')) {
    const a = pos;
    pos = a + part.length + 1;
    const slash = part.lastIndexOf('/');
    const portEnd = slash < 0 ? a + part.length : a + slash;
    let protocol: Protocol = 'both';
    if (slash >= 0) {
      const p = part.slice(slash + 1);
      const proto = portProtocol(p);
      if (proto === undefined || p === 'any') {
        findings.push({ rule: 'invalid-port', span: spanOf(at, a + slash + 1, a + part.length), message: `ufw profile: unknown protocol "${p}" (expected tcp or udp)` });
        continue;
      }
      protocol = proto;
    }
    const list = parsePortList(s, at, a, portEnd);
    if (!list) {
      findings.push({ rule: 'invalid-port', span: spanOf(at, a, portEnd), message: `ufw profile: "${s.slice(a, portEnd)}" is not a port, range or port list` });
      continue;
    }
    findings.push(...list.findings);
    if (list.findings.length > 0) continue;
    if (protocol === 'both' && (list.items.length > 1 || list.items.some((x) => x.ports.start !== x.ports.end))) {
      findings.push({ rule: 'invalid-port', span: spanOf(at, a, portEnd), message: `ufw profile: a port range or list needs /tcp or /udp ("${s.slice(a, portEnd)}")` });
      continue;
    }
    for (const item of list.items) {
      const e: AppPortEntry = { ports: item.ports, protocol };
      if (file !== '') e.location = { file, span: item.span };
      entries.push(e);
    }
  }
  return { entries, findings };
}

/**
 * Parses ufw application profiles (ufw-framework(8); INI read by Python's ConfigParser):
 * `[Name]` sections with `title=`, `description=` and `ports=` keys, `#`/`;` comments.
 * Returns every section that has a `ports=` key, with the port entries' locations in `path`,
 * and `invalid-port` findings for malformed `ports=` values. Never throws.
 */
export function parseAppProfiles(text: string, path: string): { profiles: AppPorts[]; findings: FileFinding[] } {
  const profiles: AppPorts[] = [];
  const findings: FileFinding[] = [];
  let current: AppPorts | undefined;
  let hasPorts = false;
  const flush = (): void => {
    if (current && hasPorts) profiles.push(current);
    current = undefined;
    hasPorts = false;
  };
  let lineStart = 0;
  for (const raw of text.split('\n')) {
    const start = lineStart;
    lineStart += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const head = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (head) {
      flush();
      const nameStart = start + line.indexOf('[') + 1;
      current = { name: head[1]!, portsText: '', entries: [], location: { file: path, span: { start: nameStart, end: nameStart + head[1]!.length } } };
      continue;
    }
    if (!current) continue;
    const kv = /^(\s*([A-Za-z_][\w.-]*)\s*[=:]\s*)(.*?)\s*$/.exec(line);
    if (!kv) continue;
    const key = kv[2]!.toLowerCase();
    const value = kv[3]!;
    const valueStart = start + kv[1]!.length;
    if (key === 'title') current.title = value;
    else if (key === 'ports') {
      hasPorts = true;
      current.portsText = value;
      const parsed = parseAppPorts(text, (i) => i, valueStart, valueStart + value.length, path);
      current.entries = parsed.entries;
      findings.push(...parsed.findings);
    }
  }
  flush();
  return { profiles, findings };
}

/**
 * An {@link AppLookup} over the workspace's `applications.d/` files. Files are read lazily on
 * the first lookup, through `ctx.read`, and each file read is appended to `dependencies`.
 */
export function workspaceAppLookup(ctx: ExtractContext, dependencies: string[]): AppLookup {
  let map: Map<string, AppPorts> | undefined;
  return (name) => {
    if (!map) {
      map = new Map();
      for (const f of listingOf(ctx).inDirNamed('applications.d')) {
        const t = ctx.read(f);
        if (t === undefined) continue;
        if (!dependencies.includes(f)) dependencies.push(f);
        for (const p of parseAppProfiles(t, f).profiles) map.set(p.name, p);
      }
    }
    return map.get(name);
  };
}

/**
 * Findings of one profile file: `invalid-port` for malformed `ports=` values. A profile
 * defines a port set but is not a rule, so the result has no facts.
 */
export function extractApplications(ctx: ExtractContext): ExtractResult {
  const r = emptyResult();
  r.findings.push(...parseAppProfiles(ctx.text, ctx.path).findings);
  return r;
}
