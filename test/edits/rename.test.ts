/**
 * Rename a port, Find All References and Go to Definition on the example host: what is linked,
 * what a rename changes, when it is refused, and where it must not reach.
 */
import * as assert from 'node:assert/strict';
import { definitionsAt, prepareRename, referencesAt, renamePort } from '../../server/src/core/features/edits/rename';
import type { Location } from '../../server/src/core/model/facts';
import { analyze } from '../memory';
import { applied, exampleFiles, lineWith, verdictOf } from './util';

const EX = exampleFiles();
const a = analyze(EX);
const textOf = (f: string) => EX[f];
const NGINX = '/ws/etc/nginx/sites-enabled/rtcd';
const RTCD = '/ws/etc/rtcd/config.toml';
const at = (file: string, needle: string, nth = 0): number => {
  let i = -1;
  for (let n = 0; n <= nth; n++) i = EX[file]!.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  return i;
};
const show = (ls: Location[]) => ls.map((l) => `${l.file.slice(4)}:${EX[l.file]!.slice(0, l.span.start).split('\n').length} ${EX[l.file]!.slice(l.span.start, l.span.end)}`).sort();

describe('rename, references, definition', () => {
  it('prepareRename on rtcd\'s API port links the config value and the nginx proxy_pass, not the nginx listener or the shared ufw rule', () => {
    const t = prepareRename(a.snap, RTCD, at(RTCD, ':8444') + 2);
    assert.ok(!('error' in t));
    assert.equal(t.port, 8444);
    assert.deepEqual(EX[RTCD]!.slice(t.span.start, t.span.end), '8444');
    assert.deepEqual(t.mentions.map((m) => `${m.fact.location.file.slice(4)} ${m.why}`), ["etc/nginx/sites-enabled/rtcd jitsi.yourserver.com proxy_pass", "etc/rtcd/config.toml rtcd's API"]);
  });

  it('renames rtcd\'s API port everywhere linked, and the re-check finds no problem it caused', () => {
    const r = renamePort(a.snap, textOf, RTCD, (at(RTCD, ':8444') + 1), '8045');
    assert.ok(!('error' in r));
    const out = applied(EX, r.edits);
    assert.equal(lineWith(out[RTCD]!, 'listen_address'), 'http.listen_address = ":8045"');
    assert.equal(lineWith(out[NGINX]!, 'proxy_pass'), '        proxy_pass http://127.0.0.1:8045;');
    assert.equal(lineWith(out[NGINX]!, 'listen '), '    listen 8444 ssl http2;');
    assert.deepEqual(verdictOf(EX, r.edits).caused, []);
  });

  it('renaming from the .env entry or from the ${VAR} both change the .env digits only', () => {
    const compose = '/ws/opt/jitsi/docker-compose.yml';
    const env = '/ws/opt/jitsi/.env';
    for (const [file, offset] of [[compose, at(compose, '${HTTPS_PORT}') + 3], [env, at(env, '8443')]] as const) {
      const r = renamePort(a.snap, textOf, file, offset, '8543');
      assert.ok(!('error' in r), JSON.stringify(r));
      assert.deepEqual(r.edits.map((e) => `${e.file} ${EX[e.file]!.slice(e.span.start, e.span.end)}->${e.newText}`), [`${env} 8443->8543`]);
    }
  });

  it('renaming a ufw rule\'s port also changes the same number in its comment', () => {
    const files = { '/ws/fw.sh': "#!/bin/sh\nufw allow 8046/udp comment 'rtcd media 8046 (was 18046)'\n", '/ws/rtcd/config.toml': '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_port_udp = 8046\n' };
    const snap = analyze(files).snap;
    const r = renamePort(snap, (f) => files[f as keyof typeof files], '/ws/rtcd/config.toml', files['/ws/rtcd/config.toml'].indexOf('8046'), '8047');
    assert.ok(!('error' in r));
    assert.equal(applied(files, r.edits)['/ws/fw.sh'], "#!/bin/sh\nufw allow 8047/udp comment 'rtcd media 8047 (was 18046)'\n");
  });

  it('refuses a port taken on the host (naming who holds it), out of range, or not a number', () => {
    const taken = renamePort(a.snap, textOf, RTCD, (at(RTCD, ':8444') + 1), '8443');
    assert.ok('error' in taken);
    assert.match(taken.error, /8443\/tcp is bound by web \(opt\/jitsi\/docker-compose\.yml:9\)/);
    const range = renamePort(a.snap, textOf, RTCD, (at(RTCD, ':8444') + 1), '50000');
    assert.ok('error' in range);
    assert.match(range.error, /outside \[80, 49151\]/);
    const nan = renamePort(a.snap, textOf, RTCD, (at(RTCD, ':8444') + 1), 'http');
    assert.ok('error' in nan);
  });

  it('prepareRename refuses where there is no port, and on a port range', () => {
    assert.ok('error' in prepareRename(a.snap, RTCD, 0));
    const files = { '/ws/fw.sh': '#!/bin/sh\nufw allow 10000:20000/udp\n' };
    const t = prepareRename(analyze(files).snap, '/ws/fw.sh', files['/ws/fw.sh'].indexOf('10000'));
    assert.ok('error' in t);
    assert.match(t.error, /range/);
  });

  it('Go to Definition from nginx\'s proxy_pass leads to rtcd\'s bind, not to the listener in the same server block', () => {
    assert.deepEqual(show(definitionsAt(a.snap, NGINX, at(NGINX, '8444', 1))), ['etc/rtcd/config.toml:7 8444']);
    assert.deepEqual(definitionsAt(a.snap, RTCD, (at(RTCD, ':8444') + 1)), [], 'a bind is its own definition');
  });

  it('Go to Definition from a proxy_pass to the backend upstream\'s port leads to Mattermost\'s listener', () => {
    const prochat = '/ws/etc/nginx/sites-enabled/prochat';
    assert.deepEqual(show(definitionsAt(a.snap, prochat, at(prochat, '8065'))), ['opt/mattermost/config/config.json:6 8065']);
  });

  it('Find All References from the bind, with and without the declaration', () => {
    assert.deepEqual(show(referencesAt(a.snap, RTCD, (at(RTCD, ':8444') + 1), true)), ['etc/nginx/sites-enabled/rtcd:10 8444', 'etc/rtcd/config.toml:7 8444']);
    assert.deepEqual(show(referencesAt(a.snap, RTCD, (at(RTCD, ':8444') + 1), false)), ['etc/nginx/sites-enabled/rtcd:10 8444']);
    const compose = '/ws/opt/jitsi/docker-compose.yml';
    assert.deepEqual(show(referencesAt(a.snap, compose, at(compose, '${HTTPS_PORT}'), true)), ['opt/jitsi/.env:8 8443', 'opt/jitsi/docker-compose.yml:9 ${HTTPS_PORT}']);
  });
});
