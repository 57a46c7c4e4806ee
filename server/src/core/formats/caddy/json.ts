/**
 * Port facts of Caddy's native JSON config (caddyserver.com/docs/json/), read with jsonc-parser
 * (offsets kept): `apps.http.servers.<name>.listen[]` network addresses are TCP binds (instance
 * "caddy"), `admin.listen` binds the admin API (role `admin-api`; `admin.disabled: true` binds
 * nothing), and every `upstreams[].dial` below `apps.http` is a reference. A string written with
 * escapes has no exact digits and is skipped.
 */
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { ExtractContext, ExtractedFact, ExtractResult, Span } from '../../model/facts';
import { jsonTooDeep, parseJson } from '../context';
import { emptyResult } from '../../model/facts';
import { formatRange, isValidRange } from '../../model/ports';
import { parseNetworkAddress } from './address';
import { CADDY_INSTANCE } from './extract';

/** Span of a JSON string's content when written without escapes. */
function content(text: string, n: JsonNode): Span | undefined {
  if (n.type !== 'string') return undefined;
  const span = { start: n.offset + 1, end: n.offset + n.length - 1 };
  return text.slice(span.start, span.end) === n.value ? span : undefined;
}

/** True for a JSON text that is a Caddy config with an HTTP app (`apps.http`). */
export function hasHttpApp(text: string): boolean {
  if (!/"apps"\s*:/.test(text) || !/"http"\s*:/.test(text)) return false;
  // Too deep to parse: taken as Caddy's, so that extraction reports the nesting (a weak detection stays silent).
  if (jsonTooDeep(text)) return true;
  const root = parseTree(text, [], { allowTrailingComma: true });
  return root !== undefined && findNodeAtLocation(root, ['apps', 'http'])?.type === 'object';
}

function addressFact(ctx: ExtractContext, result: ExtractResult, n: JsonNode, base: Omit<ExtractedFact, 'ports' | 'location' | 'valueLocation' | 'derivation'>, ref: boolean): void {
  const span = content(ctx.text, n);
  const a = typeof n.value === 'string' ? parseNetworkAddress(n.value) : undefined;
  if (!span || !a?.port || a.unknownPort || (ref && a.unknownHost)) return;
  const digits = { start: span.start + a.port.start, end: span.start + a.port.end };
  if (!isValidRange(a.port.range)) {
    result.findings.push({ rule: 'invalid-port', span: digits, message: `${base.detail} port ${formatRange(a.port.range)} is not a port (1-65535)` });
    return;
  }
  const loc = { file: ctx.path, span: digits };
  const fact: ExtractedFact = { ...base, ports: a.port.range, protocol: a.network?.startsWith('udp') ? 'udp' : 'tcp', location: loc, valueLocation: loc, derivation: { kind: 'literal' } };
  if (a.unknownHost) fact.addressUnknown = true;
  else if (a.host) fact.address = a.host;
  else if (ref) fact.address = 'localhost';
  result.facts.push(fact);
}

/** Every `upstreams[].dial` string below `node`, depth first. */
function dials(node: JsonNode, out: JsonNode[]): void {
  const stack: JsonNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'property' && n.children?.[0]?.value === 'upstreams' && n.children[1]?.type === 'array') {
      for (const u of n.children[1].children ?? []) {
        const dial = u.type === 'object' ? findNodeAtLocation(u, ['dial']) : undefined;
        if (dial) out.push(dial);
      }
    }
    for (const c of [...(n.children ?? [])].reverse()) stack.push(c);
  }
}

/** Facts and findings of a Caddy JSON config (see the module comment). */
export function extractCaddyJson(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const { root, findings } = parseJson(ctx.text);
  if (findings.length > 0 || !root) {
    result.findings.push(...findings);
    result.failed = findings.length > 0;
    return result;
  }
  const admin = findNodeAtLocation(root, ['admin', 'listen']);
  if (admin && findNodeAtLocation(root, ['admin', 'disabled'])?.value !== true) {
    addressFact(ctx, result, admin, { kind: 'bind', protocol: 'tcp', owner: 'caddy', role: 'admin-api', detail: 'admin.listen', instance: CADDY_INSTANCE }, false);
  }
  const http = findNodeAtLocation(root, ['apps', 'http']);
  const servers = http ? findNodeAtLocation(http, ['servers']) : undefined;
  for (const prop of servers?.type === 'object' ? servers.children ?? [] : []) {
    const name = String(prop.children?.[0]?.value ?? 'caddy');
    const listen = prop.children?.[1] ? findNodeAtLocation(prop.children[1], ['listen']) : undefined;
    for (const l of listen?.type === 'array' ? listen.children ?? [] : []) {
      addressFact(ctx, result, l, { kind: 'bind', protocol: 'tcp', owner: name, detail: 'listen', instance: CADDY_INSTANCE, block: `server@${prop.offset}` }, false);
    }
    const found: JsonNode[] = [];
    if (prop.children?.[1]) dials(prop.children[1], found);
    for (const d of found) addressFact(ctx, result, d, { kind: 'reference', protocol: 'tcp', owner: name, detail: 'dial', block: `server@${prop.offset}` }, true);
  }
  return result;
}
