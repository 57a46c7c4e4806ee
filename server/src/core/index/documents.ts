/**
 * Port reference documents in a snapshot: their documented facts (placed on the document's host),
 * the generated region that keeps a document's port table up to date, and the name matching that
 * links a documented service to the configuration that binds it. Pure.
 */
import { GENERATED_REFERENCE, readPortDoc, REGION_BEGIN, REGION_END, type DocumentedFact, type GeneratedRegion } from '../formats/markdown/portdoc';
import type { Location, PortFact, Protocol } from '../model/facts';
import { formatRange } from '../model/ports';
import { guideSetups, type Snippet, type SnippetKind } from '../formats/markdown/snippets';
import { containerPorts } from './listeners';
import { classify } from './registry';
import { markdownTable, portTable } from './table';
import type { FileRecord, Snapshot, SnapshotGroup } from './snapshot';
import { WorkspaceIndex } from './workspace';

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
 * Read once per snapshot ({@link Snapshot.memo}) and shared by every rule and feature: callers
 * must not change the list or its documents.
 */
export function portDocuments(snap: Snapshot): readonly PortDocument[] {
  return snap.memo(readPortDocuments);
}

function readPortDocuments(snap: Snapshot): PortDocument[] {
  const out: PortDocument[] = [];
  for (const { record, host } of snap.memo(markdownFiles)) {
    const doc = record.derive(portDocumentsByHost)(host);
    if (doc) out.push(doc);
  }
  return out;
}

/** A Markdown file of a snapshot and its host. */
interface MarkdownFile {
  record: FileRecord;
  host: string;
}

/** A host group's Markdown files, in path order. */
function groupMarkdown(g: SnapshotGroup): MarkdownFile[] {
  const out: MarkdownFile[] = [];
  g.files.forEach((record, i) => {
    if (record.format === 'markdown') out.push({ record, host: g.fileHosts[i]! });
  });
  return out;
}

/** The snapshot's Markdown files with their hosts, in path order, from its groups' memos. */
function markdownFiles(snap: Snapshot): readonly MarkdownFile[] {
  const grouped = snap.collect(groupMarkdown);
  // Groups come in order of their first path; they interleave only when the host map mixes folders.
  const sorted = grouped.every((m, i) => i === 0 || grouped[i - 1]!.record.path < m.record.path);
  return sorted ? grouped : [...grouped].sort((a, b) => (a.record.path < b.record.path ? -1 : 1));
}

/**
 * A Markdown text's port document on a given host (undefined without documented ports or
 * regions), read once per text and host: what {@link readPortDocuments} keeps between snapshots.
 */
function portDocumentsByHost(file: string, text: string): (host: string) => PortDocument | undefined {
  const byHost = new Map<string, PortDocument | undefined>();
  return (host) => {
    if (byHost.has(host)) return byHost.get(host);
    const doc = readPortDoc(file, text);
    // readPortDoc's facts are this call's own: given their host in place, not copied (a table of 100,000 ports).
    const facts = doc.facts as PlacedDocFact[];
    for (const f of facts) f.host = host;
    const out = doc.facts.length === 0 && doc.regions.length === 0 ? undefined : { file, host, facts, regions: doc.regions };
    byHost.set(host, out);
    return out;
  };
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
  return inHelmChart(snap, file) ?? kubernetesText(file, text);
}

/** {@link kubernetesDocument} of a snapshot's file, its text read once per text. */
export function kubernetesRecord(snap: Pick<Snapshot, 'textOf' | 'roots'>, record: FileRecord): string | undefined {
  return inHelmChart(snap, record.path) ?? record.derive(kubernetesText);
}

/** Why `file` is part of a Helm chart (a `Chart.yaml` in its directory or one above it, within its root), or undefined. */
function inHelmChart(snap: Pick<Snapshot, 'textOf' | 'roots'>, file: string): string | undefined {
  const root = snap.roots.filter((r) => file.startsWith(r.path.replace(/\/+$/, '') + '/')).map((r) => r.path.replace(/\/+$/, '')).sort((a, b) => b.length - a.length)[0];
  for (let dir = file.slice(0, file.lastIndexOf('/')); root !== undefined && dir.length >= root.length; dir = dir.slice(0, dir.lastIndexOf('/'))) {
    if (snap.textOf(`${dir}/Chart.yaml`) !== undefined) return `it is in the Helm chart ${dir.slice(root.length + 1) || '.'}/`;
  }
  return undefined;
}

/** Why a Markdown text plainly describes Kubernetes workloads (its title, or Kubernetes with helm/kubectl commands), or undefined. */
function kubernetesText(_file: string, text: string): string | undefined {
  const title = /^#[ \t]+(.+)$/m.exec(text)?.[1] ?? '';
  if (/\bhelm\s+chart\b|\bkubernetes\b|\bk8s\b/i.test(title)) return `its title is "${title.trim()}"`;
  if (/\bkubernetes\b/i.test(text) && /^[ \t]*(?:\$[ \t]*)?(?:helm\s+(?:install|upgrade)|kubectl\s+apply)\b/m.test(text)) return 'it is about Kubernetes (helm install / kubectl apply)';
  return undefined;
}

/** Where the virtual files of a guide's setup live; nothing is ever read from there. */
export const GUIDE_ROOT = '/portolan-guide';

/** A snippet with the virtual path it was read under. */
export interface PlacedSnippet extends Snippet {
  /** Absolute virtual path under {@link GUIDE_ROOT}. */
  path: string;
}

/** One setup of a guide, analysed on its own: the snippets as files of one host. */
export interface GuideSetup {
  /** The guide (an absolute path of the outer snapshot). */
  file: string;
  /** The heading the setup is written under ("Scenario 1: Port 8443 is FREE"), `''` before any heading. */
  title: string;
  snippets: PlacedSnippet[];
  /** The snippets' own workspace: one root, {@link GUIDE_ROOT}, on the host named `guide`. */
  snapshot: Snapshot;
}

/** Paths a snippet of this kind may stand for when its first line names none, in order of preference (`i` numbers the fence). */
function defaultPaths(kind: SnippetKind, text: string, i: number, rtcdSetup: boolean): string[] {
  switch (kind) {
    case 'toml':
      return classify('/guide.toml', text).mod?.id === 'rtcd-toml' ? ['etc/rtcd/config.toml', `etc/rtcd/config-${i}.toml`] : [`guide-${i}.toml`];
    case 'nginx':
      // In a setup that configures rtcd, nginx stands in front of rtcd (rules/rtcd.ts knows the proxy by its file name).
      return [...(rtcdSetup ? ['etc/nginx/conf.d/rtcd.conf'] : []), `etc/nginx/conf.d/guide-${i}.conf`];
    case 'compose':
      return [i === 1 ? 'docker-compose.yml' : `docker-compose.guide-${i}.yml`];
    case 'systemd': {
      const program = /^[ \t]*ExecStart[ \t]*=[ \t]*[-@:+!]*(?:\S*\/)?([\w.-]+)/m.exec(text)?.[1];
      return [...(program ? [`etc/systemd/system/${program}.service`] : []), `etc/systemd/system/guide-${i}.service`];
    }
    case 'shell':
      return [`guide-${i}.sh`];
    case 'dotenv':
      return [i === 1 ? '.env' : `guide-${i}.env`];
    case 'json':
      return ['config/config.json', `config-${i}/config.json`];
  }
}

/**
 * The setups of a guide (see `formats/markdown/snippets.ts`), each read by the format modules as
 * the files of one host of its own: a snippet stands for the file its first line names when a
 * format recognizes that path, else for the usual file of its kind (rtcd's
 * `etc/rtcd/config.toml` for TOML that rtcd reads, a `.conf` under `etc/nginx/conf.d/`, a
 * `docker-compose.yml`, `etc/systemd/system/<program>.service`, a shell script). A snippet no
 * format recognizes under any of its paths is left out. `file` and `text` are the guide's.
 */
export function guideSetupsOf(file: string, text: string): GuideSetup[] {
  const out: GuideSetup[] = [];
  for (const setup of guideSetups(text)) {
    const index = new WorkspaceIndex({ roots: [{ path: GUIDE_ROOT, name: 'guide' }] });
    const snippets: PlacedSnippet[] = [];
    const taken = new Set<string>();
    const rtcdSetup = setup.snippets.some((s) => /(?:^|\/)rtcd(?:\/|\.)/.test(s.namedPath ?? '') || /\brtcd\b/.test(s.text) && s.kind !== 'nginx');
    setup.snippets.forEach((s, n) => {
      const paths = [...(s.namedPath ? [s.namedPath] : []), ...defaultPaths(s.kind, s.text, n + 1, rtcdSetup)];
      const rel = paths.find((p) => !taken.has(p) && classify(`${GUIDE_ROOT}/${p}`, s.text).mod !== undefined);
      if (rel === undefined) return;
      taken.add(rel);
      const path = `${GUIDE_ROOT}/${rel}`;
      index.setText(path, s.text);
      snippets.push({ ...s, path });
    });
    if (snippets.length > 0) out.push({ file, title: setup.title, snippets, snapshot: index.snapshot() });
  }
  return out;
}

/**
 * The setups of every guide of a snapshot: the documents classified as Markdown/port reference,
 * except Kubernetes guides (see {@link kubernetesDocument}) and generated references.
 */
export function guideSetupsIn(snap: Snapshot): GuideSetup[] {
  const out: GuideSetup[] = [];
  for (const { record: state } of snap.memo(markdownFiles)) {
    if (state.text.startsWith(GENERATED_REFERENCE) || kubernetesRecord(snap, state) !== undefined) continue;
    // A pure function of the guide's path and text: read once per text.
    out.push(...state.derive(guideSetupsOf));
  }
  return out;
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
    if (w.kind !== 'compose-service' && w.kind !== 'docker-run' && w.kind !== 'podman-quadlet') continue;
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
