// eid.mjs — eID logins per second, printed (never asserted). One portier with its TLS
// listener and a test CA; CONCURRENCY clients, each login a new TLS connection whose
// handshake presents the card, GET /login/eid, verification (chain, CRL, NISS), the person
// looked up, the audit event and a new session: the whole door. Also the same login
// through the trusted-proxy header (no TLS: the cost of the door itself) and bare TLS
// handshakes to /healthz (the cost of TLS alone). Node's client shares the machine.
//   node bench/eid.mjs            (PORTIER_BIN, BENCH_SECONDS, BENCH_CONNECTIONS)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.resolve(process.env.PORTIER_BIN ?? path.join(root, 'build', 'portier'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 20);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function portier(args) {
  execFileSync(BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function request(mod, opts) {
  return new Promise((resolve) => {
    const req = mod.request({ agent: false, ...opts }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Runs fn concurrently for SECONDS; returns { rate, ok, failed, p99 }. */
async function measure(fn, expect) {
  const end = Date.now() + SECONDS * 1000;
  const times = [];
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      const status = await fn();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (status === expect) ok++;
      else failed++;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (Date.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return { rate: ok / secs, ok, failed, p99: times[Math.floor(times.length * 0.99)] ?? 0 };
}

function show(what, r) {
  console.log(`${what.padEnd(44)} ${r.rate.toFixed(1).padStart(9)} /s   p99 ${r.p99.toFixed(1).padStart(7)} ms` +
    `${r.failed ? `   (${r.failed} failed)` : ''}`);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-eid-'));
const ca = path.join(work, 'ca');
let child;
try {
  portier(['eid', 'test-ca', '--dir', ca]);
  portier(['eid', 'test-ca', 'server', '--dir', ca]);
  portier(['eid', 'test-ca', 'card', '--dir', ca, '--name', 'rsa', '--niss', '85073003328', '--last', 'Peeters', '--first', 'Jan']);
  portier(['eid', 'test-ca', 'card', '--dir', ca, '--name', 'ec', '--niss', '17073003384', '--last', 'Dubois', '--first', 'Claire', '--ec']);
  const port = await freePort();
  const tlsPort = await freePort();
  child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--tls-listen', `127.0.0.1:${tlsPort}`,
    '--db', path.join(work, 'bench.db'), '--log-level', 'warn',
    '--tls-cert', path.join(ca, 'server.pem'), '--tls-key', path.join(ca, 'server.key.pem'),
    '--eid-trust', path.join(ca, 'trust.pem'), '--eid-crl', path.join(ca, 'crl.pem'),
    '--trusted-proxies', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    if (await request(http, { host: '127.0.0.1', port, path: '/healthz' }) === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // One TLS context per card, made once: the client should not parse keys per request.
  const card = (name) => ({
    secureContext: tls.createSecureContext({
      cert: readFileSync(path.join(ca, 'cards', `${name}.pem`)),
      key: readFileSync(path.join(ca, 'cards', `${name}.key.pem`)),
    }),
  });
  const server = { host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false,
    secureContext: tls.createSecureContext({}) };
  const rsa = card('rsa');
  const ec = card('ec');
  const header = encodeURIComponent(readFileSync(path.join(ca, 'cards', 'rsa.pem'), 'utf8'));

  console.log(`== eID logins, ${CONCURRENCY} concurrent clients, ${SECONDS} s each, ${os.cpus().length} cores (client and server share them)`);
  show('TLS handshake only (GET /healthz, new conn.)', await measure(() => request(https, { ...server, path: '/healthz' }), 200));
  const r1 = await measure(() => request(https, { ...server, path: '/login/eid', ...rsa }), 303);
  show('eID login, RSA 2048 card over TLS', r1);
  const r2 = await measure(() => request(https, { ...server, path: '/login/eid', ...ec }), 303);
  show('eID login, EC P-384 card over TLS', r2);
  const r3 = await measure(() => request(http, { host: '127.0.0.1', port, path: '/login/eid', headers: { 'X-SSL-Client-Cert': header } }), 303);
  show('eID login via trusted-proxy header (no TLS)', r3);
} finally {
  child?.kill('SIGTERM');
  await new Promise((r) => (child ? child.on('close', r) : r()));
  rmSync(work, { recursive: true, force: true });
}
