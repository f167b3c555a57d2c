// factors_password.test.js — "Modifier mon mot de passe": the current password and the new
// one twice; refusals at the fields (wrong current, policy, mismatch) keeping nothing
// secret; success audited, the hash made with the current costs, the session id rotated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Client, suiteServer } from '../lib/server.js';
import { auditCount, auditDetails } from '../lib/world.js';
import { PASSWORD, loginPassword, page, scalar, startDemo, submit, textOf } from './factors_lib.js';

const PATH = '/compte/mot-de-passe';

describe('password change', () => {
  const t = suiteServer(() => startDemo(), (s) => loginPassword(s.c, 'claire.dubois'));

  it('needs a logged-in session', async () => {
    const r = await new Client(t.srv.url).get(PATH);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login?level=1&next=/compte/mot-de-passe');
  });

  it('shows the user name and three labelled fields', async () => {
    const p = await page(t.c, PATH);
    assert.equal(p.status, 200);
    assert.match(p.text, /<h1>Modifier mon mot de passe<\/h1>/);
    assert.match(p.text, /Nom d&#39;utilisateur : claire.dubois/);
    for (const id of ['pw-current', 'pw-new', 'pw-new2']) {
      assert.match(p.text, new RegExp(`<label for="${id}">`), id);
    }
  });

  it('refuses a wrong current password, a weak new one and two different ones', async () => {
    const wrong = await submit(t.c, PATH,
      { current: 'Not-my-password-1', password: 'Claire-change-2026!', password2: 'Claire-change-2026!' });
    assert.equal(wrong.status, 422);
    assert.equal(textOf(wrong.text, 'pw-current-error'), 'Le mot de passe actuel n\'est pas correct.');
    assert.match(wrong.text, /id="pw-current"[^>]*aria-invalid="true" aria-describedby="pw-current-error"/);
    assert.ok(!wrong.text.includes('Claire-change-2026!'), 'secrets are not sent back');

    const short = await submit(t.c, PATH, { current: PASSWORD, password: 'court', password2: 'court' });
    assert.equal(short.status, 422);
    assert.equal(textOf(short.text, 'pw-new-error'), 'Le mot de passe doit compter au moins 12 caractères.');
    const common = await submit(t.c, PATH, { current: PASSWORD, password: 'password1234', password2: 'password1234' });
    assert.equal(common.status, 422);
    assert.equal(textOf(common.text, 'pw-new-error'), 'Ce mot de passe est trop courant. Choisissez-en un autre.');
    const named = await submit(t.c, PATH,
      { current: PASSWORD, password: 'xx-claire.dubois-xx', password2: 'xx-claire.dubois-xx' });
    assert.equal(named.status, 422);
    assert.equal(textOf(named.text, 'pw-new-error'), 'Le mot de passe ne peut pas contenir votre nom d\'utilisateur.');
    const mismatch = await submit(t.c, PATH,
      { current: PASSWORD, password: 'Claire-change-2026!', password2: 'Claire-change-2026?' });
    assert.equal(mismatch.status, 422);
    assert.equal(textOf(mismatch.text, 'pw-new2-error'), 'Les deux mots de passe ne sont pas identiques.');
    const missing = await submit(t.c, PATH, { current: '', password: '', password2: '' });
    assert.equal(missing.status, 422);
    assert.equal(textOf(missing.text, 'pw-current-error'), 'Introduisez votre mot de passe actuel.');
    assert.ok(textOf(missing.text, 'pw-new-error'));
    assert.match(auditDetails(t.srv, ['login.password_change.failure']),
      /wrong current password/);
  });

  it('changes the password, rotates the session id, and the old password stops working', async () => {
    const before = t.c.cookies.get('portier_sid');
    const hashBefore = scalar(t.srv, "SELECT hash FROM credential_password WHERE username = 'claire.dubois'");
    const r = await submit(t.c, PATH,
      { current: PASSWORD, password: 'Claire-change-2026!', password2: 'Claire-change-2026!' });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/compte/mot-de-passe?modifie=1');
    const after = t.c.cookies.get('portier_sid');
    assert.ok(after && after !== before, 'a new session id');
    const done = await page(t.c, r.location);
    assert.equal(done.status, 200);
    assert.match(done.text, /Votre mot de passe a été modifié./);
    // The old cookie no longer opens the session.
    const stale = new Client(t.srv.url);
    stale.cookies.set('portier_sid', before);
    assert.equal((await stale.get(PATH)).status, 303);
    const hashAfter = scalar(t.srv, "SELECT hash FROM credential_password WHERE username = 'claire.dubois'");
    assert.notEqual(hashAfter, hashBefore);
    assert.match(hashAfter, /^\$argon2id\$v=19\$m=8,t=1,/, 'hashed with the configured costs');
    assert.equal(auditCount(t.srv, ['password.change']), 1);

    await loginPassword(new Client(t.srv.url), 'claire.dubois', 'Claire-change-2026!');
    const old = await submit(new Client(t.srv.url), '/login/password',
      { username: 'claire.dubois', password: PASSWORD, next: '/' }, { from: '/login' });
    assert.equal(old.status, 401);
  });

  it('a form posted without the CSRF token is refused', async () => {
    const r = await t.c.get(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'current=x&password=y&password2=y',
    });
    assert.equal(r.status, 403);
  });
});
