import * as assert from 'node:assert/strict';
import { checkDiagnostics } from '../check';
import { at } from '../memory';

describe('rule firewall-missing', () => {
  it('reports rtcd media TCP when only the UDP port is allowed, naming the rules file', () => {
    const a = checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      set -e
      ufw default deny incoming
      ufw allow 22/tcp
      ufw allow 8045/tcp
      ufw allow 8443/udp
      ufw --force enable
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_address_udp = ""
      ice_port_udp = 8443
      ice_address_tcp = ""
      ice_port_tcp = 8443
                     ^^^^ firewall-missing warning: 8443/tcp (rtcd's media (ICE TCP)) must be reachable from outside, but no ufw rule on host "ws" allows it (rules in etc/ufw/setup-firewall.sh); add: ufw allow 8443/tcp
    `);
    assert.deepEqual(a.diagnostics[0]!.data, { port: 8443, protocol: 'tcp', rulesFile: '/ws/etc/ufw/setup-firewall.sh' });
  });

  it('reports a public nginx listener without an allow rule', () => {
    checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw default deny incoming
      ufw allow 22/tcp
      ufw allow 80/tcp
      ufw --force enable
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 80;
          listen 443 ssl;
                 ^^^ firewall-missing warning: 443/tcp (chat.example.com's listen) must be reachable from outside, but no ufw rule on host "ws" allows it (rules in etc/ufw/setup-firewall.sh); add: ufw allow 443/tcp
          server_name chat.example.com;
      }
    `);
  });

  it('stays silent for Docker-published ports, loopback listeners, covering ranges and both-protocol rules', () => {
    checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw default deny incoming
      ufw allow 22/tcp
      ufw allow 8000:9000/tcp
      ufw allow 8443
      ufw --force enable
      //- /opt/jitsi/docker-compose.yml
      services:
        jvb:
          image: jitsi/jvb:stable
          ports:
            - "10000:10000/udp"
      //- /etc/nginx/sites-enabled/local
      server {
          listen 127.0.0.1:8081;
          server_name localhost;
      }
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
    `);
  });

  it('demands rules for a container on network_mode: host (its ports are host binds ufw filters), not for the same container bridged', () => {
    const onHost = checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw default deny incoming
      ufw allow 22/tcp
      ufw --force enable
      //- /opt/rtcd/docker-compose.yml
      services:
        rtcd:
        ^^^^ firewall-missing warning: 8443/udp (rtcd's media (ICE UDP)) must be reachable from outside, but no ufw rule on host "ws" allows it (rules in etc/ufw/setup-firewall.sh); add: ufw allow 8443/udp
        ^^^^ firewall-missing warning: 8443/tcp (rtcd's media (ICE TCP)) must be reachable from outside, but no ufw rule on host "ws" allows it (rules in etc/ufw/setup-firewall.sh); add: ufw allow 8443/tcp
          image: mattermost/rtcd:latest
          network_mode: host
    `);
    assert.deepEqual(onHost.diagnostics.map((d) => [d.data?.['port'], d.data?.['protocol']]), [[8443, 'udp'], [8443, 'tcp']]);
    checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw default deny incoming
      ufw allow 22/tcp
      ufw --force enable
      //- /opt/rtcd/docker-compose.yml
      services:
        rtcd:
          image: mattermost/rtcd:latest
          ports:
            - "8443:8443/udp"
            - "8443:8443/tcp"
    `);
  });

  it('stays silent on a host with no ufw rule file, even when a Markdown document lists rules', () => {
    const a = checkDiagnostics(`
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
      //- /docs/ports.md
      # Ports

      \`\`\`sh
      sudo ufw allow 8443/udp
      \`\`\`
    `);
    assert.ok(a.snap.facts.some((f) => f.kind === 'firewall' && f.format === 'markdown'));
  });
});

describe('rule firewall-stale', () => {
  it('reports an allow rule nothing binds, naming what binds the port on another protocol', () => {
    const a = checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw default deny incoming
      ufw allow 22/tcp
      ufw allow 8443/udp
      ufw allow 8443/tcp
      ufw allow 8045/udp
                ^^^^ firewall-stale warning: ufw allows 8045/udp, but nothing on host "ws" binds it; rtcd binds 8045/tcp (etc/rtcd/config.toml:2)
      ufw --force enable
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
    `);
    assert.equal(at(a.files, a.diagnostics[0]!.related[0]!.location), '8045');
  });

  it('never calls 22/tcp stale, and counts Docker-published ports and rtcd\'s advertised port as used', () => {
    const a = checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw default deny incoming
      ufw allow 22/tcp
      ufw allow 10000/udp
      ufw allow 30443
      ufw allow 8443/udp
      ufw allow 8443/tcp
      ufw --force enable
      //- /opt/jitsi/docker-compose.yml
      services:
        jvb:
          image: jitsi/jvb:stable
          ports:
            - "\${JVB_PORT:-10000}:\${JVB_PORT:-10000}/udp"
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = ":8045"

      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443
      ice_host_port_override = 30443
    `);
    assert.ok(a.snap.facts.some((f) => f.role === 'rtcd-ice-host-port-override' && f.ports.start === 30443));
  });

  it('does not call a deny rule stale', () => {
    checkDiagnostics(`
      //- /etc/ufw/setup-firewall.sh
      #!/bin/sh
      ufw deny 3306/tcp
      ufw allow 22/tcp
    `);
  });

  it('is information for a default port of a server the script installs or starts, naming it; other ports stay warnings', () => {
    const a = checkDiagnostics(`
      //- /scripts/install.sh
      #!/bin/bash
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y libevent-dev
      sudo bash -c "cat > /etc/turnserver.conf << EOL
      listening-port=3478
      EOL"
      sudo systemctl enable coturn.service
      sudo ufw allow 80/tcp
                     ^^ firewall-stale warning: ufw allows 80/tcp, but nothing on host "ws" binds it
      sudo ufw allow 3478/udp
                     ^^^^ firewall-stale information: ufw allows 3478/udp, and nothing on host "ws" that Portolan can read binds it; it is a default port of coturn, which scripts/install.sh sets up (systemctl enable coturn.service), with a configuration Portolan does not read
      sudo ufw allow 5349/tcp
                     ^^^^ firewall-stale information
      sudo ufw allow 5350/tcp
                     ^^^^ firewall-stale warning
    `);
    assert.equal(at(a.files, a.diagnostics.find((d) => d.severity === 'information')!.related[0]!.location), 'coturn.service');
  });

  it('near misses: apt-get install of the package counts, a package named only in echo or apt-get remove does not', () => {
    checkDiagnostics(`
      //- /setup.sh
      #!/bin/sh
      apt-get install -y coturn
      ufw allow 3478/udp
                ^^^^ firewall-stale information
    `);
    checkDiagnostics(`
      //- /setup.sh
      #!/bin/sh
      echo "installing coturn"
      apt-get remove -y coturn
      systemctl stop coturn
      ufw allow 3478/udp
                ^^^^ firewall-stale warning
    `);
  });
});
