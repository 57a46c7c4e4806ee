/**
 * Per-snapshot lookups shared by every rule: facts grouped by host, network namespace and file,
 * effective binds grouped by host, workloads by instance and by host. Built once per snapshot
 * in time linear in its facts, so a rule asking "what binds port P on host H" costs the facts of
 * host H, not the workspace. Pure; never mutated after construction.
 */
import type { PortFact, Role } from '../model/facts';
import { dirname } from '../model/paths';
import type { PlacedWorkload } from './placed';

const NO_FACTS: readonly PortFact[] = [];
const NO_WORKLOADS: readonly PlacedWorkload[] = [];

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Lookups over one snapshot's facts and workloads. */
export class FactLookup {
  /** Binds not shadowed by an override, in fact order. */
  readonly effectiveBinds: readonly PortFact[] = [];
  private readonly bindsOnHost = new Map<string, PortFact[]>();
  /** Effective binds by host and network namespace (`host\0netns`, netns '' for the host's own). */
  private readonly bindsOnHostNetns = new Map<string, PortFact[]>();
  private readonly factsOnHost = new Map<string, PortFact[]>();
  private readonly factsInNetns = new Map<string, PortFact[]>();
  private readonly factsInFile = new Map<string, PortFact[]>();
  private readonly factsWithRole = new Map<Role, PortFact[]>();
  private readonly workloadByInstance = new Map<string, PlacedWorkload>();
  private readonly workloadsOnHost = new Map<string, PlacedWorkload[]>();
  private readonly composeByName = new Map<string, PlacedWorkload[]>();
  private readonly projectOfNetns = new Map<string, string>();

  /** Groups `facts` and `workloads` (a snapshot's, after resolution). */
  constructor(facts: readonly PortFact[], workloads: readonly PlacedWorkload[]) {
    const binds: PortFact[] = [];
    for (const f of facts) {
      if (f.kind === 'bind' && !f.shadowed) {
        binds.push(f);
        push(this.bindsOnHost, f.host, f);
        push(this.bindsOnHostNetns, `${f.host}\u0000${f.netns ?? ''}`, f);
      }
      push(this.factsOnHost, f.host, f);
      if (f.netns !== undefined) push(this.factsInNetns, f.netns, f);
      push(this.factsInFile, f.location.file, f);
      if (f.role !== undefined) push(this.factsWithRole, f.role, f);
    }
    this.effectiveBinds = binds;
    for (const w of workloads) {
      // The first workload with an instance wins, as `Array.find` over the snapshot would.
      if (!this.workloadByInstance.has(w.instance)) this.workloadByInstance.set(w.instance, w);
      push(this.workloadsOnHost, w.host, w);
      if (w.kind !== 'compose-service') continue;
      push(this.composeByName, `${w.host}\u0000${w.name}`, w);
      // A service's own namespace, or the one `network_mode: service:x` shares, is its project's;
      // `network_mode: container:x` joins a container outside compose.
      if (w.netns !== undefined && !w.networkMode?.startsWith('container:') && !this.projectOfNetns.has(w.netns)) this.projectOfNetns.set(w.netns, dirname(w.file));
    }
  }

  /** Effective binds on a host (every network namespace), in fact order. */
  bindsOn(host: string): readonly PortFact[] {
    return this.bindsOnHost.get(host) ?? NO_FACTS;
  }

  /** Effective binds on a host in one network namespace (`undefined`: the host's own), in fact order. */
  bindsIn(host: string, netns: string | undefined): readonly PortFact[] {
    return this.bindsOnHostNetns.get(`${host}\u0000${netns ?? ''}`) ?? NO_FACTS;
  }

  /** Every fact placed on a host, in fact order. */
  factsOn(host: string): readonly PortFact[] {
    return this.factsOnHost.get(host) ?? NO_FACTS;
  }

  /** Facts in a network namespace (`compose:<dir>#<service>`, ...), in fact order. */
  factsIn(netns: string): readonly PortFact[] {
    return this.factsInNetns.get(netns) ?? NO_FACTS;
  }

  /** Facts whose mention is in a file, in fact order. */
  factsOfFile(file: string): readonly PortFact[] {
    return this.factsInFile.get(file) ?? NO_FACTS;
  }

  /** Facts with a role, in fact order. */
  withRole(role: Role): readonly PortFact[] {
    return this.factsWithRole.get(role) ?? NO_FACTS;
  }

  /** The first workload (in snapshot order) with this instance key. */
  workload(instance: string | undefined): PlacedWorkload | undefined {
    return instance === undefined ? undefined : this.workloadByInstance.get(instance);
  }

  /** Workloads on a host, in snapshot order. */
  workloadsOn(host: string): readonly PlacedWorkload[] {
    return this.workloadsOnHost.get(host) ?? NO_WORKLOADS;
  }

  /**
   * The compose project (the directory of its compose file) whose services share a network
   * namespace; `undefined` for the host's namespace and for namespaces outside compose.
   */
  composeProject(netns: string | undefined): string | undefined {
    return netns === undefined ? undefined : this.projectOfNetns.get(netns);
  }

  /** Compose services on a host with this name, in snapshot order. */
  composeServices(host: string, name: string): readonly PlacedWorkload[] {
    return this.composeByName.get(`${host}\u0000${name}`) ?? NO_WORKLOADS;
  }
}
