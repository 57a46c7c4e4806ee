/**
 * The format modules in precedence order, and classification of a file: the first module that
 * recognizes it strongly wins, else the first that recognizes it weakly. A file no module
 * recognizes yields no facts and no diagnostics (a dovecot.conf, a Kubernetes manifest).
 */
import { composeFormat } from '../formats/compose';
import { dotenvFormat } from '../formats/dotenv';
import { markdownFormat } from '../formats/markdown';
import { mattermostFormat } from '../formats/mattermost';
import { nginxFormat } from '../formats/nginx';
import { rtcdFormat } from '../formats/rtcd';
import { shellFormat } from '../formats/shell';
import { systemdFormat } from '../formats/systemd';
import { tomlFormat } from '../formats/toml';
import { ufwAppFormat, ufwRulesFormat } from '../formats/ufw';
import type { Detection, FormatModule } from '../model/facts';

/** Every format module, most specific first. */
export const FORMATS: readonly FormatModule[] = [
  rtcdFormat,
  tomlFormat,
  composeFormat,
  dotenvFormat,
  systemdFormat,
  nginxFormat,
  ufwRulesFormat,
  ufwAppFormat,
  shellFormat,
  mattermostFormat,
  markdownFormat,
];

/** The module that reads a file and how sure it is; `mod` is undefined when none does. */
export function classify(path: string, text: string): { mod?: FormatModule; detection: Detection } {
  let weak: FormatModule | undefined;
  for (const mod of FORMATS) {
    let d: Detection = false;
    try {
      d = mod.detect(path, text);
    } catch {
      d = false;
    }
    if (d === 'strong') return { mod, detection: d };
    if (d === 'weak' && !weak) weak = mod;
  }
  return weak ? { mod: weak, detection: 'weak' } : { detection: false };
}

const CANDIDATE_NAME = /(\.(conf|toml|json|ya?ml|env|service|socket|sh|bash|md|markdown|txt|rules|nginx|nginxconf)$)|(^\.env(\..+)?$)|(^(env|env\.example|env\.sample)$)|(^(nginx\.conf|user6?\.rules)$)/i;
const CANDIDATE_DIR = /(^|\/)(nginx|sites-available|sites-enabled|conf\.d|applications\.d|snippets|ufw|bin|scripts)\//;

/**
 * Whether a path is worth reading at all, by name only (hosts use this to avoid loading a
 * repository's sources). Extension-less files count inside nginx, ufw and script folders.
 */
export function isCandidatePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (CANDIDATE_NAME.test(name)) return true;
  return !name.includes('.') && CANDIDATE_DIR.test(path);
}
