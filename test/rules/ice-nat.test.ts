/**
 * `rtcd-mismatch` for rtcd's (and the Calls plugin's) ICE port published on another host port
 * without a host-port override that says so, and its quick fixes.
 */
import * as assert from 'node:assert/strict';
import { quickFixes, type QuickFix } from '../../server/src/core/features/edits/fixes';
import { analyze, at, summary } from '../memory';
import { applied, contextOf, verdictOf } from '../edits/util';
import { rtcdConfig } from './fixtures';

const COMPOSE = '/ws/opt/rtcd/docker-compose.yml';
const rtcd = (ports: string[], extra: string[] = []) =>
  ['services:', '  rtcd:', '    image: mattermost/rtcd:v1.1.0', ...extra, '    ports:', ...ports.map((p) => `      - "${p}"`), ''].join('\n');
const ice = (files: Record<string, string>) => analyze(files).byRule('rtcd-mismatch').filter((d) => d.data?.['fix'] === 'ice-host-port');

function fixesOf(files: Record<string, string>, text: string): QuickFix[] {
  const ctx = contextOf(files);
  const d = ctx.before.find((x) => x.rule === 'rtcd-mismatch' && x.data?.['fix'] === 'ice-host-port' && files[x.location.file]!.slice(x.location.span.start, x.location.span.end) === text);
  assert.ok(d, `no ICE finding on "${text}": ${ctx.before.map((x) => x.message).join(' | ')}`);
  return quickFixes(ctx, d);
}

/** Applies a fix after checking that it removes its problem and causes none. */
function apply(files: Record<string, string>, fix: QuickFix): Record<string, string> {
  const v = verdictOf(files, fix.edits);
  assert.deepEqual(v.caused.map((d) => `${d.rule}: ${d.message}`), []);
  assert.ok(v.resolved.some((r) => r.location.file === fix.diagnostic.location.file && r.location.span.start === fix.diagnostic.location.span.start));
  return applied(files, fix.edits);
}

describe('rule rtcd-mismatch: ICE ports behind port publishing', () => {
  it('reports rtcd\'s ICE UDP port published on another host port, on the published digits, naming the container port and the fix', () => {
    const files = { [COMPOSE]: rtcd(['8045:8045', '9443:8443/udp', '8443:8443/tcp']) };
    const ds = ice(files);
    assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${COMPOSE}:6 "9443"`]);
    assert.equal(ds[0]!.severity, 'error');
    assert.equal(ds[0]!.message, 'rtcd publishes rtcd\'s ICE UDP port 8443 on host port 9443, but rtcd advertises 8443, the port it listens on inside the container, in its ICE host candidates, so clients send media to a port the host does not forward and calls have no audio; set RTCD_RTC_ICEHOSTPORTOVERRIDE=9443 (rtc.ice_host_port_override), or publish "8443:8443/udp"');
    assert.deepEqual(ds[0]!.related.map((r) => [at(files, r.location), r.message]), [['8443', 'container port 8443/udp'], ['rtcd', 'rtcd listens on 8443/udp']]);
  });

  it('reports an override that is present but names another port, linking it', () => {
    const files = { [COMPOSE]: rtcd(['9443:8443/udp'], ['    environment:', '      - RTCD_RTC_ICEHOSTPORTOVERRIDE=30443']) };
    const ds = ice(files);
    assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${COMPOSE}:7 "9443"`]);
    assert.match(ds[0]!.message, /but rtcd advertises 30443 in its ICE host candidates \(RTCD_RTC_ICEHOSTPORTOVERRIDE at opt\/rtcd\/docker-compose\.yml:5\).*; set the override to 9443, or publish "8443:8443\/udp"$/);
    assert.equal(at(files, ds[0]!.related[2]!.location), '30443');
  });

  it('follows a mounted config.toml: its ice_port_udp and its ice_host_port_override', () => {
    const volumes = ['    volumes:', '      - ./config.toml:/rtcd/config/config.toml:ro'];
    const wrong = { [COMPOSE]: rtcd(['9444:9443/udp'], volumes), '/ws/opt/rtcd/config.toml': rtcdConfig(':8045', 9443, 9443, 'ice_host_port_override = 9443\n') };
    assert.deepEqual(summary(wrong, ice(wrong)), [`rtcd-mismatch ${COMPOSE}:7 "9444"`]);
    const right = { ...wrong, '/ws/opt/rtcd/config.toml': rtcdConfig(':8045', 9443, 9443, 'ice_host_port_override = 9444\n') };
    assert.deepEqual(ice(right), []);
    const mapping = { ...wrong, '/ws/opt/rtcd/config.toml': rtcdConfig(':8045', 9443, 9443, 'ice_host_port_override = "172.18.0.2/9444"\n') };
    assert.deepEqual(ice(mapping), [], 'the localIP/port form names the published port');
  });

  it('the environment override wins over the config file\'s', () => {
    const files = {
      [COMPOSE]: rtcd(['9444:9443/udp'], ['    environment:', '      RTCD_RTC_ICEHOSTPORTOVERRIDE: "30443"', '    volumes:', '      - ./config.toml:/rtcd/config/config.toml:ro']),
      '/ws/opt/rtcd/config.toml': rtcdConfig(':8045', 9443, 9443, 'ice_host_port_override = 9444\n'),
    };
    assert.equal(ice(files).length, 1);
  });

  it('docker run -p, and the Calls plugin\'s own RTC server in the Mattermost container', () => {
    const sh = '/ws/opt/rtcd/run.sh';
    const run = { [sh]: '#!/bin/sh\ndocker run -d --name rtcd -p 8045:8045 -p 9443:8443/udp mattermost/rtcd:latest\n' };
    assert.deepEqual(summary(run, ice(run)), [`rtcd-mismatch ${sh}:2 "9443"`]);
    const mm = '/ws/opt/mattermost/docker-compose.yml';
    const plugin = { [mm]: 'services:\n  mattermost:\n    image: mattermost/mattermost-team-edition:10.5\n    ports:\n      - "8065:8065"\n      - "9443:8443/udp"\n      - "9443:8443/tcp"\n    environment:\n      MM_CALLS_ICE_HOST_PORT_OVERRIDE: "9444"\n' };
    const ds = ice(plugin);
    assert.deepEqual(summary(plugin, ds), [`rtcd-mismatch ${mm}:6 "9443"`, `rtcd-mismatch ${mm}:7 "9443"`]);
    assert.match(ds[0]!.message, /^mattermost publishes the Calls plugin's RTC server's ICE UDP port 8443 on host port 9443, but the Calls plugin's RTC server advertises 9444 .*MM_CALLS_ICE_HOST_PORT_OVERRIDE/);
    const fixed = { [mm]: plugin[mm].replace('"9444"', '"9443"') };
    assert.deepEqual(ice(fixed), []);
  });

  it('the Calls plugin\'s ICEHostPortOverride in a mounted config.json', () => {
    const mm = '/ws/opt/mattermost/docker-compose.yml';
    const cfg = (port: number) => `{\n  "ServiceSettings": { "ListenAddress": ":8065" },\n  "SqlSettings": { "DriverName": "postgres" },\n  "PluginSettings": { "Plugins": { "com.mattermost.calls": { "udpserverport": 8443, "icehostportoverride": ${port} } } }\n}\n`;
    const compose = 'services:\n  mattermost:\n    image: mattermost/mattermost-enterprise-edition:10.5\n    ports:\n      - "9443:8443/udp"\n    volumes:\n      - ./config/config.json:/mattermost/config/config.json\n';
    assert.equal(ice({ [mm]: compose, '/ws/opt/mattermost/config/config.json': cfg(30443) }).length, 1);
    const right = { [mm]: compose, '/ws/opt/mattermost/config/config.json': cfg(9443) };
    const a = analyze(right);
    const override = a.snap.facts.find((f) => f.role === 'calls-ice-host-port-override')!;
    assert.equal(override.kind, 'reference');
    assert.equal(at(right, override.location), '9443');
    assert.deepEqual(ice(right), []);
  });

  it('firewall-stale counts the Calls plugin\'s advertised port as used, like rtcd\'s', () => {
    const cfg = '/ws/opt/mattermost/config/config.json';
    const ufw = '/ws/etc/ufw/setup.sh';
    const json = (override: string) => `{\n  "ServiceSettings": { "ListenAddress": ":8065" },\n  "SqlSettings": { "DriverName": "postgres" },\n  "PluginSettings": { "Plugins": { "com.mattermost.calls": { "udpserverport": 8443${override} } } }\n}\n`;
    const rules = '#!/bin/sh\nufw allow 22/tcp\nufw allow 8443/udp\nufw allow 8443/tcp\nufw allow 30443\n';
    assert.deepEqual(analyze({ [ufw]: rules, [cfg]: json(', "icehostportoverride": 30443') }).byRule('firewall-stale'), []);
    const stale = analyze({ [ufw]: rules, [cfg]: json('') }).byRule('firewall-stale');
    assert.deepEqual(stale.map((d) => at({ [ufw]: rules }, d)), ['30443']);
  });

  describe('near misses that must stay silent', () => {
    it('a symmetric mapping', () => {
      assert.deepEqual(ice({ [COMPOSE]: rtcd(['8045:8045', '8443:8443/udp', '8443:8443/tcp']) }), []);
    });

    it('an override equal to the published port', () => {
      assert.deepEqual(ice({ [COMPOSE]: rtcd(['9443:8443/udp', '9443:8443/tcp'], ['    environment:', '      - RTCD_RTC_ICEHOSTPORTOVERRIDE=9443']) }), []);
    });

    it('rtcd\'s API port 8045 published on another host port', () => {
      const files = { [COMPOSE]: rtcd(['18045:8045', '8443:8443/udp']) };
      assert.deepEqual(analyze(files).byRule('rtcd-mismatch'), []);
    });

    it('a Mattermost container with an rtcd URL (the plugin\'s server does not run), and a non-Calls image', () => {
      const mm = '/ws/opt/mattermost/docker-compose.yml';
      const withUrl = 'services:\n  mattermost:\n    image: mattermost/mattermost-team-edition:10.5\n    ports:\n      - "9443:8443/udp"\n    environment:\n      MM_CALLS_RTCD_SERVICE_URL: http://rtcd:8045\n';
      assert.deepEqual(ice({ [mm]: withUrl }), []);
      assert.deepEqual(ice({ [mm]: 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "9443:8443/udp"\n' }), []);
    });

    it('rtcd on the host network (Docker publishes nothing)', () => {
      assert.deepEqual(ice({ [COMPOSE]: rtcd(['9443:8443/udp'], ['    network_mode: host']) }), []);
    });
  });
});

describe('quick fixes for an ICE port published on another host port', () => {
  it('adds the override to a list environment in its style, or makes the mapping symmetric', () => {
    const files = { [COMPOSE]: rtcd(['9443:8443/udp'], ['    environment:', '      - "RTCD_LOGGER_ENABLECONSOLE=true"']) };
    const fixes = fixesOf(files, '9443');
    assert.deepEqual(fixes.map((f) => f.title), [
      'Advertise host port 9443 in ICE host candidates: add RTCD_RTC_ICEHOSTPORTOVERRIDE=9443 to rtcd\'s environment',
      'Publish container port 8443 on host port 8443 (a symmetric mapping)',
    ]);
    assert.equal(apply(files, fixes[0]!)[COMPOSE], rtcd(['9443:8443/udp'], ['    environment:', '      - "RTCD_LOGGER_ENABLECONSOLE=true"', '      - "RTCD_RTC_ICEHOSTPORTOVERRIDE=9443"']));
    assert.equal(apply(files, fixes[1]!)[COMPOSE], rtcd(['8443:8443/udp'], ['    environment:', '      - "RTCD_LOGGER_ENABLECONSOLE=true"']));
  });

  it('adds to a map environment, and creates one before ports: when there is none', () => {
    const map = { [COMPOSE]: rtcd(['9443:8443/udp'], ['    environment:', '      RTCD_LOGGER_ENABLECONSOLE: true']) };
    assert.equal(apply(map, fixesOf(map, '9443')[0]!)[COMPOSE], rtcd(['9443:8443/udp'], ['    environment:', '      RTCD_LOGGER_ENABLECONSOLE: true', '      RTCD_RTC_ICEHOSTPORTOVERRIDE: 9443']));
    const none = { [COMPOSE]: rtcd(['9443:8443/udp']) };
    assert.equal(apply(none, fixesOf(none, '9443')[0]!)[COMPOSE], rtcd(['9443:8443/udp'], ['    environment:', '      - RTCD_RTC_ICEHOSTPORTOVERRIDE=9443']));
  });

  it('sets a wrong override to the published port, in the environment or in config.toml', () => {
    const env = { [COMPOSE]: rtcd(['9443:8443/udp'], ['    environment:', '      - RTCD_RTC_ICEHOSTPORTOVERRIDE=30443']) };
    const f = fixesOf(env, '9443')[0]!;
    assert.equal(f.title, 'Advertise host port 9443 in ICE host candidates: set RTCD_RTC_ICEHOSTPORTOVERRIDE to 9443');
    assert.equal(apply(env, f)[COMPOSE], env[COMPOSE].replace('30443', '9443'));
    const toml = '/ws/opt/rtcd/config.toml';
    const mounted = { [COMPOSE]: rtcd(['9444:9443/udp'], ['    volumes:', '      - ./config.toml:/rtcd/config/config.toml:ro']), [toml]: rtcdConfig(':8045', 9443, 9443, 'ice_host_port_override = 30443\n') };
    const t = fixesOf(mounted, '9444')[0]!;
    assert.equal(apply(mounted, t)[toml], mounted[toml].replace('30443', '9444'));
  });

  it('adds ice_host_port_override to a mounted config.toml when the service has no environment to extend', () => {
    const toml = '/ws/opt/rtcd/config.toml';
    // Flow-style environment cannot be extended in its style: the TOML key is the alternative.
    const files = { [COMPOSE]: rtcd(['9444:9443/udp'], ['    environment: { RTCD_LOGGER_ENABLECONSOLE: "true" }', '    volumes:', '      - ./config.toml:/rtcd/config/config.toml:ro']), [toml]: rtcdConfig(':8045', 9443, 9443) };
    const fixes = fixesOf(files, '9444');
    assert.equal(fixes[0]!.title, 'Advertise host port 9444 in ICE host candidates: add ice_host_port_override = 9444 to opt/rtcd/config.toml');
    const out = apply(files, fixes[0]!)[toml]!;
    assert.match(out, /\nice_port_tcp = 9443\nice_host_port_override = 9444\n/);
  });

  it('adds -e to docker run after the publish option', () => {
    const sh = '/ws/opt/rtcd/run.sh';
    const files = { [sh]: '#!/bin/sh\ndocker run -d --name rtcd -p "9443:8443/udp" mattermost/rtcd:latest\n' };
    const out = apply(files, fixesOf(files, '9443')[0]!)[sh];
    assert.equal(out, '#!/bin/sh\ndocker run -d --name rtcd -p "9443:8443/udp" -e RTCD_RTC_ICEHOSTPORTOVERRIDE=9443 mattermost/rtcd:latest\n');
  });

  it('offers no symmetric mapping when the container port is taken on the host', () => {
    const files = {
      [COMPOSE]: rtcd(['9443:8443/udp']),
      '/ws/opt/other/docker-compose.yml': 'services:\n  turn:\n    image: coturn/coturn\n    ports:\n      - "8443:8443/udp"\n',
    };
    const titles = fixesOf(files, '9443').map((f) => f.title);
    assert.deepEqual(titles, ['Advertise host port 9443 in ICE host candidates: add RTCD_RTC_ICEHOSTPORTOVERRIDE=9443 to rtcd\'s environment']);
  });
});
