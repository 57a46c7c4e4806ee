/**
 * ufw rule commands (ufw(8)) as they appear in shell scripts and documentation:
 * `ufw allow 8443/udp`, `ufw allow from 10.0.0.0/8 to any port 5432 proto tcp`,
 * `ufw allow 'Nginx Full'`. The caller splits the shell words; this reads one command.
 * Pure and total: never throws.
 */
import type { ExtractedFact, FileFinding, FirewallAction, Protocol, ShellWord } from '../../model/facts';
import { hasTemplateMarker } from '../../model/templates';
import { wordSpan } from '../context';
import { builtinApp, type AppLookup, type AppPorts } from './applications';
import { KNOWN_PROTOCOLS, parsePortList, portProtocol, spanOf, type OffsetOf } from './ports';
import { ACTIONS, firewallFact, type RuleShape } from './rule';

/** True when `words` (already through `commandWords`) start a ufw command. */
export function isUfwCommand(words: ShellWord[]): boolean {
  const v = words[0]?.value;
  return v === 'ufw' || (v !== undefined && v.endsWith('/ufw'));
}

/** Result of {@link ufwCommandFacts}. */
export interface UfwCommandResult {
  facts: ExtractedFact[];
  findings: FileFinding[];
}

/**
 * Small excerpt of /etc/services (Debian netbase) for names people use with ufw. A name
 * listed for both tcp and udp gives `both`, as ufw does.
 */
const SERVICES: Readonly<Record<string, { port: number; protocol: Protocol }>> = {
  ftp: { port: 21, protocol: 'tcp' },
  ssh: { port: 22, protocol: 'tcp' },
  telnet: { port: 23, protocol: 'tcp' },
  smtp: { port: 25, protocol: 'tcp' },
  domain: { port: 53, protocol: 'both' },
  http: { port: 80, protocol: 'tcp' },
  www: { port: 80, protocol: 'tcp' },
  pop3: { port: 110, protocol: 'tcp' },
  ntp: { port: 123, protocol: 'udp' },
  imap: { port: 143, protocol: 'tcp' },
  imap2: { port: 143, protocol: 'tcp' },
  snmp: { port: 161, protocol: 'both' },
  ldap: { port: 389, protocol: 'tcp' },
  https: { port: 443, protocol: 'tcp' },
  submissions: { port: 465, protocol: 'tcp' },
  smtps: { port: 465, protocol: 'tcp' },
  submission: { port: 587, protocol: 'tcp' },
  ldaps: { port: 636, protocol: 'tcp' },
  imaps: { port: 993, protocol: 'tcp' },
  pop3s: { port: 995, protocol: 'tcp' },
  openvpn: { port: 1194, protocol: 'both' },
  mysql: { port: 3306, protocol: 'tcp' },
  postgresql: { port: 5432, protocol: 'tcp' },
  'http-alt': { port: 8080, protocol: 'tcp' },
};

/** Source offset of character `i` of a word's value; the word's end for `i` past the value. */
function wordAt(word: ShellWord): OffsetOf {
  return (i) => (i < word.offsets.length ? word.offsets[i]! : word.span.end);
}

/**
 * Facts for one ufw command. `words[0]` is `ufw` (or a path ending in `/ufw`); the caller has
 * removed `sudo` and the like. Grammar (ufw(8)):
 *
 *     ufw [--dry-run] [--force] [route] [insert NUM | prepend] ACTION [in|out] [log|log-all] SPEC [comment TEXT]
 *     ufw ... ACTION [in|out [on IFACE]] [proto PROTO] [from ADDR [port P | app NAME]]
 *                    [to ADDR [port P | app NAME]] [comment TEXT]
 *
 * with ACTION allow|deny|reject|limit and SPEC `PORT[/PROTO]`, `A:B/PROTO`, `A,B/PROTO`, a
 * service name from /etc/services (`ssh`, built-in table) or an application profile name
 * (resolved through `apps`, then a built-in table of common profiles). Each destination port
 * or range becomes one `firewall` fact whose span covers its digits (or the service/profile
 * name, with a `default` derivation). `file` is the path of the document the words come from.
 *
 * `ufw delete ...`, `--dry-run` commands and non-rule commands (`enable`, `status`,
 * `default`, `logging`, `reload`, ...) give no facts; rules without a destination port (only
 * addresses) give none either. Invalid ports (outside 1-65535, reversed ranges, a range or
 * list without /tcp or /udp, an unknown protocol) give `invalid-port` findings and no facts
 * for that command, as ufw rejects it. A port or protocol that holds a shell variable or another
 * template marker (`"${PORT}"/"${PROTO}"`, `proto $PROTO`) is unknown: no finding and no fact for
 * it. Never throws.
 */
export function ufwCommandFacts(words: ShellWord[], file: string, apps?: AppLookup): UfwCommandResult {
  const none: UfwCommandResult = { facts: [], findings: [] };
  if (!isUfwCommand(words)) return none;
  let i = 1;
  let dryRun = false;
  while (words[i]?.value.startsWith('--')) {
    if (words[i]!.value === '--dry-run') dryRun = true;
    i++;
  }
  let route = false;
  if (words[i]?.value === 'route') {
    route = true;
    i++;
  }
  const verb = words[i]?.value;
  if (verb === 'delete') return none;
  if (verb === 'insert') i += 2;
  else if (verb === 'prepend') i++;
  const action = words[i]?.value;
  if (action === undefined || !ACTIONS.includes(action)) return none;
  i++;
  const rule: RuleShape = { action: action as FirewallAction, route, direction: 'in' };
  let sawDirection = false;
  const dir = words[i]?.value;
  if (dir === 'in' || dir === 'out') {
    rule.direction = dir;
    sawDirection = true;
    i++;
  }
  if (words[i]?.value === 'log' || words[i]?.value === 'log-all') i++;
  let rest = words.slice(i);
  const c = rest.findIndex((w) => w.value === 'comment');
  if (c >= 0) {
    if (rest[c + 1] !== undefined) rule.comment = rest[c + 1]!.value;
    rest = rest.slice(0, c);
  }
  const out: UfwCommandResult = { facts: [], findings: [] };
  if (rest.length === 1) {
    simpleRule(rest[0]!, rule, file, apps, out);
  } else if (rest.length > 1) {
    extendedRule(rest, rule, sawDirection, file, apps, out);
  }
  // ufw rejects the whole command when one of its ports is invalid; --dry-run changes nothing.
  if (out.findings.length > 0 || dryRun) out.facts = [];
  return out;
}

/**
 * Destination port spec from one word: `PORT[/PROTO]`, a list or range, a service name or
 * (when `allowApp`) an application profile name. `protocol` is the protocol given by a
 * separate `proto` word, if any.
 */
function portSpec(word: ShellWord, rule: RuleShape, file: string, apps: AppLookup | undefined, out: UfwCommandResult, allowApp: boolean): void {
  const v = word.value;
  const at = wordAt(word);
  if (allowApp && !v.includes('/') && !/^[\d:,]+$/.test(v)) {
    const app = (apps && apps(v)) ?? builtinApp(v);
    if (app) {
      appFacts(app, word, rule, file, out);
      return;
    }
  }
  const slash = v.lastIndexOf('/');
  const portEnd = slash < 0 ? v.length : slash;
  let protocol: Protocol | undefined = rule.protocol;
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    // "${PORT}/${PROTO}": the shell fills them in; unknown here, so no finding and no fact.
    if (hasTemplateMarker(p)) return;
    const proto = portProtocol(p);
    if (proto === undefined || p === 'any') {
      const known = KNOWN_PROTOCOLS.includes(p);
      out.findings.push({
        rule: 'invalid-port',
        span: spanOf(at, slash + 1, v.length),
        message: known
          ? `ufw: ports can only be given with /tcp or /udp, not /${p} (ufw(8))`
          : `ufw: unknown protocol "${p}" in "${v}"; use /tcp or /udp (ufw(8))`,
      });
      return;
    }
    protocol = proto;
  }
  if (hasTemplateMarker(v.slice(0, portEnd))) return;
  const list = parsePortList(v, at, 0, portEnd);
  if (!list) {
    const name = v.slice(0, portEnd);
    const svc = SERVICES[name];
    if (!svc) return; // an unknown name: a profile defined only on the server, or not a port at all
    const proto = protocol ?? svc.protocol;
    const span = spanOf(at, 0, portEnd);
    const protoNote = svc.protocol === 'both' ? '' : `/${svc.protocol}`;
    out.facts.push(
      firewallFact(rule, { start: svc.port, end: svc.port }, proto, file, span, {
        kind: 'default',
        note: `ufw service name ${name} = ${svc.port}${protoNote} (/etc/services)`,
      }),
    );
    return;
  }
  out.findings.push(...list.findings);
  if (list.findings.length > 0) return;
  const multi = list.items.length > 1 || list.items.some((x) => x.ports.start !== x.ports.end);
  if (multi && (protocol === undefined || protocol === 'both')) {
    out.findings.push({
      rule: 'invalid-port',
      span: spanOf(at, 0, portEnd),
      message: `ufw: a port range or list ("${v.slice(0, portEnd)}") needs a protocol: add /tcp or /udp (ufw(8))`,
    });
    return;
  }
  for (const item of list.items) {
    out.facts.push(firewallFact(rule, item.ports, protocol ?? 'both', file, item.span, { kind: 'literal' }));
  }
}

function appFacts(app: AppPorts, word: ShellWord, rule: RuleShape, file: string, out: UfwCommandResult): void {
  const span = wordSpan(word);
  const note = `ufw application profile "${app.name}" = ${app.portsText}${app.location ? ` (${app.location.file})` : ' (built-in profile)'}`;
  for (const e of app.entries) {
    const protocol = rule.protocol !== undefined && rule.protocol !== 'both' ? rule.protocol : e.protocol;
    out.facts.push(firewallFact(rule, e.ports, protocol, file, span, { kind: 'default', note }, e.location));
  }
}

function extendedRule(
  rest: ShellWord[],
  rule: RuleShape,
  sawDirection: boolean,
  file: string,
  apps: AppLookup | undefined,
  out: UfwCommandResult,
): void {
  let target: 'from' | 'to' | undefined;
  let dport: ShellWord | undefined;
  let dapp: ShellWord | undefined;
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k]!.value;
    const next = rest[k + 1];
    switch (v) {
      case 'in':
      case 'out':
        // route rules: "in on eth0 out on eth1"; a direction word after the action.
        if (!sawDirection) {
          rule.direction = v;
          sawDirection = true;
        }
        break;
      case 'on':
        k++;
        break;
      case 'proto': {
        k++;
        if (!next || hasTemplateMarker(next.value)) return; // `proto $PROTO`: unknown, no facts
        const p = portProtocol(next.value);
        if (p === undefined && !KNOWN_PROTOCOLS.includes(next.value)) {
          out.findings.push({ rule: 'invalid-port', span: wordSpan(next), message: `ufw: unknown protocol "${next.value}" (ufw(8): tcp, udp, ah, esp, gre, ipv6, igmp, any)` });
          return;
        }
        rule.protoWord = next;
        rule.protocol = p ?? 'both';
        break;
      }
      case 'from':
        k++;
        target = 'from';
        if (next && next.value !== 'any') rule.from = next.value;
        break;
      case 'to':
        k++;
        target = 'to';
        if (next && next.value !== 'any') rule.to = next.value;
        break;
      case 'port':
        k++;
        if (target !== 'from' && next) dport = next;
        break;
      case 'app':
        k++;
        if (target !== 'from' && next) dapp = next;
        break;
      default:
        return; // not ufw syntax: ufw itself would refuse the command
    }
  }
  if (rule.protoWord && rule.protocol === 'both' && rule.protoWord.value !== 'any' && dport) {
    out.findings.push({ rule: 'invalid-port', span: wordSpan(rule.protoWord), message: `ufw: ports can only be given with proto tcp or udp, not ${rule.protoWord.value} (ufw(8))` });
    return;
  }
  if (dport) portSpec(dport, rule, file, apps, out, false);
  if (dapp) {
    const app = (apps && apps(dapp.value)) ?? builtinApp(dapp.value);
    if (app) appFacts(app, dapp, rule, file, out);
  }
}

function simpleRule(word: ShellWord, rule: RuleShape, file: string, apps: AppLookup | undefined, out: UfwCommandResult): void {
  portSpec(word, rule, file, apps, out, true);
}
