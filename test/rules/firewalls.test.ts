/**
 * firewall-missing, firewall-stale, public-exposure and port-conflict fed by firewalld zones,
 * nftables rulesets, iptables rules and Podman quadlets: a true finding and a near-miss each.
 */
import { checkDiagnostics } from '../check';

const RTCD = `
      //- /etc/rtcd/config.toml
      [api]
      http.listen_address = "127.0.0.1:8045"

      [rtc]
      ice_port_udp = 8443
      ice_port_tcp = 8443`;

describe('firewall rules over firewalld, nftables, iptables and quadlets', () => {
  describe('firewall-missing', () => {
    it('firewalld zone: rtcd media TCP not opened, the message suggests firewall-cmd', () => {
      checkDiagnostics(`
      //- /etc/firewalld/zones/public.xml
      <zone>
        <service name="ssh"/>
        <port protocol="udp" port="8443"/>
      </zone>${RTCD}
                     ^^^^ firewall-missing warning: 8443/tcp (rtcd's media (ICE TCP)) must be reachable from outside, but no firewalld rule on host "ws" allows it (rules in etc/firewalld/zones/public.xml); add: firewall-cmd --permanent --add-port=8443/tcp
    `, { only: ['firewall-missing'] });
    });

    it('firewall-cmd rich rules: one accepting rtcd media UDP leaves TCP missing', () => {
      checkDiagnostics(`
      //- /root/firewall.sh
      firewall-cmd --permanent --add-rich-rule='rule family="ipv4" port port="8443" protocol="udp" accept'${RTCD}
                     ^^^^ firewall-missing warning: 8443/tcp (rtcd's media (ICE TCP)) must be reachable from outside, but no firewalld rule on host "ws" allows it (rules in root/firewall.sh); add: firewall-cmd --permanent --add-port=8443/tcp
    `, { only: ['firewall-missing'] });
    });

    it('near-miss: a rich rule for 8443/tcp beside one for 8443/udp covers both', () => {
      checkDiagnostics(`
      //- /root/firewall.sh
      firewall-cmd --permanent --add-rich-rule='rule family="ipv4" port port="8443" protocol="udp" accept'
      firewall-cmd --permanent --add-rich-rule='rule family="ipv4" port protocol="tcp" port="8443" accept'${RTCD}
    `, { only: ['firewall-missing'] });
    });

    it('near-miss: a firewalld port range and an nftables rule for the other protocol cover both', () => {
      checkDiagnostics(`
      //- /etc/firewalld/zones/public.xml
      <zone>
        <port protocol="udp" port="8000-9000"/>
      </zone>
      //- /etc/nftables.conf
      table inet filter {
        chain input {
          type filter hook input priority 0; policy drop;
          tcp dport 8443 accept
        }
      }${RTCD}
    `, { only: ['firewall-missing'] });
    });

    it('nftables and iptables: a public nginx listener without a rule; iptables suggests -A INPUT', () => {
      checkDiagnostics(`
      //- /etc/iptables/rules.v4
      *filter
      :INPUT DROP [0:0]
      -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
      COMMIT
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 80;
          listen 443 ssl;
                 ^^^ firewall-missing warning: 443/tcp (chat.example.com's listen) must be reachable from outside, but no iptables rule on host "ws" allows it (rules in etc/iptables/rules.v4); add: iptables -A INPUT -p tcp --dport 443 -j ACCEPT
          server_name chat.example.com;
      }
    `, { only: ['firewall-missing'] });
    });

    it('near-miss: DOCKER-USER rules alone do not make the host firewalled, and a forward-hook accept is no input rule', () => {
      checkDiagnostics(`
      //- /etc/iptables/rules.v4
      *filter
      :DOCKER-USER - [0:0]
      -A DOCKER-USER -p tcp -m tcp --dport 6379 -j DROP
      COMMIT
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 443 ssl;
          server_name chat.example.com;
      }
    `, { only: ['firewall-missing'] });
    });
  });

  describe('firewall-stale', () => {
    it('nftables and iptables allow rules nothing binds, naming the firewall', () => {
      checkDiagnostics(`
      //- /etc/nftables.conf
      table inet filter {
        chain input {
          type filter hook input priority 0; policy drop;
          tcp dport { 22, 8080, 9000 } accept
                                ^^^^ firewall-stale warning: nftables allows 9000/tcp, but nothing on host "ws" binds it
        }
      }
      //- /etc/containers/systemd/web.container
      [Container]
      Image=docker.io/library/nginx:1.27
      PublishPort=8080:80
      //- /etc/iptables/rules.v4
      *filter
      -A INPUT -p udp -m udp --dport 3478 -j ACCEPT
                                     ^^^^ firewall-stale warning: iptables allows 3478/udp, but nothing on host "ws" binds it
      COMMIT
    `, { only: ['firewall-stale'] });
    });

    it('a DOCKER-USER accept for a port no published mapping has is stale; one on the container port is not', () => {
      checkDiagnostics(`
      //- /etc/iptables/rules.v4
      *filter
      -A DOCKER-USER -p tcp -m tcp --dport 80 -j ACCEPT
      -A DOCKER-USER -p tcp -m tcp --dport 5000 -j ACCEPT
                                           ^^^^ firewall-stale warning: iptables DOCKER-USER allows 5000/tcp, but no Docker-published port on host "ws" (host or container side) matches it
      COMMIT
      //- /opt/web/docker-compose.yml
      services:
        web:
          image: nginx:1.27
          ports:
            - "8080:80"
    `, { only: ['firewall-stale'] });
    });
  });

  describe('public-exposure', () => {
    it('a rootful quadlet publishing Redis on all interfaces, which Podman lets past firewalld', () => {
      checkDiagnostics(`
      //- /etc/firewalld/zones/public.xml
      <zone>
        <service name="ssh"/>
      </zone>
      //- /etc/containers/systemd/redis.container
      [Container]
      Image=docker.io/library/redis:7
      PublishPort=6379:6379
                  ^^^^ public-exposure warning: Redis port 6379 of redis is published on all interfaces, and rootful Podman bypasses firewalld; publish it on loopback only: "127.0.0.1:6379:6379"
    `, { only: ['public-exposure'] });
    });

    it('near-miss: a DOCKER-USER drop on the published port, a rootless quadlet (the host firewall applies) and one outside any search path', () => {
      checkDiagnostics(`
      //- /etc/iptables/rules.v4
      *filter
      -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 6379 -j DROP
      COMMIT
      //- /opt/cache/docker-compose.yml
      services:
        redis:
          image: redis:7
          ports:
            - "6379:6379"
      //- /home/u/.config/containers/systemd/pg.container
      [Container]
      Image=docker.io/library/postgres:16
      PublishPort=5432:5432
      //- /srv/quadlets/mongo.container
      [Container]
      Image=docker.io/library/mongo:7
      PublishPort=27017:27017
    `, { only: ['public-exposure'] });
    });

    it('an iptables INPUT accept for PostgreSQL from anywhere; near-miss: the nftables rule limited to a source', () => {
      checkDiagnostics(`
      //- /etc/iptables/rules.v4
      *filter
      -A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT
                                     ^^^^ public-exposure warning: iptables allows PostgreSQL port 5432 from anywhere; allow only the hosts that need it (iptables -A INPUT -s 10.0.0.5 -p tcp --dport 5432 -j ACCEPT) and bind the service to 127.0.0.1 when only local clients use it
      COMMIT
      //- /etc/nftables.conf
      table inet filter {
        chain input {
          type filter hook input priority 0;
          ip saddr 10.0.0.0/8 tcp dport 3306 accept
        }
      }
    `, { only: ['public-exposure'] });
    });
  });

  describe('port-conflict', () => {
    it('a quadlet and a compose service publishing the same host port; near-miss: a quadlet on another port', () => {
      checkDiagnostics(`
      //- /etc/containers/systemd/web.container
      [Container]
      Image=docker.io/library/nginx:1.27
      PublishPort=8080:80
                  ^^^^ port-conflict error
      //- /etc/containers/systemd/api.container
      [Container]
      Image=docker.io/library/httpd:2
      PublishPort=8081:80
      //- /opt/app/docker-compose.yml
      services:
        app:
          image: nginx:1.27
          ports:
            - "8080:80"
               ^^^^ port-conflict error
    `, { only: ['port-conflict'] });
    });
  });
});

describe('firewall-missing demands iptables rules only under a drop policy', () => {
  it('near-miss: a script that only rejects one port from strangers leaves INPUT accepting: nothing demanded', () => {
    // bigbluebutton/docker mod/freeswitch/entrypoint.sh: iptables -A INPUT -p udp --dport 5060 -j REJECT, no policy.
    checkDiagnostics(`
      //- /opt/bbb/entrypoint.sh
      #!/bin/sh
      iptables -A INPUT -s 10.7.7.0/24 -p udp --dport 5060 -j ACCEPT
      iptables -A INPUT -p udp --dport 5060 -j REJECT
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 443 ssl;
          server_name chat.example.com;
      }
    `, { only: ['firewall-missing'] });
  });

  it('a catch-all REJECT at the end of INPUT (RHEL\'s iptables) demands the allow rule', () => {
    checkDiagnostics(`
      //- /etc/sysconfig/iptables.rules
      *filter
      :INPUT ACCEPT [0:0]
      -A INPUT -p tcp --dport 22 -j ACCEPT
      -A INPUT -j REJECT --reject-with icmp-host-prohibited
      COMMIT
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 443 ssl;
                 ^^^ firewall-missing warning: 443/tcp (chat.example.com's listen) must be reachable from outside, but no iptables rule on host "ws" allows it (rules in etc/sysconfig/iptables.rules); add: iptables -A INPUT -p tcp --dport 443 -j ACCEPT
          server_name chat.example.com;
      }
    `, { only: ['firewall-missing'] });
  });

  it('near-miss: a DROP of everything not from 10.0.0.0/8 accepts that whole net, so nothing is demanded', () => {
    checkDiagnostics(`
      //- /etc/sysconfig/iptables.rules
      *filter
      :INPUT ACCEPT [0:0]
      -A INPUT -p tcp --dport 22 -j ACCEPT
      -A INPUT ! -s 10.0.0.0/8 -j DROP
      COMMIT
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 443 ssl;
          server_name chat.example.com;
      }
    `, { only: ['firewall-missing'] });
  });

  it('the same script with iptables -P INPUT DROP demands the allow rule', () => {
    checkDiagnostics(`
      //- /opt/bbb/entrypoint.sh
      #!/bin/sh
      iptables -P INPUT DROP
      iptables -A INPUT -p udp --dport 5060 -j ACCEPT
      //- /etc/nginx/sites-enabled/chat
      server {
          listen 443 ssl;
                 ^^^ firewall-missing warning: 443/tcp (chat.example.com's listen) must be reachable from outside, but no iptables rule on host "ws" allows it (rules in opt/bbb/entrypoint.sh); add: iptables -A INPUT -p tcp --dport 443 -j ACCEPT
          server_name chat.example.com;
      }
    `, { only: ['firewall-missing'] });
  });
});
