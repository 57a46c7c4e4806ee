/**
 * Server-side commands (`workspace/executeCommand`, client → server); each sends its edit to
 * the client with `workspace/applyEdit` (server → client) and never writes a file:
 *
 * - {@link RENUMBER_RTCD_SERVER_COMMAND}: renumbers rtcd's API and media ports everywhere they
 *   are carried (core/features/edits/renumber.ts `decideRenumber`), with change annotations that
 *   need confirmation so VS Code shows the refactor preview; answers a RenumberRtcdResult.
 * - {@link UPDATE_REGIONS_COMMAND}: regenerates every out-of-date `portolan:ports` region;
 *   answers an UpdatePortTablesResult (the number of documents edited).
 */
import type { ExecuteCommandParams } from 'vscode-languageserver';
import { decideRenumber } from '../../core/features/edits/renumber';
import { staleRegionEdits } from '../../core/features/edits/regions';
import { toChanges, toWorkspaceEdit } from '../convert';
import { guard } from '../guard';
import { RENUMBER_RTCD_SERVER_COMMAND, UPDATE_REGIONS_COMMAND, type RenumberRtcdArgs, type RenumberRtcdResult, type UpdatePortTablesResult } from '../protocol';
import type { Session } from '../session';
import type { Feature } from './feature';

async function renumberRtcd(session: Session, params: ExecuteCommandParams): Promise<RenumberRtcdResult> {
  const args = (params.arguments?.[0] ?? {}) as Partial<RenumberRtcdArgs>;
  const ports = { api: Number(args.api), media: Number(args.media) };
  const { snap, diagnostics } = session.analyze();
  const d = decideRenumber(snap, (f) => session.textOf(f), ports, diagnostics, session.reanalyzer(), args.force === true);
  if (d.kind === 'refused') return { applied: false, message: `Refused: ${d.reason}.`, changes: 0, files: 0 };
  if (d.kind === 'unchanged') return { applied: false, message: `rtcd already uses API ${ports.api} and media ${ports.media}.`, changes: 0, files: 0 };
  const edit = toWorkspaceEdit(d.edits, session, (e) => ({
    id: `portolan.renumber.${e.label ?? 'port'}`,
    annotation: { label: e.label ?? 'port', description: d.label, needsConfirmation: true },
  }));
  const r = await session.connection.workspace.applyEdit({ label: `Renumber ${d.label}`, edit });
  const message = r.applied ? `Renumbered ${d.label} (${d.edits.length} changes in ${d.files} files).` : `Not applied${r.failureReason ? `: ${r.failureReason}` : ''}.`;
  return { applied: r.applied, message, changes: d.edits.length, files: d.files };
}

async function updateRegions(session: Session): Promise<UpdatePortTablesResult> {
  const edits = staleRegionEdits(session.snapshot(), (f) => session.textOf(f));
  if (edits.length === 0) return { changed: 0 };
  const changes = toChanges(edits, (p) => session.text(p));
  await session.connection.workspace.applyEdit({ label: 'Portolan: update generated port tables', edit: { changes } });
  return { changed: Object.keys(changes).length };
}

const RENUMBER_FAILED: RenumberRtcdResult = { applied: false, message: 'Portolan could not renumber rtcd; see the Portolan output.', changes: 0, files: 0 };

export const commands: Feature = {
  name: 'commands',
  capabilities: { executeCommandProvider: { commands: [UPDATE_REGIONS_COMMAND, RENUMBER_RTCD_SERVER_COMMAND] } },
  register(session, connection) {
    const run: Record<string, (p: ExecuteCommandParams) => Promise<unknown>> = {
      [RENUMBER_RTCD_SERVER_COMMAND]: guard(connection, RENUMBER_RTCD_SERVER_COMMAND, RENUMBER_FAILED, (p: ExecuteCommandParams) => renumberRtcd(session, p)),
      [UPDATE_REGIONS_COMMAND]: guard(connection, UPDATE_REGIONS_COMMAND, { changed: 0 }, () => updateRegions(session)),
    };
    connection.onExecuteCommand((params) => run[params.command]?.(params) ?? null);
  },
};
