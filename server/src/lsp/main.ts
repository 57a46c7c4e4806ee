/**
 * Entry point of the language server process. The transport comes from the command line, as
 * vscode-languageserver reads it: `--stdio`, `--node-ipc` (the VS Code extension), `--socket=N`
 * or `--pipe=NAME`. The connection keeps the LSP lifetime rules (./lifecycle.ts); a stream that
 * closes or cannot be read ends the process (exit code 0 after `shutdown`, else 1).
 */
import { format } from 'node:util';
import { createServerPipeTransport, createServerSocketTransport, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';
import { linkOnTheWay, nodeHost } from '../node/host';
import { chokidarWatcher } from '../node/watch';
import { lifecycleConnection } from './lifecycle';
import { startServer } from './server';

/** The value of `--name=V` or `--name V` in `argv`. */
function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice(name.length + 1) : argv[i + 1];
}

/** The reader and writer the command line asks for; throws on none. */
function transport(argv: readonly string[]): { reader: MessageReader; writer: MessageWriter; stdio: boolean } {
  if (argv.includes('--stdio')) return { reader: new StreamMessageReader(process.stdin), writer: new StreamMessageWriter(process.stdout), stdio: true };
  if (argv.includes('--node-ipc')) return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process), stdio: false };
  const socket = option(argv, '--socket');
  const pipe = option(argv, '--pipe');
  const pair = socket !== undefined ? createServerSocketTransport(Number(socket)) : pipe !== undefined ? createServerPipeTransport(pipe) : undefined;
  if (!pair) throw new Error('portolan-language-server: give the transport: --stdio, --node-ipc, --socket=N or --pipe=NAME');
  return { reader: pair[0], writer: pair[1], stdio: false };
}

const { reader, writer, stdio } = transport(process.argv.slice(2));
const { connection } = lifecycleConnection(reader, writer, (end, state) => {
  if (end.reason === 'malformed') process.stderr.write(`[portolan] cannot read the client's messages any more, exiting: ${end.error.message}\n`);
  process.exit(state === 'shutdown' ? 0 : 1);
});
if (stdio) {
  // stdout carries the protocol: console output goes to the client's log instead (as vscode-languageserver does for --stdio).
  console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
}
// The server must survive anything a workspace contains: log, never exit on a stray exception.
process.on('uncaughtException', (e) => connection.console.error(`[portolan] uncaught: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`[portolan] unhandled rejection: ${(e as Error)?.stack ?? e}`));
startServer(connection, nodeHost(), { watchFolders: chokidarWatcher, linkOnTheWay });
connection.listen();
