// machines_interop.test.js — client_credentials as the npm clients do it (issue 15 part 5):
// openid-client and oauth4webapi obtain a machine token with private_key_jwt (their own
// assertions, aud = issuer) and with mutual TLS (tls_client_auth through the TLS
// listener, named as the mTLS alias of the token endpoint); a revoked certificate is
// refused at the token endpoint at once (its row is the CRL's source), browser-less.
// Introspection and revocation: machines_interop_introspect.test.js.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeFetchConnections } from '../lib/server.js';

import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { exec } from '../lib/db.js';
import { ORGS, isoIn, makeMachineCA, mtlsFetch, registerCert, registerJwks, startMachines, webKey } from './machines_lib.js';

describe('openid-client and oauth4webapi against portier (client_credentials)', () => {
  let ca;
  let srv;
  let id;
  let revokedId;
  let key;
  let meta;

  before(async () => {
    ca = makeMachineCA(['pharma', 'gone']);
    srv = await startMachines(ca);
    id = registerCert(srv, ca.certs.pharma, { org: ORGS.pharma.id, apps: ['TESTAPP', 'TESTONE'] });
    revokedId = registerCert(srv, ca.certs.gone, { org: ORGS.pharma.id, apps: ['TESTAPP'] });
    key = await webKey('interop-1');
    registerJwks(srv, id, [key]);
    meta = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    // The TLS listener's address is the deployment's: named here as the mTLS alias.
    meta.mtls_endpoint_aliases = { token_endpoint: `${srv.tlsUrl}/oidc/token` };
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  it('openid-client: private_key_jwt', async () => {
    const config = new client.Configuration(meta, id, {}, client.PrivateKeyJwt({ key: key.key, kid: key.kid }));
    client.allowInsecureRequests(config);
    const t = await client.clientCredentialsGrant(config, { scope: 'TESTAPP' });
    assert.match(t.access_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(t.scope, 'TESTAPP');
    assert.equal(t.token_type.toLowerCase(), 'bearer');
    assert.equal(t.expiresIn() > 0, true);
  });

  it('openid-client: tls_client_auth with the certificate', async () => {
    const config = new client.Configuration(meta, id, { use_mtls_endpoint_aliases: true }, client.TlsClientAuth());
    config[client.customFetch] = mtlsFetch(ca.certs.pharma);
    const t = await client.clientCredentialsGrant(config, { scope: 'TESTAPP TESTONE' });
    assert.equal(t.scope, 'TESTAPP TESTONE');
    // Bound to the certificate.
    const { query } = await import('../lib/db.js');
    assert.ok(query(srv, 'SELECT cnf_x5t FROM oidc_machine_token WHERE cnf_x5t = ?', [ca.certs.pharma.x5t]).length >= 1);
  });

  it('oauth4webapi: private_key_jwt and tls_client_auth', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(srv.url),
      await oauth.discoveryRequest(new URL(srv.url), { [oauth.allowInsecureRequests]: true }));
    const c = { client_id: id };
    let res = await oauth.clientCredentialsGrantRequest(as, c, oauth.PrivateKeyJwt({ key: key.key, kid: key.kid }),
      new URLSearchParams({ scope: 'TESTONE' }), { [oauth.allowInsecureRequests]: true });
    let t = await oauth.processClientCredentialsResponse(as, c, res);
    assert.equal(t.scope, 'TESTONE');
    const asMtls = { ...as, mtls_endpoint_aliases: meta.mtls_endpoint_aliases };
    const cm = { client_id: id, use_mtls_endpoint_aliases: true };
    res = await oauth.clientCredentialsGrantRequest(asMtls, cm, oauth.TlsClientAuth(), new URLSearchParams(),
      { [oauth.customFetch]: mtlsFetch(ca.certs.pharma) });
    t = await oauth.processClientCredentialsResponse(asMtls, cm, res);
    assert.equal(t.scope, 'TESTAPP TESTONE');
  });

  it('a certificate revoked is refused at the token endpoint at once (no cache, no grace)', async () => {
    const config = new client.Configuration(meta, revokedId, { use_mtls_endpoint_aliases: true }, client.TlsClientAuth());
    config[client.customFetch] = mtlsFetch(ca.certs.gone);
    const t = await client.clientCredentialsGrant(config, { scope: 'TESTAPP' });
    assert.equal(t.scope, 'TESTAPP');
    // Revoked as the registration pages do (the row is what portier's CRL is made of).
    exec(srv, "UPDATE system_cert SET status = 'revoked', revoked_at = ? WHERE public_id = ?;", [isoIn(0), revokedId]);
    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'TESTAPP' }), (e) => {
      assert.equal(e.error, 'invalid_client');
      assert.match(e.error_description, /revoked/);
      return true;
    });
  });
});
