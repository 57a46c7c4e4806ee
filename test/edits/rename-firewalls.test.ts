/**
 * Rename and renumber through firewalld zones, nftables rulesets, iptables scripts and Podman
 * quadlets: the digits change and nothing else, and renaming back restores every byte.
 */
import * as assert from 'node:assert/strict';
import { renamePort } from '../../server/src/core/features/edits/rename';
import { planRenumber } from '../../server/src/core/features/edits/renumber';
import { hoverAt } from '../../server/src/core/features/hover';
import { portTree } from '../../server/src/core/features/table';
import { analyze } from '../memory';
import { applied, verdictOf } from './util';

type Files = Record<string, string>;

const RTCD = '/ws/etc/rtcd/config.toml';
const FILES: Files = {
  [RTCD]: '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n',
  '/ws/etc/firewalld/zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\r\n<zone>\r\n  <service name="ssh"/>\r\n  <port protocol="udp" port="8443"/>\r\n  <port protocol="tcp" port="8443"/>\r\n</zone>\r\n',
  '/ws/etc/nftables.conf': 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tudp dport 8443 accept\n\t\ttcp dport { 22, 8443 } accept\n\t}\n}\n',
  '/ws/scripts/iptables.sh': '#!/bin/sh\niptables -A INPUT -p udp --dport 8443 -j ACCEPT # rtcd media 8443\niptables -A INPUT -p tcp -m multiport --dports 22,8443 -j ACCEPT\n',
};

/** Renames `from` to `to` at the first `needle` in `file`; returns the edited files and the edited texts' summary. */
function rename(files: Files, file: string, needle: string, to: string): Files {
  const snap = analyze(files).snap;
  const r = renamePort(snap, (f) => files[f], file, files[file]!.indexOf(needle) + needle.length - 4, to);
  assert.ok(!('error' in r), JSON.stringify(r));
  assert.deepEqual(verdictOf(files, r.edits).caused, []);
  return applied(files, r.edits);
}

describe('rename through firewalld, nftables, iptables and quadlets', () => {
  it("renaming rtcd's media port changes the zone XML, the nftables ruleset and the iptables script digits, and back restores every byte", () => {
    const out = rename(FILES, RTCD, 'ice_port_udp = 8443', '8543');
    assert.equal(out['/ws/etc/firewalld/zones/public.xml'], FILES['/ws/etc/firewalld/zones/public.xml']!.replace('"udp" port="8443"', '"udp" port="8543"'));
    assert.equal(out['/ws/etc/nftables.conf'], FILES['/ws/etc/nftables.conf']!.replace('udp dport 8443', 'udp dport 8543'));
    assert.equal(out['/ws/scripts/iptables.sh'], FILES['/ws/scripts/iptables.sh']!.replace('--dport 8443', '--dport 8543'));
    const back = rename(out, RTCD, 'ice_port_udp = 8543', '8443');
    for (const f of Object.keys(FILES)) assert.equal(back[f], FILES[f], f);
  });

  it('renumber-rtcd moves the media port in the zone XML, the ruleset and the script, and renumbering back restores every byte', () => {
    const plan = planRenumber(analyze(FILES).snap, (f) => FILES[f], { api: 8045, media: 8543 });
    assert.equal(plan.invalid, undefined);
    assert.deepEqual(plan.held, []);
    const out = applied(FILES, plan.edits);
    assert.equal(out['/ws/etc/firewalld/zones/public.xml'], FILES['/ws/etc/firewalld/zones/public.xml']!.replace(/port="8443"/g, 'port="8543"'));
    assert.equal(out['/ws/etc/nftables.conf'], FILES['/ws/etc/nftables.conf']!.replace(/8443/g, '8543'));
    assert.equal(out['/ws/scripts/iptables.sh'], FILES['/ws/scripts/iptables.sh']!.replace('--dport 8443', '--dport 8543').replace('22,8443', '22,8543'));
    assert.deepEqual(plan.mentions.filter((m) => m.fact.kind === 'firewall').map((m) => m.why).sort(), ['firewalld rule', 'firewalld rule', 'iptables rule', 'iptables rule', 'nftables rule', 'nftables rule']);
    const back = planRenumber(analyze(out).snap, (f) => out[f], { api: 8045, media: 8443 });
    const restored = applied(out, back.edits);
    for (const f of Object.keys(FILES)) assert.equal(restored[f], FILES[f], f);
  });

  it('renaming a quadlet PublishPort changes its digits and the nftables rule that opens it, and back restores every byte', () => {
    const files: Files = {
      '/ws/etc/containers/systemd/web.container': '[Container]\nImage=docker.io/library/nginx:1.27\nPublishPort=8080:80\n',
      '/ws/etc/nftables.conf': 'table inet filter {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 8080 accept\n  }\n}\n',
    };
    const out = rename(files, '/ws/etc/containers/systemd/web.container', 'PublishPort=8080', '8090');
    assert.equal(out['/ws/etc/containers/systemd/web.container'], files['/ws/etc/containers/systemd/web.container']!.replace('8080:80', '8090:80'));
    assert.equal(out['/ws/etc/nftables.conf'], files['/ws/etc/nftables.conf']!.replace('8080', '8090'));
    const back = rename(out, '/ws/etc/containers/systemd/web.container', 'PublishPort=8090', '8080');
    for (const f of Object.keys(files)) assert.equal(back[f], files[f], f);
  });
});

describe('hover and Ports view on firewall and quadlet facts', () => {
  it('hovers the digits of a zone port, an nftables rule, an iptables rule and a PublishPort, and lists them in the Ports view', () => {
    const files: Files = { ...FILES, '/ws/etc/containers/systemd/web.container': '[Container]\nImage=docker.io/library/nginx:1.27\nPublishPort=8080:80\n' };
    const a = analyze(files);
    const link = (_l: unknown, text: string) => text;
    for (const [file, needle] of [['/ws/etc/firewalld/zones/public.xml', 'port="8443"'], ['/ws/etc/nftables.conf', 'dport 8443'], ['/ws/scripts/iptables.sh', '--dport 8443'], ['/ws/etc/containers/systemd/web.container', '8080']] as const) {
      const offset = files[file]!.indexOf(needle) + needle.indexOf('8');
      const h = hoverAt(a.snap, file, offset, link);
      assert.ok(h, `hover at ${file}`);
      assert.equal(files[file]!.slice(h.location.span.start, h.location.span.end), needle.includes('8443') ? '8443' : '8080');
      const fw = /firewalld|nftables|iptables/.exec(file)?.[0];
      if (fw) assert.match(h.markdown, new RegExp(`\\n${fw} allow in from anywhere\\n`));
      else assert.match(h.markdown, /Owner: \*\*web\*\*/);
    }
    const tree = portTree(a.snap, a.diagnostics);
    assert.equal(tree[0]!.byProject, false, 'no compose project: no project level');
    const mentions = (port: string, protocol: string) => tree[0]!.projects.flatMap((g) => g.ports).find((p) => p.port === port && p.protocol === protocol)!.mentions.map((m) => `${m.kind} ${m.owner} ${m.file}:${m.line}`);
    assert.deepEqual(mentions('8443', 'udp'), ['firewall firewalld etc/firewalld/zones/public.xml:4', 'firewall nftables etc/nftables.conf:4', 'bind rtcd etc/rtcd/config.toml:4', 'firewall iptables scripts/iptables.sh:2']);
    assert.deepEqual(mentions('8080', 'tcp'), ['bind web etc/containers/systemd/web.container:3']);
  });
});
