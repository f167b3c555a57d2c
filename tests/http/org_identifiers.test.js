// org_identifiers.test.js — organisations without an enterprise number (issue 16, part 5)
// against a real server: the exception request of case no_number with an INAMI/RIZIV
// number, and one whose number the helpdesk assigns; bad input (wrong format, a type not
// in the list, a duplicate) refused at the field with what was typed kept and nothing
// stored; the helpdesk's approval creating the organisation with its identifier; the GAP's
// pages showing the identifier with its type and no empty enterprise number; the policy
// cells: only the helpdesk creates such an organisation (by approving) and changes its
// identifier, everyone else gets 403, an audit event, nothing changed.
// Also on PostgreSQL (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { stopWithoutNiss } from '../lib/checks.js';
import { Client, run } from '../lib/server.js';
import { auditEvents, exceptionRequests, orgOf, orgs } from '../lib/world.js';
import {
  NISS_RE, P, alert, csrfOf, eidClient, formFields, foreignRequest, post, startWorld, text,
} from './csam_support.js';

const OPERATOR = P.anna.niss;
const INAMI = '1-23456-78-901';

/** A complete request of case no_number, the GAP Marc (who has an eID card). */
function noNumberRequest(token, extra = {}) {
  return foreignRequest(token, {
    case_kind: 'no_number',
    company_country: '',
    company_reg: '',
    company_name: 'Maison de repos Les Tilleuls',
    company_address: 'Rue des Tilleuls 4, 5000 Namur',
    id_type: 'inami',
    id_value: INAMI,
    gap_niss: P.marc.niss,
    gap_last_name: P.marc.last,
    gap_first_name: P.marc.first,
    gap_has_eid: 'yes',
    contact_email: 'direction@tilleuls.example',
    ...extra,
  });
}

async function submit(c, extra = {}) {
  const base = formFields((await c.get('/csam/exception')).text, '/csam/exception');
  return post(c, '/csam/exception', noNumberRequest(base.token, { _csrf: base._csrf, ...extra }));
}

/** Paper received, then two operators approve (the four-eyes rule). */
async function approve(world, reference) {
  const base = `/helpdesk/demandes/${reference}`;
  const lukas = await eidClient(world, 'lukas');
  const anna = await eidClient(world, 'anna');
  const csrf = csrfOf((await lukas.get(base)).text);
  assert.equal((await post(lukas, `${base}/papier`, { _csrf: csrf })).status, 303);
  assert.equal((await post(lukas, `${base}/approuver`, { _csrf: csrf })).status, 303);
  const res = await post(anna, `${base}/approuver`, { _csrf: csrfOf((await anna.get(base)).text) });
  assert.equal(res.status, 303, alert(res.text) ?? '');
  assert.equal(res.headers.get('location'), `${base}?ok=approved`);
}

describe('organisations without an enterprise number (issue 16, part 5)', () => {
  let world;
  let srv;
  let reference;
  let org;

  before(async () => {
    world = await startWorld();
    srv = world.srv;
    for (const who of [P.lukas.niss, P.anna.niss]) {
      const r = await run(['helpdesk', 'add', who, '--db', srv.db]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => stopWithoutNiss(world, NISS_RE));

  it('the form offers the case without enterprise number and its identifier types', async () => {
    const page = await new Client(srv.url).get('/csam/exception');
    assert.match(page.text, /id="case-no-number" name="case_kind" value="no_number"/);
    assert.match(page.text, /name="id_type" value="inami"/);
    assert.match(page.text, /name="id_type" value="helpdesk"/);
    assert.match(page.text, /<label for="id_value">Numéro INAMI de l&#39;organisation<\/label>/);
  });

  it('bad input: at the field, what was typed kept, nothing stored', async () => {
    const c = new Client(srv.url);
    let res = await submit(c, { id_value: '1-2345-78-901' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="id_value-error">Le numéro INAMI compte 11 chiffres, par exemple 1-23456-78-901\.</);
    assert.match(res.text, /name="id_value"[^>]*value="1-2345-78-901"/);
    assert.match(res.text, /id="case-no-number" name="case_kind" value="no_number" checked/);
    assert.match(res.text, /id="id_type-inami" name="id_type" value="inami" checked/);
    res = await submit(c, { id_type: 'kbo' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="id_type-error">Choisissez un type d&#39;identifiant de la liste\.</);
    assert.match(res.text, /name="company_name"[^>]*value="Maison de repos Les Tilleuls"/);
    res = await submit(c, { id_value: '' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="id_value-error">Introduisez le numéro INAMI de l&#39;organisation\.</);
    assert.equal(exceptionRequests(srv, OPERATOR).length, 0);
  });

  it('a request with an INAMI number; the helpdesk sees it with its type', async () => {
    const c = new Client(srv.url);
    const res = await submit(c);
    assert.equal(res.status, 303, alert(res.text) ?? '');
    reference = res.headers.get('location').split('/').pop();
    // The form to sign names the identifier with its type.
    const pdf = await c.fetch(`${res.headers.get('location')}/formulaire.pdf`);
    assert.equal(pdf.status, 200);
    const bytes = Buffer.from(await pdf.arrayBuffer()).toString('latin1');
    assert.ok(bytes.includes(`INAMI ${INAMI}`), 'the PDF lacks the INAMI number');
    const [r] = exceptionRequests(srv, OPERATOR);
    assert.equal(r.case_kind, 'no_number');
    const lukas = await eidClient(world, 'lukas');
    const q = await lukas.get('/helpdesk?cas=no_number');
    assert.match(text(q.text), /Maison de repos Les Tilleuls \(Numéro INAMI 1-23456-78-901\)/);
    const page = await lukas.get(`/helpdesk/demandes/${reference}`);
    assert.match(page.text, /id="request-identifier">Numéro INAMI 1-23456-78-901</);
    assert.doesNotMatch(text(page.text), /Numéro d'entreprise/);
  });

  it('only the helpdesk creates the organisation: others 403, audited, nothing created', async () => {
    const marc = await eidClient(world, 'marc');
    const csrf = csrfOf((await marc.get('/csam/gap')).text);
    const before = auditEvents(srv, ['access.denied']).length;
    const res = await post(marc, `/helpdesk/demandes/${reference}/approuver`, { _csrf: csrf });
    assert.equal(res.status, 403);
    const denied = auditEvents(srv, ['access.denied']);
    assert.equal(denied.length, before + 1);
    assert.equal(denied.at(-1).details.action, 'decide_exception');
    assert.equal(orgs(srv).length, 0);
  });

  it('the approval creates the organisation with its identifier', async () => {
    await approve(world, reference);
    const all = orgs(srv);
    assert.equal(all.length, 1);
    org = all[0];
    assert.equal(org.enterprise, '');
    assert.equal(org.foreign_reg, '');
    assert.equal(org.country, 'BE');
    assert.equal(org.id_type, 'inami');
    assert.equal(org.id_value, '12345678901');
    assert.equal(org.procedure, 'exception');
    assert.equal(org.managers[0].niss, P.marc.niss);
  });

  it('the GAP\'s pages show the identifier with its type, never an empty enterprise number', async () => {
    const marc = await eidClient(world, 'marc');
    const mine = await marc.get('/csam');
    assert.ok(text(mine.text).includes(`Maison de repos Les Tilleuls Numéro INAMI ${INAMI}`), 'the /csam list');
    let page = await marc.get(`/csam/organisation/${org.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="org-identifier">Numéro INAMI 1-23456-78-901</);
    assert.doesNotMatch(text(page.text), /Numéro d'entreprise/);
    // Not the helpdesk: no form to change the identifier.
    assert.doesNotMatch(page.text, /\/identifiant"/);
    // The access management pages ask for a capacity first.
    const cap = await marc.get('/capacite?next=/acces');
    const chosen = await post(marc, '/capacite', { _csrf: csrfOf(cap.text), capacity: 'health', next: '/acces' });
    assert.equal(chosen.status, 303);
    const home = await marc.get('/acces');
    assert.equal(home.status, 200);
    const ht = text(home.text);
    assert.ok(ht.includes('Maison de repos Les Tilleuls'));
    assert.ok(ht.includes(`Numéro INAMI ${INAMI}`) || ht.includes(`Numéro INAMI: ${INAMI}`), ht);
    assert.doesNotMatch(ht, /Numéro d'entreprise: ?(\(|;|$)/);
    for (const p of [`/acces/${org.id}`, `/acces/${org.id}/entreprise`, `/acces/${org.id}/hierarchie`,
      '/acces/responsables']) {
      page = await marc.get(p);
      assert.equal(page.status, 200, p);
      const t = text(page.text);
      assert.ok(t.includes('Numéro INAMI') && t.includes(INAMI), `${p} lacks the identifier`);
      assert.doesNotMatch(t, /Numéro d'entreprise ?: ?(;|$|\s{2})/, `${p} shows an empty enterprise number`);
    }
  });

  it('a duplicate INAMI number is refused at the field, nothing stored', async () => {
    const before = exceptionRequests(srv, OPERATOR).length;
    const res = await submit(new Client(srv.url), { id_value: '12345678901', company_name: 'Autre' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="id_value-error">Une organisation est déjà enregistrée avec ce numéro\.</);
    assert.match(res.text, /name="id_value"[^>]*value="12345678901"/);
    assert.equal(exceptionRequests(srv, OPERATOR).length, before);
  });

  it('only the helpdesk changes an identifier: the GAP and a co-GAP get 403, audited, nothing changed', async () => {
    const marc = await eidClient(world, 'marc');
    const csrf = csrfOf((await marc.get(`/csam/organisation/${org.id}`)).text);
    const before = auditEvents(srv, ['access.denied']).length;
    const res = await post(marc, `/csam/organisation/${org.id}/identifiant`,
      { _csrf: csrf, id_type: 'inami', id_value: '9-87654-32-109' });
    assert.equal(res.status, 403);
    const denied = auditEvents(srv, ['access.denied']);
    assert.equal(denied.length, before + 1);
    assert.equal(denied.at(-1).details.action, 'change_org_identifier');
    assert.equal(orgOf(srv, { id: org.id }).id_value, '12345678901');
    assert.equal(auditEvents(srv, ['org.identifier.change']).length, 0);

    // A co-GAP the GAP designates: the same refusal.
    const add = await post(marc, `/csam/organisation/${org.id}/cogap`,
      { _csrf: csrf, niss: P.claire.niss, last_name: P.claire.last, email: 'claire@tilleuls.example' });
    assert.equal(add.status, 303, alert(add.text) ?? '');
    const claire = await eidClient(world, 'claire');
    const page = await claire.get(`/csam/organisation/${org.id}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /\/identifiant"/);
    const r2 = await post(claire, `/csam/organisation/${org.id}/identifiant`,
      { _csrf: csrfOf(page.text), id_type: 'helpdesk', id_value: '' });
    assert.equal(r2.status, 403);
    const denied2 = auditEvents(srv, ['access.denied']);
    assert.equal(denied2.length, before + 2);
    assert.equal(denied2.at(-1).details.action, 'change_org_identifier');
    assert.equal(orgOf(srv, { id: org.id }).id_value, '12345678901');
    // Not logged in: the login first, nothing changed.
    const anon = new Client(srv.url);
    const r3 = await post(anon, `/csam/organisation/${org.id}/identifiant`, { id_type: 'helpdesk' });
    assert.ok([303, 403].includes(r3.status), `anonymous: ${r3.status}`);
    assert.deepEqual([orgOf(srv, { id: org.id }).id_type, orgOf(srv, { id: org.id }).id_value], ['inami', '12345678901']);
    assert.equal(auditEvents(srv, ['org.identifier.change']).length, 0);
  });

  it('a number the helpdesk assigns; the helpdesk changes an identifier', async () => {
    const res = await submit(new Client(srv.url), {
      id_type: 'helpdesk', id_value: '', company_name: 'Asbl Sans Numéro',
      gap_niss: P.nathalie.niss, gap_last_name: P.nathalie.last, gap_first_name: P.nathalie.first,
    });
    assert.equal(res.status, 303, alert(res.text) ?? '');
    const ref2 = res.headers.get('location').split('/').pop();
    const lukas = await eidClient(world, 'lukas');
    const page = await lukas.get(`/helpdesk/demandes/${ref2}`);
    assert.match(page.text, /id="request-identifier">Numéro attribué par le helpdesk</);
    await approve(world, ref2);
    const o2 = orgs(srv).find((o) => o.name === 'Asbl Sans Numéro');
    assert.equal(o2.id_type, 'helpdesk');
    assert.match(o2.id_value, /^HD-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    const nathalie = await eidClient(world, 'nathalie');
    const own = await nathalie.get(`/csam/organisation/${o2.id}`);
    assert.match(own.text, new RegExp(`id="org-identifier">Numéro attribué par le helpdesk ${o2.id_value}<`));

    // The helpdesk: a bad number, then another organisation's, refused at the field.
    const anna = await eidClient(world, 'anna');
    const base = `/csam/organisation/${o2.id}`;
    let form = await anna.get(base);
    assert.equal(form.status, 200);
    assert.match(form.text, /action="\/csam\/organisation\/\d+\/identifiant"/);
    const csrf = csrfOf(form.text);
    let r = await post(anna, `${base}/identifiant`, { _csrf: csrf, id_type: 'inami', id_value: '123' });
    assert.equal(r.status, 422);
    assert.match(r.text, /id="id_value-error">Le numéro INAMI compte 11 chiffres/);
    assert.match(r.text, /name="id_value"[^>]*value="123"/);
    r = await post(anna, `${base}/identifiant`, { _csrf: csrf, id_type: 'inami', id_value: INAMI });
    assert.equal(r.status, 422);
    assert.match(r.text, /id="id_value-error">Une organisation est déjà enregistrée avec ce numéro\.</);
    r = await post(anna, `${base}/identifiant`, { _csrf: csrf, id_type: 'kbo', id_value: '0552627113' });
    assert.equal(r.status, 422);
    assert.match(r.text, /id="id_type-error"/);
    assert.equal(orgOf(srv, { id: o2.id }).id_value, o2.id_value);
    assert.equal(auditEvents(srv, ['org.identifier.change']).length, 0);
    r = await post(anna, `${base}/identifiant`, { _csrf: csrf, id_type: 'inami', id_value: '7 10001 23 456' });
    assert.equal(r.status, 303, alert(r.text) ?? '');
    const after = orgOf(srv, { id: o2.id });
    assert.deepEqual([after.id_type, after.id_value], ['inami', '71000123456']);
    const ev = auditEvents(srv, ['org.identifier.change']);
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0].details, { type: 'inami', value: '71000123456' });
    form = await anna.get(r.headers.get('location'));
    assert.match(form.text, /id="org-identifier">Numéro INAMI 7-10001-23-456</);
  });

  it('an organisation with an enterprise number keeps it: the form is not there', async () => {
    // The foreign company of the exception procedure: its registration, no identifier form.
    const c = new Client(srv.url);
    const base = formFields((await c.get('/csam/exception')).text, '/csam/exception');
    const res = await post(c, '/csam/exception', foreignRequest(base.token, { _csrf: base._csrf }));
    assert.equal(res.status, 303);
    await approve(world, res.headers.get('location').split('/').pop());
    const o3 = orgs(srv).find((o) => o.country === 'DE');
    assert.equal(o3.id_type, 'foreign');
    const anna = await eidClient(world, 'anna');
    const page = await anna.get(`/csam/organisation/${o3.id}`);
    assert.doesNotMatch(page.text, /\/identifiant"/);
    const r = await post(anna, `/csam/organisation/${o3.id}/identifiant`,
      { _csrf: csrfOf(page.text), id_type: 'inami', id_value: '2-22222-22-222' });
    assert.equal(r.status, 404);
    assert.equal(orgOf(srv, { id: o3.id }).id_type, 'foreign');
  });
});
