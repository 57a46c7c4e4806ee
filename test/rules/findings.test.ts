import * as assert from 'node:assert/strict';
import { checkDiagnostics } from '../check';
import { analyze } from '../memory';
import { renderFacts } from '../render';

describe('rule invalid-port', () => {
  it('reports rtcd ports outside [80, 49151] and an nginx listen above 65535', () => {
    checkDiagnostics(`
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_address_udp = ""
      ice_port_udp = 70
                     ^^ invalid-port error: rtcd accepts ports in [80, 49151]; rtc.ice_port_udp is 70
      ice_address_tcp = ""
      ice_port_tcp = 50000
                     ^^^^^ invalid-port error: rtcd accepts ports in [80, 49151]; rtc.ice_port_tcp is 50000
      //- /etc/nginx/sites-enabled/app
      server {
          listen 70000;
                 ^^^^^ invalid-port error: invalid port in "70000" of the "listen" directive
          server_name app.example.com;
      }
    `);
  });

  it('reports an RTCD_ override out of range on its digits', () => {
    checkDiagnostics(`
      //- /etc/systemd/system/rtcd.service
      [Unit]
      Description=rtcd - Mattermost Calls media server

      [Service]
      ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
      Environment=RTCD_RTC_ICEPORTUDP=60000
                                      ^^^^^ invalid-port error: rtcd accepts ports in [80, 49151]; RTCD_RTC_ICEPORTUDP is 60000
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
    `);
  });

  it('stays silent at the bounds 80 and 49151 (Mattermost\'s Calls TCP port and rtcd\'s then clash, which is another rule)', () => {
    checkDiagnostics(`
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":80"

      [rtc]
      ice_port_udp = 49151
      ice_port_tcp = 49151
                     ^^^^^ port-conflict
      //- /opt/mattermost/config/config.json
      {
        "ServiceSettings": { "ListenAddress": ":8065" },
        "SqlSettings": { "DriverName": "postgres" },
        "PluginSettings": {
          "Plugins": {
            "com.mattermost.calls": {
              "udpserverport": 80,
              "tcpserverport": 49151
                               ^^^^^ port-conflict
            }
          }
        }
      }
    `);
  });
});

describe('rule unknown-rtcd-key', () => {
  it('reports seed 000\'s [HTTP] ServerPort and [RTC] ICEPortUDP with the key rtcd reads', () => {
    const a = checkDiagnostics(`
      //- /etc/rtcd/config.toml
      # /etc/rtcd/config.toml
      [HTTP]
      ServerPort = 8443
      ^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read "HTTP.ServerPort" (section [HTTP] is not one of rtcd's: api, rtc, store, logger); did you mean "api.http.listen_address"?

      [RTC]
      ICEPortUDP = 8045
      ^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read "RTC.ICEPortUDP" (section [RTC] is not one of rtcd's: api, rtc, store, logger); did you mean "rtc.ice_port_udp"?
      ICEPortTCP = 8045
      ^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read "RTC.ICEPortTCP" (section [RTC] is not one of rtcd's: api, rtc, store, logger); did you mean "rtc.ice_port_tcp"?
    `);
    assert.deepEqual(a.diagnostics.map((d) => d.data), [{ suggestion: 'api.http.listen_address' }, { suggestion: 'rtc.ice_port_udp' }, { suggestion: 'rtc.ice_port_tcp' }]);
    // rtcd ignores those keys, so its defaults apply.
    assert.deepEqual(renderFacts(a.snap.facts, a.files), [
      'bind 8045/tcp * rtcd listen_address role=rtcd-api instance=rtcd:/ws/etc/rtcd/config.toml via=default | "# /etc/rtcd/config.toml"',
      'bind 8443/udp * rtcd ice_port_udp role=rtcd-ice-udp instance=rtcd:/ws/etc/rtcd/config.toml via=default | "# /etc/rtcd/config.toml"',
      'bind 8443/tcp * rtcd ice_port_tcp role=rtcd-ice-tcp instance=rtcd:/ws/etc/rtcd/config.toml via=default | "# /etc/rtcd/config.toml"',
    ]);
  });

  it('reports API_SECURITY_ALLOWSELFREGISTRATION without the RTCD_ prefix in rtcd\'s unit', () => {
    const a = checkDiagnostics(`
      //- /etc/systemd/system/rtcd.service
      [Unit]
      Description=rtcd - Mattermost Calls media server

      [Service]
      ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
      Environment=API_SECURITY_ALLOWSELFREGISTRATION=true
                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read API_SECURITY_ALLOWSELFREGISTRATION (rtcd reads only variables prefixed RTCD_); did you mean RTCD_API_SECURITY_ALLOWSELFREGISTRATION?
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"
    `);
    assert.deepEqual(a.diagnostics[0]!.data, { suggestion: 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION' });
  });

  it('reports a misspelt variable in an EnvironmentFile once, although both the unit and the file are read', () => {
    checkDiagnostics(`
      //- /etc/systemd/system/rtcd.service
      [Unit]
      Description=rtcd - Mattermost Calls media server

      [Service]
      ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
      EnvironmentFile=/etc/rtcd/rtcd.env
      //- /etc/rtcd/rtcd.env
      RTCD_LOGER_ENABLEFILE=false
      ^^^^^^^^^^^^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read RTCD_LOGER_ENABLEFILE; did you mean RTCD_LOGGER_ENABLEFILE?
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"
    `);
  });

  it('stays silent for rtcd\'s real keys and variables, and for other programs\' variables', () => {
    checkDiagnostics(`
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"
      http.tls.enable = false
      security.allow_self_registration = true

      [rtc]
      ice_address_udp = ""
      ice_port_udp = 8443
      ice_address_tcp = ""
      ice_port_tcp = 8443
      ice_host_override = "203.0.113.10"
      ice_servers = [{urls = ["stun:stun.example.com:3478"]}]

      [store]
      data_source = "/var/lib/rtcd/db"

      [logger]
      enable_console = true
      //- /etc/systemd/system/rtcd.service
      [Unit]
      Description=rtcd - Mattermost Calls media server
      After=network.target

      [Service]
      ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
      Restart=always
      User=mattermost
      Environment=RTCD_LOGGER_ENABLEFILE=false
      Environment=GOMAXPROCS=4

      [Install]
      WantedBy=multi-user.target
      //- /etc/systemd/system/api.service
      [Service]
      ExecStart=/usr/bin/api
      Environment=API_SECURITY_ALLOWSELFREGISTRATION=true
    `);
  });
});

describe('rule parse-error', () => {
  it('reports a syntax error in a confidently recognized file at the offending offset', () => {
    // The error's span is the line break ending the unterminated string, which a caret
    // annotation cannot mark; the span is checked directly.
    const RTCD = '/ws/etc/rtcd/config.toml';
    const files = { [RTCD]: '[api]\nhttp.listen_address = ":8045\n\n[rtc]\nice_port_udp = 8443\n' };
    const ds = analyze(files).diagnostics;
    assert.deepEqual(ds.map((d) => [d.rule, d.severity, d.location.file]), [['parse-error', 'error', RTCD]]);
    assert.match(ds[0]!.message, /^TOML syntax error: /);
    assert.ok(ds[0]!.location.span.start >= files[RTCD].indexOf('":8045') && ds[0]!.location.span.start <= files[RTCD].indexOf('\n\n'), 'offset on the unterminated string');
  });

  it('reports broken JSON in Mattermost\'s config.json', () => {
    checkDiagnostics(`
      //- /opt/mattermost/config/config.json
      {
        "ServiceSettings": { "ListenAddress": ":8065" },
        "SqlSettings": { "DriverName": "postgres" }
        "PluginSettings": {}
        ^^^^^^^^^^^^^^^^ parse-error error: JSON syntax error: CommaExpected
      }
    `);
  });

  it('stays silent for a weakly detected file that does not parse, and for files no module reads', () => {
    const a = checkDiagnostics(`
      //- /tools/app.toml
      [server]
      port = 8080
      name = "x
      //- /etc/dovecot/dovecot.conf
      protocols = imap
      service imap-login {
        inet_listener imap {
          port = 143
        }
        inet_listener imaps {
          port = 993
          ssl = yes
        }
      }
    `);
    assert.equal(a.snap.files.get('/ws/tools/app.toml')?.confident, false);
    assert.equal(a.snap.files.has('/ws/etc/dovecot/dovecot.conf'), false);
    assert.deepEqual(a.snap.facts, []);
  });
});
