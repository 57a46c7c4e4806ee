/**
 * Resolution by group of hosts (core/index/shards.ts): the index's snapshot, resolved group by
 * group and kept between edits, must hold the facts and findings that resolving its placed
 * files as a whole gives (`resolveSnapshot(index.placed())`), and the rules must report the
 * same on both. Inputs: hosts joined across the host map by a bind mount, a Dockerfile build and
 * copy, and a shared compose namespace; the benchmark's host templates under random
 * edits (fast-check, seed fixed in ./property.ts); the 51 real-world repositories.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { hostFiles } from '../bench/generate';
import { resolveSnapshot } from '../server/src/core/index/resolve';
import { loadWorkspace, WorkspaceIndex, type HostMapping, type Snapshot } from '../server/src/core/index/workspace';
import type { PortFact } from '../server/src/core/model/facts';
import { runRules, withCrossProjectConflicts } from '../server/src/core/rules/index';
import { nodeHost } from '../server/src/node/host';
import { fcParams, SEED_LABEL } from './property';
import { folders, REALWORLD } from './realworld';

const root = { path: '/ws', name: 'ws' };

/** A fact as plain data, without the ids of resolved facts (numbered per group, or per snapshot). */
function plain(f: PortFact): string {
  return JSON.stringify({ ...f, id: f.id.startsWith('resolved#') ? 'resolved' : f.id });
}

/** Facts, findings and diagnostics of `snap`, each sorted: what must not depend on how it was resolved. */
function content(snap: Snapshot): { facts: string[]; findings: string[]; diagnostics: string[] } {
  const settings = withCrossProjectConflicts({}, true);
  return {
    facts: snap.facts.map(plain).sort(),
    findings: snap.findings.map((f) => JSON.stringify(f)).sort(),
    diagnostics: runRules(snap, settings).map((d) => JSON.stringify(d)).sort(),
  };
}

/** Asserts that the index's grouped snapshot says what resolving its placed files as a whole says. */
function assertAsWhole(index: WorkspaceIndex, what: string): void {
  const grouped = index.snapshot();
  const whole = resolveSnapshot(index.placed());
  assert.ok(grouped.groups, 'the index resolves by group');
  assert.deepStrictEqual(content(grouped), content(whole), what);
  // Every fact is in exactly one group, and the groups make up the snapshot.
  assert.equal(grouped.groups.reduce((n, g) => n + g.facts.length, 0), grouped.facts.length, `${what}: facts by group`);
  assert.equal(grouped.groups.reduce((n, g) => n + g.files.length, 0), grouped.files.size, `${what}: files by group`);
}

/** Files on seven hosts (by host map) that only make sense together. */
const JOINED: Record<string, string> = {
  // Host a: a service that mounts b's nginx file, builds c's Dockerfile, and interpolates g's .env.
  'app/docker-compose.yml': [
    'services:',
    '  web:',
    '    image: nginx:1.27',
    '    ports: ["${WEB_PORT}:80"]',
    '    volumes:',
    '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf',
    '  api:',
    '    build:',
    '      context: ../build',
    '    ports: ["8080:8080"]',
    '',
  ].join('\n'),
  'app/.env': 'WEB_PORT=8081\n',
  'app/nginx/default.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:9000; }\n}\n',
  // Hosts c and d: the Dockerfile and the config it copies.
  'build/Dockerfile': 'FROM nginx:1.27\nCOPY site.conf /etc/nginx/conf.d/site.conf\n',
  'build/site.conf': 'server {\n  listen 8080;\n}\n',
  // Hosts e and f: one compose project's files, split by the host map (one namespace).
  'proj/docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n',
  'proj/docker-compose.override.yml': 'services:\n  db:\n    ports: !reset ["5433:5432"]\n',
  // Host h: nothing to do with the others.
  'other/nginx.conf': 'events {}\nhttp {\n  server {\n    listen 9000;\n  }\n}\n',
};

const JOINED_MAP: HostMapping[] = [
  { glob: 'app/docker-compose.yml', host: 'a' },
  { glob: 'app/nginx/**', host: 'b' },
  { glob: 'build/Dockerfile', host: 'c' },
  { glob: 'build/site.conf', host: 'd' },
  { glob: 'proj/docker-compose.yml', host: 'e' },
  { glob: 'proj/docker-compose.override.yml', host: 'f' },
  { glob: 'app/.env', host: 'g' },
  { glob: 'other/**', host: 'h' },
];

function joinedIndex(): WorkspaceIndex {
  const index = new WorkspaceIndex({ roots: [root], hostMap: JOINED_MAP });
  for (const [rel, text] of Object.entries(JOINED)) index.setText(`/ws/${rel}`, text);
  return index;
}

describe(`resolution by group of hosts gives what resolution as a whole gives (${SEED_LABEL})`, function () {
  this.timeout(120000);

  it('joins the hosts a mount, a build, a copy or a namespace links', () => {
    const index = joinedIndex();
    assertAsWhole(index, 'joined hosts');
    const snap = index.snapshot();
    // Near miss: the .env that compose interpolates from (host g) joins nothing; the digits it gives stay located in the compose file.
    assert.deepEqual(snap.groups!.map((g) => g.key.split('\u0000')), [['g'], ['a', 'b', 'c', 'd'], ['h'], ['e', 'f']]);
    // The mounted nginx file serves inside the web container; the copied one inside the api image's container.
    const listen = (file: string) => snap.facts.find((f) => f.location.file === `/ws/${file}` && f.kind === 'bind')!;
    assert.equal(listen('app/nginx/default.conf').netns, 'compose:/ws/app#web');
    assert.equal(listen('build/site.conf').netns, 'compose:/ws/app#api');
    // Near miss: the unrelated nginx file on host h stays in its host's own namespace.
    assert.equal(listen('other/nginx.conf').netns, undefined);
  });

  it('an edit re-resolves its own group only, and a mount removed splits the group', () => {
    const index = joinedIndex();
    const before = new Map(index.snapshot().groups!.map((g) => [g.key, g]));
    index.setText('/ws/other/nginx.conf', JOINED['other/nginx.conf']!.replace('9000', '9001'));
    const after = new Map(index.snapshot().groups!.map((g) => [g.key, g]));
    assert.notEqual(after.get('h'), before.get('h'), 'the edited group is resolved again');
    assert.equal(after.get('e\u0000f'), before.get('e\u0000f'), 'another group is the same object');
    assert.equal(after.get('a\u0000b\u0000c\u0000d'), before.get('a\u0000b\u0000c\u0000d'));
    assertAsWhole(index, 'after an edit on h');
    // Without the mount, b's nginx file is on its host again, and b is a group of its own.
    index.setText('/ws/app/docker-compose.yml', JOINED['app/docker-compose.yml']!.replace(/ {4}volumes:\n.*\n/, ''));
    assert.deepEqual(index.snapshot().groups!.map((g) => g.key.split('\u0000')), [['g'], ['a', 'c', 'd'], ['b'], ['h'], ['e', 'f']]);
    assertAsWhole(index, 'without the mount');
    // And with it back, joined again.
    index.setText('/ws/app/docker-compose.yml', JOINED['app/docker-compose.yml']!);
    assertAsWhole(index, 'with the mount back');
    assert.equal(index.snapshot().groups!.length, 4);
  });

  it('random edits and removals on four hosts of the benchmark templates', () => {
    const hosts = [0, 3, 7, 12].map((i) => ({ name: `h${i}`, ...hostFiles(`h${i}`, i) }));
    const templates = Object.assign({}, ...hosts.map((h) => h.files)) as Record<string, string>;
    const paths = Object.keys(templates).filter((p) => !/\.(ts|txt)$/.test(p)).sort();
    const hostMap = hosts.map((h) => ({ glob: `hosts/${h.name}/**`, host: h.name }));
    const op = fc.record({ file: fc.constantFrom(...paths), kind: fc.nat(4), port: fc.constantFrom('80', '8080', '9100', '70000', '${WEB_PORT}') });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 10 }), fc.boolean(), (ops, mapped) => {
        const index = new WorkspaceIndex({ roots: [root], hostMap: mapped ? hostMap : [] });
        for (const [rel, text] of Object.entries(templates)) index.setText(`/ws/${rel}`, text);
        assertAsWhole(index, 'cold');
        for (const [k, o] of ops.entries()) {
          const file = `/ws/${o.file}`;
          const t = templates[o.file]!;
          if (o.kind === 4) index.remove(file);
          else index.setText(file, [t.replace(/\b\d{2,5}\b/, o.port), t.slice(0, Math.floor(t.length / 2)), '', t][o.kind]!);
          assertAsWhole(index, `after step ${k}: ${JSON.stringify(o)}`);
        }
      }),
      fcParams(40),
    );
  });

  it('each real-world repository', async () => {
    for (const folder of folders()) {
      const roots = [{ path: path.join(REALWORLD, folder), name: folder }];
      const index = new WorkspaceIndex({ roots });
      await loadWorkspace(index, nodeHost([], 'sync'), roots);
      assertAsWhole(index, folder);
    }
  });
});
