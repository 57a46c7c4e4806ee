/** Rule 4: host-level files that put a project back on the folder's host. */
import type { ExtractedFact } from '../../model/facts';
import { positionAt } from '../../model/lines';
import { formatRange, rangesOverlap } from '../../model/ports';
import { protocolsOverlap } from '../queries';
import type { Folder, FolderFile, Join, Projects } from './folder';
import { composeMentions, shellMentions, unitMentions, type PathMention } from './mentions';
import type { DeploymentMemo, Project } from './model';
import { joinRel, LOCAL_ADDRESSES, relDir } from './paths';

interface Published {
  project: Project;
  fact: ExtractedFact;
}

/** Ranges wider than this many ports are scanned rather than indexed by port. */
const WIDE = 256;

/** The host ports the tieable projects publish, indexed by port. */
class PublishedPorts {
  private readonly all: Published[] = [];
  private readonly byPort = new Map<number, Published[]>();
  private readonly wide: Published[] = [];

  constructor(folder: Folder, tieable: ReadonlySet<Project>) {
    for (const project of tieable) {
      for (const file of project.files) {
        for (const fact of folder.byPath.get(file)?.result?.facts ?? []) {
          if (fact.kind !== 'bind' || fact.netns !== undefined || fact.ports.start < 1 || fact.ports.end > 65535) continue;
          const x = { project, fact };
          this.all.push(x);
          if (fact.ports.end - fact.ports.start > WIDE) this.wide.push(x);
          else for (let port = fact.ports.start; port <= fact.ports.end; port++) this.byPort.set(port, [...(this.byPort.get(port) ?? []), x]);
        }
      }
    }
  }

  /** The one project that publishes a port of `fact` on its protocol; undefined for none or several. */
  onlyPublisher(fact: ExtractedFact): Project | undefined {
    let hit: Project | undefined;
    const consider = (list: readonly Published[]): boolean => {
      for (const x of list) {
        if (x.project === hit || !rangesOverlap(x.fact.ports, fact.ports) || !protocolsOverlap(x.fact.protocol, fact.protocol)) continue;
        if (hit !== undefined) return false;
        hit = x.project;
      }
      return true;
    };
    if (fact.ports.end - fact.ports.start > WIDE) return consider(this.all) ? hit : undefined;
    for (let port = Math.max(1, fact.ports.start); port <= Math.min(65535, fact.ports.end); port++) if (!consider(this.byPort.get(port) ?? [])) return undefined;
    return consider(this.wide) ? hit : undefined;
  }
}

/** Finds the tieable project a written path names (relative, absolute or after a `$VARIABLE`). */
class ProjectNamer {
  /** Tieable projects by the last segment of their id, for suffix matches. */
  private readonly byLast = new Map<string, Project[]>();

  constructor(private readonly folder: Folder, private readonly projects: Projects, private readonly tieable: ReadonlySet<Project>) {
    for (const p of tieable) {
      const last = p.id.slice(p.id.lastIndexOf('/') + 1);
      this.byLast.set(last, [...(this.byLast.get(last) ?? []), p]);
    }
  }

  /** The project `m` names when written in a file in `fileDir`; undefined for none or an ambiguous one. */
  named(m: PathMention, fileDir: string): Project | undefined {
    const word = m.word.replace(/\/+$/, '');
    if (word === '') return undefined;
    const segs = word.split('/');
    let dyn = -1;
    segs.forEach((s, i) => {
      if (s.includes('$') || s.startsWith('~')) dyn = i;
    });
    if (dyn >= 0 || word.startsWith('/')) return this.bySuffix(segs.slice(dyn + 1).filter((s) => s !== '' && s !== '.'), m.kind);
    for (const base of [fileDir, '']) {
      const rel = joinRel(base, word);
      if (rel === undefined || !this.folder.known.has(rel)) continue;
      const p = this.projects.named(rel, m.kind === 'dir');
      return p && this.tieable.has(p) ? p : undefined;
    }
    return undefined;
  }

  /** The project whose id is the longest suffix of `segs` (its directories for a file); one only. */
  private bySuffix(segs: string[], kind: 'file' | 'dir'): Project | undefined {
    const dirSegs = kind === 'file' ? segs.slice(0, -1) : segs;
    let best: Project[] = [];
    let bestLen = 0;
    const candidates = [...(this.byLast.get(segs[segs.length - 1] ?? '') ?? []), ...(kind === 'file' ? this.byLast.get(dirSegs[dirSegs.length - 1] ?? '') ?? [] : [])];
    for (const p of new Set(candidates)) {
      const want = p.id.split('/');
      const from = p.single ? segs : dirSegs;
      if (want.length > from.length) continue;
      if (!want.every((w, i) => from[from.length - want.length + i] === w)) continue;
      if (want.length > bestLen) [best, bestLen] = [[p], want.length];
      else if (want.length === bestLen) best.push(p);
    }
    return best.length === 1 ? best[0] : undefined;
  }
}

function tie(folder: Folder, p: Project, why: string): void {
  if (p.rule === 'tied') return;
  p.rule = 'tied';
  p.host = folder.root.name;
  p.reason = `compose project ${p.id}, on the folder's host because ${why}`;
}

/** The paths a host-level file mentions, from the memo or read now. */
function mentionsOf(f: FolderFile, memo: DeploymentMemo): readonly PathMention[] {
  let mentions = f.result ? memo.get(f.result) : undefined;
  if (!mentions) {
    mentions = f.format === 'systemd' ? unitMentions(f.text) : f.format === 'shell' ? shellMentions(f.text) : f.format === 'compose' ? composeMentions(f.text) : [];
    if (f.result) memo.set(f.result, mentions);
  }
  return mentions;
}

/** Ties through one host-level file's ufw rules and local nginx references. */
function tieByPorts(folder: Folder, f: FolderFile, published: PublishedPorts, where: (offset: number) => string): void {
  for (const fact of f.result?.facts ?? []) {
    if (fact.kind === 'firewall' && fact.firewall && fact.firewall.direction === 'in' && (fact.firewall.action === 'allow' || fact.firewall.action === 'limit')) {
      const p = published.onlyPublisher(fact);
      if (p) tie(folder, p, `the ufw rule at ${where(fact.location.span.start)} allows ${formatRange(fact.ports)}/${fact.protocol === 'both' ? 'tcp+udp' : fact.protocol}, which only this project publishes`);
    } else if (fact.kind === 'reference' && f.format === 'nginx' && (fact.address === undefined || LOCAL_ADDRESSES.has(fact.address) || /^127\./.test(fact.address))) {
      const p = published.onlyPublisher(fact);
      if (p) tie(folder, p, `nginx at ${where(fact.location.span.start)} proxies to ${fact.address ?? 'localhost'}:${formatRange(fact.ports)}, which only this project publishes`);
    }
  }
}

/**
 * Rule 4: mutates the tieable projects (outside test trees, not at the top) that host-level
 * files point at unambiguously, putting them on the folder's host with the reason.
 */
export function tieProjects(folder: Folder, projects: Projects, joined: ReadonlyMap<string, Join>, memo: DeploymentMemo): void {
  const tieable = new Set(projects.all.filter((p) => p.id !== '' && p.testTree === undefined));
  if (tieable.size === 0) return;
  const onRootHost = (rel: string): boolean => {
    if (joined.has(rel)) return false;
    const s = projects.scopeOf(rel);
    return s.tree === undefined && (s.project === undefined || s.project.id === '');
  };
  const published = new PublishedPorts(folder, tieable);
  const namer = new ProjectNamer(folder, projects, tieable);
  for (const f of folder.files) {
    if (!f.format || f.format === 'markdown' || !onRootHost(f.rel)) continue;
    const where = (offset: number) => `${f.rel}:${positionAt(f.text, offset).line + 1}`;
    tieByPorts(folder, f, published, where);
    for (const m of mentionsOf(f, memo)) {
      const p = namer.named(m, relDir(f.rel));
      if (p) tie(folder, p, `${where(m.offset)} names its directory (${m.what})`);
    }
    if (f.format !== 'compose') continue;
    for (const w of f.result?.workloads ?? []) {
      for (const v of w.volumes) {
        const rel = folder.relOf(v.source.replace(/\/+$/, ''));
        const p = rel === undefined ? undefined : projects.named(rel, true);
        if (p && tieable.has(p)) tie(folder, p, `${where(w.location.span.start)} bind-mounts ${rel} into service ${w.name}`);
      }
    }
  }
}
