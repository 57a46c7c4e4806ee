/**
 * Property tests (fast-check) of every format module on mutated real files: extraction never
 * throws and every span stays inside its document; whitespace added at line ends (outside any
 * port digits) gives the same facts. Runs are bounded so the suite stays fast. The seed is fixed
 * (./property.ts; `npm run test:random` draws one); a failure prints fast-check's seed, path and
 * the shrunk input, so it reproduces.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { FORMATS } from '../server/src/core/index/registry';
import type { ExtractContext, ExtractResult, FormatModule, Span } from '../server/src/core/model/facts';
import { CORPUS, CORPUS_UPSTREAMS, isCorpusPaperwork, ROOT } from './helpers';
import { fcParams, SEED_LABEL } from './property';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const NOISE = ['{', '}', ';', '"', "'", '[', ']', ':', '=', '\n', '\\', '${', '-', '#', '\u0000', '\ufffd', '99999', '0', ' ', '\t', '\r\n', '- ', '*', '&a', '*a', '\ud800', '<<: *a', 'include ', '[Service]\n', 'ufw allow '];

/** A mutation of a text: truncation, insertion of syntax noise, deletion of a run, or duplication of a slice. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), what: fc.oneof(fc.constantFrom(...NOISE), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 200 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = Math.floor(m.at * t.length);
    switch (m.kind) {
      case 'truncate': t = t.slice(0, at); break;
      case 'insert': t = t.slice(0, at) + m.what + t.slice(at); break;
      case 'delete': t = t.slice(0, at) + t.slice(at + m.len); break;
      case 'duplicate': t = t.slice(0, at + m.len) + t.slice(at, at + m.len) + t.slice(at + m.len); break;
    }
  }
  return t;
}

function inside(span: Span, len: number): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= len;
}

function extract(mod: FormatModule, file: string, text: string): ExtractResult {
  const ctx: ExtractContext = { path: file, text, read: () => undefined, files: () => [file] };
  return mod.extract(ctx);
}

/** Asserts every span a result gives in `file` lies inside `text`. */
function spansInside(mod: FormatModule, file: string, text: string, r: ExtractResult): void {
  const n = text.length;
  const check = (s: Span, what: string) => assert.ok(inside(s, n), `${mod.id}: ${what} span ${JSON.stringify(s)} outside ${n} chars`);
  for (const f of r.facts) {
    if (f.location.file === file) check(f.location.span, 'fact');
    if (f.valueLocation.file === file) check(f.valueLocation.span, 'fact value');
  }
  for (const f of r.findings) check(f.span, `${f.rule} finding`);
  for (const e of [...r.env, ...r.workloads.flatMap((w) => w.env)]) {
    if (e.nameLocation.file === file) check(e.nameLocation.span, 'env name');
    if (e.valueLocation.file === file) check(e.valueLocation.span, 'env value');
  }
  for (const w of r.workloads) if (w.location.file === file) check(w.location.span, 'workload');
}

/** Facts with positions replaced by the text they cover, so two versions of a file compare. */
function comparable(r: ExtractResult, text: string): unknown[] {
  return r.facts.map((f) => ({
    kind: f.kind, ports: f.ports, protocol: f.protocol, address: f.address, owner: f.owner, role: f.role, detail: f.detail, scheme: f.scheme, publishedBy: f.publishedBy,
    at: text.slice(f.location.span.start, f.location.span.end),
    value: f.valueLocation.file === f.location.file ? text.slice(f.valueLocation.span.start, f.valueLocation.span.end) : f.valueLocation.file,
  }));
}

const files = [...CORPUS_UPSTREAMS.flatMap((u) => walk(path.join(CORPUS, u))).filter((f) => !isCorpusPaperwork(f)), ...walk(path.join(ROOT, 'examples')), ...walk(path.join(ROOT, 'test', 'fixtures'))].map((f) => ({
  path: f.split(path.sep).join('/'),
  text: fs.readFileSync(f, 'utf8'),
}));

describe(`format modules on mutated real files (${SEED_LABEL})`, function () {
  this.timeout(60000);
  for (const mod of FORMATS) {
    const own = files.filter((f) => mod.detect(f.path, f.text));
    it(`${mod.id}: never throws and keeps every span inside the document`, () => {
      assert.ok(own.length > 0, `no real file is recognized as ${mod.id}`);
      fc.assert(
        fc.property(fc.constantFrom(...own), fc.array(mutation, { minLength: 1, maxLength: 4 }), (f, ms) => {
          const text = apply(f.text, ms);
          mod.detect(f.path, text);
          spansInside(mod, f.path, text, extract(mod, f.path, text));
        }),
        fcParams(150),
      );
    });

    it(`${mod.id}: whitespace added at line ends gives the same facts`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...own), fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\t', '  ')), { minLength: 1, maxLength: 6 }), (f, adds) => {
          const lines = f.text.split('\n');
          for (const [at, ws] of adds) {
            const i = at % lines.length;
            const line = lines[i]!;
            const cr = line.endsWith('\r');
            const body = cr ? line.slice(0, -1) : line;
            // Not after a line continuation, and not touching digits (a port's last digit may end a line).
            if (body === '' || /[\\\d]$/.test(body)) continue;
            lines[i] = body + ws + (cr ? '\r' : '');
          }
          const changed = lines.join('\n');
          const before = extract(mod, f.path, f.text);
          const after = extract(mod, f.path, changed);
          assert.deepEqual(comparable(after, changed), comparable(before, f.text));
        }),
        fcParams(60),
      );
    });
  }
});
