/**
 * CI output formats of `portolan check`: SARIF 2.1.0 (OASIS Static Analysis Results
 * Interchange Format, schema sarif-2.1.0-rtm.5) and GitHub Actions workflow commands
 * (`::error file=…,line=…::message`, see GitHub's "Workflow commands for GitHub Actions").
 * Pure functions of the diagnostics; the CLI prints their result.
 */
import type * as Sarif from 'sarif';
import type { Location, Severity } from '../core/model/facts';
import { RULES, type PortDiagnostic } from '../core/rules';
import type { LineIndex } from '../core/model/lines';

/** What the formatters need from the CLI: a path relative to the checked folder, and file texts. */
export interface ReportContext {
  /** Path relative to the checked folder, `/`-separated. */
  rel(file: string): string;
  /** Line index of a workspace file's text, for line/column conversion (of '' when unknown). */
  lines(file: string): LineIndex;
  /** Absolute path of the checked folder. */
  root: string;
  version: string;
}

function region(loc: Location, lines: LineIndex): Sarif.Region {
  const s = lines.positionAt(loc.span.start);
  const e = lines.positionAt(loc.span.end);
  return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

function level(s: Severity): Sarif.ReportingConfiguration.level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function physical(loc: Location, ctx: ReportContext): Sarif.PhysicalLocation {
  return { artifactLocation: { uri: encodeURI(ctx.rel(loc.file)), uriBaseId: 'SRCROOT' }, region: region(loc, ctx.lines(loc.file)) };
}

/**
 * A SARIF 2.1.0 log with one run: every rule as `tool.driver.rules` (id, description, default
 * level), each diagnostic as a result with its location and the other sides as
 * `relatedLocations`. Artifact URIs are relative to `SRCROOT`, the checked folder; columns
 * count UTF-16 code units, as the CLI's other formats do.
 */
export function toSarif(diagnostics: readonly PortDiagnostic[], ctx: ReportContext): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.description },
    defaultConfiguration: { level: level(r.severity) },
    helpUri: 'https://github.com/portolan/portolan#rules',
  }));
  const results: Sarif.Result[] = diagnostics.map((d) => {
    const result: Sarif.Result = {
      ruleId: d.rule,
      ruleIndex: RULES.findIndex((r) => r.id === d.rule),
      level: level(d.severity),
      message: { text: d.message },
      locations: [{ physicalLocation: physical(d.location, ctx) }],
    };
    if (d.related.length > 0) result.relatedLocations = d.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.location, ctx), message: { text: r.message } }));
    return result;
  });
  const rootUri = 'file://' + encodeURI(ctx.root.endsWith('/') ? ctx.root : ctx.root + '/');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'Portolan', version: ctx.version, informationUri: 'https://github.com/portolan/portolan', rules } },
      originalUriBaseIds: { SRCROOT: { uri: rootUri } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

/** Escapes a workflow command's message (`%`, CR, LF). */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value (also `:` and `,`). */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions annotation lines, one per diagnostic:
 * `::warning file=etc/rtcd/config.toml,line=7,col=24,endLine=7,endColumn=28,title=port-conflict::message`.
 * error → `error`, warning → `warning`, information and hint → `notice`.
 */
export function toGithub(diagnostics: readonly PortDiagnostic[], ctx: ReportContext): string[] {
  return diagnostics.map((d) => {
    const r = region(d.location, ctx.lines(d.location.file));
    const cmd = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
    const props = [`file=${escapeProperty(ctx.rel(d.location.file))}`, `line=${r.startLine}`, `col=${r.startColumn}`, `endLine=${r.endLine}`, `endColumn=${r.endColumn}`, `title=${escapeProperty(`Portolan ${d.rule}`)}`];
    return `::${cmd} ${props.join(',')}::${escapeData(d.message)}`;
  });
}
