/**
 * A malicious repository end to end (issue 12): a canary outside the workspace (a temporary
 * folder with a unique port and string) that the workspace reaches through links of every kind
 * (file, folder, dangling, to `/`), file names with newlines and shell metacharacters, and a
 * huge line. Through the CLI (`check` in every format, `ports` in every format) and the
 * in-process language server (diagnostics, hover, port table, port reference), the canary's port
 * and string never appear, no name breaks a text line, and nothing in a name is executed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../server/src/cli/main';
import { nodeHost } from '../server/src/node/host';
import { startSession } from './lsp/session';

const CANARY_PORT = '47123';
const CANARY_STRING = 'canary-q7x2z';

function leaks(s: string): boolean {
  return s.includes(CANARY_PORT) || s.includes(CANARY_STRING);
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('a malicious repository', function () {
  this.timeout(120000);
  let base: string;
  let ws: string;
  let outside: string;
  before(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-malicious-')));
    outside = path.join(base, 'outside');
    ws = path.join(base, 'ws');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'site.conf'), `server {\n    listen ${CANARY_PORT};\n    server_name ${CANARY_STRING}.example;\n}\n`);
    fs.writeFileSync(path.join(outside, 'docker-compose.yml'), `services:\n  ${CANARY_STRING}:\n    image: nginx\n    ports:\n      - "${CANARY_PORT}:80"\n`);
    fs.mkdirSync(path.join(ws, 'nginx'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'app'));
    fs.writeFileSync(path.join(ws, 'app', 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n      - "127.0.0.1:9417:9417"\n');
    fs.writeFileSync(path.join(ws, 'nginx', 'site.conf'), 'server {\n    listen 8080;\n    location / {\n        proxy_pass http://127.0.0.1:9417;\n    }\n}\n');
    fs.symlinkSync(path.join(outside, 'site.conf'), path.join(ws, 'nginx', 'linked.conf'));
    fs.symlinkSync(outside, path.join(ws, 'conf.d'));
    fs.symlinkSync(path.join(outside, 'missing.conf'), path.join(ws, 'nginx', 'dangling.conf'));
    fs.symlinkSync('/', path.join(ws, 'root'));
    fs.writeFileSync(path.join(ws, 'nginx', 'evil\n::error file=x::pwned.conf'), 'server {\n    listen 8080;\n}\n');
    fs.writeFileSync(path.join(ws, 'nginx', '$(touch PWNED);`touch PWNED2`|x.conf'), 'server {\n    listen 8080;\n}\n');
    fs.writeFileSync(path.join(ws, 'nginx', 'huge.conf'), `server {\n    listen 8081;\n    # ${'a'.repeat(1024 * 1024)}\n}\n`);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('the CLI never prints the canary, keeps every text line whole and executes nothing', async () => {
    const runs = [
      ...['text', 'json', 'sarif', 'github'].map((f) => ['check', ws, '--format', f, '--verbose']),
      ...['table', 'json', 'markdown'].map((f) => ['ports', ws, '--format', f, '--verbose']),
    ];
    let conflicts = 0;
    for (const args of runs) {
      const r = await cli(...args);
      assert.ok(!leaks(r.out), `${args.join(' ')} printed the canary: ${r.out.slice(0, 2000)}`);
      assert.ok(!leaks(r.err), `${args.join(' ')} logged the canary: ${r.err.slice(0, 2000)}`);
      if (args[3] === 'text' || args[3] === 'table') {
        for (const line of r.out.split('\n')) assert.ok(!line.startsWith('::'), `a name broke a line: ${JSON.stringify(line)}`);
      }
      if (args[3] === 'github') {
        for (const line of r.out.split('\n')) assert.ok(line === '' || /^::(error|warning|notice) file=[^\n]*::/.test(line), JSON.stringify(line));
      }
      if (args[3] === 'json' && args[0] === 'check') conflicts = (JSON.parse(r.out) as { diagnostics: { rule: string }[] }).diagnostics.filter((d) => d.rule === 'port-conflict').length;
    }
    assert.ok(conflicts >= 2, 'the workspace\'s own conflict (and the evil names\') is still reported');
    for (const dir of [ws, path.join(ws, 'nginx'), process.cwd()]) {
      assert.ok(!fs.existsSync(path.join(dir, 'PWNED')) && !fs.existsSync(path.join(dir, 'PWNED2')), 'nothing in a file name was executed');
    }
  });

  it('the language server never shows the canary in diagnostics, hover, port table or reference', async () => {
    const s = await startSession({ folders: [{ path: ws, name: 'ws' }], host: nodeHost() });
    try {
      await s.until(() => s.server.snapshot().facts.some((f) => f.ports.start === 8081), 'the workspace indexed');
      assert.ok(!s.server.snapshot().facts.some((f) => String(f.ports.start) === CANARY_PORT), 'no canary fact');
      const site = pathToFileURL(path.join(ws, 'nginx', 'site.conf')).href;
      await s.waitFor(site, (d) => d.length > 0, 'the site\'s conflict');
      const hover = await s.client.sendRequest('textDocument/hover', { textDocument: { uri: site }, position: { line: 1, character: 12 } });
      const table = await s.client.sendRequest('portolan/portTable', {});
      const reference = await s.client.sendRequest('portolan/portReference', {});
      const shown = JSON.stringify({ diagnostics: [...s.diagnostics.entries()], hover, table, reference });
      assert.ok(shown.includes('8080'), 'the answers are about the workspace');
      assert.ok(!leaks(shown), `the canary was shown: ${shown.slice(0, 2000)}`);
      assert.ok(!s.logs.some((l) => leaks(l.message)), 'no log line carries the canary');
    } finally {
      await s.close();
    }
  });
});
