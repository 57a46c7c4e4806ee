/**
 * Conversions between the core's types (absolute POSIX paths, UTF-16 offsets) and LSP's
 * (URIs, line/character positions, WorkspaceEdits). Nothing else lives in the adapter layer.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type ChangeAnnotation,
  type ClientCapabilities,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Location as LspLocation,
  type Range,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { groupEdits, type TextEdit } from '../core/features/edits/text';
import type { Location, Severity, Span } from '../core/model/facts';
import type { PortDiagnostic } from '../core/rules';
import { LineIndex, positionAt } from '../core/model/lines';

/** file: URI to absolute POSIX path; `undefined` for other schemes. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Absolute path to file: URI. */
export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * LSP range of a span in a text, given as the text (scanned once per call) or its
 * {@link LineIndex} (binary search; what callers converting many spans of one text pass).
 */
export function spanToRange(text: string | LineIndex, span: Span): Range {
  if (text instanceof LineIndex) return { start: text.positionAt(span.start), end: text.positionAt(span.end) };
  return { start: positionAt(text, span.start), end: positionAt(text, span.end) };
}

/** UTF-16 offset of an LSP position in a text (clamped to the text). */
export function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + character, lineEnd < 0 ? text.length : lineEnd);
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A core diagnostic as an LSP diagnostic; `textOf` gives each file's current text or its line index. */
export function toLspDiagnostic(d: PortDiagnostic, textOf: (path: string) => string | LineIndex): Diagnostic {
  const related: DiagnosticRelatedInformation[] = d.related.map((r) => ({
    location: { uri: pathToUri(r.location.file), range: spanToRange(textOf(r.location.file), r.location.span) },
    message: r.message,
  }));
  const out: Diagnostic = { range: spanToRange(textOf(d.location.file), d.location.span), severity: SEVERITY[d.severity], code: d.rule, source: 'portolan', message: d.message };
  if (related.length > 0) out.relatedInformation = related;
  // An unused suppression is dead text: editors fade it out, as they do unused code.
  if (d.rule === 'unused-suppression') out.tags = [DiagnosticTag.Unnecessary];
  if (d.data) out.data = d.data;
  return out;
}

/** A Markdown link to a location (file URI with a #L line fragment, which VS Code opens). */
export function markdownLink(textOf: (path: string) => string, loc: Location, label: string): string {
  const line = positionAt(textOf(loc.file), loc.span.start).line + 1;
  // A file URL keeps `(` and `)`; encoded, a name cannot end the link destination early.
  return `[${label}](${pathToUri(loc.file).replace(/\(/g, '%28').replace(/\)/g, '%29')}#L${line})`;
}

/** An LSP location of a core location; `textOf` gives each file's current text. */
export function toLspLocation(l: Location, textOf: (path: string) => string): LspLocation {
  return { uri: pathToUri(l.file), range: spanToRange(textOf(l.file), l.span) };
}

/** Core edits as a WorkspaceEdit's `changes` (URI to text edits), unversioned. */
export function toChanges(edits: readonly TextEdit[], textOf: (path: string) => string): Record<string, LspTextEdit[]> {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const [file, list] of groupEdits(edits)) changes[pathToUri(file)] = list.map((e) => ({ range: spanToRange(textOf(file), e.span), newText: e.newText }));
  return changes;
}

/** What {@link toWorkspaceEdit} needs of the server: texts, open documents' versions, the client's capabilities. */
export interface EditTarget {
  /** The current text of a file ('' when unknown). */
  text(path: string): string;
  /** The open document's version, `null` for a file that is not open. */
  versionOf(path: string): number | null;
  readonly clientCapabilities: ClientCapabilities;
}

/** Labels one edit for the editor's preview (a change annotation id and the annotation). */
export type Annotate = (e: TextEdit) => { id: string; annotation: ChangeAnnotation };

/**
 * Core edits as a WorkspaceEdit: versioned TextDocumentEdits (version `null` for closed files)
 * when the client takes `documentChanges`, else `changes`. With `annotate` and a client that
 * supports change annotations, every edit carries its annotation id.
 */
export function toWorkspaceEdit(edits: readonly TextEdit[], target: EditTarget, annotate?: Annotate): WorkspaceEdit {
  const caps = target.clientCapabilities.workspace?.workspaceEdit;
  if (!caps?.documentChanges) return { changes: toChanges(edits, (p) => target.text(p)) };
  const annotations: Record<string, ChangeAnnotation> = {};
  const annotated = annotate !== undefined && caps.changeAnnotationSupport !== undefined ? annotate : undefined;
  const documentChanges = [...groupEdits(edits)].map(([file, list]) => ({
    textDocument: { uri: pathToUri(file), version: target.versionOf(file) },
    edits: list.map((e) => {
      const edit = { range: spanToRange(target.text(file), e.span), newText: e.newText };
      if (!annotated) return edit;
      const a = annotated(e);
      annotations[a.id] = a.annotation;
      return { ...edit, annotationId: a.id };
    }),
  }));
  return annotated ? { documentChanges, changeAnnotations: annotations } : { documentChanges };
}
