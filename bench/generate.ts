/**
 * Generates a synthetic infrastructure workspace for the benchmark: `hosts/<name>/...` trees,
 * one per machine, each with a compose stack and its `.env`, a monitoring compose file, nginx
 * (`nginx.conf` including `sites-enabled/*` and a `snippets/` file), systemd units, a ufw script,
 * on some hosts rtcd's `config.toml` and its unit or Mattermost's `config.json`, and files that
 * Portolan must skip (sources, a Kubernetes manifest, a dovecot.conf, notes, package.json).
 *
 * Every host uses the same ports (80, 443, 8080, 3000, 9100, ...): they are shared across hosts
 * and must not conflict. Conflicts are planted on a known set of hosts:
 * - `in-file`: the monitoring compose file gets a third service publishing 3000, which grafana
 *   already publishes (dclint's no-duplicate-exported-ports can see it);
 * - `cross-file`: the api unit listens on 8080, which the app's compose file publishes through
 *   `${WEB_PORT}` from its `.env` (only a cross-file index can see it).
 * Each planted conflict yields exactly two `port-conflict` diagnostics (both sides).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One planted conflict: where, its kind, and the two files that carry its two sides. */
export interface PlantedConflict {
  host: string;
  kind: 'in-file' | 'cross-file';
  port: number;
  files: [string, string];
}

/** What {@link generateWorkspace} wrote. Paths are relative to the root, `/` separated. */
export interface GeneratedWorkspace {
  root: string;
  files: string[];
  hosts: string[];
  /** `--host-map` pairs (`hosts/<name>/**` to `<name>`). */
  hostMap: { glob: string; host: string }[];
  planted: PlantedConflict[];
  /** Compose files (for the dclint comparison). */
  composeFiles: string[];
  /** Per host, the api unit (edited by the latency benchmark) and the app compose file it can conflict with. */
  editTargets: { host: string; unit: string; compose: string }[];
}

/** The files of host number `i` named `host` (paths relative to the workspace root) and the conflicts planted among them. */
export function hostFiles(host: string, i: number): { files: Record<string, string>; planted: PlantedConflict[] } {
  const inFile = i % 10 === 3;
  const crossFile = i % 10 === 7;
  const webPort = 8080;
  const apiPort = crossFile ? webPort : 7000 + (i % 50);
  const f: Record<string, string> = {};
  const planted: PlantedConflict[] = [];
  const p = (rel: string) => `hosts/${host}/${rel}`;

  f[p('opt/app/docker-compose.yml')] = `# Application stack of ${host}.
services:
  web:
    image: registry.example.com/shop/web:1.${i % 9}
    restart: unless-stopped
    ports:
      - "\${WEB_PORT}:80"
    environment:
      - DATABASE_URL=postgres://shop@db:5432/shop
      - REDIS_URL=redis://cache:6379
    depends_on:
      - db
      - cache
  db:
    image: postgres:16
    ports:
      - "127.0.0.1:\${DB_PORT:-5432}:5432"
    volumes:
      - ./data/db:/var/lib/postgresql/data
  cache:
    image: redis:7
    expose:
      - "6379"
`;
  f[p('opt/app/.env')] = `COMPOSE_PROJECT_NAME=shop
WEB_PORT=${webPort}
DB_PORT=5432
TZ=UTC
`;
  f[p('opt/monitor/compose.yaml')] = `services:
  grafana:
    image: grafana/grafana:11.${i % 5}.0
    ports:
      - "3000:3000"
  prometheus:
    image: prom/prometheus:v2.53.0
    ports:
      - target: 9090
        published: 9090
        host_ip: 127.0.0.1
        protocol: tcp
${inFile ? `  alertmanager:
    image: prom/alertmanager:v0.27.0
    ports:
      - "3000:9093"
` : ''}`;
  if (inFile) planted.push({ host, kind: 'in-file', port: 3000, files: [p('opt/monitor/compose.yaml'), p('opt/monitor/compose.yaml')] });

  f[p('etc/nginx/nginx.conf')] = `user www-data;
worker_processes auto;
events { worker_connections 768; }
http {
    sendfile on;
    include /etc/nginx/mime.types;
    include /etc/nginx/conf.d/*.conf;
    include /etc/nginx/sites-enabled/*;
}
`;
  f[p('etc/nginx/snippets/ssl.conf')] = `ssl_certificate /etc/letsencrypt/live/${host}.example.com/fullchain.pem;
ssl_certificate_key /etc/letsencrypt/live/${host}.example.com/privkey.pem;
ssl_protocols TLSv1.2 TLSv1.3;
`;
  f[p('etc/nginx/sites-enabled/shop')] = `server {
    listen 80;
    listen [::]:80;
    server_name shop.${host}.example.com;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl;
    listen [::]:443 ssl;
    server_name shop.${host}.example.com;
    include snippets/ssl.conf;

    location / {
        proxy_pass http://127.0.0.1:${webPort};
        proxy_set_header Host $host;
    }
}
`;
  f[p('etc/nginx/sites-enabled/grafana.conf')] = `server {
    listen 443 ssl;
    server_name grafana.${host}.example.com;
    include snippets/ssl.conf;
    location / {
        proxy_pass http://127.0.0.1:3000;
    }
}
`;
  f[p('etc/nginx/conf.d/status.conf')] = `server {
    listen 127.0.0.1:8081;
    location /nginx_status { stub_status; }
}
`;
  f[p('etc/systemd/system/node-exporter.service')] = `[Unit]
Description=Prometheus node exporter

[Service]
ExecStart=/usr/local/bin/node_exporter --web.listen-address=:9100
Restart=always

[Install]
WantedBy=multi-user.target
`;
  f[p('etc/systemd/system/api.service')] = `[Unit]
Description=Internal API of ${host}
After=network.target

[Service]
ExecStart=/usr/local/bin/api-server --port ${apiPort} --workers 4
Environment=LOG_LEVEL=info
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;
  if (crossFile) planted.push({ host, kind: 'cross-file', port: webPort, files: [p('etc/systemd/system/api.service'), p('opt/app/docker-compose.yml')] });

  f[p('etc/ufw/setup-firewall.sh')] = `#!/bin/sh
set -e
ufw default deny incoming
ufw allow 22/tcp comment 'ssh'
ufw allow 80/tcp
ufw allow 443/tcp
ufw allow from 10.0.0.0/8 to any port 9100 proto tcp comment 'prometheus scrape'
${i % 4 <= 1 ? "ufw allow 8443/udp comment 'rtcd media'\nufw allow 8443/tcp comment 'rtcd media'\n" : ''}ufw --force enable
`;
  if (i % 4 === 0) {
    f[p('etc/rtcd/config.toml')] = `[api]
http.listen_address = "127.0.0.1:8045"
security.enable_admin = false

[rtc]
ice_address_udp = ""
ice_port_udp = 8443
ice_port_tcp = 8443
ice_host_override = "203.0.113.${i % 250}"

[logger]
enable_console = true
console_level = "INFO"
`;
    f[p('etc/systemd/system/rtcd.service')] = `[Unit]
Description=rtcd
After=network.target

[Service]
ExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml
Restart=always

[Install]
WantedBy=multi-user.target
`;
  } else if (i % 4 === 1) {
    f[p('opt/mattermost/config/config.json')] = JSON.stringify({
      ServiceSettings: { SiteURL: `https://chat.${host}.example.com`, ListenAddress: '127.0.0.1:8065' },
      SqlSettings: { DriverName: 'postgres', DataSource: 'postgres://mmuser@localhost:5432/mattermost?sslmode=disable' },
      PluginSettings: { Enable: true, Plugins: { 'com.mattermost.calls': { udpserverport: 8443, tcpserverport: 8443 } } },
    }, null, 4) + '\n';
  }
  // Files that must be skipped (not candidates, or candidates no module recognizes).
  f[p('README.md')] = `# ${host}\n\nRuns the shop and its monitoring. Deploy with the playbook.\n`;
  f[p('src/server.ts')] = `export const port = Number(process.env.PORT ?? 8080);\n`;
  f[p('k8s/deployment.yaml')] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          ports:\n            - containerPort: 8080\n`;
  f[p('etc/dovecot/dovecot.conf')] = `protocols = imap lmtp\nlisten = *, ::\nservice imap-login {\n  inet_listener imap {\n    port = 143\n  }\n}\n`;
  f[p('package.json')] = JSON.stringify({ name: `${host}-tools`, version: '1.0.0', scripts: { start: 'node server.js' } }, null, 2) + '\n';
  f[p('scripts/backup.sh')] = `#!/bin/sh\npg_dump shop > /var/backups/shop.sql\n`;
  f[p('docs/notes.txt')] = `Maintenance window: Sunday 02:00 UTC.\n`;
  return { files: f, planted };
}

/**
 * Writes a workspace of exactly `n` files under `root` (emptied first) and describes it.
 * Hosts are filled in order; the last host may be incomplete, and a conflict planted on it
 * counts only if both its files were written.
 */
export function generateWorkspace(root: string, n: number): GeneratedWorkspace {
  fs.rmSync(root, { recursive: true, force: true });
  const out: GeneratedWorkspace = { root, files: [], hosts: [], hostMap: [], planted: [], composeFiles: [], editTargets: [] };
  const dirs = new Set<string>();
  for (let i = 0; out.files.length < n; i++) {
    const host = `h${String(i).padStart(5, '0')}`;
    const { files, planted } = hostFiles(host, i);
    const written = new Set<string>();
    for (const [rel, text] of Object.entries(files)) {
      if (out.files.length >= n) break;
      const abs = path.join(root, rel);
      const dir = path.dirname(abs);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(abs, text);
      out.files.push(rel);
      written.add(rel);
      if (/(^|\/)(docker-compose|compose)\.ya?ml$/.test(rel)) out.composeFiles.push(rel);
    }
    out.hosts.push(host);
    out.hostMap.push({ glob: `hosts/${host}/**`, host });
    for (const c of planted) if (written.has(c.files[0]) && written.has(c.files[1])) out.planted.push(c);
    const unit = `hosts/${host}/etc/systemd/system/api.service`;
    const compose = `hosts/${host}/opt/app/docker-compose.yml`;
    if (written.has(unit) && written.has(compose) && i % 10 !== 7 && written.has(`hosts/${host}/opt/app/.env`)) out.editTargets.push({ host, unit, compose });
  }
  return out;
}

/** The api unit's text with its `--port` set to `port` (what the latency benchmark types). */
export function apiUnitWithPort(text: string, port: number): string {
  return text.replace(/--port \d+/, `--port ${port}`);
}
