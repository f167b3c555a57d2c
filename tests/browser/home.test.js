// home.test.js — the pages in a real browser (Debian's Chromium through playwright-core):
// the header's language switch, axe-core's WCAG 2.1 A/AA rules on the home, help and 404
// pages in each language, and no console error or CSP violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { start } from '../lib/server.js';
import { LANGS, T } from '../lib/strings.js';
import { assertAccessible, cspViolations, newContext, recordCSP, setLang, suiteBrowser } from './lib.js';


/** The <html lang> and the visible <h1> text. */
async function langAndH1(page) {
  const h1 = page.locator('main h1');
  assert.equal(await h1.count(), 1, 'the page must have exactly one <h1> in <main>');
  assert.ok(await h1.isVisible(), 'the <h1> is not visible');
  return {
    lang: await page.getAttribute('html', 'lang'),
    h1: (await h1.innerText()).trim(),
  };
}

describe('browser', () => {
  const t = suiteBrowser(() => start());

  it('the header language switch goes fr → NL → DE → EN → FR; every page passes axe', async () => {
    // A Belgian French-speaking browser (Accept-Language fr-BE) starts in French.
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE', timeout: 5000 });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${t.srv.url}/`);
      assert.equal(res.status(), 200);
      assert.deepEqual(await langAndH1(page), { lang: 'fr', h1: T.fr.home });
      assert.equal(await page.title(), `${T.fr.home} — portier`);
      const labels = (await page.locator('header ul.langs li').allInnerTexts()).map((s) => s.trim());
      assert.deepEqual(labels, ['NL', 'FR', 'DE', 'EN']);
      await assertAccessible(page, 'home (fr)');

      for (const [label, lang] of [['NL', 'nl'], ['DE', 'de'], ['EN', 'en'], ['FR', 'fr']]) {
        const nav = page.locator(`header nav[aria-label="${T[await page.getAttribute('html', 'lang')].switcher}"]`);
        const link = nav.getByRole('link', { name: label, exact: true });
        assert.equal(await link.count(), 1, `no ${label} link in the language switch`);
        // The link goes to /lang/xx?next=/, which redirects back to the home page.
        const [landing] = await Promise.all([
          page.waitForResponse((r) => r.request().isNavigationRequest() &&
            r.request().redirectedFrom()?.url() === `${t.srv.url}/lang/${lang}?next=/`),
          link.click(),
        ]);
        assert.equal(landing.url(), `${t.srv.url}/`);
        assert.equal(landing.status(), 200);
        await page.waitForLoadState('load');
        assert.deepEqual(await langAndH1(page), { lang, h1: T[lang].home }, `after clicking ${label}`);
        assert.equal(await page.title(), `${T[lang].home} — portier`);
        // The switch is labelled in the new language; the current language is shown, not linked.
        const navNow = page.locator(`header nav[aria-label="${T[lang].switcher}"]`);
        assert.equal(await navNow.count(), 1, `no language switch labelled "${T[lang].switcher}"`);
        assert.equal(await navNow.getByRole('link', { name: label, exact: true }).count(), 0);
        assert.equal(await navNow.locator('[aria-current="true"]').innerText(), label);
        await assertAccessible(page, `home (${lang})`);
      }
      const cookies = await ctx.cookies(t.srv.url);
      assert.deepEqual(cookies.filter((c) => c.name === 'portier_lang').map((c) => [c.value, c.httpOnly, c.sameSite]),
        [['fr', true, 'Lax']]);
    } finally {
      await ctx.close();
    }
  });

  describe('help and 404 pages', () => {
    let ctx;
    let page;

    before(async () => {
      ctx = await newContext(t.browser, { bypassCSP: true, timeout: 5000 });
      page = await ctx.newPage();
    });
    after(() => ctx?.close().catch(() => {}));

    for (const lang of LANGS) {
      it(`help and 404 pages in ${lang} pass axe`, async () => {
        await ctx.clearCookies();
        await setLang(ctx, t.srv.url, lang);

        const help = await page.goto(`${t.srv.url}/aide`);
        assert.equal(help.status(), 200);
        assert.deepEqual(await langAndH1(page), { lang, h1: T[lang].help });
        await assertAccessible(page, `/aide (${lang})`);

        const missing = await page.goto(`${t.srv.url}/no/such/page`);
        assert.equal(missing.status(), 404);
        assert.deepEqual(await langAndH1(page), { lang, h1: T[lang][404] });
        await assertAccessible(page, `404 page (${lang})`);
      });
    }
  });

  it('no console error, CSP violation or failed load on the pages (CSP enforced)', async () => {
    const ctx = await newContext(t.browser, { timeout: 5000 });   // no bypassCSP: the real policy applies
    const problems = [];
    try {
      await recordCSP(ctx);
      const page = await ctx.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
      });

      for (const lang of LANGS) {
        await ctx.clearCookies();
        await setLang(ctx, t.srv.url, lang);
        for (const path of ['/', '/aide']) {
          const res = await page.goto(`${t.srv.url}${path}`, { waitUntil: 'load' });
          assert.equal(res.status(), 200);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          // The stylesheet applied (a CSP refusal would leave the page unstyled).
          const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href));
          assert.deepEqual(sheets, [`${t.srv.url}/static/portier.css`]);
          const csp = await cspViolations(page);
          assert.deepEqual(csp, [], `CSP violations on ${path} (${lang})`);
        }
      }
      // Let late console messages arrive.
      await page.waitForTimeout(100);
      assert.deepEqual(problems, [], `problems reported by the browser:\n${problems.join('\n')}`);
    } finally {
      await ctx.close();
    }
  });

  it('the browser closes and the server exits cleanly on SIGTERM', async () => {
    await t.browser.close();
    await t.srv.stop();
  });
});
