/**
 * Well-known ports (IANA service names and common stacks) and the ports well-known container
 * images listen on. Used by hover ("nothing in the workspace owns 5222; Jitsi uses it for
 * Prosody XMPP client connections"), by `public-exposure` and to resolve references to
 * compose services whose image listens on a known port.
 */
import type { Protocol } from './facts';

/** A well-known use of a port. `exposure` marks database, cache and admin ports that must not be public. */
export interface WellKnownPort {
  port: number;
  protocol: Protocol;
  name: string;
  exposure?: boolean;
  /** When the port is shared by several products, the image pattern that identifies this one. */
  image?: RegExp;
}

/** The table, ordered by port. Sources: IANA service-names registry; each product's own documentation. */
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
  { port: 2375, protocol: 'tcp', name: 'Docker Engine API (plain)', exposure: true },
  { port: 2376, protocol: 'tcp', name: 'Docker Engine API (TLS)', exposure: true },
  { port: 2379, protocol: 'tcp', name: 'etcd client', exposure: true },
  { port: 3000, protocol: 'tcp', name: 'Grafana / Node.js apps' },
  { port: 3306, protocol: 'tcp', name: 'MySQL / MariaDB', exposure: true },
  { port: 3478, protocol: 'both', name: 'STUN/TURN' },
  { port: 4443, protocol: 'tcp', name: 'Jitsi JVB TCP fallback (removed from docker-jitsi-meet in 2022)' },
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
  { port: 8021, protocol: 'tcp', name: 'FreeSWITCH event socket (ESL)', exposure: true },
  { port: 8045, protocol: 'tcp', name: 'rtcd API (default)' },
  { port: 8065, protocol: 'tcp', name: 'Mattermost' },
  { port: 8080, protocol: 'tcp', name: 'HTTP alternate (Jitsi JVB colibri REST)' },
  { port: 8086, protocol: 'tcp', name: 'InfluxDB', exposure: true },
  { port: 8123, protocol: 'tcp', name: 'ClickHouse HTTP', exposure: true },
  { port: 8443, protocol: 'both', name: 'rtcd media (default) / HTTPS alternate (Jitsi web)' },
  { port: 8500, protocol: 'tcp', name: 'Consul HTTP API', exposure: true },
  { port: 8888, protocol: 'tcp', name: 'Jitsi Jicofo REST' },
  { port: 9000, protocol: 'tcp', name: 'ClickHouse native protocol', exposure: true, image: /clickhouse/i },
  { port: 9000, protocol: 'tcp', name: 'MinIO S3 API', image: /minio/i },
  { port: 9000, protocol: 'tcp', name: 'MinIO S3 API / ClickHouse native / PHP-FPM' },
  { port: 9042, protocol: 'tcp', name: 'Cassandra CQL', exposure: true },
  { port: 9090, protocol: 'tcp', name: 'Prometheus' },
  { port: 9100, protocol: 'tcp', name: 'Prometheus node_exporter' },
  { port: 9200, protocol: 'tcp', name: 'Elasticsearch HTTP', exposure: true },
  { port: 9300, protocol: 'tcp', name: 'Elasticsearch transport', exposure: true },
  { port: 10000, protocol: 'udp', name: 'Jitsi JVB media' },
  { port: 11211, protocol: 'both', name: 'memcached', exposure: true },
  { port: 15672, protocol: 'tcp', name: 'RabbitMQ management', exposure: true },
  { port: 27017, protocol: 'tcp', name: 'MongoDB', exposure: true },
];

function protoMatch(a: Protocol, b: Protocol): boolean {
  return a === b || a === 'both' || b === 'both';
}

/**
 * Well-known uses of a port for a protocol. When `image` is given, entries tied to another
 * product's image are left out, and an entry tied to this image is preferred.
 */
export function wellKnown(port: number, protocol: Protocol, image?: string): WellKnownPort[] {
  const all = WELL_KNOWN_PORTS.filter((w) => w.port === port && protoMatch(w.protocol, protocol));
  if (image) {
    const own = all.filter((w) => w.image?.test(image));
    if (own.length > 0) return own;
  }
  return all.filter((w) => !w.image);
}

/**
 * A database, cache or admin port that must not be reachable from everywhere, or `undefined`.
 * A port shared by several products (9000) counts only when the image identifies the database.
 */
export function exposureRisk(port: number, protocol: Protocol, image?: string): WellKnownPort | undefined {
  const matches = WELL_KNOWN_PORTS.filter((w) => w.port === port && protoMatch(w.protocol, protocol) && w.exposure);
  return matches.find((w) => (w.image ? image !== undefined && w.image.test(image) : true));
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

/** Ports a container image listens on inside its container, from {@link IMAGE_PORTS}; empty when unknown. */
export function imagePorts(image: string | undefined): { port: number; protocol: Protocol }[] {
  if (!image) return [];
  return IMAGE_PORTS.find((e) => e.image.test(image))?.ports ?? [];
}

/** Port/protocol pairs a firewall rule may allow without anything in the workspace binding them. */
export const OUTSIDE_SERVICES: readonly { port: number; protocol: Protocol; name: string }[] = [{ port: 22, protocol: 'tcp', name: 'SSH' }];
