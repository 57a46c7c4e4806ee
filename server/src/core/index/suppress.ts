/**
 * Inline suppressions: a whole-line comment `portolan-ignore-next-line RULE[, RULE…] [-- reason]`
 * hides the named rules' diagnostics that start on the next line, as ESLint's
 * `eslint-disable-next-line` does. With no rule named it hides every rule. Written in each
 * format's own comment syntax:
 *
 * - `#` in nginx, compose (YAML), TOML, .env, shell scripts and ufw rule files;
 * - `#` or `;` in systemd units and ufw application profiles (both are comments there);
 * - `<!-- … -->` in Markdown, and `#` inside its fenced shell blocks;
 * - none in Mattermost's config.json (JSON has no comments), so nothing there can be suppressed.
 *
 * Only whole-line comments count, so a `#` inside a value or a quoted string is never read as a
 * directive.
 */
import type { FormatId, Location, RuleId, Span } from '../model/facts';
import { LineIndex } from '../model/lines';

/** The directive keyword. */
export const SUPPRESSION_KEYWORD = 'portolan-ignore-next-line';

/** One directive: the comment's 0-based line and the rules it names (none = every rule). */
export interface Suppression {
  /** 0-based line of the comment; it covers diagnostics whose start is on `line + 1`. */
  line: number;
  /** Span of the keyword, where a directive naming no rule is reported when it hides nothing. */
  keyword: Span;
  /** The rule ids named, each with its span in the comment. */
  rules: { id: string; span: Span }[];
}

const HASH = /^[ \t]*#[ \t]*portolan-ignore-next-line(?=[\s,]|$)/;
const HASH_OR_SEMI = /^[ \t]*[#;][ \t]*portolan-ignore-next-line(?=[\s,]|$)/;
const HTML = /^[ \t]*<!--[ \t]*portolan-ignore-next-line(?=[\s,]|-->|$)/;

/** The comment syntaxes of each format; `[]` where the format has no comments. */
const COMMENTS: Record<FormatId, readonly RegExp[]> = {
  'rtcd-toml': [HASH],
  toml: [HASH],
  nginx: [HASH],
  compose: [HASH],
  dotenv: [HASH],
  shell: [HASH],
  'ufw-rules': [HASH],
  systemd: [HASH_OR_SEMI],
  'ufw-app': [HASH_OR_SEMI],
  markdown: [HTML, HASH],
  'mattermost-json': [],
  dockerfile: [HASH],
  caddy: [HASH],
  traefik: [HASH],
  haproxy: [HASH],
  firewalld: [HTML],
  nftables: [HASH],
  iptables: [HASH],
  quadlet: [HASH_OR_SEMI],
};

/**
 * Every directive in `text`, read with the comment syntax of `format`. Never throws; returns
 * `[]` for a format without comments or a text without the keyword.
 */
export function findSuppressions(text: string, format: FormatId): Suppression[] {
  const syntaxes = COMMENTS[format] ?? [];
  if (syntaxes.length === 0 || !text.includes(SUPPRESSION_KEYWORD)) return [];
  const out: Suppression[] = [];
  let lineStart = 0;
  for (let line = 0; lineStart <= text.length; line++) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const lineText = text.slice(lineStart, lineEnd);
    if (lineText.includes(SUPPRESSION_KEYWORD)) {
      for (const re of syntaxes) {
        const m = re.exec(lineText);
        if (!m) continue;
        const kwStart = lineStart + m[0].length - SUPPRESSION_KEYWORD.length;
        out.push({ line, keyword: { start: kwStart, end: kwStart + SUPPRESSION_KEYWORD.length }, rules: ruleList(lineText, m[0].length, lineStart) });
        break;
      }
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return out;
}

/** Rule ids after the keyword: separated by commas or blanks, ending at `--`, `-->` or the line's end. */
function ruleList(lineText: string, from: number, lineStart: number): { id: string; span: Span }[] {
  const rules: { id: string; span: Span }[] = [];
  const token = /[^\s,]+/g;
  token.lastIndex = from;
  for (let m = token.exec(lineText); m; m = token.exec(lineText)) {
    if (m[0].startsWith('--')) break;
    const id = m[0].endsWith('-->') ? m[0].slice(0, -3) : m[0];
    if (id !== '') rules.push({ id, span: { start: lineStart + m.index, end: lineStart + m.index + id.length } });
    if (m[0].endsWith('-->')) break;
  }
  return rules;
}

/** What {@link applySuppressions} needs to know about a diagnostic. */
export interface Suppressible {
  rule: RuleId;
  location: Location;
}

/** A directive (or one of its rule names) that hid nothing, to be reported as `unused-suppression`. */
export interface UnusedSuppression {
  location: Location;
  message: string;
}

/**
 * Drops the diagnostics that a directive on the line before their start covers, and lists the
 * directives (or rule names in them) that covered nothing. A name that is not a rule id is
 * always listed. A name whose rule is off for the file (`enabled` false) is not listed: it is
 * moot, not wrong. `files` gives each file's text and format (and its line index, when the
 * caller has one; else one is built for each file with directives); files missing from it, or
 * marked `skip` (their text does not parse, so their diagnostics are an older text's), are left
 * alone. Pure: never throws on any input text.
 */
export function applySuppressions<D extends Suppressible>(
  diagnostics: readonly D[],
  files: Iterable<{ path: string; text: string; format?: FormatId; skip?: boolean; lines?: LineIndex }>,
  knownRules: ReadonlySet<string>,
  enabled: (rule: RuleId, file: string) => boolean,
): { kept: D[]; unused: UnusedSuppression[] } {
  const directives = new Map<string, { lines: LineIndex; list: Suppression[] }>();
  for (const f of files) {
    if (f.skip || !f.format) continue;
    const list = findSuppressions(f.text, f.format);
    if (list.length > 0) directives.set(f.path, { lines: f.lines ?? new LineIndex(f.text), list });
  }
  if (directives.size === 0) return { kept: [...diagnostics], unused: [] };
  const used = new Set<string>(); // `${file}\0${line}\0${id or *}`
  const kept: D[] = [];
  for (const d of diagnostics) {
    const entry = directives.get(d.location.file);
    if (!entry) {
      kept.push(d);
      continue;
    }
    const line = entry.lines.lineOf(d.location.span.start);
    const directive = entry.list.find((s) => s.line === line - 1);
    if (!directive) {
      kept.push(d);
      continue;
    }
    if (directive.rules.length === 0) {
      used.add(`${d.location.file}\0${directive.line}\0*`);
      continue;
    }
    if (directive.rules.some((r) => r.id === d.rule)) {
      used.add(`${d.location.file}\0${directive.line}\0${d.rule}`);
      continue;
    }
    kept.push(d);
  }
  const unused: UnusedSuppression[] = [];
  for (const [file, { list }] of directives) {
    for (const s of list) {
      if (s.rules.length === 0) {
        if (!used.has(`${file}\0${s.line}\0*`)) unused.push({ location: { file, span: s.keyword }, message: `${SUPPRESSION_KEYWORD} hides nothing: no problem starts on the next line.` });
        continue;
      }
      for (const r of s.rules) {
        if (!knownRules.has(r.id)) {
          unused.push({ location: { file, span: r.span }, message: `"${r.id}" is not a Portolan rule, so ${SUPPRESSION_KEYWORD} hides nothing for it. Rules: ${[...knownRules].join(', ')}.` });
        } else if (enabled(r.id as RuleId, file) && !used.has(`${file}\0${s.line}\0${r.id}`)) {
          unused.push({ location: { file, span: r.span }, message: `${SUPPRESSION_KEYWORD} ${r.id} hides nothing: no ${r.id} problem starts on the next line.` });
        }
      }
    }
  }
  return { kept, unused };
}
