// conn.test.js — keep-alive, the access log (one line per request with its id, never the
// query string) and a clean stop on SIGTERM.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';

import { Client, PATIENCE, parseResponses, start, suiteServer } from '../lib/server.js';

/** One connection on which requests are sent one after the other. */
async function connection(port) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  let buf = '';
  let closed = false;
  sock.on('data', (d) => { buf += d.toString('latin1'); });
  sock.on('close', () => { closed = true; });
  sock.on('error', () => {});
  return {
    sock,
    get closed() { return closed; },
    /** Sends one request and resolves with its parsed response. */
    async request(text, timeout = PATIENCE) {
      buf = '';
      sock.write(text);
      const end = Date.now() + timeout;
      for (;;) {
        const [res] = parseResponses(buf);
        if (res && res.rawBody.length === Number(res.headers.get('content-length') ?? 0)) return res;
        if (closed) throw new Error(`connection closed; got ${JSON.stringify(buf.slice(0, 300))}`);
        if (Date.now() > end) throw new Error(`no complete response; got ${JSON.stringify(buf.slice(0, 300))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('connections and logs', () => {
  const t = suiteServer();

  it('keep-alive: two requests on one connection are both answered', async () => {
    const conn = await connection(t.srv.port);
    try {
      const a = await conn.request('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal(a.status, 200);
      assert.equal(a.body, 'ok\n');
      assert.notEqual((a.headers.get('connection') ?? '').toLowerCase(), 'close');
      assert.equal(conn.closed, false, 'the server closed a keep-alive connection');
      const b = await conn.request('GET /aide HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal(b.status, 200);
      assert.match(b.body, /<html lang="fr">/);
      assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
      // Even an error answer keeps the connection.
      const c = await conn.request('GET /nope HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal(c.status, 404);
      const d = await conn.request('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal(d.status, 200);
    } finally {
      conn.sock.destroy();
    }
  });

  it('keep-alive through node:http: the second request reuses the socket', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path) => new Promise((resolve, reject) => {
      const req = http.get(`${t.srv.url}${path}`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, body, reused: req.reusedSocket }));
      });
      req.on('error', reject);
    });
    try {
      const a = await get('/healthz');
      const b = await get('/healthz');
      assert.deepEqual([a.status, a.body, a.reused], [200, 'ok\n', false]);
      assert.deepEqual([b.status, b.body, b.reused], [200, 'ok\n', true]);
    } finally {
      agent.destroy();
    }
  });

  it('the access log has one line per request, with its request id and path', async () => {
    const c = new Client(t.srv.url);
    const reqs = [
      ['GET', '/aide', 200],
      ['GET', '/nope', 404],
      ['POST', '/', 405],
      ['GET', '/lang/de', 303],
    ];
    const ids = [];
    for (const [method, path, status] of reqs) {
      const r = await c.get(path, { method });
      assert.equal(r.status, status);
      ids.push(r.headers.get('x-request-id'));
    }
    const logs = await t.srv.waitForLog((l) => ids.every((id) => l.includes(`${id} access`)),
      'the access lines');
    reqs.forEach(([method, path, status], i) => {
      const lines = logs.split('\n').filter((l) => l.includes(` ${ids[i]} access `));
      assert.equal(lines.length, 1, `access lines for ${ids[i]}:\n${lines.join('\n')}`);
      assert.match(lines[0],
        new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z info ${ids[i]} access ${method} ${path.replace(/\//g, '\\/')} ${status} \\d+B \\d+\\.\\dms$`));
    });
  });

  it('the access log never holds the query string', async () => {
    const c = new Client(t.srv.url);
    const niss = '85073003328';
    const r = await c.get(`/?niss=${niss}`);
    assert.equal(r.status, 200);
    const r2 = await c.get(`/nope?niss=${niss}&name=Jean%20Dupont`);
    assert.equal(r2.status, 404);
    const r3 = await c.get(`/?niss=${niss}%zz`);
    assert.equal(r3.status, 400);
    const ids = [r, r2, r3].map((x) => x.headers.get('x-request-id'));
    const logs = await t.srv.waitForLog((l) => ids.every((id) => l.includes(`${id} access`)),
      'the access lines');
    assert.match(logs, new RegExp(`${ids[0]} access GET / 200 `));
    assert.match(logs, new RegExp(`${ids[1]} access GET /nope 404 `));
    assert.ok(!logs.includes(niss), `the log holds the NISS:\n${logs}`);
    assert.ok(!logs.includes('Dupont'), 'the log holds a query value');
    const access = logs.split('\n').filter((l) => l.includes(' access '));
    assert.deepEqual(access.filter((l) => l.includes('?')), [], 'an access line holds a query string');
  });

  it('SIGTERM: exit code 0 and the log says "stopped"', async () => {
    const logs = await t.srv.stop();
    const lines = logs.trimEnd().split('\n');
    assert.match(lines.at(-2), /info - signal 15: draining requests$/);
    assert.match(lines.at(-1), /info - stopped$/);
  });
});

describe('stopping with an idle keep-alive connection', () => {
  it('SIGTERM does not wait for idle keep-alive connections (closed before the grace ends)', async () => {
    // A grace of ten minutes (shutdown_grace): a server that waited for the idle connection
    // would outlast the harness's stop limit many times over; one that closes it at once
    // stops. Nothing is timed.
    const srv = await start({ env: { PORTIER_SHUTDOWN_GRACE: '600' } });
    const conn = await connection(srv.port);
    try {
      const res = await conn.request('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal(res.status, 200);
      const closed = new Promise((r) => { conn.sock.once('close', () => r(true)); });
      const logs = await srv.stop();
      assert.equal(await closed, true);
      assert.match(logs, /info - stopped\n?$/);
    } finally {
      conn.sock.destroy();
      // stop() answers the same promise each time: a bad exit fails the after() hook.
      await srv.stop().catch(() => {});
    }
  });
});
