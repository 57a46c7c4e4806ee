/**
 * Portolan VS Code client: starts the Portolan language server and shows what it finds.
 * All analysis lives in the server (see serverModule); this file wires the document
 * selector, the settings section, the commands, the Ports view and the status bar item. The
 * view and the status bar only display the server's answers. Files changed on disk reach the
 * server through the watcher it registers itself (server/src/lsp/features/workspace.ts), so
 * the client creates none.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { IndexedNotification, PortReferenceRequest, PortTableRequest, type IndexedParams, type PortTableFilter } from '../../server/src/lsp/protocol';
import { PortTableProvider } from './portTable';
import { registerRenumber } from './renumber';
import {
  CLIENT_ID,
  CLIENT_NAME,
  COMMANDS,
  CONFIGURATION_SECTION,
  PORTS_VIEW,
  documentSelector,
} from './selectors';
import { PortStatus } from './status';
import { register as registerLive } from './live';

/**
 * Absolute path of the language server's entry point: `server.js` beside this file in the esbuild
 * bundle (dist/extension.js, what package.json's `main` and the .vsix use), otherwise the tsc
 * build's out/server/src/lsp/main.js seen from out/client/src/extension.js.
 */
function serverModule(): string {
  const bundled = path.join(__dirname, 'server.js');
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, '..', '..', 'server', 'src', 'lsp', 'main.js');
}

/**
 * Owns one LanguageClient for the lifetime of an activation. Registered in
 * context.subscriptions, so VS Code disposes it (stopping the server) on deactivation.
 */
class PortolanClient implements vscode.Disposable {
  readonly client: LanguageClient;

  constructor(output: vscode.OutputChannel) {
    const module = serverModule();
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: output,
      synchronize: { configurationSection: CONFIGURATION_SECTION },
      middleware: {
        // The server refuses a rename (a taken or out-of-range port) with a ResponseError. VS Code
        // shows the reason in the rename box only for an error named "Rename", so pass it on as one.
        async provideRenameEdits(document, position, newName, token, next) {
          try {
            return await next(document, position, newName, token);
          } catch (e) {
            const reason = new Error(e instanceof Error ? e.message : String(e));
            reason.name = 'Rename';
            throw reason;
          }
        },
      },
    };
    this.client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  }

  /** Starts the server; failures are logged, never thrown. */
  async start(): Promise<void> {
    try {
      await this.client.start();
    } catch (err) {
      this.report('start', err);
    }
  }

  /** Stops (if running) and starts the server again; failures are logged, never thrown. */
  async restart(): Promise<void> {
    try {
      if (this.client.isRunning()) await this.client.restart();
      else await this.client.start();
    } catch (err) {
      this.report('restart', err);
    }
  }

  /** Stops the server and releases the client; safe to call when it never started or failed. */
  dispose(): Promise<void> {
    if (!this.client.needsStop()) return Promise.resolve();
    return this.client.dispose().catch(() => undefined);
  }

  /** Logs a failure to the Portolan output (the client has already notified the user). */
  private report(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.client.error(`Could not ${what} the Portolan language server: ${message}`, undefined, false);
  }
}

/**
 * What `activate` returns (`vscode.extensions.getExtension('portolan.portolan').exports`):
 * the live parts of the UI, so other extensions and the integration tests read what the user
 * sees through the same objects VS Code uses.
 */
export interface PortolanApi {
  /** The Ports view's tree data provider. */
  readonly portTable: PortTableProvider;
  /** The status bar item. */
  readonly statusBarItem: vscode.StatusBarItem;
  /** Resolves with the next `portolan/indexed` notification (diagnostics published for the whole workspace). */
  nextIndexed(): Promise<IndexedParams>;
  /** The latest `portolan/indexed`, if any arrived yet. */
  readonly lastIndexed: IndexedParams | undefined;
}

/**
 * Writes the Markdown port reference to `target`, or to a file the user picks (default
 * PORTS.md in the first workspace folder), then opens it. Resolves to the file written, or
 * undefined when the user cancels.
 */
async function exportPortReference(client: LanguageClient, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = target ?? (await vscode.window.showSaveDialog({
    title: 'Export Port Reference',
    saveLabel: 'Export',
    filters: { Markdown: ['md'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'PORTS.md') } : {}),
  }));
  if (!uri) return undefined;
  const { markdown } = await client.sendRequest(PortReferenceRequest, {});
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/** Extension entry point: creates the output channel, the client, the commands, the Ports view and the status bar item. */
export async function activate(context: vscode.ExtensionContext): Promise<PortolanApi> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME);
  const portolan = new PortolanClient(output);
  const { client } = portolan;
  const portTable = new PortTableProvider((filter) => client.sendRequest(PortTableRequest, { filter }));
  const view = vscode.window.createTreeView(PORTS_VIEW, { treeDataProvider: portTable, showCollapseAll: true });
  const status = new PortStatus(COMMANDS.showPortTable);
  let lastIndexed: IndexedParams | undefined;
  const indexed = new vscode.EventEmitter<IndexedParams>();
  // Disposed in reverse: the client stops (and may still log) before its channel closes.
  context.subscriptions.push(output, indexed, portTable, view, status, portolan);

  const setFilter = async (filter: PortTableFilter) => {
    await portTable.setFilter(filter);
    view.description = portTable.filterLabel;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.restartServer, () => portolan.restart()),
    vscode.commands.registerCommand(COMMANDS.showPortTable, () => vscode.commands.executeCommand(`${PORTS_VIEW}.focus`)),
    vscode.commands.registerCommand(COMMANDS.exportPortReference, (target?: unknown) => exportPortReference(client, target instanceof vscode.Uri ? target : undefined)),
    vscode.commands.registerCommand(COMMANDS.refreshPortTable, () => portTable.refresh()),
    vscode.commands.registerCommand(COMMANDS.filterAll, () => setFilter('all')),
    vscode.commands.registerCommand(COMMANDS.filterProblems, () => setFilter('problems')),
    vscode.commands.registerCommand(COMMANDS.filterRtcd, () => setFilter('rtcd')),
  );
  registerRenumber(context, client);
  await vscode.commands.executeCommand('setContext', 'portolan.portTable.filter', 'all');

  // Registered before start, so the first notification (sent right after indexing) is not missed.
  context.subscriptions.push(
    client.onNotification(IndexedNotification, (p) => {
      lastIndexed = p;
      status.update(p);
      portTable.refresh();
      indexed.fire(p);
    }),
  );
  registerLive(context, client, output);
  await portolan.start();
  await vscode.commands.executeCommand('setContext', 'portolan.active', true);

  return {
    portTable,
    statusBarItem: status.item,
    nextIndexed: () => new Promise((resolve) => {
      const sub = indexed.event((p) => {
        sub.dispose();
        resolve(p);
      });
    }),
    get lastIndexed() {
      return lastIndexed;
    },
  };
}

/**
 * Nothing to do here: the client is a disposable in context.subscriptions, which VS Code
 * disposes (stopping the language server) right after calling this.
 */
export function deactivate(): void {
  // intentionally empty, see above
}
