// passkey.test.js — passkeys over HTTP with a software authenticator (tests/lib/webauthn.js):
// enrolment only from a session at eID level (403 otherwise), the passwordless door, the
// door access codes + passkey, and the refusals a visitor can reach: a replayed answer, an
// answer for another challenge, a counter that went back, another person's key at the
// second step, a key removed from "Mon compte", a key of someone else removed (404).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Client, suiteServer } from '../lib/server.js';
import { SoftAuthenticator, UP, fromB64url } from '../lib/webauthn.js';
import { PASSWORD, csrfOf, loginPassword, query, startDemo, submit, unescapeHtml } from './factors_lib.js';
import { whoOf } from './eid_support.js';

/** The server's origin as a browser on this machine sees it (http://localhost:PORT). */
const local = (t) => t.srv.url.replace('127.0.0.1', 'localhost');

/** A CSRF token of the client's session (the login page has one for every visitor). */
async function csrf(client) {
  const token = csrfOf((await client.get('/login')).text);
  assert.ok(token);
  return token;
}

async function post(client, path, fields, token = null) {
  const body = new URLSearchParams({ _csrf: token ?? await csrf(client), ...fields });
  const r = await client.get(path, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(),
  });
  return { ...r, location: r.headers.get('location') };
}

/** Logs client in with the demo card reader as the person whose card label starts with who. */
async function loginEid(client, who) {
  const p = await client.get('/login/eid/demo');
  const cards = [...p.text.matchAll(/name="card" id="card-([0-9a-f]{16})" value="\1"[^>]*> <label for="card-\1">([^<]*)<\/label>/g)];
  const card = cards.find((m) => m[2].startsWith(who));
  assert.ok(card, `a demo card of ${who}`);
  const r = await post(client, '/login/eid/demo', { card: card[1], next: '/' }, csrfOf(p.text));
  assert.equal(r.status, 303, r.text);
}

function events(srv, action) {
  return query(srv, 'SELECT action, details FROM audit_event WHERE action = ? ORDER BY seq', [action])
    .map((e) => ({ action: e.action, details: JSON.parse(e.details) }));
}

/** A passwordless login of a new visitor with auth; returns { client, res }. */
async function passwordless(t, auth, opts = {}) {
  const client = new Client(t.srv.url);
  const token = await csrf(client);
  const o = await post(client, '/login/passkey/options', {}, token);
  assert.equal(o.status, 200, o.text);
  const options = JSON.parse(o.text);
  assert.deepEqual(options.allowCredentials, []);
  assert.equal(options.userVerification, 'required');
  const answer = auth.get(options, opts);
  const res = await post(client, '/login/passkey', { ...answer, next: '/aide' }, token);
  return { client, res, answer, token };
}

describe('passkeys over HTTP', () => {
  const t = suiteServer(() => startDemo());
  let auth;
  let other;

  it('enrolment asks for a session at eID level: 403 for a visitor and for access codes', async () => {
    const anon = new Client(t.srv.url);
    assert.equal((await post(anon, '/compte/cles-acces/options', {})).status, 403);
    const pw = new Client(t.srv.url);
    await loginPassword(pw, 'claire.dubois');
    assert.equal((await post(pw, '/compte/cles-acces/options', {})).status, 403);
    assert.equal((await post(pw, '/compte/cles-acces', { clientDataJSON: 'e30', attestationObject: 'oA' })).status, 403);
    assert.equal(query(t.srv, 'SELECT id FROM webauthn_credential').length, 0);
  });

  it('enrols from an eID session: options with a random user handle, the key kept', async () => {
    const c = new Client(t.srv.url);
    await loginEid(c, 'Claire');
    const token = await csrf(c);
    const o = await post(c, '/compte/cles-acces/options', {}, token);
    assert.equal(o.status, 200, o.text);
    const options = JSON.parse(o.text);
    // The server listens on 127.0.0.1: its RP id is localhost (browsers refuse an IP).
    assert.equal(options.rp.id, 'localhost');
    assert.deepEqual(options.pubKeyCredParams.map((p) => p.alg), [-7, -257]);
    assert.equal(options.authenticatorSelection.userVerification, 'required');
    assert.equal(options.authenticatorSelection.residentKey, 'preferred');
    const handle = fromB64url(options.user.id);
    assert.equal(handle.length, 32);
    assert.ok(!/\d{11}/.test(o.text), 'no NISS in the options');
    auth = new SoftAuthenticator({ rpId: 'localhost', origin: local(t) });
    const made = auth.create(options);
    // A name too long: said at the field, what was typed kept, nothing stored, the
    // challenge still waiting.
    const long = 'x'.repeat(65);
    const tooLong = await post(c, '/compte/cles-acces', { ...made.fields, name: long }, token);
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.text, /id="passkey-error">Le nom de la clé compte au plus 64 caractères\./);
    assert.match(tooLong.text, new RegExp(`id="passkey-name"[^>]*value="${long}"`));
    assert.equal(query(t.srv, 'SELECT id FROM webauthn_credential').length, 0);
    const r = await post(c, '/compte/cles-acces', { ...made.fields, name: 'Téléphone' }, token);
    assert.equal(r.status, 303, r.text);
    assert.equal(r.location, '/compte/cles-acces?ajoutee=1');
    const rows = query(t.srv, 'SELECT name, alg, sign_count FROM webauthn_credential');
    assert.deepEqual(rows, [{ name: 'Téléphone', alg: -7, sign_count: 0 }]);
    assert.equal(events(t.srv, 'passkey.enrol').length, 1);

    // The same answer again: its challenge was taken.
    const again = await post(c, '/compte/cles-acces', { ...made.fields, name: 'Encore' }, token);
    assert.equal(again.status, 422);
    // A key that does not verify its user is refused.
    const o2 = JSON.parse((await post(c, '/compte/cles-acces/options', {}, token)).text);
    assert.equal(o2.excludeCredentials.length, 1);
    const bad = new SoftAuthenticator({ rpId: 'localhost', origin: local(t) }).create(o2, { flags: UP });
    assert.equal((await post(c, '/compte/cles-acces', bad.fields, token)).status, 422);
    assert.equal(query(t.srv, 'SELECT id FROM webauthn_credential').length, 1);
    const failures = events(t.srv, 'passkey.enrol.failure').map((e) => e.details.reason);
    assert.deepEqual(failures, ['unknown or expired challenge', 'user not verified']);
  });

  it('logs in without a password at level substantial', async () => {
    const { client, res } = await passwordless(t, auth);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.location, '/aide');
    assert.equal(whoOf((await client.get('/aide')).text), 'Claire Dubois');
    const rows = query(t.srv, 'SELECT sign_count, last_used_at FROM webauthn_credential');
    assert.equal(rows[0].sign_count, 1);
    assert.ok(rows[0].last_used_at);
  });

  it('refuses a replayed answer, an answer for another challenge and a counter that went back', async () => {
    const first = await passwordless(t, auth);
    assert.equal(first.res.status, 303);
    // The same answer in a new visitor's session with its own challenge: wrong challenge.
    const c2 = new Client(t.srv.url);
    const tok = await csrf(c2);
    assert.equal((await post(c2, '/login/passkey/options', {}, tok)).status, 200);
    const replay = await post(c2, '/login/passkey', { ...first.answer, next: '/' }, tok);
    assert.equal(replay.status, 401);
    assert.equal(whoOf(replay.text), null);
    // Again in that session: the challenge was taken by the attempt.
    const twice = await post(c2, '/login/passkey', { ...first.answer, next: '/' }, tok);
    assert.equal(twice.status, 401);
    // A counter lower than the one seen.
    const back = await passwordless(t, auth, { count: 1 });
    assert.equal(back.res.status, 401);
    // From the wrong origin.
    const evil = await passwordless(t, auth, { origin: 'http://evil.example' });
    assert.equal(evil.res.status, 401);
    // The IP address the server listens on is no origin of a passkey (its RP id is localhost).
    const ip = await passwordless(t, auth, { origin: t.srv.url });
    assert.equal(ip.res.status, 401);
    // No answer at all (no script ran): said, not a crash.
    const empty = await post(c2, '/login/passkey', { next: '/' }, tok);
    assert.equal(empty.status, 422);
    const reasons = events(t.srv, 'login.passkey.failure').map((e) => e.details.reason);
    assert.deepEqual(reasons, ['wrong challenge', 'unknown or expired challenge',
      'sign counter regression', 'wrong origin', 'wrong origin']);
  });

  it('access codes then the key; a person without a key and a wrong password are refused', async () => {
    const c = new Client(t.srv.url);
    const token = await csrf(c);
    const step = await post(c, '/login/passkey2', { username: 'claire.dubois', password: PASSWORD, next: '/aide' }, token);
    assert.equal(step.status, 200, step.text);
    const m = /data-options="([^"]*)"/.exec(step.text);
    assert.ok(m, 'the second step carries its options');
    const options = JSON.parse(unescapeHtml(m[1]));
    assert.equal(options.allowCredentials.length, 1);
    const res = await post(c, '/login/passkey2/assert', { ...auth.get(options), next: '/aide' }, token);
    assert.equal(res.status, 303, res.text);
    assert.equal(whoOf((await c.get('/aide')).text), 'Claire Dubois');

    const wrong = await post(new Client(t.srv.url), '/login/passkey2', { username: 'claire.dubois', password: 'Pas-le-bon-2026', next: '/' });
    assert.equal(wrong.status, 401);
    const none = await post(new Client(t.srv.url), '/login/passkey2', { username: 'jan.peeters', password: PASSWORD, next: '/' });
    assert.equal(none.status, 401);
  });

  it("refuses another person's key at the second step", async () => {
    // Jan enrols a key of his own from his eID session.
    const j = new Client(t.srv.url);
    await loginEid(j, 'Jan');
    const token = await csrf(j);
    const o = JSON.parse((await post(j, '/compte/cles-acces/options', {}, token)).text);
    other = new SoftAuthenticator({ rpId: 'localhost', origin: local(t) });
    const made = other.create(o);
    assert.equal((await post(j, '/compte/cles-acces', made.fields, token)).status, 303);
    // Claire's access codes, then Jan's key.
    const c = new Client(t.srv.url);
    const tok = await csrf(c);
    const step = await post(c, '/login/passkey2', { username: 'claire.dubois', password: PASSWORD, next: '/' }, tok);
    const options = JSON.parse(unescapeHtml(/data-options="([^"]*)"/.exec(step.text)[1]));
    const res = await post(c, '/login/passkey2/assert', { ...other.get(options, { cred: other.creds[0] }), next: '/' }, tok);
    assert.equal(res.status, 401);
    const reasons = events(t.srv, 'login.passkey2.failure').map((e) => e.details.reason);
    assert.ok(reasons.includes('credential of another person'), reasons.join(', '));
  });

  it('a removed key no longer opens; a key of someone else cannot be removed', async () => {
    const { client, res, token } = await passwordless(t, auth);
    assert.equal(res.status, 303);
    const [mine] = query(t.srv, "SELECT c.id FROM webauthn_credential c JOIN credential_password a ON a.person_id = c.person_id WHERE a.username = 'claire.dubois'");
    const [his] = query(t.srv, "SELECT c.id FROM webauthn_credential c JOIN credential_password a ON a.person_id = c.person_id WHERE a.username = 'jan.peeters'");
    const tok = await csrf(client);
    assert.notEqual(tok, token);
    assert.equal((await post(client, `/compte/cles-acces/${his.id}/supprimer`, {}, tok)).status, 404);
    const del = await post(client, `/compte/cles-acces/${mine.id}/supprimer`, {}, tok);
    assert.equal(del.status, 303);
    assert.equal(del.location, '/compte/cles-acces?supprimee=1');
    assert.equal(query(t.srv, 'SELECT id FROM webauthn_credential').length, 1);
    const after = await passwordless(t, auth);
    assert.equal(after.res.status, 401);
    const reasons = events(t.srv, 'login.passkey.failure').map((e) => e.details.reason);
    assert.equal(reasons[reasons.length - 1], 'unknown credential');
  });
});
