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
 *    A directory below the folder holding such a program-directory file (`hosts/web1/etc/nginx/nginx.conf`)
 *    is a machine of its own, host `<folder>/<dir>`, with everything below it (see `nestedMirrors`).
 * 2. **Compose projects.** A directory holding a default compose file (`compose.yaml`,
 *    `compose.yml`, `docker-compose.yml`, `docker-compose.yaml`; compose-spec "Compose file")
 *    is a project: the compose files compose merges for it (the default file, its
 *    `*.override.*` file and the variants named after it with a dot, `docker-compose.prod.yml`,
 *    written for `-f` over it; or the files `COMPOSE_FILE` in the directory's `.env` lists), its
 *    `.env` and every file below it belong to it; a nested project directory is a project of
 *    its own. Any other compose file beside the default one
 *    (`docker-compose-separate-containers.yml`) is an alternative stack, a project of its own. A directory with only one compose file of another
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
 *    In a `fixture(s)` or `testdata` tree each file outside projects is its own host
 *    (`<folder>/<path>`): fixtures are inputs of separate tests.
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
import { folderOf, joinsOf, mirrorEvidence, mirrorOf, nestedMirrors, Projects, type Folder, type Join } from './folder';
import type { DeploymentLayout, DeploymentMemo, LayoutFile, LayoutRoot, Placement, Project } from './model';
import { tieProjects } from './ties';

/**
 * Infers the deployments of one workspace folder (see the module comment for the rules).
 * `files` are the folder's files (paths outside it are ignored); `memo` caches the paths a
 * file's result mentions (pass the same map to every call). Time linear in the files and
 * their facts. Never throws on any input: a file that cannot be read for ties (bad YAML, a
 * unit that does not parse) ties nothing.
 */
export function inferDeployments(root: LayoutRoot, files: readonly LayoutFile[], memo: DeploymentMemo = new WeakMap()): DeploymentLayout {
  const folder = folderOf(root, files);
  const mirror = mirrorEvidence(folder);
  const projects = new Projects(folder);
  if (mirror !== undefined) {
    return { mirror, projects: projects.all, placementOf: (path) => mirrorPlacement(folder, projects, mirror, path) };
  }
  const joined = joinsOf(folder, projects);
  tieProjects(folder, projects, joined, memo);
  const mirrors = nestedMirrors(folder);
  return { projects: projects.all, placementOf: (path) => inNestedMirror(folder, mirrors, projectPlacement(folder, projects, joined, path), path) };
}

/** Rule 1b: `p` moved onto the host of the nested mirror that holds its file or its project. */
function inNestedMirror(folder: Folder, mirrors: ReadonlyMap<string, string>, p: Placement, path: string): Placement {
  const dir = mirrorOf(mirrors, folder.relOf(path) ?? '') ?? (p.project !== undefined && p.project !== '' ? mirrorOf(mirrors, p.project) : undefined);
  if (dir === undefined) return p;
  const out: Placement = { host: folder.hostOfProject(dir), rule: 'mirror', reason: `${dir}/ mirrors a machine's file system (${mirrors.get(dir)}), so all of it is one host` };
  if (p.project !== undefined) out.project = p.project;
  if (p.composeOrder !== undefined) out.composeOrder = p.composeOrder;
  return out;
}

function mirrorPlacement(folder: Folder, projects: Projects, mirror: string, path: string): Placement {
  const p: Placement = { host: folder.root.name, rule: 'mirror', reason: `the folder mirrors a machine's file system (${mirror}), so all of it is one host` };
  const project = projects.scopeOf(folder.relOf(path) ?? '').project;
  if (project) p.project = project.id;
  return withOrder(p, project, path);
}

/** `p` with the position of `path` among `project`'s compose files, when it is one of them. */
function withOrder(p: Placement, project: Project | undefined, path: string): Placement {
  const order = project?.files.indexOf(path) ?? -1;
  if (order >= 0) p.composeOrder = order;
  return p;
}

/** Test trees whose files are each one test's input (traefik's integration/fixtures/*.toml), not one harness. */
const FIXTURE_TREE = /^\.?(fixtures?|testdata)$/i;

function projectPlacement(folder: Folder, projects: Projects, joined: ReadonlyMap<string, Join>, path: string): Placement {
  const rel = folder.relOf(path) ?? '';
  const j = joined.get(rel);
  if (j) {
    const on = j.project.host === folder.root.name ? "on the folder's host" : 'its own host';
    return { host: j.project.host, project: j.project.id, rule: 'mounted', reason: `${j.why} compose project ${j.project.id === '' ? 'at the top of the folder' : j.project.id}, so part of that project (${on})` };
  }
  const s = projects.scopeOf(rel);
  if (s.project && s.includedBy !== undefined) {
    const name = s.project.id === '' ? 'at the top of the folder' : s.project.id;
    return withOrder({ host: s.project.host, project: s.project.id, rule: s.project.rule, reason: `included by ${s.includedBy} (compose include:), so part of compose project ${name}` }, s.project, path);
  }
  if (s.project) return withOrder({ host: s.project.host, project: s.project.id, rule: s.project.rule, reason: s.project.reason }, s.project, path);
  if (s.tree !== undefined && FIXTURE_TREE.test(s.tree.slice(s.tree.lastIndexOf('/') + 1))) {
    return { host: folder.hostOfProject(rel), rule: 'test-tree', reason: `a fixture in ${s.tree}/: each fixture file is an input of its own test, so its own host` };
  }
  if (s.tree !== undefined) return { host: folder.hostOfProject(s.tree), rule: 'test-tree', reason: `in the test tree ${s.tree}/, which is a host of its own` };
  return { host: folder.root.name, rule: 'root', reason: "in no compose project, so on the folder's own host" };
}
