/**
 * Deep nesting in every reader with a grammar (issue 12): each input is nested 100,000 levels,
 * past where a recursive parser overflows the stack. Readers that recurse (jsonc-parser for
 * Mattermost's and Caddy's JSON, toml-eslint-parser for TOML, yaml, nginx's blocks) refuse the
 * text with one `parse-error` naming the nesting, found before the parser runs; iterative readers
 * (Caddyfile, HAProxy, saxes for firewalld's XML, nftables, shell) read it without a stack
 * overflow. The near misses, nested within the bound, are read and keep their port.
 */
import * as assert from 'node:assert/strict';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../server/src/core/formats/context';
import { MAX_TOML_DEPTH, tomlTooDeep } from '../server/src/core/formats/toml/syntax';
import { WorkspaceIndex } from '../server/src/core/index/workspace';
import { runRules } from '../server/src/core/rules';

const DEEP = 100_000;

/** Parse errors, facts' ports and the format of one file indexed alone in `/ws`. */
function read(path: string, text: string): { format?: string; errors: string[]; ports: number[] } {
  const index = new WorkspaceIndex({ roots: [{ path: '/ws', name: 'ws' }] });
  index.setText(`/ws/${path}`, text);
  const snap = index.snapshot();
  const errors = runRules(snap).filter((d) => d.rule === 'parse-error').map((d) => d.message);
  const ports = snap.facts.filter((f) => f.location.file === `/ws/${path}`).map((f) => f.ports.start);
  return { format: snap.files.get(`/ws/${path}`)?.format, errors, ports };
}

const nest = (open: string, close: string, n: number, inner = ''): string => open.repeat(n) + inner + close.repeat(n);

interface Guarded {
  name: string;
  path: string;
  /** The file with `n` levels of nesting and its port (8065, 8045, 8080 or 80). */
  text: (n: number) => string;
  port: number;
}

const GUARDED: Guarded[] = [
  { name: 'Mattermost config.json, arrays', path: 'mattermost/config/config.json', port: 8065, text: (n) => `{"ServiceSettings": {"ListenAddress": ":8065"}, "SqlSettings": {"x": ${nest('[', ']', n)}}}` },
  { name: 'Mattermost config.json, objects', path: 'mattermost/config/config.json', port: 8065, text: (n) => `{"ServiceSettings": {"ListenAddress": ":8065"}, "SqlSettings": ${nest('{"a": ', '}', n, '1')}}` },
  { name: 'Caddy JSON', path: 'caddy/caddy.json', port: 8080, text: (n) => `{"apps": {"http": {"servers": {"a": {"listen": [":8080"]}}}}, "x": ${nest('[', ']', n)}}` },
  { name: 'rtcd TOML, inline arrays', path: 'etc/rtcd/config.toml', port: 8045, text: (n) => `[api.http]\nlisten_address = ":8045"\nx = ${nest('[', ']', n)}\n` },
  { name: 'rtcd TOML, inline tables', path: 'etc/rtcd/config.toml', port: 8045, text: (n) => `[api.http]\nlisten_address = ":8045"\n[x]\ny = ${nest('{a = ', '}', n, '1')}\n` },
  { name: 'rtcd TOML, dotted header', path: 'etc/rtcd/config.toml', port: 8045, text: (n) => `[api.http]\nlisten_address = ":8045"\n[${'a.'.repeat(n - 1)}b]\n` },
  { name: 'rtcd TOML, dotted key', path: 'etc/rtcd/config.toml', port: 8045, text: (n) => `[api.http]\nlisten_address = ":8045"\n[x]\n${'a.'.repeat(n - 1)}b = 1\n` },
  { name: 'Traefik TOML', path: 'traefik/traefik.toml', port: 80, text: (n) => `[entryPoints.web]\naddress = ":80"\n[x]\ny = ${nest('[', ']', n)}\n` },
  { name: 'compose YAML', path: 'app/docker-compose.yml', port: 8080, text: (n) => `services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n    labels: ${nest('[', ']', n)}\n` },
  { name: 'nginx', path: 'nginx/site.conf', port: 8080, text: (n) => `server {\n    listen 8080;\n}\n${nest('a {\n', '}\n', n)}` },
];

describe('deep nesting: recursive parsers are guarded, iterative ones read it', function () {
  this.timeout(60000);
  for (const g of GUARDED) {
    it(`${g.name}: ${DEEP} levels give one "nested too deeply" parse error, no stack overflow`, () => {
      const r = read(g.path, g.text(DEEP));
      assert.ok(r.format !== undefined, 'the file is still recognized');
      assert.equal(r.errors.length, 1, r.errors.join('\n'));
      assert.match(r.errors[0]!, /nested too deeply.* \(more than \d+ levels\)/);
      assert.doesNotMatch(r.errors[0]!, /call stack/);
    });
    it(`${g.name}, near miss: 50 levels are read and keep port ${g.port}`, () => {
      const r = read(g.path, g.text(50));
      assert.deepEqual(r.errors, []);
      assert.ok(r.ports.includes(g.port), `ports ${r.ports.join(', ')}`);
    });
  }

  const ITERATIVE: { name: string; path: string; text: string }[] = [
    { name: 'Caddyfile', path: 'caddy/Caddyfile', text: `:8080 {\n${nest('a {\n', '}\n', DEEP)}}\n` },
    { name: 'HAProxy', path: 'haproxy/haproxy.cfg', text: `frontend a\n    bind :8080\n    ${nest('{', '}', DEEP)}\n` },
    { name: 'firewalld zone XML', path: 'etc/firewalld/zones/public.xml', text: `<?xml version="1.0"?>\n<zone><port port="8080" protocol="tcp"/>${nest('<a>', '</a>', DEEP)}</zone>\n` },
    { name: 'nftables', path: 'etc/nftables.conf', text: `table inet filter {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 8080 accept\n${nest('{', '}', DEEP)}\n  }\n}\n` },
    { name: 'shell script', path: 'scripts/run.sh', text: `#!/bin/sh\nufw allow 8080/tcp\n${nest('$(', ')', DEEP)}\n${nest('{ ', '}; ', DEEP)}\n` },
  ];
  for (const c of ITERATIVE) {
    it(`${c.name}: ${DEEP} levels are read without a stack overflow, the port before them kept`, () => {
      const r = read(c.path, c.text);
      assert.ok(r.format !== undefined);
      for (const e of r.errors) assert.doesNotMatch(e, /call stack|could not read/);
      assert.ok(r.ports.includes(8080), `ports ${r.ports.join(', ')}`);
    });
  }
});

describe('nesting depth estimates for JSON and TOML', () => {
  it('JSON: brackets past the bound are found at the first one beyond it', () => {
    assert.deepEqual(jsonTooDeep('{"a": ' + '['.repeat(MAX_JSON_DEPTH)), { at: 6 + MAX_JSON_DEPTH - 1, depth: MAX_JSON_DEPTH + 1 });
    assert.equal(jsonTooDeep('{"a": ' + nest('[', ']', MAX_JSON_DEPTH - 1) + '}'), undefined);
  });

  it('JSON near miss: brackets in strings and comments, and closed levels, do not count', () => {
    const n = 3 * MAX_JSON_DEPTH;
    assert.equal(jsonTooDeep(`{"a": "${'['.repeat(n)}", "b\\"[": 1, // ${'{'.repeat(n)}\n/* ${'['.repeat(n)} */ "c": [${'[], '.repeat(n)}[]]}`), undefined);
  });

  it('TOML: inline brackets and the parts of a dotted key or header count', () => {
    assert.ok(tomlTooDeep(`x = ${'['.repeat(MAX_TOML_DEPTH + 1)}`));
    assert.ok(tomlTooDeep(`[${'a.'.repeat(MAX_TOML_DEPTH)}b]\n`));
    assert.ok(tomlTooDeep(`[[${'a.'.repeat(MAX_TOML_DEPTH)}b]]\n`));
    assert.ok(tomlTooDeep(`${'a.'.repeat(MAX_TOML_DEPTH + 1)}b = 1\n`));
    assert.ok(tomlTooDeep(`x = { ${'a.'.repeat(MAX_TOML_DEPTH + 1)}b = 1 }\n`));
  });

  it('TOML near miss: dots in values and strings, brackets in strings and comments, many short headers do not count', () => {
    const n = 3 * MAX_TOML_DEPTH;
    const text = [
      `floats = [${'1.5, '.repeat(n)}2.5]`,
      `version = "${'1.'.repeat(n)}0"`,
      `literal = '${'['.repeat(n)}'`,
      `multi = """\n${'{'.repeat(n)}\n"""`,
      `# ${'['.repeat(n)}`,
      `when = 1979-05-27T07:32:00.999Z`,
      `inline = { a.b = 1.5, c = [${'{d = 2.5}, '.repeat(n)}] }`,
      ...Array.from({ length: n }, (_, i) => `[t${i}.a.b]\nk = 1.5`),
      `[${'"a.b".'.repeat(MAX_TOML_DEPTH - 2)}c]`,
    ].join('\n');
    assert.equal(tomlTooDeep(text), undefined);
  });
});
