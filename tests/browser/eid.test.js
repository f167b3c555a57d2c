// eid.test.js — the eID door in a real browser (Debian's Chromium through playwright-core):
// a test card given to the browser through Playwright's client certificates logs in from
// the login page and the header shows the person (RSA card as PEM, EC P-384 card as
// PKCS#12); without a card the eID page says what is needed; the demo card reader logs
// in in demo mode; axe-core finds no WCAG 2.1 A/AA violation on the eID pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { start } from '../lib/server.js';
import { PEOPLE, makeCA, startTLS } from '../http/eid_support.js';
import { assertAccessible, launchBrowser, newContext, watch } from './lib.js';


describe('eID in a browser', () => {
  let ca;
  let srv;
  let demo;
  let browser;

  before(async () => {
    ca = await makeCA({ jan: PEOPLE.jan, claire: { ...PEOPLE.claire, ec: true } });
    srv = await startTLS(ca);
    demo = await start({ args: ['--demo'] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    // Both servers are stopped; a bad exit (code, sanitizer report) of either fails the suite.
    const stops = await Promise.allSettled([srv?.stop(), demo?.stop()]);
    ca?.remove();
    const bad = stops.find((s) => s.status === 'rejected');
    if (bad) throw bad.reason;
  });

  async function context(cert) {
    return newContext(browser, {
      locale: 'fr-BE',
      bypassCSP: true,          // to inject axe-core
      ignoreHTTPSErrors: true,  // the test server's certificate comes from the test CA
      clientCertificates: cert ? [{ origin: srv.tlsUrl, ...cert }] : [],
    });
  }

  it('a card (RSA, PEM) logs in from the login page; the header shows the person', async () => {
    const ctx = await context({ cert: ca.card('jan').cert, key: ca.card('jan').key });
    try {
      const page = await ctx.newPage();
      const errors = watch(page);
      await page.goto(`${srv.tlsUrl}/login?next=/aide`);
      const door = page.locator('section.door', { has: page.locator('#door-eid') });
      assert.equal((await door.locator('h2').innerText()).trim(),
        "Avec votre carte d'identité électronique (eID)");
      await door.getByRole('button', { name: 'Se connecter avec la carte eID' }).click();
      await page.waitForURL(`${srv.tlsUrl}/aide`);
      assert.equal((await page.locator('header .who').innerText()).trim(), 'Jan Peeters');
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  });

  it('a card (EC P-384, PKCS#12 with its password) logs in', async () => {
    const ctx = await context({ pfx: ca.pfx('claire'), passphrase: '1234' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${srv.tlsUrl}/login/eid`);
      await page.waitForURL(`${srv.tlsUrl}/`);
      assert.equal((await page.locator('header .who').innerText()).trim(), 'Claire Dubois');
    } finally {
      await ctx.close();
    }
  });

  it('without a card the eID page says what is needed, and passes axe', async () => {
    const ctx = await context(null);
    try {
      const page = await ctx.newPage();
      const res = await page.goto(`${srv.tlsUrl}/login/eid`);
      assert.equal(res.status(), 200);
      const text = await page.locator('main').innerText();
      assert.match(text, /lecteur de cartes/);
      assert.match(text, /code PIN/);
      assert.equal(await page.locator('header .who').count(), 0);
      await assertAccessible(page, '/login/eid');
      await page.goto(`${srv.tlsUrl}/login`);
      await assertAccessible(page, '/login with the eID door');
    } finally {
      await ctx.close();
    }
  });

  it('the demo card reader logs in with a demo card, and passes axe', async () => {
    const ctx = await newContext(browser, { locale: 'fr-BE', bypassCSP: true });
    try {
      const page = await ctx.newPage();
      await page.goto(`${demo.url}/login?next=/aide`);
      await page.getByRole('button', { name: 'Se connecter avec la carte eID' }).click();
      await page.getByRole('link', { name: 'Utiliser le lecteur de carte de démonstration' }).click();
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Lecteur de carte de démonstration');
      assert.match(await page.locator('main').innerText(), /Mode démonstration uniquement/);
      await assertAccessible(page, '/login/eid/demo');
      await page.getByLabel('Lukas Schmitz (Authentication) (RSA 2048)').check();
      await page.getByRole('button', { name: 'Insérer la carte et se connecter' }).click();
      await page.waitForURL(`${demo.url}/aide`);
      assert.equal((await page.locator('header .who').innerText()).trim(), 'Lukas Schmitz');
    } finally {
      await ctx.close();
    }
  });
});
