/**
 * The rules Caddy, HAProxy, Traefik and nginx-proxy feed: for each a true finding and the near
 * miss that must stay silent (public-exposure of admin APIs, port-conflict, unresolved-reference
 * through upstreams, labels and VIRTUAL_PORT, firewall-missing for front-end listeners).
 */
import { checkDiagnostics } from '../check';

describe('rules fed by front ends', () => {
  describe('public-exposure: admin APIs on all interfaces', () => {
    it('reports a Caddy admin address on all interfaces, not on localhost', () => {
      checkDiagnostics(`
        //- /etc/caddy/Caddyfile
        {
        \tadmin 0.0.0.0:2019
        \t              ^^^^ public-exposure warning: Caddy admin API port 2019 listens on all interfaces: whoever reaches it can reconfigure the proxy; bind it to localhost ("admin localhost:2019") or a unix socket
        }
        :8080 {
        }
      `, { only: ['public-exposure'] });
      checkDiagnostics(`
        //- /etc/caddy/Caddyfile
        {
        \tadmin localhost:2019
        }
        :8080 {
        }
      `, { only: ['public-exposure'] });
    });

    it('reports Caddy JSON admin.listen ":2019"', () => {
      checkDiagnostics(`
        //- /etc/caddy/caddy.json
        {"admin": {"listen": ":2019"}, "apps": {"http": {"servers": {}}}}
                               ^^^^ public-exposure warning: Caddy admin API port 2019 listens on all interfaces...
      `, { only: ['public-exposure'] });
    });

    it('reports Traefik api.insecure on the host, not when the traefik entry point is on loopback', () => {
      checkDiagnostics(`
        //- /etc/traefik/traefik.yml
        entryPoints:
          web:
            address: ":80"
        api:
          insecure: true
                    ^^^^ public-exposure warning: Traefik API and dashboard (api.insecure) port 8080 listens on all interfaces: whoever reaches it can reconfigure the proxy; turn api.insecure off and serve the dashboard through a router with authentication, or bind the entry point "traefik" to 127.0.0.1
      `, { only: ['public-exposure'] });
      checkDiagnostics(`
        //- /etc/traefik/traefik.yml
        entryPoints:
          web:
            address: ":80"
          traefik:
            address: "127.0.0.1:8080"
        api:
          insecure: true
      `, { only: ['public-exposure'] });
    });

    it('near-miss: an option listing with placeholder entry point addresses (Traefik\'s static-configuration/file.yaml) exposes nothing', () => {
      checkDiagnostics(`
        //- /docs/content/reference/static-configuration/file.yaml
        entryPoints:
          EntryPoint0:
            address: foobar
        providers:
          file:
            directory: foobar
        api:
          insecure: true
          dashboard: true
      `, { only: ['public-exposure'] });
    });

    it('leaves an insecure dashboard inside a container to the published-port check', () => {
      checkDiagnostics(`
        //- /opt/proxy/docker-compose.yml
        services:
          traefik:
            image: traefik:v3.1
            command:
              - --api.insecure=true
        `, { only: ['public-exposure'] });
      checkDiagnostics(`
        //- /opt/proxy/docker-compose.yml
        services:
          traefik:
            image: traefik:v3.1
            command:
              - --api.insecure=true
            ports:
              - "8080:8080"
                 ^^^^ public-exposure warning: Traefik API and dashboard port 8080 of traefik is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:8080:8080"
      `, { only: ['public-exposure'] });
    });
  });

  describe('port-conflict', () => {
    it('reports a Caddy site and an HAProxy frontend on the same port; sites of one Caddy never conflict', () => {
      checkDiagnostics(`
        //- /etc/caddy/Caddyfile
        :8080 {
         ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by fe (etc/haproxy/haproxy.cfg:2)
        }
        //- /etc/haproxy/haproxy.cfg
        frontend fe
          bind *:8080
                 ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by :8080 (etc/caddy/Caddyfile:1)
      `, { only: ['port-conflict'] });
      checkDiagnostics(`
        //- /etc/caddy/Caddyfile
        a.example.com:8443 {
        }
        b.example.com:8443 {
        }
        //- /etc/haproxy/haproxy.cfg
        frontend fe
          bind *:8081
      `, { only: ['port-conflict'] });
    });
  });

  describe('unresolved-reference', () => {
    it('reports a Caddy upstream on localhost nothing listens on, not one nginx serves', () => {
      checkDiagnostics(`
        //- /etc/caddy/Caddyfile
        :8080 {
        \treverse_proxy localhost:3000
        \t                        ^^^^ unresolved-reference warning: nothing on host "ws" listens on localhost:3000/tcp
        }
      `, { only: ['unresolved-reference'] });
      checkDiagnostics(`
        //- /etc/caddy/Caddyfile
        :8080 {
        \treverse_proxy localhost:3000
        }
        //- /etc/nginx/sites-enabled/app
        server {
            listen 127.0.0.1:3000;
        }
      `, { only: ['unresolved-reference'] });
    });

    it('reads a Traefik dynamic TOML or YAML file\'s servers as upstreams: unresolved when nothing listens, never a bind that conflicts', () => {
      checkDiagnostics(`
        //- /etc/traefik/dynamic/app.toml
        [[http.services.app.loadBalancer.servers]]
          url = "http://127.0.0.1:3000"
                                  ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:3000/tcp
      `, { only: ['unresolved-reference', 'port-conflict'] });
      checkDiagnostics(`
        //- /etc/traefik/dynamic/app.toml
        [[http.services.app.loadBalancer.servers]]
          url = "http://127.0.0.1:3000"
        [[tcp.services.db.loadBalancer.servers]]
          address = "127.0.0.1:5432"
        //- /etc/nginx/sites-enabled/app
        server {
            listen 127.0.0.1:3000;
            listen 127.0.0.1:5432;
        }
      `, { only: ['unresolved-reference', 'port-conflict'] });
      checkDiagnostics(`
        //- /etc/traefik/dynamic/app.yml
        http:
          services:
            app:
              loadBalancer:
                servers:
                  - url: http://127.0.0.1:3000
                                          ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:3000/tcp
        tcp:
          services:
            db:
              loadBalancer:
                servers:
                  - address: 127.0.0.1:5432
        //- /etc/nginx/sites-enabled/app
        server {
            listen 127.0.0.1:5432;
        }
      `, { only: ['unresolved-reference', 'port-conflict'] });
    });

    it('reports an HAProxy server naming a compose service on a port it does not expose', () => {
      checkDiagnostics(`
        //- /opt/lb/docker-compose.yml
        services:
          app:
            image: ghcr.io/acme/app
            expose:
              - "80"
          lb:
            image: haproxy:2.9
            volumes:
              - ./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
        //- /opt/lb/haproxy.cfg
        backend web
          server a app:8081 check
                       ^^^^ unresolved-reference warning: compose service "app" (opt/lb/docker-compose.yml:2) does not listen on 8081/tcp; it listens on 80/tcp
          server b app:80 check
      `, { only: ['unresolved-reference'] });
    });

    it('reports a Traefik service label naming a port the container does not listen on; silent when nothing is known', () => {
      checkDiagnostics(`
        //- /opt/app/docker-compose.yml
        services:
          whoami:
            image: ghcr.io/acme/whoami
            expose:
              - "80"
            labels:
              - traefik.http.services.whoami.loadbalancer.server.port=8080
                                                                      ^^^^ unresolved-reference warning: compose service "whoami" (opt/app/docker-compose.yml:2) does not listen on 8080/tcp; it listens on 80/tcp
          api:
            image: ghcr.io/acme/api
            expose:
              - "8000"
            labels:
              traefik.http.services.api.loadbalancer.server.port: "8000"
          unknown:
            image: ghcr.io/acme/unknown
            labels:
              - traefik.http.services.unknown.loadbalancer.server.port=9999
      `, { only: ['unresolved-reference'] });
    });

    it('reports a VIRTUAL_PORT the container does not listen on, not one it publishes', () => {
      checkDiagnostics(`
        //- /opt/app/docker-compose.yml
        services:
          web:
            image: ghcr.io/acme/web
            expose:
              - "80"
            environment:
              - VIRTUAL_HOST=app.example.com
              - VIRTUAL_PORT=8080
                             ^^^^ unresolved-reference warning: compose service "web" (opt/app/docker-compose.yml:2) does not listen on 8080/tcp; it listens on 80/tcp
          api:
            image: ghcr.io/acme/api
            ports:
              - "9000:8080"
            environment:
              VIRTUAL_HOST: api.example.com
              VIRTUAL_PORT: "8080"
      `, { only: ['unresolved-reference'] });
    });
  });

  describe('firewall-missing', () => {
    it('demands an allow rule for public Caddy, HAProxy frontend and Traefik entry point listeners', () => {
      checkDiagnostics(`
        //- /etc/ufw/setup-firewall.sh
        #!/bin/sh
        ufw default deny incoming
        ufw allow 22/tcp
        ufw allow 80/tcp
        ufw --force enable
        //- /etc/caddy/Caddyfile
        :80, :443 {
              ^^^ firewall-missing warning: 443/tcp (:80's site address) must be reachable from outside, but no ufw rule on host "ws" allows it (rules in etc/ufw/setup-firewall.sh); add: ufw allow 443/tcp
        }
        //- /etc/haproxy/haproxy.cfg
        frontend fe
          bind :8443
                ^^^^ firewall-missing warning: 8443/tcp (fe's bind) must be reachable from outside...
        listen stats
          bind :8404
        //- /etc/traefik/traefik.yml
        entryPoints:
          web:
            address: ":8000"
                       ^^^^ firewall-missing warning: 8000/tcp (traefik's entryPoints.web.address) must be reachable from outside...
          local:
            address: "127.0.0.1:9000"
      `, { only: ['firewall-missing'] });
    });

    it('is silent when ufw allows the front end\'s ports, or the host has no ufw rules at all', () => {
      const sites = `
        //- /etc/caddy/Caddyfile
        example.com {
        \treverse_proxy localhost:8080
        }
        //- /etc/haproxy/haproxy.cfg
        frontend fe
          bind :8443
        backend app
          server a 127.0.0.1:8080`;
      checkDiagnostics(`
        //- /etc/ufw/setup-firewall.sh
        #!/bin/sh
        ufw default deny incoming
        ufw allow 80/tcp
        ufw allow 443/tcp
        ufw allow 8443/tcp
        ufw --force enable${sites}
      `, { only: ['firewall-missing'] });
      checkDiagnostics(sites, { only: ['firewall-missing'] });
    });
  });
});
