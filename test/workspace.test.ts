import * as assert from 'node:assert/strict';
import { WorkspaceIndex, loadWorkspace, type WorkspaceHost } from '../server/src/core/index/workspace';
import { analysisOf, analyze, at, lineOf, summary } from './memory';
import { nginxSite, rtcdConfig, rtcdUnit } from './rules/fixtures';

const RTCD = '/ws/etc/rtcd/config.toml';
const SITE = '/ws/etc/nginx/sites-enabled/rtcd';
const COMPOSE = '/ws/opt/jitsi/docker-compose.yml';
const ENV = '/ws/opt/jitsi/.env';
const composeText = 'services:\n  web:\n    image: jitsi/web:stable\n    ports:\n      - "${HTTP_PORT}:80"\n';

function publishedPorts(a: ReturnType<typeof analyze>): number[] {
  return a.snap.facts.filter((f) => f.location.file === COMPOSE && f.kind === 'bind').map((f) => f.ports.start);
}

describe('WorkspaceIndex', () => {
  describe('a file that stops parsing', () => {
    it('keeps its last good facts, shows only its parse error, and recovers when fixed', () => {
      const good = rtcdConfig(':8444', 8046, 8046, 'ice_prot_tcp = 1\n');
      const files: Record<string, string> = { [RTCD]: good, [SITE]: nginxSite('rtc.example.com', ['8444 ssl'], { '/': 'http://127.0.0.1:8444' }) };
      const a = analyze(files);
      assert.deepEqual(summary(files, a.diagnostics), [
        `port-conflict ${SITE}:2 "8444"`,
        `port-conflict ${RTCD}:2 "8444"`,
        `unknown-rtcd-key ${RTCD}:11 "ice_prot_tcp"`,
      ]);

      const broken = good.replace('[rtc]', '[rtc');
      a.index.setText(RTCD, broken);
      files[RTCD] = broken;
      const b = analysisOf(a.index);
      assert.equal(b.snap.files.get(RTCD)?.stale, true);
      // rtcd's facts stand in, so nginx still learns about the clash on its side...
      assert.deepEqual(b.factsIn(RTCD).map((f) => f.ports.start), [8444, 8046, 8046]);
      assert.deepEqual(b.diagnostics.map((d) => `${d.rule} ${d.location.file}`), [`port-conflict ${SITE}`, `parse-error ${RTCD}`]);
      // ...but nothing located in the broken text with old offsets is shown, except the parse error.
      // The header `[rtc` is broken on line 6; the parser notices on the line after it.
      assert.ok([6, 7].includes(lineOf(files, b.byRule('parse-error')[0]!.location)));

      const fixed = good.replace('ice_prot_tcp = 1\n', '');
      a.index.setText(RTCD, fixed);
      files[RTCD] = fixed;
      const c = analysisOf(a.index);
      assert.equal(c.snap.files.get(RTCD)?.stale, false);
      assert.deepEqual(summary(files, c.diagnostics), [`port-conflict ${SITE}:2 "8444"`, `port-conflict ${RTCD}:2 "8444"`]);
    });

    it('reports the parse error and has no facts when the file never parsed', () => {
      const files = { [RTCD]: '[api\nhttp.listen_address = ":8045"\n' };
      const a = analyze(files);
      assert.equal(a.snap.files.get(RTCD)?.stale, false);
      assert.deepEqual(a.factsIn(RTCD), []);
      assert.deepEqual(a.diagnostics.map((d) => d.rule), ['parse-error']);
    });
  });

  describe('dependencies', () => {
    it('re-extracts a compose file when its .env is created, changed and removed', () => {
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
      index.setText(COMPOSE, composeText);
      const before = analysisOf(index);
      assert.deepEqual(publishedPorts(before), []);

      index.setText(ENV, 'HTTP_PORT=8000\n');
      const created = analysisOf(index);
      assert.deepEqual(publishedPorts(created), [8000]);
      const f = created.snap.facts.find((x) => x.location.file === COMPOSE && x.kind === 'bind')!;
      assert.equal(at({ [COMPOSE]: composeText }, f.location), '${HTTP_PORT}');
      assert.equal(at({ [ENV]: 'HTTP_PORT=8000\n' }, f.valueLocation), '8000');

      index.setText(ENV, '# moved\nHTTP_PORT=8001\n');
      assert.deepEqual(publishedPorts(analysisOf(index)), [8001]);

      assert.equal(index.remove(ENV), true);
      assert.equal(index.remove(ENV), false);
      assert.deepEqual(publishedPorts(analysisOf(index)), []);
    });

    it('re-extracts a systemd unit when its EnvironmentFile appears', () => {
      const unit = '/ws/etc/systemd/system/rtcd.service';
      const a = analyze({ [unit]: rtcdUnit(['EnvironmentFile=-/etc/rtcd/rtcd.env']), [RTCD]: rtcdConfig(':8045', 8443, 8443) });
      assert.deepEqual(a.snap.facts.filter((f) => f.role === 'rtcd-ice-udp' && !f.shadowed).map((f) => [f.ports.start, f.location.file]), [[8443, RTCD]]);
      a.index.setText('/ws/etc/rtcd/rtcd.env', 'RTCD_RTC_ICEPORTUDP=8446\n');
      const b = analysisOf(a.index);
      assert.deepEqual(b.snap.facts.filter((f) => f.role === 'rtcd-ice-udp' && !f.shadowed).map((f) => [f.ports.start, f.location.file]), [[8446, '/ws/etc/rtcd/rtcd.env']]);
    });
  });

  describe('hosts', () => {
    it('places files by the first matching host-map glob (dot files included), else by root name', () => {
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }], hostMap: [{ glob: 'deploy/app/**', host: 'app1' }, { glob: 'deploy/**', host: 'media1' }] });
      assert.equal(index.hostOf('/ws/deploy/app/nginx/sites-enabled/chat'), 'app1');
      assert.equal(index.hostOf('/ws/deploy/app/.env'), 'app1');
      assert.equal(index.hostOf('/ws/deploy/rtcd/config.toml'), 'media1');
      assert.equal(index.hostOf('/ws/docs/ports.md'), 'ws');
      assert.equal(index.hostOf('/elsewhere/x.conf'), 'default');
      assert.equal(index.hostOf('/wsx/x.conf'), 'default');
    });

    it('keeps the first matching glob in setting order among globs with and without static prefixes, and matches a glob naming one file', () => {
      const hostMap = [{ glob: '**/edge/**', host: 'edge1' }, { glob: 'deploy/app/**', host: 'app1' }, { glob: 'deploy/app/compose.yml', host: 'never' }, { glob: 'deploy/**', host: 'media1' }, { glob: 'docker-compose.yml', host: 'top' }];
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }], hostMap });
      assert.equal(index.hostOf('/ws/deploy/app/edge/nginx.conf'), 'edge1');
      assert.equal(index.hostOf('/ws/deploy/app/compose.yml'), 'app1');
      assert.equal(index.hostOf('/ws/deploy/rtcd/config.toml'), 'media1');
      assert.equal(index.hostOf('/ws/docker-compose.yml'), 'top');
      // Near misses: a literal glob names only its own path.
      assert.equal(index.hostOf('/ws/docker-compose.yml.bak'), 'ws');
      assert.equal(index.hostOf('/ws/sub/docker-compose.yml'), 'ws');
    });

    it('keeps binds on different hosts apart and says which host in messages', () => {
      const files = {
        '/ws/deploy/app/nginx/sites-enabled/chat': nginxSite('chat.example.com', ['8443 ssl'], { '/': 'http://127.0.0.1:9999' }),
        '/ws/deploy/media/rtcd/config.toml': rtcdConfig(':8045', 8443, 8443),
      };
      const a = analyze(files, { hostMap: [{ glob: 'deploy/app/**', host: 'app1' }, { glob: 'deploy/media/**', host: 'media1' }] });
      assert.deepEqual(summary(files, a.diagnostics), ['unresolved-reference /ws/deploy/app/nginx/sites-enabled/chat:6 "9999"']);
      assert.match(a.diagnostics[0]!.message, /^nothing on host "app1" listens/);
      const same = analyze(files);
      assert.deepEqual(same.byRule('port-conflict').length, 2);
    });

    it('gives each workspace folder its own host, names the folder in paths, and prefers the innermost root', () => {
      const roots = [{ path: '/srv/app1', name: 'app1' }, { path: '/srv/app2', name: 'app2' }, { path: '/srv/app2/media', name: 'media' }];
      const files = {
        '/srv/app1/etc/rtcd/config.toml': rtcdConfig(':8045'),
        '/srv/app2/etc/nginx/sites-enabled/app': nginxSite('app.example.com', ['8045']),
        '/srv/app2/etc/nginx/sites-enabled/other': nginxSite('other.example.com', ['8443 ssl'], { '/': 'http://127.0.0.1:7000' }),
        '/srv/app2/media/etc/rtcd/config.toml': rtcdConfig(':8046', 8443, 8443),
      };
      const a = analyze(files, { roots });
      assert.equal(a.snap.hostOf('/srv/app2/media/etc/rtcd/config.toml'), 'media');
      assert.deepEqual(a.byRule('port-conflict'), []);
      const u = a.byRule('unresolved-reference');
      assert.equal(u.length, 1);
      assert.equal(a.snap.where(u[0]!.location), 'app2/etc/nginx/sites-enabled/other:6');
      assert.equal(a.snap.display('/srv/app1/etc/rtcd/config.toml'), 'app1/etc/rtcd/config.toml');
    });

    it('re-places facts when the host map changes', () => {
      const files = { '/ws/a/nginx/sites-enabled/x': nginxSite('x.example.com', ['8045']), '/ws/b/rtcd/config.toml': rtcdConfig(':8045') };
      const a = analyze(files);
      assert.equal(a.byRule('port-conflict').length, 2);
      a.index.configure({ roots: [{ path: '/ws', name: 'ws' }], hostMap: [{ glob: 'a/**', host: 'web' }] });
      assert.deepEqual(analysisOf(a.index).byRule('port-conflict'), []);
    });
  });

  describe('bookkeeping', () => {
    it('forgets a removed file\'s facts and diagnostics', () => {
      const files = { [RTCD]: rtcdConfig(':8444'), [SITE]: nginxSite('rtc.example.com', ['8444 ssl']) };
      const a = analyze(files);
      assert.equal(a.byRule('port-conflict').length, 2);
      a.index.remove(SITE);
      const b = analysisOf(a.index);
      assert.deepEqual(b.diagnostics, []);
      assert.deepEqual(b.factsIn(SITE), []);
      assert.equal(b.snap.files.has(SITE), false);
    });

    it('caches the snapshot until something changes, and ignores a write of the same text', () => {
      const a = analyze({ [RTCD]: rtcdConfig() });
      assert.equal(a.index.snapshot(), a.snap);
      assert.equal(a.index.setText(RTCD, rtcdConfig()), false);
      assert.equal(a.index.snapshot(), a.snap);
      assert.equal(a.index.setText(RTCD, rtcdConfig(':8046')), true);
      assert.notEqual(a.index.snapshot(), a.snap);
    });

    it('keeps texts of files no module reads (they may be read by others), without facts', () => {
      const a = analyze({ '/ws/etc/dovecot/dovecot.conf': 'service imap-login {\n  inet_listener imap {\n    port = 143\n  }\n}\n', '/ws/etc/hostname': 'jitsi\n' });
      assert.deepEqual(a.index.paths(), ['/ws/etc/dovecot/dovecot.conf', '/ws/etc/hostname']);
      assert.equal(a.snap.files.size, 0);
      assert.deepEqual(a.diagnostics, []);
    });

    it('loads a workspace through a host and logs skipped files', async () => {
      const texts: Record<string, string> = { [RTCD]: rtcdConfig(), '/ws/big.bin': '' };
      const host: WorkspaceHost = {
        listFiles: async () => Object.keys(texts),
        readFile: async (p) => (p.endsWith('.bin') ? { skipped: 'binary' } : { text: texts[p]! }),
      };
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
      const log: string[] = [];
      await loadWorkspace(index, host, [{ path: '/ws', name: 'ws' }], (m) => log.push(m));
      assert.deepEqual(log, ['skipped /ws/big.bin: binary']);
      assert.deepEqual(index.paths(), [RTCD]);
      assert.equal(index.snapshot().facts.length, 3);
    });
  });
});

describe('multi-root workspaces', () => {
  const A = { path: '/a', name: 'alpha' };
  const B = { path: '/b', name: 'beta' };
  const site = (port: string) => `server {\n    listen ${port};\n    server_name x.example;\n}\n`;

  it('each folder is its own host: the same port in two folders is no conflict', () => {
    const files = { '/a/nginx/sites-enabled/x': site('8080'), '/b/docker-compose.yml': 'services:\n  web:\n    image: httpd\n    ports:\n      - "8080:80"\n' };
    const a = analyze(files, { roots: [A, B] });
    assert.deepEqual(a.byRule('port-conflict'), []);
    assert.deepEqual([...new Set(a.snap.facts.map((f) => f.host))].sort(), ['alpha', 'beta']);
    assert.equal(a.snap.display('/b/docker-compose.yml'), 'beta/docker-compose.yml');
    // The same two files in one folder that mirrors a machine (etc/, opt/) are on one host and clash.
    const one = { '/one/etc/nginx/sites-enabled/x': files['/a/nginx/sites-enabled/x'], '/one/opt/b/docker-compose.yml': files['/b/docker-compose.yml'] };
    assert.equal(analyze(one, { roots: [{ path: '/one', name: 'one' }] }).byRule('port-conflict').length, 2, 'one folder: they do clash');
  });

  it('a folder-level host map applies to its own folder only, and can put both folders on one host', () => {
    const files = { '/a/nginx/sites-enabled/x': site('8080'), '/b/docker-compose.yml': 'services:\n  web:\n    image: httpd\n    ports:\n      - "8080:80"\n' };
    const onlyA = analyze(files, { roots: [A, B], hostMap: [{ glob: '**', host: 'media1', root: '/a' }] });
    assert.deepEqual([...new Set(onlyA.snap.facts.map((f) => f.host))].sort(), ['beta', 'media1']);
    assert.deepEqual(onlyA.byRule('port-conflict'), []);
    const both = analyze(files, { roots: [A, B], hostMap: [{ glob: '**', host: 'media1', root: '/a' }, { glob: '**', host: 'media1', root: '/b' }] });
    assert.deepEqual(summary(files, both.byRule('port-conflict')), ['port-conflict /a/nginx/sites-enabled/x:2 "8080"', 'port-conflict /b/docker-compose.yml:5 "8080"']);
    assert.match(both.byRule('port-conflict')[0]!.message, /beta\/docker-compose\.yml:5/);
  });
});
