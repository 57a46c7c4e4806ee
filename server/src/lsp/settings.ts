/**
 * A workspace folder's `portolan` settings as the client sends them (untrusted JSON), checked
 * and compiled, and the folder's host name.
 */
import { fileFilter } from '../core/index/filter';
import type { HostMapping, Root } from '../core/index/workspace';
import { parseRuleSettings, withCrossProjectConflicts, type RuleSettings } from '../core/rules';

/**
 * The `portolan` settings section of one workspace folder, as the client sends it (untrusted
 * JSON: every field is checked before use).
 */
export interface PortolanSettings {
  /** Path glob (relative to the workspace folder) to host name. */
  hostMap?: Record<string, string>;
  /** Rule id to severity or "off". */
  rules?: Record<string, string>;
  /** `portolan.crossProjectConflicts`: report `project-conflict` notes. */
  crossProjectConflicts?: boolean;
  /** Globs (relative to the folder) of the only files to read; empty means every candidate file. */
  include?: string[];
  /** Globs (relative to the folder) of files never to read. */
  exclude?: string[];
  /** `portolan.live.enabled`: hover and completion consult the live machine's sockets. */
  live?: { enabled?: boolean };
}

/** A folder's settings, checked and compiled. */
export interface FolderSettings {
  rules: RuleSettings;
  hostMap: HostMapping[];
  accept: (relativePath: string) => boolean;
  /** include/exclude as given, to tell whether the file set must be re-read. */
  filterKey: string;
  /** `portolan.live.enabled`. */
  live: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** Checks and compiles one folder's settings; anything malformed counts as absent. `root` scopes its host map. */
export function folderSettings(s: PortolanSettings | null | undefined, root: Root | undefined): FolderSettings {
  const raw = typeof s === 'object' && s !== null ? s : {};
  const map = typeof raw.hostMap === 'object' && raw.hostMap !== null ? raw.hostMap : {};
  const hostMap = Object.entries(map)
    .filter(([g, h]) => typeof g === 'string' && typeof h === 'string' && g !== '' && h !== '')
    .map(([glob, host]) => (root ? { glob, host, root: root.path } : { glob, host }));
  const include = strings(raw.include);
  const exclude = strings(raw.exclude);
  const live = typeof raw.live === 'object' && raw.live !== null && raw.live.enabled === true;
  return { rules: withCrossProjectConflicts(parseRuleSettings(raw.rules), raw.crossProjectConflicts === true), hostMap, accept: fileFilter({ include, exclude }), filterKey: JSON.stringify([include, exclude]), live };
}

/**
 * The host name of a workspace folder: the client's `WorkspaceFolder.name`, unless it is empty
 * or a path (Neovim sends the folder's path as its name), then the folder's last path segment
 * (`/` for the file system's root).
 */
export function folderName(name: string, path: string): string {
  if (name !== '' && !name.includes('/')) return name;
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}
