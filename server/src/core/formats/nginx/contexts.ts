/**
 * nginx contexts (the nginx reference's "Context:" of each directive: `main`, `http`, `stream`,
 * `mail`, `server`, `upstream`) and the walk that tells each directive where it sits.
 */
import type { NginxDirective } from './syntax';

/** The enclosing `server` block of a directive. */
export interface ServerInfo {
  /** First server_name that is not "_" or "", else "nginx". */
  owner: string;
  /** A `listen ... udp` in the block (stream). */
  udp: boolean;
  /** "server@<offset of the keyword>" when the block is in the file being extracted. */
  block?: string;
}

/** Where a directive sits. */
export interface Env {
  context: 'main' | 'http' | 'stream' | 'mail';
  server?: ServerInfo;
  /** Enclosing `upstream` name. */
  upstream?: string;
}

const MAIN_BLOCKS = new Set(['http', 'events', 'stream', 'mail']);

/** Owner and protocol of a `server` block; `inThisFile` adds the block id. */
export function serverInfo(d: NginxDirective, inThisFile: boolean): ServerInfo {
  let owner: string | undefined;
  let udp = false;
  for (const c of d.block ?? []) {
    if (c.block) continue;
    if (c.name.value === 'server_name' && owner === undefined) {
      owner = c.args.map((a) => a.value).find((v) => v !== '_' && v !== '');
    }
    if (c.name.value === 'listen' && c.args.slice(1).some((a) => a.value === 'udp')) udp = true;
  }
  const info: ServerInfo = { owner: owner ?? 'nginx', udp };
  if (inThisFile) info.block = `server@${d.name.span.start}`;
  return info;
}

/**
 * Visits every directive with the context around it (before descending into its block).
 * `inThisFile` decides whether server blocks get a `block` id. Recursion depth is the tree's
 * block depth, which the parser bounds.
 */
export function walk(dirs: readonly NginxDirective[], env: Env, inThisFile: boolean, visit: (d: NginxDirective, env: Env) => void): void {
  for (const d of dirs) {
    visit(d, env);
    if (!d.block) continue;
    const name = d.name.value;
    let inner: Env = env;
    if (MAIN_BLOCKS.has(name) && name !== 'events' && !env.server && !env.upstream) {
      inner = { context: name as Env['context'] };
    } else if (name === 'server' && !env.server && !env.upstream) {
      inner = { context: env.context === 'main' ? 'http' : env.context, server: serverInfo(d, inThisFile) };
    } else if (name === 'upstream' && !env.server && !env.upstream && d.args[0]) {
      inner = { context: env.context === 'main' ? 'http' : env.context, upstream: d.args[0].value };
    }
    walk(d.block, inner, inThisFile, visit);
  }
}

/** Top-level context of a file read on its own: `main` when it has main-level blocks, else `http`. */
export function ownTopContext(dirs: readonly NginxDirective[]): Env {
  return { context: dirs.some((d) => d.block && MAIN_BLOCKS.has(d.name.value)) ? 'main' : 'http' };
}
