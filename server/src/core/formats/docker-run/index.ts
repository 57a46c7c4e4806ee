/**
 * `docker run` command lines (docker CLI reference, "docker container run"): published ports
 * (`-p`/`--publish`), `--expose`, environment (`-e`/`--env`, `--env-file`), `--name`,
 * `--network`/`--net`, bind mounts (`-v`/`--volume`, `--mount type=bind`), the image and its
 * arguments. Value-taking options are known by name so that the image is found correctly.
 *
 * Facts, per `-p` spec (grammar: {@link parsePublishSpec}): a `bind` of the published host port in
 * the host namespace (instance "docker-run:<name or image>") and a `reference` to the container
 * target in the container's namespace ("docker:<name or image>"). With `--network host`, `-p` is
 * ignored by Docker and the targets (and `--expose` ports) are host binds.
 */
import type { EnvAssignment, ExtractContext, ExtractedFact, FileFinding, PortRange, ShellWord, Span, Workload } from '../../model/facts';
import { parsePortPart, parsePublishSpec, type SpecProblem } from '../compose';
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
  const facts: ExtractedFact[] = [];
  const findings: FileFinding[] = [];
  try {
    let i = 1;
    if (words[i]?.value === 'container') i++;
    if (words[i]?.value !== 'run') return { facts, findings };
    const runWord = words[i]!;
    i++;
    const opts: Opt[] = [];
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
        if (eq >= 0) opts.push({ name, flag: `--${name}`, word: w, from: eq + 1 });
        else if (LONG_VALUE.has(name) && i + 1 < words.length) opts.push({ name, flag: v, word: words[++i]!, from: 0 });
        continue;
      }
      if (v.startsWith('-') && v.length > 1) {
        // A group of short options: booleans ("-dit"), possibly ending with a value option ("-dp 80:80", "-p8080:80", "-p=...").
        for (let k = 1; k < v.length; k++) {
          const c = v[k]!;
          if (!SHORT_VALUE.has(c)) continue;
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
    const last = (n: string) => [...opts].reverse().find((o) => o.name === n);
    const nameOpt = last('name');
    const who = nameOpt ? nameOpt.word.value.slice(nameOpt.from) : image?.value ?? 'docker';
    const networkOpt = last('network') ?? last('net');
    const networkMode = networkOpt?.word.value.slice(networkOpt.from);
    const host = networkMode === 'host';
    const instance = `docker-run:${who}`;
    let netns: string | undefined = `docker:${who}`;
    if (host) netns = undefined;
    else if (networkMode?.startsWith('container:')) netns = `docker:${networkMode.slice(10)}`;
    const dir = dirname(ctx.path);
    const env: EnvAssignment[] = [];
    const volumes: { source: string; target: string }[] = [];

    const at = (o: Opt, from: number, to: number): Span => wordSpan(o.word, o.from + from, o.from + to);
    const report = (o: Opt, problems: SpecProblem[]) => {
      for (const p of problems) findings.push({ rule: 'invalid-port', span: at(o, p.from, p.to), message: p.message });
    };
    const place = (o: Opt, from: number, to: number) => {
      const location = { file: ctx.path, span: at(o, from, to) };
      return { location, valueLocation: location, derivation: { kind: 'literal' as const } };
    };

    for (const o of opts) {
      const value = o.word.value.slice(o.from);
      switch (o.name) {
        case 'publish': {
          const { spec, problems } = parsePublishSpec(value);
          if (!spec || problems.length) {
            report(o, problems);
            break;
          }
          const base = { protocol: spec.protocol, owner: who };
          const target = spec.target.range;
          const published: PortRange | undefined = spec.published?.range;
          if (host) {
            if (target) facts.push({ ...base, kind: 'bind', ports: target, instance, ...place(o, spec.target.from, spec.target.to), detail: o.flag });
            break;
          }
          if (published) {
            const bind: ExtractedFact = { ...base, kind: 'bind', ports: published, instance, ...place(o, spec.published!.from, spec.published!.to), detail: o.flag };
            if (spec.hostIp) bind.address = spec.hostIp.text;
            facts.push(bind);
          }
          if (target) {
            const ref: ExtractedFact = { ...base, kind: 'reference', ports: target, address: who, ...place(o, spec.target.from, spec.target.to), detail: `${o.flag} target` };
            if (netns !== undefined) ref.netns = netns;
            if (published) ref.publishedBy = published;
            facts.push(ref);
          }
          break;
        }
        case 'expose': {
          const slash = value.indexOf('/');
          const end = slash < 0 ? value.length : slash;
          const proto = slash < 0 ? 'tcp' : value.slice(slash + 1).toLowerCase();
          const problems: SpecProblem[] = [];
          const part = parsePortPart(value, 0, end, problems);
          if (!part) problems.push({ from: 0, to: value.length, message: `malformed --expose value "${value}": expected a port or range with an optional /protocol` });
          if (problems.length) {
            report(o, problems);
            break;
          }
          if (!part?.range) break;
          const fact: ExtractedFact = {
            kind: 'bind',
            ports: part.range,
            protocol: proto === 'udp' || proto === 'sctp' ? proto : 'tcp',
            owner: who,
            instance,
            ...place(o, 0, end),
            detail: o.flag,
          };
          if (!host) fact.address = who;
          if (netns !== undefined) fact.netns = netns;
          facts.push(fact);
          break;
        }
        case 'env': {
          const eq = value.indexOf('=');
          if (eq <= 0) break; // "-e KEY": taken from the caller's environment, unknown here
          env.push({
            name: value.slice(0, eq),
            value: value.slice(eq + 1),
            nameLocation: { file: ctx.path, span: at(o, 0, eq) },
            valueLocation: { file: ctx.path, span: at(o, eq + 1, value.length) },
            valueOffsets: o.word.offsets.slice(o.from + eq + 1),
          });
          break;
        }
        case 'env-file': {
          const path = resolvePath(dir, value);
          const text = ctx.read(path);
          // docker's --env-file takes values literally: quotes stay, no interpolation.
          if (text !== undefined) env.push(...parseDotenv(path, text, { literal: true }));
          break;
        }
        case 'volume': {
          const parts = value.split(':');
          if (parts.length >= 2 && /^[/.~]/.test(parts[0]!) && parts[1]) {
            volumes.push({ source: parts[0]!.startsWith('~') ? parts[0]! : resolvePath(dir, parts[0]!), target: parts[1] });
          }
          break;
        }
        case 'mount': {
          const kv = new Map<string, string>();
          for (const item of value.split(',')) {
            const e = item.indexOf('=');
            kv.set(e < 0 ? item : item.slice(0, e), e < 0 ? 'true' : item.slice(e + 1));
          }
          const source = kv.get('source') ?? kv.get('src');
          const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
          if (kv.get('type') === 'bind' && source && target) volumes.push({ source: resolvePath(dir, source), target });
          break;
        }
      }
    }
    for (const a of env) if (a.valueOffsets && isPlain(a)) delete a.valueOffsets;
    if (!image) return { facts, findings };
    const workload: Workload = {
      kind: 'docker-run',
      name: who,
      image: image.value,
      args,
      env,
      volumes,
      instance,
      location: { file: ctx.path, span: { start: words[0]!.span.start, end: runWord.span.end } },
    };
    if (networkMode !== undefined) workload.networkMode = networkMode;
    if (netns !== undefined) workload.netns = netns;
    return { facts, findings, workload };
  } catch {
    return { facts, findings };
  }
}

/** True when an assignment's value offsets are the plain run from its value span's start. */
function isPlain(a: EnvAssignment): boolean {
  const s = a.valueLocation.span.start;
  return a.valueOffsets!.length === a.valueLocation.span.end - s && a.valueOffsets!.every((o, k) => o === s + k);
}
