// mandates.mjs — `make bench-mandates` (issue 16 part 3): the profile choice page of a
// person of a social secretariat B who serves BENCH_MANDATORS (10,000) mandators, each with
// an active mandate to B covering the asking application and serving all of B's users.
// Measures GET /oidc/continue/ID (the whole page: the pending request, the person's own
// profiles, one page of 20 mandators in SQL, the template) with no search, a deep page, a
// search by name (first and third page) and by enterprise number: per kind, the latency
// of one request after the other (the server's time per request, loopback), then
// BENCH_CLIENTS clients at once (requests/s), and the server's CPU per request
// (utime+stime of its process from /proc, before and after; with PostgreSQL the cluster's
// too). Prints figures; asserts nothing about timings. The goal: under 50 ms per page.
// Settings: BENCH_MANDATORS (10000), BENCH_SECONDS (4 per kind and mode), BENCH_CLIENTS
// (4), BENCH_DB=pg (or PORTIER_TEST_DB=pg): a fresh database on a throw-away cluster;
// BENCH_KEEP=1 keeps the SQLite database and says where (to look at the plans).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { exec, scalar } from '../tests/lib/db.js';
import { pgDatabase } from '../tests/lib/pg.js';
import { BIN, freePort } from '../tests/lib/server.js';
import { activateQuality, addOrg } from '../tests/lib/world.js';
import { addClient, buildWorld, PASSWORD, PEOPLE } from '../tests/http/oidc_lib.js';

const N = Number(process.env.BENCH_MANDATORS ?? 10000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const PG = (process.env.BENCH_DB ?? process.env.PORTIER_TEST_DB) === 'pg';
const CB = 'http://127.0.0.1:9/cb';
const TICK = 100; // USER_HZ
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });

/** One browser: its cookies. */
class Jar {
  constructor(base) { this.base = new URL(base); this.cookies = new Map(); }

  /** The request, once more when a kept-alive connection was closed by the server as it
   * was reused (its idle timeout: 30 s; GET only, which changes nothing). */
  async request(method, target, body) {
    try {
      return await this.once(method, target, body);
    } catch (e) {
      if (method !== 'GET' || !['ECONNRESET', 'EPIPE'].includes(e.code)) throw e;
      return this.once(method, target, body);
    }
  }

  once(method, target, body) {
    const u = new URL(target, this.base);
    const data = body ? body.toString() : null;
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (data !== null) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(data);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({
        agent, host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers,
      }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const pair = line.split(';')[0];
          const i = pair.indexOf('=');
          if (i === pair.length - 1) this.cookies.delete(pair.slice(0, i));
          else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
        }
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
  if (!cond) throw new Error(`${what}: ${res?.status} ${(res?.text ?? '').slice(0, 300)}`);
}

function statFields(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return f.slice(f.lastIndexOf(')') + 2).split(' ');
}
function cpuTicks(pid) {
  const f = statFields(pid);
  return Number(f[11]) + Number(f[12]);
}
/** The CPU ticks of a PostgreSQL cluster (its postmaster and the processes it started). */
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
  if (!pidFile) return 0;
  const master = readFileSync(pidFile, 'utf8').split('\n')[0].trim();
  let ticks = cpuTicks(master);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { if (statFields(d)[1] === master) ticks += cpuTicks(d); } catch { /* gone */ }
  }
  return ticks;
}

async function startPortier() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-mandates-'));
  const db = PG ? pgDatabase() : path.join(dir, 'portier.db');
  // The person logs in with access codes alone: that door is off in a new deployment.
  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--log-level', 'warn',
    '--doors', 'eid,password'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 600 || child.exitCode !== null) throw new Error('portier did not start');
    await new Promise((r) => { setTimeout(r, 100); });
  }
  return {
    url, db, pid: child.pid,
    stop: () => new Promise((r) => {
      child.once('exit', () => {
        if (process.env.BENCH_KEEP) console.log(`database kept: ${db}`);
        else rmSync(dir, { recursive: true, force: true });
        r();
      });
      child.kill('SIGTERM');
    }),
  };
}

const WORDS = ['Boulangerie', 'Construction', 'Transport', 'Pharmacie', 'Garage', 'Cabinet',
  'Restaurant', 'Immobilière', 'Menuiserie', 'Librairie'];
const FAMILIES = ['Dupont', 'Peeters', 'Janssens', 'Maes', 'Lambert', 'Dubois', 'Martin',
  'Claes', 'Willems', 'Schmitz', 'Mertens', 'Goossens', 'Wouters'];

/** The mandators, their activated quality, their mandates to b and the application, in
 * four statements on the server's database (a recursive CTE, generate_series on PG). */
function seed(srv, b, proposer) {
  const words = WORDS.map((w, i) => `WHEN ${i} THEN '${w}'`).join(' ');
  const fams = FAMILIES.map((w, i) => `WHEN ${i} THEN '${w}'`).join(' ');
  exec(srv, {
    sqlite: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
      INSERT INTO organisation(enterprise, country, name, contact_email, contact_phone, procedure, created_at)
      SELECT printf('08%08d', i), 'BE', (CASE i % 10 ${words} END) || ' ' || (CASE i % 13 ${fams} END)
        || ' ' || printf('%05d', i), 'c@example.be', '02 000 00 00', 'standard', '2026-01-01T00:00:00Z' FROM n;`,
    pg: `INSERT INTO organisation(enterprise, country, name, contact_email, contact_phone, procedure, created_at)
      SELECT '08' || lpad(i::text, 8, '0'), 'BE', (CASE i % 10 ${words} END) || ' ' || (CASE i % 13 ${fams} END)
        || ' ' || lpad(i::text, 5, '0'), 'c@example.be', '02 000 00 00', 'standard', '2026-01-01T00:00:00Z'
      FROM generate_series(1, ${N}) AS i;`,
  });
  exec(srv, `INSERT INTO org_quality(org_id, quality, email, activated_at)
    SELECT id, 'health_related', 'q@example.be', '2026-01-01T00:00:00Z' FROM organisation WHERE enterprise LIKE '08%';
    INSERT INTO mandate(public_id, mandator_org, mandatary_org, quality, start_quarter, end_quarter, status,
      proposed_side, proposed_by, serve_all, created_at, changed_at)
    SELECT 'bench-' || id, id, ${b}, 'health_related', 20201, NULL, 'active', 'mandator', ${proposer}, 1,
      '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM organisation WHERE enterprise LIKE '08%';
    INSERT INTO mandate_app(mandate_id, application) SELECT id, 'TESTAPP' FROM mandate;`);
  if (PG) exec(srv, 'ANALYZE;');
}

async function login(jar, user) {
  const page = await jar.request('GET', '/login?next=/');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const res = await jar.request('POST', '/login/password', new URLSearchParams({
    _csrf: csrf, username: user, password: PASSWORD, next: '/', level: '1',
  }));
  must(res.status === 303, 'login', res);
}

/** A pending request of the client, its page path. */
async function flowOf(jar, clientId) {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: clientId, redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const res = await jar.request('GET', `/oidc/authorize?${params}`);
  must(res.status === 303 && res.headers.location?.startsWith('/oidc/continue/'), 'authorize', res);
  return res.headers.location;
}

const pct = (s, p) => s[Math.min(s.length - 1, Math.floor(s.length * p))];

/** clients browsers asking query for SECONDS: latencies, requests/s, server CPU per request. */
async function run(srv, browsers, query, check) {
  const first = await browsers[0].jar.request('GET', `${browsers[0].flow}${query}`);
  must(first.status === 200, `page ${query}`, first);
  check(first.text);
  const times = [];
  const cpu0 = cpuTicks(srv.pid);
  const db0 = PG ? pgTicks(srv.db) : 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(browsers.map(async (b) => {
    while (Date.now() < end) {
      const s = process.hrtime.bigint();
      const r = await b.jar.request('GET', `${b.flow}${query}`);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
      must(r.status === 200, 'page', r);
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuTicks(srv.pid) - cpu0) / TICK;
  const db = PG ? (pgTicks(srv.db) - db0) / TICK : null;
  times.sort((a, b) => a - b);
  return {
    n: times.length, rate: times.length / secs, p50: pct(times, 0.5), p99: pct(times, 0.99),
    cpuMs: (1000 * cpu) / times.length, dbMs: db === null ? null : (1000 * db) / times.length,
  };
}

const mandateCount = (html) => (html.match(/<option value="m:/g) ?? []).length;
const expect = (n, next) => (html) => {
  if (mandateCount(html) !== n) throw new Error(`expected ${n} mandators on the page, got ${mandateCount(html)}`);
  if (next !== /rel="next"/.test(html)) throw new Error(`next page link ${next ? 'missing' : 'unexpected'}`);
};

const srv = await startPortier();
try {
  buildWorld(srv);
  const client = addClient(srv, 'bench', { application: 'TESTAPP', redirect: [CB] });
  const b = addOrg(srv, { enterprise: '0403170701', name: 'Secrétariat Social Bench', gap: PEOPLE.lukas.niss,
    email: 'b@example.be', phone: '02 000 00 00' });
  activateQuality(srv, { org: b, email: 'qb@example.be', gl: PEOPLE.lukas.niss, username: 'lukas.b',
    userEmail: 'lukas.b@example.be', lang: 'de', apps: ['TESTAPP'] });
  const t0 = Date.now();
  seed(srv, b, PEOPLE.lukas.id);
  const seeded = Number(scalar(srv, `SELECT count(*) FROM mandate WHERE mandatary_org = ${b} AND status = 'active'`));
  console.log(`== profile choice under mandates: ${seeded} active mandates to one social secretariat, `
    + `a person serving all (${PG ? 'PostgreSQL' : 'SQLite'}; seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s; `
    + `${os.cpus().length} cores, node ${process.version})`);
  const browsers = [];
  for (let i = 0; i < CLIENTS; i++) {
    const jar = new Jar(srv.url);
    await login(jar, PEOPLE.lukas.user);
    browsers.push({ jar, flow: await flowOf(jar, client.id) });
  }
  const lastPage = Math.ceil(seeded / 20);
  const mid = Math.floor(lastPage / 2);
  const jar0 = browsers[0].jar;
  /** The address (after the flow's path) of page `page` of query, following the next links. */
  const follow = async (query, page) => {
    let q = query;
    for (let i = 1; i < page; i++) {
      const r = await jar0.request('GET', `${browsers[0].flow}${q}`);
      const next = /<a href="([^"]+)" rel="next">/.exec(r.text)?.[1];
      must(next, `next link on page ${i} of ${query}`, r);
      const u = next.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
      q = u.slice(u.indexOf('?'));
    }
    return q;
  };
  const midQuery = lastPage < 4 ? '' : await follow('', mid);
  const midPage = await jar0.request('GET', `${browsers[0].flow}${midQuery}`);
  const prev = (/<a href="([^"]+)" rel="prev">/.exec(midPage.text)?.[1] ?? '')
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
  const kinds = lastPage < 4 ? [['first page, no search', '', () => {}]] : [
    ['first page, no search', '', expect(20, true)],
    [`page ${mid} of ${lastPage} (keyset), no search`, midQuery, expect(20, true)],
    [`page ${mid - 1} (the one before)`, prev.slice(prev.indexOf('?')), expect(20, true)],
    ['search "dupont", page 1', '?q=dupont', expect(20, true)],
    ['search "boulangerie dupont", page 3', await follow(`?q=${encodeURIComponent('boulangerie dupont')}`, 3), expect(20, true)],
    ['search by number "0800004242"', '?q=0800004242', expect(1, false)],
    ['search "0800.00", page 2', await follow(`?q=${encodeURIComponent('0800.00')}`, 2), expect(20, true)],
  ];
  const head = `${'page'.padEnd(40)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'CPU ms/req'.padStart(11)}`
    + `${PG ? 'PG ms/req'.padStart(10) : ''}${`req/s ×${CLIENTS}`.padStart(11)}${`p50 ×${CLIENTS}`.padStart(9)}`;
  console.log(head);
  let worst = 0;
  for (const [name, query, check] of kinds) {
    const one = await run(srv, browsers.slice(0, 1), query, check);
    const many = await run(srv, browsers, query, check);
    worst = Math.max(worst, one.p50);
    console.log(`${name.padEnd(40)}${one.p50.toFixed(2).padStart(8)}${one.p99.toFixed(2).padStart(8)}`
      + `${one.cpuMs.toFixed(2).padStart(11)}${PG ? one.dbMs.toFixed(2).padStart(10) : ''}`
      + `${many.rate.toFixed(0).padStart(11)}${many.p50.toFixed(2).padStart(9)}`);
  }
  console.log(`goal: under 50 ms per page (one request at a time): worst p50 ${worst.toFixed(2)} ms — `
    + `${worst < 50 ? 'met' : 'NOT met'}`);
  console.log(`(p50/p99: one request after the other, ${SECONDS} s each, loopback, the whole page; `
    + `CPU ms/req: the server process's utime+stime over the requests; req/s and p50 ×${CLIENTS}: `
    + `${CLIENTS} browsers at once)`);
} finally {
  agent.destroy();
  await srv.stop();
}
