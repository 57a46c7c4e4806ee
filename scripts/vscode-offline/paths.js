// Where the offline VS Code test launcher finds its tools. Shared by setup.js and the launcher.
'use strict';

const path = require('node:path');

/** code-server 4.100.3 bundles VS Code 1.100.3 and is the newest release that runs on Node 20. */
const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep version code-server 4.100.3's VS Code depends on, and the ripgrep release it fetches. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TAG = 'v13.0.0-10';

/**
 * Absolute paths under the repository root `root`: the code-server install folder, its marker
 * file (holding the installed version), the VS Code server entry point and the browser.
 * PORTOLAN_CHROMIUM overrides the browser path (default /usr/bin/chromium, Debian's package).
 */
function paths(root) {
  const codeServerDir = path.join(root, '.cache', 'code-server');
  return {
    codeServerDir,
    marker: path.join(codeServerDir, '.portolan-installed'),
    serverMain: path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
    chromium: process.env.PORTOLAN_CHROMIUM || '/usr/bin/chromium',
  };
}

module.exports = { CODE_SERVER_VERSION, RIPGREP_PACKAGE_VERSION, RIPGREP_TAG, paths };
