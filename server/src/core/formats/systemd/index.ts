/**
 * systemd unit files (id `systemd`): `.service` units and their drop-ins (workload, port flags
 * of `ExecStart=`, environment) and `.socket` units (`ListenStream=` / `ListenDatagram=`).
 *
 * File syntax per systemd.syntax(7); command lines per systemd.service(5) "Command lines";
 * environment per systemd.exec(5); sockets per systemd.socket(5). Pure: other files are read
 * only through the {@link ExtractContext}.
 */
import { parseListenAddress, parseUrl } from '../../model/addresses';
import type {
  Detection,
  EnvAssignment,
  ExtractContext,
  ExtractedFact,
  ExtractResult,
  FileFinding,
  FormatModule,
  Location,
  Protocol,
  ShellWord,
  Span,
  Workload,
} from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { filesNamedBy } from '../../model/listing';
import { isValidPort } from '../../model/ports';
import { dockerRunFacts } from '../docker-run';
import { parseDotenv } from '../dotenv';
import { systemdCommand, systemdSplit } from '../shell/words';
import { basename, dirname } from '../../model/paths';
import { wordSpan, recordingContext } from '../context';
import { listingOf } from '../context';

/** A `[Section]` header. */
export interface UnitSection {
  name: string;
  /** The whole `[Name]` text. */
  span: Span;
}

/** One `Key=Value` assignment, continuation lines joined. */
export interface UnitEntry {
  section: string;
  key: string;
  keySpan: Span;
  /** The value with continuations replaced by a space and comment lines inside them removed, trimmed. */
  value: string;
  /** Source offset of each character of `value`. */
  offsets: number[];
  /** Raw source range of the value, from its first character to the end of its last line. */
  raw: Span;
}

/** Result of {@link parseUnitFile}. */
export interface ParsedUnit {
  sections: UnitSection[];
  entries: UnitEntry[];
  findings: FileFinding[];
  /** True when a section header is malformed (systemd refuses to load such a file). */
  failed: boolean;
}

/**
 * Parses a unit file per systemd.syntax(7): `[Section]` headers, `Key=Value` assignments
 * (whitespace around `=` ignored), `#` and `;` comment lines, and backslash line
 * continuation (the backslash becomes a space; comment lines inside a continued value are
 * dropped). Lines that are none of these give a `parse-error` finding (systemd logs "Missing
 * '='" and ignores them); a header without `]` gives a `parse-error` and `failed`.
 * Never throws.
 */
export function parseUnitFile(text: string): ParsedUnit {
  const out: ParsedUnit = { sections: [], entries: [], findings: [], failed: false };
  let section: string | undefined;
  const lineEndAt = (i: number): number => {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  };
  const trimCr = (start: number, end: number): number => (end > start && text[end - 1] === '\r' ? end - 1 : end);
  let i = 0;
  while (i <= text.length) {
    const lineEnd = lineEndAt(i);
    const contentEnd = trimCr(i, lineEnd);
    let s = i;
    while (s < contentEnd && (text[s] === ' ' || text[s] === '\t')) s++;
    const next = lineEnd + 1;
    const first = text[s];
    if (s >= contentEnd || first === '#' || first === ';') {
      i = next;
      continue;
    }
    if (first === '[') {
      let e = contentEnd;
      while (e > s && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
      if (text[e - 1] === ']' && e - s >= 2) {
        section = text.slice(s + 1, e - 1);
        out.sections.push({ name: section, span: { start: s, end: e } });
      } else {
        section = undefined;
        out.failed = true;
        out.findings.push({
          rule: 'parse-error',
          span: { start: s, end: e },
          message: `Invalid section header "${text.slice(s, e)}": missing "]" (systemd refuses to load a unit file with a malformed header, systemd.syntax(7))`,
        });
      }
      i = next;
      continue;
    }
    // Gather the logical line: the physical line plus continuation lines.
    const pieces: { start: number; end: number }[] = [];
    let ps = s;
    let pe = contentEnd;
    let j = next;
    let last = contentEnd;
    for (;;) {
      if (pe > ps && text[pe - 1] === '\\' && j <= text.length) {
        pieces.push({ start: ps, end: pe }); // the backslash itself becomes a space
        // Skip comment lines inside the continuation.
        for (;;) {
          if (j > text.length) break;
          const le = lineEndAt(j);
          let k = j;
          while (k < le && (text[k] === ' ' || text[k] === '\t')) k++;
          if (text[k] === '#' || text[k] === ';') {
            j = le + 1;
            continue;
          }
          break;
        }
        if (j > text.length) {
          pe = ps; // nothing follows
          break;
        }
        const le = lineEndAt(j);
        ps = j;
        pe = trimCr(j, le);
        last = pe;
        j = le + 1;
        continue;
      }
      pieces.push({ start: ps, end: pe });
      last = Math.max(last, pe);
      break;
    }
    // Build the logical value with offsets.
    const chars: string[] = [];
    const offs: number[] = [];
    for (let p = 0; p < pieces.length; p++) {
      const piece = pieces[p]!;
      const continued = p < pieces.length - 1;
      const end = continued ? piece.end - 1 : piece.end;
      for (let k = piece.start; k < end; k++) {
        chars.push(text[k]!);
        offs.push(k);
      }
      if (continued) {
        chars.push(' ');
        offs.push(piece.end - 1);
      }
    }
    const logical = chars.join('');
    const eq = logical.indexOf('=');
    if (eq < 0) {
      out.findings.push({
        rule: 'parse-error',
        span: { start: s, end: contentEnd },
        message: `Missing "=": systemd ignores this line (expected Key=Value, a [Section] header or a # comment, systemd.syntax(7))`,
      });
      i = j;
      continue;
    }
    const ks = 0;
    let ke = eq;
    while (ke > ks && /\s/.test(logical[ke - 1]!)) ke--;
    let vs = eq + 1;
    while (vs < logical.length && /\s/.test(logical[vs]!)) vs++;
    let ve = logical.length;
    while (ve > vs && /\s/.test(logical[ve - 1]!)) ve--;
    const key = logical.slice(ks, ke);
    if (key === '') {
      out.findings.push({
        rule: 'parse-error',
        span: { start: s, end: contentEnd },
        message: `Missing key name before "=": systemd ignores this line (systemd.syntax(7))`,
      });
      i = j;
      continue;
    }
    if (section === undefined) {
      if (!out.failed) {
        out.findings.push({
          rule: 'parse-error',
          span: { start: offs[0]!, end: offs[ke - 1]! + 1 },
          message: `Assignment outside of any [Section]: systemd ignores it (systemd.syntax(7))`,
        });
      }
      i = j;
      continue;
    }
    const valueStart = vs < logical.length ? offs[vs]! : offs[eq]! + 1;
    out.entries.push({
      section,
      key,
      keySpan: { start: offs[ks]!, end: ke > ks ? offs[ke - 1]! + 1 : offs[ks]! },
      value: logical.slice(vs, ve),
      offsets: offs.slice(vs, ve),
      raw: { start: valueStart, end: Math.max(valueStart, last) },
    });
    i = j;
  }
  return out;
}

/** Unit name for a unit file or drop-in path: "rtcd.service" for ".../rtcd.service.d/x.conf". */
export function unitNameOf(path: string): string {
  const name = basename(path);
  const dir = basename(dirname(path));
  if (/\.conf$/.test(name) && /\.[a-z]+\.d$/.test(dir)) return dir.slice(0, -2);
  return name;
}

const UNIT_SECTION = /^[ \t]*\[(?:Unit|Service|Socket|Install)\][ \t]*\r?$/m;
const DROPIN_SECTION = /^[ \t]*\[(?:Service|Socket)\][ \t]*\r?$/m;

/**
 * Flag names (without dashes) whose value is where the program listens: "port", "p",
 * "listen", "bind", "addr", "http-port", "web.listen-address", "bind-address", ...
 */
const PORT_FLAG = /(?:^|[-_.])(?:port|listen|bind|addr|address|listen-?addr(?:ess)?)$/i;
/** Flags that name some other program's port or an advertised one, not a local bind. */
const NOT_BIND_FLAG = /(?:db|database|redis|mysql|postgres|pg|mongo|upstream|remote|target|backend|proxy|dest|connect|peer|master|primary|server-addr|smtp|mail|ldap|advertise|public|external|announce|redirect|forward|client|join|seed|cluster)/i;

/** Whether `name` (flag without dashes) is a listening-port flag. */
function isPortFlag(name: string): boolean {
  if (name === 'p') return true;
  return PORT_FLAG.test(name) && !NOT_BIND_FLAG.test(name);
}

/** A port value inside a word: `8080`, `:8080`, `127.0.0.1:8080`, `[::]:8080`, `http://0.0.0.0:8080`. */
function portInValue(s: string): { port: number; start: number; end: number; host?: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const u = parseUrl(s);
    if (!u?.port) return undefined;
    const r: { port: number; start: number; end: number; host?: string } = { ...u.port };
    if (u.host !== '' && u.host !== '*') r.host = u.host;
    return r;
  }
  const a = parseListenAddress(s);
  if (!a?.port) return undefined;
  const r: { port: number; start: number; end: number; host?: string } = { ...a.port };
  if (a.host !== undefined) r.host = a.host;
  return r;
}

interface Ctx {
  file: string;
  unit: string;
  instance: string;
  result: ExtractResult;
}

function bindFact(c: Ctx, port: number, protocol: Protocol, span: Span, detail: string, host: string | undefined): ExtractedFact {
  const location: Location = { file: c.file, span };
  const fact: ExtractedFact = {
    kind: 'bind',
    ports: { start: port, end: port },
    protocol,
    owner: c.unit,
    location,
    valueLocation: location,
    derivation: { kind: 'literal' },
    detail,
    instance: c.instance,
  };
  if (host !== undefined) fact.address = host;
  return fact;
}

/** Port flags among the arguments of one command line (`words[0]` is the executable). */
function portFlags(c: Ctx, words: ShellWord[]): void {
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    const v = w.value;
    if (!v.startsWith('-') || v === '-' || v === '--') continue;
    let flag: string;
    let valueWord: ShellWord | undefined;
    let from = 0;
    const m = /^(--?)([A-Za-z][\w.-]*)(=?)/.exec(v);
    if (!m) continue;
    const name = m[2]!;
    if (m[1] === '-' && name.length > 1 && name[0] === 'p' && /^\d/.test(name.slice(1))) {
      // -p8080
      flag = '-p';
      valueWord = w;
      from = 2;
    } else if (!isPortFlag(name)) {
      continue;
    } else if (m[3] === '=') {
      flag = m[1]! + name;
      valueWord = w;
      from = m[0].length;
    } else if (m[0].length === v.length) {
      flag = v;
      const next = words[k + 1];
      if (!next || next.value.startsWith('-')) continue;
      valueWord = next;
      k++;
    } else {
      continue;
    }
    const s = valueWord.value.slice(from);
    const p = portInValue(s);
    // "8080:80" is a docker-style port mapping, not host:port.
    if (!p || (p.host !== undefined && /^\d+$/.test(p.host))) continue;
    const span = wordSpan(valueWord, from + p.start, from + p.end);
    if (!isValidPort(p.port)) {
      c.result.findings.push({ rule: 'invalid-port', span, message: `${flag} ${s}: port ${p.port} is outside 1-65535` });
      continue;
    }
    const protocol: Protocol = /udp/i.test(name) ? 'udp' : 'tcp';
    c.result.facts.push(bindFact(c, p.port, protocol, span, flag, p.host));
  }
}

/** `Environment=` assignments of one line (systemd.exec(5)): quoted words `NAME=VALUE`; invalid words are ignored. */
function environmentAssignments(file: string, text: string, e: UnitEntry): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  for (const w of systemdSplit(text, e.raw.start, e.raw.end)) {
    const eq = w.value.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.value.slice(0, eq))) continue;
    const value = w.value.slice(eq + 1);
    const valueOffs = w.offsets.slice(eq + 1);
    const a: EnvAssignment = {
      name: w.value.slice(0, eq),
      value,
      nameLocation: { file, span: wordSpan(w, 0, eq) },
      valueLocation: { file, span: wordSpan(w, eq + 1) },
    };
    const plain = valueOffs.every((o, idx) => o === valueOffs[0]! + idx && text[o] === value[idx]);
    if (!plain) a.valueOffsets = valueOffs;
    out.push(a);
  }
  return out;
}

function extractService(ctx: ExtractContext, unit: ParsedUnit, c: Ctx): void {
  const service = unit.sections.find((s) => s.name === 'Service');
  if (!service) return;
  let execs: UnitEntry[] = [];
  let env: EnvAssignment[] = [];
  let envFiles: string[] = [];
  for (const e of unit.entries) {
    if (e.section !== 'Service') continue;
    if (e.key === 'ExecStart') {
      if (e.value === '') execs = [];
      else execs.push(e);
    } else if (e.key === 'Environment') {
      if (e.value === '') env = [];
      else env.push(...environmentAssignments(ctx.path, ctx.text, e));
    } else if (e.key === 'EnvironmentFile') {
      if (e.value === '') envFiles = [];
      else envFiles.push(...systemdSplit(ctx.text, e.raw.start, e.raw.end).map((w) => w.value));
    }
  }
  // systemd.exec(5): variables from EnvironmentFile= override Environment=, in file order.
  for (const f of envFiles) {
    const wanted = f.replace(/^-/, '');
    if (!wanted.startsWith('/') || wanted.includes('%')) continue;
    const path = filesNamedBy(wanted, listingOf(ctx), ctx.path)[0];
    if (path === undefined) continue;
    const text = ctx.read(path);
    if (text === undefined) continue;
    if (!c.result.dependencies.includes(path)) c.result.dependencies.push(path);
    env.push(...parseDotenv(path, text, { interpolate: false }));
  }
  const workload: Workload = {
    kind: 'systemd-unit',
    name: c.unit,
    args: [],
    env,
    volumes: [],
    instance: c.instance,
    location: { file: ctx.path, span: service.span },
  };
  for (const [n, e] of execs.entries()) {
    const cmd = systemdCommand(ctx.text, e.raw.start, e.raw.end);
    const exe = cmd.words[0];
    if (!exe) continue;
    if (n === 0) {
      workload.program = basename(exe.value);
      workload.args = cmd.words.slice(1).map((w) => w.value);
      workload.location = { file: ctx.path, span: wordSpan(exe) };
    }
    if (/^(?:docker|podman)$/.test(basename(exe.value)) && (cmd.words[1]?.value === 'run' || (cmd.words[1]?.value === 'container' && cmd.words[2]?.value === 'run'))) {
      // A unit that wraps `docker run`: its -p options publish container ports.
      const r = dockerRunFacts(cmd.words, recordingContext(ctx, c.result.dependencies));
      c.result.facts.push(...r.facts);
      c.result.findings.push(...r.findings);
      if (r.workload) c.result.workloads.push(r.workload);
      continue;
    }
    portFlags(c, cmd.words);
  }
  c.result.workloads.push(workload);
}

function extractSocket(unit: ParsedUnit, c: Ctx): void {
  let listens: UnitEntry[] = [];
  let serviceName: string | undefined;
  let accept = false;
  for (const e of unit.entries) {
    if (e.section !== 'Socket') continue;
    if (e.key === 'ListenStream' || e.key === 'ListenDatagram') {
      if (e.value === '') listens = listens.filter((x) => x.key !== e.key);
      else listens.push(e);
    } else if (e.key === 'Service' && e.value !== '') serviceName = e.value;
    else if (e.key === 'Accept') accept = /^(?:1|yes|true|on)$/i.test(e.value);
  }
  const base = c.unit.replace(/\.socket$/, '');
  const activated = serviceName ?? (accept ? `${base}@.service` : `${base}.service`);
  const sc: Ctx = { ...c, instance: `systemd:${activated}` };
  for (const e of listens) {
    const v = e.value;
    // Paths (AF_UNIX), abstract sockets, vsock and netlink addresses carry no port.
    if (v.startsWith('/') || v.startsWith('@') || v.startsWith('%') || /^vsock:/i.test(v)) continue;
    const p = /^\d+$/.test(v) ? { port: Number(v), start: 0, end: v.length, host: undefined } : portInValue(v);
    if (!p) continue;
    const span: Span = { start: e.offsets[p.start]!, end: e.offsets[p.end - 1]! + 1 };
    if (!isValidPort(p.port)) {
      c.result.findings.push({ rule: 'invalid-port', span, message: `${e.key}=${v}: port ${p.port} is outside 1-65535 (systemd.socket(5))` });
      continue;
    }
    c.result.facts.push(bindFact(sc, p.port, e.key === 'ListenDatagram' ? 'udp' : 'tcp', span, e.key, p.host));
  }
}

/**
 * systemd units: strong for `*.service` / `*.socket` files with a `[Unit]`, `[Service]`,
 * `[Socket]` or `[Install]` section, and for drop-ins `*.service.d/*.conf` /
 * `*.socket.d/*.conf` with a `[Service]` or `[Socket]` section; false for everything else
 * (supervisord, php-fpm pools, dovecot, git config, ...).
 *
 * A service (or its drop-in) yields a `systemd-unit` Workload (program and arguments of the
 * first `ExecStart=` after the last empty reset, environment from `Environment=` and
 * `EnvironmentFile=`) and `bind` facts for listening-port flags of `ExecStart=` (`--port 8080`,
 * `--listen=127.0.0.1:8080`, `-p 5432`, `--web.listen-address=:9100`, ...). A socket yields
 * `bind` facts for `ListenStream=` (tcp) and `ListenDatagram=` (udp), with the instance of the
 * service it activates. An `ExecStart=` that runs `docker run` / `podman run` is handed to the
 * docker-run module instead of the flag scan. Each file is read on its own (a drop-in is not
 * merged with its unit).
 */
export const systemdFormat: FormatModule = {
  id: 'systemd',
  detect(path: string, text: string): Detection {
    try {
      const name = basename(path);
      if (/\.(?:service|socket)$/.test(name)) return UNIT_SECTION.test(text) ? 'strong' : false;
      if (/\.conf$/.test(name) && /\.(?:service|socket)\.d$/.test(basename(dirname(path)))) {
        return DROPIN_SECTION.test(text) ? 'strong' : false;
      }
      return false;
    } catch {
      return false;
    }
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    try {
      const unit = parseUnitFile(ctx.text);
      result.findings.push(...unit.findings);
      if (unit.failed) result.failed = true;
      const name = unitNameOf(ctx.path);
      const c: Ctx = { file: ctx.path, unit: name, instance: `systemd:${name}`, result };
      if (name.endsWith('.socket')) extractSocket(unit, c);
      else extractService(ctx, unit, c);
    } catch {
      result.failed = true;
    }
    return result;
  },
};
