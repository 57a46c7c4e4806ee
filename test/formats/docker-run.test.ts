import * as assert from 'node:assert/strict';
import { dockerRunFacts } from '../../server/src/core/formats/docker-run';
import type { ExtractContext, ExtractedFact, ShellWord } from '../../server/src/core/model/facts';
import { slice } from '../helpers';

const F = '/ws/scripts/run.sh';

/** Splits one command line on blanks, handling simple "double quotes", with per-character offsets. */
function words(line: string): ShellWord[] {
  const out: ShellWord[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    const offsets: number[] = [];
    let quoted = false;
    while (i < line.length && (quoted || line[i] !== ' ')) {
      if (line[i] === '"') quoted = !quoted;
      else {
        value += line[i];
        offsets.push(i);
      }
      i++;
    }
    out.push({ value, span: { start, end: i }, offsets });
  }
  return out;
}

function ctxFor(text: string, others: Record<string, string> = {}, read: string[] = []): ExtractContext {
  const files: Record<string, string> = { ...others, [F]: text };
  return {
    path: F,
    text,
    read: (p) => {
      read.push(p);
      return files[p];
    },
    files: () => Object.keys(files).sort(),
  };
}

function runLine(line: string, others: Record<string, string> = {}) {
  return dockerRunFacts(words(line), ctxFor(line, others));
}

function range(f: ExtractedFact): string {
  return f.ports.start === f.ports.end ? String(f.ports.start) : `${f.ports.start}-${f.ports.end}`;
}

/** "kind owner port/proto address netns detail | span text" lines. */
function lines(line: string, facts: ExtractedFact[]): string[] {
  return facts.map(
    (f) =>
      `${f.kind} ${f.owner} ${range(f)}/${f.protocol} ${f.address ?? '*'} ${f.netns ?? 'host'} ${f.detail}` +
      `${f.publishedBy ? ` <-${f.publishedBy.start}` : ''} | ${slice(line, f.location.span)}`,
  );
}

describe('docker run', () => {
  it('publishes -p host:container with a bind and a container-target reference', () => {
    const line = 'docker run -d --name rtcd -p 8045:8045 -p 8443:8443/udp mattermost/rtcd:latest';
    const r = runLine(line);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(lines(line, r.facts), [
      'bind rtcd 8045/tcp * host -p | 8045',
      'reference rtcd 8045/tcp rtcd docker:rtcd -p target <-8045 | 8045',
      'bind rtcd 8443/udp * host -p | 8443',
      'reference rtcd 8443/udp rtcd docker:rtcd -p target <-8443 | 8443',
    ]);
    assert.equal(r.facts[0]!.location.span.start, line.indexOf('8045'));
    assert.equal(r.facts[1]!.location.span.start, line.indexOf('8045') + 5, 'the target is the second 8045');
    assert.equal(r.facts[0]!.instance, 'docker-run:rtcd');
    assert.deepEqual(r.facts[0]!.derivation, { kind: 'literal' });
    assert.deepEqual(r.facts[0]!.valueLocation, r.facts[0]!.location);
    const w = r.workload!;
    assert.equal(w.kind, 'docker-run');
    assert.equal(w.name, 'rtcd');
    assert.equal(w.image, 'mattermost/rtcd:latest');
    assert.equal(w.instance, 'docker-run:rtcd');
    assert.equal(w.netns, 'docker:rtcd');
    assert.equal(slice(line, w.location.span), 'docker run');
  });

  it('reads -p=, --publish=, --publish, host IPs, ranges and quoted specs exactly', () => {
    const line = 'docker container run -p=8080:80 --publish=127.0.0.1:9000-9001:9000-9001/udp --publish "[::1]:7000:70" -p9090:90 img';
    const r = runLine(line);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(lines(line, r.facts), [
      'bind img 8080/tcp * host -p | 8080',
      'reference img 80/tcp img docker:img -p target <-8080 | 80',
      'bind img 9000-9001/udp 127.0.0.1 host --publish | 9000-9001',
      'reference img 9000-9001/udp img docker:img --publish target <-9000 | 9000-9001',
      'bind img 7000/tcp ::1 host --publish | 7000',
      'reference img 70/tcp img docker:img --publish target <-7000 | 70',
      'bind img 9090/tcp * host -p | 9090',
      'reference img 90/tcp img docker:img -p target <-9090 | 90',
    ]);
    assert.equal(r.workload!.name, 'img', 'without --name the image names the container');
  });

  it('emits only the container target for -p with no published port', () => {
    const line = 'docker run -p 3000 img';
    assert.deepEqual(lines(line, runLine(line).facts), ['reference img 3000/tcp img docker:img -p target | 3000']);
  });

  it('finds the image after value options and boolean groups, and keeps the args', () => {
    const line =
      'docker run -it --rm --restart unless-stopped -w /app --user 1000 -v ./data:/data --entrypoint sh -h box --log-opt max-size=1m --add-host a:1.2.3.4 -l x=y --label z=w --cpus 2 -m 1g --privileged -dp 8080:80 nginx:1.25 -g "daemon off;"';
    const r = runLine(line);
    assert.equal(r.workload!.image, 'nginx:1.25');
    assert.deepEqual(r.workload!.args, ['-g', 'daemon off;']);
    assert.deepEqual(r.workload!.volumes, [{ source: '/ws/scripts/data', target: '/data' }]);
    assert.deepEqual(lines(line, r.facts), [
      'bind nginx:1.25 8080/tcp * host -p | 8080',
      'reference nginx:1.25 80/tcp nginx:1.25 docker:nginx:1.25 -p target <-8080 | 80',
    ]);
  });

  it('does not mistake an option value for the image (near miss)', () => {
    const line = 'docker run --name web --network mynet redis';
    const r = runLine(line);
    assert.equal(r.workload!.image, 'redis');
    assert.equal(r.workload!.networkMode, 'mynet');
    assert.deepEqual(r.facts, []);
  });

  it('reads -e, --env, --env= with exact spans, skips -e KEY, and reads --env-file', () => {
    const line = 'docker run -e RTCD_RTC_ICEPORTUDP=8443 --env "A=a b" --env=B=2 -e FROM_SHELL --env-file ./rtcd.env img';
    const read: string[] = [];
    const r = dockerRunFacts(words(line), ctxFor(line, { '/ws/scripts/rtcd.env': 'C="quoted"\n' }, read));
    const env = r.workload!.env;
    assert.deepEqual(env.map((a) => [a.name, a.value]), [['RTCD_RTC_ICEPORTUDP', '8443'], ['A', 'a b'], ['B', '2'], ['C', '"quoted"']]);
    assert.equal(slice(line, env[0]!.nameLocation.span), 'RTCD_RTC_ICEPORTUDP');
    assert.equal(slice(line, env[0]!.valueLocation.span), '8443');
    assert.equal(env[0]!.valueOffsets, undefined);
    assert.equal(slice(line, env[1]!.valueLocation.span), 'a b');
    assert.equal(slice(line, env[2]!.valueLocation.span), '2');
    assert.equal(env[3]!.valueLocation.file, '/ws/scripts/rtcd.env');
    assert.deepEqual(read, ['/ws/scripts/rtcd.env']);
  });

  it('with --network host, -p is ignored and container ports are host binds', () => {
    const line = 'docker run --network host --name rtcd -p 9443:8443/udp --expose 8045 mattermost/rtcd';
    const r = runLine(line);
    assert.deepEqual(lines(line, r.facts), ['bind rtcd 8443/udp * host -p | 8443', 'bind rtcd 8045/tcp * host --expose | 8045']);
    assert.equal(r.workload!.netns, undefined);
    assert.equal(r.workload!.networkMode, 'host');
    const net = runLine('docker run --net=host img');
    assert.equal(net.workload!.networkMode, 'host');
  });

  it('--expose without host networking binds in the container namespace', () => {
    const line = 'docker run --name db --expose 5432 postgres';
    assert.deepEqual(lines(line, runLine(line).facts), ['bind db 5432/tcp db docker:db --expose | 5432']);
  });

  it('reports invalid ports on their exact text and skips unknown shell values', () => {
    const line = 'docker run -p 70000:80 -p 9000-8000:80 -p abc:80 -p ${PORT}:80 img';
    const r = runLine(line);
    assert.deepEqual(
      r.findings.map((f) => `${f.rule} ${slice(line, f.span)}: ${f.message}`),
      [
        'invalid-port 70000: port 70000 is out of range 1-65535',
        'invalid-port 9000-8000: reversed range 9000-8000: the first port must not exceed the last',
        'invalid-port abc:80: malformed port spec "abc:80": "abc" is not a port or a port range',
      ],
    );
    assert.deepEqual(lines(line, r.facts), ['reference img 80/tcp img docker:img -p target | 80']);
  });

  it('reads --mount type=bind and ignores named volumes', () => {
    const line = 'docker run --mount type=bind,source=/etc/rtcd,target=/config -v named:/data --mount type=volume,src=v,dst=/v img';
    assert.deepEqual(runLine(line).workload!.volumes, [{ source: '/etc/rtcd', target: '/config' }]);
  });

  it('returns nothing for commands that are not docker run', () => {
    assert.deepEqual(runLine('docker ps -a'), { facts: [], findings: [] });
    assert.deepEqual(runLine('docker run'), { facts: [], findings: [] });
    assert.deepEqual(runLine('docker run -p 80:80').workload, undefined);
  });
});
