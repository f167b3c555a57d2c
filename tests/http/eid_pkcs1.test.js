// eid_pkcs1.test.js — an eID card that signs only with PKCS#1 v1.5 (older RSA Belgian
// cards; hardening part 10): TLS 1.3 would demand an RSA-PSS CertificateVerify, which such
// a card cannot make, so the eID listener negotiates TLS 1.2. `openssl s_client` with the
// card's key restricted to RSA+SHA256 (PKCS#1 v1.5) completes an eID login: 303 to next,
// a session at level high, the audit event; a revoked card so restricted still reaches
// the door and is refused with its reason.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  PEOPLE, alertOf, eidEvents, makeCA, startTLS, tlsRequest, whoOf,
} from './eid_support.js';
import { get, sclient, setCookies } from './tls_lib.js';

describe('eID card signing PKCS#1 v1.5 only', () => {
  let ca;
  let srv;
  const card = (name) => ['-cert', path.join(ca.ca, 'cards', `${name}.pem`),
    '-key', path.join(ca.ca, 'cards', `${name}.key.pem`), '-client_sigalgs', 'RSA+SHA256'];

  before(async () => {
    ca = await makeCA({ sofie: PEOPLE.sofie, revoked: PEOPLE.lukas });
    await ca.revoke('revoked');
    srv = await startTLS(ca);
  });
  after(async () => {
    await srv?.stop();
    ca?.remove();
  });

  it('logs in over TLS 1.2 with an rsa_pkcs1_sha256 CertificateVerify', async () => {
    const r = await sclient(srv.tlsPort, card('sofie'), get('/login/eid?next=%2Faide'));
    assert.equal(r.protocol, 'TLSv1.2', r.output);
    assert.equal(r.status, 303, r.response || r.output);
    assert.match(r.response, /^Location: \/aide\r$/m);
    const sid = setCookies(r.response).portier_sid;
    assert.ok(sid, 'a session cookie');
    const page = await tlsRequest(srv, '/', { headers: { cookie: `portier_sid=${sid}` }, ca: ca.root });
    assert.equal(page.status, 200);
    assert.equal(whoOf(page.text), 'Sofie Janssens');
    const ok = eidEvents(srv).filter((e) => e.action === 'login.eid.success');
    assert.equal(ok.length, 1, JSON.stringify(eidEvents(srv)));
    assert.equal(ok[0].details.via, 'tls');
  });

  it('a revoked card signing PKCS#1 v1.5 reaches the door and is refused with why', async () => {
    const r = await sclient(srv.tlsPort, card('revoked'), get('/login/eid'));
    assert.equal(r.protocol, 'TLSv1.2', r.output);
    assert.equal(r.status, 403, r.response || r.output);
    assert.match(alertOf(r.response) ?? '', /révoqué/);
    const last = eidEvents(srv).filter((e) => e.action === 'login.eid.failure').pop();
    assert.equal(last?.details.reason, 'revoked');
  });
});
