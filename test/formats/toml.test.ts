import * as assert from 'node:assert/strict';
import { tomlFormat } from '../../server/src/core/formats/toml';
import { dotted, listToml } from '../../server/src/core/formats/toml/syntax';
import { classify } from '../../server/src/core/index/registry';
import { corpusText, extractIn, slice } from '../helpers';

const P = '/ws/srv/app/config.toml';
const run = (text: string, path = P) => extractIn(tomlFormat, { [path]: text }, path);
const brief = (text: string, r: ReturnType<typeof run>) =>
  r.facts.map((f) => `${f.kind} ${f.ports.start}/${f.protocol} ${f.address ?? '*'} ${f.owner} ${f.detail} ${JSON.stringify(slice(text, f.location.span))}`);

describe('generic TOML (toml)', () => {
  it('detects only TOML with port-like keys, weakly, and leaves rtcd\'s config to rtcd-toml', () => {
    assert.equal(tomlFormat.detect(P, '[server]\nport = 8080\n'), 'weak');
    assert.equal(tomlFormat.detect(P, '[server]\nlisten_addr = "0.0.0.0:8080"\n'), 'weak');
    assert.equal(tomlFormat.detect('/ws/pyproject.toml', '[tool.poetry]\nname = "x"\nversion = "1"\n'), false);
    assert.equal(tomlFormat.detect('/ws/app.yaml', 'port = 8080\n'), false);
    assert.equal(classify('/etc/rtcd/config.toml', corpusText('rtcd/config.sample.toml')).mod?.id, 'rtcd-toml');
    assert.equal(classify(P, '[server]\nport = 8080\n').mod?.id, 'toml');
  });

  it('reads integer and string ports as binds, with exact spans', () => {
    const text = '[server]\nport = 8080\nmetrics_listen = "127.0.0.1:9102"\n\n[grpc]\nbind = ":50051"\nudp_port = 5353\n';
    const r = run(text);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(brief(text, r), [
      'bind 8080/tcp * config [server] server.port "8080"',
      'bind 9102/tcp 127.0.0.1 config [server] server.metrics_listen "9102"',
      'bind 50051/tcp * config [grpc] grpc.bind "50051"',
      'bind 5353/udp * config [grpc] grpc.udp_port "5353"',
    ]);
    assert.equal(r.facts[0]!.instance, `toml:${P}`);
  });

  it('reads a port beside a remote host as a reference to that host', () => {
    const text = '[database]\nhost = "db.internal"\nport = 5432\n\n[upstream]\naddress = "api.example.com:443"\n';
    assert.deepEqual(brief(text, run(text)), [
      'reference 5432/tcp db.internal config [database] database.port "5432"',
      'reference 443/tcp api.example.com config [upstream] upstream.address "443"',
    ]);
  });

  it('reads a client section pointing at localhost as a loopback reference, not a wildcard bind', () => {
    const text = '[database]\nhost = "localhost"\nport = 5432\n\n[server]\nhost = "127.0.0.1"\nport = 8080\n';
    assert.deepEqual(brief(text, run(text)), [
      'reference 5432/tcp localhost config [database] database.port "5432"',
      'bind 8080/tcp 127.0.0.1 config [server] server.port "8080"',
    ]);
  });

  it('reads a Traefik dynamic configuration\'s load-balancer servers as references (url, tcp/udp address, health check), never binds', () => {
    const text = [
      '[http.routers.app]',
      '  rule = "Host(`app.example.com`)"',
      '  service = "app"',
      '[http.services.app.loadBalancer]',
      '  [[http.services.app.loadBalancer.servers]]',
      '    url = "http://10.0.0.5:8080/"',
      '  [[http.services.app.loadBalancer.servers]]',
      '    url = "http://127.0.0.1:8081"',
      '  [[http.services.app.loadBalancer.servers]]',
      '    url = "https://app.example.com"',
      '  [http.services.app.loadBalancer.healthCheck]',
      '    port = 8082',
      '[[tcp.services.db.loadBalancer.servers]]',
      '  address = "10.0.0.7:5432"',
      '[[udp.services.dns.loadBalancer.servers]]',
      '  address = "127.0.0.1:53"',
      '',
    ].join('\n');
    const path = '/ws/traefik/dynamic.toml';
    assert.equal(tomlFormat.detect(path, text.replace(/^ *(port|address) = .*$/gm, '')), 'weak', 'a file of url servers only is recognized too');
    assert.equal(classify(path, text).mod?.id, 'toml');
    const r = run(text, path);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(brief(text, r), [
      'reference 8080/tcp 10.0.0.5 dynamic [http.services.app.loadBalancer.servers[0]] http.services.app.loadBalancer.servers[0].url "8080"',
      'reference 8081/tcp 127.0.0.1 dynamic [http.services.app.loadBalancer.servers[1]] http.services.app.loadBalancer.servers[1].url "8081"',
      'reference 8082/tcp * dynamic [http.services.app.loadBalancer.healthCheck] http.services.app.loadBalancer.healthCheck.port "8082"',
      'reference 5432/tcp 10.0.0.7 dynamic [tcp.services.db.loadBalancer.servers[0]] tcp.services.db.loadBalancer.servers[0].address "5432"',
      'reference 53/udp 127.0.0.1 dynamic [udp.services.dns.loadBalancer.servers[0]] udp.services.dns.loadBalancer.servers[0].address "53"',
    ]);
    // Near-miss: the same keys outside Traefik's services stay what they were (a url key is no port key; an address a bind).
    const other = '[[mirror.servers]]\n  url = "http://127.0.0.1:8080"\n[[proxy.listeners]]\n  address = "10.0.0.7:5432"\n';
    assert.deepEqual(brief(other, run(other, path)), ['bind 5432/tcp 10.0.0.7 dynamic [proxy.listeners[0]] proxy.listeners[0].address "5432"']);
  });

  it('reports out-of-range ports, ignores 0 and values that are not ports', () => {
    const text = 'port = 70000\nadmin_port = 0\nhttp_address = "not an address"\nlisten = true\n';
    const r = run(text);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['invalid-port', '70000']]);
    assert.deepEqual(r.facts, []);
  });

  it('reads escaped strings without inventing positions', () => {
    const text = 'listen = "\\u0030.0.0.0:8080"\n';
    const r = run(text);
    assert.deepEqual(r.findings, []);
    assert.ok(r.facts.every((f) => f.location.span.start >= 9 && f.location.span.end <= text.length - 1));
  });

  it('fails quietly on a syntax error: no parse-error, the file may not be configuration', () => {
    const r = run('[server]\nport = 8080\nname = "x\n');
    assert.equal(r.failed, true);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.facts, []);
  });
});

describe('tomlast listToml', () => {
  it('lists dotted keys, inline tables and tables with exact spans', () => {
    const text = '[a]\nb.c = "x"\nd = { e = 1 }\n[[f]]\ng = 2\n';
    const l = listToml(text);
    assert.ok(l.ok);
    assert.deepEqual(l.entries.map((e) => [dotted(e.path), slice(text, e.keySpan), slice(text, e.lastKeySpan), slice(text, e.valueSpan), e.value]), [
      ['a.b.c', 'b.c', 'c', '"x"', 'x'],
      ['a.d.e', 'e', 'e', '1', 1],
      ['a.d', 'd', 'd', '{ e = 1 }', undefined],
      ['f[0].g', 'g', 'g', '2', 2],
    ]);
    assert.equal(slice(text, l.entries[0]!.contentSpan!), 'x');
    assert.deepEqual(l.tables.map((t) => slice(text, t.span)), ['[a]', '[[f]]']);
  });

  it('gives no content span for escaped strings and one for multi-line literals', () => {
    const text = 'a = "\\t"\nb = \'\'\'raw\'\'\'\n';
    const l = listToml(text);
    assert.ok(l.ok);
    assert.equal(l.entries[0]!.contentSpan, undefined);
    assert.equal(slice(text, l.entries[1]!.contentSpan!), 'raw');
  });

  it('returns the error and offset instead of throwing', () => {
    const l = listToml('a = 1\nb = = 2\n');
    assert.equal(l.ok, false);
    assert.ok(!l.ok && l.offset >= 6 && l.offset <= 12 && l.message.length > 0);
  });
});
