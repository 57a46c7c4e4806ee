/**
 * The one port-fact model. Every format module produces these types; the workspace
 * index, the rules, the LSP adapters and the CLI consume them.
 *
 * Conventions used throughout the core:
 * - A path is an absolute POSIX path ("/ws/nginx/sites/rtcd.conf"). The LSP adapter
 *   converts URIs to paths and back; the core never sees a URI.
 * - An offset is a UTF-16 code-unit index into a document's text (what JavaScript
 *   string indices and LSP's default position encoding count).
 * - A port is an integer 1-65535. A {@link PortRange} is inclusive at both ends.
 */

import type { FileListing } from './listing';

/** Half-open range of UTF-16 offsets `[start, end)` into one document's text. */
export interface Span {
  start: number;
  end: number;
}

/** A span in a named file. */
export interface Location {
  file: string;
  span: Span;
}

/** Inclusive port range; a single port has `start === end`. Valid ports are 1-65535. */
export interface PortRange {
  start: number;
  end: number;
}

/**
 * What a fact says about a port:
 * - `bind`: something listens on it (nginx `listen`, a compose published port, rtcd's `ice_port_udp`);
 * - `reference`: something points at it (proxy_pass, an upstream server, a URL, a compose container target);
 * - `firewall`: a firewall rule allows or denies it (ufw).
 */
export type FactKind = 'bind' | 'reference' | 'firewall';

/** Transport protocol. `both` is TCP and UDP (ufw's default when no `/proto` is given). */
export type Protocol = 'tcp' | 'udp' | 'both' | 'sctp';

/**
 * Well-known roles a mention plays, where Portolan knows the product. Roles drive the
 * rtcd/Calls rules; everything else has no role.
 */
export type Role =
  | 'rtcd-api' // rtcd api.http.listen_address (TCP, default :8045)
  | 'rtcd-ice-udp' // rtcd rtc.ice_port_udp (default 8443)
  | 'rtcd-ice-tcp' // rtcd rtc.ice_port_tcp (default 8443)
  | 'rtcd-ice-host-port-override' // rtcd rtc.ice_host_port_override (advertised, not bound)
  | 'calls-ice-host-port-override' // Calls plugin ICEHostPortOverride (advertised, not bound)
  | 'calls-rtcd-url' // Calls plugin RTCDServiceURL / MM_CALLS_RTCD_SERVICE_URL
  | 'calls-udp' // Calls plugin UDPServerPort (binds only when no rtcd URL is set)
  | 'calls-tcp' // Calls plugin TCPServerPort (binds only when no rtcd URL is set)
  | 'mattermost-http' // Mattermost ServiceSettings.ListenAddress (default :8065)
  | 'admin-api'; // an admin API that reconfigures a front end: Caddy `admin` (default localhost:2019), Traefik `api.insecure` (8080)

/** Format modules; one module in `core/formats/` per id. */
export type FormatId =
  | 'rtcd-toml'
  | 'toml'
  | 'nginx'
  | 'compose'
  | 'dotenv'
  | 'systemd'
  | 'shell'
  | 'ufw-rules'
  | 'ufw-app'
  | 'markdown'
  | 'mattermost-json'
  | 'dockerfile'
  | 'caddy'
  | 'traefik'
  | 'haproxy'
  | 'firewalld'
  | 'nftables'
  | 'iptables'
  | 'quadlet';

/**
 * How the effective value of a fact was derived.
 * - `literal`: the digits are written at the mention.
 * - `default`: nothing is written; the program's documented default applies (`note` says whose).
 * - `env`: an environment variable overrides a config key (`RTCD_RTC_ICEPORTUDP=8443`);
 *   `location` is where the variable is assigned.
 * - `interpolation`: a `${VAR}`, `${VAR:-default}` or `${VAR-default}` expression; `source`
 *   says whether the value came from an env file (`location` names it), from the default
 *   written in the expression, or the variable is unset.
 */
export type Derivation =
  | { kind: 'literal' }
  | { kind: 'default'; note: string }
  | { kind: 'env'; variable: string; location: Location }
  | {
      kind: 'interpolation';
      expression: string;
      variable: string;
      source: 'env-file' | 'expression-default' | 'unset';
      location?: Location;
    };

/**
 * Firewall actions in ufw's words; `limit` allows with rate limiting. Other firewalls map to
 * them: firewalld ports and services, nftables and iptables `accept`/`ACCEPT` are `allow`;
 * `drop`/`DROP` are `deny`; `reject`/`REJECT` are `reject`.
 */
export type FirewallAction = 'allow' | 'deny' | 'reject' | 'limit';

/** The host firewall a rule belongs to. */
export type FirewallName = 'ufw' | 'firewalld' | 'nftables' | 'iptables';

/** Details of a `firewall` fact. */
export interface FirewallRule {
  /** Which firewall the rule is written for. */
  firewall: FirewallName;
  /**
   * True when the rule filters the ports Docker (or rootful Podman) publishes: iptables rules
   * in the `DOCKER-USER` chain, which Docker's own forwarding rules jump to first. Absent for
   * host-input rules (ufw, firewalld zones, nftables `hook input` chains, iptables `INPUT`),
   * which published ports bypass. Such a rule's port may be the published host port or the
   * container port (DOCKER-USER sees packets after Docker's DNAT).
   */
  filtersPublished?: boolean;
  action: FirewallAction;
  /** `in` unless the rule says `out`. */
  direction: 'in' | 'out';
  /** Source address or CIDR, `undefined` for "from any". */
  from?: string;
  /** The rule's `comment '...'` text, when present. */
  comment?: string;
}

/**
 * One mention of a port as a format module extracts it. The workspace index adds `host`
 * (see {@link PortFact}).
 */
export interface ExtractedFact {
  kind: FactKind;
  /** Inclusive; may be out of 1-65535 or reversed only when a finding reports it. */
  ports: PortRange;
  protocol: Protocol;
  /**
   * Listening or target address: "0.0.0.0", "::", "127.0.0.1", a host name, a compose service
   * name. `undefined` means all interfaces (a wildcard bind) or, for firewall rules, "to any".
   */
  address?: string;
  /** Who owns the mention: compose service, systemd unit, nginx server_name, "rtcd", "mattermost", ... */
  owner: string;
  role?: Role;
  /** Where the mention is: the squiggle goes here (the digits, or the `${VAR}` expression that yields them). */
  location: Location;
  /** Where the digits of the effective value are written; equal to `location` for literals. */
  valueLocation: Location;
  derivation: Derivation;
  /** The directive, key or flag that carries the port: "listen", "proxy_pass", "ports", "ice_port_udp", "ufw allow". */
  detail: string;
  /**
   * Identity of the process that binds. Binds with the same instance never conflict with each
   * other (nginx virtual hosts, one compose service listed in two override files, one rtcd
   * described by config.toml and its systemd unit). Format: "<kind>:<name>", e.g.
   * "nginx", "compose:/ws/jitsi#web", "systemd:rtcd.service", "rtcd:/ws/rtcd/config.toml".
   */
  instance?: string;
  /**
   * Network namespace the bind or reference lives in. `undefined` is the host's namespace.
   * A compose container's is "compose:<project dir>#<service>". Binds in different namespaces
   * never conflict; only host-namespace binds are checked against each other.
   */
  netns?: string;
  /** Present exactly when `kind === 'firewall'`. */
  firewall?: FirewallRule;
  /** For references: the URL scheme when the port came from a URL ("http", "https", "ws"). */
  scheme?: string;
  /** Compose and `docker run`: the host port published for this container target (short or long syntax). */
  publishedBy?: PortRange;
  /**
   * Compose, `docker run`, quadlets: true on the container side of a publish (`ports:` target,
   * `-p`, `PublishPort=`), also when the host side is unknown (an unset variable) or left to
   * Docker (`- "80"`). Such a reference says the container listens there; it needs no bind.
   */
  publishTarget?: boolean;
  /** True when an environment override elsewhere makes this config value ineffective. Set by the resolver. */
  shadowed?: boolean;
  /**
   * With `shadowed`: what makes it ineffective, as hover shows it ("overridden by
   * RTCD_RTC_ICEPORTUDP", "ports replaced by !reset or !override in compose.override.yaml").
   */
  shadowedBy?: string;
  /**
   * The configuration block the mention belongs to, unique within its file: an nginx `server`
   * block ("server@1234", the offset of its `server` keyword). A rule uses it to see that a
   * listener and a proxy_pass belong together.
   */
  block?: string;
  /**
   * True for a bind held only while a one-shot command runs in the foreground (`docker run --rm`
   * without `-d`/`--detach`): it takes part in no port-conflict.
   */
  transient?: boolean;
  /**
   * True when the bind's address is written but unknown here (`"$HOST_IP:2375:2375"` with the
   * variable set in no env file Portolan reads); `address` is then `undefined`. Such a bind is not
   * called public: the operator sets the address somewhere Portolan cannot see.
   */
  addressUnknown?: boolean;
  /**
   * Compose: the profiles of the service (as `Workload.profiles`); absent for a service without
   * profiles, which always runs. Set by the resolver.
   */
  profiles?: string[];
  /**
   * Compose: true when none of the service's profiles (inherited ones included) is enabled by
   * `COMPOSE_PROFILES`, so it runs only when asked for (`--profile`); its conflicts are warnings.
   */
  optional?: boolean;
}

/** A fact in the workspace index: an extracted fact placed on a host. */
export interface PortFact extends ExtractedFact {
  /** The machine this mention describes (by default the workspace folder's name). */
  host: string;
  /** The format module that produced it. */
  format: FormatId;
  /** Stable within one snapshot: "<file>#<n>". */
  id: string;
}

/** Rule ids: the diagnostic code, the CLI's rule column and the settings key. */
export type RuleId =
  | 'port-conflict'
  | 'project-conflict'
  | 'rtcd-mismatch'
  | 'unresolved-reference'
  | 'firewall-missing'
  | 'firewall-stale'
  | 'public-exposure'
  | 'invalid-port'
  | 'unknown-rtcd-key'
  | 'parse-error'
  | 'unused-suppression'
  | 'doc-conflict'
  | 'doc-drift'
  | 'doc-stale';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * A problem a format module finds within one file while extracting (an `invalid-port`, an
 * `unknown-rtcd-key`, a `parse-error`). Cross-file problems come from rules instead.
 */
export interface FileFinding {
  rule: Extract<RuleId, 'invalid-port' | 'unknown-rtcd-key' | 'parse-error'>;
  span: Span;
  message: string;
  /** For unknown-rtcd-key: the key rtcd reads instead (a quick fix renames to it). */
  suggestion?: string;
}

/**
 * An environment variable assignment found in a file: compose `environment:` (list or map),
 * systemd `Environment=`, a line of a `.env`/`EnvironmentFile=` file, `docker run -e`.
 */
export interface EnvAssignment {
  name: string;
  /** The value after unquoting and, for compose, interpolation. */
  value: string;
  /** Span of the variable name. */
  nameLocation: Location;
  /** Span of the value text (inside quotes when quoted). Offsets map value index i to `valueLocation.span.start + i` only when `valueOffsets` is absent. */
  valueLocation: Location;
  /** Source offset of each character of `value`, when the value is not a plain copy of the source. */
  valueOffsets?: number[];
}

/**
 * Something that runs a program: a compose service, a systemd unit, a `docker run`.
 * The resolver uses workloads to find rtcd and Mattermost instances, their environment
 * overrides and their published ports.
 */
export interface Workload {
  kind: 'compose-service' | 'systemd-unit' | 'docker-run' | 'podman-quadlet';
  /**
   * Compose service name, unit file name ("rtcd.service"), `docker run --name` (else the image)
   * or a Podman quadlet's unit name ("web.container").
   */
  name: string;
  /** Container image, e.g. "mattermost/rtcd:latest". */
  image?: string;
  /** Basename of the program started (systemd ExecStart), e.g. "rtcd". */
  program?: string;
  /** Arguments after the program or image, unquoted. */
  args: string[];
  /** Environment in effect, in order (later assignments win). Includes env files that were read. */
  env: EnvAssignment[];
  /** Bind mounts: absolute host path (resolved against the defining file) to container path. */
  volumes: { source: string; target: string }[];
  /**
   * Bind mounts whose host path starts with a variable (`${DIR}/default.conf:/etc/nginx/conf.d/default.conf`):
   * `under` is the directory of the defining file (absolute), `suffix` the known rest ("default.conf").
   */
  suffixVolumes?: { under: string; suffix: string; target: string }[];
  /**
   * compose `build`: the build context and the Dockerfile, both absolute POSIX paths (the Dockerfile
   * resolved against the context, default `Dockerfile`), and the `target` stage when one is named.
   * Absent for remote contexts and inline Dockerfiles.
   */
  build?: { context: string; dockerfile: string; target?: string };
  /** compose `network_mode` / docker `--network`, e.g. "host". */
  networkMode?: string;
  /** The workload's network namespace as used in facts (`undefined` for systemd: the host's). */
  netns?: string;
  /**
   * A Podman quadlet in one of rootful Podman's search paths (`/etc/containers/systemd/`, not its
   * `users/` folder; `/usr/share/containers/systemd/`; `/run/containers/systemd/`): netavark
   * publishes its ports with its own firewall rules, which bypass the host firewall as Docker's
   * do. Absent for rootless quadlets (`~/.config/containers/systemd/`, `/etc/containers/systemd/users/`:
   * a user-space forwarder binds a host socket, which the host firewall filters) and for quadlets
   * kept anywhere else (a repository folder), whose mode Portolan cannot know.
   */
  rootful?: boolean;
  /** `docker run --rm` without `-d`: a one-shot foreground run whose binds are transient. */
  transient?: boolean;
  /** The instance key used on this workload's binds. */
  instance: string;
  /**
   * compose `profiles` of the service as it writes them, or, when it writes none, as it inherits
   * them through `extends` (absent when none: the service always runs).
   */
  profiles?: string[];
  /**
   * Profiles the service inherits through `extends` besides its own {@link profiles}: compose
   * merges them (either enables the service), but they say what the base was written for.
   */
  extendedProfiles?: string[];
  /**
   * compose: the profiles `COMPOSE_PROFILES` enables in the project environment this file was
   * read with (comma-separated in `.env`); absent when the variable is not set there.
   */
  enabledProfiles?: string[];
  /**
   * compose keys of this service tagged `!reset` or `!override` (compose-spec 13-merge.md): the
   * values earlier compose files of the project gave them are discarded ("ports", "expose").
   */
  resets?: string[];
  /** Span of the service name, `[Service]` section or `docker run` word. */
  location: Location;
}

/** What a format module returns for one file. */
export interface ExtractResult {
  facts: ExtractedFact[];
  findings: FileFinding[];
  /** Environment assignments made by this file outside any workload (a `.env` file). */
  env: EnvAssignment[];
  workloads: Workload[];
  /** Other files this extraction read through the context (.env, EnvironmentFile, nginx includes). */
  dependencies: string[];
  /** True when the file could not be parsed; the index then keeps its last good facts. */
  failed?: boolean;
  /**
   * compose `include:` (compose-spec 14-include.md): the absolute paths of the compose files this
   * file includes, whose services are part of its project.
   */
  includes?: string[];
}

/** Empty result helper for modules that find nothing. */
export function emptyResult(): ExtractResult {
  return { facts: [], findings: [], env: [], workloads: [], dependencies: [] };
}

/**
 * What a format module may read while extracting. Synchronous: the index has already loaded
 * every candidate file's text through the host.
 */
export interface ExtractContext {
  /** Absolute POSIX path of the file being extracted. */
  readonly path: string;
  readonly text: string;
  /** Text of another workspace file, or `undefined` when it is not in the workspace. Records a dependency. */
  read(path: string): string | undefined;
  /** All workspace file paths (sorted), for include globs and sibling lookups. */
  files(): readonly string[];
  /**
   * The same paths indexed by name and directory name, shared by every extraction of one file
   * list (see `model/listing.ts`). Optional: `listingOf(ctx)` builds one from `files()` when absent.
   * Calling it records a dependency on the file list, as `files()` does.
   */
  listing?(): FileListing;
  /**
   * A workspace file's text (another one, or the extracted file's own when the same parse serves
   * both, as nginx's does) as `parse` turns it into a value, computed once under `kind`
   * for every extraction of the same texts (the index keeps it until a text or the file list
   * changes, or a snapshot is done); `undefined` when the file is not in the workspace. Records
   * a dependency, as `read` does. `parse` must be a pure function of the text. Optional:
   * `readParsed(ctx, ...)` (`formats/context.ts`) parses `read`'s text when absent.
   */
  parsed?<T>(path: string, kind: string, parse: (text: string) => T): T | undefined;
}

/**
 * How sure a module is that a file is its format.
 * - `strong`: recognized by name and content; parse errors are reported.
 * - `weak`: could be, content decides; facts are kept, parse errors are not reported.
 * - `false`: not this format.
 */
export type Detection = 'strong' | 'weak' | false;

/** One format module. `detect` must be cheap and must never throw. */
export interface FormatModule {
  readonly id: FormatId;
  detect(path: string, text: string): Detection;
  /** Must not throw on any input: malformed input yields findings (`parse-error`) and `failed`. */
  extract(ctx: ExtractContext): ExtractResult;
}

/**
 * A word of a shell command line with exact positions. `value` is the word after quote
 * removal; `offsets[i]` is the source offset of `value[i]`, so a port inside a quoted word
 * maps back to its digits exactly.
 */
export interface ShellWord {
  value: string;
  span: Span;
  offsets: number[];
}
