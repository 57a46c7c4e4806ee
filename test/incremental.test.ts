/**
 * The incremental paths agree with a fresh index (fast-check): random sequences of edits,
 * creations and deletions applied to one WorkspaceIndex, and to the real language server over
 * stdio, must end with exactly the diagnostics a fresh index of the final files gives. Files come
 * from the benchmark's host templates (compose + .env, nginx with includes, systemd, ufw, rtcd,
 * Mattermost), with ports changed so conflicts appear and disappear, and broken variants.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { hostFiles } from '../bench/generate';
import { runRules } from '../server/src/core/rules/index';
import { WorkspaceIndex, type Root } from '../server/src/core/index/workspace';
import { toLspDiagnostic } from '../server/src/lsp/convert';
import { ROOT } from './helpers';

/** Template files of two hosts put on one host, so their ports meet. Relative paths. */
const TEMPLATES: Record<string, string> = { ...hostFiles('a', 0).files, ...hostFiles('b', 1).files, ...hostFiles('c', 3).files };
const PATHS = Object.keys(TEMPLATES).filter((p) => !/\.(ts|txt)$/.test(p)).sort();
const PORTS = ['80', '443', '3000', '5432', '8080', '8443', '9100', '70000', '${WEB_PORT}'];

/** Variants of a template: as written, one port changed, cut in half (often a parse error), empty. */
function variant(rel: string, kind: number, port: string): string {
  const t = TEMPLATES[rel]!;
  switch (kind % 4) {
    case 0: return t;
    case 1: return t.replace(/\b\d{2,5}\b/, port);
    case 2: return t.slice(0, Math.floor(t.length / 2));
    default: return '';
  }
}

const op = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), file: fc.constantFrom(...PATHS), variant: fc.nat(3), port: fc.constantFrom(...PORTS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), file: fc.constantFrom(...PATHS) }) },
);

/** Diagnostics as LSP would show them, keyed by file, sorted, for comparison. */
function lspView(files: ReadonlyMap<string, string>, root: Root): Map<string, string[]> {
  const index = new WorkspaceIndex({ roots: [root] });
  for (const [p, t] of files) index.setText(p, t);
  return group(runRules(index.snapshot()).map((d) => ({ file: d.location.file, d: toLspDiagnostic(d, (p) => files.get(p) ?? '') })));
}

function key(d: Diagnostic): string {
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.severity} ${d.message}`;
}

function group(list: { file: string; d: Diagnostic }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const { file, d } of list) m.set(file, [...(m.get(file) ?? []), key(d)]);
  for (const v of m.values()) v.sort();
  return m;
}

function sameView(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  const files = new Set([...a.keys(), ...b.keys()]);
  for (const f of files) if (JSON.stringify(a.get(f) ?? []) !== JSON.stringify(b.get(f) ?? [])) return false;
  return true;
}

describe('incremental index agrees with a fresh index (fast-check)', function () {
  this.timeout(60000);
  const root: Root = { path: '/ws', name: 'ws' };

  it('WorkspaceIndex after random edits, creations and deletions', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), fc.boolean(), (ops, snapshotEachStep) => {
        const index = new WorkspaceIndex({ roots: [root] });
        const files = new Map<string, string>();
        for (const o of ops) {
          const abs = `/ws/${o.file}`;
          if (o.kind === 'set') {
            const t = variant(o.file, o.variant, o.port);
            index.setText(abs, t);
            files.set(abs, t);
          } else {
            index.remove(abs);
            files.delete(abs);
          }
          if (snapshotEachStep) runRules(index.snapshot());
        }
        const incremental = group(runRules(index.snapshot()).map((d) => ({ file: d.location.file, d: toLspDiagnostic(d, (p) => files.get(p) ?? '') })));
        const fresh = lspView(files, root);
        assert.ok(sameView(incremental, fresh), `incremental:\n${JSON.stringify([...incremental], null, 1)}\nfresh:\n${JSON.stringify([...fresh], null, 1)}`);
      }),
      { numRuns: 120 },
    );
  });

  it('the language server after random edits, creations and deletions over LSP', async function () {
    this.timeout(120000);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom(...PATHS), { maxLength: 3 }), async (ops, opened) => {
        const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-prop-')));
        // Start from the templates on disk.
        for (const rel of PATHS.slice(0, 12)) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), TEMPLATES[rel]!);
        }
        const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'portolan-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
        const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
        const published = new Map<string, Diagnostic[]>();
        let onPublish = () => undefined as void;
        conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
          published.set(p.uri, p.diagnostics);
          onPublish();
        });
        let indexed!: () => void;
        const firstIndex = new Promise<void>((r) => (indexed = r));
        conn.onNotification('portolan/indexed', () => {
          indexed();
          onPublish();
        });
        conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
        conn.onRequest('client/registerCapability', () => null);
        conn.onNotification('window/logMessage', () => undefined);
        conn.listen();
        try {
          const uri = pathToFileURL(dir).href;
          await conn.sendRequest('initialize', { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'ws' }], capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } } });
          conn.sendNotification('initialized', {});
          await firstIndex;
          const open = new Map<string, number>();
          for (const rel of opened) {
            const abs = path.join(dir, rel);
            if (open.has(abs) || !fs.existsSync(abs)) continue;
            open.set(abs, 1);
            conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(abs).href, languageId: 'plaintext', version: 1, text: fs.readFileSync(abs, 'utf8') } });
          }
          const editorText = new Map<string, string>();
          for (const o of ops) {
            const abs = path.join(dir, o.file);
            const fileUri = pathToFileURL(abs).href;
            if (o.kind === 'set') {
              const t = variant(o.file, o.variant, o.port);
              if (open.has(abs)) {
                const v = open.get(abs)! + 1;
                open.set(abs, v);
                editorText.set(abs, t);
                conn.sendNotification('textDocument/didChange', { textDocument: { uri: fileUri, version: v }, contentChanges: [{ text: t }] });
              } else {
                const existed = fs.existsSync(abs);
                fs.mkdirSync(path.dirname(abs), { recursive: true });
                fs.writeFileSync(abs, t);
                conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri, type: existed ? 2 : 1 }] });
              }
            } else {
              if (open.has(abs)) {
                open.delete(abs);
                editorText.delete(abs);
                fs.rmSync(abs, { force: true });
                conn.sendNotification('textDocument/didClose', { textDocument: { uri: fileUri } });
              } else {
                fs.rmSync(abs, { force: true });
              }
              conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri, type: 3 }] });
            }
          }
          // The final files: what the editor holds for open documents, the disk for the rest.
          const final = new Map<string, string>();
          for (const rel of PATHS) {
            const abs = path.join(dir, rel);
            const t = editorText.get(abs) ?? (open.has(abs) && fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : undefined);
            if (t !== undefined) final.set(abs, t);
          }
          const expected = lspView(final, { path: dir, name: 'ws' });
          const actual = () => group([...published].flatMap(([u, ds]) => ds.map((d) => ({ file: new URL(u).pathname, d }))));
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`server never agreed with a fresh index.\nserver:\n${JSON.stringify([...actual()], null, 1)}\nfresh:\n${JSON.stringify([...expected], null, 1)}\nstderr: ${stderr}`)), 15000);
            const check = () => {
              if (sameView(actual(), expected)) {
                clearTimeout(timer);
                resolve();
              }
            };
            onPublish = check;
            check();
          });
          assert.equal(child.exitCode, null, 'the server is still running');
          assert.doesNotMatch(stderr, /failed/);
        } finally {
          await conn.sendRequest('shutdown').catch(() => undefined);
          conn.sendNotification('exit');
          conn.dispose();
          child.kill();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 8 },
    );
  });
});
