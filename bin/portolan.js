#!/usr/bin/env node
// The Portolan CLI. Build first: npm ci && npm run build
'use strict';
require('../out/server/src/cli/main.js')
  .main(process.argv.slice(2))
  .then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`portolan: internal error: ${(e && e.stack) || e}\n`); process.exitCode = 3; },
  );
