/**
 * Real tools as oracles (differential tests). `.ci/run` installs them from Debian's packages
 * (scripts/install-oracles.sh, run by npm test): nginx (`nginx -T`), docker-compose 1.29 (`docker-compose config`) and
 * ufw (`ufw --dry-run`). Each test runs the tool on generated (bench templates) and corpus files
 * and compares what the tool reports with Portolan's facts. A test skips only when its tool
 * cannot run here, and says why. Deliberate differences are asserted as such, with the reason.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { hostFiles } from '../bench/generate';
import type { PortFact } from '../server/src/core/model/facts';
import { splitCommands } from '../server/src/core/formats/shell/words';
import { isUfwCommand, ufwCommandFacts } from '../server/src/core/formats/ufw';
import { WorkspaceIndex } from '../server/src/core/index/workspace';
import { CORPUS, isCorpusPaperwork } from './helpers';

/** Why `tool` cannot run here, or undefined when it can. */
function cannotRun(tool: string, args: string[]): string | undefined {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error) return `${tool} cannot run here (${(r.error as NodeJS.ErrnoException).code}); npm test installs it with scripts/install-oracles.sh`;
  return undefined;
}

function skipBecause(ctx: Mocha.Context, reason: string | undefined): void {
  if (!reason) return;
  process.stdout.write(`      skipped: ${reason}\n`);
  ctx.skip();
}

function snapshotOf(files: Record<string, string>, root: string) {
  const index = new WorkspaceIndex({ roots: [{ path: root, name: 'h' }] });
  for (const [rel, t] of Object.entries(files)) index.setText(path.posix.join(root, rel), t);
  return index.snapshot();
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), t);
  }
}

/** Generated hosts 0-9 (every template variant, planted conflicts included), one tree each. */
const HOSTS = Array.from({ length: 10 }, (_, i) => {
  const { files } = hostFiles('h', i);
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k.replace(/^hosts\/h\//, ''), v]));
});

describe('oracle: nginx -T', function () {
  this.timeout(60000);
  let tmp: string;
  before(function () {
    skipBecause(this, cannotRun('nginx', ['-v']) ?? cannotRun('openssl', ['version']));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-nginx-'));
    // nginx -T loads certificates: one self-signed pair stands in for every ssl_certificate.
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=portolan.test', '-days', '1', '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  /** `addr:port` of every listen directive nginx -T printed (the files nginx really loaded). */
  function nginxListens(dump: string): string[] {
    const out: string[] = [];
    for (const m of dump.matchAll(/^\s*listen\s+([^\s;]+)/gm)) {
      const a = m[1]!;
      const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
      if (v6) out.push(`${v6[1]}:${v6[2] ?? 80}`);
      else if (/^\d+$/.test(a)) out.push(`*:${a}`);
      else if (a.includes(':')) out.push(`${a.slice(0, a.lastIndexOf(':'))}:${a.slice(a.lastIndexOf(':') + 1)}`);
      else out.push(`${a}:80`);
    }
    return out.sort();
  }

  function portolanListens(facts: readonly PortFact[]): string[] {
    return facts.filter((f) => f.format === 'nginx' && f.kind === 'bind').map((f) => `${f.address ?? '*'}:${f.ports.start}`).sort();
  }

  function runNginx(dir: string, files: Record<string, string>, mainConf: string): string {
    // nginx reads the tree at its real place: absolute /etc/nginx paths point into `dir`.
    const rewritten: Record<string, string> = {};
    for (const [rel, t] of Object.entries(files)) {
      rewritten[rel] = t.replace(/\/etc\/nginx\//g, `${dir}/etc/nginx/`).replace(/ssl_certificate\s+\S+;/g, `ssl_certificate ${tmp}/cert.pem;`).replace(/ssl_certificate_key\s+\S+;/g, `ssl_certificate_key ${tmp}/key.pem;`);
    }
    writeTree(dir, rewritten);
    fs.writeFileSync(path.join(dir, 'etc/nginx/mime.types'), 'types { text/html html; }\n');
    const r = spawnSync('nginx', ['-T', '-q', '-c', path.join(dir, mainConf), '-g', `pid ${dir}/nginx.pid; error_log stderr;`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `nginx -T rejected ${mainConf}: ${r.stderr}`);
    return r.stdout;
  }

  it('sees the same listen sockets as nginx in every generated host', () => {
    for (const [i, host] of HOSTS.entries()) {
      const nginxFiles = Object.fromEntries(Object.entries(host).filter(([k]) => k.startsWith('etc/nginx/')));
      const dir = path.join(tmp, `gen${i}`);
      const dump = runNginx(dir, nginxFiles, 'etc/nginx/nginx.conf');
      const snap = snapshotOf(nginxFiles, '/ws');
      assert.deepEqual(portolanListens(snap.facts), nginxListens(dump), `host ${i}`);
    }
  });

  it("sees the same listen sockets as nginx in the corpus's mattermost-docker nginx config", () => {
    const rel = 'mattermost-docker/nginx/conf.d/default.conf';
    const text = fs.readFileSync(path.join(CORPUS, rel), 'utf8');
    const dir = path.join(tmp, 'corpus');
    // The corpus file is a conf.d server block; nginx needs an http block around it.
    const files = { 'etc/nginx/nginx.conf': `events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n`, 'etc/nginx/conf.d/default.conf': text };
    // nginx resolves upstream host names while testing; the compose service name does not exist here.
    // Files it would load that the corpus does not hold (dhparams) are left out. Debian's nginx 1.22 predates the `http2 on;` directive (1.25.1); it does not change a listen socket.
    const forNginx = { ...files, 'etc/nginx/conf.d/default.conf': text.replace(/server\s+mattermost:/g, 'server 127.0.0.1:').replace(/^\s*http2\s+on;\s*$/gm, '').replace(/^\s*ssl_(dhparam|trusted_certificate)\s+[^;]*;/gm, '') };
    const dump = runNginx(dir, forNginx, 'etc/nginx/nginx.conf');
    assert.deepEqual(portolanListens(snapshotOf(files, '/ws').facts), nginxListens(dump));
  });
});

/** One published port as docker-compose config prints it, normalized. */
function composeConfigPorts(out: string): string[] {
  const doc = parseYaml(out) as { services?: Record<string, { ports?: (string | { published?: number | string; target: number; protocol?: string; host_ip?: string })[] }> };
  const rows: string[] = [];
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    for (const p of svc.ports ?? []) {
      if (typeof p === 'string') {
        const m = /^(?:(.*):)?(\d+(?:-\d+)?):(\d+(?:-\d+)?)(?:\/(\w+))?$/.exec(p) ?? /^(\d+(?:-\d+)?)(?:\/(\w+))?$/.exec(p);
        assert.ok(m, `unexpected port form ${p}`);
        if (m.length === 5) rows.push(`${name} ${m[1] ?? '*'} ${m[2]} ${m[3]} ${m[4] ?? 'tcp'}`);
        else rows.push(`${name} * - ${m[1]} ${m[2] ?? 'tcp'}`);
      } else if (p.published !== undefined) {
        rows.push(`${name} ${p.host_ip ?? '*'} ${p.published} ${p.target} ${p.protocol ?? 'tcp'}`);
      }
    }
  }
  return rows.sort();
}

function portolanComposePorts(facts: readonly PortFact[], file: string): string[] {
  const targets = facts.filter((f) => f.location.file === file && f.kind === 'reference' && f.publishedBy);
  const rows: string[] = [];
  for (const b of facts.filter((f) => f.location.file === file && f.format === 'compose' && f.kind === 'bind' && f.detail.startsWith('ports'))) {
    const t = targets.find((x) => x.owner === b.owner && x.publishedBy?.start === b.ports.start && x.location.span.start >= b.location.span.start - 40 && x.location.span.start <= b.location.span.end + 40);
    const range = (r: { start: number; end: number }) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`);
    rows.push(`${b.owner} ${b.address ?? '*'} ${range(b.ports)} ${t ? range(t.ports) : '?'} ${b.protocol}`);
  }
  return rows.sort();
}

describe('oracle: docker-compose config (Debian 1.29)', function () {
  this.timeout(120000);
  let tmp: string;
  before(function () {
    skipBecause(this, cannotRun('docker-compose', ['version']));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-compose-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  function config(dir: string, file: string, base?: string): { ok: boolean; out: string; err: string } {
    const fs = [...(base ? ['-f', path.join(dir, base)] : []), '-f', path.join(dir, file)];
    const r = spawnSync('docker-compose', ['--project-directory', dir, ...fs, 'config'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent' } });
    return { ok: r.status === 0, out: r.stdout, err: r.stderr };
  }

  it('normalizes published ports, targets, host_ip and protocols as Portolan does (generated stacks)', () => {
    let compared = 0;
    for (const [i, host] of HOSTS.entries()) {
      const dir = path.join(tmp, `gen${i}`);
      writeTree(dir, host);
      const snap = snapshotOf(host, dir);
      for (const file of ['opt/app/docker-compose.yml', 'opt/monitor/compose.yaml']) {
        const r = config(path.dirname(path.join(dir, file)), path.basename(file));
        if (!r.ok) {
          // Deliberate difference: compose-spec's long syntax allows host_ip; 1.29 predates it.
          assert.match(r.err, /unsupported option: 'host_ip'/, `docker-compose rejected ${file} for another reason: ${r.err}`);
          assert.match(host[file]!, /host_ip:/);
          continue;
        }
        assert.deepEqual(portolanComposePorts(snap.facts, path.join(dir, file)), composeConfigPorts(r.out), `host ${i} ${file}`);
        compared++;
      }
    }
    assert.ok(compared >= 10, `only ${compared} files compared`);
  });

  it('normalizes the corpus compose files the same way, with their env.example as .env', () => {
    let compared = 0;
    for (const project of ['docker-jitsi-meet', 'mattermost-docker']) {
      const dir = path.join(tmp, project);
      fs.cpSync(path.join(CORPUS, project), dir, { recursive: true, filter: (src) => !isCorpusPaperwork(src) });
      fs.copyFileSync(path.join(dir, 'env.example'), path.join(dir, '.env'));
      const files: Record<string, string> = {};
      for (const f of fs.readdirSync(dir)) if (fs.statSync(path.join(dir, f)).isFile()) files[f] = fs.readFileSync(path.join(dir, f), 'utf8');
      const snap = snapshotOf(files, dir);
      for (const f of Object.keys(files).filter((x) => /^docker-compose.*\.yml$/.test(x))) {
        // docker-compose.<x>.yml files are overrides, used on top of docker-compose.yml (as the project's README says).
        const base = f === 'docker-compose.yml' ? undefined : 'docker-compose.yml';
        const r = config(dir, f, base);
        assert.ok(r.ok, `docker-compose config rejected corpus ${project}/${f}: ${r.err}`);
        const ours = [...new Set([...(base ? portolanComposePorts(snap.facts, path.join(dir, base)) : []), ...portolanComposePorts(snap.facts, path.join(dir, f))])].sort();
        assert.deepEqual(ours, composeConfigPorts(r.out), `${project}/${f}`);
        compared++;
      }
    }
    assert.ok(compared >= 3);
  });
});

describe('oracle: ufw --dry-run', function () {
  this.timeout(120000);
  before(function () {
    const why = cannotRun('ufw', ['--version']);
    if (why) return skipBecause(this, why);
    const r = spawnSync('ufw', ['--dry-run', 'allow', '22/tcp'], { encoding: 'utf8' });
    if (r.status !== 0) skipBecause(this, `ufw --dry-run cannot run here: ${(r.stderr || r.stdout).trim().split('\n')[0]} (it needs root for its netfilter checks)`);
  });

  /** The rule tuples `ufw --dry-run` prints: "action proto dport dst sport src direction". */
  function tuples(out: string): string[] {
    return [...out.matchAll(/^### tuple ### (.*)$/gm)].map((m) => m[1]!.trim());
  }

  function portolanTuples(words: string[]): string[] {
    const cmd = words.join(' ');
    const r = ufwCommandFacts(splitCommands(cmd)[0]!, '/ws/fw.sh');
    return r.facts.map((f) => {
      const proto = f.protocol === 'both' ? 'any' : f.protocol;
      const port = f.ports.start === f.ports.end ? `${f.ports.start}` : `${f.ports.start}:${f.ports.end}`;
      const v6 = (f.firewall?.from ?? '').includes(':');
      const any = v6 ? '::/0' : '0.0.0.0/0';
      return `${f.firewall!.action} ${proto} ${port} ${f.address ?? any} any ${f.firewall!.from ?? any} ${f.firewall!.direction}`;
    });
  }

  it('parses every ufw rule of the generated scripts and the example host the same way', () => {
    const scripts = [...HOSTS.map((h) => h['etc/ufw/setup-firewall.sh']!), fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'prochat-host', 'etc', 'ufw', 'setup-firewall.sh'), 'utf8')];
    const extra = ['ufw allow 10000:20000/udp', 'ufw deny out 25', 'ufw limit 22/tcp', 'ufw allow from 192.168.1.0/24 to any port 5432 proto tcp', 'ufw reject in 8080/tcp', 'ufw allow proto udp from 10.0.0.5 to any port 3478'];
    let compared = 0;
    for (const script of [...scripts, extra.join('\n')]) {
      for (const words of splitCommands(script)) {
        if (!isUfwCommand(words)) continue;
        const args = words.map((w) => w.value).filter((w) => w !== 'sudo');
        const verb = args.slice(1).find((a) => /^(allow|deny|reject|limit)$/.test(a));
        if (!verb) continue;
        const ufwArgs = args.slice(1).filter((a, i, all) => !(a === 'comment' || all[i - 1] === 'comment'));
        const r = spawnSync('ufw', ['--dry-run', ...ufwArgs], { encoding: 'utf8' });
        assert.equal(r.status, 0, `ufw rejected "${ufwArgs.join(' ')}": ${r.stderr}`);
        // ufw prints an IPv4 and, when IPv6 is on, an IPv6 tuple; Portolan keeps one rule for both.
        const ufw = [...new Set(tuples(r.stdout).filter((t) => !/::\/0|:/.test(t.split(' ')[3] ?? '')))];
        assert.deepEqual(portolanTuples(args), ufw, `ufw ${ufwArgs.join(' ')}`);
        compared++;
      }
    }
    assert.ok(compared >= 30, `only ${compared} rules compared`);
  });
});
