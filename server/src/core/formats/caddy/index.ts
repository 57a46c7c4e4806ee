/**
 * Caddy (one module, format id `caddy`): the Caddyfile (`Caddyfile`, `Caddyfile.<env>`, `*.caddyfile`; strong by name) and the
 * native JSON config (a `.json` with `apps.http`: strong when its name says caddy, else weak).
 * See `extract.ts` and `json.ts` for what becomes a fact.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule } from '../../model/facts';
import { basename } from '../../model/paths';
import { extractCaddyfile } from './extract';
import { extractCaddyJson, hasHttpApp } from './json';

export { parseCaddyfile } from './syntax';

/** True for the names Caddy's own tooling and docs give a Caddyfile. */
export function isCaddyfileName(path: string): boolean {
  const name = basename(path);
  // `Caddyfile.prod` yes; `caddyfile.go`, a source file of Caddy's own adapter, no.
  if (/^caddyfile\.(?:go|js|mjs|ts|py|rs|java|rb|c|h|md|html|txt|json|ya?ml|toml|sh)$/i.test(name)) return false;
  return /^caddyfile(\..+)?$/i.test(name) || /\.caddyfile$/i.test(name);
}

function detect(path: string, text: string): Detection {
  if (isCaddyfileName(path)) return text.trim() !== '' ? 'strong' : false;
  if (!/\.json$/i.test(path) || !hasHttpApp(text)) return false;
  return /caddy/i.test(basename(path)) ? 'strong' : 'weak';
}

function extract(ctx: ExtractContext): ExtractResult {
  return /\.json$/i.test(ctx.path) && !isCaddyfileName(ctx.path) ? extractCaddyJson(ctx) : extractCaddyfile(ctx);
}

/** The Caddy module: Caddyfiles and Caddy's JSON config. */
export const caddyFormat: FormatModule = { id: 'caddy', detect, extract };
