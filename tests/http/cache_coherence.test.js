// cache_coherence.test.js — two `portier serve` nodes on one database (issue 13 part 4):
// what one changes through the CLI (another process) reaches the other node's caches
// within the documented bound (docs/store-contract.md, "Caches across nodes"): a key
// rotation (JWKS and the id_token's kid), a client secret rotated, a client removed, a
// client registered again with another redirect URI. Polled with a deadline, never timed.
// On a SQLite file; again on a throw-away PostgreSQL cluster when its programs are there.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { pgAvailable, pgDatabase } from '../lib/pg.js';
import { run, start, tempDir } from '../lib/server.js';
import * as world from './oidc_lib.js';

const { addClient, authorize, authorizeUrl, browser, PEOPLE, pkce, portier, tokenRequest } = world;

// The documented bound (2 s: each node looks at the versions at most once a second) and
// what a loaded machine adds to the polling requests themselves.
const BOUND_MS = 2000 + 1500;
const CB = 'http://127.0.0.1:9/cb';
const CB2 = 'http://127.0.0.1:9/cb2';

/** Polls fn until it returns a truthy value or BOUND_MS after now have passed; returns
 * the last value (falsy: the deadline passed). */
async function within(fn) {
  const deadline = Date.now() + BOUND_MS;
  let v;
  do {
    v = await fn();
    if (v) return v;
    await new Promise((r) => { setTimeout(r, 100); });
  } while (Date.now() < deadline);
  return v;
}

async function kids(srv) {
  const res = await fetch(`${srv.url}/oidc/jwks`);
  assert.equal(res.status, 200);
  return (await res.json()).keys.map((k) => k.kid);
}

/** The token endpoint's answer to a bogus code with these credentials: invalid_grant
 * when the client authenticated, invalid_client when it did not. */
async function tokenError(srv, client) {
  const t = await tokenRequest(srv.url, {
    grant_type: 'authorization_code', code: '1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', redirect_uri: CB,
  }, { basic: client });
  return t.json?.error;
}

/** The status of an authorization request of client id with redirect uri on srv:
 * 303 when the client and its URI are known, 400 when not. */
async function authorizeStatus(srv, id, uri) {
  const res = await fetch(new URL(authorizeUrl({
    client_id: id, redirect_uri: uri, response_type: 'code', scope: 'openid', state: 's',
    code_challenge: pkce().challenge, code_challenge_method: 'S256',
  }), srv.url), { redirect: 'manual' });
  await res.text();
  return res.status;
}

function twoNodes(label, dbOf) {
  describe(`two nodes on one database (${label})`, { skip: dbOf.skip }, () => {
    let a;
    let b;
    let rp;

    before(async () => {
      const db = dbOf();
      // Migrated once before either node starts (a node migrates at start too).
      const m = await run(['migrate', '--db', db]);
      assert.equal(m.code, 0, m.stderr);
      a = await start({ db });
      b = await start({ db });
      world.buildWorld(a);
      rp = addClient(a, 'rp', { redirect: [CB], scope: 'openid profile' });
    });
    after(async () => {
      await b?.stop();
      await a?.stop();
    });

    it('serves on node B a key rotated through the CLI, in its JWKS and id_tokens', async () => {
      const before0 = await kids(b);
      assert.ok(before0.length >= 2, 'an ES256 and an RS256 key published');
      const out = portier(['keys', 'rotate', '--db', a.db]);
      const fresh = [...out.matchAll(/new (\S+) signing key (\S+)/g)].map((m) => ({ alg: m[1], kid: m[2] }));
      assert.equal(fresh.length, 2, out);
      for (const k of fresh) assert.ok(!before0.includes(k.kid));
      const seen = await within(async () => {
        const now = await kids(b);
        return fresh.every((k) => now.includes(k.kid)) ? now : null;
      });
      assert.ok(seen, `node B publishes the new keys ${fresh.map((k) => k.kid)} (has ${await kids(b)})`);
      // The retired keys stay published (tokens they signed are still valid).
      for (const k of before0) assert.ok(seen.includes(k), `retired key ${k} still published`);
      // Node B signs with the new ES256 key.
      const { verifier, challenge } = pkce();
      const url = await authorize(browser(b), {
        client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid', state: 'st',
        nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
      }, { user: PEOPLE.jan.user, account: world.ACCOUNTS.jan });
      const t = await tokenRequest(b.url, {
        grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB,
        code_verifier: verifier,
      }, { basic: rp });
      assert.equal(t.status, 200, t.text);
      const header = JSON.parse(Buffer.from(t.json.id_token.split('.')[0], 'base64url').toString('utf8'));
      assert.equal(header.kid, fresh.find((k) => k.alg === 'ES256').kid);
    });

    it('refuses on node B a client secret rotated through the CLI, and takes the new one', async () => {
      assert.equal(await tokenError(b, rp), 'invalid_grant', 'the old secret works (and is cached) on B');
      const out = portier(['client', 'rotate-secret', '--db', a.db, '--id', rp.id]);
      const secret = /client_secret: (\S+)/.exec(out)?.[1];
      assert.ok(secret, out);
      const refused = await within(async () => (await tokenError(b, rp)) === 'invalid_client');
      assert.ok(refused, 'node B refuses the old secret within the bound');
      assert.equal(await tokenError(b, { id: rp.id, secret }), 'invalid_grant', 'the new secret works on B');
      rp = { id: rp.id, secret };
    });

    it('refuses on node B a client removed through the CLI', async () => {
      const gone = addClient(a, 'rp-gone', { redirect: [CB], scope: 'openid' });
      assert.equal(await authorizeStatus(b, gone.id, CB), 303, 'B knows the client (cached)');
      assert.equal(await tokenError(b, gone), 'invalid_grant');
      portier(['client', 'remove', '--db', a.db, '--id', gone.id]);
      const refused = await within(async () => (await tokenError(b, gone)) === 'invalid_client' &&
        (await authorizeStatus(b, gone.id, CB)) === 400);
      assert.ok(refused, 'node B refuses the removed client within the bound');
    });

    it('uses on node B the new redirect URI of a client registered again', async () => {
      const old = addClient(a, 'rp-moved', { redirect: [CB], scope: 'openid' });
      assert.equal(await authorizeStatus(b, old.id, CB), 303, 'B knows the client (cached)');
      assert.equal(await authorizeStatus(b, old.id, CB2), 400, 'B refuses an unregistered URI');
      // Removed and registered again at once: B never sees the client missing.
      portier(['client', 'remove', '--db', a.db, '--id', old.id]);
      const moved = addClient(a, 'rp-moved', { redirect: [CB2], scope: 'openid' });
      const seen = await within(async () => (await authorizeStatus(b, old.id, CB2)) === 303);
      assert.ok(seen, 'node B uses the new redirect URI within the bound');
      assert.equal(await authorizeStatus(b, old.id, CB), 400, 'and refuses the old one');
      assert.equal(await tokenError(b, old), 'invalid_client', 'the old registration\'s secret is refused');
      assert.equal(await tokenError(b, moved), 'invalid_grant');
    });
  });
}

const sqliteDb = () => path.join(tempDir(), 'portier.db');
twoNodes('SQLite file', sqliteDb);
const pgDb = () => pgDatabase();
pgDb.skip = pgAvailable() ? false : 'PostgreSQL binaries absent';
twoNodes('PostgreSQL', pgDb);
