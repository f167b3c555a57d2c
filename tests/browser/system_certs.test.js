// system_certs.test.js — "Gestion du certificat" in a real browser (Debian's Chromium
// through playwright-core), in the four languages: the local manager reaches it from the
// side menu of the quality, requests a certificate with a CSR made by `openssl req`, finds
// it in the list as active, revokes it with a reason and finds it revoked; every page
// passes axe-core's WCAG 2.1 A/AA rules, a refused CSR too (errors at the fields).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { tempDir } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { activate, login as httpLogin, startDemo } from '../http/uman_lib.js';
import { assertAccessible, loginWithPassword, newContext, setLang, suiteBrowser } from './lib.js';

const CAPACITY = {
  fr: 'Acteur des soins de santé', nl: 'Actor in de gezondheidszorg', de: 'Akteur im Gesundheitswesen', en: 'Healthcare actor',
};
const W = {
  fr: { menu: 'Gestion du certificat', request: 'Demander un certificat (CSR)', revoke: 'Révoquer',
    active: 'Actif', revoked: 'Révoqué', name: 'Nom du certificat *', csr: 'Demande de certificat (PEM) *', reason: 'Raison de la révocation *' },
  nl: { menu: 'Beheer van het certificaat', request: 'Een certificaat aanvragen (CSR)', revoke: 'Intrekken',
    active: 'Actief', revoked: 'Ingetrokken', name: 'Naam van het certificaat *', csr: 'Certificaataanvraag (PEM) *', reason: 'Reden van de intrekking *' },
  de: { menu: 'Verwaltung des Zertifikats', request: 'Ein Zertifikat anfordern (CSR)', revoke: 'Widerrufen',
    active: 'Aktiv', revoked: 'Widerrufen', name: 'Name des Zertifikats *', csr: 'Zertifikatsanforderung (PEM) *', reason: 'Grund des Widerrufs *' },
  en: { menu: 'Certificate management', request: 'Request a certificate (CSR)', revoke: 'Revoke',
    active: 'Active', revoked: 'Revoked', name: 'Certificate name *', csr: 'Certificate signing request (PEM) *', reason: 'Reason for the revocation *' },
};
const dir = tempDir();

function csr(n) {
  const base = path.join(dir, `k${n}`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${base}.key`, '-subj', '/CN=browser', '-out', `${base}.csr`], { stdio: 'ignore' });
  return readFileSync(`${base}.csr`, 'utf8');
}

describe('Gestion du certificat in the browser', () => {
  let q;
  const t = suiteBrowser(() => startDemo(), async ({ srv }) => {
    const claire = await httpLogin(srv, 'claire.dubois');
    q = await activate(srv, claire);
  });

  it('requests by CSR, lists, revokes, in the four languages, with axe', async () => {
    let n = 0;
    for (const lang of LANGS) {
      const w = W[lang];
      const ctx = await newContext(t.browser, { bypassCSP: true });
      try {
        await setLang(ctx, t.srv.url, lang);
        const page = await ctx.newPage();
        await page.goto(`${t.srv.url}/acces`);
        await loginWithPassword(page, 'lukas.schmitz', 'Demo-portier-2026');
        await page.waitForURL(/\/capacite/);
        await page.getByRole('button', { name: CAPACITY[lang] }).click();
        await page.waitForURL(/\/acces$/);
        await page.goto(`${t.srv.url}/acces/1/qualite/${q}`);
        await page.locator('nav.side').getByRole('link', { name: w.menu, exact: true }).click();
        await page.waitForURL(/\/certificats$/);
        assert.equal((await page.locator('main h1').innerText()).trim(), w.menu);
        await assertAccessible(page, `list (${lang})`);
        const form = page.getByRole('form', { name: w.request });
        // A refused request first: errors at the fields, accessible.
        await form.getByLabel(w.name).fill(`Logiciel ${lang}`);
        await form.getByLabel(w.csr).fill('garbage');
        await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: w.request }).click()]);
        assert.equal(await page.locator('#csr-label').inputValue(), `Logiciel ${lang}`);
        assert.equal(await page.locator('#csr-csr').inputValue(), 'garbage');
        assert.ok(await page.locator('#err-csr-apps').isVisible());
        await assertAccessible(page, `refused request (${lang})`);
        await page.locator('form[aria-labelledby="h-csr"] input[value="SADM"]').check();
        await page.locator('#csr-csr').fill(csr(n++));
        await Promise.all([page.waitForNavigation(), page.getByRole('form', { name: w.request })
          .getByRole('button', { name: w.request }).click()]);
        const row = page.locator('tr', { hasText: `Logiciel ${lang}` });
        assert.match(await row.innerText(), new RegExp(w.active));
        await row.getByRole('link', { name: `Logiciel ${lang}` }).click();
        await page.waitForURL(/\/certificats\/[A-Za-z0-9_-]{22}$/);
        await assertAccessible(page, `detail (${lang})`);
        await page.getByLabel(w.reason).fill('test');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: w.revoke }).click()]);
        assert.match(await page.locator('tr', { hasText: `Logiciel ${lang}` }).innerText(), new RegExp(w.revoked));
        await assertAccessible(page, `list after revocation (${lang})`);
      } finally {
        await ctx.close();
      }
    }
  });
});
