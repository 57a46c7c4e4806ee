#!/usr/bin/env node
// The Portolan CLI. Build first: npm ci && npm run build
'use strict';
// A reader that stops early (`portolan ports | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(process.exitCode || 0);
  throw e;
});
require('../out/server/src/cli/main.js')
  .main(process.argv.slice(2))
  .then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`portolan: internal error: ${(e && e.stack) || e}\n`); process.exitCode = 3; },
  );
