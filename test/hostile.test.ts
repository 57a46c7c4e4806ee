/**
 * Hostile input through the CLI (the same host and engine the language server uses): each case
 * must finish without a crash, leave the other files' findings intact, and say why a file was
 * skipped or could not be read (a `--verbose` log line or a diagnostic). Built in a temporary
 * folder; nothing under test/corpus is touched.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../server/src/cli/main';
import { loadWorkspace, WorkspaceIndex } from '../server/src/core/index/workspace';
import { nodeHost } from '../server/src/node/host';
import { ROOT } from './helpers';

interface Run {
  code: number;
  out: string;
  err: string;
  rows: { file: string; line: number; column: number; rule: string; message: string }[];
}

async function check(dir: string): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(['check', dir, '--format', 'json', '--verbose'], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err, rows: (JSON.parse(out) as { diagnostics: Run['rows'] }).diagnostics };
}

/**
 * A compose file publishing 8080 and an nginx site listening on 8080: a conflict that must
 * survive every hostile neighbour. The site proxies to the project's 9417, which puts the
 * project on the workspace's host (a deployment tie, see index/deployments.ts).
 */
function baseline(dir: string): void {
  fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'nginx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'app', 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n      - "127.0.0.1:9417:9417"\n');
  fs.writeFileSync(path.join(dir, 'nginx', 'site.conf'), 'server {\n    listen 8080;\n    location / {\n        proxy_pass http://127.0.0.1:9417;\n    }\n}\n');
}

function conflictSurvives(r: Run): void {
  const c = r.rows.filter((x) => x.rule === 'port-conflict' && x.message.startsWith('8080/')).map((x) => x.file).sort();
  assert.deepEqual(c, ['app/docker-compose.yml', 'nginx/site.conf'], `the baseline conflict must still be reported; got ${JSON.stringify(r.rows)}`);
}

/** node_modules/<name> of every package the CLI needs at run time: package.json `dependencies`, transitively. */
function runtimeModules(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const d of Object.keys(pkg.dependencies ?? {})) if (fs.existsSync(path.join(ROOT, 'node_modules', d))) visit(d);
  };
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const d of Object.keys(root.dependencies)) visit(d);
  return [...seen].map((n) => path.join('node_modules', n));
}

describe('hostile input', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-hostile-')));
    baseline(dir);
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a 20 MB file is skipped with its size, unread', async () => {
    fs.writeFileSync(path.join(dir, 'nginx', 'huge.conf'), Buffer.alloc(20 * 1024 * 1024, 'listen 9999;\n'));
    const r = await check(dir);
    conflictSurvives(r);
    assert.match(r.err, /skipped .*nginx\/huge\.conf: larger than 2 MiB \(20971520 bytes\)/);
    assert.ok(!r.rows.some((x) => x.file.includes('huge')));
  });

  it('a binary file named *.conf is skipped as binary', async () => {
    fs.writeFileSync(path.join(dir, 'nginx', 'blob.conf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0x6c, 0x69, 0x73, 0x74, 0x65, 0x6e, 0x20, 0x38, 0x30, 0x3b]));
    const r = await check(dir);
    conflictSurvives(r);
    assert.match(r.err, /skipped .*nginx\/blob\.conf: binary content \(NUL bytes\)/);
  });

  it('a YAML alias bomb is read without expanding it', async () => {
    const lines = ['x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (let i = 1; i <= 12; i++) lines.push(`x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('services:', '  api:', '    image: api:1', '    ports:', '      - "9000:9000"');
    fs.mkdirSync(path.join(dir, 'bomb'));
    fs.writeFileSync(path.join(dir, 'bomb', 'docker-compose.yml'), lines.join('\n') + '\n');
    const r = await check(dir);
    conflictSurvives(r);
    const idx = new WorkspaceIndex({ roots: [{ path: dir, name: 'h' }] });
    await loadWorkspace(idx, nodeHost(), [{ path: dir, name: 'h' }]);
    const facts = idx.snapshot().facts.filter((f) => f.location.file.endsWith('bomb/docker-compose.yml'));
    assert.ok(facts.some((f) => f.kind === 'bind' && f.ports.start === 9000), 'the bomb file\'s own port is still read');
  });

  it('10,000-deep nesting in nginx, YAML and JSON gives a parse error naming the nesting, and spares the other files', async () => {
    fs.writeFileSync(path.join(dir, 'nginx', 'deep.conf'), 'http {'.repeat(10000) + '}'.repeat(10000) + '\n');
    fs.mkdirSync(path.join(dir, 'deep'));
    fs.writeFileSync(path.join(dir, 'deep', 'compose.yaml'), `services:\n  a:\n    x: ${'['.repeat(10000)}${']'.repeat(10000)}\n`);
    fs.mkdirSync(path.join(dir, 'mm'));
    fs.writeFileSync(path.join(dir, 'mm', 'config.json'), `{"ServiceSettings": {"ListenAddress": ":8065"}, "SqlSettings": ${'['.repeat(10000)}${']'.repeat(10000)}}`);
    const r = await check(dir);
    conflictSurvives(r);
    const errors = (file: string) => r.rows.filter((x) => x.file === file && x.rule === 'parse-error');
    assert.match(errors('nginx/deep.conf')[0]?.message ?? '', /nested too deeply/);
    assert.match(errors('deep/compose.yaml')[0]?.message ?? '', /nested too deeply/);
    assert.match(errors('mm/config.json')[0]?.message ?? '', /nested too deeply/);
  });

  it('a symbolic link loop and a dangling link are not followed, and the log says so', async () => {
    fs.mkdirSync(path.join(dir, 'loop'));
    fs.symlinkSync('..', path.join(dir, 'loop', 'up'));
    fs.symlinkSync('self.conf', path.join(dir, 'nginx', 'self.conf'));
    fs.symlinkSync('/nonexistent/portolan.conf', path.join(dir, 'nginx', 'dangling.conf'));
    const r = await check(dir);
    conflictSurvives(r);
    assert.match(r.err, /skipped .*loop\/up: symbolic link to \.\. not followed/);
    assert.match(r.err, /skipped .*nginx\/self\.conf: symbolic link to self\.conf not followed/);
    assert.match(r.err, /skipped .*nginx\/dangling\.conf: symbolic link to \/nonexistent\/portolan\.conf not followed/);
  });

  it('an unreadable file is skipped with the reason', async function () {
    const file = path.join(dir, 'nginx', 'secret.conf');
    fs.writeFileSync(file, 'server { listen 8443; }\n');
    fs.chmodSync(file, 0o000);
    if (process.getuid?.() !== 0) {
      const r = await check(dir);
      conflictSurvives(r);
      assert.match(r.err, /skipped .*nginx\/secret\.conf: unreadable: EACCES/);
      return;
    }
    // root reads everything: run the CLI as nobody instead (setpriv is in Debian's util-linux).
    for (const p of [dir, path.join(dir, 'app'), path.join(dir, 'nginx')]) fs.chmodSync(p, 0o755);
    for (const f of ['app/docker-compose.yml', 'nginx/site.conf']) fs.chmodSync(path.join(dir, f), 0o644);
    // nobody may not reach this checkout (a private temporary clone): run a world-readable copy of the CLI.
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-cli-'));
    fs.chmodSync(app, 0o755);
    // Only the runtime dependencies: copying all of node_modules (250 MB) took over a minute on a loaded machine.
    for (const part of ['bin', 'package.json', path.join('out', 'server'), ...runtimeModules()]) {
      fs.cpSync(path.join(ROOT, part), path.join(app, part), { recursive: true });
    }
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, path.join(app, 'bin', 'portolan.js'), 'check', dir, '--verbose', '--format', 'json'], { encoding: 'utf8' });
    fs.rmSync(app, { recursive: true, force: true });
    if (r.error || /setpriv: /.test(r.stderr)) {
      process.stdout.write(`      skipped: cannot drop root to make a file unreadable: ${r.error?.message ?? r.stderr.trim()}\n`);
      this.skip();
    }
    assert.match(r.stderr, /skipped .*nginx\/secret\.conf: unreadable: EACCES/);
    conflictSurvives({ code: r.status ?? -1, out: r.stdout, err: r.stderr, rows: (JSON.parse(r.stdout) as { diagnostics: Run['rows'] }).diagnostics });
  });

  it('a file deleted between listing and reading is skipped as gone', async () => {
    const victim = path.join(dir, 'nginx', 'victim.conf');
    fs.writeFileSync(victim, 'server { listen 8081; }\n');
    const base = nodeHost();
    const logs: string[] = [];
    const idx = new WorkspaceIndex({ roots: [{ path: dir, name: 'h' }] });
    await loadWorkspace(idx, {
      listFiles: async (root) => {
        const files = await base.listFiles(root);
        fs.rmSync(victim);
        return files;
      },
      readFile: (p, r) => base.readFile(p, r),
    }, [{ path: dir, name: 'h' }], (m) => logs.push(m));
    assert.ok(logs.some((l) => /victim\.conf: gone: deleted after it was listed \(ENOENT\)/.test(l)), logs.join('\n'));
    assert.ok(idx.snapshot().facts.some((f) => f.location.file.endsWith('nginx/site.conf')));
  });

  it('invalid UTF-8 is read with U+FFFD and logged; CRLF and BOM files keep exact columns', async () => {
    fs.writeFileSync(path.join(dir, 'nginx', 'latin1.conf'), Buffer.from('server {\n    server_name caf\xe9.example;\n    listen 8082;\n    location / {\n        proxy_pass http://127.0.0.1:8083;\n    }\n}\n', 'latin1'));
    fs.mkdirSync(path.join(dir, 'win'));
    fs.writeFileSync(path.join(dir, 'win', 'docker-compose.yml'), '\ufeffservices:\r\n  api:\r\n    image: api:1\r\n    ports:\r\n      - "8082:80"\r\n      - "127.0.0.1:8083:8083"\r\n');
    // The site proxies to win's 8083, so win's project is on the workspace's host (deployments.ts).
    const r = await check(dir);
    conflictSurvives(r);
    assert.match(r.err, /read .*nginx\/latin1\.conf: not valid UTF-8; invalid bytes read as U\+FFFD/);
    const c = r.rows.filter((x) => x.rule === 'port-conflict' && x.message.startsWith('8082'));
    assert.deepEqual(c.map((x) => `${x.file}:${x.line}:${x.column}`).sort(), ['nginx/latin1.conf:3:12', 'win/docker-compose.yml:5:10']);
  });
});
