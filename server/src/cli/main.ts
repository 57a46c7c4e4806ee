/**
 * The `portolan` command line: `check` reports diagnostics, `ports` prints the port table.
 * Same engine as the language server. Exit codes: 0 no error reported, 1 an error reported,
 * 2 bad usage.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runRules, withCrossProjectConflicts, type PortDiagnostic } from '../core/rules';
import { fileFilter } from '../core/index/filter';
import { portReference } from '../core/features/table';
import { loadWorkspace, WorkspaceIndex, type HostMapping } from '../core/index/workspace';
import { nodeHost } from '../node/host';
import { refusedWrite, writeNoFollow } from '../node/write';
import { generatedRegions } from '../core/formats/markdown/portdoc';
import { holderLabel, liveReport, socketLabel, takenLine } from '../core/features/live';
import { readLiveSockets } from '../node/live';
import { renumberMain, RENUMBER_USAGE } from './renumber';
import { toGithub, toSarif } from './report';
import type { LineIndex } from '../core/model/lines';
import { portTable } from '../core/index/table';
import { oneLine } from '../core/features/markup';
import { portsMarkdown, REGION_MARKERS, updateRegions } from '../core/index/documents';

const USAGE = `Usage:
  portolan check [dir] [--format text|json|sarif|github] [--host-map GLOB=HOST ...] [--cross-project] [--include GLOB ...] [--exclude GLOB ...]
  portolan ports [dir] [--format table|json|markdown] [--write FILE] [--host-map GLOB=HOST ...] [--include GLOB ...] [--exclude GLOB ...]
  portolan live [dir] [--host HOST] [--host-map GLOB=HOST ...] [--include GLOB ...] [--exclude GLOB ...]
${RENUMBER_USAGE}

  dir          workspace folder (default: the current directory); its name is the default host
  --host-map   map files matching GLOB (relative to dir) to host HOST; repeatable; wins over
               the hosts Portolan infers (each compose project its own host, unless tied)
  --cross-project  also note ports that projects on separate hosts share (project-conflict)
  --include    read only files matching GLOB (relative to dir); repeatable
  --exclude    never read files matching GLOB (relative to dir); repeatable, wins over --include
  --verbose    log skipped files to stderr
  --write      (ports --format markdown) replace the table between
               ${REGION_MARKERS.begin} and ${REGION_MARKERS.end} in FILE;
               a missing FILE is created holding only the region
  --host       (live) check only the binds of this host of the workspace
Exit codes: 0 no error reported (renumber-rtcd: applied), 1 an error reported (check), a
configured port taken by another process (live), FILE has no region (ports --write) or renumber
refused (invalid or taken port; nothing written), 2 bad usage.`;

/** Where output goes; tests pass their own. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

class UsageError extends Error {}

/** Parses `GLOB=HOST` pairs. Throws UsageError on a pair without `=`. */
export function parseHostMap(values: readonly string[]): HostMapping[] {
  return values.map((v) => {
    const i = v.lastIndexOf('=');
    if (i <= 0 || i === v.length - 1) throw new UsageError(`--host-map expects GLOB=HOST, got "${v}"`);
    return { glob: v.slice(0, i), host: v.slice(i + 1) };
  });
}

/** Runs the CLI with `argv` (without node and script). Resolves to the exit code. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  if (argv[0] === 'renumber-rtcd') return renumberMain(argv.slice(1), io, parseHostMap);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'host-map': { type: 'string', multiple: true },
        'cross-project': { type: 'boolean' },
        include: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        write: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(USAGE + '\n');
      return 0;
    }
    const [command, dirArg, ...extra] = positionals;
    if (command !== 'check' && command !== 'ports' && command !== 'live') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const formats = command === 'check' ? ['text', 'json', 'sarif', 'github'] : command === 'live' ? ['text'] : ['table', 'json', 'markdown'];
    const format = values.format ?? formats[0]!;
    if (!formats.includes(format)) throw new UsageError(`--format for ${command} is one of ${formats.join(', ')}`);
    if (values.write !== undefined && (command !== 'ports' || format !== 'markdown')) throw new UsageError('--write goes with ports --format markdown');
    if (values.host !== undefined && command !== 'live') throw new UsageError('--host goes with live');
    let dir: string;
    try {
      dir = realpathSync(resolve(dirArg ?? '.'));
    } catch {
      throw new UsageError(`no such directory: ${dirArg}`);
    }
    const roots = [{ path: dir, name: basename(dir) }];
    const index = new WorkspaceIndex({ roots, hostMap: parseHostMap(values['host-map'] ?? []) }, (m) => io.err(`portolan: ${m}\n`));
    const accept = fileFilter({ include: values.include ?? [], exclude: values.exclude ?? [] });
    await loadWorkspace(index, nodeHost([], 'sync'), roots, values.verbose ? (m) => io.err(`portolan: ${m}\n`) : undefined, (p) => accept(p.slice(dir.length + 1)));
    const snap = index.snapshot();
    const diagnostics = runRules(snap, withCrossProjectConflicts({}, values['cross-project'] === true), (rule, e) => io.err(`portolan: rule ${rule} failed: ${(e as Error).stack ?? e}\n`));
    if (command === 'ports') {
      if (values.write !== undefined) return writeRegion(resolve(values.write), dir, portsMarkdown(snap), io);
      if (format === 'markdown') io.out(portReference(snap, diagnostics, basename(dir)));
      else printPorts(snap, format, io);
      return 0;
    }
    if (command === 'live') return printLive(snap, values.host, io);
    const rel = (file: string) => file.slice(dir.length + 1);
    const rows = diagnostics.map((d) => toRow(d, rel, snap.linesOf(d.location.file)));
    const report = { rel, lines: (f: string) => snap.linesOf(f), root: dir, version: VERSION };
    if (format === 'json') {
      io.out(JSON.stringify({ diagnostics: rows }, null, 2) + '\n');
    } else if (format === 'sarif') {
      io.out(JSON.stringify(toSarif(diagnostics, report), null, 2) + '\n');
    } else if (format === 'github') {
      for (const line of toGithub(diagnostics, report)) io.out(line + '\n');
    } else {
      // Names in a file path or message come from the workspace: one line each, whatever they hold.
      for (const r of rows) io.out(`${oneLine(r.file)}:${r.line}:${r.column}: ${r.severity} ${r.rule}: ${oneLine(r.message)}\n`);
      const count = (s: string) => rows.filter((r) => r.severity === s).length;
      io.out(`${rows.length === 0 ? 'no problems' : `${count('error')} errors, ${count('warning')} warnings, ${count('information') + count('hint')} notes`} in ${snap.files.size} files\n`);
    }
    return rows.some((r) => r.severity === 'error') ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`portolan: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

/** One diagnostic as `check --format json` prints it; lines and columns are 1-based, columns in UTF-16 units. */
export interface DiagnosticRow {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  rule: string;
  message: string;
}

function toRow(d: PortDiagnostic, rel: (f: string) => string, lines: LineIndex): DiagnosticRow {
  const s = lines.positionAt(d.location.span.start);
  const e = lines.positionAt(d.location.span.end);
  return { file: rel(d.location.file), line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: d.severity, rule: d.rule, message: d.message };
}

function printPorts(snap: ReturnType<WorkspaceIndex['snapshot']>, format: string, io: Io): void {
  const rows = portTable(snap);
  if (format === 'json') {
    io.out(JSON.stringify({ ports: rows }, null, 2) + '\n');
    return;
  }
  const header = ['HOST', 'PORT', 'PROTO', 'KIND', 'OWNER', 'ROLE', 'ADDRESS', 'SOURCE'];
  const table = rows.map((r) => [r.host, r.port, r.protocol, r.kind + (r.inEffect ? '' : '*'), r.owner, r.role ?? '', r.address, `${r.file}:${r.line}`].map(oneLine));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  for (const line of [header, ...table]) io.out(line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
  if (rows.some((r) => !r.inEffect)) io.out('* not in effect: overridden by an environment variable, an rtcd URL or a compose !reset/!override (hover says which)\n');
}

const VERSION = '0.1.0';

/**
 * Replaces the generated region(s) of `file` with `table`, leaving every other byte as it was.
 * A missing file is created with the markers around the table. Exit 1 when the file exists
 * without a complete region, or is not a plain file inside the checked folder `dir` (a link, or
 * outside: node/write.ts); nothing is written then.
 */
function writeRegion(file: string, dir: string, table: string, io: Io): number {
  const refused = refusedWrite(file, dir);
  if (refused) {
    io.err(`portolan: refused: ${refused}; nothing was written\n`);
    return 1;
  }
  if (!existsSync(file)) {
    writeNoFollow(file, `${REGION_MARKERS.begin}\n${table}${REGION_MARKERS.end}\n`);
    io.out(`portolan: created ${file}\n`);
    return 0;
  }
  const text = readFileSync(file, 'utf8');
  const next = updateRegions(text, generatedRegions(text), table);
  if (next === undefined) {
    io.err(`portolan: ${file} has no region to update; add the lines\n${REGION_MARKERS.begin}\n${REGION_MARKERS.end}\nwhere the table belongs\n`);
    return 1;
  }
  if (next === text) {
    io.out(`portolan: ${file} is up to date\n`);
    return 0;
  }
  writeNoFollow(file, next);
  io.out(`portolan: updated ${file}\n`);
  return 0;
}

/** `live`: configured binds taken on this machine, and listening sockets nothing declares. */
function printLive(snap: ReturnType<WorkspaceIndex['snapshot']>, host: string | undefined, io: Io): number {
  const live = readLiveSockets();
  if ('unavailable' in live) {
    io.err(`portolan: live check unavailable: ${live.unavailable}\n`);
    return 0;
  }
  const r = liveReport(snap, live.sockets, host);
  io.out(r.taken.length === 0 ? 'No configured port is taken by another process.\n' : `Configured ports already taken on this machine (${r.taken.length}):\n`);
  for (const t of r.taken) io.out(`  ${oneLine(takenLine(snap, t))}\n`);
  if (r.running.length > 0) io.out(`Configured ports held by their owner: ${r.running.length}\n`);
  io.out(r.undeclared.length === 0 ? 'Every listening socket is declared by a config.\n' : `Listening sockets no config declares (${r.undeclared.length}):\n`);
  for (const s of r.undeclared) io.out(`  ${oneLine(socketLabel(s))}  ${oneLine(holderLabel(s))}\n`);
  return r.taken.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`portolan: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 3;
    },
  );
}
