// factors_capacity.test.js — "Sous quelle qualité voulez-vous vous authentifier?": pages
// that need a capacity (app_require_capacity: "Mon compte") send a logged-in person to the
// choice and back; the choice is one of three, kept in the session and audited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Client, suiteServer } from '../lib/server.js';
import { auditDetails } from '../lib/world.js';
import { loginPassword, page, startDemo, submit, textOf } from './factors_lib.js';

describe('capacity choice', () => {
  const t = suiteServer(() => startDemo());

  /** Jan logged in with his password, sent from "Mon compte" to the capacity choice: his client. */
  async function janSentToChoice() {
    const c = new Client(t.srv.url);
    await loginPassword(c, 'jan.peeters');
    const r = await c.get('/compte');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/capacite?next=/compte');
    return c;
  }

  it('anonymous visitors go to the login page first', async () => {
    const c = new Client(t.srv.url);
    for (const path of ['/compte', '/capacite']) {
      const r = await c.get(path);
      assert.equal(r.status, 303, path);
      assert.match(r.headers.get('location'), /^\/login\?level=1&next=/, path);
    }
  });

  it('a page that needs a capacity sends to the choice, which comes back', async () => {
    const c = await janSentToChoice();

    const p = await page(c, '/capacite?next=/compte');
    assert.equal(p.status, 200);
    assert.match(p.text, /<h1>Sous quelle qualité voulez-vous vous authentifier\?<\/h1>/);
    const choices = [...p.text.matchAll(/<button type="submit" name="capacity" value="([a-z_]+)"[^>]*>([^<]+)<\/button>/g)]
      .map((m) => [m[1], m[2]]);
    assert.deepEqual(choices, [
      ['employer', 'Employeur'],
      ['social_security', 'Professionnel de la sécurité sociale'],
      ['health', 'Acteur des soins de santé'],
    ]);

    const bad = await submit(c, '/capacite', { capacity: 'king', next: '/compte' }, { csrf: p.csrf });
    assert.equal(bad.status, 422);
    assert.equal(textOf(bad.text, 'capacity-error'), 'Choisissez une qualité.');
    // No capacity field at all: the same refusal, and none of the choices marked.
    const none = await submit(c, '/capacite', { next: '/compte' }, { csrf: p.csrf });
    assert.equal(none.status, 422);
    assert.equal(textOf(none.text, 'capacity-error'), 'Choisissez une qualité.');
    assert.doesNotMatch(none.text, /aria-describedby="capacity-current"/);

    const ok = await submit(c, '/capacite', { capacity: 'health', next: '/compte' }, { csrf: p.csrf });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/compte');
    const acct = await page(c, '/compte');
    assert.equal(acct.status, 200);
    assert.equal(textOf(acct.text, 'session-capacity'), 'Acteur des soins de santé');
    assert.equal(textOf(acct.text, 'session-level'), 'faible');
    // Kept with the session: another client with only the cookie sees it.
    const same = new Client(t.srv.url);
    same.cookies.set('portier_sid', c.cookies.get('portier_sid'));
    assert.equal(textOf((await page(same, '/compte')).text, 'session-capacity'), 'Acteur des soins de santé');
    assert.match(auditDetails(t.srv, ['session.capacity']), /"capacity":"health"/);

    // The choice page marks the current one; a change is stored too.
    const again = await page(c, '/capacite');
    assert.match(again.text, /Qualité actuelle : Acteur des soins de santé/);
    const change = await submit(c, '/capacite', { capacity: 'employer', next: '/compte' }, { csrf: again.csrf });
    assert.equal(change.status, 303);
    assert.equal(textOf((await page(c, '/compte')).text, 'session-capacity'), 'Employeur');
  });

  it('the capacity belongs to the session: a new login asks again', async () => {
    await janSentToChoice();
  });

  it('only local pages are returned to', async () => {
    const c = new Client(t.srv.url);
    await loginPassword(c, 'claire.dubois');
    const p = await page(c, '/capacite');
    const r = await submit(c, '/capacite', { capacity: 'employer', next: '//evil.example/x' }, { csrf: p.csrf });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/');
  });
});
