// oidc.mjs — `make bench-oidc` (through bench/oidc.sh): portier's OpenID Connect provider
// against oidc-provider from npm, configured alike, on this machine, loopback, one run:
// requests/s of the token endpoint (code exchange, refresh) and of userinfo, and the cost
// of one ES256 signature with portier's signer as the limit reference. Prints figures and
// ratios; asserts nothing about timings.
//
// Both servers get the same load from wrk (one thread, BENCH_CONNECTIONS connections):
// every code and refresh token is used exactly once (bench/oidc_wrk.lua times the run
// itself); userinfo runs BENCH_SECONDS with one access token. Codes are made beforehand:
// portier's through its authorization endpoint (prompt=none, a logged-in session),
// oidc-provider's with its own models (bench/oidc_provider.mjs).
import { execFile, execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BIN, freePort } from '../tests/lib/server.js';
import {
  addClient, authorizeUrl, browser, buildWorld, login, PEOPLE, pkce,
} from '../tests/http/oidc_lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_CODES ?? 20000);
const CONN = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DUR = Number(process.env.BENCH_SECONDS ?? 5);
const SIGN = process.env.BENCH_SIGN_BIN ?? path.join(here, '..', 'build', 'bench_oidc_sign');
const LUA = path.join(here, 'oidc_wrk.lua');
const CB = 'http://127.0.0.1:9/cb';
const work = mkdtempSync(path.join(os.tmpdir(), 'portier-bench-oidc-'));

function wrk(url, args, seconds) {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${CONN}`, `-d${seconds}s`, '--timeout', '10s', '-s', LUA, url, '--', ...args],
      { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err && !/RESULT/.test(stdout)) reject(new Error(`wrk: ${err.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      });
  });
}

/** Sends each value once; returns { rate, ok, bad }. */
async function tokenPhase(url, mode, file, tokenPath, auth, verifier, out = '') {
  const { stdout, stderr } = await wrk(url, [mode, file, tokenPath, auth, CB, verifier, out], 600);
  const m = /RESULT ok=(\d+) bad=(\d+) seconds=([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`no result from wrk (${mode}):\n${stdout}\n${stderr}`);
  const ok = Number(m[1]);
  const bad = Number(m[2]);
  if (bad > 0) process.stderr.write(`${url} ${mode}: ${bad} refused, first ones:\n${stderr}`);
  return { rate: ok / Number(m[3]), ok, bad };
}

/** Userinfo for DUR seconds with one token; returns { rate, errors }. */
async function userinfoPhase(url, file, infoPath) {
  const { stdout } = await wrk(url, ['userinfo', file, infoPath, '', '', '', ''], DUR);
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  return { rate, errors: non2xx };
}

/** Runs the three phases on one server. */
async function phases(name, url, codes, { tokenPath, infoPath, auth, verifier }) {
  const codesFile = path.join(work, `${name}.codes`);
  const tokensFile = path.join(work, `${name}.tokens`);
  writeFileSync(codesFile, `${codes.join('\n')}\n`);
  const code = await tokenPhase(url, 'code', codesFile, tokenPath, auth, verifier, tokensFile);
  const refresh = await tokenPhase(url, 'refresh', tokensFile, tokenPath, auth, verifier);
  // The access token of a rotated refresh stays valid until it expires: use the first.
  const info = await userinfoPhase(url, tokensFile, infoPath);
  return { code, refresh, info };
}

/** N codes from portier's authorization endpoint for a logged-in person (prompt=none). */
async function portierCodes(srv, client, challenge) {
  const jar = browser(srv);
  await login(jar, PEOPLE.jan.user);
  const codes = [];
  const url = authorizeUrl({
    client_id: client.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
    prompt: 'none', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
  });
  let next = 0;
  async function worker() {
    while (next < N) {
      next++;
      const res = await jar.fetch(url);
      await res.arrayBuffer();
      const code = new URL(res.headers.get('location')).searchParams.get('code');
      if (!code) throw new Error(`no code: ${res.headers.get('location')}`);
      codes.push(code);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  return codes;
}

/** portier serve on a free port with a fresh database, quiet (warnings only). */
async function startPortier() {
  const port = await freePort();
  const db = path.join(work, 'portier.db');
  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--log-level', 'warn'],
    { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (i > 100 || child.exitCode !== null) throw new Error('portier did not start');
    await new Promise((r) => { setTimeout(r, 100); });
  }
  const srv = {
    url, db, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }),
  };
  buildWorld(srv); // through the CLI, as the tests build it
  return srv;
}

function fmt(n) {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

async function main() {
  const sign = /sign_us=([\d.]+) verify_us=([\d.]+)/.exec(execFileSync(SIGN, ['20000'], { encoding: 'utf8' }));
  const { verifier, challenge } = pkce();

  // portier
  const srv = await startPortier();
  let p;
  let r;
  let child;
  try {
    const client = addClient(srv, 'bench', { application: 'TESTONE', scope: 'openid profile', redirect: [CB] });
    const auth = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    let t0 = Date.now();
    const codes = await portierCodes(srv, client, challenge);
    const mintP = codes.length / ((Date.now() - t0) / 1000);
    p = await phases('portier', srv.url, codes, {
      tokenPath: '/oidc/token', infoPath: '/oidc/userinfo', auth, verifier,
    });
    p.mint = mintP;

    if (process.env.BENCH_PORTIER_ONLY) {
      console.log(`portier only: code ${fmt(p.code.rate)}/s, refresh ${fmt(p.refresh.rate)}/s, userinfo ${fmt(p.info.rate)}/s`);
      return;
    }
    // oidc-provider
    const port = await freePort();
    const secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
    child = fork(path.join(here, 'oidc_provider.mjs'), [String(port)], {
      env: { ...process.env, BENCH_CB: CB, BENCH_SECRET: secret, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await new Promise((res, rej) => {
      child.once('message', (m) => (m.ready ? res() : rej(new Error('oidc-provider did not start'))));
      child.once('exit', (c) => rej(new Error(`oidc-provider exited ${c}`)));
    });
    t0 = Date.now();
    const rcodes = await new Promise((res) => {
      child.once('message', (m) => res(m.codes));
      child.send({ mint: N, challenge });
    });
    const mintR = rcodes.length / ((Date.now() - t0) / 1000);
    r = await phases('oidc-provider', `http://127.0.0.1:${port}`, rcodes, {
      tokenPath: '/token', infoPath: '/me',
      auth: `Basic ${Buffer.from(`bench:${secret}`).toString('base64')}`, verifier,
    });
    r.mint = mintR;
  } finally {
    child?.send({ stop: true });
    await srv.stop();
  }

  const version = JSON.parse(readFileSync(path.join(here, '..', 'tests', 'node_modules', 'oidc-provider', 'package.json'), 'utf8')).version;
  const signUs = Number(sign[1]);
  console.log(`== OpenID Connect: portier vs oidc-provider ${version} (node ${process.version}), `
    + `wrk -t1 -c${CONN}, ${os.cpus().length} cores, ${N} codes, userinfo ${DUR} s`);
  console.log(`ES256 signature with portier's signer (OpenSSL): ${signUs.toFixed(1)} µs `
    + `(verification ${Number(sign[2]).toFixed(1)} µs): at most ${fmt(1e6 / signUs)} ID tokens/s per core`);
  const rows = [
    ['token endpoint: code exchange', p.code, r.code],
    ['token endpoint: refresh', p.refresh, r.refresh],
    ['userinfo', p.info, r.info],
  ];
  console.log(`${'requests/s'.padEnd(32)}${'portier'.padStart(12)}${'oidc-provider'.padStart(16)}${'ratio'.padStart(9)}`);
  for (const [name, a, b] of rows) {
    console.log(`${name.padEnd(32)}${fmt(a.rate).padStart(12)}${fmt(b.rate).padStart(16)}${(a.rate / b.rate).toFixed(2).padStart(9)}`);
  }
  const errs = rows.map(([name, a, b]) => [name, a.bad ?? a.errors, b.bad ?? b.errors])
    .filter(([, a, b]) => a || b);
  for (const [name, a, b] of errs) console.log(`  refused or failed in ${name}: portier ${a}, oidc-provider ${b}`);
  console.log(`(codes made beforehand: portier ${fmt(p.mint)}/s through /oidc/authorize with prompt=none, `
    + `oidc-provider ${fmt(r.mint)}/s with its models; oidc-provider keeps everything in memory, `
    + 'portier writes codes, tokens and audit events to SQLite)');
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
