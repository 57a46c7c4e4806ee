/**
 * Hand-written port references (Markdown or plain text with Markdown tables): the ports a
 * document *says* services use. These are documented facts, kept apart from configuration
 * facts: only the `doc-*` rules read them, so a document never makes `port-conflict` or the
 * firewall rules fire.
 *
 * A document is recognized by content, whatever its file name: a table (GFM "Tables
 * (extension)", spec 0.29: a header row, a delimiter row of `---` cells, then body rows) whose
 * header has a port column (`Port`, `Ports`, `Port(s)`) and at least one of `Protocol`/`Proto`,
 * `Service`/`Component`/`Name`, `Direction`, `Purpose`/`Description`, `Project`. Or a region
 * between `<!-- portolan:ports begin -->` and `<!-- portolan:ports end -->`.
 *
 * Each body row with a port becomes a {@link DocumentedFact}: `8443`, `**8443**`, `8045/udp`,
 * `10000-20000`, `3002:3000` (published 3002, container 3000), `8443 (TCP)`, and lists of those
 * separated by commas. The protocol cell `UDP/TCP` means both; `HTTP`, `HTTPS`, `WS` mean TCP;
 * an absent protocol means TCP. Direction `OUT` makes a reference; `IN`, `Listen`, `IN/OUT`
 * (or no direction) a bind. The service is the Service/Component/Name cell, else the nearest
 * heading above the table.
 *
 * Fenced code blocks of such a document are read with the format modules of their language
 * (`nginx`; `toml` as rtcd's config or other TOML; `yaml`/`yml` as compose; shell blocks, see
 * `SHELL_LANGS` in ./fences, for `docker run`, only their prompt lines in session blocks such as
 * `console`): their literal binds and references become documented facts too.
 *
 * Pure; never throws on any input (malformed tables are skipped; the format modules read for
 * fences never throw either, by their contract).
 */
import type { ExtractContext, FormatModule, Location, PortRange, Protocol, Span } from '../../model/facts';
import { isValidPort } from '../../model/ports';
import { composeFormat } from '../compose';
import { nginxFormat } from '../nginx';
import { rtcdFormat } from '../rtcd';
import { shellFormat } from '../shell';
import { tomlFormat } from '../toml';
import { CODE_LANGS, codePorts, listPorts, looksLikePortList, statedFact } from './lists';
import { fencedBlocks, lineAt, lines, SHELL_LANGS, shellCommandRanges, type FencedBlock, type Line } from './fences';

/**
 * First line of a whole reference Portolan generated (`portolan ports --format markdown`, the
 * Export Port Reference command). Such a document restates the configuration, so none of its
 * tables is read: otherwise nginx virtual hosts sharing 443 would be reported as a doc-conflict.
 */
export const GENERATED_REFERENCE = '<!-- portolan:reference';

/** Opening and closing markers of a generated port table region. */
export const REGION_BEGIN = '<!-- portolan:ports begin -->';
export const REGION_END = '<!-- portolan:ports end -->';

/** A generated region: the marker lines and the text between them (after the begin line, up to the end marker line). */
export interface GeneratedRegion {
  begin: Span;
  end: Span;
  body: Span;
}

/** A port a document gives a service. */
export interface DocumentedFact {
  /** `bind` for IN/Listen/IN-OUT rows and fenced binds; `reference` for OUT rows and fenced references. */
  kind: 'bind' | 'reference';
  ports: PortRange;
  protocol: Protocol;
  /**
   * The service the document gives the port to, as written ("ClickHouse Native", "conf-server-phase1.js"):
   * the Service/Component/Name cell, else the nearest heading; for a summary row its Project or
   * Purpose cell; for a fenced block the owner the format module found.
   */
  service: string;
  /** Headings above the mention, outermost first, Markdown emphasis and leading symbols removed. */
  headings: string[];
  /** The row's Project cell, when the table has one. */
  project?: string;
  /**
   * True for a row of a summary table: a table without a service column whose headings say
   * "summary"/"overview" or that has a Project column. Such a row repeats ports stated elsewhere.
   */
  summary: boolean;
  /** The port digits (the published port of `3002:3000`). */
  location: Location;
  /** The whole table row line, the list item's line, the code line, or the fenced block. */
  row: Location;
  /** `table` row, `list` item ("Port 5556: Files (TCP)"), configuration `fence`, or `code` `port=` (see ./lists). */
  source: 'table' | 'list' | 'fence' | 'code';
  /** "table row", "list item", "port= argument", "assignment", or the directive/key of a fenced mention ("listen", "ports", "-p"). */
  detail: string;
  /** For `3002:3000`: the container port 3000. */
  target?: PortRange;
}

/** What {@link readPortDoc} finds in one document. */
export interface PortDoc {
  facts: DocumentedFact[];
  regions: GeneratedRegion[];
}

interface Cell {
  text: string;
  start: number;
}

/** Cells of a table line: split on `|` not escaped by a backslash, outer pipes optional; `start` is the raw cell's offset. */
function cells(line: Line): Cell[] {
  const out: Cell[] = [];
  const t = line.text;
  let i = 0;
  const lead = /^\s*\|/.exec(t);
  if (lead) i = lead[0].length;
  let cellStart = i;
  for (; i <= t.length; i++) {
    if (i === t.length || (t[i] === '|' && t[i - 1] !== '\\')) {
      const raw = t.slice(cellStart, i);
      if (!(i === t.length && raw.trim() === '' && /\|\s*$/.test(t))) out.push({ text: raw, start: line.start + cellStart });
      cellStart = i + 1;
    }
  }
  return out;
}

const DELIMITER = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

/** Cell text without Markdown emphasis, code ticks and surrounding space. */
function plain(s: string): string {
  return s.replace(/\*\*|__|`/g, '').replace(/\\\|/g, '|').trim();
}

/** Heading text without leading symbols/emoji, emphasis and trailing `#`s. */
function headingText(s: string): string {
  return plain(s.replace(/\s#+\s*$/, '')).replace(/^[^A-Za-z0-9]+/, '').trim();
}

type Column = 'port' | 'protocol' | 'service' | 'direction' | 'purpose' | 'project';

function columnOf(header: string): Column | undefined {
  const h = plain(header).toLowerCase();
  if (/^ports?(\s*\(s\))?$/.test(h)) return 'port';
  if (/^(protocol|proto)s?$/.test(h)) return 'protocol';
  if (/^(service|component|name)s?$/.test(h)) return 'service';
  if (/^direction$/.test(h)) return 'direction';
  if (/^(purpose|description)$/.test(h)) return 'purpose';
  if (/^project$/.test(h)) return 'project';
  return undefined;
}

/** Maps a protocol cell to a protocol; `undefined` when it names none (then TCP is assumed). */
function protocolOf(cell: string): Protocol | undefined {
  const c = cell.toLowerCase();
  const tcp = /\btcp\b/.test(c);
  const udp = /\budp\b/.test(c);
  if (tcp && udp) return 'both';
  if (udp) return 'udp';
  if (tcp || /\b(https?|wss?|grpc|tls|xmpp)\b/.test(c)) return 'tcp';
  if (/\bsctp\b/.test(c)) return 'sctp';
  return undefined;
}

/** One port mention of a port cell. */
interface PortToken {
  ports: PortRange;
  span: Span;
  protocol?: Protocol;
  target?: PortRange;
}

const PORT_TOKEN = /(?<![\w.:/-])(\d{1,5})(?:\s*[-–]\s*(\d{1,5}))?(?::(\d{1,5}))?(?:\s*\/\s*(tcp|udp|sctp)\b)?(?:\s*\(\s*(tcp|udp|sctp)\s*\))?(?![\w.])/gi;

/**
 * Port mentions of a port cell: `8443`, `8045/udp`, `10000-20000`, `3002:3000`, `8443 (TCP)`,
 * comma lists of those. Offsets are absolute. Numbers outside 1-65535 and reversed ranges are skipped.
 */
export function portTokens(cellText: string, cellStart: number): PortToken[] {
  const out: PortToken[] = [];
  for (const m of cellText.matchAll(PORT_TOKEN)) {
    const start = Number(m[1]);
    const end = m[2] !== undefined ? Number(m[2]) : start;
    if (!isValidPort(start) || !isValidPort(end) || end < start) continue;
    const at = cellStart + m.index!;
    const tok: PortToken = { ports: { start, end }, span: { start: at, end: at + m[1]!.length } };
    const proto = (m[4] ?? m[5])?.toLowerCase() as Protocol | undefined;
    if (proto) tok.protocol = proto;
    if (m[3] !== undefined && isValidPort(Number(m[3]))) tok.target = { start: Number(m[3]), end: Number(m[3]) };
    out.push(tok);
  }
  return out;
}

/** Generated regions of a document (a begin marker line followed by an end marker line). */
export function generatedRegions(text: string): GeneratedRegion[] {
  const out: GeneratedRegion[] = [];
  let from = 0;
  for (;;) {
    const b = text.indexOf(REGION_BEGIN, from);
    if (b < 0) break;
    const e = text.indexOf(REGION_END, b + REGION_BEGIN.length);
    if (e < 0) break;
    const nl = text.indexOf('\n', b);
    const bodyStart = nl < 0 || nl > e ? b + REGION_BEGIN.length : nl + 1;
    const lineStart = text.lastIndexOf('\n', e - 1) + 1;
    const bodyEnd = text.slice(lineStart, e).trim() === '' ? lineStart : e;
    out.push({ begin: { start: b, end: b + REGION_BEGIN.length }, end: { start: e, end: e + REGION_END.length }, body: { start: bodyStart, end: Math.max(bodyStart, bodyEnd) } });
    from = e + REGION_END.length;
  }
  return out;
}

/**
 * A test "is `at` inside one of `spans`" for offsets asked in non-decreasing order: one pass over
 * the spans sorted by start, so a document with many fences costs linear time, not lines x fences.
 */
function insideCursor(spans: readonly Span[]): (at: number) => boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let k = 0;
  let reach = -1;
  return (at) => {
    for (; k < sorted.length && sorted[k]!.start <= at; k++) reach = Math.max(reach, sorted[k]!.end);
    return at < reach;
  };
}

/**
 * The heading stack at an offset (outermost first, empty texts dropped), from the document's
 * heading lines in order: each heading's stack is kept (at most 6 levels), and a query is a binary
 * search, so many tables or fenced facts under many headings cost n log n, not n x headings.
 */
function headingStacks(marks: readonly { at: number; level: number; text: string }[]): (offset: number) => string[] {
  const stacks: string[][] = [];
  let stack: { level: number; text: string }[] = [];
  for (const h of marks) {
    stack = stack.filter((s) => s.level < h.level);
    stack.push(h);
    stacks.push(stack.map((s) => s.text).filter((t) => t !== ''));
  }
  return (offset) => {
    let lo = 0;
    let hi = marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]!.at <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? [] : [...stacks[lo - 1]!];
  };
}

/** True when a line pair starts a port table: a header with a port column and one of the other known columns, then a delimiter row. */
function portTableHeader(header: Line, delimiter: Line | undefined): Column[] | undefined {
  if (!delimiter || !header.text.includes('|') || !DELIMITER.test(delimiter.text)) return undefined;
  const hs = cells(header).map((c) => columnOf(c.text));
  if (!hs.includes('port') || !hs.some((c) => c !== undefined && c !== 'port')) return undefined;
  if (cells(delimiter).length !== hs.length) return undefined;
  return hs as Column[];
}

/** Cheap test used by detection: a port table, a generated region, or list items stating ports (see ./lists `looksLikePortList`). */
export function looksLikePortDoc(text: string): boolean {
  if (text.includes(REGION_BEGIN) || looksLikePortList(text)) return true;
  if (!/\|\s*\**\s*ports?/i.test(text)) return false;
  // Line by line, only the pair at hand kept: detection of a long document allocates no list of its lines.
  let header: Line | undefined;
  for (let at = 0; at >= 0;) {
    const { line, next } = lineAt(text, at);
    if (header && portTableHeader(header, line) !== undefined) return true;
    header = line.text.includes('|') ? line : undefined;
    at = next;
  }
  return false;
}

/** The format module that reads a fenced block of this language and content, if any. */
function fenceModule(lang: string, body: string): FormatModule | undefined {
  if (lang === 'nginx') return nginxFormat;
  if (lang === 'toml') return rtcdFormat.detect('/doc.toml', body) ? rtcdFormat : tomlFormat;
  if (lang === 'yaml' || lang === 'yml') return composeFormat;
  if (SHELL_LANGS.has(lang) && /(?:^|[\s;&|(`])docker[ \t]+(?:container[ \t]+)?run\b/m.test(body)) return shellFormat;
  return undefined;
}

/**
 * The text of `within` with everything outside the sorted, disjoint `keep` spans (document
 * offsets inside `within`) replaced by spaces (newlines kept), so offsets relative to
 * `within.start` stay exact. Only the block is copied: a document of many blocks costs linear time.
 */
function blankOutside(text: string, within: Span, keep: readonly Span[]): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = '';
  let at = within.start;
  for (const k of keep) {
    out += blank(text.slice(at, k.start)) + text.slice(k.start, k.end);
    at = k.end;
  }
  return out + blank(text.slice(at, within.end));
}

/** Where a format module reads a block: a shell block's command ranges, any other block's whole body. */
function readRanges(text: string, block: FencedBlock): Span[] {
  return SHELL_LANGS.has(block.lang) ? shellCommandRanges(text, block) : [block.body];
}

function fenceFacts(path: string, text: string, blocks: readonly FencedBlock[], headingsAt: (offset: number) => string[]): DocumentedFact[] {
  const out: DocumentedFact[] = [];
  for (const block of blocks) {
    const body = text.slice(block.body.start, block.body.end);
    const mod = fenceModule(block.lang, body);
    if (!mod) continue;
    // The module reads the block alone (offsets relative to its start), not the whole document per block.
    const blanked = blankOutside(text, block.body, readRanges(text, block));
    const ctx: ExtractContext = { path, text: blanked, read: () => undefined, files: () => [] };
    for (const f of mod.extract(ctx).facts) {
      if ((f.kind !== 'bind' && f.kind !== 'reference') || f.derivation.kind !== 'literal' || f.publishedBy) continue;
      if (f.location.span.start < 0 || f.location.span.end > blanked.length) continue;
      const span = { start: block.body.start + f.location.span.start, end: block.body.start + f.location.span.end };
      out.push({
        // rtcd's module names its owner after the file, which here is the guide: the program is rtcd.
        kind: f.kind, ports: f.ports, protocol: f.protocol, service: mod === rtcdFormat ? 'rtcd' : f.owner, headings: headingsAt(span.start),
        summary: false, location: { file: path, span }, row: { file: path, span: block.body }, source: 'fence', detail: f.detail,
      });
    }
  }
  return out;
}

/**
 * Reads a port reference document. `path` is only used in the locations returned. Tables inside
 * fenced blocks, inside generated regions, or anywhere in a reference that starts with
 * {@link GENERATED_REFERENCE} are not read (a generated table restates the
 * configuration; it documents nothing of its own).
 */
export function readPortDoc(path: string, text: string): PortDoc {
  const regions = generatedRegions(text);
  if (text.startsWith(GENERATED_REFERENCE)) return { facts: [], regions };
  const blocks = fencedBlocks(text);
  const fences = blocks.map((b) => b.body);
  const skipped = insideCursor([...fences, ...regions.map((r) => ({ start: r.begin.start, end: r.end.end }))]);
  const ls = lines(text);
  const skipFences = insideCursor(fences);
  const headingMarks: { at: number; level: number; text: string }[] = [];
  const inFence = insideCursor(fences);
  for (const l of ls) {
    if (inFence(l.start)) continue;
    const m = /^ {0,3}(#{1,6})[ \t]+(.*)$/.exec(l.text);
    if (m) headingMarks.push({ at: l.start, level: m[1]!.length, text: headingText(m[2]!) });
  }
  const headingsAt = headingStacks(headingMarks);
  const facts: DocumentedFact[] = [];
  for (let i = 0; i + 1 < ls.length; i++) {
    if (skipped(ls[i]!.start)) continue;
    const cols = portTableHeader(ls[i]!, ls[i + 1]);
    if (!cols) continue;
    const headings = headingsAt(ls[i]!.start);
    const hasService = cols.includes('service');
    const summary = !hasService && (cols.includes('project') || headings.some((h) => /\b(summary|overview)\b/i.test(h)));
    const heading = (headings[headings.length - 1] ?? '').replace(/\s*\([^)]*\)\s*/g, ' ').trim();
    let j = i + 2;
    for (; j < ls.length && ls[j]!.text.includes('|') && ls[j]!.text.trim() !== ''; j++) {
      const row = cells(ls[j]!);
      const get = (c: Column) => {
        const k = cols.indexOf(c);
        return k >= 0 ? row[k] : undefined;
      };
      const portCell = get('port');
      if (!portCell) continue;
      const direction = plain(get('direction')?.text ?? '').toLowerCase();
      if (direction === '-' || direction === 'n/a') continue;
      const kind = /^out(bound)?$/.test(direction) ? 'reference' : 'bind';
      const rowProto = protocolOf(plain(get('protocol')?.text ?? ''));
      const project = plain(get('project')?.text ?? '') || undefined;
      const named = plain(get('service')?.text ?? '');
      const service = hasService ? named || heading : summary ? project ?? plain(get('purpose')?.text ?? '') : heading;
      if (service === '') continue;
      for (const tok of portTokens(portCell.text, portCell.start)) {
        const f: DocumentedFact = {
          kind, ports: tok.ports, protocol: tok.protocol ?? rowProto ?? 'tcp', service, headings, summary,
          location: { file: path, span: tok.span }, row: { file: path, span: { start: ls[j]!.start, end: ls[j]!.end } }, source: 'table', detail: 'table row',
        };
        if (project) f.project = project;
        if (tok.target) f.target = tok.target;
        facts.push(f);
      }
    }
    i = j - 1;
  }
  for (const p of listPorts(ls, skipFences)) facts.push(statedFact(path, p, 'list', headingsAt(p.line.start)));
  facts.push(...fenceFacts(path, text, blocks, headingsAt));
  for (const block of blocks) {
    if (!CODE_LANGS.has(block.lang)) continue;
    for (const p of codePorts(text.slice(block.body.start, block.body.end), block.body.start)) facts.push(statedFact(path, p, 'code', headingsAt(p.span.start)));
  }
  return { facts, regions };
}
