/**
 * Well-known ports named by the image or program behind them, and admin APIs that must never be
 * public (`public-exposure`): each with a true finding and the near miss that must stay silent.
 */
import * as assert from 'node:assert/strict';
import { hoverAt } from '../../server/src/core/features/hover';
import { defaultPorts, exposureRisk, wellKnown } from '../../server/src/core/model/wellknown';
import { analyze, summary } from '../memory';
import { ufwScript } from './fixtures';

const COMPOSE = '/ws/opt/app/docker-compose.yml';
const UFW = '/ws/etc/ufw/setup-firewall.sh';
const names = (port: number, owner?: Parameters<typeof wellKnown>[2]) => wellKnown(port, 'tcp', owner).map((w) => w.name);
const service = (name: string, image: string, ports: string[], extra: string[] = []) =>
  ['services:', `  ${name}:`, `    image: ${image}`, ...extra, '    ports:', ...ports.map((p) => `      - "${p}"`), ''].join('\n');
const link = (_l: unknown, text: string) => text;

describe('well-known ports qualified by image', () => {
  it('names a shared number by the product the image or program identifies', () => {
    assert.deepEqual(names(8123, { image: 'ghcr.io/home-assistant/home-assistant:stable' }), ['Home Assistant web']);
    assert.deepEqual(names(8123, { image: 'clickhouse/clickhouse-server:24' }), ['ClickHouse HTTP']);
    assert.deepEqual(names(9000, { image: 'portainer/portainer-ce:lts' }), ['Portainer HTTP UI and API']);
    assert.deepEqual(names(9000, { image: 'minio/minio:latest' }), ['MinIO S3 API']);
    assert.deepEqual(names(9000, { image: 'php:8.3-fpm-alpine' }), ['PHP-FPM FastCGI']);
    assert.deepEqual(names(9000, { program: 'php-fpm8.2' }), ['PHP-FPM FastCGI']);
    assert.deepEqual(names(3000, { program: 'grafana-server' }), ['Grafana']);
    assert.deepEqual(names(8080, { image: 'traefik:v3.1' }), ['Traefik API and dashboard']);
  });

  it('lists the candidates, never one product, when the owner is unknown or another product', () => {
    assert.deepEqual(names(8123), ['ClickHouse HTTP or Home Assistant web']);
    assert.deepEqual(names(9000), ['MinIO S3 API / ClickHouse native / Portainer / PHP-FPM']);
    assert.deepEqual(names(9000, { image: 'example/app:1' }), names(9000));
    assert.deepEqual(names(3000, { image: 'node:20' }), ['Grafana / Gitea / Metabase / Node.js apps']);
    for (const port of [3000, 5000, 8000, 8080, 8123, 8443, 9000, 9001, 9443]) {
      assert.ok(wellKnown(port, 'tcp').every((w) => w.product === undefined), `${port}: only generic entries without an owner`);
    }
  });

  it('knows the default ports of an owner from its image or program', () => {
    assert.deepEqual(defaultPorts({ image: 'homeassistant/home-assistant' }), [{ port: 8123, protocol: 'tcp' }]);
    assert.deepEqual(defaultPorts({ program: 'mattermost' }).map((p) => `${p.port}/${p.protocol}`), ['8065/tcp', '8443/both']);
    assert.deepEqual(defaultPorts({ image: 'example/app' }), []);
    assert.deepEqual(defaultPorts(undefined), []);
  });

  it('hover names Home Assistant\'s published 8123 by its image, and an unknown image\'s by the candidates', () => {
    const ha = { [COMPOSE]: service('homeassistant', 'ghcr.io/home-assistant/home-assistant:stable', ['8124:8123']) };
    const a = analyze(ha);
    const md = hoverAt(a.snap, COMPOSE, ha[COMPOSE].indexOf('8124') + 1, link)!.markdown;
    assert.match(md, /Well-known use of 8123: Home Assistant web \(image ghcr\.io\/home-assistant\/home-assistant:stable\)\./);
    assert.doesNotMatch(md, /ClickHouse/);
    const other = { [COMPOSE]: service('app', 'example/analytics:2', ['8123:8123']) };
    const md2 = hoverAt(analyze(other).snap, COMPOSE, other[COMPOSE].indexOf('8123') + 1, link)!.markdown;
    assert.doesNotMatch(md2, /Well-known use of/);
  });

  it('hover of a ufw rule nothing binds gives the candidates of a shared number', () => {
    const files = { [UFW]: ufwScript(['22/tcp', '8123/tcp']) };
    const md = hoverAt(analyze(files).snap, UFW, files[UFW].indexOf('8123') + 1, link)!.markdown;
    assert.match(md, /Nothing in the workspace binds 8123\. Well-known use: ClickHouse HTTP or Home Assistant web\./);
  });
});

describe('rule public-exposure: admin APIs and shared numbers', () => {
  it('Home Assistant publishing 8123 is not a ClickHouse exposure; ClickHouse publishing it is', () => {
    assert.deepEqual(analyze({ [COMPOSE]: service('homeassistant', 'homeassistant/home-assistant:stable', ['8123:8123']) }).byRule('public-exposure'), []);
    assert.deepEqual(analyze({ [COMPOSE]: service('analytics', 'example/analytics:2', ['8123:8123']) }).byRule('public-exposure'), [], 'unknown image: no pretending');
    const files = { [COMPOSE]: service('ch', 'clickhouse/clickhouse-server:24', ['8123:8123']) };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${COMPOSE}:5 "8123"`]);
    assert.match(ds[0]!.message, /^ClickHouse HTTP port 8123 of ch is published on all interfaces/);
  });

  it('Portainer 9000 and 9443 are admin ports; MinIO\'s 9000 and Portainer\'s Edge tunnel 8000 are not', () => {
    const files = { [COMPOSE]: service('portainer', 'portainer/portainer-ce:2.21.0', ['8000:8000', '9000:9000', '9443:9443']) };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${COMPOSE}:6 "9000"`, `public-exposure ${COMPOSE}:7 "9443"`]);
    assert.equal(ds[1]!.message, 'Portainer HTTPS UI and API port 9443 of portainer is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:9443:9443"');
    assert.deepEqual(analyze({ [COMPOSE]: service('minio', 'minio/minio:latest', ['9000:9000', '9001:9001']) }).byRule('public-exposure'), []);
    assert.deepEqual(analyze({ [COMPOSE]: service('portainer', 'portainer/portainer-ce:lts', ['127.0.0.1:9443:9443']) }).byRule('public-exposure'), [], 'loopback only');
  });

  it('the Portainer agent (9001) controls Docker; MinIO\'s console on 9001 does not', () => {
    const files = { [COMPOSE]: service('agent', 'portainer/agent:2.21.0', ['9001:9001']) };
    assert.deepEqual(summary(files, analyze(files).byRule('public-exposure')), [`public-exposure ${COMPOSE}:5 "9001"`]);
  });

  it('PHP-FPM publishing 9000 is exposed by its image; a container port 9000 of an unknown image is not', () => {
    const files = { [COMPOSE]: service('php', 'php:8.3-fpm', ['9000:9000']) };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${COMPOSE}:5 "9000"`]);
    assert.match(ds[0]!.message, /^PHP-FPM FastCGI port 9000 of php/);
    assert.deepEqual(analyze({ [COMPOSE]: service('app', 'example/app:1', ['9000:9000']) }).byRule('public-exposure'), []);
  });

  it('Traefik\'s 8080 is its API only with --api.insecure (or TRAEFIK_API_INSECURE=true)', () => {
    const insecure = { [COMPOSE]: service('traefik', 'traefik:v3.1', ['80:80', '8080:8080'], ['    command:', '      - --api.insecure=true', '      - --providers.docker']) };
    const ds = analyze(insecure).byRule('public-exposure');
    assert.deepEqual(summary(insecure, ds), [`public-exposure ${COMPOSE}:9 "8080"`]);
    assert.match(ds[0]!.message, /^Traefik API and dashboard port 8080 of traefik is published on all interfaces/);
    const byEnv = { [COMPOSE]: service('traefik', 'traefik:v3.1', ['8080:8080'], ['    environment:', '      TRAEFIK_API_INSECURE: "true"']) };
    assert.equal(analyze(byEnv).byRule('public-exposure').length, 1);
    // Near misses: the API not switched on, and another image's 8080.
    const secure = { [COMPOSE]: service('traefik', 'traefik:v3.1', ['80:80', '8080:8080'], ['    command:', '      - --api.dashboard=true', '      - --providers.docker']) };
    assert.deepEqual(analyze(secure).byRule('public-exposure'), []);
    assert.deepEqual(analyze({ [COMPOSE]: service('jenkins', 'jenkins/jenkins:lts', ['8080:8080'], ['    command: --api.insecure=true']) }).byRule('public-exposure'), []);
  });

  it('Caddy\'s admin API 2019, Docker\'s 2375/2376, etcd and the kubelet published on all interfaces', () => {
    const files = {
      [COMPOSE]: [
        'services:', '  caddy:', '    image: caddy:2', '    ports:', '      - "443:443"', '      - "2019:2019"',
        '  dind:', '    image: docker:27-dind', '    ports:', '      - "2375:2375"', '      - "2376:2376"',
        '  etcd:', '    image: quay.io/coreos/etcd:v3.5.15', '    ports:', '      - "2379:2379"', '      - "2380:2380"', '',
      ].join('\n'),
    };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds).map((s) => s.split(':').pop()), ['6 "2019"', '10 "2375"', '11 "2376"', '15 "2379"', '16 "2380"']);
    assert.match(ds[0]!.message, /^Caddy admin API port 2019 of caddy/);
    // Near miss: the admin API on loopback, 443 public.
    const local = { [COMPOSE]: service('caddy', 'caddy:2', ['443:443', '127.0.0.1:2019:2019']) };
    assert.deepEqual(analyze(local).byRule('public-exposure'), []);
    assert.equal(exposureRisk(10250, 'tcp')?.name, 'Kubernetes kubelet API');
  });

  it('ufw opening a shared number from anywhere counts only when the unit that binds it is the product', () => {
    const unit = '/ws/etc/systemd/system/clickhouse-server.service';
    const files = { [UFW]: ufwScript(['22/tcp', '9000/tcp']), [unit]: '[Service]\nExecStart=/usr/bin/clickhouse-server --port 9000\n' };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${UFW}:5 "9000"`]);
    assert.match(ds[0]!.message, /^ufw allows ClickHouse native protocol port 9000 from anywhere \(clickhouse-server\.service binds it/);
    const unknown = { [UFW]: ufwScript(['22/tcp', '9000/tcp']), '/ws/etc/systemd/system/app.service': '[Service]\nExecStart=/usr/local/bin/app --port 9000\n' };
    assert.deepEqual(analyze(unknown).byRule('public-exposure'), [], 'an unknown program on 9000');
  });
});
