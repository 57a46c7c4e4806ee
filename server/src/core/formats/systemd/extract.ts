/**
 * What a systemd unit file says about ports and workloads: a service's program, arguments,
 * environment (systemd.exec(5)) and the listening-port flags of its `ExecStart=`
 * (systemd.service(5)); a socket's `ListenStream=` / `ListenDatagram=` (systemd.socket(5)).
 * Pure and total: other files are read only through the {@link ExtractContext}; never throws.
 */
import { parseListenAddress, parseUrl } from '../../model/addresses';
import type {
  EnvAssignment,
  ExtractContext,
  ExtractedFact,
  ExtractResult,
  Location,
  Protocol,
  ShellWord,
  Span,
  Workload,
} from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { basename, dirname } from '../../model/paths';
import { filesNamedBy } from '../../model/listing';
import { isValidPort } from '../../model/ports';
import { listingOf, recordingContext, wordSpan } from '../context';
import { dockerRunFacts } from '../docker-run';
import { parseDotenv } from '../dotenv';
import { systemdCommand, systemdSplit } from './command-line';
import { parseUnitFile, type UnitEntry, type UnitFile } from './syntax';

/** Unit name for a unit file or drop-in path: "rtcd.service" for ".../rtcd.service.d/x.conf". */
export function unitNameOf(path: string): string {
  const name = basename(path);
  const dir = basename(dirname(path));
  if (/\.conf$/.test(name) && /\.[a-z]+\.d$/.test(dir)) return dir.slice(0, -2);
  return name;
}

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

function extractService(ctx: ExtractContext, unit: UnitFile, c: Ctx): void {
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

function extractSocket(unit: UnitFile, c: Ctx): void {
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
 * Facts, findings and workloads of one unit file or drop-in (see `systemdFormat` in
 * `index.ts` for what each kind of unit yields). A malformed section header sets `failed`.
 */
export function extractUnit(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const unit = parseUnitFile(ctx.text);
  result.findings.push(...unit.errors);
  if (unit.value.failed) result.failed = true;
  const name = unitNameOf(ctx.path);
  const c: Ctx = { file: ctx.path, unit: name, instance: `systemd:${name}`, result };
  if (name.endsWith('.socket')) extractSocket(unit.value, c);
  else extractService(ctx, unit.value, c);
  return result;
}
