/**
 * Markdown documents (id `markdown`): the ufw (and firewall-cmd, nft, iptables) rules written in their fenced shell code blocks
 * (runbooks, install guides). Prose ("port 5555") and other blocks are ignored. Fences and the
 * shell languages are ./fences; port reference tables are ./portdoc. Pure; never throws.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { commandWords } from '../shell/normalize';
import { eachCommand } from '../shell/words';
import { firewallCommandFacts, firewallNames, OTHER_FIREWALL_RULE } from '../shell/firewall';
import { fencedBlocks, SHELL_LANGS, shellCommandRanges, type FencedBlock } from './fences';
import { looksLikePortDoc } from './portdoc';
import { guideSetups } from './snippets';

export { fencedBlocks, type FencedBlock } from './fences';

const UFW_RULE = /(?:^|[\s;&|(`])(?:\/usr\/sbin\/)?ufw[ \t]+(?:[^\n]*?[ \t])?(?:allow|deny|reject|limit)\b/m;

/** Shell blocks that contain a ufw rule command. */
function ufwBlocks(text: string): FencedBlock[] {
  return fencedBlocks(text).filter((b) => SHELL_LANGS.has(b.lang) && (UFW_RULE.test(text.slice(b.body.start, b.body.end)) || OTHER_FIREWALL_RULE.test(text.slice(b.body.start, b.body.end))));
}

/**
 * A guide in prose with configuration fences: a `.md`, `.markdown` or `.txt` file that speaks of
 * ports ("port", "ports" outside or inside fences) and has at least one fence ./snippets reads as
 * configuration other than ufw commands alone (a unit, nginx, compose, TOML, `docker run`).
 */
function looksLikeGuide(path: string, text: string): boolean {
  if (!/\.(?:md|markdown|txt)$/i.test(path) || !/^[ \t]*(?:`{3,}|~{3,})/m.test(text) || !/\bports?\b/i.test(text)) return false;
  return guideSetups(text).some((s) => s.snippets.some((n) => n.kind !== 'shell' || /\bdocker[ \t]+(?:container[ \t]+)?run\b/.test(n.text)));
}

/**
 * Markdown (`*.md`, `*.markdown`): weak detection when a fenced block holds a
 * `ufw allow|deny|reject|limit` command; any file (a `.txt` too) is also weakly detected when it
 * is a port reference by content (see ./portdoc: a port table, list items stating ports or a
 * generated region) or a guide in prose with configuration fences (see `looksLikeGuide`), false
 * otherwise. The documented ports themselves are read by ./portdoc, not here. Extraction reads
 * only the fenced shell blocks (see `SHELL_LANGS` in ./fences) that contain a ufw command and
 * turns their ufw rules into `firewall` facts (offsets are in the whole document); a leading
 * `$ ` prompt is ignored, and in shell session blocks (`console`, `shell-session`, ...) only
 * prompt lines (`$ `, `# `) are commands.
 */
export const markdownFormat: FormatModule = {
  id: 'markdown',
  detect(path: string, text: string): Detection {
    if (looksLikePortDoc(text) || looksLikeGuide(path, text)) return 'weak';
    if (!/\.(?:md|markdown)$/i.test(path) || !(UFW_RULE.test(text) || OTHER_FIREWALL_RULE.test(text))) return false;
    return ufwBlocks(text).length > 0 ? 'weak' : false;
  },
  extract(ctx: ExtractContext): ExtractResult {
    const result = emptyResult();
    const names = firewallNames(ctx, result.dependencies);
    for (const block of ufwBlocks(ctx.text)) {
      for (const range of shellCommandRanges(ctx.text, block)) {
        for (const raw of eachCommand(ctx.text, range.start, range.end)) {
          const words = commandWords(raw, true);
          const r = firewallCommandFacts(words, ctx.path, names);
          if (!r) continue;
          result.facts.push(...r.facts);
          result.findings.push(...r.findings);
        }
      }
    }
    return result;
  },
};
