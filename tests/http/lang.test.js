// lang.test.js — GET /lang/:code sets the portier_lang cookie and sends the visitor back to
// a local page only (no open redirect, no header injection).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assertErrorPage, assertSecurityHeaders } from '../lib/checks.js';
import { Client, h1, htmlLang, suiteServer } from '../lib/server.js';
import { T } from '../lib/strings.js';

function cookieAttrs(setCookie) {
  const [pair, ...attrs] = setCookie.split(';').map((s) => s.trim());
  return { pair, attrs: attrs.map((a) => a.toLowerCase()) };
}

describe('language switch', () => {
  const t = suiteServer();

  it('GET /lang/nl?next=/aide: 303 to /aide with a one-year portier_lang=nl cookie', async () => {
    const c = new Client(t.srv.url);
    const r = await c.get('/lang/nl?next=/aide');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/aide');
    assertSecurityHeaders(r.headers, 'redirect');
    const cookies = r.headers.getSetCookie();
    assert.equal(cookies.length, 1, `Set-Cookie: ${JSON.stringify(cookies)}`);
    const { pair, attrs } = cookieAttrs(cookies[0]);
    assert.equal(pair, 'portier_lang=nl');
    assert.ok(attrs.includes('path=/'), cookies[0]);
    assert.ok(attrs.includes('httponly'), cookies[0]);
    assert.ok(attrs.includes('samesite=lax'), cookies[0]);
    const maxAge = attrs.find((a) => a.startsWith('max-age='));
    assert.ok(maxAge, `no Max-Age: ${cookies[0]}`);
    assert.equal(Number(maxAge.slice(8)), 365 * 24 * 3600);
    assert.ok(!attrs.includes('secure'), 'Secure over plain HTTP would lose the cookie');

    // The cookie then chooses the language, over Accept-Language.
    const page = await c.get('/aide', { headers: { 'accept-language': 'de' } });
    assert.equal(htmlLang(page.text), 'nl');
    assert.equal(h1(page.text), T.nl.help);
  });

  it('GET /lang/de without next goes to /', async () => {
    const r = await new Client(t.srv.url).get('/lang/de');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/');
    assert.match(r.headers.getSetCookie()[0] ?? '', /^portier_lang=de;/);
  });

  it('next keeps a local path with its query', async () => {
    const r = await new Client(t.srv.url).get('/lang/en?next=%2Faide%3Fx%3D1%26y%3D2');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/aide?x=1&y=2');
  });

  it('GET /lang/xx: 404 page, no cookie', async () => {
    const r = await new Client(t.srv.url).get('/lang/xx');
    assertErrorPage(r, 404, 'fr');
    assert.deepEqual(r.headers.getSetCookie(), []);
  });

  it('GET /lang/NL (upper case) is not a language code: 404', async () => {
    const r = await new Client(t.srv.url).get('/lang/NL');
    assert.equal(r.status, 404);
    assert.deepEqual(r.headers.getSetCookie(), []);
  });

  const hostile = [
    ['//evil.example', '/lang/en?next=//evil.example'],
    ['https://evil.example', '/lang/en?next=https://evil.example'],
    ['/\\evil', '/lang/en?next=/\\evil'],
    ['/\\evil (encoded)', '/lang/en?next=%2F%5Cevil.example'],
    ['//evil (encoded)', '/lang/en?next=%2F%2Fevil.example'],
    ['\\\\evil', '/lang/en?next=%5C%5Cevil.example'],
    ['javascript:', '/lang/en?next=javascript:alert(1)'],
    ['CRLF header injection', '/lang/en?next=/%0D%0ASet-Cookie:%20pwned=1'],
    ['tab before //', '/lang/en?next=/%09/evil.example'],
    ['empty', '/lang/en?next='],
  ];
  for (const [name, url] of hostile) {
    it(`open redirect refused: next=${name} goes to exactly "/"`, async () => {
      const r = await new Client(t.srv.url).get(url);
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/');
      const cookies = r.headers.getSetCookie();
      assert.deepEqual(cookies.map((s) => s.split(';')[0]), ['portier_lang=en']);
    });
  }

  it('the server exits cleanly on SIGTERM', () => t.srv.stop());
});
