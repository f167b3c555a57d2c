// passkey.mjs — `make bench-passkey`: passkey logins per second against password logins
// in the same run, on one `portier demo` with its default Argon2id costs (so the password
// figure is the Argon2-bound limit the access codes have). Loopback, node:http with a
// keep-alive agent, BENCH_CONCURRENCY visitors (8) each logging in one after the other for
// BENCH_SECONDS (10) per kind, after BENCH_WARMUP logins (20). Prints logins/s, p50/p99 and
// the server's CPU per login (utime+stime of its process from /proc before and after, since
// the load generator shares the cores); asserts nothing about timings.
//
// A password login: GET /login (a new visitor's session and CSRF token) → POST
// /login/password → 303. A passkey login: GET /login → POST /login/passkey/options → the
// software authenticator of tests/lib/webauthn.js signs (ES256, node:crypto) → POST
// /login/passkey → 303. The keys are enrolled before the measure from eID sessions of the
// demo card reader, one per demo person; they keep no counter (0, as synced passkeys), so
// that visitors sharing a key do not race on it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { BIN, freePort } from '../tests/lib/server.js';
import { SoftAuthenticator } from '../tests/lib/webauthn.js';

const N = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const PASSWORD = 'Demo-portier-2026';
const USERS = ['claire.dubois', 'jan.peeters', 'lukas.schmitz'];
const TICK = 100; // USER_HZ
const agent = new http.Agent({ keepAlive: true, maxSockets: N * 2 });

class Jar {
  constructor() { this.cookies = new Map(); }

  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  take(lines) {
    for (const line of lines ?? []) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || attrs.some((a) => /max-age=0/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

function request(base, jar, method, p, form) {
  const body = form ? new URLSearchParams(form).toString() : null;
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, {
      method, agent,
      headers: {
        cookie: jar.header(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        jar.take(res.headers['set-cookie']);
        resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), location: res.headers.location });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function must(cond, what, res) {
  if (!cond) throw new Error(`${what}: ${res?.status} ${res?.text?.slice(0, 300) ?? ''}`);
}

const csrfOf = (html) => /name="_csrf" value="([^"]*)"/.exec(html)?.[1];

async function passwordLogin(base, i) {
  const jar = new Jar();
  const page = await request(base, jar, 'GET', '/login');
  const r = await request(base, jar, 'POST', '/login/password',
    { _csrf: csrfOf(page.text), username: USERS[i % USERS.length], password: PASSWORD, next: '/' });
  must(r.status === 303, 'password login', r);
}

async function passkeyLogin(base, i, auths) {
  const jar = new Jar();
  const auth = auths[i % auths.length];
  const page = await request(base, jar, 'GET', '/login');
  const csrf = csrfOf(page.text);
  const o = await request(base, jar, 'POST', '/login/passkey/options', { _csrf: csrf });
  must(o.status === 200, 'passkey options', o);
  const answer = auth.get(JSON.parse(o.text), { count: 0 });
  const r = await request(base, jar, 'POST', '/login/passkey', { _csrf: csrf, ...answer, next: '/' });
  must(r.status === 303, 'passkey login', r);
}

/** Enrols a key for the demo person of card label who, from a demo-reader eID session. */
async function enrol(base, who) {
  const jar = new Jar();
  const p = await request(base, jar, 'GET', '/login/eid/demo');
  const card = [...p.text.matchAll(/name="card" id="card-([0-9a-f]{16})" value="\1"[^>]*> <label for="card-\1">([^<]*)<\/label>/g)]
    .find((m) => m[2].startsWith(who));
  must(card, `demo card of ${who}`, p);
  const l = await request(base, jar, 'POST', '/login/eid/demo', { _csrf: csrfOf(p.text), card: card[1], next: '/' });
  must(l.status === 303, 'eID login', l);
  const csrf = csrfOf((await request(base, jar, 'GET', '/login')).text);
  const o = await request(base, jar, 'POST', '/compte/cles-acces/options', { _csrf: csrf });
  must(o.status === 200, 'enrolment options', o);
  const options = JSON.parse(o.text);
  // The server listens on 127.0.0.1: its RP id is localhost, a browser's origin localhost.
  const auth = new SoftAuthenticator({ rpId: options.rp.id, origin: base.replace('127.0.0.1', 'localhost') });
  const made = auth.create(options);
  const r = await request(base, jar, 'POST', '/compte/cles-acces', { _csrf: csrf, ...made.fields });
  must(r.status === 303, 'enrolment', r);
  return auth;
}

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function measure(srv, login) {
  for (let i = 0; i < WARMUP; i++) await login(srv.url, i);
  const times = [];
  const t0 = process.hrtime.bigint();
  const end = Date.now() + SECONDS * 1000;
  const c0 = cpuTicks(srv.pid);
  const me0 = process.cpuUsage();
  await Promise.all(Array.from({ length: N }, async (_, w) => {
    for (let i = w; Date.now() < end; i += N) {
      const s = process.hrtime.bigint();
      await login(srv.url, i);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuTicks(srv.pid) - c0) / TICK;
  const me = process.cpuUsage(me0);
  times.sort((a, b) => a - b);
  return {
    n: times.length, perSec: times.length / secs, p50: pct(times, 0.5), p99: pct(times, 0.99),
    cpuMs: (cpu * 1000) / times.length, genMs: (me.user + me.system) / 1000 / times.length,
  };
}

async function start() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-passkey-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['demo', '--listen', `127.0.0.1:${port}`, '--db', path.join(dir, 'portier.db'),
    '--log-level', 'warn'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORTIER_ALLOW_ROOT: 'true' } });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (i > 600 || child.exitCode !== null) throw new Error('portier did not start');
    await new Promise((r) => { setTimeout(r, 100); });
  }
  return {
    url, pid: child.pid,
    stop: () => new Promise((r) => {
      child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); r(); });
      child.kill('SIGTERM');
    }),
  };
}

const srv = await start();
try {
  const auths = [];
  for (const who of ['Claire', 'Jan', 'Lukas']) auths.push(await enrol(srv.url, who));
  const pw = await measure(srv, passwordLogin);
  const pk = await measure(srv, (base, i) => passkeyLogin(base, i, auths));
  const row = (name, x) => console.log(`${name.padEnd(18)} ${x.perSec.toFixed(1).padStart(8)} ${x.p50.toFixed(1).padStart(8)} ${x.p99.toFixed(1).padStart(8)} ${x.cpuMs.toFixed(2).padStart(12)} ${x.genMs.toFixed(2).padStart(12)} ${String(x.n).padStart(7)}`);
  console.log(`bench-passkey: ${N} visitors, ${SECONDS} s per kind, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`${'login'.padEnd(18)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'server CPU ms'.padStart(12)} ${'client CPU ms'.padStart(12)} ${'logins'.padStart(7)}`);
  row('password (Argon2)', pw);
  row('passkey (ES256)', pk);
  console.log(`passkey/password: ${(pk.perSec / pw.perSec).toFixed(1)}x the logins per second, ${(pw.cpuMs / pk.cpuMs).toFixed(1)}x less server CPU per login`);
} finally {
  await srv.stop();
}
