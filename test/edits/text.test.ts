/**
 * The pure edit layer: applying edits keeps every other character, overlapping edits are
 * refused, spans map back through edits, and the CLI's byte-level rewrite keeps BOM, CRLF and
 * tabs.
 */
import * as assert from 'node:assert/strict';
import { editBytes } from '../../server/src/cli/renumber';
import { applyEdits, lineAt, lineBreakOf, mapBack, normalizeEdits, OverlappingEditsError } from '../../server/src/core/features/edits/text';

const e = (start: number, end: number, newText: string) => ({ file: '/f', span: { start, end }, newText });

describe('edits: text layer', () => {
  it('applies edits in any order and keeps everything else', () => {
    const text = 'listen 8444;\r\n\tproxy_pass http://127.0.0.1:8444;\r\n';
    const a = text.indexOf('8444');
    const b = text.lastIndexOf('8444');
    assert.equal(applyEdits(text, [e(b, b + 4, '8045'), e(a, a + 4, '8045')]), 'listen 8045;\r\n\tproxy_pass http://127.0.0.1:8045;\r\n');
  });

  it('drops an exact duplicate and refuses two different edits of the same digits', () => {
    assert.equal(normalizeEdits([e(0, 4, 'x'), e(0, 4, 'x')]).length, 1);
    assert.throws(() => normalizeEdits([e(0, 4, 'x'), e(0, 4, 'y')]), OverlappingEditsError);
    assert.throws(() => normalizeEdits([e(0, 4, 'x'), e(2, 6, 'y')]), OverlappingEditsError);
  });

  it('refuses a span outside the text', () => {
    assert.throws(() => applyEdits('abc', [e(2, 9, 'x')]), RangeError);
  });

  it('maps spans of the edited text back to the original', () => {
    const edits = normalizeEdits([e(4, 8, '10000'), e(20, 20, 'ins\n')]);
    // Before the first edit: unchanged. Inside it: its original span. After: shifted back.
    assert.deepEqual(mapBack({ start: 0, end: 3 }, edits), { start: 0, end: 3 });
    assert.deepEqual(mapBack({ start: 4, end: 9 }, edits), { start: 4, end: 8 });
    assert.deepEqual(mapBack({ start: 10, end: 12 }, edits), { start: 9, end: 11 });
    assert.deepEqual(mapBack({ start: 21, end: 24 }, edits), { start: 20, end: 20 });
    assert.deepEqual(mapBack({ start: 26, end: 28 }, edits), { start: 21, end: 23 });
  });

  it('finds lines and line breaks (CRLF and LF)', () => {
    const t = 'a\r\nbb\r\nc';
    assert.deepEqual(lineAt(t, 4), { span: { start: 3, end: 5 }, break: { start: 5, end: 7 } });
    assert.deepEqual(lineAt(t, 7), { span: { start: 7, end: 8 }, break: { start: 8, end: 8 } });
    assert.equal(lineBreakOf(t), '\r\n');
    assert.equal(lineBreakOf('a\nb'), '\n');
  });

  it('rewrites bytes keeping the BOM, CRLF and tabs; only the digits change', () => {
    const original = '\uFEFF[api]\r\n\thttp.listen_address = ":8045"\r\n';
    const bytes = Buffer.from(original, 'utf8');
    const text = original.slice(1);
    const at = text.indexOf('8045');
    const out = editBytes(bytes, text, [e(at, at + 4, '8145')]);
    assert.deepEqual(out, Buffer.from('\uFEFF[api]\r\n\thttp.listen_address = ":8145"\r\n', 'utf8'));
  });

  it('refuses to rewrite bytes that are not UTF-8, or a file that changed since it was read', () => {
    const latin1 = Buffer.from([0x70, 0x6f, 0x72, 0x74, 0xe9, 0x0a]);
    assert.throws(() => editBytes(latin1, latin1.toString('utf8'), []), /not valid UTF-8/);
    assert.throws(() => editBytes(Buffer.from('a=1\n'), 'a=2\n', []), /changed on disk/);
  });
});
