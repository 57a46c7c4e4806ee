/**
 * Well-known ports (IANA service names and common stacks) and the ports well-known container
 * images listen on. Used by hover ("nothing in the workspace binds 5222; Jitsi uses it for
 * Prosody XMPP client connections"), by `public-exposure`, by `firewall-stale` (a default port
 * of a listener Portolan cannot read) and to resolve references to compose services whose image
 * listens on a known port.
 *
 * A number several products use (3000, 5000, 8000, 8080, 8123, 8443, 9000, 9001, 9443) has one
 * entry per product, tied to that product's image or program by {@link WellKnownPort.product},
 * and one generic entry that lists the candidates: a port whose owner is unknown is never given
 * one product's name.
 */
import type { Protocol } from './facts';

/**
 * What runs behind a port, as far as the workspace says: the container image reference
 * ("homeassistant/home-assistant:stable"), the program's basename (systemd `ExecStart`,
 * "grafana-server"), and the arguments and environment that may switch on an admin API.
 * Every field is optional; `undefined` owner means nothing is known.
 */
export interface PortOwner {
  image?: string | undefined;
  program?: string | undefined;
  args?: readonly string[];
  env?: readonly { name: string; value: string }[];
}

/** A well-known use of a port. */
export interface WellKnownPort {
  /** Integer 1-65535. */
  port: number;
  protocol: Protocol;
  name: string;
  /**
   * A database, cache or admin port that must not be reachable from everywhere (`public-exposure`).
   * A RegExp means "only when switched on": it must match one of the owner's arguments or one
   * `NAME=value` of its environment (Traefik's `--api.insecure`).
   */
  exposure?: boolean | RegExp;
  /**
   * When the number is shared by several products: the pattern, tested against the image
   * reference and the program basename, that identifies this one. Entries without it are the
   * generic meaning, used when the owner is unknown or is none of the products listed.
   */
  product?: RegExp;
}

// Product patterns, shared by several entries. Image references are matched anywhere
// (registries and tags vary); program basenames whole.
const CLICKHOUSE = /(^|\/)clickhouse(-server)?(:|@|$)|^clickhouse(-server)?$/i;
const MINIO = /(^|\/)minio(:|@|$)|^minio$/i;
const PORTAINER = /(^|\/)portainer(-ce|-ee)?(:|@|$)|^portainer$/i;
const PORTAINER_AGENT = /portainer\/agent(:|@|$)/i;
const TRAEFIK = /(^|\/)traefik(:|@|$)|^traefik$/i;
const HOME_ASSISTANT = /home-?assistant|^hass$/i;
const PHP_FPM = /(^|\/)php[^/]*fpm|php-fpm/i;
const GRAFANA = /(^|\/)grafana(-oss|-enterprise)?(:|@|$)|^grafana(-server)?$/i;
const GITEA = /(^|\/)gitea(:|@|$)|^gitea$/i;
const METABASE = /(^|\/)metabase(:|@|$)/i;
const REGISTRY = /(^|\/)registry(:|@|$)|^registry$/i;
const RTCD = /(^|\/)rtcd(:|@|$)|^rtcd$/i;
const MATTERMOST = /mattermost\/mattermost|mattermost-(enterprise|team)-edition|^mattermost$/i;
const JITSI_WEB = /jitsi\/web(:|@|$)/i;
const JVB = /jitsi\/jvb(:|@|$)|(^|\/)jvb(:|@|$)/i;

/**
 * The table, ordered by port. Sources: the IANA service-names registry; each product's own
 * documentation: Caddy "admin" global option (default localhost:2019, caddyserver.com/docs/caddyfile/options#admin),
 * Traefik "API & dashboard" (`api.insecure` serves both on entry point `traefik`, port 8080,
 * doc.traefik.io/traefik/operations/api/), Docker "Protect the Docker daemon socket" (2375 plain,
 * 2376 TLS), etcd's clustering guide (2379 client, 2380 peer), Kubernetes "Ports and Protocols"
 * (10250 kubelet API), Portainer's install guide (9443 HTTPS, 9000 legacy HTTP, 8000 Edge
 * tunnel; the agent on 9001), Home Assistant (8123), ClickHouse (8123 HTTP, 9000 native),
 * MinIO (9000 S3 API, 9001 console), php-fpm's www.conf (`listen = 127.0.0.1:9000`; FastCGI
 * runs any script it is told to), Grafana, Gitea and Metabase (3000), Docker Registry (5000).
 */
export const WELL_KNOWN_PORTS: readonly WellKnownPort[] = [
  { port: 22, protocol: 'tcp', name: 'SSH' },
  { port: 25, protocol: 'tcp', name: 'SMTP' },
  { port: 53, protocol: 'both', name: 'DNS' },
  { port: 80, protocol: 'tcp', name: 'HTTP' },
  { port: 110, protocol: 'tcp', name: 'POP3' },
  { port: 143, protocol: 'tcp', name: 'IMAP' },
  { port: 443, protocol: 'tcp', name: 'HTTPS' },
  { port: 443, protocol: 'udp', name: 'HTTP/3 (QUIC)' },
  { port: 587, protocol: 'tcp', name: 'SMTP submission' },
  { port: 993, protocol: 'tcp', name: 'IMAPS' },
  { port: 1433, protocol: 'tcp', name: 'Microsoft SQL Server', exposure: true },
  { port: 2019, protocol: 'tcp', name: 'Caddy admin API', exposure: true },
  { port: 2375, protocol: 'tcp', name: 'Docker Engine API (plain)', exposure: true },
  { port: 2376, protocol: 'tcp', name: 'Docker Engine API (TLS)', exposure: true },
  { port: 2379, protocol: 'tcp', name: 'etcd client', exposure: true },
  { port: 2380, protocol: 'tcp', name: 'etcd peer', exposure: true },
  { port: 3000, protocol: 'tcp', name: 'Grafana', product: GRAFANA },
  { port: 3000, protocol: 'tcp', name: 'Gitea web', product: GITEA },
  { port: 3000, protocol: 'tcp', name: 'Metabase', product: METABASE },
  { port: 3000, protocol: 'tcp', name: 'Grafana / Gitea / Metabase / Node.js apps' },
  { port: 3306, protocol: 'tcp', name: 'MySQL / MariaDB', exposure: true },
  { port: 3478, protocol: 'both', name: 'STUN/TURN' },
  { port: 4443, protocol: 'tcp', name: 'Jitsi JVB TCP fallback (removed from docker-jitsi-meet in 2022)' },
  { port: 5000, protocol: 'tcp', name: 'Docker Registry API', product: REGISTRY },
  { port: 5000, protocol: 'tcp', name: 'Docker Registry / Flask' },
  { port: 5060, protocol: 'both', name: 'SIP' },
  { port: 5061, protocol: 'tcp', name: 'SIP over TLS' },
  { port: 5222, protocol: 'tcp', name: 'XMPP client (Jitsi Prosody)' },
  { port: 5269, protocol: 'tcp', name: 'XMPP server-to-server (Jitsi Prosody)' },
  { port: 5280, protocol: 'tcp', name: 'Prosody HTTP/BOSH (Jitsi)' },
  { port: 5347, protocol: 'tcp', name: 'XMPP component (Jitsi Prosody)' },
  { port: 5432, protocol: 'tcp', name: 'PostgreSQL', exposure: true },
  { port: 5601, protocol: 'tcp', name: 'Kibana' },
  { port: 5672, protocol: 'tcp', name: 'RabbitMQ AMQP', exposure: true },
  { port: 5984, protocol: 'tcp', name: 'CouchDB', exposure: true },
  { port: 6379, protocol: 'tcp', name: 'Redis', exposure: true },
  { port: 8000, protocol: 'tcp', name: 'Portainer Edge agent tunnel', product: PORTAINER },
  { port: 8000, protocol: 'tcp', name: 'HTTP alternate (Django, uvicorn, Portainer Edge tunnel)' },
  { port: 8021, protocol: 'tcp', name: 'FreeSWITCH event socket (ESL)', exposure: true },
  { port: 8045, protocol: 'tcp', name: 'rtcd API (default)' },
  { port: 8065, protocol: 'tcp', name: 'Mattermost' },
  { port: 8080, protocol: 'tcp', name: 'Traefik API and dashboard', product: TRAEFIK, exposure: /^--api\.insecure(=true)?$|^TRAEFIK_API_INSECURE=true$/i },
  { port: 8080, protocol: 'tcp', name: 'Jitsi JVB colibri REST', product: JVB },
  { port: 8080, protocol: 'tcp', name: 'HTTP alternate (Traefik dashboard, Jenkins, Tomcat, Jitsi JVB colibri REST)' },
  { port: 8086, protocol: 'tcp', name: 'InfluxDB', exposure: true },
  { port: 8123, protocol: 'tcp', name: 'ClickHouse HTTP', exposure: true, product: CLICKHOUSE },
  { port: 8123, protocol: 'tcp', name: 'Home Assistant web', product: HOME_ASSISTANT },
  { port: 8123, protocol: 'tcp', name: 'ClickHouse HTTP or Home Assistant web' },
  { port: 8443, protocol: 'both', name: 'rtcd media (default)', product: RTCD },
  { port: 8443, protocol: 'both', name: 'Calls plugin RTC media (default)', product: MATTERMOST },
  { port: 8443, protocol: 'tcp', name: 'Jitsi web HTTPS', product: JITSI_WEB },
  { port: 8443, protocol: 'both', name: 'rtcd media (default) / HTTPS alternate (Jitsi web)' },
  { port: 8500, protocol: 'tcp', name: 'Consul HTTP API', exposure: true },
  { port: 8888, protocol: 'tcp', name: 'Jitsi Jicofo REST' },
  { port: 9000, protocol: 'tcp', name: 'ClickHouse native protocol', exposure: true, product: CLICKHOUSE },
  { port: 9000, protocol: 'tcp', name: 'MinIO S3 API', product: MINIO },
  { port: 9000, protocol: 'tcp', name: 'Portainer HTTP UI and API', exposure: true, product: PORTAINER },
  { port: 9000, protocol: 'tcp', name: 'PHP-FPM FastCGI', exposure: true, product: PHP_FPM },
  { port: 9000, protocol: 'tcp', name: 'MinIO S3 API / ClickHouse native / Portainer / PHP-FPM' },
  { port: 9001, protocol: 'tcp', name: 'MinIO console', product: MINIO },
  { port: 9001, protocol: 'tcp', name: 'Portainer agent (Docker control)', exposure: true, product: PORTAINER_AGENT },
  { port: 9001, protocol: 'tcp', name: 'MinIO console / Portainer agent' },
  { port: 9042, protocol: 'tcp', name: 'Cassandra CQL', exposure: true },
  { port: 9090, protocol: 'tcp', name: 'Prometheus' },
  { port: 9100, protocol: 'tcp', name: 'Prometheus node_exporter' },
  { port: 9200, protocol: 'tcp', name: 'Elasticsearch HTTP', exposure: true },
  { port: 9300, protocol: 'tcp', name: 'Elasticsearch transport', exposure: true },
  { port: 9443, protocol: 'tcp', name: 'Portainer HTTPS UI and API', exposure: true, product: PORTAINER },
  { port: 9443, protocol: 'tcp', name: 'HTTPS alternate (Portainer)' },
  { port: 10000, protocol: 'udp', name: 'Jitsi JVB media' },
  { port: 10250, protocol: 'tcp', name: 'Kubernetes kubelet API', exposure: true },
  { port: 11211, protocol: 'both', name: 'memcached', exposure: true },
  { port: 15672, protocol: 'tcp', name: 'RabbitMQ management', exposure: true },
  { port: 27017, protocol: 'tcp', name: 'MongoDB', exposure: true },
];

function protoMatch(a: Protocol, b: Protocol): boolean {
  return a === b || a === 'both' || b === 'both';
}

/** True when the entry's product pattern matches the owner's image or program. */
function isProduct(w: WellKnownPort, owner: PortOwner | undefined): boolean {
  if (!w.product || !owner) return false;
  return (owner.image !== undefined && w.product.test(owner.image)) || (owner.program !== undefined && w.product.test(owner.program));
}

/**
 * Well-known uses of a port for a protocol. When the owner's image or program identifies one of
 * the products that use the number, only that product's entries; otherwise the generic entries
 * (which, for a shared number, list the candidates). Empty when the port is not in the table.
 */
export function wellKnown(port: number, protocol: Protocol, owner?: PortOwner): WellKnownPort[] {
  const all = WELL_KNOWN_PORTS.filter((w) => w.port === port && protoMatch(w.protocol, protocol));
  const own = all.filter((w) => isProduct(w, owner));
  return own.length > 0 ? own : all.filter((w) => !w.product);
}

/** Entries of the products the owner's image or program identifies (its documented default ports); empty when none. */
export function productPorts(owner: PortOwner | undefined): WellKnownPort[] {
  return WELL_KNOWN_PORTS.filter((w) => isProduct(w, owner));
}

/** True when an exposure condition holds for the owner (see {@link WellKnownPort.exposure}). */
function exposed(w: WellKnownPort, owner: PortOwner | undefined): boolean {
  if (w.exposure === true) return true;
  if (!(w.exposure instanceof RegExp) || !owner) return false;
  const re = w.exposure;
  return (owner.args ?? []).some((a) => re.test(a)) || (owner.env ?? []).some((e) => re.test(`${e.name}=${e.value.trim()}`));
}

/**
 * A database, cache or admin port that must not be reachable from everywhere, or `undefined`.
 * A number shared by several products (9000, 8123, 8080) counts only when the owner's image or
 * program identifies the product whose port it is (and, for Traefik, its arguments or
 * environment switch the insecure API on); an unknown owner gets only the unambiguous entries.
 */
export function exposureRisk(port: number, protocol: Protocol, owner?: PortOwner): WellKnownPort | undefined {
  return wellKnown(port, protocol, owner).find((w) => exposed(w, owner));
}

/** Container ports well-known images listen on (inside the container), by image name pattern. */
export const IMAGE_PORTS: readonly { image: RegExp; ports: { port: number; protocol: Protocol }[] }[] = [
  { image: /(^|\/)mattermost(-enterprise|-team)?(-edition)?(:|$)|mattermost\/mattermost/, ports: [{ port: 8065, protocol: 'tcp' }] },
  { image: /(^|\/)rtcd(:|$)/, ports: [{ port: 8045, protocol: 'tcp' }, { port: 8443, protocol: 'udp' }, { port: 8443, protocol: 'tcp' }] },
  { image: /(^|\/)postgres(:|$)/, ports: [{ port: 5432, protocol: 'tcp' }] },
  { image: /(^|\/)(mysql|mariadb)(:|$)/, ports: [{ port: 3306, protocol: 'tcp' }] },
  { image: /(^|\/)redis(:|$)/, ports: [{ port: 6379, protocol: 'tcp' }] },
  { image: /(^|\/)mongo(:|$)/, ports: [{ port: 27017, protocol: 'tcp' }] },
  { image: /(^|\/)nginx(:|$)/, ports: [{ port: 80, protocol: 'tcp' }] },
  { image: /(^|\/)memcached(:|$)/, ports: [{ port: 11211, protocol: 'tcp' }] },
  { image: /(^|\/)elasticsearch(:|$)/, ports: [{ port: 9200, protocol: 'tcp' }, { port: 9300, protocol: 'tcp' }] },
  { image: /(^|\/)clickhouse(-server)?(:|$)/, ports: [{ port: 8123, protocol: 'tcp' }, { port: 9000, protocol: 'tcp' }] },
  { image: /(^|\/)minio(:|$)/, ports: [{ port: 9000, protocol: 'tcp' }, { port: 9001, protocol: 'tcp' }] },
  { image: /jitsi\/web|\/web:/, ports: [{ port: 80, protocol: 'tcp' }, { port: 443, protocol: 'tcp' }] },
  { image: /prosody/, ports: [{ port: 5222, protocol: 'tcp' }, { port: 5269, protocol: 'tcp' }, { port: 5280, protocol: 'tcp' }, { port: 5347, protocol: 'tcp' }] },
  { image: /jicofo/, ports: [{ port: 8888, protocol: 'tcp' }] },
  { image: /jvb/, ports: [{ port: 10000, protocol: 'udp' }, { port: 8080, protocol: 'tcp' }] },
];

/**
 * Images whose own program is the server whose configuration Portolan reads (nginx and its
 * variants, OpenResty, Caddy, HAProxy, Traefik, Apache httpd), by image name: an image built `FROM`
 * one of them without an `ENTRYPOINT`/`CMD` of its own runs that server alone.
 */
const SERVER_IMAGE = /(^|\/)(nginx(-unprivileged)?|openresty|caddy|haproxy|traefik|httpd)(:|@|$)/;

/** True when `image` (as written in `FROM` or `image:`) is one of the server images of {@link SERVER_IMAGE}. */
export function isServerImage(image: string): boolean {
  return SERVER_IMAGE.test(image.toLowerCase());
}

/** Ports a container image listens on inside its container, from {@link IMAGE_PORTS}; empty when unknown. */
export function imagePorts(image: string | undefined): { port: number; protocol: Protocol }[] {
  if (!image) return [];
  return IMAGE_PORTS.find((e) => e.image.test(image))?.ports ?? [];
}

/**
 * Ports a system package's server listens on with its packaged configuration, by package or
 * systemd service name (Debian and Red Hat names). Sources: coturn's turnserver.conf
 * (`listening-port=3478`, `tls-listening-port=5349`, both UDP and TCP; RFC 8489 / RFC 8656),
 * the Debian nginx, apache2 and Fedora httpd default sites (80; 443 once TLS is set up).
 */
export const PACKAGE_PORTS: readonly { name: RegExp; label: string; ports: { port: number; protocol: Protocol }[] }[] = [
  { name: /^(coturn|turnserver)$/, label: 'coturn', ports: [{ port: 3478, protocol: 'both' }, { port: 5349, protocol: 'both' }] },
  { name: /^nginx(-full|-light|-extras|-core)?$/, label: 'nginx', ports: [{ port: 80, protocol: 'tcp' }, { port: 443, protocol: 'tcp' }] },
  { name: /^(apache2|httpd)$/, label: 'Apache httpd', ports: [{ port: 80, protocol: 'tcp' }, { port: 443, protocol: 'tcp' }] },
];

/** The package entry of {@link PACKAGE_PORTS} for a package or service name ("coturn", "coturn.service"); undefined when unknown. */
export function packagePorts(name: string): (typeof PACKAGE_PORTS)[number] | undefined {
  const bare = name.replace(/\.service$/, '').replace(/[=:].*$/, '').toLowerCase();
  return PACKAGE_PORTS.find((e) => e.name.test(bare));
}

/** Port/protocol pairs a firewall rule may allow without anything in the workspace binding them. */
export const OUTSIDE_SERVICES: readonly { port: number; protocol: Protocol; name: string }[] = [{ port: 22, protocol: 'tcp', name: 'SSH' }];

/**
 * The ports an owner is documented to listen on by default: {@link IMAGE_PORTS} matched against
 * its image or program, plus the entries of the products it is ({@link productPorts}). Empty
 * when nothing is known. Deduplicated by port and protocol, in table order.
 */
export function defaultPorts(owner: PortOwner | undefined): { port: number; protocol: Protocol }[] {
  if (!owner) return [];
  const out: { port: number; protocol: Protocol }[] = [];
  const add = (p: { port: number; protocol: Protocol }) => {
    if (!out.some((o) => o.port === p.port && o.protocol === p.protocol)) out.push({ port: p.port, protocol: p.protocol });
  };
  for (const id of [owner.image, owner.program]) {
    if (id === undefined) continue;
    for (const p of IMAGE_PORTS.find((e) => e.image.test(id))?.ports ?? []) add(p);
  }
  for (const w of productPorts(owner)) add(w);
  return out;
}
