/**
 * Entry point of the language server process. The transport comes from the command line
 * (`--stdio`, `--node-ipc`, `--socket=N`), as vscode-languageserver's createConnection reads it.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeHost } from '../node/host';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// The server must survive anything a workspace contains: log, never exit on a stray exception.
process.on('uncaughtException', (e) => connection.console.error(`[portolan] uncaught: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`[portolan] unhandled rejection: ${(e as Error)?.stack ?? e}`));
startServer(connection, nodeHost());
connection.listen();
