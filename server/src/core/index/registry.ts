/**
 * The format modules in precedence order, classification of a file (the first module that
 * recognizes it strongly wins, else the first that recognizes it weakly; a file no module
 * recognizes yields no facts and no diagnostics: a dovecot.conf, a Kubernetes manifest), and the
 * one boundary where the index calls a module: a module that throws (a bug: the contract is never
 * to) is caught here and nowhere else, logged, and reported as a `parse-error` of its file.
 */
import { caddyFormat } from '../formats/caddy';
import { composeFormat } from '../formats/compose';
import { dockerfileFormat } from '../formats/dockerfile';
import { dotenvFormat } from '../formats/dotenv';
import { haproxyFormat } from '../formats/haproxy';
import { firewalldFormat } from '../formats/firewalld';
import { iptablesFormat } from '../formats/iptables';
import { nftablesFormat } from '../formats/nftables';
import { quadletFormat } from '../formats/quadlet';
import { markdownFormat } from '../formats/markdown';
import { mattermostFormat } from '../formats/mattermost';
import { nginxFormat } from '../formats/nginx';
import { rtcdFormat } from '../formats/rtcd';
import { shellFormat } from '../formats/shell';
import { systemdFormat } from '../formats/systemd';
import { tomlFormat } from '../formats/toml';
import { traefikFormat } from '../formats/traefik';
import { ufwAppFormat, ufwRulesFormat } from '../formats/ufw';
import type { Detection, ExtractContext, ExtractResult, FormatModule } from '../model/facts';

/** Every format module, most specific first. */
export const FORMATS: readonly FormatModule[] = [
  rtcdFormat,
  tomlFormat,
  composeFormat,
  dotenvFormat,
  systemdFormat,
  quadletFormat,
  nftablesFormat,
  nginxFormat,
  ufwRulesFormat,
  ufwAppFormat,
  iptablesFormat,
  firewalldFormat,
  shellFormat,
  mattermostFormat,
  markdownFormat,
  dockerfileFormat,
  // Front ends, last: they recognize strongly only names and contents no module above takes.
  caddyFormat,
  haproxyFormat,
  traefikFormat,
];

/** Where the boundary reports a module's exception: one line naming the format, the file and the error. */
export type FormatLog = (message: string) => void;

/**
 * Calls into a format module. When `call` throws, logs `"<format> <step> threw on <path>: <stack>"`
 * and returns `fallback(error)` instead. The only try/catch around format modules in the core.
 */
function guarded<T>(mod: FormatModule, step: 'detect' | 'extract', path: string, call: () => T, fallback: (e: Error) => T, log?: FormatLog): T {
  try {
    return call();
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    log?.(`${mod.id} ${step} threw on ${path}: ${error.stack ?? error.message}`);
    return fallback(error);
  }
}

/** What a module whose `detect` threw detected. */
const UNDETECTED = (): Detection => false;

/**
 * The module that reads a file and how sure it is; `mod` is undefined when none does. A module
 * whose `detect` throws does not recognize the file.
 */
export function classify(path: string, text: string, log?: FormatLog): { mod?: FormatModule; detection: Detection } {
  let weak: FormatModule | undefined;
  // One call for every module of this file, not a closure per module and file.
  let current: FormatModule = FORMATS[0]!;
  const detect = (): Detection => current.detect(path, text);
  for (const mod of FORMATS) {
    current = mod;
    const d = guarded(mod, 'detect', path, detect, UNDETECTED, log);
    if (d === 'strong') return { mod, detection: d };
    if (d === 'weak' && !weak) weak = mod;
  }
  return weak ? { mod: weak, detection: 'weak' } : { detection: false };
}

/**
 * `mod.extract(ctx)`, or, when it throws, a failed result whose one finding is a `parse-error`
 * at offset 0 naming the format ("Portolan could not read this nginx file: <message>"; a stack
 * overflow is reported as nesting too deep). The index then keeps the file's last good facts.
 */
export function extractFile(mod: FormatModule, ctx: ExtractContext, log?: FormatLog): ExtractResult {
  return guarded(mod, 'extract', ctx.path, () => mod.extract(ctx), (e) => ({
    facts: [],
    findings: [{ rule: 'parse-error', span: { start: 0, end: 0 }, message: `Portolan could not read this ${mod.id} file: ${/call stack/i.test(e.message) ? `it is nested too deeply (${e.message})` : e.message}` }],
    env: [], workloads: [], dependencies: [], failed: true,
  }), log);
}

const CANDIDATE_NAME = /(\.(conf|toml|json|ya?ml|env|service|socket|sh|bash|md|markdown|txt|rules|nginx|nginxconf|cfg|caddyfile)$)|(^caddyfile(\..+)?$)|(^\.env(\..+)?$)|(^(env|env\.example|env\.sample)$)|(^(nginx\.conf|user6?\.rules)$)|(^(dockerfile([.-].+)?|.+\.dockerfile)$)/i;
const FIREWALL_NAME = /(\.(nft|container|pod|kube|iptables)$)|(^(rules\.v[46]|ip6?tables)$)/;
const FIREWALLD_XML = /(^|\/)firewalld\/(zones|services)\/[^/]+\.xml$/;
const CANDIDATE_DIR = /(^|\/)(nginx|sites-available|sites-enabled|conf\.d|applications\.d|snippets|ufw|bin|scripts)\//;

/**
 * Whether a path is worth reading at all, by name only (hosts use this to avoid loading a
 * repository's sources). Extension-less files count inside nginx, ufw and script folders; also
 * `*.nft`, `*.iptables`, `rules.v4`/`rules.v6`, Podman quadlets (`*.container`, `*.pod`,
 * `*.kube`) and `.xml` files in `firewalld/zones/` or `firewalld/services/`.
 */
export function isCandidatePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (CANDIDATE_NAME.test(name) || FIREWALL_NAME.test(name) || FIREWALLD_XML.test(path)) return true;
  return !name.includes('.') && CANDIDATE_DIR.test(path);
}
