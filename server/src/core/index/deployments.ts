/**
 * Deployments: which host each file of a workspace folder describes, inferred from the way
 * repositories are laid out, with a one-sentence reason for every file. Pure; computed once
 * per snapshot from the file list and the extraction results (see `WorkspaceIndex`).
 *
 * Rules, in order (the first that applies decides; `portolan.hostMap` globs are applied by the
 * index before any of them and override everything: files they place are not passed here):
 *
 * 1. **Filesystem mirror.** A folder that mirrors a machine's file system is one host named
 *    after the folder (as examples/prochat-host): a recognised configuration file in a
 *    program's directory under `etc/`, `opt/` or `srv/` (like /etc/nginx/nginx.conf or
 *    /opt/jitsi/docker-compose.yml), under `usr/lib/systemd/` or `lib/systemd/`, or
 *    recognised files in two of the top-level directories `etc/`, `opt/`, `srv/`, `usr/`,
 *    `var/`, `home/`, `root/`, `lib/`, `boot/` (FHS 3.0) — and no compose file at the folder's
 *    top level (a repository with a stack at its root is a project, not a machine).
 * 2. **Compose projects.** A directory holding a default compose file (`compose.yaml`,
 *    `compose.yml`, `docker-compose.yml`, `docker-compose.yaml`; compose-spec "Compose file")
 *    is a project: every compose file in it (overrides, `docker-compose.prod.yml` variants,
 *    which `-f` merges), its `.env` and every file below it belong to it; a nested project
 *    directory is a project of its own. A directory with only one compose file of another
 *    name is a project the same way. A directory with several compose files and no default
 *    one (`tests/mysql.yml`, `tests/redis.yml`, or `examples/standalone.yaml`,
 *    `examples/distributed.yaml`) holds alternatives that compose only ever loads through
 *    `-f`: each such file is a project of its own, named by its path.
 *    A file outside every project that exactly one project bind-mounts (compose `volumes`) or
 *    reads (`env_file`) joins that project.
 *    Each project is its own host, named `<folder>/<project>` (the folder's name alone for a
 *    project at the folder's top level). Files in no project stay on the folder's host.
 * 3. **Test trees.** A directory named `test`, `tests`, `testdata`, `e2e`, `fixture(s)`,
 *    `sample(s)`, `example(s)` or `demo(s)` (also with a leading dot) is a host of its own,
 *    `<folder>/<tree>`, for its files outside projects; projects under it stay separate hosts.
 *    The deepest project or test tree containing a file decides.
 * 4. **Ties.** Host-level files (files on the folder's own host: in no project and no test
 *    tree, or in a project at the top level) put a project outside test trees back on the
 *    folder's host when they point at it unambiguously:
 *    - a ufw rule (ufw(8) command in a script, `user.rules`; not a Markdown document) that
 *      allows or limits incoming traffic on a port that exactly one project publishes;
 *    - an nginx reference (`proxy_pass`, upstream `server`) to a local address
 *      (127.0.0.1, localhost, ::1, or none) and a port that exactly one project publishes;
 *    - a systemd unit whose `WorkingDirectory=` is a project's directory, or whose `Exec*=`
 *      runs `docker compose` / `docker-compose` / `podman-compose` with `-f`/`--file`,
 *      `--project-directory` or `--env-file` naming a project's file or directory;
 *    - a shell script that runs compose with those options, or `cd`/`pushd`s into a project
 *      directory and runs compose;
 *    - a compose file at the top level that names a project's directory or files (`include`,
 *      `build` context, `extends.file`, `env_file`, a bind-mount source).
 *    A path written relative resolves against the file's directory, then against the folder;
 *    an absolute path (or one after a `$VARIABLE`) names the project whose directory is a
 *    suffix of it (`/opt/stacks/app1/compose.yaml` names `app1` or `stacks/app1`; the longest
 *    wins; two equally long candidates name none).
 *
 * Limits: a project is tied only to the folder's host, never to another project; ties are not
 * transitive; a port two projects publish ties neither.
 */
import { parseDocument } from 'yaml';
import type { ExtractedFact, ExtractResult, FormatId, ShellWord } from '../model/facts';
import { positionAt } from '../model/lines';
import { formatRange, rangesOverlap } from '../model/ports';
import { parseUnitFile } from '../formats/systemd';
import { systemdWords } from '../formats/systemd/command-line';
import { splitCommands } from '../formats/shell/words';
import { commandWords } from '../formats/shell/normalize';
import { protocolsOverlap } from './queries';

/** A workspace folder: absolute POSIX path and name (the default host name). */
export interface LayoutRoot {
  path: string;
  name: string;
}

/** One file of a folder as the inference sees it. */
export interface LayoutFile {
  /** Absolute POSIX path under the folder. */
  path: string;
  /** The format that reads it; undefined when none does. */
  format?: FormatId;
  text: string;
  /** The extraction in effect (the last good one while the file does not parse). */
  result?: ExtractResult;
}

/**
 * Which rule placed a file: `host-map` (a `portolan.hostMap` glob, applied by the index),
 * `mirror` (rule 1), `project` (rule 2, its own host), `mounted` (rule 2, joined the project
 * that mounts or reads it), `root` (in no project: the folder's host, or a project at the top
 * level), `test-tree` (rule 3), `tied` (rule 4), `outside` (in no workspace folder).
 */
export type PlacementRule = 'host-map' | 'mirror' | 'project' | 'mounted' | 'root' | 'test-tree' | 'tied' | 'outside';

/** Where one file runs and why. */
export interface Placement {
  host: string;
  /**
   * The compose project the file belongs to, relative to its folder: a directory
   * ("samples/app1"), a compose file run on its own ("tests/mysql.yml"), or "" for a project
   * at the folder's top level. Undefined when the file is in no project.
   */
  project?: string;
  rule: PlacementRule;
  /** One sentence for hover and the Ports view, without the host: "compose project samples/app1, its own host (...)". */
  reason: string;
}

/** A compose project. */
export interface Project {
  /** Relative to the folder: a directory, or a compose file's path when it runs on its own; "" at the top level. */
  id: string;
  /** Relative directory of the project ("" at the top level). */
  dir: string;
  /** True when the project is one compose file (`id` is that file), not a directory. */
  single: boolean;
  /** Absolute paths of its compose files. */
  files: string[];
  /** The test tree it is under (relative directory), if any. */
  testTree?: string;
  host: string;
  rule: PlacementRule;
  reason: string;
}

/**
 * Paths each file's extraction result mentions, kept by the caller between inferences so an
 * edit re-reads only the edited file's units, scripts and compose files.
 */
export type DeploymentMemo = WeakMap<ExtractResult, readonly PathMention[]>;

/** The inferred layout of one workspace folder. */
export interface DeploymentLayout {
  /** The evidence for rule 1 ("etc/nginx/nginx.conf"), when the folder mirrors a file system. */
  readonly mirror?: string;
  readonly projects: readonly Project[];
  /** Placement of any path under the folder (also of paths not in the file list). */
  placementOf(path: string): Placement;
}

/** Top-level directories of a machine's file system (FHS 3.0). */
const FS_TOP: ReadonlySet<string> = new Set(['etc', 'opt', 'srv', 'usr', 'var', 'home', 'root', 'lib', 'boot']);
/** Top-level directories whose subdirectories are programs' (`etc/nginx/`, `opt/jitsi/`, `srv/app/`). */
const PROGRAM_DIRS: ReadonlySet<string> = new Set(['etc', 'opt', 'srv']);
/** The file names compose loads without `-f` (compose-spec "Compose file"). */
const DEFAULT_COMPOSE = /^(docker-)?compose\.ya?ml$/i;
/** Directory names of test, fixture, sample and example trees. */
const TEST_TREE = /^\.?(tests?|testdata|e2e|fixtures?|samples?|examples?|demos?)$/i;
const LOCAL_ADDRESSES: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::', '*']);

/** The directory part of a relative path ("" at the top). */
function relDir(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function isUnder(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(dir + '/');
}

/** Depth of a relative directory ("" is 0). */
function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

/** Normalizes a relative path joined to a relative base; undefined when it leaves the folder. */
function joinRel(base: string, rel: string): string | undefined {
  const out = base === '' ? [] : base.split('/');
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(p);
  }
  return out.join('/');
}

/** The shallowest test tree containing a relative path (its directories only), if any. */
function testTreeOf(rel: string): string | undefined {
  const segs = rel.split('/');
  for (let i = 0; i < segs.length - 1; i++) if (TEST_TREE.test(segs[i]!)) return segs.slice(0, i + 1).join('/');
  return undefined;
}

/** The deepest test tree containing a relative path, if any. */
function deepestTestTree(rel: string): string | undefined {
  const segs = rel.split('/');
  for (let i = segs.length - 2; i >= 0; i--) if (TEST_TREE.test(segs[i]!)) return segs.slice(0, i + 1).join('/');
  return undefined;
}

/** A path written in a host-level file (a unit, a script, a compose file), with what it should name. */
export interface PathMention {
  word: string;
  kind: 'file' | 'dir';
  /** What the mention is, for the reason: "docker compose -f app1/compose.yaml". */
  what: string;
  offset: number;
}

/** The words after a compose command in `words` that name files or directories. */
function composePaths(words: readonly string[]): { word: string; kind: 'file' | 'dir'; flag: string }[] {
  let i = words.findIndex((w, k) => (/(^|\/)(docker|podman)$/.test(w) && words[k + 1] === 'compose') || /(^|\/)(docker|podman)-compose$/.test(w));
  if (i < 0) return [];
  i += /-compose$/.test(words[i]!) ? 1 : 2;
  const out: { word: string; kind: 'file' | 'dir'; flag: string }[] = [];
  for (; i < words.length; i++) {
    const w = words[i]!;
    const m = /^(-f|--file|--project-directory|--env-file)(?:=(.*))?$/.exec(w) ?? (/^-f(.+)$/.exec(w) ? ['', '-f', w.slice(2)] : null);
    if (!m) continue;
    const value = m[2] ?? words[++i];
    if (value === undefined) break;
    out.push({ word: value, kind: m[1] === '--project-directory' ? 'dir' : 'file', flag: m[1]! });
  }
  return out;
}

/** True when the words run compose. */
function runsCompose(words: readonly string[]): boolean {
  return words.some((w, k) => (/(^|\/)(docker|podman)$/.test(w) && words[k + 1] === 'compose') || /(^|\/)(docker|podman)-compose$/.test(w));
}

/** Paths a shell script hands to compose (or `cd`s into before running compose). */
function shellMentions(text: string): PathMention[] {
  let commands: ShellWord[][];
  try {
    commands = splitCommands(text).map((c) => commandWords(c));
  } catch {
    return [];
  }
  const out: PathMention[] = [];
  const anyCompose = commands.some((c) => runsCompose(c.map((w) => w.value)));
  if (!anyCompose) return out;
  for (const c of commands) {
    const values = c.map((w) => w.value);
    if ((values[0] === 'cd' || values[0] === 'pushd') && values[1] !== undefined) {
      out.push({ word: values[1], kind: 'dir', what: `${values[0]} ${values[1]}`, offset: c[0]!.span.start });
      continue;
    }
    for (const p of composePaths(values)) out.push({ word: p.word, kind: p.kind, what: `compose ${p.flag} ${p.word}`, offset: c[0]!.span.start });
  }
  return out;
}

/** Paths a systemd unit works in or hands to compose. */
function unitMentions(text: string): PathMention[] {
  const out: PathMention[] = [];
  let entries;
  try {
    entries = parseUnitFile(text).value.entries;
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.section !== 'Service') continue;
    if (e.key === 'WorkingDirectory') {
      const v = e.value.replace(/^-/, '');
      if (v !== '' && v !== '~') out.push({ word: v, kind: 'dir', what: `WorkingDirectory=${v}`, offset: e.keySpan.start });
    } else if (/^Exec/.test(e.key)) {
      let words: string[];
      try {
        words = systemdWords(e.value).map((w) => w.value);
      } catch {
        continue;
      }
      for (const p of composePaths(words)) out.push({ word: p.word, kind: p.kind, what: `${e.key}=… ${p.flag} ${p.word}`, offset: e.keySpan.start });
    }
  }
  return out;
}

/** Paths a top-level compose file names: `include`, `build`, `extends.file`, `env_file`. */
function composeMentions(text: string): PathMention[] {
  const out: PathMention[] = [];
  let data: unknown;
  try {
    data = parseDocument(text, { prettyErrors: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return out;
  }
  const add = (v: unknown, kind: 'file' | 'dir', key: string) => {
    if (typeof v !== 'string' || v === '') return;
    const at = text.indexOf(v);
    out.push({ word: v, kind, what: `${key}: ${v}`, offset: at < 0 ? 0 : at });
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
  if (typeof data !== 'object' || data === null) return out;
  const doc = data as Record<string, unknown>;
  for (const inc of list(doc['include'])) {
    if (typeof inc === 'string') add(inc, 'file', 'include');
    else if (typeof inc === 'object' && inc !== null) {
      for (const p of list((inc as Record<string, unknown>)['path'])) add(p, 'file', 'include');
      add((inc as Record<string, unknown>)['project_directory'], 'dir', 'include');
    }
  }
  const services = doc['services'];
  if (typeof services !== 'object' || services === null) return out;
  for (const svc of Object.values(services as Record<string, unknown>)) {
    if (typeof svc !== 'object' || svc === null) continue;
    const s = svc as Record<string, unknown>;
    const build = s['build'];
    if (typeof build === 'string') add(build, 'dir', 'build');
    else if (typeof build === 'object' && build !== null) add((build as Record<string, unknown>)['context'], 'dir', 'build');
    const ext = s['extends'];
    if (typeof ext === 'object' && ext !== null) add((ext as Record<string, unknown>)['file'], 'file', 'extends');
    for (const e of list(s['env_file'])) add(typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['path'] : e, 'file', 'env_file');
  }
  return out;
}

/**
 * Infers the deployments of one workspace folder (see the module comment for the rules).
 * `files` are the folder's files (paths outside it are ignored); `memo` caches the paths a
 * file's result mentions (pass the same map to every call). Time linear in the files and
 * their facts. Never throws on any input: a file that cannot be read for ties (bad YAML, a
 * unit that does not parse) ties nothing.
 */
export function inferDeployments(root: LayoutRoot, files: readonly LayoutFile[], memo: DeploymentMemo = new WeakMap()): DeploymentLayout {
  const prefix = root.path.endsWith('/') ? root.path : root.path + '/';
  const relOf = (p: string) => (p.startsWith(prefix) ? p.slice(prefix.length) : undefined);
  const mine: (LayoutFile & { rel: string })[] = [];
  for (const f of files) {
    const rel = relOf(f.path);
    if (rel !== undefined && rel !== '') mine.push({ ...f, rel });
  }
  const byPath = new Map(mine.map((f) => [f.path, f]));
  /** Every relative file path and every directory above one, to tell a written path that exists. */
  const known = new Set<string>();
  for (const f of mine) for (let r = f.rel; r !== '' && !known.has(r); r = relDir(r)) known.add(r);
  const hostOfProject = (id: string) => (id === '' ? root.name : `${root.name}/${id}`);

  // Rule 1: a file-system mirror.
  let mirror: string | undefined;
  if (!mine.some((f) => f.format === 'compose' && !f.rel.includes('/'))) {
    const tops = new Map<string, string>();
    for (const f of mine) {
      if (!f.format) continue;
      const segs = f.rel.split('/');
      if (segs.length < 2 || !FS_TOP.has(segs[0]!)) continue;
      if ((PROGRAM_DIRS.has(segs[0]!) && segs.length >= 3) || f.rel.startsWith('usr/lib/systemd/') || f.rel.startsWith('lib/systemd/')) {
        mirror = f.rel;
        break;
      }
      if (!tops.has(segs[0]!)) tops.set(segs[0]!, f.rel);
    }
    if (mirror === undefined && tops.size >= 2) mirror = [...tops.values()].slice(0, 2).join(', ');
  }

  // Rule 2: compose projects.
  const byDir = new Map<string, (LayoutFile & { rel: string })[]>();
  for (const f of mine) {
    if (f.format !== 'compose') continue;
    const d = relDir(f.rel);
    byDir.set(d, [...(byDir.get(d) ?? []), f]);
  }
  const projects: Project[] = [];
  const dirProjects = new Map<string, Project>();
  const singleProjects = new Map<string, Project>();
  for (const [dir, list] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const base = (id: string, single: boolean, fs: string[]): Project => {
      const tree = testTreeOf(single ? id : id + '/x');
      const p: Project = {
        id, dir, single, files: fs, host: hostOfProject(id), rule: id === '' ? 'root' : 'project',
        reason: id === '' ? 'compose project at the top of the folder, on the folder\'s own host'
          : single ? `compose file ${id}, which compose loads only when -f names it (its directory has no compose.yaml), so it is taken as run on its own: its own host`
          : tree !== undefined ? `compose project ${id}, under the test tree ${tree}/: its own host`
          : `compose project ${id}, its own host (nothing on the folder's host ties it to other projects)`,
      };
      if (tree !== undefined) p.testTree = tree;
      return p;
    };
    if (list.length === 1 || list.some((f) => DEFAULT_COMPOSE.test(f.rel.slice(f.rel.lastIndexOf('/') + 1)))) {
      const p = base(dir, false, list.map((f) => f.path));
      projects.push(p);
      dirProjects.set(dir, p);
    } else {
      for (const f of list) {
        const p = base(f.rel, true, [f.path]);
        projects.push(p);
        singleProjects.set(f.rel, p);
      }
    }
  }

  /** The deepest directory project containing a relative path. */
  const dirProjectOf = (rel: string, isDir: boolean): Project | undefined => {
    for (let d: string | undefined = isDir ? rel : relDir(rel); ; d = d === '' ? undefined : relDir(d)) {
      if (d === undefined) return undefined;
      const p = dirProjects.get(d);
      if (p) return p;
    }
  };
  /** The project a file belongs to by its path (rule 2, before mounts), and the test tree deeper than it. */
  const scopes = new Map<string, { project?: Project; tree?: string }>();
  const scopeOf = (rel: string): { project?: Project; tree?: string } => {
    let s = scopes.get(rel);
    if (s) return s;
    const single = singleProjects.get(rel);
    const p = single ? undefined : dirProjectOf(rel, false);
    const tree = single ? undefined : deepestTestTree(rel);
    s = single ? { project: single } : tree !== undefined && (!p || depth(tree) > depth(p.dir)) ? { tree } : p ? { project: p } : {};
    scopes.set(rel, s);
    return s;
  };

  // Rule 2, joins: files in no project that exactly one project mounts or reads.
  const joined = new Map<string, { project: Project; why: string }>();
  if (mirror === undefined) {
    const named = new Map<string, Map<Project, string>>();
    const note = (path: string, p: Project, why: string) => {
      const rel = relOf(path);
      if (rel === undefined) return;
      // Mounting one's own directory or an ancestor ("." or "..") says nothing about single files.
      if (isUnder(p.dir, rel)) return;
      const m = named.get(rel) ?? new Map<Project, string>();
      if (!m.has(p)) m.set(p, why);
      named.set(rel, m);
    };
    for (const p of projects) {
      for (const file of p.files) {
        const r = byPath.get(file)?.result;
        if (!r) continue;
        for (const w of r.workloads) for (const v of w.volumes) note(v.source.replace(/\/+$/, ''), p, `bind-mounted by service ${w.name} of`);
        for (const d of r.dependencies) note(d, p, 'read as an env file by');
      }
    }
    for (const f of named.size > 0 ? mine : []) {
      const s = scopeOf(f.rel);
      if (s.project || f.format === 'compose') continue;
      let hit: Map<Project, string> | undefined;
      for (let r = f.rel; r !== '' && !hit; r = relDir(r)) hit = named.get(r);
      if (hit && hit.size === 1) {
        const [project, why] = [...hit][0]!;
        joined.set(f.rel, { project, why });
      }
    }
  }

  // Rule 4: ties from host-level files.
  const onRootHost = (rel: string): boolean => {
    if (joined.has(rel)) return false;
    const s = scopeOf(rel);
    return s.tree === undefined && (s.project === undefined || s.project.id === '');
  };
  const tieable = new Set(projects.filter((p) => p.id !== '' && p.testTree === undefined));
  if (mirror === undefined && tieable.size > 0) {
    const lineOf = (f: LayoutFile, offset: number) => positionAt(f.text, offset).line + 1;
    const tie = (p: Project, why: string) => {
      if (p.rule === 'tied') return;
      p.rule = 'tied';
      p.host = root.name;
      p.reason = `compose project ${p.id}, on the folder's host because ${why}`;
    };
    // Published host ports of each tieable project.
    const published: { project: Project; fact: ExtractedFact }[] = [];
    for (const p of tieable) {
      for (const file of p.files) {
        for (const fact of byPath.get(file)?.result?.facts ?? []) {
          if (fact.kind === 'bind' && fact.netns === undefined && fact.ports.start >= 1 && fact.ports.end <= 65535) published.push({ project: p, fact });
        }
      }
    }
    // Published binds by port (ranges wider than 256 ports are scanned).
    const byPort = new Map<number, { project: Project; fact: ExtractedFact }[]>();
    const wide: { project: Project; fact: ExtractedFact }[] = [];
    for (const x of published) {
      if (x.fact.ports.end - x.fact.ports.start > 256) wide.push(x);
      else for (let port = x.fact.ports.start; port <= x.fact.ports.end; port++) byPort.set(port, [...(byPort.get(port) ?? []), x]);
    }
    /** The one project that publishes a port of `fact` on its protocol; undefined for none or several. */
    const onlyPublisher = (fact: ExtractedFact): Project | undefined => {
      let hit: Project | undefined;
      const consider = (list: readonly { project: Project; fact: ExtractedFact }[]): boolean => {
        for (const x of list) {
          if (x.project === hit || !rangesOverlap(x.fact.ports, fact.ports) || !protocolsOverlap(x.fact.protocol, fact.protocol)) continue;
          if (hit !== undefined) return false;
          hit = x.project;
        }
        return true;
      };
      if (fact.ports.end - fact.ports.start > 256) return consider(published) ? hit : undefined;
      for (let port = Math.max(1, fact.ports.start); port <= Math.min(65535, fact.ports.end); port++) if (!consider(byPort.get(port) ?? [])) return undefined;
      return consider(wide) ? hit : undefined;
    };
    // Tieable projects by the last segment of their id, for suffix matches.
    const byLast = new Map<string, Project[]>();
    for (const p of tieable) {
      const last = p.id.slice(p.id.lastIndexOf('/') + 1);
      byLast.set(last, [...(byLast.get(last) ?? []), p]);
    }
    const suffixProject = (segs: string[], kind: 'file' | 'dir'): Project | undefined => {
      const dirSegs = kind === 'file' ? segs.slice(0, -1) : segs;
      let best: Project[] = [];
      let bestLen = 0;
      const candidates = [...(byLast.get(segs[segs.length - 1] ?? '') ?? []), ...(kind === 'file' ? byLast.get(dirSegs[dirSegs.length - 1] ?? '') ?? [] : [])];
      for (const p of new Set(candidates)) {
        const want = p.id.split('/');
        const from = p.single ? segs : dirSegs;
        if (want.length > from.length) continue;
        if (!want.every((w, i) => from[from.length - want.length + i] === w)) continue;
        if (want.length > bestLen) [best, bestLen] = [[p], want.length];
        else if (want.length === bestLen) best.push(p);
      }
      return best.length === 1 ? best[0] : undefined;
    };
    const projectNamed = (m: PathMention, fileDir: string): Project | undefined => {
      const word = m.word.replace(/\/+$/, '');
      if (word === '') return undefined;
      const segs = word.split('/');
      let dyn = -1;
      segs.forEach((s, i) => {
        if (s.includes('$') || s.startsWith('~')) dyn = i;
      });
      if (dyn >= 0 || word.startsWith('/')) return suffixProject(segs.slice(dyn + 1).filter((s) => s !== '' && s !== '.'), m.kind);
      for (const base of [fileDir, '']) {
        const rel = joinRel(base, word);
        if (rel === undefined || !known.has(rel)) continue;
        const p = singleProjects.get(rel) ?? dirProjectOf(rel, m.kind === 'dir');
        return p && tieable.has(p) ? p : undefined;
      }
      return undefined;
    };
    for (const f of mine) {
      if (!f.format || f.format === 'markdown' || !onRootHost(f.rel)) continue;
      const where = (offset: number) => `${f.rel}:${lineOf(f, offset)}`;
      for (const fact of f.result?.facts ?? []) {
        if (fact.kind === 'firewall' && fact.firewall && fact.firewall.direction === 'in' && (fact.firewall.action === 'allow' || fact.firewall.action === 'limit')) {
          const p = onlyPublisher(fact);
          if (p) tie(p, `the ufw rule at ${where(fact.location.span.start)} allows ${formatRange(fact.ports)}/${fact.protocol === 'both' ? 'tcp+udp' : fact.protocol}, which only this project publishes`);
        } else if (fact.kind === 'reference' && f.format === 'nginx' && (fact.address === undefined || LOCAL_ADDRESSES.has(fact.address) || /^127\./.test(fact.address))) {
          const p = onlyPublisher(fact);
          if (p) tie(p, `nginx at ${where(fact.location.span.start)} proxies to ${fact.address ?? 'localhost'}:${formatRange(fact.ports)}, which only this project publishes`);
        }
      }
      let mentions = f.result ? memo.get(f.result) : undefined;
      if (!mentions) {
        mentions = f.format === 'systemd' ? unitMentions(f.text) : f.format === 'shell' ? shellMentions(f.text) : f.format === 'compose' ? composeMentions(f.text) : [];
        if (f.result) memo.set(f.result, mentions);
      }
      for (const m of mentions) {
        const p = projectNamed(m, relDir(f.rel));
        if (p) tie(p, `${where(m.offset)} names its directory (${m.what})`);
      }
      if (f.format === 'compose') {
        for (const w of f.result?.workloads ?? []) {
          for (const v of w.volumes) {
            const rel = relOf(v.source.replace(/\/+$/, ''));
            const p = rel === undefined ? undefined : singleProjects.get(rel) ?? dirProjectOf(rel, true);
            if (p && tieable.has(p)) tie(p, `${where(w.location.span.start)} bind-mounts ${rel} into service ${w.name}`);
          }
        }
      }
    }
  }

  const placementOf = (path: string): Placement => {
    const rel = relOf(path) ?? '';
    const s = scopeOf(rel);
    const j = joined.get(rel);
    if (mirror !== undefined) {
      const p: Placement = { host: root.name, rule: 'mirror', reason: `the folder mirrors a machine's file system (${mirror}), so all of it is one host` };
      if (s.project) p.project = s.project.id;
      return p;
    }
    if (j) {
      const on = j.project.host === root.name ? "on the folder's host" : 'its own host';
      return { host: j.project.host, project: j.project.id, rule: 'mounted', reason: `${j.why} compose project ${j.project.id === '' ? 'at the top of the folder' : j.project.id}, so part of that project (${on})` };
    }
    if (s.project) return { host: s.project.host, project: s.project.id, rule: s.project.rule, reason: s.project.reason };
    if (s.tree !== undefined) return { host: hostOfProject(s.tree), rule: 'test-tree', reason: `in the test tree ${s.tree}/, which is a host of its own` };
    return { host: root.name, rule: 'root', reason: 'in no compose project, so on the folder\'s own host' };
  };
  const layout: DeploymentLayout = mirror === undefined ? { projects, placementOf } : { mirror, projects, placementOf };
  return layout;
}

/**
 * The deployment layouts of a workspace's roots, kept by the workspace index: re-inferred only
 * when a change happened and the file list or an extraction result differs from the last time.
 */
export class DeploymentTracker {
  private readonly memo: DeploymentMemo = new WeakMap();
  private inputs: { paths: readonly string[]; results: (ExtractResult | undefined)[] } | undefined;
  private layouts = new Map<string, DeploymentLayout>();
  private fresh = false;

  /** A file changed: the next {@link refresh} compares its inputs with the last ones. */
  invalidate(): void {
    this.fresh = false;
  }

  /** The roots or the host map changed: the next {@link refresh} re-infers. */
  reset(): void {
    this.fresh = false;
    this.inputs = undefined;
  }

  /**
   * Brings the layouts up to date after a change. `input` gives a path's root and layout input
   * (extracting it on demand), or undefined for a path the inference leaves out (no format,
   * placed by the host map, outside every root). Returns true when the layouts were re-inferred.
   */
  refresh(roots: readonly LayoutRoot[], paths: readonly string[], input: (path: string) => { root: LayoutRoot; file: LayoutFile } | undefined): boolean {
    if (this.fresh) return false;
    this.fresh = true;
    const results: (ExtractResult | undefined)[] = [];
    const byRoot = new Map<string, LayoutFile[]>(roots.map((r) => [r.path, []]));
    for (const path of paths) {
      const x = input(path);
      results.push(x?.file.result);
      if (x) byRoot.get(x.root.path)?.push(x.file);
    }
    const old = this.inputs;
    if (old && old.paths === paths && old.results.length === results.length && old.results.every((r, i) => r === results[i])) return false;
    this.inputs = { paths, results };
    this.layouts = new Map(roots.map((r) => [r.path, inferDeployments(r, byRoot.get(r.path)!, this.memo)]));
    return true;
  }

  /** The layouts of the last refresh, by root path (a new map after each re-inference). */
  current(): ReadonlyMap<string, DeploymentLayout> {
    return this.layouts;
  }
}
