/**
 * didClose puts the disk's text back, but a disk read never overwrites a newer editor text: a
 * document reopened (didOpen) while the read of its close is still under way keeps the
 * editor's text. Deterministic: the host holds the read on a promise the test resolves after
 * the didOpen. The near miss (no reopen) must take the disk's text. In process, in memory.
 */
import * as assert from 'node:assert/strict';
import type { WorkspaceHost } from '../../server/src/core/index/workspace';
import { memoryHost, startSession, type TestSession } from './session';

const FILE = '/ws/nginx/sites-enabled/a';
const DISK = 'server {\n    listen 70000;\n}\n';
const EDITOR = 'server {\n    listen 8080;\n}\n';
const REOPENED = 'server {\n    listen 70001;\n}\n';

/** A memory host whose reads of {@link FILE} wait, once `hold()` was called, until `release()`; `asked` resolves when such a read starts. */
function holdingHost(): { host: WorkspaceHost; hold(): { asked: Promise<void>; release(): void } } {
  const inner = memoryHost({ [FILE]: DISK });
  let gate: { asked: () => void; released: Promise<void> } | undefined;
  const host: WorkspaceHost = {
    listFiles: (root) => inner.listFiles(root),
    async readFile(path, root) {
      const g = path === FILE ? gate : undefined;
      if (g) {
        gate = undefined;
        g.asked();
        await g.released;
      }
      return inner.readFile(path, root);
    },
  };
  return {
    host,
    hold() {
      let asked!: () => void;
      let release!: () => void;
      const askedP = new Promise<void>((r) => (asked = r));
      gate = { asked, released: new Promise<void>((r) => (release = r)) };
      return { asked: askedP, release };
    },
  };
}

describe('didClose and a reopen before the disk read returns', function () {
  this.timeout(30000);
  let s: TestSession | undefined;

  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  const has = (port: string) => (d: { message: string; code?: unknown }[]) => d.some((x) => x.code === 'invalid-port' && x.message.includes(port));

  async function openThenClose(): Promise<{ uri: string; release(): void }> {
    const h = holdingHost();
    s = await startSession({ host: h.host });
    const uri = s.uri(FILE);
    await s.waitFor(uri, has('70000'), 'the disk text published');
    void s.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 1, text: EDITOR } });
    await s.waitFor(uri, (d) => d.length === 0, "the editor's text published");
    const held = h.hold();
    void s.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await held.asked;
    return { uri, release: held.release };
  }

  it("keeps the reopened editor's text when the close's read returns after the didOpen", async () => {
    const { uri, release } = await openThenClose();
    void s!.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nginx', version: 2, text: REOPENED } });
    await s!.waitFor(uri, has('70001'), "the reopened editor's text published");
    const after = s!.nextIndexed('the publish after the held read');
    release();
    await after;
    assert.equal(s!.server.textOf(FILE), REOPENED);
    assert.ok(has('70001')(s!.diagnostics.get(uri)!), JSON.stringify(s!.diagnostics.get(uri)));
  });

  it("takes the disk's text when nothing reopened the document (near miss)", async () => {
    const { uri, release } = await openThenClose();
    release();
    await s!.waitFor(uri, has('70000'), 'the disk text back after the close');
    assert.equal(s!.server.textOf(FILE), DISK);
  });
});
