import * as assert from 'node:assert/strict';
import { analyze, at, summary } from '../memory';
import { ufwScript } from './fixtures';

const COMPOSE = '/ws/app/docker-compose.yml';
const UFW = '/ws/etc/ufw/setup-firewall.sh';
const PG_UNIT = '/ws/etc/systemd/system/postgresql.service';
const pgUnit = (args: string) => `[Unit]\nDescription=PostgreSQL\n\n[Service]\nUser=postgres\nExecStart=/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main ${args}\n\n[Install]\nWantedBy=multi-user.target\n`;

describe('rule public-exposure', () => {
  it('does not call a network_mode: host container "published by Docker": Docker publishes nothing there', () => {
    const compose = '/ws/opt/db/docker-compose.yml';
    const bridged = analyze({ [compose]: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n' }).byRule('public-exposure');
    assert.equal(bridged.length, 1, 'bridged and published on all interfaces: reported');
    const hostMode = analyze({ [compose]: 'services:\n  db:\n    image: postgres:16\n    network_mode: host\n    ports:\n      - "5432:5432"\n' }).byRule('public-exposure');
    assert.deepEqual(hostMode, []);
  });

  it('reports a database port published on all interfaces by compose, with the loopback spec', () => {
    const files = {
      [COMPOSE]: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5433:5432"\n  redis:\n    image: redis:7\n    ports:\n      - 6379:6379\n',
    };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${COMPOSE}:5 "5433"`, `public-exposure ${COMPOSE}:9 "6379"`]);
    assert.equal(ds[0]!.message, 'PostgreSQL port 5433 of db is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:5433:5432"');
    assert.equal(at(files, ds[0]!.related[0]!.location), '5432');
    assert.deepEqual(ds[0]!.data, { fix: 'loopback' });
  });

  it('reports a docker run -p of a database image', () => {
    const sh = '/ws/opt/db/run.sh';
    const files = { [sh]: '#!/bin/sh\ndocker run -d --name pg -p 5432:5432 -e POSTGRES_PASSWORD=x postgres:16\n' };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${sh}:2 "5432"`]);
  });

  it('reports ufw allowing a database port from anywhere, naming the service it opens', () => {
    const files = { [UFW]: ufwScript(['22/tcp', '5432/tcp']), [PG_UNIT]: pgUnit('-p 5432 -c listen_addresses=*') };
    const ds = analyze(files).byRule('public-exposure');
    assert.deepEqual(summary(files, ds), [`public-exposure ${UFW}:5 "5432"`]);
    assert.match(ds[0]!.message, /^ufw allows PostgreSQL port 5432 from anywhere \(postgresql\.service binds it on all interfaces at etc\/systemd\/system\/postgresql\.service:6\); allow only/);
    assert.equal(at(files, ds[0]!.related[0]!.location), '5432');
  });

  describe('near misses that must stay silent', () => {
    it('a database published on 127.0.0.1, and a web port published on all interfaces', () => {
      const a = analyze({
        [COMPOSE]: 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "127.0.0.1:5432:5432"\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n',
      });
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind').length, 2);
      assert.deepEqual(a.byRule('public-exposure'), []);
    });

    it('a database port only exposed to the compose network', () => {
      const a = analyze({ [COMPOSE]: 'services:\n  db:\n    image: postgres:16\n    expose:\n      - "5432"\n' });
      assert.deepEqual(a.byRule('public-exposure'), []);
    });

    it('ufw allowing the database only from one address', () => {
      const a = analyze({ [UFW]: ufwScript(['22/tcp', 'from 10.0.0.5 to any port 5432 proto tcp']), [PG_UNIT]: pgUnit('-p 5432') });
      assert.ok(a.snap.facts.some((f) => f.kind === 'firewall' && f.ports.start === 5432 && f.firewall?.from === '10.0.0.5'));
      assert.deepEqual(a.byRule('public-exposure'), []);
    });

    it('port 9000 of MinIO (not ClickHouse) published on all interfaces', () => {
      const a = analyze({ [COMPOSE]: 'services:\n  minio:\n    image: minio/minio:latest\n    ports:\n      - "9000:9000"\n' });
      assert.deepEqual(a.byRule('public-exposure'), []);
    });
  });
});
