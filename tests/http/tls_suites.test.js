// tls_suites.test.js — the cipher suites of portier's TLS listener (hardening part 13):
// TLS 1.2 offers only ECDHE with AEAD suites (AES-GCM, ChaCha20-Poly1305, AES-CCM); the two
// CBC suites with HMAC-SHA1 that GnuTLS's NORMAL adds (ECDHE-ECDSA-AES128-SHA and
// ECDHE-ECDSA-AES256-SHA, MAC-then-encrypt) and every other non-AEAD suite are refused,
// on the listener that asks for eID cards and on one that does not; the latter still
// speaks TLS 1.3, the former TLS 1.2 (see eid_pkcs1.test.js).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { freePort, start } from '../lib/server.js';
import { makeCA, startTLS } from './eid_support.js';
import { get, sclient } from './tls_lib.js';

const CBC_SHA1 = ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA'];
// Every TLS 1.2 suite OpenSSL knows that is not AEAD (CBC with SHA-1, SHA-256, SHA-384,
// static RSA, DHE …), offered at once: the server must pick none.
const NON_AEAD = 'ALL:COMPLEMENTOFALL:!AESGCM:!AESCCM:!CHACHA20:!ARIAGCM:@SECLEVEL=0';
const AEAD = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305'];

for (const eid of [true, false]) {
  describe(`TLS 1.2 suites of the listener ${eid ? 'asking for eID cards' : 'without eID'}`, () => {
    let ca;
    let srv;
    let port;

    before(async () => {
      ca = await makeCA();
      if (eid) {
        srv = await startTLS(ca);
        port = srv.tlsPort;
      } else {
        srv = await start({
          args: async () => {
            port = await freePort();
            return ['--tls-listen', `127.0.0.1:${port}`,
              '--tls-cert', path.join(ca.ca, 'server.pem'), '--tls-key', path.join(ca.ca, 'server.key.pem')];
          },
        });
      }
    });
    after(async () => {
      await srv?.stop();
      ca?.remove();
    });

    for (const suite of CBC_SHA1) {
      it(`refuses ${suite} (CBC with HMAC-SHA1)`, async () => {
        const r = await sclient(port, ['-tls1_2', '-cipher', suite]);
        assert.equal(r.cipher, null, `negotiated ${r.cipher}:\n${r.output}`);
      });
    }

    it('refuses every non-AEAD suite offered at once', async () => {
      const r = await sclient(port, ['-tls1_2', '-cipher', NON_AEAD]);
      assert.equal(r.cipher, null, `negotiated ${r.cipher}:\n${r.output}`);
    });

    for (const suite of AEAD) {
      it(`accepts ${suite}`, async () => {
        const r = await sclient(port, ['-tls1_2', '-cipher', suite], get('/healthz'));
        assert.equal(r.protocol, 'TLSv1.2', r.output);
        assert.equal(r.status, 200);
        assert.equal(r.cipher, suite);
        assert.ok(r.emsYes, 'extended master secret');
      });
    }

    it(eid ? 'negotiates TLS 1.2 (eID cards that sign only PKCS#1 v1.5)' : 'negotiates TLS 1.3',
      async () => {
        const r = await sclient(port, [], get('/healthz'));
        assert.equal(r.status, 200);
        assert.equal(r.protocol, eid ? 'TLSv1.2' : 'TLSv1.3', r.output);
      });
  });
}
