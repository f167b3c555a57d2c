// upstream_lib.js — upstream identity providers for the brokering tests (issue 17): oidc-provider
// from npm standing in for itsme or MyGov.be (its own interaction pages: a login form with the
// level of assurance to vouch for, and a cancel button), and a forging provider whose token
// endpoint answers ID tokens broken on purpose (bad signature, wrong audience …). Both listen
// on 127.0.0.1 on a free port; the tests drive them with their own cookie jar.
import assert from 'node:assert/strict';
import {
  createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign,
} from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import Provider from 'oidc-provider';

import { Client, freePort } from '../lib/server.js';

export const ACR = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
};
export const CLIENT_ID = 'portier-broker';

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function readBody(req) {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { s += d; });
    req.on('end', () => resolve(new URLSearchParams(s)));
  });
}

const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * oidc-provider as an upstream: accounts maps a login name to its claims (national_number
 * …); the client is CLIENT_ID with secret (client_secret_basic) or, with clientJwks, with
 * private_key_jwt and those public keys. ID tokens signed with alg (ES256, or RS256 as
 * itsme signs), PKCE required. Its login page
 * (GET /interaction/:uid) asks a login name and the acr; POST …/login finishes the
 * interaction (login and consent at once), POST …/abort ends it with access_denied.
 * Returns { issuer, close() }.
 */
export async function startOidcUpstream({ redirectUri, accounts, secret, clientJwks, alg = 'ES256' }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = alg === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: `upstream-${alg}` };
  const client = {
    client_id: CLIENT_ID, redirect_uris: [redirectUri], grant_types: ['authorization_code'],
    response_types: ['code'], id_token_signed_response_alg: alg,
    ...(clientJwks
      ? { token_endpoint_auth_method: 'private_key_jwt', jwks: clientJwks, token_endpoint_auth_signing_alg: 'ES256' }
      : { token_endpoint_auth_method: 'client_secret_basic', client_secret: secret }),
  };
  const provider = new Provider(issuer, {
    clients: [client],
    jwks: { keys: [jwk] },
    acrValues: Object.values(ACR),
    claims: { acr: null, openid: ['sub', 'acr'], profile: ['name', 'given_name', 'family_name', 'national_number'] },
    conformIdTokenClaims: false,
    findAccount: async (ctx, id) => (accounts[id]
      ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined),
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: ['upstream-test-cookie-key-0123456789'] },
  });
  provider.on('server_error', (ctx, err) => { process.stderr.write(`oidc-provider: ${err}\n`); });
  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, issuer);
    // A browser asks for an icon: none (not a 404 in the page's console).
    if (pathname === '/favicon.ico') { res.statusCode = 204; res.end(); return; }
    const m = /^\/interaction\/([^/?]+)(\/login|\/abort)?$/.exec(pathname);
    if (!m) { callback(req, res); return; }
    try {
      const details = await provider.interactionDetails(req, res);
      if (!m[2]) {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="en"><head><title>Upstream login</title></head><body>
<main><h1>Upstream identity provider</h1>
<form method="post" action="/interaction/${esc(m[1])}/login">
<p><label for="login">Login</label> <input id="login" name="login" autocomplete="off"></p>
<p><label for="acr">Level</label> <select id="acr" name="acr">${Object.entries(ACR).map(([k, v]) => `<option value="${esc(v)}">${k}</option>`).join('')}</select></p>
<p><button type="submit" id="upstream-login">Log in upstream</button></p></form>
<form method="post" action="/interaction/${esc(m[1])}/abort"><button type="submit" id="upstream-cancel">Cancel</button></form>
</main></body></html>`);
        return;
      }
      const body = await readBody(req);
      if (m[2] === '/abort') {
        await provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'the person cancelled',
        }, { mergeWithLastSubmission: false });
        return;
      }
      const accountId = body.get('login');
      assert.ok(accounts[accountId], `no upstream account ${accountId}`);
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, {
        login: { accountId, acr: body.get('acr') }, consent: { grantId },
      }, { mergeWithLastSubmission: false });
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });
  await listen(server, port);
  return { issuer, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

/**
 * The browser's way through oidc-provider from portier's authorization URL to the callback
 * URL it sends back: its login page, then login (as login, vouching for acr) or cancel.
 * Returns the absolute callback URL.
 */
export async function throughOidcUpstream(authUrl, { login, acr = ACR.substantial, abort = false }) {
  const origin = new URL(authUrl).origin;
  const u = new Client(origin);
  let res = await u.fetch(authUrl);
  await res.text();
  assert.equal(res.status, 303, 'the upstream authorization asks for an interaction');
  const page = await u.get(res.headers.get('location'));
  assert.equal(page.status, 200, `the upstream login page: ${page.text.slice(0, 200)}`);
  const action = (abort ? /action="([^"]+\/abort)"/ : /action="([^"]+\/login)"/).exec(page.text)[1];
  res = await u.fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(abort ? {} : { login, acr }).toString(),
  });
  await res.text();
  assert.equal(res.status, 303, 'the interaction ends with a redirect');
  res = await u.fetch(res.headers.get('location'));
  await res.text();
  assert.equal(res.status, 303, 'the upstream answers portier with a redirect');
  return new URL(res.headers.get('location'), origin).href;
}

/**
 * A provider that forges: discovery, JWKS (key A), an authorization endpoint that sends
 * the browser straight back with a code (or error=access_denied in mode 'error'), and a
 * token endpoint that checks client_secret_basic, the code (once), redirect_uri and PKCE,
 * then answers an ID token made as mode says: good, badsig (key B under A's kid), aud,
 * iss, exp, nonce, nonn (no national number), badnn (wrong check digits), azp (two
 * audiences without azp). f.mode sets it; f.seen records what the token endpoint checked.
 * tls ({ key, cert }): on https.
 */
export async function startForgingUpstream({ secret, nn, tls }) {
  const port = await freePort();
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const kid = 'forged-1';
  const codes = new Map();
  const f = { issuer, mode: 'good', seen: null };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const idToken = (claims, key) => {
    const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
  const json = (res, status, o) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(o));
  };
  const handler = async (req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      json(res, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'], response_types_supported: ['code'],
      });
    } else if (url.pathname === '/jwks') {
      const pub = createPrivateKey(keyA.export({ format: 'pem', type: 'pkcs8' })).export({ format: 'jwk' });
      json(res, 200, { keys: [{ kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y, kid, alg: 'ES256', use: 'sig' }] });
    } else if (url.pathname === '/authorize') {
      const p = url.searchParams;
      const back = new URL(p.get('redirect_uri'));
      back.searchParams.set('state', p.get('state'));
      if (f.mode === 'error') {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { nonce: p.get('nonce'), challenge: p.get('code_challenge'),
          method: p.get('code_challenge_method'), redirect: p.get('redirect_uri'), clientId: p.get('client_id') });
        back.searchParams.set('code', code);
      }
      res.statusCode = 302;
      res.setHeader('location', back.href);
      res.end();
    } else if (url.pathname === '/token' && req.method === 'POST') {
      const body = await readBody(req);
      const c = codes.get(body.get('code'));
      codes.delete(body.get('code'));
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      f.seen = {
        basic: basic === `${CLIENT_ID}:${secret}`,
        pkce: !!c && c.method === 'S256'
          && createHash('sha256').update(body.get('code_verifier') ?? '').digest('base64url') === c.challenge,
        redirect: !!c && body.get('redirect_uri') === c.redirect,
      };
      if (!c || !f.seen.basic || !f.seen.pkce || !f.seen.redirect) {
        json(res, 400, { error: 'invalid_grant' });
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: issuer, sub: 'forged-sub', aud: CLIENT_ID, exp: now + 300, iat: now,
        nonce: c.nonce, national_number: nn, acr: ACR.substantial,
      };
      if (f.mode === 'aud') claims.aud = 'another-client';
      if (f.mode === 'azp') claims.aud = [CLIENT_ID, 'another-client'];
      if (f.mode === 'iss') claims.iss = 'http://127.0.0.1:1';
      if (f.mode === 'exp') { claims.exp = now - 3600; claims.iat = now - 3900; }
      if (f.mode === 'nonce') claims.nonce = 'not-the-nonce';
      if (f.mode === 'nonn') delete claims.national_number;
      if (f.mode === 'badnn') claims.national_number = `${nn.slice(0, 9)}${String((Number(nn.slice(9)) + 1) % 100).padStart(2, '0')}`;
      json(res, 200, {
        access_token: randomBytes(16).toString('base64url'), token_type: 'Bearer', expires_in: 300,
        id_token: idToken(claims, f.mode === 'badsig' ? keyB : keyA),
      });
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await listen(server, port);
  f.close = () => new Promise((r) => { server.closeAllConnections(); server.close(r); });
  return f;
}

/** The forging provider's way: straight back to portier. Returns the callback URL. */
export async function throughForgingUpstream(authUrl, { ca } = {}) {
  const u = new URL(authUrl);
  if (u.protocol === 'https:') {
    return new Promise((resolve, reject) => {
      https.get(authUrl, { ca }, (res) => {
        res.resume();
        assert.equal(res.statusCode, 302);
        resolve(res.headers.location);
      }).on('error', reject);
    });
  }
  const res = await fetch(authUrl, { redirect: 'manual' });
  await res.text();
  assert.equal(res.status, 302);
  return res.headers.get('location');
}

/** A valid national number nobody holds in the tests' registers (born 1 January 1950). */
export function unknownNiss() {
  const base = '500101987';
  return `${base}${String(97 - (Number(base) % 97)).padStart(2, '0')}`;
}

/** The text of a page without its tags and with its entities read. */
export function textOf(html) {
  return html.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
