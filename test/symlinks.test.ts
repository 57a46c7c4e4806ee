/**
 * The file system rule (issue 12): nothing is read through a symbolic link or from outside the
 * workspace folders, whatever triggers the read (initial load, watched-file events, didClose).
 * Built in temporary folders; a "secret" outside the workspace must never reach the index.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../server/src/cli/main';
import { nodeHost } from '../server/src/node/host';
import { ROOT } from './helpers';
import { startSession, type TestSession } from './lsp/session';

const SECRET_CONF = 'server {\n  listen 31337;\n}\n';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('no reads through symbolic links or outside the workspace', function () {
  this.timeout(30000);
  let base: string;
  let ws: string;
  let outside: string;

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-links-')));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(ws, 'nginx'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.conf'), SECRET_CONF);
    fs.writeFileSync(path.join(ws, 'nginx', 'site.conf'), 'server {\n  listen 8080;\n}\n');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('the host reads a plain file, also when the folder itself is reached through a link', async () => {
    const host = nodeHost();
    assert.deepEqual(await host.readFile(path.join(ws, 'nginx', 'site.conf'), ws), { text: 'server {\n  listen 8080;\n}\n' });
    fs.symlinkSync(ws, path.join(base, 'ws-link'));
    const viaLink = path.join(base, 'ws-link');
    assert.ok('text' in (await host.readFile(path.join(viaLink, 'nginx', 'site.conf'), viaLink)));
  });

  it('the host refuses a linked file, a file below a linked folder and a path outside the folder', async () => {
    const host = nodeHost();
    fs.symlinkSync(path.join(outside, 'secret.conf'), path.join(ws, 'nginx', 'linked.conf'));
    fs.symlinkSync(outside, path.join(ws, 'conf.d'));
    const file = await host.readFile(path.join(ws, 'nginx', 'linked.conf'), ws);
    assert.match('skipped' in file ? file.skipped : 'read', /^symbolic link not followed \(nginx\/linked\.conf resolves to .*outside\/secret\.conf\)$/);
    const below = await host.readFile(path.join(ws, 'conf.d', 'secret.conf'), ws);
    assert.match('skipped' in below ? below.skipped : 'read', /^symbolic link not followed \(conf\.d\/secret\.conf resolves to /);
    const out = await host.readFile(path.join(outside, 'secret.conf'), ws);
    assert.match('skipped' in out ? out.skipped : 'read', /^outside the workspace folder /);
    const dotdot = await host.readFile(`${ws}/../outside/secret.conf`, ws);
    assert.ok('skipped' in dotdot, 'a ../ path is not the file it names under the folder');
  });

  it("the CLI's blocking reads give the server's answers, file by file", async () => {
    const files: Record<string, string | Buffer> = {
      'plain.conf': 'server {\n  listen 8080;\n}\n',
      'bom.env': '\ufeffPORT=1',
      'latin1.env': Buffer.from([0x50, 0x3d, 0xe9, 0x0a]),
      'blob.bin': Buffer.from([0x50, 0x00, 0x31]),
      'big.conf': Buffer.alloc(2 * 1024 * 1024 + 1, 0x20),
      'empty.conf': '',
    };
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(ws, name), body);
    fs.symlinkSync(path.join(outside, 'secret.conf'), path.join(ws, 'linked.conf'));
    fs.mkdirSync(path.join(ws, 'folder.conf'));
    const names = [...Object.keys(files), 'linked.conf', 'folder.conf', 'missing.conf', '../outside/secret.conf'];
    const blocking = nodeHost([], 'sync');
    const async = nodeHost();
    for (const name of names) {
      const p = `${ws}/${name}`;
      assert.deepEqual(await blocking.readFile(p, ws), await async.readFile(p, ws), name);
    }
    assert.deepEqual(await blocking.readFile(`${ws}/bom.env`, ws), { text: 'PORT=1' });
    assert.match(JSON.stringify(await blocking.readFile(`${ws}/big.conf`, ws)), /larger than 2 MiB/);
    assert.match(JSON.stringify(await blocking.readFile(`${ws}/latin1.env`, ws)), /not valid UTF-8/);
  });

  describe('over LSP', () => {
    let s: TestSession;
    const secretSeen = () => s.server.snapshot().facts.some((f) => f.ports.start === 31337);
    beforeEach(async () => {
      s = await startSession({ folders: [{ path: ws, name: 'ws' }], host: nodeHost() });
      await s.until(() => s.server.snapshot().facts.some((f) => f.ports.start === 8080), 'the site indexed');
    });
    afterEach(async () => s.close());

    it('a watched-file Created event for a link, or for a file under a linked folder, reads nothing', async () => {
      fs.symlinkSync(path.join(outside, 'secret.conf'), path.join(ws, 'nginx', 'linked.conf'));
      fs.symlinkSync(outside, path.join(ws, 'conf.d'));
      // A real file created in the same event shows when the server has handled it.
      fs.writeFileSync(path.join(ws, 'nginx', 'marker.conf'), 'server {\n  listen 8081;\n}\n');
      const changes = ['nginx/linked.conf', 'conf.d/secret.conf', 'nginx/marker.conf'].map((rel) => ({ uri: pathToFileURL(path.join(ws, rel)).href, type: 1 }));
      void s.client.sendNotification('workspace/didChangeWatchedFiles', { changes });
      await s.until(() => s.server.snapshot().facts.some((f) => f.ports.start === 8081), 'the marker indexed');
      assert.equal(secretSeen(), false);
      assert.ok(s.logs.some((l) => /not read .*nginx\/linked\.conf: symbolic link not followed/.test(l.message)), JSON.stringify(s.logs));
      assert.ok(s.logs.some((l) => /not read .*conf\.d\/secret\.conf: symbolic link not followed/.test(l.message)), JSON.stringify(s.logs));
    });

    it('a didOpen and didClose of a file outside the workspace index nothing and read nothing from disk', async () => {
      const uri = pathToFileURL(path.join(outside, 'secret.conf')).href;
      void s.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: 'server {\n  listen 8082;\n}\n' } });
      void s.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
      // A workspace file opened after them shows when both were handled.
      const marker = pathToFileURL(path.join(ws, 'nginx', 'marker.conf')).href;
      void s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: marker, languageId: 'nginx', version: 1, text: 'server {\n  listen 8083;\n}\n' } });
      await s.until(() => s.server.snapshot().facts.some((f) => f.ports.start === 8083), 'the marker indexed');
      await s.until(() => s.logs.some((l) => /not read .*outside\/secret\.conf: outside the workspace folders/.test(l.message)), 'the didClose handled');
      assert.equal(s.server.snapshot().facts.some((f) => f.ports.start === 8082), false);
      assert.equal(secretSeen(), false);
      assert.ok(s.logs.some((l) => /not indexed .*outside\/secret\.conf: outside the workspace folders/.test(l.message)), JSON.stringify(s.logs));
    });
  });

  describe('CLI writes', () => {
    it('ports --write refuses a link, a dangling link and a file outside the folder, and writes a plain file', async () => {
      const target = path.join(outside, 'PORTS.md');
      fs.writeFileSync(target, 'mine\n');
      fs.symlinkSync(target, path.join(ws, 'PORTS.md'));
      fs.symlinkSync(path.join(outside, 'created.md'), path.join(ws, 'DANGLING.md'));
      const linked = await cli('ports', ws, '--format', 'markdown', '--write', path.join(ws, 'PORTS.md'));
      assert.equal(linked.code, 1);
      assert.match(linked.err, /refused: PORTS\.md is a symbolic link; Portolan never writes through one; nothing was written/);
      assert.equal((await cli('ports', ws, '--format', 'markdown', '--write', path.join(ws, 'DANGLING.md'))).code, 1);
      assert.equal((await cli('ports', ws, '--format', 'markdown', '--write', path.join(outside, 'OUT.md'))).code, 1);
      fs.symlinkSync(outside, path.join(ws, 'docs'));
      assert.match((await cli('ports', ws, '--format', 'markdown', '--write', path.join(ws, 'docs', 'P.md'))).err, /in a folder reached through a symbolic link/);
      assert.equal(fs.readFileSync(target, 'utf8'), 'mine\n');
      assert.deepEqual(fs.readdirSync(outside).sort(), ['PORTS.md', 'secret.conf']);
      const plain = await cli('ports', ws, '--format', 'markdown', '--write', path.join(ws, 'REAL.md'));
      assert.equal(plain.code, 0, plain.err);
      assert.match(fs.readFileSync(path.join(ws, 'REAL.md'), 'utf8'), /8080/);
    });

    it('renumber-rtcd refuses while a config it cannot read is a link, and renumbers once it is a plain file', async () => {
      const host = path.join(base, 'host');
      fs.cpSync(path.join(ROOT, 'examples', 'prochat-host'), host, { recursive: true });
      const site = path.join(host, 'etc/nginx/sites-enabled/rtcd');
      const away = path.join(outside, 'rtcd-site');
      fs.renameSync(site, away);
      fs.symlinkSync(away, site);
      const siteText = fs.readFileSync(away, 'utf8');
      const rtcd = fs.readFileSync(path.join(host, 'etc/rtcd/config.toml'), 'utf8');
      const r = await cli('renumber-rtcd', host, '--api', '8045', '--media', '8047');
      assert.equal(r.code, 1, r.out);
      assert.match(r.err, /refused: files Portolan does not read may mention rtcd's ports[^]*etc\/nginx\/sites-enabled\/rtcd: symbolic link to .*rtcd-site not followed[^]*no file was changed/);
      assert.equal(fs.readFileSync(away, 'utf8'), siteText);
      assert.equal(fs.readFileSync(path.join(host, 'etc/rtcd/config.toml'), 'utf8'), rtcd);
      // Near miss: the same site as a plain file is renumbered with the rest.
      fs.rmSync(site);
      fs.copyFileSync(away, site);
      const ok = await cli('renumber-rtcd', host, '--api', '8045', '--media', '8047');
      assert.equal(ok.code, 0, ok.err);
      assert.match(fs.readFileSync(site, 'utf8'), /8045/);
      assert.equal(fs.readFileSync(away, 'utf8'), siteText);
    });

    it('renumber-rtcd refuses while a file with a mention cannot be written, and renumbers once it can', async function () {
      const host = path.join(base, 'host');
      fs.cpSync(path.join(ROOT, 'examples', 'prochat-host'), host, { recursive: true });
      const site = path.join(host, 'etc/nginx/sites-enabled/rtcd');
      const siteText = fs.readFileSync(site, 'utf8');
      const config = path.join(host, 'etc/rtcd/config.toml');
      const rtcd = fs.readFileSync(config, 'utf8');
      // Root writes through permissions: an immutable file (chattr +i) is what it cannot write.
      const root = process.getuid?.() === 0;
      const lock = (on: boolean) => (root ? execFileSync('chattr', [on ? '+i' : '-i', site], { stdio: 'pipe' }) : fs.chmodSync(site, on ? 0o444 : 0o644));
      try {
        lock(true);
      } catch (e) {
        this.skip(); // a file system without immutable files (tmpfs before Linux 6.0): nothing to test with as root
        throw e;
      }
      try {
        const r = await cli('renumber-rtcd', host, '--api', '8045', '--media', '8047');
        assert.equal(r.code, 1, r.out);
        assert.match(r.err, /refused: etc\/nginx\/sites-enabled\/rtcd cannot be written \((EACCES|EPERM)\), so its mention would keep the old port; no file was changed/);
        assert.equal(r.out, '');
        assert.equal(fs.readFileSync(config, 'utf8'), rtcd);
      } finally {
        lock(false);
      }
      // Near miss: the same file, writable again, is renumbered with the rest.
      const ok = await cli('renumber-rtcd', host, '--api', '8045', '--media', '8047');
      assert.equal(ok.code, 0, ok.err);
      assert.notEqual(fs.readFileSync(site, 'utf8'), siteText);
      assert.match(fs.readFileSync(site, 'utf8'), /127\.0\.0\.1:8045/);
    });
  });
});
