// org_identifiers.test.js — an organisation without an enterprise number (issue 16, part 5)
// in a real browser (Debian's Chromium through playwright-core), once in each language:
// the exception request of case "no enterprise number" with an INAMI/RIZIV number (a wrong
// number first: the localised message at the field, what was typed kept), the helpdesk's
// paper and approval, the organisation's page showing the identifier under its type's
// localised name, and the helpdesk's form to change it. axe-core's WCAG 2.1 A/AA rules run
// on every page, in FR, NL, DE and EN.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { run } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { P, foreignRequest, startWorld } from '../http/csam_support.js';
import { orgs } from '../lib/world.js';
import { assertAccessible, cardContext, launchBrowser } from './lib.js';

/** Per language: the INAMI number typed, the type's name and the format message shown. */
const WALKS = {
  fr: { inami: '1-23456-78-901', type: 'Numéro INAMI', bad: 'Le numéro INAMI compte 11 chiffres' },
  nl: { inami: '1-23456-78-902', type: 'RIZIV-nummer', bad: 'Het RIZIV-nummer telt 11 cijfers' },
  de: { inami: '1-23456-78-903', type: 'LIKIV-Nummer', bad: 'Die LIKIV-Nummer hat 11 Ziffern' },
  en: { inami: '1-23456-78-904', type: 'NIHDI number', bad: 'The NIHDI number has 11 digits' },
};

describe('organisation without an enterprise number in the browser', () => {
  let world;
  let browser;

  before(async () => {
    // Anna decides exception requests (one approval is enough here: four-eyes off).
    world = await startWorld({ args: ['--four-eyes', 'false'] });
    const r = await run(['helpdesk', 'add', P.anna.niss, '--db', world.srv.db]);
    assert.equal(r.code, 0, r.stderr);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await world?.stop();
  });

  const context = (lang, card) => cardContext(browser, world, lang, card);

  for (const lang of LANGS) {
    it(`the exception procedure with an INAMI number (${lang})`, async () => {
      const w = WALKS[lang];
      const url = world.srv.url;
      const name = `Maison médicale ${lang.toUpperCase()}`;
      const data = foreignRequest('', { company_name: name, company_address: 'Rue Haute 1, 1000 Bruxelles' });
      const requester = await context(lang, null);
      let reference;
      try {
        const page = await requester.newPage();
        await page.goto(`${url}/csam/exception`);
        await assertAccessible(page, `/csam/exception (${lang})`);
        await page.check('#has_eid-no');
        await page.check('#dom-no');
        await page.check('#case-no-number');
        await page.check('#id_type-inami');
        await page.fill('#id_value', '1-2345-78-90');
        for (const f of ['company_name', 'company_address', 'rep_last_name', 'rep_first_name',
          'rep_birth_date', 'rep_address', 'rep_doc_number', 'gap_niss', 'gap_last_name', 'gap_first_name',
          'contact_email', 'contact_phone']) {
          await page.fill(`#${f}`, data[f]);
        }
        await page.check('#rep-person');
        for (const f of ['rep_nationality', 'rep_country', 'rep_doc_type', 'rep_doc_country']) await page.selectOption(`#${f}`, data[f]);
        await page.check('#gap-eid-no');
        await page.check('#declaration');
        const send = page.locator('main form[action="/csam/exception"] button[type="submit"]');
        await send.click();
        await page.waitForLoadState('load');
        // The wrong number: the message in the page's language, what was typed kept.
        assert.ok((await page.locator('#id_value-error').innerText()).startsWith(w.bad));
        assert.equal(await page.inputValue('#id_value'), '1-2345-78-90');
        assert.ok(await page.locator('#case-no-number').isChecked());
        await assertAccessible(page, `the request form with a wrong INAMI number (${lang})`);
        await page.fill('#id_value', w.inami);
        if (!(await page.locator('#declaration').isChecked())) await page.check('#declaration');
        await send.click();
        await page.waitForURL(/\/csam\/exception\/demande\/EX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
        reference = (await page.locator('#reference').innerText()).trim();
        await assertAccessible(page, `the reference (${lang})`);
      } finally {
        await requester.close();
      }

      const helpdesk = await context(lang, 'anna');
      try {
        const page = await helpdesk.newPage();
        await page.goto(`${url}/login/eid?next=/helpdesk/demandes/${reference}`);
        await page.waitForURL(`${url}/helpdesk/demandes/${reference}`);
        assert.equal((await page.locator('#request-identifier').innerText()).trim(), `${w.type} ${w.inami}`);
        await assertAccessible(page, `a request without enterprise number (${lang})`);
        await page.locator('form[action$="/papier"] button').click();
        await page.waitForURL(/\?ok=paper$/);
        await page.locator('form[action$="/approuver"] button').click();
        await page.waitForURL(/\?ok=approved$/);
        const org = orgs(world.srv).find((o) => o.name === name);
        assert.deepEqual([org.enterprise, org.id_type, org.id_value], ['', 'inami', w.inami.replace(/-/g, '')]);
        await page.locator('main a[href^="/csam/organisation/"]').click();
        await page.waitForURL(/\/csam\/organisation\/\d+$/);
        assert.equal((await page.locator('#org-identifier').innerText()).trim(), `${w.type} ${w.inami}`);
        assert.ok(await page.locator('form[action$="/identifiant"]').isVisible());
        await assertAccessible(page, `the organisation and its identifier form (${lang})`);
        // A wrong number in the helpdesk's form: at the field, kept, nothing changed.
        await page.check('#id_type-inami');
        await page.fill('#id_value', '12');
        await page.locator('form[action$="/identifiant"] button').click();
        await page.waitForLoadState('load');
        assert.ok((await page.locator('#id_value-error').innerText()).startsWith(w.bad));
        assert.equal(await page.inputValue('#id_value'), '12');
        await assertAccessible(page, `the identifier form with an error (${lang})`);
        assert.equal(orgs(world.srv).find((o) => o.name === name).id_value, w.inami.replace(/-/g, ''));
      } finally {
        await helpdesk.close();
      }
    });
  }
});
