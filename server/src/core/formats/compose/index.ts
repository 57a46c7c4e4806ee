/**
 * Docker compose files (compose spec, https://github.com/compose-spec/compose-spec/blob/master/spec.md):
 * `services.<name>.ports` (short and long syntax), `expose`, `network_mode`, `environment`,
 * `env_file`, `volumes`, `image`, `command`, with `${VAR}` interpolation from the `.env` file
 * beside the compose file (or, when there is none, `env.example` / `.env.example`).
 *
 * Facts, per `ports` entry: a `bind` of the published host port(s) in the host namespace and a
 * `reference` to the container target in the service's namespace ("compose:<dir>#<service>").
 * `expose` entries are binds in the service's namespace. With `network_mode: host` Docker ignores
 * `ports`: container ports are host binds instead.
 * Findings: `invalid-port` (out of range, reversed ranges, malformed specs) and `parse-error`.
 * Each service also yields a {@link Workload}.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type {
  Derivation,
  Detection,
  EnvAssignment,
  ExtractContext,
  ExtractedFact,
  ExtractResult,
  FileFinding,
  FormatModule,
  Location,
  PortRange,
  Span,
  Workload,
} from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { isValidPort, parsePortRange } from '../../model/ports';
import { interpolate, UNSET_MARK, type EnvLookup, type Interpolation, type SourcedText } from '../docker/interpolation';
import { parseDotenv } from '../dotenv';
import { basename, dirname, resolvePath } from '../../model/paths';

// ---------------------------------------------------------------------------------------------
// Port specs (shared with `docker run -p`)
// ---------------------------------------------------------------------------------------------

/** A piece of a port spec: its text and its `[from, to)` indices in the spec string. */
export interface SpecPart {
  text: string;
  from: number;
  to: number;
}

/** A port or range part; `range` is `undefined` when the value is unknown (unset variable, `$`). */
export interface PortPart extends SpecPart {
  range?: PortRange;
}

/** A parsed `[host_ip:][published:]target[/protocol]` spec. */
export interface PublishSpec {
  /** Host IP without brackets; absent for all interfaces (or unknown). */
  hostIp?: SpecPart;
  /** Published host port(s); absent when Docker picks an ephemeral port. */
  published?: PortPart;
  target: PortPart;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** The `/protocol` suffix, when written. */
  protocolPart?: SpecPart;
}

/** A problem in a port spec, at `[from, to)` of the spec string. */
export interface SpecProblem {
  from: number;
  to: number;
  message: string;
}

/** True when a value is not known statically: an unset compose variable or a shell `$`. */
function unknown(text: string): boolean {
  return text.includes(UNSET_MARK) || text.includes('$');
}

/** Loose IP address check (IPv4 dotted quad or IPv6 hex groups), as Docker requires for host_ip. */
export function isIpAddress(text: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255);
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  const colons = text.split(':').length - 1;
  return colons >= 2 && colons <= 7 && (text.match(/::/g) ?? []).length <= 1;
}

/**
 * Parses a port or range ("8080", "8000-8010") at `[from, to)` of `spec`; pushes
 * `invalid-port`-style problems (out of 1-65535, reversed) and returns `undefined` when the
 * text is not a port or range at all. Text with an unknown value yields a part without range.
 */
export function parsePortPart(spec: string, from: number, to: number, problems: SpecProblem[]): PortPart | undefined {
  const text = spec.slice(from, to);
  if (unknown(text)) return { text, from, to };
  const range = parsePortRange(text);
  if (!range) return undefined;
  let ok = true;
  const dash = text.indexOf('-');
  const ends: [number, number, number][] =
    dash < 0 ? [[range.start, from, to]] : [[range.start, from, from + dash], [range.end, from + dash + 1, to]];
  for (const [port, a, b] of ends) {
    if (!isValidPort(port)) {
      problems.push({ from: a, to: b, message: `port ${port} is out of range 1-65535` });
      ok = false;
    }
  }
  if (ok && range.start > range.end) {
    problems.push({ from, to, message: `reversed range ${text}: the first port must not exceed the last` });
    ok = false;
  }
  return ok ? { text, from, to, range } : { text, from, to };
}

/**
 * Parses a Docker port publishing spec, `[[host_ip:]published:]target[/protocol]`, as
 * `docker run -p` and the compose short syntax read it (Docker's nat.ParsePortSpec): "3000",
 * "3000-3005", "8000:8000", "9090-9091:8080-8081", "127.0.0.1:8001:8001", "::1:6000:6000",
 * "[::1]:6001:6001", "6060:6060/udp", "12400-12500:1240" (a host range for one target),
 * "5000:5000/sctp". An empty published part (":80") means an ephemeral host port.
 *
 * Returns the spec (indices relative to `text`) and the problems found; when `problems` is
 * non-empty the spec must not be used. Parts holding an unknown value ({@link UNSET_MARK} or a
 * shell `$`) have no `range` and are not checked. Never throws.
 */
export function parsePublishSpec(text: string): { spec?: PublishSpec; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const malformed = (why: string): { problems: SpecProblem[] } => ({
    problems: [{ from: 0, to: text.length, message: `malformed port spec "${text}": ${why}` }],
  });
  if (text.trim() === '') return malformed('it is empty');
  if (/\s/.test(text)) return malformed('it contains blanks');
  let body = text.length;
  let protocol: PublishSpec['protocol'] = 'tcp';
  let protocolPart: SpecPart | undefined;
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    protocolPart = { text: p, from: slash + 1, to: text.length };
    const lower = p.toLowerCase();
    if (lower === 'tcp' || lower === 'udp' || lower === 'sctp') protocol = lower;
    else if (!unknown(p)) return malformed(`unknown protocol "${p}" (expected tcp, udp or sctp)`);
    body = slash;
  }
  // Split on ':' keeping positions: [..ip parts.., published, target]
  const cuts: number[] = [];
  for (let i = 0; i < body; i++) if (text[i] === ':') cuts.push(i);
  const n = cuts.length + 1;
  const partAt = (k: number): [number, number] => [k === 0 ? 0 : cuts[k - 1]! + 1, k === n - 1 ? body : cuts[k]!];
  const [tf, tt] = partAt(n - 1);
  let hostIp: SpecPart | undefined;
  let published: PortPart | undefined;
  if (n >= 2) {
    const [pf, pt] = partAt(n - 2);
    if (n >= 3) {
      let ipFrom = 0;
      let ipTo = cuts[n - 3]!;
      const ip = text.slice(ipFrom, ipTo);
      if (ip.startsWith('[') && ip.endsWith(']')) {
        ipFrom++;
        ipTo--;
      }
      const ipText = text.slice(ipFrom, ipTo);
      if (ipText !== '' && !unknown(ipText)) {
        if (!isIpAddress(ipText)) return malformed(`"${ip}" is not an IP address`);
        hostIp = { text: ipText, from: ipFrom, to: ipTo };
      }
    }
    if (pt > pf) {
      published = parsePortPart(text, pf, pt, problems);
      if (!published) return malformed(`"${text.slice(pf, pt)}" is not a port or a port range`);
    }
  }
  if (tt <= tf) return malformed('the container port is missing');
  const target = parsePortPart(text, tf, tt, problems);
  if (!target) return malformed(`"${text.slice(tf, tt)}" is not a port or a port range`);
  if (problems.length) return { problems };
  if (published?.range && target.range) {
    const pl = published.range.end - published.range.start;
    const tl = target.range.end - target.range.start;
    if (tl !== 0 && pl !== tl) {
      return {
        problems: [
          {
            from: published.from,
            to: target.to,
            message: `published ${published.text} and target ${target.text} differ in size: a target range needs a published range of the same size`,
          },
        ],
      };
    }
  }
  const spec: PublishSpec = { target, protocol };
  if (hostIp) spec.hostIp = hostIp;
  if (published) spec.published = published;
  if (protocolPart) spec.protocolPart = protocolPart;
  return { spec, problems };
}

// ---------------------------------------------------------------------------------------------
// YAML helpers
// ---------------------------------------------------------------------------------------------

/** Follows aliases (a few hops at most). */
function deref(doc: Document, node: unknown): unknown {
  let n = node;
  for (let hops = 0; hops < 8 && isAlias(n); hops++) {
    try {
      n = n.resolve(doc);
    } catch {
      return undefined;
    }
  }
  return isAlias(n) ? undefined : n;
}

/** String form of a scalar key. */
function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  return isScalar(k) && k.value !== null && k.value !== undefined ? String(k.value) : undefined;
}

/**
 * Entries of a mapping with YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) applied: own keys
 * win, then earlier merge sources over later ones.
 */
function entries(doc: Document, map: YAMLMap, depth = 0): Map<string, Pair> {
  const own = new Map<string, Pair>();
  const merged: Map<string, Pair>[] = [];
  for (const item of map.items) {
    const pair = item as Pair;
    const name = keyName(pair);
    if (name === undefined) continue;
    if (name === '<<' && depth < 4) {
      const v = deref(doc, pair.value);
      const sources = isSeq(v) ? v.items.map((x) => deref(doc, x)) : [v];
      for (const s of sources) if (isMap(s)) merged.push(entries(doc, s, depth + 1));
      continue;
    }
    own.set(name, pair);
  }
  for (const m of merged) for (const [k, p] of m) if (!own.has(k)) own.set(k, p);
  return own;
}

/** Source span of a node (without trailing comments). */
function nodeSpan(node: Node): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function run(from: number, to: number): number[] {
  const r: number[] = [];
  for (let k = from; k < to; k++) r.push(k);
  return r;
}

/**
 * The value of a scalar with the source offset of each character. Plain and quoted single-line
 * scalars map exactly; numbers, booleans and nulls keep their source text ("80", "true", "").
 * Values yaml folds or unescapes in ways not mapped here get offsets clamped to the node.
 */
export function scalarText(text: string, node: Scalar): SourcedText {
  const [s, e] = node.range ?? [0, 0];
  const raw = text.slice(s, e);
  const value = node.value;
  if (typeof value !== 'string') return { value: raw, offsets: run(s, e) };
  if (node.type === 'PLAIN' && raw === value) return { value, offsets: run(s, e) };
  if ((node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') && raw.length >= 2) {
    const q = raw[0];
    const chars: string[] = [];
    const offsets: number[] = [];
    for (let i = 1; i < raw.length - 1; i++) {
      const c = raw[i]!;
      if (c === '\n' || c === '\r') break;
      if (q === "'" && c === "'" && raw[i + 1] === "'") {
        chars.push("'");
        offsets.push(s + i);
        i++;
        continue;
      }
      if (q === '"' && c === '\\') {
        const e2 = raw[i + 1];
        const simple: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' };
        if (e2 !== undefined && simple[e2] !== undefined) {
          chars.push(simple[e2]!);
          offsets.push(s + i);
          i++;
          continue;
        }
        break;
      }
      chars.push(c);
      offsets.push(s + i);
    }
    if (chars.join('') === value) return { value, offsets };
  }
  const lo = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? s + 1 : s;
  const hi = Math.max(lo, (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? e - 1 : e) - 1);
  return { value, offsets: Array.from(value, (_, i) => Math.min(lo + i, hi)) };
}

// ---------------------------------------------------------------------------------------------
// Interpolated values and their locations
// ---------------------------------------------------------------------------------------------

/** Where part `[from, to)` of an interpolated value sits, and how it was derived. */
export interface PartPlace {
  location: Location;
  valueLocation: Location;
  derivation: Derivation;
}

/**
 * Places `[from, to)` of an interpolated value: `location` covers the literal characters or the
 * whole `${...}` expressions they came from (in `file`), `valueLocation` the digits where they
 * are written (env file, default inside the expression, or the literal), `derivation` the
 * first substitution involved (or literal).
 */
export function placePart(interp: Interpolation, file: string, from: number, to: number): PartPlace {
  const os = interp.origins.slice(from, to);
  if (os.length === 0) {
    const at = interp.origins[from]?.start ?? interp.origins[from - 1]?.end ?? 0;
    const loc = { file, span: { start: at, end: at } };
    return { location: loc, valueLocation: loc, derivation: { kind: 'literal' } };
  }
  const span = { start: Math.min(...os.map((o) => o.start)), end: Math.max(...os.map((o) => o.end)) };
  const location: Location = { file, span };
  const subIndex = os.find((o) => o.sub >= 0)?.sub;
  if (subIndex === undefined) return { location, valueLocation: location, derivation: { kind: 'literal' } };
  const sub = interp.subs[subIndex]!;
  const derivation: Derivation = { kind: 'interpolation', expression: sub.expression, variable: sub.variable, source: sub.source };
  if (sub.location) derivation.location = sub.location;
  const vfile = os[0]!.file;
  let valueLocation = location;
  if (os.every((o) => o.file === vfile)) {
    valueLocation = { file: vfile, span: { start: Math.min(...os.map((o) => o.offset)), end: Math.max(...os.map((o) => o.offset)) + 1 } };
  }
  return { location, valueLocation, derivation };
}

/** Splits a command string into words (blanks separate; '…' and "…" group; \ escapes). */
export function splitCommand(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = '';
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** True when a volume source is a host path (bind mount) rather than a named volume. */
function isHostPath(src: string): boolean {
  return src.startsWith('/') || src.startsWith('.') || src.startsWith('~');
}

/** Absolute host path of a bind-mount source; "~/..." stays as written (the home is unknown). */
function hostPath(dir: string, src: string): string {
  return src.startsWith('~') ? src : resolvePath(dir, src);
}

// ---------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------

/** Env files tried, in order, when the compose file's folder has no `.env`. */
const ENV_FALLBACKS = ['env.example', '.env.example'];

/** One compose file's extraction state. */
class ComposeExtractor {
  readonly result: ExtractResult = emptyResult();
  readonly dir: string;
  readonly file: string;
  private readonly vars = new Map<string, EnvAssignment>();
  readonly lookup: EnvLookup = (name) => this.vars.get(name);

  constructor(
    private readonly ctx: ExtractContext,
    private readonly doc: Document,
  ) {
    this.file = ctx.path;
    this.dir = dirname(ctx.path);
  }

  read(path: string): string | undefined {
    if (!this.result.dependencies.includes(path)) this.result.dependencies.push(path);
    return this.ctx.read(path);
  }

  /** Loads `.env` (or a template of it) for interpolation. */
  loadEnv(): void {
    for (const name of ['.env', ...ENV_FALLBACKS]) {
      const path = resolvePath(this.dir, name);
      const text = this.read(path);
      if (text === undefined) continue;
      for (const a of parseDotenv(path, text)) this.vars.set(a.name, a);
      return;
    }
  }

  /** Interpolates a scalar node of this file. */
  interp(node: Scalar, unset = ''): Interpolation {
    return interpolate(scalarText(this.ctx.text, node), this.file, this.lookup, unset);
  }

  /** Interpolated string value of a scalar node, or `undefined` for non-scalars. */
  str(node: unknown): string | undefined {
    const n = deref(this.doc, node);
    return isScalar(n) ? this.interp(n).value : undefined;
  }

  finding(rule: FileFinding['rule'], span: Span, message: string): void {
    this.result.findings.push({ rule, span, message });
  }

  /** Reports spec problems at their places in the compose file. */
  problems(interp: Interpolation, problems: { from: number; to: number; message: string }[]): void {
    for (const p of problems) this.finding('invalid-port', placePart(interp, this.file, p.from, p.to).location.span, p.message);
  }

  extract(): void {
    const root = this.doc.contents;
    if (!isMap(root)) return;
    const top = entries(this.doc, root);
    const services = deref(this.doc, top.get('services')?.value);
    if (!isMap(services)) return;
    this.loadEnv();
    for (const item of services.items) {
      const pair = item as Pair;
      const name = keyName(pair);
      const body = deref(this.doc, pair.value);
      if (name === undefined || !isNode(pair.key)) continue;
      this.service(name, nodeSpan(pair.key as Node), isMap(body) ? entries(this.doc, body) : new Map());
    }
  }

  service(name: string, keySpan: Span, svc: Map<string, Pair>): void {
    const instance = `compose:${this.dir}#${name}`;
    const ownNetns = instance;
    const networkMode = this.str(svc.get('network_mode')?.value);
    let netns: string | undefined = ownNetns;
    if (networkMode === 'host') netns = undefined;
    else if (networkMode?.startsWith('service:')) netns = `compose:${this.dir}#${networkMode.slice(8)}`;
    else if (networkMode?.startsWith('container:')) netns = `docker:${networkMode.slice(10)}`;
    const host = networkMode === 'host';
    const ctx: ServiceCtx = { name, instance, netns, host };

    const ports = deref(this.doc, svc.get('ports')?.value);
    if (isSeq(ports)) {
      for (const raw of ports.items) {
        const item = deref(this.doc, raw);
        if (isScalar(item)) this.portShort(ctx, item);
        else if (isMap(item)) this.portLong(ctx, entries(this.doc, item));
      }
    }
    const expose = deref(this.doc, svc.get('expose')?.value);
    if (isSeq(expose)) {
      for (const raw of expose.items) {
        const item = deref(this.doc, raw);
        if (isScalar(item)) this.expose(ctx, item);
      }
    }

    const workload: Workload = {
      kind: 'compose-service',
      name,
      args: this.command(svc.get('command')?.value),
      env: [...this.envFiles(svc.get('env_file')?.value), ...this.environment(svc.get('environment')?.value)],
      volumes: this.volumes(svc.get('volumes')?.value),
      instance,
      location: { file: this.file, span: keySpan },
    };
    const image = this.str(svc.get('image')?.value);
    if (image !== undefined) workload.image = image;
    if (networkMode !== undefined) workload.networkMode = networkMode;
    if (netns !== undefined) workload.netns = netns;
    this.result.workloads.push(workload);
  }

  /** Emits the facts of one published mapping. */
  mapping(
    ctx: ServiceCtx,
    protocol: PublishSpec['protocol'],
    hostIp: string | undefined,
    published: { range: PortRange; place: PartPlace } | undefined,
    target: { range: PortRange; place: PartPlace } | undefined,
  ): void {
    const base = { protocol, owner: ctx.name, instance: ctx.instance };
    if (ctx.host) {
      // network_mode: host — Docker ignores `ports`; the container binds its ports on the host.
      if (target) this.fact({ ...base, kind: 'bind', ports: target.range, ...target.place, detail: 'ports' });
      return;
    }
    if (published) {
      const bind: ExtractedFact = { ...base, kind: 'bind', ports: published.range, ...published.place, detail: 'ports' };
      if (hostIp !== undefined) bind.address = hostIp;
      this.fact(bind);
    }
    if (target) {
      const ref: ExtractedFact = {
        kind: 'reference',
        ports: target.range,
        protocol,
        address: ctx.name,
        owner: ctx.name,
        ...target.place,
        detail: 'ports target',
      };
      if (ctx.netns !== undefined) ref.netns = ctx.netns;
      if (published) ref.publishedBy = published.range;
      this.fact(ref);
    }
  }

  fact(f: ExtractedFact): void {
    if (f.netns === undefined) delete f.netns;
    this.result.facts.push(f);
  }

  portShort(ctx: ServiceCtx, node: Scalar): void {
    const interp = this.interp(node, UNSET_MARK);
    const { spec, problems } = parsePublishSpec(interp.value);
    if (!spec || problems.length) {
      this.problems(interp, problems);
      return;
    }
    const side = (p: PortPart | undefined) =>
      p?.range ? { range: p.range, place: placePart(interp, this.file, p.from, p.to) } : undefined;
    this.mapping(ctx, spec.protocol, spec.hostIp?.text, side(spec.published), side(spec.target));
  }

  /** One long-syntax field as an interpolated port part. */
  private longPart(node: unknown, problems: (i: Interpolation, p: SpecProblem[]) => void): { range: PortRange; place: PartPlace } | undefined | null {
    const n = deref(this.doc, node);
    if (!isScalar(n) || n.value === null) return undefined;
    const interp = this.interp(n, UNSET_MARK);
    const list: SpecProblem[] = [];
    const part = parsePortPart(interp.value, 0, interp.value.length, list);
    if (!part) list.push({ from: 0, to: interp.value.length, message: `malformed port "${interp.value}": not a port or a port range` });
    if (list.length) {
      problems(interp, list);
      return null;
    }
    return part?.range ? { range: part.range, place: placePart(interp, this.file, 0, interp.value.length) } : undefined;
  }

  portLong(ctx: ServiceCtx, m: Map<string, Pair>): void {
    const report = (i: Interpolation, p: SpecProblem[]) => this.problems(i, p);
    const target = this.longPart(m.get('target')?.value, report);
    const published = this.longPart(m.get('published')?.value, report);
    if (target === null || published === null) return;
    const proto = (this.str(m.get('protocol')?.value) ?? 'tcp').toLowerCase();
    const protocol = proto === 'udp' || proto === 'sctp' ? proto : 'tcp';
    let hostIp = this.str(m.get('host_ip')?.value);
    if (hostIp?.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
    this.mapping(ctx, protocol, hostIp === '' ? undefined : hostIp, published, target);
  }

  expose(ctx: ServiceCtx, node: Scalar): void {
    const interp = this.interp(node, UNSET_MARK);
    const v = interp.value;
    const slash = v.indexOf('/');
    const end = slash < 0 ? v.length : slash;
    const proto = slash < 0 ? 'tcp' : v.slice(slash + 1).toLowerCase();
    const problems: SpecProblem[] = [];
    const part = parsePortPart(v, 0, end, problems);
    if (!part) problems.push({ from: 0, to: v.length, message: `malformed expose entry "${v}": expected a port or range with an optional /protocol` });
    else if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp' && !unknown(proto)) {
      problems.push({ from: 0, to: v.length, message: `malformed expose entry "${v}": unknown protocol "${proto}" (expected tcp, udp or sctp)` });
    }
    if (problems.length) {
      this.problems(interp, problems);
      return;
    }
    if (!part?.range) return;
    const fact: ExtractedFact = {
      kind: 'bind',
      ports: part.range,
      protocol: proto === 'udp' || proto === 'sctp' ? proto : 'tcp',
      owner: ctx.name,
      instance: ctx.instance,
      ...placePart(interp, this.file, 0, end),
      detail: 'expose',
    };
    if (!ctx.host) fact.address = ctx.name;
    if (ctx.netns !== undefined) fact.netns = ctx.netns;
    this.fact(fact);
  }

  /** An assignment whose value comes from the project environment (`- KEY`, `KEY:`). */
  private fromProject(name: string, nameSpan: Span): EnvAssignment | undefined {
    const found = this.lookup(name);
    if (!found) return undefined;
    const a: EnvAssignment = { name, value: found.value, nameLocation: { file: this.file, span: nameSpan }, valueLocation: found.valueLocation };
    if (found.valueOffsets) a.valueOffsets = found.valueOffsets;
    return a;
  }

  /** An assignment whose value is (part of) a scalar of this file, interpolated. */
  private assignment(name: string, nameSpan: Span, src: SourcedText, valueSpan: Span): EnvAssignment {
    const r = interpolate(src, this.file, this.lookup);
    const a: EnvAssignment = { name, value: r.value, nameLocation: { file: this.file, span: nameSpan }, valueLocation: { file: this.file, span: valueSpan } };
    const offsets = r.origins.map((o) => (o.file === this.file ? o.offset : o.start));
    const plain = offsets.length === valueSpan.end - valueSpan.start && offsets.every((o, k) => o === valueSpan.start + k);
    if (!plain) a.valueOffsets = offsets;
    return a;
  }

  environment(node: unknown): EnvAssignment[] {
    const out: EnvAssignment[] = [];
    const env = deref(this.doc, node);
    if (isSeq(env)) {
      for (const raw of env.items) {
        const item = deref(this.doc, raw);
        if (!isScalar(item) || item.value === null) continue;
        const src = scalarText(this.ctx.text, item);
        const eq = src.value.indexOf('=');
        const nameLen = eq < 0 ? src.value.length : eq;
        if (nameLen === 0) continue;
        const nameSpan = { start: src.offsets[0]!, end: src.offsets[nameLen - 1]! + 1 };
        const name = src.value.slice(0, nameLen);
        if (eq < 0) {
          const a = this.fromProject(name, nameSpan);
          if (a) out.push(a);
          continue;
        }
        const vsrc = { value: src.value.slice(eq + 1), offsets: src.offsets.slice(eq + 1) };
        const at = src.offsets[eq]! + 1;
        const valueSpan = vsrc.value.length ? { start: vsrc.offsets[0]!, end: vsrc.offsets[vsrc.offsets.length - 1]! + 1 } : { start: at, end: at };
        out.push(this.assignment(name, nameSpan, vsrc, valueSpan));
      }
    } else if (isMap(env)) {
      for (const [name, pair] of entries(this.doc, env)) {
        const nameSpan = isNode(pair.key) ? nodeSpan(pair.key as Node) : { start: 0, end: 0 };
        const v = deref(this.doc, pair.value);
        if (!isScalar(v) || v.value === null) {
          const a = this.fromProject(name, nameSpan);
          if (a) out.push(a);
          continue;
        }
        const src = scalarText(this.ctx.text, v);
        const valueSpan = src.value.length
          ? { start: src.offsets[0]!, end: src.offsets[src.offsets.length - 1]! + 1 }
          : { start: nodeSpan(v).start, end: nodeSpan(v).start };
        out.push(this.assignment(name, nameSpan, src, valueSpan));
      }
    }
    return out;
  }

  envFiles(node: unknown): EnvAssignment[] {
    const n = deref(this.doc, node);
    const items = isSeq(n) ? n.items.map((x) => deref(this.doc, x)) : [n];
    const out: EnvAssignment[] = [];
    for (const item of items) {
      let p: string | undefined;
      if (isScalar(item)) p = this.str(item);
      else if (isMap(item)) p = this.str(entries(this.doc, item).get('path')?.value);
      if (!p) continue;
      const path = resolvePath(this.dir, p);
      const text = this.read(path);
      if (text !== undefined) out.push(...parseDotenv(path, text, { lookup: this.lookup }));
    }
    return out;
  }

  volumes(node: unknown): { source: string; target: string }[] {
    const n = deref(this.doc, node);
    const out: { source: string; target: string }[] = [];
    if (!isSeq(n)) return out;
    for (const raw of n.items) {
      const item = deref(this.doc, raw);
      if (isScalar(item)) {
        const v = this.str(item) ?? '';
        const parts = v.split(':');
        if (parts.length < 2 || !isHostPath(parts[0]!) || !parts[1]) continue;
        out.push({ source: hostPath(this.dir, parts[0]!), target: parts[1] });
      } else if (isMap(item)) {
        const m = entries(this.doc, item);
        const type = this.str(m.get('type')?.value);
        const source = this.str(m.get('source')?.value);
        const target = this.str(m.get('target')?.value);
        if (!source || !target) continue;
        if (type === 'bind' || (type === undefined && isHostPath(source))) out.push({ source: hostPath(this.dir, source), target });
      }
    }
    return out;
  }

  command(node: unknown): string[] {
    const n = deref(this.doc, node);
    if (isScalar(n) && n.value !== null) return splitCommand(this.str(n) ?? '');
    if (isSeq(n)) return n.items.map((x) => this.str(x) ?? '');
    return [];
  }
}

interface ServiceCtx {
  name: string;
  instance: string;
  /** The namespace of the service's container (`undefined` = host). */
  netns: string | undefined;
  host: boolean;
}

// ---------------------------------------------------------------------------------------------
// Detection and the module
// ---------------------------------------------------------------------------------------------

/** docker-compose*.yml / compose*.yaml and the like. */
const COMPOSE_NAME = /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i;

/** True when the top level has `services:` followed by an indented mapping (not a list). */
function hasServicesMapping(text: string): boolean {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^services\s*:\s*(.*?)\s*$/.exec(lines[i]!.replace(/\r$/, ''));
    if (!m) continue;
    const rest = m[1]!.replace(/\s+#.*$/, '');
    if (rest.startsWith('{')) return true;
    if (rest !== '' && !rest.startsWith('#') && !rest.startsWith('&')) return false;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!.replace(/\r$/, '');
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      return /^\s+[^\s#-][^:]*:/.test(l);
    }
    return false;
  }
  return false;
}

/** Top-level keys that mark a file as something else than compose. */
const FOREIGN = /^(apiVersion|kind|jobs|on|hosts|stages|pipeline|steps|workflows)\s*:/m;

/**
 * The compose format. detect: `strong` for compose-named files (`docker-compose*.yml`,
 * `compose*.yaml`, ...) with a top-level `services:` mapping; `weak` for compose-named files
 * without one and for other YAML whose top-level `services:` entries carry
 * `image:`/`build:`/`ports:`; `false` for Kubernetes manifests, CI workflows, Ansible, etc.
 */
export const composeFormat: FormatModule = {
  id: 'compose',
  detect(path: string, text: string): Detection {
    try {
      const name = basename(path);
      if (!/\.ya?ml$/i.test(name)) return false;
      if (/(^|\/)\.github\//.test(path) || /^\.gitlab-ci\.ya?ml$/i.test(name)) return false;
      if (FOREIGN.test(text) || /^(\s*(#.*)?\r?\n)*(---\s*\r?\n)?- /.test(text)) return false;
      const services = hasServicesMapping(text);
      if (COMPOSE_NAME.test(name)) {
        if (services) return 'strong';
        return /^(version|volumes|networks|include|name|x-[\w-]+)\s*:/m.test(text) ? 'weak' : false;
      }
      return services && /^\s+(image|build|ports)\s*:/m.test(text) ? 'weak' : false;
    } catch {
      return false;
    }
  },
  extract(ctx: ExtractContext): ExtractResult {
    let doc: Document;
    try {
      doc = parseDocument(ctx.text, { prettyErrors: false, maxAliasCount: 100 } as Parameters<typeof parseDocument>[1]);
    } catch (e) {
      const r = emptyResult();
      r.failed = true;
      r.findings.push({ rule: 'parse-error', span: { start: 0, end: 0 }, message: `cannot parse YAML: ${(e as Error).message}` });
      return r;
    }
    if (doc.errors.length) {
      const r = emptyResult();
      r.failed = true;
      for (const err of doc.errors) {
        const [start, end] = err.pos;
        let stop = Math.max(start, Math.min(end, ctx.text.length));
        // yaml often points at one character: widen to the word it starts (a key, a token).
        if (stop - start <= 1) {
          const m = /^[^\s:,[\]{}#]+/.exec(ctx.text.slice(start, start + 200));
          if (m) stop = start + m[0].length;
        }
        const message = /call stack/i.test(err.message) ? `YAML nested too deeply for Portolan to read (${err.message})` : err.message;
        r.findings.push({ rule: 'parse-error', span: { start, end: stop }, message });
      }
      return r;
    }
    const x = new ComposeExtractor(ctx, doc);
    try {
      x.extract();
    } catch (e) {
      x.result.failed = true;
      x.result.findings.push({ rule: 'parse-error', span: { start: 0, end: 0 }, message: `cannot read compose file: ${(e as Error).message}` });
    }
    return x.result;
  },
};
