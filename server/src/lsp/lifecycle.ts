/**
 * The server's lifetime as LSP 3.17 "Server lifetime" states it, enforced before any handler
 * runs (a vscode-jsonrpc `messageStrategy` sees every incoming message first):
 *
 * - before `initialize`: a request is answered with error -32002 (`ServerNotInitialized`), a
 *   notification is dropped, except `exit` (which vscode-languageserver turns into exit code 1);
 * - a second `initialize` is answered with error -32600 (`InvalidRequest`);
 * - after `shutdown`: every request is answered with -32600 and every notification but `exit`
 *   is dropped; `exit` ends the process with 0 after `shutdown`, 1 without (vscode-languageserver);
 * - responses to the server's own requests always pass.
 *
 * A stream that cannot be read any more (a malformed header: no or non-numeric `Content-Length`,
 * a header line without `:`) or that closes calls `onEnd` so the process can exit instead of
 * staying alive and deaf; a body that is not JSON is answered with error -32700 (`ParseError`,
 * id null, JSON-RPC 2.0 §5.1) and reading goes on, since its framing was intact.
 */
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { ErrorCodes, Message, type MessageReader, type MessageWriter, type RequestMessage, type ResponseMessage } from 'vscode-languageserver-protocol';

/** Where the server is in its lifetime. */
export type LifetimeState = 'uninitialized' | 'running' | 'shutdown';

/** Why reading stopped: `closed` (the client ended the stream) or `malformed` (the stream cannot be read on). */
export type StreamEnd = { reason: 'closed' } | { reason: 'malformed'; error: Error };

/** The server's connection and its lifetime. */
export interface LifecycleConnection {
  connection: Connection;
  /** The current state (for tests and the exit code on a closed stream). */
  state(): LifetimeState;
}

function refusal(request: RequestMessage, code: number, message: string): ResponseMessage {
  return { jsonrpc: '2.0', id: request.id, error: { code, message: `${message} (${request.method})` } };
}

/**
 * A server connection over `reader`/`writer` that keeps the lifetime rules of the module comment.
 * `onEnd` is called once when the stream closes or turns unreadable; `main.ts` exits the process
 * there (0 after `shutdown`, else 1); in-process tests only record it.
 */
export function lifecycleConnection(reader: MessageReader, writer: MessageWriter, onEnd: (end: StreamEnd, state: LifetimeState) => void): LifecycleConnection {
  let state: LifetimeState = 'uninitialized';
  let ended = false;
  const end = (e: StreamEnd) => {
    if (ended) return;
    ended = true;
    onEnd(e, state);
  };
  const refuse = (r: RequestMessage, code: number, message: string) => void writer.write(refusal(r, code, message));
  const handleMessage = (message: Message, next: (m: Message) => void): void => {
    if (Message.isResponse(message)) return next(message);
    const request = Message.isRequest(message) ? message : undefined;
    if (state === 'uninitialized') {
      if (request?.method === 'initialize') {
        state = 'running';
        return next(message);
      }
      if (request) return refuse(request, ErrorCodes.ServerNotInitialized, 'the server is not initialized yet');
      if (Message.isNotification(message) && message.method === 'exit') return next(message);
      return;
    }
    if (state === 'running') {
      if (request?.method === 'initialize') return refuse(request, ErrorCodes.InvalidRequest, 'initialize may be sent only once');
      if (request?.method === 'shutdown') state = 'shutdown';
      return next(message);
    }
    if (request) return refuse(request, ErrorCodes.InvalidRequest, 'the server is shut down');
    if (Message.isNotification(message) && message.method === 'exit') next(message);
  };
  reader.onError((error) => {
    if (error instanceof SyntaxError) {
      const parseError: ResponseMessage = { jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `message is not JSON: ${error.message}` } };
      void writer.write(parseError);
      return;
    }
    end({ reason: 'malformed', error });
  });
  reader.onClose(() => end({ reason: 'closed' }));
  const connection = createConnection(ProposedFeatures.all, reader, writer, { messageStrategy: { handleMessage } });
  return { connection, state: () => state };
}
