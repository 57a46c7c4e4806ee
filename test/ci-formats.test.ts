/**
 * `check --format sarif` validated against the SARIF 2.1.0 schema (the rtm.5 JSON schema shipped
 * in @microsoft/jest-sarif, draft-04, validated offline with ajv-draft-04), `check --format
 * github` annotation lines, and `ports --format markdown --write FILE`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { REGION_BEGIN, REGION_END } from '../server/src/core/formats/markdown/portdoc';
import { ROOT, runCli, tmpWorkspace } from './helpers';


const example = path.join(ROOT, 'examples', 'prochat-host');

describe('CI output formats', () => {
  it('check --format sarif is a valid SARIF 2.1.0 log with rule metadata and related locations', async () => {
    const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    // The schema's language-tag pattern is valid only without the u flag, as JSON Schema draft-04 patterns were written.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const r = await runCli(['check', example, '--format', 'sarif']);
    assert.equal(r.code, 1, 'errors in the example still exit 1');
    const log = JSON.parse(r.out) as Sarif.Log;
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const runLog = log.runs[0]!;
    const rules = runLog.tool.driver.rules!;
    assert.ok(rules.some((x) => x.id === 'doc-conflict' && x.defaultConfiguration?.level === 'warning'));
    assert.ok(rules.some((x) => x.id === 'port-conflict' && x.defaultConfiguration?.level === 'error' && x.shortDescription?.text));
    const conflict = runLog.results!.find((x) => x.ruleId === 'port-conflict' && x.locations![0]!.physicalLocation!.artifactLocation!.uri === 'etc/rtcd/config.toml')!;
    assert.ok(conflict, 'the rtcd/nginx conflict is a result');
    assert.equal(rules[conflict.ruleIndex!]!.id, 'port-conflict');
    const reg = conflict.locations![0]!.physicalLocation!.region!;
    const line = fs.readFileSync(path.join(example, 'etc/rtcd/config.toml'), 'utf8').split('\n')[reg.startLine! - 1]!;
    assert.equal(line.slice(reg.startColumn! - 1, reg.endColumn! - 1), '8444');
    assert.equal(conflict.relatedLocations![0]!.physicalLocation!.artifactLocation!.uri, 'etc/nginx/sites-enabled/rtcd');
    assert.ok(conflict.relatedLocations![0]!.message!.text);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const bad = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'r' }] }] };
    assert.equal(ajv.validate(schema, bad), false);
  });

  it('check --format github prints one workflow annotation per diagnostic, escaped', async () => {
    const text = await runCli(['check', example, '--format', 'text']);
    const r = await runCli(['check', example, '--format', 'github']);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, text.out.trimEnd().split('\n').length - 1, 'one per diagnostic (text adds a summary line)');
    for (const l of lines) assert.match(l, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=Portolan [a-z-]+::[^\n]+$/);
    assert.ok(lines.includes(lines.find((l) => l.startsWith('::error file=etc/rtcd/config.toml,line=7,col=25,endLine=7,endColumn=29,title=Portolan port-conflict::8444/tcp'))!));
    const dir = tmpWorkspace({ 'docs/PORTS.md': '# P\n\n| Service | Port |\n|---|---|\n| a,b: 50% | 9000 |\n| c | 9000 |\n' });
    const g = await runCli(['check', dir, '--format', 'github']);
    assert.equal(g.code, 0);
    assert.match(g.out, /^::warning file=docs\/PORTS\.md,line=5,col=14,endLine=5,endColumn=18,title=Portolan doc-conflict::9000\/tcp is documented for "a,b: 50%25"/m);
  });

  it('ports --format markdown --write FILE updates only the region, creates a missing file, refuses a file without markers', async () => {
    const dir = tmpWorkspace({ 'nginx/sites-enabled/site': 'server {\n  listen 8080;\n  server_name site.example.com;\n}\n', 'README.md': `# Host\n\nBefore.\n${REGION_BEGIN}\n${REGION_END}\nAfter.\n` });
    const readme = path.join(dir, 'README.md');
    const r = await runCli(['ports', dir, '--format', 'markdown', '--write', readme]);
    assert.equal(r.code, 0, r.err);
    const text = fs.readFileSync(readme, 'utf8');
    assert.equal(text, `# Host\n\nBefore.\n${REGION_BEGIN}\n| Service | Port | Protocol | Address | Purpose | Source |\n|---|---|---|---|---|---|\n| site.example.com | 8080 | tcp | * | listens (listen) | nginx/sites-enabled/site:2 |\n${REGION_END}\nAfter.\n`);
    assert.equal((await runCli(['check', dir])).out, 'no problems in 2 files\n', 'doc-stale is silent after writing');
    assert.match((await runCli(['ports', dir, '--format', 'markdown', '--write', readme])).out, /is up to date/);
    fs.writeFileSync(path.join(dir, 'nginx/sites-enabled/site'), 'server {\n  listen 8081;\n}\n');
    assert.match((await runCli(['check', dir])).out, /README\.md:4:1: information doc-stale: the generated port table/);
    const fresh = path.join(dir, 'PORTS.md');
    assert.equal((await runCli(['ports', dir, '--format', 'markdown', '--write', fresh])).code, 0);
    assert.ok(fs.readFileSync(fresh, 'utf8').startsWith(`${REGION_BEGIN}\n| Service |`));
    const plain = path.join(dir, 'NOTES.md');
    fs.writeFileSync(plain, 'no markers\n');
    const refused = await runCli(['ports', dir, '--format', 'markdown', '--write', plain]);
    assert.equal(refused.code, 1);
    assert.equal(fs.readFileSync(plain, 'utf8'), 'no markers\n');
    assert.equal((await runCli(['ports', dir, '--write', readme])).code, 2, '--write needs --format markdown');
  });
});
