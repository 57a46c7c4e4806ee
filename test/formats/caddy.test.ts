/**
 * Caddy (Caddyfile and JSON config): detection, site addresses and their defaults, upstreams,
 * the admin API and `servers` listener options, on hand-written inputs and on real Caddyfiles.
 */
import * as assert from 'node:assert/strict';
import { caddyFormat } from '../../server/src/core/formats/caddy';
import type { ExtractedFact } from '../../server/src/core/model/facts';
import { classify } from '../../server/src/core/index/registry';
import { corpusText, extractIn, slice } from '../helpers';

const P = '/ws/etc/caddy/Caddyfile';
const run = (text: string, path = P) => extractIn(caddyFormat, { [path]: text }, path);
const line = (text: string, f: ExtractedFact) =>
  `${f.kind} ${f.ports.start === f.ports.end ? f.ports.start : `${f.ports.start}-${f.ports.end}`}/${f.protocol} ${f.address ?? '*'} ${f.derivation.kind} ${f.detail}${f.role ? ` ${f.role}` : ''} ${JSON.stringify(slice(text, f.location.span))}${
    f.valueLocation.span.start !== f.location.span.start ? ` value=${JSON.stringify(slice(text, f.valueLocation.span))}` : ''}`;
const brief = (text: string, path = P) => run(text, path).facts.map((f) => line(text, f));

describe('Caddy (caddy)', () => {
  it('recognizes Caddyfiles by name and Caddy JSON by apps.http, nothing else', () => {
    assert.equal(caddyFormat.detect(P, ':80\n'), 'strong');
    assert.equal(caddyFormat.detect('/ws/sites/app.caddyfile', 'a.com {\n}\n'), 'strong');
    assert.equal(caddyFormat.detect('/ws/Caddyfile.dev', ':8080\n'), 'strong');
    assert.equal(caddyFormat.detect('/ws/Caddyfile', '  \n'), false);
    assert.equal(caddyFormat.detect('/ws/docs/caddy.md', ':80\n'), false);
    assert.equal(caddyFormat.detect('/ws/caddy.json', '{"apps": {"http": {"servers": {}}}}'), 'strong');
    assert.equal(caddyFormat.detect('/ws/config/site.json', '{"apps": {"http": {"servers": {}}}}'), 'weak');
    assert.equal(caddyFormat.detect('/ws/caddy.json', '{"apps": {"tls": {}}, "http": 1}'), false);
    assert.equal(classify('/ws/caddy/Caddyfile', corpusText('caddy/Caddyfile')).mod?.id, 'caddy');
  });

  it('binds site addresses on their digits, and the default ports of addresses without one', () => {
    const text = 'example.com, http://foo.com:8081 {\n\trespond "hi"\n}\n:443 {\n}\nhttp://bar.com {\n\tbind 127.0.0.1\n}\nlocalhost:8000-8002 {\n}\n';
    assert.deepEqual(brief(text), [
      'bind 443/tcp * default site address "example.com"',
      'bind 80/tcp * default site address "example.com"',
      'bind 8081/tcp * literal site address "8081"',
      'bind 443/tcp * literal site address "443"',
      'bind 80/tcp 127.0.0.1 default site address "http://bar.com"',
      'bind 8000-8002/tcp * literal site address "8000-8002"',
    ]);
    const notes = run(text).facts.map((f) => (f.derivation.kind === 'default' ? f.derivation.note : ''));
    assert.deepEqual(notes.slice(0, 2), ["Caddy's default HTTPS port", "Caddy's automatic HTTPS redirects from HTTP"]);
    assert.ok(run(text).facts.every((f) => f.instance === 'caddy'), 'one Caddy serves every site');
  });

  it('takes http_port / https_port from the global options as the value of the defaults', () => {
    const text = '{\n\thttp_port 8080\n\thttps_port 8443\n}\nexample.com {\n}\n';
    assert.deepEqual(brief(text), [
      'bind 8443/tcp * default site address "example.com" value="8443"',
      'bind 8080/tcp * default site address "example.com" value="8080"',
    ]);
  });

  it('reads reverse_proxy upstreams: several, to lines, h2c://, https://, localhost and bare :port, matchers skipped', () => {
    const text = 'app.example.com {\n\treverse_proxy /api/* localhost:3000 h2c://grpc:50051 app {\n\t\tto "web:8000" https://secure\n\t}\n\thandle /x {\n\t\treverse_proxy :9090\n\t}\n\tphp_fastcgi @php php:9000\n}\n';
    const refs = brief(text).filter((l) => l.startsWith('reference'));
    assert.deepEqual(refs, [
      'reference 3000/tcp localhost literal reverse_proxy "3000"',
      'reference 50051/tcp grpc literal reverse_proxy "50051"',
      'reference 80/tcp app default reverse_proxy "app"',
      'reference 8000/tcp web literal reverse_proxy "8000"',
      'reference 443/tcp secure default reverse_proxy "https://secure"',
      'reference 9090/tcp localhost literal reverse_proxy "9090"',
      'reference 9000/tcp php literal php_fastcgi "9000"',
    ]);
    assert.equal(run(text).facts.find((f) => f.ports.start === 50051)!.scheme, 'h2c');
  });

  it('reads the global admin address (off binds nothing) and servers listener options', () => {
    const text = '{\n\tadmin 0.0.0.0:2019\n\tservers :443 {\n\t\tprotocols h1 h2\n\t}\n}\n:443 {\n}\n';
    assert.deepEqual(brief(text), [
      'bind 2019/tcp 0.0.0.0 literal admin admin-api "2019"',
      'reference 443/tcp * literal servers "443"',
      'bind 443/tcp * literal site address "443"',
    ]);
    assert.deepEqual(brief('{\n\tadmin off\n}\n:80\n'), ['bind 80/tcp * literal site address "80"']);
    assert.deepEqual(brief('{\n\tadmin unix//run/caddy-admin.sock\n}\n'), []);
  });

  it('reads a single site without braces and leaves placeholders unknown', () => {
    assert.deepEqual(brief('localhost:{$PORT}\nreverse_proxy app:80\n'), ['reference 80/tcp app literal reverse_proxy "80"']);
    assert.deepEqual(brief('{$DOMAIN}:443 {\n\treverse_proxy {$UPSTREAM}\n}\n'), ['bind 443/tcp * literal site address "443"']);
  });

  it('reports an unclosed block and a stray brace as parse errors, and ports out of range as invalid-port', () => {
    const bad = run(':80 {\n\treverse_proxy app:80\n');
    assert.equal(bad.failed, true);
    assert.deepEqual(bad.findings.map((f) => f.message), ['Caddyfile syntax error: block opened here is not closed']);
    assert.deepEqual(run(':80\n}\n').findings.map((f) => f.rule), ['parse-error']);
    const text = ':70000 {\n\treverse_proxy app:0\n}\n';
    assert.deepEqual(run(text).findings.map((f) => `${f.rule} ${slice(text, f.span)}`), ['invalid-port 70000', 'invalid-port 0']);
  });

  it('reads the real dockprom Caddyfile: five sites, each proxying to its compose service', () => {
    const text = corpusText('caddy/Caddyfile');
    assert.deepEqual(brief(text, '/ws/caddy/Caddyfile'), [
      'bind 3000/tcp * literal site address "3000"', 'reference 3000/tcp grafana literal reverse_proxy "3000"',
      'bind 8080/tcp * literal site address "8080"', 'reference 8080/tcp cadvisor literal reverse_proxy "8080"',
      'bind 9090/tcp * literal site address "9090"', 'reference 9090/tcp prometheus literal reverse_proxy "9090"',
      'bind 9093/tcp * literal site address "9093"', 'reference 9093/tcp alertmanager literal reverse_proxy "9093"',
      'bind 9091/tcp * literal site address "9091"', 'reference 9091/tcp pushgateway literal reverse_proxy "9091"',
    ]);
    assert.deepEqual(run(text, '/ws/caddy/Caddyfile').findings, []);
  });

  it('reads the real searxng Caddyfile: admin off, one site named by a variable, its upstream', () => {
    const text = corpusText('realworld/searxng__searxng-docker/Caddyfile');
    const r = run(text, '/ws/Caddyfile');
    assert.deepEqual(r.findings, []);
    assert.ok(r.facts.every((f) => f.kind === 'reference' && f.detail === 'reverse_proxy'), brief(text).join('\n'));
    assert.ok(r.facts.length > 0);
  });

  it('reads Caddy JSON: server listen addresses, admin.listen and reverse_proxy dials', () => {
    const text = JSON.stringify({ admin: { listen: '0.0.0.0:2019' }, apps: { http: { servers: { srv0: { listen: [':443', 'udp/:443', 'unix//run/x.sock'], routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: 'app:8080' }, { dial: ':9000' }] }] }] } } } } }, null, 2);
    assert.deepEqual(brief(text, '/ws/caddy.json'), [
      'bind 2019/tcp 0.0.0.0 literal admin.listen admin-api "2019"',
      'bind 443/tcp * literal listen "443"',
      'bind 443/udp * literal listen "443"',
      'reference 8080/tcp app literal dial "8080"',
      'reference 9000/tcp localhost literal dial "9000"',
    ]);
    const disabled = text.replace('"listen": "0.0.0.0:2019"', '"listen": "0.0.0.0:2019", "disabled": true');
    assert.ok(!brief(disabled, '/ws/caddy.json').some((l) => l.includes('admin')));
    assert.equal(run('{"apps": {"http": {', '/ws/caddy.json').failed, true);
  });
});

describe('Caddyfile names', () => {
  it('a Go source of a Caddyfile adapter is not a Caddyfile (lucaslorentz/caddy-docker-proxy caddyfile/caddyfile.go)', () => {
    const go = 'package caddyfile\n\nimport "bytes"\n\nfunc (c *Container) Marshal() []byte {\n\treturn nil\n}\n';
    assert.equal(caddyFormat.detect('/ws/caddyfile/caddyfile.go', go), false);
    assert.equal(classify('/ws/caddyfile/caddyfile.go', go).mod, undefined);
  });

  it('near miss: Caddyfile.prod and site.caddyfile stay Caddyfiles', () => {
    const text = ':8080 {\n\trespond "ok"\n}\n';
    assert.equal(caddyFormat.detect('/ws/Caddyfile.prod', text), 'strong');
    assert.equal(caddyFormat.detect('/ws/conf/site.caddyfile', text), 'strong');
  });
});
