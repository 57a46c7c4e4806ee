/**
 * firewalld service names (`--add-service=https`, `<service name="https"/>`): definitions in the
 * workspace (`.../firewalld/services/NAME.xml`, firewalld.service(5)) win over the built-in
 * table of firewalld's own default services, whose ports are those of firewalld's
 * `config/services/NAME.xml` files (firewalld/firewalld at 2745d6f0ab9e4a43abe97872ed52e62157996166).
 * Pure: reads only through the extraction context.
 */
import type { ExtractContext, FileFinding, Location, PortRange, Protocol } from '../../model/facts';
import { listingOf } from '../context';
import { portToken } from '../firewall';
import { readXml } from './xml';

/** One port or range a service opens. `location` is where it is written (absent for built-ins). */
export interface ServicePort {
  ports: PortRange;
  protocol: Protocol;
  location?: Location;
}

/** A resolved service: its ports and where it is defined (absent for a built-in). */
export interface ServiceDefinition {
  name: string;
  ports: ServicePort[];
  file?: string;
}

/** Resolves a service name; `undefined` when neither the workspace nor the table knows it. */
export type ServiceLookup = (name: string) => ServiceDefinition | undefined;

const T = 'tcp';
const U = 'udp';
/** firewalld's default services that matter for port checks: name to [port, protocol] pairs. */
const BUILTIN: Readonly<Record<string, readonly (readonly [number, Protocol])[]>> = {
  ssh: [[22, T]], http: [[80, T]], https: [[443, T]], http3: [[443, U]], dns: [[53, T], [53, U]],
  mysql: [[3306, T]], postgresql: [[5432, T]], redis: [[6379, T]], mongodb: [[27017, T]],
  elasticsearch: [[9300, T], [9200, T]], memcache: [[11211, T], [11211, U]], smtp: [[25, T]],
  smtps: [[465, T]], imaps: [[993, T]], pop3s: [[995, T]], ldap: [[389, T]], ldaps: [[636, T]],
  ftp: [[21, T]], ntp: [[123, U]], 'dhcpv6-client': [[546, U]], dhcp: [[67, U]], mdns: [[5353, U]],
  cockpit: [[9090, T]], prometheus: [[9090, T]], grafana: [[3000, T]], jenkins: [[8080, T]],
  openvpn: [[1194, U]], wireguard: [[51820, U]], stun: [[3478, T], [3478, U]],
  stuns: [[5349, T], [5349, U]], 'kube-apiserver': [[6443, T]], mqtt: [[1883, T]], 'mqtt-tls': [[8883, T]],
};

/** The built-in definition of `name`, or `undefined`. */
export function builtinService(name: string): ServiceDefinition | undefined {
  const b = Object.hasOwn(BUILTIN, name) ? BUILTIN[name] : undefined;
  return b ? { name, ports: b.map(([p, protocol]) => ({ ports: { start: p, end: p }, protocol })) } : undefined;
}

/** Maps firewalld's protocol attribute; `undefined` for protocols without ports here. */
export function firewalldProtocol(text: string): Protocol | undefined {
  return text === 'tcp' || text === 'udp' || text === 'sctp' ? text : undefined;
}

/**
 * The `<port port="..." protocol="..."/>` entries of a service definition's XML (direct children
 * of `<service>`), with their locations in `file`, plus `invalid-port` findings.
 */
export function servicePorts(text: string, file: string): { ports: ServicePort[]; findings: FileFinding[] } {
  const ports: ServicePort[] = [];
  const findings: FileFinding[] = [];
  const elements = readXml(text).value;
  for (const el of elements) {
    if (el.name !== 'port' || el.parent !== 0 || elements[0]!.name !== 'service') continue;
    const port = el.attributes.get('port');
    const protocol = firewalldProtocol(el.attributes.get('protocol')?.value ?? '');
    if (!port || !protocol) continue;
    const tok = portToken(port.value, (i) => port.span.start + i, 0, port.value.length, '-', 'firewalld');
    if (!tok) continue;
    findings.push(...tok.findings);
    if (tok.ports) ports.push({ ports: tok.ports, protocol, location: { file, span: tok.span } });
  }
  return { ports, findings };
}

/** True for a path of a firewalld service definition: `.../firewalld/services/NAME.xml`. */
export function isServicePath(path: string): boolean {
  return /(?:^|\/)firewalld\/services\/[^/]+\.xml$/.test(path);
}

/**
 * A lookup over the service definitions in the workspace (files `.../firewalld/services/NAME.xml`;
 * reading one records it in `deps`), then the built-in table.
 */
export function workspaceServiceLookup(ctx: ExtractContext, deps: string[]): ServiceLookup {
  return (name) => {
    if (!/^[A-Za-z0-9_.+-]+$/.test(name)) return undefined;
    const file = listingOf(ctx).named(`${name}.xml`).find(isServicePath);
    const text = file === undefined ? undefined : ctx.read(file);
    if (file !== undefined && text !== undefined) {
      if (!deps.includes(file)) deps.push(file);
      return { name, ports: servicePorts(text, file).ports, file };
    }
    return builtinService(name);
  };
}
