/**
 * Quick-fix candidates for an `rtcd-mismatch` about an ICE port published on another host port
 * (../../rules/ice.ts, `data.fix === 'ice-host-port'`). Pure; the caller re-checks every candidate.
 *
 * 1. Make the server advertise the published port: set the host-port override that is in effect
 *    and wrong to the published port (the environment assignment's digits, or the TOML/JSON
 *    value's digits), or add one: an `environment` entry of the compose service in the style of
 *    its existing entries (list `- NAME=value` or map `NAME: value`, same indentation and
 *    quoting; a new list before `ports:` when there is none), `-e NAME=value` after the
 *    `docker run` publish option, or, for rtcd with a config file, `ice_host_port_override = N`
 *    in its `[rtc]` table.
 * 2. Make the mapping symmetric: publish the container port on the same host port.
 */
import { yamlTooDeep } from '../../formats/compose/syntax';
import { isMap, isScalar, isSeq, parseDocument, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { PortFact } from '../../model/facts';
import type { PortDiagnostic } from '../../rules';
import type { PlacedWorkload, Snapshot } from '../../index/workspace';
import { digitsEdit } from './port';
import { lineAt, lineBreakOf, type TextEdit } from './text';

/** A fix's title and edits. */
export interface IceFix {
  title: string;
  edits: TextEdit[];
}

/** What the fixes need from the workspace. */
export interface IceFixContext {
  snap: Snapshot;
  textOf(file: string): string | undefined;
}

/** Inserts `newLine` after the line holding `offset`, with the file's line break. */
function insertAfterLine(file: string, text: string, offset: number, newLine: string, label: string): TextEdit {
  const line = lineAt(text, offset);
  const lb = lineBreakOf(text);
  return line.break.end > line.span.end
    ? { file, span: { start: line.break.end, end: line.break.end }, newText: newLine + lb, label }
    : { file, span: { start: line.span.end, end: line.span.end }, newText: lb + newLine, label };
}

function keyIs(p: Pair, name: string): boolean {
  return isScalar(p.key) && p.key.value === name;
}

function quoteOf(n: unknown): string {
  if (!isScalar(n)) return '';
  return n.type === 'QUOTE_DOUBLE' ? '"' : n.type === 'QUOTE_SINGLE' ? "'" : '';
}

/**
 * The edit that adds `name=value` to compose service `service`'s environment in `text`, in the
 * style of its entries; `undefined` when the file does not parse, the service is not a block
 * mapping, it merges another mapping (`<<:`, whose environment a new key would replace), or its
 * environment is written in flow style or empty, or the file nests too deeply to read.
 */
export function composeEnvEdit(file: string, text: string, service: string, name: string, value: string): TextEdit | undefined {
  if (yamlTooDeep(text)) return undefined; // yaml's recursion could overflow (formats/compose/syntax.ts)
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const services = (doc.contents as YAMLMap).items.find((p) => keyIs(p, 'services'))?.value;
  if (!isMap(services) || services.flow) return undefined;
  const svc = services.items.find((p) => keyIs(p, service))?.value;
  if (!isMap(svc) || svc.flow || svc.items.some((p) => keyIs(p, '<<'))) return undefined;
  const label = 'ICE host-port override';
  const env = svc.items.find((p) => keyIs(p, 'environment'));
  if (env) {
    const v = env.value;
    if (isSeq(v) && !v.flow && v.items.length > 0) {
      const last = v.items[v.items.length - 1] as Scalar;
      if (!isScalar(last) || !last.range) return undefined;
      const first = lineAt(text, last.range[0]);
      const prefix = /^[ \t]*-[ \t]+/.exec(text.slice(first.span.start, last.range[0]));
      if (!prefix || prefix[0].length !== last.range[0] - first.span.start) return undefined;
      const q = quoteOf(last);
      return insertAfterLine(file, text, last.range[1], `${prefix[0]}${q}${name}=${value}${q}`, label);
    }
    if (isMap(v) && !v.flow && v.items.length > 0) {
      const last = v.items[v.items.length - 1]!;
      const key = last.key as Scalar;
      if (!isScalar(key) || !key.range) return undefined;
      const line = lineAt(text, key.range[0]);
      const indent = text.slice(line.span.start, key.range[0]);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      const end = isScalar(last.value) && last.value.range ? last.value.range[1] : key.range[1];
      const q = quoteOf(last.value);
      return insertAfterLine(file, text, end, `${indent}${name}: ${q}${value}${q}`, label);
    }
    return undefined;
  }
  // No environment yet: a list before `ports:`, indented as the ports items are.
  const ports = svc.items.find((p) => keyIs(p, 'ports'));
  const key = ports?.key as Scalar | undefined;
  if (!ports || !isScalar(key) || !key.range) return undefined;
  const keyLine = lineAt(text, key.range[0]);
  const indent = text.slice(keyLine.span.start, key.range[0]);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  let item = `${indent}  - `;
  const firstItem = isSeq(ports.value) && !ports.value.flow ? ports.value.items[0] : undefined;
  if (isScalar(firstItem) && firstItem.range) {
    const l = lineAt(text, firstItem.range[0]);
    const m = /^[ \t]*-[ \t]+/.exec(text.slice(l.span.start, firstItem.range[0]));
    if (m && m[0].length === firstItem.range[0] - l.span.start) item = m[0];
  }
  const lb = lineBreakOf(text);
  return { file, span: { start: keyLine.span.start, end: keyLine.span.start }, newText: `${indent}environment:${lb}${item}${name}=${value}${lb}`, label };
}

/** ` -e NAME=value` after the `docker run` word that holds the published port (`-p 9443:8443/udp`). */
function dockerRunEnvEdit(file: string, text: string, bind: PortFact, name: string, value: string): TextEdit | undefined {
  let end = bind.location.span.end;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  return { file, span: { start: end, end }, newText: ` -e ${name}=${value}`, label: 'ICE host-port override' };
}

/** `ice_host_port_override = N` in the `[rtc]` table of an rtcd config.toml, after its ICE port keys. */
function tomlOverrideEdit(file: string, text: string, value: number): TextEdit | undefined {
  const header = /^[ \t]*\[rtc\][ \t]*(#.*)?$/m.exec(text);
  if (!header) return undefined;
  const from = header.index + header[0].length;
  const next = /^[ \t]*\[/m.exec(text.slice(from));
  const section = text.slice(from, next ? from + next.index : text.length);
  let anchor = header.index;
  const keys = /^[ \t]*ice_port_(udp|tcp)[ \t]*=.*$/gm;
  for (let m = keys.exec(section); m; m = keys.exec(section)) anchor = from + m.index;
  return insertAfterLine(file, text, anchor, `ice_host_port_override = ${value}`, 'ICE host-port override');
}

function lastEnv(w: PlacedWorkload, name: string) {
  let found: PlacedWorkload['env'][number] | undefined;
  for (const e of w.env) if (e.name === name) found = e;
  return found;
}

/** Candidate groups (alternatives of one fix each) for an ICE host-port finding; empty when the data is not one. */
export function iceHostPortFixes(ctx: IceFixContext, d: PortDiagnostic): IceFix[][] {
  const data = d.data ?? {};
  const published = data['published'];
  const container = data['container'];
  const variable = data['variable'];
  if (data['fix'] !== 'ice-host-port' || typeof published !== 'number' || typeof container !== 'number' || typeof variable !== 'string') return [];
  const { snap } = ctx;
  const w = snap.workloads.find((x) => x.instance === data['instance']);
  const bind = snap.facts.find((f) => f.kind === 'bind' && f.location.file === d.location.file && f.location.span.start === d.location.span.start && f.location.span.end === d.location.span.end);
  if (!w || !bind) return [];
  const out: IceFix[][] = [];
  const value = String(published);
  const advertise: IceFix[] = [];
  const setTitle = `Advertise host port ${published} in ICE host candidates`;
  const env = lastEnv(w, variable);
  const overrideRole = data['server'] === 'rtcd' ? 'rtcd-ice-host-port-override' : 'calls-ice-host-port-override';
  const written = snap.facts.filter((f) => f.role === overrideRole && !f.shadowed && f.host === w.host && (f.netns === w.netns || f.instance === w.instance));
  if (env && env.value.trim() !== '') {
    // The variable in effect is wrong: rewrite its digits.
    const t = ctx.textOf(env.valueLocation.file)?.slice(env.valueLocation.span.start, env.valueLocation.span.end);
    if (t !== undefined && t === env.value && /^\s*\d+\s*$/.test(t) && !env.valueOffsets) {
      const lead = t.length - t.trimStart().length;
      const span = { start: env.valueLocation.span.start + lead, end: env.valueLocation.span.start + lead + t.trim().length };
      advertise.push({ title: `${setTitle}: set ${variable} to ${published}`, edits: [{ file: env.valueLocation.file, span, newText: value, label: 'ICE host-port override' }] });
    }
  } else if (written.length === 1) {
    const e = digitsEdit(ctx.textOf, written[0]!, written[0]!.ports.start, published, 'ICE host-port override');
    if ('edit' in e) advertise.push({ title: `${setTitle}: set ${written[0]!.detail} to ${published}`, edits: [e.edit] });
  } else if (written.length === 0) {
    const text = ctx.textOf(bind.location.file);
    if (text !== undefined) {
      const edit = w.kind === 'compose-service' ? composeEnvEdit(bind.location.file, text, w.name, variable, value) : dockerRunEnvEdit(bind.location.file, text, bind, variable, value);
      if (edit) advertise.push({ title: `${setTitle}: add ${variable}=${published} to ${w.name}'s environment`, edits: [edit] });
    }
    if (data['server'] === 'rtcd') {
      const config = snap.facts.find((f) => f.format === 'rtcd-toml' && (f.role === 'rtcd-ice-udp' || f.role === 'rtcd-ice-tcp') && f.netns === w.netns && f.host === w.host);
      const ctext = config ? ctx.textOf(config.location.file) : undefined;
      const edit = config && ctext !== undefined ? tomlOverrideEdit(config.location.file, ctext, published) : undefined;
      if (edit) advertise.push({ title: `${setTitle}: add ice_host_port_override = ${published} to ${snap.display(config!.location.file)}`, edits: [edit] });
    }
  }
  if (advertise.length > 0) out.push(advertise);
  const sym = digitsEdit(ctx.textOf, bind, published, container, 'published port');
  if ('edit' in sym) out.push([{ title: `Publish container port ${container} on host port ${container} (a symmetric mapping)`, edits: [sym.edit] }]);
  return out;
}
