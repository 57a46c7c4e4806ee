/**
 * The part of the Dockerfile grammar Portolan needs: which build-context paths `COPY` and `ADD`
 * instructions copy into the image (Dockerfile reference, "COPY", "ADD", "Format").
 *
 * - An instruction is a line; a `\` (or the `# escape=` directive's character) as the last
 *   non-blank character continues it on the next line; lines starting with `#` are comments,
 *   also inside a continued instruction.
 * - `COPY [--chown=…] [--chmod=…] [--link] <src>... <dest>` and the JSON-array form
 *   `COPY ["<src>",... "<dest>"]`; the same for `ADD`. Flags are words starting with `--`.
 * - `FROM <image|stage> [AS <name>]` starts a stage; `WORKDIR` sets where relative destinations go.
 * - `COPY --from=<stage>` copies what an earlier stage holds: followed back to the context paths
 *   that stage copied; `--from=<image>` (not a stage of this file) copies nothing from the context.
 *   `ADD` sources that are URLs (`scheme://`) or git refs (`git@…`) are ignored.
 *
 * One pass over the text, linear in its length. Never throws.
 */
import { resolvePath } from '../../model/paths';

/**
 * One context path copied into the image: `source` relative to the build context (as written,
 * unquoted, or derived through a `COPY --from=<stage>`); `dest` the destination as written, made
 * absolute against the stage's `WORKDIR` (a file or a directory: Portolan cannot tell).
 */
export interface DockerCopy {
  instruction: 'COPY' | 'ADD';
  source: string;
  dest: string;
}

/** The logical instructions of a Dockerfile: keyword (upper case) and the rest of the line(s) joined by blanks. */
function instructions(text: string): { keyword: string; args: string }[] {
  const out: { keyword: string; args: string }[] = [];
  let escape = '\\';
  const lines = text.split(/\r?\n/);
  let cur: string | undefined;
  let directives = true;
  for (const raw of lines) {
    const line = raw.trim();
    if (directives) {
      const d = /^#\s*escape\s*=\s*([\\`])\s*$/i.exec(line);
      if (d) { escape = d[1]!; continue; }
      if (!/^#\s*[a-z]+\s*=/i.test(line)) directives = false;
    }
    if (line.startsWith('#') || (line === '' && cur === undefined)) continue;
    const continued = line.endsWith(escape);
    const body = continued ? line.slice(0, -1) : line;
    cur = cur === undefined ? body : `${cur} ${body}`;
    if (continued) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(cur);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]! });
    cur = undefined;
  }
  if (cur !== undefined) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(cur);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

/** The words of a JSON array `["a", "b"]`, or `undefined` when `s` is not one. */
function jsonWords(s: string): string[] | undefined {
  if (!s.startsWith('[')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return undefined;
  }
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Whether an `ADD` source is fetched from elsewhere (URL, git) rather than the context. */
function isRemote(src: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(src) || /^git@/.test(src);
}

/** The words of a COPY/ADD after its flags, and the value of `--from` (undefined without one). */
function copyWords(args: string): { from?: string; words: string[] } | undefined {
  const text = args.trim();
  const flagRe = /--([a-z-]+)(?:=(\S*))?\s*/iy;
  let from: string | undefined;
  let at = 0;
  for (let flag = flagRe.exec(text); flag; flag = flagRe.exec(text)) {
    if (flag[1]!.toLowerCase() === 'from') from = flag[2] ?? '';
    at = flagRe.lastIndex;
  }
  const rest = text.slice(at);
  if (rest.startsWith('<<')) return undefined;
  const words = jsonWords(rest) ?? rest.split(/\s+/).filter((w) => w !== '');
  return words.length < 2 ? undefined : from === undefined ? { words } : { from, words };
}

/** At most this many copies are kept per stage, so chains of `COPY --from=` stay linear. */
const MAX_STAGE_COPIES = 1000;

/** One build stage: its name (lower case, `FROM … AS name`), working directory and context copies. */
interface Stage {
  name?: string;
  workdir: string;
  copies: DockerCopy[];
  /** True when this stage (or a stage of this file it is built FROM) sets ENTRYPOINT or CMD. */
  ownProgram: boolean;
  /** The image the stage is built from, through this file's stages, as written (`nginx:1.27-alpine`). */
  base?: string;
}

/** What the image of one stage holds of the context, and whether it starts a program of its own. */
export interface DockerImage {
  copies: DockerCopy[];
  /**
   * True when the stage, or a stage of this file it is built `FROM`, sets `ENTRYPOINT` or `CMD`:
   * the container then starts what the Dockerfile says, not the base image's own program.
   */
  ownProgram: boolean;
  /**
   * The image the stage is built `FROM`, followed through this file's own stages, as written
   * (`nginx:1.27-alpine`, `${BASE}`); `undefined` for `FROM scratch` or no `FROM`.
   */
  base?: string;
}

/**
 * The context paths `COPY`/`ADD` put into the image, in order: those of the target stage (the
 * stage named `target`, compose `build.target`; else the last stage), with what it inherits from a
 * stage it is built `FROM`. A `COPY --from=<stage>` of a path that an earlier stage copied from the
 * context yields that context path (a path below a copied directory as the same path below the
 * source; `source` is then relative to the context and may name a file that does not exist, when
 * the source was a file rather than a directory). `--from=` another image, remote `ADD` sources,
 * heredocs and instructions without a destination yield nothing. `dest` is absolute in the image.
 * Linear in `text` (a `--from` adds at most 1000 copies to a stage); never throws.
 */
export function dockerCopies(text: string, target?: string): DockerCopy[] {
  return dockerImage(text, target).copies;
}

/**
 * {@link dockerCopies}, {@link DockerImage.ownProgram} and {@link DockerImage.base} of the target stage (`target`, else the
 * last). An unknown target holds nothing. Linear in `text`; never throws.
 */
export function dockerImage(text: string, target?: string): DockerImage {
  const stages: Stage[] = [];
  let cur: Stage = { workdir: '/', copies: [], ownProgram: false };
  for (const { keyword, args } of instructions(text)) {
    if (keyword === 'FROM') {
      const words = args.split(/\s+/).filter((w) => !w.startsWith('--') && w !== '');
      const base = stages.find((st) => st.name !== undefined && st.name === words[0]?.toLowerCase());
      cur = { workdir: base?.workdir ?? '/', copies: base ? [...base.copies] : [], ownProgram: base?.ownProgram ?? false };
      const image = base ? base.base : words[0] === undefined || words[0].toLowerCase() === 'scratch' ? undefined : words[0];
      if (image !== undefined) cur.base = image;
      if (words[1]?.toUpperCase() === 'AS' && words[2]) cur.name = words[2].toLowerCase();
      stages.push(cur);
      continue;
    }
    if (keyword === 'ENTRYPOINT' || keyword === 'CMD') {
      cur.ownProgram = true;
      continue;
    }
    if (keyword === 'WORKDIR') {
      if (args.trim()) cur.workdir = resolvePath(cur.workdir, args.trim());
      continue;
    }
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const parsed = copyWords(args);
    if (!parsed) continue;
    const { words } = parsed;
    const destWord = words[words.length - 1]!;
    const dest = resolvePath(cur.workdir, destWord);
    for (const source of words.slice(0, -1)) {
      if (parsed.from === undefined) {
        if (keyword === 'ADD' && isRemote(source)) continue;
        cur.copies.push({ instruction: keyword, source, dest });
        continue;
      }
      const from = parsed.from.toLowerCase();
      const stage = /^\d+$/.test(from) ? stages[Number(from)] : stages.find((st) => st.name === from);
      if (!stage || stage === cur) continue;
      const path = resolvePath(stage.workdir, source);
      for (const c of stage.copies) {
        for (const src of contextSources(c, path)) if (cur.copies.length < MAX_STAGE_COPIES) cur.copies.push({ instruction: keyword, source: src, dest });
      }
    }
  }
  const chosen = !stages.length ? cur : target === undefined ? stages[stages.length - 1]! : stages.find((st) => st.name === target.toLowerCase());
  if (!chosen) return { copies: [], ownProgram: false };
  return chosen.base === undefined ? { copies: chosen.copies, ownProgram: chosen.ownProgram } : { copies: chosen.copies, ownProgram: chosen.ownProgram, base: chosen.base };
}

/**
 * The context paths that may be at image path `path` after copy `c` (whose `dest` is the
 * destination as written, a file or a directory): its source when `path` is the destination;
 * below it, the same relative path below the source (a directory's contents are copied) and, when
 * the relative path is the source's name, the source itself (a file copied into a directory).
 */
function contextSources(c: DockerCopy, path: string): string[] {
  if (path === c.dest) return [c.source];
  const prefix = c.dest === '/' ? '/' : c.dest + '/';
  if (!path.startsWith(prefix)) return [];
  const rel = path.slice(prefix.length);
  const src = c.source.replace(/\/+$/, '');
  if (src === '.' || src === '') return [rel];
  const out = [`${src}/${rel}`];
  if (rel === src.slice(src.lastIndexOf('/') + 1)) out.push(src);
  return out;
}
