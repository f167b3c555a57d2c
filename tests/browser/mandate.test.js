// mandate.test.js — a mandate between organisations in a real browser (Debian's Chromium
// through playwright-core), in the four languages with axe-core's WCAG 2.1 A/AA rules on
// every page: A's GAP logs in with her eID card and proposes a mandate (a past start
// quarter first: its message at the field, the typed value kept), B's GAP accepts it with
// his card, B's local manager names a user of B with one of the mandate's applications;
// that user logs in to the agency portal (`portier portal`) with his card, finds A with the
// profile choice's search, chooses "mandataire de A (via B)", and the portal says "pour A,
// via B"; A's GAP ends the mandate and the user's next login no longer offers A. (The
// portal asks for no refresh token: the refusal of a refresh after the end is
// tests/http/mandate_choice.test.js's.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { LANGS } from '../lib/strings.js';
import { start } from '../lib/server.js';
import { activateQuality, addAccount, addOrg } from '../lib/world.js';
import { escapedPem, makeCA } from '../http/eid_support.js';
import { ID, NISS, addPerson, rows } from '../http/uman_lib.js';
import { startPortal } from '../http/portal_lib.js';
import {
  assertAccessible, launchBrowser, loginWithPassword, newContext, setLang, watch,
} from './lib.js';

const CAPACITY = {
  fr: 'Acteur des soins de santé', nl: 'Actor in de gezondheidszorg', de: 'Akteur im Gesundheitswesen', en: 'Healthcare actor',
};
const TEXT = {
  fr: { title: 'Mandats', propose: 'Proposer un mandat', accept: 'Accepter', name: 'Désigner', past: 'Le trimestre de début ne peut pas être passé.' },
  nl: { title: 'Mandaten', propose: 'Een mandaat voorstellen', accept: 'Aanvaarden', name: 'Aanstellen', past: 'Het beginkwartaal mag niet voorbij zijn.' },
  de: { title: 'Mandate', propose: 'Ein Mandat vorschlagen', accept: 'Annehmen', name: 'Bestimmen', past: 'Das Anfangsquartal darf nicht vergangen sein.' },
  en: { title: 'Mandates', propose: 'Propose a mandate', accept: 'Accept', name: 'Appoint', past: 'The start quarter cannot be in the past.' },
};
const CARDS = {
  claire: { niss: NISS.claire, last: 'Dubois', first: 'Claire' },
  sophie: { niss: NISS.sophie, last: 'Martin', first: 'Sophie' },
  paul: { niss: NISS.paul, last: 'Lambert', first: 'Paul' },
};
// The portal and the profile choice in each language (po/*.po).
const PORTAL = {
  fr: { search: 'Rechercher', login: 'Se connecter', end: 'Mettre fin', choice: (a, b) => `mandataire de ${a} (via ${b})`, via: (a, b) => `pour ${a}, via ${b}` },
  nl: { search: 'Zoeken', login: 'Aanmelden', end: 'Beëindigen', choice: (a, b) => `mandataris van ${a} (via ${b})`, via: (a, b) => `voor ${a}, via ${b}` },
  de: { search: 'Suchen', login: 'Anmelden', end: 'Beenden', choice: (a, b) => `Bevollmächtigter von ${a} (über ${b})`, via: (a, b) => `für ${a}, über ${b}` },
  en: { search: 'Search', login: 'Log in', end: 'End', choice: (a, b) => `mandatary of ${a} (via ${b})`, via: (a, b) => `for ${a}, via ${b}` },
};
const A = { name: 'PharmaPlatel', label: 'PharmaPlatel (1029.026.082)', bce: '1029.026.082' };
const B = { name: 'STRIC', label: 'STRIC (1029.025.290)' };

function quarterNow() {
  const d = new Date();
  return `${d.getUTCFullYear()}-${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

describe('a mandate between organisations in the browser', () => {
  let srv;
  let ca;
  let browser;
  let orgB;
  let portal;

  before(async () => {
    ca = await makeCA(CARDS);
    srv = await start({
      args: ['--demo', '--password-ops', '1', '--password-mem-kib', '8', '--trusted-proxies', '127.0.0.1',
        '--eid-trust', path.join(ca.ca, 'trust.pem'), '--eid-crl', path.join(ca.ca, 'crl.pem')],
    });
    activateQuality(srv, { org: ID.org, email: 'sante@pharmaplatel.example.be', gl: NISS.lukas,
      username: 'lukas.schmitz', userEmail: 'lukas@example.be', apps: ['MEDSEIP'] });
    addPerson(srv, { niss: NISS.sophie, last: 'Martin', first: 'Sophie', username: 'sophie.martin' });
    addPerson(srv, { niss: NISS.new1, last: 'Nicolas', first: 'Nico', username: 'nico.b' });
    addPerson(srv, { niss: NISS.paul, last: 'Lambert', first: 'Paul', username: 'paul.lambert' });
    orgB = addOrg(srv, { enterprise: '1029025290', name: 'STRIC', gap: NISS.sophie,
      email: 'info@stric.example.be', phone: '014 00 00 00' });
    const qB = activateQuality(srv, { org: orgB, email: 'sante@stric.example.be', gl: NISS.new1,
      username: 'nico.b', userEmail: 'nico@stric.example.be', apps: ['MEDSEIP'] });
    addAccount(srv, { org: orgB, quality: qB.quality, niss: NISS.paul, username: 'paul.b',
      email: 'paul@stric.example.be', apps: [] });
    portal = await startPortal(srv);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await portal?.stop();
    await srv?.stop();
    ca?.remove();
  });

  /** A page in lang, logged in with card (eID) or username (access codes), capacity chosen. */
  async function session(lang, { card, username }) {
    const ctx = await newContext(browser, {
      bypassCSP: true,
      extraHTTPHeaders: card ? { 'X-SSL-Client-Cert': escapedPem(ca.pem(card)) } : {},
    });
    await setLang(ctx, srv.url, lang);
    const page = await ctx.newPage();
    if (card) {
      await page.goto(`${srv.url}/login/eid?next=/acces`);
    } else {
      await page.goto(`${srv.url}/acces`);
      await loginWithPassword(page, username, 'Demo-portier-2026');
    }
    await page.waitForURL(/\/capacite/);
    await page.getByRole('button', { name: CAPACITY[lang] }).click();
    await page.waitForURL(/\/acces(\?.*)?$/);
    return { ctx, page };
  }

  /**
   * Paul (B) at the agency portal in lang: the portal's login, his eID card at portier
   * (MEDSEIP asks for the high level), up to the profile choice. Returns { ctx, page }.
   */
  async function portalChoice(lang) {
    const ctx = await newContext(browser, {
      bypassCSP: true,
      extraHTTPHeaders: { 'X-SSL-Client-Cert': escapedPem(ca.pem('paul')) },
    });
    await setLang(ctx, srv.url, lang);
    await setLang(ctx, portal.url, lang);
    const page = await ctx.newPage();
    await page.goto(`${portal.url}/login?next=%2F`);
    await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/login'));
    const next = new URL(page.url()).searchParams.get('next');
    assert.ok(next, `portier's login page carries next: ${page.url()}`);
    await page.goto(`${srv.url}/login/eid?next=${encodeURIComponent(next)}`);
    await page.waitForURL((u) => u.origin === srv.url && u.pathname.startsWith('/oidc/continue/'));
    return { ctx, page };
  }

  for (const lang of LANGS) {
    it(`A's GAP proposes, B's GAP accepts, B's GL names a user, who enters the portal for A via B (${lang})`, async () => {
      const T = TEXT[lang];
      const P = PORTAL[lang];
      let id;
      // A's GAP, with her eID card.
      {
        const { ctx, page } = await session(lang, { card: 'claire' });
        try {
          // The refused quarter answers 422, which Chromium logs.
          const problems = watch(page, { ignore: /status of 422/ });
          await page.goto(`${srv.url}/acces/${ID.org}/mandats`);
          assert.equal((await page.locator('main h1').innerText()).trim(), T.title);
          await assertAccessible(page, `the mandates of A (${lang})`);
          await page.getByRole('link', { name: T.propose }).click();
          await page.waitForURL(/\/mandats\/nouveau$/);
          await assertAccessible(page, `the proposal form (${lang})`);
          await page.locator('#side-mandator').check();
          await page.fill('#counterparty', '1029.025.290');
          await page.selectOption('#quality', 'health_related');
          await page.locator('input[name="apps"][value="MEDSEIP"]').check();
          await page.locator('input[name="apps"][value="SADM"]').check();
          await page.fill('#start', '2020-1');
          await page.locator('main form button[type="submit"]').click();
          await page.waitForLoadState('load');
          assert.equal((await page.locator('#err-start').innerText()).trim(), T.past);
          assert.equal(await page.inputValue('#start'), '2020-1');
          assert.equal(await page.inputValue('#counterparty'), '1029.025.290');
          assert.ok(await page.locator('input[name="apps"][value="SADM"]').isChecked());
          await assertAccessible(page, `the proposal form with an error (${lang})`);
          await page.fill('#start', quarterNow());
          await page.locator('main form button[type="submit"]').click();
          await page.waitForURL(/\/mandats\/[0-9a-f]{32}\?ok=mandate_proposed$/);
          id = /mandats\/([0-9a-f]{32})/.exec(page.url())[1];
          await assertAccessible(page, `the proposed mandate (${lang})`);
          assert.deepEqual(problems, []);
        } finally {
          await ctx.close();
        }
      }
      // B's GAP, with his card: the mandate among those received, accepted.
      {
        const { ctx, page } = await session(lang, { card: 'sophie' });
        try {
          await page.goto(`${srv.url}/acces/${orgB}/mandats`);
          await assertAccessible(page, `the mandates of B (${lang})`);
          await page.locator(`a[href="/acces/${orgB}/mandats/${id}"]`).click();
          await page.waitForURL(new RegExp(`/mandats/${id}$`));
          await assertAccessible(page, `the mandate for B (${lang})`);
          await page.getByRole('button', { name: T.accept }).click();
          await page.waitForURL(/\?ok=mandate_accepted$/);
          await assertAccessible(page, `the accepted mandate (${lang})`);
        } finally {
          await ctx.close();
        }
      }
      assert.equal(rows(srv, `SELECT status FROM mandate WHERE public_id = '${id}'`)[0].status, 'active');
      // B's local manager of the same quality names a user of B.
      {
        const { ctx, page } = await session(lang, { username: 'nico.b' });
        try {
          await page.goto(`${srv.url}/acces/${orgB}/mandats/${id}`);
          await page.fill('#username', 'paul.b');
          await page.locator('form[action$="/utilisateur"] input[name="apps"][value="MEDSEIP"]').check();
          await page.locator('form[action$="/utilisateur"]').getByRole('button', { name: T.name }).click();
          await page.waitForURL(/\?ok=mandate_saved$/);
          assert.match(await page.locator('main').innerText(), /paul\.b/);
          await assertAccessible(page, `who acts under the mandate (${lang})`);
        } finally {
          await ctx.close();
        }
      }
      assert.equal(Number(rows(srv, `SELECT count(*) AS n FROM mandate_grant g JOIN mandate m ON m.id = g.mandate_id
        WHERE m.public_id = '${id}' AND g.application = 'MEDSEIP'`)[0].n), 1);
      // The user logs in to the agency portal for A via B: the search finds A.
      {
        const { ctx, page } = await portalChoice(lang);
        try {
          const problems = watch(page);
          await assertAccessible(page, `the profile choice with a mandate (${lang})`);
          await page.fill('#q', 'Platel');
          await page.locator('form.search').getByRole('button', { name: P.search }).click();
          await page.waitForURL(/[?&]q=Platel/);
          await assertAccessible(page, `the profile choice after a search (${lang})`);
          const option = page.locator('#org optgroup option', { hasText: A.name });
          assert.equal(await option.count(), 1);
          assert.equal((await option.innerText()).trim(), P.choice(A.label, B.label));
          await page.selectOption('#org', await option.getAttribute('value'));
          await page.getByRole('button', { name: P.login, exact: true }).click();
          await page.waitForURL(`${portal.url}/`);
          assert.equal((await page.locator('header .person').innerText()).trim(), 'Paul Lambert');
          assert.equal((await page.locator('header .via').innerText()).trim(), P.via(A.name, B.name));
          assert.match(await page.locator('header .bce').innerText(), new RegExp(A.bce.replace(/\./g, '\\.')));
          await assertAccessible(page, `the portal for A via B (${lang})`);
          assert.deepEqual(problems, []);
        } finally {
          await ctx.close();
        }
      }
      // A's GAP ends the mandate.
      {
        const { ctx, page } = await session(lang, { card: 'claire' });
        try {
          await page.goto(`${srv.url}/acces/${ID.org}/mandats/${id}`);
          await page.locator('form[action$="/fin"]').getByRole('button', { name: P.end }).click();
          await page.waitForURL(/\?ok=mandate_ended$/);
          await assertAccessible(page, `the ended mandate (${lang})`);
        } finally {
          await ctx.close();
        }
      }
      assert.equal(rows(srv, `SELECT status FROM mandate WHERE public_id = '${id}'`)[0].status, 'ended');
      // His next login no longer offers A (nor any profile for the portal's application).
      {
        const { ctx, page } = await portalChoice(lang);
        try {
          assert.equal(await page.locator('#org optgroup option', { hasText: A.name }).count(), 0);
          assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(A.name));
          await assertAccessible(page, `the next login after the end (${lang})`);
        } finally {
          await ctx.close();
        }
      }
    });
  }
});
