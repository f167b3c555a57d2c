// eid_signature.test.js — the card's signature certificate picked instead of the
// authentication one (hardening part 13): its keyUsage is nonRepudiation only. GnuTLS
// used to end the handshake on it (a bare TLS error in the browser); now the request
// reaches /login/eid, which refuses it with the explanation of docs/eid.md ("choose the
// authentication certificate") and audits the reason; nobody is logged in. The same card's
// authentication certificate still logs in.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  PEOPLE, alertOf, cookiesOf, eidEvents, makeCA, runCli as run, startTLS, tlsRequest, whoOf,
} from './eid_support.js';
import { get, sclient } from './tls_lib.js';

const MESSAGE = "Ce certificat ne sert pas à l'authentification. Choisissez le certificat "
  + "d'authentification de votre carte.";

describe('the eID signature certificate', () => {
  let ca;
  let srv;

  before(async () => {
    ca = await makeCA({ jan: PEOPLE.jan });
    const r = await run(['eid', 'test-ca', 'card', '--dir', ca.ca, '--name', 'jansig', '--niss',
      PEOPLE.jan.niss, '--last', PEOPLE.jan.last, '--first', PEOPLE.jan.first, '--signature']);
    assert.equal(r.code, 0, r.stderr);
    srv = await startTLS(ca);
  });
  after(async () => {
    await srv?.stop();
    ca?.remove();
  });

  it('is issued by the test CA as on a card: nonRepudiation only, "(Signature)"', async () => {
    const r = await run(['eid', 'verify', '--trust', path.join(ca.ca, 'trust.pem'),
      path.join(ca.ca, 'cards', 'jansig.pem')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /not an authentication certificate/);
  });

  it('reaches /login/eid, which explains the refusal (page in French) and audits it', async () => {
    const res = await tlsRequest(srv, '/login/eid', { card: ca.card('jansig'), ca: ca.root });
    assert.equal(res.status, 403, res.text.slice(0, 300));
    assert.equal(alertOf(res.text), MESSAGE);
    // Not logged in: a session made by the page stays anonymous.
    const sid = cookiesOf(res.headers).portier_sid;
    if (sid) {
      const home = await tlsRequest(srv, '/', { headers: { cookie: `portier_sid=${sid}` }, ca: ca.root });
      assert.equal(whoOf(home.text), null);
    }
    const events = eidEvents(srv);
    assert.equal(events.filter((e) => e.action === 'login.eid.success').length, 0);
    const last = events.filter((e) => e.action === 'login.eid.failure').pop();
    assert.equal(last?.details.reason, 'not an authentication certificate');
    assert.equal(last?.details.via, 'tls');
  });

  it('the same refusal with openssl s_client, the extended master secret kept', async () => {
    const r = await sclient(srv.tlsPort, ['-cert', path.join(ca.ca, 'cards', 'jansig.pem'),
      '-key', path.join(ca.ca, 'cards', 'jansig.key.pem')], get('/login/eid'));
    assert.equal(r.status, 403, r.output);
    assert.ok(r.emsYes, 'extended master secret');
    assert.equal(alertOf(r.response), MESSAGE);
  });

  it('the authentication certificate of the same card logs in on the same listener', async () => {
    const res = await tlsRequest(srv, '/login/eid', { card: ca.card('jan'), ca: ca.root });
    assert.equal(res.status, 303);
    assert.equal(eidEvents(srv).filter((e) => e.action === 'login.eid.success').length, 1);
  });
});
