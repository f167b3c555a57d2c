// mandate.test.js — mandates between organisations (issue 16, parts 1, 2 and their policy
// cells) through the pages: A's GAP proposes with eID, B's GAP accepts, B's local manager
// chooses who acts under it, either side ends it; mails to both sides at each step; and every
// refusal — a USER, a GL of A, the GAP at password level, a co-GAP of a third organisation,
// the proposing side accepting, the mandator choosing B's users, a POST without CSRF — is a
// 403 (an access.denied event where the policy refuses) that changes nothing; bad quarters,
// applications outside the quality or the mandate, a quality A has not activated are field
// errors keeping what was typed; a stale version is a 409 that changes nothing.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, start } from '../lib/server.js';
import { activateQuality, addOrg, addAccount, cli, mails } from '../lib/world.js';
import { escapedPem, makeCA } from './eid_support.js';
import {
  ID, NISS, addPerson, csrfOf, denials, h1Of, login, post, rows, sql, text, valueOf,
} from './uman_lib.js';

const CARDS = {
  claire: { niss: NISS.claire, last: 'Dubois', first: 'Claire' },    // A's GAP
  sophie: { niss: NISS.sophie, last: 'Martin', first: 'Sophie' },    // B's GAP
  lukas: { niss: NISS.lukas, last: 'Schmitz', first: 'Lukas' },      // A's GL
  marie: { niss: NISS.marie, last: 'Janssens', first: 'Marie' },     // a USER of A
  jan: { niss: NISS.jan, last: 'Peeters', first: 'Jan' },            // co-GAP of C
  paul: { niss: NISS.paul, last: 'Lambert', first: 'Paul' },         // a USER of B
};
const B_NUMBER = '1029025290';
const C_NUMBER = '0202239951';

/** The current quarter (UTC) as typed in the form, and a past one. */
function quarterNow() {
  const d = new Date();
  return `${d.getUTCFullYear()}-${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** A client logged in with name's eID card (level high), capacity chosen. */
async function eidLogin(srv, ca, name) {
  const c = new Client(srv.url);
  const r = await c.fetch('/login/eid?next=/acces', {
    headers: { 'X-SSL-Client-Cert': escapedPem(ca.pem(name)) },
  });
  assert.equal(r.status, 303, `eID login of ${name}: ${await r.text()}`);
  const cap = await c.get('/capacite?next=/acces');
  const r2 = await c.fetch('/capacite', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrfOf(cap.text), capacity: 'health', next: '/acces' }),
  });
  assert.equal(r2.status, 303, 'capacity chosen');
  c.csrf = csrfOf((await c.get('/acces')).text);
  return c;
}

/** Everything a refused request must leave alone. */
function snapshot(srv) {
  return rows(srv, `SELECT (SELECT count(*) FROM mandate) AS mandates,
    (SELECT coalesce(sum(version), 0) FROM mandate) AS versions,
    (SELECT coalesce(sum(serve_all), 0) FROM mandate) AS serve_all,
    (SELECT count(*) FROM mandate WHERE status = 'active') AS active,
    (SELECT count(*) FROM mandate WHERE status = 'ended') AS ended,
    (SELECT count(*) FROM mandate_app) AS apps, (SELECT count(*) FROM mandate_event) AS events,
    (SELECT count(*) FROM mandate_member) AS members, (SELECT count(*) FROM mandate_grant) AS grants,
    (SELECT count(*) FROM mail_outbox) AS mails`)[0];
}

describe('mandates between organisations through the pages', () => {
  let srv;
  let ca;
  const who = {};
  const pid = {};
  let orgB;
  let orgC;
  let mandate;           // the public id of the mandate of the life cycle
  const Q = quarterNow();

  before(async () => {
    ca = await makeCA(CARDS);
    srv = await start({
      args: ['--demo', '--password-ops', '1', '--password-mem-kib', '8', '--trusted-proxies', '127.0.0.1',
        '--eid-trust', path.join(ca.ca, 'trust.pem'), '--eid-crl', path.join(ca.ca, 'crl.pem')],
    });
    // A = PharmaPlatel (demo, Claire GAP): health quality with Lukas as GL, Marie a user.
    activateQuality(srv, { org: ID.org, email: 'sante@pharmaplatel.example.be', gl: NISS.lukas,
      username: 'lukas.schmitz', userEmail: 'lukas@example.be', apps: ['MEDSEIP'] });
    pid.sophie = addPerson(srv, { niss: NISS.sophie, last: 'Martin', first: 'Sophie', username: 'sophie.martin' });
    pid.paul = addPerson(srv, { niss: NISS.paul, last: 'Lambert', first: 'Paul', username: 'paul.lambert' });
    pid.nico = addPerson(srv, { niss: NISS.new1, last: 'Nicolas', first: 'Nico', username: 'nico.b' });
    // B = STRIC (Sophie GAP): health quality with Nico as GL (password login).
    orgB = addOrg(srv, { enterprise: B_NUMBER, name: 'STRIC', gap: NISS.sophie,
      email: 'info@stric.example.be', phone: '014 00 00 00' });
    const qB = activateQuality(srv, { org: orgB, email: 'sante@stric.example.be', gl: NISS.new1,
      username: 'nico.b', userEmail: 'nico@stric.example.be', apps: ['MEDSEIP'], lang: 'nl' });
    addAccount(srv, { org: orgB, quality: qB.quality, niss: NISS.paul, username: 'paul.b',
      email: 'paul@stric.example.be', apps: [] });
    // C = Tierce (Paul GAP), Jan its co-GAP.
    orgC = addOrg(srv, { enterprise: C_NUMBER, name: 'Tierce', gap: NISS.paul,
      email: 'info@tierce.example.be', phone: '02 000 00 00' });
    sql(srv, `INSERT INTO org_manager(org_id, person_id, role, since)
      VALUES (${orgC}, ${ID.jan}, 'COGAP', '2026-01-01T00:00:00Z')`);
    const qA = rows(srv, `SELECT id FROM org_quality WHERE org_id = ${ID.org}`)[0].id;
    addAccount(srv, { org: ID.org, quality: qA, niss: NISS.marie, username: 'marie.a',
      email: 'marie@example.be', apps: ['MEDSEIP'], last: 'Janssens', first: 'Marie' });
    who.gapA = await eidLogin(srv, ca, 'claire');
    who.gapB = await eidLogin(srv, ca, 'sophie');
    who.glA = await eidLogin(srv, ca, 'lukas');
    who.userA = await eidLogin(srv, ca, 'marie');
    who.cogapC = await eidLogin(srv, ca, 'jan');
    who.gapApw = await login(srv, 'claire.dubois');
    who.glB = await login(srv, 'nico.b');
  });
  after(async () => {
    await srv?.stop();
    ca?.remove();
  });

  /** A refusal: status, one access.denied event by person (when audited), nothing changed. */
  async function refused(what, person, req, { status = 403, audited = true } = {}) {
    const before = snapshot(srv);
    const denied = denials(srv, person);
    const r = await req();
    assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status}`);
    if (status === 403) assert.equal(h1Of(r.text), 'Accès refusé', `${what}: the 403 page`);
    assert.equal(denials(srv, person), denied + (audited ? 1 : 0), `${what}: access.denied events`);
    assert.deepEqual(snapshot(srv), before, `${what}: nothing changed`);
    return r;
  }

  const proposal = (over = {}) => ({ side: 'mandator', counterparty: '1029.025.290',
    quality: 'health_related', apps: ['MEDSEIP', 'SADM'], start: Q, end: '', ...over });

  it('A proposes with eID, B accepts, B names who acts, A ends it; mails to both sides', async () => {
    const form = await who.gapA.get(`/acces/${ID.org}/mandats/nouveau`);
    assert.equal(form.status, 200);
    assert.match(text(form.text), /Proposer un mandat/);
    const r = await post(who.gapA, `/acces/${ID.org}/mandats/nouveau`, proposal());
    assert.equal(r.status, 303, text(r.text).slice(0, 400));
    const m = /^\/acces\/1\/mandats\/([0-9a-f]{32})\?ok=mandate_proposed$/.exec(r.headers.get('location'));
    assert.ok(m, r.headers.get('location'));
    mandate = m[1];
    const row = rows(srv, `SELECT status, proposed_side, start_quarter, end_quarter, version,
      mandatary_org FROM mandate WHERE public_id = '${mandate}'`)[0];
    assert.equal(row.status, 'proposed');
    assert.equal(row.proposed_side, 'mandator');
    assert.equal(Number(row.start_quarter), Number(Q.replace('-', '')));
    assert.equal(row.end_quarter, null);
    assert.equal(Number(row.mandatary_org), orgB);
    const proposed = mails(srv, 'mandate_proposed');
    assert.equal(proposed.length, 2, 'one mail to each side');
    assert.equal(new Set(proposed.map((x) => x.recipient)).size, 2);
    assert.ok(proposed.every((x) => /PharmaPlatel/.test(x.subject) && /STRIC/.test(x.subject)));

    // Both lists show it: given by A, received by B (with A's number).
    const listA = text((await who.gapA.get(`/acces/${ID.org}/mandats`)).text);
    assert.match(listA, /Mandats donnés .*STRIC 1029\.025\.290 .*Proposé Mandats reçus Aucun mandat reçu/);
    const listB = await who.gapB.get(`/acces/${orgB}/mandats`);
    assert.equal(listB.status, 200);
    assert.match(text(listB.text), /Aucun mandat donné\. Mandats reçus .*PharmaPlatel/);
    assert.match(listB.text, new RegExp(`/acces/${orgB}/mandats/${mandate}`));

    const page = await who.gapB.get(`/acces/${orgB}/mandats/${mandate}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /mandats\/[0-9a-f]{32}\/accepter/);
    assert.equal(valueOf(page.text, 'version'), '1');
    const ok = await post(who.gapB, `/acces/${orgB}/mandats/${mandate}/accepter`, { version: '1' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), `/acces/${orgB}/mandats/${mandate}?ok=mandate_accepted`);
    assert.equal(rows(srv, `SELECT status FROM mandate WHERE public_id = '${mandate}'`)[0].status, 'active');
    assert.equal(mails(srv, 'mandate_accepted').length, 2);

    // B's local manager of the same quality names a user, within the mandate's applications.
    const glList = await who.glB.get(`/acces/${orgB}/mandats`);
    assert.equal(glList.status, 200);
    assert.match(glList.text, new RegExp(`/acces/${orgB}/mandats/${mandate}`));
    assert.doesNotMatch(glList.text, /mandats\/nouveau/, 'a GL does not propose');
    const glPage = await who.glB.get(`/acces/${orgB}/mandats/${mandate}`);
    assert.equal(glPage.status, 200);
    assert.match(glPage.text, /mandats\/[0-9a-f]{32}\/utilisateur/);
    assert.doesNotMatch(glPage.text, /\/accepter|\/fin"/, 'the GL neither accepts nor ends');
    const named = await post(who.glB, `/acces/${orgB}/mandats/${mandate}/utilisateur`,
      { version: '2', username: 'paul.b', apps: ['SADM'] });
    assert.equal(named.status, 303, text(named.text).slice(0, 300));
    assert.equal(Number(rows(srv, `SELECT count(*) AS n FROM mandate_grant g JOIN account a ON a.id = g.account_id
      WHERE a.username = 'paul.b' AND g.application = 'SADM'`)[0].n), 1);
    const all = await post(who.gapB, `/acces/${orgB}/mandats/${mandate}/qui`, { version: '3', serve: 'all' });
    assert.equal(all.status, 303);
    const shown = text((await who.gapB.get(`/acces/${orgB}/mandats/${mandate}`)).text);
    assert.match(shown, /Paul Lambert paul\.b/);

    // A ends it at once: status 'ended' with its history row.
    const end = await post(who.gapA, `/acces/${ID.org}/mandats/${mandate}/fin`, { version: '4' });
    assert.equal(end.status, 303);
    const st = rows(srv, `SELECT status, version FROM mandate WHERE public_id = '${mandate}'`)[0];
    assert.equal(st.status, 'ended');
    assert.equal(Number(st.version), 5);
    assert.equal(mails(srv, 'mandate_ended').length, 2);
    const history = text((await who.gapA.get(`/acces/${ID.org}/mandats/${mandate}`)).text);
    assert.match(history, /Historique/);
    for (const s of ['Proposé', 'Actif', 'Terminé', 'Tous les utilisateurs', 'Utilisateur désigné'])
      assert.match(history, new RegExp(s));
    assert.doesNotMatch(history, /\/fin"/);
  });

  it('the policy cells of proposing', async () => {
    const marie = rows(srv, `SELECT id FROM person WHERE niss = '${NISS.marie}'`)[0].id;
    await refused('a USER of A opens the proposal form', marie,
      () => who.userA.get(`/acces/${ID.org}/mandats/nouveau`));
    await refused('the GAP of A at password level opens the proposal form', ID.claire,
      () => who.gapApw.get(`/acces/${ID.org}/mandats/nouveau`));
    await refused('a USER of A reads the mandates', marie, () => who.userA.get(`/acces/${ID.org}/mandats`));
    await refused('a USER of A proposes', marie,
      () => post(who.userA, `/acces/${ID.org}/mandats/nouveau`, proposal()));
    await refused('a GL of A proposes', ID.lukas,
      () => post(who.glA, `/acces/${ID.org}/mandats/nouveau`, proposal()));
    await refused('the GAP of A at password level proposes', ID.claire,
      () => post(who.gapApw, `/acces/${ID.org}/mandats/nouveau`, proposal()));
    await refused('a co-GAP of a third organisation proposes for A', ID.jan,
      () => post(who.cogapC, `/acces/${ID.org}/mandats/nouveau`, proposal()));
    await refused('a POST without CSRF', ID.claire, () => who.gapA.get(`/acces/${ID.org}/mandats/nouveau`, {
      method: 'POST', body: new URLSearchParams({ side: 'mandator', counterparty: B_NUMBER,
        quality: 'health_related', apps: 'MEDSEIP', start: Q }) }), { audited: false });
  });

  it('field errors keep what was typed and write nothing', async () => {
    const cases = [
      ['a past start quarter', { start: '2020-1' }, 'Le trimestre de début ne peut pas être passé.', 'start', '2020-1'],
      ['an end before the start', { start: Q, end: '2019-4' },
        'Le trimestre de fin ne peut pas précéder le trimestre de début.', 'end', '2019-4'],
      ['a quarter 5', { start: '2031-5' }, 'Introduisez un trimestre sous la forme 2027-1', 'start', '2031-5'],
      ['an application outside the quality', { apps: ['MEDSEIP', 'NOPE'] },
        'Ces applications n\'appartiennent pas à la qualité choisie.', 'counterparty', '1029.025.290'],
      ['an unknown organisation', { counterparty: '0403.170.701' },
        'Aucune organisation enregistrée ne porte ce numéro d\'entreprise.', 'counterparty', '0403.170.701'],
    ];
    for (const [what, over, message, field, typed] of cases) {
      const r = await refused(what, ID.claire,
        () => post(who.gapA, `/acces/${ID.org}/mandats/nouveau`, proposal(over)), { status: 422, audited: false });
      assert.ok(text(r.text).includes(message), `${what}: ${message}`);
      assert.equal(valueOf(r.text, field), typed, `${what}: the typed value kept`);
    }
    const r = await refused('B proposing for a quality A has not activated', pid.sophie,
      () => post(who.gapB, `/acces/${orgB}/mandats/nouveau`, proposal({ side: 'mandatary',
        counterparty: rows(srv, `SELECT enterprise FROM organisation WHERE id = ${ID.org}`)[0].enterprise,
        quality: 'youth_care', apps: ['MEDSEIP'] })), { status: 422, audited: false });
    assert.ok(text(r.text).includes('Le mandant n\'a pas activé cette qualité.'));
    assert.ok(text(r.text).includes('Ces applications n\'appartiennent pas à la qualité choisie.'));
    assert.match(r.text, /<option value="youth_care" selected>/);
  });

  it('the cells of an existing mandate: wrong side, third organisation, stale version', async () => {
    const r = await post(who.gapA, `/acces/${ID.org}/mandats/nouveau`, proposal({ end: '2099-4' }));
    assert.equal(r.status, 303);
    const id = /mandats\/([0-9a-f]{32})/.exec(r.headers.get('location'))[1];
    await refused('the proposing side accepts', ID.claire,
      () => post(who.gapA, `/acces/${ID.org}/mandats/${id}/accepter`, { version: '1' }));
    await refused('a co-GAP of a third organisation accepts for B', ID.jan,
      () => post(who.cogapC, `/acces/${orgB}/mandats/${id}/accepter`, { version: '1' }));
    await refused('a co-GAP of a third organisation, through its own', ID.jan,
      () => post(who.cogapC, `/acces/${orgC}/mandats/${id}/fin`, { version: '1' }), { status: 404, audited: false });
    await refused('B\'s GL accepts', pid.nico,
      () => post(who.glB, `/acces/${orgB}/mandats/${id}/accepter`, { version: '1' }));
    await refused('A\'s GAP chooses who acts for B', ID.claire,
      () => post(who.gapA, `/acces/${ID.org}/mandats/${id}/utilisateur`, { version: '1', username: 'claire.dubois', apps: ['MEDSEIP'] }));
    await refused('a USER of A ends it', rows(srv, `SELECT id FROM person WHERE niss = '${NISS.marie}'`)[0].id,
      () => post(who.userA, `/acces/${ID.org}/mandats/${id}/fin`, { version: '1' }));
    const stale = await refused('a stale version', pid.sophie,
      () => post(who.gapB, `/acces/${orgB}/mandats/${id}/accepter`, { version: '7' }), { status: 409, audited: false });
    assert.match(text(stale.text), /modifié entre-temps/);
    // An application outside the mandate (SARA): a field error at the named user's form.
    const acc = await post(who.gapB, `/acces/${orgB}/mandats/${id}/accepter`, { version: '1' });
    assert.equal(acc.status, 303);
    const out = await refused('an application outside the mandate', pid.nico,
      () => post(who.glB, `/acces/${orgB}/mandats/${id}/utilisateur`, { version: '2', username: 'paul.b', apps: ['SARA'] }),
      { status: 422, audited: false });
    assert.ok(text(out.text).includes('Ces applications ne sont pas couvertes par le mandat.'));
    assert.equal(valueOf(out.text, 'username'), 'paul.b');
    // B refuses a second proposal: both sides told.
    const r2 = await post(who.gapA, `/acces/${ID.org}/mandats/nouveau`, proposal());
    const id2 = /mandats\/([0-9a-f]{32})/.exec(r2.headers.get('location'))[1];
    const no = await post(who.gapB, `/acces/${orgB}/mandats/${id2}/refuser`, { version: '1' });
    assert.equal(no.status, 303);
    assert.equal(rows(srv, `SELECT status FROM mandate WHERE public_id = '${id2}'`)[0].status, 'refused');
    assert.equal(mails(srv, 'mandate_refused').length, 2);
  });

  it('the remaining cells: B\'s GAP at password level, B\'s USER and GL, another quality\'s co-GL, a sub-department\'s GL, A choosing who serves', async () => {
    // B's world grows: youth care with Jan as GL and Lukas as co-GL (the health GL of A);
    // Els a user of B's health quality and GL of its sub-department «Antenne Nord».
    const qB = Number(rows(srv, `SELECT id FROM org_quality WHERE org_id = ${orgB} AND quality = 'health_related'`)[0].id);
    const youth = activateQuality(srv, { org: orgB, quality: 'youth_care', email: 'jeunesse@stric.example.be',
      gl: NISS.jan, username: 'jan.b', userEmail: 'jan@stric.example.be' });
    addAccount(srv, { org: orgB, quality: youth.quality, niss: NISS.lukas, type: 'COGL', username: 'lukas.b',
      email: 'lukas@stric.example.be' });
    pid.els = addPerson(srv, { niss: NISS.els, last: 'Claes', first: 'Els', username: 'els.b' });
    addAccount(srv, { org: orgB, quality: qB, niss: NISS.els, username: 'els.b', email: 'els@stric.example.be' });
    assert.equal((await post(who.gapB, `/acces/${orgB}/sous-departements`, { name: 'Antenne Nord', establishment: '', parent: '' })).status, 303);
    const nord = rows(srv, `SELECT id FROM subdept WHERE org_id = ${orgB} AND name = 'Antenne Nord'`)[0].id;
    assert.equal((await post(who.gapB, `/acces/${orgB}/sous-departements/${nord}/gestionnaire`,
      { quality: String(qB), username: 'els.b', type: 'GL' })).status, 303);
    const userB = await eidLogin(srv, ca, 'paul');
    const gapBpw = await login(srv, 'sophie.martin');
    const subGlB = await login(srv, 'els.b');

    // A new proposal of A, still proposed.
    const r = await post(who.gapA, `/acces/${ID.org}/mandats/nouveau`, proposal());
    assert.equal(r.status, 303);
    const id = /mandats\/([0-9a-f]{32})/.exec(r.headers.get('location'))[1];
    const at = (org, step) => `/acces/${org}/mandats/${id}${step ? `/${step}` : ''}`;
    // Accepting and refusing (POLICY_MANDATE_ACCEPT).
    await refused('B\'s GAP at password level accepts', pid.sophie, () => post(gapBpw, at(orgB, 'accepter'), { version: '1' }));
    await refused('a USER of B accepts', pid.paul, () => post(userB, at(orgB, 'accepter'), { version: '1' }));
    await refused('the proposing side refuses', ID.claire, () => post(who.gapA, at(ID.org, 'refuser'), { version: '1' }));
    await refused('B\'s GL refuses', pid.nico, () => post(who.glB, at(orgB, 'refuser'), { version: '1' }));
    assert.equal((await post(who.gapB, at(orgB, 'accepter'), { version: '1' })).status, 303);
    // Ending (POLICY_MANDATE_END).
    await refused('a USER of B ends it', pid.paul, () => post(userB, at(orgB, 'fin'), { version: '2' }));
    await refused('B\'s GL ends it', pid.nico, () => post(who.glB, at(orgB, 'fin'), { version: '2' }));
    await refused('A\'s GL ends it', ID.lukas, () => post(who.glA, at(ID.org, 'fin'), { version: '2' }));
    await refused('B\'s GAP at password level ends it', pid.sophie, () => post(gapBpw, at(orgB, 'fin'), { version: '2' }));
    // Who serves (POLICY_MANDATE_ASSIGN): only B's GAP, co-GAPs and GLs of the mandate's quality.
    const named = { version: '2', username: 'paul.b', apps: ['MEDSEIP'] };
    await refused('A\'s GAP chooses "all users" for B', ID.claire, () => post(who.gapA, at(ID.org, 'qui'), { version: '2', serve: 'all' }));
    await refused('A\'s GL names a user of B', ID.lukas, () => post(who.glA, at(ID.org, 'utilisateur'), named));
    await refused('a USER of B names himself', pid.paul, () => post(userB, at(orgB, 'utilisateur'), named));
    await refused('a co-GL of another quality of B names a user', ID.lukas, () => post(who.glA, at(orgB, 'utilisateur'), named));
    await refused('a co-GL of another quality of B chooses "all users"', ID.lukas, () => post(who.glA, at(orgB, 'qui'), { version: '2', serve: 'all' }));
    await refused('the GL of another quality of B names a user', ID.jan, () => post(who.cogapC, at(orgB, 'utilisateur'), named));
    await refused('a sub-department\'s GL of the mandate\'s quality names a user', pid.els, () => post(subGlB, at(orgB, 'utilisateur'), named));
    // Reading (POLICY_MANDATE_VIEW).
    await refused('a USER of B reads it', pid.paul, () => userB.get(at(orgB)));
    await refused('a co-GL of another quality of B reads it', ID.lukas, () => who.glA.get(at(orgB)));
    await refused('a sub-department\'s GL reads it', pid.els, () => subGlB.get(at(orgB)));
    // The one who may: B's GL of the mandate's quality names Paul; then removing him is
    // refused to the same people.
    assert.equal((await post(who.glB, at(orgB, 'utilisateur'), named)).status, 303);
    const acc = rows(srv, `SELECT id FROM account WHERE username = 'paul.b'`)[0].id;
    const remove = { version: '3', account: String(acc) };
    await refused('A\'s GAP removes a user of B', ID.claire, () => post(who.gapA, at(ID.org, 'retirer'), remove));
    await refused('a co-GL of another quality of B removes a user', ID.lukas, () => post(who.glA, at(orgB, 'retirer'), remove));
    await refused('a sub-department\'s GL removes a user', pid.els, () => post(subGlB, at(orgB, 'retirer'), remove));
    assert.equal((await post(who.gapA, at(ID.org, 'fin'), { version: '3' })).status, 303);
  });

  it('a mandate past its end reads as expired at once; `portier mandate expire` records it', async () => {
    const r = await post(who.gapA, `/acces/${ID.org}/mandats/nouveau`, proposal({ end: Q }));
    assert.equal(r.status, 303);
    const id = /mandats\/([0-9a-f]{32})/.exec(r.headers.get('location'))[1];
    assert.equal((await post(who.gapB, `/acces/${orgB}/mandats/${id}/accepter`, { version: '1' })).status, 303);
    // Time passes: its quarters are moved back, as the calendar would.
    sql(srv, `UPDATE mandate SET start_quarter = 20201, end_quarter = 20204 WHERE public_id = '${id}'`);
    const page = text((await who.gapB.get(`/acces/${orgB}/mandats/${id}`)).text);
    assert.match(page, /Statut Expiré/);
    assert.doesNotMatch(page, /Mettre fin/);
    await refused('ending an expired mandate', ID.claire,
      () => post(who.gapA, `/acces/${ID.org}/mandats/${id}/fin`, { version: '2' }), { status: 409, audited: false });
    const run = cli(srv, ['mandate', 'expire']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), '1 mandate expired');
    const row = rows(srv, `SELECT m.status, e.actor, e.side FROM mandate m JOIN mandate_event e ON e.mandate_id = m.id
      WHERE m.public_id = '${id}' AND e.status = 'expired'`);
    assert.equal(row.length, 1);
    assert.equal(row[0].status, 'expired');
    assert.equal(row[0].actor, null);
    assert.equal(row[0].side, null);
    assert.equal(mails(srv, 'mandate_expired').length, 2);
    assert.equal(cli(srv, ['mandate', 'expire']).stdout.trim(), '0 mandates expired');
  });
});
