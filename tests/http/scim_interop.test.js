// scim_interop.test.js — portier's SCIM service provider driven by another SCIM
// implementation (issue 19 part 5): SCIMMY (npm scimmy) builds the client's requests
// (User resources, SearchRequest, PatchOp) and reads portier's answers with its own RFC
// 7643/7644 schemas (User, ListResponse, ServiceProviderConfig), and applies each PatchOp
// to its copy of the user: portier's result must be the one SCIMMY computes. A
// provisioning cycle: discover, search, create, change, deactivate, delete.
// SCIMMY only accepts extension URNs under urn:ietf:params:scim:schemas: (a check of its
// own, RFC 7643 does not ask it), so it reads the core attributes; portier's extension
// (the applications) is compared by the test itself. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import SCIMMY from 'scimmy';

import { query, scalar } from '../lib/db.js';
import { closeFetchConnections } from '../lib/server.js';
import { makeMachineCA } from './machines_lib.js';
import { PEOPLE, SCIM_JSON, URN_EXT, URN_PATCH, URN_USER, machine, makeNiss, seedRegister, startScim,
  tokenOf } from './scim_lib.js';

const PERSON = { niss: makeNiss(83, 6, 7, 11), last: 'Verstraeten', first: 'Sofie' };

/** A SCIM client: SCIMMY's messages over fetch with a bearer token. */
class Client {
  constructor(base, token) { this.base = base; this.token = token; }

  async send(method, path, body, headers = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Accept: SCIM_JSON, Authorization: `Bearer ${this.token}`,
        ...(body ? { 'Content-Type': SCIM_JSON } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), ctype: res.headers.get('content-type'),
      json: text ? JSON.parse(text) : null };
  }

  async search(filter) {
    const req = new SCIMMY.Messages.SearchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });
    const r = await this.send('POST', '/Users/.search', req);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return new SCIMMY.Messages.ListResponse(r.json);
  }

  /** SCIMMY's reading of a User portier sent (throws on what its schema refuses). */
  static user(json) {
    return new SCIMMY.Schemas.User(json, 'out');
  }
}

/** The core attributes a provisioning client looks at. */
const core = (u) => ({ userName: u.userName, externalId: u.externalId, active: u.active,
  preferredLanguage: u.preferredLanguage, emails: u.emails.map((e) => ({ value: e.value, type: e.type })),
  name: { familyName: u.name.familyName, givenName: u.name.givenName } });

describe('SCIM interop: a provisioning cycle driven by SCIMMY', () => {
  let ca;
  let srv;
  let client;

  before(async () => {
    ca = makeMachineCA(['idm']);
    srv = await startScim(ca);
    seedRegister(srv, [PERSON]);
    const claire = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [PEOPLE.claire.niss]));
    const m = machine(srv, ca.certs.idm, { apps: ['TESTAPP', 'TESTONE'], by: claire });
    client = new Client(`${srv.url}/scim/v2`, await tokenOf(srv, m));
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  it('discovers, searches, creates, changes, deactivates and deletes a user', async () => {
    const spc = await client.send('GET', '/ServiceProviderConfig');
    assert.match(spc.ctype, /^application\/scim\+json/);
    const config = new SCIMMY.Schemas.ServiceProviderConfig(spc.json, 'out');
    assert.equal(config.patch.supported, true);
    assert.equal(config.filter.supported, true);

    assert.equal((await client.search(`externalId eq "${PERSON.niss}"`)).totalResults, 0);

    // Create: the resource as SCIMMY writes it (inbound validation), with the extension.
    const draft = JSON.parse(JSON.stringify(new SCIMMY.Schemas.User({
      schemas: [URN_USER], userName: 'sofie.v', externalId: PERSON.niss,
      emails: [{ value: 'sofie@example.be', type: 'work', primary: true }], preferredLanguage: 'nl', active: true,
    }, 'in')));
    const created = await client.send('POST', '/Users', { ...draft, schemas: [URN_USER, URN_EXT],
      [URN_EXT]: { applications: [{ value: 'TESTAPP' }] } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    let user = Client.user(created.json);
    assert.deepEqual(core(user), { userName: 'sofie.v', externalId: PERSON.niss, active: true, preferredLanguage: 'nl',
      emails: [{ value: 'sofie@example.be', type: 'work' }], name: { familyName: PERSON.last, givenName: PERSON.first } });
    assert.deepEqual(created.json[URN_EXT].applications.map((a) => a.value), ['TESTAPP']);
    let etag = created.etag;

    const found = await client.search(`externalId eq "${PERSON.niss}"`);
    assert.equal(found.totalResults, 1);
    assert.equal(found.Resources[0].id, user.id);

    // Change and deactivate: each PatchOp applied by SCIMMY to its copy and by portier.
    for (const ops of [
      [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'sofie.v@example.be' },
        { op: 'replace', path: 'preferredLanguage', value: 'fr' }],
      [{ op: 'replace', path: 'active', value: false }],
    ]) {
      const patch = new SCIMMY.Messages.PatchOp({ schemas: [URN_PATCH], Operations: ops });
      const expected = await patch.apply(Client.user(JSON.parse(JSON.stringify(user))), (x) => x);
      const r = await client.send('PATCH', `/Users/${user.id}`, patch, { 'If-Match': etag });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.notEqual(r.etag, etag);
      user = Client.user(r.json);
      assert.deepEqual(core(user), core(expected));
      etag = r.etag;
    }
    assert.equal(user.active, false);
    assert.equal(user.emails[0].value, 'sofie.v@example.be');
    assert.equal(query(srv, 'SELECT status FROM account WHERE public_id = ?', [user.id])[0].status, 'suspended');
    // A stale version is refused as SCIMMY would read it: a SCIM error.
    const stale = await client.send('PATCH', `/Users/${user.id}`, new SCIMMY.Messages.PatchOp({ schemas: [URN_PATCH],
      Operations: [{ op: 'replace', path: 'active', value: true }] }), { 'If-Match': created.etag });
    assert.equal(stale.status, 412);
    assert.deepEqual(stale.json.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);

    const del = await client.send('DELETE', `/Users/${user.id}`);
    assert.equal(del.status, 204);
    const gone = await client.send('GET', `/Users/${user.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.status, '404');
    assert.equal((await client.search(`externalId eq "${PERSON.niss}"`)).totalResults, 0);
  });
});
