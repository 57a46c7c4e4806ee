/**
 * The fixture format (./fixture.ts), the fact renderer (./render.ts) and the checks built on
 * them (./check.ts), including that each check fails when an annotation is wrong.
 */
import * as assert from 'node:assert/strict';
import { checkDiagnostics, checkFacts, checkFix, checkFixAll, checkNoFix } from './check';
import {
  FixtureError,
  matchAll,
  messageMatches,
  parseDiagnosticExpectation,
  parseFactExpectation,
  parseFixture,
  renderFixture,
} from './fixture';
import { factFields, renderFact, renderFacts } from './render';
import type { ExtractedFact } from '../server/src/core/model/facts';

const CONFLICT = `
  //- /etc/rtcd/config.toml
  [api.http]
  listen_address = ":8444"
                     ^^^^ port-conflict error: 8444/tcp on all interfaces is also bound by nginx (etc/nginx/sites-enabled/rtcd.conf:2)
  //- /etc/nginx/sites-enabled/rtcd.conf
  server {
    listen 8444;
           ^^^^ port-conflict
  }
`;

/** Runs `f`, expecting an AssertionError; returns it. */
function failure(f: () => unknown): assert.AssertionError {
  try {
    f();
  } catch (e) {
    if (e instanceof assert.AssertionError) return e;
    throw e;
  }
  assert.fail('the check passed, but it should have failed');
}

describe('test fixtures', () => {
  describe('parseFixture', () => {
    it('splits files, removes annotation lines and dedents; spans and lines refer to the text without annotations', () => {
      const fx = parseFixture(CONFLICT);
      assert.deepEqual(fx.files, {
        '/ws/etc/rtcd/config.toml': '[api.http]\nlisten_address = ":8444"\n',
        '/ws/etc/nginx/sites-enabled/rtcd.conf': 'server {\n  listen 8444;\n}\n',
      });
      assert.deepEqual(
        fx.annotations.map((a) => [a.file, a.line, fx.files[a.file]!.slice(a.span.start, a.span.end), a.sourceLine]),
        [
          ['/ws/etc/rtcd/config.toml', 1, '8444', 4],
          ['/ws/etc/nginx/sites-enabled/rtcd.conf', 1, '8444', 8],
        ],
      );
      assert.equal(fx.annotations[1]!.text, 'port-conflict');
      assert.deepEqual(fx.annotations[1]!.span, { start: 18, end: 22 });
    });

    it('keeps blank lines, reads several annotations of one line, and honours crlf, noeol and paths without a slash', () => {
      const fx = parseFixture('//- a.sh crlf\nufw allow 22/tcp 80/tcp\n          ^^ first\n                 ^^ second\n\n//- b noeol\nx\n//- c\n');
      assert.deepEqual(fx.files, { '/ws/a.sh': 'ufw allow 22/tcp 80/tcp\r\n\r\n', '/ws/b': 'x', '/ws/c': '' });
      assert.deepEqual(fx.annotations.map((a) => [a.text, fx.files[a.file]!.slice(a.span.start, a.span.end)]), [['first', '22'], ['second', '80']]);
      const second = parseFixture('//- a crlf\none\ntwo\n^^^\n');
      assert.deepEqual(second.annotations[0]!.span, { start: 5, end: 8 }, 'offsets count the \\r\\n of crlf files');
    });

    it('takes a caret continuing with other characters (an nginx regex) for file text', () => {
      const fx = parseFixture('//- /etc/nginx/conf.d/a.conf\nlocation ~\n    ^/api {\n    ^\n}\n');
      assert.equal(fx.files['/ws/etc/nginx/conf.d/a.conf'], 'location ~\n    ^/api {\n}\n');
      assert.equal(fx.annotations.length, 1);
      assert.equal(fx.annotations[0]!.line, 1);
    });

    it('rejects malformed fixtures', () => {
      assert.throws(() => parseFixture('x\n//- a\n'), FixtureError);
      assert.throws(() => parseFixture('//- a\n^^ b\n'), /no line above/);
      assert.throws(() => parseFixture('//- a\nab\n ^^ x\n'), /past the end/);
      assert.throws(() => parseFixture('//- a\n//- /a\n'), /listed twice/);
      assert.throws(() => parseFixture('//- a unix\n'), /unknown file flag/);
      assert.throws(() => parseFixture('\n  \n'), /no "\/\/- PATH" header/);
      assert.throws(() => parseFixture('  //- a\n  abc\n^\n'), /indented less/);
    });

    it('renderFixture writes a fixture that parses back to the same files and annotations', () => {
      const fx = parseFixture(CONFLICT);
      const again = parseFixture(renderFixture(fx.files, fx.annotations));
      assert.deepEqual(again.files, fx.files);
      assert.deepEqual(again.annotations.map((a) => [a.file, a.span, a.text]), fx.annotations.map((a) => [a.file, a.span, a.text]));
      const crlf = parseFixture('//- a crlf\nx y\n  ^\n//- b noeol\nz');
      assert.deepEqual(parseFixture(renderFixture(crlf.files, crlf.annotations)).files, crlf.files);
    });
  });

  describe('annotation texts', () => {
    it('reads RULE [SEVERITY][: MESSAGE] and rejects unknown rules and severities', () => {
      assert.deepEqual(parseDiagnosticExpectation('port-conflict'), { rule: 'port-conflict' });
      assert.deepEqual(parseDiagnosticExpectation('doc-stale information'), { rule: 'doc-stale', severity: 'information' });
      assert.deepEqual(parseDiagnosticExpectation('invalid-port: a: b'), { rule: 'invalid-port', message: 'a: b' });
      assert.deepEqual(parseDiagnosticExpectation('invalid-port hint: x'), { rule: 'invalid-port', severity: 'hint', message: 'x' });
      assert.throws(() => parseDiagnosticExpectation('port-conflicts'), /unknown rule/);
      assert.throws(() => parseDiagnosticExpectation('port-conflict fatal'), /unknown severity/);
      assert.throws(() => parseDiagnosticExpectation('port-conflict error warning'), FixtureError);
    });

    it('matches messages exactly, with ... standing for any characters', () => {
      assert.ok(messageMatches('a b c', 'a b c'));
      assert.ok(!messageMatches('a b', 'a b c'));
      assert.ok(messageMatches('a ...', 'a b c'));
      assert.ok(messageMatches('... c', 'a b c'));
      assert.ok(messageMatches('...b...', 'a b c'));
      assert.ok(messageMatches('a...c...e', 'abcde'));
      assert.ok(!messageMatches('a...c...e', 'aecde'.replace('c', 'x')));
      assert.ok(!messageMatches('ab...ba', 'aba'), 'prefix and suffix may not overlap');
      assert.ok(!messageMatches('...x...', 'a b c'));
    });

    it('reads fact annotations: kind first, bare words, ports and KEY=VALUE with JSON strings', () => {
      assert.deepEqual(
        [...parseFactExpectation('firewall allow out udp 10000-20000 comment="rtcd media" from=10.0.0.5 shadowed')],
        [['kind', 'firewall'], ['action', 'allow'], ['direction', 'out'], ['protocol', 'udp'], ['ports', '10000-20000'], ['comment', 'rtcd media'], ['from', '10.0.0.5'], ['shadowed', 'true']],
      );
      assert.throws(() => parseFactExpectation('tcp bind'), /must start with the kind/);
      assert.throws(() => parseFactExpectation('bind tcp udp'), /protocol twice/);
      assert.throws(() => parseFactExpectation('bind tpc'), /unknown word "tpc"/);
      assert.throws(() => parseFactExpectation(''), /must start with the kind/);
    });

    it('matchAll finds a complete matching where a greedy pass would not', () => {
      // Expected 0 fits both actuals, expected 1 only the first: greedy would give 0 the first.
      assert.deepEqual(matchAll(['ab', 'a'], ['a', 'b'], (e, a) => e.includes(a)), [1, 0]);
      assert.deepEqual(matchAll(['a', 'a'], ['a'], (e, a) => e === a), [0, -1]);
    });
  });

  describe('renderFact', () => {
    const base: ExtractedFact = {
      kind: 'bind',
      ports: { start: 8443, end: 8443 },
      protocol: 'udp',
      owner: 'rtcd',
      role: 'rtcd-ice-udp',
      location: { file: '/ws/a', span: { start: 4, end: 8 } },
      valueLocation: { file: '/ws/a', span: { start: 4, end: 8 } },
      derivation: { kind: 'literal' },
      detail: 'ice_port_udp',
      instance: 'rtcd:/ws/a',
    };

    it('renders the fields in one order, optional ones only when set', () => {
      assert.equal(renderFact(base, 'udp=8443'), 'bind 8443/udp * rtcd ice_port_udp role=rtcd-ice-udp instance=rtcd:/ws/a | "8443"');
      const fw: ExtractedFact = {
        ...base,
        kind: 'firewall',
        ports: { start: 10000, end: 20000 },
        protocol: 'both',
        owner: 'ufw',
        detail: 'ufw allow',
        firewall: { firewall: 'ufw', action: 'allow', direction: 'in', from: '10.0.0.5', comment: 'rtcd media' },
        derivation: { kind: 'env', variable: 'X', location: base.location },
        shadowed: true,
      };
      delete fw.role;
      delete fw.instance;
      assert.equal(renderFact(fw, 'udp=8443'), 'firewall 10000-20000/both * ufw "ufw allow" allow in from=10.0.0.5 comment="rtcd media" via=env:X shadowed | "8443"');
    });

    it('shows the value text when it is written elsewhere, with the file when it is another one', () => {
      const files = { '/ws/a': 'p=${P}', '/ws/.env': 'P=8443\n' };
      const f: ExtractedFact = { ...base, location: { file: '/ws/a', span: { start: 2, end: 6 } }, valueLocation: { file: '/ws/.env', span: { start: 2, end: 6 } }, derivation: { kind: 'interpolation', expression: '${P}', variable: 'P', source: 'env-file' } };
      assert.deepEqual(renderFacts([f], files), ['bind 8443/udp * rtcd ice_port_udp role=rtcd-ice-udp instance=rtcd:/ws/a via=interpolation:env-file | "${P}" -> /ws/.env "8443"']);
      assert.deepEqual(factFields(f, files).slice(-2), [['valuefile', '/ws/.env'], ['value', '8443']]);
      assert.throws(() => renderFact(f, files['/ws/a']), /render with a map of files/);
    });
  });

  describe('checkDiagnostics', () => {
    it('passes when the diagnostics are exactly the annotations', () => {
      const a = checkDiagnostics(CONFLICT);
      assert.equal(a.diagnostics.length, 2);
    });

    it('fails for a missing, an extra, or a wrong annotation (rule, span, message, severity)', () => {
      const missing = failure(() => checkDiagnostics(CONFLICT.replace(/\n *\^\^\^\^ port-conflict\n/, '\n')));
      assert.match(missing.message, /not annotated: \/ws\/etc\/nginx\/sites-enabled\/rtcd\.conf port-conflict error: 8444\/tcp on all interfaces is also bound by rtcd \(etc\/rtcd\/config\.toml:2\)/);
      assert.match(String(missing.actual), /listen 8444;\n {9}\^\^\^\^ port-conflict error: 8444\/tcp/, 'the failure shows the annotation it needed');
      const extra = failure(() => checkDiagnostics(CONFLICT.replace('  }', '  }\n  ^ parse-error')));
      assert.match(extra.message, /no diagnostic for the annotation at fixture line 10: parse-error/);
      failure(() => checkDiagnostics(CONFLICT.replace('^^^^ port-conflict\n', '^^^^ invalid-port\n')));
      failure(() => checkDiagnostics(CONFLICT.replace('           ^^^^ port-conflict\n', '            ^^^ port-conflict\n')));
      failure(() => checkDiagnostics(CONFLICT.replace('rtcd.conf:2)', 'rtcd.conf:3)')));
      failure(() => checkDiagnostics(CONFLICT.replace('port-conflict error:', 'port-conflict warning:')));
    });

    it('applies rule settings, and with `only` ignores other rules but refuses their annotations', () => {
      checkDiagnostics(CONFLICT.replace('port-conflict error:', 'port-conflict warning:'), { settings: { 'port-conflict': 'warning' } });
      const unused = `
        //- /etc/nginx/conf.d/a.conf
        # portolan-ignore-next-line firewall-stale
                                    ^^^^^^^^^^^^^^ unused-suppression hint
        server { listen 8080; }
      `;
      checkDiagnostics(unused);
      checkDiagnostics(unused.replace(/\n *\^+ unused-suppression hint/, ''), { only: ['port-conflict'] });
      assert.throws(() => checkDiagnostics(unused, { only: ['port-conflict'] }), /only port-conflict are checked/);
      failure(() => checkDiagnostics(unused.replace(/\n *\^+ unused-suppression hint/, '')));
    });

    it('puts files on the hosts of a host map', () => {
      const twoHosts = `
        //- /app/nginx/sites-enabled/app
        server { listen 8065; }
        //- /chat/mattermost/config/config.json
        { "ServiceSettings": { "ListenAddress": ":8065" }, "SqlSettings": { "DriverName": "postgres" } }
      `;
      checkDiagnostics(twoHosts, { hostMap: [{ glob: 'app/**', host: 'app1' }, { glob: 'chat/**', host: 'chat1' }] });
      const oneHost = failure(() => checkDiagnostics(twoHosts));
      assert.match(oneHost.message, /not annotated: .*port-conflict/);
    });
  });

  describe('checkFacts', () => {
    const SITE = `
      //- /etc/nginx/sites-enabled/app
      server {
          listen 127.0.0.1:8080;
                           ^^^^ bind tcp address=127.0.0.1 owner=nginx detail=listen
          location / { proxy_pass http://127.0.0.1:8065; }
                                                   ^^^^ reference 8065 scheme=http
      }
    `;

    it('passes when the facts are exactly the annotations', () => {
      checkFacts(SITE);
    });

    it('fails for a wrong field, a missing fact or an unannotated one', () => {
      failure(() => checkFacts(SITE.replace('bind tcp', 'bind udp')));
      failure(() => checkFacts(SITE.replace('8065 scheme=http', '8065 scheme=https')));
      const unannotated = failure(() => checkFacts(SITE.replace(/\n *\^+ reference 8065 scheme=http/, '')));
      assert.match(unannotated.message, /not annotated: \/ws\/etc\/nginx\/sites-enabled\/app reference tcp 8065 address=127\.0\.0\.1 owner=\S+ detail=proxy_pass/);
      failure(() => checkFacts(SITE.replace(/\}\n\s*$/, '}\n      ^ bind\n')));
    });
  });

  describe('checkFix and checkNoFix', () => {
    const STALE = `
      //- /fw.sh
      #!/bin/sh
      ufw allow 22/tcp
      ufw allow 9999/tcp
                ^^^^ firewall-stale
    `;

    it('applies the fix and compares every file byte for byte', () => {
      const r = checkFix(STALE, '//- /fw.sh\n#!/bin/sh\nufw allow 22/tcp\n');
      assert.equal(r.fixes.length, 1);
      checkFix(STALE.replace(/\n *\^+ firewall-stale/, ''), { '/ws/fw.sh': '#!/bin/sh\nufw allow 22/tcp\n' }, 'firewall-stale');
    });

    it('fails when the result differs by one byte, when a changed file is left out, or when the diagnostic is not there', () => {
      failure(() => checkFix(STALE, '//- /fw.sh crlf\n#!/bin/sh\nufw allow 22/tcp\n'));
      failure(() => checkFix(STALE, '//- /fw.sh\n#!/bin/sh\nufw allow 22/tcp\nufw allow 9999/tcp\n'));
      const twoFiles = `
        //- /etc/rtcd/config.toml
        [api]
        http.listen_address = ":8045"
        //- /etc/nginx/sites-enabled/rtcd.conf
        server {
            listen 443 ssl;
            server_name rtcd.example.com;
            location / { proxy_pass http://127.0.0.1:8046; }
                                                     ^^^^ rtcd-mismatch
        }
      `;
      checkFix(twoFiles, '//- /etc/rtcd/config.toml\n[api]\nhttp.listen_address = ":8046"\n', { title: "Set rtcd's API port to ..." });
      failure(() => checkFix(twoFiles, '//- /etc/rtcd/config.toml\n[api]\nhttp.listen_address = ":8046"\n'));
      failure(() => checkFix(twoFiles, '//- /etc/nginx/sites-enabled/rtcd.conf\nserver {}\n', { title: "Set rtcd's API port to ..." }));
      failure(() => checkFix(STALE.replace('firewall-stale', 'firewall-missing'), '//- /fw.sh\n#!/bin/sh\nufw allow 22/tcp\n'));
    });

    it('checkNoFix passes when no fix is offered and fails when one is', () => {
      checkNoFix('//- /fw.sh\n#!/bin/sh\nufw allow 22/tcp\nufw allow 9999/tcp && ufw reload\n', 'firewall-stale');
      failure(() => checkNoFix(STALE));
    });

    it('checkFixAll: annotated diagnostics must be exactly the ones fixed; without annotations any may be', () => {
      const twoStale = `
        //- /fw.sh
        #!/bin/sh
        ufw allow 22/tcp
        ufw allow 9998/tcp
                  ^^^^ firewall-stale warning
        ufw allow 9999/tcp
                  ^^^^ firewall-stale
      `;
      const after = '//- /fw.sh\n#!/bin/sh\nufw allow 22/tcp\n';
      assert.equal(checkFixAll(twoStale, after, '/fw.sh').length, 2);
      assert.equal(checkFixAll(twoStale.replace(/\n *\^+ firewall-stale.*/g, ''), after, '/fw.sh').length, 2, 'no annotation: not checked');
      const fewer = failure(() => checkFixAll(twoStale.replace(/\n *\^+ firewall-stale warning/, ''), after, '/fw.sh'));
      assert.match(fewer.message, /^fixed diagnostics differ from the annotations\n {2}not annotated: \/ws\/fw\.sh firewall-stale warning: ufw allows 9998\/tcp/);
      const moved = failure(() => checkFixAll(twoStale.replace(/\n *\^+ firewall-stale warning/, '\n            ^^^^^^^^^ firewall-stale'), after, '/fw.sh'));
      assert.match(moved.message, /no fixed diagnostic for the annotation at fixture line 5: firewall-stale/);
      failure(() => checkFixAll(twoStale.replace('firewall-stale warning', 'firewall-stale error'), after, '/fw.sh'));
      failure(() => checkFixAll(twoStale, after, '/fw.sh', 'invalid-port'));
      assert.throws(() => checkFixAll(twoStale, twoStale, '/fw.sh'), /takes no annotations/);
    });
  });
});
