import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shellFormat } from '../../server/src/core/formats/shell';
import type { ExtractResult } from '../../server/src/core/model/facts';
import { corpusText, extractIn, ROOT, slice } from '../helpers';

const F = '/ws/scripts/firewall.sh';

function fixture(rel: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'fixtures', rel), 'utf8');
}

function run(text: string, others: Record<string, string> = {}, file = F): ExtractResult {
  return extractIn(shellFormat, { ...others, [file]: text }, file);
}

function show(text: string, r: ExtractResult): string[] {
  return r.facts.map((f) => {
    const p = f.ports.start === f.ports.end ? `${f.ports.start}` : `${f.ports.start}-${f.ports.end}`;
    return `${f.kind} ${f.detail} ${f.firewall?.direction ?? ''} ${p}/${f.protocol} | ${slice(text, f.location.span)}`;
  });
}

/** The docker run line of the rtcd getting-started guide. */
function guideDockerRun(): string {
  const line = corpusText('rtcd/getting_started.md')
    .split('\n')
    .find((l) => l.startsWith('docker run --name rtcd -e'));
  assert.ok(line, 'docker run line in getting_started.md');
  return line;
}

describe('shell format', () => {
  describe('detect', () => {
    it('is strong for scripts with ufw or docker run commands', () => {
      assert.equal(shellFormat.detect(F, fixture('shell/firewall.sh')), 'strong');
      assert.equal(shellFormat.detect('/ws/bin/setup', '#!/usr/bin/env bash\nsudo ufw allow 80/tcp\n'), 'strong');
      assert.equal(shellFormat.detect('/ws/run.bash', `${guideDockerRun()}\n`), 'strong');
      assert.equal(shellFormat.detect('/ws/bin/up', '#!/bin/sh\ndocker container run -p 80:80 nginx\n'), 'strong');
    });

    it('is weak for other shell scripts and false for non-scripts', () => {
      assert.equal(shellFormat.detect('/ws/backup.sh', '#!/bin/sh\ntar czf /tmp/x.tgz /etc\n'), 'weak');
      assert.equal(shellFormat.detect('/ws/bin/tool', '#!/bin/bash\necho hi\n'), 'weak');
      assert.equal(shellFormat.detect('/ws/bin/tool.py', '#!/usr/bin/env python3\nprint("ufw allow 80")\n'), false);
      assert.equal(shellFormat.detect('/ws/notes.txt', 'sudo ufw allow 80\n'), false);
    });
  });

  describe('extract', () => {
    it('extracts ufw rules after sudo, resolving workspace and built-in profiles', () => {
      const P = '/ws/etc/ufw/applications.d/rtcd';
      const text = fixture('shell/firewall.sh');
      const r = run(text, { [P]: fixture('ufw/applications.d/rtcd') });
      assert.deepEqual(r.findings, []);
      assert.deepEqual(show(text, r), [
        'firewall ufw allow in 8443/tcp | 8443',
        'firewall ufw allow in 8045/udp | 8045',
        'firewall ufw allow in 8045/tcp | 8045',
        'firewall ufw allow out 8444/tcp | 8444',
        'firewall ufw allow out 8046/both | 8046',
        'firewall ufw allow in 80/tcp | Nginx Full',
        'firewall ufw allow in 443/tcp | Nginx Full',
        'firewall ufw allow in 8443/udp | rtcd',
        'firewall ufw allow in 8045/tcp | rtcd',
      ]);
      assert.equal(r.facts[0]!.firewall!.comment, 'rtcd API');
      assert.deepEqual(r.dependencies, [P]);
    });

    it('counts only commands whose first word is ufw (not echo arguments, heredocs or comments)', () => {
      const t = [
        '#!/bin/bash',
        'echo "ufw allow 80"',
        'echo ufw allow 81',
        '# ufw allow 82',
        'cat <<EOF > /tmp/rules',
        'ufw allow 83',
        'EOF',
        'logger "run: sudo ufw allow 84/tcp"',
      ].join('\n');
      const r = run(t);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings, []);
    });

    it('finds ufw inside control structures and command lists', () => {
      const t = 'if ! ufw status | grep -q active; then\n  sudo -E ufw --force enable && sudo ufw allow 8443/udp\nfi\n';
      assert.deepEqual(show(t, run(t)), ['firewall ufw allow in 8443/udp | 8443']);
    });

    it('reports invalid ufw ports', () => {
      const t = 'ufw allow 70000/tcp\nufw allow 9000:8000/udp\n';
      const r = run(t);
      assert.deepEqual(r.facts, []);
      assert.deepEqual(r.findings.map((f) => `${f.rule} ${slice(t, f.span)}`), ['invalid-port 70000', 'invalid-port 9000:8000']);
    });

    it('hands docker run to the docker-run module (rtcd getting-started command)', () => {
      const line = guideDockerRun();
      const t = `#!/bin/sh\nsudo ${line}\n`;
      const r = run(t);
      assert.equal(r.workloads.length, 1);
      assert.equal(r.workloads[0]!.kind, 'docker-run');
      assert.equal(r.workloads[0]!.image, 'mattermost/rtcd');
      const published = r.facts.map((f) => `${f.kind} ${f.ports.start}/${f.protocol} | ${slice(t, f.location.span)}`);
      assert.ok(published.includes('bind 8443/udp | 8443'), published.join('\n'));
      assert.ok(published.includes('bind 8045/tcp | 8045'), published.join('\n'));
      // docker pull / docker ps are not run commands.
      assert.deepEqual(run('docker pull mattermost/rtcd:latest\ndocker ps\n').workloads, []);
    });

    it('extracts nothing from a script without ufw or docker run', () => {
      const r = run('#!/bin/sh\nsystemctl restart rtcd\ncurl http://localhost:8045/version\n', {}, '/ws/restart.sh');
      assert.deepEqual([r.facts, r.findings, r.workloads], [[], [], []]);
    });
  });
});
