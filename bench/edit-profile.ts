/**
 * In-process edit profile: what one `didChange` of a systemd unit costs the engine, by stage,
 * without the LSP transport. Generates the benchmark workspace once (bench/generate.ts) under
 * the OS temp folder, loads it into a {@link WorkspaceIndex} with the benchmark's host map, then
 * repeats the benchmark's edit cycle (new port, conflicting port, back, comment line) and times
 * each stage of every edit in milliseconds: `setText`, `snapshot()` (placement, deployment
 * re-inference, resolution) and the rules (`IncrementalRules` as the server runs them, or with
 * `--full` `runRules` over the whole snapshot).
 *
 *   node out/bench/edit-profile.js [--files 20000] [--edits 40] [--regenerate] [--full] [--inferred]
 *   node out/bench/edit-profile.js --cpu-profile /tmp/edits.cpuprofile   (a CPU profile of the edits alone)
 *
 * Prints one JSON line: cold load, snapshot and rules times, then per stage the median and the
 * 95th percentile of the edits, and the diagnostics count of the last edit.
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex, loadWorkspace } from '../server/src/core/index/workspace';
import { runRules } from '../server/src/core/rules/index';
import { IncrementalRules } from '../server/src/core/rules/incremental';
import { nodeHost } from '../server/src/node/host';
import { apiUnitWithPort, generateWorkspace, type GeneratedWorkspace } from './generate';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The generated workspace of `n` files, written once and reused while its description file exists. */
function workspace(n: number): GeneratedWorkspace {
  const root = path.join(os.tmpdir(), 'portolan-edit-profile', `ws-${n}`);
  const meta = `${root}.json`;
  if (!process.argv.includes('--regenerate') && fs.existsSync(meta)) return JSON.parse(fs.readFileSync(meta, 'utf8')) as GeneratedWorkspace;
  const ws = generateWorkspace(root, n);
  fs.writeFileSync(meta, JSON.stringify(ws));
  return ws;
}

async function main(): Promise<void> {
  const n = arg('--files', 20000);
  const edits = arg('--edits', 40);
  const ws = workspace(n);
  const roots = [{ path: ws.root, name: path.basename(ws.root) }];
  // `--inferred`: no host map, so every host comes from the deployment inference (as in a repository opened without settings).
  const inferred = process.argv.includes('--inferred');
  const index = new WorkspaceIndex({ roots, hostMap: inferred ? [] : ws.hostMap });
  let t = performance.now();
  await loadWorkspace(index, nodeHost([], 'sync'), roots);
  const loadMs = performance.now() - t;
  t = performance.now();
  const cold = index.snapshot();
  const snapshotMs = performance.now() - t;
  // `--full`: every edit runs every rule over the whole snapshot (runRules), as before the per-host cache.
  const full = process.argv.includes('--full');
  const rules = new IncrementalRules();
  const check = full ? runRules : (s: typeof cold) => rules.run(s);
  t = performance.now();
  check(cold);
  const rulesMs = performance.now() - t;
  const stages = { setText: [] as number[], snapshot: [] as number[], rules: [] as number[], total: [] as number[] };
  let diagnostics = 0;
  const profileTo = process.argv.indexOf('--cpu-profile') > 0 ? process.argv[process.argv.indexOf('--cpu-profile') + 1] : undefined;
  const session = profileTo ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  for (let k = 0; k < edits; k++) {
    const target = ws.editTargets[Math.floor(k / 4) % ws.editTargets.length]!;
    const file = path.join(ws.root, target.unit);
    const before = index.textOf(file)!;
    const next = [apiUnitWithPort(before, 7100 + (k % 500)), apiUnitWithPort(before, 8080), apiUnitWithPort(before, 7000), before + `# edit ${k}\n`][k % 4]!;
    const t0 = performance.now();
    index.setText(file, next);
    const t1 = performance.now();
    const snap = index.snapshot();
    const t2 = performance.now();
    diagnostics = check(snap).length;
    const t3 = performance.now();
    stages.setText.push(t1 - t0);
    stages.snapshot.push(t2 - t1);
    stages.rules.push(t3 - t2);
    stages.total.push(t3 - t0);
  }
  if (session && profileTo) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(profileTo, JSON.stringify(profile));
    session.disconnect();
  }
  const summary = Object.fromEntries(Object.entries(stages).map(([k, xs]) => [k, { p50: +quantile(xs, 0.5).toFixed(2), p95: +quantile(xs, 0.95).toFixed(2) }]));
  process.stdout.write(JSON.stringify({ files: n, mode: full ? 'full' : 'incremental', hosts: inferred ? 'inferred' : 'host map', rechecked: rules.lastRechecked, facts: cold.facts.length, loadMs: Math.round(loadMs), coldSnapshotMs: Math.round(snapshotMs), coldRulesMs: Math.round(rulesMs), edits, ...summary, diagnostics, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`edit-profile failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
