// scim.test.js — the SCIM 2.0 service provider (issue 19 part 2, docs/scim.md): a machine's
// token acts for its certificate's quality through the same access services as the pages.
// Users (create from the register, read, filter, .search, PUT, PATCH, suspend, delete),
// Groups = applications (members granted and revoked), ETags, /Bulk, discovery, and every
// refusal: bad input, scope (insufficient_scope), the policy cells of who registered the
// certificate (GL, co-GL, GAP allowed; a suspended manager refused with access.denied and
// nothing changed), another quality's user, revoked certificate and expired token.
// SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exec, query, scalar } from '../lib/db.js';
import { closeFetchConnections, TEST_PG } from '../lib/server.js';
import { psql } from '../lib/pg.js';
import { accounts, addAccount, auditEvents, setAccountStatus } from '../lib/world.js';
import { makeMachineCA } from './machines_lib.js';
import {
  ORGS, PEOPLE, SCIM_JSON, URN_ERROR, URN_EXT, URN_PATCH, URN_USER, machine, makeNiss, scim, seedRegister,
  startScim, tokenOf,
} from './scim_lib.js';

const REG = [
  { niss: makeNiss(82, 4, 5, 11), last: 'Vermeulen', first: 'Ann' },
  { niss: makeNiss(82, 4, 5, 13), last: 'Lejeune', first: 'Marc' },
  { niss: makeNiss(82, 4, 5, 15), last: 'Wouters', first: 'Eva' },
  { niss: makeNiss(82, 4, 5, 17), last: 'Claes', first: 'Tom' },
  { niss: makeNiss(82, 4, 5, 21), last: 'Goossens', first: 'Lien' },
  { niss: makeNiss(82, 4, 5, 23), last: 'Düpont', first: 'Luc' },
  { niss: makeNiss(82, 4, 5, 25), last: 'Maes', first: 'Nina' },
];
const COGL = { niss: makeNiss(70, 1, 1, 31), last: 'Hermans', first: 'Koen' };

const userBody = (p, extra = {}) => ({
  schemas: [URN_USER, URN_EXT], externalId: p.niss, userName: `${p.first}.${p.last}`.toLowerCase(),
  emails: [{ value: `${p.first.toLowerCase()}@example.be`, type: 'work', primary: true }],
  preferredLanguage: 'nl', [URN_EXT]: { applications: [{ value: 'TESTAPP' }] }, ...extra,
});

describe('SCIM 2.0 service provider', () => {
  let ca;
  let srv;
  let gl;       // token of a certificate the GL (Claire) registered: TESTAPP TESTONE
  const m = {};

  const accountRow = (pid) => query(srv, 'SELECT id, status, email, language, username FROM account WHERE public_id = ?', [pid])[0];
  const grants = (pid) => query(srv, 'SELECT g.application FROM app_grant g JOIN account a ON a.id = g.account_id '
    + 'WHERE a.public_id = ? ORDER BY g.application', [pid]).map((r) => r.application);
  const denials = () => auditEvents(srv, ['access.denied']).length;
  const nAccounts = () => Number(scalar(srv, 'SELECT count(*) FROM account'));

  before(async () => {
    ca = makeMachineCA(['gl', 'cogl', 'gap', 'user', 'medi', 'revoked', 'narrow']);
    srv = await startScim(ca);
    seedRegister(srv, [...REG, COGL]);
    const claire = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [PEOPLE.claire.niss]));
    addAccount(srv, { org: ORGS.pharma.id, quality: srv.pharmaQuality, niss: COGL.niss, username: 'koen',
      email: 'koen@example.be', type: 'COGL', apps: ['TESTAPP'] });
    const koen = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [COGL.niss]));
    const marie = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', [PEOPLE.marie.niss]));
    const paul = Number(scalar(srv, 'SELECT id FROM person WHERE niss = ?', ['80010100503']));
    const apps = ['TESTAPP', 'TESTONE'];
    m.gl = machine(srv, ca.certs.gl, { apps, by: claire });
    m.cogl = machine(srv, ca.certs.cogl, { apps, by: koen });
    m.gap = machine(srv, ca.certs.gap, { apps, by: PEOPLE.jan.id });
    m.user = machine(srv, ca.certs.user, { apps, by: marie });
    m.medi = machine(srv, ca.certs.medi, { org: ORGS.medi.id, apps: ['TESTAPP'], by: paul });
    m.revoked = machine(srv, ca.certs.revoked, { apps, by: claire });
    m.narrow = machine(srv, ca.certs.narrow, { apps: ['TESTAPP'], by: claire });
    gl = await tokenOf(srv, m.gl);
  });
  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  describe('discovery', () => {
    it('publishes ServiceProviderConfig, Schemas and ResourceTypes', async () => {
      const c = await scim(srv, null, 'GET', '/ServiceProviderConfig');
      assert.equal(c.status, 200);
      assert.match(c.headers.get('content-type'), /^application\/scim\+json/);
      assert.equal(c.json.patch.supported, true);
      assert.equal(c.json.bulk.maxOperations, 50);
      assert.equal(c.json.bulk.maxPayloadSize, 65536);
      assert.equal(c.json.filter.maxResults, 200);
      assert.equal(c.json.etag.supported, true);
      assert.equal(c.json.authenticationSchemes[0].type, 'oauthbearertoken');
      const s = await scim(srv, null, 'GET', '/Schemas');
      assert.deepEqual(s.json.Resources.map((x) => x.id), [URN_USER, URN_EXT, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
      assert.equal((await scim(srv, null, 'GET', `/Schemas/${URN_EXT}`)).json.attributes[0].name, 'applications');
      assert.equal((await scim(srv, null, 'GET', '/Schemas/urn:nope')).status, 404);
      const t = await scim(srv, null, 'GET', '/ResourceTypes');
      assert.deepEqual(t.json.Resources.map((x) => x.endpoint), ['/Users', '/Groups']);
      assert.equal((await scim(srv, null, 'GET', '/ResourceTypes/User')).json.schemaExtensions[0].schema, URN_EXT);
    });
  });

  describe('authentication', () => {
    it('refuses a request without token, with an unknown one, a revoked certificate or an expired token (401)', async () => {
      const none = await scim(srv, null, 'GET', '/Users');
      assert.equal(none.status, 401);
      assert.deepEqual(none.json.schemas, [URN_ERROR]);
      assert.equal(none.json.status, '401');
      assert.match(none.headers.get('www-authenticate'), /^Bearer/);
      const bad = await scim(srv, 'x'.repeat(43), 'GET', '/Users');
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate'), /error="invalid_token"/);
      const rt = await tokenOf(srv, m.revoked);
      assert.equal((await scim(srv, rt, 'GET', '/Users')).status, 200);
      exec(srv, "UPDATE system_cert SET status = 'revoked', revoked_at = '2026-01-01T00:00:00Z' WHERE public_id = ?;", [m.revoked.id]);
      assert.equal((await scim(srv, rt, 'GET', '/Users')).status, 401);
      const t = await tokenOf(srv, m.narrow);
      assert.equal((await scim(srv, t, 'GET', '/Groups?excludedAttributes=members')).status, 200);
      exec(srv, 'UPDATE oidc_machine_token SET expires_at = 1 WHERE expires_at > 1 AND cert_id = '
        + '(SELECT id FROM system_cert WHERE public_id = ?);', [m.narrow.id]);
      const exp = await scim(srv, t, 'GET', '/Users');
      assert.equal(exp.status, 401);
      assert.match(exp.headers.get('www-authenticate'), /invalid_token/);
    });
  });

  describe('Users', () => {
    let ann;   // the resource created from REG[0]

    it('creates a user from the persons register as the page does (201, id, ETag, Location, audit via the machine)', async () => {
      const n0 = nAccounts();
      const r = await scim(srv, gl, 'POST', '/Users', userBody(REG[0]));
      assert.equal(r.status, 201, r.text);
      ann = r.json;
      assert.match(ann.id, /^[0-9a-f]{32}$/);
      assert.notEqual(ann.id, REG[0].niss);
      assert.equal(ann.externalId, REG[0].niss);
      assert.deepEqual([ann.name.familyName, ann.name.givenName], ['Vermeulen', 'Ann']);
      assert.equal(ann.userName, 'ann.vermeulen');
      assert.equal(ann.emails[0].value, 'ann@example.be');
      assert.equal(ann.preferredLanguage, 'nl');
      assert.equal(ann.active, true);
      assert.deepEqual(ann[URN_EXT].applications.map((a) => a.value), ['TESTAPP']);
      assert.equal(ann[URN_EXT].applications[0].display.length > 0, true);
      assert.equal(ann.meta.resourceType, 'User');
      assert.match(ann.meta.version, /^W\/"\d+"$/);
      assert.equal(r.headers.get('etag'), ann.meta.version);
      assert.equal(r.headers.get('location'), ann.meta.location);
      assert.match(ann.meta.location, new RegExp(`/scim/v2/Users/${ann.id}$`));
      assert.equal(nAccounts(), n0 + 1);
      assert.deepEqual(grants(ann.id), ['TESTAPP']);
      const ev = auditEvents(srv, ['user.*']).at(-1);
      assert.match(JSON.stringify(ev), new RegExp(m.gl.id));
      // The NISS is in no URL and no log line of the server.
      assert.doesNotMatch(ann.meta.location, new RegExp(REG[0].niss));
    });

    it('refuses a duplicate (409 uniqueness), a name the register disagrees with, a missing externalId, bad JSON and types (400), nothing created', async () => {
      const n0 = nAccounts();
      const dup = await scim(srv, gl, 'POST', '/Users', userBody(REG[0]));
      assert.equal(dup.status, 409);
      assert.equal(dup.json.scimType, 'uniqueness');
      const name = await scim(srv, gl, 'POST', '/Users', userBody(REG[1], { name: { familyName: 'Autre', givenName: 'Marc' } }));
      assert.equal(name.status, 400);
      assert.equal(name.json.scimType, 'invalidValue');
      assert.match(name.json.detail, /register/);
      const noNiss = userBody(REG[1]);
      delete noNiss.externalId;
      assert.equal((await scim(srv, gl, 'POST', '/Users', noNiss)).json.scimType, 'invalidValue');
      const syntax = await scim(srv, gl, 'POST', '/Users', '{"schemas": [');
      assert.equal(syntax.status, 400);
      assert.equal(syntax.json.scimType, 'invalidSyntax');
      assert.equal((await scim(srv, gl, 'POST', '/Users', { userName: 'x' })).json.scimType, 'invalidSyntax');
      assert.equal((await scim(srv, gl, 'POST', '/Users', userBody(REG[1], { active: 'yes' }))).json.scimType, 'invalidValue');
      assert.equal((await scim(srv, gl, 'POST', '/Users', userBody(REG[1], { preferredLanguage: 'xx' }))).json.scimType, 'invalidValue');
      const badMail = await scim(srv, gl, 'POST', '/Users', userBody(REG[1], { emails: [{ value: 'not-an-address' }] }));
      assert.equal(badMail.status, 400);
      assert.match(badMail.json.detail, /emails/);
      const badNiss = await scim(srv, gl, 'POST', '/Users', userBody({ ...REG[1], niss: '12345678901' }));
      assert.equal(badNiss.status, 400);
      assert.match(badNiss.json.detail, /externalId/);
      const big = await scim(srv, gl, 'POST', '/Users', JSON.stringify(userBody(REG[1], { pad: 'x'.repeat(70000) })));
      assert.equal(big.status, 413);
      assert.equal(nAccounts(), n0);
    });

    it('refuses a grant outside the token scope (403 insufficient_scope), nothing created', async () => {
      const n0 = nAccounts();
      const r = await scim(srv, gl, 'POST', '/Users', userBody(REG[1], { [URN_EXT]: { applications: [{ value: 'MEDSEIP' }] } }));
      assert.equal(r.status, 403);
      assert.match(r.headers.get('www-authenticate'), /error="insufficient_scope"/);
      assert.match(r.headers.get('www-authenticate'), /scope="MEDSEIP"/);
      assert.equal(nAccounts(), n0);
      // A token asked with a narrower scope: TESTONE is outside it.
      const narrow = await tokenOf(srv, m.gl, 'TESTAPP');
      const r2 = await scim(srv, narrow, 'POST', '/Users', userBody(REG[1], { [URN_EXT]: { applications: [{ value: 'TESTONE' }] } }));
      assert.equal(r2.status, 403);
      assert.equal(nAccounts(), n0);
    });

    it('reads a user by id, with If-None-Match (304) and excludedAttributes', async () => {
      const r = await scim(srv, gl, 'GET', `/Users/${ann.id}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, ann);
      const same = await scim(srv, gl, 'GET', `/Users/${ann.id}`, undefined, { 'If-None-Match': ann.meta.version });
      assert.equal(same.status, 304);
      const ex = await scim(srv, gl, 'GET', `/Users/${ann.id}?excludedAttributes=emails,${URN_EXT}:applications`);
      assert.equal(ex.json.emails, undefined);
      assert.equal(ex.json[URN_EXT], undefined);
      assert.equal(ex.json.userName, 'ann.vermeulen');
      assert.equal((await scim(srv, gl, 'GET', '/Users/0123456789abcdef0123456789abcdef')).status, 404);
      assert.equal((await scim(srv, gl, 'GET', '/Users/nope')).status, 404);
    });

    it('filters, pages and sorts the quality\'s users; refuses externalId in a URL; POST /.search takes it', async () => {
      const eq = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ANN.vermeulen"')}`);
      assert.equal(eq.status, 200);
      assert.equal(eq.json.totalResults, 1);
      assert.equal(eq.json.Resources[0].id, ann.id);
      const all = await scim(srv, gl, 'GET', '/Users');
      const total = all.json.totalResults;
      assert.equal(total >= 5, true);   // claire, jan, marie, koen, ann
      assert.equal(all.json.Resources.every((u) => /^[0-9a-f]{32}$/.test(u.id)), true);
      const page = await scim(srv, gl, 'GET', '/Users?startIndex=2&count=2&sortBy=userName&sortOrder=descending');
      assert.equal(page.json.itemsPerPage, 2);
      assert.equal(page.json.startIndex, 2);
      assert.equal(page.json.totalResults, total);
      const names = all.json.Resources.map((u) => u.userName).sort((a, b) => b.localeCompare(a));
      assert.deepEqual(page.json.Resources.map((u) => u.userName), names.slice(1, 3));
      const sw = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent('name.familyName sw "verm" and active eq true')}`);
      assert.deepEqual(sw.json.Resources.map((u) => u.id), [ann.id]);
      // Case folding beyond ASCII: the register's "Düpont" found by "DÜP" (SQLite's LIKE
      // would not fold Ü; the filter's matching does).
      const mu = await scim(srv, gl, 'POST', '/Users', userBody(REG[5], { userName: 'luc.d' }));
      assert.equal(mu.status, 201, mu.text);
      const umlaut = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent('name.familyName sw "DÜP"')}`);
      assert.deepEqual(umlaut.json.Resources.map((u) => u.id), [mu.json.id]);
      assert.equal((await scim(srv, gl, 'DELETE', `/Users/${mu.json.id}`)).status, 204);
      const mail = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent('emails[type eq "work" and value eq "ann@example.be"]')}`);
      assert.deepEqual(mail.json.Resources.map((u) => u.id), [ann.id]);
      const susp = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent('active eq false')}`);
      assert.deepEqual(susp.json.Resources.map((u) => u.userName), ['marie']);
      const byApp = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent(`${URN_EXT}:applications.value eq "TESTONE"`)}`);
      assert.deepEqual(byApp.json.Resources.map((u) => u.userName), ['jan']);
      const ext = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent(`externalId eq "${REG[0].niss}"`)}`);
      assert.equal(ext.status, 400);
      assert.equal(ext.json.scimType, 'invalidFilter');
      assert.match(ext.json.detail, /\/Users\/\.search/);
      const s = await scim(srv, gl, 'POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `externalId eq "${REG[0].niss}"`, attributes: ['userName'] });
      assert.equal(s.status, 200);
      assert.equal(s.json.totalResults, 1);
      assert.deepEqual(Object.keys(s.json.Resources[0]).sort(), ['id', 'schemas', 'userName']);
      for (const f of ['userName eq', 'userName zz "x"', 'nope eq "x"', 'active eq "yes"', 'x'.repeat(2100)]) {
        const b = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent(f)}`);
        assert.equal(b.status, 400, f);
        assert.equal(b.json.scimType, 'invalidFilter', f);
      }
      assert.equal((await scim(srv, gl, 'GET', '/Users?count=abc')).status, 400);
      assert.equal((await scim(srv, gl, 'GET', '/Users?sortBy=nope')).status, 400);
      assert.equal((await scim(srv, gl, 'GET', '/Users?count=500')).json.itemsPerPage <= 200, true);
    });

    it('replaces e-mail and language (PUT); a stale If-Match is 412 and changes nothing', async () => {
      const body = { ...userBody(REG[0]), emails: [{ value: 'ann.v@example.be', type: 'work' }], preferredLanguage: 'fr' };
      const r = await scim(srv, gl, 'PUT', `/Users/${ann.id}`, body, { 'If-Match': ann.meta.version });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.emails[0].value, 'ann.v@example.be');
      assert.notEqual(r.json.meta.version, ann.meta.version);
      assert.equal(accountRow(ann.id).email, 'ann.v@example.be');
      assert.equal(accountRow(ann.id).language, 'fr');
      const stale = await scim(srv, gl, 'PUT', `/Users/${ann.id}`, { ...body, preferredLanguage: 'de' }, { 'If-Match': ann.meta.version });
      assert.equal(stale.status, 412);
      assert.equal(accountRow(ann.id).language, 'fr');
      const immut = await scim(srv, gl, 'PUT', `/Users/${ann.id}`, { ...body, externalId: REG[1].niss });
      assert.equal(immut.status, 400);
      assert.equal(immut.json.scimType, 'mutability');
      ann = r.json;
    });

    it('PATCH: suspends and reactivates as the page does, grants and revokes within the scope', async () => {
      const off = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }] });
      assert.equal(off.status, 200, off.text);
      assert.equal(off.json.active, false);
      assert.equal(accountRow(ann.id).status, 'suspended');
      // Without path (as Azure AD sends it), value an object.
      const on = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'Replace', value: { active: true } }] });
      assert.equal(on.json.active, true);
      assert.equal(accountRow(ann.id).status, 'active');
      const add = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'add', path: `${URN_EXT}:applications`, value: [{ value: 'TESTONE' }] }] });
      assert.equal(add.status, 200, add.text);
      assert.deepEqual(grants(ann.id), ['TESTAPP', 'TESTONE']);
      const rm = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'remove', path: 'applications[value eq "TESTAPP"]' }] });
      assert.equal(rm.status, 200, rm.text);
      assert.deepEqual(grants(ann.id), ['TESTONE']);
      const mail = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'ann.w@example.be' }] });
      assert.equal(mail.json.emails[0].value, 'ann.w@example.be');
      const scope = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'add', path: `${URN_EXT}:applications`, value: [{ value: 'MEDSEIP' }] }] });
      assert.equal(scope.status, 403);
      assert.match(scope.headers.get('www-authenticate'), /insufficient_scope/);
      assert.deepEqual(grants(ann.id), ['TESTONE']);
      ann = mail.json;
    });

    it('a change and a suspension asked together are one transaction: both, or neither', async () => {
      const events = (pid) => auditEvents(srv, ['user.update', 'user.suspend', 'user.reactivate'])
        .filter((e) => e.details?.account === accountRow(pid).id).map((e) => e.action);
      const both = [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'ann.both@example.be' },
        { op: 'replace', path: 'active', value: false }];
      const e0 = events(ann.id).length;
      const r = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH], Operations: both });
      assert.equal(r.status, 200, r.text);
      assert.equal(accountRow(ann.id).email, 'ann.both@example.be');
      assert.equal(accountRow(ann.id).status, 'suspended');
      assert.deepEqual(events(ann.id).slice(e0), ['user.update', 'user.suspend']);
      // The answer's version is the account's after both writes: it is current.
      const again = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: true }] }, { 'If-Match': r.json.meta.version });
      assert.equal(again.status, 200, again.text);
      assert.equal(accountRow(ann.id).status, 'active');
      // The manager's own account: the suspension is refused, and so is the change with it.
      const self = query(srv, 'SELECT a.public_id FROM account a JOIN person p ON p.id = a.person_id '
        + 'WHERE p.niss = ? AND a.org_id = ?', [PEOPLE.claire.niss, ORGS.pharma.id])[0].public_id;
      const before = accountRow(self);
      const no = await scim(srv, gl, 'PATCH', `/Users/${self}`, { schemas: [URN_PATCH], Operations: [
        { op: 'replace', path: 'preferredLanguage', value: before.language === 'de' ? 'en' : 'de' },
        { op: 'replace', path: 'active', value: false }] });
      assert.equal(no.status, 400, no.text);
      assert.deepEqual(accountRow(self), before);
      // Created suspended: one creation, suspended in it (no active moment in between).
      const n = await scim(srv, gl, 'POST', '/Users', userBody(REG[6], { active: false }));
      assert.equal(n.status, 201, n.text);
      assert.equal(n.json.active, false);
      assert.equal(accountRow(n.json.id).status, 'suspended');
      assert.deepEqual(events(n.json.id), ['user.suspend']);
    });

    it('PATCH refusals: syntax, path, noTarget, mutability, stale version; nothing changed', async () => {
      const before = accountRow(ann.id);
      const cases = [
        [{ Operations: [{ op: 'add', path: 'userName', value: 'x' }] }, 'invalidSyntax'],
        [{ schemas: [URN_PATCH], Operations: [] }, 'invalidSyntax'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'move', path: 'userName', value: 'x' }] }, 'invalidSyntax'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'replace', path: 'nope', value: 'x' }] }, 'invalidPath'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'remove' }] }, 'noTarget'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'remove', path: 'applications[value eq "NOPE"]' }] }, 'noTarget'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'replace', path: 'externalId', value: REG[2].niss }] }, 'mutability'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'replace', path: 'name.familyName', value: 'Autre' }] }, 'mutability'],
        [{ schemas: [URN_PATCH], Operations: [{ op: 'remove', path: 'userName' }] }, 'invalidValue'],
        [{ schemas: [URN_PATCH], Operations: Array.from({ length: 101 }, () => ({ op: 'replace', path: 'active', value: true })) }, 'tooMany'],
      ];
      for (const [body, type] of cases) {
        const r = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, body);
        assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
        assert.equal(r.json.scimType, type, JSON.stringify(body).slice(0, 80));
      }
      const stale = await scim(srv, gl, 'PATCH', `/Users/${ann.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }] }, { 'If-Match': 'W/"1"' });
      assert.equal(stale.status, 412);
      assert.deepEqual(accountRow(ann.id), before);
    });

    it('Groups are the quality\'s applications: members granted and revoked by PATCH, within the scope', async () => {
      const list = await scim(srv, gl, 'GET', '/Groups');
      assert.equal(list.status, 200);
      const testone = list.json.Resources.find((g) => g.id === 'TESTONE');
      assert.ok(testone.displayName);
      assert.deepEqual(testone.members.map((x) => x.value).sort(), [ann.id, accountPid(PEOPLE.jan.niss)].sort());
      const ex = await scim(srv, gl, 'GET', '/Groups/TESTAPP?excludedAttributes=members');
      assert.equal(ex.json.members, undefined);
      const f = await scim(srv, gl, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "Application unique"')}&excludedAttributes=members`);
      assert.deepEqual(f.json.Resources.map((g) => g.id), ['TESTONE']);
      const add = await scim(srv, gl, 'PATCH', '/Groups/TESTAPP', { schemas: [URN_PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: ann.id }] }] });
      assert.equal(add.status, 200, add.text);
      assert.deepEqual(grants(ann.id), ['TESTAPP', 'TESTONE']);
      const rm = await scim(srv, gl, 'PATCH', '/Groups/TESTONE', { schemas: [URN_PATCH],
        Operations: [{ op: 'remove', path: `members[value eq "${ann.id}"]` }] });
      assert.equal(rm.status, 200, rm.text);
      assert.deepEqual(grants(ann.id), ['TESTAPP']);
      const scope = await scim(srv, gl, 'PATCH', '/Groups/MEDSEIP', { schemas: [URN_PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: ann.id }] }] });
      assert.equal(scope.status, 403);
      assert.match(scope.headers.get('www-authenticate'), /insufficient_scope/);
      const unknown = await scim(srv, gl, 'PATCH', '/Groups/TESTONE', { schemas: [URN_PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: ann.id }, { value: '0123456789abcdef0123456789abcdef' }] }] });
      assert.equal(unknown.status, 400);
      assert.deepEqual(grants(ann.id), ['TESTAPP']);
      // PUT replaces the members. Jan is the GAP: the GL's machine may not change his grants,
      // so a PUT leaving him out is refused and the grant given to Ann before is undone.
      const janPid = accountPid(PEOPLE.jan.niss);
      const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
      const d0 = auditEvents(srv, ['access.denied']).length;
      const refused = await scim(srv, gl, 'PUT', '/Groups/TESTONE', { schemas: [GROUP], displayName: testone.displayName,
        members: [{ value: ann.id }] });
      assert.equal(refused.status, 403, refused.text);
      assert.equal(auditEvents(srv, ['access.denied']).length, d0 + 1);
      assert.deepEqual(grants(ann.id), ['TESTAPP']);
      assert.equal(grants(janPid).includes('TESTONE'), true);
      const put = await scim(srv, gl, 'PUT', '/Groups/TESTONE', { schemas: [GROUP], displayName: testone.displayName,
        members: [{ value: janPid }, { value: ann.id }] });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.json.members.map((x) => x.value).sort(), [ann.id, janPid].sort());
      assert.deepEqual(grants(ann.id), ['TESTAPP', 'TESTONE']);
      const back = await scim(srv, gl, 'PUT', '/Groups/TESTONE', { schemas: [GROUP], members: [{ value: janPid }] });
      assert.equal(back.status, 200, back.text);
      assert.deepEqual(grants(ann.id), ['TESTAPP']);
      assert.equal(grants(janPid).includes('TESTONE'), true);
      assert.equal((await scim(srv, gl, 'PUT', '/Groups/TESTONE', { members: [] })).json.scimType, 'invalidSyntax');
      const rename = await scim(srv, gl, 'PATCH', '/Groups/TESTONE', { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] });
      assert.equal(rename.json.scimType, 'mutability');
      assert.equal((await scim(srv, gl, 'GET', '/Groups/NOPE')).status, 404);
    });

    it('/Bulk: creates and changes with bulkId references; failOnErrors; more than maxOperations is 413', async () => {
      const r = await scim(srv, gl, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        failOnErrors: 1, Operations: [
          { method: 'POST', path: '/Users', bulkId: 'eva', data: userBody(REG[2]) },
          { method: 'PATCH', path: '/Users/bulkId:eva', data: { schemas: [URN_PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } },
          { method: 'PATCH', path: '/Groups/TESTONE', data: { schemas: [URN_PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:eva' }] }] } },
          { method: 'DELETE', path: '/Users/0123456789abcdef0123456789abcdef' },
          { method: 'POST', path: '/Users', bulkId: 'never', data: userBody(REG[3]) },
        ] });
      assert.equal(r.status, 200, r.text);
      const ops = r.json.Operations;
      assert.deepEqual(ops.map((o) => o.status), ['201', '200', '200', '404']);
      const eva = ops[0].location.split('/').at(-1);
      assert.equal(accountRow(eva).status, 'suspended');
      assert.deepEqual(grants(eva), ['TESTAPP', 'TESTONE']);
      assert.equal(Number(scalar(srv, 'SELECT count(*) FROM person WHERE niss = ?', [REG[3].niss])), 0);
      const many = await scim(srv, gl, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: Array.from({ length: 51 }, () => ({ method: 'DELETE', path: '/Users/x' })) });
      assert.equal(many.status, 413);
      const unres = await scim(srv, gl, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [{ method: 'PATCH', path: '/Users/bulkId:nope', data: { schemas: [URN_PATCH], Operations: [] } }] });
      assert.equal(unres.json.Operations[0].status, '409');
    });

    it('DELETE removes the user from the quality as the page does (204, then 404); a stale If-Match is 412', async () => {
      const stale = await scim(srv, gl, 'DELETE', `/Users/${ann.id}`, undefined, { 'If-Match': 'W/"1"' });
      assert.equal(stale.status, 412);
      assert.ok(accountRow(ann.id));
      const r = await scim(srv, gl, 'DELETE', `/Users/${ann.id}`);
      assert.equal(r.status, 204);
      assert.equal(accountRow(ann.id), undefined);
      assert.equal((await scim(srv, gl, 'GET', `/Users/${ann.id}`)).status, 404);
      assert.equal((await scim(srv, gl, 'DELETE', `/Users/${ann.id}`)).status, 404);
    });
  });

  describe('paging beyond one page of the users list', () => {
    it('startIndex and count across 200-row pages give the same users as the pages, totalResults exact', async () => {
      const n = 230;
      const people = Array.from({ length: n }, (_, i) => `('${makeNiss(60, 1 + (i % 12), 1 + (i % 28), 100 + i)}', 'Bulk${String(i).padStart(3, '0')}', 'P', '2026-01-01T00:00:00Z')`);
      exec(srv, `INSERT INTO person(niss, last_name, first_name, created_at) VALUES ${people.join(', ')};`);
      exec(srv, `INSERT INTO account(org_id, person_id, username, email, created_at, modified_at) SELECT ${ORGS.pharma.id}, id, `
        + `'bulk' || id, 'bulk' || id || '@example.be', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM person WHERE last_name LIKE 'Bulk%';`);
      exec(srv, `INSERT INTO quality_member(org_quality_id, account_id, type, since) SELECT ${srv.pharmaQuality}, a.id, 'USER', '2026-01-01T00:00:00Z' `
        + `FROM account a JOIN person p ON p.id = a.person_id WHERE p.last_name LIKE 'Bulk%';`);
      const p1 = await scim(srv, gl, 'GET', '/Users?startIndex=1&count=200');
      const p2 = await scim(srv, gl, 'GET', '/Users?startIndex=201&count=200');
      const total = p1.json.totalResults;
      assert.equal(total >= n, true);
      assert.equal(p1.json.itemsPerPage, 200);
      assert.equal(p2.json.itemsPerPage, total - 200);
      const all = [...p1.json.Resources, ...p2.json.Resources].map((u) => u.id);
      assert.equal(new Set(all).size, total);
      const mid = await scim(srv, gl, 'GET', '/Users?startIndex=195&count=10');
      assert.deepEqual(mid.json.Resources.map((u) => u.id), all.slice(194, 204));
      assert.equal(mid.json.totalResults, total);
      const none = await scim(srv, gl, 'GET', '/Users?count=0');
      assert.deepEqual([none.json.totalResults, none.json.itemsPerPage, none.json.Resources.length], [total, 0, 0]);
      const beyond = await scim(srv, gl, 'GET', `/Users?startIndex=${total + 5}`);
      assert.deepEqual([beyond.json.totalResults, beyond.json.Resources.length], [total, 0]);
      // The filtered path pages the same way.
      const f = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent('name.familyName sw "Bulk"')}&startIndex=195&count=10&sortBy=name.familyName`);
      assert.equal(f.json.totalResults, n);
      assert.deepEqual(f.json.Resources.map((u) => u.name.familyName), Array.from({ length: 10 }, (_, i) => `Bulk${194 + i}`));
    });

    it('a filter that is only a prefix (paged by the search) answers as the same filter with a condition more (matched in C)', async () => {
      // `X sw "v"` alone is paged in the store; `X sw "v" and X sw "<shorter>"` selects the
      // same users but goes the whole-read way: both answers must be identical, page by page.
      const pairs = [
        ['name.familyName sw "bUlK1"', 'name.familyName sw "bUlK1" and name.familyName sw "b"'],
        ['userName sw "BULK"', 'userName sw "BULK" and userName sw "bu"'],
        ['name.familyName sw "Bulk%"', 'name.familyName sw "Bulk%" and name.familyName sw "B"'],
        ['name.familyName sw "Bulk_0"', 'name.familyName sw "Bulk_0" and name.familyName sw "B"'],
      ];
      const windows = ['startIndex=1&count=200', 'startIndex=195&count=10', 'startIndex=201&count=200',
        'startIndex=90&count=25', 'count=0', 'startIndex=1000&count=5'];
      let seen = 0;
      for (const [fast, slow] of pairs) {
        for (const w of windows) {
          const a = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent(fast)}&${w}`);
          const b = await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent(slow)}&${w}`);
          assert.equal(a.status, 200, a.text);
          assert.equal(b.status, 200, b.text);
          assert.deepEqual(a.json, b.json, `${fast} / ${w}`);
          seen += a.json.Resources.length;
        }
      }
      assert.equal(seen > 300, true);
      // The exact counts: 100 of Bulk1xx, 230 + the other "bulk…" user names, no "Bulk%" or "Bulk_0" (escaped).
      const counts = [];
      for (const [fast] of pairs)
        counts.push((await scim(srv, gl, 'GET', `/Users?filter=${encodeURIComponent(fast)}&count=0`)).json.totalResults);
      assert.equal(counts[0], 100);
      assert.equal(counts[1] >= 230, true);
      assert.deepEqual(counts.slice(2), [0, 0]);
    });

    it('PostgreSQL: the searches\' case-insensitive prefixes (store/dialect.h SQL_ILIKE) read an index (migration 039)', { skip: !TEST_PG }, async () => {
      // With sequential scans priced out, a predicate no index serves (ILIKE) still plans a Seq Scan.
      const nodes = (p) => [`${p['Node Type']} ${p['Index Name'] ?? ''}`, ...(p.Plans ?? []).flatMap(nodes)];
      const plan = (sql) => nodes(JSON.parse(psql(srv.db, `ANALYZE person; ANALYZE account; SET enable_seqscan = off; EXPLAIN (FORMAT JSON) ${sql};`))[0].Plan);
      const last = plan(`SELECT p.id FROM person p WHERE lower(p.last_name) LIKE lower('bulk1%') ESCAPE '\\'`);
      const user = plan(`SELECT a.id FROM account a WHERE a.org_id = ${ORGS.pharma.id} AND lower(a.username) LIKE lower('BULK1%') ESCAPE '\\'`);
      assert.equal(last.some((n) => n.includes('person_last_name_prefix')), true, last.join(', '));
      assert.equal(user.some((n) => n.includes('account_username_prefix')), true, user.join(', '));
    });
  });

  function accountPid(niss) {
    return scalar(srv, 'SELECT a.public_id FROM account a JOIN person p ON p.id = a.person_id '
      + 'WHERE p.niss = ? AND a.org_id = ?', [niss, ORGS.pharma.id]);
  }

  describe('policy: who registered the certificate', () => {
    it('a co-GL\'s and the GAP\'s certificates act; a USER\'s is refused (403, access.denied, nothing changed)', async () => {
      const cogl = await tokenOf(srv, m.cogl);
      const r = await scim(srv, cogl, 'POST', '/Users', userBody(REG[3]));
      assert.equal(r.status, 201, r.text);
      const gap = await tokenOf(srv, m.gap);
      const r2 = await scim(srv, gap, 'PATCH', `/Users/${r.json.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'preferredLanguage', value: 'de' }] });
      assert.equal(r2.status, 200, r2.text);
      assert.equal(accountRow(r.json.id).language, 'de');
      const user = await tokenOf(srv, m.user);
      const d0 = denials();
      const n0 = nAccounts();
      const list = await scim(srv, user, 'GET', '/Users');
      assert.equal(list.status, 403);
      assert.deepEqual(list.json.schemas, [URN_ERROR]);
      const c = await scim(srv, user, 'POST', '/Users', userBody(REG[4]));
      assert.equal(c.status, 403);
      const p = await scim(srv, user, 'PATCH', `/Users/${r.json.id}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }] });
      assert.equal(p.status, 403);
      assert.equal(accountRow(r.json.id).status, 'active');
      assert.equal(nAccounts(), n0);
      assert.equal(denials() >= d0 + 3, true);
    });

    it('the registering co-GL suspended: their machine is refused (403) and changes nothing', async () => {
      const cogl = await tokenOf(srv, m.cogl);
      const koen = accounts(srv, { org: ORGS.pharma.id, quality: srv.pharmaQuality }).find((a) => a.username === 'koen');
      setAccountStatus(srv, { org: ORGS.pharma.id, quality: srv.pharmaQuality, account: koen.account, suspend: true });
      const d0 = denials();
      const n0 = nAccounts();
      const c = await scim(srv, cogl, 'POST', '/Users', userBody(REG[4]));
      assert.equal(c.status, 403, c.text);
      assert.equal(nAccounts(), n0);
      assert.equal(denials() > d0, true);
      const ev = auditEvents(srv, ['access.denied']).at(-1);
      assert.match(JSON.stringify(ev), new RegExp(m.cogl.id));
      setAccountStatus(srv, { org: ORGS.pharma.id, quality: srv.pharmaQuality, account: koen.account, suspend: false });
    });

    it('the registering co-GL removed from the quality: their machine is refused (403), nothing changed', async () => {
      const cogl = await tokenOf(srv, m.cogl);
      assert.equal((await scim(srv, cogl, 'GET', '/Users?count=1')).status, 200);
      const koen = accounts(srv, { org: ORGS.pharma.id, quality: srv.pharmaQuality }).find((a) => a.username === 'koen');
      // As the page's removal leaves it: no membership, no grants.
      exec(srv, 'DELETE FROM app_grant WHERE account_id = ?;', [koen.account]);
      exec(srv, 'DELETE FROM quality_member WHERE account_id = ?;', [koen.account]);
      const d0 = denials();
      const n0 = nAccounts();
      assert.equal((await scim(srv, cogl, 'GET', '/Users')).status, 403);
      const c = await scim(srv, cogl, 'POST', '/Users', userBody(REG[4]));
      assert.equal(c.status, 403, c.text);
      assert.equal(nAccounts(), n0);
      assert.equal(denials() >= d0 + 2, true);
    });

    it('a token of quality A never reaches a user of quality B (404), nor lists them', async () => {
      const medi = await tokenOf(srv, m.medi);
      const janPharma = accountPid(PEOPLE.jan.niss);
      assert.equal((await scim(srv, medi, 'GET', `/Users/${janPharma}`)).status, 404);
      assert.equal((await scim(srv, medi, 'DELETE', `/Users/${janPharma}`)).status, 404);
      assert.equal((await scim(srv, medi, 'PATCH', `/Users/${janPharma}`, { schemas: [URN_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }] })).status, 404);
      const list = await scim(srv, medi, 'GET', '/Users');
      assert.equal(list.status, 200);
      assert.equal(list.json.Resources.some((u) => u.id === janPharma), false);
      const janMedi = scalar(srv, 'SELECT a.public_id FROM account a JOIN person p ON p.id = a.person_id '
        + 'WHERE p.niss = ? AND a.org_id = ?', [PEOPLE.jan.niss, ORGS.medi.id]);
      assert.equal((await scim(srv, gl, 'GET', `/Users/${janMedi}`)).status, 404);
      assert.equal(SCIM_JSON, 'application/scim+json');
    });
  });
});
