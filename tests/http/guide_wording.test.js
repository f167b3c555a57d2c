// guide_wording.test.js — the guide's wording where the screens differed from it: page
// headings in the four languages («Se connecter et accéder aux services sécurisés via
// CSAM», «Etape 3. Choisissez votre profil», «Gestion du certificat à utiliser sur le
// portail de la Sécurité Sociale», «Vos Responsables»), the side menu's group headings,
// «Vos Responsables» in the header of access management and its content (who manages the
// person's access, for each quality where they are a member, with contact data; nothing
// of another organisation), the entry to «Gestion des accès» before login, and the agency
// portal's support address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { LANGS } from '../lib/strings.js';
import { accounts, addAccount, addOrg, setAccountStatus } from '../lib/world.js';
import {
  activate, addUser, h1Of, ID, login, NISS, startDemo, text,
} from './uman_lib.js';
import {
  addClient, authorizeUrl, browser, login as oidcLogin, PEOPLE, startWorld,
} from './oidc_lib.js';
import { startPortal } from './portal_lib.js';

const HEADINGS = {
  login: {
    fr: 'Se connecter et accéder aux services sécurisés via CSAM',
    nl: 'Aanmelden en toegang krijgen tot de beveiligde diensten via CSAM',
    de: 'Anmelden und über CSAM auf die gesicherten Dienste zugreifen',
    en: 'Log in and access the secured services via CSAM',
  },
  profile: {
    fr: 'Etape 3. Choisissez votre profil',
    nl: 'Stap 3. Kies uw profiel',
    de: 'Schritt 3. Wählen Sie Ihr Profil',
    en: 'Step 3. Choose your profile',
  },
  certificate: {
    fr: 'Gestion du certificat à utiliser sur le portail de la Sécurité Sociale',
    nl: 'Beheer van het certificaat voor het portaal van de Sociale Zekerheid',
    de: 'Verwaltung des Zertifikats für das Portal der Sozialen Sicherheit',
    en: 'Management of the certificate to use on the Social Security portal',
  },
  responsibles: {
    fr: 'Vos Responsables', nl: 'Uw Verantwoordelijken', de: 'Ihre Verantwortlichen', en: 'Your Managers',
  },
};
const GROUPS = {
  general: { fr: 'Général', nl: 'Algemeen', de: 'Allgemein', en: 'General' },
  login: { fr: 'Connexion', nl: 'Aanmelding', de: 'Anmeldung', en: 'Login' },
  access: { fr: 'Gestion des accès', nl: 'Toegangsbeheer', de: 'Zugriffsverwaltung', en: 'Access management' },
  own: { fr: 'Mes données', nl: 'Mijn gegevens', de: 'Meine Daten', en: 'My data' },
};

/** The group headings of the side menu, in order. */
function sideGroups(html) {
  const nav = /<nav class="side"[\s\S]*?<\/nav>/.exec(html);
  assert.ok(nav, 'the page has a side menu');
  return [...nav[0].matchAll(/<h3 class="side-group"[^>]*>([^<]*)<\/h3>/g)].map((m) => m[1]);
}

/** The links of the side menu group titled title: [href, …]. */
function groupLinks(html, title) {
  const nav = /<nav class="side"[\s\S]*?<\/nav>/.exec(html)[0];
  const at = nav.indexOf(`>${title}</h3>`);
  assert.ok(at >= 0, `no group ${title}`);
  const ul = /<ul[\s\S]*?<\/ul>/.exec(nav.slice(at))[0];
  return [...ul.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&#61;/g, '=').replace(/&amp;/g, '&'));
}

function anonymous(srv, lang) {
  const c = new Client(srv.url);
  c.cookies.set('portier_lang', lang);
  return c;
}

describe('the guide\'s wording: portier\'s pages', () => {
  let srv;
  let quality;

  before(async () => {
    srv = await startDemo();
    // PharmaPlatel (Claire GAP): quality activated with Lukas as local manager, Jan a user.
    const claire = await login(srv, 'claire.dubois');
    quality = await activate(srv, claire);
    await addUser(srv, claire, quality, { niss: NISS.jan, username: 'jan.peeters', email: 'jan@pharmaplatel.example.be', apps: ['SADM'] });
    // Another organisation, where Jan is not a member: none of it on his page.
    addOrg(srv, { enterprise: '0403170701', name: 'Autre Organisation', gap: NISS.lukas,
      email: 'autre@example.be', phone: '+32 9 999 99 99' });
  });
  after(() => srv?.stop());

  it('the login page says «… via CSAM» in the four languages', async () => {
    for (const lang of LANGS) {
      const r = await anonymous(srv, lang).get('/login');
      assert.equal(r.status, 200);
      assert.equal(h1Of(r.text), HEADINGS.login[lang], lang);
    }
  });

  it('the certificate page says «… portail de la Sécurité Sociale» (heading and menu) in the four languages', async () => {
    for (const lang of LANGS) {
      const c = await login(srv, 'jan.peeters', lang);
      const r = await c.get('/acces/certificat');
      assert.equal(r.status, 200);
      assert.equal(h1Of(r.text), HEADINGS.certificate[lang], lang);
      assert.match(text(r.text), new RegExp(`${HEADINGS.certificate[lang]}.*${HEADINGS.certificate[lang]}`),
        `${lang}: the menu entry too`);
    }
  });

  it('the side menu groups its entries under headings, the anonymous one with «Gestion des accès»', async () => {
    for (const lang of LANGS) {
      const home = await anonymous(srv, lang).get('/');
      assert.deepEqual(sideGroups(home.text), [GROUPS.general[lang], GROUPS.login[lang], GROUPS.access[lang]], lang);
      assert.deepEqual(groupLinks(home.text, GROUPS.login[lang]), ['/login', '/activer']);
      assert.ok(groupLinks(home.text, GROUPS.access[lang]).includes('/acces'), `${lang}: /acces before login`);
      const c = await login(srv, 'jan.peeters', lang);
      const logged = await c.get('/');
      assert.deepEqual(sideGroups(logged.text), [GROUPS.general[lang], GROUPS.access[lang], GROUPS.own[lang]], lang);
      const uman = await c.get('/acces');
      assert.deepEqual(sideGroups(uman.text), [GROUPS.access[lang], GROUPS.own[lang]], `${lang}: access management`);
      assert.ok(groupLinks(uman.text, GROUPS.access[lang]).includes('/acces/responsables'));
      assert.deepEqual(groupLinks(uman.text, GROUPS.own[lang]),
        ['/acces/mes-donnees', '/compte/mot-de-passe', '/acces/certificat']);
    }
  });

  it('«Gestion des accès» leads a person not logged in to the login, then to /acces', async () => {
    const c = new Client(srv.url);
    const home = await c.get('/');
    assert.match(home.text, /<main[\s\S]*<a class="button" href="\/acces">Gestion des accès<\/a>/);
    const r = await c.get('/acces');
    assert.equal(r.status, 303);
    const to = new URL(r.headers.get('location'), srv.url);
    assert.equal(to.pathname, '/login');
    assert.equal(to.searchParams.get('next'), '/acces');
    const page = await c.get(to.pathname + to.search);
    assert.match(page.text, /name="next" value="\/acces"/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)[1];
    const done = await c.fetch('/login/password', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, username: 'jan.peeters', password: 'Demo-portier-2026', next: '/acces' }),
    });
    assert.equal(done.status, 303);
    assert.match(done.headers.get('location'), /^\/(acces|capacite\?next=%2Facces)$/);
  });

  it('«Vos Responsables» heads access management and lists who manages the person\'s access', async () => {
    for (const lang of LANGS) {
      const c = await login(srv, 'jan.peeters', lang);
      const home = await c.get('/acces');
      const header = /<header class="top">[\s\S]*?<\/header>/.exec(home.text)[0];
      assert.match(header, new RegExp(`<a class="responsibles" href="/acces/responsables">${HEADINGS.responsibles[lang]}</a>`), lang);
      const r = await c.get('/acces/responsables');
      assert.equal(r.status, 200);
      assert.equal(h1Of(r.text), HEADINGS.responsibles[lang], lang);
    }
    const c = await login(srv, 'jan.peeters');
    const t = text((await c.get('/acces/responsables')).text);
    assert.match(t, /PharmaPlatel — Institution liée au domaine de la santé/);
    assert.match(t, /Votre rôle : Utilisateur/);
    assert.match(t, /Lukas Schmitz — Gestionnaire local — lukas\.schmitz@example\.be/);
    assert.match(t, /Claire Dubois — Gestionnaire d'Accès Principal — claire\.dubois@example\.be/);
    assert.match(t, /sante@pharmaplatel\.example\.be/);
    assert.match(t, /contact@pharmaplatel\.example\.be · \+32 2 511 51 51/);
    assert.match(t, /Demander l'accès à une application/);
    assert.match(t, /la qualité « Institution liée au domaine de la santé »/);
    assert.doesNotMatch(t, /Autre Organisation|autre@example\.be/, 'nothing of an organisation where Jan is no member');
    // Claire manages PharmaPlatel but is no member of a quality: the organisation she
    // manages, with its GAP (herself); no local manager (issue 16 part 6).
    const claire = await login(srv, 'claire.dubois');
    const ct = text((await claire.get('/acces/responsables')).text);
    assert.match(ct, /PharmaPlatel — Gestionnaire d'Accès Principal .*Claire Dubois \(vous\) — Gestionnaire d'Accès Principal — claire\.dubois@example\.be/);
    assert.doesNotMatch(ct, /Vous n'êtes enregistré\(e\) comme utilisateur dans aucune entreprise ou organisation/);
    assert.doesNotMatch(ct, /Lukas Schmitz|Autre Organisation/);
    // A co-GL is listed after the GL; a suspended GL is not.
    addAccount(srv, { org: ID.org, quality, niss: NISS.claire, type: 'COGL', username: 'claire.gl',
      email: 'claire.gl@pharmaplatel.example.be' });
    const t2 = text((await c.get('/acces/responsables')).text);
    assert.match(t2, /Lukas Schmitz — Gestionnaire local — .*Claire Dubois — Co-gestionnaire local — claire\.gl@pharmaplatel\.example\.be/);
    const lukas = accounts(srv, { org: ID.org, quality }).find((a) => a.person === ID.lukas).account;
    setAccountStatus(srv, { org: ID.org, quality, account: lukas, suspend: true });
    const t3 = text((await c.get('/acces/responsables')).text);
    assert.doesNotMatch(t3, /Lukas Schmitz — Gestionnaire local/);
    setAccountStatus(srv, { org: ID.org, quality, account: lukas, suspend: false });
  });

  it('«Vos Responsables» asks for a login first', async () => {
    const r = await new Client(srv.url).get('/acces/responsables');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login?level=1&next=/acces/responsables');
  });
});

describe('the guide\'s wording: the profile choice and the agency portal', () => {
  let srv;
  let rp;
  let portal;
  const CB = 'http://127.0.0.1:9/cb';

  before(async () => {
    srv = await startWorld();
    rp = addClient(srv, 'rp', { redirect: [CB] });
    portal = await startPortal(srv);
  });
  after(async () => {
    await portal?.stop();
    await srv?.stop();
  });

  it('the OpenID Connect profile choice is «Etape 3. Choisissez votre profil» in the four languages', async () => {
    for (const lang of LANGS) {
      const jar = browser(srv);
      jar.cookies.set('portier_lang', lang);
      await oidcLogin(jar, PEOPLE.jan.user);
      const r = await jar.get(authorizeUrl({ client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's' }));
      assert.equal(r.status, 303);
      const page = await jar.get(r.headers.get('location'));
      assert.equal(page.status, 200);
      assert.equal(h1Of(page.text), HEADINGS.profile[lang], lang);
      assert.match(page.text, new RegExp(`<title>${HEADINGS.profile[lang]} — portier</title>`));
    }
  });

  it('the agency portal gives its support address, support.portal@afmps.be, on every page', async () => {
    for (const path of ['/', '/privacy', '/disclaimer']) {
      const r = await fetch(`${portal.url}${path}`);
      const html = await r.text();
      assert.equal(r.status, 200, path);
      assert.match(html, /<a href="mailto:support\.portal@afmps\.be">support\.portal@afmps\.be<\/a>/, path);
    }
  });
});
