/**
 * Helpers for in-editor tests: the example workspace, activation, waiting on VS Code events with
 * a timeout (never a fixed sleep) and screenshots through the offline launcher.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CONTROL_DIR_ENV,
  SCREENSHOTS_ENV,
  waitForJsonFile,
  writeJsonAtomic,
  type ScreenshotDone,
  type ScreenshotRequest,
} from '../protocol';

/** The extension's id (`publisher.name` in package.json). */
export const EXTENSION_ID = 'portolan.portolan';
/** Default time to wait for the language server's answer, in milliseconds (shared, slow machine). */
export const EVENT_TIMEOUT_MS = 60_000;

/**
 * Activates Portolan and resolves when its activate() has returned (the language client has
 * started). Test mode does not fire startup activation events, so every test file calls this.
 * Throws when the extension is not installed in this VS Code.
 */
export async function activatePortolan(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this VS Code`);
  await ext.activate();
  return ext;
}

/** The workspace folder the launcher opened (a temporary copy of examples/prochat-host). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** File URI of `rel` (POSIX path relative to the example workspace root). */
export function exampleUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...rel.split('/')));
}

/** True when a document for `uri` is loaded in the editor (an opened or previously opened file). */
export function isLoaded(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
}

/** The diagnostic's code as a string (VS Code gives either a value or { value, target }). */
export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return String(typeof c === 'object' && c !== null ? c.value : c);
}

/**
 * Resolves with `promise`'s value, or rejects with "timed out after N s waiting for <what>"
 * when it takes longer than `ms` milliseconds.
 */
export function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`)), ms);
    promise.then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e) => { clearTimeout(timer); reject(e); },
    );
  });
}

/**
 * Resolves with the first value of `event` for which `accept` returns true. Rejects after `ms`
 * milliseconds with a message naming `what`. The listener is always disposed.
 */
export function waitForEvent<T>(event: vscode.Event<T>, accept: (value: T) => boolean, what: string, ms = EVENT_TIMEOUT_MS): Promise<T> {
  let sub: vscode.Disposable | undefined;
  const hit = new Promise<T>((resolve) => {
    sub = event((v) => {
      if (accept(v)) resolve(v);
    });
  });
  return withTimeout(hit, ms, what).finally(() => sub?.dispose());
}

/**
 * Resolves with the diagnostics of `uri` once `accept` holds for them: checks the current set
 * first, then every `onDidChangeDiagnostics` event for that URI. Rejects after `ms` milliseconds
 * with `what` and the diagnostics seen last (code, line, message).
 */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  ms = EVENT_TIMEOUT_MS,
): Promise<vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (accept(now)) return now;
  const key = uri.toString();
  try {
    await waitForEvent(
      vscode.languages.onDidChangeDiagnostics,
      (e) => e.uris.some((u) => u.toString() === key) && accept(vscode.languages.getDiagnostics(uri)),
      what,
      ms,
    );
  } catch (e) {
    const seen = vscode.languages.getDiagnostics(uri).map((d) => `${codeOf(d)}@${d.range.start.line + 1}: ${d.message}`);
    throw new Error(`${(e as Error).message}; diagnostics of ${vscode.workspace.asRelativePath(uri)}: ${JSON.stringify(seen)}`);
  }
  return vscode.languages.getDiagnostics(uri);
}

/** Number of screenshots requested by this extension host (names the request files). */
const shotCounter = { next: 0 };

/**
 * Asks the offline launcher for a screenshot of the whole VS Code window, saved as `<name>.png`
 * (by default under .cache/vscode-test/screenshots; `npm run screenshots` writes docs/images).
 * `options.selector` (CSS) and `options.text` make the launcher first wait until such an element
 * is visible, e.g. `{ selector: '.monaco-hover', text: '8444' }`. Resolves with the PNG's path,
 * or undefined (after saying so in the log) under a launcher that takes no screenshots, such as
 * @vscode/test-electron. Rejects when the launcher reports an error or does not answer in time.
 */
export async function screenshot(name: string, options: Omit<ScreenshotRequest, 'name'> = {}): Promise<string | undefined> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name ${JSON.stringify(name)}: use [a-z0-9-] only`);
  const dir = process.env[CONTROL_DIR_ENV];
  if (!dir || process.env[SCREENSHOTS_ENV] !== '1') {
    console.log(`[portolan-test] screenshot "${name}" skipped: this launcher takes no screenshots`);
    return undefined;
  }
  const id = `shot-${++shotCounter.next}`;
  const request: ScreenshotRequest = { name, ...options };
  const answer = waitForJsonFile<ScreenshotDone>(dir, `${id}.done.json`, (options.timeoutMs ?? 30_000) + 30_000, `screenshot ${name}`);
  writeJsonAtomic(path.join(dir, `${id}.request.json`), request);
  const done = await answer;
  if (done.error || !done.file) throw new Error(`screenshot ${name}: ${done.error ?? 'no file'}`);
  if (!fs.existsSync(done.file)) throw new Error(`screenshot ${name}: ${done.file} does not exist`);
  return done.file;
}

/** 0-based position of the `nth` (0-based) occurrence of `needle` in `doc`, plus `delta` characters. */
export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0, nth = 0): vscode.Position {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (occurrence ${nth + 1}) not found in ${vscode.workspace.asRelativePath(doc.uri)}`);
  }
  return doc.positionAt(at + delta);
}
