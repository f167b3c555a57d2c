// factors.test.js — second factors in a real browser (Debian's Chromium through
// playwright-core): a person without eID activates their access codes with a helpdesk code,
// enrols a mobile app by its key, then logs in with user name + password + TOTP, chooses the
// capacity, and lands at level substantial. axe-core (WCAG 2.1 A/AA) on the login page, the
// enrolment page and the capacity page; the enrolment page under the real CSP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { activationCode, base32Decode, startDemo, totp, waitForStep } from '../http/factors_lib.js';
import { assertAccessible, cspViolations, newContext, recordCSP, suiteBrowser, watch } from './lib.js';


describe('second factors in the browser', () => {
  let key;
  let enrolStep;
  const PASSWORD = 'Claire-navigateur-2026!';
  const t = suiteBrowser(() => startDemo());

  it('activation code, then a mobile app enrolled from its key; the pages pass axe', async () => {
    const code = await activationCode(t.srv, ['--username', 'claire.dubois']);
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${t.srv.url}/login`);
      await page.locator('#main').getByRole('link', { name: 'Activer mes codes d\'accès' }).click();
      await page.waitForURL(`${t.srv.url}/activer`);
      await assertAccessible(page, 'activation page');
      await page.getByLabel('Code d\'activation').fill(code);
      await page.getByLabel('Nom d\'utilisateur').fill('claire.dubois');
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('trop court');
      await page.getByLabel('Confirmez le nouveau mot de passe').fill('trop court');
      await page.getByRole('button', { name: 'Activer' }).click();
      // A refusal at the field, announced and described; the user name kept.
      await page.locator('#act-password-error').waitFor();
      assert.equal(await page.getByLabel('Nom d\'utilisateur').inputValue(), 'claire.dubois');
      assert.equal(await page.getByLabel('Code d\'activation').inputValue(), '');
      await assertAccessible(page, 'activation page with errors');
      await page.getByLabel('Code d\'activation').fill(code);
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Confirmez le nouveau mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Activer' }).click();
      await page.waitForURL(`${t.srv.url}/activer/suite`);

      await waitForStep(6);
      await page.getByRole('link', { name: 'Un code unique, généré par une application mobile' }).click();
      await page.waitForURL(`${t.srv.url}/enrolement/application`);
      assert.equal(await page.locator('main h1').innerText(), 'Application mobile');
      assert.ok(await page.getByRole('img', { name: /Code QR de votre compte portier/ }).isVisible());
      await assertAccessible(page, 'enrolment page');
      key = base32Decode(await page.locator('#totp-key').innerText());
      const now = Date.now() / 1000;
      enrolStep = Math.floor(now / 30);
      await page.getByLabel('Code de l\'application').fill(totp(key, now));
      await page.getByRole('button', { name: 'Confirmer' }).click();
      await page.waitForURL(/\/enrolement\/application\?enregistre=1$/);
      assert.match(await page.locator('main [role="status"]').innerText(), /Votre application est enregistrée/);
      await assertAccessible(page, 'enrolment page, app enrolled');

      // The same page under the real CSP: the SVG QR code needs no inline style or script.
      const strict = await t.browser.newContext({ storageState: await ctx.storageState() });
      try {
        await recordCSP(strict);
        const p2 = await strict.newPage();
        const violations = watch(p2);
        const res = await p2.goto(`${t.srv.url}/enrolement/application`);
        assert.equal(res.status(), 200);
        assert.ok(await p2.locator('svg.qr rect').first().isVisible());
        assert.deepEqual(await cspViolations(p2), []);
        assert.deepEqual(violations, []);
      } finally {
        await strict.close();
      }
    } finally {
      await ctx.close();
    }
  });

  it('logs in with user name + password + TOTP, chooses the capacity, level substantial', async () => {
    assert.ok(key, 'the enrolment test ran first');
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${t.srv.url}/login`);
      assert.equal(res.status(), 200);
      await assertAccessible(page, 'login page');
      const door = page.getByRole('region', { name: 'Avec un code unique, généré par une application mobile' });
      // A wrong code first: the message at this door, announced, the user name kept.
      await door.getByLabel('Nom d\'utilisateur').fill('claire.dubois');
      await door.getByLabel('Mot de passe').fill(PASSWORD);
      await door.getByLabel('Code de l\'application').fill(totp(key, enrolStep * 30));
      await door.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('#totp-error').waitFor();
      assert.equal(await page.locator('#totp-error').innerText(), 'Nom d\'utilisateur, mot de passe ou code incorrect.');
      assert.equal(await page.locator('#totp-error').getAttribute('role'), 'alert');
      await assertAccessible(page, 'login page with an error');

      const again = page.getByRole('region', { name: 'Avec un code unique, généré par une application mobile' });
      assert.equal(await again.getByLabel('Nom d\'utilisateur').inputValue(), 'claire.dubois');
      await again.getByLabel('Mot de passe').fill(PASSWORD);
      await again.getByLabel('Code de l\'application').fill(totp(key, (enrolStep + 1) * 30));
      await again.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(`${t.srv.url}/`);

      await page.goto(`${t.srv.url}/compte`);
      await page.waitForURL(`${t.srv.url}/capacite?next=/compte`);
      assert.equal(await page.locator('main h1').innerText(), 'Sous quelle qualité voulez-vous vous authentifier?');
      await assertAccessible(page, 'capacity page');
      await page.getByRole('button', { name: 'Acteur des soins de santé' }).click();
      await page.waitForURL(`${t.srv.url}/compte`);
      assert.equal(await page.locator('#session-level').innerText(), 'substantiel');
      assert.equal(await page.locator('#session-capacity').innerText(), 'Acteur des soins de santé');
      await assertAccessible(page, 'account page');
    } finally {
      await ctx.close();
    }
  });
});
