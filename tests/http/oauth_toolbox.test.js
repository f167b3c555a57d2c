// oauth_toolbox.test.js — the OAuth toolbox of the OpenID provider (issue 15 part 3):
// token introspection (RFC 7662) for registered resource servers, revocation (RFC 7009),
// and their place in the discovery document. Also on PostgreSQL (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { auditEvents, testClock } from '../lib/world.js';
import {
  ACCOUNTS, addClient, authorize, authorizeUrl, browser, csrfOf, login, ORGS, PEOPLE, pkce, portier,
  profileOptions, setJanMedi, startWorld, tokenRequest,
} from './oidc_lib.js';

const CB = 'http://127.0.0.1:9/cb';
const API = 'https://api.example.be/v1';
const API_SECRET = 'api-secret-0123456789abcdef';
const OTHER_API = 'urn:portier:test:other-api';
const OTHER_SECRET = 'other-secret-0123456789abc';

function basicHeader(id, secret) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function post(srv, path, form, { auth } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = basicHeader(auth.id, auth.secret);
  const res = await fetch(`${srv.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

describe('OAuth toolbox: introspection and revocation', () => {
  let srv;
  const clock = testClock();
  let rp;      // confidential client whose tokens are for API
  let rp2;     // another confidential client, tokens for API too
  let plain;   // a client without audience
  const rs = { id: 'api', secret: API_SECRET };
  const rs2 = { id: 'other-api', secret: OTHER_SECRET };

  before(async () => {
    srv = await startWorld({ args: clock.args });
    rp = addClient(srv, 'rp-api', {});
    rp2 = addClient(srv, 'rp2-api', {});
    plain = addClient(srv, 'rp-plain', {});
    // The audience option of `client add` (the helper does not know it).
    portier(['client', 'remove', '--db', srv.db, '--id', rp.id]);
    portier(['client', 'remove', '--db', srv.db, '--id', rp2.id]);
    for (const c of [rp, rp2]) {
      const out = portier(['client', 'add', '--db', srv.db, '--id', c.id, '--application', 'TESTAPP',
        '--scope', 'openid profile', '--redirect-uri', CB, '--audience', API]);
      c.secret = /client_secret: (\S+)/.exec(out)[1];
    }
    portier(['rs', 'add', '--db', srv.db, '--id', rs.id, '--secret', rs.secret, '--audience', API]);
    portier(['rs', 'add', '--db', srv.db, '--id', rs2.id, '--secret', rs2.secret, '--audience', OTHER_API]);
  });
  after(async () => {
    await srv?.stop();
  });

  /** A login of Jan for client c; returns the token response's JSON. */
  async function tokensFor(c) {
    const { verifier, challenge } = pkce();
    const url = await authorize(browser(srv), {
      client_id: c.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
      state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
    const r = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB,
      code_verifier: verifier,
    }, { basic: c });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  const introspect = (token, auth = rs, extra = {}) => post(srv, '/oidc/introspect', { token, ...extra }, { auth });
  const revoke = (c, token, hint) => post(srv, '/oidc/revoke', { token, ...(hint ? { token_type_hint: hint } : {}) }, { auth: c });

  it('advertises the endpoints in the discovery document', async () => {
    const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    assert.equal(d.introspection_endpoint, `${srv.url}/oidc/introspect`);
    assert.equal(d.revocation_endpoint, `${srv.url}/oidc/revoke`);
    assert.deepEqual(d.introspection_endpoint_auth_methods_supported, ['client_secret_basic']);
    assert.ok(d.revocation_endpoint_auth_methods_supported.includes('client_secret_basic'));
  });

  it('lists resource servers and refuses bad registrations', () => {
    const out = portier(['rs', 'list', '--db', srv.db]);
    assert.match(out, /^api\n {2}audience: https:\/\/api\.example\.be\/v1\n {2}access tokens: opaque/m);
    assert.doesNotMatch(out, new RegExp(API_SECRET), 'the secret is never shown');
    assert.throws(() => portier(['rs', 'add', '--db', srv.db, '--id', 'short', '--secret', 'tooshort']), /secret: 16 to 256/);
    assert.throws(() => portier(['rs', 'add', '--db', srv.db, '--id', 'api', '--secret', API_SECRET, '--audience', 'https://x.example.be']), /exists already/);
    assert.throws(() => portier(['rs', 'add', '--db', srv.db, '--id', 'dup-aud', '--secret', API_SECRET, '--audience', API]), /exists already/);
    assert.throws(() => portier(['rs', 'add', '--db', srv.db, '--id', 'badaud', '--secret', API_SECRET, '--audience', 'ftp://x']), /audience/);
  });

  it('introspects an active access token for its resource server', async () => {
    const t = await tokensFor(rp);
    const r = await introspect(t.access_token);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const j = r.json;
    assert.equal(j.active, true);
    assert.equal(j.client_id, rp.id);
    assert.equal(j.scope, 'openid profile');
    assert.equal(j.token_type, 'Bearer');
    assert.equal(j.aud, API);
    assert.equal(j.iss, srv.url);
    assert.equal(j.exp - j.iat, 600);
    assert.match(j.sub, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(j.organisation.enterprise_number, ORGS.pharma.enterprise);
    assert.equal(j.quality.code, 'health_related');
    assert.deepEqual(j.applications, ['MEDSEIP', 'TESTAPP', 'TESTONE']);
    assert.equal(j.name, undefined, 'profile claims are not introspection claims');
    // The refresh token is not an access token.
    assert.deepEqual((await introspect(t.refresh_token)).json, { active: false });
  });

  it('answers only {"active":false} for tokens of another audience, unknown or malformed ones', async () => {
    const t = await tokensFor(rp);
    assert.deepEqual((await introspect(t.access_token, rs2)).json, { active: false });
    const p = await tokensFor(plain);
    assert.deepEqual((await introspect(p.access_token)).json, { active: false });
    const [g] = t.access_token.split('.');
    assert.deepEqual((await introspect(`${g}.${'A'.repeat(43)}`)).json, { active: false });
    assert.deepEqual((await introspect('garbage')).json, { active: false });
    const missing = await post(srv, '/oidc/introspect', {}, { auth: rs });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error, 'invalid_request');
  });

  it('refuses a wrong resource server secret, an unknown one, a client, and no credentials (401)', async () => {
    const t = await tokensFor(rp);
    for (const auth of [{ id: rs.id, secret: `${API_SECRET}x` }, { id: 'nobody', secret: API_SECRET },
      { id: rp.id, secret: rp.secret }, null]) {
      const r = await post(srv, '/oidc/introspect', { token: t.access_token }, { auth });
      assert.equal(r.status, 401, JSON.stringify(auth));
      assert.equal(r.json.error, 'invalid_client');
      assert.equal(r.json.active, undefined, 'nothing about the token');
      assert.match(r.headers.get('www-authenticate'), /^Basic /);
    }
    // client_secret_post is not a method of the resource servers.
    const r = await post(srv, '/oidc/introspect', { token: t.access_token, client_id: rs.id, client_secret: API_SECRET });
    assert.equal(r.status, 401);
    assert.ok(auditEvents({ db: srv.db }).some((e) => e.action === 'oidc.introspect.refused'));
  });

  // The server keeps a resource server it authenticated a few seconds (docs/oidc.md): one
  // removed by the CLI (another process, as another node) is refused once they passed,
  // moved on the test clock; one registered again answers to its new secret at once.
  it('refuses a removed resource server once the seconds it is kept have passed (test clock)', async () => {
    const gone = { id: 'gone-api', secret: 'gone-secret-0123456789abcdef' };
    portier(['rs', 'add', '--db', srv.db, '--id', gone.id, '--secret', gone.secret, '--audience', 'urn:portier:test:gone']);
    const t = await tokensFor(rp);
    assert.deepEqual((await introspect(t.access_token, gone)).json, { active: false }, 'authenticated, another audience');
    portier(['rs', 'remove', '--db', srv.db, '--id', gone.id]);
    clock.advance(6);
    let r = await introspect(t.access_token, gone);
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
    const again = { id: gone.id, secret: 'gone-secret-fedcba9876543210' };
    portier(['rs', 'add', '--db', srv.db, '--id', again.id, '--secret', again.secret, '--audience', 'urn:portier:test:gone2']);
    r = await introspect(t.access_token, again);
    assert.equal(r.status, 200, 'the new registration, read at once');
    assert.deepEqual(r.json, { active: false });
    assert.equal((await introspect(t.access_token, gone)).status, 401, 'the old secret');
  });

  it('answers inactive for an expired access token (test clock)', async () => {
    const t = await tokensFor(rp);
    assert.equal((await introspect(t.access_token)).json.active, true);
    clock.advance(601);
    assert.deepEqual((await introspect(t.access_token)).json, { active: false });
  });

  it('revokes a client\'s own access token; its refresh token stays usable', async () => {
    const t = await tokensFor(rp);
    const r = await revoke(rp, t.access_token, 'access_token');
    assert.equal(r.status, 200);
    assert.deepEqual((await introspect(t.access_token)).json, { active: false });
    const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
    assert.equal(u.status, 401);
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(again.status, 200, again.text);
    assert.equal((await introspect(again.json.access_token)).json.active, true);
    assert.ok(auditEvents({ db: srv.db }).some((e) => e.action === 'oidc.token.revoked'));
  });

  it('revokes the whole family with a refresh token (the hint is not trusted)', async () => {
    const t = await tokensFor(rp);
    // A wrong hint: the token's form decides.
    const r = await revoke(rp, t.refresh_token, 'access_token');
    assert.equal(r.status, 200);
    assert.deepEqual((await introspect(t.access_token)).json, { active: false }, 'the access token goes with its family');
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(again.status, 400);
    assert.equal(again.json.error, 'invalid_grant');
  });

  it('leaves another client\'s tokens alone (and answers 200, RFC 7009 §2.2)', async () => {
    const t = await tokensFor(rp);
    for (const tok of [t.access_token, t.refresh_token]) {
      const r = await revoke(rp2, tok);
      assert.equal(r.status, 200);
    }
    assert.equal((await introspect(t.access_token)).json.active, true, 'still active');
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(again.status, 200, 'the refresh token still works');
  });

  it('answers 200 for unknown tokens, refuses unauthenticated clients and a missing token', async () => {
    assert.equal((await revoke(rp, 'garbage')).status, 200);
    assert.equal((await revoke(rp, `1.1.${'A'.repeat(43)}`, 'refresh_token')).status, 200);
    const bad = await revoke({ id: rp.id, secret: 'wrong' }, 'garbage');
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error, 'invalid_client');
    const none = await post(srv, '/oidc/revoke', { token: 'x' });
    assert.equal(none.status, 401);
    const missing = await post(srv, '/oidc/revoke', {}, { auth: rp });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error, 'invalid_request');
  });
});

/** The hidden fields of a form_post page and its form's action (HTML entities decoded). */
function formPost(html) {
  const unescape = (v) => v.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const form = /<form method="post" action="([^"]*)" id="form-post">([\s\S]*?)<\/form>/.exec(html);
  assert.ok(form, 'no form_post form on the page');
  const fields = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(m[1])] = unescape(m[2]);
  return { action: unescape(form[1]), fields };
}

describe('OAuth toolbox: response_mode=form_post', () => {
  let srv;
  let rp;
  const CBQ = 'http://127.0.0.1:9/cb?x=1&y=2';

  before(async () => {
    srv = await startWorld();
    rp = addClient(srv, 'rp-fp', { redirect: [CB, CBQ] });
  });
  after(async () => {
    await srv?.stop();
  });

  it('advertises form_post', async () => {
    const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    assert.deepEqual(d.response_modes_supported, ['query', 'form_post']);
  });

  it('answers the code with an auto-submitted form, escaped, without a redirect', async () => {
    const jar = browser(srv);
    const state = `"><script>alert(1)</script>&é`;
    let res = await jar.fetch(authorizeUrl({
      client_id: rp.id, redirect_uri: CBQ, response_type: 'code', scope: 'openid', state,
      nonce: 'n', response_mode: 'form_post',
    }));
    await res.text();
    assert.equal(res.status, 303);
    const flow = res.headers.get('location');
    assert.match(flow, /^\/oidc\/continue\//);
    let page = await jar.get(flow);
    const back = await login(jar, PEOPLE.jan.user, new URL(page.headers.get('location'), jar.base).searchParams.get('next'));
    assert.equal(back, flow);
    page = await jar.get(flow);
    res = await jar.fetch(flow, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: profileOptions(page.text)[0].value }).toString(),
    });
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('location'), null, 'no redirect');
    assert.doesNotMatch(html, /http-equiv="refresh"/);
    assert.doesNotMatch(html, /<script>alert/, 'the state is escaped');
    assert.doesNotMatch(html, /<script>(?!<\/script>)[^<]/, 'no inline script');
    assert.match(html, /<script src="\/static\/form_post\.js" defer><\/script>/);
    assert.match(html, /<noscript><button type="submit"/);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /form-action http:\/\/127\.0\.0\.1:9;/);
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const { action, fields } = formPost(html);
    assert.equal(action, CBQ);
    assert.equal(fields.state, state);
    assert.equal(fields.iss, srv.url);
    assert.match(fields.code, /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/);
    // The code works.
    const t = await tokenRequest(srv.url, { grant_type: 'authorization_code', code: fields.code, redirect_uri: CBQ }, { basic: rp });
    assert.equal(t.status, 200, t.text);
    const js = await fetch(`${srv.url}/static/form_post.js`);
    assert.equal(js.status, 200);
    assert.match(await js.text(), /getElementById\('form-post'\)\.submit\(\)/);
  });

  it('answers errors with the form too (prompt=none without a session)', async () => {
    const res = await browser(srv).fetch(authorizeUrl({
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's<1>',
      prompt: 'none', response_mode: 'form_post',
    }));
    const html = await res.text();
    assert.equal(res.status, 200);
    const { action, fields } = formPost(html);
    assert.equal(action, CB);
    assert.equal(fields.error, 'login_required');
    assert.equal(fields.state, 's<1>');
    assert.equal(fields.code, undefined);
  });

  it('refuses an unknown response_mode (back to the client by query)', async () => {
    const res = await browser(srv).fetch(authorizeUrl({
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', response_mode: 'fragment',
    }));
    await res.text();
    assert.equal(res.status, 303);
    const u = new URL(res.headers.get('location'));
    assert.equal(u.searchParams.get('error'), 'invalid_request');
  });
});

/** Verifies a JWS against the server's JWKS (ES256 or RS256); returns { header, payload }. */
async function verifyJws(srv, jwt) {
  const [h, p, sig] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} is not in the JWKS`);
  assert.equal(jwk.alg, header.alg);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const ok = header.alg === 'ES256'
    ? verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))
    : verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url'));
  assert.ok(ok, 'the signature does not verify');
  return { header, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

describe('OAuth toolbox: JWT access tokens (RFC 9068)', () => {
  let srv;
  const AUD = 'https://jwt-api.example.be';
  const jrs = { id: 'jwt-api', secret: 'jwt-api-secret-0123456789' };
  let rp;
  let rpRs;
  let opaque;

  before(async () => {
    srv = await startWorld();
    portier(['rs', 'add', '--db', srv.db, '--id', jrs.id, '--secret', jrs.secret, '--audience', AUD, '--jwt-access-tokens']);
    portier(['rs', 'add', '--db', srv.db, '--id', 'plain-api', '--secret', API_SECRET, '--audience', API]);
    const reg = (id, aud, alg) => {
      const out = portier(['client', 'add', '--db', srv.db, '--id', id, '--application', 'TESTAPP',
        '--scope', 'openid profile', '--redirect-uri', CB, '--audience', aud, ...(alg ? ['--id-token-alg', alg] : [])]);
      return { id, secret: /client_secret: (\S+)/.exec(out)[1] };
    };
    rp = reg('rp-jwt', AUD);
    rpRs = reg('rp-jwt-rs', AUD, 'RS256');
    opaque = reg('rp-opaque', API);
  });
  after(async () => {
    await srv?.stop();
  });

  async function tokensFor(c) {
    const { verifier, challenge } = pkce();
    const url = await authorize(browser(srv), {
      client_id: c.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
      state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
    const r = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier,
    }, { basic: c });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('issues a signed at+jwt access token with the RFC 9068 claims and portier\'s', async () => {
    const t = await tokensFor(rp);
    const { header, payload: p } = await verifyJws(srv, t.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'ES256');
    assert.equal(p.iss, srv.url);
    assert.equal(p.aud, AUD);
    assert.equal(p.client_id, rp.id);
    assert.equal(p.scope, 'openid profile');
    assert.equal(p.exp - p.iat, 600);
    assert.match(p.sub, /^[A-Za-z0-9_-]{43}$/);
    assert.match(p.jti, /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/);
    assert.equal(p.organisation.enterprise_number, ORGS.pharma.enterprise);
    assert.deepEqual(p.applications, ['MEDSEIP', 'TESTAPP', 'TESTONE']);
    assert.equal(p.name, undefined);
    assert.equal(p.nonce, undefined);
    // The same token serves at userinfo, and its resource server introspects it.
    const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
    assert.equal(u.status, 200);
    assert.equal((await u.json()).sub, p.sub);
    const i = await post(srv, '/oidc/introspect', { token: t.access_token }, { auth: jrs });
    assert.equal(i.json.active, true);
    assert.equal(i.json.aud, AUD);
    // Signed with RS256 for a client registered so.
    const t2 = await tokensFor(rpRs);
    assert.equal((await verifyJws(srv, t2.access_token)).header.alg, 'RS256');
    // A refresh gives a new JWT; the old one stops.
    const r = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(r.status, 200);
    assert.equal((await verifyJws(srv, r.json.access_token)).header.typ, 'at+jwt');
    assert.deepEqual((await post(srv, '/oidc/introspect', { token: t.access_token }, { auth: jrs })).json, { active: false });
  });

  it('keeps the opaque form by default', async () => {
    const t = await tokensFor(opaque);
    assert.match(t.access_token, /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a JWT access token with a changed payload or signature, and revokes one', async () => {
    const t = await tokensFor(rp);
    const [h, p, s] = t.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, client_id: 'x' })).toString('base64url')}.${s}`;
    const badSig = `${h}.${p}.${s.slice(0, -4)}AAAA`;
    for (const tok of [forged, badSig]) {
      assert.deepEqual((await post(srv, '/oidc/introspect', { token: tok }, { auth: jrs })).json, { active: false });
      const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${tok}` } });
      assert.equal(u.status, 401);
    }
    // Another client cannot revoke it; its own client can.
    assert.equal((await post(srv, '/oidc/revoke', { token: t.access_token }, { auth: rpRs })).status, 200);
    assert.equal((await post(srv, '/oidc/introspect', { token: t.access_token }, { auth: jrs })).json.active, true);
    assert.equal((await post(srv, '/oidc/revoke', { token: t.access_token }, { auth: rp })).status, 200);
    assert.deepEqual((await post(srv, '/oidc/introspect', { token: t.access_token }, { auth: jrs })).json, { active: false });
    const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
    assert.equal(u.status, 401);
  });
});

describe('OAuth toolbox: pushed authorization requests (RFC 9126)', () => {
  let srv;
  const clock = testClock();
  let rp;
  let other;
  let strict;

  before(async () => {
    srv = await startWorld({ args: clock.args });
    rp = addClient(srv, 'rp-par', {});
    other = addClient(srv, 'rp-par-other', {});
    const out = portier(['client', 'add', '--db', srv.db, '--id', 'rp-par-strict', '--application', 'TESTAPP',
      '--scope', 'openid profile', '--redirect-uri', CB, '--require-par']);
    strict = { id: 'rp-par-strict', secret: /client_secret: (\S+)/.exec(out)[1] };
  });
  after(async () => {
    await srv?.stop();
  });

  const push = (c, form) => post(srv, '/oidc/par', { client_id: c.id, redirect_uri: CB, response_type: 'code', scope: 'openid', ...form }, { auth: c });

  it('is advertised', async () => {
    const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    assert.equal(d.pushed_authorization_request_endpoint, `${srv.url}/oidc/par`);
    assert.equal(d.require_pushed_authorization_requests, false);
  });

  it('runs a flow from a pushed request, once', async () => {
    const { verifier, challenge } = pkce();
    const r = await push(rp, { state: 'pushed-state', nonce: 'pn', code_challenge: challenge, code_challenge_method: 'S256' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.request_uri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    assert.equal(r.json.expires_in, 60);
    // Only client_id and request_uri in the browser's address; a state there is ignored.
    const url = await authorize(browser(srv), { client_id: rp.id, request_uri: r.json.request_uri, state: 'ignored' },
      { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
    assert.equal(url.searchParams.get('state'), 'pushed-state');
    const t = await tokenRequest(srv.url, { grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier }, { basic: rp });
    assert.equal(t.status, 200, t.text);
    // The request_uri is spent.
    const again = await browser(srv).fetch(authorizeUrl({ client_id: rp.id, request_uri: r.json.request_uri }));
    assert.equal(again.status, 400);
    assert.match(await again.text(), /expir|déjà servi/);
  });

  it('refuses an expired request_uri, and another client\'s (which stays usable by its own)', async () => {
    const r1 = await push(rp, { state: 'a' });
    clock.advance(61);
    const expired = await browser(srv).fetch(authorizeUrl({ client_id: rp.id, request_uri: r1.json.request_uri }));
    await expired.text();
    assert.equal(expired.status, 400);
    const r2 = await push(rp, { state: 'b' });
    const stolen = await browser(srv).fetch(authorizeUrl({ client_id: other.id, request_uri: r2.json.request_uri }));
    await stolen.text();
    assert.equal(stolen.status, 400);
    const own = await browser(srv).fetch(authorizeUrl({ client_id: rp.id, request_uri: r2.json.request_uri }));
    await own.text();
    assert.equal(own.status, 303);
    assert.match(own.headers.get('location'), /^\/oidc\/continue\//);
    const bad = await browser(srv).fetch(authorizeUrl({ client_id: rp.id, request_uri: 'urn:ietf:params:oauth:request_uri:nope' }));
    await bad.text();
    assert.equal(bad.status, 400);
  });

  it('checks the push: client authentication, redirect URI, parameters, no request_uri inside', async () => {
    const wrong = await post(srv, '/oidc/par', { client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid' }, { auth: { id: rp.id, secret: 'nope' } });
    assert.equal(wrong.status, 401);
    assert.equal((await push(rp, { redirect_uri: 'http://127.0.0.1:9/elsewhere' })).json.error, 'invalid_request');
    const noOpenid = await push(rp, { scope: 'profile' });
    assert.equal(noOpenid.status, 400);
    assert.equal(noOpenid.json.error, 'invalid_scope');
    assert.equal((await push(rp, { request_uri: 'urn:x' })).json.error, 'invalid_request');
    // The client secret is never among the stored parameters.
    const viaPost = await post(srv, '/oidc/par', { client_id: rp.id, client_secret: rp.secret, redirect_uri: CB, response_type: 'code', scope: 'openid' });
    assert.equal(viaPost.status, 201);
  });

  it('refuses a request without PAR from a client that requires it', async () => {
    const res = await browser(srv).fetch(authorizeUrl({ client_id: strict.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 'st' }));
    await res.text();
    assert.equal(res.status, 303);
    const u = new URL(res.headers.get('location'));
    assert.equal(u.searchParams.get('error'), 'invalid_request');
    assert.equal(u.searchParams.get('state'), 'st');
    assert.match(portier(['client', 'list', '--db', srv.db]), /require_pushed_authorization_requests: true/);
    const r = await push(strict, { state: 'ok' });
    const ok = await browser(srv).fetch(authorizeUrl({ client_id: strict.id, request_uri: r.json.request_uri }));
    await ok.text();
    assert.equal(ok.status, 303);
    assert.match(ok.headers.get('location'), /^\/oidc\/continue\//);
  });
});

/** A relying party's back-channel logout endpoint on loopback: records each POST (content
 * type and body) and answers status. */
async function relyingParty(status = 200) {
  const hits = [];
  const waiters = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hits.push({ method: req.method, type: req.headers['content-type'], body });
      res.writeHead(status, { 'cache-control': 'no-store' });
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    hits,
    url: `http://127.0.0.1:${server.address().port}/bcl`,
    /** Resolves once at least n POSTs arrived (the delivery thread runs every second). */
    async until(n, what) {
      const deadline = Date.now() + 30000;
      while (hits.length < n) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
        await new Promise((ok) => { waiters.push(ok); setTimeout(ok, 250); });
      }
    },
    close: () => new Promise((ok) => server.close(ok)),
  };
}

describe('OAuth toolbox: back-channel logout', () => {
  let srv;
  let rp;
  let plain;
  let rpServer;
  const clock = testClock();

  before(async () => {
    srv = await startWorld({ args: clock.args });
    rpServer = await relyingParty(200);
    const out = portier(['client', 'add', '--db', srv.db, '--id', 'rp-bcl', '--application', 'TESTAPP',
      '--scope', 'openid profile', '--redirect-uri', CB, '--backchannel-logout-uri', rpServer.url,
      '--backchannel-logout-session-required']);
    rp = { id: 'rp-bcl', secret: /client_secret: (\S+)/.exec(out)[1] };
    plain = addClient(srv, 'rp-no-bcl', {});
  });
  after(async () => {
    await srv?.stop();
    await rpServer?.close();
  });

  async function login(c, jar, account = ACCOUNTS.jan) {
    const { verifier, challenge } = pkce();
    const url = await authorize(jar, {
      client_id: c.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
      state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user, account });
    const r = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier,
    }, { basic: c });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  /** Checks a POST of the RP's endpoint: form-encoded logout_token, signed, with the
   * claims of Back-Channel Logout §2.4 for the ID token idt; returns its payload. */
  async function checkLogoutToken(hit, idt) {
    assert.equal(hit.method, 'POST');
    assert.match(hit.type, /^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(hit.body);
    assert.deepEqual([...form.keys()], ['logout_token']);
    const { header, payload: p } = await verifyJws(srv, form.get('logout_token'));
    assert.equal(header.typ, 'logout+jwt');
    const id = JSON.parse(Buffer.from(idt.split('.')[1], 'base64url').toString());
    assert.equal(p.iss, srv.url);
    assert.equal(p.aud, rp.id);
    assert.equal(p.sub, id.sub);
    assert.match(p.sid, /^[A-Za-z0-9_-]{22}$/);
    assert.match(p.jti, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(typeof p.iat, 'number');
    assert.ok(p.exp > p.iat);
    assert.deepEqual(p.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
    assert.equal(p.nonce, undefined, 'a logout token never has a nonce');
    return p;
  }

  it('advertises back-channel logout and puts sid in the ID tokens of clients that ask', async () => {
    const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    assert.equal(d.backchannel_logout_supported, true);
    assert.equal(d.backchannel_logout_session_supported, true);
    const t = await login(rp, browser(srv));
    assert.match(jwtSid(t.id_token), /^[A-Za-z0-9_-]{22}$/);
    const t2 = await login(plain, browser(srv));
    assert.equal(jwtSid(t2.id_token), undefined);
    assert.match(portier(['client', 'list', '--db', srv.db]), /backchannel_logout_uri: http:\/\/127\.0\.0\.1:\d+\/bcl \(session required\)/);
  });

  it('tells the relying party when the person logs out at portier; its grant ends', async () => {
    const jar = browser(srv);
    const t = await login(rp, jar);
    const other = await login(plain, jar);
    const before = rpServer.hits.length;
    const r = await jar.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: t.id_token })}`);
    assert.equal(r.status, 200);
    // The earlier test's grant of rp-bcl (another browser, same person) is told too.
    await rpServer.until(before + 2, 'the logout tokens');
    const sids = [];
    for (const hit of rpServer.hits.slice(before)) sids.push((await checkLogoutToken(hit, t.id_token)).sid);
    assert.ok(sids.includes(jwtSid(t.id_token)), 'the logout token names the session');
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(again.status, 400, 'the grant is revoked');
    // A client without a back-channel URI keeps its grant (RP-initiated logout of rp-bcl).
    const kept = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: other.refresh_token }, { basic: plain });
    assert.equal(kept.status, 200);
  });

  it('tells the relying party when the account is suspended', async () => {
    const t = await login(rp, browser(srv), ACCOUNTS.janMedi);
    const before = rpServer.hits.length;
    setJanMedi(srv, true);
    try {
      await rpServer.until(before + 1, 'the logout token of the suspension');
      const p = await checkLogoutToken(rpServer.hits[before], t.id_token);
      assert.equal(p.sid, jwtSid(t.id_token));
      const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
      assert.equal(again.status, 400);
    } finally {
      setJanMedi(srv, false);
    }
  });

  it('retries a failing relying party with back-off, then stops after the bound', async () => {
    const failing = await relyingParty(500);
    try {
      portier(['client', 'add', '--db', srv.db, '--id', 'rp-bcl-down', '--application', 'TESTAPP',
        '--scope', 'openid profile', '--redirect-uri', CB, '--backchannel-logout-uri', failing.url]);
      const c = { id: 'rp-bcl-down' };
      c.secret = /client_secret: (\S+)/.exec(portier(['client', 'rotate-secret', '--db', srv.db, '--id', c.id]))[1];
      const jar = browser(srv);
      const t = await login(c, jar);
      const r = await jar.get(`/oidc/logout?${new URLSearchParams({ id_token_hint: t.id_token })}`);
      assert.equal(r.status, 200);
      await failing.until(1, 'the first attempt');
      // Each retry waits longer; the test clock moves past each wait. It moves again
      // while no attempt came: the server may record an attempt after the clock moved.
      for (let n = 2; n <= 6; n++) {
        const deadline = Date.now() + 60000;
        while (failing.hits.length < n) {
          assert.ok(Date.now() < deadline, `timed out waiting for attempt ${n}`);
          clock.advance(3700);
          await new Promise((ok) => setTimeout(ok, 1500));
        }
        assert.equal(failing.hits.length, n, 'one attempt at a time');
      }
      // Each attempt, an hour after the last, carries a token made for it (one kept from
      // the first would have expired 2 minutes after it), for the same session.
      const payloads = failing.hits.map((h) => JSON.parse(Buffer.from(
        new URLSearchParams(h.body).get('logout_token').split('.')[1], 'base64url').toString()));
      assert.equal(new Set(payloads.map((p) => p.jti)).size, 6, 'a token for each attempt');
      for (let i = 1; i < 6; i++) assert.ok(payloads[i].iat >= payloads[i - 1].exp, 'made at its attempt');
      assert.equal(new Set(payloads.map((p) => `${p.sub} ${p.sid}`)).size, 1, 'the same session');
      clock.advance(24 * 3600);
      await new Promise((ok) => setTimeout(ok, 2500));
      assert.equal(failing.hits.length, 6, 'no attempt after the bound');
      assert.match(srv.logs(), /back-channel logout to rp-bcl-down: HTTP 500 \(attempt 6 of 6\)/);
    } finally {
      await failing.close();
    }
  });
});

function jwtSid(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).sid;
}

describe('OAuth toolbox: the claims request parameter', () => {
  let srv;
  let rp;

  before(async () => {
    srv = await startWorld();
    rp = addClient(srv, 'rp-claims', { scope: 'openid profile email' });
  });
  after(async () => {
    await srv?.stop();
  });

  async function flow(params) {
    const { verifier, challenge } = pkce();
    const url = await authorize(browser(srv), {
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's', nonce: 'n',
      code_challenge: challenge, code_challenge_method: 'S256', ...params,
    }, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
    if (url.searchParams.get('error')) return { error: url.searchParams.get('error') };
    const r = await tokenRequest(srv.url, { grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier }, { basic: rp });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('is advertised', async () => {
    const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    assert.equal(d.claims_parameter_supported, true);
  });

  it('releases the known claims asked (essential or not) that the client may have; ignores unknown ones', async () => {
    const t = await flow({ claims: JSON.stringify({
      id_token: { email: { essential: true }, national_number: { essential: true }, unknown_claim: null },
      userinfo: { given_name: null },
    }) });
    const idt = JSON.parse(Buffer.from(t.id_token.split('.')[1], 'base64url').toString());
    assert.equal(idt.email, `${PEOPLE.jan.user}@example.be`);
    assert.equal(idt.national_number, undefined, 'a claim the client may not have is not released');
    assert.equal(idt.unknown_claim, undefined);
    const u = await (await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } })).json();
    assert.equal(u.given_name, PEOPLE.jan.first);
    assert.deepEqual(t.scope.split(' ').sort(), ['email', 'openid', 'profile']);
    // Without the parameter, scope openid alone releases neither.
    const plain = await flow({});
    const idt2 = JSON.parse(Buffer.from(plain.id_token.split('.')[1], 'base64url').toString());
    assert.equal(idt2.email, undefined);
    assert.equal(idt2.given_name, undefined);
  });

  it('refuses invalid JSON, a malformed request and a too large one (invalid_request)', async () => {
    for (const claims of ['{not json', '[]', '{"id_token":["email"]}', '{"userinfo":{"email":true}}',
      JSON.stringify({ userinfo: { email: { essential: true, pad: 'x'.repeat(5000) } } })]) {
      // By POST: the largest would not fit in an address.
      const res = await browser(srv).fetch('/oidc/authorize', {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's', claims }).toString(),
      });
      await res.text();
      assert.equal(res.status, 303, claims.slice(0, 40));
      const u = new URL(res.headers.get('location'));
      assert.equal(u.searchParams.get('error'), 'invalid_request', claims.slice(0, 40));
      assert.match(u.searchParams.get('error_description'), /claims/);
    }
  });
});
