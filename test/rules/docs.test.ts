/**
 * Port reference documents: reading tables and fences (../formats/portdoc), and the rules
 * doc-conflict, doc-drift and doc-stale with true findings and near misses. The seeds in
 * test/corpus/seeds (hand-written port references) are read, never written: each is copied into
 * an in-memory workspace as a `.txt` file, as the fixtures are.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedRegions, portTokens, readPortDoc, REGION_BEGIN, REGION_END } from '../../server/src/core/formats/markdown/portdoc';
import { classify, isCandidatePath } from '../../server/src/core/index/registry';
import { checkDiagnostics } from '../check';
import { analyze, at, summary } from '../memory';
import { ROOT, SEEDS, seedNames } from '../helpers';
import { portDocuments } from '../../server/src/core/index/documents';
import { portsMarkdown, updateRegions } from '../../server/src/core/index/documents';

function seed(prefix: string): { files: Record<string, string>; file: string } {
  const name = seedNames().find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`seed ${prefix} not found in ${SEEDS}`);
  const file = `/ws/docs/${name}`;
  return { files: { [file]: fs.readFileSync(path.join(SEEDS, name), 'utf8') }, file };
}

/** The analysis with only the doc-* rules' diagnostics. */
function docsOnly(a: ReturnType<typeof analyze>): ReturnType<typeof analyze> {
  return { ...a, diagnostics: a.diagnostics.filter((d) => d.rule.startsWith('doc-')) };
}

describe('port reference documents', () => {
  describe('reading', () => {
    it('reads the port cell forms of the issue with exact digit spans', () => {
      const cell = ' **8443** , 8045/udp, 10000-20000, 3002:3000, 8443 (TCP) ';
      const toks = portTokens(cell, 100);
      assert.deepEqual(toks.map((t) => [t.ports.start, t.ports.end, t.protocol, t.target?.start, cell.slice(t.span.start - 100, t.span.end - 100)]), [
        [8443, 8443, undefined, undefined, '8443'],
        [8045, 8045, 'udp', undefined, '8045'],
        [10000, 20000, undefined, undefined, '10000'],
        [3002, 3002, undefined, 3000, '3002'],
        [8443, 8443, 'tcp', undefined, '8443'],
      ]);
      assert.deepEqual(portTokens('N/A', 0), []);
      assert.deepEqual(portTokens('70000', 0), [], 'out of range is not a port');
    });

    it('turns rows into binds and references: UDP/TCP is both, OUT is a reference, headings name the service', () => {
      const text = [
        '# Stack', '', '## relay.js', '', '| Port | Protocol | Direction | Purpose |', '|---|---|---|---|',
        '| 5060 | UDP/TCP | IN | SIP |', '| 6100 | UDP | OUT | to mixer |', '| 3000 | HTTP | Listen | UI |', '| N/A | - | - | client |', '',
      ].join('\n');
      const doc = readPortDoc('/ws/p.md', text);
      assert.deepEqual(doc.facts.map((f) => [f.kind, f.ports.start, f.protocol, f.service, f.headings.join(' > ')]), [
        ['bind', 5060, 'both', 'relay.js', 'Stack > relay.js'],
        ['reference', 6100, 'udp', 'relay.js', 'Stack > relay.js'],
        ['bind', 3000, 'tcp', 'relay.js', 'Stack > relay.js'],
      ]);
      assert.equal(text.slice(doc.facts[0]!.location.span.start, doc.facts[0]!.location.span.end), '5060');
    });

    it('reads nginx, compose and docker run fences of a port document as documented facts', () => {
      const text = [
        '| Service | Port |', '|---|---|', '| web | 80 |', '',
        '```nginx', 'server {', '    listen 8081;', '}', '```', '',
        '```yaml', 'services:', '  grafana:', '    image: grafana/grafana', '    ports:', '      - "3002:3000"', '```', '',
        '```bash', 'docker run -d --name cache -p 6380:6379 redis:7', '```', '',
      ].join('\n');
      const fences = readPortDoc('/ws/p.md', text).facts.filter((f) => f.source === 'fence' && f.kind === 'bind');
      assert.deepEqual(fences.map((f) => [f.service, f.ports.start, text.slice(f.location.span.start, f.location.span.end)]), [
        ['nginx', 8081, '8081'],
        ['grafana', 3002, '3002'],
        ['cache', 6380, '6380'],
      ]);
    });

    it('reads docker run in every shell fence language, and only the prompt lines of session blocks', () => {
      const plain = ['', 'sh', 'bash', 'shell', 'zsh'];
      const sessions = ['console', 'shell-session', 'sh-session', 'shellsession'];
      for (const lang of [...plain, ...sessions]) {
        const body = sessions.includes(lang)
          ? ['$ docker run -d --name cache -p 6380:6379 redis:7', 'docker run -p 9999:80 printed-output']
          : ['docker run -d --name cache -p 6380:6379 redis:7'];
        const text = ['| Service | Port |', '|---|---|', '| web | 80 |', '', '```' + lang, ...body, '```', ''].join('\n');
        const fences = readPortDoc('/ws/p.md', text).facts.filter((f) => f.source === 'fence');
        assert.deepEqual(fences.map((f) => [f.service, f.ports.start, text.slice(f.location.span.start, f.location.span.end)]), [['cache', 6380, '6380']], `\`\`\`${lang}`);
      }
      for (const lang of ['text', 'powershell', 'dockerfile']) {
        const text = ['| Service | Port |', '|---|---|', '| web | 80 |', '', '```' + lang, 'docker run -p 6380:6379 redis:7', '```', ''].join('\n');
        assert.deepEqual(readPortDoc('/ws/p.md', text).facts.filter((f) => f.source === 'fence'), [], `\`\`\`${lang} is not shell`);
      }
    });

    it('recognizes a document by content: a .txt seed is a candidate and is read; files without a port table are not documents', () => {
      const { files, file } = seed('001');
      assert.ok(isCandidatePath(file));
      assert.equal(classify(file, files[file]!).mod?.id, 'markdown');
      assert.equal(classify('/ws/etc/dovecot/dovecot.conf', 'service imap-login {\n  inet_listener imap {\n    port = 143\n  }\n}\n').mod, undefined);
      assert.equal(classify('/ws/README.md', '# App\n\n| Option | Default |\n|---|---|\n| timeout | 30 |\n').mod, undefined);
      assert.equal(classify('/ws/notes.txt', 'We moved the API to port 8080 last week.\n').mod, undefined);
      const a = analyze(files);
      assert.equal(a.snap.facts.filter((f) => f.kind === 'bind').length, 0, 'documented ports never become configuration binds');
      assert.ok(portDocuments(a.snap)[0]!.facts.length > 20);
    });

    it('reads the port documents once per snapshot: every rule gets the same list (near miss: a new snapshot reads them anew)', () => {
      const { files } = seed('001');
      const a = analyze(files);
      assert.equal(portDocuments(a.snap), portDocuments(a.snap));
      const b = analyze(files);
      assert.notEqual(portDocuments(b.snap), portDocuments(a.snap));
      assert.deepEqual(portDocuments(b.snap), portDocuments(a.snap));
    });
  });

  it('never throws on mangled documents (truncated, pipes and fences inserted, lines dropped)', () => {
    let seedNo = 7;
    const rand = (n: number) => {
      seedNo = (seedNo * 1103515245 + 12345) % 2147483648;
      return seedNo % n;
    };
    for (const name of seedNames()) {
      const text = fs.readFileSync(path.join(SEEDS, name), 'utf8');
      for (let i = 0; i < 30; i++) {
        const at = rand(text.length);
        const junk = ['|', '\n|---|\n', '```', '\n## ', '65536', '-', ':', '<!-- portolan:ports begin -->'][rand(8)]!;
        const mangled = i % 3 === 0 ? text.slice(0, at) : i % 3 === 1 ? text.slice(0, at) + junk + text.slice(at) : text.split('\n').filter(() => rand(5) > 0).join('\n');
        const a = analyze({ '/ws/doc.md': mangled });
        for (const d of a.diagnostics) assert.ok(d.location.span.start >= 0 && d.location.span.end <= mangled.length);
      }
    }
  });

  describe('the seeds', () => {
    // The guides' snippets add findings of other rules (test/guides.test.ts); these are the doc-* ones.
    it('000: 8443/tcp is given to Jitsi Jetty/OCTO and to rtcd', () => {
      const { files } = seed('000');
      const a = docsOnly(analyze(files));
      assert.deepEqual(summary(files, a.diagnostics).map((s) => s.replace(/\/ws\/docs\/\w+\.txt/, 'doc')), ['doc-conflict doc:15 "8443"', 'doc-conflict doc:22 "8443"']);
      assert.match(a.diagnostics[0]!.message, /^8443\/tcp is documented for "Jetty\/OCTO \(optional\)" and also for "rtcd Required Ports" \(line 22\)/);
    });

    it('001: MinIO and ClickHouse share 9000, Grafana and Web share 3000; the Docker Compose fence adds no doc-conflict', () => {
      const { files } = seed('001');
      const a = docsOnly(analyze(files));
      assert.deepEqual(summary(files, a.diagnostics).map((s) => s.replace(/\/ws\/docs\/\w+\.txt/, 'doc')), [
        'doc-conflict doc:10 "3000"', 'doc-conflict doc:20 "9000"', 'doc-conflict doc:26 "9000"', 'doc-conflict doc:46 "3000"',
      ]);
      assert.match(a.diagnostics[1]!.message, /9000\/tcp is documented for "ClickHouse Native" and also for "MinIO API" \(line 26\)/);
      assert.equal(at(files, a.diagnostics[1]!.related[0]!.location), '9000');
    });

    it('002: 3020 is claimed by STTTTSserver.js and the Monitoring Dashboard; the summary table repeats it silently', () => {
      const { files, file } = seed('002');
      const a = analyze(files);
      assert.deepEqual(summary(files, a.diagnostics).map((s) => s.replace(/\/ws\/docs\/\w+\.txt/, 'doc')), ['doc-conflict doc:44 "3020"', 'doc-conflict doc:52 "3020"']);
      const summaryRow = portDocuments(a.snap)[0]!.facts.find((f) => f.summary && f.ports.start === 3020);
      assert.ok(summaryRow, 'the summary row is read');
      assert.equal(files[file]!.split('\n')[a.snap.lineOf(summaryRow.location)], '| 3020 | 3333_4444__Operational | HTTP server (monitoring-dashboard.html) |');
    });

    it('003 and 004 have no port table but are port documents: list items, code and configuration fences are read', () => {
      for (const p of ['003', '004']) {
        const { files } = seed(p);
        const a = analyze(files);
        assert.deepEqual(a.diagnostics.filter((d) => d.rule === 'doc-drift' || d.rule === 'doc-stale'), []);
        assert.equal(a.snap.files.size, 1, `${p} is a port document`);
      }
    });
  });

  describe('doc-conflict near misses', () => {
    const table = '| Component | Port |\n|---|---:|\n| main | `service.port` (default `5678`) |\n| webhook-processor | `service.port` (default `5678`) |\n';
    it('a port table in a Helm chart (Chart.yaml beside or above it) or in a Kubernetes guide gives no doc-conflict', () => {
      const chart = analyze({ '/ws/charts/n8n/Chart.yaml': 'apiVersion: v2\nname: n8n\n', '/ws/charts/n8n/docs/PORTS.md': `## Ports\n\n${table}` });
      assert.deepEqual(chart.byRule('doc-conflict'), []);
      assert.equal(chart.snap.files.size > 0 && portDocuments(chart.snap).length, 1, 'the table is still read as a port document');
      const titled = analyze({ '/ws/README.md': `# n8n Helm Chart\n\n## Ports\n\n${table}` });
      assert.deepEqual(titled.byRule('doc-conflict'), []);
      const k8s = analyze({ '/ws/PORTS.md': `# n8n\n\nRuns on Kubernetes.\n\n\`\`\`bash\nkubectl apply -f n8n.yaml\n\`\`\`\n\n## Ports\n\n${table}` });
      assert.deepEqual(k8s.byRule('doc-conflict'), []);
    });

    it('near miss: the same table in a plain port guide (no chart, Kubernetes only mentioned) still conflicts', () => {
      const plain = analyze({ '/ws/PORTS.md': `# n8n ports\n\nOne host; see also our Kubernetes notes.\n\n## Ports\n\n${table}` });
      assert.equal(plain.byRule('doc-conflict').length, 2);
      const chartElsewhere = analyze({ '/ws/charts/n8n/Chart.yaml': 'apiVersion: v2\nname: n8n\n', '/ws/docs/PORTS.md': `# n8n ports\n\n${table}` });
      assert.equal(chartElsewhere.byRule('doc-conflict').length, 2, 'a chart in a sibling directory does not cover the guide');
    });

    it('stays silent for the same service in two tables, different protocols, an OUT row, fence alternatives', () => {
      checkDiagnostics(`
        //- /PORTS.md
        ## Jaeger
        | Port | Protocol | Purpose |
        |---|---|---|
        | 6831 | UDP | thrift |

        ## Summary
        | Service | Port | Protocol |
        |---|---|---|
        | Jaeger | 6831 | UDP |
        | DNS | 53 | UDP |
        | Web | 53 | TCP |

        ## gateway
        | Port | Protocol | Direction | Purpose |
        |---|---|---|---|
        | 6831 | UDP | OUT | send to jaeger |

        \`\`\`nginx
        listen 8443;
        \`\`\`
        \`\`\`nginx
        listen 8443;
        \`\`\`
      `);
    });
  });

  describe('doc-drift', () => {
    const doc = `
      //- /docs/PORTS.md
      # Ports

      | Service | Port | Protocol |
      |---|---|---|
      | PostgreSQL | 5432 | TCP |
      | Grafana | 3000 | HTTP |
      | Mailpit | 8025 | HTTP |
    `;
    const compose = `
      //- /docker-compose.yml
      services:
        postgres:
          image: postgres:16
          ports:
            - "127.0.0.1:5432:5432"
        grafana:
          image: grafana/grafana
          ports:
            - "3002:3000"
    `;

    it('is silent while the configuration agrees (published or container port), and for services no config names', () => {
      checkDiagnostics(doc + compose);
    });

    it('finds drift after the configuration changes, on the doc row, linking the config', () => {
      const before = checkDiagnostics(doc + compose);
      const a = checkDiagnostics(
        `
        //- /docs/PORTS.md
        # Ports

        | Service | Port | Protocol |
        |---|---|---|
        | PostgreSQL | 5432 | TCP |
        | Grafana | 3000 | HTTP |
                    ^^^^ doc-drift warning: documented 3000/tcp for "Grafana", but the configuration gives grafana 3002/tcp (docker-compose.yml:11), 3001/tcp (docker-compose.yml:11)
        | Mailpit | 8025 | HTTP |
        //- /docker-compose.yml
        services:
          postgres:
            image: postgres:16
            ports:
              - "127.0.0.1:5432:5432"
          grafana:
            image: grafana/grafana
            environment:
              GF_SERVER_HTTP_PORT: "3001"
            ports:
              - "3002:3001"
        `,
        { index: before.index },
      );
      assert.deepEqual(a.diagnostics[0]!.related.map((r) => [r.location.file, at(a.files, r.location)]), [['/ws/docker-compose.yml', '3002'], ['/ws/docker-compose.yml', '3001']]);
    });

    it('seed 000 against the example host (which chose Option B) reports the rtcd rows and JVB 4443', () => {
      const { files } = seed('000');
      const host = path.join(ROOT, 'examples', 'prochat-host');
      const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
      for (const f of walk(host)) files[`/ws/${path.relative(host, f)}`] = fs.readFileSync(f, 'utf8');
      const ds = analyze(files).byRule('doc-drift');
      assert.deepEqual(summary(files, ds).map((s) => s.replace(/\/ws\/docs\/\w+\.txt/, 'doc')), ['doc-drift doc:11 "4443"', 'doc-drift doc:22 "8443"', 'doc-drift doc:23 "8045"', 'doc-drift doc:24 "8045"']);
      assert.match(ds[1]!.message, /rtcd 8444\/tcp \(etc\/rtcd\/config\.toml:7\), 8046\/udp/);
    });
  });

  describe('generated regions and doc-stale', () => {
    const conf = `
      //- /nginx/sites-enabled/app
      server {
          listen 8080;
          server_name app.example.com;
      }
    `;

    it('reports a stale region on its begin marker, and the regenerated text round-trips', () => {
      const a = checkDiagnostics(`${conf}
      //- /README.md
      # Host

      Intro stays.

      <!-- portolan:ports begin -->
      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ doc-stale information: the generated port table (to line 7) is out of date; regenerate it with the quick fix, ...
      old table
      <!-- portolan:ports end -->

      Outro stays.
      `);
      const readme = a.files['/ws/README.md']!;
      assert.ok(readme.includes(`${REGION_BEGIN}\nold table\n${REGION_END}`), 'the fixture spells the markers as the code does');
      const updated = updateRegions(readme, generatedRegions(readme), portsMarkdown(a.snap))!;
      const fresh = `${conf}
      //- /README.md
      # Host

      Intro stays.

      <!-- portolan:ports begin -->
      | Service | Port | Protocol | Address | Purpose | Source |
      |---|---|---|---|---|---|
      | app.example.com | 8080 | tcp | * | listens (listen) | nginx/sites-enabled/app:2 |
      <!-- portolan:ports end -->

      Outro stays.
      `;
      // Fresh after regeneration, and the generated table is not read as documented ports.
      const b = checkDiagnostics(fresh, { index: a.index });
      assert.equal(updated, b.files['/ws/README.md'], 'the regenerated README, byte for byte');
      assert.equal(updateRegions(updated, generatedRegions(updated), portsMarkdown(b.snap)), updated, 'regenerating again changes nothing');
      checkDiagnostics(
        fresh.replace('listen 8080;', 'listen 8081;').replace('<!-- portolan:ports begin -->\n', '<!-- portolan:ports begin -->\n      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ doc-stale information\n'),
        { index: b.index },
      );
    });

    it('a begin marker without an end marker is not a region', () => {
      const a = checkDiagnostics(`${conf}
      //- /README.md
      # Host
      <!-- portolan:ports begin -->
      | a |
      `);
      assert.deepEqual(generatedRegions(a.files['/ws/README.md']!), []);
    });
  });
});
