// saml.test.js — the SAML 2.0 identity provider (issue 14 parts 2, 3 and 5; docs/saml.md),
// with the tests as the service provider: `portier sp add|list|refresh|remove` and their
// audit events; the IdP's metadata and its certificates across a key rotation (overlap);
// Web Browser SSO by HTTP-Redirect and HTTP-POST through the login and the profile choice
// to a Response signed with rsa-sha256 that xmlsec1 verifies with the metadata's
// certificate, with the pairwise persistent NameID (or a transient one), the level's
// AuthnContextClassRef and the chosen organisation's attributes; and the refusals: an
// unknown issuer, an ACS not in the metadata, a replayed ID, an old IssueInstant, a
// DOCTYPE, a decompression bomb, an unsigned or wrongly signed request for an SP that
// wants them signed. Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import { verify as cryptoVerify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';

import { BIN, h1, SAN } from '../lib/server.js';
import { auditEvents } from '../lib/world.js';
import {
  ACCOUNTS, addClient, authorizeUrl, browser, csrfOf, login, ORGS, PEOPLE, profileOptions, refreshTarget,
  startWorld,
} from './oidc_lib.js';
import {
  ARTIFACT, artifactResolve, attrValues, logoutRequest, POST, redirectMessage, authnRequest, makeKey, metadataCerts, PERSISTENT, postForm, redirectQuery, spMetadata,
  signXml, TRANSIENT, writeTemp, xmlsecDecrypt, xmlsecVerify,
} from './saml_lib.js';

const SP = 'http://127.0.0.1:9/sp';
const ACS = 'http://127.0.0.1:9/acs';
const SIGNED_SP = 'http://127.0.0.1:9/signed-sp';
const ART_ACS = 'http://127.0.0.1:9/art';
const SLO = 'http://127.0.0.1:9/slo';

/** Runs portier; returns { code, out, err }. */
function cli(args) {
  try {
    return { code: 0, out: execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' };
  } catch (e) {
    return { code: e.status, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

// Under ASan: full stacks, so that the leaks inside lasso and xmlsec1 can be told from
// portier's own and suppressed (saml_lsan.supp).
const SAN_ENV = SAN ? {
  ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'fast_unwind_on_malloc=0'].filter(Boolean).join(':'),
  LSAN_OPTIONS: [process.env.LSAN_OPTIONS, `suppressions=${new URL('./saml_lsan.supp', import.meta.url).pathname}`]
    .filter(Boolean).join(':'),
} : {};

describe('SAML 2.0 identity provider', () => {
  let srv;
  let spKey;
  let otherKey;

  before(async () => {
    srv = await startWorld({ env: SAN_ENV });
    spKey = makeKey('signed-sp');
    otherKey = makeKey('intruder');
    const md = writeTemp('sp.xml', spMetadata({ entityId: SP, acs: [ACS, `${ACS}2`], slo: SLO }));
    let r = cli(['sp', 'add', '--db', srv.db, '--metadata', md, '--application', 'TESTAPP']);
    assert.equal(r.code, 0, r.err);
    const smd = writeTemp('signed.xml', spMetadata({ entityId: SIGNED_SP, acs: [ACS], cert: spKey, wantSigned: true,
      artifactAcs: [ART_ACS], slo: SLO, sloBinding: POST }));
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', smd, '--application', 'TESTAPP']);
    assert.equal(r.code, 0, r.err);
    addClient(srv, 'rp', { redirect: ['http://127.0.0.1:9/cb'] });
  });
  after(async () => {
    await srv?.stop();
  });

  const destination = () => `${srv.url}/saml/sso`;

  /** Sends a request by Redirect (GET) or POST; returns the answer { status, headers, text }. */
  async function send(jar, xml, { binding = 'redirect', relayState, key, rawDeflated } = {}) {
    if (binding === 'redirect') return jar.get(`/saml/sso?${redirectQuery(xml, { relayState, key, rawDeflated })}`);
    if (binding !== 'post') throw new Error(`binding ${binding}`);
    const form = { SAMLRequest: Buffer.from(xml, 'utf8').toString('base64') };
    if (relayState !== undefined) form.RelayState = relayState;
    return jar.get('/saml/sso', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The browser side of a login: request → (login) → profile choice → the POST form. */
  async function sso(jar, xml, { user = PEOPLE.jan.user, account, artifact, ...opts } = {}) {
    opts.artifact = artifact;
    const r = await send(jar, xml, opts);
    assert.equal(r.status, 303, `the request is taken: ${r.status} ${srv.logs().slice(-1500)}`);
    const flow = r.headers.get('location');
    assert.match(flow, /^\/saml\/continue\/[A-Za-z0-9_-]{43}$/);
    let page = await jar.get(flow);
    if (page.status === 303) {
      const next = new URL(page.headers.get('location'), srv.url).searchParams.get('next');
      assert.equal(next, flow, 'the login comes back to the request');
      await login(jar, user, next);
      page = await jar.get(flow);
    }
    assert.equal(page.status, 200, page.text.slice(0, 300));
    assert.equal(h1(page.text), 'Etape 3. Choisissez votre profil');
    const res = await jar.get(flow, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: account ?? profileOptions(page.text)[0].value }).toString(),
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    if (opts.artifact) return { flow, text: res.text };
    return { flow, form: postForm(res.text), headers: res.headers };
  }

  async function idpCerts() {
    const res = await fetch(`${srv.url}/saml/metadata`);
    assert.equal(res.status, 200);
    return metadataCerts(await res.text());
  }

  it('publishes its metadata: entityID, both SSO bindings, one signing certificate', async () => {
    const res = await fetch(`${srv.url}/saml/metadata`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/samlmetadata+xml');
    const md = await res.text();
    assert.ok(md.includes(`entityID="${srv.url}/saml/metadata"`));
    assert.ok(md.includes(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${srv.url}/saml/sso"`));
    assert.ok(md.includes(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${srv.url}/saml/sso"`));
    const certs = metadataCerts(md);
    assert.equal(certs.length, 1);
    // Signed: xmlsec1 verifies the EntityDescriptor's signature with its certificate, and
    // not once an endpoint is changed.
    assert.ok(xmlsecVerify(md, certs[0], 'EntityDescriptor'), 'the metadata is signed');
    assert.ok(!xmlsecVerify(md.replace('/saml/sso"', '/saml/evil"'), certs[0], 'EntityDescriptor'));
    assert.ok(!xmlsecVerify(md, otherKey.cert, 'EntityDescriptor'));
    const text = execFileSync('openssl', ['x509', '-noout', '-subject', '-text'], { input: certs[0], encoding: 'utf8' });
    assert.match(text, /CN ?= ?portier SAML IdP/);
    assert.match(text, /rsaEncryption/);
    assert.match(text, /Public-Key: \(2048 bit\)/);
  });

  it('logs in by HTTP-Redirect: a signed Response with the pairwise NameID and the profile\'s attributes', async () => {
    const jar = browser(srv);
    const { id, xml } = authnRequest({ issuer: SP, acs: ACS, destination: destination() });
    const { form } = await sso(jar, xml, { relayState: 'rs-1&<x>', account: ACCOUNTS.jan });
    assert.equal(form.action, ACS);
    assert.equal(form.relayState, 'rs-1&<x>');
    const x = form.response;
    if (process.env.SAML_DUMP) writeTemp('dump.xml', x) && console.log('dumped');
    assert.match(x, new RegExp(`InResponseTo="${id}"`));
    assert.match(x, new RegExp(`<saml:Issuer[^>]*>${srv.url}/saml/metadata</saml:Issuer>`));
    assert.match(x, /<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"\/>/);
    assert.match(x, new RegExp(`<saml:Audience>${SP}</saml:Audience>`));
    assert.match(x, /SignatureMethod Algorithm="http:\/\/www.w3.org\/2001\/04\/xmldsig-more#rsa-sha256"/);
    assert.match(x, /<saml:AuthnContextClassRef>http:\/\/eidas.europa.eu\/LoA\/low<\/saml:AuthnContextClassRef>/);
    const nameId = /<saml:NameID[^>]*Format="([^"]+)"[^>]*>([^<]+)<\/saml:NameID>/.exec(x);
    assert.ok(nameId, x);
    assert.equal(nameId[1], PERSISTENT);
    assert.match(nameId[2], /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(attrValues(x, 'urn:oid:2.5.4.42'), ['Jan']);
    assert.deepEqual(attrValues(x, 'urn:oid:2.5.4.4'), ['Peeters']);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:organisation'), [ORGS.pharma.enterprise]);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:organisation_name'), [ORGS.pharma.name]);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:applications').sort(), ['MEDSEIP', 'TESTAPP', 'TESTONE']);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:national_number'), []);
    // The signature holds with the metadata's certificate, and not once the text changed.
    const [cert] = await idpCerts();
    assert.ok(xmlsecVerify(x, cert), 'xmlsec1 verifies the assertion');
    assert.ok(!xmlsecVerify(x.replace('>Peeters<', '>Janssens<'), cert), 'a changed attribute breaks it');
    assert.ok(!xmlsecVerify(x, otherKey.cert), 'another certificate does not verify it');
    // The same person in another login gets the same persistent NameID; the request is
    // single use (the flow is gone).
    const again = await sso(jar, authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml, { account: ACCOUNTS.jan });
    assert.equal(/<saml:NameID[^>]*>([^<]+)</.exec(again.form.response)[1], nameId[2]);
    const audits = auditEvents(srv, ['saml.sso.answered']);
    assert.ok(audits.length >= 2);
    assert.equal(String(audits.at(-1).actor), String(PEOPLE.jan.id));
    assert.equal(audits.at(-1).details.entity_id, SP);
  });

  it('logs in by HTTP-POST with a transient NameID and the other organisation', async () => {
    const jar = browser(srv);
    const { xml } = authnRequest({ issuer: SP, acs: `${ACS}2`, destination: destination(), format: TRANSIENT });
    const { form } = await sso(jar, xml, { binding: 'post', account: ACCOUNTS.janMedi });
    assert.equal(form.action, `${ACS}2`);
    const nameId = /<saml:NameID[^>]*Format="([^"]+)"[^>]*>([^<]+)<\/saml:NameID>/.exec(form.response);
    assert.equal(nameId[1], TRANSIENT);
    assert.match(nameId[2], /^_[0-9a-f]{40}$/);
    assert.deepEqual(attrValues(form.response, 'urn:portier:attribute:organisation'), [ORGS.medi.enterprise]);
    assert.deepEqual(attrValues(form.response, 'urn:portier:attribute:applications'), ['TESTAPP']);
    const [cert] = await idpCerts();
    assert.ok(xmlsecVerify(form.response, cert));
  });

  it('answers an AuthnRequest without NameIDPolicy (pysaml2\'s default) with Success and the persistent NameID', async () => {
    const jar = browser(srv);
    const { id, xml } = authnRequest({ issuer: SP, acs: ACS, destination: destination(), format: null });
    assert.doesNotMatch(xml, /NameIDPolicy/);
    const { form } = await sso(jar, xml, { account: ACCOUNTS.jan });
    const x = form.response;
    assert.match(x, new RegExp(`InResponseTo="${id}"`));
    assert.match(x, /<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"\/>/, x.slice(0, 1500));
    assert.doesNotMatch(x, /FederationDoesNotExist/);
    const nameId = /<saml:NameID[^>]*Format="([^"]+)"[^>]*>([^<]+)<\/saml:NameID>/.exec(x);
    assert.equal(nameId[1], PERSISTENT);
    // The same pairwise subject as with NameIDPolicy persistent.
    const withPolicy = await sso(browser(srv), authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml, { account: ACCOUNTS.jan });
    assert.equal(/<saml:NameID[^>]*>([^<]+)</.exec(withPolicy.form.response)[1], nameId[2]);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:organisation'), [ORGS.pharma.enterprise]);
    assert.ok(xmlsecVerify(x, (await idpCerts())[0]));
    assert.ok(xmlsecVerify(x, (await idpCerts())[0], 'Response'));
  });

  /** Sends a request without a browser session and expects a refusal: the status, the
   * audited reason, and no pending request (no redirect). */
  async function refused(xml, status, reason, opts = {}) {
    const before = auditEvents(srv, ['saml.sso.refused']).length;
    const r = await send(browser(srv), xml, opts);
    assert.equal(r.status, status, `${reason}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.headers.get('location'), null);
    const ev = auditEvents(srv, ['saml.sso.refused']);
    assert.equal(ev.length, before + 1, `one refusal audited for ${reason}`);
    assert.equal(ev.at(-1).details.reason, reason);
    return ev.at(-1);
  }

  it('registers service providers from their metadata: list, refusals, refresh, remove, audit', () => {
    const list = cli(['sp', 'list', '--db', srv.db]);
    assert.equal(list.code, 0, list.err);
    assert.ok(list.out.includes(`${SP}\n  application: TESTAPP, minimum level 1`));
    assert.ok(list.out.includes(SIGNED_SP));
    const md = writeTemp('again.xml', spMetadata({ entityId: SP, acs: [ACS] }));
    let r = cli(['sp', 'add', '--db', srv.db, '--metadata', md, '--application', 'TESTAPP']);
    assert.equal(r.code, 1);
    assert.match(r.err, /registered already/);
    const other = 'http://127.0.0.1:9/other';
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('o.xml', spMetadata({ entityId: other, acs: [ACS] })),
      '--application', 'NOSUCHAPP']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no application 'NOSUCHAPP'/);
    const doctype = spMetadata({ entityId: other, acs: [ACS], extra: '<!DOCTYPE x [<!ENTITY e "e">]>' });
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('d.xml', doctype), '--application', 'TESTAPP']);
    assert.equal(r.code, 1);
    assert.match(r.err, /DOCTYPE or entity declaration/);
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('n.xml', spMetadata({ entityId: other, acs: [] })),
      '--application', 'TESTAPP']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no AssertionConsumerService/);
    assert.ok(!cli(['sp', 'list', '--db', srv.db]).out.includes(other), 'nothing registered by the refusals');
    // refresh: the same entity only.
    r = cli(['sp', 'refresh', '--db', srv.db, '--entity-id', SP, '--metadata', writeTemp('o2.xml', spMetadata({ entityId: other, acs: [ACS] }))]);
    assert.equal(r.code, 1);
    assert.match(r.err, /names another entity/);
    // A third SP: added, refreshed, removed; then its requests are refused as unknown.
    const third = 'http://127.0.0.1:9/third';
    const tmd = writeTemp('third.xml', spMetadata({ entityId: third, acs: [ACS] }));
    assert.equal(cli(['sp', 'add', '--db', srv.db, '--metadata', tmd, '--application', 'TESTONE', '--min-level', '2']).code, 0);
    writeTemp('third.xml', spMetadata({ entityId: third, acs: [`${ACS}3`] }));
    r = cli(['sp', 'refresh', '--db', srv.db, '--entity-id', third]);
    assert.equal(r.code, 0, r.err);
    assert.equal(cli(['sp', 'remove', '--db', srv.db, '--entity-id', third]).code, 0);
    r = cli(['sp', 'remove', '--db', srv.db, '--entity-id', third]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no service provider/);
    const ev = auditEvents(srv, ['sp.add', 'sp.refresh', 'sp.remove']).filter((e) => e.details.entity_id === third);
    assert.deepEqual(ev.map((e) => e.action), ['sp.add', 'sp.refresh', 'sp.remove']);
    assert.equal(ev[0].details.application, 'TESTONE');
  });

  it('refuses an unknown issuer, an ACS not in the metadata, a replayed ID, an old or future IssueInstant', async () => {
    const d = destination();
    await refused(authnRequest({ issuer: 'http://127.0.0.1:9/third', acs: ACS, destination: d }).xml, 400, 'unknown_sp');
    await refused(authnRequest({ issuer: 'http://127.0.0.1:9/nobody', acs: ACS, destination: d }).xml, 400, 'unknown_sp',
      { binding: 'post' });
    for (const acs of ['http://127.0.0.1:9/evil', `${ACS}/x`, `${ACS}?x=1`, 'HTTP://127.0.0.1:9/acs', `${ACS}3`]) {
      await refused(authnRequest({ issuer: SP, acs, destination: d }).xml, 403, 'bad_acs');
    }
    const { xml } = authnRequest({ issuer: SP, acs: ACS, destination: d });
    assert.equal((await send(browser(srv), xml)).status, 303);
    await refused(xml, 403, 'replay');
    await refused(xml, 403, 'replay', { binding: 'post' });
    await refused(authnRequest({ issuer: SP, acs: ACS, destination: d, instant: new Date(Date.now() - 3600e3) }).xml,
      403, 'stale');
    await refused(authnRequest({ issuer: SP, acs: ACS, destination: d, instant: new Date(Date.now() + 3600e3) }).xml,
      403, 'stale');
  });

  it('refuses DOCTYPE and entity declarations before parsing, and a decompression bomb', async () => {
    const d = destination();
    const { xml } = authnRequest({ issuer: SP, acs: ACS, destination: d });
    const laughs = '<!DOCTYPE samlp:AuthnRequest [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    await refused(laughs + xml, 400, 'doctype');
    await refused(laughs + xml, 400, 'doctype', { binding: 'post' });
    await refused(xml.replace('<saml:Issuer>', '<!-- c --><!ENTITY x "y"><saml:Issuer>'), 400, 'doctype');
    // 20 MB of spaces inside the request deflate to about 20 kB: the inflate stops at the
    // bound (64 KiB of XML). Its first 2000 bytes go by Redirect (the query's own bound is
    // 4 KiB); a 200 KiB one whole.
    const pad = (n) => xml.replace('<saml:Issuer>', `${' '.repeat(n)}<saml:Issuer>`);
    const bomb = deflateRawSync(Buffer.from(pad(20 * 1024 * 1024)), { level: 9 });
    assert.ok(bomb.length < 64 * 1024, `the bomb is small: ${bomb.length}`);
    await refused(xml, 400, 'too_large', { rawDeflated: bomb.subarray(0, 2000) });
    const big = deflateRawSync(Buffer.from(pad(200 * 1024)), { level: 9 });
    assert.ok(big.length < 1500);
    await refused(xml, 400, 'too_large', { rawDeflated: big });
    // Under the bound it passes portier's checks (lasso then judges it by itself).
    await refused(xml, 400, 'lasso_refused', { rawDeflated: deflateRawSync(Buffer.from(pad(60 * 1024)), { level: 9 }) });
    // Not DEFLATE, not base64, not an AuthnRequest.
    await refused(xml, 400, 'bad_encoding', { rawDeflated: Buffer.from('not deflate at all') });
    const r = await browser(srv).get('/saml/sso?SAMLRequest=%%%');
    assert.equal(r.status, 400);
    await refused('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x"/>', 400, 'not_authn');
    await refused('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" IssueInstant="2026-01-01T00:00:00Z"/>',
      400, 'not_authn');
  });

  it('checks signatures when the SP\'s metadata asks: Redirect and POST, unsigned, wrong key, wrapping', async () => {
    const d = destination();
    const req = () => authnRequest({ issuer: SIGNED_SP, acs: ACS, destination: d });
    // Signed with the SP's key: taken, by both bindings.
    assert.equal((await send(browser(srv), req().xml, { key: spKey, relayState: 'r' })).status, 303);
    let a = req();
    assert.equal((await send(browser(srv), signXml(a.xml, a.id, spKey), { binding: 'post' })).status, 303);
    // Unsigned.
    await refused(req().xml, 403, 'unsigned');
    await refused(req().xml, 403, 'unsigned', { binding: 'post' });
    // Signed by another key.
    await refused(req().xml, 403, 'bad_signature', { key: otherKey });
    a = req();
    await refused(signXml(a.xml, a.id, otherKey), 403, 'bad_signature', { binding: 'post' });
    // A Redirect signature does not cover another RelayState.
    const q = redirectQuery(req().xml, { relayState: 'r', key: spKey }).replace('RelayState=r', 'RelayState=s');
    const r = await browser(srv).get(`/saml/sso?${q}`);
    assert.equal(r.status, 403);
    // A signed request changed afterwards (its NameID format).
    a = req();
    await refused(signXml(a.xml, a.id, spKey).replace(PERSISTENT, TRANSIENT), 403, 'bad_signature',
      { binding: 'post' });
    // Wrapping: the signed request inside an unsigned one of another ID (in Extensions),
    // and the signed one's signature moved onto an evil root that references it.
    a = req();
    const signed = signXml(a.xml, a.id, spKey);
    const evil = authnRequest({ issuer: SIGNED_SP, acs: ACS, destination: d,
      inner: `<samlp:Extensions>${signed}</samlp:Extensions>` });
    await refused(evil.xml, 403, 'unsigned', { binding: 'post' });
    const sig = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)[0];
    const evil2 = authnRequest({ issuer: SIGNED_SP, acs: ACS, destination: d, id: '_evil',
      inner: `${sig}<samlp:Extensions>${signed.replace(sig, '')}</samlp:Extensions>` });
    const ev = await refused(evil2.xml, 403, 'bad_signature', { binding: 'post' });
    assert.equal(ev.details.entity_id, SIGNED_SP);
  });

  it('asks for the level of the AuthnContextClassRef (step-up), ForceAuthn logs in again', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.jan.user);
    let r = await send(jar, authnRequest({ issuer: SP, acs: ACS, destination: destination(),
      classRef: 'http://eidas.europa.eu/LoA/high' }).xml);
    assert.equal(r.status, 303);
    let page = await jar.get(r.headers.get('location'));
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location'), /^\/login\?level=3&next=/);
    r = await send(jar, authnRequest({ issuer: SP, acs: ACS, destination: destination(), forceAuthn: true }).xml);
    page = await jar.get(r.headers.get('location'));
    assert.equal(page.status, 303, 'ForceAuthn: a new login although the session is logged in');
    assert.match(page.headers.get('location'), /^\/login\?level=1&next=/);
    r = await send(jar, authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml);
    page = await jar.get(r.headers.get('location'));
    assert.equal(page.status, 200, 'without ForceAuthn the session is enough');
    // The flow belongs to its browser.
    const other = await browser(srv).get(r.headers.get('location'));
    assert.equal(other.status, 403);
  });

  it('rotates its key: both certificates in the metadata during the overlap, the new one signs', async () => {
    const [old] = await idpCerts();
    const r = cli(['keys', 'saml-rotate', '--db', srv.db, '--overlap-days', '7']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /stays in the metadata for 7 day/);
    const certs = await idpCerts();
    assert.equal(certs.length, 2);
    assert.equal(certs[1], old, 'the previous certificate stays, after the new one');
    assert.notEqual(certs[0], old);
    const { form } = await sso(browser(srv), authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.jan });
    assert.ok(xmlsecVerify(form.response, certs[0]), 'the new key signs');
    assert.ok(!xmlsecVerify(form.response, old), 'the old one no longer does');
    // Without overlap the certificate retired now leaves the metadata at once; the one
    // of the first rotation stays for its 7 days.
    assert.equal(cli(['keys', 'saml-rotate', '--db', srv.db, '--overlap-days', '0']).code, 0);
    const after0 = await idpCerts();
    assert.equal(after0.length, 2);
    assert.ok(after0.includes(old) && !after0.includes(certs[0]));
    assert.equal(cli(['keys', 'saml-rotate', '--db', srv.db, '--overlap-days', '400']).code, 2);
    assert.equal(auditEvents(srv, ['keys.rotate']).filter((e) => e.object === 'saml:keys').length >= 2, true);
  });

  it('"Annuler" answers the SP with a signed AuthnFailed, once', async () => {
    const jar = browser(srv);
    await login(jar, PEOPLE.jan.user);
    const { id, xml } = authnRequest({ issuer: SP, acs: ACS, destination: destination() });
    const r = await send(jar, xml, { relayState: 'back' });
    const flow = r.headers.get('location');
    const page = await jar.get(flow);
    const cancelUrl = flow.replace('/saml/continue/', '/saml/cancel/');
    assert.ok(page.text.includes(`href="${cancelUrl}"`), 'the profile page links to its cancel');
    const res = await jar.get(cancelUrl);
    assert.equal(res.status, 200);
    const form = postForm(res.text);
    assert.equal(form.action, ACS);
    assert.equal(form.relayState, 'back');
    assert.match(form.response, new RegExp(`InResponseTo="${id}"`));
    assert.match(form.response, /StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/);
    assert.match(form.response, /AuthnFailed/);
    assert.doesNotMatch(form.response, /<saml:Assertion/);
    assert.ok(xmlsecVerify(form.response, (await idpCerts())[0], 'Response'), 'the Response is signed');
    assert.equal((await jar.get(cancelUrl)).status, 400, 'single use');
    assert.equal((await jar.get(flow)).status, 400);
    assert.equal(auditEvents(srv, ['saml.sso.refused']).at(-1).details.reason, 'cancelled');
  });

  /** POSTs a SOAP body to /saml/artifact: { status, text }. */
  async function resolve(body) {
    const res = await fetch(`${srv.url}/saml/artifact`, {
      method: 'POST', headers: { 'content-type': 'text/xml', soapaction: 'http://www.oasis-open.org/committees/security' }, body,
    });
    return { status: res.status, text: await res.text() };
  }

  it('answers by HTTP-Artifact: SAMLart to the ACS, the Response by SOAP once, to its SP only, signed request', async () => {
    const jar = browser(srv);
    const { id, xml } = authnRequest({ issuer: SIGNED_SP, acs: ART_ACS, destination: destination(), binding: ARTIFACT });
    const { text } = await sso(jar, xml, { key: spKey, relayState: 'art-rs', account: ACCOUNTS.jan, artifact: true });
    const url = new URL(refreshTarget(text));
    assert.equal(`${url.origin}${url.pathname}`, ART_ACS);
    assert.equal(url.searchParams.get('RelayState'), 'art-rs');
    const art = url.searchParams.get('SAMLart');
    assert.ok(art, 'SAMLart');
    const raw = Buffer.from(art, 'base64');
    assert.equal(raw.length, 44, 'type 0x0004 artifact: 2 + 2 + 20 + 20 bytes');
    assert.equal(raw.readUInt16BE(0), 4);
    assert.ok(!text.includes('SAMLResponse'), 'no Response through the browser');
    const d = `${srv.url}/saml/artifact`;
    // Unsigned by an SP with a key, or signed by another key: refused, the artifact kept.
    let r = await resolve(artifactResolve({ issuer: SIGNED_SP, artifact: art, destination: d }));
    assert.equal(r.status, 403);
    r = await resolve(artifactResolve({ issuer: SIGNED_SP, artifact: art, destination: d, key: otherKey }));
    assert.equal(r.status, 403);
    assert.equal((await resolve(artifactResolve({ issuer: 'http://127.0.0.1:9/nobody', artifact: art, destination: d }))).status, 400);
    assert.equal((await resolve('<!DOCTYPE x><x/>')).status, 400);
    r = await resolve(artifactResolve({ issuer: SIGNED_SP, artifact: art, destination: d, key: spKey }));
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<samlp:ArtifactResponse/);
    assert.match(r.text, new RegExp(`InResponseTo="${id}"`));
    assert.match(r.text, /<saml:Assertion/);
    assert.deepEqual(attrValues(r.text, 'urn:portier:attribute:organisation'), [ORGS.pharma.enterprise]);
    assert.ok(xmlsecVerify(r.text, (await idpCerts())[0]), 'the assertion is signed');
    // The Response inside is signed too, as by HTTP-POST (SPs that want a signed Response,
    // pysaml2's default, take it by either binding), and the ArtifactResponse around it.
    assert.ok(xmlsecVerify(r.text, (await idpCerts())[0], 'Response'), 'the Response is signed');
    assert.ok(!xmlsecVerify(r.text.replace('>Peeters<', '>Janssens<'), (await idpCerts())[0], 'Response'),
      'a changed Response does not verify');
    assert.ok(xmlsecVerify(r.text, (await idpCerts())[0], 'ArtifactResponse'), 'the ArtifactResponse is signed');
    // Single use.
    r = await resolve(artifactResolve({ issuer: SIGNED_SP, artifact: art, destination: d, key: spKey }));
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /<saml:Assertion|<samlp:Response/);
    // Another SP asking for it gets nothing, and spends it.
    const jar2 = browser(srv);
    const a2 = authnRequest({ issuer: SIGNED_SP, acs: ART_ACS, destination: destination(), binding: ARTIFACT });
    const t2 = (await sso(jar2, a2.xml, { key: spKey, account: ACCOUNTS.jan, artifact: true })).text;
    const art2 = new URL(refreshTarget(t2)).searchParams.get('SAMLart');
    r = await resolve(artifactResolve({ issuer: SP, artifact: art2, destination: d }));
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /<saml:Assertion/);
    r = await resolve(artifactResolve({ issuer: SIGNED_SP, artifact: art2, destination: d, key: spKey }));
    assert.doesNotMatch(r.text, /<saml:Assertion/);
    assert.ok(auditEvents(srv, ['saml.artifact.refused']).length >= 3);
  });

  it('Single Logout: a LogoutRequest for the person ends the session (SAML and OpenID), signed LogoutResponse back', async () => {
    const jar = browser(srv);
    const { form } = await sso(jar, authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml, { account: ACCOUNTS.jan });
    const nameId = /<saml:NameID[^>]*>([^<]+)</.exec(form.response)[1];
    const slo = (x, opts = {}) => jar.get(`/saml/slo?${redirectQuery(x, opts)}`);
    /** Whether the browser's session is still logged in: an OpenID flow shows its page
     * (200) or sends to the login (303). */
    const loggedIn = async () => {
      const a = await jar.get(authorizeUrl({ client_id: 'rp', redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code',
        scope: 'openid', state: 's' }));
      assert.equal(a.status, 303);
      return (await jar.get(a.headers.get('location'))).status === 200;
    };
    assert.ok(await loggedIn());
    // Another person's NameID ends nothing: Responder.
    let r = await slo(logoutRequest({ issuer: SP, nameId: 'x'.repeat(43), destination: `${srv.url}/saml/slo` }).xml);
    assert.equal(r.status, 303, srv.logs().slice(-600));
    assert.ok(r.headers.get('location').startsWith(`${SLO}?SAMLResponse=`));
    assert.match(redirectMessage(r.headers.get('location')), /StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/);
    assert.ok(await loggedIn(), 'the session is still there');
    // Its own NameID: the session ends, Success, signed (Redirect: SigAlg and Signature).
    const lr = logoutRequest({ issuer: SP, nameId, destination: `${srv.url}/saml/slo` });
    r = await slo(lr.xml, { relayState: 'bye' });
    assert.equal(r.status, 303);
    const loc = new URL(r.headers.get('location'));
    assert.equal(`${loc.origin}${loc.pathname}`, SLO);
    assert.equal(loc.searchParams.get('RelayState'), 'bye');
    assert.equal(loc.searchParams.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    // The Redirect signature (SAML bindings §3.4.4.1) holds with the metadata's certificate.
    const raw = r.headers.get('location').split('?')[1];
    const cut = raw.indexOf('&Signature=');
    assert.ok(cut > 0);
    const [idpCert] = await idpCerts();
    assert.ok(cryptoVerify('RSA-SHA256', Buffer.from(raw.slice(0, cut)), idpCert,
      Buffer.from(loc.searchParams.get('Signature'), 'base64')), 'the LogoutResponse is signed');
    assert.ok(!cryptoVerify('RSA-SHA256', Buffer.from(raw.slice(0, cut).replace('bye', 'bye2')), idpCert,
      Buffer.from(loc.searchParams.get('Signature'), 'base64')));
    const resp = redirectMessage(loc.href);
    assert.match(resp, /<samlp:LogoutResponse/);
    assert.match(resp, new RegExp(`InResponseTo="${lr.id}"`));
    assert.match(resp, /StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/);
    assert.ok(!(await loggedIn()), 'the OpenID flow asks for a login again');
    const again = await send(jar, authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml);
    assert.equal((await jar.get(again.headers.get('location'))).status, 303, 'and so does SAML');
    const ev = auditEvents(srv, ['saml.slo.done']).at(-1);
    assert.equal(ev.details.reason, 'session_ended');
    assert.equal(String(ev.actor), String(PEOPLE.jan.id));
    // The same request again is a replay; an SP with a key must sign; the POST binding
    // answers by POST to an SP whose SingleLogoutService is HTTP-POST.
    r = await slo(lr.xml);
    assert.equal(r.status, 403);
    const unsigned = logoutRequest({ issuer: SIGNED_SP, nameId, destination: `${srv.url}/saml/slo` });
    assert.equal((await slo(unsigned.xml)).status, 403);
    const signedReq = logoutRequest({ issuer: SIGNED_SP, nameId: 'y'.repeat(43), destination: `${srv.url}/saml/slo` });
    r = await jar.get('/saml/slo', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLRequest: Buffer.from(signXml(signedReq.xml, signedReq.id, spKey, 'urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest')).toString('base64') }).toString(),
    });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const pf = postForm(r.text);
    assert.equal(pf.action, SLO);
    assert.match(pf.response, /<samlp:LogoutResponse/);
    assert.match(pf.response, /status:Success/, 'no session in this browser any more: nothing to end');
    assert.deepEqual(auditEvents(srv, ['saml.slo.refused']).map((e) => e.details.reason).slice(-3), ['other_person', 'replay', 'unsigned']);
  });

  it('reads an SP\'s metadata from an address (sp add and refresh --metadata URL), bounded', async () => {
    const entity = 'http://127.0.0.1:9/from-url';
    let body = spMetadata({ entityId: entity, acs: [ACS] });
    const site = http.createServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(`<x>${' '.repeat(300 * 1024)}</x>`);
        return;
      }
      res.writeHead(req.url === '/md' ? 200 : 404, { 'content-type': 'application/xml' });
      res.end(req.url === '/md' ? body : 'no');
    });
    await new Promise((r) => { site.listen(0, '127.0.0.1', r); });
    const at = `http://127.0.0.1:${site.address().port}`;
    // The CLI runs while this process serves the address: not execFileSync.
    const run = (args) => new Promise((resolve) => {
      execFile(BIN, args, { encoding: 'utf8' }, (e, out, err) => resolve({ code: e ? e.code : 0, out, err }));
    });
    try {
      let r = await run(['sp', 'add', '--db', srv.db, '--metadata', `${at}/md`, '--application', 'TESTONE']);
      assert.equal(r.code, 0, r.err);
      assert.ok((await run(['sp', 'list', '--db', srv.db])).out.includes(`${entity}\n  application: TESTONE, minimum level 1\n  metadata: ${at}/md`));
      body = spMetadata({ entityId: entity, acs: [`${ACS}9`] });
      r = await run(['sp', 'refresh', '--db', srv.db, '--entity-id', entity]);
      assert.equal(r.code, 0, r.err);
      // The new ACS is the one accepted now.
      const ok = await send(browser(srv), authnRequest({ issuer: entity, acs: `${ACS}9`, destination: destination() }).xml);
      assert.equal(ok.status, 303);
      await refused(authnRequest({ issuer: entity, acs: ACS, destination: destination() }).xml, 403, 'bad_acs');
      r = await run(['sp', 'add', '--db', srv.db, '--metadata', `${at}/missing`, '--application', 'TESTONE']);
      assert.equal(r.code, 1);
      assert.match(r.err, /HTTP 404/);
      r = await run(['sp', 'add', '--db', srv.db, '--metadata', `${at}/big`, '--application', 'TESTONE']);
      assert.equal(r.code, 1, 'a metadata over 256 KiB is refused');
    } finally {
      await new Promise((r) => { site.close(r); });
    }
  });

  it('releases the national number only to an SP registered with --allow-national-number', async () => {
    const nnSp = 'http://127.0.0.1:9/nn';
    const r = cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('nn.xml', spMetadata({ entityId: nnSp, acs: [ACS] })),
      '--application', 'TESTAPP', '--allow-national-number']);
    assert.equal(r.code, 0, r.err);
    assert.ok(cli(['sp', 'list', '--db', srv.db]).out.includes(`${nnSp}\n  application: TESTAPP, minimum level 1 (national number allowed)`));
    const { form } = await sso(browser(srv), authnRequest({ issuer: nnSp, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.jan });
    assert.deepEqual(attrValues(form.response, 'urn:portier:attribute:national_number'), [PEOPLE.jan.niss]);
    // Another SP (registered without it) does not get it; the NISS is in no log line.
    const other = await sso(browser(srv), authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.jan });
    assert.deepEqual(attrValues(other.form.response, 'urn:portier:attribute:national_number'), []);
    assert.ok(!srv.logs().includes(PEOPLE.jan.niss), 'the national number is never logged');
  });

  it('encrypts the Assertion to the key of an SP registered with --encrypt-assertions, not to others', async () => {
    const encSp = 'http://127.0.0.1:9/enc';
    const encKey = makeKey('enc-sp');
    // Metadata without an encryption key (a signing one only): refused, nothing stored.
    let r = cli(['sp', 'add', '--db', srv.db, '--metadata',
      writeTemp('enc-none.xml', spMetadata({ entityId: encSp, acs: [ACS], cert: encKey })),
      '--application', 'TESTAPP', '--encrypt-assertions']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--encrypt-assertions: the metadata has no encryption key/);
    assert.ok(!cli(['sp', 'list', '--db', srv.db]).out.includes(encSp));
    // With a KeyDescriptor use="encryption": registered, listed as encrypted.
    const encMd = writeTemp('enc.xml', spMetadata({ entityId: encSp, acs: [ACS], encCert: encKey }));
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', encMd, '--application', 'TESTAPP', '--encrypt-assertions']);
    assert.equal(r.code, 0, r.err);
    assert.ok(cli(['sp', 'list', '--db', srv.db]).out.includes(`${encSp}\n  application: TESTAPP, minimum level 1 (assertions encrypted)`));
    const { form } = await sso(browser(srv), authnRequest({ issuer: encSp, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.janMedi });
    const x = form.response;
    assert.match(x, /<saml:EncryptedAssertion>/);
    assert.doesNotMatch(x, /<saml:Assertion[ >]/, 'no clear Assertion');
    assert.ok(!x.includes(ORGS.medi.name) && !x.includes('Peeters'), 'no attribute in clear');
    assert.match(x, /Algorithm="http:\/\/www.w3.org\/2001\/04\/xmlenc#aes256-cbc"/);
    assert.match(x, /Algorithm="http:\/\/www.w3.org\/2001\/04\/xmlenc#rsa-oaep-mgf1p"/);
    // The SP's key opens it: a signed Assertion naming the chosen organisation; another key
    // does not.
    const clear = xmlsecDecrypt(x, encKey);
    assert.ok(clear, 'xmlsec1 decrypts it with the SP\'s key');
    assert.match(clear, /<saml:Assertion[ >]/);
    assert.deepEqual(attrValues(clear, 'urn:portier:attribute:organisation'), [ORGS.medi.enterprise]);
    assert.deepEqual(attrValues(clear, 'urn:portier:attribute:organisation_name'), [ORGS.medi.name]);
    const [cert] = await idpCerts();
    assert.ok(xmlsecVerify(clear, cert), 'the decrypted Assertion is signed by the IdP');
    assert.ok(!xmlsecVerify(clear.replace('>Peeters<', '>Janssens<'), cert));
    assert.equal(xmlsecDecrypt(x, otherKey), null, 'another key does not decrypt it');
    // An SP registered without the flag gets a clear assertion, even with an encryption key
    // (here without use: both uses).
    const plainSp = 'http://127.0.0.1:9/plain-with-key';
    r = cli(['sp', 'add', '--db', srv.db, '--metadata',
      writeTemp('plain-key.xml', spMetadata({ entityId: plainSp, acs: [ACS], encCert: encKey, encUse: null })),
      '--application', 'TESTAPP']);
    assert.equal(r.code, 0, r.err);
    const plain = await sso(browser(srv), authnRequest({ issuer: plainSp, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.janMedi });
    assert.doesNotMatch(plain.form.response, /EncryptedAssertion/);
    assert.deepEqual(attrValues(plain.form.response, 'urn:portier:attribute:organisation'), [ORGS.medi.enterprise]);
    // A refresh of the encrypted SP with metadata lacking the key is refused.
    r = cli(['sp', 'refresh', '--db', srv.db, '--entity-id', encSp, '--metadata',
      writeTemp('enc-gone.xml', spMetadata({ entityId: encSp, acs: [ACS] }))]);
    assert.equal(r.code, 1);
    assert.match(r.err, /encrypted and this metadata has no encryption key/);
  });

  it('signs with ecdsa-sha256 for an SP registered with --sig-alg ecdsa-sha256 (POST and Artifact), RSA for the others', async () => {
    const ecSp = 'http://127.0.0.1:9/ec';
    const ecKey = makeKey('ec-sp');
    const ecMd = writeTemp('ec.xml', spMetadata({ entityId: ecSp, acs: [ACS], cert: ecKey, artifactAcs: [ART_ACS], encCert: ecKey }));
    // Refusals: an unknown algorithm; ECDSA with encryption (lasso encrypts before).
    let r = cli(['sp', 'add', '--db', srv.db, '--metadata', ecMd, '--application', 'TESTAPP', '--sig-alg', 'ecdsa-sha1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--sig-alg is rsa-sha256 or ecdsa-sha256/);
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', ecMd, '--application', 'TESTAPP', '--sig-alg', 'ecdsa-sha256',
      '--encrypt-assertions']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--encrypt-assertions and --sig-alg ecdsa-sha256 together/);
    const before = await idpCerts();
    assert.ok(before.every((c) => /rsaEncryption/.test(execFileSync('openssl', ['x509', '-noout', '-text'], { input: c, encoding: 'utf8' }))),
      'no EC key while no SP asks for one');
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', ecMd, '--application', 'TESTAPP', '--sig-alg', 'ecdsa-sha256']);
    assert.equal(r.code, 0, r.err);
    assert.ok(cli(['sp', 'list', '--db', srv.db]).out.includes(`${ecSp}\n  application: TESTAPP, minimum level 1 (signed ecdsa-sha256)`));
    // The metadata publishes the EC certificate after the active RSA one.
    const certs = await idpCerts();
    assert.equal(certs.length, before.length + 1);
    const [rsaCert, ecCert] = certs;
    assert.equal(rsaCert, before[0]);
    assert.match(execFileSync('openssl', ['x509', '-noout', '-text'], { input: ecCert, encoding: 'utf8' }), /id-ecPublicKey[\s\S]*prime256v1|P-256/);
    const { form } = await sso(browser(srv), authnRequest({ issuer: ecSp, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.janMedi });
    const x = form.response;
    assert.equal(x.match(/SignatureMethod Algorithm="http:\/\/www.w3.org\/2001\/04\/xmldsig-more#ecdsa-sha256"/g)?.length, 2, x);
    assert.doesNotMatch(x, /rsa-sha256/);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:organisation'), [ORGS.medi.enterprise]);
    for (const node of ['Assertion', 'Response']) {
      assert.ok(xmlsecVerify(x, ecCert, node), `the ${node} verifies with the EC certificate`);
      assert.ok(!xmlsecVerify(x, rsaCert, node), `not with the RSA one (${node})`);
      assert.ok(!xmlsecVerify(x.replace('>Peeters<', '>Janssens<'), ecCert, node), `a changed ${node} does not verify`);
    }
    // HTTP-Artifact: the resolved Response, its Assertion and the ArtifactResponse.
    const { text } = await sso(browser(srv), authnRequest({ issuer: ecSp, acs: ART_ACS, destination: destination(), binding: ARTIFACT }).xml,
      { account: ACCOUNTS.jan, artifact: true });
    const art = new URL(refreshTarget(text)).searchParams.get('SAMLart');
    const res = await resolve(artifactResolve({ issuer: ecSp, artifact: art, destination: `${srv.url}/saml/artifact`, key: ecKey }));
    const soap = res.text;
    assert.equal(res.status, 200, soap);
    assert.deepEqual(attrValues(soap, 'urn:portier:attribute:organisation'), [ORGS.pharma.enterprise]);
    for (const node of ['Assertion', 'Response', 'ArtifactResponse']) {
      assert.ok(xmlsecVerify(soap, ecCert, node), `the resolved ${node} verifies with the EC certificate`);
    }
    // Another SP keeps RSA; a rotation renews both keys.
    const plain = await sso(browser(srv), authnRequest({ issuer: SP, acs: ACS, destination: destination() }).xml, { account: ACCOUNTS.jan });
    assert.doesNotMatch(plain.form.response, /ecdsa-sha256/);
    assert.ok(xmlsecVerify(plain.form.response, rsaCert));
    r = cli(['keys', 'saml-rotate', '--db', srv.db]);
    assert.equal(r.code, 0, r.err);
    const after = await idpCerts();
    assert.ok(!before.includes(after[0]) && after[1] !== ecCert, 'two new keys first');
    assert.ok(after.includes(rsaCert) && after.includes(ecCert), 'the two old ones during the overlap');
    assert.match(execFileSync('openssl', ['x509', '-noout', '-text'], { input: after[1], encoding: 'utf8' }), /id-ecPublicKey/);
    const again = await sso(browser(srv), authnRequest({ issuer: ecSp, acs: ACS, destination: destination() }).xml,
      { account: ACCOUNTS.jan });
    assert.ok(xmlsecVerify(again.form.response, after[1], 'Assertion'), 'the new EC key signs');
    assert.ok(!xmlsecVerify(again.form.response, ecCert, 'Assertion'));
  });
});
