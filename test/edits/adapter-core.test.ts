/**
 * Core edit functions that used to live in the language server's adapters: the ports other
 * binds hold on a host (`takenPorts`, for the renumber prompt), the renumber command's decision
 * (`decideRenumber`), the fixable problems in a range (`fixableIn`) and the edits that
 * regenerate stale port-table regions (`staleRegionEdits`). In memory, on the example host and
 * small workspaces.
 */
import * as assert from 'node:assert/strict';
import { fixableIn } from '../../server/src/core/features/edits/fixes';
import { takenPorts } from '../../server/src/core/features/edits/free';
import { staleRegionEdits } from '../../server/src/core/features/edits/regions';
import { decideRenumber, suggestRtcdPorts } from '../../server/src/core/features/edits/renumber';
import { indexReanalyzer, type Reanalyze } from '../../server/src/core/features/edits/recheck';
import { REGION_BEGIN, REGION_END } from '../../server/src/core/formats/markdown/portdoc';
import type { PortDiagnostic } from '../../server/src/core/rules';
import { analyze, WS } from '../memory';
import { applied, exampleFiles } from './util';

const COMPOSE = 'services:\n  app:\n    image: example/app\n    ports:\n      - "8080:3000"\n      - "9000-9010:9000-9010/udp"\n';

function renumberOf(files: Record<string, string>, api: number, media: number, force = false, reanalyze?: Reanalyze) {
  const a = analyze(files);
  return decideRenumber(a.snap, (f) => files[f], { api, media }, a.diagnostics, reanalyze ?? indexReanalyzer(a.index, { roots: [WS] }), force);
}

describe('core edits behind the language server', () => {
  describe('takenPorts', () => {
    it('lists single ports bound on the host with their holder, leaves out ranges and what `ignore` accepts', () => {
      const a = analyze({ '/ws/docker-compose.yml': COMPOSE });
      assert.deepEqual(takenPorts(a.snap, { host: 'ws' }), [{ port: 8080, protocol: 'tcp', holder: 'app (docker-compose.yml:5)' }]);
      assert.deepEqual(takenPorts(a.snap, { host: 'ws' }, (b) => b.owner === 'app'), []);
      assert.deepEqual(takenPorts(a.snap, { host: 'other' }), [], 'another host holds nothing');
    });

    it("rtcd's suggestion carries the ports others hold on its host, not rtcd's own", () => {
      const s = suggestRtcdPorts(analyze(exampleFiles()).snap)!;
      assert.ok(s.taken.some((t) => t.port === 8443 && t.protocol === 'tcp' && t.holder === 'web (opt/jitsi/docker-compose.yml:9)'));
      assert.ok(s.taken.some((t) => t.port === 8444 && t.holder.startsWith('jitsi.yourserver.com ')), 'the nginx proxy on 8444 holds it');
      assert.ok(!s.taken.some((t) => t.holder.startsWith('rtcd ')), JSON.stringify(s.taken));
    });
  });

  describe('decideRenumber', () => {
    const files = exampleFiles();

    it('applies a free pair: five edits in three files, with the label the editor shows', () => {
      const d = renumberOf(files, 8045, 8047);
      assert.equal(d.kind, 'apply');
      if (d.kind !== 'apply') return;
      assert.deepEqual([d.edits.length, d.files, d.label], [5, 3, 'rtcd ports: API 8444 → 8045, media 8046 → 8047']);
    });

    it('refuses an invalid or a taken port (unless forced) and does nothing for the current ports', () => {
      assert.deepEqual(renumberOf(files, 8444, 8046), { kind: 'unchanged' });
      const invalid = renumberOf(files, 79, 8047);
      assert.ok(invalid.kind === 'refused' && /\[80, 49151\]/.test(invalid.reason));
      const taken = renumberOf(files, 8443, 8047);
      assert.ok(taken.kind === 'refused' && /^8443\/tcp is bound by web/.test(taken.reason), JSON.stringify(taken));
      assert.equal(renumberOf(files, 8443, 8047, true).kind, 'apply');
    });

    it('refuses when the re-check finds a problem the edits cause, naming it; force applies anyway', () => {
      const extra: PortDiagnostic = { rule: 'port-conflict', severity: 'error', message: 'planted', related: [], location: { file: '/ws/etc/rtcd/config.toml', span: { start: 0, end: 1 } } };
      const a = analyze(files);
      const causing: Reanalyze = (changed) => [...indexReanalyzer(a.index, { roots: [WS] })(changed), extra];
      const d = renumberOf(files, 8045, 8047, false, causing);
      assert.ok(d.kind === 'refused' && /^the renumber would cause port-conflict at etc\/rtcd\/config\.toml:1: planted$/.test(d.reason), JSON.stringify(d));
      assert.equal(renumberOf(files, 8045, 8047, true, causing).kind, 'apply');
    });
  });

  describe('fixableIn', () => {
    const at = (rule: PortDiagnostic['rule'], file: string, start: number, end: number): PortDiagnostic => ({ rule, severity: 'warning', message: rule, related: [], location: { file, span: { start, end } } });
    const list = [at('port-conflict', '/ws/a', 10, 14), at('doc-drift', '/ws/a', 10, 14), at('firewall-stale', '/ws/b', 10, 14), at('invalid-port', '/ws/a', 30, 35)];

    it('keeps fixable rules of the file whose span touches the range, both ends inclusive', () => {
      assert.deepEqual(fixableIn(list, '/ws/a', 14, 14).map((d) => d.rule), ['port-conflict'], 'a cursor right after the digits');
      assert.deepEqual(fixableIn(list, '/ws/a', 0, 40).map((d) => d.rule), ['port-conflict', 'invalid-port']);
      assert.deepEqual(fixableIn(list, '/ws/a', 15, 29), [], 'between the two');
    });
  });

  describe('staleRegionEdits', () => {
    const readme = `# Host\n\n${REGION_BEGIN}\nold\n${REGION_END}\n`;
    const files = { '/ws/README.md': readme, '/ws/docs/other.md': readme, '/ws/docker-compose.yml': COMPOSE };

    it('replaces each stale region body with the generated table, and nothing once it is current', () => {
      const snap = analyze(files).snap;
      const edits = staleRegionEdits(snap, (f) => files[f as keyof typeof files]);
      assert.deepEqual(edits.map((e) => e.file), ['/ws/README.md', '/ws/docs/other.md']);
      const e = edits[0]!;
      assert.equal(readme.slice(e.span.start, e.span.end), 'old\n');
      assert.match(e.newText, /^\| Service \| Port .*\n\|---/);
      assert.ok(e.newText.includes('| app | 8080 | tcp |'), e.newText);
      const after = applied(files, edits);
      assert.deepEqual(staleRegionEdits(analyze(after).snap, (f) => after[f]), []);
    });

    it('limits the edits to one document when asked', () => {
      const snap = analyze(files).snap;
      assert.deepEqual(staleRegionEdits(snap, (f) => files[f as keyof typeof files], '/ws/docs/other.md').map((e) => e.file), ['/ws/docs/other.md']);
      assert.deepEqual(staleRegionEdits(snap, (f) => files[f as keyof typeof files], '/ws/docker-compose.yml'), []);
    });
  });
});
