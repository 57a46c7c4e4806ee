/**
 * Traefik (traefik): the static configuration file (YAML and TOML, the upstream reference
 * listing), CLI flags of a compose service, and the Docker provider labels and nginx-proxy's
 * VIRTUAL_PORT that compose extraction hands to formats/traefik/compose.ts.
 */
import * as assert from 'node:assert/strict';
import { composeFormat } from '../../server/src/core/formats/compose';
import { traefikFormat } from '../../server/src/core/formats/traefik';
import { parseEntryPointAddress } from '../../server/src/core/formats/traefik/static';
import type { ExtractedFact, FormatModule } from '../../server/src/core/model/facts';
import { classify } from '../../server/src/core/index/registry';
import { corpusText, extractIn, slice } from '../helpers';

const line = (text: string, f: ExtractedFact) =>
  `${f.kind} ${f.ports.start}/${f.protocol} ${f.address ?? '*'} ${f.netns ? 'container' : 'host'} ${f.derivation.kind} ${f.detail}${f.role ? ` ${f.role}` : ''} ${JSON.stringify(slice(text, f.location.span))}`;
const brief = (mod: FormatModule, path: string, text: string, files: Record<string, string> = {}) =>
  extractIn(mod, { ...files, [path]: text }, path).facts.map((f) => line(f.location.file === path ? text : files[f.location.file]!, f));
const COMPOSE = '/ws/opt/proxy/docker-compose.yml';
const routed = (text: string, files: Record<string, string> = {}) => brief(composeFormat, COMPOSE, text, files).filter((l) => /traefik label|VIRTUAL_PORT|entryPoints|api\.insecure/.test(l));

describe('Traefik (traefik)', () => {
  it('recognizes traefik.yml/.yaml/.toml with entryPoints strongly, other static configs weakly, compose fragments not', () => {
    assert.equal(traefikFormat.detect('/ws/traefik/traefik.yml', 'entryPoints:\n  web:\n    address: ":80"\n'), 'strong');
    assert.equal(traefikFormat.detect('/ws/traefik.toml', '[entryPoints.web]\n  address = ":80"\n'), 'strong');
    assert.equal(traefikFormat.detect('/ws/static.yaml', 'entryPoints:\n  web: {}\nproviders:\n  docker: {}\n'), 'weak');
    assert.equal(traefikFormat.detect('/ws/static.yaml', 'entryPoints:\n  web: {}\n'), false);
    const fragment = 'services:\n  traefik:\n    image: traefik:v3\n    command:\n      - --entrypoints.web.address=:80\n';
    assert.equal(traefikFormat.detect('/ws/compose/traefik.yml', fragment), false);
    assert.equal(classify('/ws/compose/traefik.yml', fragment).mod?.id, 'compose');
  });

  it('reads entry point addresses (host, /udp, ranges) and the api.insecure dashboard on 8080 from YAML', () => {
    const text = 'entryPoints:\n  web:\n    address: ":80"\n  quic:\n    address: "0.0.0.0:443/udp"\n  local:\n    address: 127.0.0.1:9000\napi:\n  insecure: true\n';
    assert.deepEqual(brief(traefikFormat, '/ws/traefik.yml', text), [
      'bind 80/tcp * host literal entryPoints.web.address "80"',
      'bind 443/udp * host literal entryPoints.quic.address "443"',
      'bind 9000/tcp 127.0.0.1 host literal entryPoints.local.address "9000"',
      'bind 8080/tcp * host default api.insecure admin-api "true"',
    ]);
    assert.deepEqual(parseEntryPointAddress('[::1]:8080/tcp'), { host: '::1', range: { start: 8080, end: 8080 }, protocol: 'tcp', from: 6, to: 10 });
    assert.equal(parseEntryPointAddress('foobar'), undefined);
  });

  it('reads TOML, where an entry point named traefik carries the dashboard', () => {
    const text = '[entryPoints]\n  [entryPoints.web]\n    address = ":80"\n  [entryPoints.traefik]\n    address = "127.0.0.1:9999"\n[api]\n  insecure = true\n';
    assert.deepEqual(brief(traefikFormat, '/ws/traefik.toml', text), [
      'bind 80/tcp * host literal entryPoints.web.address "80"',
      'bind 9999/tcp 127.0.0.1 host literal entryPoints.traefik.address admin-api "9999"',
    ]);
    assert.equal(extractIn(traefikFormat, { '/ws/traefik.toml': '[api\n' }, '/ws/traefik.toml').failed, true);
  });

  it('reads the upstream reference of every static option: placeholder addresses make it a listing, so insecure binds nothing', () => {
    for (const name of ['traefik/file.yaml', 'traefik/file.toml']) {
      const text = corpusText(name);
      const r = extractIn(traefikFormat, { [`/ws/${name}`]: text }, `/ws/${name}`);
      assert.deepEqual(r.findings, [], name);
      assert.deepEqual(r.facts.map((f) => `${f.ports.start} ${f.detail}`), [], name);
      // Near-miss: the same listing with a real address for its one entry point is a configuration Traefik runs.
      const real = text.replace(/(address\s*[:=]\s*)"?foobar"?/, '$1":8443"');
      assert.deepEqual(extractIn(traefikFormat, { [`/ws/${name}`]: real }, `/ws/${name}`).facts.map((f) => `${f.ports.start} ${f.detail}`), ['8443 entryPoints.entrypoint0.address', '8080 api.insecure'], name);
    }
    assert.equal(classify('/ws/traefik/file.yaml', corpusText('traefik/file.yaml')).mod?.id, 'traefik');
  });

  it('a placeholder entry point address drops the implied dashboard port; a template or a real address does not', () => {
    const facts = (address: string) => brief(traefikFormat, '/ws/traefik.yml', `entryPoints:\n  web:\n    address: "${address}"\napi:\n  insecure: true\n`).map((l) => l.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(facts(':foobar'), []);
    assert.deepEqual(facts('foobar'), []);
    assert.deepEqual(facts(':80'), ['bind 80/tcp', 'bind 8080/tcp']);
    assert.deepEqual(facts(':${WEB_PORT}'), ['bind 8080/tcp'], 'a templated address is written for a real deployment');
    assert.deepEqual(facts(''), ['bind 8080/tcp']);
  });

  it('reads a dynamic YAML file\'s load-balancer servers as references (url, tcp/udp address, health check), never binds', () => {
    const text = [
      'http:',
      '  routers:',
      '    app:',
      '      rule: "Host(`app.example.com`)"',
      '      service: app',
      '  services:',
      '    app:',
      '      loadBalancer:',
      '        healthCheck:',
      '          port: 8082',
      '        servers:',
      '          - url: "http://10.0.0.5:8080/"',
      '          - url: http://127.0.0.1:8081',
      '          - url: https://app.example.com',
      'tcp:',
      '  services:',
      '    db:',
      '      loadBalancer:',
      '        servers:',
      '          - address: "10.0.0.7:5432"',
      'udp:',
      '  services:',
      '    dns:',
      '      LoadBalancer:',
      '        Servers:',
      '          - Address: 127.0.0.1:70000',
      '',
    ].join('\n');
    const path = '/ws/traefik/dynamic/app.yml';
    assert.equal(traefikFormat.detect(path, text), 'weak');
    assert.equal(classify(path, text).mod?.id, 'traefik');
    const r = extractIn(traefikFormat, { [path]: text }, path);
    assert.deepEqual(r.facts.map((f) => line(text, f)), [
      'reference 8082/tcp * host literal http.services.app.loadBalancer.healthCheck.port "8082"',
      'reference 8080/tcp 10.0.0.5 host literal http.services.app.loadBalancer.servers[0].url "8080"',
      'reference 8081/tcp 127.0.0.1 host literal http.services.app.loadBalancer.servers[1].url "8081"',
      'reference 5432/tcp 10.0.0.7 host literal tcp.services.db.loadBalancer.servers[0].address "5432"',
    ]);
    assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.message} ${slice(text, f.span)}`), ['invalid-port Traefik service server port 70000 is not a port (1-65535) 70000']);
    // Near-misses: a YAML file with top-level http: but no loadBalancer, and the same keys outside services.
    assert.equal(traefikFormat.detect(path, 'http:\n  routers:\n    app:\n      service: app\n'), false);
    const elsewhere = 'http:\n  middlewares:\n    x:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:8081\n';
    assert.deepEqual(extractIn(traefikFormat, { [path]: elsewhere }, path).facts, []);
  });

  it('reads CLI flags of a Traefik container as binds inside it, list and string command alike', () => {
    const text = 'services:\n  traefik:\n    image: "traefik:v3.7"\n    command:\n      - "--api.insecure=true"\n      - "--entryPoints.web.address=:80"\n    ports:\n      - "80:80"\n      - "8080:8080"\n  other:\n    image: busybox\n    command: --entrypoints.web.address=:81\n';
    assert.deepEqual(routed(text), [
      'bind 80/tcp traefik container literal entryPoints.web.address "80"',
      'bind 8080/tcp traefik container default api.insecure admin-api "true"',
    ]);
    const str = 'services:\n  proxy:\n    image: traefik\n    command: --entrypoints.websecure.address=:${HTTPS:-443} --api.insecure\n';
    assert.deepEqual(routed(str), [
      'bind 443/tcp proxy container interpolation entryPoints.websecure.address "${HTTPS:-443}"',
      'bind 8080/tcp proxy container default api.insecure admin-api "--api.insecure"',
    ]);
    assert.deepEqual(routed(corpusText('realworld/traefik__traefik/docs/content/user-guides/docker-compose/basic-example/docker-compose.yml')), [
      'bind 80/tcp traefik container literal entryPoints.web.address "80"',
      'bind 8080/tcp traefik container default api.insecure admin-api "true"',
    ]);
  });

  it('reads loadbalancer.server.port labels (map and list, http/tcp/udp) unless traefik.enable=false', () => {
    const text = 'services:\n  app:\n    image: ghcr.io/acme/app\n    labels:\n      traefik.http.services.app.loadbalancer.server.port: "8080"\n  dns:\n    image: coredns\n    labels:\n      - traefik.udp.services.dns.loadBalancer.server.port=${DNS_PORT:-53}\n  off:\n    image: x\n    labels:\n      - traefik.enable=false\n      - traefik.http.services.off.loadbalancer.server.port=9\n';
    assert.deepEqual(routed(text), [
      'reference 8080/tcp app container literal traefik label "8080"',
      'reference 53/udp dns container interpolation traefik label "${DNS_PORT:-53}"',
    ]);
  });

  it('reads VIRTUAL_PORT of a container with VIRTUAL_HOST, from environment and env_file', () => {
    const text = 'services:\n  web:\n    image: nginx\n    environment:\n      - VIRTUAL_HOST=app.example.com\n      - VIRTUAL_PORT=8080\n  bare:\n    image: x\n    environment:\n      VIRTUAL_PORT: "9000"\n  file:\n    image: y\n    env_file: web.env\n';
    const files = { '/ws/opt/proxy/web.env': 'VIRTUAL_HOST=f.example.com\nVIRTUAL_PORT=3000\n' };
    assert.deepEqual(routed(text, files), [
      'reference 8080/tcp web container literal VIRTUAL_PORT "8080"',
      'reference 3000/tcp file container literal VIRTUAL_PORT "3000"',
    ]);
    const bad = extractIn(composeFormat, { [COMPOSE]: text.replace('VIRTUAL_PORT=8080', 'VIRTUAL_PORT=80800') }, COMPOSE);
    assert.deepEqual(bad.findings.map((f) => f.message), ['VIRTUAL_PORT 80800 is not a port (1-65535)']);
  });
});
