import * as assert from 'node:assert/strict';
import { FileListing, filesNamedBy } from '../server/src/core/model/listing';
import { analyze } from './memory';
import { rtcdUnit } from './rules/fixtures';

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
