// portal_idtoken.test.js — the portal refuses tampered ID tokens end to end. A fake
// OpenID provider (node http + crypto, ES256) answers the portal's back-channel; each
// case hands the portal another token at the token endpoint: a good one logs in, a
// changed signature, another key, wrong iss, aud or nonce, an expired token, alg none, a
// userinfo about someone else and a profile without MEDSEIP are all refused. The fake
// also checks what the portal sends: client_secret_basic and the PKCE verifier.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { startPortal } from './portal_lib.js';

const CLIENT = 'medseip-portal';
const SECRET = randomBytes(32).toString('base64url');

function b64(o) {
  return Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
}

function jwt(key, header, payload) {
  const input = `${b64(header)}.${b64(payload)}`;
  if (!key) return `${input}.`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** A fake provider; scenario(ctx) returns { idToken, userinfo } for a code. */
function fakeProvider() {
  const good = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...good.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'ES256' };
  const f = { good: good.privateKey, other: other.privateKey, requests: [], scenario: null, issuer: '' };
  f.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const url = new URL(req.url, f.issuer);
      const json = (status, o) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(o));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer: f.issuer,
          authorization_endpoint: `${f.issuer}/authorize`,
          token_endpoint: `${f.issuer}/token`,
          userinfo_endpoint: `${f.issuer}/userinfo`,
          jwks_uri: `${f.issuer}/jwks`,
          end_session_endpoint: `${f.issuer}/logout`,
          id_token_signing_alg_values_supported: ['ES256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
      if (url.pathname === '/token') {
        const form = new URLSearchParams(body);
        f.requests.push({ auth: req.headers.authorization, form });
        const ctx = f.pending.get(form.get('code'));
        if (!ctx) return json(400, { error: 'invalid_grant' });
        const expected = `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return json(401, { error: 'invalid_client' });
        const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== ctx.challenge) return json(400, { error: 'invalid_grant' });
        f.current = f.scenario(ctx);
        return json(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 600, id_token: f.current.idToken });
      }
      if (url.pathname === '/userinfo') {
        if (req.headers.authorization !== 'Bearer at-1') return json(401, { error: 'invalid_token' });
        return json(200, f.current.userinfo);
      }
      res.writeHead(404);
      return res.end();
    });
  });
  f.pending = new Map();
  return f;
}

describe('portal: ID tokens from a tampering provider', () => {
  let f;
  let portal;

  before(async () => {
    f = fakeProvider();
    await new Promise((r) => { f.server.listen(0, '127.0.0.1', r); });
    f.issuer = `http://127.0.0.1:${f.server.address().port}`;
    portal = await startPortal({ url: f.issuer, register: false }, { clientId: CLIENT, secret: SECRET });
  });
  after(async () => {
    await portal?.stop();
    await new Promise((r) => { f.server.close(r); f.server.closeAllConnections(); });
  });

  const claims = (ctx, extra = {}) => ({
    iss: f.issuer, sub: 'pairwise-1', aud: CLIENT, iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600, nonce: ctx.nonce, name: 'Claire Dubois',
    organisation: { enterprise_number: '1099002278', name: 'MediDistri Belgium', country: 'BE' },
    applications: ['MEDSEIP'], ...extra,
  });
  const header = { alg: 'ES256', typ: 'JWT', kid: 'k1' };

  /** A login at the portal whose token endpoint answers with scenario(ctx). */
  async function tryLogin(scenario) {
    const p = new Client(portal.url);
    const start = await p.fetch('/login');
    await start.text();
    assert.equal(start.status, 303);
    const authz = new URL(start.headers.get('location'));
    const code = randomBytes(16).toString('base64url');
    f.pending.set(code, {
      nonce: authz.searchParams.get('nonce'), challenge: authz.searchParams.get('code_challenge'),
    });
    f.scenario = scenario;
    const cb = await p.get(`/callback?code=${code}&state=${authz.searchParams.get('state')}`);
    return { p, cb };
  }

  it('a good token logs in (client_secret_basic, PKCE verifier checked by the provider)', async () => {
    const { p, cb } = await tryLogin((ctx) => ({
      idToken: jwt(f.good, header, claims(ctx)), userinfo: { sub: 'pairwise-1', given_name: 'Claire' },
    }));
    assert.equal(cb.status, 303, cb.text.slice(0, 400));
    const home = await p.get('/');
    assert.match(home.text, /<span class="bce">BCE: 1099\.002\.278<\/span>/);
    assert.match(home.text, /<span class="person">Claire Dubois<\/span>/);
    const last = f.requests[f.requests.length - 1];
    assert.equal(last.form.get('grant_type'), 'authorization_code');
    assert.equal(last.form.get('redirect_uri'), `${portal.url}/callback`);
  });

  const refused = [
    ['a changed signature', (ctx) => {
      const t = jwt(f.good, header, claims(ctx));
      return t.slice(0, -3) + (t.at(-3) === 'A' ? 'B' : 'A') + t.slice(-2);
    }],
    ['a changed payload under the original signature', (ctx) => {
      const [h, , s] = jwt(f.good, header, claims(ctx)).split('.');
      return `${h}.${b64(claims(ctx, { sub: 'pairwise-1', organisation: { enterprise_number: '0552627113', name: 'Other' } }))}.${s}`;
    }],
    ['another key with the same kid', (ctx) => jwt(f.other, header, claims(ctx))],
    ['an unknown kid', (ctx) => jwt(f.good, { ...header, kid: 'k9' }, claims(ctx))],
    ['alg none', (ctx) => jwt(null, { alg: 'none', kid: 'k1' }, claims(ctx))],
    ['alg HS256', (ctx) => jwt(f.good, { ...header, alg: 'HS256' }, claims(ctx))],
    ['a wrong issuer', (ctx) => jwt(f.good, header, claims(ctx, { iss: 'http://127.0.0.1:1' }))],
    ['a wrong audience', (ctx) => jwt(f.good, header, claims(ctx, { aud: 'another-client' }))],
    ['an expired token', (ctx) => jwt(f.good, header, claims(ctx, { exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 4200 }))],
    ['a token issued in the future', (ctx) => jwt(f.good, header, claims(ctx, { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 }))],
    ['a wrong nonce', (ctx) => jwt(f.good, header, claims(ctx, { nonce: 'another-login' }))],
    ['no nonce', (ctx) => jwt(f.good, header, { ...claims(ctx), nonce: undefined })],
    ['garbage', () => 'not.a.token'],
  ];
  for (const [what, make] of refused) {
    it(`refuses ${what}`, async () => {
      const { p, cb } = await tryLogin((ctx) => ({ idToken: make(ctx), userinfo: { sub: 'pairwise-1' } }));
      assert.equal(cb.status, 403, `${what}: ${cb.status}`);
      assert.ok(cb.text.includes('n&#39;a pas pu être vérifiée'), what);
      assert.equal((await p.get('/entreprise')).status, 303, `${what}: not logged in`);
    });
  }

  it('refuses a userinfo about another subject', async () => {
    const { p, cb } = await tryLogin((ctx) => ({
      idToken: jwt(f.good, header, claims(ctx)), userinfo: { sub: 'someone-else' },
    }));
    assert.equal(cb.status, 403);
    assert.equal((await p.get('/entreprise')).status, 303);
  });

  it('refuses a profile without MEDSEIP, and one without a Belgian enterprise', async () => {
    let r = await tryLogin((ctx) => ({
      idToken: jwt(f.good, header, claims(ctx, { applications: ['SADM'] })), userinfo: { sub: 'pairwise-1' },
    }));
    assert.equal(r.cb.status, 403);
    assert.ok(r.cb.text.includes('Vous n&#39;avez pas accès au Portail MEDSEIP'));
    r = await tryLogin((ctx) => ({
      idToken: jwt(f.good, header, claims(ctx, { organisation: { foreign_registration: 'FR123', name: 'X', country: 'FR' } })),
      userinfo: { sub: 'pairwise-1' },
    }));
    assert.equal(r.cb.status, 403);
    assert.ok(r.cb.text.includes('réservé aux entreprises inscrites'));
  });
});
