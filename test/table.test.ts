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
  it('groups host → project → port/protocol → mention, and marks the conflicting port', () => {
    const a = analyze(files);
    const tree = portTree(a.snap, a.diagnostics);
    assert.deepEqual(tree.map((h) => `${h.host} ${h.byProject}`), ['ws true'], 'a mirror with a compose project in opt/: one host, two groups');
    assert.deepEqual(tree[0]!.projects.map((g) => `${g.project ?? '-'} ${g.label}`), ['- files in no project', 'opt/app opt/app']);
    const labels = tree[0]!.projects.map((g) => g.ports.map((p) => `${p.port}/${p.protocol}${p.worst ? ` ${p.worst}` : ''}${p.rtcd ? ' rtcd' : ''}`));
    assert.deepEqual(labels, [['8045/tcp rtcd', '8443/tcp error rtcd', '8443/udp rtcd'], ['80/tcp', '9000/tcp']]);
    const tcp8443 = tree[0]!.projects[0]!.ports[1]!;
    assert.deepEqual(tcp8443.mentions.map((m) => `${m.owner} ${m.kind} ${m.file}:${m.line} ${m.problems.map((p) => p.rule).join(',')}`), [
      'calls.example bind etc/nginx/sites-enabled/calls:2 port-conflict',
      "rtcd bind etc/rtcd/config.toml:3 port-conflict",
    ]);
    assert.equal(tree[0]!.projects[0]!.ports[2]!.worst, undefined, '8443/udp does not clash with nginx, which is TCP');
  });

  it('a host whose files form one group gets no project level', () => {
    const noProjects = analyze({ '/ws/etc/rtcd/config.toml': files['/ws/etc/rtcd/config.toml'], '/ws/etc/nginx/sites-enabled/calls': files['/ws/etc/nginx/sites-enabled/calls'] });
    const flat = portTree(noProjects.snap, noProjects.diagnostics);
    assert.deepEqual(flat.map((h) => `${h.host} ${h.byProject} ${h.projects.map((g) => `${g.project ?? '-'}:${g.ports.length}`).join(' ')}`), ['ws false -:3']);
    // Not a mirror: each project is its own host, so host and project coincide.
    const twoStacks = analyze({
      '/ws/a/compose.yaml': 'services:\n  web:\n    image: httpd\n    ports:\n      - "8080:80"\n',
      '/ws/b/compose.yaml': 'services:\n  web:\n    image: httpd\n    ports:\n      - "8081:80"\n',
    });
    assert.deepEqual(portTree(twoStacks.snap, twoStacks.diagnostics).map((h) => `${h.host} ${h.byProject} ${h.projects.map((g) => g.label).join(',')}`), ['ws/a false a', 'ws/b false b']);
    const top = analyze({ '/ws/compose.yaml': 'services:\n  web:\n    image: httpd\n    ports:\n      - "8080:80"\n' });
    assert.deepEqual(portTree(top.snap, top.diagnostics).map((h) => `${h.host} ${h.byProject} ${h.projects.map((g) => `${g.project}=${g.label}`).join(',')}`), ['ws false =ws'], 'a project at the top names the folder');
  });

  it('lists a port two groups mention under each, with only that group\'s mentions', () => {
    const a = analyze({ ...files, '/ws/etc/nginx/sites-enabled/app': 'server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:9000; }\n}\n' });
    const [host] = portTree(a.snap, a.diagnostics);
    const at9000 = host!.projects.map((g) => `${g.label}: ${g.ports.filter((p) => p.port === '9000').flatMap((p) => p.mentions.map((m) => `${m.kind} ${m.file}`)).join(', ')}`);
    assert.deepEqual(at9000, ['files in no project: reference etc/nginx/sites-enabled/app', 'opt/app: bind opt/app/docker-compose.yml']);
  });

  it('names each folder in a multi-root workspace whose folders share a host', () => {
    const a = analyze(
      { '/a/etc/nginx/sites-enabled/x': 'server {\n    listen 8081;\n}\n', '/b/etc/nginx/sites-enabled/y': 'server {\n    listen 8082;\n}\n' },
      { roots: [{ path: '/a', name: 'a' }, { path: '/b', name: 'b' }], hostMap: [{ glob: '**', host: 'shared' }] },
    );
    const tree = portTree(a.snap, a.diagnostics);
    assert.deepEqual(tree.map((h) => `${h.host} ${h.byProject} ${h.projects.map((g) => g.label).join(',')}`), ['shared true a: files in no project,b: files in no project']);
  });

  it('filters: problems only, rtcd only; the project level stays as the unfiltered host has it', () => {
    const a = analyze(files);
    const problems = portTree(a.snap, a.diagnostics, 'problems');
    assert.deepEqual(problems.map((h) => `${h.host} ${h.byProject} ${h.projects.map((g) => `${g.label}: ${g.ports.map((p) => `${p.port}/${p.protocol}`).join(' ')}`).join('; ')}`), ['ws true files in no project: 8443/tcp'], 'opt/app has no problem: dropped');
    assert.deepEqual(portTree(a.snap, a.diagnostics, 'rtcd')[0]!.projects.map((g) => g.ports.map((p) => `${p.port}/${p.protocol}`)), [['8045/tcp', '8443/tcp', '8443/udp']]);
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
