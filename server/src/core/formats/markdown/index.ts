/**
 * Markdown documents (id `markdown`): the ufw rules written in their fenced shell code blocks
 * (runbooks, install guides). Prose ("port 5555") and other blocks are ignored.
 *
 * Fences follow CommonMark 0.31 "Fenced code blocks": a line of at least three backticks or
 * tildes opens a block, the info string's first word names the language, and a line of at
 * least as many of the same character closes it (an unclosed block runs to the end of the
 * document). Pure; never throws.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { commandWords } from '../shell/normalize';
import { splitCommands } from '../shell/words';
import { isUfwCommand, ufwCommandFacts, workspaceAppLookup } from '../ufw';
import { looksLikePortDoc } from './portdoc';

/** A fenced code block: its language (first word of the info string, lower case) and body. */
export interface FencedBlock {
  lang: string;
  /** From the line after the opening fence to the start of the closing fence line. */
  body: Span;
}

/** Info strings whose blocks are read as shell. */
const SHELL_LANGS: readonly string[] = ['', 'sh', 'bash', 'shell', 'console', 'zsh', 'shell-session', 'sh-session', 'shellsession'];
/** Languages whose lines start with a prompt (`$ ` user, `# ` root) and mix in output. */
const PROMPT_LANGS: readonly string[] = ['console', 'shell-session', 'sh-session', 'shellsession'];

const UFW_RULE = /(?:^|[\s;&|(`])(?:\/usr\/sbin\/)?ufw[ \t]+(?:[^\n]*?[ \t])?(?:allow|deny|reject|limit)\b/m;

/**
 * The fenced code blocks of a Markdown document, in order. Fences may be indented (list
 * items); blocks inside `>` block quotes are not recognized.
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { ch: string; len: number; lang: string; bodyStart: number } | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const next = nl < 0 ? text.length + 1 : nl + 1;
    if (open) {
      const close = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1]![0] === open.ch && close[1]!.length >= open.len) {
        blocks.push({ lang: open.lang, body: { start: open.bodyStart, end: lineStart } });
        open = undefined;
      }
    } else {
      const m = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line);
      if (m && !(m[1]![0] === '`' && m[2]!.includes('`'))) {
        const info = m[2]!.trim();
        const lang = (info.split(/[\s,{}]+/).find((x) => x !== '') ?? '').replace(/^\./, '').toLowerCase();
        open = { ch: m[1]![0]!, len: m[1]!.length, lang, bodyStart: Math.min(next, text.length) };
      }
    }
    lineStart = next;
  }
  if (open) blocks.push({ lang: open.lang, body: { start: open.bodyStart, end: text.length } });
  return blocks;
}

/** Shell blocks that contain a ufw rule command. */
function ufwBlocks(text: string): FencedBlock[] {
  return fencedBlocks(text).filter((b) => SHELL_LANGS.includes(b.lang) && UFW_RULE.test(text.slice(b.body.start, b.body.end)));
}

/**
 * Command ranges of a prompt-style block (`console`): each line starting with `$ ` or `# `
 * is a command from after the prompt to the end of the line, extended over backslash
 * continuations; other lines are program output and skipped.
 */
function promptRanges(text: string, body: Span): Span[] {
  const ranges: Span[] = [];
  let lineStart = body.start;
  while (lineStart < body.end) {
    const nl = text.indexOf('\n', lineStart);
    let lineEnd = nl < 0 || nl >= body.end ? body.end : nl;
    const m = /^[ \t]*[$#][ \t]+/.exec(text.slice(lineStart, lineEnd));
    if (m) {
      const start = lineStart + m[0].length;
      while (/\\\r?$/.test(text.slice(lineStart, lineEnd)) && lineEnd < body.end) {
        lineStart = lineEnd + 1;
        const n2 = text.indexOf('\n', lineStart);
        lineEnd = n2 < 0 || n2 >= body.end ? body.end : n2;
      }
      ranges.push({ start, end: lineEnd });
    }
    lineStart = lineEnd + 1;
  }
  return ranges;
}

/**
 * Markdown (`*.md`, `*.markdown`): weak detection when a fenced block holds a
 * `ufw allow|deny|reject|limit` command; any file (a `.txt` too) is also weakly detected when it
 * is a port reference by content (see ./portdoc: a port table or a generated region), false
 * otherwise. The documented ports themselves are read by ./portdoc, not here. Extraction reads only fenced blocks
 * with an empty or sh/bash/shell/console/zsh info string that contain a ufw command and turns
 * their ufw rules into `firewall` facts (offsets are in the whole document); a leading `$ `
 * prompt is ignored, and in `console` blocks only prompt lines (`$ `, `# `) are commands.
 */
export const markdownFormat: FormatModule = {
  id: 'markdown',
  detect(path: string, text: string): Detection {
    try {
      if (looksLikePortDoc(text)) return 'weak';
      if (!/\.(?:md|markdown)$/i.test(path) || !UFW_RULE.test(text)) return false;
      return ufwBlocks(text).length > 0 ? 'weak' : false;
    } catch {
      return false;
    }
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    try {
      const apps = workspaceAppLookup(ctx, result.dependencies);
      for (const block of ufwBlocks(ctx.text)) {
        const ranges = PROMPT_LANGS.includes(block.lang) ? promptRanges(ctx.text, block.body) : [block.body];
        for (const range of ranges) {
          for (const raw of splitCommands(ctx.text, range.start, range.end)) {
            const words = commandWords(raw, true);
            if (!isUfwCommand(words)) continue;
            const r = ufwCommandFacts(words, ctx.path, apps);
            result.facts.push(...r.facts);
            result.findings.push(...r.findings);
          }
        }
      }
    } catch {
      result.failed = true;
    }
    return result;
  },
};
