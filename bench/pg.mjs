// pg.mjs — `make bench-pg`: the store's backends side by side in one run, loopback: SQLite,
// PostgreSQL with one node, two nodes on one PostgreSQL database, and both PostgreSQL set-ups
// with the writer lock off (store-contract rule 15; PORTIER_PG_WRITER_LOCK=off, a switch for
// measurements only). Three loads per set-up: the token endpoint (code exchanges with PKCE,
// wrk and bench/oidc_wrk.lua, the codes minted beforehand), password logins (GET /login,
// POST /login/password with its CSRF field) and user creations through the pages of /acces
// (form, confirmation, save, each POST with the CSRF field; a new NISS each). Two nodes: the
// generator spreads the load itself (each request to the other node: the codes, logins and
// creation steps alternate), no HAProxy, so that the proxy's CPU is not in the figures.
// Prints per case the rate, mean/p99 latency, and the server CPU per operation read from
// /proc (utime+stime of each portier process, and of the PostgreSQL server's processes
// apart), because the load generator shares the cores; and, for PostgreSQL on one node,
// the statements each operation sends (one at a time, log_statement=all: exact where the
// timings on shared cores are not). Asserts nothing about timings.
// Settings: BENCH_CODES (600 per set-up), BENCH_SECONDS (3 per login/creation case),
// BENCH_CONNECTIONS (8), BENCH_CASES (comma list of sqlite,pg1,pg2,pg1-nolock,pg2-nolock).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client, run, start } from '../tests/lib/server.js';
import { addPerson } from '../tests/lib/world.js';
import {
  addClient, authorizeUrl, buildWorld, csrfOf, ORGS, PASSWORD, PEOPLE, pkce,
} from '../tests/http/oidc_lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CODES = Number(process.env.BENCH_CODES ?? 600);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONN = Number(process.env.BENCH_CONNECTIONS ?? 8);
const CASES = (process.env.BENCH_CASES ?? 'sqlite,pg1,pg2,pg1-nolock,pg2-nolock').split(',');
const LUA = path.join(here, 'oidc_wrk.lua');
const PG_SH = path.join(here, '..', 'tests', 'lib', 'pg.sh');
const CB = 'http://127.0.0.1:9/cb';
const TICK = 100; // clock ticks per second in /proc/PID/stat (USER_HZ)
// Cheap password hashes (the CLI's and the servers'), so that a login measures the store and
// not Argon2; the servers use the same cost, so no login rehashes.
const COST = ['--password-ops', '1', '--password-mem-kib', '8'];
const LOGIN_USERS = 8;

const work = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-pg-'));

/** utime+stime (+ the reaped children's with children) of pid, in ticks; 0 when gone. */
function ticks(pid, children = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const own = Number(f[11]) + Number(f[12]);
    return children ? own + Number(f[13]) + Number(f[14]) : own;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's CPU in ticks: the postmaster with its exited children, and the
 * children alive (the backends, the writer, the WAL writer…). */
function pgTicks(postmaster) {
  if (!postmaster) return 0;
  let sum = ticks(postmaster, true);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === postmaster) sum += Number(f[11]) + Number(f[12]);
    } catch { /* gone meanwhile */ }
  }
  return sum;
}

/** CPU of the set-up's processes now: { nodes: [ticks…], pg: ticks }. */
function cpuNow(setup) {
  return { nodes: setup.nodes.map((n) => ticks(n.pid)), pg: pgTicks(setup.postmaster) };
}

function cpuSince(setup, t0) {
  const t1 = cpuNow(setup);
  return { nodes: t1.nodes.map((v, i) => (v - t0.nodes[i]) / TICK), pg: (t1.pg - t0.pg) / TICK };
}

/** The i-th valid NISS of this run (bench/uman.c's niss_of, from another year range). */
function niss(i) {
  const seq = (i % 997) + 1;
  const day = Math.floor(i / 997);
  const d = (day % 28) + 1;
  const m = (Math.floor(day / 28) % 12) + 1;
  const y = (Math.floor(day / 336) % 40) + 30;
  const base = ((y * 10000 + m * 100 + d) * 1000) + seq;
  return `${String(base).padStart(9, '0')}${String(97 - (base % 97)).padStart(2, '0')}`;
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** Runs op(worker, i) from CONN workers for SECONDS; returns { n, seconds, lat, errors }. */
async function closedLoop(op) {
  const lat = [];
  let n = 0;
  let errors = 0;
  let first = null;
  const end = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  let next = 0;
  async function worker(w) {
    while (Date.now() < end) {
      const i = next++;
      const a = process.hrtime.bigint();
      try {
        await op(w, i);
        n++;
        lat.push(Number(process.hrtime.bigint() - a) / 1e6);
      } catch (e) {
        errors++;
        if (!first) first = e;
      }
    }
  }
  await Promise.all(Array.from({ length: CONN }, (_, w) => worker(w)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (first) process.stderr.write(`bench-pg: ${errors} failed, the first: ${first.message}\n`);
  lat.sort((x, y) => x - y);
  const mean = lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length);
  return { n, seconds, mean, p99: quantile(lat, 0.99), errors };
}

function must(cond, what, res) {
  if (!cond) {
    const text = res?.text ?? '';
    const title = /<title>([^<]*)<\/title>/.exec(text)?.[1];
    throw new Error(`${what}: ${res?.status} ${title ?? text.slice(0, 200)}`);
  }
}

/** One password login on a fresh jar; both requests to node i % n. */
async function passwordLogin(setup, i) {
  const base = setup.nodes[i % setup.nodes.length].url;
  const c = new Client(base);
  const page = await c.get('/login?next=/aide');
  must(page.status === 200, 'login page', page);
  const res = await c.get('/login/password', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrfOf(page.text), username: `bench.login${i % LOGIN_USERS}`, password: PASSWORD,
      next: '/aide', level: '1',
    }).toString(),
  });
  must(res.status === 303, 'login', res);
}

/** gapSession, tried up to 5 times: without the writer lock a login may meet a
 * serialization failure that the services do not yet retry (an answer 500). */
async function gapSessionRetried(url) {
  for (let i = 0; ; i++) {
    try {
      return await gapSession(url);
    } catch (e) {
      if (i >= 4) throw e;
    }
  }
}

/** A GAP's session (Jan, Pharma Test) with the capacity chosen: a Client whose csrf is set. */
async function gapSession(url) {
  const c = new Client(url);
  const page = await c.get('/login');
  let r = await c.get('/login/password', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrfOf(page.text), username: PEOPLE.jan.user, password: PASSWORD, next: '/acces' }),
  });
  must(r.status === 303, 'GAP login', r);
  const cap = await c.get('/capacite?next=/acces');
  r = await c.get('/capacite', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrfOf(cap.text), capacity: 'health', next: '/acces' }),
  });
  must(r.status === 303, 'capacity', r);
  c.csrf = csrfOf((await c.get('/acces')).text);
  return c;
}

function formBody(c, fields) {
  const body = new URLSearchParams({ _csrf: c.csrf });
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return body;
}

/** One user creation through the three pages; the steps alternate over the nodes. */
async function userCreation(setup, sessions, w, i) {
  const c = sessions[w];
  const nodes = setup.nodes;
  const at = (k) => `${nodes[(i + k) % nodes.length].url}${setup.newPath}`;
  const who = niss(setup.nissBase + i);
  let r = await c.get(at(0), { method: 'POST', body: formBody(c, { niss: who, type: 'USER' }) });
  must(r.status === 200, 'creation form', r);
  const fields = {
    niss: who, type: 'USER', username: `bench.u${setup.nissBase + i}`, last_name: 'Banc',
    first_name: `Essai${i}`, title: 'M.', language: 'fr', email: `u${i}@example.be`,
    local_email: '', apps: 'TESTAPP',
  };
  if (/name="locked" value="1"/.test(r.text)) fields.locked = '1';
  r = await c.get(`${at(1)}/confirmation`, { method: 'POST', body: formBody(c, fields) });
  must(r.status === 200, 'confirmation', r);
  r = await c.get(`${at(2)}/enregistrer`, { method: 'POST', body: formBody(c, fields) });
  must(r.status === 303, 'save', r);
}

/** The codes for the token phase: minted through /oidc/authorize (prompt=none) by Jan. */
async function mintCodes(setup, client, challenge) {
  const c = await gapSessionRetried(setup.nodes[0].url);
  const url = authorizeUrl({
    client_id: client.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
    prompt: 'none', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
  });
  // Only Jan's Pharma Test account has TESTONE: prompt=none answers the code at once.
  const codes = [];
  let failed = 0;
  async function worker() {
    while (codes.length < CODES) {
      const res = await c.fetch(url);
      await res.arrayBuffer();
      const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code');
      if (code) codes.push(code);
      else if (++failed > CODES) throw new Error(`no code: ${res.status} ${res.headers.get('location')}`);
    }
  }
  await Promise.all(Array.from({ length: CONN }, worker));
  return codes;
}

/** Connections of each wrk: CONN over all the nodes of a set-up. */
function wrkConn(nodes = 1) {
  return Math.max(1, Math.floor(CONN / nodes));
}

function wrk(url, args, nodes) {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${wrkConn(nodes)}`, '-d600s', '--timeout', '10s', '-s', LUA, url, '--', ...args], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err && !/RESULT/.test(stdout)) reject(new Error(`wrk: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}


/** Code exchanges: each node gets its share of the codes from a wrk of its own, at once. */
async function tokenPhase(setup, client, verifier, codes) {
  const auth = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
  const n = setup.nodes.length;
  const files = setup.nodes.map((_, k) => {
    const f = path.join(work, `${setup.name}.codes${k}`);
    writeFileSync(f, `${codes.filter((__, i) => i % n === k).join('\n')}\n`);
    return f;
  });
  const t0 = cpuNow(setup);
  const a = process.hrtime.bigint();
  const outs = await Promise.all(setup.nodes.map((node, k) => wrk(node.url,
    ['code', files[k], '/oidc/token', auth, CB, verifier, ''], n)));
  const wall = Number(process.hrtime.bigint() - a) / 1e9;
  const cpu = cpuSince(setup, t0);
  let ok = 0;
  let bad = 0;
  let seconds = 0;
  for (const out of outs) {
    const m = /RESULT ok=(\d+) bad=(\d+) seconds=([\d.]+)/.exec(out);
    if (!m) throw new Error(`no result from wrk:\n${out}`);
    ok += Number(m[1]);
    bad += Number(m[2]);
    seconds = Math.max(seconds, Number(m[3]));
  }
  if (bad) process.stderr.write(`bench-pg: ${setup.name}: ${bad} code exchanges refused\n`);
  // The wrk script ends wrk itself (no latency report): the mean from the rate and the
  // connections kept busy (Little's law), no p99.
  const rate = ok / (seconds || wall);
  return { n: ok, seconds: seconds || wall, errors: bad, cpu, mean: (wrkConn(n) * n * 1000) / rate, p99: NaN };
}

async function measured(setup, op) {
  const t0 = cpuNow(setup);
  const r = await closedLoop(op);
  return { ...r, cpu: cpuSince(setup, t0) };
}

let cluster = null;

function pgStart() {
  if (cluster) return cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-pg-'));
  const r = spawnSync('sh', [PG_SH, 'start', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg.sh start exited ${r.status}: ${r.stderr}`);
  const postmaster = Number(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  cluster = { dir, conn: r.stdout.trim(), postmaster, databases: 0 };
  return cluster;
}

function pgStop() {
  if (cluster) spawnSync('sh', [PG_SH, 'stop', cluster.dir]);
  cluster = null;
}

function pgDatabase() {
  const c = pgStart();
  c.databases += 1;
  const name = `bench${c.databases}`;
  const r = spawnSync('/usr/lib/postgresql/15/bin/psql', ['-X', '-q', '-d', c.conn, '-c', `CREATE DATABASE ${name}`],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`CREATE DATABASE: ${r.stderr}`);
  return c.conn.replace(/dbname=\S+/, `dbname=${name}`);
}

/** Starts a set-up: its servers on a fresh database, the world built, the bench people. */
async function setUp(name, caseNo) {
  const pg = name !== 'sqlite';
  const count = name.startsWith('pg2') ? 2 : 1;
  const env = name.endsWith('-nolock') ? { PORTIER_PG_WRITER_LOCK: 'off' } : {};
  const args = [...COST];
  let nodes;
  let db;
  if (pg) {
    db = pgDatabase();
    const m = await run(['migrate', '--db', db]);
    if (m.code !== 0) throw new Error(`migrate: ${m.stdout}${m.stderr}`);
    nodes = await Promise.all(Array.from({ length: count }, () => start({ db, args, env })));
  } else {
    nodes = [await start({ args, env })];
  }
  const srv = nodes[0];
  buildWorld(srv);
  for (let k = 0; k < LOGIN_USERS; k++) {
    addPerson(srv, {
      niss: niss(900000 + k), last: 'Banc', first: `Login${k}`, lang: 'fr',
      email: `l${k}@example.be`, username: `bench.login${k}`, password: PASSWORD, extra: COST,
    });
  }
  const client = addClient(srv, 'bench', { application: 'TESTONE', scope: 'openid profile', redirect: [CB] });
  return {
    name, nodes, db, client, postmaster: pg ? cluster.postmaster : null,
    nissBase: caseNo * 20000,
  };
}

/** One code exchange, alone. */
async function exchange(setup, code, verifier) {
  const { client } = setup;
  const res = await fetch(`${setup.nodes[0].url}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier }),
  });
  const text = await res.text();
  must(res.status === 200, 'token', { status: res.status, text });
}

/** The statements PostgreSQL receives per operation, one operation at a time (so the
 * count is exact, unlike the timings): log_statement=all for the pass, its log lines
 * counted; SAVEPOINT statements and advisory-lock calls apart. */
async function countStatements(setup, ops) {
  const psql = (sql) => spawnSync('/usr/lib/postgresql/15/bin/psql', ['-X', '-q', '-d', cluster.conn, '-c', sql,
    '-c', 'SELECT pg_reload_conf()'], { encoding: 'utf8' });
  const log = path.join(cluster.dir, 'server.log');
  const count = () => {
    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => /LOG: {2}(statement|execute)/.test(l));
    return [lines.length, lines.filter((l) => /SAVEPOINT/.test(l)).length,
      lines.filter((l) => /pg_advisory/.test(l)).length];
  };
  psql("ALTER SYSTEM SET log_statement = 'all'");
  await new Promise((r) => { setTimeout(r, 300); });
  const out = {};
  try {
    for (const [what, op] of Object.entries(ops)) {
      await op(0);   // warm: statements prepared, keys loaded
      const a = count();
      for (let i = 1; i <= 10; i++) await op(i);
      const b = count();
      out[what] = b.map((v, k) => (v - a[k]) / 10);
    }
  } finally {
    psql('ALTER SYSTEM RESET log_statement');
  }
  return out;
}

async function runCase(name, caseNo) {
  const setup = await setUp(name, caseNo);
  try {
    const { verifier, challenge } = pkce();
    const codes = await mintCodes(setup, setup.client, challenge);
    const spare = codes.splice(0, 11);
    const token = await tokenPhase(setup, setup.client, verifier, codes);
    const login = await measured(setup, (w, i) => passwordLogin(setup, i));
    const sessions = [];
    for (let w = 0; w < CONN; w++) sessions.push(await gapSessionRetried(setup.nodes[w % setup.nodes.length].url));
    setup.newPath = `/acces/${ORGS.pharma.id}/qualite/${await qualityOf(sessions[0])}/nouveau`;
    const create = await measured(setup, (w, i) => userCreation(setup, sessions, w, i));
    let statements = null;
    if (name === 'pg1') {
      const one = { ...setup, nodes: [setup.nodes[0]], nissBase: setup.nissBase + 10000 };
      statements = await countStatements(setup, {
        token: (i) => exchange(setup, spare[i], verifier),
        login: (i) => passwordLogin(one, i),
        'user new': (i) => userCreation(one, sessions, 0, i),
      });
    }
    return { name, token, login, create, statements };
  } finally {
    await Promise.all(setup.nodes.map((n) => n.stop()));
  }
}

/** The id of Pharma Test's activated quality, from the link on /acces/ORG. */
async function qualityOf(c) {
  const page = await c.get(`/acces/${ORGS.pharma.id}`);
  const m = new RegExp(`/acces/${ORGS.pharma.id}/qualite/(\\d+)`).exec(page.text);
  if (!m) throw new Error(`no quality link on /acces/${ORGS.pharma.id}: ${page.status}`);
  return m[1];
}

const LABEL = {
  sqlite: 'SQLite, 1 node',
  pg1: 'PostgreSQL, 1 node',
  pg2: 'PostgreSQL, 2 nodes',
  'pg1-nolock': 'PostgreSQL, 1 node, no writer lock',
  'pg2-nolock': 'PostgreSQL, 2 nodes, no writer lock',
};

function f1(x) {
  if (!Number.isFinite(x)) return '-';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

function row(name, what, r) {
  const rate = r.n / r.seconds;
  const nodeUs = r.cpu.nodes.map((s) => (s * 1e6) / Math.max(1, r.n));
  const total = nodeUs.reduce((a, b) => a + b, 0);
  const pgUs = (r.cpu.pg * 1e6) / Math.max(1, r.n);
  return {
    name, what, rate, total, pgUs,
    text: `${LABEL[name].padEnd(38)}${what.padEnd(11)}${f1(rate).padStart(8)}${f1(r.mean).padStart(8)}`
      + `${f1(r.p99).padStart(8)}${nodeUs.map(f1).join('+').padStart(14)}${f1(pgUs).padStart(10)}`
      + `${f1(total + pgUs).padStart(10)}${r.errors ? `  (${r.errors} failed)` : ''}`,
  };
}

async function main() {
  if (!existsSync(PG_SH)) throw new Error('tests/lib/pg.sh missing');
  if (spawnSync('wrk', ['-v']).error) throw new Error('bench-pg: wrk is needed (apt-get install wrk)');
  if (!existsSync('/usr/lib/postgresql/15/bin/initdb')) {
    throw new Error('bench-pg: PostgreSQL 15 is needed (apt-get install postgresql-15)');
  }
  const results = [];
  for (const [k, name] of CASES.entries()) {
    if (!LABEL[name]) throw new Error(`unknown case ${name} (BENCH_CASES)`);
    process.stderr.write(`bench-pg: ${LABEL[name]}…\n`);
    results.push(await runCase(name, k));
  }
  console.log(`== make bench-pg: ${os.cpus().length} cores (shared with the load generator), `
    + `${CONN} connections, ${CODES} code exchanges per set-up, logins and user creations ${SECONDS} s each, `
    + `load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`${'set-up'.padEnd(38)}${'load'.padEnd(11)}${'ops/s'.padStart(8)}${'mean ms'.padStart(8)}`
    + `${'p99 ms'.padStart(8)}${'node µs/op'.padStart(14)}${'pg µs/op'.padStart(10)}${'all µs/op'.padStart(10)}`);
  const rows = [];
  for (const r of results) {
    for (const [what, x] of [['token', r.token], ['login', r.login], ['user new', r.create]]) {
      const one = row(r.name, what, x);
      rows.push(one);
      console.log(one.text);
    }
  }
  console.log('(failed: answers other than the expected ones, e.g. 500 for a serialization failure '
    + 'that services do not yet retry without the writer lock (rule 12); ops/s and µs/op count the '
    + 'successful ones. token: one code exchange, PKCE S256, client_secret_basic; login: GET /login + POST '
    + '/login/password; user new: three POSTs of /acces …/nouveau, …/confirmation, …/enregistrer. '
    + 'CPU: utime+stime from /proc per operation, each portier process, and PostgreSQL\'s '
    + 'processes together; two nodes: the generator alternates the nodes request by request.)');
  for (const r of results.filter((x) => x.statements)) {
    console.log(`statements sent to PostgreSQL per operation (${LABEL[r.name]}, one at a time, log_statement=all): `
      + Object.entries(r.statements).map(([what, [all, sp, lock]]) => `${what} ${all} (${sp} savepoint statements, `
      + `${lock} writer-lock calls)`).join('; '));
  }
  const find = (name, what) => rows.find((x) => x.name === name && x.what === what);
  const ratios = [
    ['PostgreSQL 1 node / SQLite', 'pg1', 'sqlite'],
    ['PostgreSQL 2 nodes / 1 node', 'pg2', 'pg1'],
    ['writer lock off / on, 1 node', 'pg1-nolock', 'pg1'],
    ['writer lock off / on, 2 nodes', 'pg2-nolock', 'pg2'],
  ];
  let header = false;
  for (const [label, a, b] of ratios) {
    const cells = ['token', 'login', 'user new'].map((what) => {
      const x = find(a, what);
      const y = find(b, what);
      if (!x || !y) return '-';
      return `${(x.rate / y.rate).toFixed(2)}; ${((x.total + x.pgUs) / (y.total + y.pgUs)).toFixed(2)}`;
    });
    if (cells.every((c) => c === '-')) continue;
    if (!header) {
      console.log(`${'ratios (rate; CPU per op, nodes + PostgreSQL)'.padEnd(49)}${'token'.padStart(14)}`
        + `${'login'.padStart(14)}${'user new'.padStart(14)}`);
      header = true;
    }
    console.log(`${label.padEnd(49)}${cells.map((c) => c.padStart(14)).join('')}`);
  }
}

try {
  await main();
} finally {
  pgStop();
  rmSync(work, { recursive: true, force: true });
}
