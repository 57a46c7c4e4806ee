/**
 * Pathological inputs for every format module, shared by test/pathological.test.ts (ratio of
 * times at two sizes) and bench/pathological.ts (seconds per MB). Test-only code.
 *
 * Each format is a workspace path and a prefix that makes its module recognize the file (so the
 * grammar, not only detection, reads the junk); each input is `n` characters appended to it.
 */
import { WorkspaceIndex } from '../server/src/core/index/workspace';
import { runRules, type PortDiagnostic } from '../server/src/core/rules';

/** One format: the file's workspace-relative path and a prefix its module recognizes. */
export interface PathologicalFormat {
  name: string;
  path: string;
  prefix: string;
}

export const PATHOLOGICAL_FORMATS: readonly PathologicalFormat[] = [
  { name: 'nginx', path: 'nginx/site.conf', prefix: 'server {\n    listen 8080;\n}\n' },
  { name: 'compose', path: 'app/docker-compose.yml', prefix: 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n' },
  { name: 'dotenv', path: 'app/.env', prefix: 'PORT=8080\n' },
  { name: 'systemd', path: 'etc/systemd/system/api.service', prefix: '[Service]\nExecStart=/usr/bin/api --port 8080\n' },
  { name: 'ufw rules', path: 'etc/ufw/user.rules', prefix: '### tuple ### allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in\n' },
  { name: 'ufw apps', path: 'etc/ufw/applications.d/api', prefix: '[api]\ntitle=API\ndescription=API\nports=8080/tcp\n' },
  { name: 'shell script', path: 'scripts/run.sh', prefix: '#!/bin/sh\nufw allow 8080/tcp\n' },
  { name: 'docker run', path: 'scripts/docker.sh', prefix: '#!/bin/sh\ndocker run -p 8080:80 nginx:1.27 ' },
  { name: 'Dockerfile', path: 'app/Dockerfile', prefix: 'FROM nginx:1.27\nEXPOSE 8080\nCOPY conf /etc/nginx/conf.d\n' },
  { name: 'rtcd', path: 'etc/rtcd/config.toml', prefix: '[api.http]\nlisten_address = ":8045"\n[rtc]\nice_port_udp = 8443\n' },
  { name: 'toml', path: 'app/settings.toml', prefix: '[server]\nport = 8080\n' },
  { name: 'mattermost', path: 'mattermost/config/config.json', prefix: '{"ServiceSettings": {"ListenAddress": ":8065"}, "PluginSettings": ' },
  { name: 'markdown', path: 'docs/PORTS.md', prefix: '# Ports\n\n| Port | Service |\n|---|---|\n| 8080 | api |\n' },
];

const rep = (s: string, n: number): string => s.repeat(Math.ceil(n / s.length)).slice(0, n);

/** Input generators: `n` characters of one pathological shape. */
export const PATHOLOGICAL_INPUTS: Readonly<Record<string, (n: number) => string>> = {
  'one char {': (n) => rep('{', n),
  'one char "': (n) => rep('"', n),
  "one char '": (n) => rep("'", n),
  'one char \\': (n) => rep('\\', n),
  'one char $': (n) => rep('$', n),
  '${ repeated': (n) => rep('${', n),
  'one char #': (n) => rep('#', n),
  'one char ;': (n) => rep(';', n),
  'one char [': (n) => rep('[', n),
  'one char -': (n) => rep('-', n),
  'one char }': (n) => rep('}', n),
  'one char |': (n) => rep('|', n),
  'one long line': (n) => rep('listen 8080 -p 80:80 port=8081, ', n),
  'many lines': (n) => rep('port = 8080;\n', n),
  'newlines only': (n) => rep('\n', n),
  'CRLF only': (n) => rep('\r\n', n),
  'blocks nested': (n) => rep('a {\n', n / 2) + rep('}\n', n / 2),
  'brackets nested': (n) => rep('[', n / 2) + rep(']', n / 2),
  'indentation nested': (n) => {
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < n; i++) {
      const line = `${' '.repeat(i % 400)}a${i}:`;
      lines.push(line);
      size += line.length + 1;
    }
    return lines.join('\n').slice(0, n);
  },
  'dotted table header': (n) => `[${rep('a.', n - 3)}b]\n`,
  'one long word': (n) => rep('a', n),
  'long number': (n) => rep('8', n),
  'port list': (n) => rep('8080, ', n),
  'table cell of ports': (n) => {
    const ports: string[] = [];
    for (let i = 0, size = 0; size < n - 12; i++, size += 7) ports.push(String(1024 + (i % 64000)));
    return `| ${ports.join(', ')} | api |\n`;
  },
  'table rows of one port': (n) => {
    const rows: string[] = [];
    for (let i = 0, size = 0; size < n; i++) {
      rows.push(`| 8080 | s${i} |`);
      size += rows[rows.length - 1]!.length + 1;
    }
    return rows.join('\n') + '\n';
  },
};

/** What one run through the engine (index, snapshot, rules) took and gave. */
export interface PathologicalRun {
  ms: number;
  diagnostics: PortDiagnostic[];
}

/** Indexes one file (prefix + input) in a fresh workspace `/ws`, takes a snapshot and runs every rule. */
export function runPathological(format: PathologicalFormat, input: string): PathologicalRun {
  const text = format.prefix + input;
  const start = process.hrtime.bigint();
  const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
  index.setText(`/ws/${format.path}`, text);
  const diagnostics = runRules(index.snapshot());
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, diagnostics };
}
