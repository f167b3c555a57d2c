// oidc.test.js — the OpenID Connect provider over HTTP: discovery and JWKS, the code
// flow with a confidential and a public client, ID tokens checked against the JWKS,
// userinfo, and every refusal of the issue: wrong redirect URI, missing or wrong PKCE
// verifier, reused code (family revoked), reused refresh token (family revoked), expired
// tokens, tokens of another client, client authentication; all of it in the audit trail.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { assertSecurityHeaders } from '../lib/checks.js';
import { auditDetails, auditEvents, testClock } from '../lib/world.js';
import {
  ACCOUNTS, addClient, authorize, authorizeUrl, browser, jwtPayload, ORGS, PEOPLE, pkce, portier,
  startWorld, tokenRequest,
} from './oidc_lib.js';


const CB = 'http://127.0.0.1:9/cb';

/** Verifies an ES256 JWT against the server's JWKS; returns its payload. */
async function verifyJwt(srv, jwt) {
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  assert.equal(header.alg, 'ES256');
  const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} is not in the JWKS`);
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), {
    key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363',
  }, Buffer.from(s, 'base64url'));
  assert.ok(ok, 'the ID token signature does not verify');
  return JSON.parse(Buffer.from(p, 'base64url').toString());
}

async function userinfo(srv, token, { post = false } = {}) {
  const res = await fetch(`${srv.url}/oidc/userinfo`, post ? {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: token }).toString(),
  } : { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

function auditActions(db) {
  return auditEvents({ db }).map((e) => e.action);
}

describe('OpenID Connect provider', () => {
  let srv;
  const clock = testClock();
  let rp;       // confidential client of TESTAPP
  let other;    // another confidential client of TESTAPP
  let pub;      // public client of TESTAPP
  let nn;       // client allowed the national number

  before(async () => {
    srv = await startWorld({ args: clock.args });
    rp = addClient(srv, 'rp', { scope: 'openid profile email', redirect: [CB, 'http://127.0.0.1:9/other'] });
    other = addClient(srv, 'other-rp', {});
    pub = addClient(srv, 'spa', { public: true });
    nn = addClient(srv, 'nn-rp', { scope: 'openid profile national_number', nationalNumber: true });
  });
  after(async () => {
    await srv?.stop();
  });

  /** A full login of Jan for client c; returns { code, state, nonce, verifier, url }. */
  async function codeFor(c, { user = PEOPLE.jan.user, account = ACCOUNTS.jan, scope = 'openid profile email', withPkce = true, jar } = {}) {
    const { verifier, challenge } = pkce();
    const state = `st-${Math.random()}`;
    const nonce = `n-${Math.random()}`;
    const params = { client_id: c.id, redirect_uri: CB, response_type: 'code', scope, state, nonce };
    if (withPkce) Object.assign(params, { code_challenge: challenge, code_challenge_method: 'S256' });
    const url = await authorize(jar ?? browser(srv), params, { user, account });
    assert.equal(url.origin + url.pathname, CB);
    assert.equal(url.searchParams.get('state'), state);
    assert.equal(url.searchParams.get('iss'), srv.url);
    const code = url.searchParams.get('code');
    assert.match(code ?? '', /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/);
    return { code, state, nonce, verifier: withPkce ? verifier : undefined, url };
  }

  function exchange(c, code, verifier, extra = {}) {
    const form = { grant_type: 'authorization_code', code, redirect_uri: CB, ...extra };
    if (verifier) form.code_verifier = verifier;
    return tokenRequest(srv.url, form, c.secret ? { basic: c } : {}).then((r) => r);
  }

  it('publishes its discovery document and JWKS', async () => {
    const res = await fetch(`${srv.url}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assertSecurityHeaders(res.headers, 'discovery');
    const d = await res.json();
    assert.equal(d.issuer, srv.url);
    assert.equal(d.authorization_endpoint, `${srv.url}/oidc/authorize`);
    assert.equal(d.token_endpoint, `${srv.url}/oidc/token`);
    assert.equal(d.jwks_uri, `${srv.url}/oidc/jwks`);
    assert.equal(d.end_session_endpoint, `${srv.url}/oidc/logout`);
    assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(d.subject_types_supported, ['pairwise']);
    assert.deepEqual(d.acr_values_supported, ['urn:portier:loa:low', 'urn:portier:loa:substantial', 'urn:portier:loa:high']);
    assert.ok(d.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    assert.ok(d.token_endpoint_auth_methods_supported.includes('client_secret_post'));
    const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
    assert.equal(jwks.keys.length, 2, 'one ES256 and one RS256 key');
    const k = jwks.keys.find((j) => j.alg === 'ES256');
    assert.deepEqual([k.kty, k.crv, k.alg, k.use], ['EC', 'P-256', 'ES256', 'sig']);
    assert.equal(k.d, undefined, 'the private part must never be published');
    assert.match(k.kid, /^[A-Za-z0-9_-]{43}$/);
  });

  it('runs the code flow: profile choice, tokens, a verified ID token, userinfo', async () => {
    const jar = browser(srv);
    const page0 = await jar.fetch(authorizeUrl({
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile email', state: 'x', nonce: 'n',
    }));
    assert.equal(page0.status, 303);
    const flow = page0.headers.get('location');
    assert.match(flow, /^\/oidc\/continue\/[A-Za-z0-9_-]{43}$/);
    // Not logged in: off to the login page and back.
    const toLogin = await jar.get(flow);
    assert.equal(toLogin.status, 303);
    assert.match(toLogin.headers.get('location'), /^\/login\?level=1&next=%2Foidc%2Fcontinue%2F|^\/login\?level=1&next=\/oidc\/continue\//);

    const { code, nonce, verifier } = await codeFor(rp, { jar });
    const t = await exchange(rp, code, verifier);
    assert.equal(t.status, 200, t.text);
    assert.equal(t.headers.get('cache-control'), 'no-store');
    assert.equal(t.headers.get('pragma'), 'no-cache');
    assert.equal(t.json.token_type, 'Bearer');
    assert.equal(t.json.expires_in, 600);
    assert.equal(t.json.scope, 'openid profile email');
    const id = await verifyJwt(srv, t.json.id_token);
    assert.equal(id.iss, srv.url);
    assert.equal(id.aud, rp.id);
    assert.equal(id.nonce, nonce);
    assert.equal(id.acr, 'urn:portier:loa:low');
    assert.deepEqual(id.amr, ['pwd']);
    assert.ok(id.exp > id.iat && id.exp - id.iat === 600);
    assert.ok(Math.abs(id.auth_time - Date.now() / 1000) < 120);
    assert.match(id.sub, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(id.name, 'Jan Peeters');
    assert.equal(id.given_name, 'Jan');
    assert.equal(id.family_name, 'Peeters');
    assert.equal(id.locale, 'nl');
    assert.equal(id.email, 'jan.peeters@example.be');
    assert.equal(id.national_number, undefined);
    assert.deepEqual(id.organisation, { enterprise_number: ORGS.pharma.enterprise, name: ORGS.pharma.name, country: 'BE' });
    assert.equal(id.quality.code, 'health_related');
    assert.equal(id.quality.name.fr, 'Institution liée au domaine de la santé');
    assert.equal(id.role, 'USER');
    assert.deepEqual(id.applications, ['MEDSEIP', 'TESTAPP', 'TESTONE']);

    for (const post of [false, true]) {
      const u = await userinfo(srv, t.json.access_token, { post });
      assert.equal(u.status, 200);
      assert.match(u.headers.get('content-type'), /^application\/json/);
      assert.equal(u.json.sub, id.sub);
      assert.equal(u.json.name, 'Jan Peeters');
      assert.deepEqual(u.json.organisation, id.organisation);
      assert.deepEqual(u.json.applications, id.applications);
    }
  });

  it('gives each client its own subject, and the other organisation when chosen', async () => {
    const a = await codeFor(rp);
    const b = await codeFor(other, { account: ACCOUNTS.janMedi, scope: 'openid' });
    const ta = await exchange(rp, a.code, a.verifier);
    const tb = await exchange(other, b.code, b.verifier);
    const ia = jwtPayload(ta.json.id_token);
    const ib = jwtPayload(tb.json.id_token);
    assert.notEqual(ia.sub, ib.sub, 'sub must be pairwise');
    assert.equal(ib.organisation.enterprise_number, ORGS.medi.enterprise);
    assert.deepEqual(ib.applications, ['TESTAPP']);
    assert.equal(ib.name, undefined, 'no profile claims without the profile scope');
  });

  it('releases the national number only with its scope to a client allowed to have it', async () => {
    const a = await codeFor(nn, { scope: 'openid national_number' });
    const t = await exchange(nn, a.code, a.verifier);
    assert.equal(jwtPayload(t.json.id_token).national_number, PEOPLE.jan.niss);
    assert.equal(t.json.scope, 'openid national_number');
    // rp may not: the scope is dropped.
    const b = await codeFor(rp, { scope: 'openid national_number' });
    const tb = await exchange(rp, b.code, b.verifier);
    assert.equal(tb.json.scope, 'openid');
    assert.equal(jwtPayload(tb.json.id_token).national_number, undefined);
    assert.equal((await userinfo(srv, tb.json.access_token)).json.national_number, undefined);
    // The national number never shows in the logs.
    assert.ok(!srv.logs().includes(PEOPLE.jan.niss), 'NISS in the logs');
  });

  it('refuses an unknown client or a redirect URI not registered exactly, without redirecting', async () => {
    const jar = browser(srv);
    for (const [params, what] of [
      [{ client_id: 'nobody', redirect_uri: CB }, 'unknown client'],
      [{ client_id: rp.id, redirect_uri: `${CB}/` }, 'trailing slash'],
      [{ client_id: rp.id, redirect_uri: `${CB}?x=1` }, 'extra query'],
      [{ client_id: rp.id, redirect_uri: 'http://evil.example/cb' }, 'other host'],
      [{ client_id: rp.id }, 'no redirect_uri'],
    ]) {
      const r = await jar.get(authorizeUrl({ response_type: 'code', scope: 'openid', state: 's', ...params }));
      assert.equal(r.status, 400, what);
      assert.equal(r.headers.get('location'), null, `${what}: must not redirect`);
      assert.match(r.headers.get('content-type'), /^text\/html/);
    }
  });

  it('sends other errors back to the client with state and iss (RFC 6749 §4.1.2.1)', async () => {
    const jar = browser(srv);
    const cases = [
      [{ response_type: 'token', scope: 'openid' }, 'unsupported_response_type'],
      [{ scope: 'openid' }, 'invalid_request'],
      [{ response_type: 'code', scope: 'profile' }, 'invalid_scope'],
      [{ response_type: 'code', scope: 'openid', code_challenge: pkce().challenge }, 'invalid_request'],
      [{ response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ response_type: 'code', scope: 'openid', prompt: 'none login' }, 'invalid_request'],
      [{ response_type: 'code', scope: 'openid', max_age: 'soon' }, 'invalid_request'],
      [{ response_type: 'code', scope: 'openid', request: 'eyJ' }, 'request_not_supported'],
    ];
    for (const [params, error] of cases) {
      const r = await jar.get(authorizeUrl({ client_id: rp.id, redirect_uri: CB, state: 'abc', ...params }));
      assert.equal(r.status, 303, JSON.stringify(params));
      const to = new URL(r.headers.get('location'));
      assert.equal(to.origin + to.pathname, CB);
      assert.equal(to.searchParams.get('error'), error, JSON.stringify(params));
      assert.equal(to.searchParams.get('state'), 'abc');
      assert.equal(to.searchParams.get('iss'), srv.url);
      assert.equal(to.searchParams.get('code'), null);
    }
    // A public client must use PKCE.
    const r = await jar.get(authorizeUrl({ client_id: pub.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 'p' }));
    const to = new URL(r.headers.get('location'));
    assert.equal(to.searchParams.get('error'), 'invalid_request');
    assert.match(to.searchParams.get('error_description'), /PKCE/);
  });

  it('checks PKCE: a missing or wrong verifier is refused, the right one accepted', async () => {
    const a = await codeFor(pub);
    let t = await exchange(pub, a.code, undefined, { client_id: pub.id });
    assert.equal(t.status, 400);
    assert.equal(t.json.error, 'invalid_grant');
    t = await exchange(pub, a.code, pkce().verifier, { client_id: pub.id });
    assert.equal(t.json.error, 'invalid_grant');
    assert.match(t.json.error_description, /PKCE/);
    t = await exchange(pub, a.code, a.verifier, { client_id: pub.id });
    assert.equal(t.status, 200, t.text);
    // A verifier without a challenge in the request is refused too.
    const b = await codeFor(rp, { withPkce: false });
    t = await exchange(rp, b.code, pkce().verifier);
    assert.equal(t.json.error, 'invalid_grant');
    t = await exchange(rp, b.code, undefined);
    assert.equal(t.status, 200, 'PKCE is optional for confidential clients');
    // A public client cannot pass a secret, a confidential one must.
    t = await tokenRequest(srv.url, { grant_type: 'authorization_code', code: b.code, redirect_uri: CB, client_id: rp.id });
    assert.equal(t.status, 401);
    assert.equal(t.json.error, 'invalid_client');
  });

  it('uses a code once: a second use is refused and revokes the tokens of the first', async () => {
    const a = await codeFor(rp);
    const first = await exchange(rp, a.code, a.verifier);
    assert.equal(first.status, 200);
    assert.equal((await userinfo(srv, first.json.access_token)).status, 200);
    const second = await exchange(rp, a.code, a.verifier);
    assert.equal(second.status, 400);
    assert.equal(second.json.error, 'invalid_grant');
    const u = await userinfo(srv, first.json.access_token);
    assert.equal(u.status, 401);
    assert.match(u.headers.get('www-authenticate'), /^Bearer realm="portier", error="invalid_token"/);
    const r = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token }, { basic: rp });
    assert.equal(r.json.error, 'invalid_grant');
  });

  it('rotates refresh tokens; a reused one revokes the whole family', async () => {
    const a = await codeFor(rp);
    const t0 = await exchange(rp, a.code, a.verifier);
    const r1 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t0.json.refresh_token }, { basic: rp });
    assert.equal(r1.status, 200, r1.text);
    assert.notEqual(r1.json.refresh_token, t0.json.refresh_token);
    assert.notEqual(r1.json.access_token, t0.json.access_token);
    const id1 = await verifyJwt(srv, r1.json.id_token);
    assert.equal(id1.sub, jwtPayload(t0.json.id_token).sub);
    assert.equal(id1.nonce, undefined);
    // client_secret_post works as well.
    const r2 = await tokenRequest(srv.url, {
      grant_type: 'refresh_token', refresh_token: r1.json.refresh_token, client_id: rp.id, client_secret: rp.secret,
    });
    assert.equal(r2.status, 200, r2.text);
    assert.equal((await userinfo(srv, r2.json.access_token)).status, 200);
    // Only the newest access token of a family is valid.
    assert.equal((await userinfo(srv, r1.json.access_token)).status, 401);
    // A forged token naming the family (grant and generation right, random part wrong)
    // is unknown: it does not let anyone revoke someone else's family.
    const [g, gen] = r2.json.refresh_token.split('.');
    const forged = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: `${g}.${gen}.${'A'.repeat(43)}` }, { basic: rp });
    assert.equal(forged.json.error, 'invalid_grant');
    assert.match(forged.json.error_description, /unknown/);
    assert.equal((await userinfo(srv, r2.json.access_token)).status, 200);
    // The spent r1 token shown again: refused, and r2's tokens die with the family.
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: r1.json.refresh_token }, { basic: rp });
    assert.equal(again.json.error, 'invalid_grant');
    assert.match(again.json.error_description, /already used/);
    assert.equal((await userinfo(srv, r2.json.access_token)).status, 401);
    const r3 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: r2.json.refresh_token }, { basic: rp });
    assert.equal(r3.json.error, 'invalid_grant');
    assert.match(r3.json.error_description, /revoked/);
  });

  it('refuses expired codes and access tokens', async () => {
    // A code lives 60 s, an access token 600 s (oidc/grants.h): the test clock moves past
    // them (forward only: the tests after run later, as they would).
    const a = await codeFor(rp);
    clock.advance(61);
    const t = await exchange(rp, a.code, a.verifier);
    assert.equal(t.json.error, 'invalid_grant');
    assert.equal(t.json.error_description, 'expired');
    const b = await codeFor(rp);
    const tb = await exchange(rp, b.code, b.verifier);
    assert.equal((await userinfo(srv, tb.json.access_token)).status, 200);
    clock.advance(601);
    const u = await userinfo(srv, tb.json.access_token);
    assert.equal(u.status, 401);
    assert.equal(u.json.error, 'invalid_token');
    assert.equal(u.json.error_description, 'expired');
    // No token, or a made-up one.
    const none = await fetch(`${srv.url}/oidc/userinfo`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="portier"');
    assert.equal((await userinfo(srv, 'x'.repeat(43))).status, 401);
  });

  it('refuses the code and the refresh token of another client', async () => {
    const a = await codeFor(rp);
    const stolen = await exchange(other, a.code, a.verifier);
    assert.equal(stolen.json.error, 'invalid_grant');
    assert.match(stolen.json.error_description, /another client/);
    // The rightful client still gets its tokens.
    const t = await exchange(rp, a.code, a.verifier);
    assert.equal(t.status, 200);
    const r = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token }, { basic: other });
    assert.equal(r.json.error, 'invalid_grant');
  });

  it('authenticates clients: wrong secret, unknown client, two methods at once', async () => {
    const a = await codeFor(rp);
    let t = await exchange({ id: rp.id, secret: `${rp.secret}x` }, a.code, a.verifier);
    assert.equal(t.status, 401);
    assert.equal(t.json.error, 'invalid_client');
    assert.equal(t.headers.get('www-authenticate'), 'Basic realm="portier"');
    t = await exchange({ id: 'nobody', secret: 'x' }, a.code, a.verifier);
    assert.equal(t.status, 401);
    t = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: a.code, redirect_uri: CB, client_secret: rp.secret,
    }, { basic: rp });
    assert.equal(t.json.error, 'invalid_request');
    t = await exchange(rp, a.code, a.verifier, { grant_type: 'password' });
    assert.equal(t.json.error, 'unsupported_grant_type');
    // A redirect_uri other than the request's.
    t = await exchange(rp, a.code, a.verifier, { redirect_uri: 'http://127.0.0.1:9/other' });
    assert.equal(t.json.error, 'invalid_grant');
    t = await exchange(rp, a.code, a.verifier);
    assert.equal(t.status, 200, 'the code survives refusals that are not its reuse');
  });

  it('records every token issued and every refusal in an intact audit chain', async () => {
    const actions = auditActions(srv.db);
    for (const a of ['oidc.code.issued', 'oidc.token.issued', 'oidc.code.refused',
      'oidc.refresh.refused', 'oidc.authorize.refused', 'oidc.token.refused',
      'oidc.userinfo.refused', 'oidc.client.added']) {
      assert.ok(actions.includes(a), `no ${a} event`);
    }
    const out = portier(['audit', 'verify', '--db', srv.db]);
    assert.match(out, /intact/);
    const rows = auditDetails(srv, ['oidc.*']);
    assert.ok(!rows.includes(PEOPLE.jan.niss), 'NISS in the audit details');
  });
});
