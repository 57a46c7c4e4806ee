/**
 * Rename, hover and the Ports view over the front-end formats: a port renamed in a Caddyfile, an
 * haproxy.cfg and a traefik.yml changes exactly the linked digits, and renaming it back gives
 * the files byte for byte; hover and the port tree show the new formats' mentions.
 */
import * as assert from 'node:assert/strict';
import { renamePort } from '../../server/src/core/features/edits/rename';
import { planRenumber } from '../../server/src/core/features/edits/renumber';
import { hoverAt } from '../../server/src/core/features/hover';
import { portTree } from '../../server/src/core/features/table';
import { checkFix } from '../check';
import { analyze } from '../memory';
import { corpusText } from '../helpers';
import { applied } from './util';

const CADDY = '/ws/etc/caddy/Caddyfile';
const HAPROXY = '/ws/etc/haproxy/haproxy.cfg';
const TRAEFIK = '/ws/etc/traefik/traefik.yml';
const FILES: Record<string, string> = {
  [CADDY]: '{\n\tadmin localhost:2019\n}\n# the shop, port 8080 in the docs\n:8080 {\n\treverse_proxy localhost:9000\n}\n',
  [HAPROXY]: corpusText('haproxy/quick-test.cfg'),
  [TRAEFIK]: 'entryPoints:\n  web:\n    address: ":8088"\n  websecure:\n    address: ":8443"\n',
};
const link = (_l: unknown, text: string) => text;

/** Renames `port` where `marker` (which contains it) is in `file` to `to` and back; returns the files after the first rename. */
function roundTrip(files: Record<string, string>, file: string, marker: string, port: string, to: string): Record<string, string> {
  const a = analyze(files);
  const offset = files[file]!.indexOf(marker) + marker.indexOf(port);
  assert.ok(offset >= marker.indexOf(port) && marker.includes(port), marker);
  const there = renamePort(a.snap, (f) => files[f], file, offset, to);
  assert.ok(!('error' in there), JSON.stringify(there));
  const out = applied(files, there.edits);
  const b = analyze(out);
  const back = renamePort(b.snap, (f) => out[f], file, offset, port);
  assert.ok(!('error' in back), JSON.stringify(back));
  const again = applied(out, back.edits);
  for (const f of Object.keys(files)) assert.equal(again[f], files[f], `${f} is byte-identical after the round trip`);
  return out;
}

describe('rename, hover and Ports view on front-end formats', () => {
  it('renames a Caddy site port (not the comment, not the upstream) and back, byte-identically', () => {
    const out = roundTrip(FILES, CADDY, ':8080 {', '8080', '8181');
    assert.equal(out[CADDY], FILES[CADDY]!.replace(':8080 {', ':8181 {'));
  });

  it('renames an HAProxy bind and back in HAProxy\'s own example, byte-identically', () => {
    const out = roundTrip(FILES, HAPROXY, 'bind :8000', '8000', '8100');
    assert.equal(out[HAPROXY], FILES[HAPROXY]!.replace('bind :8000', 'bind :8100'));
  });

  it('renames a Traefik entry point and back, byte-identically', () => {
    const out = roundTrip(FILES, TRAEFIK, ':8088', '8088', '8089');
    assert.equal(out[TRAEFIK], FILES[TRAEFIK]!.replace(':8088', ':8089'));
  });

  it('renames an upstream together with the site that serves it on the same host', () => {
    const files = { [CADDY]: ':8080 {\n\treverse_proxy localhost:9000\n}\n:9000 {\n}\n' };
    const a = analyze(files);
    const r = renamePort(a.snap, (f) => files[f as keyof typeof files], CADDY, files[CADDY].indexOf(':9000 {') + 1, '9100');
    assert.ok(!('error' in r), JSON.stringify(r));
    assert.equal(applied(files, r.edits)[CADDY], ':8080 {\n\treverse_proxy localhost:9100\n}\n:9100 {\n}\n');
  });

  it('renumbers rtcd through a Caddy upstream and an HAProxy server that point at its API, and back', () => {
    const files: Record<string, string> = {
      '/ws/etc/rtcd/config.toml': '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n',
      [CADDY]: 'rtc.example.com {\n\treverse_proxy localhost:8045\n}\n',
      [HAPROXY]: 'frontend fe\n  bind 127.0.0.1:9000\n  default_backend rtcd\nbackend rtcd\n  server r1 127.0.0.1:8045 check\n',
    };
    const a = analyze(files);
    const plan = planRenumber(a.snap, (f) => files[f], { api: 8046, media: 8443 });
    assert.equal(plan.invalid, undefined);
    const out = applied(files, plan.edits);
    assert.equal(out[CADDY], files[CADDY]!.replace('8045', '8046'));
    assert.equal(out[HAPROXY], files[HAPROXY]!.replace('8045', '8046'));
    const back = planRenumber(analyze(out).snap, (f) => out[f], { api: 8045, media: 8443 });
    const again = applied(out, back.edits);
    for (const f of Object.keys(files)) assert.equal(again[f], files[f], f);
  });

  it('quick-fixes a front end\'s missing firewall rule: the ufw script gets the Caddy site\'s port', () => {
    checkFix(
      `
      //- /fw.sh
      #!/bin/sh
      ufw allow 22/tcp
      ufw allow 80/tcp
      ufw enable
      //- /etc/caddy/Caddyfile
      example.com {
      ^^^^^^^^^^^ firewall-missing warning: 443/tcp (example.com's site address) must be reachable from outside, but no ufw rule on host "ws" allows it ...
      }
      `,
      `
      //- /fw.sh
      #!/bin/sh
      ufw allow 22/tcp
      ufw allow 80/tcp
      ufw allow 443/tcp
      ufw enable
      `,
    );
  });

  it('hovers over the new formats\' digits and lists them in the Ports view', () => {
    const a = analyze(FILES);
    for (const [file, needle] of [[CADDY, ':8080 {'], [HAPROXY, 'bind :8000'], [TRAEFIK, ':8443']] as const) {
      const h = hoverAt(a.snap, file, FILES[file]!.indexOf(needle) + needle.search(/\d/), link);
      assert.ok(h?.markdown.includes(needle.replace(/\D/g, '')), `${file}: ${h?.markdown}`);
    }
    const ports = portTree(a.snap, a.diagnostics).flatMap((h) => h.projects.flatMap((g) => g.ports)).map((p) => `${p.port}/${p.protocol} ${p.mentions.map((m) => m.location.file.split('/').pop()).join(',')}`);
    for (const row of ['2019/tcp Caddyfile', '8080/tcp Caddyfile', '8000/tcp haproxy.cfg,haproxy.cfg', '8088/tcp traefik.yml', '8443/tcp traefik.yml']) assert.ok(ports.includes(row), `${row} in\n${ports.join('\n')}`);
  });
});
