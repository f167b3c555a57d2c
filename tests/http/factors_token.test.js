// factors_token.test.js — the door "Avec votre token": a card of 24 numbered codes issued
// from an activation session (printable page and PDF), activated by one of its codes; login
// asks for user name + password, then "Code n° N" at a random position; level substantial.
// Refusals: wrong code, replayed challenge, a challenge from another browser, a person
// without card, wrong password, unknown account, an account waiting after failures (never
// locked).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { auditCount, auditEvents, personOf, testClock } from '../lib/world.js';

const NISS = { jan: '85073003328', lukas: '90022800193' };
import {
  PASSWORD, TOKEN_DOORS, activationSession, assertGhostThrottled, doorError, enrolCard, page, query, startDemo, submit,
  textOf, throttleToTen,
} from './factors_lib.js';

const REFUSED = 'Nom d\'utilisateur, mot de passe ou code incorrect.';
const PW_REFUSED = 'Nom d\'utilisateur ou mot de passe incorrect.';

/** Step 1 from a fresh browser: { status, error, client, position, challenge, text }. */
async function step1(srv, username, password, next = '/') {
  const c = new Client(srv.url);
  const r = await submit(c, '/login/token', { username, password, next }, { from: '/login' });
  const pos = /Code n° (\d+)<\/label>/.exec(r.text);
  const ch = /name="challenge" value="([^"]+)"/.exec(r.text);
  return {
    status: r.status, error: doorError(r.text, 'token'), client: c, text: r.text,
    position: pos ? Number(pos[1]) : null, challenge: ch ? ch[1] : null,
    csrf: /name="_csrf" value="([^"]*)"/.exec(r.text)?.[1],
  };
}

/** Step 2 with the challenge of s (from client, default s's own). */
function step2(s, code, { client = s.client, csrf = s.csrf, next = '/' } = {}) {
  return submit(client, '/login/token/code',
    { challenge: s.challenge, position: String(s.position), username: 'x', code, next },
    { csrf });
}

describe('token card', () => {
  let srv;
  const clock = testClock();
  let codes;
  const JAN_PASSWORD = 'Jan-nouveau-mdp-2026';

  before(async () => {
    srv = await startDemo([...TOKEN_DOORS, ...clock.args]);
    const c = new Client(srv.url);
    await activationSession(srv, c, 'jan.peeters', JAN_PASSWORD);
    codes = await enrolCard(c);
  });
  after(() => srv?.stop());

  it('a new card is printable as a page and as a PDF until it is activated', async () => {
    const c = new Client(srv.url);
    await activationSession(srv, c, 'lukas.schmitz', 'Lukas-nouveau-2026!');
    const issued = await submit(c, '/enrolement/token', {});
    assert.equal(issued.status, 303);
    const card = await page(c, '/enrolement/token/carte');
    assert.equal(card.status, 200);
    assert.equal((card.text.match(/<code data-position="\d+">\d{3} \d{3}<\/code>/g) ?? []).length, 24);
    const pdf = await c.fetch('/enrolement/token/carte.pdf');
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(pdf.headers.get('content-disposition'), /^attachment; filename="/);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.length > 500);
    // The PDF's text is not compressed: each of the page's 24 codes is written in it.
    const inPdf = bytes.toString('latin1');
    for (const m of card.text.matchAll(/<code data-position="\d+">(\d{3} \d{3})<\/code>/g)) {
      assert.ok(inPdf.includes(`(${m[1]}) Tj`), `code ${m[1]} in the PDF`);
    }
    // A wrong activation code is refused at the field; the card stays pending.
    const pos = Number(/Code n° (\d+) de cette carte/.exec(card.text)[1]);
    const real = /<code data-position="(\d+)">(\d{3}) (\d{3})<\/code>/g;
    let right = null;
    for (const m of card.text.matchAll(real)) if (Number(m[1]) === pos) right = m[2] + m[3];
    const wrong = right === '000000' ? '000001' : '000000';
    const bad = await submit(c, '/enrolement/token/activer', { code: wrong }, { csrf: card.csrf });
    assert.equal(bad.status, 422);
    assert.match(textOf(bad.text, 'card-code-error'), /Ce code ne correspond pas/);
    assert.deepEqual([personOf(srv, NISS.lukas).card].map(({ active, pending }) => ({ active, pending })),
      [{ active: false, pending: true }]);
    // Codes are stored as Argon2id hashes, never in clear: Jan's card and this one, 24 each.
    const hashes = query(srv, 'SELECT hash FROM token_card_code').map((r) => r.hash);
    assert.equal(hashes.length, 48);
    const clear = [...card.text.matchAll(real)].map((m) => m[2] + m[3]);
    for (const h of hashes) {
      assert.match(h, /^\$argon2id\$/);
      assert.ok(!clear.some((code) => h.includes(code)), 'a code in clear');
    }
  });

  it('user name + password, then the code at the asked position: level substantial, method token', async () => {
    const s = await step1(srv, 'jan.peeters', JAN_PASSWORD, '/compte');
    assert.equal(s.status, 200, s.error ?? '');
    assert.ok(s.position >= 1 && s.position <= 24, `position ${s.position}`);
    assert.match(s.text, /<label for="token-code">Code n° \d+<\/label>/);
    assert.ok(!s.text.includes('id="door-totp"'), 'the second step shows the token door alone');
    const unused = personOf(srv, NISS.jan).card.unused;
    const r = await step2(s, codes[s.position].replace(/^(\d{3})/, '$1 '), { next: '/compte' });
    assert.equal(r.status, 303, textOf(r.text, 'token-error') ?? '');
    assert.equal(r.location, '/compte');
    await submit(s.client, '/capacite', { capacity: 'employer', next: '/compte' });
    const acct = await page(s.client, '/compte');
    assert.equal(textOf(acct.text, 'session-level'), 'substantiel');
    assert.equal(textOf(acct.text, 'session-method'), 'codes d\'accès et code d\'une carte token');

    // The same challenge and code a second time: refused (the challenge and the code served).
    const again = await step2(s, codes[s.position], { client: s.client,
      csrf: (await page(s.client, '/compte')).csrf });
    assert.equal(again.status, 401);
    assert.equal(doorError(again.text, 'token'), REFUSED);
    assert.equal(personOf(srv, NISS.jan).card.unused, unused - 1, 'the code served once, and is spent');
    // A used position is never asked again.
    for (let i = 0; i < 3; i++) {
      const n = await step1(srv, 'jan.peeters', JAN_PASSWORD);
      assert.notEqual(n.position, s.position);
    }
  });

  it('wrong code, another browser\'s challenge, no card: the same answer', async () => {
    const s = await step1(srv, 'jan.peeters', JAN_PASSWORD);
    const wrongCode = codes[s.position] === '000000' ? '000001' : '000000';
    const wrong = await step2(s, wrongCode);
    assert.equal(wrong.status, 401);
    assert.equal(doorError(wrong.text, 'token'), REFUSED);
    // The challenge served once: the right code afterwards is refused.
    const late = await step2(s, codes[s.position],
      { csrf: /name="_csrf" value="([^"]*)"/.exec(wrong.text)[1] });
    assert.equal(late.status, 401);

    // A challenge only answers in the browser session that asked it.
    const t = await step1(srv, 'jan.peeters', JAN_PASSWORD);
    const other = new Client(srv.url);
    const otherPage = await page(other, '/login');
    const stolen = await step2(t, codes[t.position], { client: other, csrf: otherPage.csrf });
    assert.equal(stolen.status, 401);
    assert.equal(doorError(stolen.text, 'token'), REFUSED);

    // claire has no card: she is asked a position all the same, then refused.
    const n = await step1(srv, 'claire.dubois', PASSWORD);
    assert.equal(n.status, 200);
    assert.ok(n.position >= 1 && n.position <= 24);
    const none = await step2(n, '123456');
    assert.equal(none.status, 401);
    assert.equal(doorError(none.text, 'token'), REFUSED);
    assert.match(auditEvents(srv, ['login.token.failure']).map((e) => JSON.stringify(e.details)).join(','), /no token card/);
  });

  it('step 1: wrong password and unknown account get the password door\'s answer', async () => {
    const bad = await step1(srv, 'jan.peeters', 'Not-the-password');
    const ghost = await step1(srv, 'nobody.here', PASSWORD);
    for (const [what, a] of [['wrong password', bad], ['unknown', ghost]]) {
      assert.equal(a.status, 401, what);
      assert.equal(a.error, PW_REFUSED, what);
      assert.equal(a.challenge, null, what);
    }
    assert.match(ghost.text, /id="token-username"[^>]*value="nobody.here"/);
    const empty = await step1(srv, '', '');
    assert.equal(empty.status, 422);
  });

  it('a waiting account is refused even with the right password, like an unknown one, and never locked', async () => {
    await throttleToTen(srv, clock, 'claire.dubois',
      () => step1(srv, 'claire.dubois', 'wrong-password-123'), () => step1(srv, 'claire.dubois', PASSWORD));
    // Once the wait is over (the test clock moved past it) the right password goes on to
    // the card.
    clock.advance(61);
    const after = await step1(srv, 'claire.dubois', PASSWORD);
    assert.equal(after.status, 200);
    assert.ok(after.position >= 1, 'a position of the card is asked');
    await assertGhostThrottled(() => step1(srv, 'ghost.person', 'wrong-password-123'));
  });

  it('a new card revokes the old one when it is activated', async () => {
    const c = new Client(srv.url);
    await activationSession(srv, c, 'jan.peeters', 'Jan-encore-un-mdp-2026');
    const before = personOf(srv, NISS.jan).card;
    assert.ok(before.active && before.unused < 24, 'the card used above');
    await enrolCard(c);
    const now = personOf(srv, NISS.jan).card;
    assert.ok(now.active && !now.pending, 'one active card, none waiting');
    assert.notEqual(now.serial, before.serial, 'the new card replaced the old one');
    assert.equal(now.unused, 24);
    assert.ok(auditCount(srv, ['token.activate']) >= 2);
  });
});
