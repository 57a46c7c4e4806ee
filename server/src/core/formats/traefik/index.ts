/**
 * Traefik's static configuration file: `traefik.yml`, `traefik.yaml`, `traefik.toml` with an
 * `entryPoints` key are recognized strongly; other YAML/TOML files whose top level has
 * `entryPoints` and one of `providers`, `api`, `certificatesResolvers` weakly. See `static.ts`;
 * labels and CLI flags of compose services are read by `compose.ts`. A YAML file without
 * `entryPoints` whose top level has `http:`/`tcp:`/`udp:` and which names a `loadBalancer` is a
 * dynamic configuration, recognized weakly and read by `dynamic.ts`.
 */
import type { Detection, ExtractContext, ExtractResult, FormatModule } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { basename } from '../../model/paths';
import { parseComposeYaml } from '../compose/syntax';
import { listToml } from '../toml/syntax';
import { dynamicFacts, isDynamicYaml } from './dynamic';
import { setting, staticFacts, yamlSettings, type TraefikSetting } from './static';

export { traefikServiceFacts } from './compose';

/** The instance of a Traefik described by a static configuration file. */
const instanceOf = (path: string) => `traefik:${path}`;

const ENTRY_POINTS = /^\[?entrypoints\b|^entrypoints\s*[:=.]/im;

function detect(path: string, text: string): Detection {
  const name = basename(path).toLowerCase();
  if (!/\.(ya?ml|toml)$/.test(name)) return false;
  if (!ENTRY_POINTS.test(text)) return /\.ya?ml$/.test(name) && isDynamicYaml(text) ? 'weak' : false;
  if (/^traefik\.(ya?ml|toml)$/.test(name)) return 'strong';
  return /^\[?(providers|api|certificatesresolvers)\b/im.test(text) ? 'weak' : false;
}

/** Settings of a TOML static configuration; string values map to their digits when written without escapes. */
function tomlSettings(file: string, text: string, result: ExtractResult): TraefikSetting[] | undefined {
  const listing = listToml(text);
  if (!listing.ok) {
    const at = Math.min(Math.max(listing.offset, 0), text.length);
    result.findings.push({ rule: 'parse-error', span: { start: at, end: Math.min(text.length, at + 1) }, message: listing.tooDeep ? listing.message : `TOML syntax error: ${listing.message}` });
    result.failed = true;
    return undefined;
  }
  return listing.entries.filter((e) => e.value !== undefined).map((e) => {
    const value = String(e.value);
    const exact = e.contentSpan ?? (typeof e.value === 'string' ? undefined : e.valueSpan);
    const offsets = exact && exact.end - exact.start === value.length ? Array.from(value, (_, i) => exact.start + i) : undefined;
    return setting(file, e.path.map((p) => String(p).toLowerCase()), value, e.valueSpan, offsets);
  });
}

function extract(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  let settings: TraefikSetting[] | undefined;
  if (/\.toml$/i.test(ctx.path)) {
    settings = tomlSettings(ctx.path, ctx.text, result);
  } else {
    const { value: doc, errors } = parseComposeYaml(ctx.text);
    if (!doc) {
      result.findings.push(...errors);
      result.failed = true;
      return result;
    }
    if (!ENTRY_POINTS.test(ctx.text)) {
      const dynamic = dynamicFacts(ctx.path, ctx.text, doc);
      result.facts.push(...dynamic.facts);
      result.findings.push(...dynamic.findings);
      return result;
    }
    settings = yamlSettings(ctx.path, ctx.text, doc);
  }
  if (!settings) return result;
  const { facts, findings } = staticFacts(settings, { file: ctx.path, owner: 'traefik', instance: instanceOf(ctx.path) });
  result.facts.push(...facts);
  result.findings.push(...findings);
  return result;
}

/** The Traefik static configuration module. */
export const traefikFormat: FormatModule = { id: 'traefik', detect, extract };
