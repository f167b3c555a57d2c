// reflow.test.js — every page type usable at 320 CSS pixels (WCAG 1.4.10 reflow), in a
// real browser (Debian's Chromium through playwright-core) with a 320x640 viewport: no
// horizontal scroll (the document no wider than the viewport) and the header's controls
// (languages, Aide, the person's name, "Se déconnecter") inside the viewport. Public pages,
// the login doors, the GAP designation pages, access management as GAP and as local
// manager (user list, user forms, hierarchy, audit trail, Vos Responsables), the OpenID
// Connect profile choice, the helpdesk, the enterprise lookup and the agency portal's
// pages; axe-core's WCAG 2.1 A/AA rules pass on each at that width.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { run } from '../lib/server.js';
import { activate, addUser, login as httpLogin, NISS, startDemo } from '../http/uman_lib.js';
import { MEDI, portalWorld, startPortal } from '../http/portal_lib.js';
import { assertAccessible, launchBrowser, loginWithPassword, newContext, watch } from './lib.js';

const VIEWPORT = { width: 320, height: 640 };

/**
 * What overflows the viewport on the page: the document's extra width, and the visible
 * controls of the header (selector) whose box leaves the viewport.
 */
function overflow(page, header) {
  return page.evaluate((sel) => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < 0 || r.right > width + 0.5) {
        out.push(`${el.textContent.trim().slice(0, 40) || el.tagName}: ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    // The widest elements, to say where an overflow comes from.
    const wide = [];
    if (root.scrollWidth > width) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 && el.children.length === 0) {
          wide.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''} "${el.textContent.trim().slice(0, 30)}" right=${Math.round(r.right)}`);
        }
        if (wide.length >= 5) break;
      }
    }
    return { scrollWidth: root.scrollWidth, width, controls: out, wide };
  }, header);
}

describe('reflow at 320 px', () => {
  let srv;
  let portal;
  let browser;
  let quality;
  let janAccount;
  const seen = [];

  /** The page at 320 px: no horizontal scroll, header controls inside, axe passes. */
  async function check(page, what, { header = 'header.top a, header.top button, header.top .who, header.top span[aria-current]', loggedIn = false } = {}) {
    await page.waitForLoadState('load');
    const o = await overflow(page, header);
    assert.ok(o.scrollWidth <= o.width,
      `${what} (${page.url()}): horizontal scroll, ${o.scrollWidth} px wide for ${o.width}: ${o.wide.join('; ')}`);
    assert.deepEqual(o.controls, [], `${what}: header controls outside the viewport`);
    if (loggedIn) {
      const logout = page.getByRole('button', { name: 'Se déconnecter' });
      assert.ok(await logout.isVisible(), `${what}: "Se déconnecter" visible`);
      const box = await logout.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= VIEWPORT.width, `${what}: "Se déconnecter" at ${box.x}+${box.width}`);
    }
    await assertAccessible(page, `${what} at 320 px`);
    seen.push(what);
  }

  before(async () => {
    srv = await startDemo();
    // Guide §3 and §4 through HTTP: the health quality with Lukas as local manager, Jan a
    // user; Claire also holds the helpdesk role; the portal's world (MediDistri).
    const claire = await httpLogin(srv, 'claire.dubois');
    quality = await activate(srv, claire);
    janAccount = await addUser(srv, claire, quality, { niss: NISS.jan, username: 'jan.peeters', email: 'jan@pharmaplatel.example.be', apps: ['SADM'] });
    const r = await run(['helpdesk', 'add', NISS.claire, '--db', srv.db]);
    assert.equal(r.code, 0, r.stderr);
    portalWorld(srv);
    portal = await startPortal(srv);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await portal?.stop().catch(() => {});
    await srv?.stop().catch(() => {});
  });

  async function context() {
    return newContext(browser, { bypassCSP: true, locale: 'fr-BE', viewport: VIEWPORT });
  }

  it('public pages, the login doors, the GAP designation and the lookup', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const problems = watch(page, { ignore: /status of 404/ });
      for (const [path, what] of [
        ['/', 'home'], ['/aide', 'help'], ['/login', 'login page'],
        ['/login/eid?next=%2F', 'eID door'], ['/login/eid/demo?next=%2F', 'demo card reader'],
        ['/activer', 'activation of access codes'], ['/csam', 'GAP designation'],
        ['/csam/exception', 'exception procedure'], ['/csam/exception/statut', 'exception status'],
        ['/entreprises', 'lookup'], ['/entreprises?q=pharma', 'lookup results'],
        ['/entreprises/1029026082', 'lookup card'], ['/nope', '404 page'],
      ]) {
        await page.goto(`${srv.url}${path}`);
        await check(page, what);
      }
      for (const [path, what] of [['/', 'portal landing'], ['/privacy', 'portal privacy'], ['/disclaimer', 'portal disclaimer']]) {
        await page.goto(`${portal.url}${path}`);
        await check(page, what, { header: 'header.top a, header.top button, header.top span' });
      }
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });

  it('access management as GAP: every page, the header\'s "Se déconnecter" on screen', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const problems = watch(page, { ignore: /status of 4\d\d/ });
      await page.goto(`${srv.url}/acces`);
      await loginWithPassword(page, 'claire.dubois', 'Demo-portier-2026');
      await page.waitForURL(/\/capacite/);
      await check(page, 'capacity choice', { loggedIn: true });
      await page.getByRole('button', { name: 'Acteur des soins de santé' }).click();
      await page.waitForURL(/\/acces$/);
      const q = `/acces/1/qualite/${quality}`;
      for (const [path, what] of [
        ['/acces', 'access management home'], ['/acces?org=1', 'access management home, roles'],
        ['/acces/1', 'entity (qualities)'], ['/acces/1/entreprise', 'entity detail'],
        ['/acces/1/co-responsables', 'co-GAPs'], ['/acces/1/activer?qualite=health_related', 'quality activation'],
        [q, 'user list'], [`${q}/detail`, 'quality detail'], [`${q}/utilisateur/${janAccount}`, 'user form (edit)'],
        ['/acces/1/utilisateurs', 'user search'], ['/acces/1/hierarchie', 'hierarchy'],
        ['/acces/1/journal', 'audit trail'], [`${q}/journal`, 'quality audit trail'],
        ['/acces/responsables', 'Vos Responsables'], ['/acces/mes-donnees?org=1', 'own data'],
        ['/acces/certificat', 'certificate'], ['/compte', 'my account'],
        ['/compte/mot-de-passe', 'password change'], ['/', 'home, logged in'],
      ]) {
        await page.goto(`${srv.url}${path}`);
        await check(page, what, { loggedIn: true });
      }
      // The new-user form (a POST from the list), with its errors.
      await page.goto(`${srv.url}${q}`);
      await page.locator('form.uman-add input[name="niss"]').fill(NISS.marie);
      await page.locator('form.uman-add button[type="submit"]').click();
      await page.waitForLoadState('load');
      await check(page, 'user form (new)', { loggedIn: true });
      assert.deepEqual(problems, []);
    } finally {
      await ctx.close();
    }
  });

  it('access management as local manager', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await page.goto(`${srv.url}/acces`);
      await loginWithPassword(page, 'lukas.schmitz', 'Demo-portier-2026');
      await page.waitForURL(/\/capacite/);
      await page.getByRole('button', { name: 'Acteur des soins de santé' }).click();
      await page.waitForURL(/\/acces$/);
      const q = `/acces/1/qualite/${quality}`;
      for (const [path, what] of [['/acces', 'GL home'], [q, 'GL user list'], [`${q}/utilisateur/${janAccount}`, 'GL user form'],
        ['/acces/1/hierarchie', 'GL hierarchy'], [`${q}/journal`, 'GL audit trail'], ['/acces/responsables', 'GL Vos Responsables']]) {
        await page.goto(`${srv.url}${path}`);
        await check(page, what, { loggedIn: true });
      }
    } finally {
      await ctx.close();
    }
  });

  it('with eID: the GAP designation, the helpdesk, the profile choice and the agency portal', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      // The portal sends to portier, which asks for eID: the demo card reader.
      await page.goto(`${portal.url}/`);
      await page.getByRole('link', { name: 'Se connecter', exact: true }).click();
      await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/login'));
      await check(page, 'login page (level 3)');
      const next = new URL(page.url()).searchParams.get('next');
      await page.goto(`${srv.url}/login/eid/demo?next=${encodeURIComponent(next)}`);
      await page.locator('label', { hasText: 'Claire Dubois' }).first().click();
      await page.locator('form:has(input[name="card"]) button[type="submit"]').click();
      await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/oidc/continue/'));
      await check(page, 'OIDC profile choice');
      const option = page.locator('#org option', { hasText: MEDI.name });
      await page.selectOption('#org', await option.getAttribute('value'));
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      await page.waitForURL(`${portal.url}/`);
      const portalHeader = 'header.top a, header.top button, header.top span';
      await check(page, 'portal home', { header: portalHeader, loggedIn: true });
      for (const [path, what] of [['/entreprise', 'portal company'], ['/entreprise/contacts', 'portal contacts'],
        ['/activites', 'portal activities'], ['/controles', 'portal controls']]) {
        await page.goto(`${portal.url}${path}`);
        await check(page, what, { header: portalHeader, loggedIn: true });
      }
      for (const [path, what] of [['/csam', 'GAP designation (eID)'], ['/csam/gap', 'GAP designation start'],
        ['/csam/organisation/1', 'organisation (csam)'], ['/helpdesk', 'helpdesk queue']]) {
        await page.goto(`${srv.url}${path}`);
        await check(page, what, { loggedIn: true });
      }
    } finally {
      await ctx.close();
    }
  });

  it('checked every page type', () => {
    assert.ok(seen.length >= 50, `${seen.length} pages: ${seen.join(', ')}`);
  });
});
