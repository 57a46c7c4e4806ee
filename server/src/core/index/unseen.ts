/**
 * Listeners Portolan cannot read. A compose service or `docker run` on the host network
 * (`network_mode: host`, `--network host`) publishes nothing: it binds whatever its image
 * listens on, often chosen by a flag, its command or an environment variable. A systemd unit
 * that starts a script, or a program whose port is not in the unit, binds where the workspace
 * does not say. Such a workload may be what a firewall rule is for. Pure functions of a snapshot.
 *
 * rtcd's launchers are left out (the resolver gives them binds, their defaults at least), and so
 * is a Mattermost unit when a Mattermost config.json on the host says where it listens.
 */
import type { Protocol } from '../model/facts';
import { basename } from '../model/paths';
import { defaultPorts } from '../model/wellknown';
import { portOwner } from './owners';
import { isMattermostWorkload, isRtcdWorkload } from './resolve';
import type { PlacedWorkload, Snapshot } from './workspace';

/** A workload on a host whose listening ports Portolan cannot read, and why. */
export interface UnseenListener {
  workload: PlacedWorkload;
  /** "network_mode: host", "--network host", "ExecStart runs a script (backup.sh)", "ExecStart runs grafana-server, whose port is not in the unit". */
  why: string;
}

/** A port a host-namespace workload listens on by its image's or program's documentation. */
export interface DefaultListener {
  workload: PlacedWorkload;
  port: number;
  protocol: Protocol;
}

/** What {@link hostListeners} returns for one host. */
export interface HostListeners {
  unseen: UnseenListener[];
  /**
   * Documented default ports of the host-namespace workloads that have no bind of their own in
   * the workspace (seen or not): they account for a firewall rule.
   */
  defaults: DefaultListener[];
}

/** Launchers whose own listeners are another workload's (a unit that runs `docker run` or compose). */
const LAUNCHERS = /^(docker|podman|docker-compose|podman-compose|nerdctl)$/;
/** Script names and interpreters: what such a unit binds is in the script, not in the unit. */
const SCRIPT = /\.(sh|bash|py|pl|rb|js|mjs|php)$/;
const INTERPRETER = /^(sh|bash|dash|zsh|python[\d.]*|node|nodejs|perl|ruby|php[\d.]*|java|deno|bun)$/;
/** Environment variable names that usually carry a listening port or address. */
const PORT_ENV = /PORT|LISTEN|BIND|ADDR/i;

/**
 * The listeners of a host Portolan cannot read, and the documented default ports of its
 * host-namespace workloads. Workloads in their own network namespace (bridged containers)
 * are not considered: what they publish is read from `ports` / `-p`.
 */
export function hostListeners(snap: Snapshot, host: string): HostListeners {
  const out: HostListeners = { unseen: [], defaults: [] };
  const lookup = snap.lookup();
  const binds = lookup.bindsOn(host);
  const hasMattermostConfig = lookup.withRole('mattermost-http').some((f) => f.host === host && f.format === 'mattermost-json');
  for (const w of lookup.workloadsOn(host)) {
    if (isRtcdWorkload(w)) continue;
    const hostNetwork = (w.kind === 'compose-service' || w.kind === 'docker-run') && w.networkMode === 'host';
    const unit = w.kind === 'systemd-unit' && w.program !== undefined && !LAUNCHERS.test(w.program);
    if (!hostNetwork && !unit) continue;
    if (unit && hasMattermostConfig && isMattermostWorkload(w)) continue;
    // Where the workspace says it listens, that is believed instead of the documentation.
    if (binds.some((b) => b.instance === w.instance && b.netns === undefined)) continue;
    const defaults = defaultPorts(portOwner(w));
    for (const d of defaults) out.defaults.push({ workload: w, ...d });
    const configurable = w.args.length > 0 || w.env.some((e) => PORT_ENV.test(e.name));
    if (defaults.length > 0 && !configurable) continue;
    let why: string;
    if (hostNetwork) why = w.kind === 'compose-service' ? 'network_mode: host' : '--network host';
    else {
      const program = basename(w.program!);
      if (SCRIPT.test(program)) why = `ExecStart runs a script, ${program}`;
      else if (INTERPRETER.test(program)) why = `ExecStart runs a script, ${[program, ...w.args.slice(0, 1).map(basename)].join(' ')}`;
      else why = `ExecStart runs ${program}, whose port is not in the unit`;
    }
    out.unseen.push({ workload: w, why });
  }
  return out;
}
