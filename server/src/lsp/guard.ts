/**
 * The language server's one error guard. A workspace can hold anything, so no handler may take
 * the server down or leave a request unanswered: a failing handler is logged (its name and the
 * stack) to the connection's console, which the client shows in its output channel
 * (`window/logMessage`, type Error), and the request gets the handler's empty answer.
 *
 * In a request handler a `ResponseError` is not a failure but the answer (a refused rename
 * carries its reason to the editor), so it passes through unchanged. A notification has no
 * answer: there every error is logged ({@link guardNotification}).
 */
import { ResponseError } from 'vscode-languageserver';

/** The part of a connection the guard writes to (`connection.console`). */
export interface FailureLog {
  console: { error(message: string): void };
}

/** Logs `[portolan] <name> failed: <stack>` as an error. */
export function logFailure(log: FailureLog, name: string, e: unknown): void {
  log.console.error(`[portolan] ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function guarded<A extends unknown[], R>(log: FailureLog, name: string, empty: Awaited<R> | ((...args: A) => Awaited<R>), handler: (...args: A) => R, answers: boolean): (...args: A) => R {
  return (...args: A): R => {
    const fallback = (e: unknown): Awaited<R> => {
      if (answers && e instanceof ResponseError) throw e;
      logFailure(log, name, e);
      return typeof empty === 'function' ? (empty as (...a: A) => Awaited<R>)(...args) : empty;
    };
    try {
      const r = handler(...args);
      return (isThenable(r) ? Promise.resolve(r).catch(fallback) : r) as R;
    } catch (e) {
      return fallback(e) as R;
    }
  };
}

/**
 * A request handler, guarded: a synchronous throw or a rejected promise is logged under `name`
 * and answered with `empty` (resolved, for an asynchronous handler), or with `empty(...args)`
 * when the empty answer depends on the request (a code action resolves to itself); a
 * `ResponseError` is rethrown as the answer. A synchronous handler stays synchronous.
 */
export function guard<A extends unknown[], R>(log: FailureLog, name: string, empty: NoInfer<Awaited<R> | ((...args: A) => Awaited<R>)>, handler: (...args: A) => R): (...args: A) => R {
  return guarded(log, name, empty, handler, true);
}

/**
 * A notification or event handler, guarded: every error, a `ResponseError` of a request it
 * sent included, is logged under `name`; the handler then returns (or resolves to) `undefined`.
 * A synchronous handler stays synchronous, so document events keep their order; an asynchronous
 * one runs to its end on its own (the returned function returns nothing to await).
 */
export function guardNotification<A extends unknown[]>(log: FailureLog, name: string, handler: (...args: A) => void | Promise<void>): (...args: A) => void {
  const run = guarded(log, name, undefined, handler, false);
  // The guard has caught a rejection already; the promise is dropped on purpose (a notification has no answer).
  return (...args: A): void => void run(...args);
}
