// errors.test.js — bad requests get a localised HTML error page with the right status, and
// the server keeps serving after each of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assertErrorPage } from '../lib/checks.js';
import { Client, parseResponses, rawRequest, suiteServer } from '../lib/server.js';

describe('errors', () => {
  const t = suiteServer();

  /** The server still answers /healthz (nothing crashed or hung). */
  async function alive() {
    const r = await t.c.get('/healthz');
    assert.equal(r.status, 200, 'the server no longer answers /healthz');
    assert.equal(r.text, 'ok\n');
  }

  for (const [lang, headers] of [
    ['fr', {}],
    ['en', { 'accept-language': 'en' }],
    ['nl', { 'accept-language': 'nl-BE' }],
    ['de', { cookie: 'portier_lang=de' }],
  ]) {
    it(`GET /nope: 404 page in ${lang}`, async () => {
      const r = await t.c.get('/nope', { headers });
      assertErrorPage(r, 404, lang);
      assert.match(r.text, /<a href="\/">/, 'no link back to the home page');
    });
  }

  it('POST /: 405 with Allow: GET, HEAD', async () => {
    const r = await t.c.get('/', {
      method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertErrorPage(r, 405, 'fr');
    const allow = (r.headers.get('allow') ?? '').split(',').map((s) => s.trim());
    assert.ok(allow.includes('GET'), `Allow: ${r.headers.get('allow')}`);
    assert.ok(allow.includes('HEAD'), `Allow: ${r.headers.get('allow')}`);
    assert.ok(!allow.includes('POST'), `Allow: ${r.headers.get('allow')}`);
    await alive();
  });

  it('DELETE /healthz: 405 in English when asked', async () => {
    const r = await t.c.get('/healthz', { method: 'DELETE', headers: { 'accept-language': 'en' } });
    assertErrorPage(r, 405, 'en');
    assert.match(r.headers.get('allow') ?? '', /\bGET\b/);
    await alive();
  });

  it('POST /logout without a session or CSRF token is refused (403, 404 or 405)', async () => {
    const r = await t.c.get('/logout', {
      method: 'POST', body: '_csrf=forged', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.ok([403, 404, 405].includes(r.status), `status ${r.status}`);
    assertErrorPage(r, r.status, 'fr');
    assert.deepEqual(r.headers.getSetCookie(), [], 'a refused POST set a cookie');
    await alive();
  });

  describe('CSRF on POST routes (POST /logout, with a session from GET /login)', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    /** A client holding a session, and the CSRF token of the form it was shown. */
    async function withSession() {
      const cl = new Client(t.srv.url);
      const page = await cl.get('/login');
      assert.equal(page.status, 200);
      assert.ok(cl.cookies.has('portier_sid'), 'GET /login set no session cookie');
      const m = /name="_csrf" value="([A-Za-z0-9_-]{43})"/.exec(page.text);
      assert.ok(m, 'no _csrf field on the login page');
      return { cl, token: m[1] };
    }

    /** A 403 page with the hint about the expired form, and the session left as it was. */
    function assertCsrfRefused(r, lang = 'fr') {
      assertErrorPage(r, 403, lang);
      assert.ok(r.text.includes(lang === 'fr'
        ? 'Votre session a expiré ou le formulaire n&#39;est plus valide.'
        : 'Your session has expired or the form is no longer valid.'),
      'no hint about the expired form on the 403 page');
      assert.deepEqual(r.headers.getSetCookie(), [], 'a refused POST changed a cookie');
    }

    it('no token: 403', async () => {
      const { cl } = await withSession();
      assertCsrfRefused(await cl.get('/logout', { method: 'POST', headers: form, body: '' }));
    });

    it('a wrong token: 403 (in English when asked)', async () => {
      const { cl } = await withSession();
      assertCsrfRefused(await cl.get('/logout', {
        method: 'POST', headers: { ...form, 'accept-language': 'en' }, body: `_csrf=${'A'.repeat(43)}`,
      }), 'en');
    });

    it('the token of another session: 403', async () => {
      const a = await withSession();
      const b = await withSession();
      assertCsrfRefused(await a.cl.get('/logout', { method: 'POST', headers: form, body: `_csrf=${b.token}` }));
    });

    it('the token in the query string instead of the body: 403', async () => {
      const { cl, token } = await withSession();
      assertCsrfRefused(await cl.get(`/logout?_csrf=${token}`, { method: 'POST', headers: form, body: '' }));
    });

    it('the right token: 303 to / and the session cookie is cleared', async () => {
      const { cl, token } = await withSession();
      const oldSid = cl.cookies.get('portier_sid');
      const r = await cl.get('/logout', { method: 'POST', headers: form, body: `_csrf=${token}` });
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/');
      const sid = r.headers.getSetCookie().find((c) => c.startsWith('portier_sid='));
      assert.match(sid ?? '', /^portier_sid=; .*Max-Age=0/, `Set-Cookie: ${sid}`);
      // The session is gone on the server: its old cookie and token no longer pass.
      const again = await new Client(t.srv.url).get('/logout', {
        method: 'POST', headers: { ...form, cookie: `portier_sid=${oldSid}` }, body: `_csrf=${token}`,
      });
      assert.equal(again.status, 403);
    });
  });

  it('POST with Content-Length 20 MB: 413 before the body is sent', async () => {
    const raw = await rawRequest(t.srv.port, [
      'POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n',
      `Content-Length: ${20 * 1024 * 1024}\r\n\r\n`,
    ]);
    assert.match(raw.text, /^HTTP\/1\.1 413 /, `status line: ${raw.text.split('\r\n')[0]}`);
    const [res] = parseResponses(raw.text);
    assertErrorPage({ status: res.status, headers: res.headers, text: res.body }, 413, 'fr');
    assert.equal(raw.timedOut, false, 'the server kept the connection open waiting for 20 MB');
    await alive();
  });

  it('a URL longer than 4096 bytes: 414 (or 431)', async () => {
    const r = await t.c.get(`/?q=${'a'.repeat(5000)}`, { headers: { 'accept-language': 'de' } });
    assert.ok([414, 431].includes(r.status), `status ${r.status}`);
    assertErrorPage(r, r.status, 'de');
    await alive();
  });

  it('a very long URL (200 KB) is refused and the server survives', async () => {
    const raw = await rawRequest(t.srv.port, `GET /?q=${'a'.repeat(200000)} HTTP/1.1\r\nHost: t\r\n\r\n`,
      { until: (t) => t.includes('\r\n') });
    assert.match(raw.text, /^HTTP\/1\.1 (414|431) /, `status line: ${raw.text.split('\r\n')[0]}`);
    await alive();
  });

  it('200 headers of 200 bytes (40 KB): 431 (or 413)', async () => {
    const headers = { 'accept-language': 'nl' };
    for (let i = 0; i < 200; i++) headers[`x-filler-${i}`] = 'b'.repeat(190);
    const r = await t.c.get('/', { headers });
    assert.ok([431, 413].includes(r.status), `status ${r.status}`);
    assertErrorPage(r, r.status, 'nl');
    await alive();
  });

  // Each bad query or path: a 400 page in the language asked for, and the server alive.
  for (const [what, url, lang] of [
    ['malformed percent-encoding in the query (/?a=%zz): 400', '/?a=%zz', 'fr'],
    ['a truncated percent-escape in the query (/?a=%4): 400', '/?a=%4', 'fr'],
    ['invalid UTF-8 in the query (/?a=%ff): 400 in English when asked', '/?a=%ff', 'en'],
    ['an overlong UTF-8 encoding in the query (/?a=%c0%af): 400', '/?a=%c0%af', 'fr'],
    ['invalid UTF-8 in the path (/%ff): 400', '/%ff', 'fr'],
  ]) {
    // French is the default: no Accept-Language for it.
    const headers = lang === 'fr' ? {} : { 'accept-language': lang };
    it(what, async () => {
      assertErrorPage(await t.c.get(url, { headers }), 400, lang);
      await alive();
    });
  }

  // MHD decodes the path into a C string: "%00" must not cut it short, or the request
  // is routed and logged as another path than the one asked for.
  for (const p of ['/static/portier.css%00.txt', '/aide%00/x', '/%00']) {
    it(`a NUL byte in the path (${p}) is refused, not truncated`, async () => {
      const raw = await rawRequest(t.srv.port, `GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      const [res] = parseResponses(raw.text);
      assert.ok(res, `no response: ${JSON.stringify(raw.text.slice(0, 200))}`);
      assert.ok([400, 404].includes(res.status),
        `GET ${p} answered ${res.status} (${res.headers.get('content-type')}): the path was cut at the NUL`);
      assertErrorPage({ status: res.status, headers: res.headers, text: res.body }, res.status, 'fr', p);
      await alive();
    });
  }

  it('an invalid request line: an error status or a closed connection, then still alive', async () => {
    const raw = await rawRequest(t.srv.port, 'GARBAGE\r\n\r\n');
    assert.equal(raw.timedOut, false, 'the server neither answered nor closed');
    if (raw.text !== '') assert.match(raw.text, /^HTTP\/1\.[01] 4\d\d /);
    await alive();
  });

  it('binary junk and a half request line leave the server alive', async () => {
    // The server may hold such connections until its timeout: the test does not wait.
    await rawRequest(t.srv.port, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]), { timeout: 300 });
    await rawRequest(t.srv.port, 'GET / HTT', { timeout: 300 });
    await rawRequest(t.srv.port, Buffer.from('GET /\xff\xfe HTTP/1.1\r\nHost: t\r\n\r\n', 'latin1'), { timeout: 300 });
    await alive();
  });

  it('the server exits cleanly on SIGTERM', () => t.srv.stop());
});
