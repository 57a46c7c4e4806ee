import * as assert from 'node:assert/strict';
import { dockerCopies, dockerImage } from '../server/src/core/formats/dockerfile';
import { checkDiagnostics } from './check';

const ONLY = { only: ['port-conflict' as const] };

/** A compose project whose service `web` publishes 80 and builds `./web` (`build` as given). */
function project(build: string, dockerfile: string, marks?: Marks): string {
  return `
      //- /srv/app/docker-compose.yml
      services:
        web:
${build}
          ports:
            - "80:80"
${marks?.compose ?? ''}
      //- /srv/app/web/Dockerfile
${dockerfile}
      //- /srv/app/web/nginx.conf
      server {
          listen 80;
${marks?.nginx ?? ''}
      }
  `;
}

/** Annotations under the compose publish and the nginx listen. */
interface Marks {
  compose: string;
  nginx: string;
}

/** The annotations of the conflict between the publish and the listen of {@link project}. */
const CONFLICT: Marks = {
  compose: '               ^^ port-conflict error: 80/tcp on all interfaces is also bound by...',
  nginx: '                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by web...',
};

/** A service publishing 80 from a stock image, and a Dockerfile no service builds, in proxy/. */
function alone(copy: string, marks?: Marks): string {
  return `
      //- /srv/app/docker-compose.yml
      services:
        web:
          image: nginx:alpine
          ports:
            - "80:80"
${marks?.compose ?? ''}
      //- /srv/app/proxy/Dockerfile
      FROM nginx:alpine
      ${copy}
      //- /srv/app/proxy/nginx.conf
      server {
          listen 80;
${marks?.nginx ?? ''}
      }
  `;
}

describe('configs inside containers', () => {
  describe('Dockerfile grammar (COPY/ADD)', () => {
    it('reads continuations, the JSON form, flags, WORKDIR and stages; ignores remote ADD and --from=<image>', () => {
      const copies = dockerCopies([
        'FROM node:20 AS build',
        'WORKDIR /src',
        'COPY . .',
        'FROM nginx:alpine',
        'ADD https://example.com/x.conf /etc/nginx/conf.d/x.conf',
        'COPY --chown=nginx:nginx --chmod=0644 \\',
        '     nginx/nginx.conf /etc/nginx/nginx.conf',
        'COPY ["conf.d/", "/etc/nginx/conf.d/"]',
        'COPY --from=busybox:1.36 /bin/busybox /bin/busybox',
        'COPY --from=build /src/site/default.conf /etc/nginx/conf.d/default.conf',
      ].join('\n'));
      assert.deepEqual(copies.map((c) => `${c.instruction} ${c.source} ${c.dest}`), [
        'COPY nginx/nginx.conf /etc/nginx/nginx.conf',
        'COPY conf.d/ /etc/nginx/conf.d',
        'COPY site/default.conf /etc/nginx/conf.d/default.conf',
      ]);
    });

    it('a stage built FROM another inherits its copies and its ENTRYPOINT/CMD; only the last (or target) stage counts', () => {
      assert.equal(dockerImage('FROM debian AS deps\nENTRYPOINT ["/init"]\nFROM deps AS dev\nCOPY x /x\n').ownProgram, true);
      assert.equal(dockerImage('FROM debian AS deps\nENTRYPOINT ["/init"]\nFROM nginx\nCOPY x /x\n').ownProgram, false);
      const text = 'FROM nginx AS base\nCOPY a.conf /etc/nginx/conf.d/\nFROM base AS prod\nCOPY b.conf /etc/nginx/conf.d/\nFROM alpine AS tools\nCOPY tool.sh /usr/bin/\n';
      assert.deepEqual(dockerCopies(text).map((c) => c.source), ['tool.sh']);
      assert.deepEqual(dockerCopies(text, 'prod').map((c) => c.source), ['a.conf', 'b.conf']);
      assert.deepEqual(dockerCopies(text, 'missing'), []);
    });

    it('never throws on heredocs, malformed JSON and a continuation at the end of the file', () => {
      assert.deepEqual(dockerCopies('FROM x\nCOPY <<EOF /a\nhello\nEOF\nCOPY ["a", \nCOPY only-one\nCOPY a b \\'), [{ instruction: 'COPY', source: 'a', dest: '/b' }]);
    });
  });

  describe('Dockerfile COPY', () => {
    it('a config the service builds into its image is the container side of its publish', () => {
      checkDiagnostics(project('          build: ./web', '      FROM nginx:alpine\n      COPY nginx.conf /etc/nginx/conf.d/default.conf'), ONLY);
    });

    it('build.context and build.dockerfile name the Dockerfile and the context', () => {
      checkDiagnostics(`
        //- /srv/app/docker-compose.yml
        services:
          web:
            build:
              context: .
              dockerfile: docker/web.Dockerfile
            ports:
              - "80:80"
        //- /srv/app/docker/web.Dockerfile
        FROM nginx:alpine
        COPY conf/ /etc/nginx/conf.d/
        //- /srv/app/conf/site.conf
        server {
            listen 80;
        }
      `, ONLY);
    });

    it('a COPY --from=<stage> of a path that stage copied from the context', () => {
      checkDiagnostics(project('          build: ./web', '      FROM node:20 AS build\n      WORKDIR /app\n      COPY . .\n      FROM nginx:alpine\n      COPY --from=build /app/nginx.conf /etc/nginx/conf.d/default.conf'), ONLY);
    });

    it('a Dockerfile no compose service builds gives the image a netns of its own, not the host\'s', () => {
      const a = checkDiagnostics(alone('COPY nginx.conf /etc/nginx/nginx.conf'), ONLY);
      const bind = a.snap.facts.find((f) => f.kind === 'bind' && f.format === 'nginx')!;
      assert.equal(bind.netns, 'image:/ws/srv/app/proxy/Dockerfile');
    });

    describe('near misses: the conflict stays', () => {
      it('COPY --from=<image> copies nothing from the context', () => {
        checkDiagnostics(project('          build: ./web', '      FROM nginx:alpine\n      COPY --from=nginx:1.27 /etc/nginx/conf.d/default.conf /etc/nginx/conf.d/default.conf', CONFLICT), ONLY);
      });

      it('a file the Dockerfile does not copy stays on the host', () => {
        checkDiagnostics(alone('COPY other.conf /etc/nginx/nginx.conf', CONFLICT), ONLY);
      });

      it('COPY . (the whole context) says nothing about a config', () => {
        checkDiagnostics(project('          build: ./web', '      FROM nginx:alpine\n      COPY . /etc/nginx/conf.d/', CONFLICT), ONLY);
      });
    });
  });

  describe('bind mounts whose host path is not a workspace path', () => {
    /** A service publishing 80 with one bind mount, and nginx files at `confs` (workspace paths). */
    function mounting(volume: string, confs: string[], marks?: Marks): string {
      return `
        //- /srv/app/docker-compose.yml
        services:
          web:
            image: nginx:alpine
            ports:
              - "80:80"
${marks?.compose ?? ''}
            volumes:
              - ${volume}
${confs.map((c) => `        //- ${c}\n        server {\n            listen 80;\n${marks?.nginx ?? ''}\n        }`).join('\n')}
      `;
    }
    const inside = (fixture: string): (string | undefined)[] =>
      checkDiagnostics(fixture, { only: [] }).snap.facts.filter((f) => f.format === 'nginx').map((f) => f.netns);
    const CONFLICT_HERE: Marks = {
      compose: '                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by...',
      nginx: '                   ^^ port-conflict error: 80/tcp on all interfaces is also bound by web...',
    };

    it('an absolute host path is matched by its longest suffix to the one workspace path that ends with it', () => {
      checkDiagnostics(mounting('/opt/app/nginx/conf.d:/etc/nginx/conf.d', ['/srv/app/nginx/conf.d/site.conf']), ONLY);
    });

    it('near miss: no workspace path ends with the mounted path: the conflict stays', () => {
      checkDiagnostics(mounting('/opt/app/nginx/conf.d:/etc/nginx/conf.d', ['/srv/app/nginx/sites/site.conf'], CONFLICT_HERE), ONLY);
    });

    it('near miss: two workspace paths end with the same longest suffix: neither moves', () => {
      assert.deepEqual(inside(mounting('/opt/app/nginx/conf.d:/etc/nginx/conf.d', ['/srv/app/a/nginx/conf.d/site.conf', '/srv/app/b/nginx/conf.d/site.conf'])), [undefined, undefined]);
      assert.deepEqual(inside(mounting('/opt/app/a/nginx/conf.d:/etc/nginx/conf.d', ['/srv/app/a/nginx/conf.d/site.conf', '/srv/app/b/nginx/conf.d/site.conf'])), ['compose:/ws/srv/app#web', undefined]);
    });

    it('near miss: a one-segment directory suffix (/data) is too weak to match', () => {
      assert.deepEqual(inside(mounting('/data:/etc/nginx/conf.d', ['/srv/app/data/site.conf'])), [undefined]);
    });

    it('a path behind an unknown variable is matched by its rest below the compose file\'s directory', () => {
      checkDiagnostics(mounting('${MODULE_PATH}/custom.conf:/etc/nginx/conf.d/default.conf', ['/srv/app/test/data/custom.conf']), ONLY);
    });

    it('near miss: a variable path with a second variable is not simple: the conflict stays', () => {
      checkDiagnostics(mounting('${MODULE_PATH}/${NAME}.conf:/etc/nginx/conf.d/default.conf', ['/srv/app/test/data/custom.conf'], CONFLICT_HERE), ONLY);
    });

    it('near miss: the rest matches only outside the compose file\'s directory', () => {
      assert.deepEqual(inside(mounting('${MODULE_PATH}/custom.conf:/etc/nginx/conf.d/default.conf', ['/srv/other/custom.conf'])), [undefined]);
    });
  });
});

describe('unresolved loopback references inside a container', () => {
  it('inside an image whose workspace Dockerfile sets its own ENTRYPOINT, they are information: it starts processes Portolan does not read', () => {
    checkDiagnostics(`
      //- /srv/app/docker-compose.yml
      services:
        app:
          build: .
          ports:
            - "8080:80"
      //- /srv/app/Dockerfile
      FROM debian:12
      COPY rootfs/ /
      ENTRYPOINT ["/init"]
      //- /srv/app/rootfs/etc/nginx/nginx.conf
      server {
          listen 80;
          location /api { proxy_pass http://127.0.0.1:5001; }
                                                      ^^^^ unresolved-reference information: nothing on host "ws" (in this container) listens on 127.0.0.1:5001/tcp; the container's image is built from srv/app/Dockerfile, which may start processes Portolan does not read
      }
    `, { only: ['unresolved-reference'] });
  });

  it('near miss: inside a stock image (a mounted config), the reference stays a warning', () => {
    checkDiagnostics(`
      //- /srv/app/docker-compose.yml
      services:
        app:
          image: nginx:1.27
          ports:
            - "8080:80"
          volumes:
            - ./nginx.conf:/etc/nginx/nginx.conf:ro
      //- /srv/app/nginx.conf
      server {
          listen 80;
          location /api { proxy_pass http://127.0.0.1:5001; }
                                                      ^^^^ unresolved-reference warning: nothing on host "ws" (in this container) listens on 127.0.0.1:5001/tcp
      }
    `, { only: ['unresolved-reference'] });
  });

  it('near miss: a Dockerfile that only copies configs onto nginx runs nginx alone: the reference stays a warning', () => {
    checkDiagnostics(`
      //- /srv/app/docker-compose.yml
      services:
        app:
          build: .
          ports:
            - "8080:80"
      //- /srv/app/Dockerfile
      FROM nginx:1.27-alpine
      COPY nginx.conf /etc/nginx/nginx.conf
      //- /srv/app/nginx.conf
      server {
          listen 80;
          location /api { proxy_pass http://127.0.0.1:5001; }
                                                      ^^^^ unresolved-reference warning: nothing on host "ws" (in this container) listens on 127.0.0.1:5001/tcp
      }
    `, { only: ['unresolved-reference'] });
  });
  it('an image built FROM a workspace base (not a server image) may start what it likes: information, even without ENTRYPOINT', () => {
    // penpot/penpot docker/gitpod: FROM gitpod/workspace-postgres, nginx.conf copied in, the backend started by hand.
    checkDiagnostics(`
      //- /srv/app/docker-compose.yml
      services:
        app:
          build: .
          ports:
            - "8080:80"
      //- /srv/app/Dockerfile
      FROM gitpod/workspace-postgres
      COPY nginx.conf /etc/nginx/nginx.conf
      //- /srv/app/nginx.conf
      server {
          listen 80;
          location /api { proxy_pass http://127.0.0.1:5001; }
                                                      ^^^^ unresolved-reference information: nothing on host "ws" (in this container) listens on 127.0.0.1:5001/tcp; the container's image is built from srv/app/Dockerfile, which may start processes Portolan does not read
      }
    `, { only: ['unresolved-reference'] });
  });

  it('a published container port the image\'s known configs do not listen on is information when the image starts its own program', () => {
    // penpot/penpot docker/devenv: ENTRYPOINT entrypoint.sh starts Caddy on 3449 beside nginx on 4449.
    checkDiagnostics(`
      //- /srv/app/docker-compose.yml
      services:
        app:
          build: .
          ports:
            - \${PUBLIC_HTTPS_PORT}:3449
                                   ^^^^ unresolved-reference information: compose service "app" (srv/app/docker-compose.yml:2) does not listen on 3449/tcp; it listens on 4449/tcp; the container's image is built from srv/app/Dockerfile, which may start processes Portolan does not read
      //- /srv/app/Dockerfile
      FROM debian:12
      COPY nginx.conf /etc/nginx/nginx.conf
      ENTRYPOINT ["/home/entrypoint.sh"]
      //- /srv/app/nginx.conf
      server {
          listen 4449;
      }
    `, { only: ['unresolved-reference'] });
  });

  it('near miss: the same published port on an image FROM nginx without a program of its own stays a warning', () => {
    checkDiagnostics(`
      //- /srv/app/docker-compose.yml
      services:
        app:
          build: .
          ports:
            - \${PUBLIC_HTTPS_PORT}:3449
                                   ^^^^ unresolved-reference warning: compose service "app" (srv/app/docker-compose.yml:2) does not listen on 3449/tcp; it listens on 4449/tcp
      //- /srv/app/Dockerfile
      FROM nginx:1.27-alpine
      COPY nginx.conf /etc/nginx/nginx.conf
      //- /srv/app/nginx.conf
      server {
          listen 4449;
      }
    `, { only: ['unresolved-reference'] });
  });
});
describe('what a compose service listens on', () => {
  const U = { only: ['unresolved-reference' as const] };

  it('other ports targets beside a target are no evidence against it; a reference from elsewhere counts every target, also one with an unset host port', () => {
    checkDiagnostics(`
      //- /srv/media/docker-compose.yml
      services:
        plexms:
          image: plexinc/pms-docker:public
          ports:
            - "$PLEX_PORT:32400/tcp"
            - "3005:3005/tcp"
        lb:
          image: haproxy:2.9
          volumes:
            - ./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
      //- /srv/media/haproxy.cfg
      backend plex
        server a plexms:32400 check
        server b plexms:9999 check
                        ^^^^ unresolved-reference warning: compose service "plexms" (srv/media/docker-compose.yml:2) does not listen on 9999/tcp; it listens on 32400/tcp, 3005/tcp
    `, U);
  });

  it('alternative compose files of one directory are separate hosts: a same-named service in the other file says nothing about this one', () => {
    checkDiagnostics(`
      //- /srv/stacks/docker-compose-t1.yml
      services:
        hydra:
          image: linuxserver/hydra2:latest
          ports:
            - "$NZBHYDRA_PORT:5076"
        lb:
          image: haproxy:2.9
          volumes:
            - ./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
      //- /srv/stacks/haproxy.cfg
      backend hydra
        server a hydra:5076 check
      //- /srv/stacks/docker-compose-t1-swarm.yml
      services:
        hydra:
          image: linuxserver/hydra2:latest
          ports:
            - "8165:5075"
    `, U);
  });

  it('near miss: with one compose file, a reference to a port the service\'s target does not name is reported', () => {
    checkDiagnostics(`
      //- /srv/stacks/docker-compose.yml
      services:
        hydra:
          image: linuxserver/hydra2:latest
          ports:
            - "8165:5075"
        lb:
          image: haproxy:2.9
          volumes:
            - ./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
      //- /srv/stacks/haproxy.cfg
      backend hydra
        server a hydra:5076 check
                       ^^^^ unresolved-reference warning: compose service "hydra" (srv/stacks/docker-compose.yml:2) does not listen on 5076/tcp; it listens on 5075/tcp
    `, U);
  });
});

describe('nginx files of a compose project that runs one nginx container', () => {
  /** A project `examples/` whose service(s) publish 443, a server block beside them, and a second project. */
  const layout = (services: string, marks: Marks = { compose: '', nginx: '' }) => `
    //- /examples/docker-compose.yml
    services:
${services}
${marks.compose}
    //- /examples/example_server.conf
    server {
        listen 443 ssl;
${marks.nginx}
        server_name yourdomain.org;
    }
    //- /app/docker-compose.yml
    services:
      api:
        image: api:1
        ports:
          - "127.0.0.1:8080:8080"
  `;
  const nginxService = (name: string, image: string) => `        ${name}:\n          image: ${image}\n          ports:\n            - "443:443"`;
  const CONFLICT443: Marks = {
    compose: '               ^^^ port-conflict error: 443/tcp on all interfaces is also bound by...',
    nginx: '               ^^^ port-conflict error: 443/tcp on all interfaces is also bound by...',
  };

  it('are that container\'s configuration: the publish and the listen are one nginx', () => {
    checkDiagnostics(layout(nginxService('nginx', 'jonasal/nginx-certbot:latest')), ONLY);
  });

  it('near miss: a container that is not nginx leaves the server block on the host, and the conflict stays', () => {
    checkDiagnostics(layout(nginxService('web', 'httpd:2.4'), CONFLICT443), ONLY);
  });

  it('near miss: with two nginx containers the file belongs to neither, and the conflict stays', () => {
    const two = `${nginxService('a', 'nginx:alpine')}\n${CONFLICT443.compose}\n${nginxService('b', 'nginx:alpine').replace('"443:443"', '"127.0.0.1:8443:443"')}`;
    checkDiagnostics(layout(two, { compose: '', nginx: CONFLICT443.nginx }), ONLY);
  });
});

describe('Dockerfile copies without a compose build', () => {
  // nextcloud/all-in-one: Containers/mastercontainer/Dockerfile, built from the repository root,
  // COPYs Containers/mastercontainer/*.Caddyfile into the image that compose.yaml runs by image name.
  const layout = (copy: string, marks = '') => `
    //- /compose.yaml
    services:
      mastercontainer:
        image: ghcr.io/nextcloud-releases/all-in-one:latest
        ports:
          - "80:80"
${marks}
    //- /Containers/mastercontainer/Dockerfile
    FROM php:8.5-fpm-alpine
    ${copy}
    //- /Containers/mastercontainer/acme.Caddyfile
    http://:80 {
        respond "ok"
    }
  `;

  it('a source that exists only from an ancestor context, with a glob, puts the config in the image, not on the host', () => {
    checkDiagnostics(layout('COPY Containers/mastercontainer/*.Caddyfile /'), { only: ['port-conflict'] });
  });

  it('near miss: a Dockerfile that does not copy it leaves the Caddyfile on the host, and the conflict stays', () => {
    checkDiagnostics(layout('COPY Containers/mastercontainer/*.sh /').replace('          - "80:80"\n', '          - "80:80"\n             ^^ port-conflict error: 80/tcp on all interfaces is also bound by http://:80 (Containers/mastercontainer/acme.Caddyfile:1)\n').replace('    http://:80 {\n', '    http://:80 {\n            ^^ port-conflict error: 80/tcp on all interfaces is also bound by mastercontainer (compose.yaml:5)\n'), { only: ['port-conflict'] });
  });
});
