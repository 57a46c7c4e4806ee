/**
 * LSP adapters for Portolan's edits: code actions (quick fixes, fix-all per rule and file,
 * `source.fixAll.portolan`), rename with prepareRename, references, definition, the rtcd
 * renumber command and `portolan/suggestRtcdPorts`. Only conversions: the edits come from
 * server/src/core/edits. The server never writes files: every change goes to the client as a
 * WorkspaceEdit, versioned for open documents (TextDocumentEdit with the document's version),
 * version null for files that are not open.
 */
import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  type ChangeAnnotation,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type ExecuteCommandParams,
  type Location as LspLocation,
  type ServerCapabilities,
  type TextDocuments,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAll, FIXABLE_RULES, quickFixes, type FixContext } from '../core/features/edits/fixes';
import { verifyEdits, indexReanalyzer } from '../core/features/edits/recheck';
import { definitionsAt, prepareRename, referencesAt, renamePort } from '../core/features/edits/rename';
import { planRenumber, suggestRtcdPorts } from '../core/features/edits/renumber';
import { groupEdits, type TextEdit } from '../core/features/edits/text';
import type { Location, RuleId } from '../core/model/facts';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../core/model/ports';
import type { PortDiagnostic, RuleSettings } from '../core/rules';
import type { IndexOptions, Snapshot, WorkspaceIndex } from '../core/index/workspace';
import { offsetAt, pathToUri, spanToRange, toLspDiagnostic, uriToPath } from './convert';
import { RENUMBER_RTCD_SERVER_COMMAND, SuggestRtcdPortsRequest, type RenumberRtcdArgs, type RenumberRtcdResult, type SuggestRtcdPortsResult } from './protocol';
import { effectiveBinds } from '../core/index/queries';

/** The code action kind of Portolan's fix-all actions. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.portolan`;

/** Capabilities the edit features add to the server's InitializeResult. */
export const EDIT_CAPABILITIES: ServerCapabilities = {
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
  renameProvider: { prepareProvider: true },
  referencesProvider: true,
  definitionProvider: true,
  executeCommandProvider: { commands: [RENUMBER_RTCD_SERVER_COMMAND] },
};

/** What the edit features need from the server. */
export interface EditHost {
  documents: TextDocuments<TextDocument>;
  index(): WorkspaceIndex;
  /** Roots and host map the index was configured with (for the re-check's copy). */
  indexOptions(): IndexOptions;
  ruleSettings(file: string): RuleSettings;
  /** The current snapshot and its diagnostics, with each file's settings. */
  analyze(): { snap: Snapshot; diagnostics: PortDiagnostic[] };
  clientCapabilities(): ClientCapabilities;
}

interface FixAllData {
  uri: string;
  rule?: RuleId;
}

/** The handlers the server dispatches itself: a connection has one code-action and one execute-command handler. */
export interface EditHandlers {
  /** Quick fixes and fix-all actions for a code-action request. */
  codeActions(params: CodeActionParams): Promise<CodeAction[]>;
  /** Runs {@link RENUMBER_RTCD_SERVER_COMMAND}. */
  renumberRtcd(params: ExecuteCommandParams): Promise<RenumberRtcdResult>;
}

/**
 * Registers code-action resolve, rename, references, definition and `portolan/suggestRtcdPorts`
 * on `connection`, and returns the code-action and renumber handlers for the server to dispatch.
 * Each handler is guarded: a failure is logged and answered empty.
 */
export function registerEditHandlers(connection: Connection, host: EditHost): EditHandlers {
  const textOf = (file: string): string | undefined => host.index().textOf(file);
  const log = (name: string, e: unknown) => connection.console.error(`[portolan] ${name} failed: ${(e as Error).stack ?? e}`);

  function fixContext(): FixContext {
    const { snap, diagnostics } = host.analyze();
    return { snap, textOf, before: diagnostics, reanalyze: indexReanalyzer(host.index(), host.indexOptions(), (f) => host.ruleSettings(f)) };
  }

  /** A WorkspaceEdit over core edits: versioned TextDocumentEdits when the client takes them, else `changes`. */
  function workspaceEdit(edits: readonly TextEdit[], annotate?: (e: TextEdit) => { id: string; annotation: ChangeAnnotation }): WorkspaceEdit {
    const caps = host.clientCapabilities().workspace?.workspaceEdit;
    const grouped = groupEdits(edits);
    if (!caps?.documentChanges) {
      const changes: NonNullable<WorkspaceEdit['changes']> = {};
      for (const [file, list] of grouped) changes[pathToUri(file)] = list.map((e) => ({ range: spanToRange(textOf(file) ?? '', e.span), newText: e.newText }));
      return { changes };
    }
    const annotations: Record<string, ChangeAnnotation> = {};
    const withAnnotations = annotate !== undefined && caps.changeAnnotationSupport !== undefined;
    const documentChanges = [...grouped].map(([file, list]) => {
      const uri = pathToUri(file);
      const doc = host.documents.get(uri);
      return {
        textDocument: { uri, version: doc ? doc.version : null },
        edits: list.map((e) => {
          const range = spanToRange(textOf(file) ?? '', e.span);
          if (!withAnnotations) return { range, newText: e.newText };
          const a = annotate!(e);
          annotations[a.id] = a.annotation;
          return { range, newText: e.newText, annotationId: a.id };
        }),
      };
    });
    return withAnnotations ? { documentChanges, changeAnnotations: annotations } : { documentChanges };
  }

  const toLspLocation = (l: Location): LspLocation => ({ uri: pathToUri(l.file), range: spanToRange(textOf(l.file) ?? '', l.span) });

  function position(uri: string, line: number, character: number): { file: string; offset: number } | undefined {
    const file = uriToPath(uri);
    const text = file ? textOf(file) : undefined;
    if (!file || text === undefined) return undefined;
    return { file, offset: offsetAt(text, line, character) };
  }

  const fixAllTitle = (rule?: RuleId) => (rule ? `Fix all ${rule} problems in this file` : 'Fix all Portolan problems in this file');

  const codeActions = async (params: CodeActionParams): Promise<CodeAction[]> => {
    try {
      const file = uriToPath(params.textDocument.uri);
      if (!file || textOf(file) === undefined) return [];
      const only = params.context.only;
      const wantsFixAll = only?.some((k) => k === CodeActionKind.SourceFixAll || k === FIX_ALL_KIND || k === CodeActionKind.Source) ?? true;
      const wantsQuickFix = only === undefined || only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty);
      const ctx = fixContext();
      const actions: CodeAction[] = [];
      if (only && wantsFixAll && !wantsQuickFix) {
        // editor.codeActionsOnSave: one combined action with its edit.
        const { edits, fixed } = fixAll(ctx, file);
        if (edits.length > 0) actions.push({ title: `${fixAllTitle()} (${fixed.length})`, kind: FIX_ALL_KIND, edit: workspaceEdit(edits) });
        return actions;
      }
      const text = textOf(file)!;
      const from = offsetAt(text, params.range.start.line, params.range.start.character);
      const to = offsetAt(text, params.range.end.line, params.range.end.character);
      const inRange = ctx.before.filter((d) => d.location.file === file && FIXABLE_RULES.includes(d.rule) && d.location.span.start <= to && d.location.span.end >= from);
      if (wantsQuickFix) {
        for (const d of inRange) {
          for (const f of quickFixes(ctx, d)) {
            actions.push({ title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [toLspDiagnostic(d, (p) => textOf(p) ?? '')], isPreferred: f.preferred, edit: workspaceEdit(f.edits) });
          }
        }
      }
      if (wantsFixAll) {
        const rules = [...new Set(inRange.map((d) => d.rule))];
        for (const rule of rules) {
          const data: FixAllData = { uri: params.textDocument.uri, rule };
          actions.push({ title: fixAllTitle(rule), kind: FIX_ALL_KIND, data });
        }
      }
      return actions;
    } catch (e) {
      log('codeAction', e);
      return [];
    }
  };

  connection.onCodeActionResolve((action) => {
    try {
      const data = action.data as FixAllData | undefined;
      const file = data ? uriToPath(data.uri) : undefined;
      if (!file || action.edit) return action;
      const { edits } = fixAll(fixContext(), file, data!.rule);
      return { ...action, edit: workspaceEdit(edits) };
    } catch (e) {
      log('codeAction/resolve', e);
      return action;
    }
  });

  connection.onPrepareRename((params) => {
    const at = position(params.textDocument.uri, params.position.line, params.position.character);
    if (!at) return null;
    const t = prepareRename(host.analyze().snap, at.file, at.offset);
    if ('error' in t) throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
    return { range: spanToRange(textOf(at.file) ?? '', t.span), placeholder: String(t.port) };
  });

  connection.onRenameRequest((params) => {
    const at = position(params.textDocument.uri, params.position.line, params.position.character);
    if (!at) return null;
    const r = renamePort(host.analyze().snap, textOf, at.file, at.offset, params.newName);
    if ('error' in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return workspaceEdit(r.edits, (e) => ({ id: `portolan.rename.${e.label ?? 'port'}`, annotation: { label: e.label ?? 'port', description: `port renamed to ${params.newName}`, needsConfirmation: false } }));
  });

  connection.onReferences((params) => {
    try {
      const at = position(params.textDocument.uri, params.position.line, params.position.character);
      if (!at) return [];
      return referencesAt(host.analyze().snap, at.file, at.offset, params.context.includeDeclaration).map(toLspLocation);
    } catch (e) {
      log('references', e);
      return [];
    }
  });

  connection.onDefinition((params) => {
    try {
      const at = position(params.textDocument.uri, params.position.line, params.position.character);
      if (!at) return [];
      return definitionsAt(host.analyze().snap, at.file, at.offset).map(toLspLocation);
    } catch (e) {
      log('definition', e);
      return [];
    }
  });

  connection.onRequest(SuggestRtcdPortsRequest, (): SuggestRtcdPortsResult => {
    const base = { reasons: [], min: RTCD_MIN_PORT, max: RTCD_MAX_PORT, taken: [] };
    try {
      const { snap } = host.analyze();
      const s = suggestRtcdPorts(snap);
      if (!s) return { ...base, available: false, message: 'No rtcd found in the workspace.' };
      const taken = effectiveBinds(snap)
        .filter((b) => b.host === s.host && b.netns === undefined && b.instance !== s.instance && b.ports.start === b.ports.end)
        .map((b) => ({ port: b.ports.start, protocol: b.protocol === 'both' ? 'tcp+udp' : b.protocol, holder: `${b.owner} (${snap.where(b.location)})` }));
      return { ...base, available: true, host: s.host, current: s.current, suggested: s.suggested, reasons: s.reasons, taken };
    } catch (e) {
      log('suggestRtcdPorts', e);
      return { ...base, available: false, message: `Portolan could not compute rtcd's ports: ${(e as Error).message}` };
    }
  });

  const renumberRtcd = async (params: ExecuteCommandParams): Promise<RenumberRtcdResult> => {
    const refuse = (message: string): RenumberRtcdResult => ({ applied: false, message, changes: 0, files: 0 });
    try {
      const args = (params.arguments?.[0] ?? {}) as Partial<RenumberRtcdArgs>;
      const api = Number(args.api);
      const media = Number(args.media);
      const { snap, diagnostics } = host.analyze();
      const plan = planRenumber(snap, textOf, { api, media });
      if (plan.invalid) return refuse(`Refused: ${plan.invalid}.`);
      if (plan.held.length > 0 && !args.force) return refuse(`Refused: ${plan.held.map((h) => h.message).join('; ')}.`);
      if (plan.edits.length === 0) return { applied: false, message: `rtcd already uses API ${api} and media ${media}.`, changes: 0, files: 0 };
      const verdict = verifyEdits(diagnostics, plan.edits, textOf, indexReanalyzer(host.index(), host.indexOptions(), (f) => host.ruleSettings(f)));
      if (verdict.caused.length > 0 && !args.force) {
        return refuse(`Refused: the renumber would cause ${verdict.caused.map((d) => `${d.rule} at ${snap.where(d.location)}: ${d.message}`).join('; ')}.`);
      }
      const cur = plan.current!;
      const label = `rtcd ports: API ${cur.api} → ${api}, media ${cur.media} → ${media}`;
      const edit = workspaceEdit(plan.edits, (e) => ({ id: `portolan.renumber.${e.label ?? 'port'}`, annotation: { label: `${e.label ?? 'port'}`, description: label, needsConfirmation: true } }));
      const files = new Set(plan.edits.map((e) => e.file)).size;
      const r = await connection.workspace.applyEdit({ label: `Renumber ${label}`, edit });
      return { applied: r.applied, message: r.applied ? `Renumbered ${label} (${plan.edits.length} changes in ${files} files).` : `Not applied${r.failureReason ? `: ${r.failureReason}` : ''}.`, changes: plan.edits.length, files };
    } catch (e) {
      log('renumberRtcd', e);
      return refuse(`Portolan could not renumber rtcd: ${(e as Error).message}`);
    }
  };

  return { codeActions, renumberRtcd };
}
