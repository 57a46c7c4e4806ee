import * as assert from 'node:assert/strict';
import { analyze, at, summary } from '../memory';
import { mattermostConfig, nginxSite } from './fixtures';

const SITE = '/ws/etc/nginx/sites-enabled/chat';

const deployCompose = [
  'services:',
  '  mattermost:',
  '    image: mattermost/mattermost-team-edition:10.5',
  '    environment:',
  '      MM_SQLSETTINGS_DRIVERNAME: postgres',
  '  nginx:',
  '    image: nginx:1.27',
  '    ports:',
  '      - "443:443"',
  '    volumes:',
  '      - ./nginx/conf.d:/etc/nginx/conf.d:ro',
  '',
].join('\n');

const deployNginx = (upstreamPort: number) => `upstream backend {
    server mattermost:${upstreamPort};
}

server {
    listen 443 ssl;
    server_name chat.example.com;

    location / {
        proxy_pass http://backend;
    }
}
`;

describe('rule unresolved-reference', () => {
  describe('loopback references', () => {
    it('reports a proxy_pass to 127.0.0.1 whose port nothing binds', () => {
      const files = { [SITE]: nginxSite('chat.example.com', ['443 ssl'], { '/': 'http://127.0.0.1:8066' }), '/ws/opt/mattermost/config/config.json': mattermostConfig(':8065') };
      const ds = analyze(files).byRule('unresolved-reference');
      assert.deepEqual(summary(files, ds), [`unresolved-reference ${SITE}:6 "8066"`]);
      assert.equal(ds[0]!.message, 'nothing on host "ws" listens on 127.0.0.1:8066/tcp');
      assert.equal(ds[0]!.severity, 'warning');
    });

    it('names a container that binds the port only inside its network namespace', () => {
      const files = {
        [SITE]: nginxSite('meet.example.com', ['443 ssl'], { '= /http-bind': 'http://127.0.0.1:5280/http-bind' }),
        '/ws/opt/jitsi/docker-compose.yml': 'services:\n  prosody:\n    image: jitsi/prosody:stable\n    expose:\n      - "5222"\n      - "5280"\n',
      };
      const ds = analyze(files).byRule('unresolved-reference');
      assert.deepEqual(summary(files, ds), [`unresolved-reference ${SITE}:6 "5280"`]);
      assert.match(ds[0]!.message, /; prosody \(opt\/jitsi\/docker-compose\.yml:6\) binds 5280\/tcp only inside its container$/);
      assert.equal(at(files, ds[0]!.related[0]!.location), '5280');
    });

    it('stays silent when a host bind or a loopback-published container serves the port', () => {
      const a = analyze({
        [SITE]: nginxSite('chat.example.com', ['443 ssl'], { '/': 'http://127.0.0.1:8065', '/meet': 'http://localhost:8000' }),
        '/ws/opt/mattermost/config/config.json': mattermostConfig(':8065'),
        '/ws/opt/jitsi/docker-compose.yml': 'services:\n  web:\n    image: jitsi/web:stable\n    ports:\n      - "127.0.0.1:8000:80"\n',
      });
      assert.deepEqual(a.byRule('unresolved-reference'), []);
    });

    it('does not check references to other hosts', () => {
      const a = analyze({ [SITE]: nginxSite('chat.example.com', ['443 ssl'], { '/': 'http://10.0.0.7:8066', '/x': 'http://app.internal:9000' }) });
      assert.deepEqual(a.byRule('unresolved-reference'), []);
    });
  });

  describe('compose service references', () => {
    it('reports an upstream server naming a compose service on a port it does not listen on', () => {
      const conf = '/ws/deploy/nginx/conf.d/default.conf';
      const files = { '/ws/deploy/docker-compose.yml': deployCompose, [conf]: deployNginx(8000) };
      const ds = analyze(files).byRule('unresolved-reference');
      assert.deepEqual(summary(files, ds), [`unresolved-reference ${conf}:2 "8000"`]);
      assert.equal(ds[0]!.message, 'compose service "mattermost" (deploy/docker-compose.yml:2) does not listen on 8000; it listens on 8065/tcp');
      assert.equal(at(files, ds[0]!.related[0]!.location), 'mattermost');
    });

    it('stays silent for the image\'s port, and for a service whose ports are unknown', () => {
      const a = analyze({ '/ws/deploy/docker-compose.yml': deployCompose, '/ws/deploy/nginx/conf.d/default.conf': deployNginx(8065) });
      assert.deepEqual(a.byRule('unresolved-reference'), []);
      const b = analyze({
        '/ws/deploy/docker-compose.yml': deployCompose.replace('mattermost/mattermost-team-edition:10.5', 'example/chat:1'),
        '/ws/deploy/nginx/conf.d/default.conf': deployNginx(8000),
      });
      assert.deepEqual(b.byRule('unresolved-reference'), []);
    });
  });
});
