/**
 * iptables: `iptables`/`ip6tables` commands in scripts and documentation (read by the shell and
 * Markdown modules through {@link iptablesCommandFacts}) and iptables-save files (id
 * `iptables`: `rules.v4`/`rules.v6` of iptables-persistent, `iptables.rules`, `*.iptables`;
 * iptables-save(8) format: `*table` lines, `:CHAIN POLICY` lines, one rule specification per
 * `-A` line, `COMMIT`). The rule grammar is in `rule.ts`. Pure: no I/O.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule, ShellWord } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { commandWords } from '../shell/normalize';
import { eachCommand } from '../shell/words';
import { iptablesDropsUnaccepted, iptablesRuleFacts } from './rule';

export { iptablesDropsUnaccepted, iptablesRuleFacts } from './rule';

const TOOL = /^(?:.*\/)?(ip6?tables)(?:-legacy|-nft)?$/;

/** True when `words` (already through `commandWords`) start an `iptables` or `ip6tables` command. */
export function isIptablesCommand(words: ShellWord[]): boolean {
  return TOOL.test(words[0]?.value ?? '');
}

/** Facts of one `iptables ...` command (see {@link iptablesRuleFacts}). */
export function iptablesCommandFacts(words: ShellWord[], file: string): ReturnType<typeof iptablesRuleFacts> {
  const tool = TOOL.exec(words[0]?.value ?? '')?.[1] ?? 'iptables';
  return iptablesRuleFacts(words.slice(1), file, 'filter', tool);
}

const NAME = /(?:^|\/)(?:rules\.v[46]|ip6?tables(?:\.rules|\.up\.rules)?|[^/]+\.iptables|ip6?tables\/[^/]+\.rules)$/;
const SAVE_FORMAT = /(?:^|\n)\*(?:filter|nat|mangle|raw)[ \t]*\r?\n[\s\S]*(?:^|\n)COMMIT\b/;

/**
 * Strong for a file named like an iptables-save dump (see NAME) that has a `*filter` (or other
 * table) line and a `COMMIT`; not this format otherwise (ufw's own `before.rules` are read by
 * nobody: their rules are in ufw's chains).
 */
export function detectIptables(path: string, text: string): Detection {
  return NAME.test(path) && SAVE_FORMAT.test(text) ? 'strong' : false;
}

/** Facts of an iptables-save text: each `-A` line read in the table of the last `*table` line. */
function extractSave(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const tool = /(?:v6|ip6tables)[^/]*$/.test(ctx.path) ? 'ip6tables' : 'iptables';
  let table = 'filter';
  let lineStart = 0;
  while (lineStart < ctx.text.length) {
    const nl = ctx.text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? ctx.text.length : nl;
    const line = ctx.text.slice(lineStart, lineEnd);
    const t = /^\*([a-z]+)/.exec(line);
    if (t) table = t[1]!;
    else if (/^-[AI][ \t]/.test(line)) {
      for (const words of eachCommand(ctx.text, lineStart, lineEnd)) {
        const r = iptablesRuleFacts(commandWords(words), ctx.path, table, tool);
        result.facts.push(...r.facts);
        result.findings.push(...r.findings);
      }
    }
    lineStart = lineEnd + 1;
  }
  return result;
}

/**
 * True when a rule file's text (an iptables-save file or a shell script of `iptables` commands)
 * makes INPUT drop what its rules do not accept: a `:INPUT DROP` policy line of the `*filter`
 * table, or a line with a rule {@link iptablesDropsUnaccepted} calls so (`-P INPUT DROP`, an
 * unconditional `-A INPUT -j DROP`/`REJECT`). One command per line (a rule continued with `\`
 * over lines is not read); order is not considered. Linear in the text; only lines that say
 * `INPUT` are lexed.
 */
export function iptablesInputDrops(text: string): boolean {
  let table = 'filter';
  let lineStart = 0;
  while (lineStart < text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd);
    const t = /^\*([a-z]+)/.exec(line);
    if (t) table = t[1]!;
    else if (line.includes('INPUT')) {
      if (/^:INPUT[ \t]+DROP\b/.test(line)) { if (table === 'filter') return true; }
      else if (/^-[AIP][ \t]/.test(line)) { for (const words of eachCommand(text, lineStart, lineEnd)) if (iptablesDropsUnaccepted(commandWords(words), table)) return true; }
      else {
        for (const raw of eachCommand(text, lineStart, lineEnd)) {
          const words = commandWords(raw);
          if (isIptablesCommand(words) && iptablesDropsUnaccepted(words.slice(1))) return true;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return false;
}

/** iptables-save files (id `iptables`), see the module comment. */
export const iptablesFormat: FormatModule = {
  id: 'iptables',
  detect: detectIptables,
  extract: extractSave,
};
