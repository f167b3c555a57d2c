// pages.test.js — /healthz, the home page and /aide in each language, language
// negotiation (cookie over Accept-Language over the French default), HEAD.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assertSecurityHeaders } from '../lib/checks.js';
import { h1, htmlLang, parseResponses, rawRequest, suiteServer, title } from '../lib/server.js';
import { T } from '../lib/strings.js';

describe('pages', () => {
  const t = suiteServer();

  it('GET /healthz answers 200 "ok\\n" as text/plain', async () => {
    const r = await t.c.get('/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ok\n');
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  it('GET / is the French home page by default', async () => {
    const r = await t.c.get('/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(r.text, /^<!DOCTYPE html>\n<html lang="fr">/);
    assert.equal(h1(r.text), T.fr.home);
    assert.equal(title(r.text), `${T.fr.home} — portier`);
    assert.ok(r.text.includes(`aria-label="${T.fr.switcher}"`), 'French language switch label');
    assertSecurityHeaders(r.headers, 'home page');
    // Anonymous visitors of plain pages get no session cookie.
    assert.deepEqual(r.headers.getSetCookie(), []);
  });

  const negotiation = [
    { name: 'Accept-Language nl-BE,nl;q=0.9 gives Dutch', headers: { 'accept-language': 'nl-BE,nl;q=0.9' }, lang: 'nl' },
    { name: 'Accept-Language de gives German', headers: { 'accept-language': 'de' }, lang: 'de' },
    { name: 'Accept-Language en-GB gives English', headers: { 'accept-language': 'en-GB' }, lang: 'en' },
    { name: 'unsupported Accept-Language es falls back to French', headers: { 'accept-language': 'es' }, lang: 'fr' },
    { name: 'the best-weighted supported language wins', headers: { 'accept-language': 'es, nl;q=0.3, de;q=0.8' }, lang: 'de' },
    { name: 'q=0 excludes a language', headers: { 'accept-language': 'en;q=0, nl;q=0.1' }, lang: 'nl' },
    { name: 'cookie portier_lang=de wins over Accept-Language en', headers: { 'accept-language': 'en', cookie: 'portier_lang=de' }, lang: 'de' },
    { name: 'an unknown portier_lang cookie is ignored', headers: { 'accept-language': 'nl', cookie: 'portier_lang=xx' }, lang: 'nl' },
  ];
  for (const n of negotiation) {
    it(`GET /: ${n.name}`, async () => {
      const r = await t.c.get('/', { headers: n.headers });
      assert.equal(r.status, 200);
      assert.equal(htmlLang(r.text), n.lang);
      assert.equal(h1(r.text), T[n.lang].home);
      assert.equal(title(r.text), `${T[n.lang].home} — portier`);
      if (n.lang !== 'fr') {
        assert.ok(!h1(r.text).includes(T.fr.home), 'the French h1 is still there');
        assert.ok(!r.text.includes(T.fr.home), `French text left on the ${n.lang} page`);
      }
    });
  }

  it('the language switch offers the three other languages, links back to the page', async () => {
    const r = await t.c.get('/aide?x=1', { headers: { 'accept-language': 'nl' } });
    assert.equal(r.status, 200);
    const links = [...r.text.matchAll(/<a href="([^"]*)" lang="(\w\w)" hreflang="\w\w" title="[^"]*">(\w\w)<\/a>/g)]
      .map((m) => [m[2], m[3], m[1].replace(/&#61;/g, '=')]);
    assert.deepEqual(links, [
      ['fr', 'FR', '/lang/fr?next=/aide%3Fx%3D1'],
      ['de', 'DE', '/lang/de?next=/aide%3Fx%3D1'],
      ['en', 'EN', '/lang/en?next=/aide%3Fx%3D1'],
    ]);
    assert.match(r.text, /<span aria-current="true" lang="nl" title="Nederlands">NL<\/span>/);
  });

  for (const lang of ['fr', 'nl', 'de', 'en']) {
    it(`GET /aide in ${lang}`, async () => {
      const r = await t.c.get('/aide', { headers: { cookie: `portier_lang=${lang}` } });
      assert.equal(r.status, 200);
      assert.equal(htmlLang(r.text), lang);
      assert.equal(h1(r.text), T[lang].help);
      assert.equal(title(r.text), `${T[lang].help} — portier`);
      assert.match(r.text, /<a href="\/aide" aria-current="page">/);
    });
  }

  it('HEAD / answers 200 with the headers of GET and no body', async () => {
    const get = await t.c.get('/');
    const raw = await rawRequest(t.srv.port, 'HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(raw.closed, true, 'the server did not close after Connection: close');
    const [res, ...more] = parseResponses(raw.text);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(get.text)));
    assert.equal(raw.text.slice(raw.text.indexOf('\r\n\r\n') + 4), '', 'HEAD sent a body');
    assert.equal(more.length, 0);
    assertSecurityHeaders(res.headers, 'HEAD /');
  });

  it('the server exits cleanly on SIGTERM', async () => {
    const logs = await t.srv.stop();
    assert.match(logs, /signal 15: draining requests\n.*\bstopped\n?$/s);
  });
});
