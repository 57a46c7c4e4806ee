/**
 * Quick fixes: for each rule, a case where the fix applies (with the exact resulting text, and a
 * re-check that reports no problem the fix caused) and near misses where no fix may be offered.
 */
import * as assert from 'node:assert/strict';
import { fixAll, quickFixes, type QuickFix } from '../../server/src/core/features/edits/fixes';
import type { RuleId } from '../../server/src/core/model/facts';
import type { PortDiagnostic } from '../../server/src/core/rules';
import { applied, contextOf, exampleFiles, lineWith, verdictOf } from './util';

function fixesFor(files: Record<string, string>, rule: RuleId, file: string, text?: string): { fixes: QuickFix[]; d: PortDiagnostic } {
  const ctx = contextOf(files);
  const d = ctx.before.find((x) => x.rule === rule && x.location.file === file && (text === undefined || files[file]!.slice(x.location.span.start, x.location.span.end) === text));
  assert.ok(d, `no ${rule} in ${file}: ${ctx.before.map((x) => `${x.rule} ${x.location.file}`).join(', ')}`);
  return { fixes: quickFixes(ctx, d), d };
}

/** Applies the fix and asserts the re-check finds no problem it caused and that its own problem is gone. */
function applyFix(files: Record<string, string>, fix: QuickFix): Record<string, string> {
  const v = verdictOf(files, fix.edits);
  assert.deepEqual(v.caused.map((d) => `${d.rule}: ${d.message}`), []);
  assert.ok(v.resolved.some((r) => r.rule === fix.rule && r.location.file === fix.diagnostic.location.file && r.location.span.start === fix.diagnostic.location.span.start), 'the fixed problem is gone');
  return applied(files, fix.edits);
}

const EX = exampleFiles();
const UFW = '/ws/etc/ufw/setup-firewall.sh';
const RTCD_TOML = '/ws/etc/rtcd/config.toml';

describe('quick fixes', () => {
  describe('port-conflict', () => {
    it('moves rtcd\'s side, with the nginx proxy_pass that resolves to it, to the nearest free port', () => {
      const { fixes } = fixesFor(EX, 'port-conflict', RTCD_TOML);
      assert.equal(fixes.length, 1);
      const out = applyFix(EX, fixes[0]!);
      assert.equal(lineWith(out[RTCD_TOML]!, 'http.listen_address'), 'http.listen_address = ":8445"');
      assert.equal(lineWith(out['/ws/etc/nginx/sites-enabled/rtcd']!, 'proxy_pass'), '        proxy_pass http://127.0.0.1:8445;');
      assert.equal(lineWith(out['/ws/etc/nginx/sites-enabled/rtcd']!, 'listen'), '    listen 8444 ssl http2;');
      assert.equal(out[UFW], EX[UFW], 'the ufw rule still serves nginx on 8444');
    });

    it('moves nginx\'s side together with the ufw rule that only nginx needs after the move', () => {
      const { fixes } = fixesFor(EX, 'port-conflict', '/ws/etc/nginx/sites-enabled/rtcd');
      assert.equal(fixes.length, 1);
      const out = applyFix(EX, fixes[0]!);
      assert.equal(lineWith(out['/ws/etc/nginx/sites-enabled/rtcd']!, 'listen'), '    listen 8445 ssl http2;');
      assert.equal(lineWith(out[UFW]!, "'rtcd API'"), "sudo ufw allow 8445/tcp comment 'rtcd API'");
    });

    it('moves a compose port written in .env at the .env entry, never the ${VAR} expression', () => {
      const { fixes } = fixesFor(EX, 'port-conflict', '/ws/opt/jitsi/docker-compose.yml');
      const out = applyFix(EX, fixes[0]!);
      assert.equal(out['/ws/opt/jitsi/docker-compose.yml'], EX['/ws/opt/jitsi/docker-compose.yml']);
      assert.equal(lineWith(out['/ws/opt/jitsi/.env']!, 'HTTP_PORT='), 'HTTP_PORT=8001');
    });

    it('skips a well-known port of a stack present (5222, Jitsi Prosody) when looking for the nearest free port', () => {
      const files = {
        '/ws/opt/jitsi/docker-compose.yml': 'services:\n  prosody:\n    image: jitsi/prosody:stable\n    expose:\n      - "5222"\n  chat:\n    image: example/chat\n    ports:\n      - "5221:5221"\n',
        '/ws/etc/nginx/conf.d/a.conf': 'server {\n    listen 5221;\n}\n',
      };
      const { fixes } = fixesFor(files, 'port-conflict', '/ws/etc/nginx/conf.d/a.conf');
      assert.equal(fixes.length, 1);
      assert.match(fixes[0]!.title, /to 5220/);
      assert.equal(applyFix(files, fixes[0]!)['/ws/etc/nginx/conf.d/a.conf'], 'server {\n    listen 5220;\n}\n');
    });

    it('offers nothing for a side whose port is a default written nowhere', () => {
      const files = {
        '/ws/run-rtcd.sh': '#!/bin/sh\ndocker run -d --name rtcd --network host mattermost/rtcd:latest\n',
        '/ws/nginx/conf.d/a.conf': 'server {\n    listen 8045;\n}\n',
      };
      const ctx = contextOf(files);
      const conflicts = ctx.before.filter((d) => d.rule === 'port-conflict');
      assert.equal(conflicts.length, 2, JSON.stringify(ctx.before.map((d) => d.message)));
      const rtcdSide = conflicts.find((d) => d.location.file === '/ws/run-rtcd.sh')!;
      assert.deepEqual(quickFixes(ctx, rtcdSide), []);
      assert.equal(quickFixes(ctx, conflicts.find((d) => d.location.file !== '/ws/run-rtcd.sh')!).length, 1);
    });
  });

  describe('rtcd-mismatch', () => {
    it('sets the Calls rtcd URL to rtcd\'s API port; moving rtcd to 8443 is not offered because Jitsi web holds it', () => {
      const file = '/ws/opt/mattermost/config/config.json';
      const { fixes } = fixesFor(EX, 'rtcd-mismatch', file);
      assert.deepEqual(fixes.map((f) => f.title), ["Set this port to 8444, rtcd's API port"]);
      const out = applyFix(EX, fixes[0]!);
      assert.equal(lineWith(out[file]!, 'rtcdserviceurl'), '                "rtcdserviceurl": "https://jitsi.yourserver.com:8444",');
    });

    const SMALL = {
      '/ws/etc/rtcd/config.toml': '[api]\nhttp.listen_address = ":8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n',
      '/ws/etc/systemd/system/rtcd.service': '[Service]\nExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml\n',
      '/ws/etc/nginx/sites-enabled/rtcd.conf': 'server {\n    listen 443 ssl;\n    server_name rtcd.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:8046;\n    }\n}\n',
    };

    it('nginx proxying to rtcd: set the proxy to rtcd\'s API port, or set rtcd\'s API port to the proxy\'s', () => {
      const { fixes } = fixesFor(SMALL, 'rtcd-mismatch', '/ws/etc/nginx/sites-enabled/rtcd.conf');
      assert.deepEqual(fixes.map((f) => f.title), ["Set this port to 8045, rtcd's API port", "Set rtcd's API port to 8046, this mention's port"]);
      const a = applyFix(SMALL, fixes[0]!);
      assert.equal(lineWith(a['/ws/etc/nginx/sites-enabled/rtcd.conf']!, 'proxy_pass'), '        proxy_pass http://127.0.0.1:8045;');
      const b = applyFix(SMALL, fixes[1]!);
      assert.equal(lineWith(b['/ws/etc/rtcd/config.toml']!, 'listen_address'), 'http.listen_address = ":8046"');
    });

    it('disagreeing overrides: set the losing one to the value that takes effect', () => {
      const files = { '/ws/rtcd.service': '[Service]\nExecStart=/usr/bin/rtcd\nEnvironment=RTCD_RTC_ICEPORTUDP=8443\nEnvironment=RTCD_RTC_ICEPORTUDP=8444\n' };
      const { fixes } = fixesFor(files, 'rtcd-mismatch', '/ws/rtcd.service');
      assert.equal(fixes.length, 1);
      assert.equal(applyFix(files, fixes[0]!)['/ws/rtcd.service'], '[Service]\nExecStart=/usr/bin/rtcd\nEnvironment=RTCD_RTC_ICEPORTUDP=8444\nEnvironment=RTCD_RTC_ICEPORTUDP=8444\n');
    });
  });

  describe('firewall-missing', () => {
    it('adds the rule after the same port\'s rule for the other protocol, in its style (sudo, comment quoting)', () => {
      const { fixes } = fixesFor(EX, 'firewall-missing', RTCD_TOML);
      assert.equal(fixes.length, 1);
      const out = applyFix(EX, fixes[0]!);
      const lines = out[UFW]!.split('\n');
      const i = lines.indexOf("sudo ufw allow 8046/udp comment 'rtcd Media UDP'");
      assert.equal(lines[i + 1], "sudo ufw allow 8046/tcp comment 'rtcd Media TCP'");
      assert.equal(out[UFW]!.length, EX[UFW]!.length + lines[i + 1]!.length + 1);
    });

    it('keeps CRLF line breaks and goes after the last allow rule when the port has no rule yet', () => {
      const files = {
        '/ws/rtcd/config.toml': '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n',
        '/ws/rtcd.service': '[Service]\nExecStart=/usr/bin/rtcd --config /etc/rtcd/config.toml\n',
        '/ws/fw.sh': '#!/bin/sh\r\nufw allow 22/tcp\r\nufw allow 8443/udp\r\nufw enable\r\n',
      };
      const { fixes } = fixesFor(files, 'firewall-missing', '/ws/rtcd/config.toml');
      assert.equal(applyFix(files, fixes[0]!)['/ws/fw.sh'], '#!/bin/sh\r\nufw allow 22/tcp\r\nufw allow 8443/udp\r\nufw allow 8443/tcp\r\nufw enable\r\n');
    });

    it('offers nothing when the host has no ufw script (rules only in ufw\'s user.rules)', () => {
      const files = {
        '/ws/rtcd/config.toml': '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n',
        '/ws/rtcd.service': '[Service]\nExecStart=/usr/bin/rtcd --config /etc/rtcd/config.toml\n',
        '/ws/etc/ufw/user.rules': '*filter\n### RULES ###\n\n### tuple ### allow udp 8443 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p udp --dport 8443 -j ACCEPT\n\n### END RULES ###\nCOMMIT\n',
      };
      const { fixes } = fixesFor(files, 'firewall-missing', '/ws/rtcd/config.toml');
      assert.deepEqual(fixes, []);
    });
  });

  describe('firewall-stale', () => {
    it('removes the rule\'s line and nothing else', () => {
      const { fixes } = fixesFor(EX, 'firewall-stale', UFW);
      assert.equal(fixes.length, 1);
      const out = applyFix(EX, fixes[0]!);
      assert.equal(out[UFW], EX[UFW]!.replace("sudo ufw allow 8045/udp comment 'rtcd Media UDP'\n", ''));
    });

    it('offers nothing for a rule chained with another command', () => {
      const files = { '/ws/fw.sh': '#!/bin/sh\nufw allow 22/tcp\nufw allow 9999/tcp && ufw reload\n' };
      const { fixes } = fixesFor(files, 'firewall-stale', '/ws/fw.sh');
      assert.deepEqual(fixes, []);
    });
  });

  describe('public-exposure', () => {
    it('publishes a compose database port on 127.0.0.1 (short syntax, and replacing 0.0.0.0)', () => {
      const files = { '/ws/docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n  cache:\n    image: redis:7\n    ports:\n      - "0.0.0.0:6379:6379"\n' };
      const ctx = contextOf(files);
      const ds = ctx.before.filter((d) => d.rule === 'public-exposure');
      assert.equal(ds.length, 2);
      let out: Record<string, string> = files;
      for (const d of ds) out = applyFix(out, quickFixes(contextOf(out), contextOf(out).before.find((x) => x.rule === 'public-exposure' && x.message === d.message)!)[0]!);
      assert.equal(out['/ws/docker-compose.yml'], 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:5432:5432"\n  cache:\n    image: redis:7\n    ports:\n      - "127.0.0.1:6379:6379"\n');
    });

    it('publishes a docker run -p on 127.0.0.1', () => {
      const files = { '/ws/run.sh': '#!/bin/sh\ndocker run -d --name db -p 5432:5432 postgres:16\n' };
      const { fixes } = fixesFor(files, 'public-exposure', '/ws/run.sh');
      assert.equal(applyFix(files, fixes[0]!)['/ws/run.sh'], '#!/bin/sh\ndocker run -d --name db -p 127.0.0.1:5432:5432 postgres:16\n');
    });

    it('offers nothing for an exposure by a ufw rule (the right source address is unknown), and finds nothing on loopback', () => {
      const { fixes } = fixesFor(EX, 'public-exposure', UFW);
      assert.deepEqual(fixes, []);
      const loop = contextOf({ '/ws/docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:5432:5432"\n' });
      assert.deepEqual(loop.before.filter((d) => d.rule === 'public-exposure'), []);
    });
  });

  describe('unknown-rtcd-key', () => {
    it('renames a variable to the one rtcd reads', () => {
      const file = '/ws/etc/systemd/system/rtcd.service';
      const { fixes } = fixesFor(EX, 'unknown-rtcd-key', file);
      const out = applyFix(EX, fixes[0]!);
      assert.equal(lineWith(out[file]!, 'ALLOWSELFREGISTRATION'), 'Environment=RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true');
    });

    it('renames a mistyped config.toml key within its table', () => {
      const files = { '/ws/rtcd/config.toml': '[api]\nhttp.listen_adress = ":8045"\n[rtc]\nice_port_udp = 8443\n' };
      const { fixes } = fixesFor(files, 'unknown-rtcd-key', '/ws/rtcd/config.toml');
      assert.equal(applyFix(files, fixes[0]!)['/ws/rtcd/config.toml'], '[api]\nhttp.listen_address = ":8045"\n[rtc]\nice_port_udp = 8443\n');
    });

    it('offers nothing when the key belongs in another table, or when the right key is already set', () => {
      const other = { '/ws/rtcd/config.toml': '[HTTP]\nServerPort = 8045\n[rtc]\nice_port_udp = 8443\n' };
      assert.deepEqual(fixesFor(other, 'unknown-rtcd-key', '/ws/rtcd/config.toml', 'ServerPort').fixes, []);
      const dup = { '/ws/rtcd/config.toml': '[api]\nhttp.listen_address = ":8045"\nhttp.listen_adress = ":8046"\n[rtc]\nice_port_udp = 8443\n' };
      assert.deepEqual(fixesFor(dup, 'unknown-rtcd-key', '/ws/rtcd/config.toml').fixes, [], 'a duplicate key would not parse: the re-check refuses it');
    });
  });

  describe('invalid-port', () => {
    it('swaps a reversed ufw range', () => {
      const files = { '/ws/fw.sh': '#!/bin/sh\nufw allow 20000:10000/udp\n', '/ws/docker-compose.yml': 'services:\n  jvb:\n    image: jitsi/jvb:stable\n    ports:\n      - "10000:10000/udp"\n' };
      const { fixes } = fixesFor(files, 'invalid-port', '/ws/fw.sh');
      assert.equal(fixes.length, 1);
      assert.equal(applyFix(files, fixes[0]!)['/ws/fw.sh'], '#!/bin/sh\nufw allow 10000:20000/udp\n');
    });

    it('offers nothing when the swapped range would open ports nothing binds (the re-check finds a stale rule)', () => {
      const files = { '/ws/fw.sh': '#!/bin/sh\nufw allow 20000:10000/udp\n' };
      assert.deepEqual(fixesFor(files, 'invalid-port', '/ws/fw.sh').fixes, []);
    });

    it('offers nothing for a port out of range', () => {
      const files = { '/ws/fw.sh': '#!/bin/sh\nufw allow 70000/tcp\n' };
      assert.deepEqual(fixesFor(files, 'invalid-port', '/ws/fw.sh').fixes, []);
    });
  });

  describe('fix-all', () => {
    it('fixes every unknown-rtcd-key in a file at once, and nothing of other rules', () => {
      const files = { '/ws/rtcd.service': '[Service]\nExecStart=/usr/bin/rtcd\nEnvironment=API_SECURITY_ENABLEADMIN=false\nEnvironment=LOGGER_ENABLEFILE=false\n' };
      const ctx = contextOf(files);
      const { edits, fixed } = fixAll(ctx, '/ws/rtcd.service', 'unknown-rtcd-key');
      assert.equal(fixed.length, 2);
      assert.equal(applied(files, edits)['/ws/rtcd.service'], '[Service]\nExecStart=/usr/bin/rtcd\nEnvironment=RTCD_API_SECURITY_ENABLEADMIN=false\nEnvironment=RTCD_LOGGER_ENABLEFILE=false\n');
    });

    it('on the example\'s ufw script: removes the stale rule, leaves the exposure (no safe fix) and causes nothing', () => {
      const { edits, fixed } = fixAll(contextOf(EX), UFW);
      assert.deepEqual(fixed.map((d) => d.rule), ['firewall-stale']);
      assert.deepEqual(verdictOf(EX, edits).caused, []);
    });
  });
});
