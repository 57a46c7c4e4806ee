/**
 * Diagnostics: the documents the editor syncs (incrementally) feed the index, and every change
 * re-publishes through the session's publish loop (../session.ts), which sends
 * `textDocument/publishDiagnostics` for every workspace file, open or not, and then
 * `portolan/indexed`. Closing a document puts the disk's text back, unless the document is
 * reopened before that read returns (the editor's text then stays).
 */
import { TextDocumentSyncKind } from 'vscode-languageserver';
import { guardNotification } from '../guard';
import type { Feature } from './feature';

export const diagnostics: Feature = {
  name: 'diagnostics',
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  register(session, connection) {
    const { documents } = session;
    documents.onDidChangeContent(guardNotification(connection, 'didChange', (e) => session.documentChanged(e.document.uri, e.document.getText())));
    documents.onDidClose(guardNotification(connection, 'didClose', (e) => session.documentClosed(e.document.uri)));
    documents.listen(connection);
  },
};
