import * as assert from 'node:assert/strict';
import { analyze, summary } from '../memory';
import { mattermostConfig, nginxSite, rtcdConfig, rtcdUnit } from './fixtures';

const RTCD = '/ws/etc/rtcd/config.toml';

describe('rule invalid-port', () => {
  it('reports rtcd ports outside [80, 49151] and an nginx listen above 65535', () => {
    const site = '/ws/etc/nginx/sites-enabled/app';
    const files = { [RTCD]: rtcdConfig(':8045', 70, 50000), [site]: nginxSite('app.example.com', ['70000']) };
    const ds = analyze(files).byRule('invalid-port');
    assert.deepEqual(summary(files, ds), [`invalid-port ${site}:2 "70000"`, `invalid-port ${RTCD}:8 "70"`, `invalid-port ${RTCD}:10 "50000"`]);
    assert.equal(ds[1]!.message, 'rtcd accepts ports in [80, 49151]; rtc.ice_port_udp is 70');
    assert.equal(ds[1]!.severity, 'error');
  });

  it('reports an RTCD_ override out of range on its digits', () => {
    const unit = '/ws/etc/systemd/system/rtcd.service';
    const files = { [unit]: rtcdUnit(['Environment=RTCD_RTC_ICEPORTUDP=60000']), [RTCD]: rtcdConfig() };
    const ds = analyze(files).byRule('invalid-port');
    assert.deepEqual(summary(files, ds), [`invalid-port ${unit}:9 "60000"`]);
    assert.match(ds[0]!.message, /RTCD_RTC_ICEPORTUDP is 60000/);
  });

  it('stays silent at the bounds 80 and 49151', () => {
    const a = analyze({ [RTCD]: rtcdConfig(':80', 49151, 49151), '/ws/opt/mattermost/config/config.json': mattermostConfig(':8065', { udpserverport: 80, tcpserverport: 49151 }) });
    assert.deepEqual(a.byRule('invalid-port'), []);
  });
});

describe('rule unknown-rtcd-key', () => {
  it('reports seed 000\'s [HTTP] ServerPort and [RTC] ICEPortUDP with the key rtcd reads', () => {
    const files = { [RTCD]: '# /etc/rtcd/config.toml\n[HTTP]\nServerPort = 8443\n\n[RTC]\nICEPortUDP = 8045\nICEPortTCP = 8045\n' };
    const a = analyze(files);
    const ds = a.byRule('unknown-rtcd-key');
    assert.deepEqual(summary(files, ds), [
      `unknown-rtcd-key ${RTCD}:3 "ServerPort"`,
      `unknown-rtcd-key ${RTCD}:6 "ICEPortUDP"`,
      `unknown-rtcd-key ${RTCD}:7 "ICEPortTCP"`,
    ]);
    assert.equal(ds[0]!.message, 'rtcd does not read "HTTP.ServerPort" (section [HTTP] is not one of rtcd\'s: api, rtc, store, logger); did you mean "api.http.listen_address"?');
    assert.deepEqual(ds.map((d) => d.data), [{ suggestion: 'api.http.listen_address' }, { suggestion: 'rtc.ice_port_udp' }, { suggestion: 'rtc.ice_port_tcp' }]);
    assert.equal(ds[0]!.severity, 'warning');
    // rtcd ignores those keys, so its defaults apply.
    assert.deepEqual(a.snap.facts.map((f) => [f.role, f.ports.start, f.derivation.kind]), [['rtcd-api', 8045, 'default'], ['rtcd-ice-udp', 8443, 'default'], ['rtcd-ice-tcp', 8443, 'default']]);
  });

  it('reports API_SECURITY_ALLOWSELFREGISTRATION without the RTCD_ prefix in rtcd\'s unit', () => {
    const unit = '/ws/etc/systemd/system/rtcd.service';
    const files = { [unit]: rtcdUnit(['Environment=API_SECURITY_ALLOWSELFREGISTRATION=true']), [RTCD]: rtcdConfig() };
    const ds = analyze(files).byRule('unknown-rtcd-key');
    assert.deepEqual(summary(files, ds), [`unknown-rtcd-key ${unit}:9 "API_SECURITY_ALLOWSELFREGISTRATION"`]);
    assert.equal(ds[0]!.message, 'rtcd does not read API_SECURITY_ALLOWSELFREGISTRATION (rtcd reads only variables prefixed RTCD_); did you mean RTCD_API_SECURITY_ALLOWSELFREGISTRATION?');
    assert.deepEqual(ds[0]!.data, { suggestion: 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION' });
  });

  it('reports a misspelt variable in an EnvironmentFile once, although both the unit and the file are read', () => {
    const unit = '/ws/etc/systemd/system/rtcd.service';
    const env = '/ws/etc/rtcd/rtcd.env';
    const files = { [unit]: rtcdUnit(['EnvironmentFile=/etc/rtcd/rtcd.env']), [env]: 'RTCD_LOGER_ENABLEFILE=false\n', [RTCD]: rtcdConfig() };
    const ds = analyze(files).byRule('unknown-rtcd-key');
    assert.deepEqual(summary(files, ds), [`unknown-rtcd-key ${env}:1 "RTCD_LOGER_ENABLEFILE"`]);
    assert.match(ds[0]!.message, /did you mean RTCD_LOGGER_ENABLEFILE\?$/);
  });

  it('stays silent for rtcd\'s real keys and variables, and for other programs\' variables', () => {
    const a = analyze({
      [RTCD]: rtcdConfig(':8045', 8443, 8443, 'ice_host_override = "203.0.113.10"\nice_servers = [{urls = ["stun:stun.example.com:3478"]}]\n'),
      '/ws/etc/systemd/system/rtcd.service': rtcdUnit(['Environment=RTCD_LOGGER_ENABLEFILE=false', 'Environment=GOMAXPROCS=4']),
      '/ws/etc/systemd/system/api.service': '[Service]\nExecStart=/usr/bin/api\nEnvironment=API_SECURITY_ALLOWSELFREGISTRATION=true\n',
    });
    assert.deepEqual(a.byRule('unknown-rtcd-key'), []);
  });
});

describe('rule parse-error', () => {
  it('reports a syntax error in a confidently recognized file at the offending offset', () => {
    const files = { [RTCD]: '[api]\nhttp.listen_address = ":8045\n\n[rtc]\nice_port_udp = 8443\n' };
    const ds = analyze(files).byRule('parse-error');
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.location.file, RTCD);
    assert.match(ds[0]!.message, /^TOML syntax error: /);
    assert.ok(ds[0]!.location.span.start >= files[RTCD].indexOf('":8045') && ds[0]!.location.span.start <= files[RTCD].indexOf('\n\n'), 'offset on the unterminated string');
  });

  it('reports broken JSON in Mattermost\'s config.json', () => {
    const mm = '/ws/opt/mattermost/config/config.json';
    const files = { [mm]: '{\n  "ServiceSettings": { "ListenAddress": ":8065" },\n  "SqlSettings": { "DriverName": "postgres" }\n  "PluginSettings": {}\n}\n' };
    const ds = analyze(files).byRule('parse-error');
    assert.deepEqual(summary(files, ds), [`parse-error ${mm}:4 "\\"PluginSettings\\""`]);
  });

  it('stays silent for a weakly detected file that does not parse, and for files no module reads', () => {
    const a = analyze({
      '/ws/tools/app.toml': '[server]\nport = 8080\nname = "x\n',
      '/ws/etc/dovecot/dovecot.conf': 'protocols = imap\nservice imap-login {\n  inet_listener imap {\n    port = 143\n  }\n  inet_listener imaps {\n    port = 993\n    ssl = yes\n  }\n}\n',
    });
    assert.equal(a.snap.files.get('/ws/tools/app.toml')?.confident, false);
    assert.equal(a.snap.files.has('/ws/etc/dovecot/dovecot.conf'), false);
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.snap.facts, []);
  });
});
