import * as assert from 'node:assert/strict';
import { analyze, at, summary } from '../memory';
import { mattermostConfig, nginxSite, rtcdConfig, rtcdUnit } from './fixtures';

const RTCD = '/ws/etc/rtcd/config.toml';
const MM = '/ws/opt/mattermost/config/config.json';
const SITE = '/ws/etc/nginx/sites-enabled/rtcd';

describe('rule rtcd-mismatch', () => {
  describe('the Calls rtcd URL', () => {
    it('reports a URL whose port is not rtcd\'s API, naming the API and what holds the port', () => {
      const files = {
        [MM]: mattermostConfig(':8065', { rtcdserviceurl: 'https://rtc.example.com:8443' }),
        [RTCD]: rtcdConfig(':8444', 8046, 8046),
        '/ws/opt/jitsi/docker-compose.yml': 'services:\n  web:\n    image: jitsi/web:stable\n    ports:\n      - "8443:443"\n',
      };
      const ds = analyze(files).byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${MM}:13 "8443"`]);
      assert.match(ds[0]!.message, /points at port 8443, which does not reach rtcd's API \(8444\/tcp at etc\/rtcd\/config\.toml:2\); 8443 is bound by web \(opt\/jitsi\/docker-compose\.yml:5\)$/);
      assert.deepEqual(ds[0]!.related.map((r) => [r.location.file, at(files, r.location)]), [[RTCD, '8444'], ['/ws/opt/jitsi/docker-compose.yml', '8443']]);
      assert.deepEqual(ds[0]!.data, { expected: [8444] });
    });

    it('reports an MM_CALLS_RTCD_SERVICE_URL in the Mattermost unit on the URL digits', () => {
      const unit = '/ws/etc/systemd/system/mattermost.service';
      const files = {
        [unit]: '[Unit]\nDescription=Mattermost\n\n[Service]\nExecStart=/opt/mattermost/bin/mattermost\nEnvironment="MM_CALLS_RTCD_SERVICE_URL=http://127.0.0.1:8046"\n',
        [RTCD]: rtcdConfig(':8045'),
      };
      const ds = analyze(files).byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${unit}:6 "8046"`]);
      assert.match(ds[0]!.message, /8045\/tcp at etc\/rtcd\/config\.toml:2/);
    });

    it('stays silent when the URL names the API port directly', () => {
      const a = analyze({ [MM]: mattermostConfig(':8065', { rtcdserviceurl: 'http://127.0.0.1:8045' }), [RTCD]: rtcdConfig(':8045') });
      assert.ok(a.snap.facts.some((f) => f.role === 'calls-rtcd-url' && f.ports.start === 8045));
      assert.deepEqual(a.byRule('rtcd-mismatch'), []);
    });

    it('stays silent when the URL reaches rtcd through an nginx listener that proxies to its API', () => {
      const a = analyze({
        [MM]: mattermostConfig(':8065', { rtcdserviceurl: 'https://rtc.example.com:8444' }),
        [RTCD]: rtcdConfig('127.0.0.1:8045'),
        [SITE]: nginxSite('rtc.example.com', ['8444 ssl'], { '/': 'http://127.0.0.1:8045' }),
      });
      assert.deepEqual(a.diagnostics, []);
    });

    it('still reports a URL on an nginx port whose server block proxies elsewhere', () => {
      const files = {
        [MM]: mattermostConfig(':8065', { rtcdserviceurl: 'https://chat.example.com:443' }),
        [RTCD]: rtcdConfig('127.0.0.1:8045'),
        '/ws/etc/nginx/sites-enabled/chat': nginxSite('chat.example.com', ['443 ssl'], { '/': 'http://127.0.0.1:8065' }),
        '/ws/etc/nginx/sites-enabled/rtc': nginxSite('rtc.example.com', ['8444 ssl'], { '/': 'http://127.0.0.1:8045' }),
      };
      const ds = analyze(files).byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${MM}:13 "443"`]);
    });
  });

  describe('nginx proxying to rtcd', () => {
    it('reports a proxy_pass in rtcd\'s site that targets a port rtcd does not listen on', () => {
      const files = { [RTCD]: rtcdConfig(':8045', 8443, 8443), [SITE]: nginxSite('rtc.example.com', ['8444 ssl'], { '/': 'http://127.0.0.1:8046' }) };
      const ds = analyze(files).byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${SITE}:6 "8046"`]);
      assert.match(ds[0]!.message, /^nginx proxy_pass to rtcd uses port 8046, but rtcd listens on rtcd's API 8045\/tcp, .* \(etc\/rtcd\/config\.toml:2\)$/);
      assert.deepEqual(ds[0]!.data, { expected: [8045] });
    });

    it('stays silent for a proxy_pass to the API, and for sites not about rtcd', () => {
      const a = analyze({
        [RTCD]: rtcdConfig(':8045'),
        [SITE]: nginxSite('rtc.example.com', ['8444 ssl'], { '/': 'http://127.0.0.1:8045' }),
        '/ws/etc/nginx/sites-enabled/chat': nginxSite('chat.example.com', ['443 ssl'], { '/': 'http://127.0.0.1:8065' }),
        [MM]: mattermostConfig(':8065'),
      });
      assert.deepEqual(a.byRule('rtcd-mismatch'), []);
    });
  });

  describe('rtcd container mappings', () => {
    const compose = (tcpTarget: string) =>
      ['services:', '  rtcd:', '    image: mattermost/rtcd:v1.1.0', '    ports:', '      - "8045:8045"', '      - "8443:8443/udp"', `      - "8443:${tcpTarget}/tcp"`, ''].join('\n');

    it('reports a published container port rtcd does not listen on', () => {
      const files = { '/ws/rtcd/docker-compose.yml': compose('8044') };
      const ds = analyze(files).byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), ['rtcd-mismatch /ws/rtcd/docker-compose.yml:7 "8044"']);
      assert.match(ds[0]!.message, /^rtcd publishes container port 8044\/tcp, but rtcd listens on rtcd's API 8045\/tcp, rtcd's media \(ICE UDP\) 8443\/udp, rtcd's media \(ICE TCP\) 8443\/tcp inside the container$/);
    });

    it('follows a mounted config.toml and stays silent about the container ports when the mapping matches it', () => {
      const files = {
        '/ws/rtcd/docker-compose.yml': [
          'services:', '  rtcd:', '    image: mattermost/rtcd:v1.1.0', '    ports:', '      - "8045:8045"', '      - "8443:9443/udp"', '      - "8443:9443/tcp"',
          '    volumes:', '      - ./config.toml:/rtcd/config/config.toml:ro', '',
        ].join('\n'),
        '/ws/rtcd/config.toml': rtcdConfig(':8045', 9443, 9443),
      };
      const a = analyze(files);
      assert.ok(a.snap.facts.some((f) => f.role === 'rtcd-ice-udp' && f.ports.start === 9443 && f.netns === 'compose:/ws/rtcd#rtcd'));
      // The container ports are rtcd's; what remains is that 9443 is published on host port 8443
      // with no ice_host_port_override, so rtcd advertises 9443 (test/rules/ice-nat.test.ts).
      const ds = a.byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), ['rtcd-mismatch /ws/rtcd/docker-compose.yml:6 "8443"', 'rtcd-mismatch /ws/rtcd/docker-compose.yml:7 "8443"']);
      assert.ok(ds.every((d) => d.data?.['fix'] === 'ice-host-port'));
    });

    it('stays silent for the documented default mapping', () => {
      assert.deepEqual(analyze({ '/ws/rtcd/docker-compose.yml': compose('8443') }).byRule('rtcd-mismatch'), []);
    });
  });

  describe('environment overrides that disagree', () => {
    it('reports an Environment= value that an EnvironmentFile overrides with another port', () => {
      const unit = '/ws/etc/systemd/system/rtcd.service';
      const files = {
        [unit]: rtcdUnit(['Environment=RTCD_RTC_ICEPORTUDP=8443', 'EnvironmentFile=/etc/rtcd/rtcd.env']),
        '/ws/etc/rtcd/rtcd.env': '# overrides\nRTCD_RTC_ICEPORTUDP=8446\n',
        [RTCD]: rtcdConfig(':8045', 8443, 8443),
      };
      const a = analyze(files);
      const ds = a.byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${unit}:9 "8443"`]);
      assert.equal(ds[0]!.message, 'RTCD_RTC_ICEPORTUDP=8443 for rtcd.service is overridden by RTCD_RTC_ICEPORTUDP=8446 (etc/rtcd/rtcd.env:2); the two disagree');
      assert.equal(at(files, ds[0]!.related[0]!.location), '8446');
      const udp = a.snap.facts.filter((f) => f.role === 'rtcd-ice-udp' && !f.shadowed);
      assert.deepEqual(udp.map((f) => [f.ports.start, at(files, f.location)]), [[8446, '8446']]);
    });

    it('reports MM_CALLS_RTCD_URL and MM_CALLS_RTCD_SERVICE_URL that disagree', () => {
      const unit = '/ws/etc/systemd/system/mattermost.service';
      const files = {
        [unit]: '[Service]\nExecStart=/opt/mattermost/bin/mattermost\nEnvironment=MM_CALLS_RTCD_URL=http://127.0.0.1:8045\nEnvironment=MM_CALLS_RTCD_SERVICE_URL=http://127.0.0.1:8046\n',
      };
      const ds = analyze(files).byRule('rtcd-mismatch');
      assert.deepEqual(summary(files, ds), [`rtcd-mismatch ${unit}:3 "http://127.0.0.1:8045"`]);
      assert.match(ds[0]!.message, /overridden by MM_CALLS_RTCD_SERVICE_URL=http:\/\/127\.0\.0\.1:8046 \(etc\/systemd\/system\/mattermost\.service:4\)/);
    });

    it('stays silent when the same value is set twice', () => {
      const a = analyze({
        '/ws/etc/systemd/system/rtcd.service': rtcdUnit(['Environment=RTCD_RTC_ICEPORTUDP=8443', 'EnvironmentFile=/etc/rtcd/rtcd.env']),
        '/ws/etc/rtcd/rtcd.env': 'RTCD_RTC_ICEPORTUDP=8443\n',
        [RTCD]: rtcdConfig(':8045', 8443, 8443),
      });
      assert.deepEqual(a.diagnostics, []);
    });
  });
});
