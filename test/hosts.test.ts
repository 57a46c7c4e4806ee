import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { HostMap } from '../server/src/core/index/hosts';

const WS = { path: '/ws', name: 'ws' };

/** The host picomatch's first matching glob gives `rel` (the answer HostMap must give). */
function expected(globs: { glob: string; host: string }[], rel: string): string | undefined {
  return globs.find((g) => picomatch(g.glob, { dot: true })(rel))?.host;
}

describe('host map globs', () => {
  const globs = [
    { glob: 'hosts/h1/**', host: 'h1' },
    { glob: 'deploy/app.v2/**', host: 'app' },
    { glob: 'etc/*.conf', host: 'conf' },
    { glob: '**/.env', host: 'env' },
  ];

  it('put paths below a <base>/** glob on its host, as picomatch matches them', () => {
    const map = new HostMap([WS], globs);
    for (const rel of ['hosts/h1/a', 'hosts/h1/.hidden/x', 'hosts/h1/a/b/c.yml', 'hosts/h1/', 'hosts/h1//a', 'deploy/app.v2/compose.yaml', 'etc/nginx.conf', 'x/.env']) {
      assert.equal(expected(globs, rel) !== undefined, true, rel);
      assert.equal(map.mappedPlacement(`/ws/${rel}`)?.host, expected(globs, rel), rel);
    }
  });

  it('leave paths picomatch refuses (dot segments, line breaks, a longer name) to the layout', () => {
    const map = new HostMap([WS], globs);
    for (const rel of ['hosts/h1/./a', 'hosts/h1/../a', 'hosts/h1/a/..', 'hosts/h1/a\nb', 'hosts/h1/a\u2028b', 'hosts/h1x/a', 'deploy/appXv2/a', 'etc/sub/x.conf']) {
      assert.equal(expected(globs, rel), undefined, rel);
      assert.equal(map.mappedPlacement(`/ws/${rel}`), undefined, rel);
    }
  });

  it('answer the same in every map withLayouts makes', () => {
    const map = new HostMap([WS], globs).withLayouts(new Map()).withLayouts(new Map());
    assert.equal(map.hostOf('/ws/hosts/h1/etc/nginx/nginx.conf'), 'h1');
    assert.equal(map.hostOf('/ws/hosts/h2/etc/nginx/nginx.conf'), 'ws');
  });
});
