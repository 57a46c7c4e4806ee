/**
 * `npm run bench`: Portolan's benchmark. For each workspace size (default 1000, 5000 and 20000
 * files; `--sizes 1000,5000` to choose; `--with-100k` adds 100000) it generates a synthetic infrastructure workspace
 * (bench/generate.ts) and measures, in one run:
 * - cold index through the CLI (`check`, in a fresh process), its CPU time and idle share
 *   (1 - CPU / wall), the parse-only baseline over the same files (list, read, classify, parse;
 *   no extraction, no rules) and the raw read-and-parse baseline (each listed file read once and
 *   parsed once by yaml / jsonc-parser, lines split for the rest: the physical limit), and the
 *   ratios of the check to both;
 * - heap after each stage of a cold check (texts, index, snapshot, rules; after a full GC);
 * - cold index through the language server: `initialize` until the first `portolan/indexed`
 *   (sent after every file's diagnostics are published);
 * - peak RSS of the CLI and the server processes;
 * - edit latency through LSP (p50, p95, max): 200 `didChange` of a systemd unit, each until the server has
 *   published and every affected file's diagnostics are as expected. A quarter of the edits
 *   create a port conflict with another file (a compose file), a quarter remove it again;
 * - and, on the compose files alone, the CLI against dclint's no-duplicate-exported-ports.
 *
 * Prints a table and writes bench/results.json. Medians where a measurement is repeated.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { apiUnitWithPort, generateWorkspace, type GeneratedWorkspace } from './generate';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(os.tmpdir(), 'portolan-bench');
const EDITS = 200;

interface ChildResult {
  ms: number;
  maxRssMb: number;
  cpuMs?: number;
  idleShare?: number;
  conflicts?: string[];
  diagnostics?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function child(args: string[], nodeFlags: string[] = []): ChildResult {
  const r = spawnSync(process.execPath, [...nodeFlags, path.join(ROOT, 'out', 'bench', 'child.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bench child ${args[0]} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/** Cold index through the server, then edit latency; returns times in ms and the server's peak RSS. */
/** Signals the server (started with --heapsnapshot-signal) and moves the snapshot it writes into `dir` to `file`, waiting until its size stops growing. */
async function heapSnapshot(pid: number, dir: string, file: string): Promise<void> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let last = -1; ; ) {
    await new Promise((r) => setTimeout(r, 500));
    const made = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    const size = made ? fs.statSync(path.join(dir, made)).size : -1;
    if (made && size === last && size > 0) return fs.renameSync(path.join(dir, made), file);
    last = size;
  }
}

/**
 * The language server over stdio on `ws`: cold load until the first `portolan/indexed`, then
 * `edits` didChange edits, each timed until its diagnostics are published and, for the
 * conflict edits, right. `rssMb` is the server's peak resident set (VmHWM, MiB);
 * `coldPeakRssMb` that peak when the load was done, `coldRssMb` and `editsRssMb` its resident
 * set (VmRSS) after the load and after the edits.
 */
export async function serverRun(ws: GeneratedWorkspace, edits: number): Promise<{ coldMs: number; p50: number; p95: number; max: number; rssMb: number; coldRssMb: number; coldPeakRssMb: number; editsRssMb: number; editsChecked: number }> {
  // PORTOLAN_BENCH_SERVER_FLAGS: Node options for the server, split at spaces (`--cpu-prof --cpu-prof-dir=/tmp/p`).
  // PORTOLAN_BENCH_HEAP_SNAPSHOT=<file>: it writes a heap snapshot there after the edits, before shutdown.
  const heap = process.env.PORTOLAN_BENCH_HEAP_SNAPSHOT;
  const flags = [...(process.env.PORTOLAN_BENCH_SERVER_FLAGS ?? '').split(' ').filter((f) => f !== ''), ...(heap ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${path.dirname(heap)}`] : [])];
  const proc = spawn(process.execPath, [...flags, path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  let indexedCount = 0;
  let onEvent: () => void = () => undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p.diagnostics);
  });
  conn.onNotification('portolan/indexed', () => {
    indexedCount++;
    onEvent();
  });
  const settings = { hostMap: Object.fromEntries(ws.hostMap.map((m) => [m.glob, m.host])) };
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  const until = (pred: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr: ${stderr.slice(-2000)}`)), 600000);
      const check = () => {
        if (pred()) {
          clearTimeout(timer);
          onEvent = () => undefined;
          resolve();
        }
      };
      onEvent = check;
      check();
    });
  const rootUri = pathToFileURL(ws.root).href;
  const t0 = performance.now();
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: path.basename(ws.root) }],
    capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
  });
  void conn.sendNotification('initialized', {});
  await until(() => indexedCount >= 1, 'the first portolan/indexed');
  const coldMs = performance.now() - t0;
  const rss = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const coldRssMb = rss('VmRSS');
  const coldPeakRssMb = rss('VmHWM');

  const hasConflict = (rel: string) => (diagnostics.get(pathToFileURL(path.join(ws.root, rel)).href) ?? []).some((d) => d.code === 'port-conflict');
  const texts = new Map<string, string>();
  const versions = new Map<string, number>();
  const latencies: number[] = [];
  let checked = 0;
  for (let k = 0; k < edits && ws.editTargets.length > 0; k++) {
    const target = ws.editTargets[Math.floor(k / 4) % ws.editTargets.length]!;
    const uri = pathToFileURL(path.join(ws.root, target.unit)).href;
    if (!texts.has(uri)) {
      const text = fs.readFileSync(path.join(ws.root, target.unit), 'utf8');
      texts.set(uri, text);
      versions.set(uri, 1);
      void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'systemd-unit-file', version: 1, text } });
    }
    const before = texts.get(uri)!;
    let next: string;
    let expect: (() => boolean) | undefined;
    switch (k % 4) {
      case 0: next = apiUnitWithPort(before, 7100 + (k % 500)); break;
      case 1: next = apiUnitWithPort(before, 8080); expect = () => hasConflict(target.unit) && hasConflict(target.compose); break;
      case 2: next = apiUnitWithPort(before, 7000); expect = () => !hasConflict(target.unit) && !hasConflict(target.compose); break;
      default: next = before + `# edit ${k}\n`;
    }
    texts.set(uri, next);
    const version = versions.get(uri)! + 1;
    versions.set(uri, version);
    const seen = indexedCount;
    const start = performance.now();
    void conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: next }] });
    await until(() => indexedCount > seen && (expect ? expect() : true), `edit ${k} of ${target.unit}`);
    latencies.push(performance.now() - start);
    if (expect) checked++;
  }
  const rssMb = rss('VmHWM');
  const editsRssMb = rss('VmRSS');
  if (heap) await heapSnapshot(proc.pid!, path.dirname(heap), heap);
  await conn.sendRequest('shutdown');
  void conn.sendNotification('exit');
  await new Promise((r) => proc.once('exit', r));
  conn.dispose();
  return { coldMs, p50: median(latencies), p95: percentile(latencies, 95), max: Math.max(...latencies), rssMb, coldRssMb, coldPeakRssMb, editsRssMb, editsChecked: checked };
}

/** The compose files (and their .env) alone, for the dclint comparison; returns the folder and compose count. */
function composeOnly(ws: GeneratedWorkspace, dir: string): { dir: string; compose: string[] } {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const rel of ws.files) {
    if (!ws.composeFiles.includes(rel) && !rel.endsWith('/.env')) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(path.join(ws.root, rel), path.join(dir, rel));
  }
  return { dir, compose: ws.composeFiles };
}

function dclintCompare(ws: GeneratedWorkspace): Record<string, unknown> {
  const { dir, compose } = composeOnly(ws, path.join(WORK, 'compose-only'));
  const planted = ws.planted.filter((c) => c.kind === 'in-file');
  const dclintBin = path.join(ROOT, 'node_modules', 'dclint', 'bin', 'dclint.cjs');
  const config = path.join(WORK, 'dclintrc.json');
  const rules = ['no-build-and-image', 'no-duplicate-container-names', 'no-quotes-in-volumes', 'no-unbound-port-interfaces', 'no-version-field', 'require-project-name-field',
    'require-quotes-in-ports', 'service-container-name-regex', 'service-dependencies-alphabetical-order', 'service-image-require-explicit-tag', 'service-keys-order',
    'service-ports-alphabetical-order', 'services-alphabetical-order', 'top-level-properties-order'];
  fs.writeFileSync(config, JSON.stringify({ rules: { ...Object.fromEntries(rules.map((r) => [r, 0])), 'no-duplicate-exported-ports': 2 } }));
  const hostArgs = ws.hostMap.map((m) => `--host-map=${m.glob}=${m.host}`);
  const runs = { dclint: [] as number[], portolan: [] as number[] };
  let dclintFound = new Set<string>();
  let portolanFound = new Set<string>();
  for (let rep = 0; rep < 3; rep++) {
    let t = performance.now();
    const d = spawnSync(process.execPath, [dclintBin, '-c', config, '-f', 'json', '--no-color', ...compose.map((c) => path.join(dir, c))], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: dir });
    runs.dclint.push(performance.now() - t);
    const reports = JSON.parse(d.stdout) as { filePath: string; messages: { rule: string }[] }[];
    dclintFound = new Set(reports.filter((r) => r.messages.some((m) => m.rule === 'no-duplicate-exported-ports')).map((r) => path.relative(dir, path.resolve(dir, r.filePath))));
    t = performance.now();
    const p = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'portolan.js'), 'check', dir, '--format', 'json', ...hostArgs], { encoding: 'utf8', maxBuffer: 1 << 28 });
    runs.portolan.push(performance.now() - t);
    const rows = (JSON.parse(p.stdout) as { diagnostics: { file: string; rule: string }[] }).diagnostics;
    portolanFound = new Set(rows.filter((r) => r.rule === 'port-conflict').map((r) => r.file));
  }
  const perFile = (xs: number[]) => median(xs) / compose.length;
  return {
    composeFiles: compose.length,
    dclintMsPerFile: perFile(runs.dclint),
    portolanMsPerFile: perFile(runs.portolan),
    planted: planted.length,
    dclintFound: planted.filter((c) => dclintFound.has(c.files[0])).length,
    portolanFound: planted.filter((c) => portolanFound.has(c.files[0])).length,
    portolanExtraFiles: [...portolanFound].filter((f) => !planted.some((c) => c.files[0] === f)).length,
  };
}

async function main(): Promise<void> {
  const sizesArg = process.argv.indexOf('--sizes');
  const sizes = sizesArg > 0 ? process.argv[sizesArg + 1]!.split(',').map(Number) : [1000, 5000, 20000];
  if (process.argv.includes('--with-100k') && !sizes.includes(100000)) sizes.push(100000);
  fs.mkdirSync(WORK, { recursive: true });
  const startedAt = performance.now();
  const results: Record<string, unknown>[] = [];
  let dclint: Record<string, unknown> | undefined;
  for (const n of sizes) {
    const ws = generateWorkspace(path.join(WORK, `ws-${n}`), n);
    const hostMapFile = path.join(WORK, `hostmap-${n}.json`);
    fs.writeFileSync(hostMapFile, JSON.stringify(ws.hostMap));
    const reps = n <= 5000 ? 3 : 1;
    const cli: ChildResult[] = [];
    const parse: ChildResult[] = [];
    const raw: ChildResult[] = [];
    for (let r = 0; r < reps; r++) {
      raw.push(child(['raw', ws.root]));
      parse.push(child(['parse', ws.root]));
      cli.push(child(['cli', ws.root, hostMapFile]));
    }
    const memory = child(['memory', ws.root, hostMapFile], ['--expose-gc']) as unknown as Record<string, number>;
    const conflicts = new Set(cli[0]!.conflicts);
    const expected = ws.planted.flatMap((c) => c.files);
    const found = ws.planted.filter((c) => [...conflicts].some((f) => f.startsWith(c.files[0] + ':')) && [...conflicts].some((f) => f.startsWith(c.files[1] + ':'))).length;
    const server = await serverRun(ws, EDITS);
    const cliMs = median(cli.map((c) => c.ms));
    const parseMs = median(parse.map((c) => c.ms));
    const rawMs = median(raw.map((c) => c.ms));
    const row = {
      files: n, hosts: ws.hosts.length, planted: ws.planted.length, plantedFound: found,
      conflictDiagnostics: conflicts.size, expectedConflictDiagnostics: expected.length,
      cliColdMs: cliMs, parseOnlyMs: parseMs, ratio: cliMs / parseMs, rawReadParseMs: rawMs, rawRatio: cliMs / rawMs,
      cliCpuMs: median(cli.map((c) => c.cpuMs ?? 0)), cliIdleShare: median(cli.map((c) => c.idleShare ?? 0)),
      heapMb: { texts: memory.textsMb, indexed: memory.indexedMb, snapshot: memory.snapshotMb, rules: memory.rulesMb, textChars: memory.textChars, facts: memory.facts },
      serverColdMs: server.coldMs,
      cliPeakRssMb: Math.max(...cli.map((c) => c.maxRssMb)), serverPeakRssMb: server.rssMb,
      editP50Ms: server.p50, editP95Ms: server.p95, editMaxMs: server.max, edits: EDITS, conflictEditsChecked: server.editsChecked,
    };
    results.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
    if (n === 5000 || (!dclint && n === sizes[sizes.length - 1])) dclint = dclintCompare(ws);
  }
  const fmt = (x: unknown, d = 0) => (typeof x === 'number' ? x.toFixed(d) : String(x));
  const lines = [
    '| files | hosts | CLI cold (ms) | CLI idle | raw read+parse (ms) | ratio to raw | parse-only (ms) | ratio to parse-only | server cold (ms) | edit p50 / p95 / max (ms) | peak RSS CLI / server (MB) | planted conflicts found |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.files} | ${r.hosts} | ${fmt(r.cliColdMs)} | ${fmt(100 * (r.cliIdleShare as number))}% | ${fmt(r.rawReadParseMs)} | ${fmt(r.rawRatio, 2)} | ${fmt(r.parseOnlyMs)} | ${fmt(r.ratio, 2)} | ${fmt(r.serverColdMs)} | ${fmt(r.editP50Ms, 1)} / ${fmt(r.editP95Ms, 1)} / ${fmt(r.editMaxMs, 1)} | ${fmt(r.cliPeakRssMb)} / ${fmt(r.serverPeakRssMb)} | ${r.plantedFound}/${r.planted} |`),
    '',
    '| files | heap after reading texts (MB) | after indexing | after the snapshot | after the rules | text (M chars) | facts |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => {
      const h = r.heapMb as Record<string, number>;
      return `| ${r.files} | ${fmt(h.texts, 1)} | ${fmt(h.indexed, 1)} | ${fmt(h.snapshot, 1)} | ${fmt(h.rules, 1)} | ${fmt(h.textChars, 1)} | ${h.facts} |`;
    }),
  ];
  if (dclint) {
    lines.push('', '| compose files | dclint (ms/file) | Portolan CLI (ms/file) | in-file conflicts found by dclint | by Portolan |', '|---:|---:|---:|---:|---:|',
      `| ${dclint.composeFiles} | ${fmt(dclint.dclintMsPerFile, 2)} | ${fmt(dclint.portolanMsPerFile, 2)} | ${dclint.dclintFound}/${dclint.planted} | ${dclint.portolanFound}/${dclint.planted} |`);
  }
  const machine = { cpu: /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version, memGb: os.totalmem() / 2 ** 30 };
  const totalS = (performance.now() - startedAt) / 1000;
  process.stdout.write(lines.join('\n') + `\n\nmachine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; bench wall time ${totalS.toFixed(0)} s\n`);
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, wallSeconds: totalS, sizes: results, dclint }, null, 2) + '\n');
}

// Run as a script; imported (bench/server.ts), only its functions.
if (require.main === module) main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
