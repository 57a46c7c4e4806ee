/**
 * firewalld zone files (firewalld.zone(5), `/etc/firewalld/zones/NAME.xml`): each `<port>` and
 * `<service>` directly under `<zone>` is an allow rule from anywhere; a `<rule>` (rich rule,
 * firewalld.richlanguage(5)) with a `<port>` or `<service>` allows (`<accept/>`), denies
 * (`<drop/>`) or rejects (`<reject/>`) it, from its `<source address>` when given. Pure.
 */
import type { ExtractContext, ExtractResult, FirewallAction } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { portToken, ruleFact, type RuleOf } from '../firewall';
import { firewalldProtocol, servicePorts, workspaceServiceLookup, type ServiceLookup } from './services';
import { readXml, type XmlElement } from './xml';

/** The action and source of a rich rule, from its child elements. */
function richRule(children: readonly XmlElement[]): { action?: FirewallAction; from?: string } {
  const out: { action?: FirewallAction; from?: string } = {};
  for (const el of children) {
    if (el.name === 'accept') out.action = 'allow';
    else if (el.name === 'drop') out.action = 'deny';
    else if (el.name === 'reject') out.action = 'reject';
    else if (el.name === 'source') {
      const a = el.attributes.get('address')?.value;
      if (a !== undefined && el.attributes.get('invert')?.value !== 'true' && el.attributes.get('invert')?.value !== 'yes') out.from = a;
    }
  }
  return out;
}

/** The rule an element of the zone stands for, or `undefined` when it opens nothing. */
function ruleOfElement(elements: XmlElement[], children: ReadonlyMap<number, XmlElement[]>, el: XmlElement, zone: string): RuleOf | undefined {
  const kind = el.name === 'port' ? 'port' : 'service';
  if (el.parent === 0) return { firewall: 'firewalld', action: 'allow', detail: `firewalld zone ${zone} ${kind}` };
  const parent = elements[el.parent];
  if (parent?.name !== 'rule' || parent.parent !== 0) return undefined;
  const r = richRule(children.get(el.parent) ?? []);
  if (!r.action) return undefined;
  const rule: RuleOf = { firewall: 'firewalld', action: r.action, detail: `firewalld zone ${zone} rule ${kind}` };
  if (r.from !== undefined) rule.from = r.from;
  return rule;
}

/** Facts of one `<port>` or `<service>` element into `result`. */
function elementFacts(el: XmlElement, rule: RuleOf, file: string, services: ServiceLookup, result: ExtractResult): void {
  if (el.name === 'port') {
    const port = el.attributes.get('port');
    const protocol = firewalldProtocol(el.attributes.get('protocol')?.value ?? '');
    if (!port || !protocol) return;
    const tok = portToken(port.value, (i) => port.span.start + i, 0, port.value.length, '-', 'firewalld');
    if (!tok) {
      // Only a plain word is firewalld's to reject; anything else is a placeholder of some
      // template tool ("!!dns.altport!!") that fills the port in before firewalld reads it.
      if (!/^[A-Za-z0-9-]+$/.test(port.value)) return;
      result.findings.push({ rule: 'invalid-port', span: port.span, message: `firewalld: "${port.value}" is not a port or a range PORT-PORT (firewalld.zone(5))` });
      return;
    }
    result.findings.push(...tok.findings);
    if (tok.ports) result.facts.push(ruleFact(rule, tok.ports, protocol, { file, span: tok.span }));
    return;
  }
  const name = el.attributes.get('name');
  const def = name ? services(name.value) : undefined;
  if (!name || !def) return;
  for (const p of def.ports) {
    const note = `firewalld service ${def.name} = ${p.ports.start === p.ports.end ? p.ports.start : `${p.ports.start}-${p.ports.end}`}/${p.protocol} (${def.file ?? "firewalld's default service"})`;
    result.facts.push(ruleFact(rule, p.ports, p.protocol, { file, span: name.span }, { kind: 'default', note }, p.location));
  }
}

/**
 * Extracts a firewalld zone or service file. A zone gives one `firewall` fact per port, range
 * or service port (a service's facts sit on its name, `default` derivation, with the value
 * location in the service definition when it is in the workspace). A service definition gives
 * no facts (it opens nothing by itself) but `invalid-port` findings for bad ports. Not
 * well-formed XML gives a `parse-error` and `failed`.
 */
export function extractFirewalld(ctx: ExtractContext): ExtractResult {
  const result = emptyResult();
  const { value: elements, errors } = readXml(ctx.text);
  result.findings.push(...errors);
  if (errors.length > 0) result.failed = true;
  const root = elements[0];
  if (root?.name === 'service') {
    result.findings.push(...servicePorts(ctx.text, ctx.path).findings);
    return result;
  }
  if (root?.name !== 'zone') return result;
  const zone = (/([^/]+)\.xml$/.exec(ctx.path)?.[1]) ?? 'zone';
  const services = workspaceServiceLookup(ctx, result.dependencies);
  const children = new Map<number, XmlElement[]>();
  for (const el of elements) {
    const list = children.get(el.parent);
    if (list) list.push(el);
    else children.set(el.parent, [el]);
  }
  for (const el of elements) {
    if (el.name !== 'port' && el.name !== 'service') continue;
    const rule = ruleOfElement(elements, children, el, zone);
    if (rule) elementFacts(el, rule, ctx.path, services, result);
  }
  return result;
}
