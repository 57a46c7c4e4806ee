/** One workspace folder's files as the layout inference reads them, and its compose projects (rules 1-3). */
import type { LayoutFile, LayoutRoot, Project } from './model';
import { DEFAULT_COMPOSE, depth, deepestTestTree, FS_TOP, isUnder, PROGRAM_DIRS, relDir, testTreeOf } from './paths';

/** A file of the folder with its path relative to the folder. */
export type FolderFile = LayoutFile & { rel: string };

/** The folder's files, indexed for the rules. */
export interface Folder {
  readonly root: LayoutRoot;
  /** Files under the folder (not the folder itself), in the caller's order. */
  readonly files: readonly FolderFile[];
  readonly byPath: ReadonlyMap<string, FolderFile>;
  /** Every relative file path and every directory above one, to tell a written path that exists. */
  readonly known: ReadonlySet<string>;
  /** A path relative to the folder; undefined outside it. */
  relOf(path: string): string | undefined;
  /** The host of a project id ("" is the folder's own host). */
  hostOfProject(id: string): string;
}

/** Indexes the files of `files` that lie under `root`. */
export function folderOf(root: LayoutRoot, files: readonly LayoutFile[]): Folder {
  const prefix = root.path.endsWith('/') ? root.path : root.path + '/';
  const relOf = (p: string) => (p.startsWith(prefix) ? p.slice(prefix.length) : undefined);
  const mine: FolderFile[] = [];
  for (const f of files) {
    const rel = relOf(f.path);
    if (rel !== undefined && rel !== '') mine.push({ ...f, rel });
  }
  const known = new Set<string>();
  for (const f of mine) for (let r = f.rel; r !== '' && !known.has(r); r = relDir(r)) known.add(r);
  return {
    root, files: mine, byPath: new Map(mine.map((f) => [f.path, f])), known, relOf,
    hostOfProject: (id) => (id === '' ? root.name : `${root.name}/${id}`),
  };
}

/** Rule 1: the evidence that the folder mirrors a file system ("etc/nginx/nginx.conf"), or undefined. */
export function mirrorEvidence(folder: Folder): string | undefined {
  if (folder.files.some((f) => f.format === 'compose' && !f.rel.includes('/'))) return undefined;
  const tops = new Map<string, string>();
  for (const f of folder.files) {
    if (!f.format) continue;
    const segs = f.rel.split('/');
    if (segs.length < 2 || !FS_TOP.has(segs[0]!)) continue;
    if ((PROGRAM_DIRS.has(segs[0]!) && segs.length >= 3) || f.rel.startsWith('usr/lib/systemd/') || f.rel.startsWith('lib/systemd/')) return f.rel;
    if (!tops.has(segs[0]!)) tops.set(segs[0]!, f.rel);
  }
  return tops.size >= 2 ? [...tops.values()].slice(0, 2).join(', ') : undefined;
}

/**
 * Rule 1b: directories below the folder that mirror a machine's file system on their own
 * (`hosts/web1/etc/nginx/nginx.conf`: `hosts/web1` is a machine), by relative directory, with
 * the evidence. Only the strong evidence of rule 1 counts (a recognised file in a program's
 * directory under `etc/`, `opt/` or `srv/`, or under `usr/lib/systemd/` or `lib/systemd/`),
 * and not inside a test tree or a compose project's directory (no default compose file in the
 * directory or above it); the shallowest such directory wins. Linear in the files.
 */
export function nestedMirrors(folder: Folder): Map<string, string> {
  const composeDirs = new Set(folder.files.filter((f) => f.format === 'compose' && DEFAULT_COMPOSE.test(f.rel.slice(f.rel.lastIndexOf('/') + 1))).map((f) => relDir(f.rel)));
  const found = new Map<string, string>();
  for (const f of folder.files) {
    if (!f.format) continue;
    const segs = f.rel.split('/');
    for (let i = 1; i < segs.length - 1; i++) {
      const rest = segs.slice(i).join('/');
      const strong = (PROGRAM_DIRS.has(segs[i]!) && segs.length - i >= 3) || rest.startsWith('usr/lib/systemd/') || rest.startsWith('lib/systemd/');
      if (!strong) continue;
      const dir = segs.slice(0, i).join('/');
      let inProject = false;
      for (let d = dir; ; d = relDir(d)) {
        if (composeDirs.has(d)) inProject = true;
        if (d === '' || inProject) break;
      }
      if (!inProject && testTreeOf(`${dir}/x`) === undefined && !found.has(dir)) found.set(dir, rest);
      break;
    }
  }
  // The shallowest wins: a mirror inside another is part of it.
  for (const dir of [...found.keys()]) {
    for (let d = relDir(dir); d !== ''; d = relDir(d)) if (found.has(d)) found.delete(dir);
  }
  return found;
}

/** The nested mirror (rule 1b) holding a relative path, if any. */
export function mirrorOf(mirrors: ReadonlyMap<string, string>, rel: string): string | undefined {
  if (mirrors.size === 0) return undefined;
  for (let d = relDir(rel); d !== ''; d = relDir(d)) if (mirrors.has(d)) return d;
  return mirrors.has(rel) ? rel : undefined;
}

/** The scope a file has by its path: its project, or the test tree deeper than any project. */
export interface Scope {
  project?: Project;
  tree?: string;
  /** For a compose file another one includes (`include:`): the including file's relative path. */
  includedBy?: string;
}

/** Rules 2 and 3: the folder's compose projects and the scope of each path. */
export class Projects {
  readonly all: Project[] = [];
  /** Directory projects by directory. */
  private readonly byDir = new Map<string, Project>();
  /** Single-file projects by the file's relative path. */
  readonly singles = new Map<string, Project>();
  private readonly scopes = new Map<string, Scope>();
  /** Compose files another one includes, by relative path: the including file's relative path and its project. */
  private readonly included = new Map<string, { by: string; project: Project }>();

  constructor(folder: Folder) {
    const composeByDir = new Map<string, FolderFile[]>();
    const includedBy = includesOf(folder);
    for (const f of folder.files) {
      if (f.format !== 'compose' || includedBy.has(f.rel)) continue;
      const d = relDir(f.rel);
      composeByDir.set(d, [...(composeByDir.get(d) ?? []), f]);
    }
    for (const [dir, list] of [...composeByDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const merged = list.length === 1 ? list : mergedByDefault(folder, dir, list);
      if (merged.length > 0) {
        const p = newProject(folder, dir, dir, false, merged.map((f) => f.path));
        this.all.push(p);
        this.byDir.set(dir, p);
      }
      if (merged.length !== list.length) {
        for (const f of list) {
          if (merged.includes(f)) continue;
          const p = newProject(folder, f.rel, dir, true, [f.path]);
          this.all.push(p);
          this.singles.set(f.rel, p);
        }
      }
    }
    this.addIncluded(includedBy);
  }

  /**
   * Puts each included compose file into the project of the file that includes it (compose-spec
   * 14-include.md: its services are part of that project), following includes of included files
   * (a file included by a file in no project stays out). The included file's directory joins
   * that project too when it holds no project and is not above the project's directory.
   */
  private addIncluded(includedBy: ReadonlyMap<string, { file: FolderFile; by: FolderFile }>): void {
    const projectOf = new Map<string, Project>();
    for (const p of this.all) for (const file of p.files) projectOf.set(file, p);
    for (let progress = true; progress; ) {
      progress = false;
      for (const [rel, { file, by }] of includedBy) {
        const p = this.included.has(rel) ? undefined : projectOf.get(by.path);
        if (!p) continue;
        p.files.push(file.path);
        projectOf.set(file.path, p);
        this.included.set(rel, { by: by.rel, project: p });
        const dir = relDir(rel);
        if (dir !== '' && !this.byDir.has(dir) && !isUnder(p.dir, dir)) this.byDir.set(dir, p);
        progress = true;
      }
    }
  }

  /** The deepest directory project containing a relative path (a directory when `isDir`). */
  dirProjectOf(rel: string, isDir: boolean): Project | undefined {
    for (let d: string | undefined = isDir ? rel : relDir(rel); d !== undefined; d = d === '' ? undefined : relDir(d)) {
      const p = this.byDir.get(d);
      if (p) return p;
    }
    return undefined;
  }

  /** The project a written path names: a single-file project, else the deepest directory project. */
  named(rel: string, isDir: boolean): Project | undefined {
    return this.singles.get(rel) ?? this.dirProjectOf(rel, isDir);
  }

  /** The scope of a relative file path (rule 2 before joins, rule 3). */
  scopeOf(rel: string): Scope {
    let s = this.scopes.get(rel);
    if (s) return s;
    const single = this.singles.get(rel);
    const inc = this.included.get(rel);
    if (inc) s = { project: inc.project, includedBy: inc.by };
    else if (single) s = { project: single };
    else {
      const p = this.dirProjectOf(rel, false);
      const tree = deepestTestTree(rel);
      s = tree !== undefined && (!p || depth(tree) > depth(p.dir)) ? { tree } : p ? { project: p } : {};
    }
    this.scopes.set(rel, s);
    return s;
  }
}

/**
 * The compose files that another compose file of the folder includes (`include:`, read by the
 * compose format into `ExtractResult.includes`), by relative path, each with the first file (in
 * folder order) that includes it, both as folder files. A file that includes itself is left out.
 */
function includesOf(folder: Folder): Map<string, { file: FolderFile; by: FolderFile }> {
  const out = new Map<string, { file: FolderFile; by: FolderFile }>();
  for (const f of folder.files) {
    if (f.format !== 'compose') continue;
    for (const path of f.result?.includes ?? []) {
      const target = folder.byPath.get(path);
      if (target && target.format === 'compose' && target !== f && !out.has(target.rel)) out.set(target.rel, { file: target, by: f });
    }
  }
  return out;
}

/**
 * The compose files of one directory that belong to its directory project: what compose loads
 * without `-f` (a default file, its `*.override.*` file) and the variants named after the
 * default file with a dot (`compose.prod.yaml`, `docker-compose.dev.yml`), which are written to
 * be merged over it with `-f`; when the directory's `.env` sets `COMPOSE_FILE`, the files it
 * lists (separated by `:`, `;` or `,`, compose's `COMPOSE_PATH_SEPARATOR` defaults) instead.
 * In merge order: the files `COMPOSE_FILE` lists in its order, else the default file, its
 * override file, then the variants (folder order among equals).
 * Any other compose file beside them (`docker-compose-separate-containers.yml`, `stack.yml`) is
 * an alternative stack that runs only through `-f`, so it is left out. An empty list when the
 * directory has no default file and no `COMPOSE_FILE`.
 */
function mergedByDefault(folder: Folder, dir: string, list: readonly FolderFile[]): FolderFile[] {
  const base = (f: FolderFile) => f.rel.slice(f.rel.lastIndexOf('/') + 1);
  const env = folder.byPath.get(`${folder.root.path.replace(/\/+$/, '')}/${dir === '' ? '' : dir + '/'}.env`)?.result?.env;
  const listed = env?.filter((e) => e.name === 'COMPOSE_FILE').at(-1)?.value;
  if (listed !== undefined && listed.trim() !== '') {
    const names = new Set(listed.split(/[:;,]/).map((n) => n.trim().replace(/^\.\//, '')).filter((n) => n !== ''));
    const hit = [...names].map((n) => list.find((f) => base(f) === n)).filter((f): f is FolderFile => f !== undefined);
    if (hit.length > 0) return hit;
  }
  const stems = new Set(list.map(base).filter((n) => DEFAULT_COMPOSE.test(n)).map((n) => n.replace(/\.ya?ml$/i, '').toLowerCase()));
  if (stems.size === 0) return [];
  // In the order compose merges them: the default file, its override file, then the variants.
  const rank = (f: FolderFile) => {
    const n = base(f).toLowerCase();
    if (DEFAULT_COMPOSE.test(n)) return 0;
    const dot = n.indexOf('.');
    if (!(dot > 0 && stems.has(n.slice(0, dot)) && /\.[^.]+\.ya?ml$/.test(n.slice(dot)))) return -1;
    return /\.override\.ya?ml$/.test(n) ? 1 : 2;
  };
  return list.filter((f) => rank(f) >= 0).sort((a, b) => rank(a) - rank(b));
}

function newProject(folder: Folder, id: string, dir: string, single: boolean, files: string[]): Project {
  const tree = testTreeOf(single ? id : id + '/x');
  const p: Project = {
    id, dir, single, files, host: folder.hostOfProject(id), rule: id === '' ? 'root' : 'project',
    reason: id === '' ? 'compose project at the top of the folder, on the folder\'s own host'
      : single ? `compose file ${id}, which compose loads only when -f names it (${folder.files.some((f) => f.format === 'compose' && relDir(f.rel) === dir && DEFAULT_COMPOSE.test(f.rel.slice(f.rel.lastIndexOf('/') + 1))) ? 'it is neither the default compose file of its directory nor an override or variant of it' : 'its directory has no compose.yaml'}), so it is taken as run on its own: its own host`
      : tree !== undefined ? `compose project ${id}, under the test tree ${tree}/: its own host`
      : `compose project ${id}, its own host (nothing on the folder's host ties it to other projects)`,
  };
  if (tree !== undefined) p.testTree = tree;
  return p;
}

/** A file joined to the one project that mounts or reads it. */
export interface Join {
  project: Project;
  why: string;
}

/** Rule 2, joins: files in no project that exactly one project bind-mounts or reads as an env file. */
export function joinsOf(folder: Folder, projects: Projects): Map<string, Join> {
  const joined = new Map<string, Join>();
  const named = new Map<string, Map<Project, string>>();
  const note = (path: string, p: Project, why: string) => {
    const rel = folder.relOf(path);
    // Mounting one's own directory or an ancestor ("." or "..") says nothing about single files.
    if (rel === undefined || isUnder(p.dir, rel)) return;
    const m = named.get(rel) ?? new Map<Project, string>();
    if (!m.has(p)) m.set(p, why);
    named.set(rel, m);
  };
  for (const p of projects.all) {
    for (const file of p.files) {
      const r = folder.byPath.get(file)?.result;
      if (!r) continue;
      for (const w of r.workloads) for (const v of w.volumes) note(v.source.replace(/\/+$/, ''), p, `bind-mounted by service ${w.name} of`);
      for (const d of r.dependencies) note(d, p, 'read as an env file by');
    }
  }
  if (named.size === 0) return joined;
  for (const f of folder.files) {
    if (projects.scopeOf(f.rel).project || f.format === 'compose') continue;
    let hit: Map<Project, string> | undefined;
    for (let r = f.rel; r !== '' && !hit; r = relDir(r)) hit = named.get(r);
    if (hit && hit.size === 1) {
      const [project, why] = [...hit][0]!;
      joined.set(f.rel, { project, why });
    }
  }
  return joined;
}
