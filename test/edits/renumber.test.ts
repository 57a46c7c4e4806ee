/**
 * "Renumber rtcd ports": the plan on the example host, `${VAR:-default}` and `.env` values, the
 * Calls URL and MM_CALLS_* variables, the suggestion, and the `renumber-rtcd` CLI: exit codes,
 * dry-run diff, byte-identical round trips on a copy of examples/prochat-host and on workspaces
 * built from test/corpus (copied to temp folders; the corpus is never written), with CRLF
 * and BOM files, and no problem caused by the renumber.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { planRenumber, suggestRtcdPorts } from '../../server/src/core/features/edits/renumber';
import { CORPUS, ROOT } from '../helpers';
import { analyze } from '../memory';
import { applied, exampleFiles, verdictOf } from './util';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function snapshotBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function assertSameBytes(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k} differs after the round trip`);
}

function changedFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  return [...a.keys()].filter((k) => !a.get(k)!.equals(b.get(k)!)).sort();
}

/** Problems `check` reports after that were not there before, as "rule file" (the renumber moves digits, so lines and texts are compared loosely by rule and file count). */
async function checkRows(dir: string): Promise<{ rule: string; file: string; message: string }[]> {
  const r = await cli('check', dir, '--format', 'json');
  return (JSON.parse(r.out) as { diagnostics: { rule: string; file: string; message: string }[] }).diagnostics;
}

function tmpCopy(from: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-renumber-'));
  fs.cpSync(from, dir, { recursive: true });
  return dir;
}

const RTCD_UNIT = '[Unit]\r\nDescription=rtcd\r\n\r\n[Service]\r\nExecStart=/usr/local/bin/rtcd --config /etc/rtcd/config.toml\r\nEnvironment=RTCD_RTC_ICEPORTUDP=8443\r\n\r\n[Install]\r\nWantedBy=multi-user.target\r\n';
const RTCD_SITE = 'upstream rtcd_api {\n\tserver 127.0.0.1:8045;\n}\nserver {\n\tlisten 443 ssl;\n\tserver_name calls.example.com;\n\tlocation / {\n\t\tproxy_pass http://rtcd_api;\n\t}\n}\n';
const UFW = "\uFEFF#!/bin/sh\r\nufw allow 22/tcp\r\nufw allow 443/tcp comment 'nginx'\r\nufw allow 8443/udp comment \"rtcd media 8443/udp\"\r\nufw allow 8443/tcp comment \"rtcd media 8443/tcp\"\r\n";
const MM_UNIT = '[Service]\nExecStart=/opt/mattermost/bin/mattermost\nEnvironment=MM_CALLS_RTCD_SERVICE_URL=http://127.0.0.1:8045\n';

/** A host built from the corpus: rtcd's sample config verbatim, plus a unit (CRLF), an nginx upstream (tabs), a ufw script (BOM, CRLF) and Mattermost's unit with the Calls URL. */
function corpusRtcdHost(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-corpus-rtcd-'));
  const put = (rel: string, text: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  put('etc/rtcd/config.toml', fs.readFileSync(path.join(CORPUS, 'rtcd', 'config.sample.toml')));
  put('etc/systemd/system/rtcd.service', RTCD_UNIT);
  put('etc/systemd/system/mattermost.service', MM_UNIT);
  put('etc/nginx/sites-enabled/calls', RTCD_SITE);
  put('etc/ufw/firewall.sh', UFW);
  return dir;
}

const RTCD_COMPOSE = `services:
  rtcd:
    image: mattermost/rtcd:v1.1.0
    ports:
      - "127.0.0.1:\${RTCD_API_PORT:-8045}:\${RTCD_API_PORT:-8045}"
      - "\${RTCD_MEDIA_PORT:-8443}:\${RTCD_MEDIA_PORT:-8443}/udp"
      - "\${RTCD_MEDIA_PORT:-8443}:\${RTCD_MEDIA_PORT:-8443}/tcp"
    environment:
      RTCD_API_HTTP_LISTENADDRESS: ":\${RTCD_API_PORT:-8045}"
      RTCD_RTC_ICEPORTUDP: \${RTCD_MEDIA_PORT:-8443}
      RTCD_RTC_ICEPORTTCP: \${RTCD_MEDIA_PORT:-8443}
`;

/** docker-jitsi-meet from the corpus (its env.example as .env) next to an rtcd compose project whose ports are `${VAR:-default}` expressions. */
function corpusComposeHost(rtcdEnv?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-corpus-compose-'));
  fs.mkdirSync(path.join(dir, 'jitsi'));
  fs.mkdirSync(path.join(dir, 'rtcd'));
  fs.copyFileSync(path.join(CORPUS, 'docker-jitsi-meet', 'docker-compose.yml'), path.join(dir, 'jitsi', 'docker-compose.yml'));
  fs.copyFileSync(path.join(CORPUS, 'docker-jitsi-meet', 'env.example'), path.join(dir, 'jitsi', '.env'));
  fs.writeFileSync(path.join(dir, 'rtcd', 'docker-compose.yml'), RTCD_COMPOSE);
  if (rtcdEnv !== undefined) fs.writeFileSync(path.join(dir, 'rtcd', '.env'), rtcdEnv);
  return dir;
}

describe('renumber rtcd ports', function () {
  this.timeout(20000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const keep = (d: string) => {
    dirs.push(d);
    return d;
  };

  it('on the example: rtcd\'s config, the nginx proxy_pass and the ufw media rule; not nginx\'s listener nor the shared 8444 rule', () => {
    const files = exampleFiles();
    const a = analyze(files);
    const plan = planRenumber(a.snap, (f) => files[f], { api: 8045, media: 8047 });
    assert.equal(plan.invalid, undefined);
    assert.deepEqual(plan.held, []);
    assert.deepEqual(plan.current, { api: 8444, media: 8046 });
    const out = applied(files, plan.edits);
    const changedLines = Object.keys(files).sort().flatMap((f) => {
      const before = files[f]!.split('\n');
      return out[f]!.split('\n').flatMap((l, i) => (l !== before[i] ? [`${f.slice(4)}: ${l.trim()}`] : []));
    });
    assert.deepEqual(changedLines, [
      'etc/nginx/sites-enabled/rtcd: proxy_pass http://127.0.0.1:8045;',
      'etc/rtcd/config.toml: http.listen_address = ":8045"',
      'etc/rtcd/config.toml: ice_port_udp = 8047',
      'etc/rtcd/config.toml: ice_port_tcp = 8047',
      "etc/ufw/setup-firewall.sh: sudo ufw allow 8047/udp comment 'rtcd Media UDP'",
    ]);
    assert.deepEqual(verdictOf(files, plan.edits).caused, []);
  });

  it('refuses invalid ports, equal ports, and names who holds a taken port', () => {
    const files = exampleFiles();
    const snap = analyze(files).snap;
    assert.match(planRenumber(snap, (f) => files[f], { api: 79, media: 8047 }).invalid!, /\[80, 49151\]/);
    assert.match(planRenumber(snap, (f) => files[f], { api: 8047, media: 8047 }).invalid!, /must differ/);
    const held = planRenumber(snap, (f) => files[f], { api: 8045, media: 10000 }).held;
    assert.deepEqual(held.map((h) => h.message), ['10000/udp is bound by jvb (opt/jitsi/docker-compose.yml:66)']);
  });

  it('suggests the current port when free, else the nearest free one, with the reason', () => {
    const s = suggestRtcdPorts(analyze(exampleFiles()).snap)!;
    assert.deepEqual(s.current, { api: 8444, media: 8046 });
    assert.deepEqual(s.suggested, { api: 8445, media: 8046 });
    assert.match(s.reasons[0]!, /API 8444: 8444\/tcp is bound by jitsi\.yourserver\.com/);
  });

  it('changes the Calls rtcd URL in MM_CALLS_RTCD_SERVICE_URL with rtcd\'s API port', () => {
    const files = {
      '/ws/etc/rtcd/config.toml': '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n',
      '/ws/etc/systemd/system/rtcd.service': '[Service]\nExecStart=/usr/bin/rtcd --config /etc/rtcd/config.toml\n',
      '/ws/etc/systemd/system/mattermost.service': MM_UNIT,
    };
    const plan = planRenumber(analyze(files).snap, (f) => files[f as keyof typeof files], { api: 8145, media: 8443 });
    assert.equal(applied(files, plan.edits)['/ws/etc/systemd/system/mattermost.service'], MM_UNIT.replace('8045', '8145'));
  });

  it('CLI: --dry-run prints a unified diff and writes nothing', async () => {
    const dir = keep(tmpCopy(path.join(ROOT, 'examples', 'prochat-host')));
    const before = snapshotBytes(dir);
    const r = await cli('renumber-rtcd', dir, '--api', '8045', '--media', '8047', '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- a\/etc\/nginx\/sites-enabled\/rtcd\n\+\+\+ b\/etc\/nginx\/sites-enabled\/rtcd\n@@ /m);
    assert.match(r.out, /^-http\.listen_address = ":8444"\n\+http\.listen_address = ":8045"$/m);
    assert.match(r.out, /5 changes in 3 files \(dry run, nothing written\)/);
    assertSameBytes(before, snapshotBytes(dir));
  });

  it('CLI: exit 1 and no file touched when a port is taken (naming the holder) or invalid; exit 2 on bad usage', async () => {
    const dir = keep(tmpCopy(path.join(ROOT, 'examples', 'prochat-host')));
    const before = snapshotBytes(dir);
    const taken = await cli('renumber-rtcd', dir, '--api', '8443', '--media', '8047');
    assert.equal(taken.code, 1);
    assert.match(taken.err, /8443\/tcp is bound by web \(opt\/jitsi\/docker-compose\.yml:9\)/);
    assert.equal((await cli('renumber-rtcd', dir, '--api', '50000', '--media', '8047')).code, 1);
    assert.equal((await cli('renumber-rtcd', dir, '--api', '8045')).code, 2);
    assert.equal((await cli('renumber-rtcd', dir, '--api', 'x', '--media', '8047')).code, 2);
    assert.equal((await cli('renumber-rtcd', dir, '--api', '8045', '--media', '8047', '--bogus')).code, 2);
    assertSameBytes(before, snapshotBytes(dir));
  });

  it('CLI round trip on a copy of examples/prochat-host: A→B then B→A (--force: nginx holds 8444) is byte-identical; check reports nothing the renumber caused', async () => {
    const dir = keep(tmpCopy(path.join(ROOT, 'examples', 'prochat-host')));
    const original = snapshotBytes(dir);
    const checkBefore = await checkRows(dir);
    const there = await cli('renumber-rtcd', dir, '--api', '8045', '--media', '8047');
    assert.equal(there.code, 0, there.err);
    assert.deepEqual(changedFiles(original, snapshotBytes(dir)), ['etc/nginx/sites-enabled/rtcd', 'etc/rtcd/config.toml', 'etc/ufw/setup-firewall.sh']);
    const checkAfter = await checkRows(dir);
    // The 8444 conflict is gone; every remaining problem is one that was there before.
    assert.deepEqual(checkAfter.map((d) => `${d.rule} ${d.file}`), checkBefore.filter((d) => d.rule !== 'port-conflict' || !/8444/.test(d.message)).map((d) => `${d.rule} ${d.file}`));
    const refused = await cli('renumber-rtcd', dir, '--api', '8444', '--media', '8046');
    assert.equal(refused.code, 1, 'going back to 8444 collides with nginx');
    const back = await cli('renumber-rtcd', dir, '--api', '8444', '--media', '8046', '--force');
    assert.equal(back.code, 0, back.err);
    assertSameBytes(original, snapshotBytes(dir));
  });

  it('CLI round trip on rtcd\'s sample config from the corpus with a CRLF unit, a tabbed nginx upstream, a BOM+CRLF ufw script and the Calls URL', async () => {
    const dir = keep(corpusRtcdHost());
    const original = snapshotBytes(dir);
    const checkBefore = await checkRows(dir);
    const there = await cli('renumber-rtcd', dir, '--api', '8145', '--media', '8543');
    assert.equal(there.code, 0, there.err);
    assert.deepEqual(changedFiles(original, snapshotBytes(dir)), ['etc/nginx/sites-enabled/calls', 'etc/rtcd/config.toml', 'etc/systemd/system/mattermost.service', 'etc/systemd/system/rtcd.service', 'etc/ufw/firewall.sh']);
    const ufw = fs.readFileSync(path.join(dir, 'etc/ufw/firewall.sh'));
    assert.ok(ufw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'BOM kept');
    assert.equal(ufw.toString('utf8'), UFW.replace(/8443/g, '8543'));
    assert.equal(fs.readFileSync(path.join(dir, 'etc/systemd/system/rtcd.service'), 'utf8'), RTCD_UNIT.replace('8443', '8543'));
    assert.equal(fs.readFileSync(path.join(dir, 'etc/nginx/sites-enabled/calls'), 'utf8'), RTCD_SITE.replace('8045', '8145'));
    assert.deepEqual((await checkRows(dir)).map((d) => d.rule), checkBefore.map((d) => d.rule));
    const back = await cli('renumber-rtcd', dir, '--api', '8045', '--media', '8443');
    assert.equal(back.code, 0, back.err);
    assertSameBytes(original, snapshotBytes(dir));
  });

  it('CLI round trip on docker-jitsi-meet from the corpus plus an rtcd compose project: the ${VAR:-default} defaults change, never the expressions', async () => {
    const dir = keep(corpusComposeHost());
    const original = snapshotBytes(dir);
    const there = await cli('renumber-rtcd', dir, '--api', '8145', '--media', '8543');
    assert.equal(there.code, 0, there.err);
    const compose = fs.readFileSync(path.join(dir, 'rtcd', 'docker-compose.yml'), 'utf8');
    assert.equal(compose, RTCD_COMPOSE.replace(/:-8045/g, ':-8145').replace(/:-8443/g, ':-8543'));
    assert.deepEqual(await checkRows(dir), [], 'the 8443/tcp conflict with Jitsi web is gone and nothing new appears');
    const back = await cli('renumber-rtcd', dir, '--api', '8045', '--media', '8443', '--force');
    assert.equal(back.code, 0, back.err);
    assertSameBytes(original, snapshotBytes(dir));
  });

  it('CLI: when the .env sets the variable, the .env entry changes and the compose file does not', async () => {
    const env = '# rtcd ports\nRTCD_API_PORT=8045\nRTCD_MEDIA_PORT="8443"\n';
    const dir = keep(corpusComposeHost(env));
    const original = snapshotBytes(dir);
    const r = await cli('renumber-rtcd', dir, '--api', '8145', '--media', '8543');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(changedFiles(original, snapshotBytes(dir)), ['rtcd/.env']);
    assert.equal(fs.readFileSync(path.join(dir, 'rtcd', '.env'), 'utf8'), '# rtcd ports\nRTCD_API_PORT=8145\nRTCD_MEDIA_PORT="8543"\n');
    assert.equal((await cli('renumber-rtcd', dir, '--api', '8045', '--media', '8443', '--force')).code, 0);
    assertSameBytes(original, snapshotBytes(dir));
  });
});
