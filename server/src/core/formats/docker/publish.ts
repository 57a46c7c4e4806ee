/**
 * Docker's port publishing grammar, shared by the compose `ports` entries and `docker run -p`.
 *
 * Short syntax (compose-spec `spec.md` "ports" short syntax; docker CLI reference "docker
 * container run --publish"; Docker's `nat.ParsePortSpec`): `[host_ip:][published:]target[/protocol]`.
 * `published` and `target` are ports or inclusive ranges (`start-end`), `host_ip` an IPv4 or
 * IPv6 address (bracketed or bare), `protocol` `tcp` (default), `udp` or `sctp`.
 *
 * Long syntax (compose-spec "ports" long syntax): a mapping whose fields `target`, `published`,
 * `host_ip` and `protocol` carry the same parts one by one ({@link parsePublishField},
 * {@link longProtocol}, {@link longHostIp}). `mode` (`host` / `ingress`) and `app_protocol` do
 * not change which ports are bound and are not read.
 *
 * Ports are integers 1-65535; ranges are inclusive. Every position is an index into the text
 * that was parsed. Nothing here throws: problems are returned as {@link SpecProblem}s.
 */
import type { PortRange } from '../../model/facts';
import { isValidPort, parsePortRange } from '../../model/ports';
import { UNSET_MARK } from './interpolation';

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

/** The transport protocols Docker publishes and exposes. */
export type DockerProtocol = 'tcp' | 'udp' | 'sctp';

/** A parsed `[host_ip:][published:]target[/protocol]` spec. */
export interface PublishSpec {
  /** compose-spec `host_ip`, without brackets; absent for all interfaces or when unknown. */
  hostIp?: SpecPart;
  /** True when a `host_ip` is written but unknown ({@link isUnknown}: an unset variable, a shell `$`). */
  hostIpUnknown?: boolean;
  /** compose-spec `published`: the host port(s); absent when Docker picks an ephemeral port. */
  published?: PortPart;
  /** compose-spec `target`: the container port(s). */
  target: PortPart;
  protocol: DockerProtocol;
  /** The `/protocol` suffix, when written. */
  protocolPart?: SpecPart;
}

/** A problem in a port spec, at `[from, to)` of the spec string. */
export interface SpecProblem {
  from: number;
  to: number;
  message: string;
}

/** True when a value is not known statically: an unset compose variable ({@link UNSET_MARK}) or a shell `$`. */
export function isUnknown(text: string): boolean {
  return text.includes(UNSET_MARK) || text.includes('$');
}

/** The protocol named by `text` (any case), or `undefined` when it is none of tcp, udp, sctp. */
export function dockerProtocol(text: string): DockerProtocol | undefined {
  const lower = text.toLowerCase();
  return lower === 'tcp' || lower === 'udp' || lower === 'sctp' ? lower : undefined;
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
 * Parses a port or range ("8080", "8000-8010") at `[from, to)` of `spec`; pushes problems
 * (an end out of 1-65535, a reversed range) onto `problems` and then returns the part without
 * `range`. Returns `undefined` when the text is not a port or range at all. Text with an
 * unknown value ({@link isUnknown}) yields a part without range and no problem.
 */
export function parsePortPart(spec: string, from: number, to: number, problems: SpecProblem[]): PortPart | undefined {
  const text = spec.slice(from, to);
  if (isUnknown(text)) return { text, from, to };
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

/** Result of the short-syntax parse: the spec, or why there is none. */
export interface PublishParse {
  /** Absent, or not to be used, when `problems` is non-empty. */
  spec?: PublishSpec;
  problems: SpecProblem[];
}

/**
 * Parses a Docker port publishing spec, `[host_ip:][published:]target[/protocol]`, as
 * `docker run -p` and the compose short syntax read it (Docker's nat.ParsePortSpec): "3000",
 * "3000-3005", "8000:8000", "9090-9091:8080-8081", "127.0.0.1:8001:8001", "::1:6000:6000",
 * "[::1]:6001:6001", "6060:6060/udp", "12400-12500:1240" (a host range for one target),
 * "5000:5000/sctp". An empty published part (":80") means an ephemeral host port.
 *
 * Returns the spec (indices relative to `text`) and the problems found; when `problems` is
 * non-empty the spec must not be used. Parts holding an unknown value ({@link isUnknown}) have
 * no `range` and are not checked. Never throws.
 */
export function parsePublishSpec(text: string): PublishParse {
  const malformed = (why: string): PublishParse => ({
    problems: [{ from: 0, to: text.length, message: `malformed port spec "${text}": ${why}` }],
  });
  if (text.trim() === '') return malformed('it is empty');
  if (/\s/.test(text)) return malformed('it contains blanks');
  const slash = text.lastIndexOf('/');
  const body = slash < 0 ? text.length : slash;
  const protocolPart = slash < 0 ? undefined : { text: text.slice(slash + 1), from: slash + 1, to: text.length };
  const protocol = protocolPart ? dockerProtocol(protocolPart.text) : 'tcp';
  if (protocolPart && !protocol && !isUnknown(protocolPart.text)) {
    return malformed(`unknown protocol "${protocolPart.text}" (expected tcp, udp or sctp)`);
  }
  // Split on ':' keeping positions: [..ip parts.., published, target]
  const cuts: number[] = [];
  for (let i = 0; i < body; i++) if (text[i] === ':') cuts.push(i);
  const n = cuts.length + 1;
  const partAt = (k: number): [number, number] => [k === 0 ? 0 : cuts[k - 1]! + 1, k === n - 1 ? body : cuts[k]!];
  const problems: SpecProblem[] = [];
  let hostIp: SpecPart | undefined;
  let hostIpUnknown = false;
  let published: PortPart | undefined;
  if (n >= 3) {
    const ip = bracketless(text, 0, cuts[n - 3]!);
    if (isUnknown(ip.text)) hostIpUnknown = true;
    else if (ip.text !== '') {
      if (!isIpAddress(ip.text)) return malformed(`"${text.slice(0, cuts[n - 3]!)}" is not an IP address`);
      hostIp = ip;
    }
  }
  if (n >= 2) {
    const [pf, pt] = partAt(n - 2);
    if (pt > pf) {
      published = parsePortPart(text, pf, pt, problems);
      if (!published) return malformed(`"${text.slice(pf, pt)}" is not a port or a port range`);
    }
  }
  const [tf, tt] = partAt(n - 1);
  if (tt <= tf) return malformed('the container port is missing');
  const target = parsePortPart(text, tf, tt, problems);
  if (!target) return malformed(`"${text.slice(tf, tt)}" is not a port or a port range`);
  if (problems.length) return { problems };
  const mismatch = sizeMismatch(published, target);
  if (mismatch) return { problems: [mismatch] };
  const spec: PublishSpec = { target, protocol: protocol ?? 'tcp' };
  if (hostIp) spec.hostIp = hostIp;
  if (hostIpUnknown) spec.hostIpUnknown = true;
  if (published) spec.published = published;
  if (protocolPart) spec.protocolPart = protocolPart;
  return { spec, problems };
}

/** `text[from, to)` as a part, without the brackets of a bracketed IPv6 address. */
function bracketless(text: string, from: number, to: number): SpecPart {
  const s = text.slice(from, to);
  if (s.startsWith('[') && s.endsWith(']')) return { text: text.slice(from + 1, to - 1), from: from + 1, to: to - 1 };
  return { text: s, from, to };
}

/** A target range needs a published range of the same size (a single target takes any published range). */
function sizeMismatch(published: PortPart | undefined, target: PortPart): SpecProblem | undefined {
  if (!published?.range || !target.range) return undefined;
  const pl = published.range.end - published.range.start;
  const tl = target.range.end - target.range.start;
  if (tl === 0 || pl === tl) return undefined;
  return {
    from: published.from,
    to: target.to,
    message: `published ${published.text} and target ${target.text} differ in size: a target range needs a published range of the same size`,
  };
}

/**
 * Parses one long-syntax port field (compose-spec `target` or `published`: a port, or a range
 * "start-end"), the whole of `text`. Returns the part (without `range` when unknown) or, with
 * `part` absent, the problems: an end out of 1-65535, a reversed range, or text that is not a
 * port at all ("malformed port"). Never throws.
 */
export function parsePublishField(text: string): { part?: PortPart; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const part = parsePortPart(text, 0, text.length, problems);
  if (!part) problems.push({ from: 0, to: text.length, message: `malformed port "${text}": not a port or a port range` });
  return problems.length ? { problems } : { part: part!, problems };
}

/**
 * The long syntax's `protocol` field: `udp` or `sctp` (any case) as written, `tcp` for anything
 * else, including an absent field (compose's default).
 */
export function longProtocol(text: string | undefined): DockerProtocol {
  return dockerProtocol(text ?? 'tcp') ?? 'tcp';
}

/**
 * The long syntax's `host_ip` field without the brackets of an IPv6 address; `undefined` when
 * absent or empty (all interfaces). Not checked: compose reports a bad address itself.
 */
export function longHostIp(text: string | undefined): string | undefined {
  const ip = text?.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return ip === '' ? undefined : ip;
}
