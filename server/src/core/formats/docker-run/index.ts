/**
 * `docker run` command lines (docker CLI reference, "docker container run"): published ports
 * (`-p`/`--publish`), `--expose`, environment (`-e`/`--env`, `--env-file`), `--name`,
 * `--network`/`--net`, bind mounts (`-v`/`--volume`, `--mount type=bind`), the image and its
 * arguments. Value-taking options are known by name so that the image is found correctly.
 *
 * Facts, per `-p` spec (grammar: `parsePublishSpec` in `../docker/publish.ts`): a `bind` of the
 * published host port in the host namespace (instance "docker-run:<name or image>") and a
 * `reference` to the container target in the container's namespace ("docker:<name or image>").
 * With `--network host`, `-p` is ignored by Docker and the targets (and `--expose` ports) are
 * host binds (see `../docker/container.ts`). With `--rm` and without `-d`/`--detach` the run is a
 * one-shot in the foreground: its binds and workload are marked `transient`.
 */
import type { EnvAssignment, ExtractContext, ExtractedFact, FileFinding, ShellWord, Span, Workload } from '../../model/facts';
import { dockerNetns, exposeFact, parseNetworkMode, publishFacts, type Container, type PortPlace } from '../docker/container';
import { parseExpose } from '../docker/expose';
import { parsePublishSpec, type PortPart, type SpecProblem } from '../docker/publish';
import { parseDotenv } from '../dotenv';
import { dirname, resolvePath } from '../../model/paths';
import { wordSpan } from '../context';

/** Short options of `docker run` that take a value. */
const SHORT_VALUE = new Set(['a', 'c', 'e', 'h', 'l', 'm', 'p', 'u', 'v', 'w']);

/** Long options of `docker run` that take a value (without the leading `--`). */
const LONG_VALUE = new Set(
  (
    'add-host annotation attach blkio-weight blkio-weight-device cap-add cap-drop cgroup-parent cgroupns cidfile ' +
    'cpu-count cpu-percent cpu-period cpu-quota cpu-rt-period cpu-rt-runtime cpu-shares cpus cpuset-cpus cpuset-mems ' +
    'detach-keys device device-cgroup-rule device-read-bps device-read-iops device-write-bps device-write-iops ' +
    'dns dns-opt dns-option dns-search domainname entrypoint env env-file expose gpus group-add health-cmd ' +
    'health-interval health-retries health-start-interval health-start-period health-timeout hostname ' +
    'io-maxbandwidth io-maxiops ip ip6 ipc isolation kernel-memory label label-file link link-local-ip ' +
    'log-driver log-opt mac-address memory memory-reservation memory-swap memory-swappiness mount name net ' +
    'net-alias network network-alias oom-score-adj pid pids-limit platform publish pull restart runtime ' +
    'security-opt shm-size stop-signal stop-timeout storage-opt sysctl tmpfs ulimit user userns uts volume ' +
    'volume-driver volumes-from workdir'
  ).split(' '),
);

/** Long names of the short value options, for `detail`. */
const LONG_OF: Record<string, string> = { e: 'env', h: 'hostname', l: 'label', m: 'memory', p: 'publish', u: 'user', v: 'volume', w: 'workdir' };

/** One option occurrence with its value. */
interface Opt {
  /** Long name without dashes ("publish", "env", ...), short ones mapped through {@link LONG_OF}. */
  name: string;
  /** The option as written ("-p", "--publish"). */
  flag: string;
  word: ShellWord;
  /** Index in `word.value` where the value starts. */
  from: number;
}

/** The options, image and arguments of a `docker run` command. */
interface RunCommand {
  /** The `run` word. */
  runWord: ShellWord;
  opts: Opt[];
  image?: ShellWord;
  /** The words after the image, unquoted. */
  args: string[];
  /** Flags given without a value: `rm`, `detach` (from `-d`), `interactive`, ... (long names). */
  flags: Set<string>;
}

/** Long names of the boolean short options that matter here. */
const SHORT_FLAG: Record<string, string> = { d: 'detach', i: 'interactive', t: 'tty' };

/**
 * True when a boolean long flag is on: `--rm`, `--rm=true`; `--rm=false` turns it off.
 * `undefined` when the word is not that flag.
 */
function boolFlag(v: string, name: string): boolean | undefined {
  if (v === `--${name}`) return true;
  if (!v.startsWith(`--${name}=`)) return undefined;
  return v.slice(name.length + 3).toLowerCase() !== 'false';
}

/**
 * Reads `docker [container] run [options] image [args]`: `undefined` when the words are not a
 * `docker run`. Long options take their value after `=` or, when known to take one, as the next
 * word; a group of short options ("-dit", "-dp 80:80", "-p8080:80", "-p=...") ends at its first
 * value option. `--` ends the options.
 */
function readRunCommand(words: ShellWord[]): RunCommand | undefined {
  let i = 1;
  if (words[i]?.value === 'container') i++;
  if (words[i]?.value !== 'run') return undefined;
  const runWord = words[i]!;
  i++;
  const opts: Opt[] = [];
  const flags = new Set<string>();
  let image: ShellWord | undefined;
  for (; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (v === '--') {
      i++;
      image = words[i];
      break;
    }
    if (v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      const name = v.slice(2, eq < 0 ? v.length : eq);
      if (!LONG_VALUE.has(name)) {
        const on = boolFlag(v, name);
        if (on === true) flags.add(name);
        else if (on === false) flags.delete(name);
      }
      if (eq >= 0) opts.push({ name, flag: `--${name}`, word: w, from: eq + 1 });
      else if (LONG_VALUE.has(name) && i + 1 < words.length) opts.push({ name, flag: v, word: words[++i]!, from: 0 });
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let k = 1; k < v.length; k++) {
        const c = v[k]!;
        if (!SHORT_VALUE.has(c)) {
          if (SHORT_FLAG[c]) flags.add(SHORT_FLAG[c]);
          continue;
        }
        const name = LONG_OF[c] ?? c;
        if (k + 1 < v.length) opts.push({ name, flag: `-${c}`, word: w, from: v[k + 1] === '=' ? k + 2 : k + 1 });
        else if (i + 1 < words.length) opts.push({ name, flag: `-${c}`, word: words[++i]!, from: 0 });
        break;
      }
      continue;
    }
    image = w;
    break;
  }
  const args = image ? words.slice(i + 1).map((w) => w.value) : [];
  return image ? { runWord, opts, image, args, flags } : { runWord, opts, args, flags };
}

/** An option's value. */
function valueOf(o: Opt): string {
  return o.word.value.slice(o.from);
}

/** Source span of `[from, to)` of an option's value. */
function at(o: Opt, from: number, to: number): Span {
  return wordSpan(o.word, o.from + from, o.from + to);
}

/** A literal place of `[from, to)` of an option's value. */
function place(file: string, o: Opt, from: number, to: number): PortPlace {
  const location = { file, span: at(o, from, to) };
  return { location, valueLocation: location, derivation: { kind: 'literal' } };
}

/** What the options of one command yield. */
interface RunOutput {
  facts: ExtractedFact[];
  findings: FileFinding[];
  env: EnvAssignment[];
  volumes: { source: string; target: string }[];
}

function report(out: RunOutput, o: Opt, problems: SpecProblem[]): void {
  for (const p of problems) out.findings.push({ rule: 'invalid-port', span: at(o, p.from, p.to), message: p.message });
}

/** `-p` / `--publish`. */
function publish(out: RunOutput, file: string, c: Container, o: Opt): void {
  const { spec, problems } = parsePublishSpec(valueOf(o));
  if (!spec || problems.length) return report(out, o, problems);
  const side = (p: PortPart | undefined) => (p?.range ? { range: p.range, place: place(file, o, p.from, p.to) } : undefined);
  const mapping = { protocol: spec.protocol, hostIp: spec.hostIp?.text, hostIpUnknown: spec.hostIpUnknown === true, published: side(spec.published), target: side(spec.target) };
  out.facts.push(...publishFacts(c, mapping, o.flag));
}

/** `--expose`. The docker CLI passes an unknown protocol on unchecked: it is read as tcp. */
function expose(out: RunOutput, file: string, c: Container, o: Opt): void {
  const { spec, problems } = parseExpose(valueOf(o), { label: '--expose value', unknownProtocol: 'tcp' });
  if (!spec) return report(out, o, problems);
  if (!spec.ports.range) return;
  out.facts.push(exposeFact(c, { range: spec.ports.range, place: place(file, o, spec.ports.from, spec.ports.to) }, spec.protocol, o.flag));
}

/** `-e KEY=value` / `--env`; `-e KEY` takes the caller's environment, unknown here. */
function env(out: RunOutput, file: string, o: Opt): void {
  const value = valueOf(o);
  const eq = value.indexOf('=');
  if (eq <= 0) return;
  out.env.push({
    name: value.slice(0, eq),
    value: value.slice(eq + 1),
    nameLocation: { file, span: at(o, 0, eq) },
    valueLocation: { file, span: at(o, eq + 1, value.length) },
    valueOffsets: o.word.offsets.slice(o.from + eq + 1),
  });
}

/** `--mount type=bind,source=...,target=...` (also `src`, `destination`, `dst`). */
function mount(out: RunOutput, dir: string, value: string): void {
  const kv = new Map<string, string>();
  for (const item of value.split(',')) {
    const e = item.indexOf('=');
    kv.set(e < 0 ? item : item.slice(0, e), e < 0 ? 'true' : item.slice(e + 1));
  }
  const source = kv.get('source') ?? kv.get('src');
  const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
  if (kv.get('type') === 'bind' && source && target) out.volumes.push({ source: resolvePath(dir, source), target });
}

/** The option's facts, findings, environment or bind mount, into `out`. */
function option(out: RunOutput, ctx: ExtractContext, c: Container, o: Opt): void {
  const dir = dirname(ctx.path);
  switch (o.name) {
    case 'publish':
      return publish(out, ctx.path, c, o);
    case 'expose':
      return expose(out, ctx.path, c, o);
    case 'env':
      return env(out, ctx.path, o);
    case 'env-file': {
      const path = resolvePath(dir, valueOf(o));
      const text = ctx.read(path);
      // docker's --env-file takes values literally: quotes stay, no interpolation.
      if (text !== undefined) out.env.push(...parseDotenv(path, text, { literal: true }));
      return;
    }
    case 'volume': {
      const parts = valueOf(o).split(':');
      if (parts.length >= 2 && /^[/.~]/.test(parts[0]!) && parts[1]) {
        out.volumes.push({ source: parts[0]!.startsWith('~') ? parts[0]! : resolvePath(dir, parts[0]!), target: parts[1] });
      }
      return;
    }
    case 'mount':
      return mount(out, dir, valueOf(o));
  }
}

/**
 * Facts, findings and the workload of one `docker run` command. `words` are the command's words
 * starting at `docker` (`docker run ...` or `docker container run ...`; a leading `sudo` already
 * removed). Paths (`--env-file`, bind sources) resolve against the script's folder. Returns no
 * workload when no image is found. Never throws.
 */
export function dockerRunFacts(
  words: ShellWord[],
  ctx: ExtractContext,
): { facts: ExtractedFact[]; findings: FileFinding[]; workload?: Workload } {
  const cmd = readRunCommand(words);
  if (!cmd) return { facts: [], findings: [] };
  const last = (n: string) => [...cmd.opts].reverse().find((o) => o.name === n);
  const nameOpt = last('name');
  const who = nameOpt ? valueOf(nameOpt) : cmd.image?.value ?? 'docker';
  const networkOpt = last('network') ?? last('net');
  const networkMode = networkOpt ? valueOf(networkOpt) : undefined;
  const mode = parseNetworkMode(networkMode);
  const c: Container = {
    name: who,
    instance: `docker-run:${who}`,
    netns: mode.kind === 'host' ? undefined : dockerNetns(mode.kind === 'container' ? mode.name : who),
    hostNetwork: mode.kind === 'host',
  };
  const out: RunOutput = { facts: [], findings: [], env: [], volumes: [] };
  for (const o of cmd.opts) option(out, ctx, c, o);
  // `--rm` without `-d`: a one-shot run in the foreground (certbot --standalone, a migration);
  // its ports are held only while the command runs, so it conflicts with no long-running service.
  const transient = cmd.flags.has('rm') && !cmd.flags.has('detach');
  if (transient) for (const f of out.facts) if (f.kind === 'bind') f.transient = true;
  for (const a of out.env) if (a.valueOffsets && isPlain(a)) delete a.valueOffsets;
  if (!cmd.image) return { facts: out.facts, findings: out.findings };
  const workload: Workload = {
    kind: 'docker-run',
    name: who,
    image: cmd.image.value,
    args: cmd.args,
    env: out.env,
    volumes: out.volumes,
    instance: c.instance,
    location: { file: ctx.path, span: { start: words[0]!.span.start, end: cmd.runWord.span.end } },
  };
  if (networkMode !== undefined) workload.networkMode = networkMode;
  if (transient) workload.transient = true;
  if (c.netns !== undefined) workload.netns = c.netns;
  return { facts: out.facts, findings: out.findings, workload };
}

/** True when an assignment's value offsets are the plain run from its value span's start. */
function isPlain(a: EnvAssignment): boolean {
  const s = a.valueLocation.span.start;
  return a.valueOffsets!.length === a.valueLocation.span.end - s && a.valueOffsets!.every((o, k) => o === s + k);
}
