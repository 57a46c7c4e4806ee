/**
 * One iptables rule specification (iptables(8), iptables-extensions(8)), as an `iptables`
 * command and an iptables-save line write it: `-A INPUT -p tcp --dport 443 -j ACCEPT`,
 * `-I INPUT 3 ...`, `-m multiport --dports 80,443`, ranges `1000:2000`, `-s 10.0.0.0/8`,
 * `-A DOCKER-USER ... -m conntrack --ctorigdstport 8080 -j DROP`. Pure and total: never throws.
 */
import type { ExtractedFact, FileFinding, FirewallAction, Protocol, ShellWord } from '../../model/facts';
import { hasTemplateMarker } from '../../model/templates';
import { portToken, ruleFact, type RuleOf } from '../firewall';

const TARGETS: Readonly<Record<string, FirewallAction>> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };
const PORT_OPTIONS = new Set(['--dport', '--destination-port', '--dports', '--destination-ports', '--ports', '--ctorigdstport']);

/**
 * Options that do not narrow which packets a rule matches: the chain and table, the jump and the
 * target's own options, `-w` (xtables lock), and `-m comment --comment` (a label, no match).
 */
const NEUTRAL = new Set(['-A', '--append', '-I', '--insert', '-t', '--table', '-j', '--jump', '-w', '--wait', '-W', '--wait-interval', '--reject-with', '--comment']);

/** What the rule's options say, collected in one pass. */
interface Spec {
  chain?: string;
  /** `-P CHAIN TARGET`: the chain and the policy it sets. */
  policy?: { chain: string; target: string };
  /** True when an option narrows the packets the rule matches (`-p`, `-s`, `! -s`, `-i`, `-m state`, ports...). */
  conditional: boolean;
  table: string;
  protocol?: string;
  target?: string;
  from?: string;
  loopback: boolean;
  deletes: boolean;
  ports: { word: ShellWord; multi: boolean }[];
}

function readSpec(words: ShellWord[], table: string): Spec {
  const spec: Spec = { table, conditional: false, loopback: false, deletes: false, ports: [] };
  let negate = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.value;
    const next = words[i + 1];
    if (w === '!') { negate = true; spec.conditional = true; continue; }
    if (w.startsWith('-') && !NEUTRAL.has(w) && !((w === '-m' || w === '--match') && next?.value === 'comment')) spec.conditional = true;
    if ((w === '-P' || w === '--policy') && next && words[i + 2]) { spec.policy = { chain: next.value, target: words[i + 2]!.value }; i += 2; continue; }
    if ((w === '-A' || w === '--append' || w === '-I' || w === '--insert') && next) { spec.chain = next.value; i++; }
    else if (w === '-D' || w === '--delete' || w === '-R' || w === '--replace' || w === '-C' || w === '--check') spec.deletes = true;
    else if ((w === '-t' || w === '--table') && next) { spec.table = next.value; i++; }
    else if ((w === '-p' || w === '--protocol') && next) { if (!negate) spec.protocol = next.value; i++; }
    else if ((w === '-j' || w === '--jump') && next) { spec.target = next.value; i++; }
    else if ((w === '-s' || w === '--source') && next) { if (!negate) spec.from = next.value; i++; }
    else if ((w === '-i' || w === '--in-interface') && next) { if (next.value === 'lo' && !negate) spec.loopback = true; i++; }
    else if (PORT_OPTIONS.has(w) && next) { if (!negate) spec.ports.push({ word: next, multi: w.endsWith('s') }); i++; }
    negate = false;
  }
  return spec;
}

/**
 * Facts of one rule specification `words` (the words after `iptables`, or one iptables-save
 * line), read in table `table` ("filter" unless `-t` says otherwise). Only rules of the filter
 * table in the `INPUT` or `DOCKER-USER` chain that jump to ACCEPT (allow), DROP (deny) or REJECT
 * give facts: one per port or range of `--dport`/`--dports` (a comma list, `A:B` ranges) on its
 * digits, protocol from `-p` (tcp, udp or sctp; `both` for the conntrack original port without
 * `-p`). `DOCKER-USER` rules get `filtersPublished`. Deletions (`-D`), negated ports, loopback
 * rules (`-i lo`) and values with shell variables give nothing; ports out of 1-65535 and
 * reversed ranges give `invalid-port` findings. `tool` names the program ("iptables", "ip6tables").
 */
export function iptablesRuleFacts(words: ShellWord[], file: string, table = 'filter', tool = 'iptables'): { facts: ExtractedFact[]; findings: FileFinding[] } {
  const facts: ExtractedFact[] = [];
  const findings: FileFinding[] = [];
  const spec = readSpec(words, table);
  const action = spec.target !== undefined && Object.hasOwn(TARGETS, spec.target) ? TARGETS[spec.target] : undefined;
  const dockerUser = spec.chain === 'DOCKER-USER';
  if (spec.deletes || spec.loopback || !action || spec.table !== 'filter' || (spec.chain !== 'INPUT' && !dockerUser)) return { facts, findings };
  const p = spec.protocol;
  const protocol: Protocol | undefined = p === 'tcp' || p === 'udp' || p === 'sctp' ? p : p === undefined ? 'both' : undefined;
  if (!protocol) return { facts, findings };
  const rule: RuleOf = { firewall: 'iptables', action, detail: `${tool} -A ${spec.chain}` };
  if (spec.from !== undefined) rule.from = spec.from;
  if (dockerUser) rule.filtersPublished = true;
  for (const { word, multi } of spec.ports) {
    const v = word.value;
    if (hasTemplateMarker(v)) continue;
    const at = (i: number) => (i < word.offsets.length ? word.offsets[i]! : word.span.end);
    let pos = 0;
    for (const part of multi ? v.split(',') : [v]) {
      const tok = portToken(v, at, pos, pos + part.length, ':', tool);
      pos += part.length + 1;
      if (!tok) continue;
      findings.push(...tok.findings);
      if (tok.ports) facts.push(ruleFact(rule, tok.ports, protocol, { file, span: tok.span }));
    }
  }
  return { facts, findings };
}

/**
 * True when one rule specification `words` (as for {@link iptablesRuleFacts}, in table `table`)
 * makes the filter table's INPUT chain drop what its rules do not accept: `-P INPUT DROP`, or an
 * unconditional `-A INPUT -j DROP` / `-j REJECT` (only neutral options beside it: a
 * `--reject-with`, a `-m comment`). A rule with any match is not such a catch-all: `! -s
 * 10.0.0.0/8 -j DROP` accepts everything from that net, `-m conntrack --ctstate INVALID -j DROP`
 * drops only broken packets, `-p tcp -j DROP` leaves UDP open. Deletions (`-D`) count as nothing.
 */
export function iptablesDropsUnaccepted(words: ShellWord[], table = 'filter'): boolean {
  const spec = readSpec(words, table);
  if (spec.table !== 'filter' || spec.deletes) return false;
  if (spec.policy) return spec.policy.chain === 'INPUT' && spec.policy.target === 'DROP';
  return spec.chain === 'INPUT' && !spec.conditional && (spec.target === 'DROP' || spec.target === 'REJECT');
}
