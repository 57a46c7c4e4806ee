/**
 * The multi-file fixture format of the data-driven test helpers (./check.ts). Test-only code.
 *
 * A fixture is one template string holding several files and annotations under their lines:
 *
 * ```
 * //- /etc/rtcd/config.toml
 * [api.http]
 * listen_address = ":8444"
 *                    ^^^^ port-conflict error: 8444/tcp on all interfaces is also bound by ...
 * //- /etc/nginx/sites-enabled/rtcd.conf crlf
 * server {
 *   listen 8444;
 *          ^^^^ port-conflict
 * }
 * ```
 *
 * - `//- PATH [crlf] [noeol]` starts a file. PATH is relative to the workspace folder `/ws`
 *   (written with or without a leading `/`): `//- /etc/rtcd/config.toml` is the file
 *   `/ws/etc/rtcd/config.toml`, which messages call `etc/rtcd/config.toml`. Every line up to the
 *   next header belongs to the file, blank lines included; lines are joined with `\n` (`\r\n`
 *   with `crlf`) and the text ends with a line break unless `noeol` is given.
 * - An annotation line is optional whitespace, one or more `^`, then nothing or a space and the
 *   annotation text. The carets mark a span of the nearest line above that is not an annotation
 *   line: the column of the first `^` is where the span starts, counted in UTF-16 code units of
 *   that line (a tab counts as one column, so indent the carets with the same characters), and
 *   the number of carets is its length. Several annotation lines in a row mark spans of the same
 *   line. Annotation lines are removed from the file text, so offsets and line numbers (also the
 *   `file:line` inside expected messages) refer to the file without them.
 * - The markers were chosen not to clash with the formats: `#` and `;` are the comment
 *   characters of nginx, ufw, systemd, TOML, YAML, dotenv and shell, and none of those formats
 *   has a line starting with `//-` or made only of whitespace and `^` followed by a space or the
 *   line's end (an nginx regex such as `^/api` continues after the caret, so it is no annotation).
 * - The whole fixture is dedented by the smallest indentation of its non-blank lines, and a
 *   blank first and last line (the ones holding the backticks) are dropped, so a fixture can be
 *   indented with the test code.
 *
 * What an annotation's text means depends on the helper: {@link parseDiagnosticExpectation}
 * (`RULE [SEVERITY][: MESSAGE]`) and {@link parseFactExpectation} (`KIND [WORD | KEY=VALUE]...`).
 */
import { RULE_INFO } from '../server/src/core/rules/index';
import type { RuleId, Severity, Span } from '../server/src/core/model/facts';

/** The workspace folder fixture paths are placed under. */
export const FIXTURE_ROOT = '/ws';

/** One annotation: a span of a file and the text after its carets (trimmed, possibly empty). */
export interface Annotation {
  /** Absolute path of the annotated file. */
  file: string;
  /** The annotated span, in UTF-16 offsets of the file text without annotation lines. */
  span: Span;
  /** 0-based line of the annotated span in the file text without annotation lines. */
  line: number;
  text: string;
  /** 1-based line of the annotation in the fixture source, for error messages. */
  sourceLine: number;
}

/** A parsed fixture. */
export interface Fixture {
  /** Absolute path to text (annotation lines removed), in the order the fixture lists them. */
  files: Record<string, string>;
  /** Annotations in fixture order. */
  annotations: Annotation[];
}

/** Thrown for a malformed fixture (not for a failing check). */
export class FixtureError extends Error {}

const HEADER = /^\/\/-\s+(\S+)((?:\s+\S+)*)\s*$/;
const ANNOTATION = /^(\s*)(\^+)(?:\s(.*))?$/;

/** The absolute path of a fixture path: `etc/x` and `/etc/x` are both `/ws/etc/x`. */
export function fixturePath(p: string): string {
  return `${FIXTURE_ROOT}/${p.replace(/^\/+/, '')}`;
}

/** The fixture-relative form of an absolute path (`/ws/etc/x` gives `/etc/x`); other paths unchanged. */
export function displayPath(file: string): string {
  return file.startsWith(`${FIXTURE_ROOT}/`) ? file.slice(FIXTURE_ROOT.length) : file;
}

/**
 * Removes the blank first and last line and the common indentation of the lines that are not
 * annotations (see the module comment). Throws {@link FixtureError} for an annotation line
 * indented less than that: its carets would lose columns.
 */
export function dedent(src: string): string[] {
  const lines = src.split('\n');
  if (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '' && !ANNOTATION.test(l)).map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l, i) => {
    if (l.trim() === '') return '';
    if (/^\s*/.exec(l)![0].length < cut) throw new FixtureError(`fixture line ${i + 1}: annotation indented less than the fixture's text: ${JSON.stringify(l)}`);
    return l.slice(cut);
  });
}

/**
 * Parses a fixture. Throws {@link FixtureError} for text before the first `//-` header, an
 * unknown header flag, a file named twice, an annotation with no line above it in its file, or
 * carets reaching past the end of the line above.
 */
export function parseFixture(src: string): Fixture {
  const files: Record<string, string> = {};
  const annotations: Annotation[] = [];
  let current: { file: string; lines: string[]; eol: string; finalEol: boolean } | undefined;
  const finish = () => {
    if (!current) return;
    const body = current.lines.join(current.eol);
    files[current.file] = current.lines.length > 0 && current.finalEol ? body + current.eol : body;
  };
  dedent(src).forEach((raw, i) => {
    const sourceLine = i + 1;
    const header = HEADER.exec(raw);
    if (header) {
      finish();
      const file = fixturePath(header[1]!);
      if (file in files || current?.file === file) throw new FixtureError(`fixture line ${sourceLine}: ${header[1]} is listed twice`);
      const flags = header[2]!.trim().split(/\s+/).filter((f) => f !== '');
      for (const f of flags) if (f !== 'crlf' && f !== 'noeol') throw new FixtureError(`fixture line ${sourceLine}: unknown file flag "${f}" (crlf, noeol)`);
      current = { file, lines: [], eol: flags.includes('crlf') ? '\r\n' : '\n', finalEol: !flags.includes('noeol') };
      return;
    }
    if (!current) {
      if (raw.trim() === '') return;
      throw new FixtureError(`fixture line ${sourceLine}: text before the first "//- PATH" header: ${JSON.stringify(raw)}`);
    }
    const ann = ANNOTATION.exec(raw);
    if (ann) {
      const line = current.lines.length - 1;
      const above = current.lines[line];
      if (above === undefined) throw new FixtureError(`fixture line ${sourceLine}: annotation with no line above it in ${current.file}`);
      const col = ann[1]!.length;
      const len = ann[2]!.length;
      if (col + len > above.length) throw new FixtureError(`fixture line ${sourceLine}: carets reach past the end of ${JSON.stringify(above)}`);
      const lineStart = current.lines.slice(0, line).reduce((n, l) => n + l.length + current!.eol.length, 0);
      annotations.push({ file: current.file, line, span: { start: lineStart + col, end: lineStart + col + len }, text: (ann[3] ?? '').trim(), sourceLine });
      return;
    }
    current.lines.push(raw);
  });
  finish();
  if (Object.keys(files).length === 0) throw new FixtureError('fixture has no "//- PATH" header');
  return { files, annotations };
}

/** Something to show under a line of a fixture: a span and the text after the carets. */
export interface Mark {
  file: string;
  span: Span;
  text: string;
}

/**
 * The fixture text of `files` with `marks` as annotation lines, the inverse of
 * {@link parseFixture} for spans within one line (a span reaching over a line break is marked up
 * to the end of its first line, followed by `(+N)`, the number of characters left). Marks of one
 * line keep their order; files keep theirs. Used in failure messages, so a failing check shows the
 * fixture it would have needed.
 */
export function renderFixture(files: Record<string, string>, marks: readonly Mark[]): string {
  const out: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const crlf = text.includes('\r\n');
    const noeol = text !== '' && !text.endsWith('\n');
    out.push(`//- ${displayPath(file)}${crlf ? ' crlf' : ''}${noeol ? ' noeol' : ''}`);
    const mine = marks.filter((m) => m.file === file);
    const placed = new Set<Mark>();
    const re = /([^\r\n]*)(\r?\n|$)/g;
    for (let m = re.exec(text); m !== null && m.index < text.length; m = re.exec(text)) {
      const start = m.index;
      const line = m[1]!;
      out.push(line);
      for (const mark of mine) {
        if (mark.span.start < start || mark.span.start > start + line.length) continue;
        placed.add(mark);
        const len = Math.min(mark.span.end, start + line.length) - mark.span.start;
        const rest = mark.span.end - (start + line.length);
        const note = len === 0 && rest <= 0 ? ' (empty span)' : rest > 0 ? ` (+${rest})` : '';
        out.push(`${' '.repeat(mark.span.start - start)}${'^'.repeat(Math.max(len, 1))}${note}${mark.text ? ` ${mark.text}` : ''}`);
      }
      if (m[2] === '') break;
    }
    for (const mark of mine) if (!placed.has(mark)) out.push(`^ (at offset ${mark.span.start}-${mark.span.end}, after the last line) ${mark.text}`);
  }
  return out.join('\n');
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];
const RULE_IDS: ReadonlySet<string> = new Set(RULE_INFO.map((r) => r.id));

/** What a diagnostic annotation expects. */
export interface DiagnosticExpectation {
  rule: RuleId;
  /** Checked only when given. */
  severity?: Severity;
  /** Checked only when given; see {@link messageMatches}. */
  message?: string;
}

/**
 * Reads a diagnostic annotation: `RULE`, `RULE SEVERITY`, `RULE: MESSAGE` or
 * `RULE SEVERITY: MESSAGE`, e.g. `port-conflict error: 8444/tcp ... (etc/nginx/x.conf:3)`.
 * RULE must be one of Portolan's diagnostic codes and SEVERITY one of error, warning,
 * information, hint; anything else throws {@link FixtureError}, so a typo cannot pass silently.
 */
export function parseDiagnosticExpectation(text: string): DiagnosticExpectation {
  const m = /^([a-z-]+)(?:\s+([a-z]+))?\s*(?::\s?(.*))?$/s.exec(text.trim());
  if (!m) throw new FixtureError(`diagnostic annotation must be "RULE [SEVERITY][: MESSAGE]", got ${JSON.stringify(text)}`);
  const [, rule, severity, message] = m;
  if (!RULE_IDS.has(rule!)) throw new FixtureError(`unknown rule "${rule}" in annotation ${JSON.stringify(text)}`);
  if (severity !== undefined && !SEVERITIES.includes(severity as Severity)) throw new FixtureError(`unknown severity "${severity}" in annotation ${JSON.stringify(text)} (${SEVERITIES.join(', ')})`);
  return { rule: rule as RuleId, ...(severity !== undefined ? { severity: severity as Severity } : {}), ...(message !== undefined ? { message } : {}) };
}

/**
 * Whether `message` matches `pattern`: equal, where each `...` in the pattern stands for any
 * characters (none included). So `...bound by nginx...` is a substring, `8444/tcp ...` a prefix.
 */
export function messageMatches(pattern: string, message: string): boolean {
  const parts = pattern.split('...');
  if (parts.length === 1) return pattern === message;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!message.startsWith(first) || message.length < first.length + last.length) return false;
  let at = first.length;
  for (const p of parts.slice(1, -1)) {
    const i = message.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return message.endsWith(last) && message.length - last.length >= at;
}

/** A fact annotation: `kind` and other fields (see ./render.ts `factFields`) that must be equal. */
export type FactExpectation = ReadonlyMap<string, string>;

/** Bare words of a fact annotation and the field they set. */
const FACT_WORDS: Record<string, [string, string]> = {
  bind: ['kind', 'bind'],
  reference: ['kind', 'reference'],
  firewall: ['kind', 'firewall'],
  tcp: ['protocol', 'tcp'],
  udp: ['protocol', 'udp'],
  both: ['protocol', 'both'],
  sctp: ['protocol', 'sctp'],
  allow: ['action', 'allow'],
  deny: ['action', 'deny'],
  reject: ['action', 'reject'],
  limit: ['action', 'limit'],
  in: ['direction', 'in'],
  out: ['direction', 'out'],
  shadowed: ['shadowed', 'true'],
};

/**
 * Reads a fact annotation: the fact's kind first (`bind`, `reference`, `firewall`), then any of
 * a protocol (`tcp`, `udp`, `both`, `sctp`), a firewall action (`allow`, `deny`, `reject`,
 * `limit`) or direction (`in`, `out`), `shadowed`, a port or inclusive range (`8443`,
 * `10000-20000`), and `KEY=VALUE` for any field ./render.ts renders (`owner=web`,
 * `detail="ufw allow"`, `role=rtcd-api`, `via=env:RTCD_RTC_ICEPORTUDP`, `value="8000"`; a value
 * with spaces is written as a JSON string). Fields not named are not checked. Throws
 * {@link FixtureError} for an unknown word, a field given twice, or a missing kind.
 */
export function parseFactExpectation(text: string): FactExpectation {
  const out = new Map<string, string>();
  const set = (k: string, v: string) => {
    if (out.has(k)) throw new FixtureError(`fact annotation ${JSON.stringify(text)} gives ${k} twice`);
    out.set(k, v);
  };
  const words = text.match(/[^\s"=]+="(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  words.forEach((w, i) => {
    const kv = /^([a-z]+)=(.*)$/s.exec(w);
    if (kv) return set(kv[1]!, kv[2]!.startsWith('"') ? (JSON.parse(kv[2]!) as string) : kv[2]!);
    if (/^\d+(?:-\d+)?$/.test(w)) return set('ports', w);
    const known = FACT_WORDS[w];
    if (!known) throw new FixtureError(`unknown word "${w}" in fact annotation ${JSON.stringify(text)}`);
    if (i === 0 && known[0] !== 'kind') throw new FixtureError(`fact annotation ${JSON.stringify(text)} must start with the kind (bind, reference, firewall)`);
    return set(known[0], known[1]);
  });
  if (!out.has('kind')) throw new FixtureError(`fact annotation ${JSON.stringify(text)} must start with the kind (bind, reference, firewall)`);
  return out;
}

/**
 * A maximum matching between expected and actual items that pass `fits`: `pairs[i]` is the
 * actual index matched to expected `i`, or -1. Kuhn's augmenting paths; the lists are small.
 */
export function matchAll<E, A>(expected: readonly E[], actual: readonly A[], fits: (e: E, a: A) => boolean): number[] {
  const ofActual: number[] = actual.map(() => -1);
  const tryExpected = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < actual.length; j++) {
      if (seen[j] || !fits(expected[i]!, actual[j]!)) continue;
      seen[j] = true;
      if (ofActual[j] === -1 || tryExpected(ofActual[j]!, seen)) {
        ofActual[j] = i;
        return true;
      }
    }
    return false;
  };
  expected.forEach((_, i) => tryExpected(i, actual.map(() => false)));
  const pairs = expected.map(() => -1);
  ofActual.forEach((i, j) => {
    if (i >= 0) pairs[i] = j;
  });
  return pairs;
}
