/**
 * Malformed input of every format: truncations and corruptions of real files must never make a
 * format module throw, and every span must stay inside its document. Deterministic (a seeded
 * generator), bounded so the suite stays fast.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FORMATS } from '../server/src/core/registry';
import type { ExtractContext, FormatModule, Span } from '../server/src/core/model';
import { CORPUS, ROOT } from './helpers';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** mulberry32: a small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = ['{', '}', ';', '"', "'", '[', ']', ':', '=', '\n', '\\', '${', '-', '#', '\u0000', '\ufffd', '99999', '0', ' ', '\t', '\r\n', '- ', '*', '&a', '*a'];

function mutations(text: string, seed: number, count: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.floor(r() * (text.length + 1));
    switch (i % 3) {
      case 0: out.push(text.slice(0, at)); break;
      case 1: out.push(text.slice(0, at) + NOISE[Math.floor(r() * NOISE.length)] + text.slice(at)); break;
      default: {
        const len = Math.floor(r() * 20);
        out.push(text.slice(0, at) + text.slice(at + len));
      }
    }
  }
  return out;
}

function inside(span: Span, len: number): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= len;
}

function check(mod: FormatModule, file: string, text: string): void {
  const ctx: ExtractContext = { path: file, text, read: () => undefined, files: () => [file] };
  let detected: unknown;
  assert.doesNotThrow(() => (detected = mod.detect(file, text)), `${mod.id}.detect threw on a mutation of ${file}`);
  void detected;
  const r = mod.extract(ctx);
  for (const f of r.facts) {
    if (f.location.file === file) assert.ok(inside(f.location.span, text.length), `${mod.id}: fact span ${JSON.stringify(f.location.span)} outside ${text.length} chars`);
  }
  for (const f of r.findings) assert.ok(inside(f.span, text.length), `${mod.id}: finding span outside the document`);
}

describe('malformed input never throws', function () {
  this.timeout(60000);
  const files = [...walk(CORPUS), ...walk(path.join(ROOT, 'examples')), ...walk(path.join(ROOT, 'test', 'fixtures'))];
  for (const mod of FORMATS) {
    it(`${mod.id}: 40 mutations of every real file it could read`, () => {
      let runs = 0;
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        const posix = file.split(path.sep).join('/');
        if (!mod.detect(posix, text)) continue;
        for (const m of mutations(text, runs + 1, 40)) {
          check(mod, posix, m);
          runs++;
        }
      }
      assert.ok(runs > 0, `no real file was recognized as ${mod.id}`);
    });
  }
});
