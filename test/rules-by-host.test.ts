/**
 * Rules re-run by host (core/rules/incremental.ts): after every step of a history of edits,
 * `IncrementalRules.run` on the index's snapshot must give exactly what `runRules` gives on that
 * snapshot from scratch, and an edit on one host must re-check that host alone. Inputs: the
 * benchmark's host templates on several hosts (by host map, and by the inferred layout), random
 * edits (fast-check, seed fixed in ./property.ts), and the 51 real-world repositories with their
 * files removed one by one.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { apiUnitWithPort, hostFiles } from '../bench/generate';
import { loadWorkspace, WorkspaceIndex, type HostMapping, type Root } from '../server/src/core/index/workspace';
import { IncrementalRules, sameValue } from '../server/src/core/rules/incremental';
import { runRules, withCrossProjectConflicts, type RuleSettings } from '../server/src/core/rules/index';
import { nodeHost } from '../server/src/node/host';
import { fcParams, SEED_LABEL } from './property';
import { folders, REALWORLD } from './realworld';

const root: Root = { path: '/ws', name: 'ws' };
/** Host numbers 3 and 7 carry the generator's planted conflicts (in-file and cross-file). */
const HOSTS = [0, 3, 7, 12].map((i) => ({ name: `h${i}`, ...hostFiles(`h${i}`, i) }));
const TEMPLATES: Record<string, string> = Object.assign({}, ...HOSTS.map((h) => h.files)) as Record<string, string>;
const PATHS = Object.keys(TEMPLATES).filter((p) => !/\.(ts|txt)$/.test(p)).sort();
const HOST_MAP: HostMapping[] = HOSTS.map((h) => ({ glob: `hosts/${h.name}/**`, host: h.name }));
const PORTS = ['80', '443', '3000', '7000', '8080', '8443', '9100', '70000', '${WEB_PORT}'];

function fresh(hostMap: readonly HostMapping[]): WorkspaceIndex {
  const index = new WorkspaceIndex({ roots: [root], hostMap: [...hostMap] });
  for (const [rel, text] of Object.entries(TEMPLATES)) index.setText(`/ws/${rel}`, text);
  return index;
}

/** Variants of a template: one port changed, cut in half (often a parse error), empty, as written. */
function variant(rel: string, kind: number, port: string): string {
  const t = TEMPLATES[rel]!;
  return [t.replace(/\b\d{2,5}\b/, port), t.slice(0, Math.floor(t.length / 2)), '', t][kind % 4]!;
}

const op = fc.record({ file: fc.constantFrom(...PATHS), kind: fc.nat(4), port: fc.constantFrom(...PORTS) });

function assertSame(actual: unknown, expected: unknown, what: string): void {
  assert.deepStrictEqual(actual, expected, what);
}

describe(`rules re-run by host agree with runRules from scratch (${SEED_LABEL})`, function () {
  this.timeout(120000);

  for (const [layout, hostMap] of [['host map', HOST_MAP], ['inferred layout', []]] as const) {
    it(`random edits and removals on four hosts (${layout})`, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), fc.boolean(), (ops, crossProject) => {
          const index = fresh(hostMap);
          const rules = new IncrementalRules();
          // Settings as a function of the file, as the server passes them; with the opt-in rule on or off.
          const settings = (): RuleSettings => withCrossProjectConflicts({}, crossProject);
          assertSame(rules.run(index.snapshot(), settings), runRules(index.snapshot(), settings), 'cold');
          for (const [k, o] of ops.entries()) {
            const file = `/ws/${o.file}`;
            if (o.kind === 4) index.remove(file);
            else index.setText(file, variant(o.file, o.kind, o.port));
            const snap = index.snapshot();
            assertSame(rules.run(snap, settings), runRules(snap, settings), `after step ${k}: ${JSON.stringify(o)}`);
          }
        }),
        fcParams(60),
      );
    });
  }

  it('an edit re-checks only its host; a conflict it makes or ends shows on both sides', () => {
    const index = fresh(HOST_MAP);
    const rules = new IncrementalRules();
    const unit = '/ws/hosts/h0/etc/systemd/system/api.service';
    const compose = '/ws/hosts/h0/opt/app/docker-compose.yml';
    /** Runs the rules on the current snapshot: port-conflict diagnostics in the unit and in the compose file, and how many hosts were re-checked. */
    const step = () => {
      const found = rules.run(index.snapshot()).filter((d) => d.rule === 'port-conflict');
      return { unit: found.filter((d) => d.location.file === unit).length, compose: found.filter((d) => d.location.file === compose).length, rechecked: rules.lastRechecked };
    };
    assert.deepEqual(step(), { unit: 0, compose: 0, rechecked: HOSTS.length });
    const before = index.textOf(unit)!;
    index.setText(unit, apiUnitWithPort(before, 8080));
    assert.deepEqual(step(), { unit: 1, compose: 1, rechecked: 1 });
    // Near miss: a comment changes the host's part (its text) but no finding.
    index.setText(unit, apiUnitWithPort(before, 8080) + '# note\n');
    assert.deepEqual(step(), { unit: 1, compose: 1, rechecked: 1 });
    index.setText(unit, before);
    assert.deepEqual(step(), { unit: 0, compose: 0, rechecked: 1 });
    // The same snapshot again: nothing to re-check.
    assert.deepEqual(step(), { unit: 0, compose: 0, rechecked: 0 });
  });

  it('sameValue compares plain data by content and anything else by identity', () => {
    assert.ok(sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }));
    assert.ok(!sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] }));
    assert.ok(!sameValue({ a: 1 }, { a: 1, b: undefined }));
    assert.ok(!sameValue([1, 2], [1, 2, 3]));
    assert.ok(!sameValue(new Map(), new Map()));
  });

  it('each real-world repository: cold, then after removing its files one by one', async () => {
    for (const folder of folders()) {
      const roots = [{ path: path.join(REALWORLD, folder), name: folder }];
      const index = new WorkspaceIndex({ roots });
      await loadWorkspace(index, nodeHost([], 'sync'), roots);
      const rules = new IncrementalRules();
      const settings = withCrossProjectConflicts({}, true);
      assertSame(rules.run(index.snapshot(), settings), runRules(index.snapshot(), settings), `${folder} cold`);
      const withFacts = [...index.snapshot().files.keys()].slice(0, 8);
      for (const file of withFacts) {
        index.remove(file);
        const snap = index.snapshot();
        assertSame(rules.run(snap, settings), runRules(snap, settings), `${folder} without ${file}`);
      }
    }
  });
});
