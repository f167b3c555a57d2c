// backchannel_pages.test.js — back-channel logout (OpenID Connect Back-Channel Logout 1.0)
// through the access-management pages: a local manager suspends, then removes, a user of
// her quality with the forms the pages show; a relying party with a session of that
// person receives the logout token, retried when it answered 503 once. SQLite and
// PORTIER_TEST_DB=pg.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { accounts, qualities, setAccountStatus, testClock } from '../lib/world.js';
import {
  ACCOUNTS, authorize, browser, ORGS, PEOPLE, pkce, portier, startWorld, tokenRequest,
} from './oidc_lib.js';
import { csrfOf, login as managerLogin, post, valueOf } from './uman_lib.js';

const CB = 'http://127.0.0.1:9/cb';

/** A relying party's back-channel endpoint on loopback. statuses: the answers in order
 * (the last one repeats). Records method, content type and body of each POST. */
async function relyingParty(statuses) {
  const hits = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hits.push({ method: req.method, type: req.headers['content-type'], body });
      res.writeHead(statuses[Math.min(hits.length - 1, statuses.length - 1)]);
      res.end();
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    hits,
    url: `http://127.0.0.1:${server.address().port}/bcl`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Waits until rp has n POSTs; tick() runs between looks (moves a test clock). */
async function until(rp, n, what, tick = () => {}) {
  const deadline = Date.now() + 60000;
  while (rp.hits.length < n) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    tick();
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

async function verifyJws(srv, jwt) {
  const [h, p, sig] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} is not in the JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const ok = header.alg === 'ES256'
    ? verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))
    : verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url'));
  assert.ok(ok, 'the logout token signature verifies');
  return { header, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

describe('back-channel logout through the access-management pages', () => {
  const clock = testClock();
  let srv;
  let rp;
  let rpServer;
  let quality;
  let gl;

  before(async () => {
    srv = await startWorld({ args: clock.args });
    // 503 once (the first notification), then 200.
    rpServer = await relyingParty([503, 200]);
    const out = portier(['client', 'add', '--db', srv.db, '--id', 'rp-pages', '--application', 'TESTAPP',
      '--scope', 'openid profile', '--redirect-uri', CB, '--backchannel-logout-uri', rpServer.url,
      '--backchannel-logout-session-required']);
    rp = { id: 'rp-pages', secret: /client_secret: (\S+)/.exec(out)[1] };
    quality = qualities(srv, { org: ORGS.pharma.id }).find((q) => accounts(srv, { org: ORGS.pharma.id, quality: q.id })
      .some((a) => String(a.account) === ACCOUNTS.marie)).id;
    // Marie's account (suspended in the world) is made active: she signs in at the RP.
    setAccountStatus(srv, { org: ORGS.pharma.id, quality, account: ACCOUNTS.marie, suspend: false });
    gl = await managerLogin(srv, PEOPLE.claire.user);
  });
  after(async () => {
    await srv?.stop();
    await rpServer?.close();
  });

  /** Marie signs in at the relying party; returns its tokens. */
  async function marieAtRp() {
    const { verifier, challenge } = pkce();
    const url = await authorize(browser(srv), {
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
      state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.marie.user, account: ACCOUNTS.marie });
    const r = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier,
    }, { basic: rp });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  async function checkToken(hit, idt) {
    assert.equal(hit.method, 'POST');
    assert.match(hit.type, /^application\/x-www-form-urlencoded/);
    const { header, payload } = await verifyJws(srv, new URLSearchParams(hit.body).get('logout_token'));
    assert.equal(header.typ, 'logout+jwt');
    const id = claims(idt);
    assert.equal(payload.iss, srv.url);
    assert.equal(payload.aud, rp.id);
    assert.equal(payload.sub, id.sub, 'the logout token names the person of the session');
    assert.equal(payload.sid, id.sid, 'and the session');
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
  }

  const userPage = () => `/acces/${ORGS.pharma.id}/qualite/${quality}/utilisateur/${ACCOUNTS.marie}`;

  it('a suspension by the local manager tells the relying party, retried after a 503', async () => {
    const t = await marieAtRp();
    const page = await gl.get(userPage());
    assert.equal(page.status, 200);
    assert.equal(valueOf(page.text, 'action'), 'suspend');
    const r = await post(gl, `${userPage()}/statut`, { version: valueOf(page.text, 'version'), action: 'suspend' });
    assert.equal(r.status, 303, r.text);
    assert.match(r.headers.get('location'), /ok=suspended/);
    await until(rpServer, 1, 'the first attempt');
    // The RP answered 503: the retry (due 30 s later) is made past the first token's
    // expiry (2 min): it carries a token of its own, alive when sent, for the same session.
    await until(rpServer, 2, 'the retry', () => clock.advance(200));
    const [first, second] = rpServer.hits;
    const [p1, p2] = await Promise.all([first, second].map(async (h) =>
      (await verifyJws(srv, new URLSearchParams(h.body).get('logout_token'))).payload));
    assert.ok(p2.iat >= p1.exp, 'the retry\'s token is made at the retry, not kept from the first');
    assert.ok(p2.exp > p2.iat);
    assert.notEqual(p2.jti, p1.jti);
    await checkToken(first, t.id_token);
    await checkToken(second, t.id_token);
    clock.advance(3700);
    await new Promise((ok) => setTimeout(ok, 2500));
    assert.equal(rpServer.hits.length, 2, 'nothing more once the RP answered 200');
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(again.status, 400, 'the grant of the suspended account is revoked');
  });

  it('a removal by the local manager (ask, confirm) tells the relying party', async () => {
    gl = await managerLogin(srv, PEOPLE.claire.user);   // the clock moved past her idle time
    const page = await gl.get(userPage());
    const r = await post(gl, `${userPage()}/statut`, { version: valueOf(page.text, 'version'), action: 'reactivate' });
    assert.equal(r.status, 303);
    const t = await marieAtRp();
    const before = rpServer.hits.length;
    const ask = await post(gl, `/acces/${ORGS.pharma.id}/qualite/${quality}/supprimer`, { sel: [ACCOUNTS.marie] });
    assert.equal(ask.status, 200);
    assert.match(ask.text, /supprimer\/confirmer/);
    const done = await gl.get(`/acces/${ORGS.pharma.id}/qualite/${quality}/supprimer/confirmer`, {
      method: 'POST', body: new URLSearchParams({ _csrf: csrfOf(ask.text), sel: ACCOUNTS.marie }),
    });
    assert.equal(done.status, 303, done.text);
    assert.match(done.headers.get('location'), /ok=removed/);
    assert.ok(!accounts(srv, { org: ORGS.pharma.id, quality }).some((a) => String(a.account) === ACCOUNTS.marie),
      'the user is gone from the quality');
    await until(rpServer, before + 1, 'the logout token of the removal', () => clock.advance(31));
    await checkToken(rpServer.hits[before], t.id_token);
    const again = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(again.status, 400, 'the grant of the removed user is unusable');
  });
});
