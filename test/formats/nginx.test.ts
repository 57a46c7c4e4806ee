import * as assert from 'node:assert/strict';
import { MAX_BLOCK_DEPTH, nginxFormat, parseNginx, resolveInclude } from '../../server/src/core/formats/nginx';
import type { ExtractContext, ExtractedFact, ExtractResult } from '../../server/src/core/model/facts';
import { corpusText, extractIn, slice, textAt } from '../helpers';
import { checkDiagnostics } from '../check';

const F = '/ws/nginx/conf.d/site.conf';

function run(text: string, file = F, others: Record<string, string> = {}): ExtractResult {
  return extractIn(nginxFormat, { ...others, [file]: text }, file);
}

/** Facts as "kind detail port proto address owner | span-text" lines, for compact assertions. */
function lines(r: ExtractResult, files: Record<string, string>): string[] {
  return r.facts.map(
    (f) =>
      `${f.kind} ${f.detail} ${f.ports.start === f.ports.end ? f.ports.start : `${f.ports.start}-${f.ports.end}`} ${f.protocol} ${f.address ?? '*'} ${f.owner} | ${textAt(files, f.location)}`,
  );
}

function only(r: ExtractResult): ExtractedFact {
  assert.equal(r.facts.length, 1, JSON.stringify(r.facts));
  return r.facts[0]!;
}

describe('nginx format', () => {
  describe('parser', () => {
    it('splits directives, blocks, quotes, escapes and ${var} with exact spans', () => {
      const text = 'http {\n  # comment { ;\n  add_header X "a \\"b\\" c" always;\n  set $x ${host}a;\n  location /a}b { return 200; }\n}\n';
      const r = parseNginx(text);
      assert.deepEqual(r.errors, []);
      const http = r.value[0]!;
      assert.equal(http.name.value, 'http');
      const [add, set, loc] = http.block!;
      assert.equal(add!.args[1]!.value, 'a "b" c');
      assert.equal(slice(text, add!.args[1]!.span), '"a \\"b\\" c"');
      assert.equal(set!.args[1]!.value, '${host}a');
      assert.equal(loc!.args[0]!.value, '/a}b');
      assert.equal(loc!.block![0]!.name.value, 'return');
      assert.equal(slice(text, http.span), text.trimEnd());
    });

    it('treats # inside a word as part of the word, but at a word start as a comment', () => {
      const r = parseNginx('a b#c; # d;\ne f;');
      assert.deepEqual(r.errors, []);
      assert.deepEqual(
        r.value.map((d) => [d.name.value, ...d.args.map((a) => a.value)]),
        [['a', 'b#c'], ['e', 'f']],
      );
    });

    it('reports an unexpected "}" at top level on the brace', () => {
      const text = 'listen 80;\n}\n';
      const r = parseNginx(text);
      assert.equal(r.errors[0]?.message, 'unexpected "}"');
      assert.equal(slice(text, r.errors[0]!.span), '}');
      assert.equal(r.value.length, 1);
    });

    it('reports a block left open at the end of the file on its "{"', () => {
      const text = 'server {\n  listen 80;\n';
      const r = parseNginx(text);
      assert.equal(r.errors[0]?.message, 'unexpected end of file, expecting "}"');
      assert.deepEqual(r.errors[0]!.span, { start: 7, end: 8 });
      assert.equal(r.value[0]!.block!.length, 1);
    });

    it('reports a missing ";" at the end of the file on the last word', () => {
      const text = 'server { listen 80; }\nworker_processes 4';
      const r = parseNginx(text);
      assert.equal(r.errors[0]?.message, 'unexpected end of file, expecting ";" or "}"');
      assert.equal(slice(text, r.errors[0]!.span), '4');
    });

    it('reports an unterminated quote on the opening quote', () => {
      const text = 'server { add_header X "abc; }\n';
      const r = parseNginx(text);
      assert.match(r.errors[0]!.message, /^unexpected end of file, expecting ";" or "}"/);
      assert.equal(r.errors[0]!.span.start, text.indexOf('"'));
      assert.equal(slice(text, r.errors[0]!.span), '"');
    });

    it('reports a character glued to a closing quote, and ";" with no directive', () => {
      const a = 'add_header "x"y;';
      assert.equal(parseNginx(a).errors[0]?.message, 'unexpected "y"');
      assert.equal(slice(a, parseNginx(a).errors[0]!.span), 'y');
      const b = 'listen 80;;';
      assert.equal(parseNginx(b).errors[0]?.message, 'unexpected ";"');
      assert.deepEqual(parseNginx(b).errors[0]!.span, { start: 10, end: 11 });
    });

    it('accepts the closing ")" of an if condition after a quoted word', () => {
      const r = parseNginx('if ($a = "b") { return 404; }');
      assert.deepEqual(r.errors, []);
      assert.equal(r.value[0]!.block![0]!.name.value, 'return');
    });

    it('runs every block left open at an error to the end of the text', () => {
      const text = 'http {\n  server {\n    listen 80;\n    location / {\n';
      const r = parseNginx(text);
      assert.equal(r.errors.length, 1);
      assert.equal(slice(text, r.errors[0]!.span), '{');
      assert.equal(r.errors[0]!.span.start, text.lastIndexOf('{'), 'the innermost open block is named');
      const http = r.value[0]!;
      const server = http.block![0]!;
      const location = server.block![1]!;
      assert.deepEqual([http.span.end, server.span.end, location.span.end], [text.length, text.length, text.length]);
      assert.deepEqual(location.block, []);
    });

    it(`reads ${MAX_BLOCK_DEPTH} nested blocks, and reports one more on its "{" as nested too deeply`, () => {
      const deep = (n: number) => 'a {'.repeat(n) + ' listen 80; ' + '}'.repeat(n);
      assert.deepEqual(parseNginx(deep(MAX_BLOCK_DEPTH)).errors, []);
      const text = deep(MAX_BLOCK_DEPTH + 1);
      const r = parseNginx(text);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /nested too deeply/);
      assert.equal(r.errors[0]!.span.start, 'a {'.repeat(MAX_BLOCK_DEPTH + 1).length - 1);
      let d = r.value[0]!;
      for (let i = 1; i < MAX_BLOCK_DEPTH; i++) d = d.block![0]!;
      assert.equal(d.block![0]!.name.value, 'a', 'the too-deep block is kept, empty');
      assert.deepEqual(d.block![0]!.block, []);
    });

    it('reads 100,000 nested blocks without exhausting the stack', () => {
      const text = 'http {'.repeat(100000) + '}'.repeat(100000);
      const r = parseNginx(text);
      assert.match(r.errors[0]?.message ?? '', /nested too deeply/);
      const x = run('server { listen 8080; }\n' + text);
      assert.equal(x.failed, true);
      assert.deepEqual(x.facts.map((f) => f.ports.start), [8080]);
    });

    it('never throws on arbitrary input', () => {
      for (const t of ['', '{', '}', '"', "'", '\\', '${', '#', ';', 'a {{ }', '\u0000\uffff']) {
        assert.doesNotThrow(() => parseNginx(t));
        assert.doesNotThrow(() => run(t));
      }
    });
  });

  describe('corpus: mattermost-docker nginx/conf.d/default.conf', () => {
    const path = '/ws/mattermost-docker/nginx/conf.d/default.conf';
    const text = corpusText('mattermost-docker/nginx/conf.d/default.conf');
    const files = { [path]: text };

    it('is detected strongly', () => {
      assert.equal(nginxFormat.detect(path, text), 'strong');
    });

    it('extracts the four listens, the upstream server and nothing for proxy_pass http://backend', () => {
      const r = extractIn(nginxFormat, files, path);
      assert.deepEqual(r.findings, []);
      assert.equal(r.failed, undefined);
      assert.deepEqual(lines(r, files), [
        'reference upstream 8065 tcp mattermost backend | 8065',
        'bind listen 80 tcp * nginx | 80',
        'bind listen 80 tcp :: nginx | 80',
        'bind listen 443 tcp * nginx | 443',
        'bind listen 443 tcp :: nginx | 443',
      ]);
      for (const f of r.facts.filter((x) => x.kind === 'bind')) {
        assert.equal(f.instance, 'nginx');
        assert.deepEqual(f.derivation, { kind: 'literal' });
        assert.deepEqual(f.valueLocation, f.location);
        assert.match(f.block!, /^server@\d+$/);
        assert.equal(slice(text, { start: Number(f.block!.slice(7)), end: Number(f.block!.slice(7)) + 6 }), 'server');
      }
      assert.ok(!r.facts.some((f) => f.detail === 'proxy_pass'));
      // `return 301 https://$host$request_uri;` has no literal port.
      assert.ok(!r.facts.some((f) => f.detail === 'return'));
    });
  });

  describe('listen', () => {
    const cases: [string, string, string | undefined, string][] = [
      // [argument, expected span text, address, port]
      ['80', '80', undefined, '80'],
      ['*:80', '80', undefined, '80'],
      ['127.0.0.1:8080', '8080', '127.0.0.1', '8080'],
      ['0.0.0.0:8080', '8080', '0.0.0.0', '8080'],
      ['[::]:443', '443', '::', '443'],
      ['[::1]:80', '80', '::1', '80'],
      ['localhost:8080', '8080', 'localhost', '8080'],
      ['"127.0.0.1:8081"', '8081', '127.0.0.1', '8081'],
    ];
    for (const [arg, span, address, port] of cases) {
      it(`listen ${arg}`, () => {
        const text = `server {\n  listen ${arg} default_server;\n}\n`;
        const f = only(run(text));
        assert.equal(f.kind, 'bind');
        assert.equal(f.detail, 'listen');
        assert.equal(slice(text, f.location.span), span);
        assert.equal(f.address, address);
        assert.equal(f.ports.start, Number(port));
        assert.equal(f.protocol, 'tcp');
        assert.deepEqual(f.derivation, { kind: 'literal' });
      });
    }

    it('a bare address listens on the default port 80, span on the address', () => {
      for (const [arg, address] of [
        ['127.0.0.1', '127.0.0.1'],
        ['[::1]', '::1'],
        ['localhost', 'localhost'],
        ['*', undefined],
      ] as const) {
        const text = `server { listen ${arg}; }`;
        const f = only(run(text));
        assert.equal(f.ports.start, 80);
        assert.equal(f.address, address);
        assert.equal(slice(text, f.location.span), arg);
        assert.deepEqual(f.derivation, { kind: 'default', note: 'nginx listen default port 80' });
      }
    });

    it('udp and quic make the bind UDP; ssl, http2, ipv6only, reuseport do not', () => {
      const text = 'server { listen 443 quic reuseport; listen 443 ssl http2; listen [::]:443 ssl ipv6only=on; }\nstream { server { listen 53 udp; } }';
      const r = run(text);
      assert.deepEqual(
        r.facts.map((f) => `${f.ports.start}/${f.protocol}`),
        ['443/udp', '443/tcp', '443/tcp', '53/udp'],
      );
    });

    it('unix sockets and variables are ignored', () => {
      const r = run('server { listen unix:/var/run/nginx.sock; listen $port; }');
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings, []);
    });

    it('owner is the first server_name other than "_", else "nginx"', () => {
      const text =
        'server { listen 80; server_name _ chat.example.com www.example.com; }\nserver { server_name _; listen 81; }\nserver { listen 82; }';
      assert.deepEqual(
        run(text).facts.map((f) => f.owner),
        ['chat.example.com', 'nginx', 'nginx'],
      );
    });

    it('invalid ports give an invalid-port finding on the digits and no fact', () => {
      const text = 'server { listen 70000; listen 127.0.0.1:0; listen 8080; }';
      const r = run(text);
      assert.deepEqual(
        r.findings.map((f) => [f.rule, slice(text, f.span)]),
        [
          ['invalid-port', '70000'],
          ['invalid-port', '0'],
        ],
      );
      assert.equal(r.findings[0]!.message, 'invalid port in "70000" of the "listen" directive');
      assert.deepEqual(
        r.facts.map((f) => f.ports.start),
        [8080],
      );
    });

    it('a listen port range spans the whole range text', () => {
      const text = 'server { listen 127.0.0.1:8000-8010; }';
      const f = only(run(text));
      assert.deepEqual(f.ports, { start: 8000, end: 8010 });
      assert.equal(slice(text, f.location.span), '8000-8010');
    });

    it('mail server blocks are read too', () => {
      const text = 'mail { server { listen 25; protocol smtp; } server { listen 993 ssl; protocol imap; } }';
      assert.deepEqual(
        run(text).facts.map((f) => f.ports.start),
        [25, 993],
      );
    });
  });

  describe('server without listen', () => {
    it('an http server block with no listen binds *:80 by default, span on "server"', () => {
      const text = 'server {\n  server_name app.example.com;\n  location / { root /srv; }\n}\n';
      const f = only(run(text));
      assert.equal(slice(text, f.location.span), 'server');
      assert.equal(f.ports.start, 80);
      assert.equal(f.address, undefined);
      assert.equal(f.owner, 'app.example.com');
      assert.equal(f.derivation.kind, 'default');
    });

    it('stays silent for stream servers, upstream server lines and servers including a listen', () => {
      const snippet = '/ws/nginx/snippets/listen.conf';
      const files = {
        [snippet]: 'listen 8443 ssl;\n',
      };
      const text = 'server { include snippets/listen.conf; }\nstream { server { proxy_pass x:1; } }\nupstream u { server a:1; }';
      const r = run(text, F, files);
      assert.deepEqual(
        r.facts.map((f) => f.detail),
        ['proxy_pass', 'upstream'],
      );
      assert.ok(r.dependencies.includes(snippet));
    });

    it('stays silent when an include cannot be resolved', () => {
      assert.deepEqual(run('server { include /etc/nginx/missing.conf; }').facts, []);
    });
  });

  describe('proxy_pass and the other *_pass directives', () => {
    it('literal ports in URLs and host:port forms', () => {
      const text = [
        'server {',
        '  server_name calls.example.com;',
        '  listen 443 ssl;',
        '  location /a { proxy_pass http://127.0.0.1:8045; }',
        '  location /b { proxy_pass https://rtcd.internal:8443/path; }',
        '  location /c { grpc_pass grpc://[::1]:50051; }',
        '  location /d { fastcgi_pass 127.0.0.1:9000; }',
        '  location /e { uwsgi_pass uwsgi://localhost:3031; }',
        '  location /f { scgi_pass localhost:4000; }',
        '  location /g { memcached_pass 10.0.0.5:11211; }',
        '}',
      ].join('\n');
      const r = run(text);
      const refs = r.facts.filter((f) => f.detail !== 'listen');
      assert.deepEqual(
        refs.map((f) => [f.detail, slice(text, f.location.span), f.address, f.scheme, f.kind, f.owner]),
        [
          ['proxy_pass', '8045', '127.0.0.1', 'http', 'reference', 'calls.example.com'],
          ['proxy_pass', '8443', 'rtcd.internal', 'https', 'reference', 'calls.example.com'],
          ['grpc_pass', '50051', '::1', 'grpc', 'reference', 'calls.example.com'],
          ['fastcgi_pass', '9000', '127.0.0.1', undefined, 'reference', 'calls.example.com'],
          ['uwsgi_pass', '3031', 'localhost', 'uwsgi', 'reference', 'calls.example.com'],
          ['scgi_pass', '4000', 'localhost', undefined, 'reference', 'calls.example.com'],
          ['memcached_pass', '11211', '10.0.0.5', undefined, 'reference', 'calls.example.com'],
        ],
      );
      assert.ok(refs.every((f) => f.instance === undefined && f.protocol === 'tcp'));
    });

    it('default ports only for loopback hosts and single-label names that are not upstreams', () => {
      const text = [
        'upstream backend { server 10.0.0.1:8065; }',
        'server {',
        '  listen 80;',
        '  location /a { proxy_pass http://localhost; }',
        '  location /b { proxy_pass https://mattermost/; }',
        '  location /c { proxy_pass http://backend; }',
        '  location /d { proxy_pass http://example.com; }',
        '  location /e { grpc_pass grpcs://[::1]; }',
        '  location /f { proxy_pass http://$upstream; }',
        '  location /g { fastcgi_pass php; }',
        '}',
      ].join('\n');
      const r = run(text);
      const refs = r.facts.filter((f) => f.detail !== 'listen' && f.detail !== 'upstream');
      assert.deepEqual(
        refs.map((f) => [f.ports.start, slice(text, f.location.span), f.address, f.scheme, f.derivation.kind]),
        [
          [80, 'localhost', 'localhost', 'http', 'default'],
          [443, 'mattermost', 'mattermost', 'https', 'default'],
          [443, '[::1]', '::1', 'grpcs', 'default'],
        ],
      );
    });

    it('default ports only for the http, https, grpc and grpcs schemes', () => {
      const text = 'server { listen 80; location / { proxy_pass constructor://127.0.0.1; proxy_pass tostring://127.0.0.1; proxy_pass https://127.0.0.1; } }';
      const r = run(text);
      assert.deepEqual(
        r.facts.filter((f) => f.detail === 'proxy_pass').map((f) => [f.ports.start, f.scheme]),
        [[443, 'https']],
      );
    });

    it('unix sockets and variable ports yield nothing', () => {
      const r = run(
        'server { listen 80; location / { proxy_pass http://unix:/run/app.sock:/; fastcgi_pass unix:/run/php.sock; proxy_pass http://app:$port; } }',
      );
      assert.deepEqual(
        r.facts.map((f) => f.detail),
        ['listen'],
      );
      assert.deepEqual(r.findings, []);
    });

    it('an invalid port gives a finding on the digits', () => {
      const text = 'server { listen 80; location / { proxy_pass http://x:99999/; } }';
      const r = run(text);
      assert.equal(r.findings.length, 1);
      assert.equal(slice(text, r.findings[0]!.span), '99999');
      assert.equal(r.findings[0]!.rule, 'invalid-port');
      assert.ok(!r.facts.some((f) => f.detail === 'proxy_pass'));
    });

    it('a proxy_pass carries the block id of its server, like that server\'s listen', () => {
      const text = 'server { listen 8080; location / { proxy_pass http://127.0.0.1:8065; } }\nserver { listen 81; }';
      const r = run(text);
      assert.equal(r.facts[0]!.block, 'server@0');
      assert.equal(r.facts[1]!.block, 'server@0');
      assert.notEqual(r.facts[2]!.block, 'server@0');
    });
  });

  describe('upstream', () => {
    it('server lines are references owned by the upstream, params ignored', () => {
      const text =
        'upstream api { server 127.0.0.1:8045 weight=5; server [::1]:8046 backup; server unix:/tmp/a.sock; server api.internal; server $x:1; }';
      const r = run(text);
      assert.deepEqual(
        r.facts.map((f) => [f.owner, f.detail, f.ports.start, f.address, slice(text, f.location.span), f.derivation.kind]),
        [
          ['api', 'upstream', 8045, '127.0.0.1', '8045', 'literal'],
          ['api', 'upstream', 8046, '::1', '8046', 'literal'],
          ['api', 'upstream', 80, 'api.internal', 'api.internal', 'default'],
          ['api', 'upstream', 1, '$x', '1', 'literal'],
        ],
      );
    });

    it('a stream upstream proxied from a udp listen is UDP; service= servers get no default port', () => {
      const text = [
        'stream {',
        '  upstream dns { server 10.0.0.2:53; }',
        '  upstream tcpapp { server 10.0.0.3:5000; }',
        '  server { listen 53 udp; proxy_pass dns; }',
        '  server { listen 5000; proxy_pass tcpapp; }',
        '  server { listen 3478 udp; proxy_pass 10.0.0.4:3478; }',
        '}',
        'http { upstream srv { server backend.local service=http resolve; } }',
      ].join('\n');
      const r = run(text);
      assert.deepEqual(
        r.facts.map((f) => `${f.detail} ${f.ports.start}/${f.protocol}`),
        [
          'upstream 53/udp',
          'upstream 5000/tcp',
          'listen 53/udp',
          'listen 5000/tcp',
          'listen 3478/udp',
          'proxy_pass 3478/udp',
        ],
      );
    });
  });

  describe('return and rewrite', () => {
    it('a literal port in a redirect URL is a reference, host text kept as written', () => {
      const text = [
        'server {',
        '  listen 80;',
        '  return 301 https://$host:8443$request_uri;',
        '  location /x { rewrite ^/x(.*)$ http://example.com:8080$1 permanent; }',
        '  location /y { return https://[::1]:9443/; }',
        '}',
      ].join('\n');
      const r = run(text);
      assert.deepEqual(
        r.facts.filter((f) => f.detail !== 'listen').map((f) => [f.detail, slice(text, f.location.span), f.address, f.scheme]),
        [
          ['return', '8443', '$host', 'https'],
          ['rewrite', '8080', 'example.com', 'http'],
          ['return', '9443', '::1', 'https'],
        ],
      );
    });

    it('no port, a body text, or a non-redirect code stays silent', () => {
      const r = run(
        'server { listen 80; return 301 https://$host$request_uri; location /a { return 200 "http://x:81/"; } location /b { rewrite ^ /local:82 last; } }',
      );
      assert.deepEqual(
        r.facts.map((f) => f.detail),
        ['listen'],
      );
    });
  });

  describe('parse errors', () => {
    it('keeps facts read before the error, reports it, and sets failed', () => {
      const text = 'server {\n  listen 8080;\n  location / {\n    proxy_pass http://127.0.0.1:9000;\n';
      const r = run(text);
      assert.equal(r.failed, true);
      assert.deepEqual(
        r.findings.map((f) => [f.rule, f.message, slice(text, f.span)]),
        [['parse-error', 'unexpected end of file, expecting "}"', '{']],
      );
      assert.equal(r.findings[0]!.span.start, text.lastIndexOf('{'));
      assert.deepEqual(
        r.facts.map((f) => f.ports.start),
        [8080, 9000],
      );
    });

    it('a well-formed file has no failed flag and no parse-error', () => {
      const r = run('server { listen 80; }');
      assert.equal(r.failed, undefined);
      assert.deepEqual(r.findings, []);
    });
  });

  describe('templates (gomplate, Jinja)', () => {
    const template = [
      '{{ $ENABLE_IPV6 := .Env.ENABLE_IPV6 | default "true" | toBool -}}',
      'worker_processes {{ .Env.NGINX_WORKER_PROCESSES | default "4" }};',
      'events { worker_connections {{ .Env.CONNECTIONS | default "768" }}; }',
      'http {',
      '  {# the public site #}',
      '  server {',
      '    listen 80;',
      '    {{ if $ENABLE_IPV6 }}',
      '    listen [::]:80;',
      '    {{ end -}}',
      '    listen {{ .Env.HTTPS_PORT }} ssl;',
      '    {% if tls %}listen 8443 ssl;{% endif %}',
      '    location / { proxy_pass http://127.0.0.1:{{ .Env.APP_PORT }}; }',
      '    location /api { proxy_pass http://127.0.0.1:9000; }',
      '  }',
      '}',
      '',
    ].join('\n');

    it('reads tags as unknown values: no parse-error, no invalid-port, no fact where a tag gives the port', () => {
      const r = run(template, '/ws/web/rootfs/defaults/nginx.conf');
      assert.equal(r.failed, undefined);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(
        r.facts.map((f) => `${f.kind} ${f.address ?? '*'}:${f.ports.start} ${slice(template, f.location.span)}`),
        ['bind *:80 80', 'bind :::80 80', 'bind *:8443 8443', 'reference 127.0.0.1:9000 9000'],
      );
      assert.equal(nginxFormat.detect('/ws/web/rootfs/defaults/nginx.conf', template), 'strong');
    });

    it('still reports a real syntax error and an invalid port next to tags (near-miss)', () => {
      const broken = 'server {\n  listen {{ .Env.PORT }};\n  listen { .Env.PORT };\n}\n';
      const r = run(broken);
      assert.deepEqual(r.findings.map((f) => [f.rule, f.message]), [['parse-error', 'unexpected "}"']]);
      const unclosed = 'server {\n  listen {{ .Env.PORT;\n}\n';
      assert.equal(run(unclosed).failed, true);
      const bad = 'server {\n  {{ if .Env.X }}\n  listen 99999;\n  {{ end }}\n}\n';
      assert.deepEqual(run(bad).findings.map((f) => [f.rule, slice(bad, f.span)]), [['invalid-port', '99999']]);
    });

    it('a placeholder port (<Port>, @@PORT@@) is an unknown value, no invalid-port; near miss: a wrong number still is one', () => {
      // nginx-proxy/nginx-proxy docs/README.md: `server 172.18.0.9:<Port>;` in illustrative generated output.
      const text = 'upstream app {\n  server 172.18.0.9:<Port>;\n  server 10.0.0.2:@@PORT@@;\n  server 10.0.0.3:80800;\n}\n';
      const r = run(text);
      assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['invalid-port', '80800']]);
      assert.deepEqual(r.facts, []);
    });

    it('a weakly recognised file that fails to parse yields no facts, a strongly recognised one keeps them', () => {
      const weak = 'server {\n    listen 8080;\n    location / { root /srv; }\n    location /x { {{ broken\n}\n';
      assert.equal(nginxFormat.detect('/ws/opt/misc/site.conf', weak), 'weak');
      assert.equal(run(weak, '/ws/opt/misc/site.conf').failed, true);
      checkDiagnostics(`
        //- /opt/app/docker-compose.yml
        services:
          web:
            image: caddy:2
            ports:
              - "8080:80"
                 ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by nginx (etc/nginx/conf.d/site.conf:2)
        //- /opt/misc/site.conf
        server {
            listen 8080;
            location / { root /srv; }
            location /x { {{ broken
        }
        //- /etc/nginx/conf.d/site.conf
        server {
            listen 8080;
                   ^^^^ port-conflict error: 8080/tcp on all interfaces is also bound by web (opt/app/docker-compose.yml:5)
            location / { root /srv; }
            location /x { {{ broken
                          ^ parse-error error: unexpected "{"
        }
      `);
    });
  });

  describe('one parse per snapshot', () => {
    const root = '/ws/nginx/nginx.conf';
    const site = '/ws/nginx/conf.d/site.conf';
    /** Extracts `site` with a shared-parse context that records which paths it was asked for. */
    function extractShared(siteText: string): { result: ExtractResult; asked: string[] } {
      const files: Record<string, string> = { [root]: 'http { include conf.d/*.conf; }\n', [site]: siteText };
      const all = Object.keys(files).sort();
      const asked: string[] = [];
      const cache = new Map<string, unknown>();
      const ctx: ExtractContext = {
        path: site,
        text: siteText,
        read: (p) => files[p],
        files: () => all,
        parsed: <T>(p: string, kind: string, parse: (text: string) => T): T | undefined => {
          asked.push(p);
          const key = `${kind}\u0000${p}`;
          if (!cache.has(key) && files[p] !== undefined) cache.set(key, parse(files[p]));
          return cache.get(key) as T | undefined;
        },
      };
      return { result: nginxFormat.extract(ctx), asked };
    }

    it("takes the file's own directives from the parse the include tree's scan shares", () => {
      const text = 'server { listen 8081; }\n';
      const { result, asked } = extractShared(text);
      assert.deepEqual(asked, [site, root]);
      assert.deepEqual(result.facts.map((f) => `${f.kind} ${f.ports.start} ${slice(text, f.location.span)}`), ['bind 8081 8081']);
    });

    it('parses a file with template tags on its own (the masked text), not through the shared parse', () => {
      const text = 'server { listen {{ .Env.PORT }}; listen 8082; }\n';
      const { result, asked } = extractShared(text);
      assert.deepEqual(asked, [root]);
      assert.deepEqual(result.facts.map((f) => f.ports.start), [8082]);
      assert.deepEqual(result.findings, []);
    });
  });

  describe('includes', () => {
    const root = '/ws/nginx/nginx.conf';
    const rootText = [
      'events {}',
      'http {',
      '  include /etc/nginx/conf.d/*.conf;',
      '  server {',
      '    server_name chat.example.com;',
      '    include snippets/listen-ssl.conf;',
      '  }',
      '}',
      'stream {',
      '  include stream.d/*.conf;',
      '}',
    ].join('\n');
    const upstreams = '/ws/nginx/conf.d/upstreams.conf';
    const site = '/ws/nginx/conf.d/site.conf';
    const snippet = '/ws/nginx/snippets/listen-ssl.conf';
    const streamFile = '/ws/nginx/stream.d/turn.conf';
    const files: Record<string, string> = {
      [root]: rootText,
      [upstreams]: 'upstream app { server app:8065; }\n',
      [site]: 'server { listen 8080; location / { proxy_pass http://app; } location /m { proxy_pass http://metrics; } }\n',
      [snippet]: 'listen 443 ssl;\nlisten [::]:443 ssl;\n',
      [streamFile]: 'server { listen 3478 udp; proxy_pass coturn:3478; }\n',
    };

    it('resolves relative, absolute-suffix and glob include paths', () => {
      const all = Object.keys(files).sort();
      assert.deepEqual(resolveInclude('snippets/listen-ssl.conf', root, all), [snippet]);
      assert.deepEqual(resolveInclude('/etc/nginx/conf.d/*.conf', root, all), [site, upstreams]);
      assert.deepEqual(resolveInclude('/etc/nginx/snippets/listen-ssl.conf', site, all), [snippet]);
      assert.deepEqual(resolveInclude('stream.d/*.conf', site, all), [streamFile]);
      assert.deepEqual(resolveInclude('/etc/nginx/nope/*.conf', root, all), []);
      assert.deepEqual(resolveInclude('$x.conf', root, all), []);
      // picomatch rejects globs over 65,536 characters: such an include names nothing, and nothing throws.
      assert.deepEqual(resolveInclude(`/etc/${'a'.repeat(70000)}/*.conf`, root, all), []);
      assert.deepEqual(resolveInclude(`conf.d/*${'a'.repeat(70000)}`, root, all), []);
      const sites = ['/ws/srv/nginx/sites-enabled/chat', '/ws/srv/nginx/sites-enabled/.hidden', '/ws/other/sites-enabled.bak'];
      const twoTrees = ['/ws/a/nginx/nginx.conf', '/ws/a/nginx/conf.d/x.conf', '/ws/b/conf.d/y.conf'];
      assert.deepEqual(resolveInclude('/etc/nginx/conf.d/*.conf', '/ws/a/nginx/nginx.conf', twoTrees), ['/ws/a/nginx/conf.d/x.conf']);
      assert.deepEqual(resolveInclude('/etc/conf.d/*.conf', '/ws/a/nginx/nginx.conf', twoTrees), ['/ws/a/nginx/conf.d/x.conf']);
      assert.deepEqual(resolveInclude('/etc/nginx/sites-enabled/*', '/ws/srv/nginx/nginx.conf', sites), [
        '/ws/srv/nginx/sites-enabled/chat',
      ]);
    });

    it('the root reports only its own facts and records what it read', () => {
      const r = extractIn(nginxFormat, files, root);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.dependencies, [site, upstreams, snippet, streamFile].sort());
    });

    it('a snippet gets the owner of the server block that includes it and reports its listens once', () => {
      const r = extractIn(nginxFormat, files, snippet);
      assert.deepEqual(lines(r, files), [
        'bind listen 443 tcp * chat.example.com | 443',
        'bind listen 443 tcp :: chat.example.com | 443',
      ]);
      assert.ok(r.facts.every((f) => f.location.file === snippet && f.block === undefined));
      assert.ok(r.dependencies.includes(root));
    });

    it('an upstream defined in another included file suppresses the default port; other single-label names get it', () => {
      const r = extractIn(nginxFormat, files, site);
      assert.deepEqual(lines(r, files), [
        'bind listen 8080 tcp * nginx | 8080',
        'reference proxy_pass 80 tcp metrics nginx | metrics',
      ]);
      assert.ok(r.dependencies.includes(upstreams));
    });

    it('a file included from stream reads in stream context', () => {
      const r = extractIn(nginxFormat, files, streamFile);
      assert.deepEqual(lines(r, files), [
        'bind listen 3478 udp * nginx | 3478',
        'reference proxy_pass 3478 udp coturn nginx | 3478',
      ]);
    });

    it('without nginx.conf, sibling files in conf.d share upstream names', () => {
      const loose = {
        '/ws/deploy/conf.d/up.conf': 'upstream app { server app:8065; }',
        '/ws/deploy/conf.d/site.conf': 'server { listen 80; location / { proxy_pass http://app; } }',
      };
      const r = extractIn(nginxFormat, loose, '/ws/deploy/conf.d/site.conf');
      assert.deepEqual(
        r.facts.map((f) => f.detail),
        ['listen'],
      );
      assert.deepEqual(r.dependencies, ['/ws/deploy/conf.d/up.conf']);
    });

    it('include cycles end', () => {
      const cyc = {
        '/ws/nginx/nginx.conf': 'http { include a.conf; }',
        '/ws/nginx/a.conf': 'include b.conf; server { listen 81; }',
        '/ws/nginx/b.conf': 'include a.conf; include nginx.conf; server { listen 82; }',
      };
      const r = extractIn(nginxFormat, cyc, '/ws/nginx/a.conf');
      assert.deepEqual(
        r.facts.map((f) => f.ports.start),
        [81],
      );
      assert.deepEqual(r.dependencies, ['/ws/nginx/b.conf', '/ws/nginx/nginx.conf']);
    });

    it('deep include chains stop at depth 16', () => {
      const chain: Record<string, string> = { '/ws/nginx/nginx.conf': 'http { include c0.conf; }' };
      for (let i = 0; i < 30; i++) chain[`/ws/nginx/c${i}.conf`] = `include c${i + 1}.conf;`;
      chain['/ws/nginx/c30.conf'] = 'server { listen 9; }';
      const r = extractIn(nginxFormat, chain, '/ws/nginx/nginx.conf');
      assert.deepEqual(r.facts, []);
      assert.ok(r.dependencies.length <= 17, String(r.dependencies.length));
      assert.ok(r.dependencies.length >= 16);
    });
  });

  describe('detect', () => {
    const site = 'server {\n  listen 80;\n  server_name x;\n  location / {\n    proxy_pass http://127.0.0.1:8065;\n  }\n}\n';

    it('is strong for nginx paths with nginx content', () => {
      for (const p of [
        '/ws/nginx.conf',
        '/ws/nginx/conf.d/default.conf',
        '/ws/etc/nginx/sites-available/default',
        '/ws/sites-enabled/chat',
        '/ws/deploy/conf.d/app.conf',
        '/ws/app.nginx',
        '/ws/app.nginxconf',
        '/ws/docker-nginx/templates/default.conf.template',
      ]) {
        assert.equal(nginxFormat.detect(p, site), 'strong', p);
      }
      assert.equal(nginxFormat.detect('/ws/nginx/nginx.conf', 'events {}\nhttp { include mime.types; }'), 'strong');
    });

    it('is weak for a .conf elsewhere that looks like nginx', () => {
      assert.equal(nginxFormat.detect('/ws/proxy/chat.conf', site), 'weak');
      assert.equal(nginxFormat.detect('/ws/proxy/chat.conf', 'upstream a { server b:1; }\nlisten 80;'), 'weak');
    });

    it('is false for nginx paths without nginx directives', () => {
      assert.equal(nginxFormat.detect('/ws/nginx/mime.types', 'types {\n  text/html html;\n}\n'), false);
      assert.equal(nginxFormat.detect('/ws/conf.d/modules.conf', 'options foo bar=1\n'), false);
    });

    it('is false for dovecot, supervisord, sshd, systemd, Kubernetes and Markdown', () => {
      const dovecot = [
        'protocols = imap',
        'listen = *, ::',
        'service imap-login {',
        '  inet_listener imap {',
        '    port = 143',
        '  }',
        '  inet_listener imaps {',
        '    port = 993',
        '    ssl = yes',
        '  }',
        '}',
      ].join('\n');
      assert.equal(nginxFormat.detect('/ws/dovecot/dovecot.conf', dovecot), false);
      assert.equal(nginxFormat.detect('/ws/conf.d/10-master.conf', dovecot), false);
      assert.equal(
        nginxFormat.detect('/ws/supervisord.conf', '[supervisord]\nnodaemon=true\n\n[program:nginx]\ncommand=nginx -g "daemon off;"\n'),
        false,
      );
      const apache = '<VirtualHost *:443>\n  ServerName x\n  ProxyPass / http://127.0.0.1:8065/\n</VirtualHost>\nListen 443\n';
      assert.equal(nginxFormat.detect('/ws/httpd/conf.d/ssl.conf', apache), false);
      assert.equal(nginxFormat.detect('/ws/ssh/sshd_config', 'Port 22\nListenAddress 0.0.0.0\nPermitRootLogin no\n'), false);
      assert.equal(
        nginxFormat.detect(
          '/ws/nginx/nginx.service',
          "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\nExecReload=/usr/sbin/nginx -s reload\n",
        ),
        false,
      );
      const k8s =
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx\ndata:\n  default.conf: |\n    server {\n      listen 80;\n      location / { proxy_pass http://app:8080; }\n    }\n';
      assert.equal(nginxFormat.detect('/ws/nginx/configmap.yaml', k8s), false);
      assert.equal(nginxFormat.detect('/ws/k8s/nginx', k8s), false);
      const md = '# Setup\n\n```nginx\nserver {\n    listen 80;\n    location / { proxy_pass http://x:1; }\n}\n```\n';
      assert.equal(nginxFormat.detect('/ws/nginx/README.md', md), false);
      assert.equal(nginxFormat.detect('/ws/docs/nginx', md), false);
    });

    it('never throws', () => {
      assert.doesNotThrow(() => nginxFormat.detect('', ''));
      assert.equal(nginxFormat.detect('/ws/nginx/empty.conf', ''), false);
    });
  });
});
