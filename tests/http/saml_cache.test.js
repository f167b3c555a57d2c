// saml_cache.test.js — each thread's cache of lasso servers (src/saml/server_cache.c;
// docs/saml.md): a server built for an SP is kept for its next messages, and what changes
// what it was built from is seen by the next message: an SP's refreshed metadata (another
// signing certificate), a rotation of the IdP's key, an SP registered again without the
// encryption it had; more SPs than a thread keeps. One connection thread (--threads 1),
// so that the message after a change meets the server cached before it. Both backends.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { exec, scalar } from '../lib/db.js';
import { BIN, SAN } from '../lib/server.js';
import {
  ACCOUNTS, browser, csrfOf, login, PEOPLE, profileOptions, startWorld,
} from './oidc_lib.js';
import {
  authnRequest, makeKey, metadataCerts, postForm, redirectQuery, spMetadata, writeTemp, xmlsecVerify,
} from './saml_lib.js';

const ACS = 'http://127.0.0.1:9/acs';

function cli(args) {
  try {
    return { code: 0, out: execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' };
  } catch (e) {
    return { code: e.status, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

// Under ASan: full stacks, the leaks inside lasso and xmlsec1 suppressed (saml_lsan.supp).
const SAN_ENV = SAN ? {
  ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'fast_unwind_on_malloc=0'].filter(Boolean).join(':'),
  LSAN_OPTIONS: [process.env.LSAN_OPTIONS, `suppressions=${new URL('./saml_lsan.supp', import.meta.url).pathname}`]
    .filter(Boolean).join(':'),
} : {};

describe('SAML: the lasso servers each thread keeps', () => {
  let srv;

  before(async () => {
    srv = await startWorld({ env: SAN_ENV, args: ['--threads', '1'] });
  });
  after(async () => {
    await srv?.stop();
  });

  const destination = () => `${srv.url}/saml/sso`;
  const request = (issuer) => authnRequest({ issuer, acs: ACS, destination: destination() }).xml;
  const addSp = (name, md, extra = []) => {
    const r = cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp(name, md), '--application', 'TESTAPP', ...extra]);
    assert.equal(r.code, 0, r.err);
  };

  /** The request by Redirect (signed with key when given) → its status and flow. */
  async function send(jar, xml, key) {
    return jar.get(`/saml/sso?${redirectQuery(xml, { relayState: 'rs', key })}`);
  }

  /** Request → login → profile choice → the Response form. */
  async function sso(jar, xml) {
    const r = await send(jar, xml);
    assert.equal(r.status, 303, srv.logs().slice(-800));
    const flow = r.headers.get('location');
    let page = await jar.get(flow);
    if (page.status === 303) {
      await login(jar, PEOPLE.jan.user, flow);
      page = await jar.get(flow);
    }
    assert.equal(page.status, 200, page.text.slice(0, 300));
    const res = await jar.get(flow, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: ACCOUNTS.jan ?? profileOptions(page.text)[0].value }).toString(),
    });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return postForm(res.text);
  }

  async function idpCerts() {
    const res = await fetch(`${srv.url}/saml/metadata`);
    assert.equal(res.status, 200);
    return metadataCerts(await res.text());
  }

  it('sees an SP\'s refreshed metadata (another signing certificate) at its next request', async () => {
    const sp = 'http://127.0.0.1:9/refreshed';
    const keyA = makeKey('cache-a');
    const keyB = makeKey('cache-b');
    const md = (key) => spMetadata({ entityId: sp, acs: [ACS], cert: key, wantSigned: true });
    addSp('cache-a.xml', md(keyA));
    // Twice with key A: the server built for the first is the one the second meets.
    assert.equal((await send(browser(srv), request(sp), keyA)).status, 303);
    assert.equal((await send(browser(srv), request(sp), keyA)).status, 303);
    assert.equal((await send(browser(srv), request(sp), keyB)).status, 403, 'key B is not the SP\'s yet');
    const r = cli(['sp', 'refresh', '--db', srv.db, '--entity-id', sp, '--metadata', writeTemp('cache-b.xml', md(keyB))]);
    assert.equal(r.code, 0, r.err);
    assert.equal((await send(browser(srv), request(sp), keyB)).status, 303, `key B is the SP's now: ${srv.logs().slice(-4000)}`);
    assert.equal((await send(browser(srv), request(sp), keyA)).status, 403, 'key A no longer is');
  });

  it('signs with the new key at the next Response after a rotation', async () => {
    const sp = 'http://127.0.0.1:9/rotated';
    addSp('cache-rot.xml', spMetadata({ entityId: sp, acs: [ACS] }));
    const jar = browser(srv);
    const [old] = await idpCerts();
    const first = await sso(jar, request(sp));
    assert.ok(xmlsecVerify(first.response, old), 'the key before the rotation signs');
    const r = cli(['keys', 'saml-rotate', '--db', srv.db, '--overlap-days', '1']);
    assert.equal(r.code, 0, r.err);
    const [now] = await idpCerts();
    assert.notEqual(now, old);
    const next = await sso(jar, request(sp));
    assert.ok(xmlsecVerify(next.response, now), 'the new key signs the next Response');
    assert.ok(!xmlsecVerify(next.response, old), 'the old one no longer does');
  });

  it('reads the active key again when its sealed row changes under the same kid (kept PEM per process)', async () => {
    // src/saml/keys.c keeps the PEM of the active key by the hash of its kid and sealed
    // blob: a blob changed in the row (cut in half: no longer opens nor decodes) is another entry,
    // unsealed again, and refused; a cache keyed by kid alone would keep serving.
    const sp = 'http://127.0.0.1:9/resealed';
    addSp('cache-reseal.xml', spMetadata({ entityId: sp, acs: [ACS] }));
    const jar = browser(srv);
    const [cert] = await idpCerts();
    assert.ok(xmlsecVerify((await sso(jar, request(sp))).response, cert), 'the active key signs');
    const active = "FROM saml_key WHERE alg = 'RS256' AND retired_at IS NULL";
    const hex = String(scalar(srv, { sqlite: `SELECT hex(private_der) ${active}`,
      pg: `SELECT upper(encode(private_der, 'hex')) ${active}` }));
    assert.match(hex, /^[0-9A-F]{64,}$/);
    const cut = hex.slice(0, 2 * Math.floor(hex.length / 4));
    const put = (h) => exec(srv, { sqlite: `UPDATE saml_key SET private_der = X'${h}' WHERE alg = 'RS256' AND retired_at IS NULL`,
      pg: `UPDATE saml_key SET private_der = decode('${h}', 'hex') WHERE alg = 'RS256' AND retired_at IS NULL` });
    put(cut);
    const refused = await fetch(`${srv.url}/saml/metadata`);
    await refused.text();
    assert.equal(refused.status, 500, 'a sealed key that no longer opens is not served from the kept PEM');
    assert.equal((await send(browser(srv), request(sp))).status >= 500, true, 'nor signs a Response');
    put(hex);
    assert.equal((await idpCerts())[0], cert);
    assert.ok(xmlsecVerify((await sso(jar, request(sp))).response, cert), 'the row put back signs again');
  });

  it('answers in clear an SP registered again without --encrypt-assertions (same metadata)', async () => {
    const sp = 'http://127.0.0.1:9/was-encrypted';
    const md = spMetadata({ entityId: sp, acs: [ACS], encCert: makeKey('cache-enc') });
    addSp('cache-enc.xml', md, ['--encrypt-assertions']);
    const jar = browser(srv);
    assert.match((await sso(jar, request(sp))).response, /<saml:EncryptedAssertion>/);
    assert.equal(cli(['sp', 'remove', '--db', srv.db, '--entity-id', sp]).code, 0);
    addSp('cache-enc.xml', md);
    const clear = (await sso(jar, request(sp))).response;
    assert.doesNotMatch(clear, /EncryptedAssertion/);
    assert.match(clear, /<saml:Assertion[ >]/);
  });

  it('serves more SPs than a thread keeps (16), the first again after the others', async () => {
    const sps = Array.from({ length: 18 }, (_, i) => `http://127.0.0.1:9/many-${i}`);
    sps.forEach((sp, i) => addSp(`many-${i}.xml`, spMetadata({ entityId: sp, acs: [ACS] })));
    for (const sp of [...sps, sps[0], sps[1], sps[17]]) {
      const r = await send(browser(srv), request(sp));
      assert.equal(r.status, 303, `${sp}: ${srv.logs().slice(-400)}`);
    }
  });
});
