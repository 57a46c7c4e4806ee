/**
 * Deployment inference (server/src/core/index/deployments.ts): which host each file is on and
 * why, and the opt-in `project-conflict` note. Each rule has a true case and a near miss, on
 * small in-memory workspaces; the last tests run the CLI flag and the language-server setting.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { inferDeployments, type LayoutFile } from '../server/src/core/index/deployments';
import { classify } from '../server/src/core/index/registry';
import { hoverAt } from '../server/src/core/features/hover';
import { runRules, withCrossProjectConflicts } from '../server/src/core/rules/index';
import { analysisOf, analyze, at } from './memory';
import { ROOT, runCli, tmpWorkspace, withTimeout } from './helpers';
import { nginxSite, ufwScript } from './rules/fixtures';

/** A compose file with one service publishing `ports` ("8080:80"). */
function compose(service: string, ...ports: string[]): string {
  return `services:\n  ${service}:\n    image: example/${service}:1\n    ports:\n${ports.map((p) => `      - "${p}"`).join('\n')}\n`;
}

/** Host of each path, and the rule that placed it. */
function hosts(a: ReturnType<typeof analyze>, paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((p) => [p.slice('/ws/'.length), `${a.snap.placementOf(p).host} (${a.snap.placementOf(p).rule})`]));
}

const SAMPLES = {
  '/ws/samples/app1/compose.yaml': compose('web', '8080:80'),
  '/ws/samples/app2/docker-compose.yml': compose('api', '8080:8080'),
  '/ws/samples/app3/compose.yml': compose('shop', '8080:3000'),
  '/ws/samples/app3/.env': 'TAG=1\n',
};

describe('deployments: which host a file is on', () => {
  describe('compose projects are their own hosts', () => {
    it('three sample stacks on 8080 give no port-conflict; each is its own host, and says why', () => {
      const a = analyze(SAMPLES);
      assert.deepEqual(a.byRule('port-conflict'), []);
      assert.deepEqual(hosts(a, Object.keys(SAMPLES)), {
        'samples/app1/compose.yaml': 'ws/samples/app1 (project)',
        'samples/app2/docker-compose.yml': 'ws/samples/app2 (project)',
        'samples/app3/compose.yml': 'ws/samples/app3 (project)',
        'samples/app3/.env': 'ws/samples/app3 (project)',
      });
      assert.equal(a.snap.placementOf('/ws/samples/app1/compose.yaml').project, 'samples/app1');
      assert.equal(a.snap.placementOf('/ws/samples/app1/compose.yaml').reason, 'compose project samples/app1, under the test tree samples/: its own host');
    });

    it('per-app folders outside any test tree are separate too, with the reason the brief asks for', () => {
      const files = { '/ws/apps/a/compose.yaml': compose('web', '8080:80'), '/ws/apps/b/compose.yaml': compose('api', '8080:80') };
      const a = analyze(files);
      assert.deepEqual(a.byRule('port-conflict'), []);
      assert.equal(a.snap.placementOf('/ws/apps/a/compose.yaml').reason, "compose project apps/a, its own host (nothing on the folder's host ties it to other projects)");
    });

    it('with the setting, one project-conflict note per pair of projects, naming both and the other side', () => {
      const a = analyze(SAMPLES);
      const notes = runRules(a.snap, withCrossProjectConflicts({}, true)).filter((d) => d.rule === 'project-conflict');
      assert.deepEqual(
        notes.map((d) => `${d.severity} ${d.location.file.slice(4)} ${at(SAMPLES, d)} | ${d.message}`).sort(),
        [
          'information samples/app1/compose.yaml 8080 | these projects cannot run on one host at the same time: samples/app1 and samples/app2 both use 8080/tcp (samples/app2/docker-compose.yml:5)',
          'information samples/app1/compose.yaml 8080 | these projects cannot run on one host at the same time: samples/app1 and samples/app3 both use 8080/tcp (samples/app3/compose.yml:5)',
          'information samples/app2/docker-compose.yml 8080 | these projects cannot run on one host at the same time: samples/app2 and samples/app3 both use 8080/tcp (samples/app3/compose.yml:5)',
        ],
      );
      assert.deepEqual(notes[0]!.related.map((r) => r.location.file.slice(4)), ['samples/app2/docker-compose.yml']);
    });

    it('near misses: without the setting no note; an explicit severity turns it on; different ports never note', () => {
      const a = analyze(SAMPLES);
      assert.deepEqual(a.byRule('project-conflict'), []);
      assert.deepEqual(runRules(a.snap, withCrossProjectConflicts({}, false)).filter((d) => d.rule === 'project-conflict'), []);
      assert.equal(runRules(a.snap, { 'project-conflict': 'warning' }).filter((d) => d.rule === 'project-conflict' && d.severity === 'warning').length, 3);
      assert.equal(runRules(a.snap, withCrossProjectConflicts({ 'project-conflict': 'off' }, true)).filter((d) => d.rule === 'project-conflict').length, 0, 'an explicit off wins');
      const apart = analyze({ '/ws/samples/app1/compose.yaml': compose('web', '8080:80'), '/ws/samples/app2/compose.yaml': compose('api', '8081:80'), '/ws/samples/app3/compose.yaml': compose('udp', '8080:80/udp') });
      assert.deepEqual(runRules(apart.snap, withCrossProjectConflicts({}, true)).filter((d) => d.rule === 'project-conflict'), []);
    });

    it('several compose files in one directory with a compose.yaml are one project (overrides and variants merge)', () => {
      const files = {
        '/ws/app/compose.yaml': compose('web', '8080:80'),
        '/ws/app/compose.prod.yaml': compose('worker', '8080:9000'),
      };
      const a = analyze(files);
      assert.equal(a.byRule('port-conflict').length, 2);
      assert.equal(a.snap.placementOf('/ws/app/compose.prod.yaml').host, 'ws/app');
    });

    it('several compose files with their own names and no compose.yaml are alternatives, each its own host', () => {
      const files = { '/ws/stacks/mysql.yml': compose('app', '80:80'), '/ws/stacks/redis.yml': compose('app', '80:80'), '/ws/stacks/notes.conf': 'server {\n    listen 81;\n}\n' };
      const a = analyze(files);
      assert.deepEqual(a.byRule('port-conflict'), []);
      assert.equal(a.snap.placementOf('/ws/stacks/mysql.yml').host, 'ws/stacks/mysql.yml');
      assert.match(a.snap.placementOf('/ws/stacks/mysql.yml').reason, /loads only when -f names it/);
      assert.equal(a.snap.placementOf('/ws/stacks/notes.conf').host, 'ws', 'other files of that directory stay on the folder host');
    });


    it('an alternative stack beside the default compose file is its own project (docker-compose-separate-containers.yml)', () => {
      const files = {
        '/ws/docker-compose.yml': compose('nginx-proxy', '80:80'),
        '/ws/docker-compose-separate-containers.yml': compose('nginx', '80:80'),
        '/ws/docker-compose.override.yml': compose('whoami', '8000:8000'),
      };
      const a = analyze(files);
      assert.deepEqual(a.byRule('port-conflict'), []);
      assert.equal(a.snap.placementOf('/ws/docker-compose.yml').host, 'ws');
      assert.equal(a.snap.placementOf('/ws/docker-compose.override.yml').host, 'ws', 'the override file compose merges by default stays with it');
      assert.equal(a.snap.placementOf('/ws/docker-compose-separate-containers.yml').host, 'ws/docker-compose-separate-containers.yml');
      assert.match(a.snap.placementOf('/ws/docker-compose-separate-containers.yml').reason, /neither the default compose file of its directory nor an override or variant of it/);
    });

    it('near misses: two services of the default project on 80 conflict, and so do files COMPOSE_FILE in .env merges', () => {
      const one = analyze({ '/ws/docker-compose.yml': `services:\n  a:\n    image: x\n    ports:\n      - "80:80"\n  b:\n    image: y\n    ports:\n      - "80:8080"\n` });
      assert.equal(one.byRule('port-conflict').length, 2);
      const files = {
        '/ws/docker-compose.yml': compose('nginx-proxy', '80:80'),
        '/ws/docker-compose-separate-containers.yml': compose('nginx', '80:80'),
        '/ws/.env': 'COMPOSE_FILE=docker-compose.yml:docker-compose-separate-containers.yml\n',
      };
      const a = analyze(files);
      assert.equal(a.byRule('port-conflict').length, 2);
      assert.equal(a.snap.placementOf('/ws/docker-compose-separate-containers.yml').host, 'ws');
    });
    it('a project at the top of the folder is the folder host; nested projects are their own', () => {
      const files = { '/ws/compose.yaml': compose('web', '80:80'), '/ws/nginx/site.conf': nginxSite('a.example', ['80']), '/ws/dev/compose.yaml': compose('web', '80:80') };
      const a = analyze(files);
      assert.deepEqual(hosts(a, Object.keys(files)), { 'compose.yaml': 'ws (root)', 'nginx/site.conf': 'ws (root)', 'dev/compose.yaml': 'ws/dev (project)' });
      assert.deepEqual(a.byRule('port-conflict').map((d) => d.location.file).sort(), ['/ws/compose.yaml', '/ws/nginx/site.conf']);
    });
  });

  describe('test trees', () => {
    it('a tests/ harness next to the real stack is separate from it', () => {
      const files = {
        '/ws/compose.yaml': compose('app', '8080:8080'),
        '/ws/tests/e2e/compose.yaml': compose('app', '8080:8080'),
        '/ws/tests/nginx.conf': 'events {}\nhttp {\n    server {\n        listen 8080;\n    }\n}\n',
      };
      const a = analyze(files);
      assert.deepEqual(a.byRule('port-conflict'), []);
      assert.deepEqual(hosts(a, Object.keys(files)), { 'compose.yaml': 'ws (root)', 'tests/e2e/compose.yaml': 'ws/tests/e2e (project)', 'tests/nginx.conf': 'ws/tests (test-tree)' });
      assert.equal(a.snap.placementOf('/ws/tests/nginx.conf').reason, 'in the test tree tests/, which is a host of its own');
    });

    it('near miss: a directory merely named like a test ("contest", "attestation") is not a test tree', () => {
      const files = { '/ws/compose.yaml': compose('app', '8080:8080'), '/ws/contest/nginx.conf': 'events {}\nhttp {\n    server {\n        listen 8080;\n    }\n}\n' };
      const a = analyze(files);
      assert.equal(a.snap.placementOf('/ws/contest/nginx.conf').host, 'ws');
      assert.equal(a.byRule('port-conflict').length, 2);
    });

    const SITE_8000 = 'events {}\nhttp {\n    server {\n        listen 8000;\n    }\n}\n';
    const RTCD_8000 = '[api.http]\nlisten_address = ":8000"\n\n[rtc]\nice_port_udp = 8443\n';

    it('each file of a fixtures/ tree is its own host: fixtures are inputs of separate tests', () => {
      // traefik/traefik integration/fixtures/*.toml: 167 port-conflicts between fixtures that each start their own Traefik.
      const files = { '/ws/integration/fixtures/a/nginx.conf': SITE_8000, '/ws/integration/fixtures/b/rtcd/config.toml': RTCD_8000 };
      const a = analyze(files);
      assert.deepEqual(a.byRule('port-conflict'), []);
      assert.equal(a.snap.placementOf('/ws/integration/fixtures/a/nginx.conf').host, 'ws/integration/fixtures/a/nginx.conf');
      assert.equal(a.snap.placementOf('/ws/integration/fixtures/a/nginx.conf').reason, 'a fixture in integration/fixtures/: each fixture file is an input of its own test, so its own host');
    });

    it('near miss: two files of a tests/ harness (not fixtures) share its host and conflict', () => {
      const files = { '/ws/tests/a/nginx.conf': SITE_8000, '/ws/tests/b/rtcd/config.toml': RTCD_8000 };
      const a = analyze(files);
      assert.equal(a.snap.placementOf('/ws/tests/a/nginx.conf').host, 'ws/tests');
      assert.equal(a.byRule('port-conflict').length, 2);
    });

    it('a ufw script on the folder host does not tie a project inside a test tree', () => {
      const files = { '/ws/setup-ufw.sh': ufwScript(['8080/tcp']), '/ws/examples/app/compose.yaml': compose('web', '8080:80') };
      assert.equal(analyze(files).snap.placementOf('/ws/examples/app/compose.yaml').host, 'ws/examples/app');
    });
  });

  describe('ties put a project back on the folder host', () => {
    it('a ufw script at the top allowing a port only one project publishes ties that project', () => {
      const files = {
        '/ws/setup-ufw.sh': ufwScript(['22/tcp', '8080/tcp']),
        '/ws/app1/compose.yaml': compose('web', '8080:80'),
        '/ws/app2/compose.yaml': compose('api', '9090:80'),
      };
      const a = analyze(files);
      assert.deepEqual(hosts(a, ['/ws/app1/compose.yaml', '/ws/app2/compose.yaml']), { 'app1/compose.yaml': 'ws (tied)', 'app2/compose.yaml': 'ws/app2 (project)' });
      assert.equal(a.snap.placementOf('/ws/app1/compose.yaml').reason, "compose project app1, on the folder's host because the ufw rule at setup-ufw.sh:5 allows 8080/tcp, which only this project publishes");
      assert.deepEqual(a.byRule('firewall-stale'), [], 'the allowed port is bound on the folder host');
    });

    it('near misses: a port two projects publish ties neither; a ufw line in a Markdown guide ties nothing', () => {
      const both = analyze({ '/ws/setup-ufw.sh': ufwScript(['8080/tcp']), '/ws/app1/compose.yaml': compose('web', '8080:80'), '/ws/app2/compose.yaml': compose('api', '8080:80') });
      assert.equal(both.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
      assert.equal(both.snap.placementOf('/ws/app2/compose.yaml').host, 'ws/app2');
      assert.deepEqual(both.byRule('port-conflict'), []);
      const doc = analyze({ '/ws/README.md': '# Setup\n\n```sh\nsudo ufw allow 8080/tcp\n```\n', '/ws/app1/compose.yaml': compose('web', '8080:80') });
      assert.equal(doc.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
    });

    it('an nginx site on the folder host proxying to a port one project publishes ties it; a proxy to a container name does not', () => {
      const files = {
        '/ws/nginx/sites-enabled/app': nginxSite('app.example.com', ['443 ssl'], { '/': 'http://127.0.0.1:8080' }),
        '/ws/app1/compose.yaml': compose('web', '127.0.0.1:8080:80'),
      };
      const a = analyze(files);
      assert.equal(a.snap.placementOf('/ws/app1/compose.yaml').host, 'ws');
      assert.match(a.snap.placementOf('/ws/app1/compose.yaml').reason, /nginx at nginx\/sites-enabled\/app:6 proxies to 127\.0\.0\.1:8080/);
      assert.deepEqual(a.byRule('unresolved-reference'), []);
      const byName = analyze({ ...files, '/ws/nginx/sites-enabled/app': nginxSite('app.example.com', ['443 ssl'], { '/': 'http://web:8080' }) });
      assert.equal(byName.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
    });

    it('a systemd unit working in a project directory or running compose -f on its file ties that project', () => {
      const unit = (lines: string[]) => ['[Unit]', 'Description=stack', '', '[Service]', ...lines, '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n');
      const files = {
        '/ws/systemd/app1.service': unit(['WorkingDirectory=/opt/stacks/app1', 'ExecStart=/usr/bin/docker compose up']),
        '/ws/systemd/app2.service': unit(['ExecStart=/usr/bin/docker compose -f /srv/deploy/app2/compose.yaml up']),
        '/ws/app1/compose.yaml': compose('web', '8080:80'),
        '/ws/app2/compose.yaml': compose('api', '8081:80'),
        '/ws/app3/compose.yaml': compose('db', '8082:80'),
      };
      const a = analyze(files);
      assert.deepEqual(hosts(a, ['/ws/app1/compose.yaml', '/ws/app2/compose.yaml', '/ws/app3/compose.yaml']), {
        'app1/compose.yaml': 'ws (tied)',
        'app2/compose.yaml': 'ws (tied)',
        'app3/compose.yaml': 'ws/app3 (project)',
      });
      assert.match(a.snap.placementOf('/ws/app1/compose.yaml').reason, /systemd\/app1\.service:5 names its directory \(WorkingDirectory=\/opt\/stacks\/app1\)/);
      // Near miss: a unit working elsewhere ties nothing.
      const other = analyze({ ...files, '/ws/systemd/app1.service': unit(['WorkingDirectory=/opt/other', 'ExecStart=/usr/bin/docker compose up']) });
      assert.equal(other.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
    });

    it('a script that cds into a project and runs compose ties it; one that only builds there does not', () => {
      const files = { '/ws/deploy.sh': '#!/bin/sh\nset -e\ncd app1 && docker compose up -d\n', '/ws/app1/compose.yaml': compose('web', '8080:80') };
      const a = analyze(files);
      assert.equal(a.snap.placementOf('/ws/app1/compose.yaml').host, 'ws');
      assert.match(a.snap.placementOf('/ws/app1/compose.yaml').reason, /deploy\.sh:3 names its directory \(cd app1\)/);
      const build = analyze({ ...files, '/ws/deploy.sh': '#!/bin/sh\nset -e\ncd app1 && npm install\n' });
      assert.equal(build.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
    });

    it('near miss: a script that runs compose elsewhere and only builds images in a project\'s directory does not tie it', () => {
      // penpot/penpot manage.sh: `docker compose -f docker/devenv/...` in one function, `pushd ./docker/images; docker build ...; popd` in another.
      const script = '#!/bin/bash\nfunction infra { docker compose -f devenv/compose.yaml up -d; }\nfunction images {\n  pushd ./images;\n  docker build -f Dockerfile.frontend .;\n  popd;\n}\n';
      const files = { '/ws/manage.sh': script, '/ws/devenv/compose.yaml': compose('mailer', '1080:1080'), '/ws/images/compose.yaml': compose('mailcatch', '1080:1080') };
      const a = analyze(files);
      assert.equal(a.snap.placementOf('/ws/devenv/compose.yaml').host, 'ws');
      assert.equal(a.snap.placementOf('/ws/images/compose.yaml').host, 'ws/images');
      assert.deepEqual(a.byRule('port-conflict'), []);
      const up = analyze({ ...files, '/ws/manage.sh': script.replace('docker build -f Dockerfile.frontend .', 'docker compose up -d') });
      assert.equal(up.snap.placementOf('/ws/images/compose.yaml').host, 'ws');
      assert.equal(up.byRule('port-conflict').length, 2);
    });

    it('a compose file at the top that includes a project ties it; one that names nothing of it does not', () => {
      const files = { '/ws/compose.yaml': 'include:\n  - app1/compose.yaml\nservices:\n  proxy:\n    image: nginx\n    ports:\n      - "80:80"\n', '/ws/app1/compose.yaml': compose('web', '8080:80') };
      const a = analyze(files);
      assert.equal(a.snap.placementOf('/ws/app1/compose.yaml').host, 'ws');
      assert.match(a.snap.placementOf('/ws/app1/compose.yaml').reason, /included by compose\.yaml \(compose include:\), so part of compose project at the top of the folder/);
      const plain = analyze({ ...files, '/ws/compose.yaml': 'services:\n  proxy:\n    image: nginx\n    ports:\n      - "80:80"\n' });
      assert.equal(plain.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
    });

    it('a tie follows edits: adding the ufw rule moves the project, removing the script moves it back', () => {
      const a = analyze({ '/ws/app1/compose.yaml': compose('web', '8080:80'), '/ws/nginx/site.conf': nginxSite('a.example', ['8080']) });
      assert.deepEqual(a.byRule('port-conflict'), []);
      a.index.setText('/ws/setup-ufw.sh', ufwScript(['8080/tcp']));
      const tied = analysisOf(a.index);
      assert.equal(tied.snap.placementOf('/ws/app1/compose.yaml').host, 'ws');
      assert.equal(tied.byRule('port-conflict').length, 2, 'now on one host with the nginx that listens on 8080');
      a.index.remove('/ws/setup-ufw.sh');
      const apart = analysisOf(a.index);
      assert.equal(apart.snap.placementOf('/ws/app1/compose.yaml').host, 'ws/app1');
      assert.deepEqual(apart.byRule('port-conflict'), []);
    });
  });

  describe('mounted files and file-system mirrors', () => {
    it('a file outside every project that one project bind-mounts joins it; mounted by two it stays put', () => {
      const mount = (svc: string) => `services:\n  ${svc}:\n    image: nginx\n    ports:\n      - "8080:80"\n    volumes:\n      - ../common/nginx.conf:/etc/nginx/nginx.conf:ro\n`;
      const one = analyze({ '/ws/app1/compose.yaml': mount('web'), '/ws/common/nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n' });
      assert.equal(one.snap.placementOf('/ws/common/nginx.conf').host, 'ws/app1');
      assert.equal(one.snap.placementOf('/ws/common/nginx.conf').reason, 'bind-mounted by service web of compose project app1, so part of that project (its own host)');
      const two = analyze({ '/ws/app1/compose.yaml': mount('web'), '/ws/app2/compose.yaml': mount('api'), '/ws/common/nginx.conf': 'events {}\n' });
      assert.equal(two.snap.placementOf('/ws/common/nginx.conf').host, 'ws');
    });

    it('examples/prochat-host mirrors a machine: every file on one host, projects still named', () => {
      const dir = path.join(ROOT, 'examples', 'prochat-host').split(path.sep).join('/');
      const files: LayoutFile[] = [];
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = `${d}/${e.name}`;
          if (e.isDirectory()) walk(p);
          else {
            const text = fs.readFileSync(p, 'utf8');
            const { mod } = classify(p, text);
            files.push(mod ? { path: p, text, format: mod.id } : { path: p, text });
          }
        }
      };
      walk(dir);
      const layout = inferDeployments({ path: dir, name: 'prochat-host' }, files);
      assert.equal(layout.mirror, 'etc/nginx/nginx.conf');
      for (const f of files) assert.equal(layout.placementOf(f.path).host, 'prochat-host', f.path);
      assert.equal(layout.placementOf(`${dir}/opt/jitsi/.env`).project, 'opt/jitsi');
      assert.equal(layout.placementOf(`${dir}/opt/jitsi/docker-compose.yml`).rule, 'mirror');
    });

    it('near misses: a lone etc/app.conf is no mirror, nor is an etc/ tree beside a compose file at the top', () => {
      const lone = analyze({ '/ws/etc/app.conf': 'server {\n    listen 81;\n}\n', '/ws/a/compose.yaml': compose('web', '8080:80'), '/ws/b/compose.yaml': compose('api', '8080:80') });
      assert.deepEqual(lone.byRule('port-conflict'), []);
      assert.equal(lone.snap.placementOf('/ws/a/compose.yaml').rule, 'project');
      const stack = analyze({ '/ws/compose.yaml': compose('web', '80:80'), '/ws/etc/nginx/nginx.conf': 'events {}\n', '/ws/b/compose.yaml': compose('api', '80:80') });
      assert.equal(stack.snap.placementOf('/ws/b/compose.yaml').host, 'ws/b');
      const mirror = analyze({ '/ws/etc/nginx/nginx.conf': 'events {}\n', '/ws/a/compose.yaml': compose('web', '8080:80'), '/ws/b/compose.yaml': compose('api', '8080:80') });
      assert.equal(mirror.byRule('port-conflict').length, 2, 'etc/nginx/ mirrors a machine: one host');
    });

    it('a directory below the folder that mirrors a machine is a host of its own (hosts/web1/etc/nginx/...)', () => {
      const site = (port: number) => `server {\n    listen ${port};\n}\n`;
      const unit = (port: number) => `[Service]\nExecStart=/usr/bin/api --port ${port}\n`;
      const a = analyze({
        '/ws/hosts/web1/etc/nginx/sites-enabled/app': site(80),
        '/ws/hosts/web1/opt/app/docker-compose.yml': compose('api', '8080:80'),
        '/ws/hosts/web2/etc/nginx/sites-enabled/app': site(80),
        '/ws/hosts/web2/etc/systemd/system/api.service': unit(8080),
      });
      assert.deepEqual(a.byRule('port-conflict'), [], 'the two machines never share a port');
      const p = a.snap.placementOf('/ws/hosts/web1/opt/app/docker-compose.yml');
      assert.deepEqual([p.host, p.rule, p.project], ['ws/hosts/web1', 'mirror', 'hosts/web1/opt/app']);
      assert.equal(a.snap.placementOf('/ws/hosts/web2/etc/nginx/sites-enabled/app').reason, "hosts/web2/ mirrors a machine's file system (etc/nginx/sites-enabled/app), so all of it is one host");
      // True finding: within one machine the unit and the compose service still clash.
      const b = analyze({
        '/ws/hosts/web1/opt/app/docker-compose.yml': compose('api', '8080:80'),
        '/ws/hosts/web1/etc/systemd/system/api.service': unit(8080),
        '/ws/hosts/web2/etc/nginx/sites-enabled/app': site(8080),
      });
      assert.equal(b.byRule('port-conflict').length, 2);
    });

    it('near misses: an etc/ tree inside a compose project, or inside a test tree, is no machine of its own', () => {
      const project = analyze({ '/ws/app/docker-compose.yml': compose('web', '80:80'), '/ws/app/etc/nginx/nginx.conf': 'events {}\n' });
      assert.equal(project.snap.placementOf('/ws/app/etc/nginx/nginx.conf').rule, 'project');
      const tree = analyze({ '/ws/tests/case1/etc/nginx/nginx.conf': 'events {}\n' });
      assert.equal(tree.snap.placementOf('/ws/tests/case1/etc/nginx/nginx.conf').rule, 'test-tree');
    });
  });

  describe('portolan.hostMap overrides the inference', () => {
    it('a glob puts all samples on one host again, and the placement says so', () => {
      const a = analyze(SAMPLES, { hostMap: [{ glob: 'samples/**', host: 'lab' }] });
      assert.equal(a.byRule('port-conflict').length, 3);
      assert.deepEqual(a.snap.placementOf('/ws/samples/app2/docker-compose.yml'), { host: 'lab', rule: 'host-map', reason: 'portolan.hostMap puts samples/** on it' });
      assert.deepEqual(runRules(a.snap, withCrossProjectConflicts({}, true)).filter((d) => d.rule === 'project-conflict'), [], 'host-map hosts are never project notes');
    });

    it('near miss: a glob for one project leaves the others to the inference', () => {
      const a = analyze(SAMPLES, { hostMap: [{ glob: 'samples/app1/**', host: 'lab' }] });
      assert.equal(a.snap.placementOf('/ws/samples/app1/compose.yaml').host, 'lab');
      assert.equal(a.snap.placementOf('/ws/samples/app2/docker-compose.yml').host, 'ws/samples/app2');
    });
  });

  describe('hover and the command line', () => {
    it('hover names the host and why in one line', () => {
      const a = analyze(SAMPLES);
      const file = '/ws/samples/app1/compose.yaml';
      const h = hoverAt(a.snap, file, SAMPLES[file].indexOf('8080'), (_l, t) => t)!;
      assert.ok(h.markdown.split('\n').includes('Host **ws/samples/app1**: compose project samples/app1, under the test tree samples/: its own host'), h.markdown);
    });

    it('check --cross-project reports the notes, and exits 0 (information only)', async () => {
      const dir = tmpWorkspace({ 'samples/a/compose.yaml': compose('web', '8080:80'), 'samples/b/compose.yaml': compose('api', '8080:80') });
      try {
        const quiet = await runCli(['check', dir]);
        assert.match(quiet.out, /^no problems/m);
        const noted = await runCli(['check', dir, '--cross-project']);
        assert.equal(noted.code, 0);
        assert.match(noted.out, /^samples\/a\/compose\.yaml:5:10: information project-conflict: these projects cannot run on one host at the same time: samples\/a and samples\/b both use 8080\/tcp \(samples\/b\/compose\.yaml:5\)$/m);
        assert.match(noted.out, /0 errors, 0 warnings, 1 notes/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the language server reports the notes once portolan.crossProjectConflicts is on', async function () {
      this.timeout(30000);
      const dir = fs.realpathSync(tmpWorkspace({ 'samples/a/compose.yaml': compose('web', '8080:80'), 'samples/b/compose.yaml': compose('api', '8080:80') }));
      const settings: { crossProjectConflicts?: boolean } = {};
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
      const uri = pathToFileURL(`${dir}/samples/a/compose.yaml`).href;
      let latest: Diagnostic[] | undefined;
      let wake = () => undefined as void;
      conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        if (p.uri === uri) latest = p.diagnostics;
        wake();
      });
      conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
      conn.onRequest('client/registerCapability', () => null);
      conn.onNotification('window/logMessage', () => undefined);
      const indexed = new Promise((r) => conn.onNotification('portolan/indexed', r));
      conn.listen();
      try {
        await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }], capabilities: { workspace: { configuration: true } } });
        void conn.sendNotification('initialized', {});
        await withTimeout(indexed, 'portolan/indexed');
        assert.ok(!(latest ?? []).some((d) => d.code === 'project-conflict'), 'off by default');
        settings.crossProjectConflicts = true;
        void conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
        const notes = await withTimeout(
          new Promise<Diagnostic[]>((resolve) => {
            const check = () => {
              const n = (latest ?? []).filter((d) => d.code === 'project-conflict');
              if (n.length > 0) resolve(n);
            };
            wake = check;
            check();
          }),
          'project-conflict after the setting',
        );
        assert.equal(notes.length, 1);
        assert.equal(notes[0]!.severity, 3, 'information');
        assert.match(notes[0]!.message, /samples\/a and samples\/b both use 8080\/tcp/);
      } finally {
        await conn.sendRequest('shutdown').catch(() => undefined);
        void conn.sendNotification('exit');
        conn.dispose();
        child.kill();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
