// upstream_idp.test.js — brokering in a real browser (issue 17 part 1): the agency portal →
// portier's login page → the door of an upstream provider (oidc-provider from npm standing
// in for itsme: its login page, where the person logs in and the provider vouches for
// eIDAS high) → back at portier → "Choisissez votre profil" → the portal shows the person.
// Then axe-core (WCAG 2.1 A/AA) on portier's login page with the door and on its refusal
// (a level below the service's), in the four languages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { start } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { cli } from '../lib/world.js';
import { MEDI, NISS, portalWorld, startPortal } from '../http/portal_lib.js';
import { ACR, startOidcUpstream } from '../http/upstream_lib.js';
import { assertAccessible, launchBrowser, newContext, setLang, watch } from './lib.js';

const SECRET = 'browser-upstream-secret-0123456789';

describe('the agency portal through an upstream identity provider', () => {
  let srv;
  let portal;
  let up;
  let browser;

  before(async () => {
    srv = await start({ args: ['--demo'] });
    portalWorld(srv);
    portal = await startPortal(srv);
    up = await startOidcUpstream({
      redirectUri: `${srv.url}/login/idp/callback`, secret: SECRET,
      accounts: { claire: { national_number: NISS.claire } },
    });
    const r = cli(srv, ['idp', 'add', '--id', 'itsme', '--name', 'itsme', '--issuer', up.issuer,
      '--client-id', 'portier-broker', '--client-secret', SECRET, '--level', 'high']);
    assert.equal(r.code, 0, r.stderr);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await portal?.stop();
    await up?.close();
    await srv?.stop();
  });

  it('logs in to the portal through the provider and shows the person', async () => {
    const ctx = await newContext(browser, { locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      await page.goto(`${portal.url}/`);
      await page.getByRole('link', { name: 'Se connecter', exact: true }).click();
      await page.waitForURL((u) => u.origin === srv.url && u.pathname === '/login');
      // MEDSEIP asks for the high level: the provider's door is there (its ceiling is high).
      await page.getByRole('link', { name: 'Se connecter avec itsme' }).click();
      await page.waitForURL((u) => u.origin === up.issuer && u.pathname.startsWith('/interaction/'));
      await page.getByLabel('Login').fill('claire');
      await page.selectOption('#acr', ACR.high);
      await page.getByRole('button', { name: 'Log in upstream' }).click();
      await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/oidc/continue/'));
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Etape 3. Choisissez votre profil');
      const option = page.locator('#org option', { hasText: MEDI.name });
      await page.selectOption('#org', await option.getAttribute('value'));
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      await page.waitForURL(`${portal.url}/`);
      assert.equal((await page.locator('header .person').innerText()).trim(), 'Claire Dubois');
      assert.equal((await page.locator('header .bce').innerText()).trim(), `BCE: ${MEDI.shown}`);
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });

  it('refuses a level below the service\'s, offering the other doors', async () => {
    const ctx = await newContext(browser, { locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${srv.url}/login?level=3&next=/compte`);
      await page.getByRole('link', { name: 'Se connecter avec itsme' }).click();
      await page.getByLabel('Login').fill('claire');
      await page.selectOption('#acr', ACR.substantial);
      await page.getByRole('button', { name: 'Log in upstream' }).click();
      await page.waitForURL((u) => u.origin === srv.url && u.pathname === '/login/idp/callback');
      const alert = page.locator('#door-error');
      assert.match(await alert.innerText(), /Ce service exige un niveau de sécurité plus élevé/);
      assert.ok(await page.getByRole('button', { name: 'Se connecter avec la carte eID' }).isVisible());
    } finally {
      await ctx.close();
    }
  });

  it('portier\'s pages of the door pass axe in the four languages', async () => {
    for (const lang of LANGS) {
      const ctx = await newContext(browser, { bypassCSP: true });
      try {
        await setLang(ctx, srv.url, lang);
        const page = await ctx.newPage();
        await page.goto(`${srv.url}/login?level=3&next=/compte`);
        assert.equal(await page.locator('a.idp-door').count(), 1, lang);
        await assertAccessible(page, `login page with the provider's door (${lang})`);
        await page.goto(`${srv.url}/login/idp/nosuch?next=/compte`);
        assert.ok(await page.locator('#door-error').isVisible(), lang);
        await assertAccessible(page, `a refusal of the door (${lang})`);
      } finally {
        await ctx.close();
      }
    }
  });
});
