// api.mjs — `make bench-api` (issue 19 part 6): the management API (SCIM 2.0, RFC 7644)
// against the pages of /acces, side by side in one run, on a quality of BENCH_USERS users
// (100,000): (a) user creations, POST /scim/v2/Users with a machine's bearer token against
// the GL's "Ajouter un utilisateur" as a browser does it (the three form POSTs with their
// CSRF field, and the GET of the list the last one redirects to; also measured without that
// GET); the machine's certificate is registered by that GL, so both act as the GL and grant
// the same application; (b) filtered listings,
// SCIM GET /scim/v2/Users?filter=userName eq "…" and name.familyName sw "…" (count=50)
// against the same filters in the quality's users list (POST, 25 rows a page) and in
// "Rechercher utilisateurs" (every quality of the organisation).
// Seeding: the persons register (`portier import persons`, one transaction) holds the users
// and a pool of fresh persons for the creations; the users go in through the CSV import of
// the pages (issue 19 part 1; 20,000 rows a file, each applied in one transaction). The
// machine: a system certificate registered for the quality, its key registered, its token
// from client_credentials with private_key_jwt (tests/http/machines_lib.js).
// Each measure: BENCH_CONC workers in a closed loop, the two sides alternated (A B B A, each
// BENCH_SECONDS/2) so that a change of load on the shared machine weighs on both (the extra
// rows, creation without the GET and "Rechercher utilisateurs", run alone); requests/s,
// latency p50/p99, server CPU per operation from /proc/PID/stat (portier, plus PostgreSQL's
// processes with BENCH_DB=pg), and the ratios SCIM/pages. Every answer is checked (status,
// and the count found for a listing). Asserts nothing about timings; not part of make check.
// Settings: BENCH_USERS (100000), BENCH_POOL (fresh register persons, 20000), BENCH_BATCH
// (rows a seeding file: 20000, on PostgreSQL 4000), BENCH_SECONDS
// (8 per side and measure), BENCH_CONC (4), BENCH_DB (sqlite | pg: a throw-away PostgreSQL,
// tests/lib/pg.sh, as bench/pg.mjs does), BENCH_FOLLOW (1: a page creation includes the GET
// of the list its save redirects to, as a browser does; 0: the three POSTs only).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BIN, Client, start } from '../tests/lib/server.js';
import { ASSERTION_TYPE, assertion, assertionKey, makeMachineCA, registerCert, registerJwks }
  from '../tests/http/machines_lib.js';
import { ORGS, PASSWORD, PEOPLE, buildWorld, csrfOf } from '../tests/http/oidc_lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_USERS ?? 100000);
const POOL = Number(process.env.BENCH_POOL ?? 20000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONC = Number(process.env.BENCH_CONC ?? 4);
const PG = process.env.BENCH_DB === 'pg';
const FOLLOW = process.env.BENCH_FOLLOW !== '0';
const PG_SH = path.join(here, '..', 'tests', 'lib', 'pg.sh');
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const TICK = 100; // USER_HZ: clock ticks per second in /proc/PID/stat
// Rows a CSV file of the seeding: the import's limit (20,000, docs/csv-import.md) on SQLite;
// on PostgreSQL a file's confirmation takes about 15 ms a row on this shared machine, and
// node's fetch gives up on an answer after 300 s: 4,000.
const BATCH = Number(process.env.BENCH_BATCH ?? (PG ? 4000 : 20000));
const APPS = ['TESTAPP', 'MEDSEIP'];
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_EXT = 'urn:portier:params:scim:schemas:extension:2.0:User';
const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

// Last names of the users (as bench/uman.c), first names; a user's are fixed by its index.
const LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens',
  'Wouters', 'De Smet', 'Dubois', 'Lambert', 'Dupont', 'Martin', 'Simon', 'Laurent', 'Leclercq',
  'Lejeune', 'Renard', 'Denis', 'Hermans', 'Michiels', 'Dumont', 'Vermeulen', 'Pauwels',
  'Van Damme', 'Aerts', 'De Clercq', 'Smets', 'Mathieu', 'Fontaine', 'Gérard', 'Schmitz', 'Müller',
  'Becker', 'Cools', 'Verstraete', 'Thys', 'Baert', 'Declercq'];
const FIRST = ['Jan', 'Marie', 'Luc', 'Sophie', 'Pieter', 'Anne', 'Marc', 'Julie', 'Thomas', 'Emma',
  'Lucas', 'Louise', 'Noah', 'Élise', 'Arthur', 'Camille', 'Jules', 'Léa', 'Victor', 'Nora'];
// The family-name prefixes searched: three letters that start few of the names above
// ("Dub" only Dubois, "Mer" only Mertens…), so each finds about N/40 users.
const PREFIXES = ['Dub', 'Mer', 'Wil', 'Goo', 'Lej', 'Ren', 'Her', 'Pau', 'Fon', 'Bec'];

/** The i-th valid NISS of this run: births 1930-1969 (none of the test world's people),
 * days 1-28, sequences 1-997 (bench/pg.mjs's niss). */
function niss(i) {
  const seq = (i % 997) + 1;
  const day = Math.floor(i / 997);
  const d = (day % 28) + 1;
  const m = (Math.floor(day / 28) % 12) + 1;
  const y = (Math.floor(day / 336) % 40) + 30;
  const base = ((y * 10000 + m * 100 + d) * 1000) + seq;
  return `${String(base).padStart(9, '0')}${String(97 - (base % 97)).padStart(2, '0')}`;
}

// Person i: users are 0..N-1, the pool N..N+POOL-1.
const person = (i) => ({
  niss: niss(i), last: LAST[(i * 7) % LAST.length], first: FIRST[(i * 3) % FIRST.length],
  username: `u${String(i).padStart(7, '0')}`,
});

const work = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-api-'));
let cluster = null;

function pgStart() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-pg-'));
  const r = spawnSync('sh', [PG_SH, 'start', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg.sh start exited ${r.status}: ${r.stderr}`);
  const postmaster = Number(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  cluster = { dir, conn: r.stdout.trim(), postmaster };
  const db = spawnSync(PSQL, ['-X', '-q', '-d', cluster.conn, '-c', 'CREATE DATABASE benchapi'], { encoding: 'utf8' });
  if (db.status !== 0) throw new Error(`CREATE DATABASE: ${db.stderr}`);
  return cluster.conn.replace(/dbname=\S+/, 'dbname=benchapi');
}

/** utime+stime of pid (+ its reaped children's), in ticks; 0 when gone. */
function ticks(pid, children = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(f[11]) + Number(f[12]);
    return children ? own + Number(f[13]) + Number(f[14]) : own;
  } catch {
    return 0;
  }
}

/** PostgreSQL's CPU: the postmaster with its exited children, and its living children. */
function pgTicks() {
  if (!cluster) return 0;
  let sum = ticks(cluster.postmaster, true);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === cluster.postmaster) sum += Number(f[11]) + Number(f[12]);
    } catch { /* gone meanwhile */ }
  }
  return sum;
}

function must(cond, what, res) {
  if (!cond) {
    const text = res?.text ?? '';
    const title = /<title>([^<]*)<\/title>/.exec(text)?.[1];
    throw new Error(`${what}: ${res?.status} ${title ?? text.slice(0, 300)}`);
  }
}

/** The GL's session (Claire, GL of Pharma Test's quality), capacity chosen, csrf set. */
async function glSession(url) {
  const c = new Client(url);
  const page = await c.get('/login');
  let r = await c.get('/login/password', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrfOf(page.text), username: PEOPLE.claire.user, password: PASSWORD, next: '/acces' }),
  });
  must(r.status === 303, 'GL login', r);
  const cap = await c.get('/capacite?next=/acces');
  if (cap.status === 200 && /name="capacity"/.test(cap.text)) {
    r = await c.get('/capacite', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrfOf(cap.text), capacity: 'health', next: '/acces' }),
    });
    must(r.status === 303, 'capacity', r);
  }
  c.csrf = csrfOf((await c.get('/acces')).text);
  return c;
}

function form(c, fields) {
  const body = new URLSearchParams({ _csrf: c.csrf });
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) body.append(k, x);
    else body.append(k, v);
  }
  return body;
}

/** The id of Pharma Test's activated quality, from the GL's link on /acces. */
async function qualityOf(c) {
  const page = await c.get('/acces');
  const m = new RegExp(`/acces/${ORGS.pharma.id}/qualite/(\\d+)`).exec(page.text);
  if (!m) throw new Error(`no quality link on /acces: ${page.status}`);
  return m[1];
}

/** The persons register: the N users and the pool, one file, one import. */
function seedRegister(db) {
  const file = path.join(work, 'persons.csv');
  const rows = ['"NISS","LastName","FirstNames","BirthDate","Sex","Language","Country"'];
  for (let i = 0; i < N + POOL; i++) {
    const p = person(i);
    rows.push(`"${p.niss}","${p.last}","${p.first}",,,"fr","BE"`);
  }
  writeFileSync(file, `${rows.join('\n')}\n`);
  execFileSync(BIN, ['import', 'persons', file, '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The N users through the CSV import of the pages, BATCH rows a file. */
async function seedUsers(c, q) {
  const head = "Nom;Prénom;Nom d'utilisateur;Type;NISS;Statut;Titre;Choix linguistique;"
    + 'Adresse e-mail utilisateur;Adresse e-mail locale;Date création;Date modification;Applications sécurisées';
  for (let from = 0; from < N; from += BATCH) {
    const to = Math.min(N, from + BATCH);
    const lines = [head];
    for (let i = from; i < to; i++) {
      const p = person(i);
      lines.push(`${p.last};${p.first};${p.username};USER;${p.niss};Actif;${i % 2 ? 'M.' : 'Mme'};fr;`
        + `${p.username}@example.be;;;;${APPS[i % APPS.length]}`);
    }
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append('file', new Blob([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')])], { type: 'text/csv' }), 'users.csv');
    const up = await c.get(`/acces/${ORGS.pharma.id}/qualite/${q}/import`, { method: 'POST', body: fd });
    must(up.status === 303, 'CSV upload', up);
    const ok = await c.get(`${up.headers.get('location')}/confirmer`, { method: 'POST', body: form(c, {}) });
    must(ok.status === 200, 'CSV import confirmation', ok);
    const added = Number(/data-class="add">(\d+)</.exec(ok.text)?.[1]);
    if (added !== to - from) throw new Error(`CSV import: ${added} of ${to - from} rows added`);
    process.stderr.write(`bench-api: ${to} users\n`);
  }
}

/** A machine token (client_credentials, private_key_jwt) for the certificate. */
async function machineToken(url, key, id) {
  const res = await fetch(`${url}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials', scope: APPS.join(' '), client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion(key, id, url),
    }),
  });
  const text = await res.text();
  must(res.status === 200, 'machine token', { status: res.status, text });
  return JSON.parse(text).access_token;
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** op(worker, i) from CONC workers for ms; the server CPU (portier, PostgreSQL) meanwhile. */
async function closedLoop(ctx, op, ms) {
  const lat = [];
  let errors = 0;
  let first = null;
  const cpu0 = [ticks(ctx.srv.pid), pgTicks()];
  const t0 = process.hrtime.bigint();
  const end = Date.now() + ms;
  async function worker(w) {
    while (Date.now() < end) {
      const a = process.hrtime.bigint();
      try {
        await op(w);
        lat.push(Number(process.hrtime.bigint() - a) / 1e6);
      } catch (e) {
        errors++;
        if (!first) first = e;
        if (errors > 20) throw e;
      }
    }
  }
  await Promise.all(Array.from({ length: CONC }, (_, w) => worker(w)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (first) process.stderr.write(`bench-api: ${errors} failed, the first: ${first.message}\n`);
  return { lat, seconds, errors, cpu: (ticks(ctx.srv.pid) - cpu0[0]) / TICK, pg: (pgTicks() - cpu0[1]) / TICK };
}

/** Both sides of a measure alternated A B B A, each half the time; the halves merged. Without
 * b, A alone for the same time. */
async function pair(ctx, a, b) {
  const half = (SECONDS * 1000) / 2;
  const parts = { a: [], b: [] };
  for (const k of b ? ['a', 'b', 'b', 'a'] : ['a', 'a']) parts[k].push(await closedLoop(ctx, k === 'a' ? a : b, half));
  const merge = (xs) => {
    const lat = xs.flatMap((x) => x.lat).sort((x, y) => x - y);
    const sum = (f) => xs.reduce((s, x) => s + f(x), 0);
    const n = lat.length;
    return {
      n, rate: n / sum((x) => x.seconds), p50: quantile(lat, 0.5), p99: quantile(lat, 0.99),
      errors: sum((x) => x.errors), cpuUs: (sum((x) => x.cpu) * 1e6) / Math.max(1, n),
      pgUs: (sum((x) => x.pg) * 1e6) / Math.max(1, n),
    };
  };
  return [merge(parts.a), merge(parts.b)];
}

// ---- the two sides of each measure ----

/** The next pool person for a creation (both sides take from one counter). */
function nextFresh(ctx) {
  if (ctx.fresh >= N + POOL) throw new Error('the pool of fresh persons is used up (BENCH_POOL)');
  return person(ctx.fresh++);
}

/** A SCIM creation: POST /scim/v2/Users, 201 and the resource back. */
async function scimCreate(ctx) {
  const p = nextFresh(ctx);
  const res = await fetch(`${ctx.srv.url}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify(ctx.scimBody(p)),
  });
  const text = await res.text();
  must(res.status === 201, 'SCIM POST /Users', { status: res.status, text });
  created(ctx, p);
}

/** Counts a created user in what its family-name prefix finds. */
function created(ctx, p) {
  for (const pre of PREFIXES) if (p.last.startsWith(pre)) ctx.found[pre]++;
}

/** The GL's "Ajouter un utilisateur": NISS → form, confirmation, save (303), and the list
 * the save redirects to (BENCH_FOLLOW). */
async function pageCreate(ctx, w, follow = FOLLOW) {
  const p = nextFresh(ctx);
  const c = ctx.sessions[w];
  const base = `/acces/${ORGS.pharma.id}/qualite/${ctx.q}`;
  let r = await c.get(`${base}/nouveau`, { method: 'POST', body: form(c, { niss: p.niss, type: 'USER' }) });
  must(r.status === 200, 'creation form', r);
  const fields = {
    niss: p.niss, type: 'USER', username: p.username, last_name: p.last, first_name: p.first,
    title: 'M.', language: 'fr', email: `${p.username}@example.be`, local_email: '', apps: APPS[0],
  };
  if (/name="locked" value="1"/.test(r.text)) fields.locked = '1';
  r = await c.get(`${base}/nouveau/confirmation`, { method: 'POST', body: form(c, fields) });
  must(r.status === 200, 'confirmation', r);
  r = await c.get(`${base}/nouveau/enregistrer`, { method: 'POST', body: form(c, fields) });
  must(r.status === 303, 'save', r);
  created(ctx, p);
  if (follow) {
    r = await c.get(r.headers.get('location'));
    must(r.status === 200, 'list after the save', r);
  }
}

/** The query of a listing: a user name (eq) or a family-name prefix (sw), drawn at random. */
function draw(kind) {
  if (kind === 'userName') {
    const i = Math.floor(Math.random() * N);
    return { value: person(i).username, expect: 1 };
  }
  const prefix = PREFIXES[Math.floor(Math.random() * PREFIXES.length)];
  return { value: prefix, expect: null };
}

async function scimList(ctx, kind) {
  const { value, expect } = draw(kind);
  const filter = kind === 'userName' ? `userName eq "${value}"` : `name.familyName sw "${value}"`;
  const res = await fetch(`${ctx.srv.url}/scim/v2/Users?${new URLSearchParams({ filter, count: '50' })}`, {
    headers: { authorization: `Bearer ${ctx.token}`, accept: 'application/scim+json' },
  });
  const text = await res.text();
  must(res.status === 200, `SCIM GET /Users?filter=${filter}`, { status: res.status, text });
  const body = JSON.parse(text);
  const want = expect ?? ctx.found[value];
  if (!body.schemas?.includes(SCIM_LIST) || body.totalResults !== want
    || body.Resources?.length !== Math.min(50, want)) {
    throw new Error(`SCIM ${filter}: totalResults ${body.totalResults}, ${body.Resources?.length} resources; `
      + `expected ${want}`);
  }
}

/** The same filter in the pages: the quality's users list (where: 'list') or "Rechercher
 * utilisateurs" (where: 'search'); the "N utilisateurs trouvés" checked. */
async function pageList(ctx, w, kind, where) {
  const { value, expect } = draw(kind);
  const c = ctx.sessions[w];
  const url = where === 'list' ? `/acces/${ORGS.pharma.id}/qualite/${ctx.q}` : `/acces/${ORGS.pharma.id}/utilisateurs`;
  const r = await c.get(url, {
    method: 'POST', body: form(c, kind === 'userName' ? { f_username: value } : { f_last_name: value }),
  });
  must(r.status === 200, `page ${where} ${kind}`, r);
  const want = expect ?? ctx.found[value];
  const m = /class="uman-found"[^>]*>([^<]*)</.exec(r.text);
  const got = m ? (/^Un utilisateur/.test(m[1]) ? 1 : Number(m[1].replace(/[^\d]/g, ''))) : NaN;
  if (got !== want) throw new Error(`page ${where} ${kind} ${value}: found "${m?.[1]}", expected ${want}`);
}

// ---- the run ----

/** The SCIM resource of a new user, as the page creation fills its form: the NISS as
 * externalId, the names (the register's win, as on the page), one application. */
function scimBodyOf(p) {
  return {
    schemas: [SCIM_USER, SCIM_EXT],
    externalId: p.niss,
    userName: p.username,
    name: { familyName: p.last, givenName: p.first },
    emails: [{ value: `${p.username}@example.be`, type: 'work', primary: true }],
    preferredLanguage: 'fr',
    [SCIM_EXT]: { applications: [{ value: APPS[0] }] },
  };
}

function f1(x) {
  if (!Number.isFinite(x)) return '-';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

function line(what, side, r) {
  return `${what.padEnd(30)}${side.padEnd(30)}${f1(r.rate).padStart(8)}${f1(r.p50).padStart(9)}`
    + `${f1(r.p99).padStart(9)}${f1(r.cpuUs).padStart(15)}${PG ? f1(r.pgUs).padStart(10) : ''}`
    + `${`${r.n}`.padStart(8)}${r.errors ? `  (${r.errors} failed)` : ''}`;
}

async function main() {
  const t0 = Date.now();
  const db = PG ? pgStart() : undefined;
  const srv = await start({ ...(db ? { db } : {}) });
  const ctx = { srv, fresh: N, scimBody: scimBodyOf };
  const ca = makeMachineCA(['bench']);
  try {
    buildWorld(srv);
    process.stderr.write(`bench-api: the persons register (${N} + ${POOL})…\n`);
    seedRegister(srv.db);
    const gl = await glSession(srv.url);
    ctx.q = await qualityOf(gl);
    const ts = Date.now();
    await seedUsers(gl, ctx.q);
    const seedSeconds = (Date.now() - ts) / 1000;
    // What each family-name prefix finds: the seeded users with that name, and the world's
    // members of the quality (Claire Dubois its GL, Jan Peeters, Marie Lambert).
    const countFor = (pre, from, to) => {
      let n = 0;
      for (let i = from; i < to; i++) if (person(i).last.startsWith(pre)) n++;
      return n;
    };
    const world = { Dub: 1 };
    ctx.found = {};
    for (const pre of PREFIXES) ctx.found[pre] = countFor(pre, 0, N) + (world[pre] ?? 0);

    ctx.sessions = [];
    for (let w = 0; w < CONC; w++) ctx.sessions.push(await glSession(srv.url));
    const key = assertionKey('ES256', 'bench-key');
    // The machine acts for the GL who registered its certificate, as the pages' side does.
    const id = registerCert(srv, ca.certs.bench, { org: ORGS.pharma.id, apps: APPS, by: PEOPLE.claire.id });
    registerJwks(srv, id, [key]);
    ctx.token = await machineToken(srv.url, key, id);
    const probe = await fetch(`${srv.url}/scim/v2/Users?${new URLSearchParams({ filter: 'userName eq "u0000000"' })}`, { headers: { authorization: `Bearer ${ctx.token}` } });
    await probe.text();
    const scim = probe.status === 200;
    if (!scim) process.stderr.write(`bench-api: /scim/v2/Users answers ${probe.status}: the SCIM half is not measured\n`);

    const rows = [];
    const measure = async (what, scimOp, pageOp, more) => {
      process.stderr.write(`bench-api: ${what}…\n`);
      ctx.token = await machineToken(srv.url, key, id); // 10 minutes each
      let s;
      let p;
      if (scim) [s, p] = await pair(ctx, scimOp, pageOp);
      else [p] = await pair(ctx, pageOp, null);
      rows.push({ what, s, p });
      if (more) rows.at(-1).more = (await pair(ctx, more, null))[0];
    };
    // Creations first: the listings then count the users they added too.
    await measure('user creation', () => scimCreate(ctx), (w) => pageCreate(ctx, w),
      FOLLOW ? (w) => pageCreate(ctx, w, false) : null);
    await measure('filter userName eq', () => scimList(ctx, 'userName'),
      (w) => pageList(ctx, w, 'userName', 'list'), (w) => pageList(ctx, w, 'userName', 'search'));
    await measure('filter familyName sw', () => scimList(ctx, 'familyName'),
      (w) => pageList(ctx, w, 'familyName', 'list'), (w) => pageList(ctx, w, 'familyName', 'search'));

    console.log(`== make bench-api: ${PG ? 'PostgreSQL 15 (throw-away cluster, Unix socket)' : 'SQLite'}, `
      + `a quality of ${N.toLocaleString('en-US')} users (seeded in ${seedSeconds.toFixed(0)} s through the CSV import), `
      + `${CONC} connections, ${SECONDS} s a side (A B B A), ${os.cpus().length} cores shared with the load generator, `
      + `load average ${os.loadavg()[0].toFixed(1)}, whole run ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    console.log(`${'measure'.padEnd(30)}${'side'.padEnd(30)}${'ops/s'.padStart(8)}${'p50 ms'.padStart(9)}`
      + `${'p99 ms'.padStart(9)}${'portier µs/op'.padStart(15)}${PG ? 'pg µs/op'.padStart(10) : ''}${'ops'.padStart(8)}`);
    for (const r of rows) {
      if (r.s) console.log(line(r.what, 'SCIM', r.s));
      console.log(line(r.what, r.what === 'user creation' ? `pages (3 POST${FOLLOW ? ' + list GET' : ''})` : 'pages: quality list (25/page)', r.p));
      if (r.more) console.log(line(r.what, r.what === 'user creation' ? 'pages (3 POST, no list GET)' : 'pages: Rechercher utilisateurs', r.more));
    }
    if (scim) {
      console.log(`${'ratios SCIM / pages'.padEnd(30)}${'rate'.padStart(10)}${'CPU/op'.padStart(10)}`);
      for (const r of rows) {
        const cpu = (x) => x.cpuUs + x.pgUs;
        console.log(`${r.what.padEnd(30)}${(r.s.rate / r.p.rate).toFixed(2).padStart(10)}${(cpu(r.s) / cpu(r.p)).toFixed(2).padStart(10)}`);
      }
    } else {
      console.log('SCIM: /scim/v2/Users is not on this build: only the pages were measured');
    }
    console.log('(SCIM: count=50, the filter in the query; pages: the same filter as a POSTed form, first page of 25 rows; '
      + 'CPU: utime+stime from /proc per operation, '
      + `portier${PG ? ' and PostgreSQL\'s processes apart' : ''}; every answer checked: status, and the number found)`);
  } finally {
    await srv.stop().catch(() => {});
    ca.remove();
  }
}

function cleanUp() {
  if (cluster) spawnSync('sh', [PG_SH, 'stop', cluster.dir]);
  cluster = null;
  rmSync(work, { recursive: true, force: true });
}

// An interrupted run (make's ^C) stops its PostgreSQL cluster too.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { cleanUp(); process.exit(1); });
try {
  await main();
} finally {
  cleanUp();
}
