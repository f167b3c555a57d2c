// doors.test.js — the login doors per deployment (issue 17 parts 3 to 5, docs/login-doors.md):
// `doors =` refused at start for an unknown or empty name; a door that is off has no page
// part and its addresses answer 404; the page shows the doors in the guide's order (eID
// first) with their level in four languages; the security code by e-mail (door
// password+email, level low): success, wrong code, expiry (test clock), reuse, too many
// attempts, the sends per hour, no address, no code in the logs; and the step-up from that
// low door to a door of level substantial.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { exec, scalar } from '../lib/db.js';
import { Client, freePort, run, start } from '../lib/server.js';
import { mails, testClock } from '../lib/world.js';
import {
  PASSWORD, activationSession, csrfOf, enrolTotp, page, startDemo, submit, textOf, totp,
} from './factors_lib.js';

const ALL = 'password,password+email,password+tokencard,password+totp,idp,passkey,eid';

/** Starts `portier serve` with these arguments and extra environment; resolves with its
 * exit status and output once it stops by itself (a refusal stops it at once). */
async function refusal(args, env = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-doors-'));
  return run(['serve', '--listen', `127.0.0.1:${await freePort()}`, '--db', path.join(dir, 'p.db'), ...args], { env });
}

/** The ids of the door sections of a login page, in their order. */
function doorIds(html) {
  return [...html.matchAll(/<section class="door" aria-labelledby="(door-[a-z0-9]+)"/g)].map((m) => m[1]);
}

/** The level lines of a login page, in their order. */
function levels(html) {
  return [...html.matchAll(/<p class="door-level level-\d">([^<]*)<\/p>/g)].map((m) => m[1]);
}

/** POSTs a form with the CSRF token of html, in language lang (Accept-Language). */
async function post(client, pathname, html, fields, lang) {
  const body = new URLSearchParams({ _csrf: csrfOf(html), ...fields });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (lang) headers['accept-language'] = lang;
  const r = await client.get(pathname, { method: 'POST', headers, body: body.toString() });
  return { ...r, location: r.headers.get('location') };
}

describe('doors = in the configuration', () => {
  it('an unknown door stops the server at start, naming the bad value', async () => {
    const r = await refusal(['--doors', 'eid, password+sms ,password+totp']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /doors: unknown door "password\+sms" \(known: eid, passkey, idp, password\+totp, password\+tokencard, password\+email, password\)/);
  });

  it('an empty name, an empty list and a bad value in the environment are refused too', async () => {
    const empty = await refusal(['--doors', 'eid,,password+totp']);
    assert.notEqual(empty.code, 0);
    assert.match(empty.stderr, /doors: an empty name in "eid,,password\+totp"/);
    const none = await refusal(['--doors', ' ']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /doors: no door named/);
    const env = await refusal([], { PORTIER_DOORS: 'EID' });
    assert.notEqual(env.code, 0);
    assert.match(env.stderr, /doors: unknown door "EID"/);
  });

  it('a bad value in the settings file is refused as well', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-doors-'));
    const conf = path.join(dir, 'portier.conf');
    writeFileSync(conf, 'doors = eid,tokencard\n');
    const r = await refusal(['--config', conf]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /doors: unknown door "tokencard"/);
  });

  it('the email code settings are bounded (6 to 8 digits)', async () => {
    const r = await refusal(['--email-code-digits', '4']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /email_code_digits: expected a number from 6 to 8/);
  });
});

describe('a new deployment: the default doors', () => {
  let srv;
  before(async () => { srv = await start({ args: ['--demo'], env: { PORTIER_DOORS: null } }); });
  after(() => srv?.stop());

  it('shows eID and the mobile-app code only, eID first, each with its level', async () => {
    const p = await page(new Client(srv.url), '/login');
    assert.equal(p.status, 200);
    assert.deepEqual(doorIds(p.text), ['door-eid', 'door-passkey', 'door-passkey2', 'door-totp']);
    assert.deepEqual(levels(p.text), ['Niveau de sécurité : élevé', 'Niveau de sécurité : substantiel',
      'Niveau de sécurité : substantiel', 'Niveau de sécurité : substantiel']);
  });

  it('the doors that are off answer 404, their enrolment too; the doors that are on do not', async () => {
    const c = new Client(srv.url);
    const p = await page(c, '/login');
    for (const off of ['/login/token', '/login/token/code', '/login/email', '/login/email/code',
      '/login/password']) {
      const r = await post(c, off, p.text, { username: 'claire.dubois', password: PASSWORD });
      assert.equal(r.status, 404, `${off} is off`);
    }
    for (const off of ['/enrolement/token', '/enrolement/token/carte', '/enrolement/token/carte.pdf']) {
      assert.equal((await c.get(off)).status, 404, `${off} is off`);
    }
    const on = await post(c, '/login/totp', p.text, { username: 'claire.dubois', password: PASSWORD, code: '000000' });
    assert.equal(on.status, 401);
    assert.notEqual((await c.get('/enrolement/application')).status, 404);
  });
});

describe('every door on', () => {
  let srv;
  before(async () => { srv = await startDemo(['--doors', ALL]); });
  after(() => srv?.stop());

  const LEVELS = {
    fr: ['Niveau de sécurité : élevé', 'Niveau de sécurité : substantiel', 'Niveau de sécurité : faible'],
    nl: ['Betrouwbaarheidsniveau: hoog', 'Betrouwbaarheidsniveau: substantieel', 'Betrouwbaarheidsniveau: laag'],
    de: ['Vertrauensniveau: hoch', 'Vertrauensniveau: substanziell', 'Vertrauensniveau: niedrig'],
    en: ['Level of assurance: high', 'Level of assurance: substantial', 'Level of assurance: low'],
  };

  for (const lang of ['fr', 'nl', 'de', 'en']) {
    it(`orders the doors as the guide does and shows their levels (${lang})`, async () => {
      const r = await new Client(srv.url).get('/login', { headers: { 'accept-language': lang } });
      assert.equal(r.status, 200);
      assert.deepEqual(doorIds(r.text), ['door-eid', 'door-passkey', 'door-passkey2', 'door-totp', 'door-token', 'door-email',
        'door-password']);
      const [high, subst, low] = LEVELS[lang];
      assert.deepEqual(levels(r.text), [high, subst, subst, subst, subst, low, low]);
    });
  }

  it('a page that asks for a higher level lists only the doors that reach it', async () => {
    const c = new Client(srv.url);
    assert.deepEqual(doorIds((await c.get('/login?level=2')).text), ['door-eid', 'door-passkey', 'door-passkey2', 'door-totp',
      'door-token']);
    assert.deepEqual(doorIds((await c.get('/login?level=3')).text), ['door-eid']);
  });
});

describe('the security code by e-mail', () => {
  let srv;
  const clock = testClock();
  const codes = [];
  const NEW_PASSWORD = 'Jan-nouveau-mdp-2026';

  before(async () => {
    srv = await startDemo(['--doors', ALL, '--email-code-attempts', '3', '--email-code-sends', '4',
      ...clock.args]);
  });
  after(() => srv?.stop());

  /** The first step for username from client c: the page with the code form. */
  async function send(c, username, password = PASSWORD, lang = undefined) {
    const p = await c.get('/login', lang ? { headers: { 'accept-language': lang } } : {});
    return post(c, '/login/email', p.text, { username, password, next: '/compte' }, lang);
  }

  /** The newest code mailed to address, and its mail. */
  function lastCode(address) {
    const m = mails(srv, 'login_code').filter((x) => x.recipient === address).at(-1);
    assert.ok(m, `a code mailed to ${address}`);
    const code = /: (\d{6})\n/.exec(m.body)?.[1];
    assert.ok(code, m.body);
    codes.push(code);
    return { code, mail: m };
  }

  /** The second step: the code typed on the page step (the first step's answer). */
  function answer(c, step, code) {
    const challenge = /name="challenge" value="([^"]+)"/.exec(step.text)?.[1];
    assert.ok(challenge, 'the code form names the code sent');
    return post(c, '/login/email/code', step.text, { challenge, username: 'ignored', code, next: '/compte' });
  }

  /** The session's level and method on /compte (a capacity chosen first). */
  async function session(c) {
    const cap = await submit(c, '/capacite', { capacity: 'health', next: '/compte' });
    assert.equal(cap.status, 303);
    const acct = await page(c, '/compte');
    assert.equal(acct.status, 200);
    return { level: textOf(acct.text, 'session-level'), method: textOf(acct.text, 'session-method') };
  }

  it('access codes, then the code from the mail: a session at level low', async () => {
    const c = new Client(srv.url);
    const step = await send(c, 'claire.dubois');
    assert.equal(step.status, 200);
    assert.deepEqual(doorIds(step.text), ['door-email'], 'the second step shows its door alone');
    assert.match(step.text, /Il est valable 10 minutes\./);
    const { code, mail } = lastCode('claire.dubois@example.be');
    assert.equal(mail.language, 'fr');
    assert.equal(mail.subject, 'Votre code de sécurité portier');
    assert.match(mail.body, /Ce code est valable 10 minutes et ne sert qu'une fois/);
    // Stored hashed (Argon2id), never as typed.
    const stored = await scalar(srv, 'SELECT code_hash FROM email_code ORDER BY id DESC LIMIT 1');
    assert.match(stored, /^\$argon2id\$/);
    assert.ok(!stored.includes(code));

    const wrong = await answer(c, step, code === '000000' ? '000001' : '000000');
    assert.equal(wrong.status, 401);
    assert.equal(textOf(wrong.text, 'email-error'), 'Code incorrect. Vérifiez le code reçu par e-mail et réessayez.');
    const ok = await answer(c, wrong, code.replace(/^(\d{3})/, '$1 '));   // "123 456" as typed
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/compte');
    assert.deepEqual(await session(c), { level: 'faible', method: 'codes d\'accès et code reçu par e-mail' });
    assert.equal(await scalar(srv, 'SELECT code_hash FROM email_code ORDER BY id DESC LIMIT 1'), '');

    // Single use: the same code again, with the form's token, is refused (the session is
    // a new one since the login: a fresh form).
    const fresh = await c.get('/login');
    const again = await answer(c, { text: step.text.replace(/name="_csrf" value="[^"]*"/, `name="_csrf" value="${csrfOf(fresh.text)}"`) }, code);
    assert.equal(again.status, 401);
    assert.match(textOf(again.text, 'email-error'), /^Ce code n'est plus valable\./);
  });

  it('a code older than its 10 minutes is refused', async () => {
    const c = new Client(srv.url);
    const step = await send(c, 'jan.peeters');
    assert.equal(step.status, 200);
    const { code, mail } = lastCode('jan.peeters@example.be');
    assert.equal(mail.language, 'fr', 'the language of the page the code was asked from');
    clock.advance(10 * 60 + 1);
    const late = await answer(c, step, code);
    assert.equal(late.status, 401);
    assert.match(textOf(late.text, 'email-error'), /^Ce code n'est plus valable\./);
  });

  it('after its last allowed wrong answer the code is void, even the right one', async () => {
    const c = new Client(srv.url);
    clock.advance(61);   // each answer past the user name's slow-down after failures
    let step = await send(c, 'jan.peeters');
    assert.equal(step.status, 200);
    const { code } = lastCode('jan.peeters@example.be');
    const bad = code === '111111' ? '222222' : '111111';
    for (let i = 1; i <= 2; i++) {
      clock.advance(61);
      step = await answer(c, step, bad);
      assert.equal(step.status, 401);
      assert.equal(textOf(step.text, 'email-error'), 'Code incorrect. Vérifiez le code reçu par e-mail et réessayez.');
    }
    clock.advance(61);
    const third = await answer(c, step, bad);
    assert.equal(third.status, 401);
    assert.match(textOf(third.text, 'email-error'), /^Ce code n'est plus valable\./);
    clock.advance(61);
    const right = await answer(c, step, code);
    assert.equal(right.status, 401);
    assert.match(textOf(right.text, 'email-error'), /^Ce code n'est plus valable\./);
    assert.equal(await scalar(srv, 'SELECT attempts FROM email_code ORDER BY id DESC LIMIT 1'), 3);
  });

  it('a new code voids the one before, and a code is bound to the browser that asked', async () => {
    const c = new Client(srv.url);
    clock.advance(61);
    const first = await send(c, 'jan.peeters');
    const { code: old } = lastCode('jan.peeters@example.be');
    const second = await send(c, 'jan.peeters');
    const { code } = lastCode('jan.peeters@example.be');
    clock.advance(61);
    const stale = await answer(c, first, old);
    assert.equal(stale.status, 401);
    // Another browser with the right code and the form's token: refused, and the code
    // stays for its own browser.
    const other = new Client(srv.url);
    const otherPage = await other.get('/login');
    const challenge = /name="challenge" value="([^"]+)"/.exec(second.text)[1];
    clock.advance(61);
    const stolen = await post(other, '/login/email/code', otherPage.text, { challenge, code });
    assert.equal(stolen.status, 401);
    clock.advance(61);
    const ok = await answer(c, second, code);
    assert.equal(ok.status, 303);
  });

  it('at most 4 codes an hour to one person, then a localised refusal', async () => {
    const c = new Client(srv.url);
    for (let i = 1; i <= 4; i++) {
      const s = await send(c, 'lukas.schmitz', PASSWORD, 'de');
      assert.equal(s.status, 200, `code ${i}`);
      assert.equal(lastCode('lukas.schmitz@example.be').mail.language, 'de');
    }
    const sent = mails(srv, 'login_code').length;
    const fifth = await send(c, 'lukas.schmitz', PASSWORD, 'de');
    assert.equal(fifth.status, 429);
    assert.equal(textOf(fifth.text, 'email-error'),
      'Ihnen wurden in der letzten Stunde zu viele Codes gesendet. Warten Sie, bevor Sie einen neuen anfordern, oder wählen Sie ein anderes Anmeldemittel.');
    assert.equal(mails(srv, 'login_code').length, sent, 'no mail for a refused send');
    // The wrong password is still the password door's answer, not a hint about sends.
    const wrongPw = await send(c, 'lukas.schmitz', 'Not-the-password-1', 'de');
    assert.equal(wrongPw.status, 401);
    clock.advance(3601);
    const later = await send(c, 'lukas.schmitz', PASSWORD, 'de');
    assert.equal(later.status, 200);
    lastCode('lukas.schmitz@example.be');
  });

  it('a person without an e-mail address is told to choose another door, and nothing is sent', async () => {
    await exec(srv, 'UPDATE person SET email = NULL WHERE id = (SELECT person_id FROM credential_password WHERE username = ?)', ['claire.dubois']);
    const sent = mails(srv, 'login_code').length;
    const c = new Client(srv.url);
    const r = await send(c, 'claire.dubois');
    assert.equal(r.status, 422);
    assert.equal(textOf(r.text, 'email-error'), 'Aucune adresse e-mail n\'est connue pour votre compte : choisissez un autre moyen de connexion.');
    assert.equal(mails(srv, 'login_code').length, sent);
  });

  it('step-up: from the e-mail code (low) to the mobile-app code (substantial)', async () => {
    const e = new Client(srv.url);
    await activationSession(srv, e, 'jan.peeters', NEW_PASSWORD);
    const { key, step: enrolStep } = await enrolTotp(e);
    clock.advance(120);   // past the slow-downs of the tests before

    const c = new Client(srv.url);
    const step = await send(c, 'jan.peeters', NEW_PASSWORD);
    assert.equal(step.status, 200);
    const ok = await answer(c, step, lastCode('jan.peeters@example.be').code);
    assert.equal(ok.status, 303);
    assert.equal((await session(c)).level, 'faible');

    // A page that needs level substantial: the login page with the step-up notice and only
    // the doors that reach it.
    const up = await c.get('/login?level=2&next=/compte');
    assert.equal(up.status, 200);
    assert.match(up.text, /<p class="notice" role="status">Cette page demande un niveau de sécurité plus élevé/);
    assert.deepEqual(doorIds(up.text), ['door-eid', 'door-passkey', 'door-passkey2', 'door-totp', 'door-token']);
    const t = Math.max(enrolStep + 1, Math.floor(Date.now() / 1000 / 30));
    const r = await post(c, '/login/totp', up.text, {
      username: 'jan.peeters', password: NEW_PASSWORD, code: totp(key, t * 30), next: '/compte', level: '2',
    });
    assert.equal(r.status, 303, textOf(r.text, 'totp-error') ?? '');
    const acct = await page(c, '/capacite?next=/compte');
    assert.equal(acct.status, 200);
    assert.deepEqual(await session(c), { level: 'substantiel', method: 'codes d\'accès et code d\'une application mobile' });
    const noLonger = await c.get('/login?level=2');
    assert.doesNotMatch(noLonger.text, /class="notice" role="status">Cette page demande/);
  });

  it('no code ever reaches the logs', async () => {
    assert.ok(codes.length >= 8);
    const logs = srv.logs();
    for (const code of codes) assert.ok(!logs.includes(code), `code ${code} in the logs`);
    assert.match(logs, /\/login\/email\/code/, 'the requests are logged (without their codes)');
  });
});
