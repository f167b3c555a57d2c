// server.js — test harness: starts `portier serve` on a free port with a fresh database,
// stops it with SIGTERM and checks that it exited cleanly (and, under PORTIER_SAN=1, that
// no sanitizer reported anything). Also: a cookie-jar fetch, raw-socket requests and a
// runner for the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { after, before } from 'node:test';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { pgDatabase } from './pg.js';
import { personalData } from './pii.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Absolute path of the portier binary: $PORTIER_BIN (relative to the cwd) or ../build/portier. */
export const BIN = process.env.PORTIER_BIN
  ? path.resolve(process.env.PORTIER_BIN)
  : path.resolve(here, '..', '..', 'build', 'portier');

/** PORTIER_TEST_DB=pg: each server on a fresh database of a throw-away PostgreSQL cluster
 *  (tests/lib/pg.js) instead of a SQLite file; srv.db is then its connection string. */
export const TEST_PG = process.env.PORTIER_TEST_DB === 'pg';

/* The suites often run as root (CI containers): serve refuses root without a user to become
 * (src/ops/sandbox.c); the servers and commands started from here allow it. */
process.env.PORTIER_ALLOW_ROOT ??= 'true';

/** The login doors of the test servers (`doors =`, docs/login-doors.md): the default of a
 *  new deployment plus the access codes alone, which most suites log in with. A suite that
 *  needs another door (the token card, the code by e-mail) names its own with --doors, or
 *  PORTIER_DOORS in env (null: the binary's own default). */
export const TEST_DOORS = 'eid,passkey,password,password+totp,idp';

/** True when the binary is built with sanitizers (make asan sets PORTIER_SAN=1). */
export const SAN = process.env.PORTIER_SAN === '1';

/** The share dir the binary uses by default: the parent of the binary's folder. */
export const SHARE_DIR = path.dirname(path.dirname(BIN));

const SAN_PATTERNS = [
  'ERROR: AddressSanitizer',
  'ERROR: LeakSanitizer',
  'runtime error:',
];

/** Lines of a sanitizer report found in text, or [] (checked only under PORTIER_SAN). */
export function sanitizerReports(text) {
  if (!SAN) return [];
  return text.split('\n').filter((l) => SAN_PATTERNS.some((p) => l.includes(p)));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * How long the harness waits for something that should happen (a server listening, a log
 * line, an exit after SIGTERM). Only a bound for a hang: waits end as soon as the thing
 * happens, and an ASan build on two busy cores can be 20-50 times slower than a plain one.
 */
export const PATIENCE = 60000;

/** Waits until pred() is true (or resolves true: an async pred is awaited), polling; throws
 * with what() on timeout (PATIENCE). */
export async function waitFor(pred, { timeout = PATIENCE, interval = 20, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(interval);
  }
}

function launch({ command = 'serve', args, env, cwd, port, db }) {
  const argv = [command, ...(port ? ['--listen', `127.0.0.1:${port}`] : []),
    ...(db ? ['--db', db] : []), ...args];
  const child = spawn(BIN, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state = { out: '', err: '', exit: null, exited: null };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => { state.out += d; });
  child.stderr.on('data', (d) => { state.err += d; });
  state.exited = new Promise((resolve) => {
    child.on('error', (e) => {
      state.exit = { code: null, signal: null, error: e };
      resolve(state.exit);
    });
    // 'close' waits for stdio to end too, so the logs are complete.
    child.on('close', (code, signal) => {
      state.exit = { code, signal };
      resolve(state.exit);
    });
  });
  return { child, state };
}

/**
 * Starts a server. options:
 *   args     extra arguments for `portier serve`, or a function (async) returning them,
 *            called for each attempt (ports of its own chosen there are chosen again when
 *            one was taken in between)
 *   env      extra environment variables
 *   listen   false to pass no --listen (the config file or environment picks it)
 *   port     port to wait on when listen is false
 *   command  the subcommand ('serve'; 'demo' for `portier demo`)
 *   timeout  ms to wait for "listening on" (PATIENCE)
 *   db       the database (--db): a path or a PostgreSQL connection string; default a
 *            fresh portier.db in the server's folder (a fresh PostgreSQL database when
 *            PORTIER_TEST_DB=pg)
 * Returns { url, port, db, dir, pid, stop(), logs(), waitForLog(), exited }.
 */
export async function start(options = {}) {
  const { timeout = PATIENCE } = options;
  const env = { PORTIER_DOORS: TEST_DOORS, ...(options.env ?? {}) };
  if (env.PORTIER_DOORS === null) delete env.PORTIER_DOORS;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-test-'));
  const db = options.db ?? (TEST_PG ? pgDatabase() : path.join(dir, 'portier.db'));

  for (let attempt = 1; ; attempt++) {
    const port = options.listen === false ? options.port : await freePort();
    const args = typeof options.args === 'function' ? await options.args() : (options.args ?? []);
    const { child, state } = launch({
      command: options.command, args, env, cwd: dir, port: options.listen === false ? null : port, db,
    });
    const logs = () => state.out + state.err;
    const ready = await Promise.race([
      waitFor(() => /listening on/.test(state.err), { timeout, what: '"listening on"' })
        .then(() => 'ready', (e) => e),
      state.exited.then(() => 'exited'),
    ]);
    if (ready === 'ready') {
      let stopped = null;
      const srv = {
        url: `http://127.0.0.1:${port}`,
        port,
        db,
        dir,
        pid: child.pid,
        exited: state.exited,
        logs,
        /** Resolves with the logs once pred(logs) holds (the access line is written
         *  after the response is sent, so tests wait for it). */
        waitForLog: async (pred, what = 'a log line', ms = PATIENCE) => {
          await waitFor(() => pred(logs()), { timeout: ms, what });
          return logs();
        },
        /** SIGTERM, wait for the exit, check code 0 and no sanitizer report. */
        stop: (stopOptions = {}) => {
          if (!stopped) stopped = stopServer(child, state, dir, stopOptions);
          return stopped;
        },
      };
      return srv;
    }
    // Not ready: exited (maybe the port was taken in between) or hung.
    if (state.exit === null) {
      child.kill('SIGKILL');
      await state.exited;
    }
    // A port chosen free may be taken before the server binds it (another test, an
    // outgoing connection's ephemeral port): choose again. With listen false the caller
    // chose the port; a function for args chooses its ports again.
    const portTaken = /cannot listen|Address already in use/i.test(state.err);
    const canRetry = options.listen !== false || typeof options.args === 'function';
    if (portTaken && canRetry && attempt < 5) continue;
    rmSync(dir, { recursive: true, force: true });
    const why = ready instanceof Error ? ready.message : `exited with ${JSON.stringify(state.exit)}`;
    throw new Error(`portier serve did not start (${why}); output:\n${logs()}`);
  }
}

const UNDICI_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * Closes the idle keep-alive connections of the global fetch (undici keeps them for 4 s),
 * so that stopping the server does not wait for them; a fresh dispatcher takes over.
 * Idle connections at shutdown have their own test (conn.test.js).
 */
export async function closeFetchConnections() {
  const d = globalThis[UNDICI_DISPATCHER];
  if (!d || typeof d.close !== 'function' || typeof d.constructor !== 'function') return;
  try {
    globalThis[UNDICI_DISPATCHER] = new d.constructor();
  } catch {
    return;
  }
  await d.close();
}

async function stopServer(child, state, dir, { timeout = PATIENCE, keepDir = false } = {}) {
  await closeFetchConnections();
  if (state.exit === null) child.kill('SIGTERM');
  let timer;
  const exit = await Promise.race([
    state.exited,
    new Promise((r) => { timer = setTimeout(() => r(null), timeout); }),
  ]);
  clearTimeout(timer);
  if (exit === null) {
    child.kill('SIGKILL');
    await state.exited;
  }
  const logs = state.out + state.err;
  if (!keepDir) rmSync(dir, { recursive: true, force: true });
  assert.ok(exit !== null, `portier did not exit within ${timeout} ms of SIGTERM; logs:\n${logs}`);
  const reports = sanitizerReports(logs);
  assert.deepEqual(reports, [], `sanitizer report in the server's output:\n${logs}`);
  // Logs never carry personal data (issue 18 part 2): every server's log, at its stop.
  const pii = personalData(state.err);
  assert.deepEqual(pii, [], `personal data in the server's log:\n${pii.map((h) => `${h.kind} ${h.match}: ${h.line}`).join('\n')}`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null },
    `portier did not exit cleanly after SIGTERM; logs:\n${logs.slice(-4000)}`);
  return logs;
}

/**
 * Runs the portier binary with args and resolves { code, signal, stdout, stderr }.
 * Under PORTIER_SAN it fails on a sanitizer report.
 */
export function run(args, { env = {}, cwd, timeout = 2 * PATIENCE, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const reports = sanitizerReports(stdout + stderr);
      if (reports.length > 0) {
        reject(new Error(`sanitizer report from portier ${args.join(' ')}:\n${stderr}`));
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
    // A program that exits before reading its input (a refused command line) closes the
    // pipe first: that EPIPE is not the test's failure; the exit status and output tell.
    child.stdin.on('error', (e) => { if (e.code !== 'EPIPE') reject(e); });
    child.stdin.end(input ?? '');
  });
}

/** A fresh temporary folder (removed by the caller with rmSync). */
export function tempDir() {
  return mkdtempSync(path.join(os.tmpdir(), 'portier-test-'));
}

/**
 * A cookie jar around the global fetch: never follows redirects, keeps the cookies the
 * server sets (Max-Age=0 or an empty value deletes one) and sends them back.
 */
export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(pathOrUrl, init = {}) {
    const url = new URL(pathOrUrl, this.base);
    const headers = new Headers(init.headers ?? {});
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const gone = value === '' || attrs.some((a) => /^max-age=0$/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** fetch, then the body as text: { res, status, headers, text }. */
  async get(pathOrUrl, init = {}) {
    const res = await this.fetch(pathOrUrl, init);
    const text = await res.text();
    return { res, status: res.status, headers: res.headers, text };
  }
}

/**
 * The server of a describe block, for the files whose tests all ask one server: registers a
 * before hook that starts it (startFn, `start()` by default), makes a Client on it and runs
 * setup(t) if given, and an after hook that stops it (with stop's checks of a clean exit).
 * Returns t, whose srv and c the before hook fills in.
 */
export function suiteServer(startFn = () => start(), setup = null) {
  const t = { srv: null, c: null };
  before(async () => {
    t.srv = await startFn();
    t.c = new Client(t.srv.url);
    if (setup) await setup(t);
  });
  after(() => t.srv?.stop());
  return t;
}

/**
 * The default timeout of rawRequest: long for an answer even under ASan on busy cores,
 * and shorter than the server's connection timeout (30 s), so that a connection the
 * server holds open still shows as timedOut rather than closed.
 */
export const RAW_TIMEOUT = 20000;

/**
 * Sends raw bytes on a new connection and collects what comes back until the server
 * closes it, `until(text)` is true, or `timeout` ms pass (RAW_TIMEOUT).
 * Resolves { text, closed, timedOut, error }.
 */
export function rawRequest(port, data, { timeout = RAW_TIMEOUT, until } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let error = null;
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({
        text: Buffer.concat(chunks).toString('latin1'),
        closed: how === 'closed',
        timedOut: how === 'timeout',
        error,
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeout);
    sock.on('data', (d) => {
      chunks.push(d);
      if (until && until(Buffer.concat(chunks).toString('latin1'))) finish('until');
    });
    sock.on('error', (e) => { error = e.code ?? String(e); });
    sock.on('close', () => finish('closed'));
    sock.on('connect', () => {
      if (Array.isArray(data)) for (const d of data) sock.write(d);
      else sock.write(data);
    });
  });
}

/**
 * Splits raw HTTP/1.1 text (latin1, one char a byte) into responses:
 * [{ statusLine, status, headers (Map of lower-case names), rawBody (latin1), body (UTF-8) }].
 */
export function parseResponses(text) {
  const out = [];
  let rest = text;
  while (rest.startsWith('HTTP/')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = new Map();
    for (const l of lines) {
      const c = l.indexOf(':');
      const k = l.slice(0, c).trim().toLowerCase();
      const v = l.slice(c + 1).trim();
      headers.set(k, headers.has(k) ? `${headers.get(k)}, ${v}` : v);
    }
    const status = Number(statusLine.split(' ')[1]);
    const len = Number(headers.get('content-length') ?? 0);
    const noBody = status === 304 || status === 204 || (status >= 100 && status < 200);
    const bodyLen = noBody ? 0 : len;
    const rawBody = rest.slice(end + 4, end + 4 + bodyLen);
    out.push({
      statusLine, status, headers, rawBody, body: Buffer.from(rawBody, 'latin1').toString('utf8'),
    });
    rest = rest.slice(end + 4 + bodyLen);
  }
  return out;
}

/** The text of the first <h1> of an HTML page (tags stripped), or null. */
export function h1(html) {
  const m = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  return m ? m[1].replace(/<[^>]*>/g, '').trim() : null;
}

/** The lang attribute of <html>, or null. */
export function htmlLang(html) {
  const m = /<html[^>]*\slang="([^"]*)"/i.exec(html);
  return m ? m[1] : null;
}

/** The <title> text, or null. */
export function title(html) {
  const m = /<title>([\s\S]*?)<\/title>/i.exec(html);
  return m ? m[1].trim() : null;
}
