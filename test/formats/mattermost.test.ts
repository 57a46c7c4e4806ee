import * as assert from 'node:assert/strict';
import { mattermostFormat } from '../../server/src/core/formats/mattermost';
import { classify } from '../../server/src/core/index/registry';
import { corpusText, extractIn, slice } from '../helpers';

const P = '/ws/opt/mattermost/config/config.json';
const run = (text: string, path = P) => extractIn(mattermostFormat, { [path]: text }, path);
const brief = (text: string, r: ReturnType<typeof run>) =>
  r.facts.map((f) => `${f.kind} ${f.role} ${f.ports.start}/${f.protocol} ${f.address ?? '*'} ${f.derivation.kind}${f.shadowed ? ' shadowed' : ''} ${JSON.stringify(slice(text, f.location.span))}`);

const config = (service: string, calls?: string) =>
  `{\n  "ServiceSettings": {\n    "SiteURL": "https://chat.example.com",\n${service}\n  },\n  "SqlSettings": {\n    "DriverName": "postgres",\n    "DataSource": "postgres://mmuser:pw@localhost:5432/mattermost?sslmode=disable"\n  },\n  "MetricsSettings": {\n    "Enable": false,\n    "ListenAddress": ":8067"\n  }${
    calls === undefined ? '' : `,\n  "PluginSettings": {\n    "Enable": true,\n    "Plugins": {\n      "com.mattermost.calls": {\n${calls}\n      }\n    }\n  }`
  }\n}\n`;

describe('Mattermost config.json (mattermost-json)', () => {
  it('does not take the Calls plugin manifest (plugin.json) for a Mattermost config', () => {
    const text = corpusText('calls-plugin/plugin.json');
    assert.equal(mattermostFormat.detect('/ws/calls-plugin/plugin.json', text), false);
    assert.equal(mattermostFormat.detect('/ws/opt/mattermost/config/config.json', text), false);
    assert.notEqual(classify('/ws/calls-plugin/plugin.json', text).mod?.id, 'mattermost-json');
  });

  it('detects config.json strongly and other names weakly, only with Mattermost sections', () => {
    const text = config('    "ListenAddress": ":8065"');
    assert.equal(mattermostFormat.detect(P, text), 'strong');
    assert.equal(mattermostFormat.detect('/ws/backup/mattermost-config.json', text), 'weak');
    assert.equal(mattermostFormat.detect('/ws/app/config.json', '{ "ServiceSettings": { "port": 1 } }'), false);
    assert.equal(mattermostFormat.detect('/ws/app/config.yaml', text), false);
  });

  it('reads ServiceSettings.ListenAddress on the digits; metrics and the data source bind nothing', () => {
    const text = config('    "ListenAddress": ":8065"');
    const r = run(text);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(brief(text, r), ['bind mattermost-http 8065/tcp * literal "8065"']);
    assert.equal(r.facts[0]!.detail, 'ServiceSettings.ListenAddress');
    const local = config('    "ListenAddress": "127.0.0.1:8065"');
    assert.deepEqual(brief(local, run(local)), ['bind mattermost-http 8065/tcp 127.0.0.1 literal "8065"']);
  });

  it('binds Mattermost\'s default :8065 when ListenAddress is absent', () => {
    const text = config('    "EnableAPIv3": false');
    const r = run(text);
    assert.deepEqual(brief(text, r), ['bind mattermost-http 8065/tcp * default "\\"ServiceSettings\\""']);
  });

  it('reads a ListenAddress written with escapes on the whole string', () => {
    const text = config('    "ListenAddress": "\\u003a8066"');
    assert.deepEqual(brief(text, run(text)), ['bind mattermost-http 8066/tcp * literal "\\"\\\\u003a8066\\""']);
  });

  it('reads the Calls rtcd URL and keeps the plugin\'s own ports as shadowed mentions', () => {
    const text = config('    "ListenAddress": ":8065"', '        "rtcdserviceurl": "https://rtc.example.com:8444",\n        "udpserverport": 8443,\n        "tcpserverport": 8443');
    const r = run(text);
    assert.deepEqual(brief(text, r), [
      'bind mattermost-http 8065/tcp * literal "8065"',
      'reference calls-rtcd-url 8444/tcp rtc.example.com literal "8444"',
      'bind calls-udp 8443/udp * literal shadowed "8443"',
      'bind calls-tcp 8443/tcp * literal shadowed "8443"',
    ]);
    assert.equal(r.facts[1]!.scheme, 'https');
  });

  it('uses the scheme\'s default port for a URL without one, on the host name; keys are case-insensitive', () => {
    const text = config('    "ListenAddress": ":8065"', '        "RTCDServiceURL": " http://rtcd "');
    const r = run(text);
    assert.deepEqual(brief(text, r).slice(1), [
      'reference calls-rtcd-url 80/tcp rtcd default "rtcd"',
      'bind calls-udp 8443/udp * default shadowed "\\"RTCDServiceURL\\""',
      'bind calls-tcp 8443/tcp * default shadowed "\\"RTCDServiceURL\\""',
    ]);
  });

  it('binds the plugin\'s ports (default 8443) when no rtcd URL is set', () => {
    const text = config('    "ListenAddress": ":8065"', '        "rtcdserviceurl": "",\n        "udpserverport": 8446');
    assert.deepEqual(brief(text, run(text)).slice(1), ['bind calls-udp 8446/udp * literal "8446"', 'bind calls-tcp 8443/tcp * default "\\"rtcdserviceurl\\""']);
  });

  it('reports plugin ports outside [80, 49151] and a URL that is not one', () => {
    const text = config('    "ListenAddress": ":8065"', '        "rtcdserviceurl": "rtcd:8045:x",\n        "udpserverport": 79,\n        "tcpserverport": 49152');
    const r = run(text);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['invalid-port', '"rtcd:8045:x"'], ['invalid-port', '79'], ['invalid-port', '49152']]);
    assert.equal(r.findings[1]!.message, 'the Calls plugin accepts ports in [80, 49151]; udpserverport is 79');
  });

  it('reports a ListenAddress without a port, and stays silent for a valid one', () => {
    const text = config('    "ListenAddress": "chat.example.com"');
    const r = run(text);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['invalid-port', '"chat.example.com"']]);
    assert.deepEqual(r.facts, []);
    assert.deepEqual(run(config('    "ListenAddress": "[::]:8065"')).findings, []);
  });

  it('reports broken JSON as parse-error at the offset and fails', () => {
    const text = '{\n  "ServiceSettings": { "ListenAddress": ":8065" }\n  "SqlSettings": {}\n}\n';
    const r = run(text);
    assert.equal(r.failed, true);
    assert.deepEqual(r.facts, []);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['parse-error', '"SqlSettings"']]);
    assert.match(r.findings[0]!.message, /^JSON syntax error: CommaExpected$/);
  });

  it('tolerates comments and trailing commas, and never throws', () => {
    const text = '{\n  // local\n  "ServiceSettings": { "ListenAddress": ":8065", },\n  "SqlSettings": {},\n}\n';
    assert.deepEqual(brief(text, run(text)), ['bind mattermost-http 8065/tcp * literal "8065"']);
    for (const t of ['', '[]', 'null', '{"ServiceSettings": 1, "SqlSettings": 2}', '{"ServiceSettings": {"ListenAddress": 8065}, "PluginSettings": {"Plugins": {"com.mattermost.calls": 1}}}']) {
      assert.doesNotThrow(() => run(t));
    }
  });
});
