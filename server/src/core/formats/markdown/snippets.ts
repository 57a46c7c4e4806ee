/**
 * The configuration snippets of a port guide: which fenced code blocks stand for which
 * configuration file, grouped into the setups (scenarios) the guide describes. The format modules
 * read each snippet as a virtual file (see `index/documents.ts`); this module only decides what a
 * fence is and builds the virtual file's text with an offset map back into the Markdown, so no
 * format is parsed twice by hand.
 *
 * - A fence's language is its info string (`toml`, `nginx`, `yaml`/`yml`, `ini`/`systemd`, the
 *   shell names of ./fences, `env`/`dotenv`, `json`); an unlabelled fence is read by content: a
 *   `[Unit]`/`[Service]`/`[Install]` section makes a systemd unit, `server {`/`listen N` nginx,
 *   a top-level `services:` compose, `docker run`/`ufw allow…` lines shell.
 * - A comment on a fence's first line that is only a path (`# /etc/rtcd/config.toml`,
 *   `// nginx/sites-available/rtcd`) names the file the fence stands for.
 * - A YAML fence of compose service keys without `services:` (a bare `ports:` list) is read as
 *   one service: the virtual file adds `services:` and a service above it and indents each line.
 * - A setup is the fences under one innermost heading: sibling sections ("Scenario 1",
 *   "Option B", "As a systemd service") are alternatives, each its own setup.
 *
 * Offsets are UTF-16 code units. The virtual text keeps the Markdown's line numbers (its first
 * lines are padding), so a virtual line N is the guide's line N. Pure; never throws; at most
 * {@link MAX_SNIPPETS} fences and {@link MAX_VIRTUAL_TEXT} code units of virtual text per
 * document (bounded work on hostile input).
 */
import type { Span } from '../../model/facts';
import { fencedBlocks, PROMPT_LANGS, SHELL_LANGS, shellCommandRanges, type FencedBlock } from './fences';

/** How many fences of one document are read as configuration, at most. */
export const MAX_SNIPPETS = 64;

/** Code units of virtual text (padding included) built for one document, at most; later fences are not read. */
export const MAX_VIRTUAL_TEXT = 4 * 1024 * 1024;

/** What a snippet is read as. */
export type SnippetKind = 'toml' | 'nginx' | 'compose' | 'systemd' | 'shell' | 'dotenv' | 'json';

/** A stretch of the virtual text that is a copy of the Markdown: `length` code units from `virtual` are the ones from `doc`. */
export interface Segment {
  virtual: number;
  doc: number;
  length: number;
}

/** One fence read as a configuration file. */
export interface Snippet {
  kind: SnippetKind;
  /** The fence's body in the Markdown. */
  body: Span;
  /** The 0-based line of the body's first line in the Markdown (and in {@link text}). */
  line: number;
  /** The path its first-line comment names (relative, without a leading `/`), when it names one. */
  namedPath?: string;
  /** The text the format module reads: padding lines, then the fence's lines (program output blanked). */
  text: string;
  /** Where the virtual text's copied stretches are in the Markdown, in order. */
  segments: Segment[];
}

/** The fences under one heading: one setup the guide describes. */
export interface Setup {
  /** The heading's text ("Scenario 1: Port 8443 is FREE"); `''` before any heading. */
  title: string;
  snippets: Snippet[];
}

/** A heading line of a Markdown document (outside fences). */
export interface HeadingMark {
  /** Offset of the heading line's start. */
  at: number;
  level: number;
  /** Heading text without leading symbols/emoji, emphasis and trailing `#`s. */
  text: string;
}

/** ATX headings (`#`..`######`) of a document that are not inside the given fence bodies. */
export function headingMarks(text: string, fences: readonly Span[]): HeadingMark[] {
  const out: HeadingMark[] = [];
  let f = 0;
  for (const m of text.matchAll(/^ {0,3}(#{1,6})[ \t]+([^\n]*)$/gm)) {
    const at = m.index;
    while (f < fences.length && fences[f]!.end <= at) f++;
    if (f < fences.length && at >= fences[f]!.start && at < fences[f]!.end) continue;
    const raw = m[2]!.replace(/\r$/, '').replace(/\s#+\s*$/, '');
    out.push({ at, level: m[1]!.length, text: raw.replace(/\*\*|__|`/g, '').replace(/^[^A-Za-z0-9]+/, '').trim() });
  }
  return out;
}

const UNIT_SECTION = /^[ \t]*\[(?:Unit|Service|Install|Socket)\][ \t]*$/m;
const NGINX_CONTENT = /^[ \t]*(?:server[ \t]*\{|listen[ \t]+[^\n;]*\d[^\n;]*;)/m;
const COMPOSE_CONTENT = /^services:[ \t]*(?:#.*)?$/m;
const SERVICE_KEYS = /^(?:ports|expose|image|environment|network_mode):/m;
const SHELL_CONTENT = /(?:^|[\s;&|(`])(?:docker[ \t]+(?:container[ \t]+)?run\b|(?:\/usr\/sbin\/)?ufw[ \t]+(?:[^\n]*?[ \t])?(?:allow|deny|reject|limit)\b)/m;

/** The kind of a fence by its language and, for an unlabelled one, its content; `undefined` when it is not configuration Portolan reads. */
export function snippetKind(lang: string, body: string): SnippetKind | undefined {
  switch (lang) {
    case 'toml':
      return 'toml';
    case 'nginx':
      return 'nginx';
    case 'yaml':
    case 'yml':
      return COMPOSE_CONTENT.test(body) || SERVICE_KEYS.test(body) ? 'compose' : undefined;
    case 'ini':
    case 'systemd':
      return UNIT_SECTION.test(body) ? 'systemd' : undefined;
    case 'env':
    case 'dotenv':
      return 'dotenv';
    case 'json':
      return 'json';
    case '':
      if (UNIT_SECTION.test(body)) return 'systemd';
      if (NGINX_CONTENT.test(body)) return 'nginx';
      if (COMPOSE_CONTENT.test(body)) return 'compose';
      return SHELL_CONTENT.test(body) ? 'shell' : undefined;
    default:
      return SHELL_LANGS.has(lang) && SHELL_CONTENT.test(body) ? 'shell' : undefined;
  }
}

/**
 * The path a fence's first line names: a comment (`#`, `//`, `;`) holding only a path with a
 * `/` or a known configuration extension. Relative, without `..` segments; `undefined` otherwise.
 */
export function namedPath(firstLine: string): string | undefined {
  const m = /^[ \t]*(?:#|\/\/|;)[ \t]*((?:~?\/)?[\w.@-]+(?:\/[\w.@-]+)*)[ \t]*:?[ \t]*$/.exec(firstLine);
  if (!m) return undefined;
  const path = m[1]!.replace(/^~?\/+/, '');
  if (!m[1]!.includes('/') && !/\.(?:toml|conf|ya?ml|service|socket|env|json|sh)$/i.test(path)) return undefined;
  const parts = path.split('/');
  if (path.length > 200 || parts.some((p) => p === '..' || p === '.' || p === '')) return undefined;
  return path;
}

/** Number of line breaks in `text` before `offset`. */
function lineIndexAt(text: string, offset: number, from: { at: number; line: number }): number {
  let line = from.line;
  for (let i = from.at; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  from.at = offset;
  from.line = line;
  return line;
}

/** The body with everything outside `keep` (sorted, inside the body) replaced by spaces, newlines kept. */
function keepOnly(text: string, body: Span, keep: readonly Span[]): string {
  let out = '';
  let at = body.start;
  for (const k of keep) {
    out += text.slice(at, k.start).replace(/[^\n]/g, ' ') + text.slice(k.start, k.end);
    at = k.end;
  }
  return out + text.slice(at, body.end).replace(/[^\n]/g, ' ');
}

/**
 * The virtual file of one fence, or `undefined` when the fence is not configuration. `line` is
 * the 0-based line of the body's first line; `pad` lines come first so that line numbers agree.
 */
function snippetOf(text: string, block: FencedBlock, line: number): Snippet | undefined {
  const raw = text.slice(block.body.start, block.body.end);
  const kind = snippetKind(block.lang, raw);
  if (!kind) return undefined;
  const body = kind === 'shell' && PROMPT_LANGS.has(block.lang) ? keepOnly(text, block.body, shellCommandRanges(text, block)) : raw;
  const first = /^[^\n]*/.exec(raw)![0].replace(/\r$/, '');
  const named = namedPath(first);
  const wrap = kind === 'compose' && !COMPOSE_CONTENT.test(raw) && line >= 2;
  if (kind === 'compose' && !wrap && !COMPOSE_CONTENT.test(raw)) return undefined;
  const padding = wrap ? '\n'.repeat(line - 2) + 'services:\n  app:\n' : '\n'.repeat(line);
  const snippet: Snippet = { kind, body: block.body, line, text: padding, segments: [] };
  if (named) snippet.namedPath = named;
  if (!wrap) {
    snippet.segments.push({ virtual: padding.length, doc: block.body.start, length: body.length });
    snippet.text += body;
    return snippet;
  }
  let at = 0;
  for (const l of body.split('\n')) {
    snippet.text += '    ';
    snippet.segments.push({ virtual: snippet.text.length, doc: block.body.start + at, length: l.length });
    snippet.text += l + '\n';
    at += l.length + 1;
  }
  return snippet;
}

/**
 * The setups of a guide, in document order: the configuration fences (see the module comment)
 * grouped by their innermost heading. Setups without a readable fence are left out.
 */
export function guideSetups(text: string): Setup[] {
  const blocks = fencedBlocks(text);
  const marks = headingMarks(text, blocks.map((b) => b.body));
  const setups = new Map<number, Setup>();
  const cursor = { at: 0, line: 0 };
  let h = -1;
  let read = 0;
  let built = 0;
  for (const block of blocks) {
    if (read >= MAX_SNIPPETS) break;
    while (h + 1 < marks.length && marks[h + 1]!.at < block.body.start) h++;
    const line = lineIndexAt(text, block.body.start, cursor);
    if (built + line + (block.body.end - block.body.start) * 2 > MAX_VIRTUAL_TEXT) break;
    const snippet = snippetOf(text, block, line);
    if (!snippet) continue;
    read++;
    built += snippet.text.length;
    let setup = setups.get(h);
    if (!setup) {
      setup = { title: h >= 0 ? marks[h]!.text : '', snippets: [] };
      setups.set(h, setup);
    }
    setup.snippets.push(snippet);
  }
  return [...setups.values()];
}

/**
 * The Markdown offset of a virtual offset of `snippet`: inside a copied stretch, the same code
 * unit in the Markdown; in padding or wrapper text (where a format module puts a default that is
 * written nowhere), the start of the fence's body.
 */
export function docOffset(snippet: Snippet, offset: number): number {
  for (const s of snippet.segments) {
    if (offset >= s.virtual && offset <= s.virtual + s.length) return s.doc + (offset - s.virtual);
  }
  return snippet.body.start;
}
