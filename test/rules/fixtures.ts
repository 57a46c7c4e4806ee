/**
 * Small realistic configuration files shared by the rule tests. Each builder returns the text
 * of one file; paths are chosen by the test so detection works as on a real host.
 */

/** An nginx site with one server block. `listens` are `listen` arguments, `locations` map a path to a proxy_pass URL. */
export function nginxSite(serverName: string, listens: string[], locations: Record<string, string> = {}): string {
  const lines = ['server {'];
  for (const l of listens) lines.push(`    listen ${l};`);
  lines.push(`    server_name ${serverName};`);
  for (const [path, url] of Object.entries(locations)) {
    lines.push('', `    location ${path} {`, `        proxy_pass ${url};`, '        proxy_set_header Host $host;', '    }');
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** rtcd's config.toml with the given API listen address and media ports. */
export function rtcdConfig(listen = ':8045', udp = 8443, tcp = 8443, extra = ''): string {
  return [
    '[api]',
    `http.listen_address = "${listen}"`,
    'http.tls.enable = false',
    'security.allow_self_registration = true',
    '',
    '[rtc]',
    'ice_address_udp = ""',
    `ice_port_udp = ${udp}`,
    'ice_address_tcp = ""',
    `ice_port_tcp = ${tcp}`,
    extra,
    '[store]',
    'data_source = "/var/lib/rtcd/db"',
    '',
    '[logger]',
    'enable_console = true',
    '',
  ].join('\n');
}

/** A systemd unit that starts rtcd with `--config`, plus extra [Service] lines. */
export function rtcdUnit(serviceLines: string[] = [], config = '/etc/rtcd/config.toml'): string {
  return [
    '[Unit]',
    'Description=rtcd - Mattermost Calls media server',
    'After=network.target',
    '',
    '[Service]',
    `ExecStart=/usr/local/bin/rtcd --config ${config}`,
    'Restart=always',
    'User=mattermost',
    ...serviceLines,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** Mattermost config.json with ListenAddress and, optionally, Calls plugin settings. */
export function mattermostConfig(listen = ':8065', calls?: { rtcdserviceurl?: string; udpserverport?: number; tcpserverport?: number }): string {
  const plugin = calls
    ? `,\n  "PluginSettings": {\n    "Enable": true,\n    "Plugins": {\n      "com.mattermost.calls": {\n${Object.entries(calls)
        .map(([k, v]) => `        "${k}": ${JSON.stringify(v)}`)
        .join(',\n')}\n      }\n    }\n  }`
    : '';
  return `{\n  "ServiceSettings": {\n    "SiteURL": "https://chat.example.com",\n    "ListenAddress": "${listen}"\n  },\n  "SqlSettings": {\n    "DriverName": "postgres"\n  }${plugin}\n}\n`;
}

/** A ufw setup script with one `ufw allow` line per argument (e.g. "443/tcp"). */
export function ufwScript(rules: string[]): string {
  return ['#!/bin/sh', 'set -e', 'ufw default deny incoming', ...rules.map((r) => `ufw allow ${r}`), 'ufw --force enable', ''].join('\n');
}
