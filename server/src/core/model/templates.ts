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
