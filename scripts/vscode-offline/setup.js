#!/usr/bin/env node
// Installs what the offline VS Code test launcher needs, without internet access beyond the npm
// registry and Debian's package archive (see ../shared/vscode-offline.md):
//   1. Debian packages: chromium (the browser Playwright drives), and, for building code-server's
//      native modules, libkrb5-dev and ripgrep. Installed with apt-get only when missing; needs root.
//   2. code-server (which bundles the VS Code server) into <repo>/.cache/code-server, with the
//      @vscode/ripgrep download cache pre-seeded from /usr/bin/rg so its postinstall never downloads.
// Idempotent: a marker file records the installed version; a second run checks it and returns in
// well under a second. Exits 1 with a message saying what to do when something cannot be installed.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { CODE_SERVER_VERSION, RIPGREP_PACKAGE_VERSION, RIPGREP_TAG, paths } = require('./paths');

const ROOT = path.resolve(__dirname, '..', '..');
const P = paths(ROOT);

function fail(message) {
  process.stderr.write(`\nvscode-offline setup: ${message}\n`);
  process.exit(1);
}

function log(message) {
  process.stdout.write(`vscode-offline setup: ${message}\n`);
}

/** Runs a command with inherited output; returns its exit status (null when it could not start). */
function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) return { status: null, error: r.error };
  return { status: r.status, error: undefined };
}

/** True when dpkg reports the package as installed. */
function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function codeServerReady() {
  try {
    return fs.readFileSync(P.marker, 'utf8').trim() === CODE_SERVER_VERSION && fs.existsSync(P.serverMain);
  } catch {
    return false;
  }
}

function ensureDebianPackages(needBuildDeps) {
  const wanted = [];
  if (!fs.existsSync(P.chromium)) wanted.push('chromium');
  if (needBuildDeps) {
    for (const pkg of ['libkrb5-dev', 'ripgrep']) if (!debInstalled(pkg)) wanted.push(pkg);
  }
  if (wanted.length === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    fail(
      `missing Debian packages: ${wanted.join(' ')}. Installing them needs root. Run:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${wanted.join(' ')}\n` +
        'then run the test command again.',
    );
  }
  if (!fs.existsSync('/usr/bin/apt-get')) {
    fail(`missing ${wanted.join(' ')} and no apt-get on this machine (the offline launcher expects Debian or Ubuntu).`);
  }
  log(`installing Debian packages: ${wanted.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = run('apt-get', ['update', '-q'], { env });
  if (update.status !== 0) fail(`apt-get update failed (status ${update.status}); is Debian's package archive reachable?`);
  const install = run('apt-get', ['install', '-y', '-q', ...wanted], { env });
  if (install.status !== 0) fail(`apt-get install ${wanted.join(' ')} failed (status ${install.status}).`);
  if (!fs.existsSync(P.chromium)) fail(`chromium was installed but ${P.chromium} does not exist.`);
}

/**
 * @vscode/ripgrep's postinstall looks for `<os.tmpdir()>/vscode-ripgrep-cache-<its version>/<asset>`
 * before downloading from GitHub. The asset is a gzipped tar holding the single file `rg`.
 */
function seedRipgrepCache(tmpDir) {
  const rg = '/usr/bin/rg';
  if (!fs.existsSync(rg)) fail(`${rg} is missing (Debian package ripgrep); code-server's install needs it.`);
  const triple = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!triple) fail(`unsupported CPU architecture ${process.arch} for the ripgrep cache.`);
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const asset = path.join(cacheDir, `ripgrep-${RIPGREP_TAG}-${triple}.tar.gz`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(tmpDir, 'rg-stage-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  const tar = run('tar', ['-czf', asset, '-C', stage, 'rg']);
  fs.rmSync(stage, { recursive: true, force: true });
  if (tar.status !== 0) fail(`could not create the ripgrep cache archive ${asset}.`);
}

function installCodeServer() {
  log(`installing code-server@${CODE_SERVER_VERSION} into ${path.relative(ROOT, P.codeServerDir)} (about a minute)`);
  fs.rmSync(P.codeServerDir, { recursive: true, force: true });
  fs.mkdirSync(P.codeServerDir, { recursive: true });
  fs.writeFileSync(
    path.join(P.codeServerDir, 'package.json'),
    JSON.stringify({ name: 'portolan-code-server-cache', private: true }, null, 2) + '\n',
  );
  const tmpDir = path.join(P.codeServerDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);
  const logFile = path.join(P.codeServerDir, 'install.log');
  const out = fs.openSync(logFile, 'w');
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
    npm_config_yes: 'true', // a nested postinstall runs `npx node-gyp`
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const started = Date.now();
  const r = spawnSync('npm', ['install', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: P.codeServerDir,
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (r.error || r.status !== 0 || !fs.existsSync(P.serverMain)) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    fail(
      `npm install code-server@${CODE_SERVER_VERSION} failed (status ${r.status ?? r.error}).\n` +
        `Last lines of ${logFile}:\n${tail}`,
    );
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.writeFileSync(P.marker, CODE_SERVER_VERSION + '\n');
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

function main() {
  const haveCodeServer = codeServerReady();
  ensureDebianPackages(!haveCodeServer);
  if (haveCodeServer) log(`code-server ${CODE_SERVER_VERSION} already installed; chromium at ${P.chromium}`);
  else installCodeServer();
}

main();
