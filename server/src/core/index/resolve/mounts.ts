/**
 * Configs inside containers: a config file bind-mounted into a container (compose `volumes`,
 * `docker run -v`) or copied into an image by a Dockerfile's `COPY`/`ADD` describes that
 * container, so its facts move into the container's network namespace.
 *
 * Where a mount's host path is not a workspace path, it is matched onto one: an absolute path
 * (`/opt/app/nginx/conf.d`) by its longest suffix that exactly one workspace file or directory
 * ends with; a path behind an unknown variable (`${DIR}/default.conf`) by the known rest below the
 * compose file's directory, again only when exactly one path matches.
 */
import { dockerCopies } from '../../formats/dockerfile';
import type { FormatId } from '../../model/facts';
import { withPrefix } from '../../model/listing';
import { basename, dirname, resolvePath } from '../../model/paths';
import type { PlacedWorkload } from '../placed';
import type { PlacedSnapshot } from '../snapshot';
import type { Draft } from './draft';
import type { ResolveMemo } from './memo';
import type { ResolveScope } from './scope';

/** Where a moved file's facts go: the container's netns and the instance its binds take. */
interface Inside {
  netns: string;
  instance: string;
}

/** The workspace's files and every directory holding one, indexed by last segment. */
class PathNames {
  private readonly byName = new Map<string, string[]>();

  constructor(files: readonly string[]) {
    const seen = new Set<string>();
    for (const f of files) {
      for (let p = f; p !== '/' && p !== '' && !seen.has(p); p = dirname(p)) {
        seen.add(p);
        const n = basename(p);
        (this.byName.get(n) ?? this.byName.set(n, []).get(n)!).push(p);
      }
    }
  }

  /**
   * The one workspace path sharing the longest run of trailing segments with `path` (at least
   * the last), or `undefined` when none ends with its last segment or two tie at the longest.
   * A match on one segment only counts for a file-like name (with a dot: `nginx.conf`), so a
   * `/data` mount does not take the workspace's `data/` folder.
   */
  matchSuffix(path: string): string | undefined {
    const segs = path.split('/').filter((s) => s !== '');
    const last = segs[segs.length - 1];
    if (last === undefined) return undefined;
    let best: string | undefined;
    let bestLen = 0;
    let tie = false;
    for (const cand of this.byName.get(last) ?? []) {
      const cs = cand.split('/').filter((s) => s !== '');
      let n = 0;
      while (n < segs.length && n < cs.length && segs[segs.length - 1 - n] === cs[cs.length - 1 - n]) n++;
      if (n > bestLen) [best, bestLen, tie] = [cand, n, false];
      else if (n === bestLen) tie = true;
    }
    if (tie || best === undefined) return undefined;
    return bestLen >= 2 || last.includes('.') ? best : undefined;
  }

  /** The workspace paths below `dir` (absolute) that end with `/<suffix>`; files and directories. */
  endingWith(dir: string, suffix: string): string[] {
    const segs = suffix.split('/');
    const prefix = dir.endsWith('/') ? dir : dir + '/';
    return (this.byName.get(segs[segs.length - 1]!) ?? []).filter((p) => p.startsWith(prefix) && p.endsWith('/' + suffix));
  }
}

/**
 * Moves the facts of every file mounted into a container, or copied into an image by a
 * Dockerfile, into that container's netns; its binds take the container's instance. Compose,
 * shell, dotenv and Dockerfile facts stay: they describe the launcher, not the program.
 *
 * Dockerfile `COPY`/`ADD` sources are read relative to the build context: the `build.context` of
 * the compose service whose `build` names the Dockerfile (that service's netns then holds the
 * copied configs; with `network_mode: host` they stay in the host's), else the Dockerfile's
 * directory or the nearest directory above it where the source exists (`docker build -f
 * dir/Dockerfile .`), with a netns `image:<Dockerfile path>` of its own. A copy of the whole
 * context (`COPY . /app`) says nothing about a config and moves nothing; a source outside the
 * context moves nothing; `*`/`?` in a source's last segment match the files of its directory. A bind mount wins
 * over a copy. Last, nginx files of a compose project that runs one nginx container on a host
 * of its own go into that container ({@link projectNginxSnippets}). Returns the compose or `docker run` container each mounted or copied file ends up
 * in (for a mount, the last one that mounts it), and in `moved` every file a workload mounts or a
 * Dockerfile copies, with every file that does (the mounting workload's file, the Dockerfile),
 * whichever of them wins.
 *
 * Mount and copy sources are matched against `scope.files` when given (a part of the workspace
 * is being resolved: a source may name a file placed on another host), else against the
 * snapshot's own files.
 */
export function applyBindMounts(snap: PlacedSnapshot, draft: Draft, memo: ResolveMemo, scope?: ResolveScope): { mounted: Map<string, PlacedWorkload>; moved: Map<string, string[]> } {
  const mounted = new Map<string, PlacedWorkload>();
  const inside = new Map<string, Inside>();
  const moved = new Map<string, string[]>();
  const movedBy = (file: string, by: string): void => {
    const list = moved.get(file);
    if (!list) moved.set(file, [by]);
    else if (!list.includes(by)) list.push(by);
  };
  const sortedFiles = scope?.files ?? [...snap.files.keys()].sort();
  const formatOf = (file: string): FormatId | undefined => (scope ? scope.formatOf(file) : snap.files.get(file)?.format);
  let names: PathNames | undefined;
  const pathNames = (): PathNames => (names ??= memo.perFileList(sortedFiles, (files) => new PathNames(files)));
  /** The file itself, or every file below the directory (a sorted run). */
  const filesAt = (source: string): string[] => {
    const hits = formatOf(source) !== undefined ? [source] : [];
    hits.push(...withPrefix(sortedFiles, source.endsWith('/') ? source : source + '/'));
    return hits;
  };
  const isLauncher = (file: string): boolean => {
    const format = formatOf(file);
    return format === 'compose' || format === 'dockerfile';
  };
  for (const w of snap.workloads) {
    if (!w.netns) continue;
    const put = (file: string): void => {
      if (file === w.file || isLauncher(file)) return;
      mounted.set(file, w);
      movedBy(file, w.file);
      inside.set(file, { netns: w.netns!, instance: w.instance });
    };
    for (const v of w.volumes) {
      let hits = filesAt(v.source);
      if (hits.length === 0 && v.source.startsWith('/')) {
        const match = pathNames().matchSuffix(v.source);
        if (match !== undefined) hits = filesAt(match);
      }
      hits.forEach(put);
    }
    for (const v of w.suffixVolumes ?? []) {
      const matches = pathNames().endingWith(v.under, v.suffix);
      if (matches.length === 1) filesAt(matches[0]!).forEach(put);
    }
  }
  for (const [path, record] of snap.files) {
    if (record.format !== 'dockerfile') continue;
    const builder = snap.workloads.find((w) => w.build?.dockerfile === path);
    // A service on the host network (`network_mode: host`) runs its image's programs in the host's netns.
    if (builder && builder.netns === undefined) continue;
    const where: Inside = builder ? { netns: builder.netns!, instance: builder.instance } : { netns: `image:${path}`, instance: `image:${path}` };
    for (const hits of copiedFiles(path, record.text, builder, sortedFiles, filesAt)) {
      for (const file of hits) {
        if (isLauncher(file)) continue;
        movedBy(file, path);
        if (inside.has(file)) continue;
        inside.set(file, where);
        if (builder) mounted.set(file, builder);
      }
    }
  }
  for (const [file, w] of projectNginxSnippets(snap, inside)) {
    inside.set(file, { netns: w.netns!, instance: w.instance });
    mounted.set(file, w);
    movedBy(file, w.file);
  }
  const facts = draft.facts;
  for (let i = 0; i < facts.length && inside.size > 0; i++) {
    const w = inside.get(facts[i]!.location.file);
    const format = facts[i]!.format;
    if (!w || format === 'compose' || format === 'shell' || format === 'dotenv') continue;
    const f = draft.own(i);
    f.netns = w.netns;
    if (f.kind === 'bind') f.instance = w.instance;
  }
  return { mounted, moved };
}

/**
 * The workspace files each `COPY`/`ADD` of the Dockerfile at `path` copies (one list per copy;
 * see {@link applyBindMounts}): sources read relative to the builder's context, else to the
 * nearest directory above the Dockerfile where they exist.
 */
function copiedFiles(path: string, text: string, builder: PlacedWorkload | undefined, sortedFiles: readonly string[], filesAt: (source: string) => string[]): string[][] {
  // Without a service naming the context, `docker build -f <dir>/Dockerfile <ancestor>` is as
  // likely as the Dockerfile's own directory: the nearest directory where the source exists.
  const contexts = builder?.build?.context !== undefined ? [builder.build.context] : ancestors(dirname(path));
  const out: string[][] = [];
  for (const copy of dockerCopies(text, builder?.build?.target)) {
    if (/[[\]$]/.test(copy.source) || /[*?]/.test(copy.source.slice(0, copy.source.lastIndexOf('/') + 1))) continue;
    let hits: string[] = [];
    for (const context of contexts) {
      const abs = resolvePath(context, copy.source);
      if (abs === context || !abs.startsWith(context === '/' ? '/' : context + '/')) break;
      hits = /[*?]/.test(abs) ? globInDir(sortedFiles, abs) : filesAt(abs);
      if (hits.length > 0) break;
    }
    out.push(hits);
  }
  return out;
}

/** `dir` and each directory above it, nearest first, at most 8 (`/a/b` gives `/a/b`, `/a`, `/`). */
function ancestors(dir: string): string[] {
  const out = [dir];
  for (let d = dir; d !== '/' && d !== '' && out.length < 8; ) out.push((d = dirname(d)));
  return out;
}

/**
 * The files directly in the directory of `pattern` whose name matches its last segment, where
 * `*` is any run of characters but `/` and `?` one (Dockerfile COPY, Go's filepath.Match);
 * `sorted` is the snapshot's sorted paths. Linear in the directory's files.
 */
function globInDir(sorted: readonly string[], pattern: string): string[] {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash + 1);
  const name = new RegExp(`^${pattern.slice(slash + 1).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return withPrefix(sorted, dir).filter((p) => !p.slice(dir.length).includes('/') && name.test(p.slice(dir.length)));
}

/** An image whose name (last path segment, before the tag) says it runs nginx: `nginx:1.27`, `jonasal/nginx-certbot`. */
const NGINX_IMAGE = /(?:^|\/)[^/:@]*nginx[^/:@]*(?:[:@]|$)/i;

/**
 * nginx files of a compose project that runs exactly one nginx container and that nothing
 * mounts or copies: on a host of their own (placement `project` or `test-tree`, so no host-level
 * nginx, unit or script ties the project to the folder's host), such files are that
 * container's configuration (a `user_conf.d` the README tells users to fill, a conf.d next to
 * the compose file), not a second nginx on the host. Returns each file with that container.
 */
function projectNginxSnippets(snap: PlacedSnapshot, inside: ReadonlyMap<string, Inside>): Map<string, PlacedWorkload> {
  const out = new Map<string, PlacedWorkload>();
  const byProject = new Map<string, PlacedWorkload[]>();
  for (const w of snap.workloads) {
    if (!w.netns || w.image === undefined || !NGINX_IMAGE.test(w.image)) continue;
    const p = snap.placementOf(w.file);
    if (p.project === undefined || (p.rule !== 'project' && p.rule !== 'test-tree')) continue;
    const key = `${p.host}\u0000${p.project}`;
    (byProject.get(key) ?? byProject.set(key, []).get(key)!).push(w);
  }
  if (byProject.size === 0) return out;
  for (const [file, record] of snap.files) {
    if (record.format !== 'nginx' || inside.has(file)) continue;
    const p = snap.placementOf(file);
    if (p.project === undefined || (p.rule !== 'project' && p.rule !== 'test-tree')) continue;
    const ws = byProject.get(`${p.host}\u0000${p.project}`);
    if (ws?.length === 1) out.set(file, ws[0]!);
  }
  return out;
}
