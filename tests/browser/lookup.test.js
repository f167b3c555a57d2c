// lookup.test.js — the public enterprise lookup in a real browser (Debian's Chromium through
// playwright-core), on the demo world (serve --demo), in each of the four languages: a
// person opens "Recherche d'entreprises" from the side menu, searches a demo distributor by
// name (words in another order, no accents), opens its card from the results and finds its
// legal representatives; pages through results; follows a representing enterprise. axe-core
// (WCAG 2.1 A/AA) on the form, the results and the card; no console error under the real
// CSP. Texts are found by structure (ids, roles, hrefs), so the test holds whatever the
// translations say.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startPaging, stopPaging } from '../http/lookup_lib.js';
import { start, tempDir } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { assertAccessible, launchBrowser, newContext, suiteBrowser, watch } from './lib.js';


/** Rows of the table in the section labelled by the heading with that id. */
async function rows(page, headingId) {
  return page.locator(`section[aria-labelledby="${headingId}"] tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
}

// What each language shows of the demo data: names and labels come from the registry
// (KBO denominations and code.csv), not from the UI catalogues.
const DEMO = {
  fr: { medidistri: 'MediDistri Belgium', form: 'Société à responsabilité limitée', town: 'Bruxelles' },
  nl: { medidistri: 'MediDistri België', form: 'Besloten Vennootschap', town: 'Brussel' },
  de: { medidistri: 'MediDistri Belgium', form: 'Gesellschaft mit beschränkter Haftung', town: 'Bruxelles' },
  en: { medidistri: 'MediDistri Belgium', form: 'Société à responsabilité limitée', town: 'Bruxelles' },
};

describe('enterprise lookup in the browser', () => {
  const t = suiteBrowser(() => start({ args: ['--demo'] }));

  for (const lang of LANGS) {
    it(`${lang}: find a demo distributor by name, open its card, see its representatives`, async () => {
      const ctx = await newContext(t.browser, { bypassCSP: true });
      try {
        const page = await ctx.newPage();
        // The language chosen with the header switch, then the side menu.
        await page.goto(`${t.srv.url}/lang/${lang}?next=/`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        const menu = page.locator('nav.side a[href="/entreprises"]');
        assert.equal(await menu.count(), 1, 'no "Recherche d\'entreprises" in the side menu');
        await menu.click();
        await page.waitForURL(`${t.srv.url}/entreprises`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(await page.locator('nav.side a[aria-current="page"]').getAttribute('href'),
          '/entreprises');
        await assertAccessible(page, `search form (${lang})`);

        // The field is found by its label; words in another order, without accents.
        const field = page.getByRole('searchbox');
        assert.equal(await field.count(), 1);
        const label = await page.locator('label[for="q"]').innerText();
        assert.equal(await page.getByLabel(label.trim()).count(), 1, 'the field has no label');
        await field.fill('belgium medidistri');
        await field.press('Enter');
        await page.waitForURL(/\/entreprises\?q=belgium\+medidistri/);
        const found = await rows(page, 'results-title');
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.deepEqual([found[0][0], found[0][1], found[0][3], found[0][4]],
          ['1099.002.278', DEMO[lang].medidistri, DEMO[lang].form,
            `${lang === 'nl' ? 'Gezondheidsstraat' : 'Rue de la Santé'} 25, 1000 ${DEMO[lang].town}`]);
        await assertAccessible(page, `results (${lang})`);

        // The card, from the result's link.
        await page.locator('section[aria-labelledby="results-title"] tbody a').first().click();
        await page.waitForURL(/\/entreprises\/1099002278/);
        assert.equal((await page.locator('main h1').innerText()).trim(), DEMO[lang].medidistri);
        const reps = await rows(page, 'functions-title');
        assert.deepEqual(reps.map((r) => [r[0], r[1]]), [['Claire Dubois', 'Gérant']]);
        assert.match(await page.locator('dl.card').innerText(), /1099\.002\.278/);
        const activities = await rows(page, 'activities-title');
        assert.ok(activities.some((a) => a[0] === '46.460'), JSON.stringify(activities));
        const establishments = await rows(page, 'establishments-title');
        assert.equal(establishments.length, 2);
        // No NISS anywhere on the page.
        const body = await page.locator('body').innerText();
        assert.ok(!/17073003384|17\.07\.30-033\.84/.test(body), 'a NISS is shown');
        await assertAccessible(page, `card (${lang})`);

        // Back to the results.
        await page.locator('p.back a').first().click();
        await page.waitForURL(/\/entreprises\?q=belgium/);
      } finally {
        await ctx.close();
      }
    });
  }

  it('a representing enterprise, a number, under the real CSP without errors', async () => {
    const ctx = await newContext(t.browser, { locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      const errors = watch(page);
      // Jan Peeters walks from his distributor to BioMed Logistics, which Zorgtech represents.
      await page.goto(`${t.srv.url}/entreprises`);
      await page.getByRole('searchbox').fill('biomed');
      await page.getByRole('searchbox').press('Enter');
      await page.waitForURL(/q=biomed/);
      await page.locator('section[aria-labelledby="results-title"] tbody a').first().click();
      await page.waitForURL(/\/entreprises\/1099018908/);
      const reps = await rows(page, 'functions-title');
      assert.deepEqual(reps.map((r) => r[0]), ['Zorgtech Distributie (1099.001.189)']);
      await page.locator('section[aria-labelledby="functions-title"] tbody a').click();
      await page.waitForURL(`${t.srv.url}/entreprises/1099001189`);
      assert.deepEqual((await rows(page, 'functions-title')).map((r) => r[0]),
        ['Jan Peeters', 'Els Maria Van den Broeck']);
      // A number typed with its dots goes straight to the card.
      await page.goto(`${t.srv.url}/entreprises`);
      await page.getByRole('searchbox').fill('BE 1099.004.456');
      await page.getByRole('searchbox').press('Enter');
      await page.waitForURL(`${t.srv.url}/entreprises/1099004456`);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Orthomed Wallonie');
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  });
});

describe('enterprise lookup in the browser: pages of results', () => {
  let srv;
  let browser;
  let dir;

  before(async () => {
    dir = tempDir();
    srv = await startPaging(dir, 45);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await stopPaging(srv, dir);
  });

  for (const lang of LANGS) {
    it(`${lang}: the pager is a labelled navigation, next and previous pages pass axe`, async () => {
      const ctx = await newContext(browser, { bypassCSP: true });
      try {
        const page = await ctx.newPage();
        await page.goto(`${srv.url}/lang/${lang}?next=/entreprises`);
        await page.getByRole('searchbox').fill('paging test');
        await page.getByRole('searchbox').press('Enter');
        await page.waitForURL(/q=paging/);
        const nav = page.locator('nav.pager[aria-label]');
        assert.equal(await nav.count(), 1);
        assert.equal(await page.locator('section[aria-labelledby="results-title"] tbody tr').count(), 20);
        await assertAccessible(page, `results page 1 (${lang})`);
        await nav.locator('a[rel="next"]').click();
        await page.waitForURL(/page=2/);
        assert.equal(await page.locator('nav.pager span[aria-current="page"]').count(), 1);
        assert.equal(await page.locator('nav.pager a[rel="prev"]').count(), 1);
        await assertAccessible(page, `results page 2 (${lang})`);
        await page.locator('nav.pager a[rel="next"]').click();
        await page.waitForURL(/page=3/);
        const last = await rows(page, 'results-title');
        assert.equal(last.length, 5);
        assert.equal(await page.locator('nav.pager a[rel="next"]').count(), 0);
      } finally {
        await ctx.close();
      }
    });
  }
});
