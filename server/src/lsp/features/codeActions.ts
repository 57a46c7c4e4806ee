/**
 * Code actions: quick fixes for a problem under the cursor, fix-all per rule and file (its edit
 * computed on `codeAction/resolve`), the combined `source.fixAll.portolan` action that
 * `editor.codeActionsOnSave` asks for, and the `doc-stale` fix that regenerates a document's
 * port table. The edits come from core/features/edits (fixes.ts, regions.ts); every fix there
 * has passed the re-check guard. Versioned WorkspaceEdits (../convert.ts), never a write.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import { fixableIn, fixAll, quickFixes, type FixContext } from '../../core/features/edits/fixes';
import { staleRegionEdits } from '../../core/features/edits/regions';
import type { RuleId } from '../../core/model/facts';
import { toChanges, toLspDiagnostic, toWorkspaceEdit, uriToPath } from '../convert';
import { guard } from '../guard';
import type { Session } from '../session';
import type { Feature } from './feature';

/** The code action kind of Portolan's fix-all actions. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.portolan`;

/** `data` of an unresolved fix-all action. */
interface FixAllData {
  uri: string;
  rule?: RuleId;
}

const fixAllTitle = (rule?: RuleId) => (rule ? `Fix all ${rule} problems in this file` : 'Fix all Portolan problems in this file');

function fixContext(session: Session): FixContext {
  const { snap, diagnostics } = session.analyze();
  return { snap, textOf: (f) => session.textOf(f), before: diagnostics, reanalyze: session.reanalyzer() };
}

/** Whether the request's `only` admits quick fixes (no `only` admits every kind). */
function wantsQuickFix(only: readonly string[] | undefined): boolean {
  return only === undefined || only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty);
}

/** Quick fixes and fix-all actions for the fixable problems in the request's range. */
function fixActions(session: Session, params: CodeActionParams): CodeAction[] {
  const at = session.at(params.textDocument.uri, params.range.start);
  if (!at) return [];
  const only = params.context.only;
  const fixAllWanted = only?.some((k) => k === CodeActionKind.SourceFixAll || k === FIX_ALL_KIND || k === CodeActionKind.Source) ?? true;
  const quickFixWanted = wantsQuickFix(only);
  const ctx = fixContext(session);
  if (only && fixAllWanted && !quickFixWanted) {
    // editor.codeActionsOnSave: one combined action with its edit.
    const { edits, fixed } = fixAll(ctx, at.file);
    return edits.length > 0 ? [{ title: `${fixAllTitle()} (${fixed.length})`, kind: FIX_ALL_KIND, edit: toWorkspaceEdit(edits, session) }] : [];
  }
  const to = session.at(params.textDocument.uri, params.range.end)!.offset;
  const inRange = fixableIn(ctx.before, at.file, at.offset, to);
  const actions: CodeAction[] = [];
  if (quickFixWanted) {
    for (const d of inRange) {
      const diagnostic = toLspDiagnostic(d, (p) => session.text(p));
      for (const f of quickFixes(ctx, d)) actions.push({ title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: f.preferred, edit: toWorkspaceEdit(f.edits, session) });
    }
  }
  if (fixAllWanted) {
    for (const rule of new Set(inRange.map((d) => d.rule))) {
      const data: FixAllData = { uri: params.textDocument.uri, rule };
      actions.push({ title: fixAllTitle(rule), kind: FIX_ALL_KIND, data });
    }
  }
  return actions;
}

/** The `doc-stale` fix for the stale-region diagnostics the request carries. */
function regionActions(session: Session, params: CodeActionParams): CodeAction[] {
  const stale = params.context.diagnostics.filter((d) => d.code === 'doc-stale');
  const path = uriToPath(params.textDocument.uri);
  if (stale.length === 0 || !path || !wantsQuickFix(params.context.only)) return [];
  const edits = staleRegionEdits(session.snapshot(), (f) => session.textOf(f), path);
  if (edits.length === 0) return [];
  return [{ title: 'Regenerate the port table from the configuration', kind: CodeActionKind.QuickFix, diagnostics: stale, isPreferred: true, edit: { changes: toChanges(edits, (p) => session.text(p)) } }];
}

/** Gives an unresolved fix-all action its edit; any other action comes back as it is. */
function resolve(session: Session, action: CodeAction): CodeAction {
  const data = action.data as FixAllData | undefined;
  const file = data ? uriToPath(data.uri) : undefined;
  if (!file || action.edit) return action;
  const { edits } = fixAll(fixContext(session), file, data!.rule);
  return { ...action, edit: toWorkspaceEdit(edits, session) };
}

export const codeActions: Feature = {
  name: 'codeActions',
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true } },
  register(session, connection) {
    // Two guards: a failing fix computation still leaves the region fix, and the reverse.
    const fixes = guard(connection, 'codeAction', [], (p: CodeActionParams) => fixActions(session, p));
    const regions = guard(connection, 'codeAction/doc-stale', [], (p: CodeActionParams) => regionActions(session, p));
    connection.onCodeAction((params) => [...fixes(params), ...regions(params)]);
    connection.onCodeActionResolve(guard(connection, 'codeAction/resolve', (action: CodeAction) => action, (action: CodeAction) => resolve(session, action)));
  },
};
