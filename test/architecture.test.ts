/**
 * The invariants ARCHITECTURE.md states, enforced: the analysis core imports no editor API,
 * no LSP library and no I/O; only pure libraries and other core files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT } from './helpers';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((i) => i.fileName);
}

/** Packages the core may use: pure parsers and glob matching, no I/O. */
const CORE_PACKAGES = new Set(['yaml', 'jsonc-parser', 'toml-eslint-parser', 'picomatch', 'saxes', 'immutable']);

describe('architecture invariants', () => {
  const coreDir = path.join(ROOT, 'server', 'src', 'core');
  const coreFiles = sources(coreDir);

  it('finds the core sources', () => {
    assert.ok(coreFiles.length >= 15, `only ${coreFiles.length} core files found`);
  });

  it('the core imports only core files and pure libraries (no vscode, no vscode-languageserver*, no node: modules)', () => {
    const bad: string[] = [];
    for (const file of coreFiles) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(coreDir + path.sep)) bad.push(`${path.relative(ROOT, file)} imports ${spec} (outside the core)`);
        } else if (!CORE_PACKAGES.has(spec)) {
          bad.push(`${path.relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the check can fail: a forbidden import is recognized', () => {
    const info = ts.preProcessFile("import * as fs from 'node:fs';\nimport { x } from 'vscode-languageserver';", true, true);
    const found = info.importedFiles.map((i) => i.fileName).filter((s) => !s.startsWith('.') && !CORE_PACKAGES.has(s));
    assert.deepEqual(found, ['node:fs', 'vscode-languageserver']);
  });

  it('the client carries no analysis code: from the server it imports only the protocol messages', () => {
    for (const file of sources(path.join(ROOT, 'client', 'src'))) {
      for (const spec of importsOf(file)) {
        if (spec.includes('server/')) assert.ok(spec.endsWith('server/src/lsp/protocol'), `${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    const protocolImports = importsOf(path.join(ROOT, 'server', 'src', 'lsp', 'protocol.ts'));
    assert.deepEqual(protocolImports, ['vscode-languageserver-protocol'], 'protocol.ts is shared with the client, so it imports nothing of the server');
  });

  it('no module-level mutable state in the core (no top-level let/var)', () => {
    const bad: string[] = [];
    for (const file of coreFiles) {
      const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      for (const st of sf.statements) {
        if (ts.isVariableStatement(st) && !(st.declarationList.flags & ts.NodeFlags.Const)) bad.push(`${path.relative(ROOT, file)}: ${st.getText(sf).slice(0, 60)}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
