// portal.test.js — the agency portal in a real browser (Debian's Chromium through
// playwright-core):
//   1. guide §5 from the portal's landing page: "Vous représentez une entreprise belge →
//      Se connecter", eID at portier (the demo card reader of `portier demo`), "Choisissez
//      votre profil", back in the portal with the person's name, "BCE: …" and
//      "Se déconnecter"; "Mon entreprise" with the registry's data; an activity declared;
//      "Mes contrôles" then shows it with "Mon dossier" and "Télécharger guideline(s)".
//   2. axe-core (WCAG 2.1 A/AA) on every page of the portal in the four languages, with
//      the forms also shown with their errors; no console error or CSP violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { start } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { csrfOf, ORGS, PASSWORD, PEOPLE, startWorld } from '../http/oidc_lib.js';
import { MEDI, portalWorld, startPortal } from '../http/portal_lib.js';
import { assertAccessible, launchBrowser, newContext, setLang, watch } from './lib.js';


describe('portal in a browser: guide §5 with eID (portier demo)', () => {
  let srv;
  let portal;
  let browser;

  before(async () => {
    srv = await start({ args: ['--demo'] });
    portalWorld(srv);
    portal = await startPortal(srv);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await portal?.stop();
    await srv?.stop();
  });

  it('walks from the landing page to "Mon entreprise" and declares an activity', async () => {
    const ctx = await newContext(browser, { locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      await page.goto(`${portal.url}/`);
      await assert.doesNotReject(page.getByRole('heading', { name: 'Vous représentez une entreprise belge' }).waitFor());
      await page.getByRole('link', { name: 'Se connecter', exact: true }).click();
      // portier asks for eID (MEDSEIP demands the high level): the demo card reader.
      await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/login'));
      const next = new URL(page.url()).searchParams.get('next');
      assert.ok(next, `portier's login page carries next: ${page.url()}`);
      await page.goto(`${srv.url}/login/eid/demo?next=${encodeURIComponent(next)}`);
      await page.locator('label', { hasText: 'Claire Dubois' }).first().click();
      await page.locator('form:has(input[name="card"]) button[type="submit"]').click();
      // Étape 3. Choisissez votre profil.
      await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/oidc/continue/'));
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Etape 3. Choisissez votre profil');
      const option = page.locator('#org option', { hasText: MEDI.name });
      await page.selectOption('#org', await option.getAttribute('value'));
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      // Back in the portal: the header of guide §5.
      await page.waitForURL(`${portal.url}/`);
      assert.equal((await page.locator('header .person').innerText()).trim(), 'Claire Dubois');
      assert.equal((await page.locator('header .bce').innerText()).trim(), `BCE: ${MEDI.shown}`);
      assert.ok(await page.getByRole('button', { name: 'Se déconnecter' }).isVisible());
      for (const h of ['Mon entreprise', 'Mes activités', 'Mes contrôles']) {
        assert.ok(await page.getByRole('heading', { name: h, exact: true }).isVisible(), h);
      }
      // Mon entreprise: name, VAT, agency number, seat and establishments from the registry.
      await page.locator('nav.menu').getByRole('link', { name: 'Mon entreprise' }).click();
      await page.waitForURL(`${portal.url}/entreprise`);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Mon entreprise');
      const main = await page.locator('main').innerText();
      assert.match(main, new RegExp(MEDI.vat));
      assert.match(main, /AFMPS-\d{6}/);
      assert.match(main, /MediDistri Belgium/);
      assert.match(main, /2\.990\.200\.192/);
      // Mes activités: declare "Distributeur" for the seat, classes I and IIa.
      await page.locator('nav.menu').getByRole('link', { name: 'Mes activités' }).click();
      await page.selectOption('#kind', 'distributor');
      await page.getByLabel('Classe I', { exact: true }).check();
      await page.getByLabel('Classe IIa', { exact: true }).check();
      await page.getByRole('button', { name: "Déclarer l'activité" }).click();
      await page.waitForURL(`${portal.url}/activites?ok=1`);
      assert.ok(await page.getByText("L'activité a été déclarée.").isVisible());
      assert.match(await page.locator('main table').first().innerText(), /Distributeur\s+Siège social[^\n]*\s+Classe I, Classe IIa/);
      // Mes contrôles: Distributeur → Mon dossier, Télécharger guideline(s).
      await page.locator('nav.menu').getByRole('link', { name: 'Mes contrôles' }).click();
      assert.ok(await page.getByRole('heading', { name: 'Distributeur' }).isVisible());
      assert.equal(await page.getByRole('link', { name: /Mon dossier/ }).count(), 1);
      const g = page.getByRole('link', { name: /Télécharger guideline/ });
      assert.equal(await g.getAttribute('href'), '/static/guidelines/distributor.txt');
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });
});

describe('portal in a browser: accessibility of every page in four languages', () => {
  let srv;
  let portal;
  let browser;

  before(async () => {
    srv = await startWorld();
    portal = await startPortal(srv, { clientApplication: 'TESTAPP' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await portal?.stop();
    await srv?.stop();
  });

  it('axe finds no WCAG 2.1 A/AA violation on any portal page, in fr, nl, de and en', async () => {
    const ctx = await newContext(browser, { bypassCSP: true });
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      const check = async (path, what) => {
        const res = await page.goto(`${portal.url}${path}`);
        assert.ok(res.status() < 500, `${what}: ${res.status()}`);
        await assertAccessible(page, what);
      };
      const anonymous = ['/', '/privacy', '/disclaimer', '/nowhere', '/callback?code=x&state=y'];
      for (const lang of LANGS) {
        await setLang(ctx, portal.url, lang);
        for (const p of anonymous) await check(p, `${p} (${lang}, anonymous)`);
      }
      // Log in: access codes at portier (through the context's cookie jar), then the
      // portal's login in the page.
      const login = await ctx.request.get(`${srv.url}/login?next=/`);
      const logged = await ctx.request.post(`${srv.url}/login/password`, {
        form: { _csrf: csrfOf(await login.text()), username: PEOPLE.jan.user, password: PASSWORD, next: '/', level: '1' },
        maxRedirects: 0,
      });
      assert.equal(logged.status(), 303);
      await page.goto(`${portal.url}/login`);
      await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/oidc/continue/'));
      const option = page.locator('#org option', { hasText: ORGS.pharma.name });
      await page.selectOption('#org', await option.getAttribute('value'));
      const flow = new URL(page.url()).pathname;
      await page.locator(`form[action="${flow}"] button[type="submit"]`).click();
      await page.waitForURL(`${portal.url}/`);
      // An activity, so that its pages exist.
      await page.goto(`${portal.url}/activites`);
      await page.selectOption('#kind', 'manufacturer');
      await page.check('#class_III');
      await page.locator('form[action="/activites"] button[type="submit"]').click();
      await page.waitForURL(`${portal.url}/activites?ok=1`);
      const id = (await page.locator('main table a[href^="/activites/"]').first().getAttribute('href')).split('/').pop();
      const pages = ['/', '/entreprise', '/entreprise/contacts', '/activites', `/activites/${id}`,
        '/controles', `/controles/${id}`, '/privacy', '/disclaimer', '/nowhere'];
      for (const lang of LANGS) {
        await setLang(ctx, portal.url, lang);
        for (const p of pages) await check(p, `${p} (${lang})`);
        // The forms with their errors.
        await page.goto(`${portal.url}/entreprise/contacts`);
        await page.fill('#materiovigilance_email', 'not-an-email');
        await page.locator('form[action="/entreprise/contacts"] button[type="submit"]').click();
        await page.waitForLoadState('load');
        await assertAccessible(page, `contacts with errors (${lang})`);
        await page.goto(`${portal.url}/activites`);
        await page.locator('form[action="/activites"] button[type="submit"]').click();
        await page.waitForLoadState('load');
        await assertAccessible(page, `activities with an error (${lang})`);
        await page.goto(`${portal.url}/controles/${id}`);
        await page.locator('button[value="submit"]').click();
        await page.waitForLoadState('load');
        await assertAccessible(page, `self-check file with errors (${lang})`);
      }
      assert.deepEqual(problems.filter((p) => !/status of (400|403|404|422)/.test(p)), []);
    } finally {
      await ctx.close();
    }
  });
});
