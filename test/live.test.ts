/**
 * The live check: /proc/net parsing on recorded text, and the whole path against real TCP and
 * UDP listeners this test opens on loopback (port 0, so the OS picks free ports). Linux only:
 * elsewhere the check reports itself unavailable, and these tests say so instead of passing.
 */
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../server/src/cli/main';
import { liveReport, parseProcNet } from '../server/src/core/features/live';
import { readLiveSockets } from '../server/src/node/live';
import { analyze } from './memory';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A2C4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 778 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 779 1 0000000000000000 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 00000000:2118 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9001 2 0000000000000000 0
`;

function listenTcp(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}

function bindUdp(type: 'udp4' | 'udp6', host: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(type);
    s.once('error', reject);
    s.bind(0, host, () => resolve(s));
  });
}

describe('live machine check', () => {
  describe('parsing /proc/net', () => {
    it('reads IPv4, IPv6 and v4-mapped addresses, ports, LISTEN and UDP unconnected states, inodes and uids', () => {
      assert.deepEqual(parseProcNet(TCP, 'tcp'), [
        { protocol: 'tcp', address: '127.0.0.1', port: 8080, listening: true, inode: 4242, uid: 1000 },
        { protocol: 'tcp', address: '127.0.0.1', port: 41668, listening: false, inode: 4243, uid: 1000 },
      ]);
      assert.deepEqual(parseProcNet(TCP6, 'tcp').map((s) => [s.address, s.port]), [['::', 80], ['::1', 53], ['::ffff:127.0.0.1', 8081]]);
      assert.deepEqual(parseProcNet(UDP, 'udp'), [{ protocol: 'udp', address: '0.0.0.0', port: 8472, listening: true, inode: 9001, uid: 0 }]);
      assert.deepEqual(parseProcNet(TCP, 'tcp', false)[0]!.address, '1.0.0.127', 'big-endian kernels print words in order');
      assert.deepEqual(parseProcNet('garbage\n  0: zz:zz\n', 'tcp'), []);
    });
  });

  describe('against real sockets on loopback', function () {
    const live = readLiveSockets();
    const servers: { close(cb?: () => void): unknown }[] = [];
    let tcpPort = 0;
    let udpPort = 0;
    let tcp6Port = 0;

    before(async function () {
      if ('unavailable' in live) {
        throw new Error(`live check unavailable on this machine: ${live.unavailable}`);
      }
      const t = await listenTcp('127.0.0.1');
      servers.push(t);
      tcpPort = (t.address() as net.AddressInfo).port;
      const u = await bindUdp('udp4', '127.0.0.1');
      servers.push(u);
      udpPort = u.address().port;
      try {
        const t6 = await listenTcp('::1');
        servers.push(t6);
        tcp6Port = (t6.address() as net.AddressInfo).port;
      } catch {
        tcp6Port = 0; // no IPv6 loopback here: the IPv6 case below says so
      }
    });

    after(async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    });

    it('sees the test process holding its TCP and UDP sockets, with its process name', () => {
      const now = readLiveSockets();
      assert.ok('sockets' in now);
      const mine = now.sockets.filter((s) => (s.protocol === 'tcp' && s.port === tcpPort) || (s.protocol === 'udp' && s.port === udpPort));
      assert.deepEqual(mine.map((s) => [s.protocol, s.address, s.listening]).sort(), [['tcp', '127.0.0.1', true], ['udp', '127.0.0.1', true]]);
      for (const s of mine) assert.equal(s.process?.pid, process.pid, 'own sockets are visible through /proc/self/fd');
    });

    it('reports configured binds taken by another process, and not a free one; lists undeclared listeners', () => {
      const now = readLiveSockets();
      assert.ok('sockets' in now);
      const a = analyze({
        '/ws/etc/nginx/sites-enabled/app': `server {\n    listen 127.0.0.1:${tcpPort};\n    server_name app.example.com;\n}\n`,
        '/ws/etc/ufw/setup.sh': '#!/bin/sh\nufw allow 22/tcp\n',
        '/ws/opt/turn/docker-compose.yml': `services:\n  coturn:\n    image: coturn/coturn\n    network_mode: host\n    ports:\n      - "${udpPort}:${udpPort}/udp"\n`,
      });
      const r = liveReport(a.snap, now.sockets);
      assert.deepEqual(r.taken.map((t) => [t.fact.owner, t.fact.ports.start, t.fact.protocol, t.sockets[0]!.process?.name]).sort(), [
        ['app.example.com', tcpPort, 'tcp', t0(now.sockets, tcpPort)],
        ['coturn', udpPort, 'udp', t0(now.sockets, udpPort)],
      ].sort());
      assert.ok(!r.undeclared.some((s) => s.port === tcpPort || s.port === udpPort), 'declared sockets are not listed as undeclared');
      const free = analyze({ '/ws/etc/nginx/sites-enabled/app': `server {\n    listen 127.0.0.2:${tcpPort};\n}\n` });
      assert.deepEqual(liveReport(free.snap, now.sockets).taken, [], 'another loopback address is a different socket');
    });

    it('lists an undeclared IPv6 loopback listener (skipped, visibly, where ::1 cannot be bound)', function () {
      if (!tcp6Port) this.skip();
      const now = readLiveSockets();
      assert.ok('sockets' in now);
      const r = liveReport(analyze({}).snap, now.sockets);
      assert.ok(r.undeclared.some((s) => s.port === tcp6Port && s.address === '::1' && s.process?.pid === process.pid));
    });

    it('counts the configured owner holding its port as running, not taken', () => {
      const now = readLiveSockets();
      assert.ok('sockets' in now);
      const name = now.sockets.find((s) => s.port === tcpPort && s.protocol === 'tcp')!.process!.name;
      const a = analyze({ '/ws/etc/systemd/system/app.service': `[Service]\nExecStart=/usr/bin/${name} server.js --port ${tcpPort}\nEnvironment=PORT=${tcpPort}\n` });
      const binds = a.snap.facts.filter((f) => f.kind === 'bind' && f.ports.start === tcpPort);
      assert.equal(binds.length, 1, 'the unit binds the port');
      const r = liveReport(a.snap, now.sockets);
      assert.deepEqual(r.taken, []);
      assert.equal(r.running.length, 1);
    });

    it('portolan live prints the taken bind with the process and exits 1', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portolan-live-'));
      fs.mkdirSync(path.join(dir, 'nginx', 'sites-enabled'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'nginx', 'sites-enabled', 'app'), `server {\n    listen 127.0.0.1:${tcpPort};\n}\n`);
      let out = '';
      const code = await main(['live', dir], { out: (s) => (out += s), err: (s) => (out += s) });
      assert.equal(code, 1, out);
      assert.match(out, new RegExp(`^  ${tcpPort}/tcp \\(nginx, nginx/sites-enabled/app:2\\) is taken by \\S+ \\(pid ${process.pid}\\) on 127\\.0\\.0\\.1:${tcpPort}/tcp$`, 'm'));
      assert.match(out, new RegExp(`^  127\\.0\\.0\\.1:${udpPort}/udp  \\S+ \\(pid ${process.pid}\\)$`, 'm'), 'the UDP socket no config declares is listed');
    });
  });
});

function t0(sockets: ReturnType<typeof parseProcNet>, port: number): string | undefined {
  return sockets.find((s) => s.port === port)?.process?.name;
}
