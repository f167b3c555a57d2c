// csam_standard.test.js — guide §2.2.1 against a real server: the standard procedure with
// an eID session (trusted-proxy header), every refusal with its own message (no eID
// session, bad checksum, unknown, stopped, not a representative, function ended
// yesterday, function starting tomorrow, already registered), the registration form, the
// confirmation with "← Corriger" and "Confirmer", the success message; confirming twice
// registers once; "Autre personne"; the GAP replaced (the previous one notified); co-GAPs
// by the GAP only; refusals audited; no NISS in the logs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { stopWithoutNiss } from '../lib/checks.js';
import { Client } from '../lib/server.js';
import { auditEvents, mails, orgOf, orgs, personOf } from '../lib/world.js';
import {
  E, NISS_RE, P, alert, csrfOf, eidClient, formFields, isoDay, post, startWorld, text,
} from './csam_support.js';

/** dd/mm/yyyy of an ISO date. */
const frDate = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** Posts an enterprise number on the first page; returns the response. */
async function submitNumber(c, number) {
  const page = await c.get('/csam/gap');
  assert.equal(page.status, 200);
  return post(c, '/csam/gap', { _csrf: csrfOf(page.text), enterprise: number });
}

describe('standard procedure (guide §2.2.1)', () => {
  let world;
  let srv;

  before(async () => {
    world = await startWorld();
    srv = world.srv;
  });
  after(() => stopWithoutNiss(world, NISS_RE));

  it('without an eID session the page explains why and offers the eID door; a POST is refused and audited', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/csam/gap');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Désigner un Gestionnaire d&#39;Accès Principal<\/h1>/);
    assert.match(text(page.text), /vous devez être connecté avec votre carte d'identité électronique \(eID\)/);
    assert.match(page.text, /href="\/login\/eid\?next&#61;\/csam\/gap"/);
    assert.match(page.text, /href="\/csam\/exception"/);
    assert.doesNotMatch(page.text, /Enregistrer mon entreprise dans CSAM/);
    const before = auditEvents(srv, ['access.denied']).length;
    // The page has no form without eID: a token from another page of the same session.
    const csrf = csrfOf((await c.get('/login')).text);
    const res = await post(c, '/csam/gap', { _csrf: csrf, enterprise: E.zorgtech });
    assert.equal(res.status, 403);
    assert.match(res.text, /\/login\/eid\?next&#61;/);
    const ev = auditEvents(srv, ['access.denied']).slice(-1);
    assert.equal(auditEvents(srv, ['access.denied']).length, before + 1);
    assert.deepEqual(ev[0].details, { action: 'designate_gap', reason: 'level' });
    assert.equal(orgs(srv).length, 0);
  });

  it('with eID: the guide\'s first page, its explanation, the number and the button', async () => {
    const c = await eidClient(world, 'jan');
    const page = await c.get('/csam/gap');
    assert.equal(page.status, 200);
    const t = text(page.text);
    assert.match(t, /vous devez enregistrer votre entreprise dans CSAM/);
    assert.match(t, /vous devez exercer une fonction légale dans cette entreprise/);
    assert.match(page.text, /<a href="\/entreprises">BCE Public Search<\/a>/);
    assert.match(page.text, /<label for="enterprise">Numéro d&#39;entreprise<\/label>/);
    assert.match(page.text, /<button type="submit" class="primary">Enregistrer mon entreprise dans CSAM<\/button>/);
    assert.match(t, /Par téléphone au 02\/511\.51\.51/);
  });

  it('refuses each check with its own message', async () => {
    const c = await eidClient(world, 'jan');
    const cases = [
      ['1099.001.188', 422, /chiffres de contrôle/],
      ['BE 1200.000.163', 422, /1200\.000\.163 est inconnu de la Banque-Carrefour des Entreprises/],
      ['1099.008.812', 422, /n'est plus active dans la Banque-Carrefour des Entreprises/],
      [E.medidistri, 403, /Vous n'exercez actuellement aucune fonction légale/],
      [E.ostbelgien, 403, new RegExp(`a pris fin le ${frDate(isoDay(-1))}`)],
      [E.optik, 403, new RegExp(`ne commence que le ${frDate(isoDay(1))}`)],
    ];
    for (const [number, status, message] of cases) {
      const res = await submitNumber(c, number);
      assert.equal(res.status, status, `${number}: ${alert(res.text)}`);
      assert.match(alert(res.text) ?? '', message, number);
      // The number typed stays in the field.
      assert.match(res.text, new RegExp(`name="enterprise"[^>]*value="${number.replace(/\./g, '\\.')}"`));
      assert.match(res.text, /aria-invalid="true"/);
    }
    // Not a representative: the public lookup of that enterprise and the BCE helpdesk.
    const res = await submitNumber(c, E.medidistri);
    assert.match(res.text, new RegExp(`href="/entreprises/${E.medidistri}"`));
    assert.match(alert(res.text), /0800 120 33/);
    const denied = auditEvents(srv, ['access.denied']).filter((e) => e.org === E.ostbelgien);
    assert.equal(denied.length, 1);
    assert.equal(denied[0].details.reason, 'no_role');
    assert.equal(orgs(srv).length, 0);
  });

  it('registers the enterprise: form, errors kept, confirmation, ← Corriger, Confirmer, success; twice is once', async () => {
    const c = await eidClient(world, 'jan');
    const first = await submitNumber(c, '1099.001.189');
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), `/csam/gap/enregistrement?entreprise=${E.zorgtech}`);

    const form = await c.get(first.headers.get('location'));
    assert.equal(form.status, 200);
    const t = text(form.text);
    assert.match(form.text, /<h1>Enregistrement de l&#39;entreprise dans CSAM<\/h1>/);
    for (const label of ["L'entreprise", 'Numéro d\'entreprise 1099.001.189', 'Nom de l\'entreprise Zorgtech Distributie',
      'Adresse', 'Un Gestionnaire d\'Accès Principal doit être un membre du personnel ou un représentant légal de l\'entreprise.',
      'choisissez l\'option « Autre personne »', 'Vos données de contact', 'Nom Jan Peeters',
      'Numéro de registre national 85.07.30-033.28', 'E-mail *', 'Attention : les données de contact du Gestionnaire d\'Accès Principal sont également utilisées pour les campagnes de communication de CSAM.',
      'soit une adresse générale (ex. direction@entreprise.be).', 'Téléphone *', 'Suivant']) {
      assert.ok(t.includes(label), `the form lacks "${label}"`);
    }
    assert.match(form.text, /<label for="choice-self">Gestionnaire d&#39;Accès Principal<\/label>/);
    assert.match(form.text, /<label for="choice-other">Autre personne<\/label>/);

    // Bad e-mail and phone: 422, messages next to the fields, what was typed kept.
    const base = formFields(form.text, '/csam/gap/enregistrement');
    let res = await post(c, '/csam/gap/enregistrement', { ...base, choice: 'self', email: 'direction@', phone: '12' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="email-error">Introduisez une adresse e-mail valide/);
    assert.match(res.text, /id="phone-error">Introduisez un numéro de téléphone valide/);
    assert.match(res.text, /name="email"[^>]*value="direction@"/);

    res = await post(c, '/csam/gap/enregistrement', { ...base, choice: 'self', email: 'direction@zorgtech.example', phone: '+32 9 123 45 67' });
    assert.equal(res.status, 200);
    const ct = text(res.text);
    assert.match(res.text, /<h1>Enregistrement de l&#39;entreprise dans CSAM - Confirmation<\/h1>/);
    for (const s of ['Numéro d\'entreprise 1099.001.189', 'Nom Jan Peeters', 'Numéro de registre national 85.07.30-033.28',
      'E-mail direction@zorgtech.example', 'Téléphone +32 9 123 45 67', 'Conditions d\'activation',
      'Je confirme que ces données sont complètes et correctes.', 'Oui, je confirme', '← Corriger', 'Confirmer']) {
      assert.ok(ct.includes(s), `the confirmation lacks "${s}"`);
    }
    const confirm = formFields(res.text, '/csam/gap/confirmation');
    assert.match(confirm.token, /^[0-9a-f]{32}$/);

    // ← Corriger: the form again, with what was typed.
    res = await post(c, '/csam/gap/confirmation', { ...confirm, back: '1' });
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Enregistrement de l&#39;entreprise dans CSAM<\/h1>/);
    assert.match(res.text, /name="email"[^>]*value="direction@zorgtech\.example"/);
    assert.match(res.text, /name="phone"[^>]*value="\+32 9 123 45 67"/);

    // Confirmer without "Oui, je confirme": asked again, nothing stored.
    res = await post(c, '/csam/gap/confirmation', { ...confirm, confirm: '1' });
    assert.equal(res.status, 422);
    assert.match(alert(res.text), /Cochez « Oui, je confirme »/);
    assert.equal(formFields(res.text, '/csam/gap/confirmation').token, confirm.token);
    assert.equal(orgs(srv).length, 0);

    // Confirmer, then the same again (back button, replay) and twice at once (double click).
    const body = { ...confirm, confirm: '1', accept: 'yes' };
    res = await post(c, '/csam/gap/confirmation', body);
    assert.equal(res.status, 303);
    const done = res.headers.get('location');
    assert.equal(done, `/csam/gap/resultat?t=${confirm.token}`);
    const again = await Promise.all([post(c, '/csam/gap/confirmation', body), post(c, '/csam/gap/confirmation', body)]);
    for (const a of again) {
      assert.equal(a.status, 303);
      assert.equal(a.headers.get('location'), done);
    }
    assert.ok(orgOf(srv, { enterprise: E.zorgtech }), 'registered');
    assert.equal(orgs(srv).length, 1, 'once');
    assert.equal(mails(srv, 'gap_designated').length, 1);

    const success = await c.get(done);
    assert.equal(success.status, 200);
    assert.match(text(success.text), /Votre entreprise est à présent reconnue dans CSAM et vous êtes identifié\(e\) comme le gestionnaire d'accès principal\./);
    assert.match(text(success.text), /centredecontact@eranova\.fgov\.be/);
    // Someone else cannot read the outcome by its token.
    const other = await eidClient(world, 'claire');
    assert.equal((await other.get(done)).status, 404);

    const o = orgOf(srv, { enterprise: E.zorgtech });
    const org = [{ procedure: o.procedure, contact_email: o.contact_email, contact_phone: o.contact_phone, name: o.name,
      niss: o.managers.filter((m) => m.role === 'GAP').map((m) => m.niss).join() }];
    assert.deepEqual(org, [{ procedure: 'standard', contact_email: 'direction@zorgtech.example', contact_phone: '+32 9 123 45 67', name: 'Zorgtech Distributie', niss: P.jan.niss }]);
    const mail = mails(srv, 'gap_designated')[0];
    assert.equal(mail.recipient, 'direction@zorgtech.example');
    assert.match(mail.body, /Zorgtech Distributie \(numéro d'entreprise 1099\.001\.189\)/);
    const actions = auditEvents(srv).filter((e) => e.org === E.zorgtech).map((r) => r.action);
    assert.deepEqual(actions.filter((a) => a.startsWith('org.')), ['org.register', 'org.gap.designate']);
  });

  it('an enterprise already registered: who its GAP is, and the way to replace', async () => {
    const c = await eidClient(world, 'els');
    const res = await submitNumber(c, E.zorgtech);
    assert.equal(res.status, 422);
    assert.match(alert(res.text), /est déjà enregistrée dans CSAM\. Son Gestionnaire d'Accès Principal est Jan Peeters/);
    assert.match(res.text, new RegExp(`href="/csam/gap/remplacement\\?entreprise&#61;${E.zorgtech}"`));
    assert.doesNotMatch(alert(res.text), /85\.07|85073003328|@/, 'only the name of the GAP');
  });

  it('"Autre personne": a person of the persons register, checked by name, through a representing enterprise', async () => {
    const c = await eidClient(world, 'claire');
    const first = await submitNumber(c, '1099.004.456');
    assert.equal(first.status, 303, alert(first.text));
    const formPage = await c.get(`/csam/gap/enregistrement?entreprise=${E.orthomed}`);
    const base = formFields(formPage.text, '/csam/gap/enregistrement');
    let res = await post(c, '/csam/gap/enregistrement', { ...base, choice: 'other', niss: '93.01.14-310.66', last_name: 'Dupont', email: 'info@orthomed.example', phone: '081 22 33 44' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="last_name-error">Ce nom ne correspond pas/);
    res = await post(c, '/csam/gap/enregistrement', { ...base, choice: 'other', niss: '93.01.14-310.66', last_name: 'claes', email: 'info@orthomed.example', phone: '081 22 33 44' });
    assert.equal(res.status, 200, alert(res.text));
    assert.match(text(res.text), /Nom Nathalie Claes Numéro de registre national 93\.01\.14-310\.66/);
    const confirm = formFields(res.text, '/csam/gap/confirmation');
    res = await post(c, '/csam/gap/confirmation', { ...confirm, confirm: '1', accept: 'yes' });
    assert.equal(res.status, 303);
    const done = await c.get(res.headers.get('location'));
    assert.match(text(done.text), /Votre entreprise est à présent reconnue dans CSAM et Nathalie Claes est identifié\(e\) comme le gestionnaire d'accès principal\./);
    assert.equal(personOf(srv, P.nathalie.niss)?.niss, P.nathalie.niss);
  });

  it('replaces the GAP by a current legal representative; the previous GAP is notified', async () => {
    const jan = await eidClient(world, 'jan');
    const els = await eidClient(world, 'els');
    // Not registered yet: nothing to replace.
    let res = await els.get(`/csam/gap/remplacement?entreprise=${E.dentalia}`);
    assert.equal(res.status, 422);
    assert.match(alert(res.text), /n'est pas encore enregistrée/);
    // Lukas is no representative of Zorgtech.
    const lukas = await eidClient(world, 'lukas');
    res = await lukas.get(`/csam/gap/remplacement?entreprise=${E.zorgtech}`);
    assert.equal(res.status, 403);

    res = await els.get(`/csam/gap/remplacement?entreprise=${E.zorgtech}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Remplacement du Gestionnaire d&#39;Accès Principal<\/h1>/);
    assert.match(text(res.text), /Gestionnaire d'Accès Principal actuel Jan Peeters/);
    const base = formFields(res.text, '/csam/gap/remplacement');
    res = await post(els, '/csam/gap/remplacement', { ...base, choice: 'self', email: 'gestion@zorgtech.example', phone: '09 123 45 67' });
    assert.equal(res.status, 200, alert(res.text));
    const confirm = formFields(res.text, '/csam/gap/confirmation');
    assert.equal(confirm.mode, 'replace');
    res = await post(els, '/csam/gap/confirmation', { ...confirm, confirm: '1', accept: 'yes' });
    assert.equal(res.status, 303);
    const done = await els.get(res.headers.get('location'));
    assert.match(text(done.text), /est à présent Els Maria Van den Broeck\. L'ancien Gestionnaire d'Accès Principal en a été informé\./);
    const replaced = mails(srv).filter((m) => m.kind.startsWith('gap_replaced')).map(({ kind, recipient }) => ({ kind, recipient }));
    assert.deepEqual(replaced, [
      { kind: 'gap_replaced_previous', recipient: 'direction@zorgtech.example' },
      { kind: 'gap_replaced', recipient: 'gestion@zorgtech.example' },
    ]);
    assert.equal(auditEvents(srv, ['org.gap.replace']).filter((e) => e.org === E.zorgtech).length, 1);
    // Jan, still a representative but no longer GAP, sees the organisation without the co-GAP form.
    const orgId = orgOf(srv, { enterprise: E.zorgtech }).id;
    res = await jan.get(`/csam/organisation/${orgId}`);
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text, /Désigner un Co-Gestionnaire/);
    assert.match(res.text, /Remplacer le Gestionnaire d&#39;Accès Principal/);
  });

  it('co-GAPs: the GAP designates them by NISS, the list shows since when, removal; others are refused', async () => {
    const els = await eidClient(world, 'els');
    const jan = await eidClient(world, 'jan');
    const orgId = orgOf(srv, { enterprise: E.zorgtech }).id;
    const page = await els.get(`/csam/organisation/${orgId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Co-Responsable des Accès/);
    const action = `/csam/organisation/${orgId}/cogap`;
    let res = await post(els, action, { _csrf: csrfOf(page.text), niss: '90022800193', last_name: 'Schmidt', email: 'lukas@zorgtech.example' });
    assert.equal(res.status, 422);
    assert.match(res.text, /id="last_name-error"/);
    res = await post(els, action, { _csrf: csrfOf(page.text), niss: '90.02.28-001.93', last_name: 'Schmitz', email: 'lukas@zorgtech.example' });
    assert.equal(res.status, 303);
    const list = await els.get(res.headers.get('location'));
    assert.match(text(list.text), new RegExp(`Lukas Schmitz ${frDate(isoDay(0)).replace(/\//g, '\\/')}`));
    assert.match(list.text, /role="status">Le Co-Gestionnaire d&#39;Accès Principal a été désigné/);
    assert.equal(mails(srv, 'cogap_added').filter((m) => m.recipient === 'lukas@zorgtech.example').length, 1);
    // Jan (legal representative, not GAP) may not: 403 and an audit event.
    const before = auditEvents(srv, ['access.denied']).length;
    res = await post(jan, action, { _csrf: csrfOf((await jan.get(`/csam/organisation/${orgId}`)).text), niss: P.anna.niss, last_name: 'Weber', email: 'anna@zorgtech.example' });
    assert.equal(res.status, 403);
    assert.equal(auditEvents(srv, ['access.denied']).length, before + 1);
    // A stranger cannot even see the organisation.
    const anna = await eidClient(world, 'anna');
    assert.equal((await anna.get(`/csam/organisation/${orgId}`)).status, 403);
    // Removal.
    const lukasId = personOf(srv, P.lukas.niss).id;
    res = await post(els, `${action}/supprimer`, { _csrf: csrfOf(list.text), person: String(lukasId) });
    assert.equal(res.status, 303);
    const after = await els.get(res.headers.get('location'));
    assert.doesNotMatch(text(after.text), /Lukas Schmitz/);
    assert.match(text(after.text), /Aucun Co-Gestionnaire d'Accès Principal n'est désigné/);
    // The organisations of the GAP on the entry page.
    const home = await els.get('/csam');
    assert.match(text(home.text), /Zorgtech Distributie 1099\.001\.189 Gestionnaire d'Accès Principal/);
  });

  it('a form posted without its CSRF token changes nothing', async () => {
    const c = await eidClient(world, 'anna');
    const res = await post(c, '/csam/gap', { enterprise: E.optik });
    assert.equal(res.status, 403);
  });
});
