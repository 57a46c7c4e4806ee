/**
 * The example workspace examples/prochat-host must yield exactly the findings listed in
 * examples/README.md ("Expected findings"), and nothing else.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';
import { analyze, at, lineOf } from './memory';

const DIR = path.join(ROOT, 'examples', 'prochat-host').split(path.sep).join('/');

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) Object.assign(out, readTree(p));
    else if (e.isFile()) out[p] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

describe('examples/prochat-host', () => {
  const files = readTree(DIR);
  const a = analyze(files, { roots: [{ path: DIR, name: 'prochat-host' }] });
  const rel = (file: string) => file.slice(DIR.length + 1);
  const where = (d: { location: { file: string; span: { start: number; end: number } } }) => `${rel(d.location.file)}:${lineOf(files, d.location)}`;

  it('reads the whole example', () => {
    assert.ok(Object.keys(files).length >= 15);
    for (const f of ['etc/rtcd/config.toml', 'opt/jitsi/.env', 'etc/nginx/nginx.conf']) assert.ok(files[`${DIR}/${f}`] !== undefined, f);
    assert.ok(a.snap.facts.length > 30);
  });

  it('reports exactly the findings of examples/README.md, on the exact text', () => {
    assert.deepEqual(
      a.diagnostics.map((d) => `${d.rule} ${where(d)} ${at(files, d)}`).sort(),
      [
        'port-conflict etc/nginx/sites-enabled/rtcd:3 8444', // 1
        'port-conflict etc/rtcd/config.toml:7 8444', // 1
        'port-conflict opt/jitsi/docker-compose.yml:8 ${HTTP_PORT}', // 2
        'port-conflict opt/portainer/run-portainer.sh:4 8000', // 2
        'rtcd-mismatch opt/mattermost/config/config.json:53 8443', // 3
        'unknown-rtcd-key etc/systemd/system/rtcd.service:13 API_SECURITY_ALLOWSELFREGISTRATION', // 4
        'unresolved-reference etc/nginx/sites-enabled/jitsi.yourserver.com.conf:27 5280', // 5
        'unresolved-reference etc/nginx/sites-enabled/jitsi.yourserver.com.conf:34 5280', // 5
        'firewall-missing etc/rtcd/config.toml:23 8046', // 6
        'firewall-stale etc/ufw/setup-firewall.sh:18 8045', // 7
        'public-exposure etc/ufw/setup-firewall.sh:22 5432', // 8
        'public-exposure opt/portainer/run-portainer.sh:4 9443', // 9
      ].sort(),
    );
  });

  it('links each finding to the other side named in the README', () => {
    const one = (rule: string, w: string) => {
      const d = a.diagnostics.find((x) => x.rule === rule && where(x) === w);
      assert.ok(d, `${rule} at ${w}`);
      return d;
    };
    const relatedAt = (d: ReturnType<typeof one>) => d.related.map((r) => `${rel(r.location.file)}:${lineOf(files, r.location)}`);
    // 1
    assert.match(one('port-conflict', 'etc/nginx/sites-enabled/rtcd:3').message, /rtcd \(etc\/rtcd\/config\.toml:7\)/);
    assert.match(one('port-conflict', 'etc/rtcd/config.toml:7').message, /\(etc\/nginx\/sites-enabled\/rtcd:3\)/);
    // 2: the compose side's value comes from .env:7
    const web = one('port-conflict', 'opt/jitsi/docker-compose.yml:8');
    assert.match(web.message, /portainer \(opt\/portainer\/run-portainer\.sh:4\)/);
    const webBind = a.snap.facts.find((f) => f.location.file === web.location.file && f.location.span.start === web.location.span.start && f.kind === 'bind')!;
    assert.equal(`${rel(webBind.valueLocation.file)}:${lineOf(files, webBind.valueLocation)}`, 'opt/jitsi/.env:7');
    assert.match(one('port-conflict', 'opt/portainer/run-portainer.sh:4').message, /web \(opt\/jitsi\/docker-compose\.yml:8\)/);
    // 3
    const calls = one('rtcd-mismatch', 'opt/mattermost/config/config.json:53');
    assert.match(calls.message, /8444\/tcp at etc\/rtcd\/config\.toml:7/);
    assert.match(calls.message, /8443 is bound by web \(opt\/jitsi\/docker-compose\.yml:9\)/);
    assert.deepEqual(relatedAt(calls), ['etc/rtcd/config.toml:7', 'opt/jitsi/docker-compose.yml:9']);
    // 4
    assert.deepEqual(one('unknown-rtcd-key', 'etc/systemd/system/rtcd.service:13').data, { suggestion: 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION' });
    // 5
    for (const line of [27, 34]) {
      const d = one('unresolved-reference', `etc/nginx/sites-enabled/jitsi.yourserver.com.conf:${line}`);
      assert.match(d.message, /prosody \(opt\/jitsi\/docker-compose\.yml:31\) binds 5280\/tcp only inside its container/);
    }
    // 6
    const missing = one('firewall-missing', 'etc/rtcd/config.toml:23');
    assert.match(missing.message, /^8046\/tcp .* \(rules in etc\/ufw\/setup-firewall\.sh\); add: ufw allow 8046\/tcp$/);
    // 7
    assert.match(one('firewall-stale', 'etc/ufw/setup-firewall.sh:18').message, /^ufw allows 8045\/udp, but nothing on host "prochat-host" binds it/);
    // 8
    const pg = one('public-exposure', 'etc/ufw/setup-firewall.sh:22');
    assert.match(pg.message, /postgresql\.service binds it on all interfaces at etc\/systemd\/system\/postgresql\.service:11/);
    assert.deepEqual(relatedAt(pg), ['etc/systemd/system/postgresql.service:11']);
    // 9: Portainer's admin UI, named by its image; its 8000 (Edge tunnel) is not an admin API.
    const portainer = one('public-exposure', 'opt/portainer/run-portainer.sh:4');
    assert.equal(portainer.message, 'Portainer HTTPS UI and API port 9443 of portainer is published on all interfaces, and Docker bypasses ufw; publish it on loopback only: "127.0.0.1:9443:9443"');
    assert.equal(a.diagnostics.filter((d) => d.rule === 'public-exposure' && at(files, d) === '8000').length, 0);
  });

  it('keeps the "fine, must stay silent" items silent for the right reason', () => {
    const factsIn = (r: string) => a.snap.facts.filter((f) => rel(f.location.file) === r);
    assert.deepEqual(factsIn('etc/dovecot/dovecot.conf'), []);
    assert.deepEqual(factsIn('NOTES.md'), []);
    // Calls plugin ports are mentioned but not bound, since an rtcd URL is set.
    const plugin = a.snap.facts.filter((f) => f.role === 'calls-udp' || f.role === 'calls-tcp');
    assert.equal(plugin.length, 2);
    assert.ok(plugin.every((f) => f.shadowed === true));
    assert.ok(plugin.every((f) => /^the Calls plugin hands media to rtcd \((rtcdserviceurl|an rtcd URL) is set\)$/.test(f.shadowedBy ?? '')), plugin.map((f) => f.shadowedBy).join('; '));
    // jvb 10000/udp comes from the expression default of ${JVB_PORT:-10000}.
    const jvb = a.snap.facts.find((f) => f.kind === 'bind' && f.ports.start === 10000 && f.netns === undefined)!;
    assert.equal(jvb.derivation.kind === 'interpolation' && jvb.derivation.source, 'expression-default');
    assert.equal(`${rel(jvb.location.file)}:${lineOf(files, jvb.location)}`, 'opt/jitsi/docker-compose.yml:66');
    // Mattermost binds :8065 from config.json:6.
    const mm = a.snap.facts.find((f) => f.role === 'mattermost-http')!;
    assert.equal(`${rel(mm.location.file)}:${lineOf(files, mm.location)} ${at(files, mm.location)}`, 'opt/mattermost/config/config.json:6 8065');
    assert.equal(a.diagnostics.filter((d) => d.rule === 'invalid-port' || d.rule === 'parse-error').length, 0);
  });
});
