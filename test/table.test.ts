import * as assert from 'node:assert/strict';
import { fileFilter } from '../server/src/core/index/filter';
import { portReference, portTree } from '../server/src/core/features/table';
import { analyze } from './memory';

const files = {
  '/ws/etc/rtcd/config.toml': '[rtc]\nice_port_udp = 8443\nice_port_tcp = 8443\n\n[api.http]\nlisten_address = ":8045"\n',
  '/ws/etc/nginx/sites-enabled/calls': 'server {\n    listen 8443 ssl;\n    server_name calls.example;\n    location / { proxy_pass http://127.0.0.1:8045; }\n}\n',
  '/ws/opt/app/docker-compose.yml': 'services:\n  web:\n    image: httpd\n    ports:\n      - "127.0.0.1:9000:80"\n',
};

describe('port tree and port reference', () => {
  it('groups host → port/protocol → mention, and marks the conflicting port', () => {
    const a = analyze(files);
    const tree = portTree(a.snap, a.diagnostics);
    assert.deepEqual(tree.map((h) => h.host), ['ws']);
    const labels = tree[0]!.ports.map((p) => `${p.port}/${p.protocol}${p.worst ? ` ${p.worst}` : ''}${p.rtcd ? ' rtcd' : ''}`);
    assert.deepEqual(labels, ['80/tcp', '8045/tcp rtcd', '8443/tcp error rtcd', '8443/udp rtcd', '9000/tcp']);
    const tcp8443 = tree[0]!.ports[2]!;
    assert.deepEqual(tcp8443.mentions.map((m) => `${m.owner} ${m.kind} ${m.file}:${m.line} ${m.problems.map((p) => p.rule).join(',')}`), [
      'calls.example bind etc/nginx/sites-enabled/calls:2 port-conflict',
      "rtcd bind etc/rtcd/config.toml:3 port-conflict",
    ]);
    assert.equal(tree[0]!.ports[3]!.worst, undefined, '8443/udp does not clash with nginx, which is TCP');
  });

  it('filters: problems only, rtcd only', () => {
    const a = analyze(files);
    assert.deepEqual(portTree(a.snap, a.diagnostics, 'problems')[0]!.ports.map((p) => `${p.port}/${p.protocol}`), ['8443/tcp']);
    assert.deepEqual(portTree(a.snap, a.diagnostics, 'rtcd')[0]!.ports.map((p) => `${p.port}/${p.protocol}`), ['8045/tcp', '8443/tcp', '8443/udp']);
    const quiet = analyze({ '/ws/opt/app/docker-compose.yml': files['/ws/opt/app/docker-compose.yml'] });
    assert.deepEqual(portTree(quiet.snap, quiet.diagnostics, 'problems'), [], 'no problems: no hosts');
  });

  it('writes a Markdown reference with one table per host and the host\'s problems', () => {
    const a = analyze(files, { hostMap: [{ glob: 'opt/**', host: 'apps' }] });
    const md = portReference(a.snap, a.diagnostics, 'ws');
    const lines = md.split('\n');
    assert.equal(lines[1], '# Port reference: ws');
    assert.ok(lines.includes('## Host `apps`') && lines.includes('## Host `ws`'));
    assert.ok(lines.includes("| rtcd | 8045 | tcp | * | rtcd's API | etc/rtcd/config.toml:6 |"), md);
    assert.ok(lines.includes('| web | 9000 | tcp | 127.0.0.1 | listens (ports) | opt/app/docker-compose.yml:5 |'), md);
    assert.equal(lines.filter((l) => l.startsWith('- error `port-conflict`')).length, 2);
    assert.ok(md.endsWith('|\n\nProblems:\n\n' + lines.filter((l) => l.startsWith('- ')).join('\n') + '\n'));
  });

  it('a reference written into the workspace is not read back as a hand-written document', () => {
    const vhosts = {
      '/ws/etc/nginx/sites-enabled/a': 'server {\n    listen 443 ssl;\n    server_name a.example;\n}\n',
      '/ws/etc/nginx/sites-enabled/b': 'server {\n    listen 443 ssl;\n    server_name b.example;\n}\n',
    };
    const first = analyze(vhosts);
    const md = portReference(first.snap, first.diagnostics, 'ws');
    assert.ok(md.startsWith('<!-- portolan:reference '));
    const withRef = analyze({ ...vhosts, '/ws/PORTS.md': md });
    assert.deepEqual(withRef.diagnostics.map((d) => d.rule), [], 'no doc-conflict for two vhosts sharing 443');
    assert.equal(portReference(withRef.snap, withRef.diagnostics, 'ws'), md, 'regenerating gives the same text');
    const handWritten = analyze({ ...vhosts, '/ws/PORTS.md': md.slice(md.indexOf('\n') + 1) });
    assert.deepEqual(handWritten.diagnostics.map((d) => d.rule), ['doc-conflict', 'doc-conflict'], 'without the marker the same tables are read');
  });

  it('escapes pipes in cells so a table row stays one row', () => {
    const a = analyze({ '/ws/etc/nginx/sites-enabled/x': 'server {\n    listen 8081;\n    server_name a|b.example;\n}\n' });
    assert.match(portReference(a.snap, a.diagnostics, 'ws'), /^\| a\\\|b\.example \| 8081 \|/m);
  });
});

describe('include/exclude filter', () => {
  it('include narrows, exclude wins, bad globs match nothing', () => {
    const f = fileFilter({ include: ['deploy/**'], exclude: ['**/*.bak.conf'] });
    assert.equal(f('deploy/nginx/a.conf'), true);
    assert.equal(f('deploy/nginx/a.bak.conf'), false);
    assert.equal(f('other/a.conf'), false);
    assert.equal(fileFilter({})('anything/at/all'), true);
    assert.equal(fileFilter({ exclude: ['', 'x/**'] })('y/z'), true);
  });
});
