// sso.mjs — `make bench-sso`: complete single-sign-on flows of logged-in people, portier
// against oidc-provider from npm configured alike (bench/oidc_provider.mjs, BENCH_SSO=1),
// one after the other in one run, loopback: flows/s, p50/p99 of a flow, and the server's
// CPU seconds per flow (utime+stime of its process from /proc before and after), because
// the load generator shares the cores. Prints figures; asserts nothing about timings.
//
// A flow: GET authorize (PKCE S256, state, nonce) → the profile choice page → POST the
// choice with its CSRF field → the redirect with the code → POST token (code_verifier,
// client_secret_basic). The ID token is not verified (client CPU). The people log in
// before the measure. Load generator: this node process, node:http with a keep-alive
// agent, BENCH_PEOPLE people each running flows one after the other: no fetch/undici
// layer and no TLS, so that it costs little CPU beside the servers (its own CPU is shown).
// Settings: BENCH_PEOPLE (8), BENCH_SECONDS (10), BENCH_WARMUP (200 flows), O (build);
// BENCH_FLOWS: that many flows instead of SECONDS; BENCH_WRAP: a command that runs portier;
// with "valgrind --tool=callgrind …" the counters are zeroed after the warm-up and dumped
// after the measure: instructions per flow (user space), steady where CPU time on shared
// cores is not. BENCH_PORTIER_ARGS: more arguments for portier serve (e.g. --threads 2).
// BENCH_DB=pg (or PORTIER_TEST_DB=pg): portier on a fresh database of a throw-away
// PostgreSQL cluster (tests/lib/pg.js) instead of SQLite; the CPU of the cluster's
// processes (its backends) is then shown beside portier's, as a further column.
// BENCH_PERF=1: `perf stat` counts portier's system calls and context switches during the
// measure, per flow: steady where CPU time on shared cores is not (software events; a
// virtual machine without hardware counters has them too).
import { execFileSync, fork, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { pgDatabase } from '../tests/lib/pg.js';
import { BIN, freePort } from '../tests/lib/server.js';
import {
  ACCOUNTS, addClient, buildWorld, PASSWORD, PEOPLE,
} from '../tests/http/oidc_lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PEOPLE_N = Number(process.env.BENCH_PEOPLE ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const CB = 'http://127.0.0.1:9/cb';
const TICK = 100; // clock ticks per second of /proc/PID/stat (USER_HZ on Linux)
const PG = (process.env.BENCH_DB ?? process.env.PORTIER_TEST_DB) === 'pg';

const agent = new http.Agent({ keepAlive: true, maxSockets: PEOPLE_N * 2 });

/** One browser: its cookies (path ignored: each name is set by one path at a time). */
class Jar {
  constructor(base) { this.base = new URL(base); this.cookies = new Map(); }

  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  take(setCookie) {
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (gone || i === pair.length - 1) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(i + 1).trim());
    }
  }

  /** method, path (or absolute URL), body (URLSearchParams), headers → { status, headers,
   * text }; cookies false: a request of the client's back end (the token request), which
   * has none of the browser's cookies. */
  request(method, target, body, headers = {}, cookies = true) {
    const u = new URL(target, this.base);
    const data = body ? body.toString() : null;
    return new Promise((resolve, reject) => {
      const h = cookies ? { ...headers, cookie: this.header() } : { ...headers };
      if (data !== null) {
        h['content-type'] = 'application/x-www-form-urlencoded';
        h['content-length'] = Buffer.byteLength(data);
      }
      const req = http.request({
        agent, host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h,
      }, (res) => {
        this.take(res.headers['set-cookie']);
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(data ?? undefined);
    });
  }
}

function must(cond, what, res) {
  if (!cond) throw new Error(`${what}: ${res?.status} ${res?.headers?.location ?? ''} ${(res?.text ?? '').slice(0, 300)}`);
}

const csrfOf = (html) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
const firstOption = (html) => /<select id="org"[\s\S]*?<option value="(\d+)"/.exec(html)?.[1];

function flowParams(clientId, authPath, extra = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: clientId, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
    state: randomBytes(12).toString('base64url'), nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256', ...extra,
  });
  return { verifier, url: `${authPath}?${params}` };
}

/** The code in a redirect to the client's address (a Location, or a meta refresh). */
function codeOf(target) {
  const u = new URL(target.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&'));
  return u.searchParams.get('code');
}

async function exchange(jar, server, code, verifier) {
  const res = await jar.request('POST', server.tokenPath, new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier,
  }), { authorization: server.basic }, false);
  must(res.status === 200 && res.text.includes('"id_token"'), 'token', res);
}

/** portier: authorize → /oidc/continue/ID (the choice) → POST the choice → token. */
async function portierFlow(jar, server) {
  const { verifier, url } = flowParams(server.clientId, '/oidc/authorize');
  let res = await jar.request('GET', url);
  const flow = res.headers.location;
  must(res.status === 303 && flow?.startsWith('/oidc/continue/'), 'authorize', res);
  res = await jar.request('GET', flow);
  must(res.status === 200, 'profile choice', res);
  const form = new URLSearchParams({ _csrf: csrfOf(res.text), org: firstOption(res.text) });
  res = await jar.request('POST', flow, form);
  const to = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(res.text)?.[1];
  must(res.status === 200 && to, 'choice', res);
  await exchange(jar, server, codeOf(to), verifier);
}

/** oidc-provider: /auth → /interaction/UID (the choice) → POST → /auth/UID → token. */
async function providerFlow(jar, server) {
  const { verifier, url } = flowParams('bench', '/auth');
  let res = await jar.request('GET', url);
  const flow = res.headers.location;
  must(res.status === 303 && flow?.includes('/interaction/'), 'authorize', res);
  res = await jar.request('GET', flow);
  must(res.status === 200, 'profile choice', res);
  const form = new URLSearchParams({ _csrf: csrfOf(res.text), org: firstOption(res.text) });
  res = await jar.request('POST', flow, form);
  must(res.status === 303, 'choice', res);
  res = await jar.request('GET', res.headers.location);
  must(res.status === 303 && res.headers.location?.startsWith(CB), 'resume', res);
  await exchange(jar, server, codeOf(res.headers.location), verifier);
}

/** oidc-provider without the page: /auth answers with the code at once → token. */
async function providerQuickFlow(jar, server) {
  const { verifier, url } = flowParams('bench', '/auth', { bench_choice: 'no' });
  const res = await jar.request('GET', url);
  must(res.status === 303 && res.headers.location?.startsWith(CB), 'authorize', res);
  await exchange(jar, server, codeOf(res.headers.location), verifier);
}

/** portier's login through the access codes, before the measure. */
async function portierLogin(jar) {
  const page = await jar.request('GET', '/login?next=/');
  const res = await jar.request('POST', '/login/password', new URLSearchParams({
    _csrf: csrfOf(page.text), username: PEOPLE.jan.user, password: PASSWORD, next: '/', level: '1',
  }));
  must(res.status === 303, 'login', res);
}

/** oidc-provider's login and consent (its interactions), once, before the measure. */
async function providerLogin(jar) {
  const { url } = flowParams('bench', '/auth');
  let res = await jar.request('GET', url);
  for (let i = 0; i < 10; i++) {
    const to = res.headers.location;
    must(res.status === 303 && to, 'login flow', res);
    if (to.startsWith(CB)) return;
    res = await jar.request('GET', to);
    if (res.status === 200) {
      res = await jar.request('POST', to, new URLSearchParams({ _csrf: csrfOf(res.text), org: '1' }));
    }
  }
  throw new Error('oidc-provider: the login did not end');
}

function statFields(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return f.slice(f.lastIndexOf(')') + 2).split(' ');
}

function cpuTicks(pid) {
  const fields = statFields(pid);
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
}

/** The CPU ticks of a PostgreSQL cluster: its postmaster (postmaster.pid under the socket
 * folder, the host of the connection string) and every process it started. A backend that
 * ended during the measure is not counted: portier's pool keeps its connections. */
function pgTicks(conn) {
  const host = /host=(\S+)/.exec(conn)?.[1];
  const find = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isFile() && e.name === 'postmaster.pid') return p;
      if (e.isDirectory()) { const q = find(p); if (q) return q; }
    }
    return null;
  };
  const pidFile = host && find(host);
  if (!pidFile) throw new Error(`no postmaster.pid under ${host}`);
  const master = readFileSync(pidFile, 'utf8').split('\n')[0].trim();
  let ticks = cpuTicks(master);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (statFields(d)[1] === master) ticks += cpuTicks(d);
    } catch { /* gone */ }
  }
  return ticks;
}

/** perf stat on pid until stop(): { syscalls, switches } counted meanwhile. */
function perfStart(pid) {
  const child = spawn('perf', ['stat', '-x', ',', '-e', 'raw_syscalls:sys_enter,context-switches',
    '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { err += d; });
  const n = (ev) => Number(new RegExp(`^(\\d+),[^,]*,${ev}`, 'm').exec(err)?.[1] ?? NaN);
  return {
    stop: () => new Promise((resolve) => {
      child.once('close', () => resolve({
        syscalls: n('raw_syscalls:sys_enter'), switches: n('context-switches'),
      }));
      child.kill('SIGINT');
    }),
  };
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Warm-up, then PEOPLE_N people running flows for SECONDS; the server's CPU around it. */
async function measure(server, flow) {
  const jars = [];
  for (let i = 0; i < PEOPLE_N; i++) {
    const jar = new Jar(server.url);
    await server.login(jar);
    jars.push(jar);
  }
  let left = WARMUP;
  await Promise.all(jars.map(async (jar) => { while (left-- > 0) await flow(jar, server); }));
  const times = [];
  const cg = (process.env.BENCH_WRAP ?? '').includes('callgrind') && server.clientId;
  if (cg) execFileSync('callgrind_control', ['-z', String(server.pid)], { stdio: 'ignore' });
  const perf = process.env.BENCH_PERF && server.clientId ? perfStart(server.pid) : null;
  const cpu0 = cpuTicks(server.pid);
  const db0 = server.dbTicks ? server.dbTicks() : 0;
  const me0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const end = Date.now() + SECONDS * 1000;
  let budget = Number(process.env.BENCH_FLOWS ?? Infinity);
  await Promise.all(jars.map(async (jar) => {
    while (process.env.BENCH_FLOWS ? budget-- > 0 : Date.now() < end) {
      const s = process.hrtime.bigint();
      await flow(jar, server);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuTicks(server.pid) - cpu0) / TICK;
  const dbCpu = server.dbTicks ? (server.dbTicks() - db0) / TICK : null;
  if (cg) execFileSync('callgrind_control', ['-d', String(server.pid)], { stdio: 'ignore' });
  const me = process.cpuUsage(me0);
  const counts = perf ? await perf.stop() : null;
  times.sort((a, b) => a - b);
  return {
    flows: times.length, rate: times.length / secs, p50: pct(times, 0.5), p99: pct(times, 0.99),
    cpuPerFlow: cpu / times.length, cpu, secs, loadCpu: (me.user + me.system) / 1e6,
    dbPerFlow: dbCpu === null ? null : dbCpu / times.length,
    counts: counts && Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / times.length])),
  };
}

/** portier serve on a free port, a fresh database, warnings only; the test world in it. */
async function startPortier() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-sso-'));
  const db = PG ? pgDatabase() : path.join(dir, 'portier.db');
  const wrap = (process.env.BENCH_WRAP ?? '').split(' ').filter(Boolean);
  const extra = (process.env.BENCH_PORTIER_ARGS ?? '').split(' ').filter(Boolean);
  const argv = [...wrap, BIN, 'serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--log-level', 'warn', ...extra];
  const child = spawn(argv[0], argv.slice(1), { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (i > 600 || child.exitCode !== null) throw new Error('portier did not start');
    await new Promise((r) => { setTimeout(r, 100); });
  }
  const srv = {
    url, db, pid: child.pid,
    stop: () => new Promise((r) => {
      child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); r(); });
      child.kill('SIGTERM');
    }),
  };
  buildWorld(srv);
  return srv;
}

async function runPortier() {
  const srv = await startPortier();
  try {
    const client = addClient(srv, 'bench', {
      application: 'TESTAPP', scope: 'openid profile', redirect: [CB], idTokenAlg: process.env.BENCH_ALG ?? 'ES256',
    });
    const server = {
      url: srv.url, pid: srv.pid, clientId: client.id, tokenPath: '/oidc/token',
      basic: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      login: portierLogin, dbTicks: PG ? () => pgTicks(srv.db) : null,
    };
    if (!ACCOUNTS.janMedi) throw new Error('the world has no second profile');
    if (process.env.BENCH_PAUSE) {
      process.stderr.write(`portier pid ${srv.pid}: warming up, then measuring\n`);
    }
    return await measure(server, portierFlow);
  } finally {
    await srv.stop();
  }
}

async function runProvider(flows) {
  const port = await freePort();
  const secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
  const child = fork(path.join(here, 'oidc_provider.mjs'), [String(port)], {
    env: { ...process.env, BENCH_CB: CB, BENCH_SECRET: secret, BENCH_SSO: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    await new Promise((res, rej) => {
      child.once('message', (m) => (m.ready ? res() : rej(new Error('oidc-provider did not start'))));
      child.once('exit', (c) => rej(new Error(`oidc-provider exited ${c}`)));
    });
    const server = {
      url: `http://127.0.0.1:${port}`, pid: child.pid, tokenPath: '/token',
      basic: `Basic ${Buffer.from(`bench:${secret}`).toString('base64')}`, login: providerLogin,
    };
    const out = [];
    for (const flow of flows) out.push(await measure(server, flow));
    return out;
  } finally {
    child.send({ stop: true });
  }
}

function row(name, x) {
  return `${name.padEnd(26)}${x.rate.toFixed(0).padStart(8)}${x.p50.toFixed(1).padStart(9)}${x.p99.toFixed(1).padStart(9)}`
    + `${(x.cpuPerFlow * 1e6).toFixed(0).padStart(12)}${x.flows.toString().padStart(8)}${x.loadCpu.toFixed(1).padStart(11)}`
    + (x.dbPerFlow === null || x.dbPerFlow === undefined ? '' : `${(x.dbPerFlow * 1e6).toFixed(0).padStart(14)}`);
}

const only = process.env.BENCH_ONLY; // 'portier' or 'oidc-provider': one side only
const p = only === 'oidc-provider' ? null : await runPortier();
const [r, q] = only === 'portier' ? [] : await runProvider([providerFlow, providerQuickFlow]);
const version = JSON.parse(readFileSync(path.join(here, '..', 'tests', 'node_modules', 'oidc-provider', 'package.json'), 'utf8')).version;
console.log(`== single sign-on flows of logged-in people: portier vs oidc-provider ${version} `
  + `(node ${process.version}); ${PEOPLE_N} people, ${SECONDS} s each after ${WARMUP} flows, ${os.cpus().length} cores`);
console.log(`${''.padEnd(26)}${'flows/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU µs/flow'.padStart(12)}`
  + `${'flows'.padStart(8)}${'load CPU s'.padStart(11)}${PG && p ? 'PG µs/flow'.padStart(14) : ''}`);
if (p) console.log(row(PG ? 'portier (PostgreSQL)' : 'portier', p));
if (p?.counts) {
  console.log(`portier per flow: ${p.counts.syscalls.toFixed(1)} system calls, `
    + `${p.counts.switches.toFixed(1)} context switches (perf stat)`);
}
if (r) console.log(row('oidc-provider', r));
if (q) console.log(row('oidc-provider, no page', q));
if (p && r) {
  const mine = p.cpuPerFlow + (p.dbPerFlow ?? 0);
  console.log(`server CPU per flow, oidc-provider / portier${PG ? ' (with PostgreSQL\'s)' : ''}: `
    + `${(r.cpuPerFlow / mine).toFixed(2)}× (without its page: ${(q.cpuPerFlow / mine).toFixed(2)}×); `
    + `flows/s portier / oidc-provider: ${(p.rate / r.rate).toFixed(2)}×`);
}
console.log('(a flow: authorize → profile choice page → POST choice with CSRF → code → token with PKCE; '
  + `portier: 4 requests, ${PG ? 'PostgreSQL' : 'SQLite'}; oidc-provider: 5 requests, in-memory adapter, the choice as an `
  + 'interaction prompt of its own; "no page": its authorize answers the code at once, 2 requests)');
agent.destroy();
