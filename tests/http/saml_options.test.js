// saml_options.test.js — the SAML identity provider's remaining parts of issue 14
// (docs/saml.md): the published metadata's validUntil and cacheDuration (signed with it);
// IsPassive (an answer without any page: NoPassive when the person would be needed); the
// attributes an SP asks for in its metadata (RequestedAttribute), released among those its
// registration allows. Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { BIN, SAN } from '../lib/server.js';
import { ACCOUNTS, browser, csrfOf, login, PEOPLE, startWorld } from './oidc_lib.js';
import {
  attrValues, authnRequest, metadataCerts, postForm, redirectQuery, spMetadata, writeTemp, xmlsecVerify,
} from './saml_lib.js';

const SP = 'http://127.0.0.1:9/opt-sp';        // TESTAPP: Jan has two profiles
const ONE = 'http://127.0.0.1:9/one-sp';       // TESTONE: Jan has one (Pharma)
const ASKS = 'http://127.0.0.1:9/asks-sp';     // TESTAPP, asks for some attributes
const NO_PASSIVE = 'urn:oasis:names:tc:SAML:2.0:status:NoPassive';
const ACS = 'http://127.0.0.1:9/acs';

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

describe('SAML IdP: metadata validity, IsPassive, requested attributes', () => {
  let srv;

  before(async () => {
    srv = await startWorld({ env: SAN_ENV });
    cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('opt.xml', spMetadata({ entityId: SP, acs: [ACS] })),
      '--application', 'TESTAPP']);
    cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('one.xml', spMetadata({ entityId: ONE, acs: [ACS] })),
      '--application', 'TESTONE']);
  });

  /** ASKS's metadata: requests givenName, the organisation and the national number (which
   * its registration does not allow), or nothing when names is empty. */
  function asksMetadata(names) {
    const req = names.map((n) => `<md:RequestedAttribute Name="${n}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"/>`).join('');
    const md = spMetadata({ entityId: ASKS, acs: [ACS] });
    return names.length ? md.replace('</md:SPSSODescriptor>',
      `<md:AttributeConsumingService index="0" isDefault="true"><md:ServiceName xml:lang="en">t</md:ServiceName>${req}</md:AttributeConsumingService></md:SPSSODescriptor>`) : md;
  }

  /** An AuthnRequest with IsPassive="true" by Redirect; returns { id, r }. */
  async function passive(jar, issuer, { forceAuthn = false } = {}) {
    const { id, xml } = authnRequest({ issuer, acs: ACS, destination: `${srv.url}/saml/sso`, forceAuthn });
    const r = await jar.get(`/saml/sso?${redirectQuery(xml.replace('Version="2.0"', 'Version="2.0" IsPassive="true"'), { relayState: 'p' })}`);
    return { id, r };
  }

  /** The Response of an answer page (no other page before it). */
  function responseOf(r, id) {
    assert.equal(r.status, 200, `answered at once: ${r.status} ${r.headers.get('location') ?? ''}`);
    const f = postForm(r.text);
    assert.equal(f.action, ACS);
    assert.equal(f.relayState, 'p');
    assert.match(f.response, new RegExp(`InResponseTo="${id}"`));
    return f.response;
  }

  /** An ordinary login by SAML to sp (the login page, the profile choice). */
  async function ordinaryLogin(jar, sp) {
    const r = await jar.get(`/saml/sso?${redirectQuery(authnRequest({ issuer: sp, acs: ACS, destination: `${srv.url}/saml/sso` }).xml)}`);
    const flow = r.headers.get('location');
    let page = await jar.get(flow);
    if (page.status === 303) {
      await login(jar, PEOPLE.jan.user, flow);
      page = await jar.get(flow);
    }
    const res = await jar.get(flow, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: ACCOUNTS.jan }).toString(),
    });
    assert.equal(res.status, 200);
  }

  it('IsPassive: NoPassive without a session, with a choice to make, with ForceAuthn; the Response with one profile', async () => {
    const jar = browser(srv);
    let { id, r } = await passive(jar, ONE);
    let x = responseOf(r, id);
    assert.match(x, new RegExp(`<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">\\s*<samlp:StatusCode Value="${NO_PASSIVE}"`));
    assert.doesNotMatch(x, /<saml:Assertion/);
    const [cert] = metadataCerts(await (await fetch(`${srv.url}/saml/metadata`)).text());
    assert.ok(xmlsecVerify(x, cert, 'Response'), 'the NoPassive Response is signed');
    // Logged in (by another SP's ordinary flow): one profile for TESTONE, answered at once.
    await ordinaryLogin(jar, SP);
    ({ id, r } = await passive(jar, ONE));
    x = responseOf(r, id);
    assert.match(x, /<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"\/>/);
    assert.deepEqual(attrValues(x, 'urn:portier:attribute:applications').sort(), ['MEDSEIP', 'TESTAPP', 'TESTONE']);
    assert.ok(xmlsecVerify(x, cert));
    // Two profiles for TESTAPP: the choice needs the person.
    ({ id, r } = await passive(jar, SP));
    assert.match(responseOf(r, id), new RegExp(NO_PASSIVE));
    // ForceAuthn with IsPassive cannot be met without the person either.
    ({ id, r } = await passive(jar, ONE, { forceAuthn: true }));
    assert.match(responseOf(r, id), new RegExp(NO_PASSIVE));
  });
  after(async () => {
    await srv?.stop();
  });

  it('publishes validUntil (a week) and cacheDuration (six hours), under its signature', async () => {
    const md = await (await fetch(`${srv.url}/saml/metadata`)).text();
    const until = /<md:EntityDescriptor[^>]* validUntil="([^"]+)"/.exec(md);
    assert.ok(until, md.slice(0, 400));
    const left = Date.parse(until[1]) - Date.now();
    assert.ok(left > 7 * 86400e3 - 600e3 && left <= 7 * 86400e3 + 60e3, `validUntil ${until[1]}`);
    assert.match(md, /<md:EntityDescriptor[^>]* cacheDuration="PT6H"/);
    // Shorter than the overlap a retired certificate stays published (14 days).
    assert.ok(left < 14 * 86400e3);
    const [cert] = metadataCerts(md);
    assert.ok(xmlsecVerify(md, cert, 'EntityDescriptor'));
    assert.ok(!xmlsecVerify(md.replace(`validUntil="${until[1]}"`, 'validUntil="2099-01-01T00:00:00Z"'), cert,
      'EntityDescriptor'), 'validUntil is signed');
  });

  it('releases only the attributes the SP requests in its metadata, among those its registration allows', async () => {
    const asked = ['urn:oid:2.5.4.42', 'urn:portier:attribute:organisation', 'urn:portier:attribute:national_number'];
    cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('asks.xml', asksMetadata(asked)), '--application', 'TESTAPP']);
    const jar = browser(srv);
    await ordinaryLogin(jar, SP);
    /** The attribute Names of a passive-free login to ASKS. */
    const names = async () => {
      const r = await jar.get(`/saml/sso?${redirectQuery(authnRequest({ issuer: ASKS, acs: ACS, destination: `${srv.url}/saml/sso` }).xml)}`);
      assert.equal(r.status, 303, srv.logs().slice(-1200));
      const flow = r.headers.get('location');
      const page = await jar.get(flow);
      const res = await jar.get(flow, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfOf(page.text), org: ACCOUNTS.jan }).toString(),
      });
      const x = postForm(res.text).response;
      return { x, names: [...x.matchAll(/<saml:Attribute Name="([^"]+)"/g)].map((m) => m[1]).sort() };
    };
    let got = await names();
    assert.deepEqual(got.names, ['urn:oid:2.5.4.42', 'urn:portier:attribute:organisation'],
      'what it asked for, without the national number its registration does not allow');
    assert.deepEqual(attrValues(got.x, 'urn:oid:2.5.4.42'), ['Jan']);
    const [cert] = metadataCerts(await (await fetch(`${srv.url}/saml/metadata`)).text());
    assert.ok(xmlsecVerify(got.x, cert));
    // Refreshed with metadata that asks for nothing in particular: all it may have again.
    cli(['sp', 'refresh', '--db', srv.db, '--entity-id', ASKS, '--metadata', writeTemp('asks2.xml', asksMetadata([]))]);
    got = await names();
    assert.ok(got.names.includes('urn:oid:2.5.4.4') && got.names.includes('urn:portier:attribute:applications'), got.names.join());
    assert.ok(!got.names.includes('urn:portier:attribute:national_number'));
    // Asking only for what it may not have: no AttributeStatement at all (never an empty one).
    cli(['sp', 'refresh', '--db', srv.db, '--entity-id', ASKS, '--metadata',
      writeTemp('asks3.xml', asksMetadata(['urn:portier:attribute:national_number']))]);
    got = await names();
    assert.deepEqual(got.names, []);
    assert.doesNotMatch(got.x, /AttributeStatement/);
    assert.ok(xmlsecVerify(got.x, cert));
  });
});
