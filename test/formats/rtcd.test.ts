import * as assert from 'node:assert/strict';
import { rtcdFormat, classifyRtcdEnv, looksLikeRtcdEnv, suggestRtcdKey, RTCD_KEYS } from '../../server/src/core/formats/rtcd';
import { classify } from '../../server/src/core/index/registry';
import { corpusText, extractIn, slice } from '../helpers';

const P = '/ws/etc/rtcd/config.toml';
const run = (text: string, path = P) => extractIn(rtcdFormat, { [path]: text }, path);
const brief = (text: string, r: ReturnType<typeof run>) =>
  r.facts.map((f) => `${f.kind} ${f.role} ${f.ports.start}/${f.protocol} ${f.address ?? '*'} ${f.derivation.kind} ${JSON.stringify(slice(text, f.location.span))}`);

describe('rtcd config.toml (rtcd-toml)', () => {
  it('reads the real sample: API 8045/tcp, media 8443 udp and tcp, no findings', () => {
    const text = corpusText('rtcd/config.sample.toml');
    assert.equal(rtcdFormat.detect('/etc/rtcd/config.toml', text), 'strong');
    assert.equal(classify('/srv/deploy/config.sample.toml', text).mod?.id, 'rtcd-toml');
    const r = run(text);
    assert.deepEqual(r.findings, []);
    assert.equal(r.failed, undefined);
    assert.deepEqual(brief(text, r), [
      'bind rtcd-api 8045/tcp * literal "8045"',
      'bind rtcd-ice-udp 8443/udp * literal "8443"',
      'bind rtcd-ice-tcp 8443/tcp * literal "8443"',
    ]);
    const api = r.facts[0]!;
    assert.equal(text.slice(api.location.span.start - 2, api.location.span.end + 1), '":8045"');
    assert.equal(api.owner, 'rtcd');
    assert.equal(api.instance, `rtcd:${P}`);
    assert.equal(api.detail, 'listen_address');
    assert.deepEqual(api.valueLocation, api.location);
    assert.equal(text.slice(r.facts[1]!.location.span.start - 15, r.facts[1]!.location.span.end), 'ice_port_udp = 8443');
  });

  it('detects by path or by rtcd keys, and not other TOML', () => {
    assert.equal(rtcdFormat.detect('/opt/rtcd.toml', '# empty\n'), 'strong');
    assert.equal(rtcdFormat.detect('/srv/app/config.toml', '[api]\nhttp.listen_address = ":8045"\n'), 'strong');
    assert.equal(rtcdFormat.detect('/srv/app/pyproject.toml', '[tool.poetry]\nname = "x"\n'), false);
    assert.equal(rtcdFormat.detect('/srv/app/config.toml', '[server]\nport = 8080\n'), false);
    assert.equal(rtcdFormat.detect('/etc/rtcd/config.yaml', '[api]\nhttp.listen_address = ":8045"\n'), false);
  });

  it('yields rtcd\'s defaults when keys are absent, on the section header or the first line', () => {
    const text = '# rtcd\n[rtc]\nice_port_udp = 8446\n\n[logger]\nenable_console = true\n';
    const r = run(text);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(brief(text, r), [
      'bind rtcd-api 8045/tcp * default "# rtcd"',
      'bind rtcd-ice-udp 8446/udp * literal "8446"',
      'bind rtcd-ice-tcp 8443/tcp * default "[rtc]"',
    ]);
    const d = r.facts[2]!.derivation;
    assert.ok(d.kind === 'default' && /rtc\.ice_port_tcp/.test(d.note));
  });

  it('uses ice_address_udp/tcp (first of a comma list) and string listen addresses', () => {
    const text = '[api]\nhttp.listen_address = "127.0.0.1:8045"\n[rtc]\nice_address_udp = "10.0.0.5, 10.0.0.6"\nice_port_udp = 8443\nice_address_tcp = "[::]"\nice_port_tcp = 8443\n';
    const r = run(text);
    assert.deepEqual(brief(text, r), [
      'bind rtcd-api 8045/tcp 127.0.0.1 literal "8045"',
      'bind rtcd-ice-udp 8443/udp 10.0.0.5 literal "8443"',
      'bind rtcd-ice-tcp 8443/tcp [::] literal "8443"',
    ]);
    const v6 = run('[api]\nhttp.listen_address = "[::1]:8045"\n');
    assert.equal(v6.facts[0]!.address, '::1');
    assert.equal(slice('[api]\nhttp.listen_address = "[::1]:8045"\n', v6.facts[0]!.location.span), '8045');
  });

  it('reads listen_address written with escapes, on the whole string', () => {
    const text = '[api]\nhttp.listen_address = "\\u003a8046"\n';
    const r = run(text);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(brief(text, r).slice(0, 1), ['bind rtcd-api 8046/tcp * literal "\\"\\\\u003a8046\\""']);
  });

  it('reads literal (single-quoted) strings', () => {
    const text = "[api]\nhttp.listen_address = ':8047'\n";
    assert.equal(slice(text, run(text).facts[0]!.location.span), '8047');
  });

  it('reports ports outside [80, 49151] on the digits and yields no fact for them', () => {
    const text = '[api]\nhttp.listen_address = ":79"\n[rtc]\nice_port_udp = 49152\nice_port_tcp = 80\nice_host_port_override = 65000\n';
    const r = run(text);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['invalid-port', '79'], ['invalid-port', '49152'], ['invalid-port', '65000']]);
    assert.equal(r.findings[1]!.message, 'rtcd accepts ports in [80, 49151]; rtc.ice_port_udp is 49152');
    assert.deepEqual(brief(text, r), ['bind rtcd-ice-tcp 80/tcp * literal "80"']);
  });

  it('reports values of the wrong type and listen addresses without a port', () => {
    const text = '[api]\nhttp.listen_address = "localhost"\n[rtc]\nice_port_udp = "8443"\nice_port_tcp = 8443.5\n';
    const r = run(text);
    assert.deepEqual(r.findings.map((f) => [f.rule, slice(text, f.span)]), [['invalid-port', '"localhost"'], ['invalid-port', '"8443"'], ['invalid-port', '8443.5']]);
    assert.deepEqual(run('[api]\nhttp.listen_address = 8045\n').findings.map((f) => f.message), ['api.http.listen_address must be a string like ":8045"']);
  });

  it('reads ice_host_port_override as an advertised reference, not a bind', () => {
    const text = '[rtc]\nice_port_udp = 8443\nice_host_port_override = 30443\n';
    const f = run(text).facts.find((x) => x.role === 'rtcd-ice-host-port-override')!;
    assert.equal(f.kind, 'reference');
    assert.equal(f.protocol, 'both');
    assert.equal(slice(text, f.location.span), '30443');
    // The advanced "localIP/port,..." string form (config.sample.toml): one reference per pair, on its digits.
    const pairs = '[rtc]\nice_host_port_override = "10.0.0.1/8443, 10.0.0.2/8444"\n';
    const refs = run(pairs).facts.filter((x) => x.role === 'rtcd-ice-host-port-override');
    assert.deepEqual(refs.map((x) => [x.ports.start, x.address, slice(pairs, x.location.span)]), [[8443, '10.0.0.1', '8443'], [8444, '10.0.0.2', '8444']]);
    assert.deepEqual(run('[rtc]\nice_host_port_override = "30443"\n').facts.filter((x) => x.role === 'rtcd-ice-host-port-override').map((x) => x.ports.start), [30443]);
    // Malformed: no fact, an invalid-port on the value.
    const bad = '[rtc]\nice_host_port_override = "10.0.0.1:8443"\n';
    const r = run(bad);
    assert.equal(r.facts.some((x) => x.role === 'rtcd-ice-host-port-override'), false);
    assert.deepEqual(r.findings.map((x) => [x.rule, slice(bad, x.span)]), [['invalid-port', '"10.0.0.1:8443"']]);
  });

  it('reports a syntax error as parse-error at the offset, and fails', () => {
    const text = '[api]\nhttp.listen_address = ":8045"\n[rtc\nice_port_udp = 8443\n';
    const r = run(text);
    assert.equal(r.failed, true);
    assert.deepEqual(r.facts, []);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.rule, 'parse-error');
    assert.match(r.findings[0]!.message, /^TOML syntax error: /);
    const line = text.slice(0, r.findings[0]!.span.start).split('\n').length;
    assert.ok(line === 3 || line === 4, `error on the broken table header (line ${line})`);
    assert.ok(r.findings[0]!.span.end > r.findings[0]!.span.start);
  });

  it('reports keys rtcd does not read, on the key, with a did-you-mean', () => {
    const text = '[api]\nhttp.listen_adress = ":8045"\n[rtc]\nice_port_udp = 8443\nicePortTCP = 8443\n[logging]\nlevel = "debug"\n';
    const r = run(text);
    assert.deepEqual(r.findings.map((f) => [slice(text, f.span), f.suggestion]), [
      ['http.listen_adress', 'api.http.listen_address'],
      ['icePortTCP', 'rtc.ice_port_tcp'],
      ['level', undefined],
    ]);
    assert.match(r.findings[2]!.message, /section \[logging\] is not one of rtcd's/);
  });

  it('accepts every documented key and anything inside ice_servers', () => {
    const text = corpusText('rtcd/config.sample.toml').replace('ice_servers = []', 'ice_servers = [{urls = ["stun:stun.example.com:3478"], username = "u", credential = "c"}]');
    assert.deepEqual(run(text).findings, []);
  });

  it('never throws on odd input', () => {
    for (const t of ['', '\u0000', '[[api]]\nx=1', '[api]\nhttp = 1\nhttp.listen_address = ":1"', 'a = """\n', '[rtc]\nice_port_udp = 1e3']) {
      assert.doesNotThrow(() => run(t));
    }
  });
});

describe('rtcd environment variable names', () => {
  it('knows every key\'s RTCD_ variable and suggests the prefixed name', () => {
    assert.equal(RTCD_KEYS.length, new Set(RTCD_KEYS.map((k) => k.env)).size);
    const hit = classifyRtcdEnv('RTCD_RTC_ICEPORTUDP');
    assert.ok(hit.kind === 'key' && hit.key.key === 'rtc.ice_port_udp');
    assert.deepEqual(classifyRtcdEnv('API_SECURITY_ALLOWSELFREGISTRATION'), { kind: 'unknown', suggestion: 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION' });
    assert.deepEqual(classifyRtcdEnv('RTCD_RTC_ICE_PORT_UDP'), { kind: 'unknown', suggestion: 'RTCD_RTC_ICEPORTUDP' });
    assert.equal(looksLikeRtcdEnv('API_SECURITY_ALLOWSELFREGISTRATION'), true);
    assert.equal(looksLikeRtcdEnv('PATH'), false);
    assert.equal(looksLikeRtcdEnv('GOMAXPROCS'), false);
  });

  it('suggests keys for seed 000\'s names and stays silent on unrelated ones', () => {
    assert.equal(suggestRtcdKey('HTTP.ServerPort'), 'api.http.listen_address');
    assert.equal(suggestRtcdKey('RTC.ICEPortUDP'), 'rtc.ice_port_udp');
    assert.equal(suggestRtcdKey('rtc.ice_port_upd'), 'rtc.ice_port_udp');
    assert.equal(suggestRtcdKey('database.connection_string'), undefined);
  });
});
