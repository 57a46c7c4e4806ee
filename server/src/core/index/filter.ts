/**
 * Which files of a workspace folder Portolan reads: the `portolan.include` and
 * `portolan.exclude` settings (and the CLI's `--include`/`--exclude`), as globs relative to the
 * folder in picomatch syntax with `/` separators.
 */
import picomatch from 'picomatch';

/** Include and exclude globs of one workspace folder. */
export interface FileFilterOptions {
  /** When non-empty, only files matching one of these are read. */
  include?: readonly string[];
  /** Files matching one of these are never read (exclude wins over include). */
  exclude?: readonly string[];
}

/**
 * A predicate on a path relative to its folder (`deploy/nginx/site.conf`, no leading `/`).
 * Globs that are empty strings or not strings are ignored; picomatch's syntax errors make that
 * glob match nothing rather than throw.
 */
export function fileFilter(options: FileFilterOptions): (relativePath: string) => boolean {
  const compile = (globs: readonly string[] | undefined) =>
    (globs ?? []).filter((g) => typeof g === 'string' && g !== '').map((g) => {
      try {
        return picomatch(g, { dot: true });
      } catch {
        return () => false;
      }
    });
  const include = compile(options.include);
  const exclude = compile(options.exclude);
  return (rel) => (include.length === 0 || include.some((m) => m(rel))) && !exclude.some((m) => m(rel));
}
