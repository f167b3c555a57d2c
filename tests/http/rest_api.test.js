// rest_api.test.js — the REST API (issue 19 part 3, docs/api.md) reached with machines'
// access tokens (private_key_jwt): the OpenAPI document validated as OpenAPI 3.1 (part 5),
// every documented operation called and its answer validated against the document's
// schemas (ajv, JSON Schema 2020-12), then the refusals: the policy cells of the
// certificate's registering manager (GAP, GL, co-GL, a co-GL later removed), another
// quality, a revoked certificate, no token, bodies and parameters the document does not
// allow, undocumented methods. SQLite and PostgreSQL (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';

import crypto from 'node:crypto';

import { exec, scalar } from '../lib/db.js';
import { closeFetchConnections } from '../lib/server.js';
import { addAccount, auditEvents } from '../lib/world.js';
import { ASSERTION_TYPE, ORGS, PEOPLE, assertion, assertionKey, makeMachineCA, plainPost,
  registerCert, registerJwks, startMachines } from './machines_lib.js';
import { login } from './uman_lib.js';

const Q = 'health_related';
const BASE = 'https://portier.test/openapi.json';

/** A valid NISS (born 19yy) of birth date yymmdd and counter n. */
function niss(yymmdd, n) {
  const base = `${yymmdd}${String(n).padStart(3, '0')}`;
  return base + String(97 - (Number(base) % 97)).padStart(2, '0');
}

describe('REST API', () => {
  let ca;
  let srv;
  let doc;
  let ajv;
  const tok = {};
  const id = {};
  let key;
  let lukasAccount;

  async function token(clientId) {
    const r = await plainPost(srv, '/oidc/token', { grant_type: 'client_credentials', client_id: clientId,
      client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(key, clientId, srv.url) });
    assert.equal(r.status, 200, r.text);
    return r.json.access_token;
  }

  async function call(method, path, { token: t, body, type = 'application/json', headers = {} } = {}) {
    const h = { ...headers };
    if (t) h.Authorization = `Bearer ${t}`;
    if (body !== undefined) h['Content-Type'] = type;
    const res = await fetch(`${srv.url}${path}`, { method, headers: h,
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)) });
    // The CSV's byte order mark is part of what is checked: decoded as is.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    let json = null;
    try { json = JSON.parse(text); } catch { /* CSV, empty */ }
    return { status: res.status, type: (res.headers.get('content-type') ?? '').split(';')[0].trim(),
      headers: res.headers, text, json };
  }

  /** The document's operation for (method, template) and the answer r checked against it:
   * a documented status, its media type, the body valid for its schema. */
  function conforms(method, template, r) {
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is documented`);
    let resp = op.responses[String(r.status)];
    assert.ok(resp, `${method} ${template}: status ${r.status} is documented (${r.text.slice(0, 200)})`);
    if (resp.$ref) resp = doc.components.responses[resp.$ref.split('/').pop()];
    if (!resp.content) {
      assert.equal(r.text, '', `${method} ${template} ${r.status}: no body`);
      return;
    }
    const media = resp.content[r.type];
    assert.ok(media, `${method} ${template} ${r.status}: content type ${r.type} is documented`);
    const schema = media.schema.$ref ? { $ref: BASE + media.schema.$ref } : media.schema;
    const validate = ajv.compile(schema);
    const value = r.type === 'text/csv' ? r.text : r.json;
    assert.ok(validate(value), `${method} ${template} ${r.status}: ${JSON.stringify(validate.errors)} in ${r.text.slice(0, 300)}`);
  }

  before(async () => {
    ca = makeMachineCA(['gap', 'gl', 'cogl', 'revoked', 'medi']);
    srv = await startMachines(ca);
    lukasAccount = addAccount(srv, { org: ORGS.pharma.id, quality: ORGS.pharma.quality ?? scalar(srv,
      "SELECT id FROM org_quality WHERE org_id = ? AND quality = 'health_related'", [ORGS.pharma.id]),
    niss: PEOPLE.lukas.niss, username: 'lukas', email: 'lukas@example.be', type: 'COGL', apps: ['TESTAPP'] });
    const c = ca.certs;
    const apps = ['TESTAPP', 'TESTONE'];
    // The GAP's machine has a client id starting with a person's id (hex may start with
    // digits): the audit trail names it as itself, never as that person.
    id.gap = registerCert(srv, c.gap, { org: ORGS.pharma.id, apps, by: PEOPLE.jan.id,
      id: `${PEOPLE.claire.id}f${crypto.randomBytes(15).toString('hex')}` });
    id.gl = registerCert(srv, c.gl, { org: ORGS.pharma.id, apps: ['TESTAPP'], by: PEOPLE.claire.id });
    id.cogl = registerCert(srv, c.cogl, { org: ORGS.pharma.id, apps, by: PEOPLE.lukas.id });
    id.revoked = registerCert(srv, c.revoked, { org: ORGS.pharma.id, apps, by: PEOPLE.jan.id });
    key = assertionKey('ES256');
    for (const k of Object.keys(id)) {
      registerJwks(srv, id[k], [key]);
      tok[k] = await token(id[k]);
    }
    doc = (await call('GET', '/api/openapi.json')).json;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: BASE });
  });

  after(async () => {
    await closeFetchConnections();
    await srv?.stop();
    ca?.remove();
  });

  it('serves an OpenAPI 3.1 document that validates, with this instance\'s addresses', async () => {
    const r = await call('GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/json');
    assert.equal(r.json.openapi, '3.1.0');
    const res = await new Validator().validate(r.json);
    assert.equal(res.valid, true, JSON.stringify(res.errors));
    assert.deepEqual(r.json.servers, [{ url: srv.url }]);
    assert.equal(r.json.components.securitySchemes.machine.flows.clientCredentials.tokenUrl, `${srv.url}/oidc/token`);
    // Every request and answer schema is closed.
    for (const [name, s] of Object.entries(r.json.components.schemas)) {
      if (s.type === 'object' && name !== 'Problem') assert.equal(s.additionalProperties, false, name);
    }
  });

  it('answers every documented operation as the document says (the GAP\'s machine)', async () => {
    let created;
    const walked = [];
    // POST before DELETE: the removal takes the co-manager the designation made.
    const ops = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'delete']) if (item[method]) ops.push([template, method]);
    }
    ops.sort((a, b) => (a[1] === 'delete') - (b[1] === 'delete'));
    for (const [template, method] of ops) {
      const path = template.replace('{code}', Q).replace('{id}', () => String(created));
      const body = method === 'post' ? { niss: niss('750101', 11), username: 'api.cogl', email: 'api.cogl@example.be',
        last_name: 'Api', first_name: 'Cogl', language: 'nl', applications: ['TESTAPP'] } : undefined;
      const r = await call(method.toUpperCase(), path, { token: tok.gap, body });
      conforms(method, template, r);
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
      if (method === 'post') {
        created = r.json.id;
        assert.equal(r.json.type, 'COGL');
        assert.equal(r.headers.get('location'), `/api/v1/qualities/${Q}/managers/${created}`);
      }
      walked.push(`${method} ${template}`);
    }
    assert.equal(walked.length, 9, walked.join(', '));
    // What the walk read and changed, checked against the store.
    assert.equal(scalar(srv, "SELECT count(*) FROM quality_member m JOIN account a ON a.id = m.account_id "
      + "WHERE a.username = 'api.cogl'"), 0, 'the designated co-manager was removed again');
    const add = auditEvents(srv, ['user.add']).filter((e) => e.actor_role?.includes(`via machine:${id.gap}`));
    assert.ok(add.length >= 1, 'the designation is audited as the GAP via the machine');
  });

  it('reads the organisation, its managers without NISS, and the qualities', async () => {
    const o = await call('GET', '/api/v1/organisation', { token: tok.gap });
    assert.equal(o.json.enterprise_number, ORGS.pharma.enterprise);
    assert.equal(o.json.name, ORGS.pharma.name);
    assert.deepEqual(o.json.managers.map((m) => [m.role, m.last_name]), [['GAP', PEOPLE.jan.last]]);
    assert.ok(!o.text.includes(PEOPLE.jan.niss), 'no NISS in the answer');
    const q = await call('GET', '/api/v1/qualities', { token: tok.gap });
    assert.deepEqual(q.json.qualities.map((x) => [x.code, x.email]), [[Q, 'q@example.be']]);
    const m = await call('GET', `/api/v1/qualities/${Q}/managers`, { token: tok.gap });
    assert.deepEqual(m.json.managers.map((x) => [x.type, x.username]), [['GL', 'claire'], ['COGL', 'lukas']]);
    const csv = await call('GET', `/api/v1/qualities/${Q}/users.csv?sep=,`, { token: tok.gap });
    assert.equal(csv.status, 200);
    assert.ok(csv.text.startsWith('\ufeff'), 'the export starts with the BOM');
    assert.ok(csv.text.includes('lukas') && csv.text.includes('claire'));
  });

  it('pages the audit trail by sequence', async () => {
    const all = (await call('GET', '/api/v1/audit?limit=200', { token: tok.gap })).json;
    assert.ok(all.events.length >= 3);
    const seqs = all.events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'oldest first');
    const p1 = (await call('GET', '/api/v1/audit?limit=2', { token: tok.gap })).json;
    assert.equal(p1.events.length, 2);
    assert.equal(p1.more, true);
    const p2 = (await call('GET', `/api/v1/audit?limit=2&after=${p1.next_after}`, { token: tok.gap })).json;
    assert.deepEqual([...p1.events, ...p2.events].map((e) => e.seq), seqs.slice(0, 4));
    // The machine's own events (its token issued) name the machine, not a person whose id
    // its client id starts with.
    const issued = all.events.filter((e) => e.actor === id.gap);
    assert.ok(issued.length >= 1, 'the token issue is in the trail');
    for (const e of issued) assert.equal(e.actor_name, undefined, JSON.stringify(e));
    const last = (await call('GET', `/api/v1/audit?after=${seqs.at(-1)}`, { token: tok.gap })).json;
    assert.deepEqual(last.events, []);
    assert.equal(last.more, false);
    assert.equal(last.next_after, seqs.at(-1), 'an empty page keeps the place');
  });

  it('shows the pages\' audit trail with the machine\'s events in it', async () => {
    const c = await login(srv, PEOPLE.jan.user);
    const page = await c.get(`/acces/${ORGS.pharma.id}/journal`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(id.gap), 'the machine is named in the trail');
  });

  it('decides as the pages do for the machine of a GL and of a co-GL', async () => {
    const denied = () => auditEvents(srv, ['access.denied']).length;
    let before = denied();
    // GL: the quality, its managers, its own trail and export; not the organisation.
    for (const p of [`/api/v1/qualities/${Q}`, `/api/v1/qualities/${Q}/managers`,
      `/api/v1/audit?quality=${Q}`, `/api/v1/qualities/${Q}/users.csv`]) {
      const r = await call('GET', p, { token: tok.gl });
      assert.equal(r.status, 200, `${p}: ${r.text}`);
    }
    for (const [p, t] of [['/api/v1/organisation', '/api/v1/organisation'], ['/api/v1/qualities', '/api/v1/qualities'],
      ['/api/v1/audit', '/api/v1/audit']]) {
      const r = await call('GET', p, { token: tok.gl });
      assert.equal(r.status, 403, p);
      conforms('get', t, r);
    }
    assert.equal(denied(), before + 3, 'each refusal is audited');
    // The GL designates a co-GL (only TESTAPP is in its token's scope).
    const outside = await call('POST', `/api/v1/qualities/${Q}/managers`, { token: tok.gl,
      body: { niss: niss('750101', 22), username: 'gl.cogl', email: 'x@example.be', last_name: 'X', first_name: 'Y', language: 'fr', applications: ['TESTONE'] } });
    assert.equal(outside.status, 403);
    assert.match(outside.headers.get('www-authenticate'), /insufficient_scope/);
    const byGl = await call('POST', `/api/v1/qualities/${Q}/managers`, { token: tok.gl,
      body: { niss: niss('750101', 22), username: 'gl.cogl', email: 'x@example.be', last_name: 'X', first_name: 'Y', language: 'fr', applications: ['TESTAPP'] } });
    assert.equal(byGl.status, 201, byGl.text);
    // A co-GL may not designate co-GLs: refused, audited, nothing added.
    before = denied();
    const byCogl = await call('POST', `/api/v1/qualities/${Q}/managers`, { token: tok.cogl,
      body: { niss: niss('750101', 33), username: 'cogl.cogl', email: 'z@example.be', last_name: 'Z', first_name: 'Z', language: 'de' } });
    assert.equal(byCogl.status, 403, byCogl.text);
    conforms('post', '/api/v1/qualities/{code}/managers', byCogl);
    assert.equal(denied(), before + 1);
    assert.equal(scalar(srv, "SELECT count(*) FROM account WHERE username = 'cogl.cogl'"), 0);
    // … nor remove one.
    const rm = await call('DELETE', `/api/v1/qualities/${Q}/managers/${byGl.json.id}`, { token: tok.cogl });
    assert.equal(rm.status, 403);
    // The GL is not removed through the API.
    const gl = await call('DELETE', `/api/v1/qualities/${Q}/managers/${(await call('GET', `/api/v1/qualities/${Q}/managers`, { token: tok.gap })).json.managers[0].id}`, { token: tok.gap });
    assert.equal(gl.status, 409);
    conforms('delete', '/api/v1/qualities/{code}/managers/{id}', gl);
    // The co-GL's machine exports; once the co-GL is removed, their machine's rights go with them.
    assert.equal((await call('GET', `/api/v1/qualities/${Q}/users.csv`, { token: tok.cogl })).status, 200);
    assert.equal((await call('DELETE', `/api/v1/qualities/${Q}/managers/${lukasAccount}`, { token: tok.gap })).status, 204);
    for (const p of [`/api/v1/qualities/${Q}/users.csv`, `/api/v1/qualities/${Q}/managers`]) {
      const r = await call('GET', p, { token: tok.cogl });
      assert.equal(r.status, 403, `${p} after the removal: ${r.text}`);
    }
  });

  it('refuses another quality, a revoked certificate and a missing or unknown token', async () => {
    const other = await call('GET', '/api/v1/qualities/pharmacist/managers', { token: tok.gap });
    assert.equal(other.status, 403);
    assert.match(other.headers.get('www-authenticate'), /error="insufficient_scope"/);
    conforms('get', '/api/v1/qualities/{code}/managers', other);
    const otherAudit = await call('GET', '/api/v1/audit?quality=pharmacist', { token: tok.gap });
    assert.equal(otherAudit.status, 403);
    exec(srv, "UPDATE system_cert SET status = 'revoked', revoked_at = ? WHERE public_id = ?",
      [new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), id.revoked]);
    const revoked = await call('GET', '/api/v1/organisation', { token: tok.revoked });
    assert.equal(revoked.status, 401);
    assert.match(revoked.headers.get('www-authenticate'), /invalid_token/);
    conforms('get', '/api/v1/organisation', revoked);
    for (const t of [undefined, 'not-a-token']) {
      const r = await call('GET', '/api/v1/organisation', { token: t });
      assert.equal(r.status, 401);
      assert.equal(r.type, 'application/problem+json');
    }
  });

  it('refuses what the document does not allow, changing nothing', async () => {
    const members = () => scalar(srv, 'SELECT count(*) FROM quality_member');
    const n = members();
    const path = `/api/v1/qualities/${Q}/managers`;
    const good = { niss: niss('750101', 44), username: 'bad.body', email: 'b@example.be', last_name: 'B', first_name: 'B', language: 'en' };
    const cases = [
      ['unknown member', { ...good, role: 'GAP' }, 400],
      ['wrong type', { ...good, niss: 75010104433 }, 400],
      ['applications not an array', { ...good, applications: 'TESTAPP' }, 400],
      ['missing niss', { username: 'x.y', email: 'b@example.be', language: 'fr' }, 400],
      ['missing language', { ...good, language: undefined }, 400],
      ['not an object', '[1,2]', 400],
      ['not JSON', '{"niss":', 400],
      ['duplicate member', '{"niss":"1","niss":"2","username":"a","email":"b","language":"fr"}', 400],
      ['NISS not 11 digits', { ...good, niss: '7501010443' }, 400],
      ['language outside the list', { ...good, language: 'es' }, 400],
      ['user name too short', { ...good, username: 'ab' }, 400],
      ['application code too long', { ...good, applications: ['A'.repeat(33)] }, 400],
      ['NISS of a wrong check digit', { ...good, niss: '12345678901' }, 422],
      ['application not of the quality', { ...good, applications: ['NOPE'] }, 403],
    ];
    for (const [what, body, status] of cases) {
      const r = await call('POST', path, { token: tok.gap, body });
      assert.equal(r.status, status, `${what}: ${r.text}`);
      conforms('post', '/api/v1/qualities/{code}/managers', r);
    }
    const form = await call('POST', path, { token: tok.gap, body: 'niss=1', type: 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    conforms('post', '/api/v1/qualities/{code}/managers', form);
    for (const p of ['/api/v1/organisation?x=1', '/api/v1/audit?after=1&after=2', '/api/v1/audit?limit=0',
      '/api/v1/audit?after=-1', `/api/v1/qualities/${Q}/users.csv?sep=tab`, `/api/v1/qualities/${Q}?niss=1`]) {
      const r = await call('GET', p, { token: tok.gap });
      assert.equal(r.status, 400, p);
      assert.equal(r.type, 'application/problem+json');
    }
    for (const [m, p] of [['PUT', '/api/v1/organisation'], ['DELETE', `/api/v1/qualities/${Q}`],
      ['PATCH', path], ['GET', `${path}/1`], ['POST', '/api/v1/audit']]) {
      const r = await call(m, p, { token: tok.gap });
      assert.equal(r.status, 405, `${m} ${p}`);
      assert.equal(r.type, 'application/problem+json');
      assert.ok(r.headers.get('allow'));
    }
    const unknown = await call('GET', '/api/v1/users', { token: tok.gap });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.type, 'application/problem+json');
    assert.equal(members(), n, 'nothing was added');
  });
});
