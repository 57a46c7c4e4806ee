/**
 * One measurement in a fresh Node process, so each starts cold and its peak RSS is its own.
 * Prints one JSON line on stdout.
 *
 *   node out/bench/child.js cli   <root> <hostmap.json>   the CLI's `check --format json`, in process
 *   node out/bench/child.js parse <root>                  parse-only baseline: list, read, classify
 *                                                          and parse every file with its format's
 *                                                          parser (no extraction, no rules)
 *
 * Times are milliseconds from the start of the work (after module loading); `maxRssMb` is the
 * process's peak resident set (getrusage), in MiB.
 */
import * as fs from 'node:fs';
import { parseTree } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { main } from '../server/src/cli/main';
import { parseCaddyfile } from '../server/src/core/formats/caddy';
import { dockerCopies } from '../server/src/core/formats/dockerfile';
import { parseHaproxy } from '../server/src/core/formats/haproxy';
import { parseDotenv } from '../server/src/core/formats/dotenv';
import { fencedBlocks } from '../server/src/core/formats/markdown';
import { readXml } from '../server/src/core/formats/firewalld/xml';
import { parseNft } from '../server/src/core/formats/nftables/syntax';
import { parseNginx } from '../server/src/core/formats/nginx';
import { splitCommands } from '../server/src/core/formats/shell/words';
import { parseUnitFile } from '../server/src/core/formats/systemd';
import { listToml } from '../server/src/core/formats/toml/syntax';
import type { FormatId } from '../server/src/core/model/facts';
import { classify } from '../server/src/core/index/registry';
import { nodeHost } from '../server/src/node/host';

/** The parser each format module starts from, without what the module does afterwards. */
const PARSERS: Record<FormatId, (path: string, text: string) => unknown> = {
  compose: (_p, t) => parseDocument(t, { prettyErrors: false, maxAliasCount: 100 } as Parameters<typeof parseDocument>[1]),
  dotenv: (p, t) => parseDotenv(p, t),
  nginx: (_p, t) => parseNginx(t),
  systemd: (_p, t) => parseUnitFile(t),
  shell: (_p, t) => splitCommands(t),
  'rtcd-toml': (_p, t) => listToml(t),
  toml: (_p, t) => listToml(t),
  'ufw-rules': (_p, t) => t.split('\n'),
  'ufw-app': (_p, t) => t.split('\n'),
  markdown: (_p, t) => fencedBlocks(t),
  'mattermost-json': (_p, t) => parseTree(t, [], { allowTrailingComma: true, disallowComments: false }),
  dockerfile: (_p, t) => dockerCopies(t),
  caddy: (p, t) => (/\.json$/i.test(p) ? parseTree(t, [], { allowTrailingComma: true, disallowComments: false }) : parseCaddyfile(t)),
  haproxy: (_p, t) => parseHaproxy(t),
  traefik: (p, t) => (/\.toml$/i.test(p) ? listToml(t) : parseDocument(t, { prettyErrors: false, maxAliasCount: 100 } as Parameters<typeof parseDocument>[1])),
  firewalld: (_p, t) => readXml(t),
  nftables: (_p, t) => parseNft(t),
  iptables: (_p, t) => splitCommands(t),
  quadlet: (_p, t) => parseUnitFile(t),
};

async function parseOnly(root: string): Promise<{ files: number; parsed: number }> {
  const host = nodeHost();
  const paths = await host.listFiles(root);
  let parsed = 0;
  for (const p of paths) {
    const r = await host.readFile(p, root);
    if (!('text' in r)) continue;
    const { mod } = classify(p, r.text);
    if (!mod) continue;
    PARSERS[mod.id](p, r.text);
    parsed++;
  }
  return { files: paths.length, parsed };
}

async function run(): Promise<void> {
  const [mode, root, hostMapFile] = process.argv.slice(2);
  if (!root) throw new Error('usage: child.js cli|parse <root> [hostmap.json]');
  const t0 = performance.now();
  if (mode === 'parse') {
    const r = await parseOnly(root);
    const ms = performance.now() - t0;
    process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...r }) + '\n');
    return;
  }
  const hostMap = hostMapFile ? (JSON.parse(fs.readFileSync(hostMapFile, 'utf8')) as { glob: string; host: string }[]) : [];
  let out = '';
  const code = await main(['check', root, '--format', 'json', ...hostMap.map((m) => `--host-map=${m.glob}=${m.host}`)], { out: (s) => (out += s), err: (s) => process.stderr.write(s) });
  const ms = performance.now() - t0;
  const rows = (JSON.parse(out) as { diagnostics: { file: string; rule: string; line: number }[] }).diagnostics;
  const conflicts = rows.filter((r) => r.rule === 'port-conflict').map((r) => `${r.file}:${r.line}`);
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, code, diagnostics: rows.length, conflicts }) + '\n');
}

run().catch((e: unknown) => {
  process.stderr.write(`bench child failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
