import * as assert from 'node:assert/strict';
import { checkDiagnostics } from '../check';
import { at, lineOf } from '../memory';
import { renderFacts } from '../render';

describe('rule port-conflict', () => {
  it('reports both sides of an nginx listener and Mattermost on the same port, naming the other file:line', () => {
    const a = checkDiagnostics(`
      //- /etc/nginx/sites-enabled/app
      server {
          listen 8065;
                 ^^^^ port-conflict error: 8065/tcp on all interfaces is also bound by mattermost (opt/mattermost/config/config.json:4)
          server_name app.example.com;

          location / {
              proxy_pass http://127.0.0.1:8065;
              proxy_set_header Host $host;
          }
      }
      //- /opt/mattermost/config/config.json
      {
        "ServiceSettings": {
          "SiteURL": "https://chat.example.com",
          "ListenAddress": ":8065"
                             ^^^^ port-conflict error: 8065/tcp on all interfaces is also bound by app.example.com (etc/nginx/sites-enabled/app:2)
        },
        "SqlSettings": {
          "DriverName": "postgres"
        }
      }
    `);
    const nginxSide = a.diagnostics.find((d) => d.location.file === '/ws/etc/nginx/sites-enabled/app')!;
    const related = nginxSide.related[0]!.location;
    assert.equal(related.file, '/ws/opt/mattermost/config/config.json');
    assert.equal(at(a.files, related), '8065');
  });

  it('reports a compose published port against a docker run -p on the same host port', () => {
    checkDiagnostics(`
      //- /opt/jitsi/docker-compose.yml
      services:
        web:
          image: jitsi/web:stable
          ports:
            - "8000:80"
               ^^^^ port-conflict error: 8000/tcp on all interfaces is also bound by portainer (opt/portainer/run.sh:2)
      //- /opt/portainer/run.sh
      #!/bin/sh
      docker run -d -p 8000:8000 -p 9443:9443 --name portainer portainer/portainer-ce:lts
                       ^^^^ port-conflict error: 8000/tcp on all interfaces is also bound by web (opt/jitsi/docker-compose.yml:5)
                                    ^^^^ public-exposure warning: Portainer HTTPS UI and API port 9443 of portainer is published on all interfaces...
    `);
  });

  it('leaves a foreground docker run --rm (a one-shot certbot --standalone) out of port conflicts', () => {
    checkDiagnostics(`
      //- /opt/app/docker-compose.yml
      services:
        nginx:
          image: nginx:alpine
          ports:
            - "80:80"
      //- /opt/app/scripts/issue-certificate.sh
      #!/bin/sh
      sudo docker run -it --rm --name certbot -p 80:80 \\
        -v /etc/letsencrypt:/etc/letsencrypt \\
        certbot/certbot certonly --standalone -d "$DOMAIN"
    `);
  });

  it('still reports a docker run --rm that detaches, and a foreground docker run without --rm', () => {
    checkDiagnostics(`
      //- /opt/app/docker-compose.yml
      services:
        nginx:
          image: nginx:alpine
          ports:
            - "80:80"
               ^^ port-conflict error: 80/tcp on all interfaces is also bound by certbot (opt/app/scripts/run.sh:2) and 1 more
            - "8080:80"
               ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by web (opt/app/scripts/run.sh:3)
      //- /opt/app/scripts/run.sh
      #!/bin/sh
      docker run -d --rm --name certbot -p 80:80 certbot/certbot certonly --standalone
                                           ^^ port-conflict error: 80/tcp on all interfaces is also bound by nginx (opt/app/docker-compose.yml:5) and 1 more
      docker run -it --name web -p 8080:80 -p 80:80 nginx
                                   ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by nginx (opt/app/docker-compose.yml:6)
                                              ^^ port-conflict error: 80/tcp on all interfaces is also bound by nginx (opt/app/docker-compose.yml:5) and 1 more
    `);
  });

  it('treats a wildcard bind as overlapping a specific address', () => {
    checkDiagnostics(`
      //- /etc/nginx/sites-enabled/app
      server {
          listen 127.0.0.1:8080;
                           ^^^^ port-conflict error: 8080/tcp on 127.0.0.1 is also bound by mattermost (opt/mattermost/config/config.json:4)
          server_name app.example.com;
      }
      //- /etc/systemd/system/api.service
      [Unit]
      Description=API

      [Service]
      ExecStart=/usr/bin/node server.js
      Environment=PORT=8080

      [Install]
      WantedBy=multi-user.target
      //- /opt/mattermost/config/config.json
      {
        "ServiceSettings": {
          "SiteURL": "https://chat.example.com",
          "ListenAddress": ":8080"
                             ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by app.example.com (etc/nginx/sites-enabled/app:2)
        },
        "SqlSettings": { "DriverName": "postgres" }
      }
    `);
  });

  describe('near misses that must stay silent', () => {
    it('127.0.0.1:8080 and 127.0.0.2:8080 are different sockets', () => {
      const a = checkDiagnostics(`
        //- /etc/nginx/sites-enabled/app
        server {
            listen 127.0.0.1:8080;
            server_name app.example.com;
        }
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": "127.0.0.2:8080" },
          "SqlSettings": { "DriverName": "postgres" }
        }
      `);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 8080).length, 2);
    });

    it('the same port on different protocols does not clash (rtcd media udp vs an nginx tcp listener)', () => {
      const a = checkDiagnostics(`
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"

        [rtc]
        ice_address_udp = ""
        ice_port_udp = 8443
        ice_address_tcp = ""
        ice_port_tcp = 8446
        //- /etc/nginx/sites-enabled/app
        server {
            listen 8443 ssl;
            server_name app.example.com;
        }
      `);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 8443).length, 2);
    });

    it('nginx virtual hosts sharing 80 and 443 are one process', () => {
      const a = checkDiagnostics(`
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 80;
            listen 443 ssl http2;
            listen [::]:443 ssl;
            server_name chat.example.com;
        }
        //- /etc/nginx/sites-enabled/meet
        server {
            listen 80;
            listen 443 ssl;
            server_name meet.example.com;
        }
      `);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 443).length, 3);
    });

    it('one compose service listed in the base file and an override file is one process', () => {
      const a = checkDiagnostics(`
        //- /app/docker-compose.yml
        services:
          web:
            image: nginx:1.27
            ports:
              - "8080:80"
        //- /app/docker-compose.override.yml
        services:
          web:
            ports:
              - "8080:80"
      `);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 8080).length, 2);
    });

    it('container-side ports of different services do not clash on the host', () => {
      const a = checkDiagnostics(`
        //- /app/docker-compose.yml
        services:
          db1:
            image: postgres:16
            ports:
              - "127.0.0.1:5433:5432"
          db2:
            image: postgres:16
            ports:
              - "127.0.0.1:5434:5432"
          api:
            image: example/api:1
            expose:
              - "5432"
        //- /etc/systemd/system/postgresql.service
        [Unit]
        Description=PostgreSQL

        [Service]
        ExecStart=/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -p 5432
      `);
      assert.ok(a.snap.facts.some((f) => f.kind === 'bind' && f.ports.start === 5432 && f.netns !== undefined));
      assert.ok(a.snap.facts.some((f) => f.kind === 'bind' && f.ports.start === 5432 && f.netns === undefined), 'postgres binds 5432 on the host');
    });

    it('rtcd config.toml and its systemd unit overriding a port count as one rtcd', () => {
      const a = checkDiagnostics(`
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"

        [rtc]
        ice_address_udp = ""
        ice_port_udp = 8443
        ice_address_tcp = ""
        ice_port_tcp = 8443
        //- /etc/systemd/system/rtcd.service
        [Unit]
        Description=rtcd - Mattermost Calls media server

        [Service]
        ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
        Environment=RTCD_API_HTTP_LISTENADDRESS=:8045
        Environment=RTCD_RTC_ICEPORTUDP=8443
      `);
      const api = a.snap.facts.filter((f) => f.role === 'rtcd-api');
      assert.deepEqual(api.map((f) => f.location.file), ['/ws/etc/rtcd/config.toml', '/ws/etc/systemd/system/rtcd.service']);
      assert.deepEqual(renderFacts(api, a.files), [
        'bind 8045/tcp * rtcd listen_address role=rtcd-api instance=rtcd:/ws/etc/rtcd/config.toml shadowed | "8045"',
        'bind 8045/tcp * rtcd RTCD_API_HTTP_LISTENADDRESS role=rtcd-api instance=rtcd:/ws/etc/rtcd/config.toml via=env:RTCD_API_HTTP_LISTENADDRESS | "8045"',
      ]);
    });

    it('a Calls plugin port set while an rtcd URL is configured does not bind', () => {
      checkDiagnostics(`
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" },
          "PluginSettings": {
            "Plugins": {
              "com.mattermost.calls": {
                "rtcdserviceurl": "http://127.0.0.1:8045",
                "udpserverport": 8443,
                "tcpserverport": 8443
              }
            }
          }
        }
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"
        [rtc]
        ice_port_udp = 8443
        ice_port_tcp = 8443
      `);
    });

    it('binds on different hosts of a host map do not clash', () => {
      checkDiagnostics(
        `
        //- /app/nginx/sites-enabled/app
        server {
            listen 8065;
            server_name app.example.com;
        }
        //- /chat/opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" }
        }
        `,
        { hostMap: [{ glob: 'app/**', host: 'app1' }, { glob: 'chat/**', host: 'chat1' }] },
      );
    });
  });

  it('without the Calls URL the plugin ports bind and clash with rtcd media on the same host', () => {
    const a = checkDiagnostics(`
      //- /opt/mattermost/config/config.json
      {
        "ServiceSettings": { "ListenAddress": ":8065" },
        "SqlSettings": { "DriverName": "postgres" },
        "PluginSettings": {
          "Plugins": {
            "com.mattermost.calls": {
              "udpserverport": 8443,
                               ^^^^ port-conflict error: 8443/udp on all interfaces is also bound by rtcd (etc/rtcd/config.toml:6)
              "tcpserverport": 8443
            }
          }
        }
      }
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_address_udp = ""
      ice_port_udp = 8443
                     ^^^^ port-conflict error: 8443/udp on all interfaces is also bound by mattermost (opt/mattermost/config/config.json:7)
      ice_address_tcp = ""
      ice_port_tcp = 8446
    `);
    const mattermostSide = a.diagnostics.find((d) => d.location.file === '/ws/opt/mattermost/config/config.json')!;
    const related = mattermostSide.related[0]!.location;
    assert.deepEqual([related.file, lineOf(a.files, related)], ['/ws/etc/rtcd/config.toml', 6]);
  });
});
