// broker.mjs — `make bench-broker` (issue 17 part 6): logins per second through the
// upstream broker against a direct eID login, in the same run on the same portier, with
// portier's CPU per login (utime+stime from /proc before and after: the client and the
// upstream share the cores, so the rate alone says little). Prints; asserts nothing.
//
// Broker login, the whole flow a browser makes: GET /login/idp/up (state, nonce, PKCE, the
// pending login written) → the upstream's authorization → its login page → POST login →
// its resume → GET /login/idp/callback at portier (code exchanged at the upstream's token
// endpoint over the back channel, ID token checked against its cached JWKS, the person
// found by national number, the audit event, a new session). The upstream is oidc-provider
// (bench/broker_upstream.mjs, its own process: its CPU is shown apart).
// Direct eID login: GET /login/eid with the card's certificate in the trusted-proxy header
// (no TLS, as the broker flow has none: the door's own cost; bench/eid.mjs adds TLS).
// Settings: PORTIER_BIN, BENCH_SECONDS (10), BENCH_CONNECTIONS (8 concurrent browsers).
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const BIN = path.resolve(process.env.PORTIER_BIN ?? path.join(root, 'build', 'portier'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 8);
const TICK = 100; // USER_HZ
const NISS = '85073003328';
const SECRET = 'bench-broker-secret-0123456789abcdef';
// As the test suites: a bench machine may run it as root (src/ops/sandbox.c refuses otherwise).
process.env.PORTIER_ALLOW_ROOT ??= 'true';
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 4 });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** One browser's cookies for one origin (paths ignored). */
class Jar {
  constructor() { this.c = new Map(); }

  header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join('; '); }

  take(lines) {
    for (const l of lines ?? []) {
      const [pair] = l.split(';');
      const i = pair.indexOf('=');
      this.c.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }
}

/** method url [form] [headers] with jar → { status, location, text }. */
function req(method, url, jar, { form, headers = {} } = {}) {
  const u = new URL(url);
  const body = form ? new URLSearchParams(form).toString() : null;
  return new Promise((resolve, reject) => {
    const h = { ...headers, ...(jar && jar.c.size ? { cookie: jar.header() } : {}) };
    if (body !== null) {
      h['content-type'] = 'application/x-www-form-urlencoded';
      h['content-length'] = Buffer.byteLength(body);
    }
    const r = http.request({ agent, host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h },
      (res) => {
        jar?.take(res.headers['set-cookie']);
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, text }));
      });
    r.on('error', reject);
    r.end(body ?? undefined);
  });
}

function must(cond, what, res) {
  if (!cond) throw new Error(`${what}: ${res?.status} ${res?.location ?? ''} ${(res?.text ?? '').slice(0, 200)}`);
}

async function brokerLogin(base) {
  const me = new Jar();
  const upJar = new Jar();
  let r = await req('GET', `${base}/login/idp/up?next=/compte`, me);
  must(r.status === 303, 'start', r);
  const auth = r.location;
  const origin = new URL(auth).origin;
  r = await req('GET', auth, upJar);
  must(r.status === 303, 'upstream authorize', r);
  const inter = new URL(r.location, origin).href;
  r = await req('GET', inter, upJar);
  must(r.status === 200, 'upstream login page', r);
  r = await req('POST', `${inter}/login`, upJar, { form: { login: 'jan', acr: 'http://eidas.europa.eu/LoA/substantial' } });
  must(r.status === 303, 'upstream login', r);
  r = await req('GET', new URL(r.location, origin).href, upJar);
  must(r.status === 303 && r.location.startsWith(`${base}/login/idp/callback`), 'upstream resume', r);
  r = await req('GET', r.location, me);
  must(r.status === 303 && r.location === '/compte', 'callback', r);
}

async function eidLogin(base, header) {
  const r = await req('GET', `${base}/login/eid?next=/compte`, new Jar(), { headers: { 'X-SSL-Client-Cert': header } });
  must(r.status === 303 && r.location === '/compte', 'eid', r);
}

/** Runs login for SECONDS with CONCURRENCY browsers; rate, p50/p99 and CPU per login. */
async function measure(login, pids) {
  const end = Date.now() + SECONDS * 1000;
  const times = [];
  let failed = 0;
  const before = pids.map(cpuTicks);
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      const s = process.hrtime.bigint();
      try {
        await login();
        times.push(Number(process.hrtime.bigint() - s) / 1e6);
      } catch (e) {
        if (failed++ === 0) console.error(`first failure: ${e.message}`);
      }
    }
  }));
  const secs = (Date.now() - t0) / 1000;
  const cpu = pids.map((p, i) => (cpuTicks(p) - before[i]) / TICK);
  times.sort((a, b) => a - b);
  const n = times.length;
  return {
    n, failed, rate: n / secs, p50: times[Math.floor(n * 0.5)] ?? 0, p99: times[Math.floor(n * 0.99)] ?? 0,
    cpuMs: cpu.map((c) => (n ? (1000 * c) / n : 0)),
  };
}

function show(what, r, names) {
  console.log(`${what.padEnd(34)} ${r.rate.toFixed(1).padStart(8)} logins/s  p50 ${r.p50.toFixed(1).padStart(6)} ms`
    + `  p99 ${r.p99.toFixed(1).padStart(6)} ms  ${names.map((nm, i) => `${nm} CPU ${r.cpuMs[i].toFixed(2)} ms/login`).join('  ')}`
    + `${r.failed ? `  (${r.failed} failed)` : ''}  [${r.n}]`);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-broker-'));
const ca = path.join(work, 'ca');
let child;
let upstream;
try {
  const run = (args) => execFileSync(BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  run(['eid', 'test-ca', '--dir', ca]);
  run(['eid', 'test-ca', 'card', '--dir', ca, '--name', 'jan', '--niss', NISS, '--last', 'Peeters', '--first', 'Jan']);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = path.join(work, 'bench.db');
  child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--log-level', 'warn',
    '--eid-trust', path.join(ca, 'trust.pem'), '--eid-crl', path.join(ca, 'crl.pem'),
    '--trusted-proxies', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    const ok = await req('GET', `${base}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  upstream = fork(path.join(here, 'broker_upstream.mjs'), [], {
    env: { ...process.env, BENCH_CB: `${base}/login/idp/callback`, BENCH_SECRET: SECRET, BENCH_NISS: NISS },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const { issuer } = await new Promise((resolve) => upstream.once('message', resolve));
  run(['idp', 'add', '--db', db, '--id', 'up', '--name', 'Upstream', '--issuer', issuer,
    '--client-id', 'portier-broker', '--client-secret', SECRET, '--level', 'substantial']);
  const header = encodeURIComponent(readFileSync(path.join(ca, 'cards', 'jan.pem'), 'utf8'));
  // Jan comes into being at a first eID login; warm-up of both doors (the upstream's
  // discovery and JWKS cached by portier, oidc-provider's code paths compiled).
  await eidLogin(base, header);
  for (let i = 0; i < 20; i++) await brokerLogin(base);
  console.log(`== logins, ${CONCURRENCY} concurrent browsers, ${SECONDS} s each, ${os.cpus().length} cores `
    + '(portier, the upstream and this client share them)');
  const names = ['portier', 'upstream'];
  const pids = [child.pid, upstream.pid];
  const e = await measure(() => eidLogin(base, header), pids);
  show('direct eID (proxy header)', e, names);
  const b = await measure(() => brokerLogin(base), pids);
  show('upstream broker (whole flow)', b, names);
  console.log(`ratio eID/broker: ${(e.rate / b.rate).toFixed(2)}x the logins per second; `
    + `portier CPU per login: broker ${(b.cpuMs[0] / e.cpuMs[0]).toFixed(2)}x the eID login's`);
} finally {
  upstream?.disconnect();
  child?.kill('SIGTERM');
  await new Promise((r) => (child ? child.on('close', r) : r()));
  rmSync(work, { recursive: true, force: true });
}
