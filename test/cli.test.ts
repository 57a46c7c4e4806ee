/**
 * The CLI in-process (same code path as bin/portolan.js) on the example and on temporary
 * folders: output formats, exit codes, bad usage.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli, tmpWorkspace } from './helpers';


describe('portolan CLI', () => {
  const example = path.join(ROOT, 'examples', 'prochat-host');

  it('check --format json prints the documented shape and exits 1 on errors', async () => {
    const r = await runCli(['check', example, '--format', 'json']);
    assert.equal(r.code, 1);
    const parsed = JSON.parse(r.out) as { diagnostics: Record<string, unknown>[] };
    assert.ok(parsed.diagnostics.length > 0);
    for (const d of parsed.diagnostics) {
      assert.deepEqual(Object.keys(d).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
      assert.ok(!String(d.file).startsWith('/') && !String(d.file).includes('\\'));
    }
    const conflict = parsed.diagnostics.find((d) => d.rule === 'port-conflict' && d.file === 'etc/rtcd/config.toml');
    assert.ok(conflict, 'port conflict reported on rtcd config');
    const line = fs.readFileSync(path.join(example, 'etc/rtcd/config.toml'), 'utf8').split('\n')[(conflict.line as number) - 1]!;
    assert.equal(line.slice((conflict.column as number) - 1, (conflict.endColumn as number) - 1), '8444');
  });

  it('check exits 0 and says so on a clean workspace', async () => {
    const dir = tmpWorkspace({ 'nginx/sites-enabled/site': 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8065; }\n}\n', 'mattermost/config.json': '{"ServiceSettings":{"ListenAddress":":8065"},"SqlSettings":{}}' });
    const r = await runCli(['check', dir]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /no problems in 2 files/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('check exits 0 when only warnings are reported', async () => {
    const dir = tmpWorkspace({ 'nginx/sites-enabled/site': 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:9999; }\n}\n' });
    const r = await runCli(['check', dir]);
    assert.equal(r.code, 0);
    assert.match(r.out, /warning unresolved-reference/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ports prints table, json and markdown', async () => {
    const table = await runCli(['ports', example]);
    assert.equal(table.code, 0);
    assert.match(table.out.split('\n')[0]!, /^HOST\s+PORT\s+PROTO\s+KIND\s+OWNER/);
    assert.match(table.out, /8444\s+tcp\s+bind\s+rtcd/);
    const json = JSON.parse((await runCli(['ports', example, '--format', 'json'])).out) as { ports: { port: string; owner: string }[] };
    assert.ok(json.ports.some((p) => p.port === '8046' && p.owner === 'rtcd'));
    const md = (await runCli(['ports', example, '--format', 'markdown'])).out;
    assert.match(md, /^<!-- portolan:reference [^\n]*-->\n# Port reference: prochat-host\n/);
    assert.match(md, /^\| Service \| Port \| Protocol \| Address \| Purpose \| Source \|$/m);
    assert.match(md, /^\| rtcd \| 8444 \| tcp \| \* \| rtcd's API \| etc\/rtcd\/config\.toml:\d+ \|$/m);
    assert.match(md, /^- error `port-conflict` at etc\/rtcd\/config\.toml:\d+: /m);
  });

  it('--host-map puts files on named hosts', async () => {
    const dir = tmpWorkspace({
      // opt/<app>/ mirrors a machine's /opt: one host unless the host map splits it.
      'opt/a/docker-compose.yml': 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n',
      'opt/b/docker-compose.yml': 'services:\n  app:\n    image: httpd\n    ports:\n      - "8080:80"\n',
    });
    const same = await runCli(['check', dir, '--format', 'json']);
    assert.ok((JSON.parse(same.out) as { diagnostics: { rule: string }[] }).diagnostics.some((d) => d.rule === 'port-conflict'), 'one host: conflict');
    const split = await runCli(['check', dir, '--format', 'json', '--host-map', 'opt/a/**=alpha', '--host-map', 'opt/b/**=beta']);
    assert.equal(split.code, 0);
    assert.deepEqual((JSON.parse(split.out) as { diagnostics: unknown[] }).diagnostics, []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bad usage exits 2 with a message', async () => {
    for (const args of [[], ['frobnicate'], ['check', '--format', 'xml'], ['check', '/no/such/dir'], ['check', '.', '--host-map', 'nohost'], ['check', '--bogus']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `args ${args.join(' ')}`);
      assert.match(r.err, /portolan: .*\nUsage:/);
    }
  });

  it('bin/portolan.js runs as a plain node script', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'portolan.js'), 'check', example], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error port-conflict/);
    const help = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'portolan.js'), '--help'], { encoding: 'utf8' });
    assert.match(help, /portolan check/);
  });

  it('stops quietly when the reader closes the pipe early (portolan ports | head)', async () => {
    const ports = Array.from({ length: 3000 }, (_, i) => `      - "${20000 + i}:80"`).join('\n');
    const dir = tmpWorkspace({ 'docker-compose.yml': `services:\n  web:\n    image: httpd\n    ports:\n${ports}\n` });
    try {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan.js'), 'ports', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stderr, '', 'no EPIPE stack');
      assert.equal(code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
