/**
 * Portolan in Neovim: a headless `nvim` (Debian's 0.7.2, installed by scripts/install-oracles.sh)
 * whose only configuration is the README's Neovim snippet, verbatim (with the repository's path),
 * started in a copy of examples/prochat-host. test/neovim/driver.lua checks diagnostics on a file
 * never opened, hover, a quick fix applied, a rename across files and a file created on disk
 * noticed (Neovim 0.7 registers no file watchers: the server's own watcher), and writes JSON that
 * this test asserts. No user configuration: `-u <snippet> --noplugin -i NONE`, XDG folders in a
 * temporary folder. Fails when nvim is missing.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, withTimeout } from './helpers';

/** The README's Lua block for Neovim 0.7 and later, with `/path/to/portolan` replaced by `root`. */
export function readmeSnippet(root: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```lua\n([^]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('vim.lsp.start_client'));
  assert.ok(block, 'README has a Lua snippet with vim.lsp.start_client');
  assert.ok(block.includes('/path/to/portolan/'), 'the snippet names the server by /path/to/portolan/');
  return block.split('/path/to/portolan/').join(`${root}/`);
}

interface NvimResults {
  nvim: string;
  error?: string;
  filetype?: string;
  never_opened?: { codes: string[]; loaded: boolean };
  quickfix?: { title: string; text: string };
  hover?: string;
  rename?: { toml: string; site: string };
  created?: { codes: string[] };
  logs: string[];
}

describe('Neovim (headless) with the README snippet', function () {
  this.timeout(120000);
  let base: string;

  before(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-nvim-')));
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('shows diagnostics of a file never opened, hovers, applies a quick fix, renames across files and notices a file created on disk', async () => {
    const ws = path.join(base, 'prochat-host');
    fs.cpSync(path.join(ROOT, 'examples', 'prochat-host'), ws, { recursive: true });
    const init = path.join(base, 'init.lua');
    fs.writeFileSync(init, readmeSnippet(ROOT));
    const out = path.join(base, 'results.json');
    const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE', 'RUNTIME'].map((k) => [`XDG_${k}_HOME`, path.join(base, 'xdg', k.toLowerCase())]));
    for (const d of Object.values(xdg)) fs.mkdirSync(d, { recursive: true });
    const env = { ...process.env, ...xdg, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`, PORTOLAN_NVIM_OUT: out };
    const child = spawn('nvim', ['--headless', '-u', init, '--noplugin', '-i', 'NONE', '-c', `luafile ${path.join(ROOT, 'test', 'neovim', 'driver.lua')}`], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => void (stderr += b.toString()));
    const code = await withTimeout(new Promise<number | null>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`nvim could not be started (${e.message}); install it: sudo bash scripts/install-oracles.sh`)));
      child.once('exit', (c) => resolve(c));
    }), 'nvim to finish', 100000).finally(() => child.exitCode === null && child.kill());
    assert.equal(code, 0, stderr);
    const r = JSON.parse(fs.readFileSync(out, 'utf8')) as NvimResults;
    assert.equal(r.error, undefined, `${r.error}\n${stderr}`);
    assert.match(r.nvim, /^0\.\d+\.\d+$/);
    assert.equal(r.filetype, 'systemd');
    assert.ok(r.never_opened!.codes.includes('rtcd-mismatch'), JSON.stringify(r.never_opened));
    assert.equal(r.never_opened!.loaded, false, 'config.json was never loaded into a buffer');
    assert.equal(r.quickfix!.title, 'Rename to RTCD_API_SECURITY_ALLOWSELFREGISTRATION');
    const unit = fs.readFileSync(path.join(ws, 'etc/systemd/system/rtcd.service'), 'utf8').replace(/\n$/, '');
    assert.equal(r.quickfix!.text, unit.replace('Environment=API_', 'Environment=RTCD_API_'));
    assert.match(r.hover!, /8444\/tcp/);
    // Neovim names the workspace folder by its path: the host is still the folder's name.
    assert.match(r.hover!, /host "prochat-host"/);
    assert.doesNotMatch(r.hover!, /host "\//);
    assert.ok(r.logs.includes('[portolan] file watching: server (chokidar)'), JSON.stringify(r.logs));
    assert.match(r.rename!.toml, /:8045/);
    assert.doesNotMatch(r.rename!.toml, /:8444/);
    assert.match(r.rename!.site, /proxy_pass http:\/\/127\.0\.0\.1:8045;/);
    assert.ok(r.created!.codes.includes('invalid-port'), JSON.stringify(r.created));
  });
});
