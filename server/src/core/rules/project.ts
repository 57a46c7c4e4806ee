/**
 * `project-conflict` (information, opt-in): two compose projects (or a project and other files)
 * that the deployment inference (index/deployments.ts) placed on separate hosts of one
 * workspace folder bind the same port, protocol and address. They are not a `port-conflict`
 * (nothing says they run together), but they cannot run on one host at the same time. One
 * diagnostic per pair of hosts, at the first clashing bind of the host whose name sorts first,
 * with the other side as related location. Off unless `portolan.crossProjectConflicts` (CLI
 * `--cross-project`) is on, or `portolan.rules` gives it a severity.
 */
import type { PortFact } from '../model/facts';
import type { Placement } from '../index/deployments';
import type { Snapshot } from '../index/workspace';
import { addressesOverlap, portLabel, protocolsOverlap } from '../index/queries';
import type { PortDiagnostic, Rule } from './rule';
import type { RuleSettings } from './index';

/** Placements the inference made; host-map hosts and paths outside every folder are the user's or nobody's. */
const INFERRED: ReadonlySet<Placement['rule']> = new Set(['project', 'mounted', 'root', 'test-tree', 'tied']);

/** "samples/app1", "the project at the top of ws", or the host for files in no project. */
function label(p: Placement, rootName: string): string {
  if (p.project === '') return `the project at the top of ${rootName}`;
  if (p.project !== undefined) return p.project;
  return p.rule === 'test-tree' ? `the test tree ${p.host.slice(rootName.length + 1)}` : `the other files of ${rootName}`;
}

export const projectConflict: Rule = {
  id: 'project-conflict',
  severity: 'information',
  optIn: true,
  description: 'Two compose projects placed on separate hosts use the same port, so they cannot run on one host at the same time (only with portolan.crossProjectConflicts or --cross-project).',
  check(snap: Snapshot): PortDiagnostic[] {
    const rootOf = (file: string) => {
      let best: Snapshot['roots'][number] | undefined;
      for (const r of snap.roots) if (file.startsWith(r.path.endsWith('/') ? r.path : r.path + '/') && (!best || r.path.length > best.path.length)) best = r;
      return best;
    };
    const binds: { f: PortFact; p: Placement; root: string; rootName: string }[] = [];
    for (const f of snap.lookup().effectiveBinds) {
      if (f.netns !== undefined || f.format === 'markdown' || f.transient) continue;
      const p = snap.placementOf(f.location.file);
      const root = rootOf(f.location.file);
      if (root && INFERRED.has(p.rule) && p.host === f.host) binds.push({ f, p, root: root.path, rootName: root.name });
    }
    binds.sort((x, y) => x.f.ports.start - y.f.ports.start);
    const pairs = new Map<string, { a: (typeof binds)[number]; b: (typeof binds)[number]; ports: string[] }>();
    for (let i = 0; i < binds.length; i++) {
      const x = binds[i]!;
      for (let j = i + 1; j < binds.length && binds[j]!.f.ports.start <= x.f.ports.end; j++) {
        const y = binds[j]!;
        if (x.root !== y.root || x.f.host === y.f.host) continue;
        if ((x.f.instance !== undefined && x.f.instance === y.f.instance) || !protocolsOverlap(x.f.protocol, y.f.protocol) || !addressesOverlap(x.f.address, y.f.address)) continue;
        const [a, b] = x.f.host < y.f.host ? [x, y] : [y, x];
        const key = `${a.f.host}\u0000${b.f.host}`;
        const pair = pairs.get(key) ?? { a, b, ports: [] };
        const port = portLabel(a.f);
        if (!pair.ports.includes(port)) pair.ports.push(port);
        pairs.set(key, pair);
      }
    }
    const out: PortDiagnostic[] = [];
    for (const { a, b, ports } of pairs.values()) {
      const more = ports.length > 1 ? ` and ${ports.length - 1} more port${ports.length > 2 ? 's' : ''} (${ports.slice(1, 4).join(', ')}${ports.length > 4 ? ', …' : ''})` : '';
      out.push({
        rule: 'project-conflict',
        severity: 'information',
        location: a.f.location,
        message: `these projects cannot run on one host at the same time: ${label(a.p, a.rootName)} and ${label(b.p, b.rootName)} both use ${ports[0]} (${snap.where(b.f.location)})${more}`,
        related: [{ location: b.f.location, message: `${b.f.owner} binds ${portLabel(b.f)} on host "${b.f.host}"` }],
      });
    }
    return out;
  },
};

/**
 * Rule settings with `project-conflict` turned on (at its default severity, information) when
 * `enabled`, unless `settings` already give it a severity. Returns `settings` itself otherwise.
 */
export function withCrossProjectConflicts(settings: RuleSettings, enabled: boolean): RuleSettings {
  return enabled && settings['project-conflict'] === undefined ? { ...settings, 'project-conflict': projectConflict.severity } : settings;
}
