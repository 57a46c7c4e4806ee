import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fencedBlocks, markdownFormat } from '../../server/src/core/formats/markdown';
import type { ExtractResult } from '../../server/src/core/model/facts';
import { corpusText, extractIn, ROOT, slice } from '../helpers';

const F = '/ws/docs/ports.md';

function fixture(rel: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'fixtures', rel), 'utf8');
}

function run(text: string, others: Record<string, string> = {}): ExtractResult {
  return extractIn(markdownFormat, { ...others, [F]: text }, F);
}

function show(text: string, r: ExtractResult): string[] {
  return r.facts.map((f) => {
    const p = f.ports.start === f.ports.end ? `${f.ports.start}` : `${f.ports.start}-${f.ports.end}`;
    return `${f.firewall!.action} ${f.firewall!.direction} ${p}/${f.protocol}${f.firewall!.comment ? ` "${f.firewall!.comment}"` : ''} | ${slice(text, f.location.span)}`;
  });
}

describe('markdown format', () => {
  describe('detect', () => {
    it('is weak for Markdown with a fenced ufw rule', () => {
      assert.equal(markdownFormat.detect(F, fixture('ufw/port-notes.md')), 'weak');
      assert.equal(markdownFormat.detect('/ws/README.markdown', '~~~\nufw deny 23\n~~~\n'), 'weak');
    });

    it('is weak for a guide in prose with a configuration fence (the rtcd guide: a unit, docker run)', () => {
      assert.equal(markdownFormat.detect('/ws/rtcd/getting_started.md', corpusText('rtcd/getting_started.md')), 'weak');
    });

    it('is false for prose, inline code, non-shell blocks, other extensions, and a configuration fence in a text that never speaks of ports', () => {
      assert.equal(markdownFormat.detect(F, '# Setup\n\n```\n[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/x\n```\n'), false);
      assert.equal(markdownFormat.detect(F, 'Run `sudo ufw allow 80` first.\n'), false);
      assert.equal(markdownFormat.detect(F, '```python\nos.system("ufw allow 80")\n```\n'), false);
      assert.equal(markdownFormat.detect(F, '```bash\nsudo ufw status\n```\n'), false);
      assert.equal(markdownFormat.detect('/ws/notes.txt', '```\nufw allow 80\n```\n'), false);
    });
  });

  describe('fencedBlocks', () => {
    it('finds backtick and tilde fences with their language and body', () => {
      const t = 'x\n```Bash title\nA\n```\n~~~~\nB\n```\n~~~~\n    ```sh\n    C\n    ```\n```\nunclosed';
      const blocks = fencedBlocks(t);
      assert.deepEqual(blocks.map((b) => [b.lang, slice(t, b.body)]), [
        ['bash', 'A\n'],
        ['', 'B\n```\n'],
        ['sh', '    C\n'],
        ['', 'unclosed'],
      ]);
    });
  });

  describe('extract', () => {
    it('reads the ufw rules of shell blocks with exact spans (seed 000 snippets)', () => {
      const text = fixture('ufw/port-notes.md');
      const r = run(text);
      assert.deepEqual(r.findings, []);
      assert.deepEqual(show(text, r), [
        'allow in 8443/tcp | 8443',
        'allow in 8045/udp | 8045',
        'allow in 8045/tcp | 8045',
        'allow in 8444/tcp "rtcd API" | 8444',
        'allow in 8046/udp "rtcd Media UDP" | 8046',
        'allow in 8046/tcp "rtcd Media TCP" | 8046',
        'allow out 8444/tcp | 8444',
        'allow out 8046/both | 8046',
        'allow in 3478/udp | 3478',
        'deny in 23/both | 23',
        'allow in 60000-61000/udp | 60000:61000',
      ]);
      // Offsets are in the whole document: the line of each fact is the command line.
      const first = r.facts[0]!;
      const lineStart = text.lastIndexOf('\n', first.location.span.start) + 1;
      assert.equal(text.slice(lineStart, text.indexOf('\n', lineStart)), 'sudo ufw allow 8443/tcp');
      assert.equal(first.location.file, F);
    });

    it('ignores prose ports ("extension 5555", "port 5555"), echo arguments and inline code', () => {
      const t = 'Extension 5555 uses port 5555.\n\n```bash\necho "ufw allow 5555/tcp"\nprintf ufw allow 80\n```\n\n`ufw allow 5555`\n';
      const r = run(t);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings, []);
    });

    it('reads only prompt lines in console blocks', () => {
      const t = '```console\n$ sudo ufw allow 8443/udp\nRule added\n# ufw allow \\\n  8045/tcp\n8046/tcp ALLOW Anywhere\n```\n';
      assert.deepEqual(show(t, run(t)), ['allow in 8443/udp | 8443', 'allow in 8045/tcp | 8045']);
    });

    it('reads the ufw rules of every shell fence language, and no other', () => {
      const sessions = ['console', 'shell-session', 'sh-session', 'shellsession'];
      for (const lang of ['', 'sh', 'bash', 'shell', 'zsh', ...sessions]) {
        const t = `\`\`\`${lang}\n${sessions.includes(lang) ? '$ ' : ''}sudo ufw allow 8443/udp\n\`\`\`\n`;
        assert.deepEqual(show(t, run(t)), ['allow in 8443/udp | 8443'], `\`\`\`${lang}`);
      }
      for (const lang of ['text', 'powershell', 'python']) {
        const t = `\`\`\`${lang}\nsudo ufw allow 8443/udp\n\`\`\`\n`;
        assert.deepEqual(run(t).facts, [], `\`\`\`${lang} is not shell`);
      }
    });

    it('extracts nothing from the rtcd getting-started guide (a systemd unit and docker run, no ufw)', () => {
      const text = corpusText('rtcd/getting_started.md');
      const r = run(text);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.workloads, []);
      assert.deepEqual(r.findings, []);
    });

    it('reports invalid ports in documented commands', () => {
      const t = '```sh\nsudo ufw allow 8000:8010\n```\n';
      const r = run(t);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings.map((f) => `${f.rule} ${slice(t, f.span)}`), ['invalid-port 8000:8010']);
    });

    it('resolves application profiles from the workspace and records the dependency', () => {
      const P = '/ws/etc/ufw/applications.d/rtcd';
      const t = '```bash\nsudo ufw allow rtcd\n```\n';
      const r = run(t, { [P]: fixture('ufw/applications.d/rtcd') });
      assert.deepEqual(show(t, r), ['allow in 8443/udp | rtcd', 'allow in 8045/tcp | rtcd']);
      assert.deepEqual(r.dependencies, [P]);
    });
  });
});
