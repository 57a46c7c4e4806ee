import * as assert from 'node:assert/strict';
import { checkDiagnostics } from '../check';
import { at } from '../memory';

/** A compose deployment whose nginx reaches Mattermost through an upstream; `server` is the upstream's server line. */
const deploy = (image: string, server: string) => `
  //- /deploy/docker-compose.yml
  services:
    mattermost:
      image: ${image}
      environment:
        MM_SQLSETTINGS_DRIVERNAME: postgres
    nginx:
      image: nginx:1.27
      ports:
        - "443:443"
      volumes:
        - ./nginx/conf.d:/etc/nginx/conf.d:ro
  //- /deploy/nginx/conf.d/default.conf
  upstream backend {
  ${server}
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
      checkDiagnostics(`
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 443 ssl;
            server_name chat.example.com;

            location / {
                proxy_pass http://127.0.0.1:8066;
                                            ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:8066/tcp
                proxy_set_header Host $host;
            }
        }
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" }
        }
      `);
    });

    it('names a container that binds the port only inside its network namespace', () => {
      const a = checkDiagnostics(`
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 443 ssl;
            server_name meet.example.com;

            location = /http-bind {
                proxy_pass http://127.0.0.1:5280/http-bind;
                                            ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:5280/tcp; prosody (opt/jitsi/docker-compose.yml:6) binds 5280/tcp only inside its container
            }
        }
        //- /opt/jitsi/docker-compose.yml
        services:
          prosody:
            image: jitsi/prosody:stable
            expose:
              - "5222"
              - "5280"
      `);
      assert.equal(at(a.files, a.diagnostics[0]!.related[0]!.location), '5280');
    });

    it('stays silent when a host bind or a loopback-published container serves the port', () => {
      checkDiagnostics(`
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 443 ssl;
            server_name chat.example.com;

            location / {
                proxy_pass http://127.0.0.1:8065;
            }

            location /meet {
                proxy_pass http://localhost:8000;
            }
        }
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" }
        }
        //- /opt/jitsi/docker-compose.yml
        services:
          web:
            image: jitsi/web:stable
            ports:
              - "127.0.0.1:8000:80"
      `);
    });

    it('does not check references to other hosts', () => {
      const a = checkDiagnostics(`
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 443 ssl;
            server_name chat.example.com;

            location / {
                proxy_pass http://10.0.0.7:8066;
            }

            location /x {
                proxy_pass http://app.internal:9000;
            }
        }
      `);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'reference').length, 2);
    });
  });

  describe('compose service references', () => {
    it('reports an upstream server naming a compose service on a port it does not listen on', () => {
      const a = checkDiagnostics(
        deploy(
          'mattermost/mattermost-team-edition:10.5',
          `    server mattermost:8000;
                        ^^^^ unresolved-reference warning: compose service "mattermost" (deploy/docker-compose.yml:2) does not listen on 8000/tcp; it listens on 8065/tcp`,
        ),
      );
      assert.equal(at(a.files, a.diagnostics[0]!.related[0]!.location), 'mattermost');
    });

    it('stays silent for the image\'s port, and for a service whose ports are unknown', () => {
      checkDiagnostics(deploy('mattermost/mattermost-team-edition:10.5', '    server mattermost:8065;'));
      checkDiagnostics(deploy('example/chat:1', '    server mattermost:8000;'));
    });
  });
});

describe('unresolved-reference in test trees', () => {
  // haproxy/haproxy tests/conf/*.cfg: backends on 127.0.0.x that each manual test starts itself.
  const site = (dir: string, mark: string) => `
    //- /${dir}/nginx.conf
    events {}
    http {
        server {
            listen 8080;
            location / { proxy_pass http://127.0.0.1:5001; }
                                                     ${mark}
        }
    }
    //- /compose.yaml
    services:
      app:
        image: nginx:1.27
        ports:
          - "127.0.0.1:9000:80"
  `;

  it('a loopback reference in a test tree is information: the harness may start what it reaches', () => {
    checkDiagnostics(site('tests/conf', '^^^^ unresolved-reference information: nothing on host "ws/tests" listens on 127.0.0.1:5001/tcp; the file lies in a test tree, whose harness may start the servers it reaches'), { only: ['unresolved-reference'] });
  });

  it('near miss: the same file outside a test tree stays a warning', () => {
    checkDiagnostics(site('etc/nginx', '^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:5001/tcp'), { only: ['unresolved-reference'] });
  });
});
