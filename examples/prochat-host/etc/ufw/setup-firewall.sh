#!/bin/sh
# Firewall for jitsi.yourserver.com (ProChat, Jitsi and rtcd on one box).
# Run as root after any port change; ufw skips rules it already has.
set -e

ufw default deny incoming
ufw default allow outgoing

ufw allow 22/tcp comment 'ssh'
ufw allow 80/tcp comment 'nginx http'
ufw allow 443/tcp comment 'nginx https'

# Jitsi videobridge media
ufw allow 10000/udp comment 'Jitsi JVB'

# rtcd for ProChat Calls (pasted from the port reference)
sudo ufw allow 8444/tcp comment 'rtcd API'
sudo ufw allow 8045/udp comment 'rtcd Media UDP'
sudo ufw allow 8046/udp comment 'rtcd Media UDP'

# The reporting server queries postgres directly.
ufw allow 5432/tcp comment 'postgres for reporting'

ufw --force enable
ufw status numbered
