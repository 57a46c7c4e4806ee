/**
 * Checks the extension manifest (package.json contributions), the TextMate grammars, the
 * language configurations, the rtcd JSON schema and the client's pure selector tables.
 * Runs in plain Node: nothing here imports `vscode`.
 */
import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { RULE_INFO } from '../server/src/core/rules/index';
import {
  COMMANDS,
  CONTRIBUTED_LANGUAGES,
  DOCUMENT_LANGUAGES,
  PORTS_VIEW,
  VIEW_CONTAINER,
  DOCUMENT_PATTERNS,
  RESTART_COMMAND,
  documentSelector,
} from '../client/src/selectors';
import { ROOT, corpusText } from './helpers';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function readJson(rel: string): Json {
  return JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));
}

const pkg: Json = readJson('package.json');
const contributes: Json = pkg.contributes;

/** Every regex source (match/begin/end/while) in a TextMate grammar, with a path for messages. */
function grammarRegexes(node: Json, where = '$'): Array<{ where: string; source: string }> {
  const out: Array<{ where: string; source: string }> = [];
  if (Array.isArray(node)) {
    node.forEach((n, i) => out.push(...grammarRegexes(n, `${where}[${i}]`)));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(k) && typeof v === 'string') out.push({ where: `${where}.${k}`, source: v });
      else out.push(...grammarRegexes(v, `${where}.${k}`));
    }
  }
  return out;
}

/** Compiles a grammar regex with the JS engine (the grammars avoid Oniguruma-only syntax). */
function re(grammar: Json, ...keys: string[]): RegExp {
  let node: Json = grammar;
  for (const k of keys) node = node[k];
  assert.equal(typeof node, 'string', `no regex at ${keys.join('.')}`);
  return new RegExp(node, 'g');
}

/** All matches of a grammar regex in `text`, as [whole, ...groups]. */
function matches(r: RegExp, text: string): string[][] {
  return [...text.matchAll(r)].map((m) => [...m].map((s) => s ?? ''));
}

/** Resolves a dotted key path in the schema; undefined when the schema does not allow it. */
function schemaAt(schema: Json, keyPath: string[]): Json {
  let node: Json = schema;
  for (const key of keyPath) {
    if (!node || node.type !== 'object' || !node.properties || !(key in node.properties)) return undefined;
    node = node.properties[key];
  }
  return node;
}

/** Every key path of a parsed TOML value whose value is not a table. */
function leafPaths(value: Json, prefix: string[] = []): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  }
  return [prefix];
}

describe('client manifest', () => {
  describe('package.json', () => {
    it('never activates eagerly', () => {
      const events: string[] = pkg.activationEvents;
      assert.ok(Array.isArray(events) && events.length > 0);
      assert.ok(!events.includes('*'), 'activationEvents must not contain *');
      assert.ok(!events.includes('onStartupFinished'));
      for (const e of events) assert.match(e, /^(onLanguage:|workspaceContains:)/, e);
    });

    it('activates on every language it contributes', () => {
      for (const id of Object.values(CONTRIBUTED_LANGUAGES)) {
        assert.ok(pkg.activationEvents.includes(`onLanguage:${id}`), id);
      }
    });

    it('contributes the restart command under the Portolan category', () => {
      const cmd = contributes.commands.find((c: Json) => c.command === RESTART_COMMAND);
      assert.ok(cmd, 'restart command missing');
      assert.equal(cmd.category, 'Portolan');
      assert.equal(cmd.title, 'Restart Language Server');
      assert.equal(contributes.commands.find((c: Json) => c.command === 'portolan.restart'), undefined);
    });

    it('declares the settings the server reads, each rule with the five severities', () => {
      const props = contributes.configuration.properties;
      assert.deepEqual(Object.keys(props).sort(), ['portolan.crossProjectConflicts', 'portolan.exclude', 'portolan.hostMap', 'portolan.include', 'portolan.live.enabled', 'portolan.rules', 'portolan.trace.server']);
      assert.equal(props['portolan.live.enabled'].default, false);
      assert.equal(props['portolan.hostMap'].type, 'object');
      assert.deepEqual(props['portolan.hostMap'].default, {});
      assert.deepEqual(props['portolan.hostMap'].additionalProperties, { type: 'string' });
      assert.deepEqual(props['portolan.trace.server'].enum, ['off', 'messages', 'verbose']);
      assert.equal(props['portolan.trace.server'].default, 'off');
      for (const key of ['portolan.include', 'portolan.exclude']) {
        assert.equal(props[key].type, 'array');
        assert.deepEqual(props[key].items, { type: 'string' });
        assert.equal(props[key].scope, 'resource');
      }
      const rules = props['portolan.rules'];
      assert.equal(rules.additionalProperties, false);
      assert.deepEqual(Object.keys(rules.properties), RULE_INFO.map((r) => r.id), 'one entry per rule id, in order');
      for (const r of RULE_INFO) {
        assert.deepEqual(rules.properties[r.id].enum, ['off', 'hint', 'information', 'warning', 'error'], r.id);
        assert.ok(rules.properties[r.id].markdownDescription.includes(`Default: \`${r.severity}\``), r.id);
      }
      for (const p of Object.values<Json>(props)) assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 20);
    });

    it('contributes every command the client registers, with a category and a when clause', () => {
      const contributed = contributes.commands.map((c: Json) => c.command).sort();
      assert.deepEqual(contributed, Object.values(COMMANDS).sort());
      for (const c of contributes.commands) assert.equal(c.category, 'Portolan', c.command);
      const palette = new Map(contributes.menus.commandPalette.map((m: Json) => [m.command, m.when]));
      for (const id of Object.values(COMMANDS)) assert.ok(palette.has(id), `${id} has no commandPalette when clause`);
      assert.equal(palette.get(COMMANDS.filterProblems), 'false', 'view-only commands stay out of the palette');
      assert.equal(palette.get(COMMANDS.exportPortReference), 'portolan.active');
      for (const m of contributes.menus['view/title']) assert.match(m.when, new RegExp(`^view == ${PORTS_VIEW.replace('.', '\\.')}\\b`), m.command);
    });

    it('contributes the Ports view in its own activity-bar container with an existing icon', () => {
      const container = contributes.viewsContainers.activitybar.find((c: Json) => c.id === VIEW_CONTAINER);
      assert.ok(container && fs.existsSync(path.join(ROOT, container.icon)));
      assert.deepEqual(contributes.views[VIEW_CONTAINER].map((v: Json) => v.id), [PORTS_VIEW]);
      assert.ok(contributes.viewsWelcome.some((w: Json) => w.view === PORTS_VIEW));
    });

    it('supports untrusted workspaces and runs where the files are', () => {
      assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
      assert.equal(pkg.capabilities.virtualWorkspaces, false);
      assert.deepEqual(pkg.extensionKind, ['workspace']);
      assert.deepEqual(pkg.categories, ['Linters', 'Programming Languages', 'Other']);
    });

    it('contributes exactly our three languages, each with a grammar and an existing configuration', () => {
      const ids = contributes.languages.map((l: Json) => l.id).sort();
      assert.deepEqual(ids, Object.values(CONTRIBUTED_LANGUAGES).sort());
      for (const lang of contributes.languages) {
        const conf = readJson(lang.configuration);
        assert.equal(conf.comments.lineComment, '#', lang.id);
        assert.ok(Array.isArray(conf.brackets) && Array.isArray(conf.autoClosingPairs), lang.id);
        const grammar = contributes.grammars.find((g: Json) => g.language === lang.id);
        assert.ok(grammar, `no grammar for ${lang.id}`);
        const tm = readJson(grammar.path);
        assert.equal(tm.scopeName, grammar.scopeName);
        assert.ok(Array.isArray(tm.patterns) && tm.patterns.length > 0);
      }
    });

    it('does not claim every *.conf file for nginx', () => {
      const nginx = contributes.languages.find((l: Json) => l.id === 'nginx');
      const claims = [...(nginx.extensions ?? []), ...(nginx.filenamePatterns ?? [])];
      assert.ok(!claims.includes('.conf') && !claims.includes('*.conf') && !claims.includes('**/*.conf'));
      assert.ok(nginx.filenamePatterns.includes('**/nginx/**/*.conf'));
      assert.deepEqual(nginx.filenames, ['nginx.conf']);
    });

    it('validates rtcd TOML with an existing schema', () => {
      const [entry] = contributes.tomlValidation;
      assert.deepEqual(entry.fileMatch, ['**/rtcd/config.toml', '**/rtcd/*.toml', '**/rtcd.toml']);
      assert.ok(fs.existsSync(path.join(ROOT, entry.url)), entry.url);
      assert.equal(readJson(entry.url).$schema, 'http://json-schema.org/draft-07/schema#');
    });
  });

  describe('selectors', () => {
    it('sends every contributed language in file and untitled schemes', () => {
      const sel = documentSelector();
      for (const id of Object.values(CONTRIBUTED_LANGUAGES)) {
        assert.ok(sel.some((f) => f.language === id && f.scheme === 'file'), id);
        assert.ok(sel.some((f) => f.language === id && f.scheme === 'untitled'), id);
      }
      for (const id of ['dockercompose', 'yaml', 'toml', 'json', 'jsonc', 'shellscript', 'markdown', 'dotenv', 'properties']) {
        assert.ok(DOCUMENT_LANGUAGES.includes(id), id);
      }
      assert.ok(!DOCUMENT_LANGUAGES.includes('systemd-unit'), 'the systemd id is systemd-unit-file');
    });

    it('uses patterns only with the file scheme', () => {
      const withPattern = documentSelector().filter((f) => f.pattern !== undefined);
      assert.equal(withPattern.length, DOCUMENT_PATTERNS.length);
      for (const f of withPattern) {
        assert.equal(f.scheme, 'file');
        assert.equal(f.language, undefined);
      }
      for (const p of ['**/.env', '**/*.service', '**/user.rules', '**/applications.d/*', '**/sites-enabled/*']) {
        assert.ok(DOCUMENT_PATTERNS.includes(p), p);
      }
    });

    it('sends a file of every format the server reads, whatever language the editor gives it', () => {
      // The files the server reads from disk (index/registry.ts candidate names) must also reach it
      // when opened, or an open Caddyfile would get no live diagnostics.
      const samples = [
        'etc/caddy/Caddyfile', 'site.caddyfile', 'etc/haproxy/haproxy.cfg', 'etc/nftables.conf', 'fw/rules.nft',
        'etc/iptables/rules.v4', 'fw/docker-user.iptables', 'etc/firewalld/zones/public.xml', 'etc/firewalld/services/rtcd.xml',
        'etc/containers/systemd/rtcd.container', 'q/app.pod', 'q/app.kube', 'Dockerfile', 'Dockerfile.nginx',
        'etc/rtcd/config.toml', 'etc/nginx/sites-enabled/chat', 'etc/systemd/system/rtcd.service', 'etc/ufw/user.rules',
      ];
      const matchers = DOCUMENT_PATTERNS.map((p) => picomatch(p, { dot: true }));
      for (const file of samples) assert.ok(matchers.some((m) => m(`/ws/${file}`)), file);
      assert.ok(!matchers.some((m) => m('/ws/src/main.go')), 'a source file is not sent');
    });

    it('returns a fresh selector each call', () => {
      const a = documentSelector();
      a.length = 0;
      assert.ok(documentSelector().length > 0);
    });

    it('leaves file watching to the server: the client creates no watcher and forwards no file events of its own', () => {
      // The server registers one watcher for every client (test/lsp/workspace.test.ts checks it
      // and which watched files it reads); a second, client-side set would send every event twice.
      const client = fs.readFileSync(path.join(ROOT, 'client', 'src', 'extension.ts'), 'utf8');
      assert.doesNotMatch(client, /createFileSystemWatcher|fileEvents/);
      assert.match(client, /synchronize: \{ configurationSection: CONFIGURATION_SECTION \}/, 'settings are still synchronized');
    });
  });

  describe('grammars', () => {
    const grammars: Array<[string, Json]> = contributes.grammars.map((g: Json) => [g.path, readJson(g.path)]);

    it('every regex compiles with the JS engine', () => {
      let count = 0;
      for (const [file, g] of grammars) {
        for (const { where, source } of grammarRegexes(g)) {
          count++;
          assert.doesNotThrow(() => new RegExp(source), `${file} ${where}: ${source}`);
        }
      }
      assert.ok(count > 30, `only ${count} regexes found`);
    });

    it('every include resolves to a repository entry', () => {
      for (const [file, g] of grammars) {
        const includes = JSON.stringify(g).match(/"include":"#[^"]+"/g) ?? [];
        for (const inc of includes) {
          const name = inc.slice('"include":"#'.length, -1);
          assert.ok(g.repository?.[name], `${file}: missing #${name}`);
        }
      }
    });

    describe('nginx', () => {
      const g = readJson('syntaxes/nginx.tmLanguage.json');
      const listen = g.repository.listen;
      const portRule = listen.patterns.find((p: Json) => p.captures?.[2]?.name === 'constant.numeric.port.nginx');

      it('starts the listen directive at statement start only', () => {
        const begin = re(g, 'repository', 'listen', 'begin');
        assert.deepEqual(matches(begin, '    listen 80;').map((m) => m[1]), ['listen']);
        assert.deepEqual(matches(begin, 'server { listen 443 ssl; }').map((m) => m[1]), ['listen']);
        assert.deepEqual(matches(begin, '    proxy_pass http://listen:80;'), []);
        assert.deepEqual(matches(begin, '    listener 80;'), []);
      });

      it('marks the port digits of listen, not the address', () => {
        const port = new RegExp(portRule.match, 'g');
        const ip = new RegExp(listen.patterns.find((p: Json) => p.match?.startsWith(String.raw`\b\d{1,3}`)).match, 'g');
        // TextMate tries patterns left to right at each position; emulate for an address:port value.
        const value = '127.0.0.1:8080 ssl';
        assert.deepEqual(matches(ip, value).map((m) => m[0]), ['127.0.0.1']);
        assert.deepEqual(matches(port, value.slice('127.0.0.1'.length)).map((m) => m[2]), ['8080']);
        assert.deepEqual(matches(port, ' 80').map((m) => m[2]), ['80']);
        assert.deepEqual(matches(port, ' 80ms'), []);
      });

      it('recognises directive names, not values', () => {
        const begin = re(g, 'repository', 'directive', 'begin');
        assert.deepEqual(matches(begin, '  proxy_pass http://app:8065;').map((m) => m[1]), ['proxy_pass']);
        assert.deepEqual(matches(begin, 'server {').map((m) => m[1]), ['server']);
        assert.deepEqual(matches(begin, '  # listen 80;'), []);
      });

      it('highlights nginx variables and upstream ports', () => {
        const v = re(g, 'repository', 'variable', 'match');
        assert.deepEqual(matches(v, 'proxy_set_header Host $host; ${request_uri}').map((m) => m[0]), ['$host', '${request_uri}']);
        assert.deepEqual(matches(v, 'price 5 $'), []);
        const upstreamPort = g.repository.directive.patterns.find((p: Json) => p.captures?.[2]?.name === 'constant.numeric.port.nginx');
        const r = new RegExp(upstreamPort.match, 'g');
        assert.deepEqual(matches(r, 'http://mattermost:8065/api').map((m) => m[2]), ['8065']);
        assert.deepEqual(matches(r, 'http://127.0.0.1:8080/').map((m) => m[2]), ['8080']);
        assert.deepEqual(matches(r, 'http://[::1]:8080/').map((m) => m[2]), ['8080']);
        assert.deepEqual(matches(r, 'http://[::1]/api'), []);
        assert.deepEqual(matches(r, 'levels=1:2 keys_zone=mattermost_cache:10m'), []);
      });

      it('reads location paths as paths, not numbers', () => {
        const begin = re(g, 'repository', 'location', 'begin');
        assert.deepEqual(matches(begin, '    location ~ /api/v[0-9]+ {').map((m) => m[1]), ['location']);
        assert.deepEqual(matches(begin, '    locations 1;'), []);
        const order = g.patterns.map((p: Json) => p.include);
        assert.ok(order.indexOf('#location') < order.indexOf('#directive'));
        assert.ok(order.indexOf('#listen') < order.indexOf('#directive'));
      });

      it('tokenises every line of the real mattermost nginx config without a directive-name miss', () => {
        const text = corpusText('mattermost-docker/nginx/conf.d/default.conf');
        const begin = re(g, 'repository', 'directive', 'begin');
        const names = text.split('\n').filter((l) => /^\s*[a-z_]+\s/.test(l)).map((l) => matches(begin, l)[0]?.[1]);
        assert.ok(names.length > 10);
        assert.ok(names.every((n) => typeof n === 'string' && n.length > 0));
        assert.ok(names.includes('listen') && names.includes('proxy_pass'));
      });
    });

    describe('systemd', () => {
      const g = readJson('syntaxes/systemd-unit-file.tmLanguage.json');

      it('recognises sections, keys and specifiers', () => {
        assert.deepEqual(matches(re(g, 'repository', 'section', 'match'), '[Socket]').map((m) => m[2]), ['Socket']);
        assert.deepEqual(matches(re(g, 'repository', 'section', 'match'), 'Foo=[x]'), []);
        const entry = re(g, 'repository', 'entry', 'begin');
        assert.deepEqual(matches(entry, 'ListenStream=127.0.0.1:8045').map((m) => m[1]), ['ListenStream']);
        assert.deepEqual(matches(entry, '# ListenStream=8045'), []);
        const spec = new RegExp(g.repository.entry.patterns.find((p: Json) => p.name === 'constant.other.placeholder.specifier.systemd').match, 'g');
        assert.deepEqual(matches(spec, 'ExecStart=/usr/bin/%n --x=%i 100%%').map((m) => m[0]), ['%n', '%i', '%%']);
      });

      it('continues an entry over a trailing backslash only', () => {
        const end = re(g, 'repository', 'entry', 'end');
        assert.equal(end.test('ExecStart=/bin/rtcd \\'), false);
        end.lastIndex = 0;
        assert.equal(end.test('ExecStart=/bin/rtcd'), true);
      });

      it('treats # as a comment only at line start', () => {
        const c = re(g, 'repository', 'comment', 'match');
        assert.equal(matches(c, '  # comment').length, 1);
        assert.equal(matches(c, '; comment').length, 1);
        assert.equal(matches(c, 'Description=a # b').length, 0);
      });
    });

    describe('ufw', () => {
      const g = readJson('syntaxes/ufw-rules.tmLanguage.json');

      it('recognises tuple lines before generic ### markers', () => {
        const tupleLine = '### tuple ### allow udp 8443 0.0.0.0/0 any 0.0.0.0/0 in';
        assert.equal(matches(re(g, 'repository', 'tuple', 'begin'), tupleLine).length, 1);
        assert.equal(matches(re(g, 'repository', 'tuple', 'begin'), '### RULES ###').length, 0);
        assert.deepEqual(matches(re(g, 'repository', 'marker', 'match'), '### END RULES ###').map((m) => m[2]), ['END RULES']);
        const order = g.patterns.map((p: Json) => p.include);
        assert.ok(order.indexOf('#tuple') < order.indexOf('#marker'));
        assert.ok(order.indexOf('#marker') < order.indexOf('#comment'));
      });

      it('marks ports and port ranges but not addresses', () => {
        const ports = re(g, 'repository', 'ports', 'match');
        assert.deepEqual(matches(ports, ' 8443 0.0.0.0/0 any ').map((m) => m[0]), ['8443']);
        assert.deepEqual(matches(ports, ' 10000:20000 ').map((m) => m[0]), ['10000:20000']);
        assert.deepEqual(matches(ports, ' 80,443 ').map((m) => m[0]), ['80,443']);
        assert.deepEqual(matches(ports, ' 10.0.0.1 '), []);
      });

      it('captures --dport values in iptables lines', () => {
        const rule = g.repository.iptables.patterns.find((p: Json) => p.captures?.[3]?.name === 'constant.numeric.port.ufw');
        const r = new RegExp(rule.match, 'g');
        assert.deepEqual(matches(r, '-A ufw-user-input -p udp --dport 8443 -j ACCEPT').map((m) => m[3]), ['8443']);
        assert.deepEqual(matches(r, '-A ufw-user-input -m multiport --dports 80,443 -j ACCEPT').map((m) => m[3]), ['80,443']);
        assert.deepEqual(matches(r, '-A ufw-user-input --dportx 8443'), []);
      });

      it('reads applications.d profile ports', () => {
        const entry = re(g, 'repository', 'profileEntry', 'begin');
        assert.deepEqual(matches(entry, 'ports=80,443/tcp').map((m) => m[1]), ['ports']);
        const r = new RegExp(g.repository.profileEntry.patterns[0].match, 'g');
        assert.deepEqual(matches(r, '80,443/tcp|60000:61000/udp').map((m) => [m[1], m[3]]), [['80,443', 'tcp'], ['60000:61000', 'udp']]);
      });
    });
  });

  describe('rtcd schema', () => {
    const schema = readJson('schemas/rtcd-config.schema.json');
    const sample = getStaticTOMLValue(parseTOML(corpusText('rtcd/config.sample.toml'))) as Json;

    it('knows every key of the real config.sample.toml', () => {
      const paths = leafPaths(sample);
      assert.equal(paths.length, 26, 'api 8 + rtc 9 + store 1 + logger 8 keys in the sample');
      for (const p of paths) assert.ok(schemaAt(schema, p), `schema lacks ${p.join('.')}`);
    });

    it('knows the keys the sample only mentions in comments', () => {
      for (const key of ['udp_sockets_count', 'nack_buffer_size', 'nack_disable_copy', 'ice_host_port_override']) {
        assert.ok(schemaAt(schema, ['rtc', key]), key);
      }
    });

    it('flags typos: every object closes its key set', () => {
      assert.equal(schemaAt(schema, ['rtc', 'ice_port_udpp']), undefined);
      assert.equal(schemaAt(schema, ['api', 'http', 'listenaddress']), undefined);
      assert.equal(schemaAt(schema, ['HTTP', 'ServerPort']), undefined);
      const walk = (node: Json, where: string): void => {
        if (node?.type === 'object' && node.properties) {
          assert.equal(node.additionalProperties, false, where);
          for (const [k, v] of Object.entries(node.properties)) walk(v, `${where}.${k}`);
        }
      };
      walk(schema, '$');
    });

    it('types the sample values and agrees with its defaults', () => {
      const typeOf = (v: unknown): string => (Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
      for (const p of leafPaths(sample)) {
        const node = schemaAt(schema, p);
        let value: Json = sample;
        for (const k of p) value = value[k];
        assert.equal(node.type, typeOf(value), p.join('.'));
        if (p.join('.') !== 'logger.enable_color') assert.deepEqual(node.default, value, `default of ${p.join('.')}`);
      }
    });

    it('bounds ports to rtcd\'s accepted range [80, 49151]', () => {
      for (const key of ['ice_port_udp', 'ice_port_tcp']) {
        const node = schemaAt(schema, ['rtc', key]);
        assert.equal(node.minimum, 80);
        assert.equal(node.maximum, 49151);
        assert.equal(node.default, 8443);
      }
      assert.equal(schemaAt(schema, ['api', 'http', 'listen_address']).default, ':8045');
      assert.deepEqual(schemaAt(schema, ['rtc', 'nack_buffer_size']).enum, [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]);
    });

    it('accepts a port or a localIP/port mapping for ice_host_port_override', () => {
      const node = schemaAt(schema, ['rtc', 'ice_host_port_override']);
      const str = node.oneOf.find((s: Json) => s.type === 'string');
      const r = new RegExp(str.pattern);
      for (const ok of ['', '30443', 'localIPA/8443,localIPB/8444', '10.0.0.1/8443']) assert.ok(r.test(ok), ok);
      for (const bad of ['localIPA:8443', 'a/8443,', 'a/b']) assert.ok(!r.test(bad), bad);
      assert.ok(node.oneOf.some((s: Json) => s.type === 'integer' && s.minimum === 80 && s.maximum === 49151));
    });

    it('matches log levels case-insensitively', () => {
      const r = new RegExp(schemaAt(schema, ['logger', 'console_level']).pattern);
      for (const ok of ['INFO', 'debug', 'Warn', 'trace']) assert.ok(r.test(ok), ok);
      for (const bad of ['INFORMATION', 'verbose', '']) assert.ok(!r.test(bad), bad);
    });
  });
});
