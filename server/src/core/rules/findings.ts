/**
 * Rules whose findings the format modules and the resolver make while reading one file:
 * `invalid-port` (error), `unknown-rtcd-key` (warning), `parse-error` (error; only for files
 * confidently recognized as one of Portolan's formats).
 */
import type { RuleId, Severity } from '../model/facts';
import type { PortDiagnostic, Rule } from './rule';

function fromFindings(id: Extract<RuleId, 'invalid-port' | 'unknown-rtcd-key' | 'parse-error'>, severity: Severity, description: string): Rule {
  return {
    id,
    severity,
    description,
    check(snap) {
      const out: PortDiagnostic[] = [];
      for (const f of snap.findings) {
        if (f.rule !== id) continue;
        const d: PortDiagnostic = { rule: id, severity, location: { file: f.file, span: f.span }, message: f.message, related: [] };
        if (f.suggestion) d.data = { suggestion: f.suggestion };
        out.push(d);
      }
      return out;
    },
  };
}

export const invalidPort = fromFindings('invalid-port', 'error', 'A port out of range, a reversed range, a malformed spec, or an rtcd/Calls port outside [80, 49151].');
export const unknownRtcdKey = fromFindings('unknown-rtcd-key', 'warning', 'A key or environment variable meant for rtcd that rtcd does not read.');
export const parseError = fromFindings('parse-error', 'error', 'A file recognized as one of Portolan\'s formats does not parse.');
