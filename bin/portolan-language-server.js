#!/usr/bin/env node
// The Portolan language server. Speaks LSP over stdio: portolan-language-server --stdio
'use strict';
require('../out/server/src/lsp/main.js');
