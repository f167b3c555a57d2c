// saml_options.test.js — the SAML identity provider's remaining parts of issue 14
// (docs/saml.md): the published metadata's validUntil and cacheDuration (signed with it);
// IsPassive (an answer without any page: NoPassive when the person would be needed); the
// attributes an SP asks for in its metadata (RequestedAttribute), released among those its
// registration allows. Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { BIN } from '../lib/server.js';
import { ACCOUNTS, browser, csrfOf, login, PEOPLE, startWorld } from './oidc_lib.js';
import {
  attrValues, authnRequest, metadataCerts, postForm, redirectQuery, spMetadata, writeTemp, xmlsecVerify,
} from './saml_lib.js';

const SP = 'http://127.0.0.1:9/opt-sp';        // TESTAPP: Jan has two profiles
const ONE = 'http://127.0.0.1:9/one-sp';       // TESTONE: Jan has one (Pharma)
const NO_PASSIVE = 'urn:oasis:names:tc:SAML:2.0:status:NoPassive';
const ACS = 'http://127.0.0.1:9/acs';

function cli(args) {
  return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('SAML IdP: metadata validity, IsPassive, requested attributes', () => {
  let srv;

  before(async () => {
    srv = await startWorld({});
    cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('opt.xml', spMetadata({ entityId: SP, acs: [ACS] })),
      '--application', 'TESTAPP']);
    cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('one.xml', spMetadata({ entityId: ONE, acs: [ACS] })),
      '--application', 'TESTONE']);
  });

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
});
