/**
 * One compose file while it is extracted: its parsed document, the project variables read
 * from the `.env` beside it, the files read (dependencies) and the result being built.
 */
import type { Document, Scalar } from 'yaml';
import { isScalar } from 'yaml';
import type { EnvAssignment, ExtractContext, ExtractResult, Span } from '../../model/facts';
import { emptyResult } from '../../model/facts';
import { dirname, resolvePath } from '../../model/paths';
import { interpolate, type EnvLookup, type Interpolation } from '../docker/interpolation';
import type { SpecProblem } from '../docker/publish';
import { parseDotenv } from '../dotenv';
import { placePart } from './place';
import { deref, scalarText } from './syntax';

/** Env files tried, in order, when the compose file's folder has no `.env`. */
const ENV_FALLBACKS = ['env.example', '.env.example'];

/** A compose file's extraction state. */
export class ComposeFile {
  readonly result: ExtractResult = emptyResult();
  /** The compose file's path and folder (the project directory). */
  readonly file: string;
  readonly dir: string;
  private readonly vars = new Map<string, EnvAssignment>();
  /** The project variables (from `.env`), for interpolation. */
  readonly lookup: EnvLookup = (name) => this.vars.get(name);

  constructor(
    readonly ctx: ExtractContext,
    readonly doc: Document,
  ) {
    this.file = ctx.path;
    this.dir = dirname(ctx.path);
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
