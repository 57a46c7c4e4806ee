/**
 * The language server: one {@link Session} (./session.ts: the index, settings, the publish
 * loop) and the features of ./features/, each announcing its own capabilities and registering
 * its own handlers. It only converts and schedules; all analysis is in the core.
 *
 * Lifecycle: `initialize` records the workspace folders and the client's capabilities and
 * answers the composed capabilities; `initialized` makes the features' dynamic registrations
 * (file watching, settings), loads every candidate file (open or not), publishes diagnostics for
 * all of them and sends `portolan/indexed`. `shutdown` stops publishing. What may arrive when
 * (requests before `initialize`, after `shutdown`) is the connection's rule (./lifecycle.ts). Every handler is
 * guarded (./guard.ts): a failure is logged with the handler's name and the server goes on.
 */
import type { Connection, InitializeParams, InitializeResult } from 'vscode-languageserver';
import type { WorkspaceHost } from '../core/index/workspace';
import { codeActions } from './features/codeActions';
import { commands } from './features/commands';
import { completion } from './features/completion';
import { diagnostics } from './features/diagnostics';
import { composeCapabilities, type Feature } from './features/feature';
import { hover } from './features/hover';
import { live } from './features/live';
import { navigation } from './features/navigation';
import { requests } from './features/requests';
import { workspace } from './features/workspace';
import { guard, guardNotification } from './guard';
import { Session, type ServerPlatform } from './session';

/** Every feature of the server, in registration order. */
export const FEATURES: readonly Feature[] = [diagnostics, workspace, hover, completion, codeActions, navigation, commands, requests, live];

export const SERVER_INFO = { name: 'portolan-language-server', version: '0.1.0' };

/**
 * Serves Portolan over `connection`, reading files through `host`; `platform` gives the
 * server's own file watcher (for clients that register none) and the link check of opened
 * documents (./session.ts `ServerPlatform`; absent parts are not used). Returns the session once
 * handlers are registered; call `connection.listen()` afterwards (the caller owns the transport).
 * Throws when two features claim the same capability.
 */
export function startServer(connection: Connection, host: WorkspaceHost, platform: ServerPlatform = {}): Session {
  const session = new Session(connection, host, platform);
  const capabilities = composeCapabilities(FEATURES);
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    session.initialize(params);
    return { capabilities, serverInfo: SERVER_INFO };
  });
  connection.onInitialized(
    guardNotification(connection, 'indexing', async () => {
      for (const f of FEATURES) await f.initialized?.(session, connection);
      await session.start();
    }),
  );
  connection.onShutdown(guard(connection, 'shutdown', undefined, () => session.stop()));
  for (const f of FEATURES) f.register(session, connection);
  return session;
}
