// oidc.test.js (browser) — the profile choice of guide §5 in Debian's Chromium: the whole
// way from a relying party's authorization request through the login page and "Choisissez
// votre profil" back to the relying party (with the real CSP: our form-action 'self' must
// not block the way back), and axe-core's WCAG 2.1 A/AA rules on the profile choice and on
// the page for a person without a grant, in the four languages.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { freePort } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { addClient, PASSWORD, PEOPLE, startWorld } from '../http/oidc_lib.js';
import { assertAccessible, cspViolations, launchBrowser, loginWithPassword, newContext, recordCSP, watch } from './lib.js';


describe('browser: OpenID Connect profile choice', () => {
  let srv;
  let browser;
  let rp;
  let rpServer;
  let cb;
  const hits = [];

  before(async () => {
    srv = await startWorld();
    // A stand-in relying party that records what comes back to its redirect URI.
    const port = await freePort();
    cb = `http://127.0.0.1:${port}/cb`;
    rpServer = http.createServer((req, res) => {
      hits.push(new URL(req.url, `http://127.0.0.1:${port}`));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html lang="en"><title>RP</title><h1>Back at the client</h1></html>');
    });
    await new Promise((r) => { rpServer.listen(port, '127.0.0.1', r); });
    rp = addClient(srv, 'rp', { redirect: [cb] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await new Promise((r) => { rpServer?.close(r); });
    await srv?.stop();
  });

  const authorizeUrl = (extra = {}) => `${srv.url}/oidc/authorize?${new URLSearchParams({
    client_id: rp.id, redirect_uri: cb, response_type: 'code', scope: 'openid profile',
    state: 'browser-state', ...extra,
  })}`;

  it('walks from the client to the profile choice and back to the client (real CSP)', async () => {
    const ctx = await newContext(browser);
    try {
      await recordCSP(ctx);
      const page = await ctx.newPage();
      const problems = watch(page);
      await page.goto(authorizeUrl({ ui_locales: 'fr' }));
      assert.equal(new URL(page.url()).pathname, '/login');
      await loginWithPassword(page, PEOPLE.jan.user, PASSWORD);
      assert.match(new URL(page.url()).pathname, /^\/oidc\/continue\//);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Etape 3. Choisissez votre profil');
      assert.deepEqual(await cspViolations(page), []);
      await page.locator('#org').selectOption({ label: 'Pharma Test SA (0552.627.113)' });
      await Promise.all([
        page.waitForURL((u) => u.href.startsWith(cb), { timeout: 10000 }),
        page.getByRole('button', { name: 'Se connecter' }).click(),
      ]);
      const back = hits.filter((u) => u.pathname === '/cb').at(-1);
      assert.ok(back, 'the client was not reached');
      assert.equal(back.searchParams.get('state'), 'browser-state');
      assert.match(back.searchParams.get('code') ?? '', /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/);
      assert.equal(back.searchParams.get('iss'), srv.url);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });

  for (const lang of LANGS) {
    it(`the profile pages pass axe in ${lang}`, async () => {
      const ctx = await newContext(browser, { bypassCSP: true });
      try {
        const page = await ctx.newPage();
        // Jan: the choice between his two organisations.
        await page.goto(authorizeUrl({ ui_locales: lang }));
        assert.equal(await page.getAttribute('html', 'lang'), lang, 'login page language');
        await loginWithPassword(page, PEOPLE.jan.user, PASSWORD);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(await page.locator('main h1').count(), 1);
        assert.equal(await page.locator('#org option').count(), 3);
        await assertAccessible(page, `profile choice (${lang})`);
        // The form sent without a choice: the message next to the list.
        await page.locator('#org').selectOption('');
        await Promise.all([page.waitForNavigation(), page.locator('main form.form button[type="submit"]').click()]);
        assert.equal(await page.locator('#org[aria-invalid="true"]').count(), 1);
        await assertAccessible(page, `profile choice with an error (${lang})`);
        // Lukas: no grant anywhere.
        await ctx.clearCookies();
        await page.goto(authorizeUrl({ ui_locales: lang }));
        await loginWithPassword(page, PEOPLE.lukas.user, PASSWORD);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(await page.locator('#org').count(), 0);
        await assertAccessible(page, `no profile (${lang})`);
        // Claire: an account, no grant: who can grant it.
        await ctx.clearCookies();
        await page.goto(authorizeUrl({ ui_locales: lang }));
        await loginWithPassword(page, PEOPLE.claire.user, PASSWORD);
        assert.ok((await page.locator('main').innerText()).includes('Jan Peeters'));
        await assertAccessible(page, `who can grant (${lang})`);
      } finally {
        await ctx.close();
      }
    });
  }
});
