/**
 * ufw (Uncomplicated Firewall): rule commands (`ufw allow 8443/udp`), the rule store
 * `/etc/ufw/user.rules` / `user6.rules`, and application profiles in
 * `/etc/ufw/applications.d/`.
 *
 * Grammar references: ufw(8) (command syntax, simple and extended rule forms) and
 * ufw-framework(8) (application profiles). Pure: no I/O beyond {@link ExtractContext}.
 */
import type {
  Derivation,
  Detection,
  ExtractContext,
  ExtractedFact,
  ExtractResult,
  FileFinding,
  FirewallAction,
  FirewallRule,
  FormatModule,
  Location,
  PortRange,
  Protocol,
  ShellWord,
  Span,
} from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { isValidPort } from '../../model/ports';
import { basename } from '../../model/paths';
import { listingOf } from '../context';

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

/** True when `words` (already through `commandWords`) start a ufw command. */
export function isUfwCommand(words: ShellWord[]): boolean {
  const v = words[0]?.value;
  return v === 'ufw' || (v !== undefined && v.endsWith('/ufw'));
}

/** Result of {@link ufwCommandFacts}. */
export interface UfwCommandResult {
  facts: ExtractedFact[];
  findings: FileFinding[];
}

const ACTIONS: readonly string[] = ['allow', 'deny', 'reject', 'limit'];

/**
 * Small excerpt of /etc/services (Debian netbase) for names people use with ufw. A name
 * listed for both tcp and udp gives `both`, as ufw does.
 */
const SERVICES: Readonly<Record<string, { port: number; protocol: Protocol }>> = {
  ftp: { port: 21, protocol: 'tcp' },
  ssh: { port: 22, protocol: 'tcp' },
  telnet: { port: 23, protocol: 'tcp' },
  smtp: { port: 25, protocol: 'tcp' },
  domain: { port: 53, protocol: 'both' },
  http: { port: 80, protocol: 'tcp' },
  www: { port: 80, protocol: 'tcp' },
  pop3: { port: 110, protocol: 'tcp' },
  ntp: { port: 123, protocol: 'udp' },
  imap: { port: 143, protocol: 'tcp' },
  imap2: { port: 143, protocol: 'tcp' },
  snmp: { port: 161, protocol: 'both' },
  ldap: { port: 389, protocol: 'tcp' },
  https: { port: 443, protocol: 'tcp' },
  submissions: { port: 465, protocol: 'tcp' },
  smtps: { port: 465, protocol: 'tcp' },
  submission: { port: 587, protocol: 'tcp' },
  ldaps: { port: 636, protocol: 'tcp' },
  imaps: { port: 993, protocol: 'tcp' },
  pop3s: { port: 995, protocol: 'tcp' },
  openvpn: { port: 1194, protocol: 'both' },
  mysql: { port: 3306, protocol: 'tcp' },
  postgresql: { port: 5432, protocol: 'tcp' },
  'http-alt': { port: 8080, protocol: 'tcp' },
};

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

/** One port or range in a port list, with the span of its text. */
interface PortItem {
  ports: PortRange;
  span: Span;
}

/** Maps an index of a parsed string to its source offset. */
type OffsetOf = (i: number) => number;

function spanOf(at: OffsetOf, from: number, to: number): Span {
  return to <= from ? { start: at(from), end: at(from) } : { start: at(from), end: at(to - 1) + 1 };
}

/**
 * Parses a ufw port list `s[from, to)`: ports and `a:b` ranges separated by commas
 * (ufw(8): "8000:8010", "80,443"). Returns `undefined` when the text is not port-shaped (a
 * service or profile name). Otherwise the items plus `invalid-port` findings for ports out of
 * 1-65535, reversed ranges and malformed lists.
 */
function parsePortList(
  s: string,
  at: OffsetOf,
  from: number,
  to: number,
): { items: PortItem[]; findings: FileFinding[] } | undefined {
  const text = s.slice(from, to);
  if (!/^[\d:,]+$/.test(text) || !/\d/.test(text)) return undefined;
  const items: PortItem[] = [];
  const findings: FileFinding[] = [];
  let pos = from;
  for (const part of text.split(',')) {
    const a = pos;
    const b = pos + part.length;
    pos = b + 1;
    const span = spanOf(at, a, b);
    const m = /^(\d{1,9})(?::(\d{1,9}))?$/.exec(part);
    if (!m) {
      findings.push({ rule: 'invalid-port', span: spanOf(at, from, to), message: `ufw: malformed port list "${text}" (expected PORT, PORT:PORT or a comma-separated list, ufw(8))` });
      return { items: [], findings };
    }
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    let ok = true;
    if (!isValidPort(start)) {
      const len = m[1]!.length;
      findings.push({ rule: 'invalid-port', span: spanOf(at, a, a + len), message: `ufw: port ${m[1]} is outside 1-65535` });
      ok = false;
    }
    if (m[2] !== undefined && !isValidPort(end)) {
      findings.push({ rule: 'invalid-port', span: spanOf(at, b - m[2].length, b), message: `ufw: port ${m[2]} is outside 1-65535` });
      ok = false;
    }
    if (ok && start > end) {
      findings.push({ rule: 'invalid-port', span, message: `ufw: port range ${part} is reversed (ufw requires start <= end, e.g. ${end}:${start})` });
      ok = false;
    }
    if (ok) items.push({ ports: { start, end }, span });
  }
  return { items, findings };
}

/** Maps ufw's protocol word to the model; `undefined` for protocols that cannot carry ports. */
function portProtocol(word: string): Protocol | undefined {
  if (word === 'tcp' || word === 'udp') return word;
  if (word === 'any') return 'both';
  return undefined;
}

const KNOWN_PROTOCOLS: readonly string[] = ['tcp', 'udp', 'any', 'ah', 'esp', 'gre', 'ipv6', 'igmp'];

function wordAt(word: ShellWord): OffsetOf {
  return (i) => (i < word.offsets.length ? word.offsets[i]! : word.span.end);
}

function builtinApp(name: string): AppPorts | undefined {
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

interface RuleShape {
  action: FirewallAction;
  route: boolean;
  direction: 'in' | 'out';
  from?: string;
  to?: string;
  comment?: string;
  protocol?: Protocol;
  protoWord?: ShellWord;
}

/**
 * Facts for one ufw command. `words[0]` is `ufw` (or a path ending in `/ufw`); the caller has
 * removed `sudo` and the like. Grammar (ufw(8)):
 *
 *     ufw [--dry-run] [--force] [route] [insert NUM | prepend] ACTION [in|out] [log|log-all] SPEC [comment TEXT]
 *     ufw ... ACTION [in|out [on IFACE]] [proto PROTO] [from ADDR [port P | app NAME]]
 *                    [to ADDR [port P | app NAME]] [comment TEXT]
 *
 * with ACTION allow|deny|reject|limit and SPEC `PORT[/PROTO]`, `A:B/PROTO`, `A,B/PROTO`, a
 * service name from /etc/services (`ssh`, built-in table) or an application profile name
 * (resolved through `apps`, then a built-in table of common profiles). Each destination port
 * or range becomes one `firewall` fact whose span covers its digits (or the service/profile
 * name, with a `default` derivation). `file` is the path of the document the words come from.
 *
 * `ufw delete ...`, `--dry-run` commands and non-rule commands (`enable`, `status`,
 * `default`, `logging`, `reload`, ...) give no facts; rules without a destination port (only
 * addresses) give none either. Invalid ports (outside 1-65535, reversed ranges, a range or
 * list without /tcp or /udp, an unknown protocol) give `invalid-port` findings and no facts
 * for that command, as ufw rejects it. Never throws.
 */
export function ufwCommandFacts(words: ShellWord[], file: string, apps?: AppLookup): UfwCommandResult {
  const out: UfwCommandResult = { facts: [], findings: [] };
  try {
    parseCommand(words, file, apps, out);
  } catch {
    // Defensive: a lexer word shape we did not anticipate yields fewer facts, never an exception.
  }
  return out;
}

function parseCommand(words: ShellWord[], file: string, apps: AppLookup | undefined, out: UfwCommandResult): void {
  const first = words[0];
  if (!first || (first.value !== 'ufw' && !first.value.endsWith('/ufw'))) return;
  let i = 1;
  let dryRun = false;
  while (words[i]?.value.startsWith('--')) {
    if (words[i]!.value === '--dry-run') dryRun = true;
    i++;
  }
  let route = false;
  if (words[i]?.value === 'route') {
    route = true;
    i++;
  }
  const verb = words[i]?.value;
  if (verb === 'delete') return;
  if (verb === 'insert') i += 2;
  else if (verb === 'prepend') i++;
  const action = words[i]?.value;
  if (action === undefined || !ACTIONS.includes(action)) return;
  i++;
  const rule: RuleShape = { action: action as FirewallAction, route, direction: 'in' };
  let sawDirection = false;
  const dir = words[i]?.value;
  if (dir === 'in' || dir === 'out') {
    rule.direction = dir;
    sawDirection = true;
    i++;
  }
  if (words[i]?.value === 'log' || words[i]?.value === 'log-all') i++;
  let rest = words.slice(i);
  const c = rest.findIndex((w) => w.value === 'comment');
  if (c >= 0) {
    if (rest[c + 1] !== undefined) rule.comment = rest[c + 1]!.value;
    rest = rest.slice(0, c);
  }
  const local: UfwCommandResult = { facts: [], findings: [] };
  if (rest.length === 1) {
    simpleRule(rest[0]!, rule, file, apps, local);
  } else if (rest.length > 1) {
    extendedRule(rest, rule, sawDirection, file, apps, local);
  }
  out.findings.push(...local.findings);
  if (local.findings.length === 0 && !dryRun) out.facts.push(...local.facts);
}

function makeFact(
  rule: RuleShape,
  ports: PortRange,
  protocol: Protocol,
  file: string,
  span: Span,
  derivation: Derivation,
  valueLocation?: Location,
): ExtractedFact {
  const firewall: FirewallRule = { action: rule.action, direction: rule.direction };
  if (rule.from !== undefined) firewall.from = rule.from;
  if (rule.comment !== undefined) firewall.comment = rule.comment;
  const location: Location = { file, span };
  const fact: ExtractedFact = {
    kind: 'firewall',
    ports,
    protocol,
    owner: 'ufw',
    location,
    valueLocation: valueLocation ?? location,
    derivation,
    detail: `ufw ${rule.route ? 'route ' : ''}${rule.action}`,
    firewall,
  };
  if (rule.to !== undefined) fact.address = rule.to;
  return fact;
}

/**
 * Destination port spec from one word: `PORT[/PROTO]`, a list or range, a service name or
 * (when `allowApp`) an application profile name. `protocol` is the protocol given by a
 * separate `proto` word, if any.
 */
function portSpec(word: ShellWord, rule: RuleShape, file: string, apps: AppLookup | undefined, out: UfwCommandResult, allowApp: boolean): void {
  const v = word.value;
  const at = wordAt(word);
  if (allowApp && !v.includes('/') && !/^[\d:,]+$/.test(v)) {
    const app = (apps && apps(v)) ?? builtinApp(v);
    if (app) {
      appFacts(app, word, rule, file, out);
      return;
    }
  }
  const slash = v.lastIndexOf('/');
  const portEnd = slash < 0 ? v.length : slash;
  let protocol: Protocol | undefined = rule.protocol;
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    const proto = portProtocol(p);
    if (proto === undefined || p === 'any') {
      const known = KNOWN_PROTOCOLS.includes(p);
      out.findings.push({
        rule: 'invalid-port',
        span: spanOf(at, slash + 1, v.length),
        message: known
          ? `ufw: ports can only be given with /tcp or /udp, not /${p} (ufw(8))`
          : `ufw: unknown protocol "${p}" in "${v}"; use /tcp or /udp (ufw(8))`,
      });
      return;
    }
    protocol = proto;
  }
  const list = parsePortList(v, at, 0, portEnd);
  if (!list) {
    const name = v.slice(0, portEnd);
    const svc = SERVICES[name];
    if (!svc) return; // an unknown name: a profile defined only on the server, or not a port at all
    const proto = protocol ?? svc.protocol;
    const span = spanOf(at, 0, portEnd);
    const protoNote = svc.protocol === 'both' ? '' : `/${svc.protocol}`;
    out.facts.push(
      makeFact(rule, { start: svc.port, end: svc.port }, proto, file, span, {
        kind: 'default',
        note: `ufw service name ${name} = ${svc.port}${protoNote} (/etc/services)`,
      }),
    );
    return;
  }
  out.findings.push(...list.findings);
  if (list.findings.length > 0) return;
  const multi = list.items.length > 1 || list.items.some((x) => x.ports.start !== x.ports.end);
  if (multi && (protocol === undefined || protocol === 'both')) {
    out.findings.push({
      rule: 'invalid-port',
      span: spanOf(at, 0, portEnd),
      message: `ufw: a port range or list ("${v.slice(0, portEnd)}") needs a protocol: add /tcp or /udp (ufw(8))`,
    });
    return;
  }
  for (const item of list.items) {
    out.facts.push(makeFact(rule, item.ports, protocol ?? 'both', file, item.span, { kind: 'literal' }));
  }
}

function appFacts(app: AppPorts, word: ShellWord, rule: RuleShape, file: string, out: UfwCommandResult): void {
  const span = wordSpan0(word);
  const note = `ufw application profile "${app.name}" = ${app.portsText}${app.location ? ` (${app.location.file})` : ' (built-in profile)'}`;
  for (const e of app.entries) {
    const protocol = rule.protocol !== undefined && rule.protocol !== 'both' ? rule.protocol : e.protocol;
    out.facts.push(makeFact(rule, e.ports, protocol, file, span, { kind: 'default', note }, e.location));
  }
}

function wordSpan0(word: ShellWord): Span {
  return spanOf(wordAt(word), 0, word.value.length);
}

function extendedRule(
  rest: ShellWord[],
  rule: RuleShape,
  sawDirection: boolean,
  file: string,
  apps: AppLookup | undefined,
  out: UfwCommandResult,
): void {
  let target: 'from' | 'to' | undefined;
  let dport: ShellWord | undefined;
  let dapp: ShellWord | undefined;
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k]!.value;
    const next = rest[k + 1];
    switch (v) {
      case 'in':
      case 'out':
        // route rules: "in on eth0 out on eth1"; a direction word after the action.
        if (!sawDirection) {
          rule.direction = v;
          sawDirection = true;
        }
        break;
      case 'on':
        k++;
        break;
      case 'proto': {
        k++;
        if (!next) return;
        const p = portProtocol(next.value);
        if (p === undefined && !KNOWN_PROTOCOLS.includes(next.value)) {
          out.findings.push({ rule: 'invalid-port', span: wordSpan0(next), message: `ufw: unknown protocol "${next.value}" (ufw(8): tcp, udp, ah, esp, gre, ipv6, igmp, any)` });
          return;
        }
        rule.protoWord = next;
        rule.protocol = p ?? 'both';
        break;
      }
      case 'from':
        k++;
        target = 'from';
        if (next && next.value !== 'any') rule.from = next.value;
        break;
      case 'to':
        k++;
        target = 'to';
        if (next && next.value !== 'any') rule.to = next.value;
        break;
      case 'port':
        k++;
        if (target !== 'from' && next) dport = next;
        break;
      case 'app':
        k++;
        if (target !== 'from' && next) dapp = next;
        break;
      default:
        return; // not ufw syntax: ufw itself would refuse the command
    }
  }
  if (rule.protoWord && rule.protocol === 'both' && rule.protoWord.value !== 'any' && dport) {
    out.findings.push({ rule: 'invalid-port', span: wordSpan0(rule.protoWord), message: `ufw: ports can only be given with proto tcp or udp, not ${rule.protoWord.value} (ufw(8))` });
    return;
  }
  if (dport) portSpec(dport, rule, file, apps, out, false);
  if (dapp) {
    const app = (apps && apps(dapp.value)) ?? builtinApp(dapp.value);
    if (app) appFacts(app, dapp, rule, file, out);
  }
}

function simpleRule(word: ShellWord, rule: RuleShape, file: string, apps: AppLookup | undefined, out: UfwCommandResult): void {
  portSpec(word, rule, file, apps, out, true);
}

// ---------------------------------------------------------------------------------------
// user.rules / user6.rules

const TUPLE = '### tuple ###';

function isWildcardAddress(a: string): boolean {
  return a === '0.0.0.0/0' || a === '::/0' || a === 'any';
}

function decodeHexComment(hex: string): string | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  try {
    return decodeURIComponent(hex.replace(/(..)/g, '%$1'));
  } catch {
    return undefined;
  }
}

/**
 * Facts from the `### tuple ###` lines of ufw's rule store (the lines ufw itself parses back,
 * written by ufw's iptables backend): `ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION
 * [comment=HEX]`, e.g. `### tuple ### allow udp 8443 0.0.0.0/0 any 0.0.0.0/0 in comment=72746364`.
 * ACTION may carry `route:` and `_log`/`_log-all`; DIRECTION may carry `_IFACE`. The `-A ...`
 * iptables lines repeat the tuples and are ignored. Malformed tuple lines give `parse-error`.
 */
function extractRules(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const text = ctx.text;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd);
    if (line.startsWith(TUPLE)) tupleLine(ctx.path, line, lineStart, result);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return result;
}

function tupleLine(file: string, line: string, lineStart: number, result: ExtractResult): void {
  const tokens: { v: string; at: number }[] = [];
  const re = /\S+/g;
  re.lastIndex = TUPLE.length;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) tokens.push({ v: m[0], at: lineStart + m.index });
  let comment: string | undefined;
  const last = tokens[tokens.length - 1];
  if (last && last.v.startsWith('comment=')) {
    comment = decodeHexComment(last.v.slice('comment='.length));
    tokens.pop();
  }
  const bad = (): void => {
    result.findings.push({ rule: 'parse-error', span: { start: lineStart, end: lineStart + line.replace(/\r$/, '').length }, message: 'ufw rule tuple not understood: expected "### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION"' });
  };
  if (tokens.length !== 7 && tokens.length !== 9) return bad();
  const [actionTok, protoTok, dportTok, dstTok, , srcTok] = tokens;
  const dirTok = tokens[tokens.length - 1]!;
  let action = actionTok!.v;
  const route = action.startsWith('route:');
  if (route) action = action.slice('route:'.length);
  action = action.split('_')[0]!;
  if (!ACTIONS.includes(action)) return bad();
  const direction = dirTok.v.startsWith('out') ? 'out' : 'in';
  if (!dirTok.v.startsWith('in') && !dirTok.v.startsWith('out')) return bad();
  if (dportTok!.v === 'any') return;
  const protocol = portProtocol(protoTok!.v);
  if (protocol === undefined) return bad();
  const at: OffsetOf = (i) => dportTok!.at + i;
  const list = parsePortList(dportTok!.v, at, 0, dportTok!.v.length);
  if (!list) return bad();
  result.findings.push(...list.findings);
  const rule: RuleShape = { action: action as FirewallAction, route, direction };
  if (!isWildcardAddress(srcTok!.v)) rule.from = srcTok!.v;
  if (!isWildcardAddress(dstTok!.v)) rule.to = dstTok!.v;
  if (comment !== undefined) rule.comment = comment;
  for (const item of list.items) {
    result.facts.push(makeFact(rule, item.ports, protocol, file, item.span, { kind: 'literal' }));
  }
}

/** ufw's rule store `user.rules` / `user6.rules` (id `ufw-rules`). */
export const ufwRulesFormat: FormatModule = {
  id: 'ufw-rules',
  detect(path: string, text: string): Detection {
    const name = basename(path);
    const hasTuple = text.includes(TUPLE);
    if ((name === 'user.rules' || name === 'user6.rules') && (hasTuple || text.includes('*filter'))) return 'strong';
    return hasTuple && /\bufw6?-user-/.test(text) ? 'weak' : false;
  },
  extract(ctx: ExtractContext): ExtractResult {
    try {
      return extractRules(ctx);
    } catch {
      const r = emptyResult();
      r.failed = true;
      return r;
    }
  },
};

/**
 * ufw application profiles under `applications.d/` (id `ufw-app`). A profile defines a port
 * set but is not a rule, so it yields no facts; malformed `ports=` values give `invalid-port`.
 * The profiles are used to resolve `ufw allow 'Name'` (see {@link workspaceAppLookup}).
 */
export const ufwAppFormat: FormatModule = {
  id: 'ufw-app',
  detect(path: string, text: string): Detection {
    if (!/\/applications\.d\/[^/]+$/.test(path)) return false;
    return /^\s*\[[^\]\n]+\]/m.test(text) && /^\s*ports\s*[=:]/m.test(text) ? 'strong' : false;
  },
  extract(ctx: ExtractContext): ExtractResult {
    const r = emptyResult();
    try {
      r.findings.push(...parseAppProfiles(ctx.text, ctx.path).findings);
    } catch {
      r.failed = true;
    }
    return r;
  },
};
