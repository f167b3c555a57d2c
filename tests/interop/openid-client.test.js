// openid-client.test.js — interoperability proof (issue 7, part 5): the certified
// relying-party library openid-client from npm, unmodified, runs the whole flow against
// portier: discovery, authorization code flow with PKCE, ID token validation (signature
// from the JWKS with the library's non-repudiation checks, iss, aud, exp, nonce), userinfo,
// refresh, RP-initiated logout; with ES256 and RS256 ID tokens. Only the
// browser is played by the test (a cookie jar through the access-codes door and the
// profile choice). http on loopback is allowed with the library's allowInsecureRequests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as oidc from 'openid-client';

import {
  ACCOUNTS, addClient, authorize, browser, ORGS, PEOPLE, startWorld,
} from '../http/oidc_lib.js';

const CB = 'http://127.0.0.1:9/callback';
const BYE = 'http://127.0.0.1:9/';

describe('openid-client against portier', () => {
  let srv;
  let confidential;
  let spa;
  let rsa;

  before(async () => {
    srv = await startWorld();
    confidential = addClient(srv, 'portal', { scope: 'openid profile email', redirect: [CB], postLogout: [BYE] });
    spa = addClient(srv, 'spa', { public: true, scope: 'openid profile', redirect: [CB], postLogout: [BYE] });
    rsa = addClient(srv, 'rs-portal', { scope: 'openid profile', redirect: [CB], idTokenAlg: 'RS256' });
  });
  after(async () => {
    await srv?.stop();
  });

  /** The browser part: from the authorization URL to the callback URL. */
  async function browse(jar, url) {
    const u = new URL(url);
    const params = Object.fromEntries(u.searchParams.entries());
    return authorize(jar, params, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
  }

  /**
   * A code flow of config's client with PKCE (S256) and a nonce, for scope, through the
   * browser part as Jan: { verifier, nonce, callback }.
   */
  async function janCallback(config, scope) {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CB, scope, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    return { verifier, nonce, callback: await browse(browser(srv), url) };
  }

  for (const [name, auth] of [
    ['client_secret_basic', (c) => oidc.ClientSecretBasic(c.secret)],
    ['client_secret_post', (c) => oidc.ClientSecretPost(c.secret)],
  ]) {
    it(`completes the flow as a confidential client (${name})`, async () => {
      const config = await oidc.discovery(new URL(srv.url), confidential.id, undefined,
        auth(confidential), { execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] });
      assert.equal(config.serverMetadata().issuer, srv.url);

      const verifier = oidc.randomPKCECodeVerifier();
      const challenge = await oidc.calculatePKCECodeChallenge(verifier);
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: CB, scope: 'openid profile email', code_challenge: challenge,
        code_challenge_method: 'S256', nonce, state, ui_locales: 'fr',
      });
      const jar = browser(srv);
      const callback = await browse(jar, url);

      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state,
        idTokenExpected: true, maxAge: 600,
      });
      assert.equal(tokens.token_type, 'bearer');
      const claims = tokens.claims();
      assert.equal(claims.iss, srv.url);
      assert.equal(claims.aud, confidential.id);
      assert.equal(claims.nonce, nonce);
      assert.equal(claims.name, 'Jan Peeters');
      assert.equal(claims.organisation.enterprise_number, ORGS.pharma.enterprise);
      assert.equal(claims.acr, 'urn:portier:loa:low');

      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(info.sub, claims.sub);
      assert.equal(info.email, `${PEOPLE.jan.user}@example.be`);
      assert.deepEqual(info.organisation, claims.organisation);
      await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, 'someone-else'),
        'a userinfo of another subject is refused by the library');

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      assert.equal(refreshed.claims().sub, claims.sub);
      const info2 = await oidc.fetchUserInfo(config, refreshed.access_token, claims.sub);
      assert.equal(info2.sub, claims.sub);
      // The spent refresh token: refused (and the family with it).
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token),
        (e) => e.error === 'invalid_grant');
      await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token),
        (e) => e.error === 'invalid_grant');

      const endUrl = oidc.buildEndSessionUrl(config, {
        id_token_hint: refreshed.id_token, post_logout_redirect_uri: BYE, state: 'bye',
      });
      assert.equal(endUrl.origin + endUrl.pathname, `${srv.url}/oidc/logout`);
      const res = await jar.fetch(endUrl.href);
      await res.text();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `${BYE}?state=bye`);
      // Logged out: the next silent authorization needs a login.
      const silent = oidc.buildAuthorizationUrl(config, {
        redirect_uri: CB, scope: 'openid', prompt: 'none', state: 's',
        code_challenge: challenge, code_challenge_method: 'S256',
      });
      const r = await jar.fetch(silent.href);
      await r.text();
      const back = new URL(r.headers.get('location'));
      await assert.rejects(oidc.authorizationCodeGrant(config, back, {
        pkceCodeVerifier: verifier, expectedState: 's',
      }), (e) => e.error === 'login_required');
    });
  }

  it('completes the flow as a public client with PKCE', async () => {
    const config = await oidc.discovery(new URL(srv.url), spa.id, undefined, oidc.None(),
      { execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] });
    const { verifier, nonce, callback } = await janCallback(config, 'openid profile');
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true,
    });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    assert.equal(info.given_name, 'Jan');
    // The same code with a wrong verifier is refused by portier.
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedNonce: nonce,
    }), (e) => e.error === 'invalid_grant');
  });

  it('validates an RS256 ID token for a client registered with it', async () => {
    // The library insists on the registered id_token_signed_response_alg.
    const config = await oidc.discovery(new URL(srv.url), rsa.id,
      { client_secret: rsa.secret, id_token_signed_response_alg: 'RS256' },
      oidc.ClientSecretBasic(rsa.secret),
      { execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] });
    assert.ok(config.serverMetadata().id_token_signing_alg_values_supported.includes('RS256'));
    const { verifier, nonce, callback } = await janCallback(config, 'openid profile');
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true,
    });
    const header = JSON.parse(Buffer.from(tokens.id_token.split('.')[0], 'base64url').toString());
    assert.equal(header.alg, 'RS256');
    assert.equal(tokens.claims().aud, rsa.id);
    assert.equal(tokens.claims().given_name, 'Jan');
    // The same library expecting ES256 refuses this RS256 token.
    const es = await oidc.discovery(new URL(srv.url), rsa.id,
      { client_secret: rsa.secret, id_token_signed_response_alg: 'ES256' },
      oidc.ClientSecretBasic(rsa.secret), { execute: [oidc.allowInsecureRequests] });
    const refreshed = oidc.refreshTokenGrant(es, tokens.refresh_token);
    await assert.rejects(refreshed, (e) => /unexpected JWT "alg"/.test(`${e.message} ${e.cause?.message ?? ''}`));
  });

  it('rejects a tampered ID token with the library (the signature is checked)', async () => {
    const config = await oidc.discovery(new URL(srv.url), confidential.id, undefined,
      oidc.ClientSecretBasic(confidential.secret), {
        execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
        // A proxy that changes one claim of the ID token on its way back.
        [oidc.customFetch]: async (url, init) => {
          const res = await fetch(url, init);
          if (!String(url).endsWith('/oidc/token')) return res;
          const body = await res.json();
          const [h, p, s] = body.id_token.split('.');
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
          claims.organisation.name = 'Someone Else SA';
          body.id_token = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
          return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
        },
      });
    const { verifier, nonce, callback } = await janCallback(config, 'openid');
    // The library checks the signature against the JWKS (non-repudiation checks on).
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true,
    }), (e) => /signature verification failed/.test(e.cause?.message ?? ''));
  });
});
