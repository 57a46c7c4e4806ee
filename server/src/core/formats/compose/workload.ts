/**
 * The parts of a compose service's {@link Workload} besides its ports (compose-spec `spec.md`,
 * "services"): `environment` (list and map form), `env_file` (string, list, long form with
 * `path`), bind mounts in `volumes` (short `src:dst[:mode]` and long `type: bind`) and
 * `command` (string or list).
 */
import { isMap, isNode, isScalar, isSeq, type Node } from 'yaml';
import type { EnvAssignment, Span } from '../../model/facts';
import { resolvePath } from '../../model/paths';
import { interpolate, type SourcedText } from '../docker/interpolation';
import { parseDotenv } from '../dotenv';
import type { ComposeFile } from './scope';
import { entries, nodeSpan, scalarText } from './syntax';

/** An assignment whose value comes from the project environment (`- KEY`, `KEY:`). */
function fromProject(f: ComposeFile, name: string, nameSpan: Span): EnvAssignment | undefined {
  const found = f.lookup(name);
  if (!found) return undefined;
  const a: EnvAssignment = { name, value: found.value, nameLocation: { file: f.file, span: nameSpan }, valueLocation: found.valueLocation };
  if (found.valueOffsets) a.valueOffsets = found.valueOffsets;
  return a;
}

/** An assignment whose value is (part of) a scalar of this file, interpolated. */
function assignment(f: ComposeFile, name: string, nameSpan: Span, src: SourcedText, valueSpan: Span): EnvAssignment {
  const r = interpolate(src, f.file, f.lookup);
  const a: EnvAssignment = { name, value: r.value, nameLocation: { file: f.file, span: nameSpan }, valueLocation: { file: f.file, span: valueSpan } };
  const offsets = r.origins.map((o) => (o.file === f.file ? o.offset : o.start));
  const plain = offsets.length === valueSpan.end - valueSpan.start && offsets.every((o, k) => o === valueSpan.start + k);
  if (!plain) a.valueOffsets = offsets;
  return a;
}

/** One `- KEY=value` or `- KEY` entry of the list form. */
function listEntry(f: ComposeFile, raw: unknown): EnvAssignment | undefined {
  const item = f.deref(raw);
  if (!isScalar(item) || item.value === null) return undefined;
  const src = scalarText(f.ctx.text, item);
  const eq = src.value.indexOf('=');
  const nameLen = eq < 0 ? src.value.length : eq;
  if (nameLen === 0) return undefined;
  const nameSpan = { start: src.offsets[0]!, end: src.offsets[nameLen - 1]! + 1 };
  const name = src.value.slice(0, nameLen);
  if (eq < 0) return fromProject(f, name, nameSpan);
  const vsrc = { value: src.value.slice(eq + 1), offsets: src.offsets.slice(eq + 1) };
  const at = src.offsets[eq]! + 1;
  const valueSpan = vsrc.value.length ? { start: vsrc.offsets[0]!, end: vsrc.offsets[vsrc.offsets.length - 1]! + 1 } : { start: at, end: at };
  return assignment(f, name, nameSpan, vsrc, valueSpan);
}

/**
 * `environment` in list form (`- KEY=value`; `- KEY` takes KEY from the project environment)
 * or map form (`KEY: value`; `KEY:` with no value likewise), interpolated, in file order.
 * Keys without a value anywhere are left out.
 */
export function environment(f: ComposeFile, node: unknown): EnvAssignment[] {
  const out: EnvAssignment[] = [];
  const env = f.deref(node);
  if (isSeq(env)) {
    for (const raw of env.items) {
      const a = listEntry(f, raw);
      if (a) out.push(a);
    }
  } else if (isMap(env)) {
    for (const [name, pair] of entries(f.doc, env)) {
      const nameSpan = isNode(pair.key) ? nodeSpan(pair.key as Node) : { start: 0, end: 0 };
      const v = f.deref(pair.value);
      if (!isScalar(v) || v.value === null) {
        const a = fromProject(f, name, nameSpan);
        if (a) out.push(a);
        continue;
      }
      const src = scalarText(f.ctx.text, v);
      const valueSpan = src.value.length
        ? { start: src.offsets[0]!, end: src.offsets[src.offsets.length - 1]! + 1 }
        : { start: nodeSpan(v).start, end: nodeSpan(v).start };
      out.push(assignment(f, name, nameSpan, src, valueSpan));
    }
  }
  return out;
}

/**
 * The assignments of the service's `env_file`s, each resolved against the compose file's folder
 * and read as a `.env` file with the project variables for interpolation; a missing file gives
 * nothing (but is a dependency).
 */
export function envFiles(f: ComposeFile, node: unknown): EnvAssignment[] {
  const n = f.deref(node);
  const items = isSeq(n) ? n.items.map((x) => f.deref(x)) : [n];
  const out: EnvAssignment[] = [];
  for (const item of items) {
    let p: string | undefined;
    if (isScalar(item)) p = f.str(item);
    else if (isMap(item)) p = f.str(entries(f.doc, item).get('path')?.value);
    if (!p) continue;
    const path = resolvePath(f.dir, p);
    const text = f.read(path);
    if (text !== undefined) out.push(...parseDotenv(path, text, { lookup: f.lookup }));
  }
  return out;
}

/** True when a volume source is a host path (bind mount) rather than a named volume. */
function isHostPath(src: string): boolean {
  return src.startsWith('/') || src.startsWith('.') || src.startsWith('~');
}

/** Absolute host path of a bind-mount source; "~/..." stays as written (the home is unknown). */
function hostPath(dir: string, src: string): string {
  return src.startsWith('~') ? src : resolvePath(dir, src);
}

/** The bind mounts of `volumes`: host path (absolute, or "~/..." as written) to container path. */
export function volumes(f: ComposeFile, node: unknown): { source: string; target: string }[] {
  const n = f.deref(node);
  const out: { source: string; target: string }[] = [];
  if (!isSeq(n)) return out;
  for (const raw of n.items) {
    const item = f.deref(raw);
    if (isScalar(item)) {
      const v = f.str(item) ?? '';
      const parts = v.split(':');
      if (parts.length < 2 || !isHostPath(parts[0]!) || !parts[1]) continue;
      if (unknownPrefix(item.value, parts[0]!)) continue;
      out.push({ source: hostPath(f.dir, parts[0]!), target: parts[1] });
    } else if (isMap(item)) {
      const m = entries(f.doc, item);
      const type = f.str(m.get('type')?.value);
      const source = f.str(m.get('source')?.value);
      const target = f.str(m.get('target')?.value);
      if (!source || !target) continue;
      if (type === 'bind' || (type === undefined && isHostPath(source))) out.push({ source: hostPath(f.dir, source), target });
    }
  }
  return out;
}

/**
 * Whether a short-syntax volume's raw text starts with a variable (`${DIR}/x.conf:…`, `$DIR/…`)
 * that interpolated to nothing, leaving `host` (the interpolated host part) as only the known rest.
 */
function unknownPrefix(raw: unknown, host: string): boolean {
  if (typeof raw !== 'string') return false;
  const m = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)(\/[^$:]+):/.exec(raw);
  return m !== null && m[1] === host;
}

/**
 * The bind mounts of `volumes` whose host path is an unknown variable followed by a literal rest
 * (`${PYTEST_MODULE_PATH}/custom-fallback.conf:/etc/nginx/conf.d/default.conf`): `under` is the
 * compose file's directory, `suffix` the rest without its leading `/`. Anything else (a second
 * variable, `..` in the rest, a variable that has a value) yields nothing here.
 */
export function suffixVolumes(f: ComposeFile, node: unknown): { under: string; suffix: string; target: string }[] {
  const n = f.deref(node);
  const out: { under: string; suffix: string; target: string }[] = [];
  if (!isSeq(n)) return out;
  for (const raw of n.items) {
    const item = f.deref(raw);
    if (!isScalar(item)) continue;
    const parts = (f.str(item) ?? '').split(':');
    if (parts.length < 2 || !parts[1] || !unknownPrefix(item.value, parts[0]!)) continue;
    const suffix = parts[0]!.replace(/^\/+|\/+$/g, '');
    if (suffix === '' || suffix.split('/').some((s) => s === '..' || s === '.')) continue;
    out.push({ under: f.dir, suffix, target: parts[1] });
  }
  return out;
}

/**
 * compose `build` (compose-spec build.md): a string is the context; a map has `context` (default
 * `.`), `dockerfile` (default `Dockerfile`, relative to the context) and `target` (the stage
 * built). Paths come back absolute.
 * `undefined` when absent, for a remote context (URL, `git@`) or a `dockerfile_inline`.
 */
export function build(f: ComposeFile, node: unknown): { context: string; dockerfile: string; target?: string } | undefined {
  const n = f.deref(node);
  let context: string | undefined;
  let dockerfile = 'Dockerfile';
  let target: string | undefined;
  if (isScalar(n)) context = f.str(n);
  else if (isMap(n)) {
    const m = entries(f.doc, n);
    if (m.has('dockerfile_inline')) return undefined;
    context = m.has('context') ? f.str(m.get('context')?.value) : '.';
    dockerfile = f.str(m.get('dockerfile')?.value) ?? dockerfile;
    target = f.str(m.get('target')?.value);
  }
  if (context === undefined || context === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')) return undefined;
  const ctx = resolvePath(f.dir, context);
  return { context: ctx, dockerfile: resolvePath(ctx, dockerfile), ...(target ? { target } : {}) };
}

/** `command` as words: a list as written, a string split like a shell ({@link splitCommand}). */
export function command(f: ComposeFile, node: unknown): string[] {
  const n = f.deref(node);
  if (isScalar(n) && n.value !== null) return splitCommand(f.str(n) ?? '');
  if (isSeq(n)) return n.items.map((x) => f.str(x) ?? '');
  return [];
}

/**
 * Splits a command string into words as compose does for a string `command`: blanks separate,
 * '…' and "…" group (a backslash escapes inside "…"), a backslash escapes outside quotes.
 * An unclosed quote runs to the end. Never throws.
 */
export function splitCommand(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = '';
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}
