// machines.mjs — `make bench-machines` (issue 15 part 6): client_credentials tokens per
// second for machines, with mutual TLS (the certificate from a trusted proxy's header, as
// behind nginx) and with private_key_jwt (a fresh assertion per request), and introspection
// per second when the endpoint exists; portier (its database: SQLite, or PostgreSQL with
// PORTIER_TEST_DB=pg) against oidc-provider from npm configured alike (bench/
// machines_provider.mjs; storage alike too: on PostgreSQL its adapter writes to a database
// of its own in the same cluster, the cluster's CPU counted during each side's runs; on
// SQLite, portier's file being embedded, it keeps a Map in memory), each in its own process, the same load (BENCH_CONC connections
// with keep-alive for BENCH_SECONDS; a list, 8 and 32 by default: each server's rate at
// each, and the ratio of their peaks, since a server is only measured at its throughput
// once the load keeps it busy: oidc-provider is one Node process and peaks at one core by
// 8 connections, portier's threads and group commit need more requests in flight). Server CPU per token from /proc/PID/stat; the ratios
// printed, with Keycloak 26's published figure (120 client-credential grants per second per
// vCPU) beside as tokens per CPU-second. One run, not part of make bench.
import { execFile, fork } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ASSERTION_TYPE, ORGS, assertion, assertionKey, makeMachineCA, registerCert, registerJwks,
  startMachines } from '../tests/http/machines_lib.js';
import { freePort } from '../tests/lib/server.js';
import { pgCluster, pgDatabase, psql } from '../tests/lib/pg.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCS = (process.env.BENCH_CONC ?? '8,32').split(',').map(Number);
const TICK = 100; // USER_HZ
const KEYCLOAK_PER_VCPU = 120;
const SCOPE = 'TESTAPP TESTONE';

function cpuTicks(pid, children = false) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // utime, stime (+ cutime, cstime: the exited children's)
  return Number(rest[11]) + Number(rest[12]) + (children ? Number(rest[13]) + Number(rest[14]) : 0);
}

// On PostgreSQL the database's CPU is the server's too: the postmaster of the test cluster
// (tests/lib/pg.js; its data folder is <host>/data) with its children, as bench/pg.mjs.
function postmasterPid() {
  if (process.env.PORTIER_TEST_DB !== 'pg') return 0;
  const host = /host=(\S+)/.exec(pgCluster())?.[1];
  try { return Number(readFileSync(path.join(host, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { return 0; }
}

function pgTicks(postmaster) {
  if (!postmaster) return 0;
  let sum = cpuTicks(postmaster, true);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === postmaster) sum += Number(f[11]) + Number(f[12]);
    } catch { /* gone meanwhile */ }
  }
  return sum;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function post(url, form, headers = {}) {
  const body = new URLSearchParams(form).toString();
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers } },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const run = promisify(execFile);
const wrk = async (args) => (await run('wrk', args, { encoding: 'utf8' })).stdout;
const WRK_RATE_MAX = 12000; // bodies made per second of a run (each assertion is used once)

/** wrk (one thread, conc connections, SECONDS) POSTs the bodies made by body(i) to url,
 * with the header when given; the server's CPU from /proc. → { rate, cpuPer, n, bad }. */
async function measure(conc, pid, url, body, dir, header, postmaster = 0) {
  const n = WRK_RATE_MAX * SECONDS;
  const file = path.join(dir, 'bodies.txt');
  writeFileSync(file, `${Array.from({ length: n }, (_, i) => new URLSearchParams(body(i)).toString()).join('\n')}\n`);
  const args = ['-t1', `-c${conc}`, `-d${SECONDS}s`, '-s', new URL('./machines_wrk.lua', import.meta.url).pathname, url, '--', file];
  if (header) {
    writeFileSync(path.join(dir, 'header.txt'), header[1]);
    args.push(header[0], path.join(dir, 'header.txt'));
  }
  // Warm-up. Asynchronous: the harness must keep reading the server's log meanwhile.
  await wrk(['-t1', '-c1', '-d1s', ...args.slice(3)]);
  writeFileSync(file, `${Array.from({ length: n }, (_, i) => new URLSearchParams(body(i + n)).toString()).join('\n')}\n`);
  const cpu0 = cpuTicks(pid);
  const pg0 = pgTicks(postmaster);
  const out = await wrk(args);
  const cpu = (cpuTicks(pid) - cpu0) / TICK;
  const pgCpu = (pgTicks(postmaster) - pg0) / TICK;
  const total = Number(/(\d+) requests in/.exec(out)[1]);
  const secs = Number(/requests in ([\d.]+)s/.exec(out)[1]);
  const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  if (total === 0 || bad > total / 100) throw new Error(`${bad} of ${total} answers were not 200:\n${out}`);
  return { rate: (total - bad) / secs, cpuPer: cpu / (total - bad), pgPer: pgCpu / (total - bad), n: total - bad, bad };
}

const fmt = (x, d = 0) => x.toFixed(d).padStart(8);

async function main() {
  const ca = makeMachineCA(['bench']);
  const cert = ca.certs.bench;
  const header = { 'X-SSL-Client-Cert': encodeURIComponent(cert.pem) };
  const key = assertionKey('ES256', 'bench-key');
  const srv = await startMachines(ca, { args: process.env.BENCH_ARGS ? process.env.BENCH_ARGS.split(" ") : [] });
  const pm = postmasterPid();
  const id = registerCert(srv, cert, { org: ORGS.pharma.id, apps: SCOPE.split(' ') });
  registerJwks(srv, id, [key]);
  // The introspecting party: a resource server (`portier rs add`; machine tokens carry no
  // audience, any registered one may introspect them).
  const rsClient = { id: 'bench-rs', secret: 'bench-rs-secret-0123456789abcdef' };
  (await import('../tests/http/oidc_lib.js')).portier(['rs', 'add', '--db', srv.db, '--id', rsClient.id,
    '--secret', rsClient.secret, '--audience', 'https://bench-rs.example.be']);

  // On PostgreSQL oidc-provider stores in a database of its own in the same cluster (its
  // adapter in machines_provider.mjs); on SQLite in its process's memory.
  const opDb = pm ? pgDatabase() : '';
  const port = await freePort();
  const child = fork(new URL('./machines_provider.mjs', import.meta.url), [String(port)], {
    env: { ...process.env, BENCH_MACHINES: JSON.stringify({ jwk: key.jwk, certPem: cert.pem, scope: SCOPE }),
      BENCH_PG: opDb },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => { child.once('message', resolve); child.once('exit', reject); });
  const op = `http://127.0.0.1:${port}`;

  const rows = [];
  let stored = '';
  try {
    const hdr = ['X-SSL-Client-Cert', encodeURIComponent(cert.pem)];
    const cases = [
      ['mTLS (proxy header)',
        (c) => measure(c, srv.pid, `${srv.url}/oidc/token`, () => ({ grant_type: 'client_credentials', scope: SCOPE }), ca.dir, hdr, pm),
        (c) => measure(c, child.pid, `${op}/token`, () => ({ grant_type: 'client_credentials', client_id: 'm-tls', scope: SCOPE }), ca.dir, hdr, pm)],
      ['private_key_jwt',
        (c) => measure(c, srv.pid, `${srv.url}/oidc/token`, () => ({ grant_type: 'client_credentials', scope: SCOPE,
          client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, id, srv.url, { claims: { exp: Math.floor(Date.now() / 1000) + 240 } }) }), ca.dir, undefined, pm),
        (c) => measure(c, child.pid, `${op}/token`, () => ({ grant_type: 'client_credentials', scope: SCOPE, client_id: 'm-jwt',
          client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, 'm-jwt', op, { claims: { exp: Math.floor(Date.now() / 1000) + 240 } }) }), ca.dir, undefined, pm)],
    ];
    const introspect = await post(`${srv.url}/oidc/introspect`, {});
    if (introspect.status !== 404) {
      const tok = JSON.parse((await post(`${srv.url}/oidc/token`, { grant_type: 'client_credentials' }, header)).text).access_token;
      const opTok = JSON.parse((await post(`${op}/token`, { grant_type: 'client_credentials', client_id: 'm-tls', scope: SCOPE }, header)).text).access_token;
      const basic = (i, s) => ['Authorization', `Basic ${Buffer.from(`${i}:${s}`).toString('base64')}`];
      // wrk counts statuses only: an answer {"active":false} would be measured as well.
      const [hk, hv] = basic(rsClient.id, rsClient.secret);
      const probe = JSON.parse((await post(`${srv.url}/oidc/introspect`, { token: tok }, { [hk]: hv })).text);
      if (probe.active !== true) throw new Error(`introspection of the bench token: ${JSON.stringify(probe)}`);
      const opBasic = basic('rs', 'rs-secret-rs-secret-rs-secret-rs');
      const opProbe = JSON.parse((await post(`${op}/token/introspection`, { token: opTok }, { [opBasic[0]]: opBasic[1] })).text);
      if (opProbe.active !== true) throw new Error(`oidc-provider's introspection of its token: ${JSON.stringify(opProbe)}`);
      if (opDb) {
        // Its opaque token is the row's id; a token whose row is deleted behind its back
        // must be inactive: introspection reads the database, not a cache in the process.
        if (psql(opDb, `SELECT count(*) FROM oidc_payloads WHERE model = 'ClientCredentials' AND id = '${opTok.replace(/'/g, '')}'`) !== '1') {
          throw new Error('oidc-provider\'s token is not in its PostgreSQL table');
        }
        const gone = JSON.parse((await post(`${op}/token`, { grant_type: 'client_credentials', client_id: 'm-tls', scope: SCOPE }, header)).text).access_token;
        psql(opDb, `DELETE FROM oidc_payloads WHERE model = 'ClientCredentials' AND id = '${gone.replace(/'/g, '')}'`);
        const goneProbe = JSON.parse((await post(`${op}/token/introspection`, { token: gone }, { [opBasic[0]]: opBasic[1] })).text);
        if (goneProbe.active !== false) throw new Error(`a token deleted from oidc-provider's table still introspects: ${JSON.stringify(goneProbe)}`);
        console.log('oidc-provider on PostgreSQL: its token found in its table and introspected through it (a deleted one inactive)');
      }
      cases.push(['introspection',
        (c) => measure(c, srv.pid, `${srv.url}/oidc/introspect`, () => ({ token: tok }), ca.dir, basic(rsClient.id, rsClient.secret), pm),
        (c) => measure(c, child.pid, `${op}/token/introspection`, () => ({ token: opTok }), ca.dir, opBasic, pm)]);
    } else {
      console.log('introspection: /oidc/introspect is not on this build (404): not measured');
    }
    // BENCH_CASES=mtls,jwt,introspection: some cases only (profiling one path).
    const only = process.env.BENCH_CASES?.split(',');
    const keys = { 'mTLS (proxy header)': 'mtls', private_key_jwt: 'jwt', introspection: 'introspection' };
    for (const [name, mine, theirs] of cases) {
      if (only && !only.includes(keys[name])) continue;
      for (const conc of CONCS) {
        const p = await mine(conc);
        const o = await theirs(conc);
        rows.push({ name, conc, p, o });
      }
    }
    if (opDb) {
      // What oidc-provider wrote: a row per token, one per private_key_jwt assertion.
      stored = psql(opDb, "SELECT model || ' ' || count(*) FROM oidc_payloads GROUP BY model ORDER BY model").split('\n').join(', ');
    }
  } finally {
    child.kill('SIGTERM');
    agent.destroy();
    await srv.stop();
    ca.remove();
  }
  console.log(`\nmachines: wrk, ${CONCS.join(' and ')} connections, ${SECONDS} s each, one run`);
  console.log(opDb
    ? 'storage: portier on PostgreSQL (its database, pool of 8), oidc-provider on PostgreSQL (its adapter: one table in its own database of the same cluster, npm pg pool of 8)'
    : 'storage: portier on SQLite (embedded file), oidc-provider in memory (a Map in its process: no database to compare with an embedded one)');
  if (stored) console.log(`oidc-provider's table after the runs: ${stored}`);
  console.log('                         conns  portier/s  oidc-provider/s  ratio   portier CPU ms/token  oidc-provider CPU ms/token  portier tokens per CPU-s');
  for (const { name, conc, p, o } of rows) {
    console.log(`${name.padEnd(24)} ${String(conc).padStart(5)}  ${fmt(p.rate)}  ${fmt(o.rate)}         ${fmt(p.rate / o.rate, 2)}  ${fmt(p.cpuPer * 1000, 3)}              ${fmt(o.cpuPer * 1000, 3)}                    ${fmt(1 / p.cpuPer)}`);
  }
  console.log('peak rates (each server at the load where it did most):');
  for (const name of [...new Set(rows.map((r) => r.name))]) {
    const mine = rows.filter((r) => r.name === name);
    const bp = mine.reduce((a, r) => (r.p.rate > a.p.rate ? r : a));
    const bo = mine.reduce((a, r) => (r.o.rate > a.o.rate ? r : a));
    console.log(`${name.padEnd(24)} portier ${fmt(bp.p.rate)}/s (${bp.conc} conns)  oidc-provider ${fmt(bo.o.rate)}/s (${bo.conc} conns)  ratio ${fmt(bp.p.rate / bo.o.rate, 2)}`);
  }
  if (process.env.PORTIER_TEST_DB === 'pg') {
    // The runs alternate (portier, then oidc-provider, at each load): the cluster's CPU
    // during a run is that side's (its backends, and the WAL writer, checkpointer and
    // autovacuum working meanwhile).
    console.log('PostgreSQL server CPU ms/token during each side\'s runs (not in the columns above):');
    console.log('                         conns  portier PG  oidc-provider PG   portier+PG  oidc-provider+PG  CPU ratio (oidc-provider+PG)/(portier+PG)');
    for (const { name, conc, p, o } of rows) {
      console.log(`${name.padEnd(24)} ${String(conc).padStart(5)}    ${fmt(p.pgPer * 1000, 3)}          ${fmt(o.pgPer * 1000, 3)}     ${fmt((p.cpuPer + p.pgPer) * 1000, 3)}          ${fmt((o.cpuPer + o.pgPer) * 1000, 3)}                     ${fmt((o.cpuPer + o.pgPer) / (p.cpuPer + p.pgPer), 2)}`);
    }
  }
  console.log(`reference: Keycloak 26 states ${KEYCLOAK_PER_VCPU} client-credential grants per second per vCPU (published, not measured here)`);
  console.log(`machine: ${(await import('node:os')).cpus().length} vCPUs shared by the load, portier and oidc-provider`);
}

await main();
