import * as assert from 'node:assert/strict';
import { exposeFact, parseNetworkMode, publishFacts, type Container, type PortPlace } from '../../server/src/core/formats/docker/container';
import { parseExpose } from '../../server/src/core/formats/docker/expose';
import { UNSET_MARK } from '../../server/src/core/formats/docker/interpolation';
import { longHostIp, longProtocol, parsePublishField, parsePublishSpec } from '../../server/src/core/formats/docker/publish';

describe('docker publish and expose grammar', () => {
  describe('parsePublishSpec', () => {
    it('splits host_ip, published, target and protocol with indices into the text', () => {
      const t = '127.0.0.1:5000-5010:5000-5010/udp';
      const { spec, problems } = parsePublishSpec(t);
      assert.deepEqual(problems, []);
      assert.equal(t.slice(spec!.hostIp!.from, spec!.hostIp!.to), '127.0.0.1');
      assert.equal(t.slice(spec!.published!.from, spec!.published!.to), '5000-5010');
      assert.deepEqual(spec!.published!.range, { start: 5000, end: 5010 });
      assert.equal(t.slice(spec!.target.from, spec!.target.to), '5000-5010');
      assert.equal(spec!.protocol, 'udp');
    });
    it('reads IPv6 host IPs bare and bracketed', () => {
      assert.equal(parsePublishSpec('::1:6000:6000').spec!.hostIp!.text, '::1');
      const b = parsePublishSpec('[::1]:6001:6001').spec!;
      assert.equal(b.hostIp!.text, '::1');
      assert.equal('[::1]:6001:6001'.slice(b.hostIp!.from, b.hostIp!.to), '::1');
    });
    it('treats an empty published part as an ephemeral port', () => {
      const { spec } = parsePublishSpec(':80');
      assert.equal(spec!.published, undefined);
      assert.deepEqual(spec!.target.range, { start: 80, end: 80 });
    });
    it('reports malformed specs and mismatched ranges', () => {
      assert.match(parsePublishSpec('abc:80').problems[0]!.message, /malformed port spec "abc:80"/);
      assert.match(parsePublishSpec('80:90:100:200').problems[0]!.message, /"80:90" is not an IP address/);
      assert.match(parsePublishSpec('80:80/xyz').problems[0]!.message, /unknown protocol "xyz"/);
      assert.match(parsePublishSpec('8080-8082:80-81').problems[0]!.message, /differ in size/);
      assert.match(parsePublishSpec('8080:80-81').problems[0]!.message, /differ in size/);
      assert.match(parsePublishSpec('').problems[0]!.message, /empty/);
    });
    it('accepts a published range for one target (Docker picks one host port)', () => {
      assert.deepEqual(parsePublishSpec('12400-12500:1240').problems, []);
    });
  });

  describe('long syntax fields', () => {
    it('reads a published or target field as a port or range, unknown values without range', () => {
      assert.deepEqual(parsePublishField('7053-7054').part?.range, { start: 7053, end: 7054 });
      assert.deepEqual(parsePublishField('80'), { part: { text: '80', from: 0, to: 2, range: { start: 80, end: 80 } }, problems: [] });
      const unknown = parsePublishField(`${UNSET_MARK}`);
      assert.deepEqual(unknown.problems, []);
      assert.equal(unknown.part?.range, undefined);
    });
    it('reports out-of-range, reversed and malformed fields and then gives no part', () => {
      assert.deepEqual(parsePublishField('70000'), { problems: [{ from: 0, to: 5, message: 'port 70000 is out of range 1-65535' }] });
      assert.match(parsePublishField('90-80').problems[0]!.message, /reversed range 90-80/);
      assert.deepEqual(parsePublishField('http'), { problems: [{ from: 0, to: 4, message: 'malformed port "http": not a port or a port range' }] });
    });
    it('reads protocol (udp and sctp in any case, tcp otherwise) and host_ip (brackets off, empty is all interfaces)', () => {
      assert.equal(longProtocol('UDP'), 'udp');
      assert.equal(longProtocol('sctp'), 'sctp');
      assert.equal(longProtocol(undefined), 'tcp');
      assert.equal(longProtocol('quic'), 'tcp');
      assert.equal(longHostIp('[::1]'), '::1');
      assert.equal(longHostIp('127.0.0.1'), '127.0.0.1');
      assert.equal(longHostIp(''), undefined);
      assert.equal(longHostIp(undefined), undefined);
    });
  });

  describe('parseExpose', () => {
    const compose = { label: 'expose entry', unknownProtocol: 'problem' } as const;
    const cli = { label: '--expose value', unknownProtocol: 'tcp' } as const;
    it('reads a port or range with an optional protocol, with the port part positions', () => {
      assert.deepEqual(parseExpose('9000-9001/udp', compose), {
        spec: { ports: { text: '9000-9001', from: 0, to: 9, range: { start: 9000, end: 9001 } }, protocol: 'udp' },
        problems: [],
      });
      assert.equal(parseExpose('5432', compose).spec?.protocol, 'tcp');
      assert.equal(parseExpose('5000/SCTP', compose).spec?.protocol, 'sctp');
    });
    it('reports an unknown protocol in compose, reads it as tcp for the docker CLI (near miss)', () => {
      assert.deepEqual(parseExpose('80/xyz', compose).problems.map((p) => p.message), [
        'malformed expose entry "80/xyz": unknown protocol "xyz" (expected tcp, udp or sctp)',
      ]);
      assert.equal(parseExpose('80/xyz', cli).spec?.protocol, 'tcp');
      assert.deepEqual(parseExpose(`80/${UNSET_MARK}`, compose).problems, [], 'an unknown value is no problem');
    });
    it('reports bad ports on the digits and non-ports on the whole entry, with the caller label', () => {
      assert.deepEqual(parseExpose('70000/udp', compose), { problems: [{ from: 0, to: 5, message: 'port 70000 is out of range 1-65535' }] });
      assert.deepEqual(parseExpose('db', cli).problems, [
        { from: 0, to: 2, message: 'malformed --expose value "db": expected a port or range with an optional /protocol' },
      ]);
    });
  });

  describe('container facts', () => {
    const loc = (start: number): PortPlace => {
      const location = { file: '/f', span: { start, end: start + 2 } };
      return { location, valueLocation: location, derivation: { kind: 'literal' } };
    };
    const bridge: Container = { name: 'web', instance: 'compose:/ws#web', netns: 'compose:/ws#web', hostNetwork: false };
    const host: Container = { name: 'web', instance: 'compose:/ws#web', netns: undefined, hostNetwork: true };
    const mapping = {
      protocol: 'udp' as const,
      hostIp: '127.0.0.1',
      published: { range: { start: 8080, end: 8080 }, place: loc(0) },
      target: { range: { start: 80, end: 80 }, place: loc(5) },
    };
    const short = (f: { kind: string; ports: { start: number }; address?: string; netns?: string; detail: string; publishedBy?: { start: number } }) =>
      `${f.kind} ${f.ports.start} ${f.address ?? '*'} ${f.netns ?? 'host'} ${f.detail}${f.publishedBy ? ` <-${f.publishedBy.start}` : ''}`;

    it('a published mapping is a host bind and a container-target reference', () => {
      assert.deepEqual(publishFacts(bridge, mapping, '-p').map(short), ['bind 8080 127.0.0.1 host -p', 'reference 80 web compose:/ws#web -p target <-8080']);
    });
    it('with host networking only the target is bound, on the host (near miss)', () => {
      const facts = publishFacts(host, mapping, 'ports');
      assert.deepEqual(facts.map(short), ['bind 80 * host ports']);
      assert.ok(!('netns' in facts[0]!));
    });
    it('an exposed port binds in the container namespace, or on the host with host networking', () => {
      const ports = { range: { start: 5432, end: 5432 }, place: loc(0) };
      assert.equal(short(exposeFact(bridge, ports, 'tcp', 'expose')), 'bind 5432 web compose:/ws#web expose');
      assert.equal(short(exposeFact(host, ports, 'tcp', 'expose')), 'bind 5432 * host expose');
    });
    it('reads network modes', () => {
      assert.deepEqual(parseNetworkMode('host'), { kind: 'host' });
      assert.deepEqual(parseNetworkMode('service:vpn'), { kind: 'service', name: 'vpn' });
      assert.deepEqual(parseNetworkMode('container:db'), { kind: 'container', name: 'db' });
      assert.deepEqual(parseNetworkMode('bridge'), { kind: 'own' });
      assert.deepEqual(parseNetworkMode('hostile'), { kind: 'own' });
      assert.deepEqual(parseNetworkMode(undefined), { kind: 'own' });
    });
  });
});
