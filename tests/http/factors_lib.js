// factors_lib.js — what the second-factor tests share (tests/http/factors*.test.js and
// tests/browser/factors*.test.js): RFC 6238 codes computed here with node:crypto (not with
// portier's own code), forms with their CSRF token, the demo people, activation codes
// through the command line, and the enrolment of an app and of a token card.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import { run, start } from '../lib/server.js';
import { throttleOf } from '../lib/world.js';

/** The demo people (src/cmd/demo_seed.c) and their password. */
export const PASSWORD = 'Demo-portier-2026';
export const PEOPLE = ['jan.peeters', 'claire.dubois', 'lukas.schmitz'];

/** The doors of the suites that use the token card: they name it (a new deployment has it
 * off, docs/login-doors.md). */
export const TOKEN_DOORS = ['--doors', 'eid,passkey,password,password+totp,password+tokencard,idp'];

/** A demo server with cheap Argon2id costs (the tests are about answers, not hashing). */
export function startDemo(extra = []) {
  return start({ args: ['--demo', '--password-ops', '1', '--password-mem-kib', '8', ...extra] });
}

/** RFC 4648 base32 (spaces ignored) to bytes. */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 (HMAC-SHA1, 30 s steps) code of key (Buffer) at unix time t (seconds). */
export function totp(key, t = Date.now() / 1000, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** A 6-digit code that is none of the codes of key around time t (a surely wrong code). */
export function wrongCode(key, t = Date.now() / 1000) {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(key, t + d * 30)));
  for (let i = 0; ; i++) {
    const c = String((123456 + i * 7919) % 1000000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

/** Seconds to wait so that now and now + margin fall in the same 30-second step. */
export function waitForStep(margin = 8) {
  const into = (Date.now() / 1000) % 30;
  const wait = into > 30 - margin ? (30 - into) + 0.2 : 0;
  return new Promise((r) => { setTimeout(r, wait * 1000); });
}

/** The value of the hidden CSRF field of a page, or null. */
export function csrfOf(html) {
  const m = /name="_csrf" value="([^"]*)"/.exec(html);
  return m ? m[1] : null;
}

/** HTML text with the escapes portier's writer makes turned back into characters. */
export function unescapeHtml(text) {
  const map = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': '\'', '&#96;': '`', '&#61;': '=' };
  return text.replace(/&(amp|lt|gt|quot|#39|#96|#61);/g, (e) => map[e]);
}

/** The text of the element with this id (tags stripped, unescaped), or null. */
export function textOf(html, id) {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? unescapeHtml(m[1].replace(/<[^>]*>/g, '').trim()) : null;
}

/** GETs path and returns { status, text, csrf }. */
export async function page(client, path) {
  const r = await client.get(path);
  return { ...r, csrf: csrfOf(r.text) };
}

/** POSTs fields (urlencoded) to path with the CSRF token of the page at from (default the
 *  same path); returns { status, headers, text, location }. */
export async function submit(client, path, fields, { from = null, csrf = null } = {}) {
  let token = csrf;
  if (token === null) {
    const p = await client.get(from ?? path);
    token = csrfOf(p.text);
    assert.ok(token, `no CSRF token on ${from ?? path} (status ${p.status})`);
  }
  const body = new URLSearchParams({ _csrf: token, ...fields });
  const r = await client.get(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  return { ...r, location: r.headers.get('location') };
}

/** Logs in through the access-codes door; asserts the 303. */
export async function loginPassword(client, username, password = PASSWORD) {
  const r = await submit(client, '/login/password', { username, password, next: '/' },
    { from: '/login' });
  assert.equal(r.status, 303, `password login of ${username}: ${r.status}`);
  return r;
}

/** Issues an activation code with `portier person activation-code`; returns it. */
export async function activationCode(srv, args) {
  const r = await run(['person', 'activation-code', ...args, '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  const m = /activation code: ([A-Z0-9-]+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(!/\d{11}/.test(r.stdout + r.stderr), 'no NISS in the output');
  return m[1];
}

/** Redeems a code on /activer with a new password; returns the response. */
export function activate(client, code, username, password) {
  return submit(client, '/activer', { code, username, password, password2: password });
}

/** An activation session for username (new password newPassword). */
export async function activationSession(srv, client, username, newPassword) {
  const code = await activationCode(srv, ['--username', username]);
  const r = await activate(client, code, username, newPassword);
  assert.equal(r.status, 303, `activation of ${username}: ${r.status} ${textOf(r.text, 'activate-error')}`);
  assert.equal(r.location, '/activer/suite');
  return code;
}

/** Enrols an app from an enrolment session (activation or eID); returns its key (Buffer)
 *  and the time step its first code used. */
export async function enrolTotp(client) {
  await waitForStep(5);
  const p = await page(client, '/enrolement/application');
  assert.equal(p.status, 200, `enrolment page: ${p.status}`);
  const key = base32Decode(textOf(p.text, 'totp-key'));
  assert.equal(key.length, 20);
  const now = Date.now() / 1000;
  const r = await submit(client, '/enrolement/application', { code: totp(key, now) },
    { csrf: p.csrf });
  assert.equal(r.status, 303, `confirmation: ${r.status}`);
  return { key, step: Math.floor(now / 30) };
}

/** Issues and activates a token card from an enrolment session; returns its codes
 *  (codes[n] is the code n° n). */
export async function enrolCard(client) {
  const issued = await submit(client, '/enrolement/token', {});
  assert.equal(issued.status, 303, `card issue: ${issued.status}`);
  assert.equal(issued.location, '/enrolement/token/carte');
  const card = await page(client, '/enrolement/token/carte');
  assert.equal(card.status, 200);
  const codes = {};
  for (const m of card.text.matchAll(/<code data-position="(\d+)">(\d{3}) (\d{3})<\/code>/g)) {
    codes[Number(m[1])] = m[2] + m[3];
  }
  assert.equal(Object.keys(codes).length, 24, 'the card shows 24 codes');
  const pos = Number(/Code n° (\d+) de cette carte/.exec(card.text)[1]);
  const act = await submit(client, '/enrolement/token/activer', { code: codes[pos] },
    { csrf: card.csrf });
  assert.equal(act.status, 303, `card activation: ${act.status}`);
  return codes;
}

/** What is at rest, read directly (tests/lib/db.js: SQLite or PostgreSQL): the first
 *  column of the first row of a query, or the rows. */
export { query, scalar } from '../lib/db.js';

/** The error message of a login door in a page (totp-error, token-error …), or null. */
export function doorError(html, door) {
  return textOf(html, `${door}-error`);
}

/** What the card and app doors say to a waiting account (known or not), in French. */
export const THROTTLED = 'Trop de tentatives ont échoué. Patientez un moment avant de réessayer.';

/**
 * A door's slow-down of username (the card's step 1 or the app's door): fail() is a failed
 * attempt, resolving { status, error }; at most eight of them, each a 401, until a 429 that
 * says THROTTLED; then, the test clock moved past each wait, failures (401s) up to ten in
 * the throttle table; then right() — the right password — is still refused, 429 THROTTLED.
 * Resolves that refusal.
 */
export async function throttleToTen(srv, clock, username, fail, right) {
  let last;
  for (let i = 0; i < 8; i++) {
    last = await fail();
    if (last.status === 429) break;
    assert.equal(last.status, 401);
  }
  assert.equal(last.status, 429);
  assert.equal(last.error, THROTTLED);
  // That 429 is a delay of a second or two, which a slow machine may outlive; on to ten
  // failures (a wait of a minute, never a lock), the test clock moved past each wait.
  while (throttleOf(srv, { username }).failures < 10) {
    clock.advance(61);
    assert.equal((await fail()).status, 401);
  }
  const refused = await right();
  assert.equal(refused.status, 429);
  assert.equal(refused.error, THROTTLED);
  return refused;
}

/** An unknown account is slowed down like a known one: within eight fail()s, a 429 THROTTLED. */
export async function assertGhostThrottled(fail) {
  let ghost;
  for (let i = 0; i < 8; i++) {
    ghost = await fail();
    if (ghost.status === 429) break;
  }
  assert.equal(ghost.status, 429);
  assert.equal(ghost.error, THROTTLED);
}
