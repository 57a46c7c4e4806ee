/**
 * How the server is put together: the InitializeResult's capabilities are the union of the
 * features' (none overwritten), the one error guard logs with the handler's name and answers
 * empty, and no function in server/src/lsp is over 80 lines.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ResponseError } from 'vscode-languageserver';
import { composeCapabilities, type Feature } from '../../server/src/lsp/features/feature';
import { guard, guardNotification } from '../../server/src/lsp/guard';
import type { PortTableHost } from '../../server/src/lsp/protocol';
import { FEATURES } from '../../server/src/lsp/server';
import { ROOT } from '../helpers';
import { startSession } from './session';

/** A connection console that records what is logged. */
function recorder(): { console: { error(m: string): void }; lines: string[] } {
  const lines: string[] = [];
  return { lines, console: { error: (m: string) => void lines.push(m) } };
}

/** Functions (declarations, methods, arrows, function expressions) of a TypeScript source longer than `max` lines, as "name:line (n lines)". */
function longFunctions(file: string, text: string, max: number): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const lines = sf.getLineAndCharacterOfPosition(n.getEnd()).line - start + 1;
      if (lines > max) out.push(`${path.basename(file)}:${start + 1} (${lines} lines)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('language server structure', function () {
  this.timeout(30000);

  it('answers initialize with the union of the features\' capabilities, each key from one feature', async () => {
    const s = await startSession();
    try {
      assert.deepEqual(s.init.capabilities, {
        textDocumentSync: 2,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' '] },
        codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.portolan'], resolveProvider: true },
        renameProvider: { prepareProvider: true },
        referencesProvider: true,
        definitionProvider: true,
        executeCommandProvider: { commands: ['portolan.updatePortTables', 'portolan.server.renumberRtcd'] },
      });
      assert.equal(s.init.serverInfo?.name, 'portolan-language-server');
    } finally {
      await s.close();
    }
  });

  it('refuses two features that claim the same capability instead of letting the later one win', () => {
    const a: Feature = { name: 'a', capabilities: { hoverProvider: true }, register: () => undefined };
    const b: Feature = { name: 'b', capabilities: { hoverProvider: false, definitionProvider: true }, register: () => undefined };
    assert.throws(() => composeCapabilities([a, b]), /capability hoverProvider is set by both a and b/);
    assert.deepEqual(composeCapabilities([a, { ...b, capabilities: { definitionProvider: true } }]), { hoverProvider: true, definitionProvider: true });
    assert.equal(new Set(FEATURES.map((f) => f.name)).size, FEATURES.length);
  });

  it('the guard logs a failing handler with its name and answers empty; a ResponseError and a good answer pass through', async () => {
    const log = recorder();
    assert.equal(guard(log, 'hover', null, (): string | null => { throw new TypeError('boom'); })(), null);
    assert.match(log.lines[0]!, /^\[portolan\] hover failed: TypeError: boom/);
    assert.deepEqual(await guard(log, 'references', [], async (): Promise<string[]> => { throw new Error('late'); })(), []);
    assert.match(log.lines[1]!, /^\[portolan\] references failed: Error: late/);
    const resolve = guard(log, 'codeAction/resolve', (a: { title: string }) => a, (_a: { title: string }): { title: string } => { throw new Error('x'); });
    assert.deepEqual(resolve({ title: 'kept' }), { title: 'kept' }, 'an empty answer computed from the request');
    assert.throws(() => guard(log, 'rename', null, (): string | null => { throw new ResponseError(-32600, 'port taken'); })(), /port taken/);
    await assert.rejects(guard(log, 'rename', null, async (): Promise<string | null> => { throw new ResponseError(-32600, 'later'); })(), /later/);
    assert.equal(guard(log, 'hover', null, (): string | null => 'answer')(), 'answer');
    assert.equal(log.lines.length, 3, 'only the real failures are logged');
    // A notification has no answer: there a ResponseError (of a request it sent) is a failure too.
    await guardNotification(log, 'initialized', async () => { throw new ResponseError(-32601, 'Unhandled method client/registerCapability'); })();
    assert.match(log.lines[3]!, /^\[portolan\] initialized failed: Error: Unhandled method/);
  });

  it('a handler that fails in the running server is logged to the client by name and answered empty', async () => {
    const s = await startSession({ files: { '/ws/nginx/sites-enabled/a': 'server {\n    listen 8080;\n}\n' } });
    try {
      // Params null: the handler reads `params.filter` of null.
      const table = (await s.client.sendRequest('portolan/portTable', null)) as PortTableHost[];
      assert.deepEqual(table, []);
      await s.until(() => s.errors().length > 0, 'the failure in the log');
      assert.match(s.errors()[0]!, /^\[portolan\] portTable failed: TypeError/);
      assert.equal(((await s.client.sendRequest('portolan/portTable', { filter: 'all' })) as PortTableHost[]).length, 1, 'the next request is answered');
    } finally {
      await s.close();
    }
  });

  it('no function in server/src/lsp is over 80 lines (and the check finds one that is)', () => {
    const dir = path.join(ROOT, 'server', 'src', 'lsp');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 10, files.join(', '));
    const long = files.flatMap((f) => longFunctions(f, fs.readFileSync(path.join(dir, f), 'utf8'), 80));
    assert.deepEqual(long, []);
    const body = Array.from({ length: 80 }, (_, i) => `  const x${i} = ${i};`).join('\n');
    assert.deepEqual(longFunctions('probe.ts', `function f() {\n${body}\n}\n`, 80), ['probe.ts:1 (82 lines)']);
  });
});
