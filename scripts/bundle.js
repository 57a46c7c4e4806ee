#!/usr/bin/env node
// Bundles the VS Code extension for packaging (npm run bundle; vsce runs it as vscode:prepublish):
//   client/src/extension.ts -> dist/extension.js   (package.json "main"; `vscode` stays external)
//   server/src/lsp/main.ts  -> dist/server.js      (the language server the client forks)
// Both are CommonJS for Node 18, the oldest Node in a VS Code that engines.vscode (^1.82) admits.
// Source maps are written beside them for debugging and kept out of the .vsix by .vscodeignore.
// `module` before `main`: jsonc-parser's `main` is a UMD build whose relative requires esbuild
// cannot follow; its ESM build bundles cleanly.
// ESM-only code in dependencies (fdir, under tinyglobby, calls createRequire(import.meta.url) for an
// optional picomatch) gets import.meta.url from the bundle's own file name: esbuild leaves
// import.meta empty in CommonJS output, and createRequire(undefined) throws at load time.
'use strict';

const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  keepNames: true, // readable stack traces in the Portolan output channel
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  mainFields: ['module', 'main'],
  banner: { js: "const __bundleImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleImportMetaUrl' },
};

async function main() {
  const results = await Promise.all([
    esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  ]);
  for (const r of results) {
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (!file.endsWith('.map')) process.stdout.write(`bundle: ${file} ${(info.bytes / 1024).toFixed(0)} KiB\n`);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`bundle: ${e.message}\n`);
  process.exit(1);
});
