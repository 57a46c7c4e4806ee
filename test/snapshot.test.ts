import * as assert from 'node:assert/strict';
import { HostMap } from '../server/src/core/index/hosts';
import { extractFile } from '../server/src/core/index/registry';
import { placedSnapshot, type PlacedSnapshot } from '../server/src/core/index/snapshot';
import { WorkspaceIndex } from '../server/src/core/index/workspace';
import type { ExtractContext, FormatModule } from '../server/src/core/model/facts';
import { emptyResult } from '../server/src/core/model/facts';
import { LineIndex, positionAt } from '../server/src/core/model/lines';
import { runRules } from '../server/src/core/rules/index';
import { rtcdConfig } from './rules/fixtures';

const RTCD = '/ws/etc/rtcd/config.toml';
const ENV = '/ws/etc/rtcd/notes.txt';
const WS = { path: '/ws', name: 'ws' };

describe('snapshots', () => {
  describe('are immutable', () => {
    it('keep their texts and line numbers when the file is edited afterwards', () => {
      const index = new WorkspaceIndex({ roots: [WS] });
      const text = rtcdConfig(':8045', 8443, 8443);
      index.setText(RTCD, text);
      const old = index.snapshot();
      const api = old.facts.find((f) => f.role === 'rtcd-api')!;
      const line = old.lineOf(api.location);
      assert.equal(line, text.slice(0, api.location.span.start).split('\n').length - 1);

      // Three lines inserted above: every offset and line of the file moves.
      index.setText(RTCD, '# one\n# two\n# three\n' + text);
      const now = index.snapshot();
      assert.equal(now.lineOf(now.facts.find((f) => f.role === 'rtcd-api')!.location), line + 3);
      assert.notEqual(now.lineOf(api.location), line, 'the old offset read in the new text lands on another line');

      assert.equal(old.lineOf(api.location), line);
      assert.equal(old.where(api.location), `etc/rtcd/config.toml:${line + 1}`);
      assert.equal(old.files.get(RTCD)?.text, text);
      assert.equal(old.textOf(RTCD), text);
      assert.equal(old.linesOf(RTCD).lineCount, text.split('\n').length);
      assert.notEqual(now.files.get(RTCD)?.text, text);
    });

    it('keep the texts of files without a format, and forget nothing when a file is removed later', () => {
      const index = new WorkspaceIndex({ roots: [WS] });
      index.setText(RTCD, rtcdConfig(':8045', 8443, 8443));
      index.setText(ENV, 'a\nb\n');
      const old = index.snapshot();
      assert.equal(old.files.has(ENV), false, 'no module reads a .txt file');
      index.setText(ENV, 'c\n');
      index.remove(RTCD);
      assert.equal(old.textOf(ENV), 'a\nb\n');
      assert.equal(old.lineOf({ file: ENV, span: { start: 2, end: 3 } }), 1);
      assert.equal(old.files.has(RTCD), true);
      assert.equal(index.snapshot().files.has(RTCD), false);
      assert.equal(index.snapshot().textOf(ENV), 'c\n');
    });

    it('keep their hosts when the host map changes afterwards', () => {
      const index = new WorkspaceIndex({ roots: [WS] });
      index.setText(RTCD, rtcdConfig(':8045', 8443, 8443));
      const old = index.snapshot();
      index.configure({ roots: [WS], hostMap: [{ glob: 'etc/**', host: 'media1' }] });
      assert.equal(old.hostOf(RTCD), 'ws');
      assert.equal(index.snapshot().hostOf(RTCD), 'media1');
    });

    it('freeze their file records and lists; an unchanged file keeps its record and line index', () => {
      const index = new WorkspaceIndex({ roots: [WS] });
      index.setText(RTCD, rtcdConfig(':8045', 8443, 8443));
      index.setText('/ws/other/config.toml', '[server]\nport = 9000\n');
      const a = index.snapshot();
      const record = a.files.get(RTCD)!;
      assert.ok(Object.isFrozen(record) && Object.isFrozen(a) && Object.isFrozen(a.facts) && Object.isFrozen(a.findings));
      assert.throws(() => {
        (record as { text: string }).text = 'x';
      }, TypeError);
      index.setText('/ws/other/config.toml', '[server]\nport = 9001\n');
      const b = index.snapshot();
      assert.notEqual(b, a);
      assert.equal(b.files.get(RTCD), record);
      assert.equal(b.files.get(RTCD)!.lines, record.lines);
      assert.notEqual(b.files.get('/ws/other/config.toml'), a.files.get('/ws/other/config.toml'));
    });
  });

  describe('stages', () => {
    it('a placed snapshot has no lookup and is no resolved snapshot (type errors, not runtime throws)', () => {
      const placed: PlacedSnapshot = placedSnapshot({ facts: [], workloads: [], env: [], findings: [], files: new Map(), texts: new Map(), hosts: new HostMap([WS]) });
      assert.equal(placed.stage, 'placed');
      assert.equal('lookup' in placed, false);
      // Compile-time checks: the build fails if either line type-checks.
      const neverCalled = () => {
        // @ts-expect-error lookup() exists only on resolved snapshots
        placed.lookup();
        // @ts-expect-error rules take resolved snapshots only
        runRules(placed);
      };
      void neverCalled;
      const resolved = new WorkspaceIndex({ roots: [WS] }).snapshot();
      assert.equal(resolved.stage, 'resolved');
      assert.deepEqual(resolved.lookup().effectiveBinds, []);
    });
  });

  describe('line index', () => {
    const text = 'ab\n\ncd\r\nlast';
    it('answers positions as the linear scan does, and offsets back, clamped to the text', () => {
      const lines = new LineIndex(text);
      assert.equal(lines.lineCount, 4);
      for (let o = 0; o <= text.length; o++) assert.deepEqual(lines.positionAt(o), positionAt(text, o), `offset ${o}`);
      assert.deepEqual(lines.positionAt(999), positionAt(text, text.length));
      assert.deepEqual(lines.positionAt(-5), { line: 0, character: 0 });
      assert.equal(lines.offsetAt(2, 1), text.indexOf('d'));
      assert.equal(lines.offsetAt(0, 99), 2, 'a character past the line end stops at the end of the line');
      assert.equal(lines.offsetAt(9, 0), text.length);
      assert.equal(new LineIndex('').lineCount, 1);
    });
  });
});

describe('the format boundary', () => {
  const ctx: ExtractContext = { path: '/ws/x.conf', text: 'listen 80;\n', read: () => undefined, files: () => [] };
  const throwing: FormatModule = {
    id: 'nginx',
    detect: () => 'strong',
    extract: () => {
      throw new Error('boom');
    },
  };

  it('turns a module that throws into a parse error naming the format, and logs it with the file', () => {
    const logged: string[] = [];
    const r = extractFile(throwing, ctx, (m) => logged.push(m));
    assert.equal(r.failed, true);
    assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.message}`), ['parse-error Portolan could not read this nginx file: boom']);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /^nginx extract threw on \/ws\/x\.conf: Error: boom/);
  });

  it('says a stack overflow is nesting too deep', () => {
    const deep: FormatModule = { ...throwing, extract: () => { throw new RangeError('Maximum call stack size exceeded'); } };
    assert.match(extractFile(deep, ctx).findings[0]!.message, /^Portolan could not read this nginx file: it is nested too deeply \(Maximum call stack/);
  });

  it('passes a module\'s own result through untouched, and logs nothing', () => {
    const own = emptyResult();
    const logged: string[] = [];
    const fine: FormatModule = { ...throwing, extract: () => own };
    assert.equal(extractFile(fine, ctx, (m) => logged.push(m)), own);
    assert.deepEqual(logged, []);
  });
});
