/**
 * docker-compose 1.29 (Debian's, `docker-compose config`) as the oracle for the compose features
 * it supports: `extends` (same file and `file:` across folders, with the extending project's
 * `.env`), `profiles` (inherited through `extends`), `network_mode: service:`/`container:`. The
 * test skips only when docker-compose cannot run here. Compose v2's `include:`, `!reset` and
 * `!override` are newer than 1.29; Portolan takes them from the compose-spec (13-merge.md,
 * 14-include.md) instead, and test/compose-merge.test.ts covers them.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PortFact } from '../server/src/core/model/facts';
import { WorkspaceIndex } from '../server/src/core/index/workspace';

/** A small project tree: relative path to text; `main` is the compose file given to `-f`. */
interface Case {
  name: string;
  main: string;
  files: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'extends in one file, appending ports, with profiles inherited and added',
    main: 'compose.yaml',
    files: {
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: nginx',
        '    profiles: [template]',
        '    ports:',
        '      - "8080:80"',
        '      - "127.0.0.1:8443:443/tcp"',
        '  web:',
        '    extends: base',
        '    profiles: [web]',
        '    ports:',
        '      - "9090:80"',
        '  worker:',
        '    extends:',
        '      service: web',
        '  plain:',
        '    image: redis',
        '    ports:',
        '      - target: 6379',
        '        published: 6379',
        '        protocol: tcp',
        '',
      ].join('\n'),
    },
  },
  {
    name: 'extends.file across folders, interpolated with the extending project\'s .env',
    main: 'app/compose.yaml',
    files: {
      'app/.env': 'WEB_PORT=9090\nCOMPOSE_PROFILES=web\n',
      'app/compose.yaml': [
        'services:',
        '  web:',
        '    extends:',
        '      file: ../lib/common.yml',
        '      service: webapp',
        '    ports:',
        '      - "${EXTRA_PORT:-7000}:7000/udp"',
        '  proxy:',
        '    extends:',
        '      file: ../lib/common.yml',
        '      service: edge',
        '',
      ].join('\n'),
      'lib/.env': 'WEB_PORT=7070\n',
      'lib/common.yml': [
        'services:',
        '  webapp:',
        '    image: nginx',
        '    profiles: ["web", "all"]',
        '    ports:',
        '      - "${WEB_PORT:-8080}:80"',
        '  edge:',
        '    extends:',
        '      service: webapp',
        '    ports:',
        '      - "443:443"',
        '',
      ].join('\n'),
    },
  },
  {
    name: 'network_mode service: and container: (ports only on the service whose namespace is shared)',
    main: 'docker-compose.yml',
    files: {
      'docker-compose.yml': [
        'services:',
        '  vpn:',
        '    image: qmcgaw/gluetun',
        '    container_name: vpn',
        '    ports:',
        '      - "8081:8080"',
        '  torrent:',
        '    image: linuxserver/qbittorrent',
        '    network_mode: "service:vpn"',
        '    expose:',
        '      - "8080"',
        '  sidecar:',
        '    image: busybox',
        '    network_mode: container:vpn',
        '  hostnet:',
        '    image: nginx',
        '    network_mode: host',
        '',
      ].join('\n'),
    },
  },
];

/** A case whose joined service publishes ports: 1.29 prints them, Docker refuses them. */
const JOINED_PORTS: Case = {
  name: 'ports on a service in another\'s namespace',
  main: 'docker-compose.yml',
  files: {
    'docker-compose.yml': 'services:\n  vpn:\n    image: qmcgaw/gluetun\n  torrent:\n    image: linuxserver/qbittorrent\n    network_mode: service:vpn\n    ports:\n      - "8080:8080"\n',
  },
};

interface ConfigService {
  ports?: (string | { published?: number | string; target: number; protocol?: string; host_ip?: string })[];
  profiles?: string[];
  network_mode?: string;
}

/** Per service, as `docker-compose config` prints it: "ports" rows, sorted profiles, network_mode. */
function fromConfig(out: string): Record<string, string[]> {
  const doc = parseYaml(out) as { services?: Record<string, ConfigService> };
  const rows: Record<string, string[]> = {};
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    const r: string[] = [];
    for (const p of svc.ports ?? []) {
      if (typeof p === 'string') {
        const m = /^(?:(.*):)?(\d+):(\d+)(?:\/(\w+))?$/.exec(p);
        assert.ok(m, `unexpected port form ${p}`);
        r.push(`port ${m[1] ?? '*'} ${m[2]} ${m[3]} ${m[4] ?? 'tcp'}`);
      } else if (p.published !== undefined) r.push(`port ${p.host_ip ?? '*'} ${p.published} ${p.target} ${p.protocol ?? 'tcp'}`);
    }
    r.sort();
    if (svc.profiles?.length) r.push(`profiles ${[...svc.profiles].sort().join(',')}`);
    if (svc.network_mode) r.push(`network_mode ${svc.network_mode}`);
    rows[name] = r;
  }
  return rows;
}

/** The same per service from Portolan's snapshot of the tree: facts defined by `file`, its workloads. */
function fromPortolan(facts: readonly PortFact[], workloads: readonly { file: string; name: string; profiles?: string[]; extendedProfiles?: string[]; networkMode?: string }[], file: string): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  const mine = facts.filter((f) => f.id.startsWith(`${file}#`));
  for (const w of workloads.filter((x) => x.file === file)) {
    const r: string[] = [];
    mine.forEach((b, i) => {
      if (b.owner !== w.name || b.kind !== 'bind' || b.detail !== 'ports') return;
      const t = mine[i + 1];
      const target = t && t.kind === 'reference' && t.owner === w.name && t.detail === 'ports target' ? `${t.ports.start}` : '?';
      r.push(`port ${b.address ?? '*'} ${b.ports.start} ${target} ${b.protocol}`);
    });
    r.sort();
    const profiles = [...(w.profiles ?? []), ...(w.extendedProfiles ?? [])].sort();
    if (profiles.length) r.push(`profiles ${profiles.join(',')}`);
    if (w.networkMode) r.push(`network_mode ${w.networkMode}`);
    rows[w.name] = r;
  }
  return rows;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), t);
  }
}

function snapshotOf(dir: string, files: Record<string, string>) {
  const index = new WorkspaceIndex({ roots: [{ path: dir, name: 'h' }] });
  for (const [rel, t] of Object.entries(files)) index.setText(path.posix.join(dir, rel), t);
  return index.snapshot();
}

describe('oracle: docker-compose config (Debian 1.29) on extends, profiles and network_mode', function () {
  this.timeout(120000);
  let tmp: string;
  before(function () {
    const r = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
    if (r.error) {
      process.stdout.write(`      skipped: docker-compose cannot run here (${(r.error as NodeJS.ErrnoException).code}); npm test installs it with scripts/install-oracles.sh\n`);
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-compose-merge-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  function config(dir: string, main: string): { ok: boolean; out: string; err: string } {
    const file = path.join(dir, main);
    const r = spawnSync('docker-compose', ['--project-directory', path.dirname(file), '-f', file, 'config'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent' } });
    return { ok: r.status === 0, out: r.stdout, err: r.stderr };
  }

  for (const [i, c] of CASES.entries()) {
    it(`agrees on ${c.name}`, () => {
      const dir = path.join(tmp, `case${i}`);
      write(dir, c.files);
      const r = config(dir, c.main);
      assert.ok(r.ok, `docker-compose config rejected case ${i}: ${r.err}`);
      const snap = snapshotOf(dir, c.files);
      const theirs = fromConfig(r.out);
      const ours = fromPortolan(snap.facts, snap.workloads, path.posix.join(dir, c.main));
      assert.deepEqual(ours, theirs);
      assert.ok(Object.values(theirs).some((rows) => rows.length > 0), 'the case compares something');
    });
  }

  it('deliberate difference: ports on a service sharing another\'s namespace are printed by 1.29, refused by Docker, invalid-port in Portolan', () => {
    const dir = path.join(tmp, 'joined');
    write(dir, JOINED_PORTS.files);
    const r = config(dir, JOINED_PORTS.main);
    assert.ok(r.ok, r.err);
    assert.deepEqual(fromConfig(r.out)['torrent'], ['port * 8080 8080 tcp', 'network_mode service:vpn']);
    const snap = snapshotOf(dir, JOINED_PORTS.files);
    assert.deepEqual(fromPortolan(snap.facts, snap.workloads, path.posix.join(dir, JOINED_PORTS.main))['torrent'], ['network_mode service:vpn']);
    assert.equal(snap.findings.filter((f) => f.rule === 'invalid-port').length, 1);
  });
});
