/**
 * The `portolan` command line: `check` reports diagnostics, `ports` prints the port table.
 * Same engine as the language server. Exit codes: 0 no error reported, 1 an error reported,
 * 2 bad usage.
 */
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runRules, type PortDiagnostic } from '../core/rules';
import { positionAt } from '../core/ports';
import { fileFilter } from '../core/filter';
import { portReference, portTable } from '../core/table';
import { loadWorkspace, WorkspaceIndex, type HostMapping } from '../core/workspace';
import { nodeHost } from '../node/host';
import { renumberMain, RENUMBER_USAGE } from './renumber';

const USAGE = `Usage:
  portolan check [dir] [--format text|json] [--host-map GLOB=HOST ...] [--include GLOB ...] [--exclude GLOB ...]
  portolan ports [dir] [--format table|json|markdown] [--host-map GLOB=HOST ...] [--include GLOB ...] [--exclude GLOB ...]
${RENUMBER_USAGE}

  dir          workspace folder (default: the current directory); its name is the default host
  --host-map   map files matching GLOB (relative to dir) to host HOST; repeatable
  --include    read only files matching GLOB (relative to dir); repeatable
  --exclude    never read files matching GLOB (relative to dir); repeatable, wins over --include
  --verbose    log skipped files to stderr
Exit codes: 0 no error reported (renumber-rtcd: applied), 1 an error reported (check) or renumber
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
        include: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(USAGE + '\n');
      return 0;
    }
    const [command, dirArg, ...extra] = positionals;
    if (command !== 'check' && command !== 'ports') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const formats = command === 'check' ? ['text', 'json'] : ['table', 'json', 'markdown'];
    const format = values.format ?? formats[0]!;
    if (!formats.includes(format)) throw new UsageError(`--format for ${command} is one of ${formats.join(', ')}`);
    let dir: string;
    try {
      dir = realpathSync(resolve(dirArg ?? '.'));
    } catch {
      throw new UsageError(`no such directory: ${dirArg}`);
    }
    const roots = [{ path: dir, name: basename(dir) }];
    const index = new WorkspaceIndex({ roots, hostMap: parseHostMap(values['host-map'] ?? []) });
    const accept = fileFilter({ include: values.include ?? [], exclude: values.exclude ?? [] });
    await loadWorkspace(index, nodeHost(), roots, values.verbose ? (m) => io.err(`portolan: ${m}\n`) : undefined, (p) => accept(p.slice(dir.length + 1)));
    const snap = index.snapshot();
    const diagnostics = runRules(snap, {}, (rule, e) => io.err(`portolan: rule ${rule} failed: ${(e as Error).stack ?? e}\n`));
    if (command === 'ports') {
      if (format === 'markdown') io.out(portReference(snap, diagnostics, basename(dir)));
      else printPorts(snap, format, io);
      return 0;
    }
    const rel = (file: string) => file.slice(dir.length + 1);
    const rows = diagnostics.map((d) => toRow(d, rel, index.textOf(d.location.file) ?? ''));
    if (format === 'json') {
      io.out(JSON.stringify({ diagnostics: rows }, null, 2) + '\n');
    } else {
      for (const r of rows) io.out(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.rule}: ${r.message}\n`);
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

function toRow(d: PortDiagnostic, rel: (f: string) => string, text: string): DiagnosticRow {
  const s = positionAt(text, d.location.span.start);
  const e = positionAt(text, d.location.span.end);
  return { file: rel(d.location.file), line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: d.severity, rule: d.rule, message: d.message };
}

function printPorts(snap: ReturnType<WorkspaceIndex['snapshot']>, format: string, io: Io): void {
  const rows = portTable(snap);
  if (format === 'json') {
    io.out(JSON.stringify({ ports: rows }, null, 2) + '\n');
    return;
  }
  const header = ['HOST', 'PORT', 'PROTO', 'KIND', 'OWNER', 'ROLE', 'ADDRESS', 'SOURCE'];
  const table = rows.map((r) => [r.host, r.port, r.protocol, r.kind + (r.inEffect ? '' : '*'), r.owner, r.role ?? '', r.address, `${r.file}:${r.line}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  for (const line of [header, ...table]) io.out(line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
  if (rows.some((r) => !r.inEffect)) io.out('* not in effect: overridden by an environment variable or an rtcd URL\n');
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
