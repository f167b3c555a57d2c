// keys_at_rest.test.js — the signing keys, TOTP keys and pairwise secret are encrypted in
// the database under a key-encryption key (kek_file, PORTIER_KEK_FILE): a copy of the
// database (the SQLite file, or pg_dump) shows none of them; a wrong or missing KEK refuses
// the start and writes nothing; `portier keys rewrap` moves everything to a new KEK, after
// which the old one is refused and a TOTP login still works. Both backends
// (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { isPg, query, scalar } from '../lib/db.js';
import { pgDatabase } from '../lib/pg.js';
import { Client, freePort, run, start, tempDir, TEST_PG } from '../lib/server.js';
import { activationSession, doorError, enrolTotp, submit, totp } from './factors_lib.js';
import {
  addClient, authorize, browser, buildWorld, jwtPayload, PEOPLE, pkce, tokenRequest,
} from './oidc_lib.js';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const CB = 'http://127.0.0.1:9/cb';
const NEW_PASSWORD = 'Claire-nouveau-2026!';

/** The whole database as bytes: the SQLite file and its WAL (server stopped), or a plain
 *  pg_dump. */
function dump(db) {
  if (isPg(db)) {
    return execFileSync(path.join(PG_BIN, 'pg_dump'), ['-d', db], { maxBuffer: 1 << 28 });
  }
  const parts = [readFileSync(db)];
  if (existsSync(`${db}-wal`)) parts.push(readFileSync(`${db}-wal`));
  return Buffer.concat(parts);
}

/** Every way a secret's bytes may be written: raw, hex (both cases), base64, base64url. */
function spellings(bytes) {
  const hex = bytes.toString('hex');
  return [bytes, Buffer.from(hex), Buffer.from(hex.toUpperCase()),
    Buffer.from(bytes.toString('base64').replace(/=+$/, '')), Buffer.from(bytes.toString('base64url'))];
}

/** The public numbers of the JWKS that a private key's DER carries raw beside its private
 *  part (EC: the point's x; RSA: the modulus n). Found raw or in hex in a copy, they show
 *  a private key stored in clear. */
function keyMarkers(jwks) {
  return jwks.keys.map((k) => Buffer.from(k.kty === 'EC' ? k.x : k.n, 'base64url'));
}

/** RFC 4648 base32 without padding, as the enrolment page shows an app key. */
function base32(bytes) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += abc[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += abc[(value << (5 - bits)) & 31];
  return out;
}

function rawOrHexFound(copy, bytes) {
  const hex = bytes.toString('hex');
  return copy.includes(bytes) || copy.includes(Buffer.from(hex)) ||
    copy.includes(Buffer.from(hex.toUpperCase()));
}

/** Whether some 32 bytes written in hex in the copy reproduce the pairwise subject sub of
 *  person in sector: the pairwise secret is readable. */
function pairwiseFound(copy, sector, person, sub) {
  const text = copy.toString('latin1');
  for (const m of text.matchAll(/[0-9a-fA-F]{64,}/g)) {
    for (let i = 0; i + 64 <= m[0].length; i += 2) {
      const key = Buffer.from(m[0].slice(i, i + 64), 'hex');
      const mac = createHmac('sha256', key).update(`${sector}\0${person}`).digest('base64url');
      if (mac === sub) return true;
    }
  }
  return false;
}

describe('keys at rest: a copy of the database without the KEK reveals no secret', () => {
  const dir = tempDir();
  const kek1 = path.join(dir, 'kek1');
  const kek2 = path.join(dir, 'kek2');
  const saved = process.env.PORTIER_KEK_FILE;

  before(async () => {
    for (const k of [kek1, kek2]) {
      const r = await run(['keys', 'kek-new', '--to', k]);
      assert.equal(r.code, 0, r.stderr);
    }
    // Not over an existing file.
    const again = await run(['keys', 'kek-new', '--to', kek1]);
    assert.equal(again.code, 1);
  });
  after(() => {
    if (saved === undefined) delete process.env.PORTIER_KEK_FILE;
    else process.env.PORTIER_KEK_FILE = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A world server on db with kek (null: none; every CLI command of the test gets the same
   *  through the environment); an OpenID flow of Jan, and Claire's app enrolled when
   *  totpToo. Returns what the copy must not show. */
  async function world(db, kek, { totpToo = false } = {}) {
    if (kek) process.env.PORTIER_KEK_FILE = kek;
    else delete process.env.PORTIER_KEK_FILE;
    const srv = await start({ db, args: ['--password-ops', '1', '--password-mem-kib', '8'] });
    try {
      buildWorld(srv);
      const rp = addClient(srv, 'rp', { redirect: [CB] });
      const jar = browser(srv);
      const { verifier, challenge } = pkce();
      const url = await authorize(jar, {
        client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 's',
        code_challenge: challenge, code_challenge_method: 'S256',
      }, { user: PEOPLE.jan.user });
      const t = await tokenRequest(srv.url, {
        grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB,
        code_verifier: verifier,
      }, { basic: rp });
      assert.equal(t.status, 200, t.text);
      const sub = jwtPayload(t.json.id_token).sub;
      const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
      const sector = scalar(srv, "SELECT sector FROM oidc_client WHERE id = 'rp'");
      let key = null;
      let step = 0;
      if (totpToo) {
        const c = new Client(srv.url);
        await activationSession(srv, c, PEOPLE.claire.user, NEW_PASSWORD);
        ({ key, step } = await enrolTotp(c));
      }
      return { srv, sub, jwks, sector, person: PEOPLE.jan.id, key, step, logs: srv.logs() };
    } finally {
      await srv.stop();
    }
  }

  function assertNothingReadable(copy, w) {
    for (const m of keyMarkers(w.jwks)) {
      assert.ok(!rawOrHexFound(copy, m), 'a signing key\'s private DER is readable in the copy');
    }
    assert.ok(!pairwiseFound(copy, w.sector, w.person, w.sub), 'the pairwise secret is readable');
    if (w.key) {
      for (const s of spellings(w.key)) assert.ok(!copy.includes(s), 'the TOTP key is readable');
      assert.ok(!copy.includes(Buffer.from(base32(w.key))), 'the TOTP key is readable in base32');
    }
  }

  it('without a KEK: secrets in clear (the checks find them) and a warning in the log', async () => {
    const db = TEST_PG ? pgDatabase() : path.join(dir, 'clear.db');
    const w = await world(db, null, { totpToo: true });
    assert.match(w.logs, /no key-encryption key configured/);
    const copy = dump(db);
    assert.ok(keyMarkers(w.jwks).every((m) => rawOrHexFound(copy, m)), 'the keys are in clear without a KEK');
    assert.ok(pairwiseFound(copy, w.sector, w.person, w.sub), 'the pairwise secret is in clear without a KEK');
    assert.ok(rawOrHexFound(copy, w.key), 'the TOTP key is in clear without a KEK');

    // The first start with a KEK seals them in place, audited; the copy then shows none.
    const r = await run(['keys', 'list', '--db', db], { env: { PORTIER_KEK_FILE: kek1 } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /secret\(s\) sealed under key-encryption key/);
    assertNothingReadable(dump(db), w);
    const wrapped = query({ db }, "SELECT details FROM audit_event WHERE action = 'keys.wrapped'");
    assert.equal(wrapped.length, 1);
    // Three secrets at least: two signing keys and the pairwise secret.
    assert.ok(JSON.parse(wrapped[0].details ?? wrapped[0][0]).rows >= 3);
  });

  it('with a KEK: no signing key, TOTP key or pairwise secret in the copy; wrong KEK refused; rewrap; TOTP after', async () => {
    const db = TEST_PG ? pgDatabase() : path.join(dir, 'sealed.db');
    const w = await world(db, kek1, { totpToo: true });
    assert.doesNotMatch(w.logs, /no key-encryption key configured/);
    const copy = dump(db);
    assertNothingReadable(copy, w);

    // A wrong KEK, or none: refused with a clear message, nothing written.
    const before = dump(db);
    for (const [env, why] of [[{ PORTIER_KEK_FILE: kek2 }, /does not open the secrets in the database/],
      [{ PORTIER_KEK_FILE: '' }, /holds encrypted secrets and no key-encryption key is configured/]]) {
      const r = await run(['serve', '--listen', `127.0.0.1:${await freePort()}`, '--db', db], { env, timeout: 30000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, why);
      assert.doesNotMatch(r.stderr, /listening on/);
    }
    if (!isPg(db)) assert.ok(dump(db).equals(before), 'a refused start wrote nothing');
    // `portier migrate` needs no KEK: the schema is not the secrets' business.
    const mig = await run(['migrate', '--db', db], { env: { PORTIER_KEK_FILE: '' } });
    assert.equal(mig.code, 0, mig.stderr);

    // Rewrap to kek2: the old one is refused, the new one opens everything.
    const badOld = await run(['keys', 'rewrap', '--old', kek2, '--new', kek1, '--db', db]);
    assert.equal(badOld.code, 1);
    assert.match(badOld.stderr, /does not open/);
    const rw = await run(['keys', 'rewrap', '--old', kek1, '--new', kek2, '--db', db]);
    assert.equal(rw.code, 0, rw.stderr);
    assert.match(rw.stdout, /secret\(s\) re-encrypted/);
    const old = await run(['keys', 'list', '--db', db], { env: { PORTIER_KEK_FILE: kek1 } });
    assert.equal(old.code, 1);
    assert.match(old.stderr, /does not open the secrets/);
    assertNothingReadable(dump(db), w);

    process.env.PORTIER_KEK_FILE = kek2;
    const srv = await start({ db, args: ['--password-ops', '1', '--password-mem-kib', '8'] });
    try {
      const jwks = await (await fetch(`${srv.url}/oidc/jwks`)).json();
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), w.jwks.keys.map((k) => k.kid).sort());
      const actions = query(srv, "SELECT action FROM audit_event WHERE action LIKE 'keys.%' ORDER BY seq")
        .map((r) => r.action ?? r[0]);
      // Sealed from their creation: nothing to wrap at a start, one rewrap.
      assert.deepEqual(actions, ['keys.rewrapped']);
      // A TOTP login after the rewrap: the key opens with the new KEK.
      const stepNow = Math.max(w.step + 1, Math.floor(Date.now() / 1000 / 30));
      const c = new Client(srv.url);
      const r = await submit(c, '/login/totp', {
        username: PEOPLE.claire.user, password: NEW_PASSWORD, code: totp(w.key, stepNow * 30), next: '/',
      }, { from: '/login' });
      assert.equal(r.status, 303, doorError(r.text, 'totp') ?? '');
    } finally {
      await srv.stop();
    }
  });
});
