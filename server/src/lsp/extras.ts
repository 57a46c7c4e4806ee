/**
 * LSP adapters for the port-reference and live-machine features: free-port completion, the
 * quick fix and command that regenerate `portolan:ports` regions, the `portolan/live` request
 * and the hover line about the live machine. Conversion and I/O scheduling only; the analysis
 * is in core/complete.ts, core/docs.ts and core/live.ts, the socket reading in node/live.ts.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  type CodeAction,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { completePorts } from '../core/features/complete';
import { factsAt } from '../core/features/hover';
import { holderLabel, liveReport, socketLabel, takenLine } from '../core/features/live';
import type { Snapshot } from '../core/index/workspace';
import { readLiveSockets } from '../node/live';
import { offsetAt, pathToUri, spanToRange, uriToPath } from './convert';
import { LiveRequest, UPDATE_REGIONS_COMMAND, type LiveResult } from './protocol';
import { portDocuments } from '../core/index/documents';
import { portsMarkdown, regionEdits } from '../core/index/documents';

/** What the adapters need from the server. */
export interface ExtrasHost {
  snapshot(): Snapshot;
  textOf(path: string): string | undefined;
  /** `portolan.live.enabled`: consult the live machine in hover and completion. */
  liveEnabled(): boolean;
  log(message: string): void;
}

/** Capabilities to merge into the server's InitializeResult. */
export const EXTRA_CAPABILITIES = {
  completionProvider: { triggerCharacters: [':', ' '] },
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  executeCommandProvider: { commands: [UPDATE_REGIONS_COMMAND] },
};

/** Edits that regenerate every out-of-date region, per document URI (only `only` when given). */
export function regionWorkspaceEdit(snap: Snapshot, textOf: (p: string) => string | undefined, only?: string): WorkspaceEdit | undefined {
  const changes: Record<string, TextEdit[]> = {};
  let table: string | undefined;
  for (const doc of portDocuments(snap)) {
    if (doc.regions.length === 0 || (only !== undefined && doc.file !== only)) continue;
    const text = textOf(doc.file) ?? '';
    table ??= portsMarkdown(snap);
    const edits = regionEdits(doc.regions, text, table).map((e) => ({ range: spanToRange(text, e.region.body), newText: e.newText }));
    if (edits.length > 0) changes[pathToUri(doc.file)] = edits;
  }
  return Object.keys(changes).length > 0 ? { changes } : undefined;
}

/** Completion items for a position: free ports, nearest first, each saying why it is free. */
export function completionItems(host: ExtrasHost, params: CompletionParams): CompletionItem[] {
  const path = uriToPath(params.textDocument.uri);
  const text = path ? host.textOf(path) : undefined;
  if (!path || text === undefined) return [];
  const offset = offsetAt(text, params.position.line, params.position.character);
  let live;
  if (host.liveEnabled()) {
    const r = readLiveSockets();
    if ('sockets' in r) live = r.sockets;
  }
  const c = completePorts(host.snapshot(), path, text, offset, live ? { live } : {});
  if (!c) return [];
  const range = spanToRange(text, c.replace);
  return c.items.map((i) => ({
    label: String(i.port),
    kind: CompletionItemKind.Value,
    detail: i.detail,
    documentation: { kind: 'markdown', value: `Port **${i.port}** is ${i.detail}.` },
    sortText: String(i.rank).padStart(4, '0'),
    filterText: String(i.port),
    textEdit: { range, newText: String(i.port) },
  }));
}

/** Quick fixes for `doc-stale` diagnostics in the requested document. */
export function codeActions(host: ExtrasHost, params: CodeActionParams): CodeAction[] {
  const stale = params.context.diagnostics.filter((d) => d.code === 'doc-stale');
  const path = uriToPath(params.textDocument.uri);
  if (stale.length === 0 || !path) return [];
  const edit = regionWorkspaceEdit(host.snapshot(), host.textOf, path);
  return edit ? [{ title: 'Regenerate the port table from the configuration', kind: CodeActionKind.QuickFix, diagnostics: stale, isPreferred: true, edit }] : [];
}

/** The live report as the `portolan/live` request returns it. */
export function liveResult(snap: Snapshot): LiveResult {
  const r = readLiveSockets();
  if ('unavailable' in r) return { available: false, reason: r.unavailable, taken: [], undeclared: [] };
  const rep = liveReport(snap, r.sockets);
  return {
    available: true,
    taken: rep.taken.map((t) => ({ message: takenLine(snap, t), uri: pathToUri(t.fact.location.file), line: snap.lineOf(t.fact.location) })),
    undeclared: rep.undeclared.map((s) => `${socketLabel(s)}  ${holderLabel(s)}`),
  };
}

/** A Markdown line for hover: who holds the hovered bind's port on this machine, or that it is free. */
export function liveHoverLine(snap: Snapshot, path: string, offset: number): string | undefined {
  const f = factsAt(snap, path, offset).find((x) => x.kind === 'bind' && x.netns === undefined);
  if (!f) return undefined;
  const r = readLiveSockets();
  if ('unavailable' in r) return `Live: ${r.unavailable}`;
  const rep = liveReport(snap, r.sockets);
  const taken = rep.taken.find((t) => t.fact.id === f.id);
  if (taken) return `Live: **taken** by ${taken.sockets.map((s) => `${holderLabel(s)} on ${socketLabel(s)}`).join(', ')}`;
  const running = rep.running.find((t) => t.fact.id === f.id);
  if (running) return `Live: held by its owner, ${running.sockets.map(holderLabel).join(', ')}`;
  return 'Live: free on this machine';
}

/**
 * What {@link registerExtras} leaves to the server: the connection has one code-action and one
 * execute-command handler, which the server shares between these features and the edit features.
 */
export interface ExtrasHandlers {
  /** The `doc-stale` quick fixes for a code-action request. */
  codeActions(params: CodeActionParams): CodeAction[];
  /** Runs `portolan.updatePortTables`; the result says how many documents changed. */
  updateRegions(): Promise<{ changed: number }>;
}

/**
 * Registers completion and the live request on `connection`, and returns the code-action and
 * command handlers for the server to dispatch.
 */
export function registerExtras(connection: Connection, host: ExtrasHost): ExtrasHandlers {
  const guard = <A extends unknown[], R>(name: string, fn: (...a: A) => R, fallback: R) => (...a: A): R => {
    try {
      return fn(...a);
    } catch (e) {
      host.log(`${name} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };
  connection.onCompletion(guard('completion', (p: CompletionParams) => completionItems(host, p), [] as CompletionItem[]));
  connection.onRequest(LiveRequest, guard('live', () => liveResult(host.snapshot()), { available: false, reason: 'the live check failed; see the Portolan output', taken: [], undeclared: [] } as LiveResult));
  return {
    codeActions: guard('codeAction', (p: CodeActionParams) => codeActions(host, p), [] as CodeAction[]),
    async updateRegions() {
      const edit = guard('updateRegions', () => regionWorkspaceEdit(host.snapshot(), host.textOf), undefined)();
      if (!edit) return { changed: 0 };
      await connection.workspace.applyEdit({ label: 'Portolan: update generated port tables', edit });
      return { changed: Object.keys(edit.changes ?? {}).length };
    },
  };
}
