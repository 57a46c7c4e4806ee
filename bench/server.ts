/**
 * The language server's part of `npm run bench` alone: cold load and edit latency over LSP on
 * the generated workspace of each size (the same workspaces and edits as bench/run.ts).
 *
 *   node out/bench/server.js [--sizes 20000] [--edits 200]
 *
 * Prints one JSON line per size: cold load (ms), edit p50 / p95 / max (ms), the server's peak RSS
 * (MiB) and how many edits had their expected diagnostics checked.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { generateWorkspace } from './generate';
import { serverRun } from './run';

async function main(): Promise<void> {
  const arg = (name: string) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const sizes = (arg('--sizes') ?? '20000').split(',').map(Number);
  const edits = Number(arg('--edits') ?? 200);
  for (const n of sizes) {
    const ws = generateWorkspace(path.join(os.tmpdir(), 'portolan-bench', `ws-${n}`), n);
    const r = await serverRun(ws, edits);
    process.stdout.write(JSON.stringify({ files: n, edits, ...r }) + '\n');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/server failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
