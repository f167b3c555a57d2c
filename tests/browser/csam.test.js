// csam.test.js — the GAP designation in a real browser (Debian's Chromium through
// playwright-core), once in each language: a legal representative walks guide §2.2.1 —
// the page without eID, the eID door (a trusted proxy passes the card), a refused number,
// "Enregistrement de l'entreprise dans CSAM" with an error, the confirmation, "← Corriger",
// "Oui, je confirme", "Confirmer", the success message, the organisation; a foreign
// company's request goes through the exception procedure (the stop for eID holders, the
// form, the reference, the status) and the helpdesk (queue, paper, approval) to an active
// GAP. axe-core's WCAG 2.1 A/AA rules run on every page, in FR, NL, DE and EN.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, run, start, waitFor } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { foreignRequest, formFields, post, startWorld } from '../http/csam_support.js';
import { mails, orgOf, orgs } from '../lib/world.js';
import { assertAccessible, cardContext, launchBrowser, setLang } from './lib.js';


/** Who walks the standard procedure in each language, and the enterprise they register. */
const WALKS = {
  fr: { card: 'jan', number: '1099.001.189', name: 'Zorgtech Distributie', person: 'Jan Peeters' },
  nl: { card: 'els', number: '1099.006.634', name: 'Dentalia Supplies', person: 'Els Maria Van den Broeck' },
  de: { card: 'lukas', number: '1099.003.367', name: 'Medizintechnik Ostbelgien', person: 'Lukas Schmitz' },
  en: { card: 'claire', number: '1099.002.278', name: 'MediDistri', person: 'Claire Dubois' },
};

describe('GAP designation in the browser', () => {
  let world;
  let browser;

  before(async () => {
    // Anna decides exception requests (one approval is enough here: four-eyes off).
    world = await startWorld({ args: ['--four-eyes', 'false'] });
    const r = await run(['helpdesk', 'add', '81062124097', '--db', world.srv.db]);
    assert.equal(r.code, 0, r.stderr);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await world?.stop();
  });

  const context = (lang, card) => cardContext(browser, world, lang, card);

  for (const lang of LANGS) {
    it(`a legal representative walks §2.2.1 and becomes GAP (${lang})`, async () => {
      const w = WALKS[lang];
      const url = world.srv.url;
      const ctx = await context(lang, w.card);
      try {
        const page = await ctx.newPage();
        // Not logged in: why eID, and the eID door.
        await page.goto(`${url}/csam/gap`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await assertAccessible(page, `/csam/gap without eID (${lang})`);
        await page.locator('a[href^="/login/eid?next="]').first().click();
        await page.waitForURL(`${url}/csam/gap`);
        if (lang === 'fr') assert.equal(await page.locator('main h1').innerText(), "Désigner un Gestionnaire d'Accès Principal");
        assert.match(await page.locator('header .who').innerText(), new RegExp(w.person.split(' ')[0]));
        await assertAccessible(page, `/csam/gap (${lang})`);

        // A number with wrong check digits: its message, the number kept.
        // (The texts are checked in French; the other languages follow the catalogues.)
        const submitNumber = page.locator('main form[action="/csam/gap"] button[type="submit"]');
        await page.fill('#enterprise', '1099.001.188');
        await submitNumber.click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('#enterprise-error').isVisible());
        if (lang === 'fr') assert.match(await page.locator('[role="alert"]').innerText(), /contrôle/);
        assert.equal(await page.inputValue('#enterprise'), '1099.001.188');
        await assertAccessible(page, `a refused number (${lang})`);

        await page.fill('#enterprise', w.number);
        await submitNumber.click();
        await page.waitForURL(/\/csam\/gap\/enregistrement\?entreprise=\d{10}$/);
        if (lang === 'fr') assert.equal(await page.locator('main h1').innerText(), "Enregistrement de l'entreprise dans CSAM");
        assert.match(await page.locator('main').innerText(), new RegExp(w.name));
        await assertAccessible(page, `the registration form (${lang})`);

        // An e-mail that is not one, then the right data.
        await page.fill('#email', 'direction@');
        await page.fill('#phone', '+32 2 511 51 51');
        const next = page.locator('main form[action="/csam/gap/enregistrement"] button[type="submit"]');
        await next.click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('#email-error').isVisible());
        assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
        await assertAccessible(page, `the registration form with an error (${lang})`);
        await page.fill('#email', `direction.${lang}@example.be`);
        await next.click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('#accept').isVisible());
        if (lang === 'fr') assert.equal(await page.locator('main h1').innerText(), "Enregistrement de l'entreprise dans CSAM - Confirmation");
        await assertAccessible(page, `the confirmation (${lang})`);

        // ← Corriger keeps the data; Suivant again.
        await page.locator('button[name="back"]').click();
        await page.waitForLoadState('load');
        assert.equal(await page.inputValue('#email'), `direction.${lang}@example.be`);
        await next.click();
        await page.waitForLoadState('load');

        // Confirmer without ticking, then ticking "Oui, je confirme".
        await page.locator('button[name="confirm"]').click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('#accept-error').isVisible());
        await assertAccessible(page, `the confirmation asking to tick (${lang})`);
        await page.check('#accept');
        await page.locator('button[name="confirm"]').click();
        await page.waitForURL(/\/csam\/gap\/resultat\?t=[0-9a-f]{32}$/);
        assert.ok(await page.locator('[role="status"]').isVisible());
        if (lang === 'fr') {
          assert.match(await page.locator('[role="status"]').innerText(),
            /Votre entreprise est à présent reconnue dans CSAM et vous êtes identifié\(e\) comme le gestionnaire d'accès principal\./);
        }
        await assertAccessible(page, `the success message (${lang})`);

        const number = w.number.replace(/\./g, '');
        assert.ok(orgOf(world.srv, { enterprise: number }), `${number} registered`);

        await page.goto(`${url}/csam`);
        await assertAccessible(page, `/csam with the person's enterprises (${lang})`);
        await page.getByRole('link', { name: w.name }).first().click();
        await page.waitForURL(/\/csam\/organisation\/\d+$/);
        await assertAccessible(page, `the organisation and its co-GAPs (${lang})`);
        // A co-GAP: Nathalie Claes.
        await page.fill('#niss', '93.01.14-310.66');
        await page.fill('#last_name', 'Claes');
        await page.fill('#email', `nathalie.${lang}@example.be`);
        await page.locator('main form[action$="/cogap"] button[type="submit"]').click();
        await page.waitForURL(/\?ok=added$/);
        assert.match(await page.locator('table.list').innerText(), /Nathalie Claes/);
        await assertAccessible(page, `the organisation with a co-GAP (${lang})`);
      } finally {
        await ctx.close();
      }
    });

    it(`a foreign company's request goes through the helpdesk to an active GAP (${lang})`, async () => {
      const url = world.srv.url;
      const requester = await context(lang, null);
      const company = `Lyon Dispositifs ${lang.toUpperCase()} SAS`;
      let reference;
      try {
        const page = await requester.newPage();
        await page.goto(`${url}/csam/exception`);
        await assertAccessible(page, `/csam/exception (${lang})`);
        const data = foreignRequest('', { company_name: company, company_country: 'FR', rep_country: 'FR', rep_nationality: 'FR', rep_doc_country: 'FR' });
        // Someone with an eID card is stopped.
        await page.check('#has_eid-yes');
        await page.check('#dom-no');
        const send = page.locator('main form[action="/csam/exception"] button[type="submit"]');
        await send.click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('#stopped').isVisible());
        assert.ok(await page.locator('main a[href="/csam/gap"]').first().isVisible());
        if (lang === 'fr') assert.equal(await page.locator('main h1').innerText(), 'Utilisez la procédure standard');
        await assertAccessible(page, `the stop for eID holders (${lang})`);

        await page.goto(`${url}/csam/exception`);
        await page.check('#has_eid-no');
        await page.check('#dom-no');
        await page.check('#case-foreign');
        await page.selectOption('#company_country', data.company_country);
        for (const f of ['company_name', 'company_reg', 'company_address', 'rep_last_name', 'rep_first_name',
          'rep_birth_date', 'rep_address', 'rep_doc_number', 'gap_niss', 'gap_last_name', 'gap_first_name',
          'contact_email', 'contact_phone']) {
          await page.fill(`#${f}`, data[f]);
        }
        await page.check('#rep-person');
        for (const f of ['rep_nationality', 'rep_country', 'rep_doc_type', 'rep_doc_country']) await page.selectOption(`#${f}`, data[f]);
        await page.check('#gap-eid-no');
        // Forgetting the declaration first.
        await send.click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('#declaration-error').isVisible());
        assert.equal(await page.inputValue('#company_name'), company);
        await assertAccessible(page, `the request form with an error (${lang})`);
        await page.check('#declaration');
        await send.click();
        await page.waitForURL(/\/csam\/exception\/demande\/EX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
        reference = (await page.locator('#reference').innerText()).trim();
        await assertAccessible(page, `the reference and the form to print (${lang})`);
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.locator('a[href$="formulaire.pdf"]').click(),
        ]);
        assert.equal(download.suggestedFilename(), `${reference}.pdf`);
        await page.goto(`${url}/csam/exception/statut?reference=${reference}`);
        if (lang === 'fr') assert.match(await page.locator('#status').innerText(), /Reçue/);
        await assertAccessible(page, `the status page (${lang})`);
      } finally {
        await requester.close();
      }

      const helpdesk = await context(lang, 'anna');
      try {
        const page = await helpdesk.newPage();
        await page.goto(`${url}/login/eid?next=/helpdesk`);
        await page.waitForURL(`${url}/helpdesk`);
        await assertAccessible(page, `the helpdesk queue (${lang})`);
        await page.selectOption('#statut', 'received');
        await page.locator('form.filters button[type="submit"]').click();
        await page.waitForLoadState('load');
        await page.getByRole('link', { name: reference }).click();
        await page.waitForURL(`${url}/helpdesk/demandes/${reference}`);
        await assertAccessible(page, `a request in full (${lang})`);
        await page.locator('form[action$="/papier"] button').click();
        await page.waitForURL(/\?ok=paper$/);
        await assertAccessible(page, `a request with its paper (${lang})`);
        await page.locator('form[action$="/approuver"] button').click();
        await page.waitForURL(/\?ok=approved$/);
        if (lang === 'fr') assert.match(await page.locator('#request-status').innerText(), /Approuvée/);
        await assertAccessible(page, `an approved request (${lang})`);
        const [letter] = await Promise.all([
          page.waitForEvent('download'),
          page.locator('form[action$="/lettre"] button').click(),
        ]);
        assert.equal(letter.suggestedFilename(), `activation-${reference}.pdf`);
        // The GAP is active: the organisation exists with Sophie Martin as its GAP.
        const gap = orgs(world.srv).filter((o) => o.name === company)
          .map((o) => ({ last_name: o.managers.find((m) => m.role === 'GAP').last_name }));
        assert.deepEqual(gap, [{ last_name: 'Martin' }]);
        await page.locator('main a[href^="/csam/organisation/"]').click();
        await page.waitForURL(/\/csam\/organisation\/\d+$/);
        await assertAccessible(page, `the organisation seen by the helpdesk (${lang})`);
      } finally {
        await helpdesk.close();
      }
    });
  }

  it('the replacement form, a status not found and the demo mailbox, in each language, pass axe', async () => {
    const demo = await start({ args: ['--demo'] });
    try {
      // One mail in the demo mailbox.
      const c = new Client(demo.url);
      const base = formFields((await c.get('/csam/exception')).text, '/csam/exception');
      assert.equal((await post(c, '/csam/exception', foreignRequest(base.token, { _csrf: base._csrf }))).status, 303);
      await waitFor(() => mails(demo)[0]?.status === 'sent', { what: 'the demo delivery' });
      for (const lang of LANGS) {
        const ctx = await context(lang, 'els');
        try {
          const page = await ctx.newPage();
          await page.goto(`${world.srv.url}/login/eid?next=/csam`);
          const res = await page.goto(`${world.srv.url}/csam/gap/remplacement?entreprise=1099001189`);
          assert.equal(res.status(), 200);
          assert.ok(await page.locator('#choice-self').isVisible());
          await assertAccessible(page, `the replacement form (${lang})`);
          const st = await page.goto(`${world.srv.url}/csam/exception/statut?reference=EX-2222-3333`);
          assert.equal(st.status(), 404);
          assert.equal(await page.getAttribute('#reference', 'aria-invalid'), 'true');
          await assertAccessible(page, `a status not found (${lang})`);
          await setLang(ctx, demo.url, lang);
          const mails = await page.goto(`${demo.url}/demo/mails`);
          assert.equal(mails.status(), 200);
          assert.equal(await page.locator('article.mail').count(), 1);
          await assertAccessible(page, `the demo mailbox (${lang})`);
        } finally {
          await ctx.close();
        }
      }
    } finally {
      await demo.stop();
    }
  });

  it('a page refused by the policy, in each language, passes axe', async () => {
    for (const lang of LANGS) {
      const ctx = await context(lang, 'nathalie');
      try {
        const page = await ctx.newPage();
        await page.goto(`${world.srv.url}/login/eid?next=/helpdesk`);
        await page.waitForLoadState('load');
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await assertAccessible(page, `403 on /helpdesk (${lang})`);
        // And the standard procedure's "not a representative" page.
        await page.goto(`${world.srv.url}/csam/gap`);
        await page.fill('#enterprise', '1099.001.189');
        await page.locator('main form button[type="submit"]').click();
        await page.waitForLoadState('load');
        assert.ok(await page.locator('a[href="/entreprises/1099001189"]').isVisible());
        await assertAccessible(page, `not a representative (${lang})`);
      } finally {
        await ctx.close();
      }
    }
  });
});
