// portal.test.js — the agency portal (`portier portal`) against a real portier: the
// landing page, the login through OpenID Connect (code flow with PKCE, ID token checked,
// userinfo), who gets in (the organisation must hold MEDSEIP), the callback's checks
// (state, single use, issuer), its own session cookie, Mon entreprise and the agency
// number, the contact points, activities, the self-check file, CSRF on every form, and
// RP-initiated logout. portier runs with the OIDC tests' world (oidc_lib.js): Jan holds
// MEDSEIP in Pharma Test SA, only TESTAPP in Medi Distribution; the portal's client is a
// TESTAPP client (access codes suffice) while the portal itself demands MEDSEIP in the
// granted applications. The eID path of guide §5 is in portal_eid.test.js.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, h1, htmlLang, run } from '../lib/server.js';
import { csrfOf, login, ORGS, PEOPLE, profileOptions, refreshTarget, startWorld } from './oidc_lib.js';
import { startPortal } from './portal_lib.js';

const form = (o) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o).toString(),
});

/** Text of the element of that class (tags stripped), or null. */
function cls(html, name) {
  const m = new RegExp(`class="${name}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? m[1].replace(/<[^>]*>/g, '').trim() : null;
}

describe('agency portal', () => {
  let srv;
  let portal;

  before(async () => {
    srv = await startWorld();
    portal = await startPortal(srv, { clientApplication: 'TESTAPP' });
  });
  after(async () => {
    await portal?.stop();
    await srv?.stop();
  });

  /**
   * Logs user in at portier, then walks the portal's login, choosing the organisation
   * whose name holds orgName. Returns { p (portal jar), idp, res (callback answer) }.
   */
  async function enter(user, orgName, next = '/') {
    const p = new Client(portal.url);
    const idp = new Client(srv.url);
    await login(idp, user, '/');
    const start = await p.fetch(`/login?next=${encodeURIComponent(next)}`);
    await start.text();
    assert.equal(start.status, 303);
    const authz = new URL(start.headers.get('location'));
    let r = await idp.fetch(authz.pathname + authz.search);
    await r.text();
    assert.equal(r.status, 303);
    const flow = r.headers.get('location');
    const page = await idp.get(flow);
    assert.equal(page.status, 200, page.text.slice(0, 300));
    const opt = profileOptions(page.text).find((o) => o.label.includes(orgName));
    assert.ok(opt, `no profile ${orgName}`);
    r = await idp.fetch(flow, form({ _csrf: csrfOf(page.text), org: opt.value }));
    const cb = new URL(refreshTarget(await r.text()));
    const res = await p.get(cb.pathname + cb.search);
    return { p, idp, res, cb };
  }

  it('portier portal --help, and refuses to start without issuer or secret', async () => {
    const help = await run(['portal', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: portier portal --issuer URL/);
    const noIssuer = await run(['portal', '--client-secret', 'x']);
    assert.equal(noIssuer.code, 2);
    assert.match(noIssuer.stderr, /--issuer/);
    const noSecret = await run(['portal', '--issuer', 'http://127.0.0.1:9'], { env: { PORTIER_PORTAL_CLIENT_SECRET: '' } });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /secret/);
    const badIssuer = await run(['portal', '--issuer', 'ftp://x/', '--client-secret', 'x']);
    assert.equal(badIssuer.code, 2);
  });

  it('the landing page: "Vous représentez une entreprise belge" → Se connecter, footer, four languages', async () => {
    const c = new Client(portal.url);
    const r = await c.get('/');
    assert.equal(r.status, 200);
    assert.equal(htmlLang(r.text), 'fr');
    assert.equal(h1(r.text), 'Portail MEDSEIP');
    assert.ok(r.text.includes('Vous représentez une entreprise belge'));
    assert.match(r.text, /<a class="button" href="\/login">Se connecter<\/a>/);
    assert.match(r.text, /Release 1\.3\.2/);
    assert.match(r.text, /<a href="\/privacy">Privacy<\/a>/);
    assert.match(r.text, /<a href="\/disclaimer">Disclaimer<\/a>/);
    assert.deepEqual(r.headers.getSetCookie(), [], 'no cookie for an anonymous landing page');
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    const want = { nl: 'MEDSEIP-portaal', de: 'MEDSEIP-Portal', en: 'MEDSEIP portal' };
    for (const [lang, title] of Object.entries(want)) {
      const t = await c.get('/', { headers: { cookie: `portier_lang=${lang}` } });
      assert.equal(htmlLang(t.text), lang);
      assert.equal(h1(t.text), title);
      assert.ok(!t.text.includes('Vous représentez une entreprise belge'), `French left in ${lang}`);
    }
    for (const page of ['/privacy', '/disclaimer']) {
      const p = await c.get(page);
      assert.equal(p.status, 200, page);
    }
    const g = await c.get('/static/guidelines/distributor.txt');
    assert.equal(g.status, 200);
    assert.match(g.headers.get('content-type'), /^text\/plain/);
    assert.match(g.text, /Distributeur/);
  });

  it('pages behind login send an anonymous visitor to the login', async () => {
    const c = new Client(portal.url);
    for (const page of ['/entreprise', '/activites', '/controles', '/controles/1', '/entreprise/contacts']) {
      const r = await c.get(page);
      assert.equal(r.status, 303, page);
      assert.equal(r.headers.get('location'), `/login?next=${encodeURIComponent(page).replace(/%2F/g, '/')}`, page);
    }
  });

  it('logs in through portier: header with name, BCE and Se déconnecter; Mon entreprise with VAT and agency number', async () => {
    const { p, res, cb } = await enter(PEOPLE.jan.user, ORGS.pharma.name, '/entreprise');
    assert.equal(res.status, 303, res.text.slice(0, 500));
    assert.equal(res.headers.get('location'), '/entreprise');
    assert.equal(cb.searchParams.has('code'), true);
    // The portal's own cookie: not portier's name (cookies ignore ports).
    const set = res.headers.getSetCookie().join('\n');
    assert.match(set, /portal_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    assert.doesNotMatch(set, /portier_sid/);
    const home = await p.get('/');
    assert.equal(home.status, 200);
    assert.equal(cls(home.text, 'person'), 'Jan Peeters');
    assert.equal(cls(home.text, 'bce'), `BCE: ${ORGS.pharma.shown}`);
    assert.match(home.text, /<button type="submit">Se déconnecter<\/button>/);
    for (const s of ['Mon entreprise', 'Mes activités', 'Mes contrôles', 'Pharma Test SA', 'BE0552627113', 'Gérer mes données d&#39;entreprise', 'Gérer mes activités']) {
      assert.ok(home.text.includes(s), `home lacks ${s}`);
    }
    const agency = /Numéro AFMPS<\/dt><dd>(AFMPS-\d{6})<\/dd>/.exec(home.text);
    assert.ok(agency, 'agency number on the home page');
    const company = await p.get('/entreprise');
    assert.equal(company.status, 200);
    assert.equal(h1(company.text), 'Mon entreprise');
    assert.ok(company.text.includes(agency[1]));
    assert.ok(company.text.includes('Point de contact matériovigilance'));
    // The same company at a later login keeps its number.
    const again = await enter(PEOPLE.jan.user, ORGS.pharma.name);
    const home2 = await again.p.get('/');
    assert.ok(home2.text.includes(agency[1]), 'the agency number is given once');
  });

  it('refuses a person whose organisation does not hold MEDSEIP', async () => {
    const { p, res } = await enter(PEOPLE.jan.user, ORGS.medi.name);
    assert.equal(res.status, 403);
    assert.ok(res.text.includes('Vous n&#39;avez pas accès au Portail MEDSEIP pour cette organisation.'));
    const after = await p.get('/entreprise');
    assert.equal(after.status, 303, 'not logged in');
  });

  it('the callback checks the state, is single use, and wants a login begun in this browser', async () => {
    const p = new Client(portal.url);
    const start = await p.fetch('/login');
    await start.text();
    const state = new URL(start.headers.get('location')).searchParams.get('state');
    // Another browser (no session) and a wrong state are refused.
    const other = new Client(portal.url);
    assert.equal((await other.get(`/callback?code=x&state=${state}`)).status, 400);
    assert.equal((await p.get('/callback?code=x&state=wrong')).status, 400);
    // The login under way was spent by the wrong attempt: the right state no longer works.
    assert.equal((await p.get(`/callback?code=x&state=${state}`)).status, 400);
    // A provider's error answer.
    const s2 = await p.fetch('/login');
    await s2.text();
    const st2 = new URL(s2.headers.get('location')).searchParams.get('state');
    const denied = await p.get(`/callback?error=access_denied&state=${st2}`);
    assert.equal(denied.status, 403);
    assert.ok(denied.text.includes('Connexion annulée'));
    // Another issuer named in the answer (RFC 9207).
    const s3 = await p.fetch('/login');
    await s3.text();
    const st3 = new URL(s3.headers.get('location')).searchParams.get('state');
    const mixed = await p.get(`/callback?code=x&state=${st3}&iss=${encodeURIComponent('http://evil.example')}`);
    assert.equal(mixed.status, 403);
  });

  it('a code shown twice to the callback logs in once', async () => {
    const { res, cb } = await enter(PEOPLE.jan.user, ORGS.pharma.name);
    assert.equal(res.status, 303);
    const replay = await new Client(portal.url).get(cb.pathname + cb.search);
    assert.equal(replay.status, 400);
  });

  it('the authorization request has PKCE S256, state, nonce and ui_locales', async () => {
    const p = new Client(portal.url);
    const r = await p.fetch('/login', { headers: { cookie: 'portier_lang=de' } });
    await r.text();
    const u = new URL(r.headers.get('location'));
    assert.equal(u.searchParams.get('response_type'), 'code');
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.match(u.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(u.searchParams.get('state'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(u.searchParams.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(u.searchParams.get('redirect_uri'), `${portal.url}/callback`);
    assert.equal(u.searchParams.get('ui_locales'), 'de');
    assert.equal(u.searchParams.get('scope'), 'openid profile');
    // An outside "next" is not followed.
    const evil = await p.fetch('/login?next=//evil.example/');
    await evil.text();
    assert.equal(evil.status, 303);
  });

  it('contact points: errors next to the fields with the input kept, CSRF, saved', async () => {
    const { p } = await enter(PEOPLE.jan.user, ORGS.pharma.name);
    const page = await p.get('/entreprise/contacts');
    assert.equal(page.status, 200);
    assert.equal(h1(page.text), 'Gérer mes données d&#39;entreprise');
    const csrf = csrfOf(page.text);
    const noToken = await p.fetch('/entreprise/contacts', form({ materiovigilance_email: 'a@b.be' }));
    await noToken.text();
    assert.equal(noToken.status, 403);
    // Too long for the fields: refused, and what was typed comes back whole, never cut.
    const longName = 'N'.repeat(850);
    const longPhone = '+32 2 123 45 67 '.repeat(4).trim();
    const bad = await p.fetch('/entreprise/contacts', form({
      _csrf: csrf, materiovigilance_name: 'Vigi <b>Lance</b>', materiovigilance_email: 'not-an-email', general_phone: 'abc',
      regulatory_name: longName, regulatory_phone: longPhone,
    }));
    const badText = await bad.text();
    assert.equal(bad.status, 422);
    assert.ok(badText.includes('Indiquez une adresse e-mail valide'));
    assert.ok(badText.includes('Indiquez un numéro de téléphone valide'));
    assert.ok(badText.includes('Le nom doit compter au plus 200 caractères'));
    assert.ok(badText.includes('value="Vigi &lt;b&gt;Lance&lt;/b&gt;"'), 'input kept, escaped');
    assert.ok(badText.includes('value="not-an-email"'));
    assert.ok(badText.includes(`value="${longName}"`), 'a long name comes back whole');
    assert.ok(badText.includes(`value="${longPhone}"`), 'a long phone comes back whole');
    const missing = await p.fetch('/entreprise/contacts', form({ _csrf: csrf, general_email: 'info@pharma.be' }));
    assert.equal(missing.status, 422);
    assert.ok((await missing.text()).includes('matériovigilance est obligatoire'));
    const ok = await p.fetch('/entreprise/contacts', form({
      _csrf: csrf, materiovigilance_name: 'Anne Vigi', materiovigilance_email: 'vigilance@pharma.be',
      materiovigilance_phone: '+32 2 123 45 67', general_email: 'info@pharma.be',
    }));
    await ok.text();
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/entreprise?ok=1');
    const company = await p.get('/entreprise?ok=1');
    assert.ok(company.text.includes('Vos données ont été enregistrées.'));
    assert.ok(company.text.includes('vigilance@pharma.be'));
    assert.ok(company.text.includes('Anne Vigi'));
  });

  it('activities: declare, refuse duplicates and bad input, change classes, end', async () => {
    const { p } = await enter(PEOPLE.jan.user, ORGS.pharma.name);
    const page = await p.get('/activites');
    assert.equal(page.status, 200);
    assert.equal(h1(page.text), 'Mes activités');
    for (const s of ['Distributeur', 'Fabricant', 'Importateur', 'Mandataire', 'Exportateur', 'Stérilisateur',
      'Assembleur de systèmes ou de nécessaires', 'Classe IIa', 'Sur mesure', 'DIV classe D', 'Siège social']) {
      assert.ok(page.text.includes(s), `activities page lacks ${s}`);
    }
    const csrf = csrfOf(page.text);
    const post = (fields, classes = []) => {
      const body = new URLSearchParams({ _csrf: csrf, ...fields });
      for (const c of classes) body.append('classes', c);
      return p.fetch('/activites', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    };
    let r = await post({ kind: 'distributor', establishment: '' }, ['I', 'IIa']);
    await r.text();
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/activites?ok=1');
    const list = await p.get('/activites?ok=1');
    assert.ok(list.text.includes('L&#39;activité a été déclarée.'));
    assert.match(list.text, /<td>Distributeur<\/td><td>Siège social<\/td><td>Classe I, Classe IIa<\/td>/);
    r = await post({ kind: 'distributor', establishment: '' }, ['III']);
    assert.equal(r.status, 422);
    assert.ok((await r.text()).includes('déjà déclarée'));
    r = await post({ kind: 'manufacturer', establishment: '' });
    assert.equal(r.status, 422);
    assert.ok((await r.text()).includes('Cochez au moins une classe'));
    r = await post({ kind: 'baker', establishment: '' }, ['I']);
    assert.equal(r.status, 422);
    await r.text();
    r = await post({ kind: 'importer', establishment: '2999999999' }, ['I']);
    assert.equal(r.status, 422);
    await r.text();
    r = await post({ kind: 'importer', establishment: '' }, ['IV']);
    assert.equal(r.status, 422);
    await r.text();
    r = await post({ kind: 'importer', establishment: '' }, ['ivd_a', 'custom']);
    await r.text();
    assert.equal(r.status, 303);
    const id = /href="\/activites\/(\d+)"[^>]*>Modifier ou mettre fin<span class="visually-hidden"> — Distributeur/.exec((await p.get('/activites')).text)[1];
    const one = await p.get(`/activites/${id}`);
    assert.equal(one.status, 200);
    r = await p.fetch(`/activites/${id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}&classes=IIb&classes=III` });
    await r.text();
    assert.equal(r.status, 303);
    const changed = await p.get(`/activites/${id}?ok=1`);
    assert.ok(changed.text.includes('Classe IIb, Classe III'));
    assert.ok(changed.text.includes('Classes modifiées'));
    assert.ok(changed.text.includes('Activité déclarée'));
    // End it: a date before the start is refused; no CSRF is refused.
    r = await p.fetch(`/activites/${id}/fin`, form({ _csrf: csrf, ended_on: '1999-01-01' }));
    assert.equal(r.status, 422);
    await r.text();
    r = await p.fetch(`/activites/${id}/fin`, form({ ended_on: '2999-01-01' }));
    assert.equal(r.status, 403);
    await r.text();
    r = await p.fetch(`/activites/${id}/fin`, form({ _csrf: csrf, ended_on: '2999-12-31' }));
    await r.text();
    assert.equal(r.status, 303);
    const after = await p.get('/activites');
    assert.ok(after.text.includes('Activités terminées'));
    assert.match(after.text, /<td>Distributeur<\/td><td>Siège social<\/td><td>Classe IIb, Classe III<\/td><td>\d\d\/\d\d\/\d{4}<\/td><td>31\/12\/2999<\/td>/);
    r = await p.fetch(`/activites/${id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}&classes=I` });
    assert.equal(r.status, 409);
    await r.text();
    // Unknown ids and ids of another company are 404.
    assert.equal((await p.get('/activites/999999')).status, 404);
    assert.equal((await p.get('/activites/abc')).status, 404);
  });

  it('Mes contrôles: the self-check file is saved, refused when incomplete, submitted, with its history', async () => {
    const { p } = await enter(PEOPLE.jan.user, ORGS.pharma.name);
    const list = await p.get('/controles');
    assert.equal(list.status, 200);
    const m = /href="\/controles\/(\d+)">Mon dossier<span class="visually-hidden"> — Importateur/.exec(list.text);
    assert.ok(m, 'the current Importateur activity has a file');
    assert.ok(list.text.includes('/static/guidelines/importer.txt'));
    assert.ok(list.text.includes('Non commencé'));
    const url = `/controles/${m[1]}`;
    const page = await p.get(url);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('Questionnaire d&#39;autocontrôle'));
    const csrf = csrfOf(page.text);
    const codes = [...page.text.matchAll(/name="q_([a-z_]+)" value="yes"/g)].map((x) => x[1]);
    assert.equal(codes.length, 6);
    let r = await p.fetch(url, form({ _csrf: csrf, action: 'save', [`q_${codes[0]}`]: 'yes', [`c_${codes[0]}`]: 'Vérifié <ok>' }));
    await r.text();
    assert.equal(r.status, 303);
    let d = await p.get(`${url}?ok=1`);
    assert.ok(d.text.includes('Le dossier a été enregistré comme brouillon.'));
    assert.match(d.text, /<dd class="status">Brouillon<\/dd>/);
    assert.ok(d.text.includes('Vérifié &lt;ok&gt;</textarea>'));
    r = await p.fetch(url, form({ _csrf: csrf, action: 'submit', [`q_${codes[0]}`]: 'yes' }));
    const t = await r.text();
    assert.equal(r.status, 422);
    assert.ok(t.includes('Répondez à cette question avant de soumettre le dossier.'));
    r = await p.fetch(url, form({ _csrf: csrf, action: 'save', [`q_${codes[1]}`]: 'maybe' }));
    assert.equal(r.status, 422);
    await r.text();
    const all = { _csrf: csrf, action: 'submit' };
    codes.forEach((c, i) => { all[`q_${c}`] = ['yes', 'no', 'na'][i % 3]; });
    r = await p.fetch(url, form(all));
    await r.text();
    assert.equal(r.status, 303);
    d = await p.get(`${url}?sent=1`);
    assert.ok(d.text.includes('Le dossier a été soumis à l&#39;Agence.'));
    assert.match(d.text, /<dd class="status">Soumis<\/dd>/);
    assert.ok(d.text.includes('Dossier soumis') && d.text.includes('Dossier enregistré'));
    assert.ok(d.text.includes('<td>Jan Peeters</td>'));
    const noToken = await p.fetch(url, form({ action: 'save' }));
    assert.equal(noToken.status, 403);
    await noToken.text();
  });

  it('logs out here and at portier (RP-initiated logout)', async () => {
    const { p, idp } = await enter(PEOPLE.jan.user, ORGS.pharma.name);
    const home = await p.get('/');
    const noToken = await p.fetch('/logout', { method: 'POST' });
    assert.equal(noToken.status, 403);
    await noToken.text();
    const r = await p.fetch('/logout', form({ _csrf: csrfOf(home.text) }));
    const text = await r.text();
    assert.equal(r.status, 200);
    assert.match(r.headers.getSetCookie().join('\n'), /portal_sid=; .*Max-Age=0/);
    const target = new URL(refreshTarget(text));
    const disco = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    assert.equal(`${target.origin}${target.pathname}`, disco.end_session_endpoint);
    assert.equal(target.searchParams.get('post_logout_redirect_uri'), `${portal.url}/`);
    assert.ok(target.searchParams.get('id_token_hint'));
    assert.equal((await p.get('/entreprise')).status, 303, 'logged out of the portal');
    // portier ends its session and sends the browser back to the portal.
    let back = await idp.fetch(target.pathname + target.search);
    let body = await back.text();
    if (back.status === 200 && /<form/.test(body)) {
      // A confirmation page: confirm.
      const action = /<form[^>]*action="([^"]+)"/.exec(body)[1].replace(/&amp;/g, '&');
      const fields = Object.fromEntries([...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((x) => [x[1], x[2].replace(/&amp;/g, '&')]));
      back = await idp.fetch(action, form(fields));
      body = await back.text();
    }
    const dest = back.status === 303 ? back.headers.get('location') : refreshTarget(body);
    assert.ok(dest.startsWith(`${portal.url}/`), `back to the portal: ${dest}`);
  });
});

describe('agency portal: provider unreachable', () => {
  it('says so on login instead of failing', async () => {
    const srv = await startWorld();
    const portal = await startPortal(srv, { clientApplication: 'TESTAPP', args: ['--issuer', 'http://127.0.0.1:9'] });
    try {
      const r = await new Client(portal.url).get('/login');
      assert.equal(r.status, 503);
      assert.ok(r.text.includes('Le service d&#39;authentification ne répond pas.'));
    } finally {
      await portal.stop();
      await srv.stop();
    }
  });
});

