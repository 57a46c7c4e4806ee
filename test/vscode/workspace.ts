/**
 * The workspace both launchers open: a fresh copy of examples/prochat-host in a temporary folder,
 * so tests that edit files or settings never change the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (this file runs from out/test/vscode/). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Copies examples/prochat-host into `<parent>/prochat-host` (symlinks copied as links) and returns
 * that absolute path. The folder keeps its name, which is also the host name Portolan reports.
 */
export function copyExampleWorkspace(parent: string): string {
  const source = path.join(ROOT, 'examples', 'prochat-host');
  const target = path.join(parent, 'prochat-host');
  fs.cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  return target;
}

/** Prints `message` to stderr and exits the launcher with status 1. */
export function die(message: string): never {
  process.stderr.write(`\n${message}\n`);
  process.exit(1);
}
