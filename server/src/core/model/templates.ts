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

/** `{{ ... }}` and `{% ... %}` may span lines (up to 4,000 characters); `{# ... #}` stays on one line. */
const TAG = /\{\{[\s\S]{0,4000}?\}\}|\{%[\s\S]{0,4000}?%\}|\{#[^\n]{0,4000}?#\}/g;

/**
 * The closed template engine tags of `text` (gomplate/Go templates and Jinja: `{{ }}`, `{% %}`,
 * `{# #}`), in order, as offsets into `text`. An opening without its closing delimiter is no tag.
 * Empty for text without tags.
 */
export function engineTags(text: string): EngineTag[] {
  const found: { start: number; end: number; comment: boolean }[] = [];
  for (const m of text.matchAll(TAG)) found.push({ start: m.index, end: m.index + m[0].length, comment: m[0].startsWith('{#') });
  if (found.length === 0) return [];
  // A line is "tags only" when removing every tag leaves only blanks on it.
  const blanked = [...text];
  for (const t of found) for (let i = t.start; i < t.end; i++) if (blanked[i] !== '\n') blanked[i] = ' ';
  const rest = blanked.join('');
  const lineBlank = (at: number): boolean => {
    const from = rest.lastIndexOf('\n', at - 1) + 1;
    const nl = rest.indexOf('\n', at);
    return rest.slice(from, nl < 0 ? rest.length : nl).trim() === '';
  };
  return found.map((t) => {
    const raw = text.slice(t.start, t.end);
    const silent = t.comment || raw.startsWith('{%') || GO_SILENT.test(raw);
    return { ...t, alone: lineBlank(t.start) && lineBlank(Math.max(t.start, t.end - 1)), silent };
  });
}
