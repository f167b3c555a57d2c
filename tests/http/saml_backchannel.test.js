// saml_backchannel.test.js — a suspension or a removal of an account by its local manager
// (the pages' own forms) ends the account's SAML sessions at the SPs (docs/saml.md): an SP
// with a SOAP SingleLogoutService receives a signed LogoutRequest (Reason admin, the NameID
// and SessionIndex of the session), retried after a 503 (the test clock moves the retry
// forward, as backchannel_pages.test.js does); an SP with only a front-channel endpoint is
// not told (no browser) and an audit event says so; another person's session is untouched.
// SQLite and PORTIER_TEST_DB=pg.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { BIN, SAN } from '../lib/server.js';
import { accounts, auditEvents, qualities, setAccountStatus, testClock } from '../lib/world.js';
import { ACCOUNTS, browser, csrfOf, login, ORGS, PEOPLE, startWorld } from './oidc_lib.js';
import {
  authnRequest, metadataCerts, PERSISTENT, postForm, redirectQuery, spMetadata, writeTemp, xmlsecVerify,
} from './saml_lib.js';
import { csrfOf as umanCsrf, login as managerLogin, post, valueOf } from './uman_lib.js';

const SOAP = 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP';
const C = 'http://127.0.0.1:9/bc-soap-sp';     // SLO by SOAP (the test's server)
const F = 'http://127.0.0.1:9/bc-front-sp';    // SLO by HTTP-Redirect only
const ACS = 'http://127.0.0.1:9/acs';
const ADMIN = 'urn:oasis:names:tc:SAML:2.0:logout:admin';

const SAN_ENV = SAN ? {
  ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'fast_unwind_on_malloc=0'].filter(Boolean).join(':'),
  LSAN_OPTIONS: [process.env.LSAN_OPTIONS, `suppressions=${new URL('./saml_lsan.supp', import.meta.url).pathname}`]
    .filter(Boolean).join(':'),
} : {};

/** A SOAP endpoint on loopback answering statuses in turn (the last one repeats). */
async function soapEndpoint(statuses) {
  const hits = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hits.push({ type: req.headers['content-type'], body });
      res.writeHead(statuses[Math.min(hits.length - 1, statuses.length - 1)], { 'content-type': 'text/xml' });
      res.end('<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body/></soap-env:Envelope>');
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    hits,
    url: `http://127.0.0.1:${server.address().port}/slo`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Waits until ep has n requests; tick() runs between looks (moves the test clock). */
async function until(ep, n, what, tick = () => {}) {
  const deadline = Date.now() + 60000;
  while (ep.hits.length < n) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    tick();
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

async function untilAudit(srv, action, pred, what) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const e = auditEvents(srv, [action]).filter(pred);
    if (e.length > 0) return e;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

const field = (xml, re) => { const m = re.exec(xml); assert.ok(m, `${re} in ${xml.slice(0, 600)}`); return m[1]; };

describe('a suspension or a removal ends the SAML sessions at the SPs', () => {
  const testclock = testClock();
  // The server's clock runs ahead by shift seconds: the AuthnRequests are made that late.
  let shift = 0;
  const clock = { args: testclock.args, advance(n) { shift += n; testclock.advance(n); } };
  let srv;
  let sp;
  let idpCert;
  let quality;
  let gl;

  before(async () => {
    sp = await soapEndpoint([503, 200]);
    srv = await startWorld({ args: clock.args, env: SAN_ENV });
    const add = (name, md) => execFileSync(BIN, ['sp', 'add', '--db', srv.db, '--metadata', writeTemp(name, md),
      '--application', 'TESTAPP'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...SAN_ENV } });
    add('bc-c.xml', spMetadata({ entityId: C, acs: [ACS], slo: sp.url, sloBinding: SOAP }));
    add('bc-f.xml', spMetadata({ entityId: F, acs: [ACS], slo: `${F}/slo` }));
    [idpCert] = metadataCerts(await (await fetch(`${srv.url}/saml/metadata`)).text());
    quality = qualities(srv, { org: ORGS.pharma.id }).find((q) => accounts(srv, { org: ORGS.pharma.id, quality: q.id })
      .some((a) => String(a.account) === ACCOUNTS.marie)).id;
    setAccountStatus(srv, { org: ORGS.pharma.id, quality, account: ACCOUNTS.marie, suspend: false });
  });
  after(async () => {
    await srv?.stop();
    await sp?.close();
  });

  /** person logs in at spId through jar with the profile account; returns the NameID and
   * SessionIndex the Response gave. */
  async function samlLogin(jar, spId, person, account) {
    const r = await jar.get(`/saml/sso?${redirectQuery(authnRequest({
      issuer: spId, acs: ACS, destination: `${srv.url}/saml/sso`, format: PERSISTENT, instant: new Date(Date.now() + shift * 1000),
    }).xml)}`);
    assert.equal(r.status, 303);
    const flow = r.headers.get('location');
    let page = await jar.get(flow);
    if (page.status === 303) {
      await login(jar, person.user, flow);
      page = await jar.get(flow);
    }
    assert.equal(page.status, 200, page.text.slice(0, 300));
    const res = await jar.get(flow, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: account }).toString(),
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    const x = postForm(res.text).response;
    return { nameId: field(x, /<saml:NameID[^>]*>([^<]+)</), sessionIndex: field(x, /SessionIndex="([^"]+)"/) };
  }

  /** Checks a SOAP LogoutRequest to C: signed by portier's published certificate, Reason
   * admin, naming the session sent. */
  function checkSoap(hit, sent) {
    assert.match(hit.type, /^text\/xml/);
    assert.match(hit.body, /<soap-env:Envelope/);
    assert.match(hit.body, /<samlp:LogoutRequest/);
    assert.equal(field(hit.body, /<saml:Issuer>([^<]+)</), `${srv.url}/saml/metadata`);
    assert.equal(field(hit.body, /<samlp:LogoutRequest[^>]* Reason="([^"]+)"/), ADMIN);
    assert.equal(field(hit.body, /<saml:NameID[^>]*>([^<]+)</), sent.nameId);
    assert.equal(field(hit.body, /<saml:NameID[^>]*SPNameQualifier="([^"]+)"/), C);
    assert.equal(field(hit.body, /<samlp:SessionIndex>([^<]+)</), sent.sessionIndex);
    assert.ok(xmlsecVerify(hit.body, idpCert, 'LogoutRequest'), 'the LogoutRequest verifies with the published certificate');
    assert.ok(!xmlsecVerify(hit.body.replace(sent.sessionIndex, '_0'), idpCert, 'LogoutRequest'), 'and not once changed');
  }

  /** Portier's own logout of jar: where it goes (a logout walk through the SPs or home). */
  async function logoutTarget(jar) {
    const home = await jar.get('/');
    const r = await jar.get('/logout', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(home.text) }).toString(),
    });
    assert.equal(r.status, 303);
    return r.headers.get('location');
  }

  const userPage = () => `/acces/${ORGS.pharma.id}/qualite/${quality}/utilisateur/${ACCOUNTS.marie}`;

  it('a suspension: the SOAP SP is sent a signed LogoutRequest (retried after a 503), the front-channel SP is audited, another person is untouched', async () => {
    const marie = browser(srv);
    const m = await samlLogin(marie, C, PEOPLE.marie, ACCOUNTS.marie);
    await samlLogin(marie, F, PEOPLE.marie, ACCOUNTS.marie);
    const jan = browser(srv);
    const j = await samlLogin(jan, C, PEOPLE.jan, ACCOUNTS.jan);
    assert.notEqual(j.nameId, m.nameId);
    gl = await managerLogin(srv, PEOPLE.claire.user);
    const page = await gl.get(userPage());
    assert.equal(page.status, 200);
    assert.equal(valueOf(page.text, 'action'), 'suspend');
    const r = await post(gl, `${userPage()}/statut`, { version: valueOf(page.text, 'version'), action: 'suspend' });
    assert.equal(r.status, 303, r.text);
    assert.match(r.headers.get('location'), /ok=suspended/);
    // F has no back channel: audited in the suspension's transaction, nothing sent.
    const unreachable = auditEvents(srv, ['saml.backchannel.unreachable']);
    assert.deepEqual(unreachable.map((e) => [e.details.entity_id, e.details.reason, e.details.error]),
      [[F, 'suspended', 'no_back_channel']]);
    await until(sp, 1, 'the first attempt');
    // C answered 503: a new signed request once the retry is due (30 s later).
    await until(sp, 2, 'the retry', () => clock.advance(31));
    checkSoap(sp.hits[0], m);
    checkSoap(sp.hits[1], m);
    assert.notEqual(field(sp.hits[0].body, / ID="([^"]+)"/), field(sp.hits[1].body, / ID="([^"]+)"/),
      'each attempt is a new message');
    const sent = await untilAudit(srv, 'saml.backchannel.sent', (e) => e.details.entity_id === C, 'the sent event');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].details.reason, 'suspended');
    assert.equal(sent[0].details.attempts, 2);
    assert.ok(!sp.hits.some((h) => h.body.includes(j.nameId)), 'Jan\'s session is not told');
    // Marie's sessions are over at portier: her own logout visits no SP.
    assert.doesNotMatch(await logoutTarget(marie), /saml\/slo\/next/);
    assert.equal(sp.hits.length, 2);
    // Jan's is still there: his logout tells C by SOAP.
    const next = await logoutTarget(jan);
    assert.match(next, /^\/saml\/slo\/next\//);
    await jan.get(next);
    assert.equal(sp.hits.length, 3);
    assert.equal(field(sp.hits[2].body, /<saml:NameID[^>]*>([^<]+)</), j.nameId);
    assert.doesNotMatch(sp.hits[2].body, /Reason=/, 'a browser\'s logout gives no admin reason');
    clock.advance(3700);
    await new Promise((ok) => setTimeout(ok, 2500));
    assert.equal(sp.hits.length, 3, 'nothing more once the SP answered 200');
  });

  it('a removal by the local manager (ask, confirm) tells the SOAP SP too', async () => {
    gl = await managerLogin(srv, PEOPLE.claire.user);   // the clock moved past her idle time
    const page = await gl.get(userPage());
    assert.equal(page.status, 200, page.text.slice(0, 300));
    let r = await post(gl, `${userPage()}/statut`, { version: valueOf(page.text, 'version'), action: 'reactivate' });
    assert.equal(r.status, 303, r.text.slice(0, 600));
    const marie = browser(srv);
    const m = await samlLogin(marie, C, PEOPLE.marie, ACCOUNTS.marie);
    const before = sp.hits.length;
    const ask = await post(gl, `/acces/${ORGS.pharma.id}/qualite/${quality}/supprimer`, { sel: [ACCOUNTS.marie] });
    assert.equal(ask.status, 200);
    r = await gl.get(`/acces/${ORGS.pharma.id}/qualite/${quality}/supprimer/confirmer`, {
      method: 'POST', body: new URLSearchParams({ _csrf: umanCsrf(ask.text), sel: ACCOUNTS.marie }),
    });
    assert.equal(r.status, 303, r.text);
    assert.match(r.headers.get('location'), /ok=removed/);
    await until(sp, before + 1, 'the LogoutRequest of the removal', () => clock.advance(31));
    checkSoap(sp.hits[before], m);
    const sent = await untilAudit(srv, 'saml.backchannel.sent', (e) => e.details.reason === 'removed', 'the sent event');
    assert.equal(sent[0].details.entity_id, C);
    assert.doesNotMatch(await logoutTarget(marie), /saml\/slo\/next/, 'the session is over at portier');
  });
});
