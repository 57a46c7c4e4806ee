/**
 * Listeners Portolan cannot read. A compose service or `docker run` on the host network
 * (`network_mode: host`, `--network host`) publishes nothing: it binds whatever its image
 * listens on, often chosen by a flag, its command or an environment variable. A systemd unit
 * that starts a script, or a program whose port is not in the unit, binds where the workspace
 * does not say. A shell script that installs a server package or starts its unit
 * (`apt-get install coturn`, `systemctl restart coturn.service`) sets up a listener on that
 * package's default ports. Such a workload may be what a firewall rule is for. Pure functions of a snapshot.
 *
 * rtcd's launchers are left out (the resolver gives them binds, their defaults at least), and so
 * is a Mattermost unit when a Mattermost config.json on the host says where it listens.
 */
import type { Location, Protocol, ShellWord } from '../model/facts';
import { basename } from '../model/paths';
import { defaultPorts, packagePorts } from '../model/wellknown';
import { commandWords } from '../formats/shell/normalize';
import { eachCommand } from '../formats/shell/words';
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
  /** Servers that a shell script on the host installs or starts, with their packaged default ports. */
  scripted: ScriptedListener[];
}

/** A server a script installs (`apt-get install coturn`) or starts (`systemctl restart coturn.service`). */
export interface ScriptedListener {
  /** The product ("coturn"). */
  label: string;
  /** What the script does: "apt-get install coturn", "systemctl restart coturn.service". */
  how: string;
  /** Span of the package or service word. */
  location: Location;
  ports: { port: number; protocol: Protocol }[];
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
  const out: HostListeners = { unseen: [], defaults: [], scripted: scriptedListeners(snap, host) };
  const lookup = snap.lookup();
  const binds = lookup.bindsOn(host);
  const hasMattermostConfig = lookup.withRole('mattermost-http').some((f) => f.host === host && f.format === 'mattermost-json');
  for (const w of lookup.workloadsOn(host)) {
    if (isRtcdWorkload(w)) continue;
    const hostNetwork = (w.kind === 'compose-service' || w.kind === 'docker-run' || w.kind === 'podman-quadlet') && w.networkMode === 'host';
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

/** Package managers and the subcommand that installs. */
const INSTALLERS: Readonly<Record<string, string>> = { 'apt-get': 'install', apt: 'install', aptitude: 'install', yum: 'install', dnf: 'install', zypper: 'install', apk: 'add', pacman: '-S' };
const SYSTEMCTL_START = /^(start|restart|enable|reload-or-restart|try-restart)$/;

/**
 * The servers that shell scripts on `host` install with a package manager (`apt-get install`,
 * `yum`/`dnf`/`zypper install`, `apk add`) or start with `systemctl start|restart|enable`,
 * when {@link packagePorts} knows the ports the package listens on by default; whatever port
 * the script's own configuration gives them is not read. One entry per product and script, the
 * first mention. Empty when no script does either.
 */
export function scriptedListeners(snap: Snapshot, host: string): ScriptedListener[] {
  const out: ScriptedListener[] = [];
  for (const [file, state] of snap.files) {
    if (state.format !== 'shell' || snap.hostOf(file) !== host) continue;
    for (const raw of eachCommand(state.text)) {
      const words = commandWords(raw);
      for (const { word, how } of serverWords(words)) {
        const pkg = packagePorts(word.value);
        if (!pkg || out.some((o) => o.label === pkg.label && o.location.file === file)) continue;
        out.push({ label: pkg.label, how: `${how} ${word.value}`, location: { file, span: word.span }, ports: pkg.ports });
      }
    }
  }
  return out;
}

/** The package or unit words of an install or `systemctl` start command, with the command ("apt-get install"). */
function serverWords(words: readonly ShellWord[]): { word: ShellWord; how: string }[] {
  const cmd = basename(words[0]?.value ?? '');
  const operands = (from: number) => words.slice(from).filter((w) => !w.value.startsWith('-'));
  const sub = INSTALLERS[cmd];
  if (sub !== undefined) {
    const i = words.findIndex((w, k) => k > 0 && w.value === sub);
    return i < 0 ? [] : operands(i + 1).map((word) => ({ word, how: `${cmd} ${sub}` }));
  }
  if (cmd === 'systemctl') {
    const i = words.findIndex((w, k) => k > 0 && !w.value.startsWith('-'));
    if (i < 0 || !SYSTEMCTL_START.test(words[i]!.value)) return [];
    return operands(i + 1).map((word) => ({ word, how: `systemctl ${words[i]!.value}` }));
  }
  return [];
}
