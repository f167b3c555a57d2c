// saml_slo.test.js — SAML Single Logout across service providers and protocols (issue 14;
// docs/saml.md): portier records, per browser session, each SP that got a Response (its
// NameID, persistent or transient, and the SessionIndex sent). An SP's LogoutRequest ends
// the session, the OpenID relying parties are told by back-channel logout, and the other
// SPs get LogoutRequests (HTTP-Redirect and HTTP-POST through the browser, SOAP by the back
// channel) before the LogoutResponse to the SP that asked; portier's own logout and
// OpenID's RP-initiated logout tell the SAML SPs the same way. Three SPs played by the
// test (one of them a SOAP endpoint on loopback) and one OpenID RP with a back-channel
// logout URI. Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { verify as cryptoVerify } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

import { BIN, SAN } from '../lib/server.js';
import { auditEvents } from '../lib/world.js';
import {
  ACCOUNTS, authorize, authorizeUrl, browser, csrfOf, login, PEOPLE, pkce, refreshTarget, startWorld,
} from './oidc_lib.js';
import {
  authnRequest, logoutRequest, metadataCerts, PERSISTENT, POST, postForm, redirectQuery, spMetadata, TRANSIENT,
  writeTemp, xmlsecVerify,
} from './saml_lib.js';

const SOAP = 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP';
const A = 'http://127.0.0.1:9/a-sp';          // SLO by HTTP-Redirect
const B = 'http://127.0.0.1:9/b-sp';          // SLO by HTTP-POST
const C = 'http://127.0.0.1:9/c-sp';          // SLO by SOAP (the test's server)
const ACS = 'http://127.0.0.1:9/acs';
const CB = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';

// Under ASan: full stacks, so that the leaks inside lasso and xmlsec1 can be told from
// portier's own and suppressed (saml_lsan.supp), as saml.test.js does.
const SAN_ENV = SAN ? {
  ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'fast_unwind_on_malloc=0'].filter(Boolean).join(':'),
  LSAN_OPTIONS: [process.env.LSAN_OPTIONS, `suppressions=${new URL('./saml_lsan.supp', import.meta.url).pathname}`]
    .filter(Boolean).join(':'),
} : {};

function cli(args) {
  return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A loopback endpoint recording each POST's body (an SP's SOAP SLO, an RP's BCL). */
async function endpoint(path, answer = '') {
  const hits = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hits.push({ type: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(answer);
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    hits,
    url: `http://127.0.0.1:${server.address().port}${path}`,
    async until(n, what) {
      const deadline = Date.now() + 30000;
      while (hits.length < n) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
        await new Promise((ok) => setTimeout(ok, 200));
      }
    },
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** The XML of a Redirect binding's parameter (inflated). */
function inflated(url, param) {
  return inflateRawSync(Buffer.from(new URL(url).searchParams.get(param), 'base64')).toString('utf8');
}

/** The POST form of a LogoutRequest page: { action, request (XML), relayState }. */
function requestForm(html) {
  const unesc = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = /<form method="post" action="([^"]+)" id="saml-post">/.exec(html);
  const req = /name="SAMLRequest" value="([^"]+)"/.exec(html);
  assert.ok(action && req, `no SAMLRequest form on the page: ${html.slice(0, 400)}`);
  const relay = /name="RelayState" value="([^"]*)"/.exec(html);
  return {
    action: unesc(action[1]),
    request: Buffer.from(unesc(req[1]), 'base64').toString('utf8'),
    relayState: relay ? unesc(relay[1]) : undefined,
  };
}

/** An SP's LogoutResponse by HTTP-Redirect (query of /saml/slo). */
function logoutResponseQuery(issuer, inResponseTo, relayState) {
  const xml = '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${Date.now()}" Version="2.0" ` +
    `IssueInstant="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" InResponseTo="${inResponseTo}">` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode ` +
    'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>';
  return `SAMLResponse=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}` +
    `&RelayState=${encodeURIComponent(relayState)}`;
}

/** Where a step of a logout sends the browser outside portier: a page that follows the
 * address by itself (after a form, the browser would hold a redirect to form-action). */
function step(r) {
  assert.equal(r.status, 200, `a page that goes on: ${r.status} ${r.headers.get('location') ?? ''}`);
  return refreshTarget(r.text);
}

const field = (xml, re) => { const m = re.exec(xml); assert.ok(m, `${re} in ${xml.slice(0, 600)}`); return m[1]; };

describe('SAML Single Logout across SPs and protocols', () => {
  let srv;
  let soapSp;
  let rpBcl;
  let idpCert;

  before(async () => {
    soapSp = await endpoint('/c/slo', '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body/></soap-env:Envelope>');
    rpBcl = await endpoint('/bcl');
    srv = await startWorld({ env: SAN_ENV });
    const add = (name, md) => cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp(name, md), '--application', 'TESTAPP']);
    add('a.xml', spMetadata({ entityId: A, acs: [ACS], slo: `${A}/slo` }));
    add('b.xml', spMetadata({ entityId: B, acs: [ACS], slo: `${B}/slo`, sloBinding: POST }));
    add('c.xml', spMetadata({ entityId: C, acs: [ACS], slo: soapSp.url, sloBinding: SOAP }));
    cli(['client', 'add', '--db', srv.db, '--id', 'rp-bcl', '--application', 'TESTAPP', '--scope', 'openid profile',
      '--redirect-uri', CB, '--post-logout-uri', BYE, '--backchannel-logout-uri', rpBcl.url]);
    [idpCert] = metadataCerts(await (await fetch(`${srv.url}/saml/metadata`)).text());
  });
  after(async () => {
    await srv?.stop();
    await soapSp?.close();
    await rpBcl?.close();
  });

  /** The browser logs in to sp (logging in first when needed); returns the Response's
   * NameID and SessionIndex. */
  async function samlLogin(jar, sp, format = PERSISTENT) {
    const r = await jar.get(`/saml/sso?${redirectQuery(authnRequest({ issuer: sp, acs: ACS, destination: `${srv.url}/saml/sso`, format }).xml)}`);
    assert.equal(r.status, 303);
    const flow = r.headers.get('location');
    let page = await jar.get(flow);
    if (page.status === 303) {
      await login(jar, PEOPLE.jan.user, flow);
      page = await jar.get(flow);
    }
    assert.equal(page.status, 200, page.text.slice(0, 300));
    const res = await jar.get(flow, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: ACCOUNTS.jan }).toString(),
    });
    assert.equal(res.status, 200);
    const x = postForm(res.text).response;
    return {
      nameId: field(x, /<saml:NameID[^>]*>([^<]+)</),
      sessionIndex: field(x, /SessionIndex="([^"]+)"/),
    };
  }

  /** An OpenID login of rp-bcl in the same browser; returns the tokens. */
  async function oidcLogin(jar) {
    const { challenge } = pkce();
    const url = await authorize(jar, {
      client_id: 'rp-bcl', redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 's', nonce: 'n',
      code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user, account: ACCOUNTS.jan });
    return url;
  }

  /** An SP's LogoutRequest by HTTP-POST (B's binding: lasso answers by the request's). */
  function postSlo(jar, xml, relayState) {
    const form = { SAMLRequest: Buffer.from(xml).toString('base64') };
    if (relayState) form.RelayState = relayState;
    return jar.get('/saml/slo', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Whether the browser's session is still there: an OpenID flow shows its page. */
  async function loggedIn(jar) {
    const a = await jar.get(authorizeUrl({ client_id: 'rp-bcl', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's' }));
    assert.equal(a.status, 303);
    return (await jar.get(a.headers.get('location'))).status === 200;
  }

  /** Checks a LogoutRequest sent to sp: from the IdP, naming what sp was sent. */
  function checkRequest(xml, sp, sent) {
    assert.match(xml, /<samlp:LogoutRequest/);
    assert.equal(field(xml, /<saml:Issuer>([^<]+)</), `${srv.url}/saml/metadata`);
    assert.equal(field(xml, /<saml:NameID[^>]*>([^<]+)</), sent.nameId, `the NameID given to ${sp}`);
    assert.equal(field(xml, /<saml:NameID[^>]*SPNameQualifier="([^"]+)"/), sp);
    assert.equal(field(xml, /<samlp:SessionIndex>([^<]+)</), sent.sessionIndex, `the SessionIndex given to ${sp}`);
    return field(xml, /ID="([^"]+)"/);
  }

  /** Checks the Redirect address of a LogoutRequest to sp (its query signature too);
   * returns { id, relay }. */
  function checkRedirect(loc, sp, sent) {
    const u = new URL(loc);
    assert.equal(`${u.origin}${u.pathname}`, `${sp}/slo`);
    const raw = loc.split('?')[1];
    const cut = raw.indexOf('&Signature=');
    assert.ok(cut > 0, 'signed');
    assert.ok(cryptoVerify('RSA-SHA256', Buffer.from(raw.slice(0, cut)), idpCert,
      Buffer.from(u.searchParams.get('Signature'), 'base64')), 'the LogoutRequest\'s query signature holds');
    assert.ok(!cryptoVerify('RSA-SHA256', Buffer.from(raw.slice(0, cut).replace('SigAlg', 'SigAlg2')), idpCert,
      Buffer.from(u.searchParams.get('Signature'), 'base64')));
    return { id: checkRequest(inflated(loc, 'SAMLRequest'), sp, sent), relay: u.searchParams.get('RelayState') };
  }

  /** Checks the SOAP LogoutRequest C received last (signed, enveloped). */
  function checkSoap(hit, sent) {
    assert.match(hit.type, /^text\/xml/);
    assert.match(hit.body, /<soap-env:Envelope/);
    checkRequest(hit.body, C, sent);
    assert.ok(xmlsecVerify(hit.body, idpCert, 'LogoutRequest'), 'the SOAP LogoutRequest is signed');
    assert.ok(!xmlsecVerify(hit.body.replace(sent.nameId, 'x'.repeat(43)), idpCert, 'LogoutRequest'));
  }

  it('an SP\'s LogoutRequest (transient NameID) ends the session, tells the OpenID RP, then the other SPs in turn', async () => {
    const jar = browser(srv);
    const a = await samlLogin(jar, A);
    const b = await samlLogin(jar, B, TRANSIENT);
    const c = await samlLogin(jar, C);
    assert.match(b.nameId, /^_[0-9a-f]{40}$/);
    assert.notEqual(a.sessionIndex, c.sessionIndex);
    await oidcLogin(jar);
    assert.ok(await loggedIn(jar));
    // The transient NameID of B from another browser (without that session) ends nothing.
    const other = browser(srv);
    await samlLogin(other, A);
    let lr = logoutRequest({ issuer: B, nameId: b.nameId, destination: `${srv.url}/saml/slo`, format: TRANSIENT });
    let r = await postSlo(other, lr.xml);
    assert.equal(r.status, 200, 'B\'s SLO is HTTP-POST');
    assert.match(postForm(r.text).response, /status:Responder/, 'another browser: the transient NameID is not its session');
    assert.ok(await loggedIn(jar));
    // B sends its LogoutRequest with the transient NameID in the person's browser.
    const bclBefore = rpBcl.hits.length;
    const soapBefore = soapSp.hits.length;
    lr = logoutRequest({ issuer: B, nameId: b.nameId, destination: `${srv.url}/saml/slo`, format: TRANSIENT });
    r = await postSlo(jar, lr.xml, 'b-state');
    assert.equal(r.status, 303, srv.logs().slice(-800));
    const next = r.headers.get('location');
    assert.match(next, /^\/saml\/slo\/next\/[A-Za-z0-9_-]{43}$/);
    assert.ok(!(await loggedIn(jar)), 'portier\'s session is over');
    // The OpenID RP is told by back-channel logout.
    await rpBcl.until(bclBefore + 1, 'the back-channel logout');
    assert.match(rpBcl.hits[bclBefore].body, /^logout_token=/);
    // Another browser cannot walk this logout.
    assert.equal((await other.get(next)).status, 400);
    assert.equal((await jar.get('/saml/slo/next/' + 'A'.repeat(43))).status, 400);
    // A (HTTP-Redirect) first: signed, its NameID and SessionIndex.
    r = await jar.get(next);
    const toA = checkRedirect(step(r), A, a);
    assert.equal(toA.relay, next.split('/').pop());
    // A answers; portier goes on: C by SOAP (no browser), then the LogoutResponse to B.
    r = await jar.get(`/saml/slo?${logoutResponseQuery(A, toA.id, toA.relay)}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), next);
    r = await jar.get(next);
    assert.equal(soapSp.hits.length, soapBefore + 1, 'C got its SOAP LogoutRequest');
    checkSoap(soapSp.hits.at(-1), c);
    assert.equal(r.status, 200, 'the LogoutResponse to B by HTTP-POST');
    const toB = postForm(r.text);
    assert.equal(toB.action, `${B}/slo`);
    assert.equal(toB.relayState, 'b-state');
    assert.match(toB.response, new RegExp(`InResponseTo="${lr.id}"`));
    assert.match(toB.response, /status:Success/);
    // The logout is over: its address no longer works; the other browser is untouched.
    assert.equal((await jar.get(next)).status, 400);
    assert.ok(await loggedIn(other));
    const sent = auditEvents(srv, ['saml.slo.sent']).slice(-2).map((e) => [e.details.entity_id, e.details.reason]);
    assert.deepEqual(sent, [[A, 'redirect'], [C, 'soap']]);
    const done = auditEvents(srv, ['saml.slo.done']).at(-1);
    assert.equal(done.details.reason, 'session_ended');
    assert.equal(done.details.entity_id, B);
  });

  it('portier\'s own logout tells the SAML SPs of the session (Redirect, POST, SOAP), then goes home', async () => {
    const jar = browser(srv);
    const a = await samlLogin(jar, A);
    const b = await samlLogin(jar, B);
    const c = await samlLogin(jar, C, TRANSIENT);
    const home = await jar.get('/');
    const soapBefore = soapSp.hits.length;
    let r = await jar.get('/logout', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(home.text) }).toString(),
    });
    assert.equal(r.status, 303);
    const next = r.headers.get('location');
    assert.match(next, /^\/saml\/slo\/next\/[A-Za-z0-9_-]{43}$/, 'the SPs are told before going home');
    assert.ok(!(await loggedIn(jar)));
    r = await jar.get(next);
    const toA = checkRedirect(step(r), A, a);
    r = await jar.get(`/saml/slo?${logoutResponseQuery(A, toA.id, toA.relay)}`);
    r = await jar.get(r.headers.get('location'));
    assert.equal(r.status, 200, 'B by HTTP-POST: a form through the browser');
    const toB = requestForm(r.text);
    assert.equal(toB.action, `${B}/slo`);
    const bId = checkRequest(toB.request, B, b);
    assert.ok(xmlsecVerify(toB.request, idpCert, 'LogoutRequest'), 'the POSTed LogoutRequest is signed');
    // B answers by POST.
    const resp = Buffer.from(`<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0" InResponseTo="${bId}"/>`).toString('base64');
    r = await jar.get('/saml/slo', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: resp, RelayState: toB.relayState }).toString(),
    });
    assert.equal(r.status, 303);
    r = await jar.get(r.headers.get('location'));
    checkSoap(soapSp.hits.at(-1), c);
    assert.equal(soapSp.hits.length, soapBefore + 1);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/', 'then home, where the logout went before');
    // A LogoutResponse with a RelayState that is no logout goes nowhere.
    r = await jar.get(`/saml/slo?${logoutResponseQuery(A, 'x', 'not-a-logout')}`);
    assert.equal(r.status, 400);
  });

  it('OpenID RP-initiated logout tells the SAML SPs, then returns to post_logout_redirect_uri', async () => {
    const jar = browser(srv);
    const a = await samlLogin(jar, A);
    const url = await oidcLogin(jar);
    assert.ok(url.searchParams.get('code'));
    // Without an id_token_hint: the confirmation form, then the SAML SP, then the RP.
    let r = await jar.get(`/oidc/logout?${new URLSearchParams({ client_id: 'rp-bcl', post_logout_redirect_uri: BYE, state: 'st1' })}`);
    assert.equal(r.status, 200);
    r = await jar.get('/oidc/logout/confirm', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(r.text), client_id: 'rp-bcl', post_logout_redirect_uri: BYE, state: 'st1' }).toString(),
    });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const next = r.headers.get('location');
    assert.match(next, /^\/saml\/slo\/next\//);
    r = await jar.get(next);
    const toA = checkRedirect(step(r), A, a);
    r = await jar.get(`/saml/slo?${logoutResponseQuery(A, toA.id, toA.relay)}`);
    r = await jar.get(r.headers.get('location'));
    assert.equal(step(r), `${BYE}?state=st1`);
    assert.ok(!(await loggedIn(jar)));
    // Without SAML SPs in the session, the logout goes straight back as before.
    const jar2 = browser(srv);
    await oidcLogin(jar2);
    r = await jar2.get(`/oidc/logout?${new URLSearchParams({ client_id: 'rp-bcl', post_logout_redirect_uri: BYE, state: 'st2' })}`);
    r = await jar2.get('/oidc/logout/confirm', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(r.text), client_id: 'rp-bcl', post_logout_redirect_uri: BYE, state: 'st2' }).toString(),
    });
    assert.doesNotMatch(r.headers.get('location') ?? r.text, /saml\/slo/);
  });
});
