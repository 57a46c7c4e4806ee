import * as assert from 'node:assert/strict';
import { analyze, at, summary } from '../memory';
import { nginxSite, rtcdConfig, ufwScript } from './fixtures';

const UFW = '/ws/etc/ufw/setup-firewall.sh';
const RTCD = '/ws/etc/rtcd/config.toml';

describe('rule firewall-missing', () => {
  it('reports rtcd media TCP when only the UDP port is allowed, naming the rules file', () => {
    const files = { [UFW]: ufwScript(['22/tcp', '8045/tcp', '8443/udp']), [RTCD]: rtcdConfig(':8045', 8443, 8443) };
    const ds = analyze(files).byRule('firewall-missing');
    assert.deepEqual(summary(files, ds), [`firewall-missing ${RTCD}:10 "8443"`]);
    assert.equal(ds[0]!.message, '8443/tcp (rtcd\'s media (ICE TCP)) must be reachable from outside, but no ufw rule on host "ws" allows it (rules in etc/ufw/setup-firewall.sh); add: ufw allow 8443/tcp');
    assert.deepEqual(ds[0]!.data, { port: 8443, protocol: 'tcp', rulesFile: UFW });
  });

  it('reports a public nginx listener without an allow rule', () => {
    const site = '/ws/etc/nginx/sites-enabled/chat';
    const files = { [UFW]: ufwScript(['22/tcp', '80/tcp']), [site]: nginxSite('chat.example.com', ['80', '443 ssl']) };
    const ds = analyze(files).byRule('firewall-missing');
    assert.deepEqual(summary(files, ds), [`firewall-missing ${site}:3 "443"`]);
    assert.match(ds[0]!.message, /^443\/tcp \(chat\.example\.com's listen\) must be reachable/);
  });

  it('stays silent for Docker-published ports, loopback listeners, covering ranges and both-protocol rules', () => {
    const a = analyze({
      [UFW]: ufwScript(['22/tcp', '8000:9000/tcp', '8443']),
      '/ws/opt/jitsi/docker-compose.yml': 'services:\n  jvb:\n    image: jitsi/jvb:stable\n    ports:\n      - "10000:10000/udp"\n',
      '/ws/etc/nginx/sites-enabled/local': nginxSite('localhost', ['127.0.0.1:8081']),
      [RTCD]: rtcdConfig(':8045', 8443, 8443),
    });
    assert.deepEqual(a.byRule('firewall-missing'), []);
  });

  it('demands rules for a container on network_mode: host (its ports are host binds ufw filters), not for the same container bridged', () => {
    const compose = '/ws/opt/rtcd/docker-compose.yml';
    const hostMode = 'services:\n  rtcd:\n    image: mattermost/rtcd:latest\n    network_mode: host\n';
    const bridged = 'services:\n  rtcd:\n    image: mattermost/rtcd:latest\n    ports:\n      - "8443:8443/udp"\n      - "8443:8443/tcp"\n';
    const onHost = analyze({ [UFW]: ufwScript(['22/tcp']), [compose]: hostMode }).byRule('firewall-missing');
    assert.deepEqual(onHost.map((d) => d.data?.['protocol']).sort(), ['tcp', 'udp']);
    assert.ok(onHost.every((d) => d.data?.['port'] === 8443));
    assert.deepEqual(analyze({ [UFW]: ufwScript(['22/tcp']), [compose]: bridged }).byRule('firewall-missing'), []);
  });

  it('stays silent on a host with no ufw rule file, even when a Markdown document lists rules', () => {
    const a = analyze({
      [RTCD]: rtcdConfig(':8045', 8443, 8443),
      '/ws/docs/ports.md': '# Ports\n\n```sh\nsudo ufw allow 8443/udp\n```\n',
    });
    assert.ok(a.snap.facts.some((f) => f.kind === 'firewall' && f.format === 'markdown'));
    assert.deepEqual(a.byRule('firewall-missing'), []);
    assert.deepEqual(a.byRule('firewall-stale'), []);
  });
});

describe('rule firewall-stale', () => {
  it('reports an allow rule nothing binds, naming what binds the port on another protocol', () => {
    const files = { [UFW]: ufwScript(['22/tcp', '8443/udp', '8443/tcp', '8045/udp']), [RTCD]: rtcdConfig(':8045', 8443, 8443) };
    const ds = analyze(files).byRule('firewall-stale');
    assert.deepEqual(summary(files, ds), [`firewall-stale ${UFW}:7 "8045"`]);
    assert.equal(ds[0]!.message, 'ufw allows 8045/udp, but nothing on host "ws" binds it; rtcd binds 8045/tcp (etc/rtcd/config.toml:2)');
    assert.equal(at(files, ds[0]!.related[0]!.location), '8045');
  });

  it('never calls 22/tcp stale, and counts Docker-published ports and rtcd\'s advertised port as used', () => {
    const a = analyze({
      [UFW]: ufwScript(['22/tcp', '10000/udp', '30443', '8443/udp', '8443/tcp']),
      '/ws/opt/jitsi/docker-compose.yml': 'services:\n  jvb:\n    image: jitsi/jvb:stable\n    ports:\n      - "${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp"\n',
      [RTCD]: rtcdConfig(':8045', 8443, 8443, 'ice_host_port_override = 30443\n'),
    });
    assert.ok(a.snap.facts.some((f) => f.role === 'rtcd-ice-host-port-override' && f.ports.start === 30443));
    assert.deepEqual(a.byRule('firewall-stale'), []);
  });

  it('does not call a deny rule stale', () => {
    const a = analyze({ [UFW]: '#!/bin/sh\nufw deny 3306/tcp\nufw allow 22/tcp\n' });
    assert.deepEqual(a.byRule('firewall-stale'), []);
  });
});
