/**
 * One compose file while it is extracted: its parsed document, the project variables read
 * from the `.env` beside it, the files read (dependencies) and the result being built.
 */
import type { Document, Pair, Scalar } from 'yaml';
import { isMap, isScalar } from 'yaml';
import type { EnvAssignment, ExtractContext, ExtractResult, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { dirname, resolvePath } from '../../model/paths';
import { interpolate, type EnvLookup, type Interpolation } from '../docker/interpolation';
import type { SpecProblem } from '../docker/publish';
import { parseDotenv } from '../dotenv';
import { placePart } from './place';
import { deref, entries, parseComposeYaml, scalarText } from './syntax';

/** Env files tried, in order, when the compose file's folder has no `.env`. */
const ENV_FALLBACKS = ['env.example', '.env.example'];

/** A compose file's extraction state. */
export class ComposeFile {
  readonly result: ExtractResult;
  /** The compose file's path and folder (the project directory). */
  readonly file: string;
  readonly dir: string;
  private readonly vars: Map<string, EnvAssignment>;
  /** The `services` entries of this document, computed once (see {@link serviceEntries}). */
  private servicesMemo: Map<string, Pair> | null | undefined;

  /** The entries of the top-level `services` mapping (merge keys applied), `null` without one. */
  serviceEntries(): Map<string, Pair> | null {
    if (this.servicesMemo === undefined) {
      const root = this.doc.contents;
      const services = isMap(root) ? this.deref(entries(this.doc, root).get('services')?.value) : undefined;
      this.servicesMemo = isMap(services) ? entries(this.doc, services) : null;
    }
    return this.servicesMemo;
  }

  /** compose `container_name`s of this file's services, to the service name (filled by extraction). */
  readonly containerNames = new Map<string, string>();
  /** Files read for `extends.file`, by path (`null`: missing or not parsing), shared with `project`. */
  private readonly others: Map<string, ComposeFile | null>;
  /** The project variables (from `.env`), for interpolation. */
  readonly lookup: EnvLookup = (name) => this.vars.get(name);

  /**
   * `ctx` and `doc` are the file being read; `project`, when given, is the compose file being
   * extracted, whose result, dependencies and project variables this one shares (a file named by
   * `extends.file`, read for the extending service).
   */
  constructor(
    readonly ctx: ExtractContext,
    readonly doc: Document,
    project?: ComposeFile,
  ) {
    this.file = ctx.path;
    this.dir = dirname(ctx.path);
    this.result = project ? project.result : emptyResult();
    this.vars = project ? project.vars : new Map();
    this.others = project ? project.others : new Map();
  }

  /**
   * The compose file at `path` read on behalf of this one (see {@link other}), parsed once per
   * extraction; this file itself for its own path; `undefined` when it is not in the workspace
   * or does not parse.
   */
  otherFile(path: string): ComposeFile | undefined {
    if (path === this.file) return this;
    let o = this.others.get(path);
    if (o === undefined) {
      const text = this.read(path);
      const doc = text === undefined ? undefined : parseComposeYaml(text).value;
      o = text === undefined || !doc ? null : this.other(path, text, doc);
      this.others.set(path, o);
    }
    return o ?? undefined;
  }

  /**
   * Another compose file (`path`, parsed `doc`) read on behalf of this one: spans and
   * interpolation in its text, with this file's result and project variables.
   */
  other(path: string, text: string, doc: Document): ComposeFile {
    const ctx = this.ctx;
    return new ComposeFile({ path, text, read: (p) => ctx.read(p), files: () => ctx.files() }, doc, this);
  }

  /** Reads a file through the context and records it as a dependency (present or not). */
  read(path: string): string | undefined {
    if (!this.result.dependencies.includes(path)) this.result.dependencies.push(path);
    return this.ctx.read(path);
  }

  /**
   * Loads the project variables from `.env` in the compose file's folder or, when there is
   * none, from the first of {@link ENV_FALLBACKS} that exists (docker compose reads only
   * `.env`; the templates stand in for it in a repository that does not commit one).
   */
  loadEnv(): void {
    for (const name of ['.env', ...ENV_FALLBACKS]) {
      const path = resolvePath(this.dir, name);
      const text = this.read(path);
      if (text === undefined) continue;
      for (const a of parseDotenv(path, text)) this.vars.set(a.name, a);
      return;
    }
  }

  /** Follows aliases of a node of this document. */
  deref(node: unknown): unknown {
    return deref(this.doc, node);
  }

  /** Interpolates a scalar node of this file; unset variables yield `unset`. */
  interp(node: Scalar, unset = ''): Interpolation {
    return interpolate(scalarText(this.ctx.text, node), this.file, this.lookup, unset);
  }

  /** Interpolated string value of a (possibly aliased) scalar node, or `undefined` for non-scalars. */
  str(node: unknown): string | undefined {
    const n = this.deref(node);
    return isScalar(n) ? this.interp(n).value : undefined;
  }

  /** Reports `invalid-port` problems, given at indices of `interp.value`, at their places in this file. */
  problems(interp: Interpolation, problems: SpecProblem[]): void {
    for (const p of problems) this.invalidPort(placePart(interp, this.file, p.from, p.to).location.span, p.message);
  }

  private invalidPort(span: Span, message: string): void {
    this.result.findings.push({ rule: 'invalid-port', span, message });
  }
}
