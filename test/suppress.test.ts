import * as assert from 'node:assert/strict';
import { RULE_INFO, runRules } from '../server/src/core/rules/index';
import { findSuppressions } from '../server/src/core/index/suppress';
import { analyze, analysisOf, at, summary } from './memory';

const site = (name: string, port: string, before = '') =>
  `server {\n${before}    listen ${port};\n    server_name ${name};\n}\n`;
const compose = (port: string, before = '') =>
  `services:\n  web:\n    image: nginx\n    ports:\n${before}      - "${port}:80"\n`;

describe('inline suppression (portolan-ignore-next-line)', () => {
  it('hides the named rule on the next line only, in nginx', () => {
    const files = {
      '/ws/nginx/sites-enabled/a': site('a.example', '8080', '    # portolan-ignore-next-line port-conflict\n'),
      '/ws/docker-compose.yml': compose('8080'),
    };
    const a = analyze(files);
    assert.deepEqual(summary(files, a.byRule('port-conflict')), ['port-conflict /ws/docker-compose.yml:5 "8080"']);
    assert.deepEqual(a.byRule('unused-suppression'), []);
  });

  it('near miss: a directive two lines above, or naming another rule, hides nothing and says so', () => {
    const files = {
      '/ws/nginx/sites-enabled/a': 'server {\n    # portolan-ignore-next-line port-conflict\n\n    listen 8080;\n}\n',
      '/ws/docker-compose.yml': compose('8080', '      # portolan-ignore-next-line firewall-missing\n'),
    };
    const a = analyze(files);
    assert.equal(a.byRule('port-conflict').length, 2);
    const unused = a.byRule('unused-suppression');
    assert.deepEqual(summary(files, unused), [
      'unused-suppression /ws/docker-compose.yml:5 "firewall-missing"',
      'unused-suppression /ws/nginx/sites-enabled/a:2 "port-conflict"',
    ]);
    assert.equal(unused[0]!.severity, 'hint');
    assert.match(unused[0]!.message, /hides nothing: no firewall-missing problem starts on the next line/);
  });

  it('hides every rule when none is named, and reports an unknown rule name', () => {
    const files = {
      '/ws/docker-compose.yml': compose('8080', '      # portolan-ignore-next-line\n'),
      '/ws/nginx/sites-enabled/a': site('a.example', '8080', '    # portolan-ignore-next-line port-conflit -- typo\n'),
    };
    const a = analyze(files);
    assert.deepEqual(summary(files, a.byRule('port-conflict')), ['port-conflict /ws/nginx/sites-enabled/a:3 "8080"']);
    const unused = a.byRule('unused-suppression');
    assert.deepEqual(summary(files, unused), ['unused-suppression /ws/nginx/sites-enabled/a:2 "port-conflit"']);
    assert.match(unused[0]!.message, /"port-conflit" is not a Portolan rule/);
  });

  it('reads each format\'s comment syntax and ignores lookalikes inside values', () => {
    assert.equal(findSuppressions('; portolan-ignore-next-line port-conflict\nListenStream=80\n', 'systemd').length, 1);
    assert.equal(findSuppressions('; portolan-ignore-next-line port-conflict\nlisten 80;\n', 'nginx').length, 0, '; is not a comment in nginx');
    assert.deepEqual(findSuppressions('<!-- portolan-ignore-next-line firewall-stale -->\n', 'markdown')[0]!.rules.map((r) => r.id), ['firewall-stale']);
    assert.deepEqual(findSuppressions('<!-- portolan-ignore-next-line firewall-stale-->\n', 'markdown')[0]!.rules.map((r) => r.id), ['firewall-stale']);
    assert.deepEqual(findSuppressions('#portolan-ignore-next-line a, b c -- why\n', 'shell')[0]!.rules.map((r) => r.id), ['a', 'b', 'c']);
    assert.equal(findSuppressions('x = "# portolan-ignore-next-line port-conflict"\n', 'rtcd-toml').length, 0, 'inside a string');
    assert.equal(findSuppressions('# portolan-ignore-next-lines port-conflict\n', 'nginx').length, 0, 'another word');
    assert.equal(findSuppressions('{"a": "# portolan-ignore-next-line"}', 'mattermost-json').length, 0, 'JSON has no comments');
  });

  it('CRLF files: the directive still covers the next line', () => {
    const files = {
      '/ws/nginx/sites-enabled/a': 'server {\r\n    # portolan-ignore-next-line port-conflict\r\n    listen 8080;\r\n}\r\n',
      '/ws/docker-compose.yml': compose('8080'),
    };
    assert.deepEqual(summary(files, analyze(files).byRule('port-conflict')), ['port-conflict /ws/docker-compose.yml:5 "8080"']);
  });

  it('does not report a suppression for a rule that is off, and honours per-file severity', () => {
    const files = {
      '/ws/nginx/sites-enabled/a': site('a.example', '8080', '    # portolan-ignore-next-line firewall-stale\n'),
      '/ws/docker-compose.yml': compose('8080'),
    };
    const a = analyze(files);
    assert.equal(a.byRule('unused-suppression').length, 1);
    const off = runRules(a.snap, { 'firewall-stale': 'off' });
    assert.equal(off.filter((d) => d.rule === 'unused-suppression').length, 0);
    const perFile = runRules(a.snap, (file) => (file.endsWith('.yml') ? { 'port-conflict': 'warning' } : {}));
    assert.deepEqual(perFile.filter((d) => d.rule === 'port-conflict').map((d) => d.severity).sort(), ['error', 'warning']);
    assert.equal(at(files, perFile.find((d) => d.rule === 'port-conflict' && d.severity === 'warning')!), '8080');
  });

  it('a file that stops parsing keeps its facts and reports no suppression findings of the older text', () => {
    const files = {
      '/ws/docker-compose.yml': compose('8080', '      # portolan-ignore-next-line firewall-missing\n'),
    };
    const a = analyze(files);
    assert.equal(a.byRule('unused-suppression').length, 1);
    a.index.setText('/ws/docker-compose.yml', files['/ws/docker-compose.yml'] + '  bad: [\n');
    const b = analysisOf(a.index);
    assert.equal(b.byRule('unused-suppression').length, 0);
    assert.equal(b.byRule('parse-error').length, 1);
  });

  it('unused-suppression is a documented code with a default severity', () => {
    const info = RULE_INFO.find((r) => r.id === 'unused-suppression');
    assert.equal(info?.severity, 'hint');
    assert.match(info?.description ?? '', /portolan-ignore-next-line/);
  });
});
