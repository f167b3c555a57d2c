// saml.mjs — `make bench-saml`: what a logged-in person waits for at a SAML service
// provider, against portier's own OpenID code flow for the same person, in the same run on
// the same server (loopback): complete flows per second, p50/p99 of a flow and of its
// steps, and the server's CPU per flow (utime+stime of its process from /proc/PID/stat
// before and after: the load generator shares the cores). Prints figures and ratios;
// asserts nothing about timings. Not part of make check.
//
// SAML flow (3 requests): GET /saml/sso with an HTTP-Redirect AuthnRequest (DEFLATE,
// base64; unsigned, the SP's metadata does not ask for signed requests) → 303
// /saml/continue/ID, the profile choice page → POST the choice with its CSRF field → the
// page with the signed Response (Response and Assertion, rsa-sha256) in its HTTP-POST form.
// OpenID flow (4 requests): GET authorize (PKCE S256) → the profile choice page → POST
// the choice → the code → POST token (client_secret_basic; ID token RS256 by default, as
// the SAML side signs with RSA: BENCH_ALG=ES256 for the other).
// The people log in before the measure. Load generator: node:http with a keep-alive agent,
// BENCH_PEOPLE people each running flows one after the other (its own CPU is shown).
// Settings: BENCH_PEOPLE (4), BENCH_SECONDS (10), BENCH_WARMUP (50 flows), O (build),
// BENCH_PORTIER_ARGS: more arguments for portier serve (e.g. --threads 2).
// Then pysaml2's IdP (Debian's python3-pysaml2, bench/pysaml2_idp.py) with the same SP and
// the same steps, its Response and Assertion signed alike (rsa-sha256, sha256): its CPU
// includes the xmlsec1 processes it runs (BENCH_PYSAML2=0: not measured).
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BIN, freePort, TEST_DOORS } from '../tests/lib/server.js';
import { addClient, buildWorld, PASSWORD, PEOPLE } from '../tests/http/oidc_lib.js';
import {
  authnRequest, makeKey, redirectQuery, spMetadata, writeTemp,
} from '../tests/http/saml_lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PEOPLE_N = Number(process.env.BENCH_PEOPLE ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const CB = 'http://127.0.0.1:9/cb';
const SP = 'http://127.0.0.1:9/sp';
const ACS = 'http://127.0.0.1:9/acs';
const PYTHON = '/usr/bin/python3'; // Debian's: the one that sees python3-pysaml2
const TICK = 100; // clock ticks per second of /proc/PID/stat (USER_HZ on Linux)

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

  /** method, path, body (URLSearchParams), headers → { status, headers, text }; cookies
   * false: a request of the client's back end (the token request). */
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
const now = () => process.hrtime.bigint();
const ms = (t0) => Number(now() - t0) / 1e6;

/** The SAML flow; steps.sso and steps.resp get the time of the request and the Response. */
async function samlFlow(jar, server, steps) {
  const { xml } = authnRequest({ issuer: SP, acs: ACS, destination: `${server.url}/saml/sso` });
  let t = now();
  let res = await jar.request('GET', `/saml/sso?${redirectQuery(xml, { relayState: 'bench' })}`);
  steps.sso.push(ms(t));
  const flow = res.headers.location;
  must(res.status === 303 && flow?.startsWith('/saml/continue/'), 'saml sso', res);
  res = await jar.request('GET', flow);
  must(res.status === 200, 'profile choice', res);
  const form = new URLSearchParams({ _csrf: csrfOf(res.text), org: firstOption(res.text) });
  t = now();
  res = await jar.request('POST', flow, form);
  steps.resp.push(ms(t));
  must(res.status === 200 && res.text.includes('name="SAMLResponse"'), 'saml response', res);
}

/** The OpenID flow; steps.sso: authorize, steps.resp: the choice's POST + the token. */
async function oidcFlow(jar, server, steps) {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: server.clientId, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
    state: randomBytes(12).toString('base64url'), nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  let t = now();
  let res = await jar.request('GET', `/oidc/authorize?${params}`);
  steps.sso.push(ms(t));
  const flow = res.headers.location;
  must(res.status === 303 && flow?.startsWith('/oidc/continue/'), 'authorize', res);
  res = await jar.request('GET', flow);
  must(res.status === 200, 'profile choice', res);
  const form = new URLSearchParams({ _csrf: csrfOf(res.text), org: firstOption(res.text) });
  t = now();
  res = await jar.request('POST', flow, form);
  const to = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(res.text)?.[1];
  must(res.status === 200 && to, 'choice', res);
  const code = new URL(to.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')).searchParams.get('code');
  res = await jar.request('POST', '/oidc/token', new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier,
  }), { authorization: server.basic }, false);
  steps.resp.push(ms(t));
  must(res.status === 200 && res.text.includes('"id_token"'), 'token', res);
}

async function login(jar) {
  const page = await jar.request('GET', '/login?next=/');
  const res = await jar.request('POST', '/login/password', new URLSearchParams({
    _csrf: csrfOf(page.text), username: PEOPLE.jan.user, password: PASSWORD, next: '/', level: '1',
  }));
  must(res.status === 303, 'login', res);
}

/** utime + stime of pid, and of its children it waited for (cutime, cstime: pysaml2 runs
 * xmlsec1 for each signature); fields 14 to 17 of /proc/PID/stat. */
function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

/** Warm-up, then PEOPLE_N people running flows for SECONDS; the server's CPU around it. */
async function measure(server, jars, flow) {
  const scratch = { sso: [], resp: [] };
  let left = WARMUP;
  await Promise.all(jars.map(async (jar) => { while (left-- > 0) await flow(jar, server, scratch); }));
  const times = [];
  const steps = { sso: [], resp: [] };
  const cpu0 = cpuTicks(server.pid);
  const me0 = process.cpuUsage();
  const t0 = now();
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(jars.map(async (jar) => {
    while (Date.now() < end) {
      const s = now();
      await flow(jar, server, steps);
      times.push(ms(s));
    }
  }));
  const secs = Number(now() - t0) / 1e9;
  const cpu = (cpuTicks(server.pid) - cpu0) / TICK;
  const me = process.cpuUsage(me0);
  for (const a of [times, steps.sso, steps.resp]) a.sort((x, y) => x - y);
  return {
    flows: times.length, rate: times.length / secs, p50: pct(times, 0.5), p99: pct(times, 0.99),
    sso50: pct(steps.sso, 0.5), resp50: pct(steps.resp, 0.5),
    cpuPerFlow: cpu / times.length, loadCpu: (me.user + me.system) / 1e6,
  };
}

async function startPortier() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-saml-'));
  const db = path.join(dir, 'portier.db');
  const extra = (process.env.BENCH_PORTIER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--log-level', 'error', ...extra],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PORTIER_DOORS: TEST_DOORS } });
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

function row(name, x) {
  return `${name.padEnd(22)}${x.rate.toFixed(1).padStart(8)}${x.p50.toFixed(1).padStart(9)}${x.p99.toFixed(1).padStart(9)}`
    + `${x.sso50.toFixed(1).padStart(10)}${x.resp50.toFixed(1).padStart(11)}`
    + `${(x.cpuPerFlow * 1e3).toFixed(2).padStart(14)}${x.flows.toString().padStart(7)}${x.loadCpu.toFixed(1).padStart(11)}`;
}

/** pysaml2's IdP (bench/pysaml2_idp.py) with the same SP's metadata and a key of its own;
 * null when python3-pysaml2 is not installed. */
async function runPysaml2(mdFile) {
  try {
    execFileSync(PYTHON, ['-c', 'import saml2'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const port = await freePort();
  const key = makeKey('bench-pysaml2-idp');
  const child = spawn(PYTHON, [path.join(here, 'pysaml2_idp.py'), '--port', String(port), '--key', key.keyFile,
    '--cert', key.certFile, '--sp-metadata', mdFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { err += d; });
  try {
    for (let i = 0; !err.includes('listening'); i++) {
      if (i > 300 || child.exitCode !== null) throw new Error(`pysaml2's IdP did not start: ${err}`);
      await new Promise((r) => { setTimeout(r, 100); });
    }
    const server = { url: `http://127.0.0.1:${port}`, pid: child.pid };
    const jars = [];
    for (let i = 0; i < PEOPLE_N; i++) {
      const jar = new Jar(server.url);
      await login(jar);
      jars.push(jar);
    }
    return await measure(server, jars, samlFlow);
  } finally {
    child.kill('SIGTERM');
  }
}

const srv = await startPortier();
let s;
let o;
let py = null;
const md = writeTemp('bench-sp.xml', spMetadata({ entityId: SP, acs: [ACS] }));
try {
  execFileSync(BIN, ['sp', 'add', '--db', srv.db, '--metadata', md, '--application', 'TESTAPP'], { stdio: 'ignore' });
  const client = addClient(srv, 'bench', {
    application: 'TESTAPP', scope: 'openid profile', redirect: [CB], idTokenAlg: process.env.BENCH_ALG ?? 'RS256',
  });
  const server = {
    url: srv.url, pid: srv.pid, clientId: client.id,
    basic: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
  };
  const jars = [];
  for (let i = 0; i < PEOPLE_N; i++) {
    const jar = new Jar(srv.url);
    await login(jar);
    jars.push(jar);
  }
  s = await measure(server, jars, samlFlow);
  o = await measure(server, jars, oidcFlow);
} finally {
  await srv.stop();
}
if (process.env.BENCH_PYSAML2 !== '0') py = await runPysaml2(md);
console.log(`== a logged-in person's single sign-on: SAML (lasso) vs OpenID, one portier `
  + `(node ${process.version}); ${PEOPLE_N} people, ${SECONDS} s each after ${WARMUP} flows, ${os.cpus().length} cores`);
console.log(`${''.padEnd(22)}${'flows/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`
  + `${'req p50'.padStart(10)}${'answer p50'.padStart(11)}${'CPU ms/flow'.padStart(14)}${'flows'.padStart(7)}${'load CPU s'.padStart(11)}`);
console.log(row('portier SAML', s));
console.log(row(`portier OpenID (${process.env.BENCH_ALG ?? 'RS256'})`, o));
if (py) console.log(row('pysaml2 IdP', py));
console.log(`portier SAML / OpenID: flows/s ${(s.rate / o.rate).toFixed(2)}×, server CPU per flow ${(s.cpuPerFlow / o.cpuPerFlow).toFixed(2)}×`);
if (py) {
  console.log(`portier SAML / pysaml2: flows/s ${(s.rate / py.rate).toFixed(2)}×; `
    + `server CPU per flow, pysaml2 / portier: ${(py.cpuPerFlow / s.cpuPerFlow).toFixed(2)}×`);
} else {
  console.log('pysaml2: not measured (python3-pysaml2 not installed, or BENCH_PYSAML2=0)');
}
console.log('(SAML: GET /saml/sso (Redirect AuthnRequest) → choice page → POST choice → signed Response form, 3 requests; '
  + 'OpenID: authorize → choice page → POST choice → code → token, 4 requests; "req": /saml/sso or authorize, '
  + '"answer": the choice\'s POST to the Response, or to the code and the token; SQLite. pysaml2: '
  + 'the same SAML steps, Response and Assertion signed rsa-sha256 by xmlsec1 '
  + 'processes (their CPU counted), a stand-in login, attributes and sessions in memory)');
agent.destroy();
