// shutdown_suspended.test.js — SIGTERM with shutdown_grace = 0 while password logins wait
// on the hashing workers and token requests on the group commit (their connections
// suspended): the stop resumes or answers every one before it stops libmicrohttpd, and
// joins the threads that hold them, so the exit is clean (code 0, and under PORTIER_SAN=1
// no sanitizer report: no worker resumes a connection of a freed daemon).
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { Client, parseResponses, PATIENCE, start } from '../lib/server.js';
import { addClient, buildWorld, PASSWORD, PEOPLE } from './oidc_lib.js';

const LOGINS = 20;
const TOKENS = 32;

/** Sends text on a new connection; resolves { text, closed } when the server closes it or
 *  one full answer came. onAnswer() is called at a complete answer, onWritten() once the
 *  request is handed to the kernel. */
function send(port, text, onAnswer = () => {}, onWritten = () => {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: buf, closed });
    };
    const timer = setTimeout(() => finish(false), 2 * PATIENCE);
    sock.on('connect', () => sock.write(text, onWritten));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const [res] = parseResponses(buf);
      if (res && res.rawBody.length === Number(res.headers.get('content-length') ?? 0)) {
        onAnswer();
        finish(false);
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => finish(true));
  });
}

function once() {
  let resolve;
  const p = new Promise((r) => { resolve = r; });
  return { p, fire: () => resolve() };
}

test('SIGTERM with shutdown_grace 0 during 20 password logins and 32 token requests: clean exit', async () => {
  const srv = await start({ args: ['--shutdown-grace', '0', '--workers', '2'] });
  let stopped = false;
  try {
    buildWorld(srv);
    const rp = addClient(srv, 'rp-stop', { public: true });
    const users = Object.values(PEOPLE).map((p) => p.user);

    // A session and its CSRF token for each login, taken before the load.
    const forms = [];
    for (let i = 0; i < LOGINS; i++) {
      const c = new Client(srv.url);
      const page = await c.get('/login');
      const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)?.[1];
      assert.ok(csrf, 'the login form carries a CSRF token');
      const body = new URLSearchParams({ _csrf: csrf, username: users[i % users.length], password: PASSWORD, next: '/aide' }).toString();
      forms.push(`POST /login/password HTTP/1.1\r\nHost: t\r\nCookie: ${c.cookieHeader()}\r\n`
        + `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    }
    const tokenBody = (i) => new URLSearchParams({
      grant_type: 'authorization_code', code: `no-such-code-${i}`, client_id: rp.id,
      redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: 'v'.repeat(43),
    }).toString();
    const tokens = Array.from({ length: TOKENS }, (_, i) => tokenBody(i)).map((b) => 'POST /oidc/token HTTP/1.1\r\nHost: t\r\n'
      + `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${b.length}\r\n\r\n${b}`);

    // The logins first; once one is answered the others wait on the two workers (hashing
    // or queued). Then the token requests, and SIGTERM as soon as they are sent: some
    // are still read, some suspended in the group commit.
    const firstLogin = once();
    const logins = forms.map((f) => send(srv.port, f, firstLogin.fire));
    await firstLogin.p;
    let written = 0;
    const allWritten = once();
    const toks = tokens.map((t) => send(srv.port, t, undefined, () => {
      written += 1;
      if (written === TOKENS) allWritten.fire();
    }));
    await allWritten.p;
    const stopping = srv.stop();
    stopped = true;
    const logs = await stopping;   // exit code 0, no sanitizer report (lib/server.js)

    // Every request got its answer or its connection closed; none hangs, none failed.
    const results = await Promise.all([...logins, ...toks]);
    const statuses = results.map((r) => parseResponses(r.text)[0]?.status ?? 'closed');
    const loginStatuses = statuses.slice(0, LOGINS);
    const tokenStatuses = statuses.slice(LOGINS);
    for (const s of loginStatuses) assert.ok([303, 401, 429, 503, 'closed'].includes(s), `login answered ${s}`);
    for (const s of tokenStatuses) assert.ok([400, 503, 'closed'].includes(s), `token request answered ${s}`);
    assert.ok(loginStatuses.includes(303), `no login went through: ${loginStatuses}`);
    // A login whose hash had not begun is told so on the error page.
    for (const r of results) {
      const [res] = parseResponses(r.text);
      if (res?.status === 503) assert.match(res.body, /Service indisponible/);
    }
    assert.match(logs, /stopped$/m);
  } finally {
    if (!stopped) await srv.stop().catch(() => {});
  }
});
