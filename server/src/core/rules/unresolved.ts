/**
 * `unresolved-reference` (warning): a reference to a loopback address, or to a compose service
 * by name, whose port nothing in the workspace binds there. References to other host names are
 * not checked (they may live outside the workspace). A loopback reference inside a container, or
 * a reference to a compose service, whose image is built from a workspace Dockerfile that may start
 * processes Portolan does not read (its own `ENTRYPOINT`/`CMD`: an s6 or supervisord tree, a
 * script; or a base image that is not a server image: a dev workspace, a language runtime) is
 * information, not a warning. Inside a container of a stock image, or of an image built `FROM`
 * nginx (Caddy, HAProxy …) that only copies configuration, only what the workspace shows runs.
 * A loopback reference in a test tree's loose files (haproxy's tests/conf/*.cfg reaching an sshd
 * or a MySQL the test starts) is information too.
 */
import type { PortFact } from '../model/facts';
import { dockerImage } from '../formats/dockerfile';
import type { Snapshot } from '../index/snapshot';
import { formatRange } from '../model/ports';
import { isServerImage } from '../model/wellknown';
import type { PortDiagnostic, Rule } from './rule';
import { bindsOfPort, composeServices, containerPorts, isLoopbackReference, loopbackServers } from '../index/listeners';
import { describe, portLabel, protocolsOverlap } from '../index/queries';

const SKIP_ROLES = new Set<PortFact['role']>(['rtcd-ice-host-port-override']);

/**
 * The workspace Dockerfile whose image runs in network namespace `netns` and may start programs
 * whose listeners Portolan does not read: the image of a compose service in that netns with a
 * `build`, or the image's own netns (`image:<Dockerfile>`), when its target stage (or a stage it
 * is built from) sets `ENTRYPOINT`/`CMD`, or is built from an image that is not a server image
 * (`isServerImage`). `undefined` otherwise: no such image, or one that runs its base server alone
 * (an `FROM nginx` that only copies configs runs nginx alone).
 */
function imageWithUnseenPrograms(snap: Snapshot, netns: string | undefined): string | undefined {
  if (netns === undefined) return undefined;
  const builder = netns.startsWith('image:') ? undefined : snap.workloads.find((w) => w.netns === netns && w.build !== undefined);
  const path = netns.startsWith('image:') ? netns.slice('image:'.length) : builder?.build?.dockerfile;
  const text = path === undefined ? undefined : snap.files.get(path)?.text;
  if (path === undefined || text === undefined) return undefined;
  const image = dockerImage(text, builder?.build?.target);
  return image.ownProgram || image.base === undefined || !isServerImage(image.base) ? path : undefined;
}

/** The message tail naming the image of {@link imageWithUnseenPrograms}, or `''`. */
function unseenNote(snap: Snapshot, image: string | undefined): string {
  return image === undefined ? '' : `; the container's image is built from ${snap.where({ file: image, span: { start: 0, end: 0 } }).replace(/:\d+$/, '')}, which may start processes Portolan does not read`;
}

export const unresolvedReference: Rule = {
  id: 'unresolved-reference',
  severity: 'warning',
  description: 'A reference to a loopback address or a compose service whose port nothing binds.',
  byHost: true,
  check(snap) {
    const out: PortDiagnostic[] = [];
    for (const r of snap.facts) {
      if (r.kind !== 'reference' || r.shadowed || r.publishedBy || SKIP_ROLES.has(r.role) || r.address === undefined) continue;
      if (isLoopbackReference(r)) {
        if (loopbackServers(snap, r).length > 0) continue;
        const elsewhere = bindsOfPort(snap, r.host, r.ports, r.protocol).filter((b) => b.netns !== r.netns || b.address !== undefined);
        const hint = elsewhere.length > 0 ? `; ${describe(snap, elsewhere[0]!)} binds ${portLabel(elsewhere[0]!)}${elsewhere[0]!.netns ? ' only inside its container' : ` on ${elsewhere[0]!.address}`}` : '';
        const image = imageWithUnseenPrograms(snap, r.netns);
        const inTest = image === undefined && snap.placementOf(r.location.file)?.rule === 'test-tree';
        const unseen = inTest ? "; the file lies in a test tree, whose harness may start the servers it reaches" : unseenNote(snap, image);
        out.push({
          rule: 'unresolved-reference', severity: image === undefined && !inTest ? 'warning' : 'information', location: r.location,
          message: `nothing on host "${r.host}"${r.netns ? ' (in this container)' : ''} listens on ${r.address}:${formatRange(r.ports)}/${r.protocol === 'both' ? 'tcp' : r.protocol}${hint}${unseen}`,
          related: elsewhere.map((b) => ({ location: b.location, message: `${b.owner} binds ${portLabel(b)}` })),
        });
        continue;
      }
      const services = composeServices(snap, r.host, r.address, r.netns);
      if (services.length === 0) continue;
      // A ports target is the operator's claim that the container listens there, as good as any
      // for a reference from elsewhere; checked itself, only what the container's configs and
      // image say counts, never the other targets beside it.
      const ports = services.flatMap((w) => containerPorts(snap, w)).filter((p) => !r.publishTarget || p.source !== 'ports target');
      if (ports.length === 0) continue; // nothing known about the service: do not guess
      if (ports.some((p) => p.port >= r.ports.start && p.port <= r.ports.end && protocolsOverlap(p.protocol, r.protocol))) continue;
      const known = [...new Set(ports.map((p) => `${p.port}/${p.protocol}`))].join(', ');
      const service = services[0]!;
      const image = imageWithUnseenPrograms(snap, service.netns);
      out.push({
        rule: 'unresolved-reference', severity: image === undefined ? 'warning' : 'information', location: r.location,
        message: `compose service "${r.address}" (${snap.where(service.location)}) does not listen on ${formatRange(r.ports)}/${r.protocol === 'both' ? 'tcp' : r.protocol}; it listens on ${known}${unseenNote(snap, image)}`,
        related: [
          { location: service.location, message: `compose service "${r.address}"` },
          ...ports.filter((p) => p.fact).map((p) => ({ location: p.fact!.location, message: `${r.address} listens on ${p.port}/${p.protocol} (${p.source})` })),
        ],
      });
    }
    return out;
  },
};
