/**
 * `portolan renumber-rtcd [dir] --api N --media M [--dry-run] [--force]`: the same edit as the
 * editor's "Renumber rtcd Ports" command, computed by server/src/core/edits/renumber.ts.
 * `--dry-run` prints a unified diff (the `diff` package's createTwoFilesPatch); otherwise the
 * files are rewritten with every byte outside the changed digits kept (BOM, CRLF, tabs).
 * Exit codes: 0 applied (or diff printed), 1 refused (invalid or taken port, a problem the
 * edit would cause, a mention in a file it cannot write; no file touched) or a write that failed
 * (the message names the files already written), 2 bad usage.
 */
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { indexReanalyzer, verifyEdits } from '../core/features/edits/recheck';
import { planRenumber } from '../core/features/edits/renumber';
import { applyEdits, groupEdits } from '../core/features/edits/text';
import { fileFilter } from '../core/index/filter';
import { runRules } from '../core/rules';
import { loadWorkspace, WorkspaceIndex, type HostMapping } from '../core/index/workspace';
import { decode, nodeHost } from '../node/host';
import { refusedWrite, writeNoFollow } from '../node/write';
import { isCandidatePath } from '../core/index/registry';

/** Where output goes. */
export interface RenumberIo {
  out(s: string): void;
  err(s: string): void;
}

export const RENUMBER_USAGE = `  portolan renumber-rtcd [dir] --api N --media M [--dry-run] [--force] [--host-map GLOB=HOST ...] [--include GLOB ...] [--exclude GLOB ...]
               moves rtcd's API port to N and its media port to M everywhere they are carried;
               --dry-run prints a unified diff, --force applies despite a port held by something else`;

class Usage extends Error {}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The new bytes of a file: `edits` applied to its text, the BOM put back when the file had one.
 * Throws when the bytes are not exactly UTF-8 text (decoding would not give them back) or when
 * the file changed since it was indexed (`expected` differs).
 */
export function editBytes(bytes: Buffer, expected: string, edits: Parameters<typeof applyEdits>[1]): Buffer {
  const text = decode(bytes);
  if (text === undefined) throw new Error('binary content');
  const bom = bytes.subarray(0, 3).equals(BOM);
  if (!Buffer.concat([bom ? BOM : Buffer.alloc(0), Buffer.from(text, 'utf8')]).equals(bytes)) throw new Error('not valid UTF-8; refusing to rewrite it');
  if (text !== expected) throw new Error('changed on disk since it was read');
  return Buffer.concat([bom ? BOM : Buffer.alloc(0), Buffer.from(applyEdits(text, edits), 'utf8')]);
}

function port(name: string, v: string | undefined): number {
  if (v === undefined) throw new Usage(`--${name} is required`);
  if (!/^\d{1,6}$/.test(v)) throw new Usage(`--${name} expects a port number, got "${v}"`);
  return Number(v);
}

/**
 * The new bytes of every file `grouped` edits (its bytes on disk with the edits applied), or why
 * not: a file that may not be written (node/write.ts: a link, outside `dir`), that this process
 * cannot write (access(2) W_OK: permissions, an immutable file) or whose bytes no longer match the
 * indexed text. Reads every file before anything is written.
 */
function newBytes(grouped: ReadonlyMap<string, Parameters<typeof applyEdits>[1]>, dir: string, textOf: (file: string) => string): Map<string, Buffer> | string {
  const outputs = new Map<string, Buffer>();
  for (const [file, edits] of grouped) {
    const refused = refusedWrite(file, dir);
    if (refused) return refused;
    try {
      accessSync(file, constants.W_OK);
    } catch (e) {
      return `${file.slice(dir.length + 1)} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}), so its mention would keep the old port`;
    }
    try {
      outputs.set(file, editBytes(readFileSync(file), textOf(file), edits));
    } catch (e) {
      return `${file.slice(dir.length + 1)}: ${(e as Error).message}`;
    }
  }
  return outputs;
}

/**
 * The symbolic links under `dir` that name files a format could read (and that `accept`
 * keeps), one `  path: reason` line each, or `undefined` when there are none. A link is never
 * read, so a mention of rtcd's ports behind it could not be renumbered.
 */
async function unreadLinks(host: ReturnType<typeof nodeHost>, dir: string, accept: (rel: string) => boolean): Promise<string | undefined> {
  const links = ((await host.listSkipped?.(dir)) ?? []).filter((l) => isCandidatePath(l.path) && accept(l.path.slice(dir.length + 1)));
  return links.length === 0 ? undefined : links.map((l) => `  ${l.path.slice(dir.length + 1)}: ${l.reason}`).join('\n');
}

/** The unified diff (one hunk context line) of every file `grouped` edits, paths `a/<rel>` and `b/<rel>`. */
function unifiedDiff(grouped: ReadonlyMap<string, Parameters<typeof applyEdits>[1]>, textOf: (file: string) => string, rel: (file: string) => string): string {
  return [...grouped]
    .map(([file, edits]) => createTwoFilesPatch(`a/${rel(file)}`, `b/${rel(file)}`, textOf(file), applyEdits(textOf(file), edits), undefined, undefined, { context: 1 }).replace(/^=+\n/, ''))
    .join('');
}

/**
 * Writes every file's new bytes (node/write.ts, never through a link); on the first write that
 * fails (checked before, so a change on disk since: a link put in place, a full disk) stops and
 * says which file and which were already written. `undefined` when all were written.
 */
function writeAll(outputs: ReadonlyMap<string, Buffer>, rel: (file: string) => string): string | undefined {
  const written: string[] = [];
  for (const [file, bytes] of outputs) {
    try {
      writeNoFollow(file, bytes);
    } catch (e) {
      const done = written.length === 0 ? 'no file was changed' : `already written: ${written.join(', ')}`;
      return `${rel(file)} could not be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${done}`;
    }
    written.push(rel(file));
  }
  return undefined;
}

/** `renumber-rtcd`'s options (util.parseArgs). */
const RENUMBER_OPTIONS = {
  api: { type: 'string' },
  media: { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  'host-map': { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

/** Runs `renumber-rtcd` with its arguments (after the command name). Resolves to the exit code. */
export async function renumberMain(argv: string[], io: RenumberIo, parseHostMap: (v: readonly string[]) => HostMapping[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: RENUMBER_OPTIONS,
    }));
  } catch (e) {
    io.err(`portolan: ${(e as Error).message}\nUsage:\n${RENUMBER_USAGE}\n`);
    return 2;
  }
  let dir: string;
  let api: number;
  let media: number;
  let hostMap: HostMapping[];
  try {
    if (positionals.length > 1) throw new Usage(`unexpected argument "${positionals[1]}"`);
    api = port('api', values.api);
    media = port('media', values.media);
    hostMap = parseHostMap(values['host-map'] ?? []);
    try {
      dir = realpathSync(resolve(positionals[0] ?? '.'));
    } catch {
      throw new Usage(`no such directory: ${positionals[0]}`);
    }
  } catch (e) {
    io.err(`portolan: ${(e as Error).message}\nUsage:\n${RENUMBER_USAGE}\n`);
    return 2;
  }
  const roots = [{ path: dir, name: basename(dir) }];
  const options = { roots, hostMap };
  const index = new WorkspaceIndex(options);
  const accept = fileFilter({ include: values.include ?? [], exclude: values.exclude ?? [] });
  const host = nodeHost();
  await loadWorkspace(index, host, roots, undefined, (p) => accept(p.slice(dir.length + 1)));
  const list = await unreadLinks(host, dir, accept);
  if (list !== undefined) {
    if (!values.force) {
      io.err(`portolan: refused: files Portolan does not read may mention rtcd's ports, and would keep the old ones:\n${list}\nno file was changed (--force applies anyway)\n`);
      return 1;
    }
    io.err(`portolan: warning: not renumbered (not read):\n${list}\n`);
  }
  const snap = index.snapshot();
  const textOf = (f: string) => index.textOf(f);
  const plan = planRenumber(snap, textOf, { api, media });
  if (plan.invalid) {
    io.err(`portolan: refused: ${plan.invalid}\n`);
    return 1;
  }
  if (plan.held.length > 0) {
    if (!values.force) {
      io.err(`portolan: refused: ${plan.held.map((h) => h.message).join('; ')}; no file was changed (--force applies anyway)\n`);
      return 1;
    }
    io.err(`portolan: warning: ${plan.held.map((h) => h.message).join('; ')} (applied because of --force)\n`);
  }
  const rel = (f: string) => f.slice(dir.length + 1);
  const cur = plan.current!;
  if (plan.edits.length === 0) {
    io.out(`rtcd already uses API ${cur.api} and media ${cur.media}; nothing to change\n`);
    return 0;
  }
  const before = runRules(snap);
  const verdict = verifyEdits(before, plan.edits, textOf, indexReanalyzer(index, options));
  if (verdict.caused.length > 0) {
    const list = verdict.caused.map((d) => `  ${snap.display(d.location.file)}: ${d.rule}: ${d.message}`).join('\n');
    if (!values.force) {
      io.err(`portolan: refused: the renumber would cause:\n${list}\nno file was changed (--force applies anyway)\n`);
      return 1;
    }
    io.err(`portolan: warning: the renumber causes:\n${list}\n`);
  }
  const grouped = groupEdits(plan.edits);
  const outputs = newBytes(grouped, dir, (f) => index.textOf(f) ?? '');
  if (typeof outputs === 'string') {
    io.err(`portolan: refused: ${outputs}; no file was changed\n`);
    return 1;
  }
  if (values['dry-run']) {
    io.out(unifiedDiff(grouped, (f) => index.textOf(f) ?? '', rel));
    io.out(`# rtcd API ${cur.api} -> ${api}, media ${cur.media} -> ${media}: ${plan.edits.length} changes in ${grouped.size} files (dry run, nothing written)\n`);
    return 0;
  }
  const failed = writeAll(outputs, rel);
  if (failed) {
    io.err(`portolan: error: ${failed}\n`);
    return 1;
  }
  io.out(`rtcd API ${cur.api} -> ${api}, media ${cur.media} -> ${media}: ${plan.edits.length} changes in ${grouped.size} files\n`);
  for (const file of grouped.keys()) io.out(`  ${rel(file)}\n`);
  return 0;
}
