// responsibles.test.js — «Vos Responsables» in a real browser (Debian's Chromium through
// playwright-core): a user of PharmaPlatel reaches it from the header of access
// management, sees his local manager and the GAP with their addresses as mail links and how
// to ask for an application (a mail link to the local manager); the GAP sees the
// organisation she manages; both pages pass axe-core's WCAG 2.1 A/AA rules in the four
// languages, with no console error or CSP violation (the real CSP).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LANGS } from '../lib/strings.js';
import { activate, addUser, login as httpLogin, NISS, startDemo } from '../http/uman_lib.js';
import {
  assertAccessible, cspViolations, loginWithPassword, newContext, recordCSP, setLang, suiteBrowser, watch,
} from './lib.js';

const TITLE = { fr: 'Vos Responsables', nl: 'Uw Verantwoordelijken', de: 'Ihre Verantwortlichen', en: 'Your Managers' };
const CAPACITY = {
  fr: 'Acteur des soins de santé', nl: 'Actor in de gezondheidszorg', de: 'Akteur im Gesundheitswesen', en: 'Healthcare actor',
};

describe('Vos Responsables in the browser', () => {
  const t = suiteBrowser(() => startDemo(), async ({ srv }) => {
    const claire = await httpLogin(srv, 'claire.dubois');
    const q = await activate(srv, claire);
    await addUser(srv, claire, q, { niss: NISS.jan, username: 'jan.peeters', email: 'jan@pharmaplatel.example.be', apps: ['SADM'] });
  });

  it('a user finds who manages his access, from the header of access management', async () => {
    const ctx = await newContext(t.browser, { locale: 'fr-BE' });
    try {
      await recordCSP(ctx);
      const page = await ctx.newPage();
      const problems = watch(page);
      await page.goto(`${t.srv.url}/acces`);
      await loginWithPassword(page, 'jan.peeters', 'Demo-portier-2026');
      await page.waitForURL(/\/capacite/);
      await page.getByRole('button', { name: CAPACITY.fr }).click();
      await page.waitForURL(/\/acces$/);
      await page.locator('header.top').getByRole('link', { name: 'Vos Responsables' }).click();
      await page.waitForURL(`${t.srv.url}/acces/responsables`);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Vos Responsables');
      const section = page.getByRole('region', { name: 'PharmaPlatel — Institution liée au domaine de la santé' });
      assert.ok(await section.isVisible());
      const lukas = section.getByRole('link', { name: 'lukas.schmitz@example.be' });
      assert.equal(await lukas.getAttribute('href'), 'mailto:lukas.schmitz@example.be');
      assert.match(await section.innerText(), /Lukas Schmitz — Gestionnaire local/);
      assert.match(await section.innerText(), /Claire Dubois — Gestionnaire d'Accès Principal/);
      assert.ok(await section.getByRole('heading', { name: "Demander l'accès à une application" }).isVisible());
      // Whom to ask: the local manager, a mail link whose subject names the quality.
      const ask = section.locator('p.uman-ask').getByRole('link', { name: 'Lukas Schmitz' });
      assert.equal(await ask.getAttribute('href'), `mailto:lukas.schmitz@example.be?subject=${
        encodeURIComponent("Demande d'accès à une application — PharmaPlatel — Institution liée au domaine de la santé")
          .replace(/'/g, '%27')}`);
      // The side menu marks the page as current.
      assert.equal(await page.locator('nav.side a[aria-current="page"]').getAttribute('href'), '/acces/responsables');
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });

  it('the GAP finds the organisation she manages, herself marked', async () => {
    const ctx = await newContext(t.browser, { locale: 'fr-BE' });
    try {
      await recordCSP(ctx);
      const page = await ctx.newPage();
      const problems = watch(page);
      await page.goto(`${t.srv.url}/acces`);
      await loginWithPassword(page, 'claire.dubois', 'Demo-portier-2026');
      await page.waitForURL(/\/capacite/);
      await page.getByRole('button', { name: CAPACITY.fr }).click();
      await page.waitForURL(/\/acces$/);
      await page.locator('header.top').getByRole('link', { name: 'Vos Responsables' }).click();
      await page.waitForURL(`${t.srv.url}/acces/responsables`);
      const section = page.getByRole('region', { name: "PharmaPlatel — Gestionnaire d'Accès Principal" });
      assert.match(await section.innerText(), /Claire Dubois \(vous\) — Gestionnaire d'Accès Principal/);
      assert.equal(await page.getByRole('region').count(), 1);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });

  it('passes axe in the four languages', async () => {
    for (const [lang, who] of LANGS.flatMap((l) => [[l, 'jan.peeters'], [l, 'claire.dubois']])) {
      const ctx = await newContext(t.browser, { bypassCSP: true });
      try {
        await setLang(ctx, t.srv.url, lang);
        const page = await ctx.newPage();
        await page.goto(`${t.srv.url}/acces`);
        await loginWithPassword(page, who, 'Demo-portier-2026');
        await page.waitForURL(/\/capacite/);
        await page.getByRole('button', { name: CAPACITY[lang] }).click();
        await page.waitForURL(/\/acces$/);
        await page.goto(`${t.srv.url}/acces/responsables`);
        assert.equal((await page.locator('main h1').innerText()).trim(), TITLE[lang], lang);
        assert.equal(await page.locator('section.uman-resp').count(), 1, `${who} (${lang}): one section`);
        await assertAccessible(page, `Vos Responsables (${who}, ${lang})`);
      } finally {
        await ctx.close();
      }
    }
  });
});
