import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandWords } from '../../server/src/core/formats/shell/normalize';
import { splitCommands } from '../../server/src/core/formats/shell/words';
import {
  parseAppProfiles,
  ufwAppFormat,
  ufwCommandFacts,
  ufwRulesFormat,
  type AppLookup,
  type UfwCommandResult,
} from '../../server/src/core/formats/ufw';
import type { ExtractedFact } from '../../server/src/core/model/facts';
import { extractIn, ROOT, slice } from '../helpers';

const F = '/ws/scripts/firewall.sh';

function fixture(rel: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'fixtures', rel), 'utf8');
}

function run(text: string, apps?: AppLookup): UfwCommandResult {
  const cmds = splitCommands(text);
  assert.equal(cmds.length, 1, `one command expected in ${text}`);
  return ufwCommandFacts(commandWords(cmds[0]!), F, apps);
}

/** "action direction ports/protocol address from comment | span" for compact assertions. */
function show(text: string, f: ExtractedFact): string {
  const p = f.ports.start === f.ports.end ? `${f.ports.start}` : `${f.ports.start}-${f.ports.end}`;
  const fw = f.firewall!;
  return `${f.detail} ${fw.direction} ${p}/${f.protocol} to=${f.address ?? 'any'} from=${fw.from ?? 'any'}${fw.comment !== undefined ? ` "${fw.comment}"` : ''} | ${slice(text, f.location.span)}`;
}

function facts(text: string, apps?: AppLookup): string[] {
  const r = run(text, apps);
  assert.deepEqual(r.findings, [], `no findings expected for ${text}`);
  return r.facts.map((f) => show(text, f));
}

function findings(text: string): string[] {
  const r = run(text);
  assert.deepEqual(r.facts, [], `no facts expected for ${text}`);
  return r.findings.map((x) => `${x.rule} ${slice(text, x.span)}`);
}

describe('ufw', () => {
  describe('ufwCommandFacts, simple syntax', () => {
    it('extracts PORT/PROTO with the span on the digits and the model fields', () => {
      const t = 'sudo ufw allow 8443/tcp';
      const r = run(t);
      assert.equal(r.facts.length, 1);
      const f = r.facts[0]!;
      assert.equal(slice(t, f.location.span), '8443');
      assert.deepEqual(f.ports, { start: 8443, end: 8443 });
      assert.equal(f.kind, 'firewall');
      assert.equal(f.protocol, 'tcp');
      assert.equal(f.owner, 'ufw');
      assert.equal(f.instance, undefined);
      assert.equal(f.address, undefined);
      assert.equal(f.detail, 'ufw allow');
      assert.equal(f.location.file, F);
      assert.deepEqual(f.valueLocation, f.location);
      assert.deepEqual(f.derivation, { kind: 'literal' });
      assert.deepEqual(f.firewall, { firewall: 'ufw', action: 'allow', direction: 'in' });
    });

    it('uses both protocols when none is given', () => {
      assert.deepEqual(facts('ufw allow 8046'), ['ufw allow in 8046/both to=any from=any | 8046']);
    });

    it('reads ranges and comma lists, each list item with its own span', () => {
      assert.deepEqual(facts('ufw allow 10000:20000/udp'), ['ufw allow in 10000-20000/udp to=any from=any | 10000:20000']);
      assert.deepEqual(facts('ufw allow 80,443,8000:8010/tcp'), [
        'ufw allow in 80/tcp to=any from=any | 80',
        'ufw allow in 443/tcp to=any from=any | 443',
        'ufw allow in 8000-8010/tcp to=any from=any | 8000:8010',
      ]);
    });

    it('reads deny, reject and limit, directions, log options and comments', () => {
      assert.deepEqual(facts('ufw deny 23/tcp'), ['ufw deny in 23/tcp to=any from=any | 23']);
      assert.deepEqual(facts('ufw reject out 25'), ['ufw reject out 25/both to=any from=any | 25']);
      assert.deepEqual(facts('ufw limit log-all 2222/tcp'), ['ufw limit in 2222/tcp to=any from=any | 2222']);
      assert.deepEqual(facts("sudo ufw allow 8443/tcp comment 'rtcd API'"), ['ufw allow in 8443/tcp to=any from=any "rtcd API" | 8443']);
    });

    it('keeps the span on the digits inside quotes', () => {
      assert.deepEqual(facts('ufw allow "8443"/udp'), ['ufw allow in 8443/udp to=any from=any | 8443']);
    });

    it('maps service names through /etc/services with a default derivation on the name', () => {
      const t = 'ufw limit ssh';
      const f = run(t).facts;
      assert.equal(f.length, 1);
      assert.equal(slice(t, f[0]!.location.span), 'ssh');
      assert.deepEqual([f[0]!.ports.start, f[0]!.protocol], [22, 'tcp']);
      assert.equal(f[0]!.derivation.kind, 'default');
      assert.match((f[0]!.derivation as { note: string }).note, /ufw service name ssh = 22\/tcp/);
      assert.deepEqual(facts('ufw allow domain'), ['ufw allow in 53/both to=any from=any | domain']);
      assert.deepEqual(facts('ufw allow ntp'), ['ufw allow in 123/udp to=any from=any | ntp']);
      assert.deepEqual(facts('ufw allow https/udp'), ['ufw allow in 443/udp to=any from=any | https']);
    });

    it('resolves built-in application profiles, one fact per port, span on the name', () => {
      const t = "sudo ufw allow 'Nginx Full'";
      const r = run(t);
      assert.deepEqual(r.facts.map((f) => show(t, f)), [
        'ufw allow in 80/tcp to=any from=any | Nginx Full',
        'ufw allow in 443/tcp to=any from=any | Nginx Full',
      ]);
      assert.match((r.facts[0]!.derivation as { note: string }).note, /application profile "Nginx Full" = 80,443\/tcp/);
      assert.deepEqual(facts('ufw allow OpenSSH'), ['ufw allow in 22/tcp to=any from=any | OpenSSH']);
    });

    it('resolves workspace profiles first, with valueLocation on the profile digits', () => {
      const P = '/ws/etc/ufw/applications.d/rtcd';
      const text = fixture('ufw/applications.d/rtcd');
      const profiles = parseAppProfiles(text, P).profiles;
      const apps: AppLookup = (n) => profiles.find((p) => p.name === n);
      const t = 'ufw allow rtcd';
      const r = run(t, apps);
      assert.deepEqual(r.facts.map((f) => show(t, f)), ['ufw allow in 8443/udp to=any from=any | rtcd', 'ufw allow in 8045/tcp to=any from=any | rtcd']);
      assert.equal(r.facts[1]!.valueLocation.file, P);
      assert.equal(slice(text, r.facts[1]!.valueLocation.span), '8045');
    });

    it('stays silent for an unknown name (a profile only on the server)', () => {
      assert.deepEqual(run("ufw allow 'My App'"), { facts: [], findings: [] });
    });
  });

  describe('ufwCommandFacts, extended syntax', () => {
    it('reads from/to/port/proto', () => {
      assert.deepEqual(facts('ufw allow from 10.0.0.0/8 to any port 8045 proto tcp'), ['ufw allow in 8045/tcp to=any from=10.0.0.0/8 | 8045']);
      assert.deepEqual(facts('ufw allow in on eth0 proto udp to 192.168.1.5 port 3478'), ['ufw allow in 3478/udp to=192.168.1.5 from=any | 3478']);
      assert.deepEqual(facts('ufw allow proto udp from any to any port 10000:20000'), ['ufw allow in 10000-20000/udp to=any from=any | 10000:20000']);
    });

    it('reads egress rules as direction out (seed 000)', () => {
      assert.deepEqual(facts('sudo ufw allow out to any port 8444 proto tcp'), ['ufw allow out 8444/tcp to=any from=any | 8444']);
      assert.deepEqual(facts('sudo ufw allow out to any port 8046'), ['ufw allow out 8046/both to=any from=any | 8046']);
    });

    it('resolves app NAME after to, ignores source ports and address-only rules', () => {
      assert.deepEqual(facts("ufw allow from 10.0.0.1 to any app 'OpenSSH' comment 'admin'"), ['ufw allow in 22/tcp to=any from=10.0.0.1 "admin" | OpenSSH']);
      assert.deepEqual(facts('ufw allow from 10.0.0.1 port 53'), []);
      assert.deepEqual(facts('ufw deny from 203.0.113.9'), []);
    });

    it('reads insert, prepend and route rules', () => {
      assert.deepEqual(facts('ufw insert 1 allow 80/tcp'), ['ufw allow in 80/tcp to=any from=any | 80']);
      assert.deepEqual(facts('ufw prepend deny 23'), ['ufw deny in 23/both to=any from=any | 23']);
      assert.deepEqual(facts('ufw route allow in on eth0 out on docker0 to 172.17.0.2 port 80 proto tcp'), [
        'ufw route allow in 80/tcp to=172.17.0.2 from=any | 80',
      ]);
    });

    it('gives nothing for deletions, dry runs and commands that are not rules', () => {
      for (const t of [
        'ufw delete allow 80/tcp',
        'ufw delete 3',
        'ufw route delete allow 80/tcp',
        'ufw --dry-run allow 80/tcp',
        'ufw enable',
        'ufw --force enable',
        'ufw status numbered',
        'ufw default deny incoming',
        'ufw logging on',
        'ufw reload',
        'ufw app info OpenSSH',
        'ufw allow',
        'ufw',
        'ufwx allow 80',
      ]) {
        assert.deepEqual(run(t), { facts: [], findings: [] }, t);
      }
    });
  });

  describe('ufwCommandFacts, invalid ports', () => {
    it('reports ports outside 1-65535 on the number', () => {
      assert.deepEqual(findings('ufw allow 70000/tcp'), ['invalid-port 70000']);
      assert.deepEqual(findings('ufw allow 0/udp'), ['invalid-port 0']);
      assert.deepEqual(findings('ufw allow to any port 99999 proto tcp'), ['invalid-port 99999']);
    });

    it('reports a range or list without a protocol on the whole list', () => {
      const r = run('ufw allow 8000:8010');
      assert.equal(r.findings.length, 1);
      assert.match(r.findings[0]!.message, /\/tcp or \/udp/);
      assert.deepEqual(findings('ufw allow 8000:8010'), ['invalid-port 8000:8010']);
      assert.deepEqual(findings('ufw allow 80,443'), ['invalid-port 80,443']);
      assert.deepEqual(findings('ufw allow to any port 80,443'), ['invalid-port 80,443']);
    });

    it('reports reversed ranges, unknown protocols and malformed lists', () => {
      assert.deepEqual(findings('ufw allow 9000:8000/tcp'), ['invalid-port 9000:8000']);
      const r = run('ufw allow 80/xyz');
      assert.match(r.findings[0]!.message, /unknown protocol "xyz"/);
      assert.deepEqual(findings('ufw allow 80/xyz'), ['invalid-port xyz']);
      assert.deepEqual(findings('ufw allow 80/esp'), ['invalid-port esp']);
      assert.deepEqual(findings('ufw allow to any port 80 proto esp'), ['invalid-port esp']);
      assert.deepEqual(findings('ufw allow 80,,443/tcp'), ['invalid-port 80,,443']);
    });

    it('treats a shell variable in the port or protocol as unknown: no finding and no fact', () => {
      assert.deepEqual(facts('ufw insert 1 allow "${pivpnPORT}"/"${pivpnPROTO}"'), []);
      assert.deepEqual(facts('ufw allow 51820/"$PROTO"'), []);
      assert.deepEqual(facts('ufw allow "$PORT"/udp'), []);
      assert.deepEqual(facts('ufw allow $(cat port)/tcp'), []);
      assert.deepEqual(facts('ufw allow to any port 443 proto "${PROTO}"'), []);
      assert.deepEqual(facts('ufw allow to any port "$PORT" proto tcp'), []);
    });

    it('still reports a literal unknown protocol next to a variable port (near-miss)', () => {
      assert.deepEqual(findings('ufw allow "$PORT"/xyz'), ['invalid-port xyz']);
      assert.deepEqual(findings('ufw allow 51820/PROTO'), ['invalid-port PROTO']);
      assert.deepEqual(findings('ufw allow 51820/{PROTO}'), ['invalid-port {PROTO}']);
      assert.deepEqual(findings('ufw allow to any port 443 proto PROTO'), ['invalid-port PROTO']);
    });
  });

  describe('user.rules (ufw-rules)', () => {
    const P = '/ws/etc/ufw/user.rules';
    const text = fixture('ufw/user.rules');

    it('detects user.rules and user6.rules strongly, other tuple dumps weakly, the rest not', () => {
      assert.equal(ufwRulesFormat.detect(P, text), 'strong');
      assert.equal(ufwRulesFormat.detect('/ws/etc/ufw/user6.rules', text), 'strong');
      assert.equal(ufwRulesFormat.detect('/ws/backup/rules.txt', text), 'weak');
      assert.equal(ufwRulesFormat.detect('/ws/etc/ufw/before.rules', '*filter\n:ufw-before-input - [0:0]\nCOMMIT\n'), false);
      assert.equal(ufwRulesFormat.detect('/ws/etc/ufw/user.rules', 'hello'), false);
    });

    it('extracts one fact per tuple port and ignores the -A lines', () => {
      const r = extractIn(ufwRulesFormat, { [P]: text }, P);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(r.facts.map((f) => show(text, f)), [
        'ufw allow in 22/tcp to=any from=any | 22',
        'ufw allow in 8443/udp to=any from=any "rtcd Media" | 8443',
        'ufw allow in 80/tcp to=any from=any | 80',
        'ufw allow in 443/tcp to=any from=any | 443',
        'ufw allow in 10000-20000/udp to=any from=any | 10000:20000',
        'ufw allow in 8045/tcp to=any from=10.0.0.5 | 8045',
        'ufw limit in 2222/tcp to=any from=any | 2222',
        'ufw deny out 53/both to=any from=any | 53',
        'ufw allow in 8080/tcp to=192.168.1.10 from=any | 8080',
        'ufw route allow in 3000/tcp to=any from=any | 3000',
      ]);
      // Every span is on a tuple line, never on an iptables line.
      for (const f of r.facts) {
        const lineStart = text.lastIndexOf('\n', f.location.span.start) + 1;
        assert.ok(text.startsWith('### tuple ###', lineStart));
      }
    });

    it('reports malformed tuples and invalid ports', () => {
      const t = '### tuple ### allow tcp\n### tuple ### allow tcp 70000 0.0.0.0/0 any 0.0.0.0/0 in\n';
      const r = extractIn(ufwRulesFormat, { [P]: t }, P);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings.map((f) => `${f.rule} ${slice(t, f.span)}`), ['parse-error ### tuple ### allow tcp', 'invalid-port 70000']);
    });
  });

  describe('application profiles (ufw-app)', () => {
    const P = '/ws/etc/ufw/applications.d/rtcd';
    const text = fixture('ufw/applications.d/rtcd');

    it('detects profiles only under applications.d and only with ports=', () => {
      assert.equal(ufwAppFormat.detect(P, text), 'strong');
      assert.equal(ufwAppFormat.detect('/ws/etc/ufw/rtcd', text), false);
      assert.equal(ufwAppFormat.detect('/ws/etc/ufw/applications.d/x', '[x]\ntitle=no ports\n'), false);
    });

    it('parses sections, | separated port sets and exact spans', () => {
      const { profiles, findings: fs2 } = parseAppProfiles(text, P);
      assert.deepEqual(fs2, []);
      assert.deepEqual(profiles.map((p) => [p.name, p.title, p.portsText]), [
        ['rtcd', 'rtcd', '8443/udp|8045/tcp'],
        ['rtcd-media', 'rtcd media only', '8443'],
      ]);
      const e = profiles[0]!.entries;
      assert.deepEqual(e.map((x) => [x.ports.start, x.protocol, slice(text, x.location!.span)]), [
        [8443, 'udp', '8443'],
        [8045, 'tcp', '8045'],
      ]);
      assert.equal(profiles[1]!.entries[0]!.protocol, 'both');
      assert.equal(slice(text, profiles[0]!.location!.span), 'rtcd');
    });

    it('extracts no facts (a profile is not a rule) but reports invalid ports', () => {
      assert.deepEqual(extractIn(ufwAppFormat, { [P]: text }, P).facts, []);
      const B = '/ws/etc/ufw/applications.d/broken';
      const bt = fixture('ufw/applications.d/broken');
      const r = extractIn(ufwAppFormat, { [B]: bt }, B);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings.map((f) => `${f.rule} ${slice(bt, f.span)}`), ['invalid-port 8000:8010', 'invalid-port 70000']);
    });
  });
});
