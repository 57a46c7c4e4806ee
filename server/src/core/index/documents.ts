/**
 * Port reference documents in a snapshot: their documented facts (placed on the document's host),
 * the generated region that keeps a document's port table up to date, and the name matching that
 * links a documented service to the configuration that binds it. Pure.
 */
import { readPortDoc, REGION_BEGIN, REGION_END, type DocumentedFact, type GeneratedRegion } from '../formats/markdown/portdoc';
import type { Location, PortFact, Protocol } from '../model/facts';
import { formatRange } from '../model/ports';
import { containerPorts } from './listeners';
import { markdownTable, portTable } from './table';
import type { Snapshot } from './snapshot';

/** A documented fact with the host of its document. */
export interface PlacedDocFact extends DocumentedFact {
  host: string;
}

/** One port reference document of a snapshot. */
export interface PortDocument {
  file: string;
  host: string;
  facts: PlacedDocFact[];
  regions: GeneratedRegion[];
}

/**
 * Every document the index classified as Markdown/port reference (format `markdown`), read with
 * {@link readPortDoc}, in path order. Documents without documented ports or regions are left out.
 */
export function portDocuments(snap: Snapshot): PortDocument[] {
  const out: PortDocument[] = [];
  for (const [file, state] of snap.files) {
    if (state.format !== 'markdown') continue;
    const doc = readPortDoc(file, state.text);
    if (doc.facts.length === 0 && doc.regions.length === 0) continue;
    const host = snap.hostOf(file);
    out.push({ file, host, facts: doc.facts.map((f) => ({ ...f, host })), regions: doc.regions });
  }
  return out;
}

/**
 * Why a port document describes Kubernetes workloads rather than one host, or `undefined` when
 * it does not plainly do so: it lies in a Helm chart (a `Chart.yaml` in its directory or one
 * above it, within its root), or its title (first `#` heading) names a Helm chart or Kubernetes,
 * or it both names Kubernetes and runs `helm install`/`helm upgrade`/`kubectl apply`. In such a
 * document each component is its own Deployment with its own pod IP, so two rows on one port
 * are not a clash. `file` is an absolute path of the snapshot; `text` its Markdown.
 */
export function kubernetesDocument(snap: Pick<Snapshot, 'textOf' | 'roots'>, file: string, text: string): string | undefined {
  const root = snap.roots.filter((r) => file.startsWith(r.path.replace(/\/+$/, '') + '/')).map((r) => r.path.replace(/\/+$/, '')).sort((a, b) => b.length - a.length)[0];
  for (let dir = file.slice(0, file.lastIndexOf('/')); root !== undefined && dir.length >= root.length; dir = dir.slice(0, dir.lastIndexOf('/'))) {
    if (snap.textOf(`${dir}/Chart.yaml`) !== undefined) return `it is in the Helm chart ${dir.slice(root.length + 1) || '.'}/`;
  }
  const title = /^#[ \t]+(.+)$/m.exec(text)?.[1] ?? '';
  if (/\bhelm\s+chart\b|\bkubernetes\b|\bk8s\b/i.test(title)) return `its title is "${title.trim()}"`;
  if (/\bkubernetes\b/i.test(text) && /^[ \t]*(?:\$[ \t]*)?(?:helm\s+(?:install|upgrade)|kubectl\s+apply)\b/m.test(text)) return 'it is about Kubernetes (helm install / kubectl apply)';
  return undefined;
}

const STOP = new Set(['http', 'https', 'tcp', 'udp', 'tls', 'ssl', 'the', 'a', 'an', 'port', 'ports', 'server', 'service', 'default', 'main', 'required', 'optional']);

/** Lower-case alphanumeric words of a name. */
function words(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

/**
 * The word a documented service is known by: the first word of its name that is not a protocol
 * or filler word ("ClickHouse Native" -> "clickhouse", "rtcd Required Ports" -> "rtcd",
 * "Nginx HTTPS" -> "nginx"). `undefined` when the name has no such word.
 */
export function serviceKey(service: string): string | undefined {
  return words(service.replace(/\([^)]*\)/g, ' ')).find((w) => !STOP.has(w) && !/^\d+$/.test(w));
}

/** True when a configuration name word and a service key name the same program ("postgres" ~ "postgresql"). */
function wordMatches(word: string, key: string): boolean {
  if (word === key) return true;
  return Math.min(word.length, key.length) >= 5 && (word.startsWith(key) || key.startsWith(word));
}

/** What a configuration says a program listens on, with the names it goes by. */
export interface ConfiguredPort {
  ports: PortFact['ports'];
  protocol: Protocol;
  names: string[];
  location: Location;
  label: string;
}

/**
 * Every port configuration binds (effective host binds and known container ports), with the
 * names of the program: the compose service / unit / container name and image words, `nginx`
 * for nginx, `rtcd`, `mattermost`. Document facts are never included.
 */
export function configuredPorts(snap: Snapshot): ConfiguredPort[] {
  const out: ConfiguredPort[] = [];
  const namesOf = (f: PortFact): string[] => {
    if (f.format === 'nginx') return ['nginx'];
    const w = snap.workloads.find((x) => x.instance === f.instance);
    const names = [f.format === 'rtcd-toml' ? 'rtcd' : f.owner];
    if (w) names.push(w.name, ...(w.image ? [w.image] : []), ...(w.program ? [w.program] : []));
    return names.flatMap(words).filter((x) => !STOP.has(x));
  };
  for (const f of snap.facts) {
    if (f.kind !== 'bind' || f.shadowed || f.format === 'markdown') continue;
    out.push({ ports: f.ports, protocol: f.protocol, names: namesOf(f), location: f.location, label: `${f.owner} binds ${formatRange(f.ports)}/${f.protocol === 'both' ? 'tcp+udp' : f.protocol} (${f.detail})` });
  }
  for (const w of snap.workloads) {
    if (w.kind !== 'compose-service' && w.kind !== 'docker-run') continue;
    const names = [w.name, ...(w.image ? [w.image] : [])].flatMap(words).filter((x) => !STOP.has(x));
    for (const p of containerPorts(snap, w)) {
      if (p.fact?.kind === 'bind') continue; // already listed above
      out.push({ ports: { start: p.port, end: p.port }, protocol: p.protocol, names, location: p.fact?.location ?? w.location, label: `${w.name} listens on ${p.port}/${p.protocol} inside its container (${p.source})` });
    }
  }
  return out;
}

/** Configured ports of the program a documented service names. */
export function portsOfService(configured: readonly ConfiguredPort[], service: string): ConfiguredPort[] {
  const key = serviceKey(service);
  if (!key) return [];
  return configured.filter((c) => c.names.some((n) => wordMatches(n, key)));
}


/**
 * The generated port table in Markdown: one row per configuration mention (documents are not a
 * source, so regenerating a region never changes the table), columns
 * `Service | Port | Protocol | Address | Purpose | Source`, paths as {@link Snapshot.display}
 * gives them, lines 1-based. Ends with a newline. `portolan ports --format markdown` prints the
 * same table per host inside a whole reference ({@link portReference}).
 */
export function portsMarkdown(snap: Snapshot): string {
  const docs = new Set([...snap.files.values()].filter((s) => s.format === 'markdown').map((s) => snap.display(s.path)));
  return markdownTable(portTable(snap).filter((r) => !docs.has(r.file))).join('\n') + '\n';
}

/** A replacement of a region's body. */
export interface RegionEdit {
  region: GeneratedRegion;
  newText: string;
}

/** The edits that bring every generated region of `text` up to date with `table`; empty when all are current. */
export function regionEdits(regions: readonly GeneratedRegion[], text: string, table: string): RegionEdit[] {
  return regions.filter((r) => text.slice(r.body.start, r.body.end) !== table).map((region) => ({ region, newText: table }));
}

/**
 * `text` with every generated region's body replaced by `table`; content outside the regions is
 * untouched. Returns `undefined` when the text has no complete region (a begin marker followed
 * by an end marker).
 */
export function updateRegions(text: string, regions: readonly GeneratedRegion[], table: string): string | undefined {
  if (regions.length === 0) return undefined;
  let out = '';
  let at = 0;
  for (const r of regions) {
    let body = table;
    // A marker pair on one line, or an end marker that shares a line with text, needs line breaks around the table.
    if (text[r.body.start - 1] !== '\n') body = '\n' + body;
    if (r.body.end === r.end.start && text[r.end.start - 1] !== '\n' && !body.endsWith('\n')) body += '\n';
    out += text.slice(at, r.body.start) + body;
    at = r.body.end;
  }
  return out + text.slice(at);
}

/** The two markers, for messages and documentation. */
export const REGION_MARKERS = { begin: REGION_BEGIN, end: REGION_END } as const;
