// uman.test.js — guide §3 and §4 in a real browser (Debian's Chromium through
// playwright-core): the demo GAP activates "Institution liée au domaine de la santé" with a
// local manager, who then adds a user with "Portail MEDSEIP" and exports the users; the
// downloaded file is parsed (BOM, separator, NISS, applications). axe-core's WCAG 2.1 A/AA
// rules pass on every page met, and on the main pages in the four languages; the pages
// work with the real CSP (no console error, no violation).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { accounts, qualities } from '../lib/world.js';
import { HEALTH, startDemo } from '../http/uman_lib.js';
import { assertAccessible, cspViolations, launchBrowser, loginWithPassword, newContext, recordCSP, setLang, watch } from './lib.js';


describe('access management in the browser', () => {
  let srv;
  let browser;
  let ctx;
  let page;
  let problems;
  const checked = [];

  /** axe on the page, which has exactly one <h1> in <main>; counted in checked. */
  async function check(what) {
    await assertAccessible(page, what);
    assert.equal(await page.locator('main h1').count(), 1, `${what}: exactly one <h1> in <main>`);
    checked.push(what);
  }

  async function login(username) {
    await page.goto(`${srv.url}/acces`);
    // Not logged in: the login page, then the capacity choice.
    await loginWithPassword(page, username, 'Demo-portier-2026');
    await page.waitForURL(/\/capacite/);
    await check(`capacity choice (${username})`);
    await page.getByRole('button', { name: 'Acteur des soins de santé' }).click();
    await page.waitForURL(/\/acces$/);
  }

  before(async () => {
    srv = await startDemo();
    browser = await launchBrowser();
    ctx = await newContext(browser, { bypassCSP: true, locale: 'fr-BE', acceptDownloads: true });
    page = await ctx.newPage();
    // Forms sent with bad input on purpose answer 422: Chromium logs those loads.
    problems = watch(page, { ignore: /status of 422/ });
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await srv?.stop();
  });

  it('the GAP activates the health quality with a local manager (guide §3)', async () => {
    await login('claire.dubois');
    await check('home /acces');
    await page.getByRole('link', { name: /PharmaPlatel.*\(Responsable Accès Entité\)/ }).click();
    await page.waitForURL(/\/acces\/1$/);
    await check('entity page');
    await page.getByLabel('Qualité à activer').selectOption({ label: HEALTH });
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForURL(/\/activer\?qualite=health_related/);
    await check('activation step 1');
    // Bad input first: kept and explained.
    await page.getByLabel('Adresse e-mail de la qualité *').fill('sante@pharma');
    await page.getByLabel('Je veux désigner un Gestionnaire local pour gérer la qualité').check();
    await page.getByLabel('NISS du gestionnaire local').fill('90.02.28-001.94');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.getByLabel('Adresse e-mail de la qualité *').inputValue(), 'sante@pharma');
    await check('activation step 1 with errors');
    await page.getByLabel('Adresse e-mail de la qualité *').fill('sante@pharmaplatel.example.be');
    await page.getByLabel('NISS du gestionnaire local').fill('90.02.28-001.93');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.getByLabel('Nom *', { exact: true }).inputValue(), 'Schmitz');
    assert.equal(await page.getByLabel('Prénom *').inputValue(), 'Lukas');
    await check('activation step 2 (local manager)');
    await page.getByLabel("Nom d'utilisateur *").fill('lukas.schmitz');
    await page.getByLabel('Adresse e-mail utilisateur *').fill('lukas.schmitz@example.be');
    await page.getByLabel('Portail MEDSEIP').check();
    await page.getByLabel('Source Authentique des Dispositifs Médicaux').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForLoadState('load');
    await page.getByText('Veuillez confirmer les données').waitFor();
    await check('activation confirmation');
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.waitForURL(/\/acces\/1\?ok=activated/);
    await page.getByText('La qualité a bien été activée').waitFor();
    await check('entity page after activation');
    assert.equal(await page.getByRole('link', { name: HEALTH }).count(), 1);
    assert.equal(qualities(srv, { org: 1 }).filter((q) => q.code === 'health_related').length, 1);
  });

  it('the GAP\'s other pages pass axe', async () => {
    for (const [path, what] of [['/acces/1/entreprise', 'entity detail'],
      ['/acces/1/co-responsables', 'co-GAPs'], ['/acces/1/utilisateurs', 'search users'],
      ['/acces/1/hierarchie', 'hierarchy (SVG and table)'], ['/acces/1/journal', 'audit trail'],
      ['/acces/mes-donnees?org=1', 'own data'], ['/acces/certificat?org=1', 'certificate']]) {
      const r = await page.goto(`${srv.url}${path}`);
      assert.equal(r.status(), 200, path);
      await check(what);
    }
    await page.goto(`${srv.url}/acces/1/hierarchie`);
    assert.ok(await page.locator('svg[role="img"] text').count() >= 3, 'the tree has text nodes');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
  });

  it('the local manager adds a user with "Portail MEDSEIP" (guide §4)', async () => {
    await login('lukas.schmitz');
    await page.getByRole('link', { name: new RegExp(`Qualité: ${HEALTH}.*\\(Gestionnaire Local\\)`) }).click();
    await page.waitForURL(/\/acces\/1\/qualite\/\d+$/);
    await page.getByText('Un utilisateur trouvé.').waitFor();
    await check('users of the quality');
    await page.getByLabel('NISS:').fill('72.11.05-122.56');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForLoadState('load');
    await page.getByRole('heading', { name: "Création d'un Utilisateur" }).waitFor();
    assert.equal(await page.getByLabel('Nom *', { exact: true }).inputValue(), 'Van den Broeck');
    await check('creation of a user');
    await page.getByLabel("Nom d'utilisateur *").fill('els.vdb');
    await page.getByLabel('Adresse e-mail utilisateur *').fill('els@');
    await page.getByLabel('Portail MEDSEIP').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.getByLabel('Adresse e-mail utilisateur *').inputValue(), 'els@');
    assert.ok(await page.getByLabel('Portail MEDSEIP').isChecked(), 'the ticked application is kept');
    await check('creation of a user with errors');
    await page.getByLabel('Adresse e-mail utilisateur *').fill('els@example.be');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForLoadState('load');
    await page.getByText('Veuillez confirmer les données introduites').waitFor();
    await check('confirmation of the user');
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.waitForURL(/\?ok=user_added/);
    await page.getByText("L'utilisateur a été ajouté").waitFor();
    await page.getByText('2 utilisateurs trouvés.').waitFor();
    await check('users after the addition');
    assert.deepEqual(accounts(srv, { org: 1 }).filter((a) => a.username === 'els.vdb').flatMap((a) => a.applications),
      ['MEDSEIP']);
  });

  it('"Exporter les utilisateurs (.csv)" downloads a file that parses', async () => {
    for (const [label, sep] of [['point-virgule (;)', ';'], ['virgule (,)', ',']]) {
      await page.getByLabel('Séparateur').selectOption({ label });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Exporter les utilisateurs (.csv)' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^utilisateurs-1-\d+\.csv$/);
      const bytes = readFileSync(await download.path());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
      const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean)
        .map((l) => l.split(sep));
      assert.equal(lines.length, 3);
      assert.deepEqual(lines[0].slice(0, 6), ['Nom', 'Prénom', "Nom d'utilisateur", 'Type', 'NISS', 'Statut']);
      const els = lines.find((l) => l[2] === 'els.vdb');
      assert.ok(els, 'the new user is in the file');
      assert.equal(els[4], '72.11.05-122.56');
      assert.equal(els.at(-1), 'MEDSEIP');
      assert.equal(lines.find((l) => l[2] === 'lukas.schmitz').at(-1), 'MEDSEIP SADM');
    }
  });

  it('the user, the quality\'s detail and trail, the hierarchy pass axe', async () => {
    await page.getByRole('link', { name: 'Modifier Els Maria Van den Broeck' }).click();
    await page.waitForURL(/\/utilisateur\/\d+$/);
    await check('edit a user');
    const base = page.url().replace(/\/utilisateur\/\d+$/, '');
    for (const [path, what] of [['/detail', 'quality detail'], ['/journal', 'quality trail']]) {
      await page.goto(`${base}${path}`);
      await check(what);
    }
    await page.goto(`${srv.url}/acces/1/hierarchie`);
    await check('hierarchy seen by a local manager');
  });

  it('the main pages pass axe in nl, de and en', async () => {
    const q = qualities(srv, { org: 1 }).find((x) => x.code === 'health_related').id;
    const acc = accounts(srv, { org: 1 }).find((a) => a.username === 'els.vdb').account;
    for (const lang of ['nl', 'de', 'en']) {
      await setLang(ctx, srv.url, lang);
      for (const path of ['/acces', `/acces/1/qualite/${q}`, `/acces/1/qualite/${q}/utilisateur/${acc}`,
        `/acces/1/qualite/${q}/detail`, '/acces/1/hierarchie', '/acces/mes-donnees?org=1']) {
        const r = await page.goto(`${srv.url}${path}`);
        assert.equal(r.status(), 200, `${path} (${lang})`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await check(`${path} (${lang})`);
      }
    }
    await setLang(ctx, srv.url, 'fr');
  });

  it('with the real CSP: styled, no violation, no console error', async () => {
    const strict = await newContext(browser);
    try {
      await recordCSP(strict);
      await strict.addCookies(await ctx.cookies(srv.url));
      const p = await strict.newPage();
      const errors = watch(p);
      for (const path of ['/acces', '/acces/1/hierarchie', '/acces/1/utilisateurs']) {
        const r = await p.goto(`${srv.url}${path}`, { waitUntil: 'load' });
        assert.equal(r.status(), 200, path);
        assert.deepEqual(await cspViolations(p), [], `CSP violations on ${path}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await strict.close();
    }
    assert.deepEqual(problems, [], problems.join('\n'));
    assert.ok(checked.length >= 30, `axe ran on ${checked.length} pages`);
  });
});
