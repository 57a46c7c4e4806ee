/**
 * Offline launcher for the in-editor suite: a real VS Code (the VS Code 1.100 server bundled in
 * code-server, installed by scripts/vscode-offline/setup.js) driven by headless Debian Chromium
 * through playwright-core. No download at test time. See ../shared/vscode-offline.md.
 *
 *   node out/test/vscode/launch-offline.js              # the suite, extension from this checkout
 *   node out/test/vscode/launch-offline.js --vsix FILE  # FILE installed into the server, then the
 *                                                       # "installed" probe suite (no dev path)
 *
 * Environment: PORTOLAN_VSCODE_TIMEOUT_S (whole run, default 600), PORTOLAN_SCREENSHOT_DIR (where
 * <name>.png go, default .cache/vscode-test/screenshots), PORTOLAN_VSCODE_KEEP=1 (keep the temp
 * folder), PORTOLAN_CHROMIUM (browser, default /usr/bin/chromium).
 * Logs (server, extension host, browser console) go to .cache/vscode-test/<mode>.log and the
 * server's own log folder (remote agent, extension host, output channels such as Portolan's) is
 * copied to .cache/vscode-test/<mode>-server-logs/.
 * Exit status: 0 when every test passed; 1 on a failed or skipped test, a timeout or a start error.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CONTROL_DIR_ENV,
  RESULTS_FILE,
  SCREENSHOTS_ENV,
  waitForJsonFile,
  writeJsonAtomic,
  type ScreenshotDone,
  type ScreenshotRequest,
  type SuiteResults,
} from './protocol';
import { report } from './report';
import { ROOT, copyExampleWorkspace, die } from './workspace';

interface ToolPaths {
  codeServerDir: string;
  marker: string;
  serverMain: string;
  chromium: string;
}
// The same module setup.js uses, so both agree on where code-server and Chromium are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { paths, CODE_SERVER_VERSION } = require(path.join(ROOT, 'scripts', 'vscode-offline', 'paths.js')) as {
  paths: (root: string) => ToolPaths;
  CODE_SERVER_VERSION: string;
};

const START_TIMEOUT_MS = 120_000;
const SHOT_NAME = /^[a-z0-9-]+$/;

interface Options {
  vsix?: string;
  timeoutMs: number;
  keep: boolean;
  shotDir: string;
}

function parseOptions(argv: string[]): Options {
  const i = argv.indexOf('--vsix');
  const vsix = i >= 0 ? argv[i + 1] : undefined;
  if (i >= 0 && !vsix) die('launch-offline: --vsix needs a file');
  const timeoutS = Number(process.env.PORTOLAN_VSCODE_TIMEOUT_S ?? 600);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) die('launch-offline: PORTOLAN_VSCODE_TIMEOUT_S must be a positive number of seconds');
  return {
    vsix: vsix ? path.resolve(vsix) : undefined,
    timeoutMs: timeoutS * 1000,
    keep: process.env.PORTOLAN_VSCODE_KEEP === '1',
    shotDir: path.resolve(process.env.PORTOLAN_SCREENSHOT_DIR ?? path.join(ROOT, '.cache', 'vscode-test', 'screenshots')),
  };
}

/** Appends lines to the run's log file. */
class RunLog {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `# ${new Date().toISOString()} ${process.argv.slice(1).join(' ')}\n`);
  }
  write(source: string, text: string): void {
    const lines = text.replace(/\n$/, '').split('\n').map((l) => `[${source}] ${l}`);
    fs.appendFileSync(this.file, lines.join('\n') + '\n');
  }
  tail(n: number): string {
    return fs.readFileSync(this.file, 'utf8').split('\n').slice(-n - 1).join('\n');
  }
}

/**
 * Starts the VS Code server on a free loopback port (`--port 0`) and resolves with the port once
 * it prints "Extension host agent listening on <port>". Rejects when it exits first or after
 * START_TIMEOUT_MS. Started in its own process group so the whole tree can be stopped.
 */
function startServer(serverMain: string, args: string[], env: NodeJS.ProcessEnv, log: RunLog): { proc: ChildProcess; port: Promise<number>; exited: Promise<never> } {
  const proc = spawn(process.execPath, [serverMain, '--host', '127.0.0.1', '--port', '0', ...args], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<never>((_, reject) => {
    proc.once('exit', (code, signal) => reject(new Error(`the VS Code server exited early (code ${code}, signal ${signal})`)));
    proc.once('error', (e) => reject(new Error(`the VS Code server could not start: ${e.message}`)));
  });
  exited.catch(() => undefined); // observed by whoever races it
  const port = new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the VS Code server did not listen within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    proc.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log.write('server', text);
      seen = (seen + text).slice(-4096);
      const m = /Extension host agent listening on (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => log.write('server:err', chunk.toString()));
    exited.catch((e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return { proc, port, exited };
}

/** Stops the server's whole process group: SIGTERM, then SIGKILL if it is still there after 10 s. */
async function stopServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const group = -proc.pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), 10_000); });
  if ((await Promise.race([gone.then(() => 'gone' as const), late])) === 'late') {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  clearTimeout(timer);
  // Children (extension host, language server) share the group; make sure none outlives us.
  try {
    process.kill(group, 'SIGKILL');
  } catch {
    // none left
  }
}

/**
 * User settings for the test window (code-server keeps them on disk in <user-data-dir>/User):
 * no welcome page or walkthrough in the pictures, no marketplace queries (there is no internet).
 * Workspace trust stays on, as for a user: Portolan declares untrusted workspaces supported.
 */
function writeUserSettings(userData: string): void {
  const dir = path.join(userData, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/** The workbench URL: folder plus the payload that turns on extension development and tests. */
function workbenchUrl(port: number, folder: string, devPath: string, testsPath: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Answers the suite's screenshot requests: watches the control folder for `shot-<n>.request.json`,
 * waits for the requested element, saves `<name>.png` in `shotDir` and writes `shot-<n>.done.json`.
 */
function serveScreenshots(control: string, page: Page, shotDir: string, log: RunLog): fs.FSWatcher {
  const handled = new Set<string>();
  const take = async (id: string) => {
    let done: ScreenshotDone;
    try {
      const req = JSON.parse(fs.readFileSync(path.join(control, `${id}.request.json`), 'utf8')) as ScreenshotRequest;
      if (!SHOT_NAME.test(req.name)) throw new Error(`bad screenshot name ${JSON.stringify(req.name)}`);
      if (req.selector) {
        let target = page.locator(req.selector);
        for (const text of typeof req.text === 'string' ? [req.text] : req.text ?? []) target = target.filter({ hasText: text });
        await target.first().waitFor({ state: 'visible', timeout: req.timeoutMs ?? 30_000 });
      }
      fs.mkdirSync(shotDir, { recursive: true });
      const file = path.join(shotDir, `${req.name}.png`);
      await page.screenshot({ path: file });
      log.write('launcher', `screenshot ${req.name} -> ${file}`);
      if (req.click) {
        const targets = page.locator(req.click);
        const n = await targets.count();
        if (n === 0) throw new Error(`nothing to click: no element matches ${req.click}`);
        for (let i = 0; i < n; i++) await targets.nth(i).click();
        log.write('launcher', `clicked ${n} × ${req.click}`);
      }
      done = { file };
    } catch (e) {
      done = { error: (e as Error).message };
      log.write('launcher', `screenshot ${id} failed: ${(e as Error).message}`);
    }
    writeJsonAtomic(path.join(control, `${id}.done.json`), done);
  };
  const scan = () => {
    for (const f of fs.readdirSync(control)) {
      const m = /^(shot-\d+)\.request\.json$/.exec(f);
      if (m && !handled.has(m[1]!)) {
        handled.add(m[1]!);
        void take(m[1]!);
      }
    }
  };
  const watcher = fs.watch(control, () => scan());
  scan();
  return watcher;
}

/** Files under `dir` (recursively) whose path matches `re`; [] when `dir` does not exist. */
function findFiles(dir: string, re: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? findFiles(p, re) : re.test(p) ? [p] : [];
  });
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const mode = opts.vsix ? 'installed-vsix' : 'dev';
  const tools = paths(ROOT);
  const setupHint = 'Run `node scripts/vscode-offline/setup.js` (part of `npm test` and `npm run test:vscode`).';
  if (!fs.existsSync(tools.serverMain)) die(`launch-offline: code-server ${CODE_SERVER_VERSION} is not installed (${tools.serverMain} missing). ${setupHint}`);
  if (!fs.existsSync(tools.chromium)) die(`launch-offline: no browser at ${tools.chromium}. ${setupHint}`);
  if (opts.vsix && !fs.existsSync(opts.vsix)) die(`launch-offline: ${opts.vsix} does not exist; build it with npm run package`);
  const suiteDir = path.join(ROOT, 'out', 'test', 'vscode', opts.vsix ? 'installed' : 'suite');
  if (!fs.existsSync(path.join(suiteDir, 'index.js'))) die(`launch-offline: ${suiteDir}/index.js missing; run npm run build first`);

  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-vscode-'));
  const dirs = {
    userData: path.join(tmp, 'user-data'),
    serverData: path.join(tmp, 'server-data'),
    extensions: path.join(tmp, 'extensions'),
    control: path.join(tmp, 'control'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  writeUserSettings(dirs.userData);
  const folder = copyExampleWorkspace(tmp);
  const logDir = path.join(ROOT, '.cache', 'vscode-test');
  const log = new RunLog(path.join(logDir, `${mode}.log`));
  const serverArgs = [
    '--without-connection-token',
    '--accept-server-license-terms',
    '--user-data-dir', dirs.userData,
    '--server-data-dir', dirs.serverData,
    '--extensions-dir', dirs.extensions,
  ];
  process.stdout.write(`launch-offline: ${mode} run, workspace ${folder}, log ${path.relative(ROOT, log.file)}\n`);

  let browser: Browser | undefined;
  let server: ChildProcess | undefined;
  let watcher: fs.FSWatcher | undefined;
  let passed = false;
  try {
    if (opts.vsix) {
      const r = spawnSync(process.execPath, [tools.serverMain, ...serverArgs, '--install-extension', opts.vsix], { encoding: 'utf8' });
      log.write('install', `${r.stdout ?? ''}${r.stderr ?? ''}`);
      if (r.status !== 0 || !/successfully installed/i.test(r.stdout ?? '')) {
        throw new Error(`installing ${opts.vsix} into the VS Code server failed (status ${r.status}): ${r.stdout}${r.stderr}`);
      }
      process.stdout.write(`launch-offline: installed ${path.basename(opts.vsix)} into ${dirs.extensions}\n`);
    }
    const env = { ...process.env, [CONTROL_DIR_ENV]: dirs.control, [SCREENSHOTS_ENV]: '1' };
    const s = startServer(tools.serverMain, serverArgs, env, log);
    server = s.proc;
    const port = await s.port;

    browser = await chromium.launch({
      executablePath: tools.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => log.write(`browser:${m.type()}`, m.text()));
    page.on('pageerror', (e) => log.write('browser:pageerror', e.stack ?? e.message));
    const pageGone = new Promise<never>((_, reject) => {
      page.once('crash', () => reject(new Error('the browser page crashed')));
      page.once('close', () => reject(new Error('the browser page closed')));
    });
    pageGone.catch(() => undefined);
    watcher = serveScreenshots(dirs.control, page, opts.shotDir, log);

    const devPath = opts.vsix ? path.join(ROOT, 'test', 'vscode', 'installed') : ROOT;
    await page.goto(workbenchUrl(port, folder, devPath, path.join(suiteDir, 'index.js')), { timeout: START_TIMEOUT_MS });
    const remaining = opts.timeoutMs - (Date.now() - started);
    const results = await waitForJsonFile<SuiteResults>(
      dirs.control,
      RESULTS_FILE,
      remaining,
      'waiting for the in-editor suite\'s results',
      Promise.race([s.exited, pageGone]),
    );
    passed = report(results, `${mode}, VS Code ${results.vscodeVersion} in headless Chromium`, Math.round((Date.now() - started) / 1000));
    if (!passed) process.stdout.write(`launch-offline: the in-editor suite failed; log: ${log.file}\n`);
  } catch (e) {
    process.stderr.write(`\nlaunch-offline: ${(e as Error).message}\n`);
  } finally {
    watcher?.close();
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server);
    // remoteagent.log, exthost1/remoteexthost.log and the output channels (exthost1/output_logging_*/N-Portolan.log).
    const serverLogs = path.join(dirs.userData, 'logs');
    const keptLogs = path.join(logDir, `${mode}-server-logs`);
    fs.rmSync(keptLogs, { recursive: true, force: true });
    if (fs.existsSync(serverLogs)) fs.cpSync(serverLogs, keptLogs, { recursive: true });
    if (!passed) {
      process.stderr.write(`\n--- last lines of ${log.file} (server, extension host, browser console) ---\n${log.tail(60)}\n`);
      for (const f of findFiles(keptLogs, /-Portolan\.log$/)) {
        const tail = fs.readFileSync(f, 'utf8').split('\n').slice(-30).join('\n');
        process.stderr.write(`--- last lines of the Portolan output channel (${path.relative(ROOT, f)}) ---\n${tail}\n`);
      }
      process.stderr.write(`--- server and extension host logs: ${keptLogs} ---\n`);
    }
    if (opts.keep) process.stdout.write(`launch-offline: kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => die(`launch-offline: ${e.stack ?? e}`),
);
