/**
 * Workspace names in hover Markdown and in the CLI's text output: a hostile name must stay
 * one line of literal text (no link, no command link, no HTML, no GitHub workflow command).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hoverAt } from '../server/src/core/features/hover';
import { markdownCode, markdownText, oneLine } from '../server/src/core/features/markup';
import { markdownLink } from '../server/src/lsp/convert';
import { analyze } from './memory';
import { runCli, tmpWorkspace } from './helpers';

const COMPOSE = '/ws/opt/app/docker-compose.yml';

describe('escaping workspace names', () => {
  it('markdownText escapes inline syntax and keeps ordinary names readable', () => {
    assert.equal(markdownText('[x](command:workbench.action.terminal.new)'), '\\[x\\](command:workbench.action.terminal.new)');
    assert.equal(markdownText('<img src=x onerror=alert(1)>'), '\\<img src=x onerror=alert(1)\\>');
    assert.equal(markdownText('a*b*_c_`d`&amp;~~e~~|f'), 'a\\*b\\*\\_c\\_\\`d\\`\\&amp;\\~\\~e\\~\\~\\|f');
    assert.equal(markdownText('docker-compose.yml:12'), 'docker-compose.yml:12');
    assert.equal(markdownText('a\nb\r\u2028c\u0007'), 'a\\\\nb\\\\r\\\\u2028c\\\\u0007');
  });

  it('markdownCode picks a backtick fence longer than any run inside', () => {
    assert.equal(markdownCode('listen 80'), '`listen 80`');
    assert.equal(markdownCode('a `b` c'), '``a `b` c``');
    assert.equal(markdownCode('`x``'), '``` `x`` ```');
    assert.equal(markdownCode(''), '` `');
    assert.equal(markdownCode('a\nb'), '`a\\nb`');
  });

  it('oneLine leaves printable text alone and escapes every line break', () => {
    assert.equal(oneLine('etc/nginx/sites-enabled/mattermost: ok'), 'etc/nginx/sites-enabled/mattermost: ok');
    assert.equal(oneLine('x\n::error file=a::owned'), 'x\\n::error file=a::owned');
    assert.equal(oneLine('\r\t\u0000\u0085\u2029'), '\\r\\t\\u0000\\u0085\\u2029');
  });

  it('hover shows a hostile service name as text, not a link', () => {
    const name = 'x](command:evil)[y';
    const files = { [COMPOSE]: `services:\n  "${name}":\n    image: nginx\n    ports:\n      - "127.0.0.1:8080:80"\n` };
    const a = analyze(files);
    const md = hoverAt(a.snap, COMPOSE, files[COMPOSE].indexOf('8080') + 1, (_l, t) => `[${t}](file:///ws)`)!.markdown;
    assert.ok(md.includes('x\\](command:evil)\\[y'), md);
    // The only links left are the ones the caller built: every `](` is preceded by our label's end.
    assert.equal(/(^|[^\\])\]\(command:/.test(md), false, md);
  });

  it('a link destination cannot be closed early by a parenthesis in a file name', () => {
    const link = markdownLink(() => 'listen 80;\n', { file: '/ws/a)b(c.conf', span: { start: 7, end: 9 } }, 'a)b(c.conf:1');
    assert.equal(link, '[a)b(c.conf:1](file:///ws/a%29b%28c.conf#L1)');
  });

  it('check prints a file name holding a newline on one line', async function () {
    // A file name may hold a newline on Linux; it must not start a GitHub workflow command.
    const dir = tmpWorkspace({ 'nginx/sites-enabled/site': 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:9999; }\n}\n' });
    const hostile = path.join(dir, 'nginx/sites-enabled', 'x\n::error file=owned::pwned');
    fs.renameSync(path.join(dir, 'nginx/sites-enabled/site'), hostile);
    const r = await runCli(['check', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.match(r.out, /unresolved-reference/, r.out);
    assert.ok(r.out.includes('x\\n::error file=owned::pwned:3:'), r.out);
    for (const line of r.out.split('\n')) assert.equal(line.startsWith('::'), false, r.out);
  });
});
