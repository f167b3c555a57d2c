// passkey.test.js — passkeys in a real browser: Debian's Chromium through playwright-core,
// with Chromium's virtual authenticator (the WebAuthn domain of the DevTools protocol: CTAP2,
// internal, resident keys, user verification). Claire logs in with her eID card (demo
// reader), creates a passkey in "Mon compte" → "Clés d'accès", logs out, logs in without a
// password into access management, then with her access codes and the passkey, and removes
// it. axe-core (WCAG 2.1 A/AA) on the new pages in the four languages; the script runs
// under the real CSP. The server listens on 127.0.0.1 and is browsed as localhost (its RP
// id: a browser refuses an IP address).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { start } from '../lib/server.js';
import { PASSWORD } from '../http/factors_lib.js';
import { assertAccessible, cspViolations, newContext, recordCSP, setLang, suiteBrowser, watch } from './lib.js';

let base;

/** A demo server on 127.0.0.1 with its default public URL, browsed as http://localhost:PORT:
 *  a passkey's RP id must be a name, and portier takes localhost for its loopback address. */
async function startLocalhost() {
  const srv = await start({ args: ['--demo', '--password-ops', '1', '--password-mem-kib', '8'] });
  base = srv.url.replace('127.0.0.1', 'localhost');
  return srv;
}

/** A virtual authenticator on page's target: CTAP2, built in, with resident keys and a
 *  user who verifies (fingerprint, PIN) at once. */
async function virtualAuthenticator(ctx, page) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** After a login: the capacity choice or the account page (not the login page itself). */
const landed = (u) => u.pathname === '/capacite' || u.pathname.startsWith('/compte');

async function chooseCapacity(page, next) {
  if (page.url().includes('/capacite')) {
    await page.getByRole('button', { name: 'Acteur des soins de santé' }).click();
    await page.waitForURL(`${base}${next}`);
  }
}

async function logout(page) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se déconnecter' }).click()]);
}

describe('passkeys in the browser', () => {
  const t = suiteBrowser(startLocalhost);

  it('enrols at eID level, logs in without a password, then as a second factor, removes it', async () => {
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      const errors = watch(page);
      const { cdp, authenticatorId } = await virtualAuthenticator(ctx, page);

      // Before eID: the page lists nothing and sends to the eID door to add a key.
      await page.goto(`${base}/login/eid/demo?next=/compte/cles-acces`);
      await page.getByLabel(/^Claire Dubois/).check();
      await page.getByRole('button', { name: 'Insérer la carte et se connecter' }).click();
      await page.waitForURL(landed);
      await chooseCapacity(page, '/compte/cles-acces');
      assert.equal(await page.locator('main h1').innerText(), 'Clés d\'accès (passkeys)');
      assert.match(await page.locator('main').innerText(), /Aucune clé d'accès enregistrée/);
      await assertAccessible(page, 'passkeys page, none yet');

      await page.getByLabel('Nom de la clé (facultatif)').fill('Ordinateur de test');
      await page.getByRole('button', { name: 'Créer une clé d\'accès' }).click();
      await page.waitForURL(`${base}/compte/cles-acces?ajoutee=1`);
      assert.match(await page.locator('main [role="status"]').innerText(), /Votre clé d'accès est enregistrée/);
      assert.equal(await page.locator('td.passkey-name').innerText(), 'Ordinateur de test');
      await assertAccessible(page, 'passkeys page, one key');
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(credentials.length, 1);
      assert.equal(credentials[0].isResidentCredential, true);
      assert.equal(credentials[0].rpId, 'localhost');
      await logout(page);

      // Passwordless into access management: level substantial.
      await page.goto(`${base}/login?level=2&next=/compte`);
      await assertAccessible(page, 'login page with the passkey doors');
      const door = page.getByRole('region', { name: 'Avec une clé d\'accès (passkey)' });
      await door.getByRole('button', { name: 'Se connecter avec une clé d\'accès' }).click();
      await page.waitForURL(landed);
      await chooseCapacity(page, '/compte');
      assert.equal(await page.locator('#session-method').innerText(), 'clé d\'accès (passkey)');
      assert.equal(await page.locator('#session-level').innerText(), 'substantiel');
      await page.goto(`${base}/acces`);
      assert.equal(await page.locator('main h1').innerText(), 'Gestion d\'accès pour Entreprises et Organisations');
      await logout(page);

      // Access codes, then the passkey.
      await page.goto(`${base}/login?next=/compte`);
      const second = page.getByRole('region', { name: 'Avec vos codes d\'accès et une clé d\'accès' });
      await second.getByLabel('Nom d\'utilisateur').fill('claire.dubois');
      await second.getByLabel('Mot de passe').fill(PASSWORD);
      await Promise.all([page.waitForNavigation(), second.getByRole('button', { name: 'Suivant' }).click()]);
      const step = page.getByRole('region', { name: 'Avec vos codes d\'accès et une clé d\'accès' });
      assert.match(await step.innerText(), /Utilisez maintenant votre clé d'accès/);
      await assertAccessible(page, 'second step of access codes + passkey');
      await step.getByRole('button', { name: 'Utiliser ma clé d\'accès' }).click();
      await page.waitForURL(landed);
      await chooseCapacity(page, '/compte');
      assert.equal(await page.locator('#session-method').innerText(), 'codes d\'accès et clé d\'accès');
      assert.equal(await page.locator('#session-level').innerText(), 'substantiel');

      // Removed from "Mon compte": the list is empty, the key no longer opens.
      await page.goto(`${base}/compte/cles-acces`);
      assert.match(await page.locator('main').innerText(), /connectez-vous d'abord avec votre carte/);
      await page.getByRole('button', { name: 'Supprimer la clé d\'accès Ordinateur de test' }).click();
      await page.waitForURL(`${base}/compte/cles-acces?supprimee=1`);
      assert.match(await page.locator('main').innerText(), /Aucune clé d'accès enregistrée/);
      await logout(page);
      await page.goto(`${base}/login?next=/compte`);
      await page.getByRole('region', { name: 'Avec une clé d\'accès (passkey)' })
        .getByRole('button', { name: 'Se connecter avec une clé d\'accès' }).click();
      await page.locator('#passkey-error').waitFor();
      assert.match(await page.locator('#passkey-error').innerText(), /n'a pas été acceptée/);
      await assertAccessible(page, 'login page with a refused passkey');
      assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
    } finally {
      await ctx.close();
    }
  });

  it('the passkey pages pass axe in the four languages; the script runs under the real CSP', async () => {
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${base}/login/eid/demo?next=/compte`);
      await page.getByLabel(/^Claire Dubois/).check();
      await page.getByRole('button', { name: 'Insérer la carte et se connecter' }).click();
      await page.waitForURL(landed);
      await chooseCapacity(page, '/compte');
      for (const lang of ['fr', 'nl', 'de', 'en']) {
        await setLang(ctx, base, lang);
        for (const path of ['/compte/cles-acces', '/login?level=2']) {
          const res = await page.goto(`${base}${path}`);
          assert.equal(res.status(), 200, `${lang} ${path}`);
          assert.equal(await page.getAttribute('html', 'lang'), lang);
          await assertAccessible(page, `${path} (${lang})`);
        }
      }
    } finally {
      await ctx.close();
    }
    const strict = await newContext(t.browser, { locale: 'fr-BE' });
    try {
      await recordCSP(strict);
      const page = await strict.newPage();
      const errors = watch(page);
      await page.goto(`${base}/login`);
      await virtualAuthenticator(strict, page);
      // No key in this authenticator: the browser refuses, the script says so at the door.
      await page.getByRole('region', { name: 'Avec une clé d\'accès (passkey)' })
        .getByRole('button', { name: 'Se connecter avec une clé d\'accès' }).click();
      const status = page.locator('#door-passkey ~ form [data-passkey-status]');
      await status.waitFor({ state: 'visible', timeout: 30000 });
      assert.match(await status.innerText(), /n'a pas été utilisée/);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await strict.close();
    }
  });
});
