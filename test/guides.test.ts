/**
 * Guides (issue 13): the configuration snippets of port documents checked as the files of one
 * host per heading section, list items and Python `port=` as documented binds, quick fixes in the
 * Markdown, and no noise. Every reading has a true finding and a near miss. The seeds
 * (test/corpus/seeds, read only) are each analysed alone, as `portolan check` on a folder
 * holding only that seed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { guideSetups, namedPath, snippetKind } from '../server/src/core/formats/markdown/snippets';
import { codePorts, listItemPort } from '../server/src/core/formats/markdown/lists';
import { readPortDoc } from '../server/src/core/formats/markdown/portdoc';
import { analyze, at, lineOf } from './memory';
import { checkFix } from './check';
import { runCli, SEEDS, seedNames, tmpWorkspace } from './helpers';
import type { PortDiagnostic } from '../server/src/core/rules';

const DOC = '/ws/docs/guide.md';
const F = '```';

function md(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** "rule line "text"" of every diagnostic in `file`, in order. */
function found(files: Record<string, string>, ds: readonly PortDiagnostic[], file = DOC): string[] {
  return ds.filter((d) => d.location.file === file).map((d) => `${d.rule} ${lineOf(files, d.location)} ${JSON.stringify(at(files, d))}`);
}

function seedText(prefix: string): { name: string; text: string } {
  const name = seedNames().find((n) => n.startsWith(prefix))!;
  return { name, text: fs.readFileSync(path.join(SEEDS, name), 'utf8') };
}

/** Rule and line of every diagnostic of a seed analysed alone. */
function seedFindings(prefix: string): { lines: string[]; ds: PortDiagnostic[]; files: Record<string, string> } {
  const { name, text } = seedText(prefix);
  const files = { [`/ws/${name}`]: text };
  const ds = analyze(files).diagnostics;
  return { lines: ds.map((d) => `${d.rule} ${lineOf(files, d.location)}`), ds, files };
}

const RTCD_SCENARIO = (title: string, api: number, ice: number) => [
  `### ${title}`,
  `${F}toml`,
  '# /etc/rtcd/config.toml',
  '[HTTP]',
  `ServerPort = ${api}`,
  '',
  '[RTC]',
  `ICEPortUDP = ${ice}`,
  F,
  '',
  `${F}nginx`,
  `listen ${api} ssl;`,
  `proxy_pass http://127.0.0.1:${api};`,
  F,
  '',
];

describe('guides', () => {
  describe('the seeds, each alone in a folder', () => {
    it('000: unknown rtcd keys in both scenarios, nginx on rtcd\'s media port in scenario 1, proxy_pass off rtcd\'s API in scenario 2', () => {
      const { lines, ds, files } = seedFindings('000');
      assert.deepEqual(lines, [
        'doc-conflict 15', 'doc-conflict 22',
        'port-conflict 102', 'unknown-rtcd-key 104', 'unknown-rtcd-key 107', 'unknown-rtcd-key 108', 'port-conflict 118',
        'unknown-rtcd-key 133', 'unknown-rtcd-key 136', 'unknown-rtcd-key 137', 'rtcd-mismatch 148',
      ]);
      const nginx = ds.find((d) => d.rule === 'port-conflict' && lineOf(files, d.location) === 118)!;
      assert.equal(at(files, nginx), '8443');
      assert.equal(nginx.message, 'In this guide\'s "Scenario 1: Port 8443 is FREE" setup: 8443/tcp on all interfaces is also bound by rtcd (line 102)');
      const key = ds.find((d) => d.rule === 'unknown-rtcd-key')!;
      assert.equal(at(files, key), 'ServerPort');
      assert.match(key.message, /did you mean "api\.http\.listen_address"\?$/);
      const mismatch = ds.find((d) => d.rule === 'rtcd-mismatch')!;
      assert.equal(at(files, mismatch), '8444');
      assert.match(mismatch.message, /^In this guide's "Scenario 2: Port 8443 is IN USE" setup: nginx proxy_pass to rtcd uses port 8444, but rtcd listens on .*\(line 131\)$/);
    });

    it('001: the compose fence publishes PostgreSQL, Redis and FreeSWITCH ESL on all interfaces', () => {
      const { lines, ds, files } = seedFindings('001');
      assert.deepEqual(lines, ['doc-conflict 10', 'doc-conflict 20', 'doc-conflict 26', 'doc-conflict 46', 'public-exposure 86', 'public-exposure 87', 'public-exposure 93']);
      assert.deepEqual(ds.filter((d) => d.rule === 'public-exposure').map((d) => at(files, d)), ['5432', '6379', '8021']);
    });

    it('002: unchanged (its notes "Port 3021: Will be freed" are no port plan)', () => {
      assert.deepEqual(seedFindings('002').lines, ['doc-conflict 44', 'doc-conflict 52']);
    });

    it('003: CollaborationServer(port=5556) onto the file server\'s port; the two lists of fixed ports agree', () => {
      const { lines, ds, files } = seedFindings('003');
      assert.deepEqual(lines, ['doc-conflict 77']);
      assert.equal(at(files, ds[0]!), '5556');
      assert.equal(ds[0]!.message, '5556/tcp is documented for "CollaborationServer" and also for "File transfer server" (line 12) and 1 more; one host cannot give it to both');
      assert.deepEqual(ds[0]!.related.map((r) => lineOf(files, r.location)), [12, 91]);
    });

    it('004: Environment= without the RTCD_ prefix in the unlabelled unit fence; docker run and the Calls URL stay silent', () => {
      const { lines, ds, files } = seedFindings('004');
      assert.deepEqual(lines, ['unknown-rtcd-key 64']);
      assert.equal(at(files, ds[0]!), 'API_SECURITY_ALLOWSELFREGISTRATION');
      assert.match(ds[0]!.message, /^In this guide's "As a systemd service" setup: rtcd does not read API_SECURITY_ALLOWSELFREGISTRATION/);
    });

    it('portolan check on a folder holding only seed 000 prints the scenario findings at their lines', async () => {
      const { name, text } = seedText('000');
      const dir = tmpWorkspace({ [name]: text }, 'portolan-guides-');
      try {
        const r = await runCli(['check', dir]);
        assert.match(r.out, new RegExp(`^${name.replace('.', '\\.')}:118:8: error port-conflict: In this guide's "Scenario 1: Port 8443 is FREE" setup: `, 'm'));
        assert.match(r.out, new RegExp(`^${name.replace('.', '\\.')}:148:29: error rtcd-mismatch: `, 'm'));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('snippets as documented configuration', () => {
    it('a first-line path comment makes a TOML fence rtcd\'s config: unknown keys are reported on the key', () => {
      const files = { [DOC]: md('# Ports', '', ...RTCD_SCENARIO('Setup', 8444, 8046)) };
      assert.deepEqual(found(files, analyze(files).byRule('unknown-rtcd-key')), ['unknown-rtcd-key 7 "ServerPort"', 'unknown-rtcd-key 10 "ICEPortUDP"']);
    });

    it('near miss: rtcd\'s own keys, and TOML that names no rtcd path and is no rtcd config, are silent', () => {
      const good = { [DOC]: md('# Ports', '', `${F}toml`, '# /etc/rtcd/config.toml', '[api.http]', 'listen_address = ":8045"', '[rtc]', 'ice_port_udp = 8443', F) };
      assert.deepEqual(found(good, analyze(good).diagnostics), []);
      const other = { [DOC]: md('# Ports', '', `${F}toml`, '[server]', 'Port = 8080', F, '', 'The port is 8080.') };
      assert.deepEqual(found(other, analyze(other).diagnostics), []);
    });

    it('reads unlabelled fences by content: a unit, nginx, compose, docker run; prose fences are nothing', () => {
      assert.equal(snippetKind('', '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/local/bin/rtcd\n'), 'systemd');
      assert.equal(snippetKind('', 'server {\n  listen 80;\n}\n'), 'nginx');
      assert.equal(snippetKind('', 'services:\n  db:\n    image: postgres\n'), 'compose');
      assert.equal(snippetKind('', 'docker run -p 80:80 nginx\n'), 'shell');
      assert.equal(snippetKind('', 'rtcd API:      8443/tcp\nrtcd Media:    8045/udp\n'), undefined);
      assert.equal(snippetKind('', 'sudo touch /lib/systemd/system/rtcd.service\n'), undefined);
      assert.equal(snippetKind('yaml', 'RTC Server Address: https://jitsi.example.com:8443\n'), undefined);
    });

    it('a path comment is only a path: "# /etc/rtcd/config.toml" yes, "# Nginx" and "# In server.py, change the port" no', () => {
      assert.equal(namedPath('# /etc/rtcd/config.toml'), 'etc/rtcd/config.toml');
      assert.equal(namedPath('// nginx/sites-available/rtcd'), 'nginx/sites-available/rtcd');
      assert.equal(namedPath('# docker-compose.yml'), 'docker-compose.yml');
      assert.equal(namedPath('# Nginx'), undefined);
      assert.equal(namedPath('# In server.py, change the port'), undefined);
      assert.equal(namedPath('# /etc/../../root/x.conf'), undefined);
    });

    it('an unlabelled unit fence: Environment= without RTCD_ is unknown-rtcd-key; near miss: with the prefix it is silent', () => {
      const unit = (env: string) => md('# rtcd ports', '', '```', '[Unit]', 'Description=rtcd', '[Service]', 'ExecStart=/usr/local/bin/rtcd', `Environment=${env}`, '```');
      const bad = { [DOC]: unit('RTC_ICEPORTUDP=8443') };
      assert.deepEqual(found(bad, analyze(bad).diagnostics), ['unknown-rtcd-key 8 "RTC_ICEPORTUDP"']);
      const good = { [DOC]: unit('RTCD_RTC_ICEPORTUDP=8443') };
      assert.deepEqual(found(good, analyze(good).diagnostics), []);
    });

    it('a bare compose `ports:` fence is one service: a database on all interfaces is public-exposure; near miss: on 127.0.0.1', () => {
      const doc = (spec: string) => md('# Ports', '', '## Compose', '', `${F}yaml`, 'ports:', `  - '${spec}' # PostgreSQL`, `  - '8080:8080' # Web`, F);
      const bad = { [DOC]: doc('5432:5432') };
      assert.deepEqual(found(bad, analyze(bad).diagnostics), ['public-exposure 7 "5432"']);
      const good = { [DOC]: doc('127.0.0.1:5432:5432') };
      assert.deepEqual(found(good, analyze(good).diagnostics), []);
    });
  });

  describe('scenarios', () => {
    it('two snippets of one section conflict; the same snippets in sibling sections (Option A / Option B) are alternatives', () => {
      const one = { [DOC]: md('# Ports', '', '## Option A', `${F}nginx`, 'listen 8080;', F, `${F}sh`, 'docker run -d -p 8080:80 nginx', F) };
      assert.deepEqual(found(one, analyze(one).byRule('port-conflict')), ['port-conflict 5 "8080"', 'port-conflict 8 "8080"']);
      assert.match(analyze(one).byRule('port-conflict')[0]!.message, /^In this guide's "Option A" setup: 8080\/tcp .*\(line 8\)$/);
      const two = { [DOC]: md('# Ports', '', '## Option A', `${F}nginx`, 'listen 8080;', F, '## Option B', `${F}sh`, 'docker run -d -p 8080:80 nginx', F) };
      assert.deepEqual(found(two, analyze(two).diagnostics), []);
    });

    it('one program shown twice in a section is no conflict: a compose example and its docker run, two TOML tabs of one option', () => {
      // blakeblackshear/frigate docs installation.md ("If you can't use Docker Compose ...") and
      // traefik/traefik entrypoints.md (YAML/TOML/CLI tabs of each example).
      const launch = { [DOC]: md('# Ports', '', '## Docker', `${F}yaml`, 'services:', '  frigate:', '    image: ghcr.io/blakeblackshear/frigate:stable', '    ports:', '      - "8971:8971"', F, `${F}sh`, 'docker run -d -p 8971:8971 ghcr.io/blakeblackshear/frigate:stable', F) };
      assert.deepEqual(found(launch, analyze(launch).byRule('port-conflict')), []);
      const tabs = { [DOC]: md('# Entry points', '', '## Example', `${F}toml`, '[entryPoints.web]', '  address = ":80"', F, `${F}toml`, '[entryPoints.web]', '  address = ":80"', F) };
      assert.deepEqual(found(tabs, analyze(tabs).byRule('port-conflict')), []);
    });

    it('nginx proxying to a port rtcd does not serve in an rtcd setup is rtcd-mismatch; near miss: proxying to rtcd\'s API', () => {
      const doc = (port: number) => md('# rtcd ports', '', '## Setup', `${F}toml`, '# /etc/rtcd/config.toml', '[api.http]', 'listen_address = ":8045"', F, `${F}nginx`, 'server {', '  listen 443 ssl;', `  location / { proxy_pass http://127.0.0.1:${port}; }`, '}', F);
      const bad = { [DOC]: doc(8046) };
      assert.deepEqual(found(bad, analyze(bad).diagnostics), ['rtcd-mismatch 12 "8046"']);
      const good = { [DOC]: doc(8045) };
      assert.deepEqual(found(good, analyze(good).diagnostics), []);
    });

    it('a guide\'s snippets never conflict with the real configuration of the workspace', () => {
      const files = { [DOC]: md('# Ports', '', `${F}nginx`, 'listen 8080;', F), '/ws/etc/nginx/conf.d/app.conf': 'server { listen 8080; }\n', '/ws/etc/systemd/system/app.service': '[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n' };
      assert.deepEqual(analyze(files).byRule('port-conflict').filter((d) => d.location.file === DOC), []);
    });
  });

  describe('list items', () => {
    it('reads "Port N: purpose (PROTO)", "PROTO N (purpose)" and "N/proto - purpose" with exact digits', () => {
      const line = { start: 0, end: 0 };
      const a = listItemPort('**Port 5556**: File transfer server (TCP)', 10, line)!;
      assert.deepEqual([a.ports, a.protocol, a.service, a.span], [{ start: 5556, end: 5556 }, 'tcp', 'File transfer server', { start: 17, end: 21 }]);
      const b = listItemPort('TCP 5556 (Files)', 0, line)!;
      assert.deepEqual([b.ports.start, b.protocol, b.service, b.span], [5556, 'tcp', 'Files', { start: 4, end: 8 }]);
      const c = listItemPort('8046/udp - rtcd Media', 0, line)!;
      assert.deepEqual([c.ports.start, c.protocol, c.service, c.span], [8046, 'udp', 'rtcd Media', { start: 0, end: 4 }]);
    });

    it('near miss: notes and other items are not read ("Port 3021: Will be freed", "Default: Port 8081", "API (3001)")', () => {
      const line = { start: 0, end: 0 };
      for (const item of ['**Port 3021**: Will be freed (conf-server WebSocket not merged)', 'Port 3020: Open ✅', '**Default**: Port 8081', 'API (3001) - Behind load balancer', 'User A on Machine 1: Uses port 8081', 'Port 70000: x (TCP)']) {
        assert.equal(listItemPort(item, 0, line), undefined, item);
      }
    });

    it('two list items giving one port to two services are doc-conflict; near miss: the same service named loosely ("Files")', () => {
      const bad = { [DOC]: md('# Ports', '', '- Port 5556: File server (TCP)', '- Port 5556: Chat server (TCP)') };
      assert.deepEqual(found(bad, analyze(bad).diagnostics), ['doc-conflict 3 "5556"', 'doc-conflict 4 "5556"']);
      const good = { [DOC]: md('# Ports', '', '- Port 5556: File server (TCP)', '- Port 5557: Chat server (TCP)', '', '## Firewall', '- TCP 5556 (Files)', '- TCP 5557 (Chat)') };
      assert.deepEqual(found(good, analyze(good).diagnostics), []);
    });
  });

  describe('Python port= arguments and assignments', () => {
    it('reads keyword arguments with the called name and assignments with their name', () => {
      const body = "server = CollaborationServer(\n    host='0.0.0.0',\n    port=6000,\n    file_port=6001\n)\nself.server_port = 5556  # Match\nport = find_available_port(8081)\nif port == 80: pass\n";
      assert.deepEqual(codePorts(body, 0).map((p) => [p.ports.start, p.service, p.detail, body.slice(p.span.start, p.span.end)]), [
        [6000, 'CollaborationServer', 'port= argument', '6000'],
        [6001, 'CollaborationServer file', 'port= argument', '6001'],
        [5556, 'server', 'assignment', '5556'],
      ]);
    });

    it('a port= suggestion onto a listed service\'s port is doc-conflict on the code only; near miss: a free port, or an assignment naming no service', () => {
      const doc = (port: number) => md('# Ports', '', '- Port 5555: Chat server (TCP)', '- Port 5556: File server (TCP)', '', `${F}python`, `server = CollaborationServer(host='0.0.0.0', port=${port})`, 'self.server_port = 5556', F);
      const bad = { [DOC]: doc(5556) };
      assert.deepEqual(found(bad, analyze(bad).diagnostics), ['doc-conflict 7 "5556"']);
      const good = { [DOC]: doc(5560) };
      assert.deepEqual(found(good, analyze(good).diagnostics), []);
    });
  });

  describe('no noise', () => {
    it('inspect-only commands, placeholders and shell output yield no facts and no findings', () => {
      const files = {
        [DOC]: md(
          '# Port checks', '',
          `${F}bash`, 'sudo netstat -tulpn | grep :8443', 'ss -ltnp | grep 8045', 'sudo lsof -i :8443', 'curl http://localhost:PORT/version', 'sudo nmap -sU -p 8046 host', 'sudo ufw status numbered', 'export RTCD_API_PORT=8444', 'echo "API Port: $RTCD_API_PORT"', F,
          `${F}console`, '$ docker ps', '0.0.0.0:5432->5432/tcp   postgres', 'tcp   LISTEN 0  128  0.0.0.0:6379  0.0.0.0:*', F,
          `${F}`, 'Internet ──→ 8444/tcp ──→ Nginx ──→ rtcd API', F,
          '- Port <port>: your service (TCP)',
        ),
      };
      assert.deepEqual(guideSetups(files[DOC]).flatMap((s) => s.snippets), []);
      assert.deepEqual(readPortDoc(DOC, files[DOC]).facts, []);
      assert.deepEqual(analyze(files).diagnostics, []);
    });
  });

  describe('against the real configuration', () => {
    const real = { '/ws/etc/rtcd/config.toml': '[rtc]\nice_port_udp = 8443\n' };
    const guide = (a: number, b: number) => md('# rtcd ports', '', '## Option A', `${F}toml`, '# /etc/rtcd/config.toml', '[rtc]', `ice_port_udp = ${a}`, F, '## Option B', `${F}toml`, '# /etc/rtcd/config.toml', '[rtc]', `ice_port_udp = ${b}`, F);

    it('a guide with alternatives drifts when none of them matches the configuration', () => {
      const files = { ...real, [DOC]: guide(8446, 8447) };
      assert.deepEqual(found(files, analyze(files).byRule('doc-drift')), ['doc-drift 7 "8446"', 'doc-drift 13 "8447"']);
    });

    it('near miss: one alternative matches, so none drifts', () => {
      const files = { ...real, [DOC]: guide(8443, 8447) };
      assert.deepEqual(found(files, analyze(files).byRule('doc-drift')), []);
    });

    it('near miss: a guide that states no ports and names no file of the workspace shows examples to adapt, which never drift', () => {
      // docker-mailserver docs podman.md ("modify compose.yaml" to rootless ports), zulip's
      // compose-ports.md remapping, frappe's alternate setup: 21 false doc-drift warnings.
      const unnamed = md('# rtcd ports', '', '## Option A', `${F}toml`, '[rtc]', 'ice_port_udp = 8446', F);
      const files = { ...real, [DOC]: unnamed };
      assert.deepEqual(found(files, analyze(files).byRule('doc-drift')), []);
      const elsewhere = { ...real, [DOC]: unnamed.replace('[rtc]', '# /opt/other/config.toml\n[rtc]') };
      assert.deepEqual(found(elsewhere, analyze(elsewhere).byRule('doc-drift')), []);
    });
    it('near miss: an nginx snippet named by its server_name is a virtual host, not the compose service of that word', () => {
      // sameersbn/docker-gitlab docs/container_registry.md: nginx on 443 for registry.example.com
      // proxies to the registry service's 5000; the word "registry" is no drift.
      const compose = { '/ws/docs/docker-compose-registry.yml': 'services:\n  registry:\n    image: registry:2\n    ports:\n      - "5000:5000"\n' };
      const site = (name: string) => md('# Registry', '', 'Listens on port 443.', '', `${F}nginx`, 'server {', `    server_name ${name};`, '    listen *:443 ssl;', '    location / { proxy_pass http://localhost:5000; }', '}', F);
      const files = { ...compose, [DOC]: site('registry.example.com') };
      assert.deepEqual(found(files, analyze(files).byRule('doc-drift')), []);
    });
  });

  describe('quick fixes edit only the Markdown', () => {
    it('renames an rtcd key inside the fence', () => {
      const before = md('# rtcd ports', '', `${F}toml`, '# /etc/rtcd/config.toml', '[rtc]', 'ICEPortUDP = 8443', F);
      checkFix({ [DOC]: before }, { [DOC]: before.replace('ICEPortUDP', 'ice_port_udp') }, 'unknown-rtcd-key');
    });

    it('adds the RTCD_ prefix to a unit\'s Environment= in the fence', () => {
      const before = md('# rtcd ports', '', '```ini', '[Service]', 'ExecStart=/usr/local/bin/rtcd', 'Environment=RTC_ICEPORTUDP=8443', '```');
      checkFix({ [DOC]: before }, { [DOC]: before.replace('=RTC_', '=RTCD_RTC_') }, 'unknown-rtcd-key');
    });

    it('publishes a compose fence\'s database port on 127.0.0.1', () => {
      const before = md('# Ports', '', `${F}yaml`, 'ports:', "  - '5432:5432' # PostgreSQL", F);
      checkFix({ [DOC]: before }, { [DOC]: before.replace("'5432:5432'", "'127.0.0.1:5432:5432'") }, 'public-exposure');
    });
  });
});
