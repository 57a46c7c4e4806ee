/**
 * Escaping for text that comes from the workspace (file, service, image and comment names) when
 * it is put into Markdown (hover) or into a one-line text report (`portolan check`). A workspace
 * may be hostile: a name must never become a link, a command link, an HTML tag or a second line.
 * Follows CommonMark 0.31 (any ASCII punctuation may be backslash-escaped, section 2.4; a
 * code span's delimiter is a backtick run that does not occur inside it, section 6.1) and GFM.
 */

/**
 * The ASCII punctuation that can open inline Markdown syntax in the middle of a line: escapes,
 * code spans, emphasis, links and images (`[`), raw HTML and autolinks (`<`), entities (`&`),
 * strikethrough and table cells (GFM). Line-start syntax (`#`, `-`, `1.`) cannot occur: callers
 * never put workspace text at the start of a line.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]<>&~|]/g;

/** Line breaks of every kind, and the other C0/C1 control characters. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `s` as literal Markdown inline text, never at a line's start: inline-syntax punctuation
 * backslash-escaped and every control character or line break shown as its escape (`\n`, `\u0007`), so the result is
 * one line that renders as `s`. Total: any string is accepted.
 */
export function markdownText(s: string): string {
  return oneLine(s).replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
}

/**
 * `s` as a Markdown code span: delimited by a backtick run one longer than the longest run in
 * `s`, padded with a space where `s` starts or ends with a backtick, control characters shown
 * as escapes. Total: any string is accepted ('' gives an empty-looking span of one space).
 */
export function markdownCode(s: string): string {
  const text = oneLine(s);
  if (text === '') return '` `';
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * `s` on one line: line breaks and other control characters (C0, DEL, C1, U+2028/U+2029)
 * replaced by their escapes (`\n`, `\r`, `\t`, else `\u00XX`), so printing it can never start
 * a new line (a GitHub Actions workflow command such as `::error::` must begin a line).
 * Backslashes are left alone. Total: any string is accepted.
 */
export function oneLine(s: string): string {
  return s.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
