/**
 * HAProxy (haproxy): detection, `bind` address forms, `server` lines, health-check ports
 * inherited through `default-server` and `defaults`, on hand-written inputs and HAProxy's own
 * examples; and the real haproxy as oracle: every committed HAProxy file passes `haproxy -c`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { haproxyFormat } from '../../server/src/core/formats/haproxy';
import { parseHaproxyAddress } from '../../server/src/core/formats/haproxy/extract';
import type { ExtractedFact } from '../../server/src/core/model/facts';
import { classify } from '../../server/src/core/index/registry';
import { CORPUS, corpusText, extractIn, slice } from '../helpers';

const P = '/ws/etc/haproxy/haproxy.cfg';
const run = (text: string, path = P) => extractIn(haproxyFormat, { [path]: text }, path);
const line = (text: string, f: ExtractedFact) =>
  `${f.kind} ${f.ports.start === f.ports.end ? f.ports.start : `${f.ports.start}-${f.ports.end}`}/${f.protocol} ${f.address ?? '*'} ${f.owner} ${f.derivation.kind} ${f.detail} ${JSON.stringify(slice(text, f.location.span))}${
    f.valueLocation.span.start !== f.location.span.start ? ` value=${JSON.stringify(slice(text, f.valueLocation.span))}` : ''}`;
const brief = (text: string, path = P) => run(text, path).facts.map((f) => line(text, f));

/** Every HAProxy configuration committed under test/corpus (by classification). */
function haproxyFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.cfg') && classify(p, fs.readFileSync(p, 'utf8')).mod?.id === 'haproxy') out.push(p);
    }
  };
  walk(CORPUS);
  return out.sort();
}

describe('HAProxy (haproxy)', () => {
  it('recognizes haproxy.cfg and *.cfg with proxy sections, not other .cfg files', () => {
    assert.equal(haproxyFormat.detect(P, 'frontend web\n  bind :80\n'), 'strong');
    assert.equal(haproxyFormat.detect('/ws/lb/edge.cfg', 'global\nlisten stats\n  bind :8404\n'), 'strong');
    assert.equal(haproxyFormat.detect('/ws/setup.cfg', '[metadata]\nname = app\n[options]\n'), false);
    assert.equal(haproxyFormat.detect('/ws/notes.txt', 'frontend web\n'), false);
    assert.equal(haproxyFormat.detect('/ws/haproxy.cfg', '# frontend web\nglobal\n'), false);
    assert.equal(classify('/ws/setup.cfg', '[flake8]\nmax-line-length = 100\n').mod, undefined);
  });

  it('reads bind address forms: *, :::, ipv4@, ranges, lists, quic; sockets bind no port', () => {
    const text = 'frontend fe\n  bind *:80\n  bind :::443 v4v6 ssl crt /x.pem\n  bind ipv4@127.0.0.1:8000-8002,:9000\n  bind quic4@:443\n  bind unix@/run/haproxy.sock\n  bind "${IP}:8443"\n';
    assert.deepEqual(brief(text), [
      'bind 80/tcp * fe literal bind "80"',
      'bind 443/tcp * fe literal bind "443"',
      'bind 8000-8002/tcp 127.0.0.1 fe literal bind "8000-8002"',
      'bind 9000/tcp * fe literal bind "9000"',
      'bind 443/udp * fe literal bind "443"',
      'bind 8443/tcp * fe literal bind "8443"',
    ]);
    assert.equal(run(text).facts[5]!.addressUnknown, true);
    assert.ok(run(text).facts.every((f) => f.instance === 'haproxy'));
    assert.deepEqual(parseHaproxyAddress('::1:8080'), { host: '::1', protocol: 'tcp', port: { range: { start: 8080, end: 8080 }, from: 4, to: 8 } });
    assert.equal(parseHaproxyAddress('abns@haproxy-peers'), undefined);
  });

  it('reads server lines in backend and listen sections; a server without a port gets no fact', () => {
    const text = 'backend app\n  server web1 10.0.0.1:8080\n  server web2 app:8080 check port 9090\n  server-template srv 3 app.svc:80\n  server web3 web\nlisten stats\n  bind 127.0.0.1:8404\n  server s 127.0.0.1:8405\nfrontend fe\n  server nope 10.0.0.9:1\n';
    assert.deepEqual(brief(text), [
      'reference 8080/tcp 10.0.0.1 app literal server "8080"',
      'reference 8080/tcp app app literal server "8080"',
      'reference 9090/tcp app app literal server check port "9090"',
      'reference 80/tcp app.svc app literal server-template "80"',
      'bind 8404/tcp 127.0.0.1 stats literal bind "8404"',
      'reference 8405/tcp 127.0.0.1 stats literal server "8405"',
    ]);
  });

  it('inherits default-server port from the last defaults section or the one named by from, as a default on the server', () => {
    const text = 'defaults base\n  mode http\n  default-server port 8081 check\ndefaults other\n  mode tcp\nbackend a from base\n  server a1 10.0.0.1:80\nbackend b\n  server b1 10.0.0.2:80 check\nbackend c\n  default-server port 9000\n  server c1 10.0.0.3:80 check\n';
    assert.deepEqual(brief(text), [
      'reference 80/tcp 10.0.0.1 a literal server "80"',
      'reference 8081/tcp 10.0.0.1 a default server check port "10.0.0.1" value="8081"',
      'reference 80/tcp 10.0.0.2 b literal server "80"',
      'reference 80/tcp 10.0.0.3 c literal server "80"',
      'reference 9000/tcp 10.0.0.3 c default server check port "10.0.0.3" value="9000"',
    ]);
    const note = run(text).facts[1]!.derivation;
    assert.deepEqual(note, { kind: 'default', note: 'port 8081 of default-server of defaults "base"' });
  });

  it('reports ports out of range as invalid-port and an unclosed quote as a parse error', () => {
    const text = 'frontend fe\n  bind :0\n  bind :65016-1024\nbackend b\n  server s 10.0.0.1:70000\n';
    assert.deepEqual(run(text).findings.map((f) => `${f.rule} ${slice(text, f.span)}`), ['invalid-port 0', 'invalid-port 65016-1024', 'invalid-port 70000']);
    const bad = run('frontend fe\n  bind ":80\n');
    assert.equal(bad.failed, true);
    assert.deepEqual(bad.findings.map((f) => f.message), ['HAProxy syntax error: unclosed " quote']);
  });

  it('reads HAProxy\'s own examples', () => {
    assert.deepEqual(brief(corpusText('haproxy/quick-test.cfg'), '/ws/quick-test.cfg'), ['bind 8000/tcp * p literal bind "8000"', 'reference 8000/tcp 172.31.32.33 p literal server "8000"']);
    const sw = brief(corpusText('haproxy/content-sw-sample.cfg'), '/ws/content-sw-sample.cfg');
    assert.equal(sw[0], 'bind 80/tcp 192.168.1.10 public literal bind "80"');
    assert.equal(sw.filter((l) => l.startsWith('reference')).length, 6);
    const socks = brief(corpusText('haproxy/socks4.cfg'), '/ws/socks4.cfg');
    assert.deepEqual(socks.filter((l) => l.startsWith('bind')), ['bind 20025/tcp * SMTP-20025 literal bind "20025"', 'bind 20080/tcp * SSL-20080 literal bind "20080"', 'bind 20936/tcp * stats literal bind "20936"']);
  });

  describe('oracle: haproxy -c', function () {
    this.timeout(60000);
    it('accepts every HAProxy configuration committed in the corpus', function () {
      const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
      if (probe.error) {
        process.stdout.write(`      skipped: haproxy cannot run here (${(probe.error as NodeJS.ErrnoException).code}); npm test installs it with scripts/install-oracles.sh\n`);
        this.skip();
      }
      const files = haproxyFiles();
      assert.ok(files.length >= 10, files.join('\n'));
      for (const f of files) {
        const r = spawnSync('haproxy', ['-c', '-f', f], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${path.relative(CORPUS, f)}: ${r.stdout}${r.stderr}`);
      }
      // Near miss: the oracle does reject a broken configuration.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-haproxy-'));
      fs.writeFileSync(path.join(tmp, 'bad.cfg'), 'frontend fe\n  bind :70000\n');
      assert.notEqual(spawnSync('haproxy', ['-c', '-f', path.join(tmp, 'bad.cfg')], { encoding: 'utf8' }).status, 0);
      fs.rmSync(tmp, { recursive: true });
    });
  });
});
