/**
 * The "Portolan: Check Ports on This Machine" command: asks the language server (which runs
 * where the workspace lives, also under VS Code Remote) for `portolan/live` and shows the
 * configured ports already taken by another process, and the listening sockets no
 * configuration declares, in the Portolan output channel. No analysis here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LiveRequest } from '../../server/src/lsp/protocol';

/** Command id contributed in package.json. */
export const LIVE_COMMAND = 'portolan.checkLivePorts';

/** Registers the live-check command; disposed with the extension. */
export function register(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(LIVE_COMMAND, async () => {
      try {
        const r = await client.sendRequest(LiveRequest);
        output.appendLine(`--- Live port check, ${new Date().toISOString()} ---`);
        if (!r.available) {
          output.appendLine(`Unavailable: ${r.reason ?? 'unknown reason'}`);
          output.show(true);
          void vscode.window.showWarningMessage(`Portolan live check unavailable: ${r.reason ?? ''}`);
          return;
        }
        output.appendLine(r.taken.length === 0 ? 'No configured port is taken by another process.' : 'Configured ports already taken on this machine:');
        for (const t of r.taken) output.appendLine(`  ${t.message}`);
        output.appendLine(r.undeclared.length === 0 ? 'Every listening socket is declared by a config.' : 'Listening sockets no config declares:');
        for (const u of r.undeclared) output.appendLine(`  ${u}`);
        output.show(true);
        const summary = `${r.taken.length} configured port(s) taken, ${r.undeclared.length} undeclared listener(s)`;
        if (r.taken.length > 0) void vscode.window.showWarningMessage(`Portolan: ${summary}; see the Portolan output.`);
        else void vscode.window.showInformationMessage(`Portolan: ${summary}.`);
      } catch (err) {
        void vscode.window.showErrorMessage(`Portolan live check failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
}
