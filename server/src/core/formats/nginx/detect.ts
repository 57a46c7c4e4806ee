/**
 * Cheap classification of a file as nginx configuration, by path and by the shape of its text
 * (no parse). Pure; never throws.
 */
import type { Detection } from '../../model/facts';
import { basename } from '../../model/paths';
import { maskEngineTags } from './syntax';

/** Extensions that are never nginx configuration, whatever folder they sit in. */
const FOREIGN_EXT = new Set([
  'md', 'markdown', 'rst', 'txt', 'adoc', 'html', 'htm', 'xml', 'yml', 'yaml', 'json', 'jsonc', 'toml', 'ini',
  'env', 'service', 'socket', 'timer', 'target', 'mount', 'sh', 'bash', 'zsh', 'ps1', 'py', 'js', 'mjs', 'cjs',
  'ts', 'go', 'rb', 'java', 'c', 'h', 'lua', 'php', 'pem', 'crt', 'key', 'lock', 'log', 'csv', 'properties',
  'dockerfile', 'j2', 'tf', 'hcl', 'nix', 'cfg',
]);
/** Extensions a file may have to be weakly detected from its content alone ('' = none). */
const WEAK_EXT = new Set(['', 'conf', 'template', 'inc', 'vhost', 'site', 'nginx', 'nginxconf']);

const SIGNALS: readonly RegExp[] = [
  /(?:^|[\s;{}])server\s*\{/,
  /(?:^|[\s;{}])listen[ \t]+(?!=)[^;{}\n=]*(?:=[^;{}\n]*)?;/,
  /(?:^|[\s;{}])location\s+[^;{}\n]*\{/,
  /(?:^|[\s;{}])(?:proxy|fastcgi|grpc|uwsgi|scgi|memcached)_pass\s+[^;{}\n]+;/,
  /(?:^|[\s;{}])upstream\s+[\w.-]+\s*\{/,
  /(?:^|[\s;{}])http\s*\{/,
  /(?:^|[\s;{}])events\s*\{/,
  /(?:^|[\s;{}])stream\s*\{/,
];
/** Signals that only a block-structured nginx file has (any one of them is needed for a weak match). */
const BLOCK_SIGNALS = new Set([0, 4, 5, 6, 7]);

/**
 * The lower-cased extension of a path's file name without the dot (`''` when it has none or the
 * name starts with its only dot); `template` for `*.conf.template`.
 */
export function extension(path: string): string {
  const base = basename(path).toLowerCase();
  if (base.endsWith('.conf.template')) return 'template';
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i + 1);
}

function pathLooksNginx(path: string): boolean {
  const segs = path.toLowerCase().split('/').filter(Boolean);
  const base = segs[segs.length - 1] ?? '';
  if (base === 'nginx.conf' || /\.(?:nginx|nginxconf)$/.test(base)) return true;
  return segs
    .slice(0, -1)
    .some((s) => /(?:^|[-_.])nginx(?:[-_.]|$)/.test(s) || s === 'sites-available' || s === 'sites-enabled' || s === 'conf.d');
}

/** Share of meaningful lines that end like nginx lines (`;`, `{`, `}`), and which signals occur. */
function contentShape(text: string): { ratio: number; signals: number[] } {
  // Template tags alone on a line (`{{ end }}`) are blanked, so a gomplate/Jinja template keeps its nginx shape.
  const sample = maskEngineTags(text.length > 65536 ? text.slice(0, 65536) : text).text;
  let lines = 0;
  let shaped = 0;
  const stripped: string[] = [];
  for (const raw of sample.split('\n')) {
    const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
    if (line === '') continue;
    stripped.push(line);
    lines++;
    const last = line[line.length - 1];
    if (last === ';' || last === '{' || last === '}') shaped++;
  }
  const body = stripped.join('\n');
  const signals: number[] = [];
  SIGNALS.forEach((re, i) => {
    if (re.test(body)) signals.push(i);
  });
  return { ratio: lines === 0 ? 0 : shaped / lines, signals };
}

/**
 * Detects nginx configuration. `strong` when the path looks like nginx (`nginx.conf`, `*.nginx`,
 * `*.nginxconf`, a folder named like `nginx`, `sites-available`, `sites-enabled`, `conf.d`) and
 * the content has at least one typical directive (`server {`, `listen N;`, `location ... {`,
 * `*_pass`, `upstream x {`, `http {`, `events {`, `stream {`) with at least 60% of its lines
 * ending in `;`, `{` or `}`; `weak` for a `.conf`-like or extensionless file elsewhere with two
 * such directives, one of them a block, and 80% nginx-shaped lines; `false` otherwise and always
 * for Markdown, YAML, JSON, TOML, systemd units, scripts and the like. Reads at most the first
 * 65,536 characters of `text`. Never throws.
 */
export function detectNginx(path: string, text: string): Detection {
  const ext = extension(path);
  if (FOREIGN_EXT.has(ext)) return false;
  const { ratio, signals } = contentShape(text);
  if (signals.length === 0) return false;
  if (pathLooksNginx(path)) return ratio >= 0.6 ? 'strong' : false;
  if (!WEAK_EXT.has(ext)) return false;
  if (signals.length >= 2 && signals.some((s) => BLOCK_SIGNALS.has(s)) && ratio >= 0.8) return 'weak';
  return false;
}
