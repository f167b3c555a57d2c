// machines.test.js — the client_credentials grant of machines (issue 15 part 2): a system
// certificate authenticates by mutual TLS on portier's TLS listener, through a trusted
// proxy's header, or by private_key_jwt; the token is bound to the certificate (cnf
// x5t#S256) and names the organisation, quality and applications; every refusal is a 401
// invalid_client (400 invalid_scope) with its audit event and no token stored. Also
// private_key_jwt for a confidential relying party. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeFetchConnections } from '../lib/server.js';

import { exec, query, scalar } from '../lib/db.js';
import { auditEvents, testClock } from '../lib/world.js';
import { ASSERTION_TYPE, ORGS, assertion, assertionKey, isoIn, makeMachineCA, plainPost,
  registerCert, registerJwks, startMachines, tlsPost } from './machines_lib.js';
import { addClient, portier } from './oidc_lib.js';

const NAMES = ['pharma', 'medi', 'revoked', 'expired', 'unknown', 'replaced', 'late1', 'late2', 'late3', 'late4'];

describe('client_credentials for machines', () => {
  let ca;
  let srv;
  const id = {};
  let esKey;
  let rsKey;
  let psKey;

  before(async () => {
    ca = makeMachineCA(NAMES);
    srv = await startMachines(ca);
    const c = ca.certs;
    id.pharma = registerCert(srv, c.pharma, { org: ORGS.pharma.id, apps: ['TESTAPP', 'TESTONE'] });
    id.medi = registerCert(srv, c.medi, { org: ORGS.medi.id, apps: ['TESTAPP'] });
    id.revoked = registerCert(srv, c.revoked, { org: ORGS.pharma.id, apps: ['TESTAPP'], status: 'revoked' });
    id.expired = registerCert(srv, c.expired, { org: ORGS.pharma.id, apps: ['TESTAPP'],
      notBefore: isoIn(-90 * 86400), notAfter: isoIn(-60) });
    id.replaced = registerCert(srv, c.replaced, { org: ORGS.pharma.id, apps: ['TESTAPP'], status: 'replaced' });
    esKey = assertionKey('ES256');
    rsKey = assertionKey('RS256');
    psKey = assertionKey('PS256');
    registerJwks(srv, id.pharma, [esKey, rsKey, psKey]);
    registerJwks(srv, id.revoked, [esKey]);
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  const tokens = () => Number(scalar(srv, 'SELECT count(*) FROM oidc_machine_token'));
  const row = (cnf) => query(srv, 'SELECT t.scope, t.cnf_x5t, t.auth_method, c.public_id '
    + 'FROM oidc_machine_token t JOIN system_cert c ON c.id = t.cert_id', [])
    .find((r) => cnf === undefined || r.cnf_x5t === cnf);

  it('publishes the methods in the discovery document', async () => {
    const d = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    for (const m of ['private_key_jwt', 'tls_client_auth']) assert.ok(d.token_endpoint_auth_methods_supported.includes(m), m);
    assert.ok(d.grant_types_supported.includes('client_credentials'));
    assert.equal(d.tls_client_certificate_bound_access_tokens, true);
    assert.deepEqual(d.token_endpoint_auth_signing_alg_values_supported, ['ES256', 'RS256', 'PS256']);
  });

  it('issues a bound token over mutual TLS on the TLS listener (client_id or none)', async () => {
    const n0 = tokens();
    for (const form of [{ grant_type: 'client_credentials', client_id: id.pharma },
      { grant_type: 'client_credentials', scope: 'TESTONE' }]) {
      const r = await tlsPost(srv, '/oidc/token', form, ca.certs.pharma);
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.access_token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(r.json.token_type, 'Bearer');
      assert.equal(r.json.expires_in, 600);
      assert.equal(r.json.scope, form.scope ?? 'TESTAPP TESTONE');
      // Only the hash is stored.
      assert.equal(Number(scalar(srv, 'SELECT count(*) FROM oidc_machine_token WHERE scope = ?', [r.json.scope])) >= 1, true);
    }
    assert.equal(tokens(), n0 + 2);
    const r = row(ca.certs.pharma.x5t);
    assert.equal(r.public_id, id.pharma);
    assert.equal(r.auth_method, 'tls_client_auth');
    const ev = auditEvents(srv, ['oidc.machine.token.issued']).at(-1);
    assert.equal(ev.org, ORGS.pharma.enterprise);
    assert.equal(ev.actor, id.pharma);
    assert.equal(ev.details.quality, 'health_related');
    assert.equal(ev.details.bound, true);
    assert.equal(ev.details.method, 'tls_client_auth');
    assert.doesNotMatch(JSON.stringify(auditEvents(srv, [])), /access_token/);
  });

  it('issues a bound token through the trusted proxy header', async () => {
    const r = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials', scope: 'TESTAPP' },
      { 'X-SSL-Client-Cert': encodeURIComponent(ca.certs.medi.pem) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.scope, 'TESTAPP');
    assert.equal(row(ca.certs.medi.x5t).public_id, id.medi);
  });

  it('issues an unbound token with private_key_jwt (ES256, RS256, PS256)', async () => {
    for (const key of [esKey, rsKey, psKey]) {
      const r = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials', scope: 'TESTAPP',
        client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, id.pharma, srv.url) });
      assert.equal(r.status, 200, `${key.alg}: ${r.text}`);
      assert.equal(r.json.scope, 'TESTAPP');
    }
    const r = query(srv, "SELECT cnf_x5t FROM oidc_machine_token WHERE auth_method = 'private_key_jwt'");
    assert.equal(r.length, 3);
    assert.ok(r.every((x) => x.cnf_x5t === null));
    // The token endpoint's URL is an audience too.
    const t = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(esKey, id.pharma, [`${srv.url}/oidc/token`]) });
    assert.equal(t.status, 200, t.text);
  });

  async function refusedTls(cert, form, reason, status = 401, error = 'invalid_client') {
    const n0 = tokens();
    const r = await tlsPost(srv, '/oidc/token', { grant_type: 'client_credentials', ...form }, cert);
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error, error);
    if (reason) assert.match(r.json.error_description, reason);
    assert.equal(tokens(), n0, 'no token stored');
  }

  it('refuses a revoked, an expired, a replaced and an unknown certificate', async () => {
    await refusedTls(ca.certs.revoked, {}, /revoked/);
    await refusedTls(ca.certs.expired, {}, /expired/);
    await refusedTls(ca.certs.replaced, {}, /replaced/);
    await refusedTls(ca.certs.unknown, {}, /unknown/);
    // A revoked certificate stays refused with a valid assertion too.
    const r = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(esKey, id.revoked, srv.url) });
    assert.equal(r.status, 401);
    assert.match(r.json.error_description, /revoked/);
    const refusals = auditEvents(srv, ['oidc.token.refused']).map((e) => e.details.reason);
    for (const why of ['certificate revoked', 'certificate expired', 'certificate replaced']) assert.ok(refusals.includes(why), why);
  });

  // The token endpoint keeps a machine's certificate a few seconds (client_auth.c); its
  // status is read again in the token's transaction, so a change of the row, as the
  // registration pages (or another node) make it, counts from the next request on.
  it('refuses at once a certificate revoked, replaced or expired in its row after its tokens', async () => {
    const late = {};
    for (const name of ['late1', 'late2', 'late3']) {
      late[name] = registerCert(srv, ca.certs[name], { org: ORGS.pharma.id, apps: ['TESTAPP'] });
      registerJwks(srv, late[name], [esKey]);
    }
    const header = (name) => ({ 'X-SSL-Client-Cert': encodeURIComponent(ca.certs[name].pem) });
    const jwt = (name) => ({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion(esKey, late[name], srv.url) });
    // Every way in, so that each is kept: by thumbprint, by client_id, by the assertion's iss.
    const ways = (name) => [
      () => plainPost(srv, '/oidc/token', { grant_type: 'client_credentials' }, header(name)),
      () => tlsPost(srv, '/oidc/token', { grant_type: 'client_credentials', client_id: late[name] }, ca.certs[name]),
      () => plainPost(srv, '/oidc/token', jwt(name)),
    ];
    for (const name of Object.keys(late)) {
      for (const way of ways(name)) assert.equal((await way()).status, 200);
    }
    exec(srv, "UPDATE system_cert SET status = 'revoked', revoked_at = ? WHERE public_id = ?", [isoIn(0), late.late1]);
    exec(srv, "UPDATE system_cert SET status = 'replaced' WHERE public_id = ?", [late.late2]);
    exec(srv, 'UPDATE system_cert SET not_after = ? WHERE public_id = ?', [isoIn(-1), late.late3]);
    const n0 = tokens();
    const refusals0 = auditEvents(srv, ['oidc.token.refused']).length;
    for (const [name, why] of [['late1', /revoked/], ['late2', /replaced/], ['late3', /expired/]]) {
      // Twice: the first from the kept copy (refused by the issue's transaction), the second
      // from the row.
      for (const way of [...ways(name), ...ways(name)]) {
        const r = await way();
        assert.equal(r.status, 401, `${name}: ${r.text}`);
        assert.equal(r.json.error, 'invalid_client');
        assert.match(r.json.error_description, why, name);
      }
    }
    assert.equal(tokens(), n0, 'no token issued');
    const refused = auditEvents(srv, ['oidc.token.refused']).slice(refusals0);
    assert.equal(refused.length, 18);
    assert.ok(refused.every((e) => /^certificate (revoked|replaced|expired)$/.test(e.details.reason)));
  });

  // The client's JWKS is kept a few seconds too: a key added counts at once (a refusal on
  // the kept JWKS is decided again on the row's), a key removed at once too (the issue's
  // transaction finds the JWKS it was verified with replaced, and issues nothing).
  it('follows a replaced JWKS from the next request on (a key added or removed)', async () => {
    const client = registerCert(srv, ca.certs.late4, { org: ORGS.pharma.id, apps: ['TESTAPP'] });
    const k1 = assertionKey('ES256');
    const k2 = assertionKey('ES256');
    const ask = (key) => plainPost(srv, '/oidc/token', { grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, client, srv.url) });
    registerJwks(srv, client, [k1]);
    assert.equal((await ask(k1)).status, 200);
    registerJwks(srv, client, [k2]);
    let r = await ask(k2);
    assert.equal(r.status, 200, `a key added: ${r.text}`);
    assert.equal((await ask(k1)).status, 401);
    registerJwks(srv, client, [k1]);
    assert.equal((await ask(k1)).status, 200);
    assert.equal((await ask(k1)).status, 200);
    registerJwks(srv, client, [k2]);
    const n0 = tokens();
    for (let i = 0; i < 2; i++) {
      r = await ask(k1);
      assert.equal(r.status, 401, `a key removed: ${r.text}`);
      assert.equal(r.json.error, 'invalid_client');
    }
    assert.equal(tokens(), n0, 'no token with a removed key');
    assert.equal((await ask(k2)).status, 200);
  });

  it('refuses a certificate that is not the registered one of the client_id, and no authentication', async () => {
    await refusedTls(ca.certs.medi, { client_id: id.pharma }, /not the registered certificate/);
    await refusedTls(null, { client_id: id.pharma }, /missing/);
  });

  it('refuses applications outside the certificate (another organisation\'s, unknown)', async () => {
    await refusedTls(ca.certs.medi, { scope: 'TESTONE' }, /applications of the certificate/, 400, 'invalid_scope');
    await refusedTls(ca.certs.medi, { scope: 'TESTAPP NOSUCHAPP' }, null, 400, 'invalid_scope');
    await refusedTls(ca.certs.pharma, { scope: 'openid' }, null, 400, 'invalid_scope');
  });

  it('refuses the certificate header from an untrusted peer (on the TLS listener)', async () => {
    const r = await tlsPost(srv, '/oidc/token', { grant_type: 'client_credentials' }, null,
      { 'X-SSL-Client-Cert': encodeURIComponent(ca.certs.pharma.pem) });
    assert.equal(r.status, 401);
    assert.match(r.json.error_description, /untrusted peer/);
  });

  it('refuses a proxy header that is not a certificate, or not a registered one', async () => {
    for (const [bad, why] of [['%zz', /not URL-escaped PEM/], ['not-a-certificate', /not URL-escaped PEM/],
      [encodeURIComponent('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /unknown/]]) {
      const n0 = tokens();
      const r = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials' }, { 'X-SSL-Client-Cert': bad });
      assert.equal(r.status, 401, bad);
      assert.match(r.json.error_description, why, bad);
      assert.equal(tokens(), n0);
    }
  });

  it('refuses bad assertions', async () => {
    const other = assertionKey('ES256', esKey.kid);
    const now = Math.floor(Date.now() / 1000);
    const none = (() => {
      const b = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${b({ alg: 'none' })}.${b({ iss: id.pharma, sub: id.pharma, aud: srv.url, exp: now + 60, jti: 'x1' })}.`;
    })();
    const hs = (() => {
      const b = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${b({ alg: 'HS256', kid: esKey.kid })}.${b({ iss: id.pharma, sub: id.pharma, aud: srv.url, exp: now + 60, jti: 'x2' })}`;
      return `${input}.${Buffer.from('sig').toString('base64url')}`;
    })();
    const cases = [
      ['wrong aud', assertion(esKey, id.pharma, 'https://elsewhere.example'), /audience/],
      ['expired', assertion(esKey, id.pharma, srv.url, { claims: { iat: now - 600, exp: now - 300 } }), /expired/],
      ['too long-lived', assertion(esKey, id.pharma, srv.url, { claims: { exp: now + 3600 } }), /too far/],
      ['no jti', assertion(esKey, id.pharma, srv.url, { claims: { jti: undefined } }), /jti/],
      ['sub is another', assertion(esKey, id.pharma, srv.url, { claims: { sub: id.medi } }), /iss or sub/],
      ['alg none', none, /algorithm/],
      ['HS256', hs, /algorithm/],
      ['unknown kid', assertion(esKey, id.pharma, srv.url, { header: { kid: 'nope' } }), /unknown key/],
      ['bad signature', assertion(esKey, id.pharma, srv.url, { signWith: other.privateKey }), /bad signature/],
      ['RS256 key used as PS256', assertion({ ...rsKey, alg: 'PS256' }, id.pharma, srv.url), /unknown key|bad signature/],
      ['no keys registered', assertion(esKey, id.medi, srv.url), /no keys/],
      ['not a JWT', 'abc.def', /malformed/],
    ];
    for (const [what, jwt, reason] of cases) {
      const n0 = tokens();
      const r = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE, client_assertion: jwt });
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.equal(r.json.error, 'invalid_client', what);
      assert.match(r.json.error_description, reason, what);
      assert.equal(tokens(), n0, what);
    }
    const wrongType = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials',
      client_assertion_type: 'urn:other', client_assertion: assertion(esKey, id.pharma, srv.url) });
    assert.equal(wrongType.status, 401);
  });

  it('refuses a replayed jti', async () => {
    const jwt = assertion(esKey, id.pharma, srv.url);
    const form = { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt };
    assert.equal((await plainPost(srv, '/oidc/token', form)).status, 200);
    const again = await plainPost(srv, '/oidc/token', form);
    assert.equal(again.status, 401);
    assert.match(again.json.error_description, /replayed/);
  });

  it('private_key_jwt for a confidential relying party (refresh needs a grant: checked at authentication)', async () => {
    const client = addClient(srv, 'rp-keys');
    const key = assertionKey('ES256');
    registerJwks(srv, 'rp-keys', [key]);
    // The client authenticates: the grant is then refused for its code, not for the client.
    const ok = await plainPost(srv, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43),
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, 'rp-keys', srv.url) });
    assert.equal(ok.status, 400, ok.text);
    assert.equal(ok.json.error, 'invalid_grant');
    const bad = await plainPost(srv, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43),
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(assertionKey('ES256', key.kid), 'rp-keys', srv.url) });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error, 'invalid_client');
    // A secret and an assertion together: one method only.
    const both = await plainPost(srv, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43),
      client_secret: client.secret, client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion(key, 'rp-keys', srv.url) });
    assert.equal(both.status, 400);
    // Removed, the client's keys go with it: one added again under the id has none.
    const { portier: cli } = await import('./oidc_lib.js');
    cli(['client', 'remove', '--db', srv.db, '--id', 'rp-keys']);
    assert.equal(Number(scalar(srv, "SELECT count(*) FROM oidc_client_jwks WHERE client_id = 'rp-keys'")), 0);
    addClient(srv, 'rp-keys');
    const again = await plainPost(srv, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43),
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, 'rp-keys', srv.url) });
    assert.equal(again.status, 401);
    assert.match(again.json.error_description, /no keys/);
    // A machine's keys do not make it a relying party.
    const machine = await plainPost(srv, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43),
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(esKey, id.pharma, srv.url) });
    assert.equal(machine.status, 401);
  });

  it('refuses a JWKS with a private key or a weak key at registration', async () => {
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const path = (await import('node:path')).default;
    const crypto = (await import('node:crypto')).default;
    const { BIN } = await import('../lib/server.js');
    const priv = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const weak = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    for (const [what, jwks, msg] of [['private', { keys: [priv] }, /private part/], ['weak', { keys: [weak] }, /neither/],
      ['empty', { keys: [] }, /1 to 8/]]) {
      const file = path.join(srv.dir, `bad-${what}.json`);
      writeFileSync(file, JSON.stringify(jwks));
      let err = '';
      try {
        execFileSync(BIN, ['client', 'jwks', '--db', srv.db, '--id', id.medi, '--jwks', file], { stdio: 'pipe' });
      } catch (e) { err = e.stderr.toString(); }
      assert.match(err, msg, what);
    }
    assert.equal(scalar(srv, 'SELECT count(*) FROM oidc_client_jwks WHERE client_id = ?', [id.medi]), 0);
  });
});

// Introspection (RFC 7662) by a registered resource server and revocation (RFC 7009) by the
// machine itself (docs/machines.md): what makes a machine token inactive, and who may not
// revoke it. A server of its own: its test clock moves.
describe('introspection and revocation of machine tokens', () => {
  const clock = testClock();
  const RS = { id: 'mach-api', secret: 'mach-api-secret-0123456789abcdef' };
  let ca;
  let srv;
  let rp;
  const id = {};

  before(async () => {
    ca = makeMachineCA(['pharma', 'medi', 'gone']);
    srv = await startMachines(ca, { args: clock.args });
    id.pharma = registerCert(srv, ca.certs.pharma, { org: ORGS.pharma.id, apps: ['TESTAPP'] });
    id.medi = registerCert(srv, ca.certs.medi, { org: ORGS.medi.id, apps: ['TESTAPP'] });
    id.gone = registerCert(srv, ca.certs.gone, { org: ORGS.pharma.id, apps: ['TESTAPP'] });
    rp = addClient(srv, 'mach-rp');
    portier(['rs', 'add', '--db', srv.db, '--id', RS.id, '--secret', RS.secret, '--audience', 'https://mach-api.example.be']);
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  const basic = (u, p) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  const introspect = (token, headers = basic(RS.id, RS.secret)) => plainPost(srv, '/oidc/introspect', { token }, headers);
  const mtlsToken = async (name) => {
    const r = await tlsPost(srv, '/oidc/token', { grant_type: 'client_credentials', client_id: id[name] }, ca.certs[name]);
    assert.equal(r.status, 200, r.text);
    return r.json.access_token;
  };

  it('shows an active token to a resource server only, with the certificate\'s claims', async () => {
    const token = await mtlsToken('pharma');
    const r = await introspect(token);
    assert.equal(r.status, 200);
    assert.equal(r.json.active, true);
    assert.equal(r.json.client_id, id.pharma);
    assert.equal(r.json.scope, 'TESTAPP');
    assert.equal(r.json.cnf['x5t#S256'], ca.certs.pharma.x5t);
    assert.equal(r.json.organisation.enterprise_number, ORGS.pharma.enterprise);
    assert.equal(r.json.quality.code, 'health_related');
    assert.equal(r.json.exp - r.json.iat, 600);
    // No resource server: refused, not answered.
    assert.equal((await introspect(token, {})).status, 401);
    assert.equal((await introspect(token, basic(RS.id, 'wrong-secret-0123456789abcdef'))).status, 401);
    assert.equal((await introspect(token, basic(rp.id, rp.secret))).status, 401);
    // Not a token of ours.
    assert.deepEqual((await introspect('A'.repeat(43))).json, { active: false });
  });

  it('leaves a token active when another machine or an OpenID client revokes it (200)', async () => {
    const token = await mtlsToken('pharma');
    let r = await tlsPost(srv, '/oidc/revoke', { client_id: id.medi, token }, ca.certs.medi);
    assert.equal(r.status, 200, r.text);
    r = await plainPost(srv, '/oidc/revoke', { token }, basic(rp.id, rp.secret));
    assert.equal(r.status, 200, r.text);
    // A machine naming another's client_id with its own certificate is refused.
    r = await tlsPost(srv, '/oidc/revoke', { client_id: id.pharma, token }, ca.certs.medi);
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
    // Nor a machine without its certificate (nothing presented on the plain listener).
    r = await plainPost(srv, '/oidc/revoke', { client_id: id.pharma, token });
    assert.equal(r.status, 401);
    assert.equal((await introspect(token)).json.active, true);
    // Its own machine can.
    r = await tlsPost(srv, '/oidc/revoke', { token }, ca.certs.pharma);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual((await introspect(token)).json, { active: false });
    assert.equal(scalar(srv, 'SELECT count(*) FROM oidc_machine_token WHERE revoked_at IS NOT NULL'), 1);
    // Revoking again is answered the same; the audit trail holds the one revocation.
    r = await tlsPost(srv, '/oidc/revoke', { client_id: id.pharma, token }, ca.certs.pharma);
    assert.equal(r.status, 200, r.text);
    const evs = auditEvents(srv, ['oidc.machine.token.revoked']);
    assert.equal(evs.length, 1);
    assert.equal(evs[0].actor, id.pharma);
    assert.doesNotMatch(JSON.stringify(evs), new RegExp(token));
  });

  it('answers inactive once the certificate is revoked', async () => {
    const token = await mtlsToken('gone');
    assert.equal((await introspect(token)).json.active, true);
    // As the registration pages revoke a certificate (another module's).
    exec(srv, "UPDATE system_cert SET status = 'revoked', revoked_at = ? WHERE public_id = ?",
      [isoIn(0), id.gone]);
    assert.deepEqual((await introspect(token)).json, { active: false });
  });

  it('answers inactive past exp (test clock; last: the clock stays moved)', async () => {
    const token = await mtlsToken('medi');
    assert.equal((await introspect(token)).json.active, true);
    clock.advance(601);
    assert.deepEqual((await introspect(token)).json, { active: false });
  });

  it('purges the expired tokens within a minute, from the provider\'s thread (no request needed)', async () => {
    const rows = () => Number(scalar(srv, 'SELECT count(*) FROM oidc_machine_token'));
    assert.ok(rows() > 0, 'the tokens of the tests above, all expired by now');
    clock.advance(61);
    const deadline = Date.now() + 20000;
    while (rows() > 0 && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 250));
    assert.equal(rows(), 0);
  });
});
