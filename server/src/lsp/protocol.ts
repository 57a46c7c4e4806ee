/**
 * Portolan's own LSP messages, beyond the standard protocol. Each says its direction.
 * Shared by the server and the client so both sides agree on names and shapes.
 */
import { NotificationType, RequestType, RequestType0, type Range } from 'vscode-languageserver-protocol';

/** Payload of {@link IndexedNotification}. */
export interface IndexedParams {
  /** Files Portolan read a format from. */
  files: number;
  /** Port mentions in the index. */
  facts: number;
  errors: number;
  warnings: number;
  /** Files skipped while loading, with the reason (too large, binary, unreadable). */
  skipped: number;
}

/**
 * server → client, notification `portolan/indexed`: sent after diagnostics for the whole
 * workspace have been published (at start and after every re-index). Clients can wait on it
 * instead of polling; the status bar shows its counts and the port table refreshes on it.
 */
export const IndexedNotification = new NotificationType<IndexedParams>('portolan/indexed');

/** Which ports {@link PortTableRequest} returns: all, those with a problem, those rtcd or Calls mention. */
export type PortTableFilter = 'all' | 'problems' | 'rtcd';

/** Parameters of {@link PortTableRequest}. */
export interface PortTableParams {
  filter: PortTableFilter;
}

/** A problem on a mention: the diagnostic's code, severity and message. */
export interface PortTableProblem {
  rule: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  message: string;
}

/** One mention of a port: who, what for, and where (the port's digits in `range`). */
export interface PortTableMention {
  owner: string;
  /** Human name of the role, e.g. "rtcd's API". */
  role?: string;
  kind: 'bind' | 'reference' | 'firewall';
  /** Listen address, "any" for firewall rules, "*" for every address. */
  address: string;
  /** Directive, key or option the port came from (`listen`, `ports`, `ufw allow`). */
  detail: string;
  /** False when an override (environment variable, rtcd URL) replaces this mention. */
  inEffect: boolean;
  uri: string;
  /** Path for display: relative to its workspace folder. */
  file: string;
  /** 1-based line. */
  line: number;
  range: Range;
  problems: PortTableProblem[];
}

/** A port (inclusive range) and protocol on one host. */
export interface PortTablePort {
  /** "8443" or "10000-20000". */
  port: string;
  /** "tcp", "udp", "tcp+udp" or "sctp". */
  protocol: string;
  /** The worst severity among its mentions' problems. */
  worst?: PortTableProblem['severity'];
  mentions: PortTableMention[];
}

/**
 * One group of a host's ports: a compose project (`project`: its id relative to its workspace
 * folder, "" at the folder's top level) or the host's files in no project (`project` absent).
 * A port that two groups mention is in both, each with its own mentions.
 */
export interface PortTableProject {
  project?: string;
  /** "opt/jitsi", the folder's name for a top-level project, or "files in no project". */
  label: string;
  ports: PortTablePort[];
}

/** One host and its ports, by project. */
export interface PortTableHost {
  host: string;
  /**
   * True when the host's mentions (before the filter) come from more than one group: show a
   * level per project. False: `projects` has one entry, whose ports go directly under the host.
   */
  byProject: boolean;
  /** Groups with at least one port: files in no project first, then projects by label. */
  projects: PortTableProject[];
}

/**
 * client → server, request `portolan/portTable`: the workspace port table as a tree, host →
 * project → port/protocol → mention, for the Ports view.
 */
export const PortTableRequest = new RequestType<PortTableParams, PortTableHost[], void>('portolan/portTable');

/** Result of {@link PortReferenceRequest}. */
export interface PortReferenceResult {
  /** The whole Markdown document. */
  markdown: string;
}

/**
 * client → server, request `portolan/portReference`: a Markdown port reference of the whole
 * workspace (Service | Port | Protocol | Address | Purpose | Source, per host), the same text as
 * `portolan ports --format markdown`.
 */
export const PortReferenceRequest = new RequestType<Record<string, never>, PortReferenceResult, void>('portolan/portReference');

// The live check and generated port-table regions.

/** What `portolan/live` returns. `line` is 0-based. */
export interface LiveResult {
  available: boolean;
  /** Why the check could not run (no /proc on this OS). */
  reason?: string;
  /** Configured binds already held by another (or an unknown) process. */
  taken: { message: string; uri: string; line: number }[];
  /** Listening sockets no configuration declares: "127.0.0.1:8080/tcp  node (pid 12)". */
  undeclared: string[];
}

/**
 * client → server, request `portolan/live` (no params): reads the sockets of the machine the
 * server runs on (the remote one under VS Code Remote) and compares them with the configuration.
 */
export const LiveRequest = new RequestType0<LiveResult, void>('portolan/live');

/**
 * The server-side command (`workspace/executeCommand`, client → server, no arguments) that
 * regenerates every out-of-date `portolan:ports` region. The server sends the edit with
 * `workspace/applyEdit` (server → client) and returns an {@link UpdatePortTablesResult}.
 */
export const UPDATE_REGIONS_COMMAND = 'portolan.updatePortTables';

/** Result of {@link UPDATE_REGIONS_COMMAND}. */
export interface UpdatePortTablesResult {
  /** Documents the edit changed; 0 when every region was current (no edit is sent then). */
  changed: number;
}

/** A port some other process holds, as {@link SuggestRtcdPortsRequest} lists them. */
export interface TakenPort {
  port: number;
  /** "tcp", "udp" or "tcp+udp". */
  protocol: string;
  /** Who holds it: "web (opt/jitsi/docker-compose.yml:9)". */
  holder: string;
}

/** Result of {@link SuggestRtcdPortsRequest}. */
export interface SuggestRtcdPortsResult {
  /** False when the workspace has no rtcd; `message` says so. */
  available: boolean;
  message?: string;
  /** The host rtcd runs on. */
  host?: string;
  current?: { api: number; media: number };
  /** A free pair: a current port is kept when nothing else holds it, else the nearest free one. */
  suggested?: { api: number; media: number };
  /** Why a current port was not kept, and which nearer ports were skipped. */
  reasons: string[];
  /** Inclusive range rtcd accepts: [80, 49151]. */
  min: number;
  max: number;
  /** Ports bound on rtcd's host by something other than rtcd, to validate input locally. */
  taken: TakenPort[];
}

/**
 * client → server, request `portolan/suggestRtcdPorts`: rtcd's current API and media ports and
 * a suggested free pair with reasons, to prefill the "Renumber rtcd Ports" prompts.
 */
export const SuggestRtcdPortsRequest = new RequestType<Record<string, never>, SuggestRtcdPortsResult, void>('portolan/suggestRtcdPorts');

/**
 * The server-side command (`workspace/executeCommand`, client → server) that renumbers rtcd's
 * ports. Arguments: one {@link RenumberRtcdArgs}. The server computes one WorkspaceEdit, sends
 * it with `workspace/applyEdit` (server → client) carrying change annotations that need
 * confirmation, so VS Code shows the refactor preview, and returns a {@link RenumberRtcdResult}.
 * The client's own command `portolan.renumberRtcd` prompts for the ports and calls this one
 * (a different id, since vscode-languageclient registers every server command under its own id).
 */
export const RENUMBER_RTCD_SERVER_COMMAND = 'portolan.server.renumberRtcd';

/** Arguments of {@link RENUMBER_RTCD_SERVER_COMMAND}. Ports are integers in [80, 49151]. */
export interface RenumberRtcdArgs {
  api: number;
  media: number;
  /** Apply even when a new port is held by something else, or the re-check finds a problem. */
  force?: boolean;
}

/** Result of {@link RENUMBER_RTCD_SERVER_COMMAND}. */
export interface RenumberRtcdResult {
  /** True when the client applied the edit. */
  applied: boolean;
  /** What happened, or why it was refused (naming who holds a taken port). */
  message: string;
  /** Text edits in the WorkspaceEdit, and the files they touch. */
  changes: number;
  files: number;
}
