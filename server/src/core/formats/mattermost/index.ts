/**
 * Mattermost's config.json (read with jsonc-parser, which keeps offsets and tolerates
 * comments): `ServiceSettings.ListenAddress` (default ":8065", a `default` fact on the
 * "ServiceSettings" key when absent; `invalid-port` when it has no port) and the Calls plugin's settings
 * under `PluginSettings.Plugins["com.mattermost.calls"]`, keys compared case-insensitively
 * (Mattermost stores them lower-cased): `rtcdserviceurl`, `udpserverport`, `tcpserverport`,
 * `icehostportoverride` (a reference with role `calls-ice-host-port-override`: advertised, not bound).
 * The plugin's own RTC ports bind only when no rtcd URL is set; when one is set they are kept
 * as shadowed mentions. Environment overrides (`MM_CALLS_*`) are applied by the resolver.
 */
import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import { parseListenAddress, parseUrl } from '../../model/addresses';
import type { ExtractContext, ExtractedFact, ExtractResult, FormatModule, Location, Span } from '../../model/facts';
import { parseJson } from '../context';
import { emptyResult } from '../../model/facts';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../model/ports';
import { basename } from '../../model/paths';

/** The Calls plugin's documented defaults (plugin.json): UDP and TCP server port 8443. */
export const CALLS_DEFAULT_PORT = 8443;
/** Mattermost's default ServiceSettings.ListenAddress port (":8065"). */
export const MATTERMOST_DEFAULT_PORT = 8065;

function detect(path: string, text: string): 'strong' | 'weak' | false {
  if (!path.toLowerCase().endsWith('.json')) return false;
  if (!/"ServiceSettings"\s*:/.test(text)) return false;
  if (!/"(SqlSettings|PluginSettings|TeamSettings)"\s*:/.test(text)) return false;
  return basename(path) === 'config.json' ? 'strong' : 'weak';
}

function child(obj: JsonNode | undefined, name: string): JsonNode | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const p of obj.children ?? []) {
    const k = p.children?.[0];
    if (k && typeof k.value === 'string' && k.value.toLowerCase() === lower) return p.children?.[1];
  }
  return undefined;
}

/** Span of a JSON string's content (inside the quotes) when written without escapes. */
function stringContent(text: string, n: JsonNode): Span | undefined {
  const raw = text.slice(n.offset + 1, n.offset + n.length - 1);
  return raw === n.value ? { start: n.offset + 1, end: n.offset + n.length - 1 } : undefined;
}

/**
 * The Calls plugin's ICEHostPortOverride (plugin.json, type number): the port advertised in ICE
 * host candidates instead of the one the RTC server listens on. A reference (it is not bound
 * here), shadowed when an rtcd URL is set; `invalid-port` outside [80, 49151].
 */
/** Marks a Calls setting that does not apply because `rtcdserviceurl` is set. */
function shadowByUrl(fact: ExtractedFact): void {
  fact.shadowed = true;
  fact.shadowedBy = 'the Calls plugin hands media to rtcd (rtcdserviceurl is set)';
}

function overrideFact(override: JsonNode | undefined, hasUrl: boolean, result: ExtractResult, loc: (span: Span) => Location, instance: string): void {
  if (override && typeof override.value === 'number') {
    const span = { start: override.offset, end: override.offset + override.length };
    if (!Number.isInteger(override.value) || override.value < RTCD_MIN_PORT || override.value > RTCD_MAX_PORT) {
      result.findings.push({ rule: 'invalid-port', span, message: `the Calls plugin accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; icehostportoverride is ${override.value}` });
    } else {
      const fact: ExtractedFact = {
        kind: 'reference', ports: { start: override.value, end: override.value }, protocol: 'both', owner: 'mattermost', role: 'calls-ice-host-port-override',
        detail: 'icehostportoverride', location: loc(span), valueLocation: loc(span), derivation: { kind: 'literal' }, instance,
      };
      if (hasUrl) shadowByUrl(fact);
      result.facts.push(fact);
    }
  }
}

function extract(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const { root, findings } = parseJson(ctx.text);
  if (findings.length > 0) {
    result.findings.push(...findings);
    result.failed = true;
    return result;
  }
  if (!root) return result;
  const instance = `mattermost:${ctx.path}`;
  const loc = (span: Span): Location => ({ file: ctx.path, span });

  const service = child(root, 'ServiceSettings');
  const listen = findNodeAtLocation(root, ['ServiceSettings', 'ListenAddress']);
  const httpFact = (port: number, span: Span, derivation: ExtractedFact['derivation']): ExtractedFact => ({
    kind: 'bind', ports: { start: port, end: port }, protocol: 'tcp', owner: 'mattermost', role: 'mattermost-http',
    detail: 'ServiceSettings.ListenAddress', location: loc(span), valueLocation: loc(span), derivation, instance,
  });
  if (listen && typeof listen.value === 'string') {
    const content = stringContent(ctx.text, listen);
    const la = parseListenAddress(listen.value);
    if (la?.port) {
      // Written with escapes: the digits have no exact source position, so the whole string is the mention.
      const span = content ? { start: content.start + la.port.start, end: content.start + la.port.end } : { start: listen.offset, end: listen.offset + listen.length };
      const fact = httpFact(la.port.port, span, { kind: 'literal' });
      if (la.host) fact.address = la.host;
      result.facts.push(fact);
    } else {
      result.findings.push({ rule: 'invalid-port', span: { start: listen.offset, end: listen.offset + listen.length }, message: `ServiceSettings.ListenAddress "${listen.value}" has no port; Mattermost expects an address like ":8065"` });
    }
  } else if (!listen && service?.type === 'object' && service.parent?.children?.[0]) {
    // Absent: Mattermost listens on its default ":8065". The mention is the "ServiceSettings" key.
    const key = service.parent.children[0];
    result.facts.push(httpFact(MATTERMOST_DEFAULT_PORT, { start: key.offset, end: key.offset + key.length }, { kind: 'default', note: 'Mattermost\'s default ServiceSettings.ListenAddress ":8065"' }));
  }

  const plugins = findNodeAtLocation(root, ['PluginSettings', 'Plugins']);
  const calls = child(plugins, 'com.mattermost.calls');
  if (!calls || calls.type !== 'object') return result;
  const keySpan = (name: string): Span | undefined => {
    for (const p of calls.children ?? []) {
      const k = p.children?.[0];
      if (k && typeof k.value === 'string' && k.value.toLowerCase() === name) return { start: k.offset, end: k.offset + k.length };
    }
    return undefined;
  };

  const urlNode = child(calls, 'rtcdserviceurl');
  const url = urlNode && typeof urlNode.value === 'string' ? urlNode.value.trim() : '';
  if (urlNode && url !== '') {
    const content = stringContent(ctx.text, urlNode);
    const u = parseUrl(url);
    if (!u || !content) {
      result.findings.push({ rule: 'invalid-port', span: { start: urlNode.offset, end: urlNode.offset + urlNode.length }, message: `Calls rtcdserviceurl "${url}" is not a URL like "http://rtcd:8045"` });
    } else {
      const lead = urlNode.value.indexOf(url);
      const port = u.port?.port ?? u.defaultPort;
      if (port !== undefined) {
        const span = u.port
          ? { start: content.start + lead + u.port.start, end: content.start + lead + u.port.end }
          : { start: content.start + lead + u.hostStart, end: content.start + lead + u.hostEnd };
        result.facts.push({
          kind: 'reference', ports: { start: port, end: port }, protocol: 'tcp', address: u.host, owner: 'mattermost', role: 'calls-rtcd-url',
          detail: 'rtcdserviceurl', scheme: u.scheme, location: loc(span), valueLocation: loc(span), instance,
          derivation: u.port ? { kind: 'literal' } : { kind: 'default', note: `${u.scheme} default port` },
        });
      }
    }
  }
  for (const [key, role, protocol] of [['udpserverport', 'calls-udp', 'udp'], ['tcpserverport', 'calls-tcp', 'tcp']] as const) {
    const n = child(calls, key);
    let fact: ExtractedFact;
    if (n && typeof n.value === 'number') {
      const span = { start: n.offset, end: n.offset + n.length };
      if (!Number.isInteger(n.value) || n.value < RTCD_MIN_PORT || n.value > RTCD_MAX_PORT) {
        result.findings.push({ rule: 'invalid-port', span, message: `the Calls plugin accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; ${key} is ${n.value}` });
        continue;
      }
      fact = { kind: 'bind', ports: { start: n.value, end: n.value }, protocol, owner: 'mattermost', role, detail: key, location: loc(span), valueLocation: loc(span), derivation: { kind: 'literal' }, instance };
    } else {
      const span = keySpan('rtcdserviceurl') ?? { start: calls.offset, end: calls.offset + 1 };
      fact = { kind: 'bind', ports: { start: CALLS_DEFAULT_PORT, end: CALLS_DEFAULT_PORT }, protocol, owner: 'mattermost', role, detail: key, location: loc(span), valueLocation: loc(span), derivation: { kind: 'default', note: `Calls plugin default for ${key}` }, instance };
    }
    if (url !== '') shadowByUrl(fact);
    result.facts.push(fact);
  }
  overrideFact(child(calls, 'icehostportoverride'), url !== '', result, loc, instance);
  return result;
}

/** Mattermost config.json module (ServiceSettings + Calls plugin settings). */
export const mattermostFormat: FormatModule = { id: 'mattermost-json', detect, extract };
