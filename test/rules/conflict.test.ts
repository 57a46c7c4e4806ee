import * as assert from 'node:assert/strict';
import { analyze, at, lineOf, summary } from '../memory';
import { mattermostConfig, nginxSite, rtcdConfig, rtcdUnit } from './fixtures';

describe('rule port-conflict', () => {
  it('reports both sides of an nginx listener and Mattermost on the same port, naming the other file:line', () => {
    const files = {
      '/ws/etc/nginx/sites-enabled/app': nginxSite('app.example.com', ['8065'], { '/': 'http://127.0.0.1:8065' }),
      '/ws/opt/mattermost/config/config.json': mattermostConfig(':8065'),
    };
    const a = analyze(files);
    const ds = a.byRule('port-conflict');
    assert.deepEqual(summary(files, ds), [
      'port-conflict /ws/etc/nginx/sites-enabled/app:2 "8065"',
      'port-conflict /ws/opt/mattermost/config/config.json:4 "8065"',
    ]);
    assert.match(ds[0]!.message, /^8065\/tcp on all interfaces is also bound by mattermost \(opt\/mattermost\/config\/config\.json:4\)$/);
    assert.match(ds[1]!.message, /also bound by app\.example\.com \(etc\/nginx\/sites-enabled\/app:2\)/);
    assert.equal(ds[0]!.severity, 'error');
    assert.equal(at(files, ds[0]!.related[0]!.location), '8065');
    assert.equal(ds[0]!.related[0]!.location.file, '/ws/opt/mattermost/config/config.json');
  });

  it('reports a compose published port against a docker run -p on the same host port', () => {
    const files = {
      '/ws/opt/jitsi/docker-compose.yml': 'services:\n  web:\n    image: jitsi/web:stable\n    ports:\n      - "8000:80"\n',
      '/ws/opt/portainer/run.sh': '#!/bin/sh\ndocker run -d -p 8000:8000 -p 9443:9443 --name portainer portainer/portainer-ce:lts\n',
    };
    const ds = analyze(files).byRule('port-conflict');
    assert.deepEqual(summary(files, ds), ['port-conflict /ws/opt/jitsi/docker-compose.yml:5 "8000"', 'port-conflict /ws/opt/portainer/run.sh:2 "8000"']);
    assert.match(ds[0]!.message, /portainer \(opt\/portainer\/run\.sh:2\)/);
    assert.match(ds[1]!.message, /web \(opt\/jitsi\/docker-compose\.yml:5\)/);
  });

  it('treats a wildcard bind as overlapping a specific address', () => {
    const files = {
      '/ws/etc/nginx/sites-enabled/app': nginxSite('app.example.com', ['127.0.0.1:8080']),
      '/ws/etc/systemd/system/api.service': '[Unit]\nDescription=API\n\n[Service]\nExecStart=/usr/bin/node server.js\nEnvironment=PORT=8080\n\n[Install]\nWantedBy=multi-user.target\n',
      '/ws/opt/mattermost/config/config.json': mattermostConfig(':8080'),
    };
    const ds = analyze(files).byRule('port-conflict');
    assert.deepEqual(summary(files, ds), ['port-conflict /ws/etc/nginx/sites-enabled/app:2 "8080"', 'port-conflict /ws/opt/mattermost/config/config.json:4 "8080"']);
    assert.match(ds[0]!.message, /^8080\/tcp on 127\.0\.0\.1 is also bound by mattermost/);
  });

  describe('near misses that must stay silent', () => {
    it('127.0.0.1:8080 and 127.0.0.2:8080 are different sockets', () => {
      const a = analyze({
        '/ws/etc/nginx/sites-enabled/app': nginxSite('app.example.com', ['127.0.0.1:8080']),
        '/ws/opt/mattermost/config/config.json': mattermostConfig('127.0.0.2:8080'),
      });
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 8080).length, 2);
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('the same port on different protocols does not clash (rtcd media udp vs an nginx tcp listener)', () => {
      const a = analyze({
        '/ws/etc/rtcd/config.toml': rtcdConfig(':8045', 8443, 8446),
        '/ws/etc/nginx/sites-enabled/app': nginxSite('app.example.com', ['8443 ssl']),
      });
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('nginx virtual hosts sharing 80 and 443 are one process', () => {
      const a = analyze({
        '/ws/etc/nginx/sites-enabled/chat': nginxSite('chat.example.com', ['80', '443 ssl http2', '[::]:443 ssl']),
        '/ws/etc/nginx/sites-enabled/meet': nginxSite('meet.example.com', ['80', '443 ssl']),
      });
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 443).length, 3);
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('one compose service listed in the base file and an override file is one process', () => {
      const a = analyze({
        '/ws/app/docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n',
        '/ws/app/docker-compose.override.yml': 'services:\n  web:\n    ports:\n      - "8080:80"\n',
      });
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 8080).length, 2);
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('container-side ports of different services do not clash on the host', () => {
      const a = analyze({
        '/ws/app/docker-compose.yml': [
          'services:',
          '  db1:',
          '    image: postgres:16',
          '    ports:',
          '      - "127.0.0.1:5433:5432"',
          '  db2:',
          '    image: postgres:16',
          '    ports:',
          '      - "127.0.0.1:5434:5432"',
          '  api:',
          '    image: example/api:1',
          '    expose:',
          '      - "5432"',
          '',
        ].join('\n'),
        '/ws/etc/systemd/system/postgresql.service': '[Unit]\nDescription=PostgreSQL\n\n[Service]\nExecStart=/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -p 5432\n',
      });
      assert.ok(a.snap.facts.some((f) => f.kind === 'bind' && f.ports.start === 5432 && f.netns !== undefined));
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('rtcd config.toml and its systemd unit overriding a port count as one rtcd', () => {
      const files = {
        '/ws/etc/rtcd/config.toml': rtcdConfig(':8045', 8443, 8443),
        '/ws/etc/systemd/system/rtcd.service': rtcdUnit(['Environment=RTCD_API_HTTP_LISTENADDRESS=:8045', 'Environment=RTCD_RTC_ICEPORTUDP=8443']),
      };
      const a = analyze(files);
      const api = a.snap.facts.filter((f) => f.role === 'rtcd-api');
      assert.deepEqual(api.map((f) => [f.shadowed === true, at(files, f.location), f.location.file]), [
        [true, '8045', '/ws/etc/rtcd/config.toml'],
        [false, '8045', '/ws/etc/systemd/system/rtcd.service'],
      ]);
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('a Calls plugin port set while an rtcd URL is configured does not bind', () => {
      const a = analyze({
        '/ws/opt/mattermost/config/config.json': mattermostConfig(':8065', { rtcdserviceurl: 'http://127.0.0.1:8045', udpserverport: 8443, tcpserverport: 8443 }),
        '/ws/etc/rtcd/config.toml': rtcdConfig(':8045', 8443, 8443),
      });
      assert.deepEqual(a.byRule('port-conflict'), []);
    });

    it('binds on different hosts of a host map do not clash', () => {
      const a = analyze(
        {
          '/ws/app/nginx/sites-enabled/app': nginxSite('app.example.com', ['8065']),
          '/ws/chat/opt/mattermost/config/config.json': mattermostConfig(':8065'),
        },
        { hostMap: [{ glob: 'app/**', host: 'app1' }, { glob: 'chat/**', host: 'chat1' }] },
      );
      assert.deepEqual(a.byRule('port-conflict'), []);
    });
  });

  it('without the Calls URL the plugin ports bind and clash with rtcd media on the same host', () => {
    const files = {
      '/ws/opt/mattermost/config/config.json': mattermostConfig(':8065', { udpserverport: 8443, tcpserverport: 8443 }),
      '/ws/etc/rtcd/config.toml': rtcdConfig(':8045', 8443, 8446),
    };
    const ds = analyze(files).byRule('port-conflict');
    assert.deepEqual(summary(files, ds), ['port-conflict /ws/etc/rtcd/config.toml:8 "8443"', 'port-conflict /ws/opt/mattermost/config/config.json:13 "8443"']);
    assert.match(ds[0]!.message, /^8443\/udp on all interfaces is also bound by mattermost \(opt\/mattermost\/config\/config\.json:13\)/);
    assert.equal(lineOf(files, ds[1]!.related[0]!.location), 8);
  });
});
