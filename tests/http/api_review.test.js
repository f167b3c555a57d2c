// api_review.test.js — the security review of the management API (issue 19): refusals the
// web layer makes before a handler runs (a body over the route's limit, headers over the
// limit) answer in the API's own error format (SCIM Error, problem+json), not an HTML page,
// and change nothing. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { query, scalar } from '../lib/db.js';
import { closeFetchConnections } from '../lib/server.js';
import { makeMachineCA } from './machines_lib.js';
import { ORGS, PEOPLE, URN_ERROR, URN_EXT, URN_USER, machine, makeNiss, scim, seedRegister, startScim, tokenOf } from './scim_lib.js';

/** A SCIM request with the Content-Type given (scim() always sends SCIM's). */
async function typed(srv, token, method, path, body, type) {
  const res = await fetch(`${srv.url}/scim/v2${path}`, { method, body,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type } });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

describe('management API review', () => {
  let ca;
  let srv;
  let tok;
  const nAccounts = () => Number(scalar(srv, 'SELECT count(*) FROM account'));

  before(async () => {
    ca = makeMachineCA(['gl']);
    srv = await startScim(ca);
    seedRegister(srv, [{ niss: makeNiss(82, 4, 5, 11), last: 'Vermeulen', first: 'Ann' }]);
    const claire = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [PEOPLE.claire.niss]));
    tok = await tokenOf(srv, machine(srv, ca.certs.gl, { apps: ['TESTAPP'], by: claire }));
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  it('a SCIM body over the limit is a 413 SCIM Error, nothing created', async () => {
    const n0 = nAccounts();
    const body = JSON.stringify({ schemas: [URN_USER, URN_EXT], externalId: makeNiss(82, 4, 5, 11),
      userName: 'big.body', emails: [{ value: 'big@example.be' }], pad: 'x'.repeat(70000) });
    for (const path of ['/Users', '/Bulk']) {
      const r = await scim(srv, tok, 'POST', path, body);
      assert.equal(r.status, 413, path);
      assert.match(r.headers.get('content-type'), /^application\/scim\+json/, path);
      assert.deepEqual(r.json?.schemas, [URN_ERROR], `${path}: ${r.text.slice(0, 80)}`);
      assert.equal(r.json.status, '413');
    }
    assert.equal(nAccounts(), n0);
  });

  it('a SCIM body of another media type (form, text) is refused with 415, nothing created', async () => {
    const n0 = nAccounts();
    const body = JSON.stringify({ schemas: [URN_USER, URN_EXT], externalId: makeNiss(82, 4, 5, 11),
      userName: 'ann.vermeulen', emails: [{ value: 'ann@example.be' }], preferredLanguage: 'nl',
      [URN_EXT]: { applications: [{ value: 'TESTAPP' }] } });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const r = await typed(srv, tok, 'POST', '/Users', body, type);
      assert.equal(r.status, 415, `${type}: ${r.text.slice(0, 120)}`);
      assert.deepEqual(r.json.schemas, [URN_ERROR]);
    }
    assert.equal(nAccounts(), n0);
    const ok = await typed(srv, tok, 'POST', '/Users/.search',
      JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }), 'application/json; charset=utf-8');
    assert.equal(ok.status, 200, ok.text);
  });

  it('a change that also suspends the token\'s own manager is refused whole (nothing half-written)', async () => {
    const claire = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [PEOPLE.claire.niss]));
    const row = () => query(srv, 'SELECT public_id, email, status, version FROM account WHERE person_id = ? '
      + 'AND org_id = ?', [claire, ORGS.pharma.id])[0];
    const before = row();
    assert.ok(before?.public_id, 'Claire has an account in the quality');
    const patch = await scim(srv, tok, 'PATCH', `/Users/${before.public_id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'emails', value: [{ value: 'claire.new@example.be' }] },
        { op: 'replace', path: 'active', value: false }] });
    assert.equal(patch.status, 400, patch.text);
    assert.match(patch.json.detail, /status/);
    const user = await scim(srv, tok, 'GET', `/Users/${before.public_id}`);
    assert.equal(user.status, 200);
    const put = await scim(srv, tok, 'PUT', `/Users/${before.public_id}`, {
      ...user.json, emails: [{ value: 'claire.put@example.be' }], active: false });
    assert.equal(put.status, 400, put.text);
    assert.deepEqual(row(), before, 'e-mail, status and version unchanged');
  });

  it('a POST to a user (not .search) is a 405 naming what a user allows, nothing created', async () => {
    const before = nAccounts();
    const body = JSON.stringify({ schemas: [URN_USER], userName: 'ann.vermeulen' });
    const r = await fetch(`${srv.url}/scim/v2/Users/0123456789abcdef0123456789abcdef`, { method: 'POST', body,
      headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/scim+json' } });
    await r.text();
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, HEAD, PUT, PATCH, DELETE');
    assert.equal(nAccounts(), before);
  });

  it('headers over the limit on the SCIM path are a 431 SCIM Error', async () => {
    const r = await scim(srv, tok, 'GET', '/Users', undefined, { 'X-Pad': 'y'.repeat(20000) });
    assert.equal(r.status, 431);
    assert.deepEqual(r.json?.schemas, [URN_ERROR], r.text.slice(0, 80));
  });

  it('a REST body over the limit is a 413 problem+json, nothing created', async () => {
    const n0 = nAccounts();
    const res = await fetch(`${srv.url}/api/v1/qualities/ANY/managers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ niss: makeNiss(82, 4, 5, 13), pad: 'x'.repeat(70000) }),
    });
    const text = await res.text();
    assert.equal(res.status, 413);
    assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
    const j = JSON.parse(text);
    assert.equal(j.status, 413);
    assert.equal(j.title, 'Content Too Large');
    assert.equal(typeof j.detail, 'string');
    assert.equal(nAccounts(), n0);
  });
});

describe('management API review: list parameters', () => {
  let ca;
  let srv;
  let tok;

  before(async () => {
    ca = makeMachineCA(['gl']);
    srv = await startScim(ca);
    const claire = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [PEOPLE.claire.niss]));
    tok = await tokenOf(srv, machine(srv, ca.certs.gl, { apps: ['TESTAPP'], by: claire }));
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  it('a .search with a long attributes array is refused (400), not joined quadratically', async () => {
    const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] };
    for (const k of ['attributes', 'excludedAttributes']) {
      const r = await scim(srv, tok, 'POST', '/Users/.search', { ...search, [k]: Array(12000).fill('id') });
      assert.equal(r.status, 400, `${k}: ${r.text.slice(0, 120)}`);
      assert.equal(r.json.scimType, 'invalidValue');
      assert.match(r.json.detail, /too long/);
    }
    const ok = await scim(srv, tok, 'POST', '/Users/.search', { ...search, attributes: ['userName', 'id'] });
    assert.equal(ok.status, 200);
  });
});
