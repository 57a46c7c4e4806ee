import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { composeFormat, splitCommand } from '../../server/src/core/formats/compose';
import type { ExtractedFact, ExtractResult, Workload } from '../../server/src/core/model/facts';
import { corpusText, extractIn, ROOT, slice, textAt } from '../helpers';

const DIR = '/ws/app';
const F = `${DIR}/docker-compose.yml`;

function fixture(rel: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'compose', rel), 'utf8');
}

function run(text: string, others: Record<string, string> = {}, file = F): { r: ExtractResult; files: Record<string, string> } {
  const files = { ...others, [file]: text };
  return { r: extractIn(composeFormat, files, file), files };
}

function range(f: ExtractedFact): string {
  return f.ports.start === f.ports.end ? String(f.ports.start) : `${f.ports.start}-${f.ports.end}`;
}

/** Facts as "kind owner port/proto address netns detail | location text | value text" lines. */
function lines(r: ExtractResult, files: Record<string, string>): string[] {
  return r.facts.map(
    (f) =>
      `${f.kind} ${f.owner} ${range(f)}/${f.protocol} ${f.address ?? '*'} ${f.netns ?? 'host'} ${f.detail}` +
      `${f.publishedBy ? ` <-${f.publishedBy.start === f.publishedBy.end ? f.publishedBy.start : `${f.publishedBy.start}-${f.publishedBy.end}`}` : ''}` +
      ` | ${textAt(files, f.location)} | ${textAt(files, f.valueLocation)}`,
  );
}

function workload(r: ExtractResult, name: string): Workload {
  const w = r.workloads.find((x) => x.name === name);
  assert.ok(w, `no workload ${name}`);
  return w;
}

function findings(r: ExtractResult, text: string): string[] {
  return r.findings.map((f) => `${f.rule} ${slice(text, f.span)}: ${f.message}`);
}

describe('compose format', () => {
  describe('detect', () => {
    it('is strong for compose-named files with a top-level services mapping', () => {
      assert.equal(composeFormat.detect('/ws/docker-compose.yml', 'services:\n  web:\n    image: x\n'), 'strong');
      assert.equal(composeFormat.detect('/ws/compose.yaml', 'services:\n  web:\n    image: x\n'), 'strong');
      assert.equal(composeFormat.detect('/ws/docker-compose.override.yml', 'services:\n  web:\n    ports: ["80:80"]\n'), 'strong');
      assert.equal(composeFormat.detect('/ws/mm/docker-compose.nginx.yml', corpusText('mattermost-docker/docker-compose.nginx.yml')), 'strong');
      assert.equal(composeFormat.detect('/ws/jitsi/docker-compose.yml', corpusText('docker-jitsi-meet/docker-compose.yml')), 'strong');
    });
    it('is weak for other YAML whose services carry image/build/ports', () => {
      assert.equal(composeFormat.detect('/ws/stack.yml', 'services:\n  web:\n    image: nginx\n'), 'weak');
      assert.equal(composeFormat.detect('/ws/docker-compose.yml', 'version: "3"\nvolumes:\n  data: {}\n'), 'weak');
    });
    it('is false for Kubernetes manifests, workflows, GitLab CI, Ansible and non-YAML', () => {
      const k8s = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n';
      assert.equal(composeFormat.detect('/ws/service.yaml', k8s), false);
      assert.equal(composeFormat.detect('/ws/docker-compose.yml', k8s), false);
      const wf = 'on: push\njobs:\n  t:\n    services:\n      db:\n        image: postgres\n        ports: ["5432:5432"]\n';
      assert.equal(composeFormat.detect('/ws/.github/workflows/ci.yml', wf), false);
      assert.equal(composeFormat.detect('/ws/.gitlab-ci.yml', 'services:\n  - docker:dind\nbuild:\n  image: docker\n'), false);
      assert.equal(composeFormat.detect('/ws/site.yml', '- hosts: all\n  tasks:\n    - name: x\n      ports: 80\n'), false);
      assert.equal(composeFormat.detect('/ws/other.yml', 'services:\n  - a\n  - b\n'), false);
      assert.equal(composeFormat.detect('/ws/docker-compose.txt', 'services:\n  web:\n    image: x\n'), false);
    });
  });

  describe('ports short syntax', () => {
    const text = fixture('forms/docker-compose.yml');
    const { r, files } = run(text);
    const short = lines(r, files).filter((l) => l.includes(' short '));

    it('handles every form with exact spans on the digits', () => {
      assert.deepEqual(r.findings, []);
      assert.deepEqual(short, [
        'reference short 3000/tcp short compose:/ws/app#short ports target | 3000 | 3000',
        'reference short 3000-3005/tcp short compose:/ws/app#short ports target | 3000-3005 | 3000-3005',
        'bind short 8000/tcp * host ports | 8000 | 8000',
        'reference short 8000/tcp short compose:/ws/app#short ports target <-8000 | 8000 | 8000',
        'bind short 9090-9091/tcp * host ports | 9090-9091 | 9090-9091',
        'reference short 8080-8081/tcp short compose:/ws/app#short ports target <-9090-9091 | 8080-8081 | 8080-8081',
        'bind short 49100/tcp * host ports | 49100 | 49100',
        'reference short 22/tcp short compose:/ws/app#short ports target <-49100 | 22 | 22',
        'bind short 8001/tcp 127.0.0.1 host ports | 8001 | 8001',
        'reference short 8001/tcp short compose:/ws/app#short ports target <-8001 | 8001 | 8001',
        'bind short 5000-5010/tcp 127.0.0.1 host ports | 5000-5010 | 5000-5010',
        'reference short 5000-5010/tcp short compose:/ws/app#short ports target <-5000-5010 | 5000-5010 | 5000-5010',
        'bind short 6000/tcp ::1 host ports | 6000 | 6000',
        'reference short 6000/tcp short compose:/ws/app#short ports target <-6000 | 6000 | 6000',
        'bind short 6001/tcp ::1 host ports | 6001 | 6001',
        'reference short 6001/tcp short compose:/ws/app#short ports target <-6001 | 6001 | 6001',
        'bind short 6060/udp * host ports | 6060 | 6060',
        'reference short 6060/udp short compose:/ws/app#short ports target <-6060 | 6060 | 6060',
        'bind short 12400-12500/tcp * host ports | 12400-12500 | 12400-12500',
        'reference short 1240/tcp short compose:/ws/app#short ports target <-12400-12500 | 1240 | 1240',
        'bind short 5000/sctp * host ports | 5000 | 5000',
        'reference short 5000/sctp short compose:/ws/app#short ports target <-5000 | 5000 | 5000',
        'reference short 80/tcp short compose:/ws/app#short ports target | 80 | 80',
        'bind short 8081/tcp * host ports | 8081 | 8081',
        'reference short 81/tcp short compose:/ws/app#short ports target <-8081 | 81 | 81',
        'bind short 8082/tcp * host ports | 8082 | 8082',
        'reference short 82/tcp short compose:/ws/app#short ports target <-8082 | 82 | 82',
      ]);
    });

    it('puts the published span on the right occurrence of repeated digits', () => {
      const f = r.facts.find((x) => x.kind === 'reference' && x.ports.start === 8000)!;
      const bind = r.facts.find((x) => x.kind === 'bind' && x.ports.start === 8000)!;
      assert.equal(f.location.span.start, bind.location.span.start + 5, '"8000:8000": the target is the second 8000');
    });

    it('gives binds the service instance and literal derivations', () => {
      const bind = r.facts.find((x) => x.kind === 'bind' && x.owner === 'short')!;
      assert.equal(bind.instance, 'compose:/ws/app#short');
      assert.deepEqual(bind.derivation, { kind: 'literal' });
      assert.equal(bind.netns, undefined);
      assert.ok(!('netns' in bind), 'host-namespace binds carry no netns key');
    });
  });

  describe('ports long syntax', () => {
    const text = fixture('forms/docker-compose.yml');
    const { r, files } = run(text);
    it('reads target, published (string, int, range), host_ip and protocol', () => {
      assert.deepEqual(lines(r, files).filter((l) => l.includes(' long ')), [
        'bind long 8080/tcp 127.0.0.1 host ports | 8080 | 8080',
        'reference long 80/tcp long compose:/ws/app#long ports target <-8080 | 80 | 80',
        'bind long 8443/udp * host ports | 8443 | 8443',
        'reference long 443/udp long compose:/ws/app#long ports target <-8443 | 443 | 443',
        'bind long 7053-7054/tcp * host ports | 7053-7054 | 7053-7054',
        'reference long 53/tcp long compose:/ws/app#long ports target <-7053-7054 | 53 | 53',
        'bind long 9000/tcp ::1 host ports | 9000 | 9000',
        'reference long 9000/tcp long compose:/ws/app#long ports target <-9000 | 9000 | 9000',
        'reference long 7000/tcp long compose:/ws/app#long ports target | 7000 | 7000',
      ]);
    });
    it('reports invalid long-syntax ports on their text', () => {
      const t = 'services:\n  a:\n    ports:\n      - target: 80\n        published: 70000\n      - target: 0\n';
      const { r: bad } = run(t);
      assert.equal(bad.facts.length, 0);
      assert.deepEqual(findings(bad, t), [
        'invalid-port 70000: port 70000 is out of range 1-65535',
        'invalid-port 0: port 0 is out of range 1-65535',
      ]);
    });
  });

  describe('interpolation', () => {
    it('resolves ${VAR} from .env with location on the expression and value in .env', () => {
      const text = 'services:\n  web:\n    ports:\n      - "${WEB_PORT}:80"\n';
      const env = 'WEB_PORT=8081\n';
      const { r, files } = run(text, { [`${DIR}/.env`]: env, [`${DIR}/env.example`]: 'WEB_PORT=1\n' });
      const bind = r.facts.find((f) => f.kind === 'bind')!;
      assert.equal(textAt(files, bind.location), '${WEB_PORT}');
      assert.equal(bind.valueLocation.file, `${DIR}/.env`);
      assert.equal(textAt(files, bind.valueLocation), '8081');
      assert.deepEqual(bind.ports, { start: 8081, end: 8081 });
      assert.equal(bind.derivation.kind, 'interpolation');
      if (bind.derivation.kind !== 'interpolation') return;
      assert.equal(bind.derivation.expression, '${WEB_PORT}');
      assert.equal(bind.derivation.variable, 'WEB_PORT');
      assert.equal(bind.derivation.source, 'env-file');
      assert.equal(textAt(files, bind.derivation.location!), '8081');
      assert.deepEqual(r.dependencies, [`${DIR}/.env`]);
    });

    it('falls back to env.example when there is no .env', () => {
      const text = 'services:\n  web:\n    ports:\n      - "${WEB_PORT}:80"\n';
      const { r, files } = run(text, { [`${DIR}/env.example`]: fixture('forms/env.example') });
      const bind = r.facts.find((f) => f.kind === 'bind')!;
      assert.equal(bind.ports.start, 8088);
      assert.equal(bind.valueLocation.file, `${DIR}/env.example`);
      assert.equal(textAt(files, bind.valueLocation), '8088');
      assert.ok(bind.derivation.kind === 'interpolation' && bind.derivation.location?.file === `${DIR}/env.example`);
      assert.deepEqual(r.dependencies, [`${DIR}/.env`, `${DIR}/env.example`]);
    });

    it('uses the default inside the expression when the variable is unset', () => {
      const text = 'services:\n  jvb:\n    ports:\n      - "${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp"\n';
      const { r, files } = run(text);
      assert.deepEqual(lines(r, files), [
        'bind jvb 10000/udp * host ports | ${JVB_PORT:-10000} | 10000',
        'reference jvb 10000/udp jvb compose:/ws/app#jvb ports target <-10000 | ${JVB_PORT:-10000} | 10000',
      ]);
      const [bind, ref] = r.facts;
      assert.ok(bind!.location.span.start < ref!.location.span.start, 'each side points at its own expression');
      assert.ok(bind!.derivation.kind === 'interpolation' && bind!.derivation.source === 'expression-default');
      assert.equal(slice(text, bind!.valueLocation.span), '10000');
    });

    it('emits no fact for an unset side but keeps the other side, and reports nothing', () => {
      const text = 'services:\n  web:\n    ports:\n      - "${NOPE}:8000"\n      - "8001:${ALSO_NOPE}"\n';
      const { r, files } = run(text);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(lines(r, files), [
        'reference web 8000/tcp web compose:/ws/app#web ports target | 8000 | 8000',
        'bind web 8001/tcp * host ports | 8001 | 8001',
      ]);
    });

    it('handles $$ escapes as literal text (not a variable)', () => {
      const text = 'services:\n  web:\n    image: x\n    command: echo $$HOME\n';
      const { r } = run(text, { [`${DIR}/.env`]: 'HOME=/nope\n' });
      assert.deepEqual(workload(r, 'web').args, ['echo', '$HOME']);
    });
  });

  describe('expose and network_mode', () => {
    it('makes expose entries binds in the container namespace', () => {
      const text = 'services:\n  db:\n    expose:\n      - "5432"\n      - 9000-9001/udp\n      - 6379\n';
      const { r, files } = run(text);
      assert.deepEqual(lines(r, files), [
        'bind db 5432/tcp db compose:/ws/app#db expose | 5432 | 5432',
        'bind db 9000-9001/udp db compose:/ws/app#db expose | 9000-9001 | 9000-9001',
        'bind db 6379/tcp db compose:/ws/app#db expose | 6379 | 6379',
      ]);
      assert.equal(r.facts[0]!.instance, 'compose:/ws/app#db');
    });

    it('with network_mode: host, turns container ports into host binds and ignores publishing', () => {
      const text = 'services:\n  rtcd:\n    network_mode: host\n    ports:\n      - "9443:8443/udp"\n    expose:\n      - "8045"\n';
      const { r, files } = run(text);
      assert.deepEqual(lines(r, files), [
        'bind rtcd 8443/udp * host ports | 8443 | 8443',
        'bind rtcd 8045/tcp * host expose | 8045 | 8045',
      ]);
      const w = workload(r, 'rtcd');
      assert.equal(w.networkMode, 'host');
      assert.equal(w.netns, undefined);
    });

    it('without network_mode: host, the same service publishes normally (near miss)', () => {
      const text = 'services:\n  rtcd:\n    network_mode: bridge\n    ports:\n      - "9443:8443/udp"\n';
      const { r, files } = run(text);
      assert.deepEqual(lines(r, files), [
        'bind rtcd 9443/udp * host ports | 9443 | 9443',
        'reference rtcd 8443/udp rtcd compose:/ws/app#rtcd ports target <-9443 | 8443 | 8443',
      ]);
    });

    it('network_mode: service:<name> shares that service namespace', () => {
      const text = 'services:\n  vpn:\n    image: vpn\n  app:\n    network_mode: "service:vpn"\n    expose: ["8080"]\n';
      const { r } = run(text);
      assert.equal(r.facts[0]!.netns, 'compose:/ws/app#vpn');
      assert.equal(workload(r, 'app').netns, 'compose:/ws/app#vpn');
    });
  });

  describe('invalid ports and YAML errors', () => {
    it('reports out-of-range, reversed and malformed specs on their exact text', () => {
      const text =
        'services:\n  a:\n    ports:\n      - "70000:80"\n      - "0:80"\n      - "9000-8000:80"\n      - "abc:80"\n      - "80:90:100:200"\n      - "8080:80"\n';
      const { r, files } = run(text);
      assert.deepEqual(findings(r, text), [
        'invalid-port 70000: port 70000 is out of range 1-65535',
        'invalid-port 0: port 0 is out of range 1-65535',
        'invalid-port 9000-8000: reversed range 9000-8000: the first port must not exceed the last',
        'invalid-port abc:80: malformed port spec "abc:80": "abc" is not a port or a port range',
        'invalid-port 80:90:100:200: malformed port spec "80:90:100:200": "80:90" is not an IP address',
      ]);
      assert.deepEqual(lines(r, files), [
        'bind a 8080/tcp * host ports | 8080 | 8080',
        'reference a 80/tcp a compose:/ws/app#a ports target <-8080 | 80 | 80',
      ]);
      assert.equal(r.failed, undefined);
    });

    it('reports an invalid port that came from .env on the expression', () => {
      const text = 'services:\n  a:\n    ports:\n      - "${P}:80"\n';
      const { r } = run(text, { [`${DIR}/.env`]: 'P=99999\n' });
      assert.deepEqual(findings(r, text), ['invalid-port ${P}: port 99999 is out of range 1-65535']);
    });

    it('reports YAML syntax errors at their offset and fails', () => {
      const text = 'services:\n  web:\n    ports: ["80:80"\n    image: x\n';
      const { r } = run(text);
      assert.equal(r.failed, true);
      assert.ok(r.findings.length >= 1);
      assert.equal(r.findings[0]!.rule, 'parse-error');
      assert.equal(slice(text, r.findings[0]!.span), 'image', 'where yaml finds the unterminated flow sequence');
      assert.match(r.findings[0]!.message, /Flow sequence/);
      assert.ok(r.findings[0]!.message.length > 0);
      assert.doesNotMatch(r.findings[0]!.message, /\n/, 'a one-line message without yaml\'s source excerpt');
      assert.equal(r.facts.length, 0);
    });

    it('reports duplicate keys as parse errors (compose rejects them)', () => {
      const text = 'services:\n  web:\n    image: a\n    image: b\n';
      const { r } = run(text);
      assert.equal(r.failed, true);
      assert.equal(slice(text, r.findings[0]!.span), 'image');
      assert.equal(r.findings[0]!.span.start, text.lastIndexOf('image'), 'on the second key');
      assert.match(r.findings[0]!.message, /unique/);
    });

    it('survives an alias bomb quickly', () => {
      const text =
        'x-a: &a ["1:1","1:1","1:1","1:1","1:1","1:1","1:1","1:1","1:1"]\n' +
        'x-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n' +
        'x-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nx-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nx-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n' +
        'services:\n  web:\n    ports: *g\n    environment: *g\n    command: *g\n    volumes: *g\n';
      const t0 = Date.now();
      const { r } = run(text);
      assert.ok(Date.now() - t0 < 2000, 'bounded time');
      assert.ok(r.facts.length < 100, `bounded facts (${r.facts.length})`);
    });

    it('ignores a file without services', () => {
      const { r } = run('volumes:\n  data: {}\n');
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.workloads, []);
      assert.equal(r.failed, undefined);
    });
  });

  describe('workloads', () => {
    it('reads image, command, environment (list and map), env_file and volumes', () => {
      const text = [
        'x-common: &common',
        '  environment:',
        '    SHARED: "1"',
        'services:',
        '  rtcd:',
        '    image: mattermost/rtcd:${TAG:-latest}',
        '    command: ["rtcd", "--config", "/etc/rtcd/config.toml"]',
        '    env_file: rtcd.env',
        '    environment:',
        '      - RTCD_RTC_ICEPORTUDP=${UDP}',
        '      - PLAIN=x y',
        '      - FROM_ENV',
        '      - NOT_SET_ANYWHERE',
        '    volumes:',
        '      - ./config:/etc/rtcd:ro',
        '      - data:/data',
        '      - /abs/logs:/logs',
        '      - type: bind',
        '        source: ../shared',
        '        target: /shared',
        '      - type: volume',
        '        source: named',
        '        target: /named',
        '  web:',
        '    <<: *common',
        '    image: nginx',
        '    command: nginx -g "daemon off;"',
        '    environment:',
        '      PORT: 8080',
        '      EMPTY:',
        '      QUOTED: "a b"',
        '  merged:',
        '    <<: *common',
        '',
      ].join('\n');
      const envFile = 'FROM_ENV=hello\nUDP=8443\n';
      const rtcdEnv = 'RTCD_API_HTTP_LISTENADDRESS=":8045"\n';
      const { r, files } = run(text, { [`${DIR}/.env`]: envFile, [`${DIR}/rtcd.env`]: rtcdEnv });
      const rtcd = workload(r, 'rtcd');
      assert.equal(rtcd.kind, 'compose-service');
      assert.equal(rtcd.image, 'mattermost/rtcd:latest');
      assert.deepEqual(rtcd.args, ['rtcd', '--config', '/etc/rtcd/config.toml']);
      assert.equal(rtcd.instance, 'compose:/ws/app#rtcd');
      assert.equal(rtcd.netns, 'compose:/ws/app#rtcd');
      assert.equal(textAt(files, rtcd.location), 'rtcd');
      assert.deepEqual(
        rtcd.env.map((a) => [a.name, a.value]),
        [['RTCD_API_HTTP_LISTENADDRESS', ':8045'], ['RTCD_RTC_ICEPORTUDP', '8443'], ['PLAIN', 'x y'], ['FROM_ENV', 'hello']],
      );
      const [fromFile, udp, plain, fromEnv] = rtcd.env;
      assert.equal(fromFile!.valueLocation.file, `${DIR}/rtcd.env`);
      assert.equal(textAt(files, fromFile!.valueLocation), ':8045');
      assert.equal(textAt(files, udp!.nameLocation), 'RTCD_RTC_ICEPORTUDP');
      assert.equal(textAt(files, udp!.valueLocation), '${UDP}');
      assert.equal(textAt(files, plain!.valueLocation), 'x y');
      assert.equal(plain!.valueOffsets, undefined);
      assert.equal(textAt(files, fromEnv!.nameLocation), 'FROM_ENV');
      assert.equal(textAt(files, fromEnv!.valueLocation), 'hello', '"- KEY" takes its value from the .env file');
      assert.deepEqual(rtcd.volumes, [
        { source: '/ws/app/config', target: '/etc/rtcd' },
        { source: '/abs/logs', target: '/logs' },
        { source: '/ws/shared', target: '/shared' },
      ]);
      assert.ok(r.dependencies.includes(`${DIR}/rtcd.env`));

      const web = workload(r, 'web');
      assert.deepEqual(web.args, ['nginx', '-g', 'daemon off;']);
      assert.deepEqual(web.env.map((a) => [a.name, a.value]), [['PORT', '8080'], ['QUOTED', 'a b']], 'own keys replace merged ones');
      assert.deepEqual(workload(r, 'merged').env.map((a) => [a.name, a.value]), [['SHARED', '1']], '<<: *anchor merges');
      assert.equal(textAt(files, web.env[0]!.valueLocation), '8080');
      assert.equal(textAt(files, web.env[1]!.valueLocation), 'a b');
    });

    it('reads env_file in list and long form, skipping missing files', () => {
      const text = 'services:\n  a:\n    env_file:\n      - one.env\n      - path: ./two.env\n        required: false\n      - missing.env\n';
      const { r } = run(text, { [`${DIR}/one.env`]: 'A=1\n', [`${DIR}/two.env`]: 'B=2\n' });
      assert.deepEqual(workload(r, 'a').env.map((a) => a.name), ['A', 'B']);
      assert.ok(r.dependencies.includes(`${DIR}/missing.env`), 'a missing file is still a dependency');
    });

    it('splits string commands like a shell', () => {
      assert.deepEqual(splitCommand(`sh -c 'echo "a b"' x\\ y`), ['sh', '-c', 'echo "a b"', 'x y']);
      assert.deepEqual(splitCommand('   '), []);
    });
  });

  describe('real corpus', () => {
    const jitsi = corpusText('docker-jitsi-meet/docker-compose.yml');
    const jitsiEnv = corpusText('docker-jitsi-meet/env.example');
    const J = '/ws/jitsi/docker-compose.yml';

    it('docker-jitsi-meet with env.example: web, jicofo, jvb and prosody ports', () => {
      const { r, files } = run(jitsi, { '/ws/jitsi/env.example': jitsiEnv }, J);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(lines(r, files), [
        'bind web 8000/tcp * host ports | ${HTTP_PORT} | 8000',
        'reference web 8000/tcp web compose:/ws/jitsi#web ports target <-8000 | 8000 | 8000',
        'bind web 8443/tcp * host ports | ${HTTPS_PORT} | 8443',
        'reference web 8443/tcp web compose:/ws/jitsi#web ports target <-8443 | 8443 | 8443',
        'bind prosody 5222/tcp prosody compose:/ws/jitsi#prosody expose | ${XMPP_PORT:-5222} | 5222',
        'bind prosody 5269/tcp prosody compose:/ws/jitsi#prosody expose | ${PROSODY_S2S_PORT:-5269} | 5269',
        'bind prosody 5347/tcp prosody compose:/ws/jitsi#prosody expose | 5347 | 5347',
        'bind prosody 5280/tcp prosody compose:/ws/jitsi#prosody expose | ${PROSODY_HTTP_PORT:-5280} | 5280',
        'bind jicofo 8888/tcp 127.0.0.1 host ports | ${JICOFO_REST_PORT:-8888} | 8888',
        'reference jicofo 8888/tcp jicofo compose:/ws/jitsi#jicofo ports target <-8888 | 8888 | 8888',
        'bind jvb 10000/udp * host ports | ${JVB_PORT:-10000} | 10000',
        'reference jvb 10000/udp jvb compose:/ws/jitsi#jvb ports target <-10000 | ${JVB_PORT:-10000} | 10000',
        'bind jvb 8080/tcp 127.0.0.1 host ports | ${JVB_COLIBRI_PORT:-8080} | 8080',
        'reference jvb 8080/tcp jvb compose:/ws/jitsi#jvb ports target <-8080 | 8080 | 8080',
      ]);
      const web = r.facts[0]!;
      assert.equal(web.valueLocation.file, '/ws/jitsi/env.example');
      assert.ok(web.derivation.kind === 'interpolation' && web.derivation.source === 'env-file');
      assert.deepEqual(r.dependencies, ['/ws/jitsi/.env', '/ws/jitsi/env.example']);
      assert.equal(workload(r, 'web').image, 'ghcr.io/jitsi/web:unstable');
      const sentry = workload(r, 'jvb').env.find((a) => a.name === 'SENTRY_DSN')!;
      assert.equal(sentry.value, '"0"', 'list-form values keep their quotes, as compose does');
      assert.deepEqual(workload(r, 'jicofo').volumes, [{ source: '~/.jitsi-meet-cfg/jicofo', target: '/config' }]);
    });

    it('docker-jitsi-meet: .env wins over env.example', () => {
      const env = 'HTTP_PORT=8000\nHTTPS_PORT=8443\n';
      const { r, files } = run(jitsi, { '/ws/jitsi/env.example': 'HTTP_PORT=1\nHTTPS_PORT=2\n', '/ws/jitsi/.env': env }, J);
      const binds = r.facts.filter((f) => f.kind === 'bind' && f.owner === 'web');
      assert.deepEqual(binds.map((b) => b.ports.start), [8000, 8443]);
      assert.deepEqual(binds.map((b) => b.valueLocation.file), ['/ws/jitsi/.env', '/ws/jitsi/.env']);
      assert.deepEqual(binds.map((b) => textAt(files, b.valueLocation)), ['8000', '8443']);
      assert.deepEqual(r.dependencies, ['/ws/jitsi/.env']);
    });

    it('docker-jitsi-meet without any env file: HTTP_PORT is unknown, defaults still apply', () => {
      const { r, files } = run(jitsi, {}, J);
      const web = lines(r, files).filter((l) => l.includes(' web '));
      assert.deepEqual(web, [
        'reference web 8000/tcp web compose:/ws/jitsi#web ports target | 8000 | 8000',
        'reference web 8443/tcp web compose:/ws/jitsi#web ports target | 8443 | 8443',
      ]);
      assert.ok(r.facts.some((f) => f.owner === 'jvb' && f.ports.start === 10000 && f.kind === 'bind'));
    });

    const mmEnv = corpusText('mattermost-docker/env.example');
    const mm = (name: string) => {
      const file = `/ws/mm/${name}`;
      return run(corpusText(`mattermost-docker/${name}`), { '/ws/mm/env.example': mmEnv }, file);
    };

    it('mattermost-docker/docker-compose.yml: no ports, workloads with env from env.example', () => {
      const { r } = mm('docker-compose.yml');
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings, []);
      const w = workload(r, 'mattermost');
      assert.equal(w.image, 'mattermost/mattermost-enterprise-edition:10.5.2');
      assert.equal(w.env.find((a) => a.name === 'MM_SQLSETTINGS_DRIVERNAME')?.value, 'postgres');
      assert.deepEqual(w.volumes[0], { source: '/ws/mm/volumes/app/mattermost/config', target: '/mattermost/config' });
      assert.equal(workload(r, 'postgres').image, 'postgres:13-alpine');
    });

    it('mattermost-docker/docker-compose.nginx.yml: nginx 443/80 and Calls 8443 udp+tcp', () => {
      const { r, files } = mm('docker-compose.nginx.yml');
      assert.deepEqual(lines(r, files), [
        'bind nginx 443/tcp * host ports | ${HTTPS_PORT} | 443',
        'reference nginx 443/tcp nginx compose:/ws/mm#nginx ports target <-443 | 443 | 443',
        'bind nginx 80/tcp * host ports | ${HTTP_PORT} | 80',
        'reference nginx 80/tcp nginx compose:/ws/mm#nginx ports target <-80 | 80 | 80',
        'bind mattermost 8443/udp * host ports | ${CALLS_PORT} | 8443',
        'reference mattermost 8443/udp mattermost compose:/ws/mm#mattermost ports target <-8443 | ${CALLS_PORT} | 8443',
        'bind mattermost 8443/tcp * host ports | ${CALLS_PORT} | 8443',
        'reference mattermost 8443/tcp mattermost compose:/ws/mm#mattermost ports target <-8443 | ${CALLS_PORT} | 8443',
      ]);
      assert.equal(workload(r, 'nginx').volumes[0]!.source, '/ws/mm/nginx/conf.d');
    });

    it('mattermost-docker/docker-compose.without-nginx.yml: APP_PORT 8065 and Calls; instance shared with docker-compose.yml', () => {
      const { r, files } = mm('docker-compose.without-nginx.yml');
      assert.deepEqual(lines(r, files).slice(0, 2), [
        'bind mattermost 8065/tcp * host ports | ${APP_PORT} | 8065',
        'reference mattermost 8065/tcp mattermost compose:/ws/mm#mattermost ports target <-8065 | 8065 | 8065',
      ]);
      assert.equal(r.facts.length, 6);
      const base = mm('docker-compose.yml').r;
      assert.equal(r.facts[0]!.instance, workload(base, 'mattermost').instance);
    });
  });
});
