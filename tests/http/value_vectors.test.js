// value_vectors.test.js — the one vector table per value type (tests/data/value_vectors.json,
// the table tests/unit/test_value.c runs against src/value) run against every form that has
// a field of that type (e-mail, phone, user name, person name, text, URL, date):
// each form accepts and refuses exactly what the table says, so an address cannot pass on
// /csam and fail on /acces. Each case keeps the other fields fixed and looks only at the
// error of the field under test.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { Client, run } from '../lib/server.js';
import { addPerson, orgOf, orgs } from '../lib/world.js';
import {
  csrfOf, eidClient, foreignRequest, formFields, post as csamPost, startWorld,
} from './csam_support.js';
import {
  ORGS, PEOPLE, login as idpLogin, profileOptions, refreshTarget, startWorld as startOidcWorld,
} from './oidc_lib.js';
import { startPortal } from './portal_lib.js';
import { activate as redeem, activationCode } from './factors_lib.js';
import { NISS, activate, login, post as umanPost, startDemo, valueOf } from './uman_lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const V = JSON.parse(fs.readFileSync(path.join(here, '..', 'data', 'value_vectors.json'), 'utf8'));

/** [input, shouldPass] of a type's table; the empty input is left out (each page has its
 *  own "required" message, by design). */
function cases(type) {
  return [...V[type].valid.map(([s]) => [s, true]), ...V[type].invalid.map(([s]) => [s, false])]
    .filter(([s]) => s !== '');
}

/** Disagreements found by the running test ("form type: input accepted"). */
let wrong = [];

/** Runs the table of type against one form: check(input) says whether the field's error
 *  showed; disagreements are collected in wrong, so that one test reports them all. */
async function agree(type, form, check) {
  for (const [input, ok] of cases(type)) {
    const refused = await check(input);
    if (refused === ok) wrong.push(`${form} ${type}: ${JSON.stringify(input)} ${refused ? 'refused' : 'accepted'}`);
  }
}

describe('one rule per value type on every form', () => {
  let world;
  let demo;
  let idp;
  let portal;

  before(async () => {
    [world, demo, idp] = await Promise.all([startWorld(), startDemo(), startOidcWorld()]);
    portal = await startPortal(idp, { clientApplication: 'TESTAPP' });
  });
  after(async () => {
    await portal?.stop();
    await idp?.stop();
    await world?.stop();
    await demo?.stop();
  });

  it('the tables are not trivial', () => {
    for (const type of ['email', 'phone', 'username']) {
      assert.ok(V[type].valid.length >= 5 && V[type].invalid.length >= 8, type);
    }
    assert.ok(cases('email').some(([s, ok]) => s === 'jan@zorg-.be' && !ok));
  });

  it('/activer: the user name a person without access codes chooses', async () => {
    wrong = [];
    addPerson(demo, { niss: '98472899765', last: 'Martin', first: 'Sophie', lang: 'fr' });
    const code = await activationCode(demo, ['--niss', '98472899765']);
    const c = new Client(demo.url);
    // Each invalid name must be refused at the field (the code stays unused); then a valid one.
    for (const [input] of V.username.invalid.filter(([x]) => x !== '')) {
      const res = await redeem(c, code, input, 'Sophie-choisit-2026!');
      if (res.status !== 422 || !res.text.includes('id="act-username-error"')) {
        wrong.push(`/activer username: ${JSON.stringify(input)} answered ${res.status}, not refused`);
      }
    }
    const ok = await redeem(c, code, 'sophie.martin', 'Sophie-choisit-2026!');
    if (ok.status !== 303) wrong.push(`/activer username: "sophie.martin" answered ${ok.status}`);
    assert.deepEqual(wrong, [], 'forms disagreeing with the vector tables');
  });

  it('URLs: client redirect URIs (portier client add) and the portal\'s issuer', async () => {
    wrong = [];
    let n = 0;
    for (const [input, ok] of cases('url')) {
      const add = await run(['client', 'add', '--db', idp.db, '--id', `vector-${n++}`, '--application', 'TESTAPP',
        '--scope', 'openid', '--redirect-uri', input]);
      if ((add.code === 0) !== ok) wrong.push(`client add: ${JSON.stringify(input)} exit ${add.code}`);
      // A valid issuer would start the portal: only the refusals are run.
      if (!ok) {
        const portalRun = await run(['portal', '--issuer', input, '--client-secret', 'x']);
        if (portalRun.code !== 2) wrong.push(`portal --issuer: ${JSON.stringify(input)} exit ${portalRun.code}`);
      }
    }
    assert.deepEqual(wrong, [], 'commands disagreeing with the URL table');
  });

  it('/csam/gap/enregistrement and the co-GAP form: e-mail, phone, names', async () => {
    wrong = [];
    const c = await eidClient(world, 'jan');
    const page = await c.get('/csam/gap');
    const first = await csamPost(c, '/csam/gap', { _csrf: csrfOf(page.text), enterprise: '1099.001.189' });
    assert.equal(first.status, 303);
    const form = await c.get(first.headers.get('location'));
    const base = { ...formFields(form.text, '/csam/gap/enregistrement'), choice: 'self' };
    const send = async (fields, errId) => {
      const res = await csamPost(c, '/csam/gap/enregistrement', { ...base, ...fields });
      const refused = res.text.includes(`id="${errId}"`);
      assert.equal(res.status, refused ? 422 : 200, JSON.stringify(fields));
      return refused;
    };
    await agree('email', '/csam/gap/enregistrement', (v) => send({ email: v, phone: '+32 9 123 45 67' }, 'email-error'));
    await agree('phone', '/csam/gap/enregistrement', (v) => send({ email: 'direction@zorgtech.example', phone: v }, 'phone-error'));
    // "Autre personne" without a NISS: only the name's own error is looked at.
    await agree('person_name', '/csam/gap/enregistrement (other)', async (v) => {
      const res = await csamPost(c, '/csam/gap/enregistrement', { ...base, choice: 'other', niss: '', last_name: v, email: 'direction@zorgtech.example', phone: '+32 9 123 45 67' });
      assert.equal(res.status, 422);
      return res.text.includes('id="last_name-error"');
    });

    // Registered, Jan is the GAP: the co-GAP form's e-mail (the NISS left out, so that
    // nothing is stored whatever the e-mail).
    const conf = await csamPost(c, '/csam/gap/enregistrement', { ...base, email: 'direction@zorgtech.example', phone: '+32 9 123 45 67' });
    const done = await csamPost(c, '/csam/gap/confirmation', { ...formFields(conf.text, '/csam/gap/confirmation'), confirm: '1', accept: 'yes' });
    assert.equal(done.status, 303);
    const orgId = orgOf(world.srv, { enterprise: '1099001189' }).id;
    const org = await c.get(`/csam/organisation/${orgId}`);
    await agree('email', 'the co-GAP form', async (v) => {
      const res = await csamPost(c, `/csam/organisation/${orgId}/cogap`, { _csrf: csrfOf(org.text), niss: '', last_name: 'Schmitz', email: v });
      assert.equal(res.status, 422);
      return res.text.includes('id="email-error"');
    });
    await agree('person_name', 'the co-GAP form', async (v) => {
      const res = await csamPost(c, `/csam/organisation/${orgId}/cogap`, { _csrf: csrfOf(org.text), niss: '', last_name: v, email: 'lukas@zorgtech.example' });
      assert.equal(res.status, 422);
      return res.text.includes('id="last_name-error"');
    });
    assert.deepEqual(orgs(world.srv).flatMap((o) => o.managers.map((m) => m.role)), ['GAP'], 'no co-GAP stored');
    assert.deepEqual(wrong, [], 'forms disagreeing with the vector tables');
  });

  it('/csam/exception: contact e-mail and phone, the names', async () => {
    wrong = [];
    const c = new Client(world.srv.url);
    const base = formFields((await c.get('/csam/exception')).text, '/csam/exception');
    // Without the declaration nothing is stored: only the field's error is looked at.
    const send = async (fields, errId) => {
      const res = await csamPost(c, '/csam/exception', foreignRequest(base.token, { _csrf: base._csrf, ...fields, declaration: '' }));
      assert.equal(res.status, 422);
      return res.text.includes(`id="${errId}"`);
    };
    await agree('email', '/csam/exception', (v) => send({ contact_email: v }, 'contact_email-error'));
    await agree('phone', '/csam/exception', (v) => send({ contact_phone: v }, 'contact_phone-error'));
    for (const field of ['gap_last_name', 'gap_first_name', 'rep_last_name', 'rep_first_name']) {
      await agree('person_name', `/csam/exception (${field})`, (v) => send({ [field]: v }, `${field}-error`));
    }
    assert.deepEqual(wrong, [], 'forms disagreeing with the vector tables');
  });

  it('the agency portal: contact name, e-mail and phone, the end date of an activity', async () => {
    wrong = [];
    const p = new Client(portal.url);
    const ic = new Client(idp.url);
    await idpLogin(ic, PEOPLE.jan.user, '/');
    const form = (o) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o).toString() });
    const start = await p.fetch('/login?next=%2F');
    await start.text();
    const authz = new URL(start.headers.get('location'));
    let r = await ic.fetch(authz.pathname + authz.search);
    await r.text();
    const flow = r.headers.get('location');
    const choice = await ic.get(flow);
    const opt = profileOptions(choice.text).find((o) => o.label.includes(ORGS.pharma.name));
    r = await ic.fetch(flow, form({ _csrf: csrfOf(choice.text), org: opt.value }));
    const cb = new URL(refreshTarget(await r.text()));
    await p.get(cb.pathname + cb.search);
    const csrf = csrfOf((await p.get('/entreprise/contacts')).text);
    // A name on two lines keeps the form from being saved whatever the value under test.
    const send = async (fields, errId) => {
      const res = await p.fetch('/entreprise/contacts', form({ _csrf: csrf, materiovigilance_name: 'a\nb', ...fields }));
      const t = await res.text();
      assert.equal(res.status, 422);
      return t.includes(`id="${errId}"`);
    };
    await agree('email', 'the portal', (v) => send({ materiovigilance_email: v }, 'materiovigilance_email_err'));
    await agree('phone', 'the portal', (v) => send({ materiovigilance_email: 'vigilance@pharma.be', general_phone: v }, 'general_phone_err'));
    // The contact name is a one-line text (optional): the text table, the name kept from
    // being saved by a bad phone.
    const sendName = async (v) => {
      const res = await p.fetch('/entreprise/contacts', form({ _csrf: csrf, materiovigilance_email: 'vigilance@pharma.be', general_phone: 'abc', materiovigilance_name: v }));
      const t = await res.text();
      assert.equal(res.status, 422);
      return t.includes('id="materiovigilance_name_err"');
    };
    await agree('text', 'the portal (contact name)', sendName);

    // The end date of an activity: every invalid date of the table is refused (the valid
    // ones would end it; the last one does).
    const acts = await p.get('/activites');
    const declared = await p.fetch('/activites', form({ _csrf: csrfOf(acts.text), kind: 'distributor', establishment: '', classes: 'I' }));
    await declared.text();
    assert.equal(declared.status, 303);
    const id = /href="\/activites\/(\d+)"/.exec((await p.get('/activites')).text)[1];
    for (const [input] of V.date.invalid) {
      const res = await p.fetch(`/activites/${id}/fin`, form({ _csrf: csrf, ended_on: input }));
      const t = await res.text();
      if (res.status !== 422 || !t.includes('Indiquez une date de fin valide')) wrong.push(`the portal date: ${JSON.stringify(input)} answered ${res.status}, not refused`);
    }
    const end = await p.fetch(`/activites/${id}/fin`, form({ _csrf: csrf, ended_on: '9999-12-31' }));
    await end.text();
    if (end.status !== 303) wrong.push(`the portal date: "9999-12-31" refused (${end.status})`);
    assert.deepEqual(wrong, [], 'forms disagreeing with the vector tables');
  });

  it('/acces/1/entreprise: contact e-mail and phone', async () => {
    wrong = [];
    const gap = await login(demo, 'claire.dubois');
    const send = async (fields, errId) => {
      const res = await umanPost(gap, '/acces/1/entreprise', fields);
      const refused = res.text.includes(`id="${errId}"`);
      assert.equal(res.status, refused ? 422 : 303, JSON.stringify(fields));
      return refused;
    };
    await agree('email', '/acces/1/entreprise', (v) => send({ contact_email: v, contact_phone: '+32 2 555 00 00' }, 'err-email'));
    await agree('phone', '/acces/1/entreprise', (v) => send({ contact_email: 'info@pharmaplatel.example.be', contact_phone: v }, 'err-phone'));
    assert.deepEqual(wrong, [], 'forms disagreeing with the vector tables');
  });

  it('/acces user form: e-mail, local e-mail and user name', async () => {
    wrong = [];
    const gap = await login(demo, 'claire.dubois');
    const q = await activate(demo, gap, {});
    const action = `/acces/1/qualite/${q}/nouveau`;
    const form = await umanPost(gap, action, { niss: NISS.els, type: 'USER' });
    assert.equal(form.status, 200);
    const base = {
      niss: valueOf(form.text, 'niss'), type: 'USER', username: 'els.vdb',
      last_name: valueOf(form.text, 'last_name') || 'Nouveau', first_name: valueOf(form.text, 'first_name') || 'Nadia',
      title: 'Mme', language: 'fr', email: 'els@example.be', local_email: '',
    };
    const send = async (fields, errId) => {
      const res = await umanPost(gap, `${action}/confirmation`, { ...base, ...fields });
      const refused = res.text.includes(`id="${errId}"`);
      assert.equal(res.status, refused ? 422 : 200, JSON.stringify(fields));
      return refused;
    };
    await agree('email', 'the user form (email)', (v) => send({ email: v }, 'err-email'));
    await agree('email', 'the user form (local_email)', (v) => send({ local_email: v }, 'err-local-email'));
    // User names of the table that are taken in this organisation would be refused as taken:
    // only the format message counts here.
    const format = 'Le nom d&#39;utilisateur compte de 3 à 64 caractères';
    await agree('username', 'the user form (username)', async (v) => {
      const res = await umanPost(gap, `${action}/confirmation`, { ...base, username: v });
      return res.text.includes(format);
    });
    assert.deepEqual(wrong, [], 'forms disagreeing with the vector tables');
  });
});
