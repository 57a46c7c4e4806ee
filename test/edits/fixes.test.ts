/**
 * Quick fixes: for each rule, a case where the fix applies and near misses where no fix may be
 * offered, written with the fix checks of ../check.ts. `checkFix` applies the one fix of the
 * diagnostic the `before` fixture annotates, asserts the re-check finds no problem the fix caused
 * and that the fixed problem is gone, and compares every file byte for byte with `after` (files
 * `after` does not name must stay unchanged); `checkNoFix` asserts no fix is offered.
 *
 * Every case uses these checks; none kept the older hand-written assertions. The nine cases on
 * the example host (EX, examples/prochat-host: dozens of files, hundreds of lines) do not paste
 * it into a fixture: they pass EX as a map, choose the diagnostic by rule, file and the text
 * under its span (a map has no annotations), and write each expected file as EX's text with the
 * one line the fix must change replaced ({@link exWith}). So they too pin the whole result byte
 * for byte, and every file not named (e.g. the ufw script when rtcd moves) stays as it is.
 *
 * Fixtures shared by several cases end on their last line, without a line break, so that a case
 * can append files to them (`${RTCD}` then more lines at the same indentation).
 */
import * as assert from 'node:assert/strict';
import { checkDiagnostics, checkFix, checkFixAll, checkNoFix } from '../check';
import { fixturePath } from '../fixture';
import { exampleFiles } from './util';

const EX = exampleFiles();
const UFW = '/etc/ufw/setup-firewall.sh';

/**
 * The example host's `file` (a fixture path) with `from`, which must occur exactly once in it,
 * replaced by `to`: the expected text of a fix that changes only that.
 */
function exWith(file: string, from: string, to: string): Record<string, string> {
  const text = EX[fixturePath(file)]!;
  assert.equal(text.split(from).length, 2, `${JSON.stringify(from)} occurs exactly once in ${file}`);
  return { [fixturePath(file)]: text.split(from).join(to) };
}

describe('quick fixes', () => {
  describe('port-conflict', () => {
    it('moves rtcd\'s side, with the nginx proxy_pass that resolves to it, to the nearest free port', () => {
      // nginx's listen 8444 and the ufw rule that serves nginx on 8444 stay unchanged.
      checkFix(
        EX,
        {
          ...exWith('/etc/rtcd/config.toml', 'http.listen_address = ":8444"', 'http.listen_address = ":8445"'),
          ...exWith('/etc/nginx/sites-enabled/rtcd', 'proxy_pass http://127.0.0.1:8444;', 'proxy_pass http://127.0.0.1:8445;'),
        },
        { rule: 'port-conflict', file: '/etc/rtcd/config.toml', text: '8444' },
      );
    });

    it('moves nginx\'s side together with the ufw rule that only nginx needs after the move', () => {
      checkFix(
        EX,
        {
          ...exWith('/etc/nginx/sites-enabled/rtcd', '    listen 8444 ssl http2;', '    listen 8445 ssl http2;'),
          ...exWith(UFW, "sudo ufw allow 8444/tcp comment 'rtcd API'", "sudo ufw allow 8445/tcp comment 'rtcd API'"),
        },
        { rule: 'port-conflict', file: '/etc/nginx/sites-enabled/rtcd', text: '8444' },
      );
    });

    it('moves a compose port written in .env at the .env entry, never the ${VAR} expression', () => {
      checkFix(EX, exWith('/opt/jitsi/.env', 'HTTP_PORT=8000', 'HTTP_PORT=8001'), { rule: 'port-conflict', file: '/opt/jitsi/docker-compose.yml', text: '${HTTP_PORT}' });
    });

    it('skips a well-known port of a stack present (5222, Jitsi Prosody) when looking for the nearest free port', () => {
      const r = checkFix(
        `
        //- /opt/jitsi/docker-compose.yml
        services:
          prosody:
            image: jitsi/prosody:stable
            expose:
              - "5222"
          chat:
            image: example/chat
            ports:
              - "5221:5221"
        //- /etc/nginx/conf.d/a.conf
        server {
            listen 5221;
                   ^^^^ port-conflict error: 5221/tcp on all interfaces is also bound by chat (opt/jitsi/docker-compose.yml:9)
        }
        `,
        `
        //- /etc/nginx/conf.d/a.conf
        server {
            listen 5220;
        }
        `,
        { title: '...to 5220...' },
      );
      assert.equal(r.fixes.length, 1);
    });

    it('offers nothing for a side whose port is a default written nowhere', () => {
      const { files } = checkDiagnostics(
        `
        //- /run-rtcd.sh
        #!/bin/sh
        docker run -d --name rtcd --network host mattermost/rtcd:latest
        ^^^^^^^^^^ port-conflict error: 8045/tcp on all interfaces is also bound by nginx (nginx/conf.d/a.conf:2)
        //- /nginx/conf.d/a.conf
        server {
            listen 8045;
                   ^^^^ port-conflict error: 8045/tcp on all interfaces is also bound by rtcd (run-rtcd.sh:2)
        }
        `,
        { only: ['port-conflict'] },
      );
      checkNoFix(files, { rule: 'port-conflict', file: '/run-rtcd.sh' });
      checkFix(files, '//- /nginx/conf.d/a.conf\nserver {\n    listen 8046;\n}\n', { rule: 'port-conflict', file: '/nginx/conf.d/a.conf' });
    });
  });

  describe('rtcd-mismatch', () => {
    it('sets the Calls rtcd URL to rtcd\'s API port; moving rtcd to 8443 is not offered because Jitsi web holds it', () => {
      const r = checkFix(
        EX,
        exWith('/opt/mattermost/config/config.json', '"rtcdserviceurl": "https://jitsi.yourserver.com:8443",', '"rtcdserviceurl": "https://jitsi.yourserver.com:8444",'),
        { rule: 'rtcd-mismatch', file: '/opt/mattermost/config/config.json', text: '8443', title: "Set this port to 8444, rtcd's API port" },
      );
      assert.equal(r.fixes.length, 1, 'the only fix offered');
    });

    const SMALL = `
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"
      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
      //- /etc/systemd/system/rtcd.service
      [Service]
      ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
      //- /etc/nginx/sites-enabled/rtcd.conf
      server {
          listen 443 ssl;
          server_name rtcd.example.com;
          location / {
              proxy_pass http://127.0.0.1:8046;
                                          ^^^^ rtcd-mismatch error: nginx proxy_pass to rtcd uses port 8046, but rtcd listens on rtcd's API 8045/tcp, ...
          }
      }
    `;

    it('nginx proxying to rtcd: set the proxy to rtcd\'s API port, or set rtcd\'s API port to the proxy\'s', () => {
      const a = checkFix(
        SMALL,
        `
        //- /etc/nginx/sites-enabled/rtcd.conf
        server {
            listen 443 ssl;
            server_name rtcd.example.com;
            location / {
                proxy_pass http://127.0.0.1:8045;
            }
        }
        `,
        { title: "Set this port to 8045, rtcd's API port" },
      );
      assert.deepEqual(a.fixes.map((f) => f.title), ["Set this port to 8045, rtcd's API port", "Set rtcd's API port to 8046, this mention's port"]);
      checkFix(
        SMALL,
        `
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8046"
        [rtc]
        ice_port_udp = 8443
        ice_port_tcp = 8443
        `,
        { title: "Set rtcd's API port to 8046, this mention's port" },
      );
    });

    it('disagreeing overrides: set the losing one to the value that takes effect', () => {
      checkFix(
        `
        //- /rtcd.service
        [Service]
        ExecStart=/usr/bin/rtcd
        Environment=RTCD_RTC_ICEPORTUDP=8443
                                        ^^^^ rtcd-mismatch error: RTCD_RTC_ICEPORTUDP=8443 for rtcd.service is overridden by RTCD_RTC_ICEPORTUDP=8444 (rtcd.service:4); the two disagree
        Environment=RTCD_RTC_ICEPORTUDP=8444
        `,
        `
        //- /rtcd.service
        [Service]
        ExecStart=/usr/bin/rtcd
        Environment=RTCD_RTC_ICEPORTUDP=8444
        Environment=RTCD_RTC_ICEPORTUDP=8444
        `,
      );
    });
  });

  describe('firewall-missing', () => {
    it('adds the rule after the same port\'s rule for the other protocol, in its style (sudo, comment quoting)', () => {
      checkFix(
        EX,
        exWith(UFW, "sudo ufw allow 8046/udp comment 'rtcd Media UDP'\n", "sudo ufw allow 8046/udp comment 'rtcd Media UDP'\nsudo ufw allow 8046/tcp comment 'rtcd Media TCP'\n"),
        { rule: 'firewall-missing', file: '/etc/rtcd/config.toml', text: '8046' },
      );
    });

    const RTCD = `
      //- /rtcd/config.toml
      [api]
      http.listen_address = "127.0.0.1:8045"
      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
                     ^^^^ firewall-missing warning: 8443/tcp (rtcd's media (ICE TCP)) must be reachable from outside, but no ufw rule on host "ws" allows it ...
      //- /rtcd.service
      [Service]
      ExecStart=/usr/bin/rtcd --config /etc/rtcd/config.toml`;

    it('keeps CRLF line breaks and goes after the last allow rule when the port has no rule yet', () => {
      checkFix(
        `${RTCD}
      //- /fw.sh crlf
      #!/bin/sh
      ufw allow 22/tcp
      ufw allow 8443/udp
      ufw enable
      `,
        `
        //- /fw.sh crlf
        #!/bin/sh
        ufw allow 22/tcp
        ufw allow 8443/udp
        ufw allow 8443/tcp
        ufw enable
        `,
      );
    });

    it('offers nothing when the host has no ufw script (rules only in ufw\'s user.rules)', () => {
      checkNoFix(`${RTCD}
      //- /etc/ufw/user.rules
      *filter
      ### RULES ###

      ### tuple ### allow udp 8443 0.0.0.0/0 any 0.0.0.0/0 in
      -A ufw-user-input -p udp --dport 8443 -j ACCEPT

      ### END RULES ###
      COMMIT
      `);
    });
  });

  describe('firewall-stale', () => {
    it('removes the rule\'s line and nothing else', () => {
      checkFix(EX, exWith(UFW, "sudo ufw allow 8045/udp comment 'rtcd Media UDP'\n", ''), { rule: 'firewall-stale', file: UFW, text: '8045' });
    });

    it('offers nothing for a rule chained with another command', () => {
      checkNoFix(`
        //- /fw.sh
        #!/bin/sh
        ufw allow 22/tcp
        ufw allow 9999/tcp && ufw reload
                  ^^^^ firewall-stale warning: ufw allows 9999/tcp, but nothing on host "ws" binds it
      `);
    });
  });

  describe('public-exposure', () => {
    it('publishes a compose database port on 127.0.0.1 (short syntax, and replacing 0.0.0.0)', () => {
      // Two exposures; fixed one after the other, each fix computed on the text the last one left.
      const { files } = checkDiagnostics(
        `
        //- /docker-compose.yml
        services:
          db:
            image: postgres:16
            ports:
              - "5432:5432"
                 ^^^^ public-exposure warning: PostgreSQL port 5432 of db is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:5432:5432"
          cache:
            image: redis:7
            ports:
              - "0.0.0.0:6379:6379"
                         ^^^^ public-exposure warning: Redis port 6379 of cache is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:6379:6379"
        `,
        { only: ['public-exposure'] },
      );
      const db = checkFix(
        files,
        `
        //- /docker-compose.yml
        services:
          db:
            image: postgres:16
            ports:
              - "127.0.0.1:5432:5432"
          cache:
            image: redis:7
            ports:
              - "0.0.0.0:6379:6379"
        `,
        { rule: 'public-exposure', text: '5432' },
      );
      checkFix(
        db.files,
        `
        //- /docker-compose.yml
        services:
          db:
            image: postgres:16
            ports:
              - "127.0.0.1:5432:5432"
          cache:
            image: redis:7
            ports:
              - "127.0.0.1:6379:6379"
        `,
        { rule: 'public-exposure', text: '6379' },
      );
    });

    it('publishes a docker run -p on 127.0.0.1', () => {
      checkFix(
        `
        //- /run.sh
        #!/bin/sh
        docker run -d --name db -p 5432:5432 postgres:16
                                   ^^^^ public-exposure warning: PostgreSQL port 5432 of db is published on all interfaces, ...
        `,
        '//- /run.sh\n#!/bin/sh\ndocker run -d --name db -p 127.0.0.1:5432:5432 postgres:16\n',
      );
    });

    it('offers nothing for an exposure by a ufw rule (the right source address is unknown), and finds nothing on loopback', () => {
      checkNoFix(EX, { rule: 'public-exposure', file: UFW, text: '5432' });
      checkDiagnostics(
        `
        //- /docker-compose.yml
        services:
          db:
            image: postgres:16
            ports:
              - "127.0.0.1:5432:5432"
        `,
        { only: ['public-exposure'] },
      );
    });
  });

  describe('unknown-rtcd-key', () => {
    it('renames a variable to the one rtcd reads', () => {
      const file = '/etc/systemd/system/rtcd.service';
      checkFix(EX, exWith(file, 'Environment=API_SECURITY_ALLOWSELFREGISTRATION=true', 'Environment=RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true'), { rule: 'unknown-rtcd-key', file, text: 'API_SECURITY_ALLOWSELFREGISTRATION' });
    });

    it('renames a mistyped config.toml key within its table', () => {
      checkFix(
        `
        //- /rtcd/config.toml
        [api]
        http.listen_adress = ":8045"
        ^^^^^^^^^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read "api.http.listen_adress"; did you mean "api.http.listen_address"?
        [rtc]
        ice_port_udp = 8443
        `,
        `
        //- /rtcd/config.toml
        [api]
        http.listen_address = ":8045"
        [rtc]
        ice_port_udp = 8443
        `,
      );
    });

    it('offers nothing when the key belongs in another table, or when the right key is already set', () => {
      checkNoFix(`
        //- /rtcd/config.toml
        [HTTP]
        ServerPort = 8045
        ^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read "HTTP.ServerPort" (section [HTTP] is not one of rtcd's: api, rtc, store, logger); did you mean "api.http.listen_address"?
        [rtc]
        ice_port_udp = 8443
      `);
      // A duplicate key would not parse: the re-check refuses the rename.
      checkNoFix(`
        //- /rtcd/config.toml
        [api]
        http.listen_address = ":8045"
        http.listen_adress = ":8046"
        ^^^^^^^^^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read "api.http.listen_adress"; did you mean "api.http.listen_address"?
        [rtc]
        ice_port_udp = 8443
      `);
    });
  });

  describe('invalid-port', () => {
    const REVERSED = `
      //- /fw.sh
      #!/bin/sh
      ufw allow 20000:10000/udp
                ^^^^^^^^^^^ invalid-port error: ufw: port range 20000:10000 is reversed (ufw requires start <= end, e.g. 10000:20000)`;

    it('swaps a reversed ufw range', () => {
      checkFix(
        `${REVERSED}
      //- /docker-compose.yml
      services:
        jvb:
          image: jitsi/jvb:stable
          ports:
            - "10000:10000/udp"
      `,
        '//- /fw.sh\n#!/bin/sh\nufw allow 10000:20000/udp\n',
      );
    });

    it('offers nothing when the swapped range would open ports nothing binds (the re-check finds a stale rule)', () => {
      checkNoFix(REVERSED);
    });

    it('offers nothing for a port out of range', () => {
      checkNoFix(`
        //- /fw.sh
        #!/bin/sh
        ufw allow 70000/tcp
                  ^^^^^ invalid-port error: ufw: port 70000 is outside 1-65535
      `);
    });
  });

  describe('fix-all', () => {
    it('fixes every unknown-rtcd-key in a file at once, and nothing of other rules', () => {
      checkFixAll(
        `
        //- /rtcd.service
        [Service]
        ExecStart=/usr/bin/rtcd
        Environment=API_SECURITY_ENABLEADMIN=false
                    ^^^^^^^^^^^^^^^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read API_SECURITY_ENABLEADMIN ...
        Environment=LOGGER_ENABLEFILE=false
                    ^^^^^^^^^^^^^^^^^ unknown-rtcd-key warning: rtcd does not read LOGGER_ENABLEFILE ...
        `,
        `
        //- /rtcd.service
        [Service]
        ExecStart=/usr/bin/rtcd
        Environment=RTCD_API_SECURITY_ENABLEADMIN=false
        Environment=RTCD_LOGGER_ENABLEFILE=false
        `,
        '/rtcd.service',
        'unknown-rtcd-key',
      );
    });

    it('on the example\'s ufw script: removes the stale rule, leaves the exposure (no safe fix) and causes nothing', () => {
      const fixed = checkFixAll(EX, exWith(UFW, "sudo ufw allow 8045/udp comment 'rtcd Media UDP'\n", ''), UFW);
      assert.deepEqual(fixed.map((d) => d.rule), ['firewall-stale']);
    });
  });
});
