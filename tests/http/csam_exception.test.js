// csam_exception.test.js — guide §2.2.2 against a real server with the four-eyes rule on
// (the default):
// the public request form and its warnings, a requester with eID or a Belgian domicile
// sent to the standard procedure, field errors with what was typed kept, the reference,
// the form's PDF for the requester's browser only, the status page without personal data;
// the helpdesk role from the command line; the back office refused (403, audited) to
// others; queue filters; paper received; approval by two different operators (the same
// one twice is refused and audited); the organisation and its GAP created; the activation
// letter; a rejection with its reason; every decision audited and mailed; an operator
// never decides a request she filed or that names her as GAP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { stopWithoutNiss } from '../lib/checks.js';
import { Client, run } from '../lib/server.js';
import { auditEvents, exceptionRequest, exceptionRequests, mails, orgs, personOf } from '../lib/world.js';

/** The helpdesk operator (Anna, below) in whose name the tests read the requests. */
const OPERATOR = '81062124097';
import {
  NISS_RE, P, alert, csrfOf, eidClient, foreignRequest, formFields, post, startWorld,
  text,
} from './csam_support.js';

async function requestForm(c) {
  const page = await c.get('/csam/exception');
  assert.equal(page.status, 200);
  return formFields(page.text, '/csam/exception');
}

async function submit(c, extra = {}) {
  const base = await requestForm(c);
  return post(c, '/csam/exception', foreignRequest(base.token, { _csrf: base._csrf, ...extra }));
}

describe('exception procedure and helpdesk (guide §2.2.2)', () => {
  let world;
  let srv;
  let reference;

  before(async () => {
    // No four_eyes setting: the rule is on by default.
    world = await startWorld({ args: ['--exception-address', 'Helpdesk portier | Boîte postale 7 | 1000 Bruxelles'] });
    srv = world.srv;
    for (const who of [P.lukas.niss, '81.06.21-240.97']) {
      const r = await run(['helpdesk', 'add', who, '--db', srv.db]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => stopWithoutNiss(world, NISS_RE));

  it('the request form: the three cases, the guide\'s warnings, the fields of the issue', async () => {
    const page = await new Client(srv.url).get('/csam/exception');
    assert.equal(page.status, 200);
    const t = text(page.text);
    for (const s of ["le représentant légal de l'entreprise n'est pas domicilié en Belgique",
      "le représentant légal de l'entreprise est une autre entreprise", "l'entreprise est une entreprise étrangère.",
      "Attention : La procédure exceptionnelle est réservée pour les personnes qui n'ont pas de carte d'identité électronique (eID) ou de carte électronique pour étrangers.",
      "Vous avez bien une carte d'identité électronique (eID) ou une carte électronique pour étrangers, alors utilisez la procédure standard.",
      "Si vous utilisez la procédure exceptionnelle, votre demande d'accès sera refusée. Vous devrez alors la refaire via la procédure standard."]) {
      assert.ok(t.includes(s), `missing: ${s}`);
    }
    for (const name of ['enterprise', 'company_country', 'company_name', 'company_reg', 'company_address',
      'rep_company_name', 'rep_company_number', 'rep_company_country', 'rep_last_name', 'rep_first_name',
      'rep_birth_date', 'rep_nationality', 'rep_country', 'rep_address', 'rep_doc_type', 'rep_doc_number',
      'rep_doc_country', 'gap_niss', 'gap_last_name', 'gap_first_name', 'contact_email', 'contact_phone']) {
      assert.match(page.text, new RegExp(`<label for="${name}">`), `no labelled field ${name}`);
    }
    for (const radio of ['has_eid', 'rep_domicile_be', 'case_kind', 'rep_kind', 'gap_has_eid']) {
      assert.match(page.text, new RegExp(`name="${radio}"`));
    }
    assert.match(page.text, /name="declaration" value="yes"/);
  });

  it('a requester with eID or a Belgian domicile is sent to the standard procedure, and audited', async () => {
    const c = new Client(srv.url);
    for (const extra of [{ has_eid: 'yes' }, { rep_domicile_be: 'yes' }, { rep_country: 'BE' }]) {
      const res = await submit(c, extra);
      assert.equal(res.status, 422);
      assert.match(res.text, /<h1>Utilisez la procédure standard<\/h1>/);
      assert.match(res.text, /href="\/csam\/gap"/);
    }
    assert.equal(exceptionRequests(srv, OPERATOR).length, 0);
    const ev = auditEvents(srv, ['exception.refused']);
    assert.deepEqual(ev.map((e) => e.details.reason), ['eid', 'domicile_be', 'domicile_be']);
    // A visitor not logged in, as the one builder of the actor names them.
    assert.deepEqual(ev.map((e) => [e.actor, e.source]), Array(3).fill(['anonymous', '127.0.0.1']));
  });

  it('field errors next to the fields, what was typed kept', async () => {
    const c = new Client(srv.url);
    const res = await submit(c, { company_name: '', rep_birth_date: '31/12/1970', gap_niss: '78431204481', contact_phone: 'x', declaration: '' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="company_name-error"/);
    assert.match(res.text, /id="rep_birth_date-error"/);
    assert.match(res.text, /id="gap_niss-error">[^<]*chiffres de contrôle/);
    assert.match(res.text, /id="contact_phone-error"/);
    assert.match(res.text, /id="declaration-error"/);
    assert.match(res.text, /name="company_reg"[^>]*value="DE 811 234 567"/);
    assert.match(res.text, /<option value="DE" selected>Allemagne<\/option>/);
    assert.match(res.text, /id="case-foreign" name="case_kind" value="foreign_company" checked/);
    assert.equal(exceptionRequests(srv, OPERATOR).length, 0);
  });

  it('a request: the reference, the PDF for the requester only, the status for anyone', async () => {
    const c = new Client(srv.url);
    const base = await requestForm(c);
    const body = foreignRequest(base.token, { _csrf: base._csrf });
    const res = await post(c, '/csam/exception', body);
    assert.equal(res.status, 303, alert(res.text) ?? '');
    const loc = res.headers.get('location');
    assert.match(loc, /^\/csam\/exception\/demande\/EX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    reference = loc.split('/').pop();
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('portier_exc='));
    assert.match(cookie, /HttpOnly/);
    // Sent twice (double click): the same request.
    const again = await post(c, '/csam/exception', body);
    assert.equal(again.headers.get('location'), loc);
    assert.equal(exceptionRequests(srv, OPERATOR).length, 1);

    const done = await c.get(loc);
    assert.equal(done.status, 200);
    assert.match(done.text, new RegExp(`<strong id="reference">${reference}</strong>`));
    assert.match(text(done.text), /Boîte postale 7/);
    const pdf = await c.fetch(`${loc}/formulaire.pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.ok(bytes.includes(reference), 'the reference is on the form');
    assert.ok(bytes.includes('(Martin)'), 'the GAP is on the form');

    // Another browser: no form, no personal data.
    const other = new Client(srv.url);
    const page = await other.get(loc);
    assert.doesNotMatch(page.text, /formulaire\.pdf/);
    assert.equal((await other.fetch(`${loc}/formulaire.pdf`)).status, 404);
    const st = await other.get(`/csam/exception/statut?reference=${reference.toLowerCase()}`);
    assert.equal(st.status, 200);
    assert.match(st.text, /id="status">Reçue : en attente du formulaire signé</);
    for (const personal of ['Martin', 'Krämer', 'kraemer-medizin', '78.43', 'C01X00T47']) {
      assert.ok(!st.text.includes(personal), `the status page shows ${personal}`);
    }
    const unknown = await other.get('/csam/exception/statut?reference=EX-2222-3333');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /Aucune demande ne porte cette référence/);
    const mail = mails(srv, 'request_received').map(({ recipient, subject }) => ({ recipient, subject }));
    assert.deepEqual(mail, [{ recipient: 'info@kraemer-medizin.example', subject: `Demande ${reference} reçue` }]);
  });

  it('the back office is for the helpdesk role: others get 403, audited', async () => {
    const anon = await new Client(srv.url).get('/helpdesk');
    assert.equal(anon.status, 303);
    assert.match(anon.headers.get('location'), /^\/login/);
    const jan = await eidClient(world, 'jan');
    const before = auditEvents(srv, ['access.denied']).length;
    assert.equal((await jan.get('/helpdesk')).status, 403);
    assert.equal((await jan.get(`/helpdesk/demandes/${reference}`)).status, 403);
    const csrf = csrfOf((await jan.get('/csam/gap')).text);
    assert.equal((await post(jan, `/helpdesk/demandes/${reference}/papier`, { _csrf: csrf })).status, 403);
    const denied = auditEvents(srv, ['access.denied']);
    assert.equal(denied.length, before + 3);
    assert.equal(denied.at(-1).details.action, 'decide_exception');
    assert.equal(exceptionRequests(srv, OPERATOR).flatMap((r) => exceptionRequest(srv, OPERATOR, r.reference).decisions).length, 0);
  });

  it('queue and filters; paper received; two operators approve; the same one twice is refused', async () => {
    const lukas = await eidClient(world, 'lukas');
    const anna = await eidClient(world, 'anna');
    let q = await lukas.get('/helpdesk');
    assert.equal(q.status, 200);
    assert.match(q.text, new RegExp(`href="/helpdesk/demandes/${reference}"`));
    assert.match(text(q.text), /Krämer Medizintechnik GmbH \(Allemagne\)/);
    q = await lukas.get('/helpdesk?statut=paper');
    assert.doesNotMatch(q.text, new RegExp(reference));
    q = await lukas.get('/helpdesk?cas=foreign_company&age=');
    assert.match(q.text, new RegExp(reference));
    q = await lukas.get('/helpdesk?age=7');
    assert.doesNotMatch(q.text, new RegExp(reference));
    q = await lukas.get(`/helpdesk?reference=${reference}`);
    assert.match(q.text, new RegExp(reference));

    const base = `/helpdesk/demandes/${reference}`;
    let page = await lukas.get(base);
    assert.equal(page.status, 200);
    const t = text(page.text);
    for (const s of ['Krämer Medizintechnik GmbH', 'DE 811 234 567', 'Thomas Krämer', '01/12/1970',
      'Passeport C01X00T47 (Allemagne)', 'Sophie Martin', '78.43.12-044.80', 'info@kraemer-medizin.example']) {
      assert.ok(t.includes(s), `the request page lacks ${s}`);
    }
    // The helpdesk's copy of the form: a whole PDF with the request's reference on it.
    const form = await lukas.fetch(`${base}/formulaire.pdf`);
    assert.equal(form.status, 200);
    assert.equal(form.headers.get('content-type'), 'application/pdf');
    const formBytes = Buffer.from(await form.arrayBuffer());
    assert.ok(formBytes.length > 1000, `the helpdesk's PDF has ${formBytes.length} bytes`);
    assert.equal(formBytes.subarray(0, 5).toString(), '%PDF-');
    assert.match(formBytes.subarray(-32).toString('latin1'), /%%EOF\s*$/);
    assert.ok(formBytes.includes(reference), 'the reference is on the helpdesk\'s copy');
    const csrf = csrfOf(page.text);
    let res = await post(lukas, `${base}/approuver`, { _csrf: csrf });
    assert.equal(res.status, 409);
    assert.match(alert(res.text), /Le formulaire signé n'a pas encore été reçu/);
    res = await post(lukas, `${base}/papier`, { _csrf: csrf });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${base}?ok=paper`);
    res = await post(lukas, `${base}/approuver`, { _csrf: csrf });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${base}?ok=first`);
    page = await lukas.get(res.headers.get('location'));
    assert.match(text(page.text), /un autre opérateur doit encore approuver la demande/);
    assert.match(page.text, /id="request-status">En cours de validation/);

    // The same operator again: refused, audited, nothing created.
    res = await post(lukas, `${base}/approuver`, { _csrf: csrf });
    assert.equal(res.status, 403);
    assert.match(alert(res.text), /la seconde approbation doit venir d'un autre opérateur/);
    assert.equal(auditEvents(srv, ['exception.approve.refused']).length, 1);
    assert.equal(orgs(srv).filter((o) => o.procedure === 'exception').length, 0);

    // A second operator completes it.
    const csrfAnna = csrfOf((await anna.get(base)).text);
    res = await post(anna, `${base}/approuver`, { _csrf: csrfAnna });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${base}?ok=approved`);
    const org = orgs(srv).filter((o) => o.procedure === 'exception').map((o) => ({
      id: o.id, name: o.name, country: o.country, foreign_reg: o.foreign_reg, procedure: o.procedure,
      niss: o.managers.find((m) => m.role === 'GAP').niss,
    }));
    assert.equal(org.length, 1);
    assert.deepEqual({ ...org[0], id: undefined }, { id: undefined, name: 'Krämer Medizintechnik GmbH', country: 'DE', foreign_reg: 'DE 811 234 567', procedure: 'exception', niss: '78431204480' });
    assert.equal(mails(srv, 'request_approved').filter((m) => m.recipient === 'info@kraemer-medizin.example').length, 1);
    const actions = auditEvents(srv).filter((e) => e.object === `exception:${reference}`);
    assert.deepEqual(actions.map((a) => a.action), ['exception.submit', 'exception.paper', 'exception.approve.first',
      'exception.approve.refused', 'exception.approve']);
    const st = await new Client(srv.url).get(`/csam/exception/statut?reference=${reference}`);
    assert.match(st.text, /id="status">Approuvée</);

    // The GAP has no eID: the activation letter, a fresh code each time.
    page = await anna.get(base);
    assert.match(page.text, /Produire la lettre d&#39;activation/);
    const letter = await anna.fetch(`${base}/lettre`, {
      method: 'POST', body: new URLSearchParams({ _csrf: csrfOf(page.text) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(letter.status, 200);
    assert.equal(letter.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await letter.arrayBuffer());
    assert.match(bytes.toString('latin1'), /\(([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}\)/);
    const issued = auditEvents(srv, ['activation.issue']);
    assert.equal(issued.length, 1);
    // Given by the helpdesk operator acting (app_actor): their person, their role, the
    // request's id and address.
    assert.match(issued[0].actor, /^[1-9][0-9]*$/);
    assert.equal(issued[0].actor_role, 'helpdesk');
    assert.equal(issued[0].source, '127.0.0.1');
    assert.match(issued[0].request_id ?? '', /.+/);
    // The helpdesk may open the organisation.
    assert.equal((await anna.get(`/csam/organisation/${org[0].id}`)).status, 200);
  });

  it('a rejection needs its reason, which is mailed; a decided request cannot be decided again', async () => {
    const c = new Client(srv.url);
    const res = await submit(c, { company_name: 'Autre GmbH', company_reg: 'DE 999', contact_email: 'autre@example.de' });
    assert.equal(res.status, 303);
    const ref = res.headers.get('location').split('/').pop();
    const lukas = await eidClient(world, 'lukas');
    const base = `/helpdesk/demandes/${ref}`;
    const csrf = csrfOf((await lukas.get(base)).text);
    let r = await post(lukas, `${base}/rejeter`, { _csrf: csrf, reason: '' });
    assert.equal(r.status, 422);
    assert.match(r.text, /id="reason-error"/);
    r = await post(lukas, `${base}/rejeter`, { _csrf: csrf, reason: 'Le représentant légal dispose d\'une carte eID.' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `${base}?ok=rejected`);
    r = await post(lukas, `${base}/papier`, { _csrf: csrf });
    assert.equal(r.status, 409);
    const mail = mails(srv, 'request_rejected');
    assert.equal(mail.length, 1);
    assert.equal(mail[0].recipient, 'autre@example.de');
    assert.match(mail[0].body.replace(/\s+/g, ' '), /dispose d'une carte eID\./);
    const st = await new Client(srv.url).get(`/csam/exception/statut?reference=${ref}`);
    assert.match(st.text, /id="status">Rejetée</);
    assert.doesNotMatch(st.text, /carte eID\./, 'the reason is not on the public status page');
  });

  it('separation of duties: an operator does not decide a request she filed or that names her', async () => {
    const lukas = await eidClient(world, 'lukas');
    const anna = await eidClient(world, 'anna');
    // Lukas, logged in, files a request naming himself GAP of a company he does not represent.
    const res = await submit(lukas, {
      company_name: 'Schmitz Consulting GmbH', company_reg: 'DE 555 555 555',
      contact_email: 'x@schmitz.example', gap_niss: P.lukas.niss, gap_last_name: P.lukas.last,
      gap_first_name: P.lukas.first,
    });
    assert.equal(res.status, 303, alert(res.text) ?? '');
    const ref = res.headers.get('location').split('/').pop();
    assert.equal(exceptionRequest(srv, OPERATOR, ref).submitted_by, personOf(srv, P.lukas.niss).id);
    const base = `/helpdesk/demandes/${ref}`;
    const page = await lukas.get(base);
    assert.equal(page.status, 200, 'he may read it');
    assert.match(page.text, /id="own-request"/);
    assert.doesNotMatch(page.text, /action="[^"]*\/(papier|approuver|rejeter|lettre)"/);
    const csrf = csrfOf(page.text);
    const decisions = () => exceptionRequest(srv, OPERATOR, ref).decisions.length;
    for (const [what, fields] of [['papier', {}], ['approuver', {}], ['rejeter', { reason: 'Pour voir.' }]]) {
      const r = await post(lukas, `${base}/${what}`, { _csrf: csrf, ...fields });
      assert.equal(r.status, 403, `${what} by the operator named GAP`);
      assert.match(alert(r.text), /Séparation des fonctions/);
    }
    assert.equal(decisions(), 0);
    assert.equal(exceptionRequest(srv, OPERATOR, ref).status, 'received');
    assert.deepEqual(auditEvents(srv).filter((e) => e.object === `exception:${ref}` && e.details.reason === 'own_request').map((e) => e.action),
      ['exception.paper.refused', 'exception.approve.refused', 'exception.reject.refused']);
    // A colleague records the paper and approves: four-eyes (the default) waits for a
    // second colleague, and Lukas is not one.
    const csrfAnna = csrfOf((await anna.get(base)).text);
    assert.equal((await post(anna, `${base}/papier`, { _csrf: csrfAnna })).status, 303);
    const first = await post(anna, `${base}/approuver`, { _csrf: csrfAnna });
    assert.equal(first.headers.get('location'), `${base}?ok=first`);
    const second = await post(lukas, `${base}/approuver`, { _csrf: csrf });
    assert.equal(second.status, 403);
    assert.equal(orgs(srv).filter((o) => o.name === 'Schmitz Consulting GmbH').length, 0);
  });

  it('portier helpdesk list / remove: masked NISS, exit codes', async () => {
    let r = await run(['helpdesk', 'list', '--db', srv.db]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /XX\.XX\.XX-XXX\.93 +Lukas Schmitz/);
    assert.doesNotMatch(r.stdout, /90022800193|90\.02\.28/);
    r = await run(['helpdesk', 'add', '12.34.56-789.01', '--db', srv.db]);
    assert.equal(r.code, 2);
    r = await run(['helpdesk', 'add', '85073003328', '--db', srv.db]);
    assert.equal(r.code, 0, 'Jan is a person: he gets the role');
    r = await run(['helpdesk', 'remove', '85073003328', '--db', srv.db]);
    assert.equal(r.code, 0);
    r = await run(['helpdesk', 'remove', '85073003328', '--db', srv.db]);
    assert.equal(r.code, 1);
    r = await run(['helpdesk', 'add', '88.05.03-162.79', '--db', srv.db]);
    assert.equal(r.code, 0, 'Lucie Lemaître, from the persons register');
    r = await run(['helpdesk', 'add', '93.05.18-223.61', '--db', srv.db]);
    assert.equal(r.code, 1, 'a valid NISS nobody knows');
    assert.equal(auditEvents(srv, ['helpdesk.grant', 'helpdesk.revoke']).filter((e) => e.actor === 'cli').length, 5);
  });
});
