/**
 * Docker's `expose` grammar, shared by the compose `expose` entries (compose-spec `spec.md`
 * "expose": `<portnum>[/<proto>]` or `<startport-endport>[/<proto>]`) and `docker run --expose`
 * (docker CLI reference "docker container run"): a port or inclusive range, 1-65535, with an
 * optional `/tcp`, `/udp` or `/sctp` (default tcp).
 */
import { dockerProtocol, isUnknown, parsePortPart, type DockerProtocol, type PortPart, type SpecProblem } from './publish';

/** A parsed expose entry. */
export interface ExposeSpec {
  /** The port or range, at `[from, to)` of the entry (without the `/protocol`); no `range` when unknown. */
  ports: PortPart;
  protocol: DockerProtocol;
}

/** How {@link parseExpose} reads an entry. */
export interface ExposeOptions {
  /** Names the entry in messages: "expose entry" (compose), "--expose value" (docker run). */
  label: string;
  /**
   * `problem`: a protocol other than tcp, udp, sctp (and not an unknown value) is a problem, as
   * compose rejects it. `tcp`: it is read as tcp, as the docker CLI passes it on unchecked.
   */
  unknownProtocol: 'problem' | 'tcp';
}

/**
 * Parses an expose entry. Returns the spec or, with `spec` absent, the problems: an end out of
 * 1-65535 or a reversed range (on the digits), a text that is not a port or range, or (see
 * {@link ExposeOptions.unknownProtocol}) an unknown protocol (on the whole entry). Positions are
 * indices into `text`. Never throws.
 */
export function parseExpose(text: string, options: ExposeOptions): { spec?: ExposeSpec; problems: SpecProblem[] } {
  const slash = text.indexOf('/');
  const end = slash < 0 ? text.length : slash;
  const proto = slash < 0 ? 'tcp' : text.slice(slash + 1);
  const protocol = dockerProtocol(proto);
  const problems: SpecProblem[] = [];
  const malformed = (why: string): void => {
    problems.push({ from: 0, to: text.length, message: `malformed ${options.label} "${text}": ${why}` });
  };
  const ports = parsePortPart(text, 0, end, problems);
  if (!ports) malformed('expected a port or range with an optional /protocol');
  else if (options.unknownProtocol === 'problem' && !protocol && !isUnknown(proto)) {
    malformed(`unknown protocol "${proto.toLowerCase()}" (expected tcp, udp or sctp)`);
  }
  if (problems.length) return { problems };
  return { spec: { ports: ports!, protocol: protocol ?? 'tcp' }, problems };
}
