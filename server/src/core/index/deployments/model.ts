/** The deployment model: workspace folders, files, projects and where each file runs. */
import type { ExtractResult, FormatId } from '../../model/facts';
import type { PathMention } from './mentions';

/** A workspace folder: absolute POSIX path and name (the default host name). */
export interface LayoutRoot {
  path: string;
  name: string;
}

/** One file of a folder as the inference sees it. */
export interface LayoutFile {
  /** Absolute POSIX path under the folder. */
  path: string;
  /** The format that reads it; undefined when none does. */
  format?: FormatId;
  text: string;
  /** The extraction in effect (the last good one while the file does not parse). */
  result?: ExtractResult;
}

/**
 * Which rule placed a file: `host-map` (a `portolan.hostMap` glob, applied by the index),
 * `mirror` (rule 1), `project` (rule 2, its own host), `mounted` (rule 2, joined the project
 * that mounts or reads it), `root` (in no project: the folder's host, or a project at the top
 * level), `test-tree` (rule 3), `tied` (rule 4), `outside` (in no workspace folder).
 */
export type PlacementRule = 'host-map' | 'mirror' | 'project' | 'mounted' | 'root' | 'test-tree' | 'tied' | 'outside';

/** Where one file runs and why. */
export interface Placement {
  host: string;
  /**
   * The compose project the file belongs to, relative to its folder: a directory
   * ("samples/app1"), a compose file run on its own ("tests/mysql.yml"), or "" for a project
   * at the folder's top level. Undefined when the file is in no project.
   */
  project?: string;
  rule: PlacementRule;
  /**
   * For a compose file of a project: its position in the order compose merges the project's files
   * (0 for the first; later files override earlier ones). Undefined for other files.
   */
  composeOrder?: number;
  /** One sentence for hover and the Ports view, without the host: "compose project samples/app1, its own host (...)". */
  reason: string;
}

/** A compose project. */
export interface Project {
  /** Relative to the folder: a directory, or a compose file's path when it runs on its own; "" at the top level. */
  id: string;
  /** Relative directory of the project ("" at the top level). */
  dir: string;
  /** True when the project is one compose file (`id` is that file), not a directory. */
  single: boolean;
  /** Absolute paths of its compose files, in the order compose merges them (included files last). */
  files: string[];
  /** The test tree it is under (relative directory), if any. */
  testTree?: string;
  host: string;
  rule: PlacementRule;
  reason: string;
}

/**
 * Paths each file's extraction result mentions, kept by the caller between inferences so an
 * edit re-reads only the edited file's units, scripts and compose files.
 */
export type DeploymentMemo = WeakMap<ExtractResult, readonly PathMention[]>;

/** The inferred layout of one workspace folder. */
export interface DeploymentLayout {
  /** The evidence for rule 1 ("etc/nginx/nginx.conf"), when the folder mirrors a file system. */
  readonly mirror?: string;
  readonly projects: readonly Project[];
  /** Placement of any path under the folder (also of paths not in the file list). */
  placementOf(path: string): Placement;
}
