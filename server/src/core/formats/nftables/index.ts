/**
 * nftables rulesets (id `nftables`, nft(8)): `*.nft` files, `nftables.conf` and files under an
 * `nftables/` or `nftables.d/` folder, and `nft` commands in scripts (read by the shell module
 * through {@link nftCommandFacts}). `syntax.ts` is the tokenizer and block reader,
 * `extract.ts` turns input-hook rules into `firewall` facts. Pure: no I/O.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule, ShellWord } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { hasTemplateMarker } from '../../model/templates';
import { nftFacts } from './extract';

export { nftFacts } from './extract';

const NAME = /(?:\.nft|(?:^|\/)nftables\.conf|(?:^|\/)nftables(?:\.d)?\/[^/]+\.(?:conf|rules|nft))$/;
const SHEBANG = /^#![ \t]*\/(?:usr\/)?(?:local\/)?s?bin\/nft\b/;
const CONTENT = /(?:^|\n)[ \t]*(?:table[ \t]+(?:(?:ip|ip6|inet|arp|bridge|netdev)[ \t]+)?[\w-]+[ \t]*\{|(?:add|insert)[ \t]+rule[ \t])/;

/**
 * Strong for a file with an `#!/usr/sbin/nft -f` shebang, or named like an nftables ruleset
 * (see NAME) that contains a `table ... {` block or an `add rule` line; not this format otherwise.
 */
export function detectNftables(path: string, text: string): Detection {
  if (SHEBANG.test(text)) return 'strong';
  return NAME.test(path) && CONTENT.test(text) ? 'strong' : false;
}

/** True when `words` (already through `commandWords`) start an `nft` command. */
export function isNftCommand(words: ShellWord[]): boolean {
  const v = words[0]?.value;
  return v === 'nft' || (v !== undefined && v.endsWith('/nft'));
}

/**
 * Facts of one `nft add rule ...` / `nft insert rule ...` command: its words after `nft`
 * (options such as `-a` skipped) are read as one command-form rule with exact offsets. Commands
 * holding a shell variable or template, and `nft -f FILE`, give nothing.
 */
export function nftCommandFacts(words: ShellWord[], file: string): ReturnType<typeof nftFacts> {
  let i = 1;
  while (i < words.length && words[i]!.value.startsWith('-')) {
    if (/^-(?:f|-file|I|-includepath)$/.test(words[i]!.value)) return { facts: [], findings: [] };
    i++;
  }
  const rest = words.slice(i);
  if (rest.some((w) => hasTemplateMarker(w.value))) return { facts: [], findings: [] };
  let text = '';
  const offsets: number[] = [];
  for (const w of rest) {
    if (text !== '') { text += ' '; offsets.push(w.span.start); }
    text += w.value;
    offsets.push(...w.offsets);
  }
  return nftFacts(text.replace(/;/g, ' '), file, (k) => offsets[k] ?? (rest[rest.length - 1]?.span.end ?? 0));
}

/** nftables ruleset files (id `nftables`), see the module comment. */
export const nftablesFormat: FormatModule = {
  id: 'nftables',
  detect: detectNftables,
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    const r = nftFacts(ctx.text, ctx.path);
    result.facts.push(...r.facts);
    result.findings.push(...r.findings);
    if (r.findings.some((f) => f.rule === 'parse-error')) result.failed = true;
    return result;
  },
};
