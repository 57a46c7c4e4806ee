import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUnitFile, systemdFormat, unitNameOf } from '../../server/src/core/formats/systemd';
import type { EnvAssignment, ExtractResult } from '../../server/src/core/model/facts';
import { extractIn, slice, ROOT, textAt } from '../helpers';

function fixture(rel: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'systemd', rel), 'utf8');
}

const UNIT = '/ws/etc/systemd/system/rtcd.service';
const ENVFILE = '/ws/etc/rtcd/rtcd.env';

function run(file: string, text: string, others: Record<string, string> = {}): ExtractResult {
  return extractIn(systemdFormat, { ...others, [file]: text }, file);
}

/** "kind detail port/proto address owner instance | span" */
function show(text: string, r: ExtractResult): string[] {
  return r.facts.map((f) => `${f.kind} ${f.detail} ${f.ports.start}/${f.protocol} ${f.address ?? '*'} ${f.owner} ${f.instance} | ${slice(text, f.location.span)}`);
}

function envLine(files: Record<string, string>, a: EnvAssignment): string {
  return `${a.name}=${a.value} | ${textAt(files, a.nameLocation)} | ${textAt(files, a.valueLocation)}`;
}

describe('systemd format', () => {
  describe('detect', () => {
    it('is strong for .service and .socket units and for drop-ins with [Service]/[Socket]', () => {
      assert.equal(systemdFormat.detect(UNIT, fixture('rtcd.service')), 'strong');
      assert.equal(systemdFormat.detect('/ws/lib/systemd/system/coturn.socket', fixture('coturn.socket')), 'strong');
      assert.equal(systemdFormat.detect('/ws/etc/systemd/system/rtcd.service.d/override.conf', fixture('rtcd.service.d/override.conf')), 'strong');
      assert.equal(systemdFormat.detect('/ws/x.service', '  [Install]\r\nWantedBy=multi-user.target\r\n'), 'strong');
    });

    it('is false for other INI files, drop-ins without [Service], and units without sections', () => {
      assert.equal(systemdFormat.detect('/ws/etc/supervisor/conf.d/rtcd.conf', fixture('supervisord.conf')), false);
      assert.equal(systemdFormat.detect('/ws/etc/php/8.1/fpm/pool.d/www.conf', fixture('www.conf')), false);
      assert.equal(systemdFormat.detect('/ws/etc/dovecot/dovecot.conf', 'protocols = imap\nservice imap-login {\n  inet_listener imap {\n    port = 143\n  }\n}\n'), false);
      assert.equal(systemdFormat.detect('/ws/.git/config', '[core]\n\tbare = false\n[remote "origin"]\n\turl = x\n'), false);
      assert.equal(systemdFormat.detect('/ws/etc/systemd/system/rtcd.service.d/limits.conf', '[Unit]\nAfter=x\n'), false);
      assert.equal(systemdFormat.detect('/ws/etc/supervisor/conf.d/x.service', '[program:x]\ncommand=y\n'), false);
      assert.equal(systemdFormat.detect('/ws/app/settings.conf', '[Service]\nExecStart=/bin/x\n'), false);
    });
  });

  describe('parseUnitFile', () => {
    it('reads sections, keys, comments and continuations with exact spans', () => {
      const t = '# c\n[Service]\n ExecStart = /bin/x \\\n  --a 1 \\\n; comment inside\n  --b 2\n;c\nUser=u\n';
      const u = parseUnitFile(t);
      assert.deepEqual(u.errors, []);
      assert.deepEqual(u.value.sections.map((s) => [s.name, slice(t, s.span)]), [['Service', '[Service]']]);
      assert.deepEqual(u.value.entries.map((e) => [e.section, e.key, e.value, slice(t, e.keySpan)]), [
        ['Service', 'ExecStart', '/bin/x    --a 1    --b 2', 'ExecStart'],
        ['Service', 'User', 'u', 'User'],
      ]);
      const e = u.value.entries[0]!;
      assert.equal(t[e.offsets[e.value.indexOf('2')]!], '2');
      assert.equal(slice(t, e.raw), '/bin/x \\\n  --a 1 \\\n; comment inside\n  --b 2');
    });

    it('reports lines systemd ignores and malformed headers', () => {
      const t = '[Service]\nExecStart=/bin/x\nthis is not an assignment\n[Install\nWantedBy=x\n';
      const u = parseUnitFile(t);
      assert.deepEqual(u.errors.map((f) => `${f.rule} ${slice(t, f.span)}`), ['parse-error this is not an assignment', 'parse-error [Install']);
      assert.match(u.errors[0]!.message, /ignores this line/);
      assert.equal(u.value.failed, true);
      assert.deepEqual(u.value.entries.map((e) => e.key), ['ExecStart']);
      const t2 = '[Service]\n = 8080\n';
      assert.deepEqual(parseUnitFile(t2).errors.map((f) => `${f.rule} ${slice(t2, f.span)}`), ['parse-error = 8080']);
      assert.equal(parseUnitFile(t2).value.failed, false);
    });

    it('reads CRLF continuations; an assignment before any section is reported unless a header was malformed', () => {
      const t = 'Port=1\r\n[Service]\r\nExecStart=/x \\\r\n  --port 8080\r\n';
      const u = parseUnitFile(t);
      assert.deepEqual(u.errors.map((f) => `${f.rule} ${slice(t, f.span)}`), ['parse-error Port']);
      assert.match(u.errors[0]!.message, /outside of any \[Section\]/);
      assert.deepEqual(u.value.entries.map((e) => [e.key, e.value, slice(t, e.raw)]), [['ExecStart', '/x    --port 8080', '/x \\\r\n  --port 8080']]);
      const e = u.value.entries[0]!;
      assert.equal(slice(t, { start: e.offsets[e.value.indexOf('8080')]!, end: e.offsets[e.value.length - 1]! + 1 }), '8080');
      const t2 = '[Serv\nPort=1\n';
      const u2 = parseUnitFile(t2);
      assert.deepEqual(u2.errors.map((f) => slice(t2, f.span)), ['[Serv']);
      assert.equal(u2.value.failed, true);
      assert.deepEqual(u2.value.entries, []);
    });
  });

  describe('unit names and EnvironmentFile mapping', () => {
    it('names drop-ins after their unit', () => {
      assert.equal(unitNameOf('/ws/etc/systemd/system/rtcd.service.d/override.conf'), 'rtcd.service');
      assert.equal(unitNameOf('/ws/etc/systemd/system/rtcd.service'), 'rtcd.service');
    });
    // The mapping of EnvironmentFile= paths onto workspace files is model/listing's filesNamedBy (test/listing.test.ts).
  });

  describe('services', () => {
    it('builds the workload: program, args, instance and exact location', () => {
      const text = fixture('rtcd.service');
      const r = run(UNIT, text);
      assert.equal(r.workloads.length, 1);
      const w = r.workloads[0]!;
      assert.equal(w.kind, 'systemd-unit');
      assert.equal(w.name, 'rtcd.service');
      assert.equal(w.program, 'rtcd');
      assert.deepEqual(w.args, ['--config', '/etc/rtcd/config.toml', '--listen=127.0.0.1:8045', '--log-level', 'info']);
      assert.equal(w.instance, 'systemd:rtcd.service');
      assert.deepEqual(w.volumes, []);
      assert.equal(w.netns, undefined);
      assert.equal(slice(text, w.location.span), '/usr/local/bin/rtcd');
    });

    it('reads Environment= (quoted, several per line) then EnvironmentFile= with exact spans and a dependency', () => {
      const text = fixture('rtcd.service');
      const files = { [UNIT]: text, [ENVFILE]: fixture('rtcd.env') };
      const r = extractIn(systemdFormat, files, UNIT);
      assert.deepEqual(r.workloads[0]!.env.map((a) => envLine(files, a)), [
        'RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true | RTCD_API_SECURITY_ALLOWSELFREGISTRATION | true',
        'RTCD_LOGGER_ENABLEFILE=false | RTCD_LOGGER_ENABLEFILE | false',
        'RTCD_RTC_ICEHOSTOVERRIDE=calls.example.com | RTCD_RTC_ICEHOSTOVERRIDE | calls.example.com',
        'RTCD_RTC_ICEPORTUDP=8443 | RTCD_RTC_ICEPORTUDP | 8443',
        'RTCD_RTC_ICEPORTTCP=8443 | RTCD_RTC_ICEPORTTCP | 8443',
        'RTCD_API_HTTP_LISTENADDRESS=:8045 | RTCD_API_HTTP_LISTENADDRESS | :8045',
      ]);
      assert.equal(r.workloads[0]!.env[4]!.nameLocation.file, ENVFILE);
      assert.deepEqual(r.dependencies, [ENVFILE]);
      // The optional missing file (-/etc/default/rtcd-missing) is skipped silently.
      assert.deepEqual(r.findings, []);
    });

    it('maps escaped Environment= values back through valueOffsets', () => {
      const t = '[Service]\nExecStart=/bin/app\nEnvironment="A=x\\ty" B=\n';
      const r = run('/ws/app.service', t);
      const [a, b] = r.workloads[0]!.env;
      assert.equal(a!.value, 'x\ty');
      assert.deepEqual(a!.valueOffsets!.map((o) => t[o]), ['x', '\\', 'y']);
      assert.equal(b!.value, '');
      assert.equal(slice(t, b!.nameLocation.span), 'B');
    });

    it('extracts listening-port flags of ExecStart=, across continuation lines', () => {
      const text = fixture('rtcd.service');
      assert.deepEqual(show(text, run(UNIT, text)), ['bind --listen 8045/tcp 127.0.0.1 rtcd.service systemd:rtcd.service | 8045']);
      const pg = fixture('postgresql.service');
      assert.deepEqual(show(pg, run('/ws/etc/systemd/system/postgresql.service', pg)), ['bind -p 5432/tcp * postgresql.service systemd:postgresql.service | 5432']);
      const ne = fixture('node-exporter.service');
      assert.deepEqual(show(ne, run('/ws/etc/systemd/system/node-exporter.service', ne)), [
        'bind --web.listen-address 9100/tcp * node-exporter.service systemd:node-exporter.service | 9100',
      ]);
    });

    it('reads every flag form with exact spans', () => {
      const t =
        '[Service]\nExecStart=/opt/app/bin/app --port 8080 --port=8081 -p 8082 -p8083 --listen :8084 ' +
        '"--bind=[::1]:8085" --http-port 8086 --addr 0.0.0.0:8087 --udp-port 8088 -listen-addr=localhost:8089 --metrics-addr=http://127.0.0.1:8090\n';
      const r = run('/ws/app.service', t);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(
        r.facts.map((f) => `${f.detail} ${f.ports.start}/${f.protocol} ${f.address ?? '*'} | ${slice(t, f.location.span)}`),
        [
          '--port 8080/tcp * | 8080',
          '--port 8081/tcp * | 8081',
          '-p 8082/tcp * | 8082',
          '-p 8083/tcp * | 8083',
          '--listen 8084/tcp * | 8084',
          '--bind 8085/tcp ::1 | 8085',
          '--http-port 8086/tcp * | 8086',
          '--addr 8087/tcp 0.0.0.0 | 8087',
          '--udp-port 8088/udp * | 8088',
          '-listen-addr 8089/tcp localhost | 8089',
          '--metrics-addr 8090/tcp 127.0.0.1 | 8090',
        ],
      );
    });

    it('ignores flags that are not local binds and values that are not ports', () => {
      const t =
        '[Service]\nExecStart=/bin/app --db-port 5432 --advertise-addr 10.0.0.1:7946 --redis-addr=r:6379 ' +
        '--config /etc/app/port.toml --listen /run/app.sock --port $PORT --portal 9000 -P 9001 --verbose 9002\n';
      const r = run('/ws/app.service', t);
      assert.deepEqual([r.facts, r.findings], [[], []]);
    });

    it('hands an ExecStart= that runs docker run to the docker-run module', () => {
      const t = '[Service]\nExecStart=/usr/bin/docker run --rm --name web -p 8080:80 nginx\n';
      const r = run('/ws/web.service', t);
      assert.deepEqual(r.workloads.map((w) => [w.kind, w.name]), [
        ['docker-run', 'web'],
        ['systemd-unit', 'web.service'],
      ]);
      const bind = r.facts.find((f) => f.kind === 'bind' && f.ports.start === 8080);
      assert.ok(bind, 'published port 8080');
      assert.equal(slice(t, bind.location.span), '8080');
      // Near-miss: the same -p value on a non-docker program is not read as host "8080", port 80.
      const t2 = '[Service]\nExecStart=/usr/bin/socat -p 8080:80\n';
      assert.deepEqual(run('/ws/socat.service', t2).facts, []);
    });

    it('reports invalid ports on the digits', () => {
      const t = '[Service]\nExecStart=/bin/app --port 70000 --listen=:0\n';
      const r = run('/ws/app.service', t);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings.map((f) => `${f.rule} ${slice(t, f.span)}`), ['invalid-port 70000', 'invalid-port 0']);
    });

    it('honours empty resets in drop-ins and names the unit after the directory', () => {
      const D = '/ws/etc/systemd/system/rtcd.service.d/override.conf';
      const t = fixture('rtcd.service.d/override.conf');
      const r = run(D, t);
      assert.deepEqual(show(t, r), ['bind --port 9045/tcp * rtcd.service systemd:rtcd.service | 9045']);
      const w = r.workloads[0]!;
      assert.equal(w.name, 'rtcd.service');
      assert.deepEqual(w.env.map((a) => a.name), ['RTCD_LOGGER_CONSOLELEVEL']);
    });

    it('gives a workload located at [Service] when there is no ExecStart=, and strips @ argv[0]', () => {
      const t = '[Service]\nEnvironment=A=1\n';
      const r = run('/ws/x.service.d/env.conf', t);
      assert.equal(slice(t, r.workloads[0]!.location.span), '[Service]');
      assert.equal(r.workloads[0]!.program, undefined);
      const t2 = '[Service]\nExecStart=@/usr/sbin/sshd sshd -D -p 2222\n';
      const w2 = run('/ws/sshd.service', t2);
      assert.equal(w2.workloads[0]!.program, 'sshd');
      assert.deepEqual(w2.workloads[0]!.args, ['-D', '-p', '2222']);
      assert.deepEqual(show(t2, w2), ['bind -p 2222/tcp * sshd.service systemd:sshd.service | 2222']);
    });

    it('reports parse errors and marks a broken header as failed', () => {
      const t = '[Service\nExecStart=/bin/app --port 80\n';
      const r = run('/ws/app.service', t);
      assert.equal(r.failed, true);
      assert.deepEqual(r.findings.map((f) => f.rule), ['parse-error']);
      assert.deepEqual(r.facts, []);
    });
  });

  it('never throws and keeps spans inside the text on garbage input', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const parts = ['[Service]', '[Socket]', '[Serv', '\n', 'ExecStart=', 'ListenStream=', 'Environment=', '"', "'", '\\', ' --port', ' -p', '8080', '70000', ':', '=', '#', ';', '-@', '\r', 'A=1', '[::]'];
    for (let n = 0; n < 2000; n++) {
      let t = '';
      for (let i = Math.floor(rnd() * 30); i > 0; i--) t += parts[Math.floor(rnd() * parts.length)];
      for (const file of ['/ws/g.service', '/ws/g.socket']) {
        systemdFormat.detect(file, t);
        const r = run(file, t);
        for (const f of r.facts) assert.match(slice(t, f.location.span), /^\d+$/, JSON.stringify(t));
        for (const f of r.findings) assert.ok(f.span.start <= f.span.end && f.span.end <= t.length, JSON.stringify(t));
      }
    }
  });

  describe('sockets', () => {
    it('extracts ListenStream= (tcp) and ListenDatagram= (udp), skipping paths and abstract sockets', () => {
      const S = '/ws/lib/systemd/system/coturn.socket';
      const t = fixture('coturn.socket');
      const r = run(S, t);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(r.workloads, []);
      assert.deepEqual(show(t, r), [
        'bind ListenStream 3478/tcp * coturn.socket systemd:coturn-main.service | 3478',
        'bind ListenStream 5349/tcp 127.0.0.1 coturn.socket systemd:coturn-main.service | 5349',
        'bind ListenStream 8443/tcp :: coturn.socket systemd:coturn-main.service | 8443',
        'bind ListenDatagram 3478/udp 0.0.0.0 coturn.socket systemd:coturn-main.service | 3478',
      ]);
    });

    it('activates the same-name service (or the template with Accept=yes), resets on empty values, reports bad ports', () => {
      const t = '[Socket]\nListenStream=80\nListenStream=\nListenStream=8080\n';
      assert.deepEqual(show(t, run('/ws/web.socket', t)), ['bind ListenStream 8080/tcp * web.socket systemd:web.service | 8080']);
      const t2 = '[Socket]\nListenStream=2222\nAccept=yes\n';
      assert.deepEqual(show(t2, run('/ws/ssh.socket', t2)), ['bind ListenStream 2222/tcp * ssh.socket systemd:ssh@.service | 2222']);
      const t3 = '[Socket]\nListenStream=127.0.0.1:70000\n';
      const r3 = run('/ws/bad.socket', t3);
      assert.deepEqual(r3.findings.map((f) => `${f.rule} ${slice(t3, f.span)}`), ['invalid-port 70000']);
    });
  });
});

describe('systemd unit templates', () => {
  // gucci-on-fleek/maxchernoff.ca keeps units whose lines an installer fills in (`!!priorities.high!!`).
  const unit = (line: string) => `[Unit]\nDescription=web\n\n[Service]\n${line}\nExecStart=/usr/bin/web --port 8080\n`;

  it('a line an installer or template fills in is no parse-error', () => {
    for (const line of ['!!priorities.high!!', '@@LIMITS@@', '{{ range .Env }}']) {
      const { errors, value } = parseUnitFile(unit(line));
      assert.deepEqual(errors, [], line);
      assert.ok(value.entries.some((e) => e.key === 'ExecStart'), line);
    }
  });

  it('near miss: a plain line without "=" is still the parse-error systemd logs', () => {
    const { errors } = parseUnitFile(unit('priorities high'));
    assert.deepEqual(errors.map((e) => e.rule), ['parse-error']);
  });
});
