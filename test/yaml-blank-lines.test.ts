/**
 * Long runs of empty lines in a compose file (formats/compose/syntax.ts `quietBlankRuns`): yaml
 * spends about a microsecond per line, so runs that only separate nodes are read as one line of
 * spaces. The document must be the one yaml reads from the text as written, offsets included;
 * runs inside block scalars (kept by `|+`), quoted scalars and flow collections, or followed by
 * an indented line, are not touched.
 */
import * as assert from 'node:assert/strict';
import { parseDocument, visit, type Document } from 'yaml';
import { parseComposeYaml } from '../server/src/core/formats/compose/syntax';

const gap = (n = 5000, eol = '\n') => eol.repeat(n);

/** Values and the range of every scalar, in document order. */
function shape(doc: Document): unknown {
  const ranges: unknown[] = [];
  visit(doc, { Scalar: (_, node) => void ranges.push([node.value, node.range]) });
  return { js: doc.toJS(), ranges };
}

function assertAsWritten(text: string): void {
  const ours = parseComposeYaml(text);
  const theirs = parseDocument(text, { prettyErrors: false });
  assert.deepEqual(ours.errors, [], ours.errors.map((e) => e.message).join('\n'));
  assert.equal(theirs.errors.length, 0);
  assert.deepEqual(shape(ours.value!), shape(theirs));
}

function ms(f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const start = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[1]!;
}

describe('compose YAML: long runs of empty lines', function () {
  this.timeout(60000);

  it('separating runs (LF and CRLF, between keys, items and at the end) give the document as written', () => {
    assertAsWritten(`services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n${gap()}`);
    assertAsWritten(`services:\n  web:\n    ports:\n      - "8080:80"\n${gap()}volumes:\n  data: {}\n${gap(3000)}`);
    assertAsWritten(`services:\r\n  web:\r\n    ports:\r\n      - "8080:80"\r\n${gap(5000, '\r\n')}networks:\r\n  a: {}\r\n`);
    assertAsWritten(`services:\n  web:\n    command: a\n      b\n${gap()}x-y: 1\n`);
  });

  it('near miss: runs inside scalars and flows, or before an indented line, keep every line break', () => {
    const keep = parseComposeYaml(`services:\n  web:\n    command: |+\n      run\n${gap(100)}x-a: 1\n`).value!;
    assert.equal(keep.getIn(['services', 'web', 'command']), 'run\n' + '\n'.repeat(100));
    const quoted = parseComposeYaml(`services:\n  web:\n    command: "a\n${gap(100)}      b"\n`).value!;
    assert.equal(quoted.getIn(['services', 'web', 'command']), 'a' + '\n'.repeat(100) + 'b');
    const single = parseComposeYaml(`services:\n  web:\n    command: 'it''s\n${gap(100)}      b'\n`).value!;
    assert.equal(single.getIn(['services', 'web', 'command']), "it's" + '\n'.repeat(100) + 'b');
    const plain = parseComposeYaml(`services:\n  web:\n    command: a\n${gap(100)}      b\n`).value!;
    assert.equal(plain.getIn(['services', 'web', 'command']), 'a' + '\n'.repeat(100) + 'b');
    assertAsWritten(`services:\n  web:\n    ports: [\n${gap(100)}      "8080:80"]\n`);
    // A quoted scalar whose next line is in column 0 is no document: it stays one, with the error where yaml puts it.
    const broken = `services:\n  web:\n    command: "a\n${gap(100)}b"\n`;
    assert.deepEqual(parseComposeYaml(broken).errors.map((e) => e.span.start), parseDocument(broken, { prettyErrors: false }).errors.map((e) => e.pos[0]));
  });

  it('a separating run costs yaml one line: under a quarter of the time yaml takes on the text as written', () => {
    const text = `services:\n  web:\n    image: nginx:1.27\n${gap(400_000)}`;
    parseComposeYaml(text);
    const ours = ms(() => parseComposeYaml(text));
    const theirs = ms(() => parseDocument(text));
    assert.ok(ours < theirs / 4, `${ours.toFixed(1)} ms against yaml's ${theirs.toFixed(1)} ms`);
  });
});
