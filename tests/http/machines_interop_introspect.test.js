// machines_interop_introspect.test.js — introspection (RFC 7662) and revocation (RFC 7009) of
// machine tokens with the npm clients: a resource server registered with `portier rs add`
// introspects a machine's client_credentials token (active, client_id, scope, cnf x5t#S256
// when bound, organisation, quality); the machine itself revokes it (openid-client with
// tls_client_auth over mTLS, oauth4webapi with private_key_jwt), then it is inactive.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeFetchConnections } from '../lib/server.js';

import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { ORGS, makeMachineCA, mtlsFetch, registerCert, registerJwks, startMachines, webKey } from './machines_lib.js';
import { portier } from './oidc_lib.js';

const RS = { id: 'machines-api', secret: 'machines-api-secret-0123456789' };

describe('introspection and revocation of machine tokens (openid-client, oauth4webapi)', () => {
  let ca;
  let srv;
  let id;
  let key;
  let meta;

  before(async () => {
    ca = makeMachineCA(['pharma']);
    srv = await startMachines(ca);
    id = registerCert(srv, ca.certs.pharma, { org: ORGS.pharma.id, apps: ['TESTAPP'] });
    key = await webKey('introspect-1');
    registerJwks(srv, id, [key]);
    portier(['rs', 'add', '--db', srv.db, '--id', RS.id, '--secret', RS.secret, '--audience', 'https://api.machines.example.be']);
    meta = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    meta.mtls_endpoint_aliases = { token_endpoint: `${srv.tlsUrl}/oidc/token`, revocation_endpoint: `${srv.tlsUrl}/oidc/revoke` };
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  function machineConfig() {
    const config = new client.Configuration(meta, id, { use_mtls_endpoint_aliases: true }, client.TlsClientAuth());
    config[client.customFetch] = mtlsFetch(ca.certs.pharma);
    return config;
  }

  function rsConfig() {
    // RFC 7662 §2.1 as portier offers it: client_secret_basic (openid-client defaults to _post).
    const config = new client.Configuration(meta, RS.id, {}, client.ClientSecretBasic(RS.secret));
    client.allowInsecureRequests(config);
    return config;
  }

  it('openid-client: the resource server introspects a bound token, the machine revokes it by mTLS', async () => {
    const token = (await client.clientCredentialsGrant(machineConfig(), { scope: 'TESTAPP' })).access_token;
    const info = await client.tokenIntrospection(rsConfig(), token);
    assert.equal(info.active, true);
    assert.equal(info.client_id, id);
    assert.equal(info.scope, 'TESTAPP');
    assert.equal(info.token_type, 'Bearer');
    assert.equal(info.iss, meta.issuer);
    assert.equal(info.cnf?.['x5t#S256'], ca.certs.pharma.x5t);
    assert.equal(info.quality?.code, 'health_related');
    assert.equal(info.aud, undefined, 'a machine token has no audience');
    assert.ok(info.exp > info.iat);
    await client.tokenRevocation(machineConfig(), token);
    assert.deepEqual(await client.tokenIntrospection(rsConfig(), token), { active: false });
  });

  it('oauth4webapi: the machine revokes its token with private_key_jwt (unbound token)', async () => {
    const as = { ...meta };
    const c = { client_id: id };
    const opts = { [oauth.allowInsecureRequests]: true };
    const t = await oauth.processClientCredentialsResponse(as, c, await oauth.clientCredentialsGrantRequest(as, c,
      oauth.PrivateKeyJwt({ key: key.key, kid: key.kid }), new URLSearchParams({ scope: 'TESTAPP' }), opts));
    const rsc = { client_id: RS.id };
    const rsAuth = oauth.ClientSecretBasic(RS.secret);
    let info = await oauth.processIntrospectionResponse(as, rsc, await oauth.introspectionRequest(as, rsc, rsAuth, t.access_token, opts));
    assert.equal(info.active, true);
    assert.equal(info.client_id, id);
    assert.equal(info.cnf, undefined, 'a token got with private_key_jwt alone is not bound');
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, c,
      oauth.PrivateKeyJwt({ key: key.key, kid: key.kid }), t.access_token, opts));
    info = await oauth.processIntrospectionResponse(as, rsc, await oauth.introspectionRequest(as, rsc, rsAuth, t.access_token, opts));
    assert.equal(info.active, false);
  });

  it('oauth4webapi: the machine revokes its token by mTLS (tls_client_auth)', async () => {
    const cm = { client_id: id, use_mtls_endpoint_aliases: true };
    const mtls = { [oauth.customFetch]: mtlsFetch(ca.certs.pharma) };
    const t = await oauth.processClientCredentialsResponse(meta, cm, await oauth.clientCredentialsGrantRequest(meta, cm,
      oauth.TlsClientAuth(), new URLSearchParams(), mtls));
    assert.equal((await client.tokenIntrospection(rsConfig(), t.access_token)).active, true);
    await oauth.processRevocationResponse(await oauth.revocationRequest(meta, cm, oauth.TlsClientAuth(), t.access_token, mtls));
    assert.deepEqual(await client.tokenIntrospection(rsConfig(), t.access_token), { active: false });
  });
});
