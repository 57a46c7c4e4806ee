import * as assert from 'node:assert/strict';
import { FileListing, filesNamedBy } from '../server/src/core/model/listing';
import { analyze } from './memory';
import { rtcdConfig, rtcdUnit } from './rules/fixtures';

const UNIT = '/ws/etc/systemd/system/rtcd.service';

describe('filesNamedBy: a path written for the server, mapped onto workspace files', () => {
  it('maps absolute paths onto workspace files by the longest suffix of whole segments', () => {
    const files = ['/ws/a/rtcd.env', '/ws/etc/rtcd/rtcd.env', '/ws/other/etc/rtcd/x.env'];
    assert.deepEqual(filesNamedBy('/etc/rtcd/rtcd.env', files, UNIT), ['/ws/etc/rtcd/rtcd.env']);
    assert.deepEqual(filesNamedBy('/etc/rtcd/rtcd.env', ['/ws/a/rtcd.env'], UNIT), ['/ws/a/rtcd.env']);
    assert.deepEqual(filesNamedBy('/etc/default/nothing', files, UNIT), []);
    assert.deepEqual(filesNamedBy('/etc/rtcd/rtcd.env', ['/ws/a/xrtcd.env'], UNIT), [], 'a segment matches whole, not by its end');
    assert.deepEqual(filesNamedBy('/etc/rtcd/rtcd.env', new FileListing(files), UNIT), ['/ws/etc/rtcd/rtcd.env'], 'a listing answers the same');
  });

  it('the path itself wins when it is a workspace file', () => {
    const files = ['/etc/rtcd/rtcd.env', '/ws/etc/rtcd/rtcd.env'];
    assert.deepEqual(filesNamedBy('/etc/rtcd/rtcd.env', files, UNIT), ['/etc/rtcd/rtcd.env']);
    assert.deepEqual(filesNamedBy('/etc/rtcd/rtcd.env', new FileListing(files), UNIT), ['/etc/rtcd/rtcd.env']);
  });

  it('breaks ties by the deepest ancestor of the naming file, whole directories only, then path order', () => {
    const trees = ['/ws/a/etc/rtcd.env', '/ws/b/etc/rtcd.env'];
    assert.deepEqual(filesNamedBy('/etc/rtcd.env', trees, '/ws/b/etc/systemd/rtcd.service'), ['/ws/b/etc/rtcd.env']);
    assert.deepEqual(filesNamedBy('/etc/rtcd.env', trees, '/ws/a/rtcd.service'), ['/ws/a/etc/rtcd.env']);
    assert.deepEqual(filesNamedBy('/etc/rtcd.env', trees, '/srv/rtcd.service'), trees, 'no shared ancestor: all, in path order');
    // "/ws/ab" shares more characters with "/ws/abc" than "/ws/a" does, but no directory.
    assert.deepEqual(filesNamedBy('/etc/x.env', ['/ws/a/x.env', '/ws/ab/x.env'], '/ws/abc/unit.service'), ['/ws/a/x.env', '/ws/ab/x.env']);
  });

  it('matches globs segment by segment with at least minSegments, never dot files, never through ..', () => {
    const files = new FileListing(['/ws/a/conf.d/.hidden.conf', '/ws/a/conf.d/x.conf', '/ws/b/snippets/x.conf', '/ws/b/snippets/y.conf']);
    assert.deepEqual(filesNamedBy('/etc/nginx/conf.d/*.conf', files, '/ws/a/nginx.conf', { glob: true, minSegments: 2 }), ['/ws/a/conf.d/x.conf']);
    assert.deepEqual(filesNamedBy('/etc/nginx/snippets/*.conf', files, '/ws/a/nginx.conf', { glob: true, minSegments: 2 }), ['/ws/b/snippets/x.conf', '/ws/b/snippets/y.conf']);
    assert.deepEqual(filesNamedBy('*.conf', files, '/ws/a/nginx.conf', { glob: true, minSegments: 2 }), [], 'one segment is fewer than minSegments');
    assert.deepEqual(filesNamedBy('/etc/../conf.d/x.conf', files, '/ws/a/nginx.conf'), []);
    assert.deepEqual(filesNamedBy('/etc/./conf.d/x.conf', files, '/ws/b/nginx.conf'), ['/ws/a/conf.d/x.conf']);
  });
});

describe('the mapping in use', () => {
  const A = '/ws/a/etc/rtcd/config.toml';
  const B = '/ws/b/etc/rtcd/config.toml';

  it("links rtcd's --config to the config nearest the unit when two match", () => {
    const files = {
      [A]: rtcdConfig(':8045', 8443, 8443),
      [B]: rtcdConfig(':8045', 8443, 8443),
      '/ws/b/etc/systemd/system/rtcd.service': rtcdUnit(['Environment=RTCD_RTC_ICEPORTUDP=9000']),
    };
    const a = analyze(files);
    const udp = (file: string) => a.factsIn(file).find((f) => f.role === 'rtcd-ice-udp')!;
    assert.equal(udp(B).shadowed, true, "the unit's override shadows the config it reads");
    assert.equal(udp(B).shadowedBy, 'overridden by RTCD_RTC_ICEPORTUDP', 'and says by what, for hover');
    assert.equal(udp(A).shadowed, undefined, 'the other tree is not read');
    assert.equal(udp(A).shadowedBy, undefined);
  });

  it('still needs three matching segments for --config: a config.toml elsewhere is not linked', () => {
    const files = {
      '/ws/x/config.toml': rtcdConfig(':8045', 8443, 8443),
      '/ws/y/config.toml': rtcdConfig(':8045', 8443, 8443),
      '/ws/b/etc/systemd/system/rtcd.service': rtcdUnit(['Environment=RTCD_RTC_ICEPORTUDP=9000']),
    };
    const a = analyze(files);
    assert.deepEqual(a.snap.facts.filter((f) => f.role === 'rtcd-ice-udp' && f.shadowed).map((f) => f.location.file), []);
  });

  it('reads the EnvironmentFile= nearest the unit when two trees have it', () => {
    const unit = '/ws/b/etc/systemd/system/rtcd.service';
    const a = analyze({
      '/ws/a/etc/rtcd/rtcd.env': 'RTCD_RTC_ICEPORTUDP=9001\n',
      '/ws/b/etc/rtcd/rtcd.env': 'RTCD_RTC_ICEPORTUDP=9002\n',
      [unit]: rtcdUnit(['EnvironmentFile=/etc/rtcd/rtcd.env']),
    });
    assert.deepEqual(a.snap.workloads.filter((w) => w.file === unit).flatMap((w) => w.env.map((e) => `${e.name}=${e.value} ${e.valueLocation.file}`)), [
      'RTCD_RTC_ICEPORTUDP=9002 /ws/b/etc/rtcd/rtcd.env',
    ]);
  });
});
