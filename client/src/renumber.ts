/**
 * "Portolan: Renumber rtcd Ports": asks for rtcd's new API and media ports (prefilled with the
 * server's suggested free pair, validated against [80, 49151] and the ports other processes hold
 * on rtcd's host), then runs the server's renumber command. The server sends the WorkspaceEdit
 * with change annotations that need confirmation, so VS Code shows the refactor preview; the
 * whole change is undone with one undo. No analysis here: the client only asks and shows.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import {
  RENUMBER_RTCD_SERVER_COMMAND,
  SuggestRtcdPortsRequest,
  type RenumberRtcdArgs,
  type RenumberRtcdResult,
  type SuggestRtcdPortsResult,
} from '../../server/src/lsp/protocol';
import { COMMANDS } from './selectors';

/**
 * Why `value` cannot be rtcd's new port, or `undefined` when it can: not a number, outside
 * `[s.min, s.max]`, equal to the other port just chosen, or held by another process on the host
 * (the message names who).
 */
export function validatePort(value: string, s: Pick<SuggestRtcdPortsResult, 'min' | 'max' | 'taken'>, protocols: readonly string[], other?: number): string | undefined {
  const v = value.trim();
  if (!/^\d{1,6}$/.test(v)) return 'Enter a port number.';
  const n = Number(v);
  if (n < s.min || n > s.max) return `rtcd accepts ports in [${s.min}, ${s.max}].`;
  if (other !== undefined && n === other) return 'The API port and the media port must differ.';
  const held = s.taken.find((t) => t.port === n && protocols.some((p) => t.protocol.includes(p)));
  return held ? `${n}/${held.protocol} is taken by ${held.holder}.` : undefined;
}

async function ask(title: string, prompt: string, value: number, validate: (v: string) => string | undefined): Promise<number | undefined> {
  const input = await vscode.window.showInputBox({ title, prompt, value: String(value), validateInput: validate, ignoreFocusOut: true });
  return input === undefined ? undefined : Number(input.trim());
}

/**
 * Registers `portolan.renumberRtcd`. Called with `{ api, media, force? }` it skips the prompts
 * (for scripts and tests); it resolves to the server's {@link RenumberRtcdResult}, or undefined
 * when the user cancels or there is no rtcd.
 */
export function registerRenumber(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.renumberRtcd, async (args?: Partial<RenumberRtcdArgs>): Promise<RenumberRtcdResult | undefined> => {
      const s = await client.sendRequest(SuggestRtcdPortsRequest, {});
      if (!s.available || !s.current || !s.suggested) {
        void vscode.window.showWarningMessage(s.message ?? 'No rtcd found in the workspace.');
        return undefined;
      }
      const { current, suggested } = s;
      const api = args?.api ?? (await ask('Renumber rtcd Ports (1/2)', `rtcd's API port (TCP), now ${current.api}${s.reasons.length ? ` — ${s.reasons[0]}` : ''}`, suggested.api, (v) => validatePort(v, s, ['tcp'])));
      if (api === undefined) return undefined;
      const media = args?.media ?? (await ask('Renumber rtcd Ports (2/2)', `rtcd's media port (UDP and TCP), now ${current.media}`, suggested.media === api ? current.media : suggested.media, (v) => validatePort(v, s, ['udp', 'tcp'], api)));
      if (media === undefined) return undefined;
      const params: RenumberRtcdArgs = { api, media, ...(args?.force ? { force: true } : {}) };
      const result = (await client.sendRequest(ExecuteCommandRequest.type, { command: RENUMBER_RTCD_SERVER_COMMAND, arguments: [params] })) as RenumberRtcdResult;
      if (result.applied) void vscode.window.showInformationMessage(result.message);
      else void vscode.window.showWarningMessage(result.message);
      return result;
    }),
  );
}
