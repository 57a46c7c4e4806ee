/** Paths that host-level files (units, scripts, top-level compose files) hand to compose. */
import { yamlTooDeep } from '../../formats/compose/syntax';
import { parseDocument } from 'yaml';
import type { ShellWord } from '../../model/facts';
import { parseUnitFile } from '../../formats/systemd';
import { systemdWords } from '../../formats/systemd/command-line';
import { splitCommands } from '../../formats/shell/words';
import { commandWords } from '../../formats/shell/normalize';

/** A path written in a host-level file (a unit, a script, a compose file), with what it should name. */
export interface PathMention {
  word: string;
  kind: 'file' | 'dir';
  /** What the mention is, for the reason: "docker compose -f app1/compose.yaml". */
  what: string;
  offset: number;
}

/** The words after a compose command in `words` that name files or directories. */
function composePaths(words: readonly string[]): { word: string; kind: 'file' | 'dir'; flag: string }[] {
  let i = words.findIndex((w, k) => (/(^|\/)(docker|podman)$/.test(w) && words[k + 1] === 'compose') || /(^|\/)(docker|podman)-compose$/.test(w));
  if (i < 0) return [];
  i += /-compose$/.test(words[i]!) ? 1 : 2;
  const out: { word: string; kind: 'file' | 'dir'; flag: string }[] = [];
  for (; i < words.length; i++) {
    const w = words[i]!;
    const m = /^(-f|--file|--project-directory|--env-file)(?:=(.*))?$/.exec(w) ?? (/^-f(.+)$/.exec(w) ? ['', '-f', w.slice(2)] : null);
    if (!m) continue;
    const value = m[2] ?? words[++i];
    if (value === undefined) break;
    out.push({ word: value, kind: m[1] === '--project-directory' ? 'dir' : 'file', flag: m[1]! });
  }
  return out;
}

/** True when the words run compose. */
function runsCompose(words: readonly string[]): boolean {
  return words.some((w, k) => (/(^|\/)(docker|podman)$/.test(w) && words[k + 1] === 'compose') || /(^|\/)(docker|podman)-compose$/.test(w));
}

/** Paths a shell script hands to compose (or `cd`s into before running compose). */
export function shellMentions(text: string): PathMention[] {
  let commands: ShellWord[][];
  try {
    commands = splitCommands(text).map((c) => commandWords(c));
  } catch {
    return [];
  }
  const out: PathMention[] = [];
  const anyCompose = commands.some((c) => runsCompose(c.map((w) => w.value)));
  if (!anyCompose) return out;
  // A `cd`/`pushd` counts only when compose runs there: before the next cd, pushd or popd
  // (penpot's manage.sh pushds into docker/images only to run `docker build`).
  let pending: PathMention | undefined;
  for (const c of commands) {
    const values = c.map((w) => w.value);
    if ((values[0] === 'cd' || values[0] === 'pushd') && values[1] !== undefined) {
      pending = { word: values[1], kind: 'dir', what: `${values[0]} ${values[1]}`, offset: c[0]!.span.start };
      continue;
    }
    if (values[0] === 'popd') {
      pending = undefined;
      continue;
    }
    if (pending && runsCompose(values)) {
      out.push(pending);
      pending = undefined;
    }
    for (const p of composePaths(values)) out.push({ word: p.word, kind: p.kind, what: `compose ${p.flag} ${p.word}`, offset: c[0]!.span.start });
  }
  return out;
}

/** Paths a systemd unit works in or hands to compose. */
export function unitMentions(text: string): PathMention[] {
  const out: PathMention[] = [];
  let entries;
  try {
    entries = parseUnitFile(text).value.entries;
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.section !== 'Service') continue;
    if (e.key === 'WorkingDirectory') {
      const v = e.value.replace(/^-/, '');
      if (v !== '' && v !== '~') out.push({ word: v, kind: 'dir', what: `WorkingDirectory=${v}`, offset: e.keySpan.start });
    } else if (/^Exec/.test(e.key)) {
      let words: string[];
      try {
        words = systemdWords(e.value).map((w) => w.value);
      } catch {
        continue;
      }
      for (const p of composePaths(words)) out.push({ word: p.word, kind: p.kind, what: `${e.key}=… ${p.flag} ${p.word}`, offset: e.keySpan.start });
    }
  }
  return out;
}

/** Paths a top-level compose file names: `include`, `build`, `extends.file`, `env_file`. */
export function composeMentions(text: string): PathMention[] {
  const out: PathMention[] = [];
  let data: unknown;
  if (yamlTooDeep(text)) return out; // yaml's recursion could overflow (formats/compose/syntax.ts)
  try {
    data = parseDocument(text, { prettyErrors: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return out;
  }
  const add = (v: unknown, kind: 'file' | 'dir', key: string) => {
    if (typeof v !== 'string' || v === '') return;
    const at = text.indexOf(v);
    out.push({ word: v, kind, what: `${key}: ${v}`, offset: at < 0 ? 0 : at });
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
  if (typeof data !== 'object' || data === null) return out;
  const doc = data as Record<string, unknown>;
  for (const inc of list(doc['include'])) {
    if (typeof inc === 'string') add(inc, 'file', 'include');
    else if (typeof inc === 'object' && inc !== null) {
      for (const p of list((inc as Record<string, unknown>)['path'])) add(p, 'file', 'include');
      add((inc as Record<string, unknown>)['project_directory'], 'dir', 'include');
    }
  }
  const services = doc['services'];
  if (typeof services !== 'object' || services === null) return out;
  for (const svc of Object.values(services as Record<string, unknown>)) {
    if (typeof svc !== 'object' || svc === null) continue;
    const s = svc as Record<string, unknown>;
    const build = s['build'];
    if (typeof build === 'string') add(build, 'dir', 'build');
    else if (typeof build === 'object' && build !== null) add((build as Record<string, unknown>)['context'], 'dir', 'build');
    const ext = s['extends'];
    if (typeof ext === 'object' && ext !== null) add((ext as Record<string, unknown>)['file'], 'file', 'extends');
    for (const e of list(s['env_file'])) add(typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['path'] : e, 'file', 'env_file');
  }
  return out;
}
