// factors_activation.test.js — activation codes for people without eID: issued by
// `portier person activation-code` (by user name or NISS, printed once, stored hashed),
// redeemed once on "Activer mes codes d'accès" with the user name and a new password, valid
// 14 days, replaced by a newer code, throttled; and the enrolment rule: app and card
// enrolment only from an eID or a fresh activation session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, run } from '../lib/server.js';
import { addPerson, auditCount, auditEvents, personOf, testClock } from '../lib/world.js';
import {
  PASSWORD, TOKEN_DOORS, activate, activationCode, activationSession, loginPassword, page, query, startDemo,
  submit, textOf,
} from './factors_lib.js';

const REFUSED = 'Code d\'activation ou nom d\'utilisateur incorrect.';
const USED = 'Ce code d\'activation a expiré ou a déjà servi. Demandez un nouveau code au helpdesk.';

describe('activation codes', () => {
  let srv;

  const clock = testClock();
  let fresh;    // `portier person activation-code` of Jan's replacing code (its output)
  before(async () => { srv = await startDemo([...TOKEN_DOORS, ...clock.args]); });
  after(() => srv?.stop());

  it('the command line issues a code by user name or NISS, and says when nobody matches', async () => {
    const help = await run(['person', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: portier person activation-code/);
    const code = await activationCode(srv, ['--username', 'claire.dubois']);
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const byNiss = await activationCode(srv, ['--niss', '85.07.30-033.28']);
    assert.notEqual(byNiss, code);
    const nobody = await run(['person', 'activation-code', '--username', 'nobody', '--db', srv.db]);
    assert.equal(nobody.code, 1);
    const badNiss = await run(['person', 'activation-code', '--niss', '85073003329', '--db', srv.db]);
    assert.equal(badNiss.code, 2);
    assert.ok(!badNiss.stderr.includes('85073003329'), 'the NISS is not echoed');
    const none = await run(['person', 'activation-code', '--db', srv.db]);
    assert.equal(none.code, 2);
    // Only hashes are stored: 32 bytes each, neither code in clear (with or without dashes).
    const stored = query(srv, {
      sqlite: 'SELECT hex(code_hash) AS h FROM activation_code',
      pg: "SELECT upper(encode(code_hash, 'hex')) AS h FROM activation_code",
    }).map((r) => r.h);
    assert.equal(stored.length, 2, 'one code for each of the two people');
    for (const h of stored) {
      assert.match(h, /^[0-9A-F]{64}$/);
      for (const clear of [code, byNiss, code.replace(/-/g, ''), byNiss.replace(/-/g, '')]) {
        assert.ok(!h.includes(Buffer.from(clear).toString('hex').toUpperCase()), 'a code in clear');
      }
    }
    // Issued from the command line: named "cli", as the helpdesk.
    assert.deepEqual(auditEvents(srv, ['activation.issue']).map((e) => [e.actor, e.actor_role]),
      [['cli', 'helpdesk'], ['cli', 'helpdesk']]);
  });

  it('the page asks for the code, the user name and the new password twice', async () => {
    const c = new Client(srv.url);
    const p = await page(c, '/activer');
    assert.equal(p.status, 200);
    assert.match(p.text, /<h1>Activer mes codes d&#39;accès<\/h1>/);
    for (const id of ['act-code', 'act-username', 'act-password', 'act-password2']) {
      assert.match(p.text, new RegExp(`<label for="${id}">`), id);
    }
    // Reached from the login page.
    const login = await page(c, '/login');
    assert.match(login.text, /href="\/activer"/);
  });

  it('bad input: messages at the fields, the user name kept, secrets not', async () => {
    const c = new Client(srv.url);
    const code = await activationCode(srv, ['--username', 'lukas.schmitz']);
    const short = await submit(c, '/activer',
      { code, username: 'lukas.schmitz', password: 'short', password2: 'short' }, { from: '/activer' });
    assert.equal(short.status, 422);
    assert.equal(textOf(short.text, 'act-password-error'), 'Le mot de passe doit compter au moins 12 caractères.');
    assert.match(short.text, /id="act-username"[^>]*value="lukas.schmitz"/);
    assert.ok(!short.text.includes(code), 'the code is not sent back');
    assert.match(short.text, /aria-invalid="true" aria-describedby="act-password-error"|aria-describedby="act-password-hint act-password-error"/);
    const mismatch = await submit(c, '/activer',
      { code, username: 'lukas.schmitz', password: 'Lukas-nouveau-2026!', password2: 'Lukas-nouveau-2026?' },
      { from: '/activer' });
    assert.equal(mismatch.status, 422);
    assert.equal(textOf(mismatch.text, 'act-password2-error'), 'Les deux mots de passe ne sont pas identiques.');
    const empty = await submit(c, '/activer', { code: '', username: '', password: '', password2: '' },
      { from: '/activer' });
    assert.equal(empty.status, 422);
    assert.ok(textOf(empty.text, 'act-code-error'));
    assert.ok(textOf(empty.text, 'act-username-error'));
    // None of this used the code.
    const ok = await activate(c, code, 'lukas.schmitz', 'Lukas-nouveau-2026!');
    assert.equal(ok.status, 303);
  });

  it('a wrong code, or the code with someone else\'s user name: the same refusal', async () => {
    const c = new Client(srv.url);
    const wrong = await activate(c, 'AAAA-BBBB-CCCC-DDDD', 'jan.peeters', 'Jan-nouveau-mdp-2026');
    assert.equal(wrong.status, 401);
    assert.equal(textOf(wrong.text, 'activate-error'), REFUSED);
    const code = await activationCode(srv, ['--username', 'jan.peeters']);
    const other = await activate(c, code, 'claire.dubois', 'Jan-nouveau-mdp-2026');
    assert.equal(other.status, 401);
    assert.equal(textOf(other.text, 'activate-error'), REFUSED);
    // The code still works for its person (the refusals did not use it).
    const ok = await activate(c, code.toLowerCase(), 'Jan.Peeters', 'Jan-nouveau-mdp-2026');
    assert.equal(ok.status, 303);
  });

  it('a code serves once, opens an enrolment session, and sets the password', async () => {
    const c = new Client(srv.url);
    const code = await activationCode(srv, ['--username', 'claire.dubois']);
    const first = await activate(c, code, 'claire.dubois', 'Claire-active-2026!');
    assert.equal(first.status, 303);
    assert.equal(first.location, '/activer/suite');
    const next = await page(c, '/activer/suite');
    assert.equal(next.status, 200);
    assert.match(next.text, /href="\/enrolement\/application"/);
    assert.match(next.text, /href="\/enrolement\/token"/);
    assert.equal((await c.get('/enrolement/application')).status, 200);
    assert.equal((await c.get('/enrolement/token')).status, 200);
    // Once.
    const again = await activate(new Client(srv.url), code, 'claire.dubois', 'Claire-autre-2026!');
    assert.equal(again.status, 422);
    assert.equal(textOf(again.text, 'act-code-error'), USED);
    // The new password works at the password door, the old one no longer.
    await loginPassword(new Client(srv.url), 'claire.dubois', 'Claire-active-2026!');
    const old = await submit(new Client(srv.url), '/login/password',
      { username: 'claire.dubois', password: PASSWORD, next: '/' }, { from: '/login' });
    assert.equal(old.status, 401);
    assert.equal(auditCount(srv, ['activation.redeem']), 3);
  });

  it('an expired code and a replaced code are refused', async () => {
    const c = new Client(srv.url);
    const old = await activationCode(srv, ['--username', 'jan.peeters']);
    fresh = await run(['person', 'activation-code', '--username', 'jan.peeters', '--db', srv.db]);
    assert.equal(fresh.code, 0, fresh.stderr);
    const replaced = await activate(c, old, 'jan.peeters', 'Jan-remplace-2026!');
    assert.equal(replaced.status, 422);
    assert.equal(textOf(replaced.text, 'act-code-error'), USED);
    // The replacing code expires after 14 days: the last test of this file.
  });

  it('a person without access codes chooses a user name, which must be free', async () => {
    addPerson(srv, { niss: '98472899765', last: 'Martin', first: 'Sophie', lang: 'fr' });
    const code = await activationCode(srv, ['--niss', '98472899765']);
    const c = new Client(srv.url);
    const taken = await activate(c, code, 'jan.peeters', 'Sophie-choisit-2026!');
    assert.equal(taken.status, 422);
    assert.equal(textOf(taken.text, 'act-username-error'), 'Ce nom d\'utilisateur est déjà pris. Choisissez-en un autre.');
    const invalid = await activate(c, code, 'so phie', 'Sophie-choisit-2026!');
    assert.equal(invalid.status, 422);
    assert.ok(textOf(invalid.text, 'act-username-error'));
    const ok = await activate(c, code, 'sophie.martin', 'Sophie-choisit-2026!');
    assert.equal(ok.status, 303);
    await loginPassword(new Client(srv.url), 'sophie.martin', 'Sophie-choisit-2026!');
  });

  it('enrolment is refused without an eID or activation session', async () => {
    const anon = new Client(srv.url);
    const a = await anon.get('/enrolement/application');
    assert.equal(a.status, 303);
    assert.equal(a.headers.get('location'), '/login?level=3&next=/enrolement/application');
    const pw = new Client(srv.url);
    await loginPassword(pw, 'sophie.martin', 'Sophie-choisit-2026!');
    for (const path of ['/enrolement/application', '/enrolement/token', '/enrolement/token/carte',
      '/enrolement/token/carte.pdf', '/activer/suite']) {
      const r = await pw.get(path);
      assert.equal(r.status, 303, path);
      assert.match(r.headers.get('location'), /^\/login\?level=3&next=/, path);
    }
    const home = await page(pw, '/compte/mot-de-passe');
    for (const path of ['/enrolement/token', '/enrolement/application',
      '/enrolement/application/supprimer', '/enrolement/token/revoquer']) {
      const r = await submit(pw, path, { code: '123456' }, { csrf: home.csrf });
      assert.equal(r.status, 303, path);
      assert.match(r.location, /^\/login\?level=3/, path);
    }
    assert.deepEqual([personOf(srv, '98472899765').card].map(({ active, pending }) => ({ active, pending })),
      [{ active: false, pending: false }], 'no card issued to Sophie');
    // An activation session is good for 30 minutes only.
    const act = new Client(srv.url);
    await activationSession(srv, act, 'lukas.schmitz', 'Lukas-encore-2026!');
    assert.equal((await act.get('/enrolement/application')).status, 200);
    // Used within the idle timeout (30 minutes too), the session outlives the 30 minutes
    // of the activation: enrolment closes.
    // (The test clock only moves forward: what the server stored at a later time would
    // stay in the future if it went back.)
    clock.advance(1000);
    assert.equal((await act.get('/enrolement/application')).status, 200);
    clock.advance(1000);
    assert.equal((await act.get('/enrolement/application')).status, 303);
  });

  it('failed redemptions are throttled with the same message for every account', async () => {
    const c = new Client(srv.url);
    let last;
    for (let i = 0; i < 8; i++) {
      last = await activate(c, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'someone.else', 'Whatever-pass-2026');
      if (last.status === 429) break;
      assert.equal(last.status, 401);
    }
    assert.equal(last.status, 429);
    assert.equal(textOf(last.text, 'activate-error'),
      'Trop de tentatives ont échoué. Patientez un moment avant de réessayer.');
    assert.ok(auditCount(srv, ['login.activation.failure']) >= 3);
  });

  it('an activation code expires after 14 days', async () => {
    // 14 days: the expiry the command printed (to the minute, local time); the test clock
    // then moves past it.
    const code = /activation code: ([A-Z0-9-]+)/.exec(fresh.stdout)[1];
    const until = /valid until: +(\d{4}-\d\d-\d\d \d\d:\d\d)/.exec(fresh.stdout)[1];
    assert.equal(Math.round((new Date(until.replace(' ', 'T')) - Date.now()) / 86400000), 14);
    clock.advance(14 * 86400 + 60);
    const expired = await activate(new Client(srv.url), code, 'jan.peeters', 'Jan-remplace-2026!');
    assert.equal(expired.status, 422);
    assert.equal(textOf(expired.text, 'act-code-error'), USED);
  });
});
