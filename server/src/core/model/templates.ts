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
