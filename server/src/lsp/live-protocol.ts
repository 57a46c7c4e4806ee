/**
 * Portolan's messages for the live check and port-table regions, shared by server and client.
 */
import { RequestType0 } from 'vscode-languageserver-protocol';

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

/** workspace/executeCommand id that regenerates every out-of-date `portolan:ports` region. */
export const UPDATE_REGIONS_COMMAND = 'portolan.updatePortTables';
