// oidc-flow.test.js — the pages and the session side of the OpenID Connect provider: the
// profile choice of guide §5 (only organisations where the person holds an active account
// granted the client's application), the page for a person without a grant (who can
// grant it), a suspended account, prompt=none|login, max_age, acr_values and the client's
// minimum level (step-up through the login page), ui_locales, RP-initiated logout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { h1, htmlLang } from '../lib/server.js';
import { auditDetails } from '../lib/world.js';
import {
  ACCOUNTS, addClient, authorize, authorizeUrl, browser, csrfOf, login, ORGS, PEOPLE, pkce,
  profileOptions, refreshTarget, setJanMedi, startWorld, tokenRequest,
} from './oidc_lib.js';

const CB = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';

describe('OpenID Connect: profile choice, prompt, levels, logout', () => {
  let srv;
  let rp;
  let one;      // client of TESTONE: Jan has a single profile there
  let eid;      // client of MEDSEIP: level 3 (eID)

  before(async () => {
    srv = await startWorld();
    rp = addClient(srv, 'rp', { redirect: [CB], postLogout: [BYE] });
    one = addClient(srv, 'one', { application: 'TESTONE', redirect: [CB] });
    eid = addClient(srv, 'medseip', { application: 'MEDSEIP', redirect: [CB], minLevel: 3 });
  });
  after(async () => {
    await srv?.stop();
  });

  const params = (c, extra = {}) => ({
    client_id: c.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 'st', ...extra,
  });

  /** Starts a flow; returns its /oidc/continue path. */
  async function startFlow(jar, p) {
    const r = await jar.get(authorizeUrl(p));
    assert.equal(r.status, 303);
    const loc = r.headers.get('location');
    assert.match(loc, /^\/oidc\/continue\//);
    return loc;
  }

  /** The tokens of a code flow with PKCE of rp for user on account (the exchange a 200). */
  async function codeTokens(jar, user, account) {
    const { verifier, challenge } = pkce();
    const url = await authorize(jar, params(rp, { code_challenge: challenge, code_challenge_method: 'S256' }),
      { user, account });
    const t = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier,
    }, { basic: rp });
    assert.equal(t.status, 200);
    return t;
  }

  it('shows "Choisissez votre profil" with the organisations where the person holds the grant', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.jan.user);
    const flow = await startFlow(jar, params(rp));
    const page = await jar.get(flow);
    assert.equal(page.status, 200);
    assert.equal(h1(page.text), 'Etape 3. Choisissez votre profil');
    assert.ok(page.text.includes('Se connecter pour Application de test'));
    // The person's name in the flow's own lines, not only in the layout's header.
    assert.match(page.text, /Vous êtes identifié comme : <strong>Jan Peeters<\/strong>/);
    assert.match(page.text, /Je souhaite me connecter en tant que:<\/span> <strong>Jan Peeters<\/strong>/);
    assert.ok(page.text.includes('Déconnexion'));
    assert.ok(page.text.includes('Je souhaite me connecter en tant que:'));
    assert.ok(page.text.includes('Au sein de l&#39;organisation:') || page.text.includes("Au sein de l'organisation:"));
    assert.ok(page.text.includes('Pas d&#39;organisation sélectionnée') || page.text.includes("Pas d'organisation sélectionnée"));
    assert.deepEqual(profileOptions(page.text).map((o) => o.label), [
      `${ORGS.medi.name} (${ORGS.medi.shown})`, `${ORGS.pharma.name} (${ORGS.pharma.shown})`,
    ]);
    // No choice, or a choice not offered (Claire's account), comes back with a message.
    for (const org of ['', ACCOUNTS.claire, '999', 'x']) {
      const res = await jar.get(flow, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfOf(page.text), org }).toString(),
      });
      assert.equal(res.status, 422, `org=${org}`);
      assert.ok(res.text.includes('Choisissez l&#39;organisation') || res.text.includes("Choisissez l'organisation"));
    }
    // Without the CSRF token the form is refused.
    const forged = await jar.get(flow, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ org: ACCOUNTS.jan }).toString(),
    });
    assert.equal(forged.status, 403);
    // The choice is spent with the code: a second submission finds nothing.
    const ok = await jar.get(flow, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: ACCOUNTS.jan }).toString(),
    });
    assert.equal(ok.status, 200);
    const to = new URL(refreshTarget(ok.text));
    assert.equal(to.searchParams.get('state'), 'st');
    assert.ok(ok.text.includes(`href="${to.href.replace(/&/g, '&amp;')}"`) || ok.text.includes('href="http://127.0.0.1:9/cb?'),
      'a link for those whose browser does not follow the refresh');
    const again = await jar.get(flow, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: ACCOUNTS.jan }).toString(),
    });
    assert.equal(again.status, 400);
  });

  it('tells a person without the grant who can grant it', async () => {
    // Claire has an account in Pharma Test, but not the application.
    const jar = browser(srv);
    await login(jar, PEOPLE.claire.user);
    const page = await jar.get(await startFlow(jar, params(rp)));
    assert.equal(page.status, 403);
    assert.equal(h1(page.text), 'Etape 3. Choisissez votre profil');
    assert.ok(page.text.includes('au nom d&#39;aucune organisation') || page.text.includes("au nom d'aucune organisation"));
    assert.ok(page.text.includes(ORGS.pharma.name));
    assert.ok(page.text.includes('Jan Peeters, Gestionnaire d&#39;Accès Principal (GAP)') || page.text.includes("Jan Peeters, Gestionnaire d'Accès Principal (GAP)"));
    assert.ok(page.text.includes('Claire Dubois, Gestionnaire Local'));
    assert.ok(!page.text.includes('<select'), 'no empty list');
    // Lukas has no account anywhere.
    const jar2 = browser(srv);
    await login(jar2, PEOPLE.lukas.user);
    const p2 = await jar2.get(await startFlow(jar2, params(rp)));
    assert.equal(p2.status, 403);
    assert.ok(p2.text.includes('aucune organisation'));
    // "Retourner au service" answers access_denied.
    const cancel = /href="(\/oidc\/cancel\/[^"]+)"/.exec(p2.text)[1];
    const back = await jar2.get(cancel);
    assert.equal(back.status, 303);
    const to = new URL(back.headers.get('location'));
    assert.equal(to.searchParams.get('error'), 'access_denied');
    assert.equal(to.searchParams.get('state'), 'st');
    const audit = auditDetails(srv, ['oidc.authorize.refused']);
    assert.match(audit, /no_grant/);
  });

  it('gives no profile through a suspended account, and ends the tokens of an account suspended later', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.marie.user);
    const page = await jar.get(await startFlow(jar, params(rp)));
    assert.equal(page.status, 403);
    assert.ok(page.text.includes('votre compte y est suspendu'));
    // Jan gets tokens, then his Medi account is suspended: refresh and userinfo stop.
    const jan = browser(srv);
    const t = await codeTokens(jan, PEOPLE.jan.user, ACCOUNTS.janMedi);
    setJanMedi(srv, true);
    try {
      const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.json.access_token}` } });
      assert.equal(u.status, 401);
      const r = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token }, { basic: rp });
      assert.equal(r.json.error, 'invalid_grant');
      // And the profile is no longer offered.
      const p = await jan.get(await startFlow(jan, params(rp)));
      assert.deepEqual(profileOptions(p.text).map((o) => o.value), [ACCOUNTS.jan]);
    } finally {
      setJanMedi(srv, false);
    }
  });

  it('answers prompt=none without a page: login_required, a code, or the choice needed', async () => {
    const jar = browser(srv);
    let r = await jar.get(authorizeUrl(params(one, { prompt: 'none' })));
    assert.equal(r.status, 303);
    let to = new URL(r.headers.get('location'));
    assert.equal(to.searchParams.get('error'), 'login_required');
    assert.equal(to.searchParams.get('state'), 'st');
    await login(jar, PEOPLE.jan.user);
    r = await jar.get(authorizeUrl(params(one, { prompt: 'none' })));
    to = new URL(r.headers.get('location'));
    assert.match(to.searchParams.get('code'), /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/, 'one profile: a code at once');
    r = await jar.get(authorizeUrl(params(rp, { prompt: 'none' })));
    to = new URL(r.headers.get('location'));
    assert.equal(to.searchParams.get('error'), 'account_selection_required');
    // max_age=0 with prompt=none: the login is too old.
    await new Promise((res) => { setTimeout(res, 1100); });
    r = await jar.get(authorizeUrl(params(one, { prompt: 'none', max_age: '0' })));
    to = new URL(r.headers.get('location'));
    assert.equal(to.searchParams.get('error'), 'login_required');
    // A level above the session's: login_required too.
    r = await jar.get(authorizeUrl(params(eid, { prompt: 'none' })));
    to = new URL(r.headers.get('location'));
    assert.equal(to.searchParams.get('error'), 'login_required');
  });

  it('demands a fresh login for prompt=login and an exceeded max_age', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.jan.user);
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }]) {
      if (extra.max_age) await new Promise((res) => { setTimeout(res, 1100); });
      const flow = await startFlow(jar, params(rp, extra));
      const r = await jar.get(flow);
      assert.equal(r.status, 303, JSON.stringify(extra));
      const to = new URL(r.headers.get('location'), srv.url);
      assert.equal(to.pathname, '/login');
      assert.equal(to.searchParams.get('next'), flow);
      assert.equal(await login(jar, PEOPLE.jan.user, flow), flow);
      const page = await jar.get(flow);
      assert.equal(page.status, 200, 'after the fresh login: the profile choice');
      assert.equal(h1(page.text), 'Etape 3. Choisissez votre profil');
    }
    // Without them, the session is enough.
    const page = await jar.get(await startFlow(jar, params(rp, { max_age: '3600' })));
    assert.equal(page.status, 200);
  });

  it('sends a session below the client\'s level or the asked acr to step up at the login page', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.jan.user);
    // The MEDSEIP client demands eID (level 3).
    let flow = await startFlow(jar, params(eid));
    let r = await jar.get(flow);
    assert.equal(r.status, 303);
    let to = new URL(r.headers.get('location'), srv.url);
    assert.equal(to.pathname, '/login');
    assert.equal(to.searchParams.get('level'), '3');
    assert.equal(to.searchParams.get('next'), flow);
    // acr_values asks for substantial at least on a level-1 client.
    flow = await startFlow(jar, params(rp, { acr_values: 'urn:portier:loa:substantial urn:portier:loa:high' }));
    r = await jar.get(flow);
    to = new URL(r.headers.get('location'), srv.url);
    assert.equal(to.searchParams.get('level'), '2');
    // An acr the session meets goes straight on, and the token names the session's level.
    flow = await startFlow(jar, params(rp, { acr_values: 'urn:portier:loa:low' }));
    r = await jar.get(flow);
    assert.equal(r.status, 200);
    // Unknown acr values are ignored.
    flow = await startFlow(jar, params(rp, { acr_values: 'urn:other:gold' }));
    assert.equal((await jar.get(flow)).status, 200);
  });

  it('shows the flow in the language of ui_locales', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.jan.user);
    const r = await jar.get(authorizeUrl(params(rp, { ui_locales: 'de-BE en' })));
    assert.equal(r.status, 303);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('portier_lang='));
    assert.ok(cookie, 'no language cookie');
    assert.match(cookie, /^portier_lang=de; /);
    assert.ok(!/max-age/i.test(cookie), 'for this browser session only');
    const page = await jar.get(r.headers.get('location'));
    assert.equal(htmlLang(page.text), 'de');
    // An unsupported language changes nothing.
    const jar2 = browser(srv);
    const r2 = await jar2.get(authorizeUrl(params(rp, { ui_locales: 'es' })));
    assert.ok(!r2.headers.getSetCookie().some((c) => c.startsWith('portier_lang=')));
  });

  it('logs out at the client\'s request: id_token_hint, post_logout_redirect_uri, state', async () => {
    const jar = browser(srv);
    const t = await codeTokens(jar, PEOPLE.jan.user, ACCOUNTS.jan);
    // A post-logout URI not registered: an error page, no redirect, still logged in.
    let r = await jar.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: t.json.id_token, post_logout_redirect_uri: 'http://127.0.0.1:9/evil' })}`);
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('location'), null);
    // A forged hint: refused.
    r = await jar.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: `${t.json.id_token.slice(0, -4)}AAAA`, post_logout_redirect_uri: BYE })}`);
    assert.equal(r.status, 400);
    // The real thing.
    r = await jar.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: t.json.id_token, post_logout_redirect_uri: BYE, state: 'bye-state' })}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `${BYE}?state=bye-state`);
    // The session is over and the client's tokens are revoked.
    r = await jar.get(authorizeUrl(params(one, { prompt: 'none' })));
    assert.equal(new URL(r.headers.get('location')).searchParams.get('error'), 'login_required');
    const rt = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token }, { basic: rp });
    assert.equal(rt.json.error, 'invalid_grant');
    // Without a hint, the person confirms; then back to the client.
    await login(jar, PEOPLE.jan.user);
    r = await jar.get(`/oidc/logout?${new URLSearchParams({ client_id: rp.id, post_logout_redirect_uri: BYE, state: 's2' })}`);
    assert.equal(r.status, 200);
    assert.equal(h1(r.text), 'Se déconnecter de portier');
    const done = await jar.get('/oidc/logout/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(r.text), client_id: rp.id, post_logout_redirect_uri: BYE, state: 's2' }).toString(),
    });
    assert.equal(done.status, 200);
    assert.equal(refreshTarget(done.text), `${BYE}?state=s2`);
    // Logged out already: straight back.
    r = await jar.get(`/oidc/logout?${new URLSearchParams({ client_id: rp.id, post_logout_redirect_uri: BYE })}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), BYE);
  });

  it('lets the person log out from the profile page and log in as someone else', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.claire.user);
    const flow = await startFlow(jar, params(rp));
    const page = await jar.get(flow);
    const out = await jar.get(`${flow}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text) }).toString(),
    });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), flow);
    const r = await jar.get(flow);
    assert.equal(r.status, 303);
    assert.equal(new URL(r.headers.get('location'), srv.url).pathname, '/login');
    await login(jar, PEOPLE.jan.user, flow);
    const p = await jar.get(flow);
    assert.equal(p.status, 200);
    assert.ok(p.text.includes('Jan Peeters'));
  });
});
