/**
 * `firewall-stale` on hosts with listeners Portolan cannot read: host-network containers and
 * units that start a script or a program whose port is not in the unit. The finding becomes
 * information and names them, unless a documented default port accounts for the rule.
 */
import * as assert from 'node:assert/strict';
import { quickFixes } from '../../server/src/core/features/edits/fixes';
import { analyze, at, summary } from '../memory';
import { contextOf } from '../edits/util';
import { ufwScript } from './fixtures';

const UFW = '/ws/etc/ufw/setup-firewall.sh';
const COMPOSE = '/ws/opt/app/docker-compose.yml';
const UNITS = '/ws/etc/systemd/system';

describe('rule firewall-stale: listeners Portolan cannot see', () => {
  it('information, naming a network_mode: host service whose image Portolan does not know', () => {
    const files = {
      [UFW]: ufwScript(['22/tcp', '51820/udp']),
      [COMPOSE]: 'services:\n  wireguard:\n    image: example/wg-easy:14\n    network_mode: host\n',
    };
    const ds = analyze(files).byRule('firewall-stale');
    assert.deepEqual(summary(files, ds), [`firewall-stale ${UFW}:5 "51820"`]);
    assert.equal(ds[0]!.severity, 'information');
    assert.equal(ds[0]!.message, 'ufw allows 51820/udp, and nothing on host "ws" that Portolan can read binds it; it may be bound by wireguard (network_mode: host), whose listener Portolan cannot see');
    assert.equal(at(files, ds[0]!.related[0]!.location), 'wireguard');
    assert.deepEqual(ds[0]!.data, { unseen: ['wireguard'] });
  });

  it('no quick fix deletes a rule an unseen listener may need; the plain stale rule keeps its fix', () => {
    const files = { [UFW]: ufwScript(['22/tcp', '51820/udp']), [COMPOSE]: 'services:\n  wireguard:\n    image: example/wg-easy:14\n    network_mode: host\n' };
    const ctx = contextOf(files);
    const d = ctx.before.find((x) => x.rule === 'firewall-stale')!;
    assert.deepEqual(quickFixes(ctx, d), []);
    const plain = contextOf({ [UFW]: ufwScript(['22/tcp', '51820/udp']) });
    const p = plain.before.find((x) => x.rule === 'firewall-stale')!;
    assert.equal(p.severity, 'warning');
    assert.equal(quickFixes(plain, p).length, 1);
  });

  it('a known image on the host network accounts for its default port; another port is information when a flag may set it', () => {
    const ha = 'services:\n  homeassistant:\n    image: ghcr.io/home-assistant/home-assistant:stable\n    network_mode: host\n';
    assert.deepEqual(analyze({ [UFW]: ufwScript(['22/tcp', '8123/tcp']), [COMPOSE]: ha }).byRule('firewall-stale'), []);
    // Same image, no command: its listener is its default, so 8124 is plainly stale.
    const stale = analyze({ [UFW]: ufwScript(['22/tcp', '8124/tcp']), [COMPOSE]: ha }).byRule('firewall-stale');
    assert.deepEqual(stale.map((d) => d.severity), ['warning']);
    // A command may move it: information.
    const flagged = 'services:\n  grafana:\n    image: grafana/grafana:11.1.0\n    network_mode: host\n    environment:\n      GF_SERVER_HTTP_PORT: "3001"\n';
    const ds = analyze({ [UFW]: ufwScript(['22/tcp', '3001/tcp']), [COMPOSE]: flagged }).byRule('firewall-stale');
    assert.deepEqual(ds.map((d) => d.severity), ['information']);
    assert.match(ds[0]!.message, /may be bound by grafana \(network_mode: host\)/);
    assert.deepEqual(analyze({ [UFW]: ufwScript(['22/tcp', '3000/tcp']), [COMPOSE]: flagged }).byRule('firewall-stale'), [], 'the default 3000 still accounts');
  });

  it('docker run --network host and a bridged container', () => {
    const sh = '/ws/opt/app/run.sh';
    const files = { [UFW]: ufwScript(['22/tcp', '7000/tcp']), [sh]: '#!/bin/sh\ndocker run -d --name relay --network host example/relay:1 --listen 0.0.0.0:7000\n' };
    const ds = analyze(files).byRule('firewall-stale');
    assert.equal(ds[0]!.severity, 'information');
    assert.match(ds[0]!.message, /may be bound by relay \(--network host\), whose listener Portolan cannot see$/);
    // Near miss: bridged, its published ports are read; nothing publishes 7000.
    const bridged = { [UFW]: ufwScript(['22/tcp', '7000/tcp']), [sh]: '#!/bin/sh\ndocker run -d --name relay -p 7001:7000 example/relay:1\n' };
    assert.deepEqual(analyze(bridged).byRule('firewall-stale').map((d) => d.severity), ['warning']);
  });

  it('units that start a script, or a program whose port is not in the unit', () => {
    const files = {
      [UFW]: ufwScript(['22/tcp', '6000/tcp']),
      [`${UNITS}/game.service`]: '[Service]\nExecStart=/opt/game/start.sh\n',
      [`${UNITS}/worker.service`]: '[Service]\nExecStart=/usr/bin/python3 /opt/worker/main.py\n',
      [`${UNITS}/daemon.service`]: '[Service]\nExecStart=/usr/local/bin/mydaemon --config /etc/mydaemon.yml\n',
    };
    const ds = analyze(files).byRule('firewall-stale');
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.severity, 'information');
    assert.equal(ds[0]!.message, 'ufw allows 6000/tcp, and nothing on host "ws" that Portolan can read binds it; it may be bound by daemon.service (ExecStart runs mydaemon, whose port is not in the unit), game.service (ExecStart runs a script, start.sh) or worker.service (ExecStart runs a script, python3 main.py), whose listeners Portolan cannot see');
  });

  describe('near misses: the plain warning stays', () => {
    it('a unit whose port is in the unit, a unit that wraps docker run, and rtcd', () => {
      const files = {
        [UFW]: ufwScript(['22/tcp', '6000/tcp']),
        [`${UNITS}/api.service`]: '[Service]\nExecStart=/usr/local/bin/api --port 6001\n',
        [`${UNITS}/app.service`]: '[Service]\nExecStart=/usr/bin/docker run --rm -p 6002:80 nginx:1.27\n',
        [`${UNITS}/rtcd.service`]: '[Service]\nExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml\n',
      };
      const ds = analyze(files).byRule('firewall-stale');
      assert.deepEqual(ds.map((d) => [d.severity, at(files, d)]), [['warning', '6000']]);
      assert.match(ds[0]!.message, /^ufw allows 6000\/tcp, but nothing on host "ws" binds it$/);
    });

    it('a unit whose program documents the port accounts for it, unless the unit says otherwise', () => {
      const files = { [UFW]: ufwScript(['22/tcp', '5432/tcp']), [`${UNITS}/postgresql.service`]: '[Service]\nExecStart=/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main\n' };
      assert.deepEqual(analyze(files).byRule('firewall-stale'), []);
      const moved = { ...files, [`${UNITS}/postgresql.service`]: '[Service]\nExecStart=/usr/lib/postgresql/16/bin/postgres -p 5433\n' };
      assert.deepEqual(analyze(moved).byRule('firewall-stale').map((d) => d.severity), ['warning']);
    });

    it('host-network containers on another host do not soften this host\'s findings', () => {
      const files = { '/a/etc/ufw/setup.sh': ufwScript(['22/tcp', '51820/udp']), '/b/docker-compose.yml': 'services:\n  wg:\n    image: example/wg:1\n    network_mode: host\n' };
      const a = analyze(files, { roots: [{ path: '/a', name: 'a' }, { path: '/b', name: 'b' }] });
      assert.deepEqual(a.byRule('firewall-stale').map((d) => d.severity), ['warning']);
    });

    it('a severity setting still decides for every firewall-stale finding', async () => {
      const { runRules } = await import('../../server/src/core/rules/index');
      const a = analyze({ [UFW]: ufwScript(['22/tcp', '51820/udp']), [COMPOSE]: 'services:\n  wg:\n    image: example/wg:1\n    network_mode: host\n' });
      assert.deepEqual(runRules(a.snap, { 'firewall-stale': 'warning' }).filter((d) => d.rule === 'firewall-stale').map((d) => d.severity), ['warning']);
      assert.deepEqual(runRules(a.snap, { 'firewall-stale': 'off' }).filter((d) => d.rule === 'firewall-stale'), []);
    });
  });
});
