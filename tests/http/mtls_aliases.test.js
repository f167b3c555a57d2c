// mtls_aliases.test.js — mtls_endpoint_aliases in the discovery document (RFC 8705 §5):
// published where client certificates are asked — portier's own TLS listener asking for
// one (https, the issuer's host, the port actually bound), else the issuer when a trusted
// proxy may pass the certificate — and absent otherwise; a machine obtains a bound token
// at the published alias. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { closeFetchConnections, start } from '../lib/server.js';
import { makeMachineCA, mtlsFetch, registerCert, startMachines } from './machines_lib.js';
import { ORGS } from './oidc_lib.js';

async function discovery(srv) {
  const r = await fetch(`${srv.url}/.well-known/openid-configuration`);
  assert.equal(r.status, 200);
  return r.json();
}

describe('mtls_endpoint_aliases', () => {
  let ca;
  let srv;
  let id;

  before(async () => {
    ca = makeMachineCA(['pharma']);
    srv = await startMachines(ca);
    id = registerCert(srv, ca.certs.pharma, { org: ORGS.pharma.id, apps: ['TESTAPP'] });
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  it('names the TLS listener that asks for certificates, at the port it bound', async () => {
    const d = await discovery(srv);
    assert.equal(d.tls_client_certificate_bound_access_tokens, true);
    const host = new URL(d.issuer).hostname;
    const base = `https://${host}:${srv.tlsPort}`;
    assert.deepEqual(d.mtls_endpoint_aliases, {
      token_endpoint: `${base}/oidc/token`,
      revocation_endpoint: `${base}/oidc/revoke`,
      introspection_endpoint: `${base}/oidc/introspect`,
    });
    // The plain endpoints stay the issuer's.
    assert.equal(d.token_endpoint, `${d.issuer}/oidc/token`);
  });

  it('gives a bound token at the alias to a machine presenting its certificate', async () => {
    const d = await discovery(srv);
    const post = mtlsFetch(ca.certs.pharma);
    const r = await post(d.mtls_endpoint_aliases.token_endpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id }).toString(),
    });
    const j = await r.json();
    assert.equal(r.status, 200, JSON.stringify(j));
    assert.equal(j.token_type, 'Bearer');
    assert.equal(j.scope, 'TESTAPP');
    // The machine revokes it at the revocation alias (its certificate authenticates it).
    const rv = await post(d.mtls_endpoint_aliases.revocation_endpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: j.access_token, client_id: id }).toString(),
    });
    assert.equal(rv.status, 200);
  });
});

describe('mtls_endpoint_aliases without a TLS listener', () => {
  it('is the issuer when a trusted proxy may pass certificates, absent with neither', async () => {
    const proxied = await start({ args: ['--trusted-proxies', '127.0.0.1'] });
    const bare = await start({});
    try {
      const d = await discovery(proxied);
      assert.deepEqual(d.mtls_endpoint_aliases, {
        token_endpoint: `${d.issuer}/oidc/token`,
        revocation_endpoint: `${d.issuer}/oidc/revoke`,
        introspection_endpoint: `${d.issuer}/oidc/introspect`,
      });
      const b = await discovery(bare);
      assert.equal(b.mtls_endpoint_aliases, undefined, 'no place asks for a certificate');
      assert.equal(b.tls_client_certificate_bound_access_tokens, true);
    } finally {
      await proxied.stop();
      await bare.stop();
    }
  });
});
