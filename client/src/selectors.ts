/**
 * Which documents and files the Portolan client hands to the language server.
 *
 * Pure data, no `vscode` import, so the manifest tests can check it in plain Node.
 * The server decides by content whether a file is one of its formats, so these lists are
 * deliberately broad; they only bound what the editor sends. File watching is the server's
 * (it registers its own watcher), so nothing here lists files to watch.
 */

/** Client id; vscode-languageclient also reads the `portolan.trace.server` setting from it. */
export const CLIENT_ID = 'portolan';
/** Human name of the client (output channel and notifications). */
export const CLIENT_NAME = 'Portolan';
/** The configuration section the server pulls (`portolan.hostMap`, `portolan.trace.server`). */
export const CONFIGURATION_SECTION = 'portolan';
/** Contributed commands (package.json `contributes.commands`), all in the "Portolan" category. */
export const COMMANDS = {
  /** Stops and restarts the language server. */
  restartServer: 'portolan.restartServer',
  /** Focuses the Ports view (also the status bar item's command). */
  showPortTable: 'portolan.showPortTable',
  /** Writes a Markdown port reference of the workspace; takes an optional target Uri. */
  exportPortReference: 'portolan.exportPortReference',
  /** Ports view title: fetch the table again. */
  refreshPortTable: 'portolan.portTable.refresh',
  /** Ports view title: the three filters. */
  filterAll: 'portolan.portTable.showAll',
  filterProblems: 'portolan.portTable.showProblems',
  filterRtcd: 'portolan.portTable.showRtcd',
  /** Prints the live-machine report (`portolan live`) in the Portolan output. */
  checkLivePorts: 'portolan.checkLivePorts',
  /** Server-side (workspace/executeCommand): regenerates every out-of-date generated port table. */
  updatePortTables: 'portolan.updatePortTables',
  /** Asks for rtcd's new API and media ports and renumbers them everywhere (client/src/renumber.ts). */
  renumberRtcd: 'portolan.renumberRtcd',
} as const;
/** Command that stops and restarts the language server. */
export const RESTART_COMMAND = COMMANDS.restartServer;
/** The activity-bar container and the Ports view inside it. */
export const VIEW_CONTAINER = 'portolan';
export const PORTS_VIEW = 'portolan.ports';

/**
 * Language ids this extension contributes (package.json `contributes.languages`).
 * `nginx` and `systemd-unit-file` are the ids the popular marketplace extensions use
 * (NGINX Configuration Language Support, coolbear.systemd-unit-file), so the contributions merge
 * with theirs instead of creating a second language for the same file.
 */
export const CONTRIBUTED_LANGUAGES = {
  nginx: 'nginx',
  systemd: 'systemd-unit-file',
  ufw: 'ufw-rules',
} as const;

/**
 * Language ids whose documents go to the server (schemes `file` and `untitled`).
 * Besides ours: `systemd-conf` (hangxingliu.vscode-systemd-support), VS Code's built-in
 * `dockercompose`, `yaml`, `json`, `jsonc`, `shellscript`, `markdown`, `properties`
 * (which VS Code gives to *.conf and .env), `dotenv` (mikestead.dotenv and newer VS Code) and
 * `toml` (Even Better TOML).
 */
export const DOCUMENT_LANGUAGES: readonly string[] = [
  CONTRIBUTED_LANGUAGES.nginx,
  CONTRIBUTED_LANGUAGES.systemd,
  'systemd-conf',
  CONTRIBUTED_LANGUAGES.ufw,
  'dockercompose',
  'yaml',
  'toml',
  'json',
  'jsonc',
  'shellscript',
  'markdown',
  'dotenv',
  'properties',
  // Front ends and firewalls: `caddyfile` (caddyserver.caddyfile-support), `haproxy`
  // (haproxy-syntax extensions), `xml` (firewalld zones and services), `dockerfile` (a
  // Dockerfile's COPY lines place configs inside images).
  'caddyfile',
  'haproxy',
  'xml',
  'dockerfile',
];

/**
 * Glob patterns (scheme `file`) whose documents go to the server whatever language the editor
 * gave them: TOML and .txt files, nginx trees, ufw rule files, env files, systemd units,
 * Caddyfiles, HAProxy configs, nftables/iptables rule files, firewalld XML, Podman quadlets and
 * Dockerfiles.
 */
export const DOCUMENT_PATTERNS: readonly string[] = [
  // rtcd's config.toml: without a TOML extension VS Code calls it plain text.
  '**/*.toml',
  // Port reference documents kept as .txt (the server decides by content).
  '**/*.txt',
  '**/nginx/**',
  '**/sites-available/*',
  '**/sites-enabled/*',
  '**/*.conf',
  '**/.env',
  '**/*.env',
  '**/env.example',
  '**/*.service',
  '**/*.socket',
  '**/user.rules',
  '**/user6.rules',
  '**/applications.d/*',
  '**/Caddyfile',
  '**/Caddyfile.*',
  '**/*.caddyfile',
  '**/*.cfg',
  '**/*.nft',
  '**/rules.v4',
  '**/rules.v6',
  '**/*.iptables',
  '**/firewalld/**/*.xml',
  '**/*.container',
  '**/*.pod',
  '**/*.kube',
  '**/Dockerfile',
  '**/Dockerfile.*',
];

/**
 * One entry of an LSP/VS Code document selector (a subset of vscode.DocumentFilter): a language
 * in a scheme, or a glob pattern in the `file` scheme.
 */
export type DocumentFilterShape =
  | { readonly scheme: 'file' | 'untitled'; readonly language: string; readonly pattern?: undefined }
  | { readonly scheme: 'file'; readonly pattern: string; readonly language?: undefined };

/**
 * The client's document selector: every language of DOCUMENT_LANGUAGES in the `file` and
 * `untitled` schemes, then every DOCUMENT_PATTERNS glob in the `file` scheme.
 * Returns a fresh array on each call (callers may not mutate the shared tables).
 */
export function documentSelector(): DocumentFilterShape[] {
  const out: DocumentFilterShape[] = [];
  for (const language of DOCUMENT_LANGUAGES) {
    out.push({ scheme: 'file', language });
    out.push({ scheme: 'untitled', language });
  }
  for (const pattern of DOCUMENT_PATTERNS) out.push({ scheme: 'file', pattern });
  return out;
}
