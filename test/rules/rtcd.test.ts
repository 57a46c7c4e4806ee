import * as assert from 'node:assert/strict';
import { checkDiagnostics } from '../check';
import { at } from '../memory';
import { renderFacts } from '../render';

describe('rule rtcd-mismatch', () => {
  describe('the Calls rtcd URL', () => {
    it('reports a URL whose port is not rtcd\'s API, naming the API and what holds the port', () => {
      const a = checkDiagnostics(`
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" },
          "PluginSettings": {
            "Plugins": {
              "com.mattermost.calls": {
                "rtcdserviceurl": "https://rtc.example.com:8443"
                                                           ^^^^ rtcd-mismatch error: the Calls rtcd URL points at port 8443, which does not reach rtcd's API (8444/tcp at etc/rtcd/config.toml:2); 8443 is bound by web (opt/jitsi/docker-compose.yml:5)
              }
            }
          }
        }
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8444"

        [rtc]
        ice_port_udp = 8046
        ice_port_tcp = 8046
        //- /opt/jitsi/docker-compose.yml
        services:
          web:
            image: jitsi/web:stable
            ports:
              - "8443:443"
      `);
      const d = a.diagnostics[0]!;
      assert.deepEqual(d.related.map((r) => [r.location.file, at(a.files, r.location)]), [['/ws/etc/rtcd/config.toml', '8444'], ['/ws/opt/jitsi/docker-compose.yml', '8443']]);
      assert.deepEqual(d.data, { expected: [8444] });
    });

    it('reports an MM_CALLS_RTCD_SERVICE_URL in the Mattermost unit on the URL digits', () => {
      checkDiagnostics(`
        //- /etc/systemd/system/mattermost.service
        [Unit]
        Description=Mattermost

        [Service]
        ExecStart=/opt/mattermost/bin/mattermost
        Environment="MM_CALLS_RTCD_SERVICE_URL=http://127.0.0.1:8046"
                                                                ^^^^ rtcd-mismatch error: the Calls rtcd URL points at port 8046, which does not reach rtcd's API (8045/tcp at etc/rtcd/config.toml:2)
                                                                ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:8046/tcp
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"
      `);
    });

    it('stays silent when the URL names the API port directly', () => {
      const a = checkDiagnostics(`
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" },
          "PluginSettings": { "Plugins": { "com.mattermost.calls": { "rtcdserviceurl": "http://127.0.0.1:8045" } } }
        }
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"
      `);
      assert.ok(a.snap.facts.some((f) => f.role === 'calls-rtcd-url' && f.ports.start === 8045));
    });

    it('stays silent when the URL reaches rtcd through an nginx listener that proxies to its API', () => {
      checkDiagnostics(`
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" },
          "PluginSettings": { "Plugins": { "com.mattermost.calls": { "rtcdserviceurl": "https://rtc.example.com:8444" } } }
        }
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = "127.0.0.1:8045"
        //- /etc/nginx/sites-enabled/rtcd
        server {
            listen 8444 ssl;
            server_name rtc.example.com;

            location / {
                proxy_pass http://127.0.0.1:8045;
                proxy_set_header Host $host;
            }
        }
      `);
    });

    it('still reports a URL on an nginx port whose server block proxies elsewhere', () => {
      checkDiagnostics(`
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" },
          "PluginSettings": { "Plugins": { "com.mattermost.calls": { "rtcdserviceurl": "https://chat.example.com:443" } } }
                                                                                                                 ^^^ rtcd-mismatch error: the Calls rtcd URL points at port 443, which does not reach rtcd's API (8045/tcp at etc/rtcd/config.toml:2); 443 is bound by chat.example.com (etc/nginx/sites-enabled/chat:2)
        }
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = "127.0.0.1:8045"
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 443 ssl;
            server_name chat.example.com;
            location / {
                proxy_pass http://127.0.0.1:8065;
            }
        }
        //- /etc/nginx/sites-enabled/rtc
        server {
            listen 8444 ssl;
            server_name rtc.example.com;
            location / {
                proxy_pass http://127.0.0.1:8045;
            }
        }
      `);
    });
  });

  describe('nginx proxying to rtcd', () => {
    it('reports a proxy_pass in rtcd\'s site that targets a port rtcd does not listen on', () => {
      const a = checkDiagnostics(`
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"

        [rtc]
        ice_port_udp = 8443
        ice_port_tcp = 8443
        //- /etc/nginx/sites-enabled/rtcd
        server {
            listen 8444 ssl;
            server_name rtc.example.com;

            location / {
                proxy_pass http://127.0.0.1:8046;
                                            ^^^^ rtcd-mismatch error: nginx proxy_pass to rtcd uses port 8046, but rtcd listens on rtcd's API 8045/tcp, rtcd's media (ICE UDP) 8443/udp, rtcd's media (ICE TCP) 8443/tcp (etc/rtcd/config.toml:2)
                                            ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:8046/tcp
                proxy_set_header Host $host;
            }
        }
      `);
      assert.deepEqual(a.byRule('rtcd-mismatch')[0]!.data, { expected: [8045] });
    });

    it('stays silent for a proxy_pass to the API, and for sites not about rtcd', () => {
      checkDiagnostics(`
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"
        //- /etc/nginx/sites-enabled/rtcd
        server {
            listen 8444 ssl;
            server_name rtc.example.com;
            location / {
                proxy_pass http://127.0.0.1:8045;
            }
        }
        //- /etc/nginx/sites-enabled/chat
        server {
            listen 443 ssl;
            server_name chat.example.com;
            location / {
                proxy_pass http://127.0.0.1:8065;
            }
        }
        //- /opt/mattermost/config/config.json
        {
          "ServiceSettings": { "ListenAddress": ":8065" },
          "SqlSettings": { "DriverName": "postgres" }
        }
      `);
    });
  });

  describe('rtcd container mappings', () => {
    it('reports a published container port rtcd does not listen on', () => {
      checkDiagnostics(`
        //- /rtcd/docker-compose.yml
        services:
          rtcd:
            image: mattermost/rtcd:v1.1.0
            ports:
              - "8045:8045"
              - "8443:8443/udp"
              - "8443:8044/tcp"
                      ^^^^ rtcd-mismatch error: rtcd publishes container port 8044/tcp, but rtcd listens on rtcd's API 8045/tcp, rtcd's media (ICE UDP) 8443/udp, rtcd's media (ICE TCP) 8443/tcp inside the container
      `);
    });

    it('follows a mounted config.toml and stays silent about the container ports when the mapping matches it', () => {
      const a = checkDiagnostics(`
        //- /rtcd/docker-compose.yml
        services:
          rtcd:
            image: mattermost/rtcd:v1.1.0
            ports:
              - "8045:8045"
              - "8443:9443/udp"
                 ^^^^ rtcd-mismatch
              - "8443:9443/tcp"
                 ^^^^ rtcd-mismatch
            volumes:
              - ./config.toml:/rtcd/config/config.toml:ro
        //- /rtcd/config.toml
        [api]
        http.listen_address = ":8045"

        [rtc]
        ice_address_udp = ""
        ice_port_udp = 9443
        ice_address_tcp = ""
        ice_port_tcp = 9443
      `);
      assert.ok(a.snap.facts.some((f) => f.role === 'rtcd-ice-udp' && f.ports.start === 9443 && f.netns === 'compose:/ws/rtcd#rtcd'));
      // The container ports are rtcd's; what remains is that 9443 is published on host port 8443
      // with no ice_host_port_override, so rtcd advertises 9443 (test/rules/ice-nat.test.ts).
      assert.ok(a.diagnostics.filter((d) => d.rule === 'rtcd-mismatch').every((d) => d.data?.['fix'] === 'ice-host-port'));
    });

    it('stays silent for the documented default mapping', () => {
      checkDiagnostics(`
        //- /rtcd/docker-compose.yml
        services:
          rtcd:
            image: mattermost/rtcd:v1.1.0
            ports:
              - "8045:8045"
              - "8443:8443/udp"
              - "8443:8443/tcp"
      `);
    });
  });

  describe('environment overrides that disagree', () => {
    it('reports an Environment= value that an EnvironmentFile overrides with another port', () => {
      const a = checkDiagnostics(`
        //- /etc/systemd/system/rtcd.service
        [Unit]
        Description=rtcd - Mattermost Calls media server
        After=network.target

        [Service]
        ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
        Restart=always
        User=mattermost
        Environment=RTCD_RTC_ICEPORTUDP=8443
                                        ^^^^ rtcd-mismatch error: RTCD_RTC_ICEPORTUDP=8443 for rtcd.service is overridden by RTCD_RTC_ICEPORTUDP=8446 (etc/rtcd/rtcd.env:2); the two disagree
        EnvironmentFile=/etc/rtcd/rtcd.env
        //- /etc/rtcd/rtcd.env
        # overrides
        RTCD_RTC_ICEPORTUDP=8446
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"

        [rtc]
        ice_port_udp = 8443
        ice_port_tcp = 8443
      `);
      assert.equal(at(a.files, a.diagnostics[0]!.related[0]!.location), '8446');
      assert.deepEqual(renderFacts(a.snap.facts.filter((f) => f.role === 'rtcd-ice-udp' && !f.shadowed), a.files), [
        'bind 8446/udp * rtcd RTCD_RTC_ICEPORTUDP role=rtcd-ice-udp instance=rtcd:/ws/etc/rtcd/config.toml via=env:RTCD_RTC_ICEPORTUDP | "8446"',
      ]);
    });

    it('reports MM_CALLS_RTCD_URL and MM_CALLS_RTCD_SERVICE_URL that disagree', () => {
      checkDiagnostics(`
        //- /etc/systemd/system/mattermost.service
        [Service]
        ExecStart=/opt/mattermost/bin/mattermost
        Environment=MM_CALLS_RTCD_URL=http://127.0.0.1:8045
                                      ^^^^^^^^^^^^^^^^^^^^^ rtcd-mismatch error: MM_CALLS_RTCD_URL=http://127.0.0.1:8045 for mattermost.service is overridden by MM_CALLS_RTCD_SERVICE_URL=http://127.0.0.1:8046 (etc/systemd/system/mattermost.service:4); the two disagree
        Environment=MM_CALLS_RTCD_SERVICE_URL=http://127.0.0.1:8046
                                                               ^^^^ unresolved-reference warning: nothing on host "ws" listens on 127.0.0.1:8046/tcp
      `);
    });

    it('stays silent when the same value is set twice', () => {
      checkDiagnostics(`
        //- /etc/systemd/system/rtcd.service
        [Unit]
        Description=rtcd - Mattermost Calls media server

        [Service]
        ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
        Environment=RTCD_RTC_ICEPORTUDP=8443
        EnvironmentFile=/etc/rtcd/rtcd.env
        //- /etc/rtcd/rtcd.env
        RTCD_RTC_ICEPORTUDP=8443
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"

        [rtc]
        ice_port_udp = 8443
        ice_port_tcp = 8443
      `);
    });
  });
});
