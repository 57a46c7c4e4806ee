/**
 * The workspace around the open documents: workspace folders, files changed on disk and settings.
 *
 * File watching is the server's: on `initialized` it registers one watcher for every file
 * ({@link WATCHED_GLOB}, `client/registerCapability` for `workspace/didChangeWatchedFiles`) with
 * every client that announces `workspace.didChangeWatchedFiles.dynamicRegistration` (VS Code's
 * vscode-languageclient does; so can Neovim and other editors), and it decides itself which
 * paths it reads (../../core/index/registry.ts `isCandidatePath`). One pattern for everything, so a
 * deleted folder, which arrives as a single event for the folder, is seen too. The VS Code
 * client creates no watchers of its own. A client that does not offer the registration, or
 * refuses it (Neovim before 0.10), gets the server's own watcher (../../node/watch.ts, chokidar)
 * on the workspace folders; the log says which: "file watching: client" or "file watching:
 * server (chokidar)".
 *
 * Workspace folders: the server announces `workspace.workspaceFolders` with change
 * notifications, and to a client that declares `workspace.workspaceFolders` it follows
 * `workspace/didChangeWorkspaceFolders` (../session.ts `foldersChanged`): the index, each
 * folder's host name and settings, and the server's own watcher follow the added and removed
 * folders. (vscode-languageserver installs the notification's handler only for such a client;
 * the feature subscribes on `initialized`, before anything it awaits.)
 *
 * Settings are pulled per folder (`workspace/configuration`) when the client answers pulls,
 * after a `workspace/didChangeConfiguration` registered for the `portolan` section; otherwise
 * the notification's own `portolan` section applies to every folder.
 */
import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver';
import { uriToPath } from '../convert';
import { guardNotification } from '../guard';
import type { PortolanSettings } from '../settings';
import type { Feature } from './feature';

/** The glob the server watches (LSP `GlobPattern`, relative to each workspace folder). */
export const WATCHED_GLOB = '**/*';

export const workspace: Feature = {
  name: 'workspace',
  capabilities: { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } },
  register(session, connection) {
    connection.onDidChangeWatchedFiles(
      guardNotification(connection, 'didChangeWatchedFiles', (params) =>
        session.filesChanged(params.changes.flatMap((c) => {
          const path = uriToPath(c.uri);
          return path ? [{ path, deleted: c.type === FileChangeType.Deleted }] : [];
        })),
      ),
    );
    connection.onDidChangeConfiguration(
      guardNotification(connection, 'didChangeConfiguration', (change) => session.settingsChanged((change.settings as { portolan?: PortolanSettings } | null)?.portolan)),
    );
  },
  async initialized(session, connection) {
    const caps = session.clientCapabilities.workspace;
    if (caps?.workspaceFolders === true) {
      connection.workspace.onDidChangeWorkspaceFolders(guardNotification(connection, 'didChangeWorkspaceFolders', (event) => session.foldersChanged(event)));
    }
    // Awaited here (the guard's notification form would not be): the watching mode depends on the answer.
    const register = async (what: () => Promise<unknown>): Promise<boolean> => {
      try {
        await what();
        return true;
      } catch (e) {
        session.fail('client/registerCapability', e);
        return false;
      }
    };
    let mode: 'client' | 'server' = 'server';
    if (caps?.didChangeWatchedFiles?.dynamicRegistration === true) {
      if (await register(() => connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_GLOB }] }))) mode = 'client';
    }
    session.watchFiles(mode);
    if (session.canPullConfig) await register(() => connection.client.register(DidChangeConfigurationNotification.type, { section: 'portolan' }));
  },
};
