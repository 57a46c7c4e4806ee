/**
 * Compose as it runs (issue 11, item 2): `!reset`/`!override` across a project's files, profiles
 * and `COMPOSE_PROFILES`, `include:`, `extends:` (same file and `file:`), and
 * `network_mode: service:`/`container:`. Each reading has a true finding and a near miss.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hoverAt } from '../server/src/core/features/hover';
import { WorkspaceIndex } from '../server/src/core/index/workspace';
import { runRules } from '../server/src/core/rules/index';
import { checkDiagnostics, checkFacts } from './check';
import { CORPUS } from './helpers';

const ONLY = { only: ['port-conflict' as const] };
const PORTS = { only: ['port-conflict' as const, 'invalid-port' as const] };

describe('compose as it runs', () => {
  describe('!reset and !override (compose-spec 13-merge.md)', () => {
    it('ports: !reset [] in the override file removes the base file\'s ports, so a port moved to another service is no conflict', () => {
      const a = checkDiagnostics(`
        //- app/compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
        //- app/compose.override.yaml
        services:
          web:
            ports: !reset []
          proxy:
            image: caddy
            ports:
              - "80:80"
      `, ONLY);
      const base = a.snap.facts.find((f) => f.kind === 'bind' && f.owner === 'web')!;
      assert.equal(base.shadowed, true, 'the base file\'s publish is not in effect');
      assert.equal(base.location.file, '/ws/app/compose.yaml', 'and keeps its span in the file that wrote it');
      const h = hoverAt(a.snap, '/ws/app/compose.yaml', base.location.span.start, (_l, t) => t)!;
      assert.match(h.markdown, /not in effect \(ports replaced by !reset or !override in compose\.override\.yaml\)/);
      const proxy = a.snap.facts.find((f) => f.kind === 'bind' && f.owner === 'proxy')!;
      assert.equal(proxy.shadowed, undefined, 'near miss: the override file\'s own publish is in effect');
      assert.equal(hoverAt(a.snap, '/ws/app/compose.override.yaml', proxy.location.span.start, (_l, t) => t)!.markdown.split('\n')[0], '**80/tcp** · bind');
    });

    it('near miss: without !reset the ports merge and the moved port conflicts', () => {
      checkDiagnostics(`
        //- app/compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by proxy...
        //- app/compose.override.yaml
        services:
          web:
            ports:
              - "8080:80"
          proxy:
            image: caddy
            ports:
              - "80:80"
                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by web...
      `, ONLY);
    });

    it('!override replaces the base\'s list: its own ports stay in effect and conflict', () => {
      checkDiagnostics(`
        //- app/compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
        //- app/compose.override.yaml
        services:
          web:
            ports: !override
              - "8080:80"
                 ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by admin...
          proxy:
            image: caddy
            ports:
              - "80:80"
          admin:
            image: adminer
            ports:
              - "8080:8080"
                 ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by web...
      `, ONLY);
    });

    it('the merge order is COMPOSE_FILE\'s: a !reset in a file listed before the base removes nothing', () => {
      const files = (order: string, marks: [string, string]) => `
        //- app/.env
        COMPOSE_FILE=${order}
        //- app/docker-compose.yml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
${marks[0]}
        //- app/docker-compose.prod.yml
        services:
          web:
            ports: !reset []
          proxy:
            image: caddy
            ports:
              - "80:80"
${marks[1]}
      `;
      checkDiagnostics(files('docker-compose.yml:docker-compose.prod.yml', ['', '']), ONLY);
      checkDiagnostics(files('docker-compose.prod.yml:docker-compose.yml', [
        '                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by proxy...',
        '                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by web...',
      ]), ONLY);
    });
  });

  describe('profiles and COMPOSE_PROFILES', () => {
    it('a clash with a service in a profile that is not enabled is a warning naming the profile', () => {
      checkDiagnostics(`
        //- app/compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
                 ^^ port-conflict warning: 80/tcp on all interfaces is also bound by debug (app/compose.yaml:10) when debug's compose profile "tools" is enabled (COMPOSE_PROFILES does not enable it, so debug runs only with --profile)
          debug:
            image: caddy
            profiles: [tools]
            ports:
              - "80:80"
                 ^^ port-conflict warning: 80/tcp on all interfaces is also bound by web (app/compose.yaml:5) when debug's compose profile "tools" is enabled...
      `, ONLY);
    });

    it('near miss: COMPOSE_PROFILES in .env enables the profile, and the clash is an error', () => {
      checkDiagnostics(`
        //- app/.env
        COMPOSE_PROFILES=metrics,tools
        //- app/compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by debug (app/compose.yaml:10)
          debug:
            image: caddy
            profiles: [tools]
            ports:
              - "80:80"
                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by web (app/compose.yaml:5)
      `, ONLY);
    });

    it('the env file the project documents (.env.example, when there is no .env) enables profiles too', () => {
      checkDiagnostics(`
        //- app/.env.example
        COMPOSE_PROFILES=tools
        //- app/compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "80:80"
                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by debug (app/compose.yaml:10)
          debug:
            image: caddy
            profiles: [tools]
            ports:
              - "80:80"
                 ^^ port-conflict error: 80/tcp on all interfaces is also bound by web (app/compose.yaml:5)
      `, ONLY);
    });

    it('services in different profiles not enabled are alternatives (cpu or gpu): no clash; in one profile they clash', () => {
      const stack = (second: string, marks: [string, string]) => `
        //- app/compose.yaml
        services:
          ollama-cpu:
            image: ollama/ollama
            profiles: [cpu]
            ports:
              - "11434:11434"
${marks[0]}
          ollama-gpu:
            image: ollama/ollama
            profiles: [${second}]
            ports:
              - "11434:11434"
${marks[1]}
      `;
      checkDiagnostics(stack('gpu', ['', '']), ONLY);
      checkDiagnostics(stack('cpu', [
        '                 ^^^^^ port-conflict warning: 11434/tcp on all interfaces is also bound by ollama-gpu (app/compose.yaml:11) when ollama-cpu\'s compose profile "cpu" is enabled...',
        '                 ^^^^^ port-conflict warning: 11434/tcp on all interfaces is also bound by ollama-cpu (app/compose.yaml:6) when ollama-gpu\'s compose profile "cpu" is enabled...',
      ]), ONLY);
    });
  });

  describe('profiles on a real stack (n8n-io/self-hosted-ai-starter-kit: Ollama for cpu, gpu-nvidia or gpu-amd on 11434)', () => {
    const stack = fs.readFileSync(path.join(CORPUS, 'self-hosted-ai-starter-kit', 'docker-compose.yml'), 'utf8');
    function conflicts(env?: string) {
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
      index.setText('/ws/docker-compose.yml', stack);
      if (env !== undefined) index.setText('/ws/.env', env);
      return runRules(index.snapshot()).filter((d) => d.rule === 'port-conflict');
    }

    it('the three alternative services are quiet, with no profile enabled or with one', () => {
      assert.deepEqual(conflicts(), []);
      assert.deepEqual(conflicts('COMPOSE_PROFILES=gpu-nvidia\n'), []);
    });

    it('near miss: COMPOSE_PROFILES enabling two of them makes their clash an error', () => {
      const found = conflicts('COMPOSE_PROFILES=cpu,gpu-nvidia\n');
      assert.equal(found.length, 2);
      assert.ok(found.every((d) => d.severity === 'error' && /^11434\/tcp on all interfaces is also bound by ollama-(cpu|gpu) /.test(d.message)), found.map((d) => d.message).join('\n'));
    });
  });

  describe('extends and profiles on a real stack (nextcloud/all-in-one php/tests: app-base in profile "none", extended per profile)', () => {
    const stack = fs.readFileSync(path.join(CORPUS, 'realworld', 'nextcloud__all-in-one', 'php', 'tests', 'compose.yaml'), 'utf8');
    function analysed(env?: string) {
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
      index.setText('/ws/compose.yaml', stack);
      if (env !== undefined) index.setText('/ws/.env', env);
      const snap = index.snapshot();
      return { snap, conflicts: runRules(snap).filter((d) => d.rule === 'port-conflict') };
    }

    it('the extending services inherit app-base\'s 8080 at its digits; alternatives are quiet', () => {
      const { snap, conflicts } = analysed();
      const owners = snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === 8080).map((f) => f.owner).sort();
      assert.deepEqual(owners, ['app-base', 'app-code-from-image', 'app-local-code']);
      assert.equal(new Set(snap.facts.filter((f) => f.ports.start === 8080).map((f) => f.location.span.start)).size, 2, 'the published and the target digits of app-base, shared by all three');
      assert.deepEqual(conflicts, []);
    });

    it('near miss: enabling both local-code and code-from-image makes their 8080 and 9323 clash errors', () => {
      const { conflicts } = analysed('COMPOSE_PROFILES=local-code,code-from-image\n');
      assert.deepEqual(conflicts.map((d) => `${d.severity} ${d.message.slice(0, d.message.indexOf(' on '))}`).sort(), ['error 8080/tcp', 'error 8080/tcp', 'error 9323/tcp', 'error 9323/tcp']);
    });
  });

  describe('include (compose-spec 14-include.md)', () => {
    it('an included file\'s services are part of the including project: a clash between them is real', () => {
      const a = checkDiagnostics(`
        //- compose.yaml
        include:
          - path:
              - ./db/compose.yaml
        services:
          web:
            image: postgres-proxy
            ports:
              - "5432:5432"
                 ^^^^ port-conflict error: 5432/tcp on all interfaces is also bound by db (db/compose.yaml:5)
        //- db/compose.yaml
        services:
          db:
            image: postgres
            ports:
              - "5432:5432"
                 ^^^^ port-conflict error: 5432/tcp on all interfaces is also bound by web (compose.yaml:8)
      `, ONLY);
      const p = a.snap.placementOf('/ws/db/compose.yaml');
      assert.equal(p.project, '', 'in the project at the top of the folder');
      assert.match(p.reason, /included by compose\.yaml/);
    });

    it('near miss: without the include, db/ is a project of its own on its own host', () => {
      const a = checkDiagnostics(`
        //- compose.yaml
        services:
          web:
            image: postgres-proxy
            ports:
              - "5432:5432"
        //- db/compose.yaml
        services:
          db:
            image: postgres
            ports:
              - "5432:5432"
      `, ONLY);
      assert.equal(a.snap.placementOf('/ws/db/compose.yaml').project, 'db');
    });

    it('an included file is not also a project of its own (short syntax, a file that is not named compose.yaml)', () => {
      const a = checkDiagnostics(`
        //- stack/compose.yaml
        include:
          - ../lib/monitoring.compose.yaml
        services:
          web:
            image: nginx
            ports:
              - "9090:80"
                 ^^^^ port-conflict error: 9090/tcp on all interfaces is also bound by prometheus...
        //- lib/monitoring.compose.yaml
        services:
          prometheus:
            image: prom/prometheus
            ports:
              - "9090:9090"
                 ^^^^ port-conflict error: 9090/tcp on all interfaces is also bound by web...
      `, ONLY);
      assert.equal(a.snap.placementOf('/ws/lib/monitoring.compose.yaml').host, 'ws/stack');
    });
  });

  describe('extends', () => {
    it('extends.file: the extending service inherits the base\'s ports; facts keep the base file\'s span and the .env digits', () => {
      // lib/common.yml is a compose file of its own too (webapp, on its own host, with
      // lib/.env); web's facts are written in common.yml, with the digits in web's project .env.
      const a = checkFacts(`
        //- app/.env
        WEB_PORT=9090
        //- app/compose.yaml
        services:
          web:
            extends:
              file: ../lib/common.yml
              service: webapp
            image: nginx
        //- lib/.env
        WEB_PORT=7070
        //- lib/common.yml
        services:
          webapp:
            build: .
            ports:
              - "\${WEB_PORT:-8080}:80"
                 ^^^^^^^^^^^^^^^^^ bind tcp 9090 address=* owner=web detail=ports instance=compose:/ws/app#web via=interpolation:env-file valuefile=/ws/app/.env value=9090
                                   ^^ reference tcp 80 address=web owner=web detail="ports target" netns=compose:/ws/app#web published=9090
                 ^^^^^^^^^^^^^^^^^ bind tcp 7070 address=* owner=webapp detail=ports instance=compose:/ws/lib#webapp via=interpolation:env-file valuefile=/ws/lib/.env value=7070
                                   ^^ reference tcp 80 address=webapp owner=webapp detail="ports target" netns=compose:/ws/lib#webapp published=7070
      `);
      const web = a.snap.facts.find((f) => f.owner === 'web' && f.kind === 'bind')!;
      assert.equal(web.host, 'ws/app', 'on the extending project\'s host');
      assert.deepEqual(web.valueLocation, { file: '/ws/app/.env', span: { start: 9, end: 13 } });
    });

    it('follows edits: changing the base file re-reads the extending service; dropping the include makes db/ its own project again', () => {
      const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
      index.setText('/ws/app/compose.yaml', 'services:\n  web:\n    extends:\n      file: ../lib/common.yml\n      service: webapp\n');
      index.setText('/ws/lib/common.yml', 'services:\n  webapp:\n    image: nginx\n    ports:\n      - "8080:80"\n');
      const webPorts = () => index.snapshot().facts.filter((f) => f.owner === 'web' && f.kind === 'bind').map((f) => f.ports.start);
      assert.deepEqual(webPorts(), [8080]);
      index.setText('/ws/lib/common.yml', 'services:\n  webapp:\n    image: nginx\n    ports:\n      - "9090:80"\n');
      assert.deepEqual(webPorts(), [9090]);
      index.setText('/ws/compose.yaml', 'include:\n  - db/compose.yaml\nservices:\n  proxy:\n    image: nginx\n');
      index.setText('/ws/db/compose.yaml', 'services:\n  db:\n    image: postgres\n');
      assert.equal(index.snapshot().placementOf('/ws/db/compose.yaml').project, '');
      index.setText('/ws/compose.yaml', 'services:\n  proxy:\n    image: nginx\n');
      assert.equal(index.snapshot().placementOf('/ws/db/compose.yaml').project, 'db');
    });

    it('a clash through extends is real; near miss: ports: !reset [] on the extending service inherits nothing', () => {
      const stack = (own: string, marks: [string, string]) => `
        //- app/compose.yaml
        services:
          base:
            image: nginx
            profiles: [template]
            ports:
              - "8080:80"
${marks[0]}
          web:
            extends: base
            profiles: [web]
${own}
          admin:
            image: adminer
            profiles: [web]
            ports:
              - "8080:8080"
${marks[1]}
      `;
      checkDiagnostics(stack('', [
        '                 ^^^^ port-conflict warning: 8080/tcp on all interfaces is also bound by admin (app/compose.yaml:15) when web\'s compose profile "web" is enabled...',
        '                 ^^^^ port-conflict warning: 8080/tcp on all interfaces is also bound by web (app/compose.yaml:6) when admin\'s compose profile "web" is enabled...',
      ]), ONLY);
      checkDiagnostics(stack('            ports: !reset []', ['', '']), ONLY);
    });
  });

  describe('network_mode: service: and container:', () => {
    it('a service in another\'s namespace listens there: the same exposed port conflicts', () => {
      checkDiagnostics(`
        //- app/compose.yaml
        services:
          vpn:
            image: qmcgaw/gluetun
            container_name: vpn
            ports:
              - "8080:8080"
            expose:
              - "9000"
                 ^^^^ port-conflict error: 9000/tcp on vpn is also bound by torrent (app/compose.yaml:13)
          torrent:
            image: linuxserver/qbittorrent
            network_mode: "container:vpn"
            expose:
              - "9000"
                 ^^^^ port-conflict error: 9000/tcp on vpn is also bound by vpn (app/compose.yaml:8)
      `, ONLY);
    });

    it('near miss: without network_mode each has its own namespace', () => {
      checkDiagnostics(`
        //- app/compose.yaml
        services:
          vpn:
            image: qmcgaw/gluetun
            expose:
              - "9000"
          torrent:
            image: linuxserver/qbittorrent
            expose:
              - "9000"
      `, ONLY);
    });

    it('ports of a service that joins another\'s namespace publish nothing (Docker refuses them) and are invalid-port', () => {
      checkDiagnostics(`
        //- app/compose.yaml
        services:
          vpn:
            image: qmcgaw/gluetun
            ports:
              - "8080:8080"
          torrent:
            image: linuxserver/qbittorrent
            network_mode: service:vpn
            ports:
              - "8080:8080"
                 ^^^^^^^^^ invalid-port error: Docker publishes no ports of a container that shares another's network namespace (network_mode: service:vpn); publish this port on vpn instead
      `, PORTS);
    });
  });
});
