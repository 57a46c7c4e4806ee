/**
 * Test helpers: run a format module on in-memory files, read corpus files, and slice spans.
 * No network, no writes outside temporary folders.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../server/src/cli/main';
import type { ExtractContext, ExtractResult, FormatModule, Location, Span } from '../server/src/core/model/facts';

/** The project root (tests run from out/test/...). */
export const ROOT = path.resolve(__dirname, '..', '..');
/**
 * Absolute path of test/corpus: byte-identical copies of real upstream files, one folder per
 * upstream repository with its LICENSE (test/corpus/PROVENANCE.md says which commit). Read only.
 */
export const CORPUS = path.join(ROOT, 'test', 'corpus');
/** The upstream folders of {@link CORPUS}: real configuration files (not the seeds). */
export const CORPUS_UPSTREAMS = ['calls-plugin', 'docker-jitsi-meet', 'mattermost-docker', 'rtcd', 'caddy', 'haproxy', 'traefik', 'self-hosted-ai-starter-kit', 'firewalld', 'podman', 'iptables'] as const;
/** Absolute path of test/corpus/seeds: the hand-written port reference documents (`*.txt`; seeds/PROVENANCE.md). Read only. */
export const SEEDS = path.join(CORPUS, 'seeds');

/** Names (not paths) of the seed documents in {@link SEEDS}, sorted: the `*.txt` files, not PROVENANCE.md. */
export function seedNames(): string[] {
  return fs.readdirSync(SEEDS).filter((n) => n.endsWith('.txt')).sort();
}

/** True for the provenance and licence files of the corpus, which are no test input. */
export function isCorpusPaperwork(file: string): boolean {
  return /^(LICENSE|PROVENANCE\.md)$/.test(path.basename(file));
}

/** Reads a corpus file (never writes it). */
export function corpusText(rel: string): string {
  return fs.readFileSync(path.join(CORPUS, rel), 'utf8');
}

/**
 * Runs `mod.extract` on `files[file]` with the other entries of `files` readable through the
 * context, as the workspace index would. Paths are absolute POSIX paths.
 */
export function extractIn(mod: FormatModule, files: Record<string, string>, file: string): ExtractResult {
  const text = files[file];
  if (text === undefined) throw new Error(`no such test file ${file}`);
  const all = Object.keys(files).sort();
  const ctx: ExtractContext = {
    path: file,
    text,
    read: (p) => files[p],
    files: () => all,
  };
  return mod.extract(ctx);
}

/** The source text a span covers in `text`. */
export function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** The source text a location covers, looked up in `files`. */
export function textAt(files: Record<string, string>, loc: Location): string {
  const t = files[loc.file];
  if (t === undefined) throw new Error(`location in unknown file ${loc.file}`);
  return t.slice(loc.span.start, loc.span.end);
}

/** How long LSP-level tests wait for one message from the server, in milliseconds. */
export const LSP_TIMEOUT_MS = 15000;

/**
 * Resolves with `p`'s value, or rejects with "timed out waiting for <what>" after `ms`
 * milliseconds. The timer is cleared either way.
 */
export function withTimeout<T>(p: Promise<T>, what: string, ms = LSP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]);
}

/** LSP position (0-based line, UTF-16 character) of the `nth` occurrence of `needle` in `text`, plus `within` characters. Throws when it is absent. */
export function positionIn(text: string, needle: string, within = 0, nth = 0): { line: number; character: number } {
  let i = -1;
  for (let n = 0; n <= nth; n++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`"${needle}" (occurrence ${nth + 1}) not found`);
  const before = text.slice(0, i + within).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** Runs the CLI in process with `args`; resolves to its exit code and what it printed. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** A new temporary folder (name starting with `prefix`) holding `files` (relative path to text). The caller removes it. */
export function tmpWorkspace(files: Record<string, string>, prefix = 'portolan-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
