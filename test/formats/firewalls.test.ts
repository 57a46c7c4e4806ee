/**
 * firewalld, nftables, iptables and Podman quadlet formats: facts with exact spans on upstream
 * files (test/corpus/firewalld, test/corpus/podman) and fixtures, near-misses that must stay
 * silent, and the real tools as oracles where they run here (`nft -c -f`, `iptables-restore --test`).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firewalldFormat } from '../../server/src/core/formats/firewalld';
import { iptablesFormat, iptablesInputDrops } from '../../server/src/core/formats/iptables';
import { nftablesFormat } from '../../server/src/core/formats/nftables';
import { quadletFormat } from '../../server/src/core/formats/quadlet';
import { shellFormat } from '../../server/src/core/formats/shell';
import { markdownFormat } from '../../server/src/core/formats/markdown';
import { classify } from '../../server/src/core/index/registry';
import type { ExtractResult } from '../../server/src/core/model/facts';
import { corpusText, extractIn, ROOT, slice } from '../helpers';

function fixture(rel: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'fixtures', rel), 'utf8');
}

/** "detail ports/protocol action from | digits" per fact, and the findings. */
function show(text: string, r: ExtractResult): string[] {
  return [
    ...r.facts.map((f) => `${f.kind} ${f.detail} ${f.ports.start === f.ports.end ? f.ports.start : `${f.ports.start}-${f.ports.end}`}/${f.protocol}${f.firewall ? ` ${f.firewall.firewall} ${f.firewall.action}${f.firewall.from ? ` from=${f.firewall.from}` : ''}${f.firewall.filtersPublished ? ' docker-user' : ''}` : ''}${f.address ? ` @${f.address}` : ''} | ${slice(text, f.location.span)}`),
    ...r.findings.map((x) => `${x.rule} ${x.message} | ${slice(text, x.span)}`),
  ];
}

function run(mod: Parameters<typeof extractIn>[0], file: string, text: string, others: Record<string, string> = {}): string[] {
  return show(text, extractIn(mod, { ...others, [file]: text }, file));
}

/** Why `tool` cannot run here, or undefined. */
function cannotRun(tool: string): string | undefined {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  return r.error ? `${tool} cannot run here (${(r.error as NodeJS.ErrnoException).code})` : undefined;
}

describe('firewalld', () => {
  const ZONE = '/ws/etc/firewalld/zones/public.xml';

  it('reads the upstream public zone: services resolved through the built-in table, span on the name', () => {
    const t = corpusText('firewalld/zones/public.xml');
    assert.equal(classify(ZONE, t).mod?.id, 'firewalld');
    assert.deepEqual(run(firewalldFormat, ZONE, t), [
      'firewall firewalld zone public service 22/tcp firewalld allow | ssh',
      'firewall firewalld zone public service 546/udp firewalld allow | dhcpv6-client',
    ]);
  });

  it('reads ports and ranges on the digits, rich rules with source and verdict, and services defined in the workspace', () => {
    const svc = corpusText('firewalld/services/matrix.xml');
    const t = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<zone>',
      '  <port protocol="udp" port="8443"/>',
      "  <port port='10000-20000' protocol='udp'/>",
      '  <service name="https"/>',
      '  <service name="matrix"/>',
      '  <rule family="ipv4"><source address="10.0.0.0/8"/><port port="5432" protocol="tcp"/><accept/></rule>',
      '  <rule><port port="3306" protocol="tcp"/><drop/></rule>',
      '  <rule><port port="6379" protocol="tcp"/><log/></rule>',
      '  <service name="no-such-service"/>',
      '  <port protocol="icmp" port="1"/>',
      '</zone>',
    ].join('\n');
    const r = extractIn(firewalldFormat, { [ZONE]: t, '/ws/etc/firewalld/services/matrix.xml': svc }, ZONE);
    assert.deepEqual(show(t, r), [
      'firewall firewalld zone public port 8443/udp firewalld allow | 8443',
      'firewall firewalld zone public port 10000-20000/udp firewalld allow | 10000-20000',
      'firewall firewalld zone public service 443/tcp firewalld allow | https',
      'firewall firewalld zone public service 8448/tcp firewalld allow | matrix',
      'firewall firewalld zone public rule port 5432/tcp firewalld allow from=10.0.0.0/8 | 5432',
      'firewall firewalld zone public rule port 3306/tcp firewalld deny | 3306',
    ]);
    const matrix = r.facts[3]!;
    assert.equal(matrix.valueLocation.file, '/ws/etc/firewalld/services/matrix.xml');
    assert.equal(slice(svc, matrix.valueLocation.span), '8448');
    assert.deepEqual(r.dependencies, ['/ws/etc/firewalld/services/matrix.xml']);
  });

  it('reports bad ports and broken XML; a service definition yields no facts; XML elsewhere is not ours', () => {
    const bad = '<zone>\n  <port protocol="tcp" port="70000"/>\n  <port protocol="tcp" port="20-10"/>\n  <port protocol="tcp" port="web"/>\n</zone>\n';
    assert.deepEqual(run(firewalldFormat, ZONE, bad), [
      'invalid-port firewalld: port 70000 is outside 1-65535 | 70000',
      'invalid-port firewalld: port range 20-10 is reversed (the first port must not exceed the last) | 20-10',
      'invalid-port firewalld: "web" is not a port or a range PORT-PORT (firewalld.zone(5)) | web',
    ]);
    const broken = extractIn(firewalldFormat, { [ZONE]: '<zone>\n  <port port="80" protocol="tcp">\n</zone>\n' }, ZONE);
    assert.equal(broken.failed, true);
    assert.equal(broken.findings[0]!.rule, 'parse-error');
    assert.deepEqual(run(firewalldFormat, '/ws/etc/firewalld/services/https.xml', corpusText('firewalld/services/https.xml')), []);
    assert.deepEqual(run(firewalldFormat, ZONE, '<zone>\n  <port port="!!dns.altport!!" protocol="tcp"/>\n</zone>\n'), [], 'a template placeholder is not reported');
    assert.equal(classify('/ws/app/config/zone.xml', '<zone><port protocol="tcp" port="80"/></zone>').mod, undefined);
  });

  it('reads firewall-cmd in scripts and Markdown fences; --service= edits a definition and --remove-port opens nothing', () => {
    const sh = '#!/bin/sh\nfirewall-cmd --permanent --zone=public --add-port=8443/udp\nsudo firewall-cmd --add-port 10000-20000/udp --add-service=https\nfirewall-cmd --permanent --service=rtcd --add-port=8045/tcp\nfirewall-cmd --remove-port=9000/tcp\nfirewall-cmd --add-port=8080\n';
    assert.equal(shellFormat.detect('/ws/fw.sh', sh), 'strong');
    assert.deepEqual(run(shellFormat, '/ws/fw.sh', sh), [
      'firewall firewall-cmd --add-port --zone=public 8443/udp firewalld allow | 8443',
      'firewall firewall-cmd --add-port 10000-20000/udp firewalld allow | 10000-20000',
      'firewall firewall-cmd --add-service 443/tcp firewalld allow | https',
      'invalid-port firewall-cmd: "8080" needs a protocol: PORT[-PORT]/tcp, /udp or /sctp (firewall-cmd(1)) | 8080',
    ]);
    const md = '# Firewall\n\n```bash\nsudo firewall-cmd --permanent --add-port=8443/udp\n```\n\nPort 9000 is not opened here.\n';
    assert.equal(markdownFormat.detect('/ws/README.md', md), 'weak');
    assert.deepEqual(run(markdownFormat, '/ws/README.md', md), ['firewall firewall-cmd --add-port 8443/udp firewalld allow | 8443']);
  });

  it('reads --add-rich-rule: port and service elements, in either attribute order, with their source and action', () => {
    const sh = [
      '#!/bin/sh',
      `firewall-cmd --permanent --zone=public --add-rich-rule='rule family="ipv4" source address="10.10.10.0/24" port protocol="tcp" port="27017" accept'`,
      `firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="192.168.1.0/24" port port="8080-8090" protocol="tcp" accept'`,
      `firewall-cmd --add-rich-rule='rule family="ipv4" source address="172.24.3.0/24" service name="ssh" reject'`,
      `firewall-cmd --add-rich-rule="rule family='ipv4' source not address='10.0.0.0/8' port port='5432' protocol='tcp' drop"`,
      `firewall-cmd --add-rich-rule='rule port port="70000" protocol="tcp" accept'`,
      `firewall-cmd --add-rich-rule='rule port port="9000" accept'`,
      '',
    ].join('\n');
    assert.deepEqual(run(shellFormat, '/ws/fw.sh', sh), [
      'firewall firewall-cmd --add-rich-rule --zone=public 27017/tcp firewalld allow from=10.10.10.0/24 | 27017',
      'firewall firewall-cmd --add-rich-rule 8080-8090/tcp firewalld allow from=192.168.1.0/24 | 8080-8090',
      'firewall firewall-cmd --add-rich-rule 22/tcp firewalld reject from=172.24.3.0/24 | ssh',
      'firewall firewall-cmd --add-rich-rule 5432/tcp firewalld deny | 5432',
      'invalid-port firewall-cmd: port 70000 is outside 1-65535 | 70000',
      'invalid-port firewall-cmd: rich rule port 9000 needs protocol="tcp", "udp" or "sctp" (firewalld.richlanguage(5)) | 9000',
    ]);
  });

  it('near-miss: rich rules without a port element or an action, removed ones and ones holding a variable open nothing', () => {
    const sh = [
      '#!/bin/sh',
      `firewall-cmd --add-rich-rule='rule family="ipv4" source address="192.168.1.0/24" reject'`,
      `firewall-cmd --add-rich-rule='rule family="ipv4" source address="10.0.0.1" port port="8080" protocol="tcp" log prefix="x" level="info"'`,
      `firewall-cmd --remove-rich-rule='rule port port="8080" protocol="tcp" accept'`,
      `firewall-cmd --add-rich-rule="rule source address=\\"$peer/32\\" port protocol=\\"tcp\\" port=\\"27017\\" accept"`,
      `firewall-cmd --add-rich-rule='rule source-port port="53" protocol="udp" accept'`,
      '',
    ].join('\n');
    assert.deepEqual(run(shellFormat, '/ws/fw.sh', sh), []);
  });
});

describe('nftables', () => {
  const F = '/ws/etc/nftables.conf';

  it('reads input-hook rules: inline ports, ranges, named sets, defines, jumped-to chains, drop and reject; not loopback, forward or counters', () => {
    const t = fixture('nftables/nftables.conf');
    assert.equal(classify(F, t).mod?.id, 'nftables');
    assert.deepEqual(run(nftablesFormat, F, t), [
      'firewall nft inet filter input tcp dport 22/tcp nftables allow | 22',
      'firewall nft inet filter input tcp dport 80/tcp nftables allow | 80',
      'firewall nft inet filter input tcp dport 443/tcp nftables allow | 443',
      'firewall nft inet filter input udp dport 8443/udp nftables allow | 8443',
      'firewall nft inet filter input tcp dport 8443/tcp nftables allow | 8443',
      'firewall nft inet filter input tcp dport 5432/tcp nftables allow from=10.0.0.0/8 | 5432',
      'firewall nft inet filter input udp dport 10000-20000/udp nftables allow | 10000-20000',
      'firewall nft inet filter input tcp dport 3306/tcp nftables deny | 3306',
      'firewall nft inet filter extra tcp dport 9090/tcp nftables reject | 9090',
      'firewall nft inet filter extra tcp dport 9100/tcp nftables reject | 9100',
    ]);
  });

  it('reads nft add rule commands in scripts on the input chain only, and reports ports out of range and unclosed blocks', () => {
    const sh = "#!/bin/sh\nnft add rule inet filter input tcp dport 22 accept\nnft add rule inet filter input tcp dport '{ 80, 443 }' accept\nnft add rule inet filter forward tcp dport 8080 accept\nnft add rule inet filter input tcp dport $PORT accept\nnft -f /etc/nftables.conf\n";
    assert.equal(shellFormat.detect('/ws/fw.sh', sh), 'strong');
    assert.deepEqual(run(shellFormat, '/ws/fw.sh', sh), [
      'firewall nft inet filter input tcp dport 22/tcp nftables allow | 22',
      'firewall nft inet filter input tcp dport 80/tcp nftables allow | 80',
      'firewall nft inet filter input tcp dport 443/tcp nftables allow | 443',
    ]);
    assert.deepEqual(run(nftablesFormat, '/ws/fw.nft', 'table inet f {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 99999 accept\n }\n}\n'), ['invalid-port nftables: port 99999 is outside 1-65535 | 99999']);
    const open = extractIn(nftablesFormat, { '/ws/fw.nft': 'table inet f {\n chain input {\n' }, '/ws/fw.nft');
    assert.equal(open.failed, true);
    assert.equal(classify('/ws/notes.conf', 'table inet filter {\n}\n').mod?.id === 'nftables', false);
  });

  it('agrees with nft -c on the fixture, the real-world ruleset and on what it rejects', function () {
    const why = cannotRun('nft');
    if (why) { process.stdout.write(`      skipped: ${why}\n`); this.skip(); }
    for (const file of [path.join(ROOT, 'test', 'fixtures', 'nftables', 'nftables.conf'), path.join(ROOT, 'test', 'corpus', 'realworld', 'b-data__docker-swarm-ipv6-nftables', 'etc', 'nftables.conf')]) {
      const ok = spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' });
      assert.equal(ok.status, 0, `${file}: ${ok.stderr}`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-nft-'));
    const bad = path.join(dir, 'bad.nft');
    fs.writeFileSync(bad, 'table inet f {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 99999 accept\n }\n}\n');
    const r = spawnSync('nft', ['-c', '-f', bad], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.notEqual(r.status, 0, 'nft rejects port 99999 as Portolan does');
  });
});

describe('iptables', () => {
  const F = '/ws/etc/iptables/rules.v4';

  it('reads BigBlueButton\'s upstream freeswitch entrypoint: rejects from 0.0.0.0/0 are from anywhere; the per-IP accept keeps its unknown source', () => {
    const t = corpusText('iptables/entrypoint.sh');
    assert.deepEqual(run(shellFormat, '/ws/mod/freeswitch/entrypoint.sh', t), [
      'firewall iptables -A INPUT 5060/tcp iptables reject | 5060',
      'firewall iptables -A INPUT 5060/udp iptables reject | 5060',
      'firewall iptables -A INPUT 5060/udp iptables allow from=$IP | 5060',
    ]);
  });

  it('reads an iptables-save file: INPUT accepts (multiport lists, A:B ranges, sources), DOCKER-USER drops; not loopback, LOG or nat', () => {
    const t = fixture('iptables/rules.v4');
    assert.equal(classify(F, t).mod?.id, 'iptables');
    assert.deepEqual(run(iptablesFormat, F, t), [
      'firewall iptables -A INPUT 22/tcp iptables allow | 22',
      'firewall iptables -A INPUT 80/tcp iptables allow | 80',
      'firewall iptables -A INPUT 443/tcp iptables allow | 443',
      'firewall iptables -A INPUT 8443/udp iptables allow | 8443',
      'firewall iptables -A INPUT 10000-20000/udp iptables allow | 10000:20000',
      'firewall iptables -A INPUT 5432/tcp iptables allow from=10.0.0.0/8 | 5432',
      'firewall iptables -A DOCKER-USER 6379/tcp iptables deny docker-user | 6379',
    ]);
  });

  it('reads iptables and ip6tables commands in scripts; -D, -t nat, custom chains and variables give nothing', () => {
    const sh = '#!/bin/bash\niptables -A INPUT -p tcp --dport 443 -j ACCEPT\nip6tables -I INPUT 2 -p udp --dport 8443 -j ACCEPT\niptables -D INPUT -p tcp --dport 80 -j ACCEPT\niptables -t nat -A PREROUTING -p tcp --dport 8080 -j REDIRECT --to-port 80\niptables -A MYCHAIN -p tcp --dport 25 -j ACCEPT\niptables -A INPUT -p tcp --dport "$PORT" -j ACCEPT\niptables -I DOCKER-USER -p tcp --dport 5432 -j DROP\niptables -A INPUT -p tcp --dport 70000 -j ACCEPT\n';
    assert.equal(shellFormat.detect('/ws/fw.sh', sh), 'strong');
    assert.deepEqual(run(shellFormat, '/ws/fw.sh', sh), [
      'firewall iptables -A INPUT 443/tcp iptables allow | 443',
      'firewall ip6tables -A INPUT 8443/udp iptables allow | 8443',
      'firewall iptables -A DOCKER-USER 5432/tcp iptables deny docker-user | 5432',
      'invalid-port iptables: port 70000 is outside 1-65535 | 70000',
    ]);
  });

  it('tells a drop policy or catch-all DROP/REJECT on INPUT from drops with a match (a negated source)', () => {
    const save = (rule: string, policy = 'ACCEPT') => `*filter\n:INPUT ${policy} [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n${rule}\nCOMMIT\n`;
    const drops = [
      save('-A INPUT -j DROP'),
      save('-A INPUT -m comment --comment "everything else" -j DROP'),
      save('', 'DROP'),
      '#!/bin/sh\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\nsudo iptables -A INPUT -j REJECT --reject-with icmp-host-prohibited\n',
      '#!/bin/sh\nip6tables -w -P INPUT DROP\n',
    ];
    for (const t of drops) assert.equal(iptablesInputDrops(t), true, t);
    const accepts = [
      save('-A INPUT ! -s 10.0.0.0/8 -j DROP'),
      save('-A INPUT ! --source 10.0.0.0/8 -j REJECT'),
      save('-A INPUT -s 203.0.113.7 -j DROP'),
      save('-A INPUT -m conntrack --ctstate INVALID -j DROP'),
      save('-A INPUT -p tcp -j DROP'),
      save('-A INPUT -i eth1 -j DROP'),
      save('-A FORWARD -j DROP'),
      save('-A INPUT -j LOG'),
      `*nat\n:INPUT DROP [0:0]\nCOMMIT\n${save('')}`,
      '#!/bin/sh\niptables -A INPUT ! -s 10.0.0.0/8 -j DROP\niptables -D INPUT -j DROP\niptables -P INPUT ACCEPT\necho "-A INPUT -j DROP"\n',
    ];
    for (const t of accepts) assert.equal(iptablesInputDrops(t), false, t);
  });

  it('agrees with iptables-restore --test on the fixture', function () {
    const why = cannotRun('iptables-restore');
    if (why) { process.stdout.write(`      skipped: ${why}\n`); this.skip(); }
    const r = spawnSync('iptables-restore', ['--test'], { input: fixture('iptables/rules.v4'), encoding: 'utf8' });
    if (r.status !== 0 && /Permission denied|can't initialize|Could not fetch rule set/i.test(r.stderr)) { process.stdout.write(`      skipped: iptables-restore cannot reach netfilter here: ${r.stderr.trim()}\n`); this.skip(); }
    assert.equal(r.status, 0, r.stderr);
  });
});

describe('hostile firewall input', () => {
  it('is linear: 20,000 nested nftables blocks, 10,000 rich rules, a set used 20,000 times, and gives bounded output', () => {
    const started = Date.now();
    const nested = 'table inet t {\n'.repeat(20000) + ' chain input { type filter hook input priority 0; tcp dport 22 accept }\n';
    const deep = extractIn(nftablesFormat, { '/ws/a.nft': nested }, '/ws/a.nft');
    assert.equal(deep.failed, true);
    const zone = `<zone>${'<rule><source address="10.0.0.1"/><port port="5432" protocol="tcp"/><accept/></rule>'.repeat(10000)}</zone>`;
    assert.equal(extractIn(firewalldFormat, { '/ws/firewalld/zones/z.xml': zone }, '/ws/firewalld/zones/z.xml').facts.length, 10000);
    const elements = Array.from({ length: 2000 }, (_, i) => 1000 + i).join(', ');
    const sets = `table inet f {\n set s { type inet_service; elements = { ${elements} } }\n chain input {\n type filter hook input priority 0;\n${'  tcp dport @s accept\n'.repeat(20000)} }\n}\n`;
    assert.equal(extractIn(nftablesFormat, { '/ws/b.nft': sets }, '/ws/b.nft').facts.length, 2000);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});

describe('Podman quadlets', () => {
  it('reads the upstream ports.container: PublishPort binds and container targets with exact spans; ExposeHostPort and variables give no host binds', () => {
    const F = '/ws/etc/containers/systemd/ports.container';
    const t = corpusText('podman/ports.container');
    assert.equal(classify(F, t).mod?.id, 'quadlet');
    const r = extractIn(quadletFormat, { [F]: t }, F);
    assert.deepEqual(r.findings, []);
    const binds = r.facts.filter((f) => f.kind === 'bind').map((f) => `${f.ports.start}/${f.protocol}@${f.address ?? '*'} ${slice(t, f.location.span)}`);
    assert.deepEqual(binds, ['80/tcp@127.0.0.1 80', '80/tcp@0.0.0.0 80', '80/tcp@* 80', '80/tcp@* 80', '1234/udp@* 1234', '1234/udp@127.0.0.1 1234', '1234/tcp@* 1234', '1234/tcp@127.0.0.1 1234']);
    assert.equal(r.workloads[0]!.kind, 'podman-quadlet');
    assert.equal(r.workloads[0]!.image, 'localhost/imagename');
    assert.equal(r.workloads[0]!.rootful, true);
  });

  it('reads .kube and .pod files, Network=host, and rootful only in rootful search paths', () => {
    const kube = corpusText('podman/ports.kube');
    const k = extractIn(quadletFormat, { '/ws/q/ports.kube': kube }, '/ws/q/ports.kube');
    assert.equal(k.facts.filter((f) => f.kind === 'bind').length, 8);
    assert.equal(k.workloads[0]!.image, '/opt/k8s/deployment.yml');
    const pod = extractIn(quadletFormat, { '/ws/q/app.pod': fixture('quadlet/app.pod') }, '/ws/q/app.pod');
    assert.deepEqual(pod.facts.map((f) => `${f.kind} ${f.ports.start}`), ['bind 9000', 'reference 9000']);
    const host = extractIn(quadletFormat, { '/ws/q/h.container': '[Container]\nImage=x\nNetwork=host\nPublishPort=8080:80\n' }, '/ws/q/h.container');
    assert.deepEqual(host.facts.map((f) => `${f.kind} ${f.ports.start} ${f.netns ?? 'host'}`), ['bind 80 host']);
    const user = extractIn(quadletFormat, { '/ws/home/u/.config/containers/systemd/w.container': fixture('quadlet/web.container') }, '/ws/home/u/.config/containers/systemd/w.container');
    assert.equal(user.workloads[0]!.rootful, undefined);
    const users = extractIn(quadletFormat, { '/ws/etc/containers/systemd/users/w.container': fixture('quadlet/web.container') }, '/ws/etc/containers/systemd/users/w.container');
    assert.equal(users.workloads[0]!.rootful, undefined);
    assert.equal(k.workloads[0]!.rootful, undefined, 'a quadlet in a repository folder has an unknown mode');
    assert.equal(classify('/ws/q/x.container', 'not a unit').mod, undefined);
    const templated = extractIn(quadletFormat, { '/ws/q/t.container': '[Container]\nImage=x\nPublishPort=!!network.ipv4!!:53:53\nPublishPort=%i:80\n' }, '/ws/q/t.container');
    assert.deepEqual([templated.facts, templated.findings], [[], []]);
  });

  it('a container with Pod= joins the upstream pod\'s namespace; PublishPort= there is invalid-port naming the pod', () => {
    const dir = 'realworld/cryinkfly__podman-rootless-quadlets/quadlets/opencloud-full';
    const files = { '/ws/q/opencloud.pod': corpusText(`${dir}/opencloud.pod`), '/ws/q/opencloud-server.container': corpusText(`${dir}/opencloud-server.container`) };
    const member = extractIn(quadletFormat, files, '/ws/q/opencloud-server.container');
    const pod = extractIn(quadletFormat, files, '/ws/q/opencloud.pod');
    assert.equal(member.workloads[0]!.netns, 'podman:/ws/q/opencloud.pod');
    assert.equal(member.workloads[0]!.netns, pod.workloads[0]!.netns, 'one namespace for the pod and its member');
    assert.deepEqual(member.findings, []);
    const published = { ...files, '/ws/q/p.container': '[Container]\nImage=x\nPod=opencloud.pod\nPublishPort=8080:80\n' };
    const r = extractIn(quadletFormat, published, '/ws/q/p.container');
    assert.deepEqual(r.facts, []);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(published['/ws/q/p.container'], f.span)]), [['invalid-port', '8080:80']]);
    assert.match(r.findings[0]!.message, /PublishPort= in opencloud\.pod/);
    const hostPod = extractIn(quadletFormat, { '/ws/q/h.pod': '[Pod]\nNetwork=host\n', '/ws/q/m.container': '[Container]\nImage=x\nPod=h.pod\n' }, '/ws/q/m.container');
    assert.equal(hostPod.workloads[0]!.netns, undefined, 'a pod with Network=host gives host networking');
    const joined = extractIn(quadletFormat, { '/ws/q/db.container': '[Container]\nImage=x\nContainerName=db\n', '/ws/q/side.container': '[Container]\nImage=x\nNetwork=db.container\n' }, '/ws/q/side.container');
    assert.equal(joined.workloads[0]!.netns, 'podman:/ws/q/db.container');
  });

  it('near-miss: without Pod=, or with a Pod= value Portolan cannot follow, a container keeps its own namespace and publishes', () => {
    const own = extractIn(quadletFormat, { '/ws/q/w.container': '[Container]\nImage=x\nNetwork=opencloud.network\nPublishPort=8080:80\n' }, '/ws/q/w.container');
    assert.equal(own.workloads[0]!.netns, 'podman:/ws/q/w.container');
    assert.deepEqual(own.facts.filter((f) => f.kind === 'bind').map((f) => f.ports.start), [8080]);
    const specifier = extractIn(quadletFormat, { '/ws/q/t.container': '[Container]\nImage=x\nPod=%i.pod\nPublishPort=8080:80\n' }, '/ws/q/t.container');
    assert.equal(specifier.workloads[0]!.netns, 'podman:/ws/q/t.container');
    assert.deepEqual(specifier.findings, []);
  });
});
