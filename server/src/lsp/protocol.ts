/**
 * Portolan's own LSP messages, beyond the standard protocol. Each says its direction.
 * Shared by the server and the client so both sides agree on names and shapes.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

/** Payload of {@link IndexedNotification}. */
export interface IndexedParams {
  /** Files Portolan read a format from. */
  files: number;
  /** Port mentions in the index. */
  facts: number;
  errors: number;
  warnings: number;
  /** Files skipped while loading, with the reason (too large, binary, unreadable). */
  skipped: number;
}

/**
 * server → client, notification `portolan/indexed`: sent after diagnostics for the whole
 * workspace have been published (at start and after every re-index). Clients can wait on it
 * instead of polling; the status bar shows its counts.
 */
export const IndexedNotification = new NotificationType<IndexedParams>('portolan/indexed');
