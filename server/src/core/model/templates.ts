/**
 * Template markers: text that a shell, a compose file or a template engine replaces before the
 * program reads it. A value that holds one is unknown at analysis time, not invalid: format
 * modules give no `invalid-port` or `parse-error` for it and no fact with a made-up value.
 * Pure and total: no I/O, never throws.
 */

/** A shell or compose expansion: `$NAME`, `${...}`, `$(...)`, `$((...))`, a backtick substitution. */
const SHELL_EXPANSION = /\$(?:[A-Za-z_{(]|[0-9@*#?$!-])|`/;

/** A template engine's tags: gomplate/Go templates and Jinja `{{ ... }}`, Jinja `{% ... %}` and `{# ... #}`. */
const ENGINE_TAG = /\{\{|\}\}|\{%|%\}|\{#|#\}/;

/**
 * True when `text` holds a shell or compose expansion (`$PORT`, `${PROTO}`, `$(cmd)`, backticks).
 * `"80/tcp"` and `"$"` alone give false.
 */
export function hasShellExpansion(text: string): boolean {
  return SHELL_EXPANSION.test(text);
}

/**
 * True when `text` holds a template engine tag (`{{ .Env.PORT }}`, `{% if x %}`, `{# note #}`),
 * or any end of one. Plain braces (`{`, `}`) give false.
 */
export function hasEngineTag(text: string): boolean {
  return ENGINE_TAG.test(text);
}

/** An installer's placeholder that a setup script replaces: `@@LISTEN_PORT@@`, `!!priorities.high!!`. */
const INSTALLER_PLACEHOLDER = /@@[\w.-]+@@|!![\w.-]+!!/;

/** True when `text` holds an installer placeholder (`@@NAME@@`, `!!name!!`). `"a@b"` and `"!"` give false. */
export function hasInstallerPlaceholder(text: string): boolean {
  return INSTALLER_PLACEHOLDER.test(text);
}

/**
 * True when `text` as a whole is a placeholder a reader or an installer replaces: `<port>`,
 * `<Port>`, `<your port>`, `@@LISTEN_PORT@@`, `!!port!!`, `__PORT__`. `"8080"` and `"<"` give false.
 */
export function isPlaceholder(text: string): boolean {
  return /^(?:<[\w .-]{1,40}>|@@[\w.-]+@@|!![\w.-]+!!|__[A-Z][A-Z0-9_]*__)$/.test(text);
}

/** True when `text` holds any template marker: {@link hasShellExpansion} or {@link hasEngineTag}. */
export function hasTemplateMarker(text: string): boolean {
  return hasShellExpansion(text) || hasEngineTag(text);
}

/** One template engine tag found by {@link engineTags}. */
export interface EngineTag {
  /** Offsets `[start, end)` of the tag, delimiters included. */
  start: number;
  end: number;
  /** True when nothing but blanks and other tags shares the tag's lines (a control tag such as `{{ end }}`). */
  alone: boolean;
  /** True for a `{# ... #}` comment. */
  comment: boolean;
  /**
   * True for a tag that writes nothing into the output: a comment, a Jinja statement
   * (`{% if %}`), a Go template action (`{{ if }}`, `{{ else }}`, `{{ end }}`, `{{ range }}`,
   * `{{ with }}`, `{{ define }}`, `{{ block }}`), a Go variable assignment or a Go comment.
   */
  silent: boolean;
}

/** Go template actions and assignments that print nothing (text/template "Actions"). */
const GO_SILENT = /^\{\{-?\s*(?:(?:if|else|end|range|with|define|block|break|continue)\b|\$[\w]*\s*:?=|\/\*)/;

/** The longest tag body read (characters between the delimiters); a longer one is no tag. */
const MAX_TAG_BODY = 4000;

/** `next[i]`: the first offset `>= i` where `needle` (two characters) starts in `text`, or -1. One backward pass. */
function nextOccurrence(text: string, needle: string): Int32Array {
  const next = new Int32Array(text.length + 1).fill(-1);
  for (let i = text.length - 2; i >= 0; i--) next[i] = text.startsWith(needle, i) ? i : next[i + 1]!;
  return next;
}

/** `next[i]`: the first offset `>= i` holding a line feed, or `text.length`. */
function nextNewline(text: string): Int32Array {
  const next = new Int32Array(text.length + 1).fill(text.length);
  for (let i = text.length - 1; i >= 0; i--) next[i] = text.charCodeAt(i) === 10 ? i : next[i + 1]!;
  return next;
}

/**
 * The closed tags of `text` in order: `{{ }}` and `{% %}` (may span lines), `{# #}` (one line),
 * each with a body of at most {@link MAX_TAG_BODY} characters and closed by the first closing
 * delimiter after it; an opening without one is skipped. Linear in `text`.
 */
function findTags(text: string): { start: number; end: number; comment: boolean }[] {
  const found: { start: number; end: number; comment: boolean }[] = [];
  if (!/\{[{%#]/.test(text)) return found;
  const close = { '{': nextOccurrence(text, '}}'), '%': nextOccurrence(text, '%}'), '#': nextOccurrence(text, '#}') };
  const newline = nextNewline(text);
  for (let i = text.indexOf('{'); i >= 0 && i < text.length - 1; i = text.indexOf('{', i)) {
    const kind = text[i + 1];
    if (kind !== '{' && kind !== '%' && kind !== '#') {
      i++;
      continue;
    }
    const j = close[kind][i + 2] ?? -1;
    const ok = j >= 0 && j - (i + 2) <= MAX_TAG_BODY && (kind !== '#' || newline[i + 2]! >= j);
    if (!ok) {
      i++;
      continue;
    }
    found.push({ start: i, end: j + 2, comment: kind === '#' });
    i = j + 2;
  }
  return found;
}

/**
 * The closed template engine tags of `text` (gomplate/Go templates and Jinja: `{{ }}`, `{% %}`,
 * `{# #}`), in order, as offsets into `text`. An opening without its closing delimiter is no tag.
 * Empty for text without tags. Linear in `text`, whatever it holds.
 */
export function engineTags(text: string): EngineTag[] {
  const found = findTags(text);
  if (found.length === 0) return [];
  // A line is "tags only" when removing every tag leaves only blanks on it.
  const blanked = text.split('');
  for (const t of found) for (let i = t.start; i < t.end; i++) if (blanked[i] !== '\n') blanked[i] = ' ';
  const rest = blanked.join('');
  const starts = [0];
  for (let i = 0; i < rest.length; i++) if (rest.charCodeAt(i) === 10) starts.push(i + 1);
  const blank = starts.map((from, k) => rest.slice(from, k + 1 < starts.length ? starts[k + 1]! - 1 : rest.length).trim() === '');
  // Tags are in order and do not overlap, so the line of each queried offset only moves forward.
  let line = 0;
  const lineBlank = (at: number): boolean => {
    while (line + 1 < starts.length && starts[line + 1]! <= at) line++;
    return blank[line]!;
  };
  return found.map((t) => {
    const raw = text.slice(t.start, t.end);
    const silent = t.comment || raw.startsWith('{%') || GO_SILENT.test(raw);
    return { ...t, alone: lineBlank(t.start) && lineBlank(Math.max(t.start, t.end - 1)), silent };
  });
}

/** A block-opening statement: Jinja `{% if|for|with|macro|block|call|filter|raw %}`, Go `{{ if|range|with|define|block }}`. */
const OPENS_BLOCK = /^\{[{%]-?\s*(if|for|with|macro|block|call|filter|raw|range|define)\b/;
/** A branch of the innermost open block: Jinja `{% elif %}`/`{% else %}`, Go `{{ else }}`/`{{ else if }}`. */
const STARTS_BRANCH = /^\{[{%]-?\s*(elif|else)\b/;
/** The end of the innermost open block: Jinja `{% endif %}`/`{% endfor %}`…, Go `{{ end }}`. */
const ENDS_BLOCK = /^\{[{%]-?\s*end\w*\s*-?[}%]\}$/;

/**
 * Offsets `[start, end)` of every branch after the first of each conditional or loop block
 * (`{% if a %}x{% elif b %}y{% else %}z{% endif %}` gives the spans of `{% elif b %}y` and
 * `{% else %}z`; Go `{{ if }}…{{ else }}…{{ end }}` likewise), outermost only, in order. Reading
 * a template as if every first branch were taken keeps its braces balanced where the branches
 * each open the same block. Unbalanced tags are tolerated (an extra end is ignored, an open
 * block at the end ends nothing). Linear in the number of tags.
 */
function laterBranches(text: string, tags: readonly EngineTag[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  // One entry per open block: the offset where its first later branch starts, or -1.
  const open: number[] = [];
  for (const t of tags) {
    if (t.comment) continue;
    const raw = text.slice(t.start, Math.min(t.end, t.start + 40));
    if (OPENS_BLOCK.test(raw)) open.push(-1);
    else if (STARTS_BRANCH.test(raw)) {
      if (open.length > 0 && open[open.length - 1] === -1) open[open.length - 1] = t.start;
    } else if (ENDS_BLOCK.test(text.slice(t.start, t.end))) {
      const from = open.pop();
      // Only outermost spans are kept: an inner block's later branch lies inside its parent's.
      if (from !== undefined && from >= 0 && !open.some((o) => o >= 0)) out.push({ start: from, end: t.start });
    }
  }
  return out;
}

/**
 * `text` with its template engine tags masked, same length and same line breaks so that every
 * offset stays valid: a tag alone on its lines and a tag that prints nothing become blanks, every
 * branch after the first of a conditional or loop becomes blanks (the template is read as if each
 * first branch were taken, see {@link laterBranches}), and a tag that prints a value inline
 * becomes `inline(length)`, which must return exactly `length` characters (a format's
 * unknown-value word, such as nginx's `$___`). `masked` tells whether there was any tag. Linear.
 */
export function maskTemplateTags(text: string, inline: (length: number) => string): { text: string; masked: boolean } {
  const tags = engineTags(text);
  if (tags.length === 0) return { text, masked: false };
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  const branches = laterBranches(text, tags);
  let out = '';
  let at = 0;
  let b = 0;
  for (const t of tags) {
    if (t.start < at) continue; // inside a blanked branch
    const branch = branches[b];
    if (branch !== undefined && branch.start === t.start) {
      out += text.slice(at, branch.start) + blank(text.slice(branch.start, branch.end));
      at = branch.end;
      b++;
      continue;
    }
    out += text.slice(at, t.start);
    const raw = text.slice(t.start, t.end);
    out += t.alone || t.silent ? blank(raw) : inline(raw.length);
    at = t.end;
  }
  return { text: out + text.slice(at), masked: true };
}
