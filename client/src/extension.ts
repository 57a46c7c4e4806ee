/**
 * Portolan VS Code client: starts the Portolan language server and nothing else.
 * All analysis lives in the server (see serverModule); this file only wires the
 * document selector, the file watchers, the settings section and the restart command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import {
  CLIENT_ID,
  CLIENT_NAME,
  CONFIGURATION_SECTION,
  RESTART_COMMAND,
  WATCH_PATTERNS,
  documentSelector,
} from './selectors';

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
  private readonly client: LanguageClient;

  constructor(context: vscode.ExtensionContext, output: vscode.OutputChannel) {
    const module = serverModule();
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const watchers = WATCH_PATTERNS.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
    context.subscriptions.push(...watchers);
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: output,
      synchronize: { configurationSection: CONFIGURATION_SECTION, fileEvents: watchers },
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

/** Extension entry point: creates the output channel, the client and the restart command. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME);
  const portolan = new PortolanClient(context, output);
  // Disposed in this order: the client stops (and may still log) before its channel closes.
  context.subscriptions.push(portolan, output);
  context.subscriptions.push(vscode.commands.registerCommand(RESTART_COMMAND, () => portolan.restart()));
  await portolan.start();
}

/**
 * Nothing to do here: the client is a disposable in context.subscriptions, which VS Code
 * disposes (stopping the language server) right after calling this.
 */
export function deactivate(): void {
  // intentionally empty, see above
}
