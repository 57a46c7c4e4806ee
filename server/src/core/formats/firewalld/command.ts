/**
 * `firewall-cmd` commands (firewall-cmd(1)) as written in scripts and documentation:
 * `firewall-cmd --permanent --zone=public --add-port=8443/udp`, `--add-port=10000-20000/udp`,
 * `--add-service=https`, `--add-rich-rule='rule source address="10.0.0.0/8" port port="5432"
 * protocol="tcp" accept'` (./rich.ts). The caller splits the shell words; this reads one
 * command. Pure and total: never throws.
 */
import type { ExtractedFact, FileFinding, Protocol, ShellWord } from '../../model/facts';
import { hasTemplateMarker } from '../../model/templates';
import { wordSpan } from '../context';
import { portToken, ruleFact, type RuleOf } from '../firewall';
import { readRichRule } from './rich';
import { firewalldProtocol, type ServiceLookup } from './services';

/** True when `words` (already through `commandWords`) start a `firewall-cmd` command. */
export function isFirewallCmd(words: ShellWord[]): boolean {
  const v = words[0]?.value;
  return v === 'firewall-cmd' || (v !== undefined && v.endsWith('/firewall-cmd'));
}

/** An option's value: the text after `=` in the same word, or the next word. */
interface OptionValue {
  word: ShellWord;
  /** Index of the value's first character in `word.value`. */
  from: number;
}

interface Options {
  ports: OptionValue[];
  services: OptionValue[];
  richRules: OptionValue[];
  zone?: string;
  editsService: boolean;
}

/** `--add-port`, `--add-service` and `--add-rich-rule` values of the command, and whether it edits a service definition. */
function options(words: ShellWord[]): Options {
  const out: Options = { ports: [], services: [], richRules: [], editsService: false };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const m = /^(--[a-z-]+)(=?)/.exec(w.value);
    if (!m) continue;
    const name = m[1]!;
    const value = (): OptionValue | undefined => (m[2] === '=' ? { word: w, from: m[0].length } : words[i + 1] ? { word: words[++i]!, from: 0 } : undefined);
    if (name === '--add-port') {
      const v = value();
      if (v) out.ports.push(v);
    } else if (name === '--add-service') {
      const v = value();
      if (v) out.services.push(v);
    } else if (name === '--add-rich-rule') {
      const v = value();
      if (v) out.richRules.push(v);
    } else if (name === '--zone' && m[2] === '=') out.zone = w.value.slice(m[0].length);
    else if (name === '--service' || name === '--new-service' || name === '--policy') out.editsService = true;
  }
  return out;
}

/**
 * Facts for one firewall-cmd command: each `--add-port=PORT[-PORT]/PROTO` gives a `firewall`
 * allow fact on the digits, each `--add-service=NAME` one per port of the service (resolved
 * through `services`; unknown names give nothing) on the name with a `default` derivation.
 * Each `--add-rich-rule` with a `port` or `service` element and an `accept`, `drop` or `reject`
 * action gives the same facts with that action and its `source address` (a negated source
 * counts as any).
 * `--service=`/`--new-service`/`--policy` commands edit definitions, not zones: no facts. A port
 * out of 1-65535, a reversed range or a missing or unknown protocol gives an `invalid-port`
 * finding (firewall-cmd rejects it). Values holding a shell variable or template give nothing.
 */
export function firewallCmdFacts(words: ShellWord[], file: string, services: ServiceLookup): { facts: ExtractedFact[]; findings: FileFinding[] } {
  const facts: ExtractedFact[] = [];
  const findings: FileFinding[] = [];
  const o = options(words);
  if (o.editsService) return { facts, findings };
  const detail = (what: string) => `firewall-cmd ${what}${o.zone !== undefined ? ` --zone=${o.zone}` : ''}`;
  const at = (word: ShellWord) => (i: number) => (i < word.offsets.length ? word.offsets[i]! : word.span.end);
  const portFacts = (word: ShellWord, from: number, to: number, protocol: Protocol, rule: RuleOf) => {
    const tok = portToken(word.value, at(word), from, to, '-', 'firewall-cmd');
    if (!tok) {
      findings.push({ rule: 'invalid-port', span: wordSpan(word, from, to), message: `firewall-cmd: "${word.value.slice(from, to)}" is not a port or a range PORT-PORT (firewall-cmd(1))` });
      return;
    }
    findings.push(...tok.findings);
    if (tok.ports) facts.push(ruleFact(rule, tok.ports, protocol, { file, span: tok.span }));
  };
  const serviceFacts = (word: ShellWord, from: number, to: number, rule: RuleOf) => {
    const name = word.value.slice(from, to);
    const def = services(name);
    for (const p of def?.ports ?? []) {
      const note = `firewalld service ${name} = ${p.ports.start === p.ports.end ? p.ports.start : `${p.ports.start}-${p.ports.end}`}/${p.protocol} (${def!.file ?? "firewalld's default service"})`;
      facts.push(ruleFact(rule, p.ports, p.protocol, { file, span: wordSpan(word, from, to) }, { kind: 'default', note }, p.location));
    }
  };
  for (const { word, from } of o.ports) {
    const v = word.value;
    if (hasTemplateMarker(v)) continue;
    const slash = v.indexOf('/', from);
    const protocol = slash < 0 ? undefined : firewalldProtocol(v.slice(slash + 1));
    if (protocol === undefined) {
      findings.push({ rule: 'invalid-port', span: wordSpan(word, from), message: `firewall-cmd: "${v.slice(from)}" needs a protocol: PORT[-PORT]/tcp, /udp or /sctp (firewall-cmd(1))` });
      continue;
    }
    portFacts(word, from, slash, protocol, { firewall: 'firewalld', action: 'allow', detail: detail('--add-port') });
  }
  for (const { word, from } of o.services) serviceFacts(word, from, word.value.length, { firewall: 'firewalld', action: 'allow', detail: detail('--add-service') });
  for (const { word, from } of o.richRules) {
    if (hasTemplateMarker(word.value)) continue;
    const r = readRichRule(word.value, from);
    if (!r.action || !r.element) continue;
    const rule: RuleOf = { firewall: 'firewalld', action: r.action, detail: detail('--add-rich-rule') };
    if (r.from !== undefined) rule.from = r.from;
    if (r.element.kind === 'service') serviceFacts(word, r.element.name.from, r.element.name.to, rule);
    else {
      const protocol = firewalldProtocol(r.element.protocol ?? '');
      if (protocol === undefined) findings.push({ rule: 'invalid-port', span: wordSpan(word, r.element.port.from, r.element.port.to), message: `firewall-cmd: rich rule port ${r.element.port.value} needs protocol="tcp", "udp" or "sctp" (firewalld.richlanguage(5))` });
      else portFacts(word, r.element.port.from, r.element.port.to, protocol, rule);
    }
  }
  return { facts, findings };
}
