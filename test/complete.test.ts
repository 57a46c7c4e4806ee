/**
 * Free-port completion (core/complete.ts): port positions of each format, candidates near the
 * typed number, and the reasons each offer is free.
 */
import * as assert from 'node:assert/strict';
import { completePorts } from '../server/src/core/features/complete';
import type { LiveSocket } from '../server/src/core/features/live';
import { analyze } from './memory';

const COMPOSE = '/ws/opt/app/docker-compose.yml';
const NGINX = '/ws/etc/nginx/sites-enabled/app';

function at(files: Record<string, string>, file: string, marker = '|', live?: LiveSocket[]) {
  const withMarker = files[file]!;
  const offset = withMarker.indexOf(marker);
  assert.ok(offset >= 0, 'marker in text');
  const text = withMarker.slice(0, offset) + withMarker.slice(offset + marker.length);
  const a = analyze({ ...files, [file]: text });
  return { c: completePorts(a.snap, file, text, offset, live ? { live } : {}), text, offset };
}

describe('free-port completion', () => {
  const base = {
    [COMPOSE]: 'services:\n  pg:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:8081:5432"\n  app:\n    image: example/app\n    ports:\n      - "808|"\n',
    [NGINX]: 'server {\n    listen 8080;\n    server_name app.example.com;\n}\n',
  };

  it('offers free ports outward from the typed value in a compose ports item, skipping bound ports and stack ports', () => {
    const { c, text, offset } = at(base, COMPOSE);
    assert.ok(c);
    assert.equal(text.slice(c.replace.start, c.replace.end), '808', 'replaces the typed digits');
    assert.equal(c.replace.end, offset);
    // 808 itself and nearby are below 1024 but allowed (typed < 1024); 80 is nginx's well-known port only when nginx is present
    assert.deepEqual(c.items.map((i) => i.port), [808, 809, 807, 810, 806]);
    const typed8080 = at({ ...base, [COMPOSE]: base[COMPOSE].replace('808|', '8080|') }, COMPOSE).c!;
    assert.deepEqual(typed8080.items.map((i) => i.port), [8079, 8082, 8078, 8083, 8077], '8080 (nginx) and 8081 (pg) are bound on the host');
    assert.equal(typed8080.items[0]!.detail, 'free: not bound on host "ws"; not a well-known port of postgres');
  });

  it('leaves out the ports of stacks present in the workspace and ports in use on the live machine', () => {
    const files = { ...base, '/ws/etc/rtcd/config.toml': '[api]\nhttp.listen_address = ":8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n', [NGINX]: 'server {\n    listen 844|;\n}\n' };
    const live: LiveSocket[] = [{ protocol: 'tcp', address: '0.0.0.0', port: 8444, listening: true, inode: 1, uid: 0 }];
    const withMarker = files[NGINX].replace('844|', '8443|');
    const { c } = at({ ...files, [NGINX]: withMarker }, NGINX, '|', live);
    assert.ok(c);
    assert.deepEqual(c.items.map((i) => i.port), [8442, 8445, 8441, 8446, 8440], '8443 is bound by rtcd, 8444 is taken live');
    assert.match(c.items[0]!.detail, /not in use on this machine$/);
    assert.match(c.items[0]!.detail, /rtcd/);
  });

  it('recognizes nginx listen with an address, TOML port keys, rtcd listen_address and ufw allow', () => {
    const cases: [string, string][] = [
      ['/ws/etc/nginx/sites-enabled/x', 'server {\n    listen 127.0.0.1:90|;\n}\n'],
      ['/ws/etc/app/app.toml', '[server]\nhttp_port = 90|\n'],
      ['/ws/etc/rtcd/config.toml', '[api]\nhttp.listen_address = ":90|"\n'],
      ['/ws/etc/ufw/setup.sh', '#!/bin/sh\nufw allow 90|\n'],
      ['/ws/etc/ufw/setup2.sh', '#!/bin/sh\nufw allow from 10.0.0.5 to any port 90|\n'],
    ];
    for (const [file, text] of cases) {
      const { c } = at({ [file]: text }, file);
      assert.ok(c, file);
      assert.equal(c.items[0]!.port, 90, file);
    }
  });

  it('offers nothing outside port positions: a container target, an image tag, prose', () => {
    const cases: [string, string][] = [
      [COMPOSE, 'services:\n  app:\n    ports:\n      - "8080:80|"\n'],
      [COMPOSE, 'services:\n  app:\n    image: "redis:7|"\n'],
      [COMPOSE, 'services:\n  app:\n    command:\n      - "80|"\n'],
      ['/ws/README.md', 'Run it on port 80|\n'],
      [NGINX, 'server {\n    server_name a80|;\n}\n'],
    ];
    for (const [file, text] of cases) assert.equal(at({ [file]: text }, file).c, undefined, text);
  });
});
