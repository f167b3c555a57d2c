// doors.test.js — the login doors in a real browser (Debian's Chromium through playwright-core,
// issue 17 part 5): the login page with every door on, in four languages, eID first and each
// door with its level, passes axe-core (WCAG 2.1 A/AA); then the walk through the door
// "security code by e-mail": access codes, the code read from the demo mailbox (demo mode
// without SMTP: the outbox is the mailbox), a wrong code first, then the right one, level low.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PASSWORD, startDemo } from '../http/factors_lib.js';
import { waitFor } from '../lib/server.js';
import { assertAccessible, newContext, setLang, suiteBrowser } from './lib.js';

const ALL = 'eid,passkey,idp,password+totp,password+tokencard,password+email,password';

const PAGE = {
  fr: { doors: ['Avec votre carte d\'identité électronique (eID)', 'Avec une clé d\'accès (passkey)',
    'Avec vos codes d\'accès et une clé d\'accès', 'Avec un code unique, généré par une application mobile',
    'Avec votre token', 'Avec un code de sécurité reçu par e-mail', 'Avec vos codes d\'accès'],
  high: 'Niveau de sécurité : élevé', low: 'Niveau de sécurité : faible' },
  nl: { doors: null, high: 'Betrouwbaarheidsniveau: hoog', low: 'Betrouwbaarheidsniveau: laag' },
  de: { doors: null, high: 'Vertrauensniveau: hoch', low: 'Vertrauensniveau: niedrig' },
  en: { doors: null, high: 'Level of assurance: high', low: 'Level of assurance: low' },
};

describe('the login doors in the browser', () => {
  const t = suiteBrowser(() => startDemo(['--doors', ALL]));

  for (const lang of ['fr', 'nl', 'de', 'en']) {
    it(`the login page in ${lang}: seven doors (the passkey door has two forms), eID first, each with its level; axe passes`, async () => {
      const ctx = await newContext(t.browser, { bypassCSP: true });
      try {
        await setLang(ctx, t.srv.url, lang);
        const page = await ctx.newPage();
        const res = await page.goto(`${t.srv.url}/login`);
        assert.equal(res.status(), 200);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        const doors = page.locator('.doors section.door');
        assert.equal(await doors.count(), 7);
        assert.equal(await doors.first().getAttribute('aria-labelledby'), 'door-eid');
        if (PAGE[lang].doors) assert.deepEqual(await page.locator('.doors section.door h2').allInnerTexts(), PAGE[lang].doors);
        assert.equal(await doors.first().locator('.door-level').innerText(), PAGE[lang].high);
        assert.equal(await doors.last().locator('.door-level').innerText(), PAGE[lang].low);
        await assertAccessible(page, `login page (${lang})`);
      } finally {
        await ctx.close();
      }
    });
  }

  it('the code by e-mail: access codes, the code from the mailbox, level low', async () => {
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${t.srv.url}/login?next=/compte`);
      const door = page.getByRole('region', { name: 'Avec un code de sécurité reçu par e-mail' });
      await door.getByLabel('Nom d\'utilisateur').fill('claire.dubois');
      await door.getByLabel('Mot de passe').fill(PASSWORD);
      await door.getByRole('button', { name: 'Recevoir un code' }).click();
      await page.getByLabel('Code de sécurité', { exact: true }).waitFor();
      assert.equal(await page.locator('.doors section.door').count(), 1, 'the second step shows its door alone');
      await assertAccessible(page, 'the code form');

      // The mail, from the demo mailbox in another tab of the same browser.
      const box = await ctx.newPage();
      let code = null;
      await waitFor(async () => {
        await box.goto(`${t.srv.url}/demo/mails`);
        const body = await box.locator('article.mail pre.mail-body').first().innerText().catch(() => '');
        code = /portier : (\d{6})/.exec(body)?.[1] ?? null;
        return code !== null;
      }, { what: 'the code in the demo mailbox' });
      await assertAccessible(box, 'the demo mailbox with the code');

      await page.getByLabel('Code de sécurité', { exact: true }).fill(code === '000000' ? '000001' : '000000');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('#email-error').waitFor();
      assert.equal(await page.locator('#email-error').getAttribute('role'), 'alert');
      assert.equal(await page.getByLabel('Code de sécurité', { exact: true }).getAttribute('aria-describedby'), 'email-code-hint email-error');
      await assertAccessible(page, 'the code form with an error');

      await page.getByLabel('Code de sécurité', { exact: true }).fill(code);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(`${t.srv.url}/capacite?next=/compte`);
      await page.getByRole('button', { name: 'Acteur des soins de santé' }).click();
      await page.waitForURL(`${t.srv.url}/compte`);
      assert.equal(await page.locator('#session-level').innerText(), 'faible');
      assert.equal(await page.locator('#session-method').innerText(), 'codes d\'accès et code reçu par e-mail');
    } finally {
      await ctx.close();
    }
  });
});
