#!/usr/bin/env bash
# Installs the real tools the oracle tests compare Portolan with, from Debian's packages:
# nginx (nginx -T), docker-compose 1.29 (docker-compose config), ufw (ufw --dry-run), openssl,
# haproxy (haproxy -c), nftables (nft -c -f), iptables (iptables-restore --test), and Neovim
# (test/neovim.test.ts runs the README's snippet in a headless nvim).
# Idempotent: does nothing when they are all present. Needs root (apt-get).
set -euo pipefail
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v ufw >/dev/null || missing+=(ufw)
command -v openssl >/dev/null || missing+=(openssl)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v nvim >/dev/null || missing+=(neovim)
command -v nft >/dev/null || missing+=(nftables)
command -v iptables-restore >/dev/null || missing+=(iptables)
if [ ${#missing[@]} -eq 0 ]; then
  echo "oracle tools present: $(nginx -v 2>&1), $(docker-compose version --short 2>/dev/null), ufw $(ufw --version | head -1 | awk '{print $2}'), $(haproxy -v 2>/dev/null | head -1 | cut -d" " -f1-3), $(nvim --version | head -1), $(nft --version), $(iptables-restore --version 2>&1 | head -1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-oracles: the oracle tests need ${missing[*]}; run as root: sudo bash scripts/install-oracles.sh" >&2
  exit 1
fi
echo "installing oracle tools: ${missing[*]}"
log=$(mktemp)
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "install-oracles: apt-get failed:" >&2
  tail -20 "$log" >&2
  exit 1
fi
rm -f "$log"
