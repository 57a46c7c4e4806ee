/**
 * The Mattermost Calls plugin's environment (`MM_CALLS_*`): the rtcd URL it connects to, and its
 * own RTC ports. A set rtcd URL means the plugin hands media to rtcd, so its own RTC ports do
 * not bind (the Calls plugin's RTCDServiceURL setting).
 */
import { parseUrl } from '../../model/addresses';
import type { EnvAssignment, PortFact } from '../../model/facts';
import { RTCD_MAX_PORT, RTCD_MIN_PORT } from '../../model/ports';
import type { PlacedWorkload } from '../placed';
import type { PlacedSnapshot } from '../snapshot';
import type { Draft } from './draft';
import type { ResolveMemo } from './memo';
import { envSpan, lastAssignments, plainPort, workloadFormat } from './workloads';

/** Why a Calls port does not bind when an rtcd URL is set (`PortFact.shadowedBy`). */
const USES_RTCD = 'the Calls plugin hands media to rtcd (an rtcd URL is set)';

/** The plugin's port variables, the role and protocol of each. */
const CALLS_PORTS = [['MM_CALLS_UDP_SERVER_PORT', 'calls-udp', 'udp'], ['MM_CALLS_TCP_SERVER_PORT', 'calls-tcp', 'tcp']] as const;

/**
 * For every Mattermost workload: the rtcd URL as a reference, the port variables as binds that
 * shadow the host's configured Calls ports, and, when a URL is set, every Calls port on its host
 * shadowed (the env binds included).
 */
export function applyCallsEnvironment(snap: PlacedSnapshot, draft: Draft, memo: ResolveMemo): void {
  const callsPorts = new Map<string, PortFact[]>();
  for (let i = 0; i < draft.facts.length; i++) {
    if (draft.facts[i]!.role !== 'calls-udp' && draft.facts[i]!.role !== 'calls-tcp') continue;
    const f = draft.own(i);
    const list = callsPorts.get(f.host);
    if (list) list.push(f);
    else callsPorts.set(f.host, [f]);
  }
  for (const w of snap.workloads) {
    if (!memo.isMattermost(w)) continue;
    const onHost = callsPorts.get(w.host) ?? [];
    const last = lastAssignments(w.env);
    const urlEnv = last.get('MM_CALLS_RTCD_SERVICE_URL') ?? last.get('MM_CALLS_RTCD_URL');
    const hasUrl = urlEnv !== undefined && urlEnv.value.trim() !== '';
    if (urlEnv && hasUrl) addRtcdUrl(draft, w, urlEnv);
    for (const [name, role, protocol] of CALLS_PORTS) {
      const e = last.get(name);
      const value = e ? plainPort(e) : undefined;
      if (!e || !value) continue;
      const { port, loc } = value;
      if (port < RTCD_MIN_PORT || port > RTCD_MAX_PORT) {
        draft.report({ rule: 'invalid-port', file: loc.file, span: loc.span, message: `the Calls plugin accepts ports in [${RTCD_MIN_PORT}, ${RTCD_MAX_PORT}]; ${name} is ${port}` });
        continue;
      }
      for (const f of onHost) {
        if (f.role !== role) continue;
        f.shadowed = true;
        f.shadowedBy = `overridden by ${name}`;
      }
      const fact: Omit<PortFact, 'id'> = {
        kind: 'bind', ports: { start: port, end: port }, protocol, owner: w.name, role, host: w.host,
        format: workloadFormat(w),
        location: loc, valueLocation: loc, detail: name, instance: w.instance, derivation: { kind: 'env', variable: name, location: e.valueLocation },
      };
      if (w.netns !== undefined) fact.netns = w.netns;
      if (hasUrl) {
        fact.shadowed = true;
        fact.shadowedBy = USES_RTCD;
      }
      draft.add(fact);
    }
    if (hasUrl) {
      for (const f of onHost) {
        f.shadowed = true;
        f.shadowedBy = USES_RTCD;
      }
    }
  }
}

/** The rtcd URL (`MM_CALLS_RTCD_SERVICE_URL`, formerly `MM_CALLS_RTCD_URL`) as a reference to its port, or its scheme's default port at the host name. */
function addRtcdUrl(draft: Draft, w: PlacedWorkload, urlEnv: EnvAssignment): void {
  const lead = urlEnv.value.indexOf(urlEnv.value.trim());
  const u = parseUrl(urlEnv.value.trim());
  const port = u?.port?.port ?? u?.defaultPort;
  if (!u || port === undefined) return;
  const loc = u.port ? envSpan(urlEnv, lead + u.port.start, lead + u.port.end) : envSpan(urlEnv, lead + u.hostStart, lead + u.hostEnd);
  const fact: Omit<PortFact, 'id'> = {
    kind: 'reference', ports: { start: port, end: port }, protocol: 'tcp', address: u.host, owner: w.name, role: 'calls-rtcd-url', host: w.host,
    format: workloadFormat(w), scheme: u.scheme,
    location: loc, valueLocation: loc, detail: urlEnv.name, derivation: { kind: 'env', variable: urlEnv.name, location: urlEnv.valueLocation },
  };
  if (w.netns !== undefined) fact.netns = w.netns;
  draft.add(fact);
}
