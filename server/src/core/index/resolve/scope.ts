/**
 * What resolution reads of the whole workspace when it resolves one part of it (a group of
 * hosts, see `../shards.ts`): bind mounts and Dockerfile copies are matched against every file
 * with a format, wherever it is placed. Resolving the whole snapshot at once needs no scope.
 */
import type { FormatId } from '../../model/facts';

export interface ResolveScope {
  /** Every file with a format in the workspace (absolute paths), sorted. */
  readonly files: readonly string[];
  /** The format of a file in {@link files}; `undefined` for any other path. */
  formatOf(path: string): FormatId | undefined;
}
