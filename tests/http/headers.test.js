// headers.test.js — every kind of response carries the security headers: CSP with
// frame-ancestors 'none' and no 'unsafe-inline', nosniff, Referrer-Policy, a request id,
// and no HSTS over plain HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assertSecurityHeaders } from '../lib/checks.js';
import { parseResponses, rawRequest, suiteServer } from '../lib/server.js';

describe('security headers', () => {
  const t = suiteServer();

  const kinds = [
    ['200 page', '/', {}, 200],
    ['200 help page', '/aide', {}, 200],
    ['404 page', '/nope', {}, 404],
    ['405 page', '/', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 405],
    ['static file', '/static/portier.css', {}, 200],
    ['static 404', '/static/missing.css', {}, 404],
    ['healthz', '/healthz', {}, 200],
    ['redirect', '/lang/nl?next=/', {}, 303],
    ['400 bad query', '/?a=%zz', {}, 400],
    ['414 long URL', `/?q=${'a'.repeat(5000)}`, {}, 414],
    ['HEAD', '/', { method: 'HEAD' }, 200],
  ];
  for (const [name, path, init, status] of kinds) {
    it(`${name}: ${init.method ?? 'GET'} ${path.slice(0, 40)} carries them`, async () => {
      const r = await t.c.get(path, init);
      assert.equal(r.status, status);
      assertSecurityHeaders(r.headers, name);
    });
  }

  it('304 Not Modified carries them', async () => {
    const first = await t.c.get('/static/portier.css');
    const r = await t.c.get('/static/portier.css', { headers: { 'if-none-match': first.headers.get('etag') } });
    assert.equal(r.status, 304);
    assertSecurityHeaders(r.headers, '304');
  });

  it('413 (declared body too large) carries them', async () => {
    const raw = await rawRequest(t.srv.port,
      'POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20971520\r\n\r\n');
    const [res] = parseResponses(raw.text);
    assert.ok(res, `no response: ${JSON.stringify(raw)}`);
    assert.equal(res.status, 413);
    assertSecurityHeaders(res.headers, '413');
  });

  it('431 (headers too large) carries them', async () => {
    const headers = {};
    for (let i = 0; i < 200; i++) headers[`x-filler-${i}`] = 'b'.repeat(190);
    const r = await t.c.get('/', { headers });
    assert.equal(r.status, 431);
    assertSecurityHeaders(r.headers, '431');
  });

  it('X-Request-Id differs from one request to the next', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) ids.add((await t.c.get('/healthz')).headers.get('x-request-id'));
    assert.equal(ids.size, 5);
  });

  it('pages are framed by nobody and cached by nobody', async () => {
    const r = await t.c.get('/');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  it('the server exits cleanly on SIGTERM', () => t.srv.stop());
});
