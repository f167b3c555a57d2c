// login_password.test.js — the access-codes door against a real server in demo mode:
// success, wrong password, unknown user (same answer), throttling that slows and never
// locks (an account waits, a busy address is held), session rotation,
// logout, CSRF; and the audit trail that records it all, verified and then tampered with.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { exec } from '../lib/db.js';
import { Client, run, start } from '../lib/server.js';
import { auditEvents, cli, testClock, throttleOf } from '../lib/world.js';

const PASSWORD = 'Demo-portier-2026';

async function loginPage(c, query = '') {
  const page = await c.get(`/login${query}`);
  assert.equal(page.status, 200);
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)?.[1];
  assert.ok(csrf, 'the login form carries a CSRF token');
  return { page, csrf };
}

async function tryLogin(c, username, password, extra = {}) {
  const { csrf } = await loginPage(c);
  const body = new URLSearchParams({ _csrf: csrf, username, password, next: '/aide', ...extra });
  return c.get('/login/password', {
    method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Edits the database as someone holding it would (the tampering tests below, and the
 * state of a busy office's address): not something the product does. SQLite or
 * PostgreSQL (tests/lib/db.js). */
const sql = exec;

/** Drops one of the audit trail's guards (a trigger: named alike on both backends). */
const dropTrigger = (name) => ({ sqlite: `DROP TRIGGER ${name};`, pg: `DROP TRIGGER ${name} ON audit_event;` });

describe('access-codes door', () => {
  let srv;
  const clock = testClock();
  before(async () => { srv = await start({ args: ['--demo', ...clock.args] }); });
  after(async () => { await srv.stop(); });

  test('the login page offers the door with its labels and keeps next', async () => {
    const c = new Client(srv.url);
    const { page } = await loginPage(c, '?next=/aide');
    assert.match(page.text, /<h1>Se connecter et accéder aux services sécurisés via CSAM<\/h1>/);
    assert.match(page.text, /Avec vos codes d&#39;accès/);
    assert.match(page.text, /name="next" value="\/aide"/);
    assert.match(page.text, /autocomplete="current-password"/);
    // An outside address as next is replaced by "/".
    const evil = await loginPage(new Client(srv.url), '?next=//evil.example');
    assert.match(evil.page.text, /name="next" value="\/"/);
  });

  test('a next a browser would read as another host is replaced by "/"', async () => {
    // Browsers drop tabs and newlines from a URL: "/\t/evil.example" is "//evil.example",
    // another host, whether in the Location header or in the login form's hidden field.
    for (const next of ['/\t/evil.example', '/\n/evil.example', '/\x0b/evil.example']) {
      const evil = await loginPage(new Client(srv.url), `?next=${encodeURIComponent(next)}`);
      assert.match(evil.page.text, /name="next" value="\/"/, JSON.stringify(next));
      const res = await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD, { next });
      assert.equal(res.status, 303, JSON.stringify(next));
      assert.equal(res.headers.get('location'), '/', JSON.stringify(next));
    }
    // A path with an escaped tab stays a path here: kept as it is.
    const kept = await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD, { next: '/aide?q=%09' });
    assert.equal(kept.headers.get('location'), '/aide?q=%09');
  });

  test('success rotates the session, shows the name, returns to next, and logs out', async () => {
    const c = new Client(srv.url);
    await loginPage(c);
    const before = c.cookies.get('portier_sid');
    assert.ok(before);
    const { csrf } = await loginPage(c);
    const res = await c.get('/login/password', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, username: 'claire.dubois', password: PASSWORD, next: '/aide' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/aide');
    const after1 = c.cookies.get('portier_sid');
    assert.ok(after1 && after1 !== before, 'the session id changes at login');
    const sc = res.headers.getSetCookie().find((s) => s.startsWith('portier_sid='));
    assert.match(sc, /HttpOnly/);
    assert.match(sc, /SameSite=Lax/);
    assert.doesNotMatch(sc, /Secure/, 'no Secure flag over plain HTTP');
    // The old id is dead: it no longer carries the login.
    const old = new Client(srv.url);
    old.cookies.set('portier_sid', before);
    assert.doesNotMatch((await old.get('/aide')).text, /Claire Dubois/);

    const page = await c.get('/aide');
    assert.match(page.text, /<span class="who">Claire Dubois<\/span>/);
    assert.match(page.text, /Se déconnecter/);
    const token = page.text.match(/action="\/logout"><input type="hidden" name="_csrf" value="([^"]+)"/)[1];
    // Logout without the token is refused and changes nothing.
    const refused = await c.get('/logout', { method: 'POST', body: new URLSearchParams({}),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(refused.status, 403);
    assert.match((await c.get('/aide')).text, /Claire Dubois/);
    const out = await c.get('/logout', { method: 'POST', body: new URLSearchParams({ _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(out.status, 303);
    assert.doesNotMatch((await c.get('/aide')).text, /Claire Dubois/);
  });

  test('the user name is matched in any case, on either backend', async () => {
    // The column is NOCASE on SQLite and unique on lower(username) on PostgreSQL: a
    // user name typed with capitals is the same account, never a wrong password.
    for (const typed of ['Claire.Dubois', 'CLAIRE.DUBOIS']) {
      const res = await tryLogin(new Client(srv.url), typed, PASSWORD);
      assert.equal(res.status, 303, typed);
    }
    // Only the case is let go: another name with the right password is refused.
    const other = await tryLogin(new Client(srv.url), 'Claire.Duboiss', PASSWORD);
    assert.equal(other.status, 401);
  });

  test('wrong password and unknown user get the same answer, and keep the user name', async () => {
    const wrong = await tryLogin(new Client(srv.url), 'lukas.schmitz', 'not-the-password');
    const unknown = await tryLogin(new Client(srv.url), 'nobody.here', 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    const msg = (t) => t.match(/<p class="form-error"[^>]*>([^<]+)<\/p>/)?.[1];
    assert.equal(msg(wrong.text), "Nom d&#39;utilisateur ou mot de passe incorrect.");
    assert.equal(msg(wrong.text), msg(unknown.text));
    assert.match(wrong.text, /name="username"[^>]*value="lukas.schmitz"/);
    assert.doesNotMatch(wrong.text, /not-the-password/, 'the password is never sent back');
  });

  test('empty fields are refused with their own message', async () => {
    const res = await tryLogin(new Client(srv.url), '', '');
    assert.equal(res.status, 422);
    assert.match(res.text, /Introduisez votre nom d&#39;utilisateur et votre mot de passe\./);
  });

  test('the message is in the visitor language', async () => {
    const c = new Client(srv.url);
    c.cookies.set('portier_lang', 'nl');
    const res = await tryLogin(c, 'lukas.schmitz', 'still-not-it');
    assert.equal(res.status, 401);
    assert.match(res.text, /Gebruikersnaam of wachtwoord onjuist\./);
  });

  test('failures slow an account down, known or not, and never lock it', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await tryLogin(new Client(srv.url), 'jan.peeters', `wrong-${i}-password`);
      const u = await tryLogin(new Client(srv.url), 'ghost.account', `wrong-${i}-password`);
      // The third failure may already meet the delay of the second: 401 or 429, never 303.
      assert.ok([401, 429].includes(r.status), `jan: ${r.status}`);
      assert.equal(r.status, u.status, 'a known and an unknown account get the same answer');
    }
    const count = (user) => throttleOf(srv, { username: user })?.failures ?? 0;
    assert.ok(count('jan.peeters') >= 2 && count('jan.peeters') <= 3);
    assert.equal(count('jan.peeters'), count('ghost.account'));
    // Nine failures, each after the wait of the one before (the test clock moved past it,
    // not waited for): the tenth sets a wait of a minute at most — no lock.
    for (const user of ['jan.peeters', 'ghost.account']) {
      while (count(user) < 9) {
        clock.advance(61);
        assert.equal((await tryLogin(new Client(srv.url), user, `wrong-${count(user)}-password`)).status, 401);
      }
    }
    clock.advance(61);
    assert.equal((await tryLogin(new Client(srv.url), 'jan.peeters', 'wrong-9-password')).status, 401);
    assert.equal((await tryLogin(new Client(srv.url), 'ghost.account', 'wrong-9-password')).status, 401);
    const wait = (user) => { const t = throttleOf(srv, { username: user }); return t.next_allowed - t.updated_at; };
    assert.equal(count('jan.peeters'), 10);
    assert.ok(wait('jan.peeters') > 0 && wait('jan.peeters') <= 60, `a wait of ${wait('jan.peeters')} s`);
    assert.equal(wait('jan.peeters'), wait('ghost.account'));
    // While it lasts the right password is refused unchecked, with how long to wait, the
    // same for a known and an unknown account.
    const locked = await tryLogin(new Client(srv.url), 'jan.peeters', PASSWORD);
    const ghost = await tryLogin(new Client(srv.url), 'ghost.account', PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(ghost.status, 429);
    const said = (t) => t.match(/<p class="form-error"[^>]*>([^<]+)/)[1];
    assert.match(said(locked.text), /^Trop de tentatives ont échoué\. Patientez \d+ secondes avant de réessayer\.$/);
    assert.equal(said(locked.text).replace(/\d+/, 'N'), said(ghost.text).replace(/\d+/, 'N'));
    assert.doesNotMatch(locked.text, /Jan Peeters/);
    // The user-name key is case-insensitive: another spelling meets the same wait.
    assert.equal((await tryLogin(new Client(srv.url), 'Jan.Peeters', PASSWORD)).status, 429);
    assert.equal(count('jan.peeters'), 10, 'refused attempts are not counted');
    // Once the wait is over the right password works, and clears the account.
    clock.advance(61);
    assert.equal((await tryLogin(new Client(srv.url), 'jan.peeters', PASSWORD)).status, 303);
    assert.equal(throttleOf(srv, { username: 'jan.peeters' }), null);
  });

  test('the attempts refused during one wait are one audit event', async () => {
    const n = () => auditEvents(srv, ['login.password.throttled']).length;
    // The wait of the test above over, a failure sets a new one: a new burst.
    clock.advance(61);
    assert.equal((await tryLogin(new Client(srv.url), 'ghost.account', 'wrong-10-password')).status, 401);
    const before = n();
    for (let i = 0; i < 4; i++) {
      assert.equal((await tryLogin(new Client(srv.url), 'ghost.account', PASSWORD)).status, 429);
    }
    assert.equal(n(), before + 1);
    assert.equal(throttleOf(srv, { username: 'ghost.account' }).refused, 3);
  });

  test('a busy address is never refused the right password', async () => {
    // An office behind one address after many failures (set in the file as the server
    // would have: 150 failures through the door would take minutes of held attempts).
    const now = Math.floor(Date.now() / 1000);
    sql(srv, "INSERT INTO login_throttle(key, failures, next_allowed, updated_at) VALUES ('a:127.0.0.1', 150, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = 150, next_allowed = excluded.next_allowed",
      [now + 900, now]);
    const res = await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD);
    assert.equal(res.status, 303, 'held a moment, then let in');
    assert.equal((await tryLogin(new Client(srv.url), 'lukas.schmitz', 'wrong-password-x')).status, 401);
    const lifted = cli(srv, ['login-throttle', 'clear', '--address', '127.0.0.1']);
    assert.equal(lifted.code, 0, lifted.stderr);
    assert.equal(throttleOf(srv, { address: '127.0.0.1' }), null);
  });

  test('every attempt is an audit event and the chain verifies', async () => {
    const events = auditEvents(srv, ['login.*', 'logout']);
    const count = (action) => events.filter((e) => e.action === action).length;
    assert.ok(count('login.password.failure') > 0);
    assert.ok(count('login.password.success') > 0);
    assert.ok(count('login.password.throttled') > 0);
    assert.equal(count('logout'), 1);
    // Failures are recorded without a person; the reason is in the details.
    assert.equal(events.filter((e) => e.action === 'login.password.failure' && e.actor !== null).length, 0);
    const ok = await run(['audit', 'verify', '--db', srv.db]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /audit chain intact: \d+ events/);
  });
});

describe('portier audit verify on a hand-edited trail', () => {
  test('an edited row is named, and the exit status is 1', async () => {
    const srv = await start({ args: ['--demo'] });
    await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD);
    await tryLogin(new Client(srv.url), 'claire.dubois', 'wrong-password-1');
    await srv.stop({ keepDir: true });
    const intact = await run(['audit', 'verify', '--db', srv.db]);
    assert.equal(intact.code, 0);
    const n = Math.max(...auditEvents(srv).map((e) => e.seq));
    assert.ok(n >= 5);
    // The table refuses edits; someone with the file drops the guard first.
    assert.throws(() => sql(srv, "UPDATE audit_event SET actor='1' WHERE seq=2"), /append-only/);
    const target = n - 1;
    sql(srv, dropTrigger('audit_event_no_update'));
    sql(srv, "UPDATE audit_event SET source='10.9.9.9' WHERE seq=?", [target]);
    const broken = await run(['audit', 'verify', '--db', srv.db]);
    assert.equal(broken.code, 1, broken.stdout);
    assert.match(broken.stdout, new RegExp(`BROKEN at event ${target}:`));
  });

  test('a deleted row is named as missing', async () => {
    const srv = await start({ args: ['--demo'] });
    await srv.stop({ keepDir: true });
    assert.throws(() => sql(srv, 'DELETE FROM audit_event WHERE seq=2'), /append-only/);
    sql(srv, dropTrigger('audit_event_no_delete'));
    sql(srv, 'DELETE FROM audit_event WHERE seq=2');
    const broken = await run(['audit', 'verify', '--db', srv.db]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /BROKEN at event 2: event 2 is missing/);
  });
});
