/**
 * Conversions between the core's types (absolute POSIX paths, UTF-16 offsets) and LSP's
 * (URIs, line/character positions). Nothing else lives in the adapter layer.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
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
  return `[${label}](${pathToUri(loc.file)}#L${line})`;
}
