import * as assert from 'node:assert/strict';
import { dotenvFormat, parseDotenv } from '../../server/src/core/formats/dotenv';
import type { EnvAssignment } from '../../server/src/core/model/facts';
import { corpusText, extractIn, slice } from '../helpers';

const F = '/ws/app/.env';

function byName(env: EnvAssignment[], name: string): EnvAssignment {
  const found = env.filter((a) => a.name === name);
  assert.ok(found.length > 0, `no ${name} in ${env.map((a) => a.name).join(',')}`);
  return found[found.length - 1]!;
}

/** Source text of each value character, through valueOffsets or the plain span. */
function valueChars(text: string, a: EnvAssignment): string {
  return Array.from(a.value, (_, i) => text[a.valueOffsets?.[i] ?? a.valueLocation.span.start + i]).join('');
}

describe('dotenv format', () => {
  describe('detect', () => {
    it('is strong for .env, *.env and .env.<stage>', () => {
      assert.equal(dotenvFormat.detect('/ws/.env', 'A=1\n'), 'strong');
      assert.equal(dotenvFormat.detect('/ws/prod.env', 'whatever'), 'strong');
      assert.equal(dotenvFormat.detect('/ws/.env.local', 'A=1\n'), 'strong');
    });
    it('is weak for env and example files made of assignments', () => {
      assert.equal(dotenvFormat.detect('/ws/env.example', corpusText('docker-jitsi-meet/env.example')), 'weak');
      assert.equal(dotenvFormat.detect('/ws/.env.example', '# c\nexport A=1\nB="x\ny"\n'), 'weak');
      assert.equal(dotenvFormat.detect('/ws/.env.sample', 'A=1\n'), 'weak');
      assert.equal(dotenvFormat.detect('/ws/env', 'A=1\n'), 'weak');
    });
    it('is false for example files that are not assignments, and for other names', () => {
      assert.equal(dotenvFormat.detect('/ws/env.example', '#!/bin/sh\necho hi\n'), false);
      assert.equal(dotenvFormat.detect('/ws/.env.example', '# only comments\n'), false);
      assert.equal(dotenvFormat.detect('/ws/environment.txt', 'A=1\n'), false);
      assert.equal(dotenvFormat.detect('/ws/config.toml', 'A=1\n'), false);
    });
  });

  describe('parseDotenv', () => {
    it('reads KEY=VALUE lines with exact name and value spans', () => {
      const text = 'HTTP_PORT=8000\n  HTTPS_PORT = 8443  \n';
      const env = parseDotenv(F, text);
      assert.deepEqual(env.map((a) => [a.name, a.value]), [['HTTP_PORT', '8000'], ['HTTPS_PORT', '8443']]);
      const b = byName(env, 'HTTPS_PORT');
      assert.equal(slice(text, b.nameLocation.span), 'HTTPS_PORT');
      assert.equal(slice(text, b.valueLocation.span), '8443');
      assert.equal(b.valueLocation.file, F);
      assert.equal(b.valueOffsets, undefined);
    });

    it('skips comments, blank lines and lines that are not assignments', () => {
      const text = '# PORT=1\n\n   # X=2\nnot an assignment\n1BAD=3\nOK=4\n';
      assert.deepEqual(parseDotenv(F, text).map((a) => a.name), ['OK']);
    });

    it('accepts export and CRLF line ends', () => {
      const text = 'export A=1\r\nB=2\r\n';
      const env = parseDotenv(F, text);
      assert.deepEqual(env.map((a) => [a.name, a.value]), [['A', '1'], ['B', '2']]);
      assert.equal(slice(text, byName(env, 'A').nameLocation.span), 'A');
      assert.equal(slice(text, byName(env, 'B').valueLocation.span), '2');
    });

    it('puts the value span inside quotes and keeps # inside them', () => {
      const text = 'A="a b # c" # real comment\nB=\'x\'\nC=\'it\'s\'\n';
      const env = parseDotenv(F, text);
      const a = byName(env, 'A');
      assert.equal(a.value, 'a b # c');
      assert.equal(slice(text, a.valueLocation.span), 'a b # c');
      const b = byName(env, 'B');
      assert.equal(b.value, 'x');
      assert.equal(slice(text, b.valueLocation.span), 'x');
    });

    it('cuts an inline comment after an unquoted value, but not a # inside a word', () => {
      const text = 'A=8080 # the port\nB=a#b\n';
      const env = parseDotenv(F, text);
      assert.equal(byName(env, 'A').value, '8080');
      assert.equal(slice(text, byName(env, 'A').valueLocation.span), '8080');
      assert.equal(byName(env, 'B').value, 'a#b');
    });

    it('reads multi-line and escaped double-quoted values with per-character offsets', () => {
      const text = 'A="l1\nl2"\nB="x\\"y\\ty"\nC=3\n';
      const env = parseDotenv(F, text);
      assert.equal(byName(env, 'A').value, 'l1\nl2');
      const b = byName(env, 'B');
      assert.equal(b.value, 'x"y\ty');
      assert.ok(b.valueOffsets);
      assert.equal(text[b.valueOffsets![1]!], '"');
      assert.equal(byName(env, 'C').value, '3', 'the line after a multi-line value is still read');
    });

    it('gives an empty value for KEY= with an empty span', () => {
      const text = 'EMPTY=\nNEXT=1\n';
      const e = byName(parseDotenv(F, text), 'EMPTY');
      assert.equal(e.value, '');
      assert.equal(e.valueLocation.span.start, e.valueLocation.span.end);
    });

    it('interpolates earlier variables in unquoted and double-quoted values, not in single quotes', () => {
      const text = 'DOMAIN=mm.example.com\nURL=https://${DOMAIN}/x\nQ="$DOMAIN"\nS=\'${DOMAIN}\'\nE="\\$DOMAIN"\n';
      const env = parseDotenv(F, text);
      const url = byName(env, 'URL');
      assert.equal(url.value, 'https://mm.example.com/x');
      assert.equal(valueChars(text, url), 'https://mm.example.com/x', 'substituted characters map to DOMAIN\'s value');
      assert.equal(byName(env, 'Q').value, 'mm.example.com');
      assert.equal(byName(env, 'S').value, '${DOMAIN}');
      assert.equal(byName(env, 'E').value, '$DOMAIN');
    });

    it('takes values literally with interpolate: false (systemd EnvironmentFile=)', () => {
      const text = 'A=1\nB=${A}\n';
      assert.equal(byName(parseDotenv(F, text, { interpolate: false }), 'B').value, '${A}');
      assert.equal(byName(parseDotenv(F, text), 'B').value, '1');
    });

    it('keeps values verbatim with literal: true (docker run --env-file)', () => {
      const text = 'A="x" # c\nB=${A}\n';
      const env = parseDotenv(F, text, { literal: true });
      assert.deepEqual(env.map((a) => [a.name, a.value]), [['A', '"x" # c'], ['B', '${A}']]);
      assert.equal(slice(text, env[0]!.valueLocation.span), '"x" # c');
    });

    it('reads the real mattermost-docker env.example', () => {
      const text = corpusText('mattermost-docker/env.example');
      const env = parseDotenv('/ws/mm/env.example', text);
      const calls = byName(env, 'CALLS_PORT');
      assert.equal(calls.value, '8443');
      assert.equal(slice(text, calls.valueLocation.span), '8443');
      assert.equal(byName(env, 'HTTPS_PORT').value, '443');
      assert.equal(byName(env, 'APP_PORT').value, '8065');
      assert.equal(byName(env, 'MM_SERVICESETTINGS_SITEURL').value, 'https://mm.example.com');
      assert.ok(!env.some((a) => a.name === 'GITLAB_PKI_CHAIN_PATH'), 'commented-out keys are not read');
    });
  });

  describe('extract', () => {
    it('returns the assignments as env and no facts', () => {
      const files = { [F]: 'A=1\nB=2\n' };
      const r = extractIn(dotenvFormat, files, F);
      assert.deepEqual(r.env.map((a) => a.name), ['A', 'B']);
      assert.equal(r.facts.length, 0);
      assert.equal(r.failed, undefined);
    });
    it('yields nothing for a file with no assignments', () => {
      const r = extractIn(dotenvFormat, { [F]: '# nothing\n\n' }, F);
      assert.equal(r.env.length, 0);
      assert.equal(r.facts.length, 0);
    });
  });
});
