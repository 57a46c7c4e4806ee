import * as assert from 'node:assert/strict';
import { checkDiagnostics } from '../check';
import { analyze, at } from '../memory';
import { hoverAt } from '../../server/src/core/features/hover';

describe('rule public-exposure', () => {
  it('does not call a network_mode: host container "published by Docker": Docker publishes nothing there', () => {
    checkDiagnostics(`
      //- /opt/db/docker-compose.yml
      services:
        db:
          image: postgres:16
          ports:
            - "5432:5432"
               ^^^^ public-exposure warning: PostgreSQL port 5432 of db is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:5432:5432"
    `);
    checkDiagnostics(`
      //- /opt/db/docker-compose.yml
      services:
        db:
          image: postgres:16
          network_mode: host
          ports:
            - "5432:5432"
    `);
  });

  it('reports a database port published on all interfaces by compose, with the loopback spec', () => {
    const a = checkDiagnostics(`
      //- /app/docker-compose.yml
      services:
        db:
          image: postgres:16
          ports:
            - "5433:5432"
               ^^^^ public-exposure warning: PostgreSQL port 5433 of db is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:5433:5432"
        redis:
          image: redis:7
          ports:
            - 6379:6379
              ^^^^ public-exposure warning: Redis port 6379 of redis is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:6379:6379"
    `);
    const db = a.diagnostics[0]!;
    assert.equal(at(a.files, db.related[0]!.location), '5432');
    assert.deepEqual(db.data, { fix: 'loopback' });
  });

  it('reports a docker run -p of a database image', () => {
    checkDiagnostics(`
      //- /opt/db/run.sh
      #!/bin/sh
      docker run -d --name pg -p 5432:5432 -e POSTGRES_PASSWORD=x postgres:16
                                 ^^^^ public-exposure warning: PostgreSQL port 5432 of pg is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:5432:5432"
    `);
  });

  it('reports a host_ip variable with a default of all interfaces, or set to all interfaces in .env (near-miss of an unknown host_ip)', () => {
    checkDiagnostics(`
      //- /app/.env
      LISTEN_IP=0.0.0.0
      //- /app/docker-compose.yml
      services:
        db:
          image: postgres:16
          ports:
            - "\${DB_IP:-0.0.0.0}:5432:5432"
                                 ^^^^ public-exposure warning: PostgreSQL port 5432 of db is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:5432:5432"
        redis:
          image: redis:7
          ports:
            - "$LISTEN_IP:6379:6379"
                          ^^^^ public-exposure warning: Redis port 6379 of redis is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:6379:6379"
    `);
  });

  it('reports ufw allowing a database port from anywhere, naming the service it opens', () => {
    const a = checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      set -e
      ufw default deny incoming
      ufw allow 22/tcp
      ufw allow 5432/tcp
                ^^^^ public-exposure warning: ufw allows PostgreSQL port 5432 from anywhere (postgresql.service binds it on all interfaces at etc/systemd/system/postgresql.service:6); allow only ...
      ufw --force enable
      //- /etc/systemd/system/postgresql.service
      [Unit]
      Description=PostgreSQL

      [Service]
      User=postgres
      ExecStart=/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -p 5432 -c listen_addresses=*

      [Install]
      WantedBy=multi-user.target
    `);
    assert.equal(at(a.files, a.diagnostics[0]!.related[0]!.location), '5432');
  });

  describe('near misses that must stay silent', () => {
    it('a database published on 127.0.0.1, and a web port published on all interfaces', () => {
      const a = checkDiagnostics(`
        //- /app/docker-compose.yml
        services:
          db:
            image: postgres:16
            ports:
              - "127.0.0.1:5432:5432"
          web:
            image: nginx:1.27
            ports:
              - "8080:80"
      `);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind').length, 2);
    });

    it('a database published on a host_ip variable that no env file sets (short and long syntax, docker run)', () => {
      checkDiagnostics(`
        //- /app/docker-compose.yml
        services:
          db:
            image: postgres:16
            ports:
              - "$ZEROTIER_IP:5432:5432"
          redis:
            image: redis:7
            ports:
              - target: 6379
                published: 6379
                host_ip: \${REDIS_IP}
        //- /opt/db/run.sh
        #!/bin/sh
        docker run -d --name pg -p "$PG_IP:5433:5432" postgres:16
      `);
    });

    it('hover calls an unset host_ip variable unknown, and a defaulted one all interfaces', () => {
      const file = '/ws/app/docker-compose.yml';
      const text = 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "$ZEROTIER_IP:5432:5432"\n      - "${IP:-}:5433:5432"\n';
      const a = analyze({ [file]: text });
      const unknown = hoverAt(a.snap, file, text.indexOf('5432'), (_l, t) => t)!;
      assert.match(unknown.markdown, /address: unknown \(an unset variable\)/);
      const empty = hoverAt(a.snap, file, text.indexOf('5433'), (_l, t) => t)!;
      assert.match(empty.markdown, /address: all interfaces/);
    });

    it('a database port only exposed to the compose network', () => {
      checkDiagnostics(`
        //- /app/docker-compose.yml
        services:
          db:
            image: postgres:16
            expose:
              - "5432"
      `);
    });

    it('ufw allowing the database only from one address', () => {
      const a = checkDiagnostics(`
        //- /etc/ufw/setup-firewall.sh
        #!/bin/sh
        set -e
        ufw default deny incoming
        ufw allow 22/tcp
        ufw allow from 10.0.0.5 to any port 5432 proto tcp
        ufw --force enable
        //- /etc/systemd/system/postgresql.service
        [Unit]
        Description=PostgreSQL

        [Service]
        User=postgres
        ExecStart=/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -p 5432
      `);
      assert.ok(a.snap.facts.some((f) => f.kind === 'firewall' && f.ports.start === 5432 && f.firewall?.from === '10.0.0.5'));
    });

    it('port 9000 of MinIO (not ClickHouse) published on all interfaces', () => {
      checkDiagnostics(`
        //- /app/docker-compose.yml
        services:
          minio:
            image: minio/minio:latest
            ports:
              - "9000:9000"
      `);
    });
  });
});
