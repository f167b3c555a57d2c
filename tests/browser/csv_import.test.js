// csv_import.test.js — "Importer des utilisateurs (CSV)" in a real browser (Debian's
// Chromium through playwright-core): the local manager imports 1,000 users (register
// persons seeded first, valid NISS) from the users page: the upload form, the preview with
// its counts and pages, the confirmation, the result with the refused rows to download;
// then the same three pages in fr, nl, de and en, with axe-core's WCAG 2.1 A/AA rules on
// each and no console error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { accounts } from '../lib/world.js';
import { ID, activate, login as httpLogin, sql, startDemo } from '../http/uman_lib.js';
import { assertAccessible, loginWithPassword, newContext, setLang, suiteBrowser, watch } from './lib.js';

/** The i-th valid NISS of a born-in-1960s series (check digits computed). */
function nissOf(i) {
  const base = `6${Math.floor(i / 900) % 10}0${1 + Math.floor(i / 30) % 9}${String(1 + (i % 28)).padStart(2, '0')}${String(100 + (i % 897)).padStart(3, "0")}`;
  return base + String(97 - (Number(base) % 97)).padStart(2, '0');
}

const N = 1000;
const EXTRA = 4;          // one more person per language
const PEOPLE = [];
for (let i = 0; PEOPLE.length < N + EXTRA; i++) {
  const n = nissOf(i);
  if (!PEOPLE.includes(n)) PEOPLE.push(n);
}

const HEAD = ['Nom', 'Prénom', "Nom d'utilisateur", 'Type', 'NISS', 'Statut', 'Titre',
  'Choix linguistique', 'Adresse e-mail utilisateur', 'Adresse e-mail locale', 'Date création',
  'Date modification', 'Applications sécurisées'];

function csvOf(indexes, extra = []) {
  const rows = [HEAD.join(';')];
  for (const i of indexes)
    rows.push(['Imp', `P${i}`, `imp.${i}`, 'USER', PEOPLE[i], 'Actif', 'Mme', 'fr', `imp.${i}@example.be`, '', '', '', 'MEDSEIP'].join(';'));
  for (const r of extra) rows.push(r.join(';'));
  return Buffer.from(`\uFEFF${rows.join('\r\n')}\r\n`, 'utf8');
}

describe('CSV import of users in the browser', () => {
  const t = suiteBrowser(startDemo, async ({ srv }) => {
    const values = PEOPLE.map((n, i) => `('${n}', 'Importé', 'P${i}', 'BE', ${800000 + i})`).join(',\n');
    sql(srv, `INSERT INTO reg_person(niss, last_name, first_names, country, source_line) VALUES ${values};`);
    const gap = await httpLogin(srv, 'claire.dubois');
    t.q = await activate(srv, gap);             // Lukas Schmitz local manager
  });

  async function session(lang) {
    const ctx = await newContext(t.browser, { bypassCSP: true, locale: 'fr-BE', acceptDownloads: true, timeout: 60000 });
    if (lang) await setLang(ctx, t.srv.url, lang);
    const page = await ctx.newPage();
    const problems = watch(page, { ignore: /status of 422/ });
    await page.goto(`${t.srv.url}/acces`);
    await loginWithPassword(page, 'lukas.schmitz', 'Demo-portier-2026');
    await page.waitForURL(/\/capacite/);
    await page.locator('form[action="/capacite"] button').first().click();
    await page.waitForURL(/\/acces/);
    return { ctx, page, problems };
  }

  it('a manager imports 1,000 users with a preview', async () => {
    const { ctx, page, problems } = await session();
    await page.goto(`${t.srv.url}/acces/${ID.org}/qualite/${t.q}`);
    await page.getByRole('link', { name: 'Importer des utilisateurs (CSV)' }).click();
    await page.waitForURL(/\/import$/);
    await assertAccessible(page, 'upload');
    // A bad file first: its message at the field.
    await page.getByLabel('Fichier CSV').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('Nom;Prénom\r\n') });
    await page.getByRole('button', { name: 'Aperçu' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#err-file').textContent(), /aucun utilisateur/);
    await assertAccessible(page, 'upload with an error');
    // 1,000 rows and one refused (not in the register).
    const file = csvOf([...Array(N).keys()], [['X', 'Y', 'nobody', 'USER', '81020301954', 'Actif', '', 'fr', 'n@example.be', '', '', '', '']]);
    await page.getByLabel('Fichier CSV').setInputFiles({ name: 'mille.csv', mimeType: 'text/csv', buffer: file });
    await page.getByRole('button', { name: 'Aperçu' }).click();
    await page.waitForURL(/\/import\/[0-9a-f]{32}$/);
    const preview = page.url();
    if (await page.locator('[data-class="add"]').textContent() !== '1000') {
      await page.goto(`${preview}?classe=refused`);
      assert.fail(await page.locator('tbody').textContent());
    }
    assert.equal(await page.locator('[data-class="refused"]').textContent(), '1');
    assert.equal(await page.locator('tr.import-add').count(), 100, 'pages of 100 rows');
    await assertAccessible(page, 'preview');
    await page.getByRole('link', { name: 'Page suivante' }).first().click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('tbody tr').first().textContent(), /^102/);
    await page.getByRole('link', { name: 'Refusé' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('tbody').textContent(), /inconnue du registre/);
    await page.getByRole('button', { name: "Confirmer l'import" }).click();
    await page.waitForURL(/\/confirmer$/);
    assert.equal(await page.locator('[data-class="add"]').textContent(), '1000');
    await assertAccessible(page, 'result');
    const [dl] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger les lignes refusées' }).click()]);
    const refused = (await (await dl.createReadStream()).toArray()).map(String).join('');
    assert.match(refused, /nobody/);
    assert.equal(refused.trim().split('\r\n').length, 2, 'header and the refused row');
    assert.equal(accounts(t.srv, { org: ID.org, quality: t.q }).length, N + 1);
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  for (const [k, lang, names] of [[0, 'fr', ['Importer des utilisateurs (CSV)', 'Aperçu', "Confirmer l'import", 'Télécharger les lignes refusées']],
    [1, 'nl', ['Gebruikers importeren (CSV)', 'Voorbeeld', 'Import bevestigen', 'Geweigerde regels downloaden']],
    [2, 'de', ['Benutzer importieren (CSV)', 'Vorschau', 'Import bestätigen', 'Abgelehnte Zeilen herunterladen']],
    [3, 'en', ['Import users (CSV)', 'Preview', 'Confirm the import', 'Download the refused rows']]]) {
    it(`the import pages in ${lang}, accessible`, async () => {
      const { ctx, page, problems } = await session(lang);
      await page.goto(`${t.srv.url}/acces/${ID.org}/qualite/${t.q}/import`);
      assert.equal((await page.locator('main h1').textContent()).trim(), names[0]);
      await assertAccessible(page, `upload (${lang})`);
      await page.locator('#file').setInputFiles({ name: 'l.csv', mimeType: 'text/csv', buffer: csvOf([N + k]) });
      await page.getByRole('button', { name: names[1] }).click();
      await page.waitForURL(/\/import\/[0-9a-f]{32}$/);
      await assertAccessible(page, `preview (${lang})`);
      await page.getByRole('button', { name: names[2] }).click();
      await page.waitForURL(/\/confirmer$/);
      await page.getByRole('link', { name: names[3] }).waitFor();
      await assertAccessible(page, `result (${lang})`);
      assert.deepEqual(problems, []);
      await ctx.close();
    });
  }
});
