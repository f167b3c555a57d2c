// machines.mjs — `make bench-machines` (issue 15 part 6): client_credentials tokens per
// second for machines, with mutual TLS (the certificate from a trusted proxy's header, as
// behind nginx) and with private_key_jwt (a fresh assertion per request), and introspection
// per second when the endpoint exists; portier (its database: SQLite, or PostgreSQL with
// PORTIER_TEST_DB=pg) against oidc-provider from npm configured alike (bench/
// machines_provider.mjs), each in its own process, the same load (BENCH_CONC connections
// with keep-alive for BENCH_SECONDS). Server CPU per token from /proc/PID/stat; the ratios
// printed, with Keycloak 26's published figure (120 client-credential grants per second per
// vCPU) beside as tokens per CPU-second. One run, not part of make bench.
import { fork } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';

import { ASSERTION_TYPE, ORGS, assertion, assertionKey, makeMachineCA, registerCert, registerJwks,
  startMachines } from '../tests/http/machines_lib.js';
import { freePort } from '../tests/lib/server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONC = Number(process.env.BENCH_CONC ?? 8);
const TICK = 100; // USER_HZ
const KEYCLOAK_PER_VCPU = 120;
const SCOPE = 'TESTAPP TESTONE';

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]); // utime, stime
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONC * 2 });

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

/** CONC workers call one() for SECONDS; each answer must be 200. → { rate, cpuPer, n }. */
async function measure(pid, one) {
  for (let i = 0; i < 20; i++) { // warm-up, and a check that it works at all
    const r = await one();
    if (r.status !== 200) throw new Error(`warm-up: ${r.status} ${r.text.slice(0, 300)}`);
  }
  let n = 0;
  let bad = 0;
  const cpu0 = cpuTicks(pid);
  const t0 = process.hrtime.bigint();
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (Date.now() < end) {
      const r = await one();
      if (r.status === 200) n++;
      else if (++bad > 10) throw new Error(`${r.status} ${r.text.slice(0, 300)}`);
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuTicks(pid) - cpu0) / TICK;
  return { rate: n / secs, cpuPer: cpu / n, n, bad };
}

const fmt = (x, d = 0) => x.toFixed(d).padStart(8);

async function main() {
  const ca = makeMachineCA(['bench']);
  const cert = ca.certs.bench;
  const header = { 'X-SSL-Client-Cert': encodeURIComponent(cert.pem) };
  const key = assertionKey('ES256', 'bench-key');
  const srv = await startMachines(ca);
  const id = registerCert(srv, cert, { org: ORGS.pharma.id, apps: SCOPE.split(' ') });
  registerJwks(srv, id, [key]);
  const rsClient = (await import('../tests/http/oidc_lib.js')).addClient(srv, 'bench-rs');

  const port = await freePort();
  const child = fork(new URL('./machines_provider.mjs', import.meta.url), [String(port)], {
    env: { ...process.env, BENCH_MACHINES: JSON.stringify({ jwk: key.jwk, certPem: cert.pem, scope: SCOPE }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => { child.once('message', resolve); child.once('exit', reject); });
  const op = `http://127.0.0.1:${port}`;

  const rows = [];
  try {
    const cases = [
      ['mTLS (proxy header)', () => post(`${srv.url}/oidc/token`, { grant_type: 'client_credentials', scope: SCOPE }, header),
        () => post(`${op}/token`, { grant_type: 'client_credentials', client_id: 'm-tls', scope: SCOPE }, header)],
      ['private_key_jwt', () => post(`${srv.url}/oidc/token`, { grant_type: 'client_credentials', scope: SCOPE,
        client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, id, srv.url) }),
      () => post(`${op}/token`, { grant_type: 'client_credentials', scope: SCOPE, client_id: 'm-jwt',
        client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, 'm-jwt', op) })],
    ];
    const introspect = await post(`${srv.url}/oidc/introspect`, {});
    if (introspect.status !== 404) {
      const tok = JSON.parse((await post(`${srv.url}/oidc/token`, { grant_type: 'client_credentials' }, header)).text).access_token;
      const opTok = JSON.parse((await post(`${op}/token`, { grant_type: 'client_credentials', client_id: 'm-tls', scope: SCOPE }, header)).text).access_token;
      const basic = (i, s) => ({ Authorization: `Basic ${Buffer.from(`${i}:${s}`).toString('base64')}` });
      cases.push(['introspection', () => post(`${srv.url}/oidc/introspect`, { token: tok }, basic(rsClient.id, rsClient.secret)),
        () => post(`${op}/token/introspection`, { token: opTok }, basic('rs', 'rs-secret-rs-secret-rs-secret-rs'))]);
    } else {
      console.log('introspection: /oidc/introspect is not on this build (404): not measured');
    }
    for (const [name, mine, theirs] of cases) {
      const p = await measure(srv.pid, mine);
      const o = await measure(child.pid, theirs);
      rows.push({ name, p, o });
    }
  } finally {
    child.kill('SIGTERM');
    agent.destroy();
    await srv.stop();
    ca.remove();
  }
  console.log(`\nmachines: ${CONC} connections, ${SECONDS} s each, one run; portier on ${process.env.PORTIER_TEST_DB === 'pg' ? 'PostgreSQL' : 'SQLite'}, oidc-provider in memory`);
  console.log('                         portier/s  oidc-provider/s  ratio   portier CPU ms/token  oidc-provider CPU ms/token  portier tokens per CPU-s');
  for (const { name, p, o } of rows) {
    console.log(`${name.padEnd(24)} ${fmt(p.rate)}  ${fmt(o.rate)}         ${fmt(p.rate / o.rate, 2)}  ${fmt(p.cpuPer * 1000, 3)}              ${fmt(o.cpuPer * 1000, 3)}                    ${fmt(1 / p.cpuPer)}`);
  }
  console.log(`reference: Keycloak 26 states ${KEYCLOAK_PER_VCPU} client-credential grants per second per vCPU (published, not measured here)`);
  console.log(`machine: ${(await import('node:os')).cpus().length} vCPUs shared by the load, portier and oidc-provider`);
}

await main();
