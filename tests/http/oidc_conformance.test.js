// oidc_conformance.test.js — what the OpenID conformance suite (Config and Basic OP plans)
// and the hardening issue ask of the provider beyond the code flow itself: RS256 beside
// ES256 (per client, both in the JWKS, both rotated), id_token_hint at the authorization
// endpoint, repeated parameters refused, email_verified, CORS on token and userinfo for
// public clients only, bearer/basic schemes in any case, a pending flow bound to the
// browser that started it, and logout error pages that speak of logout.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { h1 } from '../lib/server.js';
import {
  ACCOUNTS, addClient, authorize, authorizeUrl, browser, csrfOf, jwtPayload, login, PEOPLE, pkce,
  portier, startWorld, tokenRequest,
} from './oidc_lib.js';

const CB = 'http://127.0.0.1:9/cb';
const SPA_CB = 'http://127.0.0.1:7/app/cb';
const SPA_ORIGIN = 'http://127.0.0.1:7';

/** Verifies a JWT (ES256 or RS256) against the server's JWKS; returns header and payload. */
async function verifyJwt(srv, jwt) {
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} is not in the JWKS`);
  assert.equal(jwk.alg, header.alg, 'the key of the kid is of the header\'s alg');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const ok = header.alg === 'ES256'
    ? verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
    : verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  assert.ok(ok, `the ${header.alg} signature does not verify`);
  return { header, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

/** The active signing keys (`portier keys list`), as 'kid|alg', by alg. */
function activeKeys(db) {
  return portier(['keys', 'list', '--db', db]).split('\n').slice(1)
    .map((l) => l.split(/\s+/)).filter((f) => f.at(-1) === 'active')
    .map((f) => `${f[0]}|${f[1]}`).sort((x, y) => x.split('|')[1].localeCompare(y.split('|')[1]));
}

/** The ids of the registered clients (`portier client list`). */
function clientIds(db) {
  return portier(['client', 'list', '--db', db]).split('\n').filter((l) => l !== '' && !l.startsWith(' '));
}

/** RFC 7638 thumbprint of a public JWK. */
function thumbprint(jwk) {
  const canon = jwk.kty === 'EC'
    ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
    : JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canon).digest('base64url');
}

describe('OpenID Connect conformance', () => {
  let srv;
  let rp;       // confidential, ES256 (the default)
  let rsa;      // confidential, RS256
  let spa;      // public, its own origin
  let other;    // another confidential client
  let one;      // confidential, of TESTONE

  before(async () => {
    // Claire gets TESTONE: a second person who can log in to client one, where Jan has
    // a single profile (prompt=none can answer without a choice).
    srv = await startWorld({}, { claireApps: ['TESTONE'] });
    rp = addClient(srv, 'rp', { scope: 'openid profile email', redirect: [CB] });
    rsa = addClient(srv, 'rsa-rp', { scope: 'openid profile email', redirect: [CB], idTokenAlg: 'RS256' });
    spa = addClient(srv, 'spa', { public: true, scope: 'openid profile', redirect: [SPA_CB] });
    other = addClient(srv, 'other-rp', { redirect: [CB] });
    one = addClient(srv, 'one', { application: 'TESTONE', redirect: [CB] });
  });
  after(async () => {
    await srv?.stop();
  });

  /** A whole login for client c in jar (a fresh one by default); returns the token reply. */
  async function tokensFor(c, { user = PEOPLE.jan.user, account, scope = 'openid profile email', jar } = {}) {
    const { verifier, challenge } = pkce();
    const redirect = c === spa ? SPA_CB : CB;
    const url = await authorize(jar ?? browser(srv), {
      client_id: c.id, redirect_uri: redirect, response_type: 'code', scope, state: 's', nonce: 'n',
      code_challenge: challenge, code_challenge_method: 'S256',
    }, { user, account });
    const code = url.searchParams.get('code');
    assert.ok(code, `no code: ${url}`);
    const form = { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier };
    if (!c.secret) form.client_id = c.id;
    const t = await tokenRequest(srv.url, form, c.secret ? { basic: c } : {});
    assert.equal(t.status, 200, t.text);
    return t.json;
  }

  describe('RS256 beside ES256', () => {
    it('announces both algorithms and publishes one key of each in the JWKS', async () => {
      const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
      assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
      assert.ok(d.claims_supported.includes('email_verified'));
      const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
      assert.equal(jwks.keys.length, 2);
      const ec = jwks.keys.find((k) => k.kty === 'EC');
      const rs = jwks.keys.find((k) => k.kty === 'RSA');
      assert.ok(ec && rs, JSON.stringify(jwks));
      assert.deepEqual([ec.alg, ec.use, ec.crv], ['ES256', 'sig', 'P-256']);
      assert.deepEqual([rs.alg, rs.use, rs.e], ['RS256', 'sig', 'AQAB']);
      const bits = Buffer.from(rs.n, 'base64url').length * 8;
      assert.ok(bits === 2048 || bits === 3072, `RSA modulus of ${bits} bits`);
      for (const k of [ec, rs]) {
        assert.equal(k.kid, thumbprint(k), 'kid is the RFC 7638 thumbprint');
        for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[priv], undefined);
      }
    });

    it('signs the ID token with the algorithm registered for the client', async () => {
      const t = await tokensFor(rsa);
      const { header, payload } = await verifyJwt(srv, t.id_token);
      assert.equal(header.alg, 'RS256');
      assert.equal(payload.aud, rsa.id);
      const e = await tokensFor(rp);
      assert.equal((await verifyJwt(srv, e.id_token)).header.alg, 'ES256');
      // A refresh keeps the client's algorithm.
      const r = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rsa });
      assert.equal(r.status, 200, r.text);
      assert.equal((await verifyJwt(srv, r.json.id_token)).header.alg, 'RS256');
    });

    it('registers the algorithm with `portier client add --id-token-alg` and lists it', () => {
      const out = portier(['client', 'list', '--db', srv.db]);
      assert.match(out, /rsa-rp\n(?: {2}.*\n)*? {2}id_token_signed_response_alg: RS256/);
      assert.match(out, /\nrp\n(?: {2}.*\n)*? {2}id_token_signed_response_alg: ES256/);
      assert.throws(() => addClient(srv, 'hs', { idTokenAlg: 'HS256' }), /RS256 or ES256/);
      assert.throws(() => addClient(srv, 'none', { idTokenAlg: 'none' }), /RS256 or ES256/);
      assert.deepEqual(clientIds(srv.db).filter((id) => ['hs', 'none'].includes(id)), []);
    });

    it('rotates both keys with `portier keys rotate`; the old ones stay listed as published', () => {
      const before = activeKeys(srv.db);
      assert.equal(before.length, 2);
      const out = portier(['keys', 'rotate', '--db', srv.db]);
      const kids = [...out.matchAll(/new (ES256|RS256) signing key (\S+)/g)].map((m) => [m[1], m[2]]);
      assert.deepEqual(kids.map((k) => k[0]).sort(), ['ES256', 'RS256']);
      const active = activeKeys(srv.db);
      assert.deepEqual(active.map((l) => l.split('|')[1]), ['ES256', 'RS256']);
      for (const [alg, kid] of kids) assert.ok(active.includes(`${kid}|${alg}`), `${alg} ${kid} active`);
      for (const old of before) assert.ok(!active.includes(old), 'the previous keys are retired');
      const list = portier(['keys', 'list', '--db', srv.db]);
      assert.equal((list.match(/ active\n/g) ?? []).length, 2, list);
      assert.equal((list.match(/retired, published until/g) ?? []).length, 2, list);
      assert.match(list, /RS256/);
    });
  });

  it('says email_verified (false: portier never confirms the address) with the email scope', async () => {
    const t = await tokensFor(rp);
    const id = jwtPayload(t.id_token);
    assert.equal(id.email, `${PEOPLE.jan.user}@example.be`);
    assert.equal(id.email_verified, false);
    const u = await (await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } })).json();
    assert.equal(u.email_verified, false);
    const n = await tokensFor(rp, { scope: 'openid profile' });
    assert.equal(jwtPayload(n.id_token).email_verified, undefined, 'not without the email scope');
  });

  describe('id_token_hint at the authorization endpoint', () => {
    let janHint;
    let claireHint;
    let jar;      // Jan's browser, logged in

    before(async () => {
      jar = browser(srv);
      janHint = (await tokensFor(one, { jar, scope: 'openid' })).id_token;
      claireHint = (await tokensFor(one, { user: PEOPLE.claire.user, account: ACCOUNTS.claire, scope: 'openid' })).id_token;
    });

    const silent = (extra) => authorizeUrl({
      client_id: one.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 'h',
      prompt: 'none', ...extra,
    });

    it('answers prompt=none at once when the hint names the person of the session', async () => {
      const r = await jar.get(silent({ id_token_hint: janHint }));
      assert.equal(r.status, 303);
      const to = new URL(r.headers.get('location'));
      assert.ok(to.searchParams.get('code'), `no code: ${to}`);
      assert.equal(to.searchParams.get('state'), 'h');
    });

    it('answers login_required when the hint names another person', async () => {
      const r = await jar.get(silent({ id_token_hint: claireHint }));
      assert.equal(r.status, 303);
      const to = new URL(r.headers.get('location'));
      assert.equal(to.searchParams.get('error'), 'login_required');
      assert.equal(to.searchParams.get('code'), null);
      assert.equal(to.searchParams.get('state'), 'h');
    });

    it('refuses an invalid hint with invalid_request, by redirect', async () => {
      const [h, p, s] = janHint.split('.');
      const forgedClaims = { ...jwtPayload(janHint), sub: jwtPayload(claireHint).sub };
      const cases = [
        [`${h}.${p}.${s.slice(0, -6)}AAAAAA`, 'bad signature'],
        [`${h}.${Buffer.from(JSON.stringify(forgedClaims)).toString('base64url')}.${s}`, 'changed claims'],
        ['not-a-jwt', 'garbage'],
        [`${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`, 'alg none'],
      ];
      for (const [hint, what] of cases) {
        for (const prompt of ['none', undefined]) {
          const extra = { id_token_hint: hint };
          const url = prompt ? silent(extra) : silent({ ...extra, prompt: 'login' });
          const r = await jar.get(url);
          assert.equal(r.status, 303, what);
          const to = new URL(r.headers.get('location'));
          assert.equal(to.origin + to.pathname, CB, what);
          assert.equal(to.searchParams.get('error'), 'invalid_request', `${what}: ${to}`);
          assert.equal(to.searchParams.get('code'), null, what);
        }
      }
      // A genuine ID token of another client is not a hint for this one.
      const o = await tokensFor(other, { scope: 'openid' });
      const r = await jar.get(silent({ id_token_hint: o.id_token }));
      assert.equal(new URL(r.headers.get('location')).searchParams.get('error'), 'invalid_request');
    });

    it('asks for a new login (not the session\'s person) when an interactive hint names another', async () => {
      const r = await jar.get(silent({ id_token_hint: claireHint, prompt: 'login' }));
      const flow = r.headers.get('location');
      assert.match(flow, /^\/oidc\/continue\//);
      const noPrompt = await jar.get(authorizeUrl({
        client_id: one.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 'h', id_token_hint: claireHint,
      }));
      const page = await jar.get(noPrompt.headers.get('location'));
      assert.equal(page.status, 303, 'Jan is sent to log in again rather than answered as Jan');
      assert.match(page.headers.get('location'), /^\/login\?/);
    });
  });

  describe('repeated parameters', () => {
    it('refuses a code sent twice at the token endpoint, before using it', async () => {
      const { verifier, challenge } = pkce();
      const url = await authorize(browser(srv), {
        client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: challenge,
        code_challenge_method: 'S256',
      }, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
      const code = url.searchParams.get('code');
      const body = `grant_type=authorization_code&code=${encodeURIComponent(code)}&code=garbage&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${verifier}`;
      const auth = `Basic ${Buffer.from(`${rp.id}:${rp.secret}`).toString('base64')}`;
      const post = (b) => fetch(`${srv.url}/oidc/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth }, body: b,
      });
      let res = await post(body);
      let j = await res.json();
      assert.equal(res.status, 400);
      assert.equal(j.error, 'invalid_request');
      assert.equal(j.access_token, undefined);
      assert.match(j.error_description, /code/);
      for (const b of [
        `grant_type=authorization_code&grant_type=refresh_token&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${verifier}`,
        `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(CB)}&redirect_uri=${encodeURIComponent(CB)}&code_verifier=${verifier}`,
      ]) {
        res = await post(b);
        j = await res.json();
        assert.equal(j.error, 'invalid_request', b);
      }
      // The code was not spent by the refusals.
      res = await post(body.replace('&code=garbage', ''));
      j = await res.json();
      assert.equal(res.status, 200, JSON.stringify(j));
      assert.ok(j.access_token);
    });

    it('refuses a repeated parameter at the authorization endpoint', async () => {
      const jar = browser(srv);
      const base = `client_id=${rp.id}&redirect_uri=${encodeURIComponent(CB)}&response_type=code&state=r`;
      // Repeated after a verified client and redirect URI: back to the client.
      for (const q of [`${base}&scope=openid&scope=openid%20profile`, `${base}&scope=openid&response_type=code`,
        `${base}&scope=openid&nonce=a&nonce=b`]) {
        const r = await jar.get(`/oidc/authorize?${q}`);
        assert.equal(r.status, 303, q);
        const to = new URL(r.headers.get('location'));
        assert.equal(to.origin + to.pathname, CB);
        assert.equal(to.searchParams.get('error'), 'invalid_request', q);
        assert.equal(to.searchParams.get('code'), null);
      }
      // client_id or redirect_uri repeated: not trusted, an error page.
      for (const q of [`${base}&scope=openid&client_id=${other.id}`, `${base}&scope=openid&redirect_uri=${encodeURIComponent(CB)}`]) {
        const r = await jar.get(`/oidc/authorize?${q}`);
        assert.equal(r.status, 400, q);
        assert.equal(r.headers.get('location'), null, q);
        assert.match(r.headers.get('content-type'), /^text\/html/);
      }
      // POST: the same parameter in the query and in the form is repeated too.
      const r = await jar.get(`/oidc/authorize?scope=openid`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${base}&scope=openid`,
      });
      assert.equal(r.status, 303);
      assert.equal(new URL(r.headers.get('location')).searchParams.get('error'), 'invalid_request');
      // A POST without repetition still works.
      const ok = await jar.get('/oidc/authorize', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${base}&scope=openid`,
      });
      assert.equal(ok.status, 303);
      assert.match(ok.headers.get('location'), /^\/oidc\/continue\//);
    });

    it('refuses an access token given twice at userinfo', async () => {
      const t = await tokensFor(rp);
      const res = await fetch(`${srv.url}/oidc/userinfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${encodeURIComponent(t.access_token)}&access_token=x`,
      });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error, 'invalid_request');
    });
  });

  describe('CORS for public clients', () => {
    it('answers the preflight of an origin of a public client\'s redirect URI only', async () => {
      for (const path of ['/oidc/token', '/oidc/userinfo']) {
        let res = await fetch(`${srv.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
        });
        assert.equal(res.status, 204, path);
        assert.equal(res.headers.get('access-control-allow-origin'), SPA_ORIGIN, path);
        assert.match(res.headers.get('vary') ?? '', /Origin/, path);
        assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/, path);
        assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/i, path);
        // The origin of a confidential client, or an unknown one: no permission.
        for (const origin of ['http://127.0.0.1:9', 'https://evil.example', 'null']) {
          res = await fetch(`${srv.url}${path}`, {
            method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' },
          });
          assert.equal(res.headers.get('access-control-allow-origin'), null, `${path} ${origin}`);
        }
      }
    });

    it('lets the public client read token and userinfo answers from its own origin', async () => {
      const { verifier, challenge } = pkce();
      const url = await authorize(browser(srv), {
        client_id: spa.id, redirect_uri: SPA_CB, response_type: 'code', scope: 'openid profile',
        code_challenge: challenge, code_challenge_method: 'S256',
      }, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
      const res = await fetch(`${srv.url}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SPA_ORIGIN },
        body: new URLSearchParams({
          grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: SPA_CB,
          code_verifier: verifier, client_id: spa.id,
        }).toString(),
      });
      const t = await res.json();
      assert.equal(res.status, 200, JSON.stringify(t));
      assert.equal(res.headers.get('access-control-allow-origin'), SPA_ORIGIN);
      assert.match(res.headers.get('vary') ?? '', /Origin/);
      let u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}`, origin: SPA_ORIGIN } });
      assert.equal(u.status, 200);
      assert.equal(u.headers.get('access-control-allow-origin'), SPA_ORIGIN);
      // Another origin: the answer comes, but without permission for that origin.
      u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}`, origin: 'https://evil.example' } });
      assert.equal(u.headers.get('access-control-allow-origin'), null);
      assert.match(u.headers.get('vary') ?? '', /Origin/);
    });

    it('never answers with CORS permission for a confidential client', async () => {
      const t = await tokensFor(rp);
      const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}`, origin: 'http://127.0.0.1:9' } });
      assert.equal(u.status, 200);
      assert.equal(u.headers.get('access-control-allow-origin'), null);
      const r = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('access-control-allow-origin'), null);
    });
  });

  it('accepts the bearer and basic schemes in any case', async () => {
    const t = await tokensFor(rp);
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `${scheme} ${t.access_token}` } });
      assert.equal(u.status, 200, scheme);
    }
    let refresh = t.refresh_token;
    for (const scheme of ['basic', 'BASIC']) {
      const res = await fetch(`${srv.url}/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `${scheme} ${Buffer.from(`${rp.id}:${rp.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh }).toString(),
      });
      const j = await res.json();
      assert.equal(res.status, 200, `${scheme}: ${JSON.stringify(j)}`);
      refresh = j.refresh_token;
    }
  });

  describe('a pending flow is bound to the browser that started it', () => {
    it('refuses /oidc/continue/ID from another browser, logged in or not', async () => {
      const a = browser(srv);
      const r = await a.get(authorizeUrl({
        client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 'b',
      }));
      const flow = r.headers.get('location');
      assert.match(flow, /^\/oidc\/continue\//);
      // Someone else, logged in as Claire, follows the link.
      const b = browser(srv);
      await login(b, PEOPLE.claire.user);
      let page = await b.get(flow);
      assert.equal(page.status, 403, `another browser: ${page.status}`);
      assert.ok(!/<select id="org"/.test(page.text), 'no profile choice in the other browser');
      // The other browser cannot choose a profile either.
      const csrf = csrfOf((await b.get('/oidc/logout')).text);
      page = await b.get(flow, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, org: ACCOUNTS.claire }).toString(),
      });
      assert.equal(page.status, 403);
      assert.equal(page.headers.get('location'), null);
      // Nor cancel it.
      page = await b.get(flow.replace('/continue/', '/cancel/'));
      assert.equal(page.status, 403);
      // A browser without any cookie: refused too, not sent to the login page.
      page = await browser(srv).get(flow);
      assert.equal(page.status, 403);
      // The browser that started it finishes it.
      page = await a.get(flow);
      assert.equal(page.status, 303, 'off to log in');
      await login(a, PEOPLE.jan.user, flow);
      page = await a.get(flow);
      assert.equal(page.status, 200);
      assert.match(page.text, /<select id="org"/);
    });
  });

  it('titles the logout error pages as logout, not login', async () => {
    const jar = browser(srv);
    for (const q of [
      { id_token_hint: 'not-a-jwt' },
      { client_id: rp.id, post_logout_redirect_uri: 'http://127.0.0.1:9/evil' },
    ]) {
      const r = await jar.get(`/oidc/logout?${new URLSearchParams(q)}`);
      assert.equal(r.status, 400);
      assert.equal(h1(r.text), 'Déconnexion impossible', JSON.stringify(q));
      assert.ok(!/<title>[^<]*Connexion impossible/.test(r.text), 'the title says logout');
    }
  });
});
