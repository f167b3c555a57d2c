// jwks_uri.test.js — private_key_jwt with keys registered by URL (`portier client jwks
// --jwks-uri`, `client add --jwks-uri`): a tiny JWKS server on loopback; the document is
// fetched once and kept for its Cache-Control max-age (bounded to 5 min … 24 h), fetched
// again for an unknown kid (key rotation) at most once per 5 min per client; an oversize
// answer, a private key, an unreachable or silent server give invalid_client, never a
// hang. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { closeFetchConnections, freePort } from '../lib/server.js';
import { testClock } from '../lib/world.js';
import { ASSERTION_TYPE, ORGS, assertion, assertionKey, makeMachineCA, plainPost,
  registerCert, startMachines } from './machines_lib.js';
import { addClient, portier } from './oidc_lib.js';

/** The JWKS publisher: path → { status, body, maxAge } (changeable); counts GETs per path;
 * /silent accepts and never answers. */
async function publisher() {
  const docs = {};
  const hits = {};
  const held = [];
  const server = createServer((req, res) => {
    hits[req.url] = (hits[req.url] ?? 0) + 1;
    if (req.url === '/silent') { held.push(res); return; }
    const d = docs[req.url];
    if (!d) { res.writeHead(404); res.end(); return; }
    const headers = { 'content-type': 'application/json' };
    if (d.maxAge !== undefined) headers['cache-control'] = `public, max-age=${d.maxAge}`;
    res.writeHead(d.status ?? 200, headers);
    res.end(d.body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    docs, hits, base,
    publish(p, keys, maxAge) { docs[p] = { body: JSON.stringify({ keys: keys.map((k) => k.jwk ?? k) }), maxAge }; },
    close: () => { for (const r of held) r.destroy(); return new Promise((ok) => server.close(ok)); },
  };
}

describe('private_key_jwt with a JWKS URL', () => {
  const clock = testClock();
  let offset = 0;
  let ca;
  let srv;
  let pub;
  const id = {};

  const advance = (s) => { offset += s; clock.advance(s); };
  /** An assertion dated by the server's (test) clock. */
  const signed = (key, client) => {
    const now = Math.floor(Date.now() / 1000) + offset;
    return assertion(key, client, srv.url, { claims: { iat: now, exp: now + 60 } });
  };
  const token = (key, client) => plainPost(srv, '/oidc/token', { grant_type: 'client_credentials',
    scope: 'TESTAPP', client_assertion_type: ASSERTION_TYPE, client_assertion: signed(key, client) });
  const register = (client, url) => portier(['client', 'jwks', '--db', srv.db, '--id', client, '--jwks-uri', url]);

  before(async () => {
    ca = makeMachineCA(['rot', 'bounds', 'big', 'priv', 'down', 'silent']);
    srv = await startMachines(ca, { args: clock.args });
    pub = await publisher();
    for (const n of Object.keys(ca.certs)) id[n] = registerCert(srv, ca.certs[n], { org: ORGS.pharma.id, apps: ['TESTAPP'] });
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    await pub?.close();
    ca?.remove();
  });

  it('fetches the keys once, then follows a rotation (new kid) with one refetch, rate-limited', async () => {
    const a = assertionKey('ES256', 'key-a');
    const b = assertionKey('RS256', 'key-b');
    pub.publish('/rot', [a], 3600);
    assert.match(register(id.rot, `${pub.base}/rot`), /keys at http:\/\/127\.0\.0\.1:\d+\/rot/);
    assert.equal((await token(a, id.rot)).status, 200);
    assert.equal((await token(a, id.rot)).status, 200);
    assert.equal(pub.hits['/rot'], 1, 'kept: one fetch for two tokens');
    // Rotation: the publisher now has key-b only; an assertion of key-b refetches.
    pub.publish('/rot', [b], 3600);
    const r = await token(b, id.rot);
    assert.equal(r.status, 200, r.text);
    assert.equal(pub.hits['/rot'], 2);
    // key-a is gone from the document: refused, and no new fetch (the last one is recent).
    const old = await token(a, id.rot);
    assert.equal(old.status, 401);
    assert.equal(old.json.error, 'invalid_client');
    const c = assertionKey('ES256', 'key-c');
    assert.equal((await token(c, id.rot)).status, 401);
    assert.equal(pub.hits['/rot'], 2, 'an unknown kid refetches at most once per 5 minutes');
    advance(301);
    assert.equal((await token(c, id.rot)).status, 401);
    assert.equal(pub.hits['/rot'], 3, 'past 5 minutes an unknown kid refetches again');
    assert.equal((await token(b, id.rot)).status, 200);
    assert.equal(pub.hits['/rot'], 3);
  });

  it('keeps the document for its max-age, bounded to 5 minutes and 24 hours', async () => {
    const k = assertionKey('ES256', 'key-bounds');
    pub.publish('/bounds', [k], 1);
    register(id.bounds, `${pub.base}/bounds`);
    assert.equal((await token(k, id.bounds)).status, 200);
    advance(120);
    assert.equal((await token(k, id.bounds)).status, 200);
    assert.equal(pub.hits['/bounds'], 1, 'max-age=1 counts as 5 minutes');
    advance(200);
    pub.publish('/bounds', [k], 10 * 86400);
    assert.equal((await token(k, id.bounds)).status, 200);
    assert.equal(pub.hits['/bounds'], 2, 'fetched again after 5 minutes');
    advance(86400 - 60);
    assert.equal((await token(k, id.bounds)).status, 200);
    assert.equal(pub.hits['/bounds'], 2);
    advance(120);
    assert.equal((await token(k, id.bounds)).status, 200);
    assert.equal(pub.hits['/bounds'], 3, 'max-age of 10 days counts as 24 hours');
  });

  it('refuses an oversize document and one with a private key (invalid_client)', async () => {
    const k = assertionKey('ES256', 'key-big');
    pub.docs['/big'] = { body: JSON.stringify({ keys: [k.jwk], pad: 'x'.repeat(70 * 1024) }) };
    register(id.big, `${pub.base}/big`);
    const r = await token(k, id.big);
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
    assert.match(r.json.error_description, /JWKS URL/);
    assert.match(srv.logs(), /JWKS of client [0-9a-f]+: the JWKS is larger than 65536 bytes/);
    const p = assertionKey('ES256', 'key-priv');
    const { privateKey } = p;
    pub.publish('/priv', [{ ...p.jwk, d: privateKey.export({ format: 'jwk' }).d }]);
    register(id.priv, `${pub.base}/priv`);
    assert.equal((await token(p, id.priv)).status, 401);
    assert.match(srv.logs(), /the JWKS holds a private key/);
  });

  it('answers invalid_client, not a hang, when the URL is unreachable or silent', { timeout: 60000 }, async () => {
    const k = assertionKey('ES256', 'key-down');
    register(id.down, `http://127.0.0.1:${await freePort()}/jwks`);
    const r = await token(k, id.down);
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
    register(id.silent, `${pub.base}/silent`);
    const s = await token(k, id.silent);
    assert.equal(s.status, 401, 'the 5-second timeout ends the fetch');
    assert.equal(pub.hits['/silent'], 1);
    // Right after a failure the URL is not tried again (a pause of 10 s).
    assert.equal((await token(k, id.silent)).status, 401);
    assert.equal(pub.hits['/silent'], 1);
  });

  it('serves a relying party registered with client add --jwks-uri; refuses bad URLs', async () => {
    const k = assertionKey('ES256', 'key-rp');
    pub.publish('/rp', [k], 600);
    addClient(srv, 'rp-uri');
    portier(['client', 'jwks', '--db', srv.db, '--id', 'rp-uri', '--jwks-uri', `${pub.base}/rp`]);
    const now = Math.floor(Date.now() / 1000) + offset;
    const r = await plainPost(srv, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion(k, 'rp-uri', srv.url, { claims: { iat: now, exp: now + 60 } }) });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'invalid_grant', 'authenticated by the fetched key');
    const args = ['client', 'add', '--db', srv.db, '--id', 'rp-uri2', '--application', 'TESTAPP',
      '--redirect-uri', 'http://127.0.0.1:9/cb'];
    for (const bad of ['http://example.com/jwks', 'ftp://127.0.0.1/jwks', 'not a url']) {
      assert.throws(() => portier([...args, '--jwks-uri', bad]), /--jwks-uri: an https URL/);
      assert.throws(() => portier(['client', 'jwks', '--db', srv.db, '--id', id.rot, '--jwks-uri', bad]), /https/);
    }
    assert.throws(() => portier([...args, '--jwks-uri', `${pub.base}/rp`, '--jwks', '/dev/null']), /not both/);
    assert.match(portier([...args, '--jwks-uri', 'https://rp.example.be/jwks.json']), /client_secret/);
  });
});
