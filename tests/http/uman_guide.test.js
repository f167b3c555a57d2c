// uman_guide.test.js — guide §3 and §4 walked through the pages of a real server: the demo
// GAP (Claire Dubois, PharmaPlatel) activates "Institution liée au domaine de la santé"
// with Lukas Schmitz as local manager, who adds a user with "Portail MEDSEIP", lists,
// filters, exports, edits (and meets a concurrent edit), makes a co-manager, suspends and
// removes. Every form is also sent bad input: the page keeps what was typed and the
// database is unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { accounts, auditCount, auditCountWhere, namesOf, personOf, qualities } from '../lib/world.js';

import {
  APPS, HEALTH, ID, NISS, activate, addUser, csrfOf, h1Of, login, post, startDemo,
  text, valueOf,
} from './uman_lib.js';

describe('access management, guide §3 and §4', () => {
  let srv;
  /** The account of this id, as the GAP lists the users of the organisation. */
  const account = (id) => accounts(srv, { org: 1 }).find((a) => a.account === id);
  const accountIds = () => [...new Set(accounts(srv, { org: 1 }).map((a) => a.account))];
  let gap;        // Claire Dubois
  let gl;         // Lukas Schmitz
  let q;          // the activated health quality
  let user;       // the account added by the local manager

  before(async () => {
    srv = await startDemo();
    gap = await login(srv, 'claire.dubois');
  });
  after(() => srv?.stop());

  it('home: the welcome text, the entity and the role link "Responsable Accès Entité"', async () => {
    const r = await gap.get('/acces');
    assert.equal(r.status, 200);
    assert.equal(h1Of(r.text), "Gestion d'accès pour Entreprises et Organisations");
    const t = text(r.text);
    assert.match(t, /Bienvenue Claire Dubois, vous vous trouvez sur la page d'accueil/);
    assert.match(t, /Dans la liste déroulante ci-dessous se trouvent toutes les entités/);
    assert.match(r.text, /<option value="1" selected>PharmaPlatel/);
    assert.match(t, /Dénomination: PharmaPlatel; Numéro d'entreprise: 1029\.026\.082 \(Responsable Accès Entité\)/);
    assert.match(r.text, /<a href="\/acces\/1">/);
  });

  it('a visitor without session is sent to the login page, then to the capacity choice', async () => {
    const { Client } = await import('../lib/server.js');
    const anon = new Client(srv.url);
    const r = await anon.fetch('/acces/1');
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /^\/login\?level=1&next=/);
  });

  it('entity page: data, reminder, "Liste des qualités", "Activer la qualité" and the menu', async () => {
    const r = await gap.get('/acces/1');
    assert.equal(r.status, 200);
    const t = text(r.text);
    for (const s of ['Dénomination: PharmaPlatel', "Numéro d'entreprise: 1029.026.082",
      'Date de création:', 'Pensez à vérifier régulièrement', 'Liste des qualités',
      'Activer la qualité']) assert.ok(t.includes(s), `missing "${s}"`);
    assert.match(r.text, /<option value="health_related">Institution liée au domaine de la santé<\/option>/);
    for (const [href, label] of [['/acces/1', 'Accueil - Liste des qualités'],
      ['/acces/1/entreprise', "Consulter ou modifier le détail de l'entreprise"],
      ['/acces/1/co-responsables', 'Co-Responsable des Accès'],
      ['/acces/1/utilisateurs', 'Rechercher utilisateurs'],
      ['/acces/mes-donnees?org&#61;1', 'Modifier mes données personnelles'],
      ['/compte/mot-de-passe', 'Modifier mon mot de passe'],
      ['/acces/certificat?org&#61;1', 'Gestion du certificat']]) {
      assert.ok(r.text.includes(`href="${href}"`), `menu entry ${href}`);
      assert.ok(t.includes(label), `menu label ${label}`);
    }
    // Each entry works.
    for (const p of ['/acces/1/entreprise', '/acces/1/co-responsables', '/acces/1/utilisateurs',
      '/acces/mes-donnees?org=1', '/acces/certificat?org=1', '/acces/1/hierarchie',
      '/acces/1/journal']) {
      const e = await gap.get(p);
      assert.equal(e.status, 200, `${p}: ${e.status}`);
    }
  });

  it('step 1 refuses a bad e-mail and a bad NISS, keeps them, changes nothing', async () => {
    const s1 = await gap.get('/acces/1/activer?qualite=health_related');
    assert.equal(s1.status, 200);
    assert.equal(h1Of(s1.text), 'Activer une qualité');
    const t = text(s1.text);
    for (const s of ["Données d'identification de la qualité", `Qualité : ${HEALTH}`,
      'Données de contact de la qualité', 'Adresse e-mail de la qualité *',
      'Je désire assurer moi-même la gestion de la qualité',
      'Je veux désigner un Gestionnaire local pour gérer la qualité'])
      assert.ok(t.includes(s), `step 1 lacks "${s}"`);
    const bad = await post(gap, '/acces/1/activer/gestionnaire', {
      quality: 'health_related', email_quality: 'sante@pharma', mode: 'gl', niss: '90.02.28-001.94',
    });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'email_quality'), 'sante@pharma');
    assert.equal(valueOf(bad.text, 'niss'), '90.02.28-001.94');
    assert.match(bad.text, /id="err-email-quality"/);
    assert.match(bad.text, /id="err-niss"/);
    assert.match(bad.text, /id="mode-gl" name="mode" value="gl" checked/);
    const none = await post(gap, '/acces/1/activer/gestionnaire', {
      quality: 'health_related', email_quality: '', mode: '', niss: '',
    });
    assert.equal(none.status, 422);
    assert.match(none.text, /id="err-mode"/);
    assert.equal(qualities(srv, { org: 1 }).length, 0);
  });

  it('step 2 prefills the local manager, lists the 9 applications; bad input is kept', async () => {
    const s2 = await post(gap, '/acces/1/activer/gestionnaire', {
      quality: 'health_related', email_quality: 'sante@pharmaplatel.example.be', mode: 'gl',
      niss: '90.02.28-001.93',
    });
    assert.equal(s2.status, 200);
    assert.equal(valueOf(s2.text, 'last_name'), 'Schmitz');
    assert.equal(valueOf(s2.text, 'first_name'), 'Lukas');
    assert.match(s2.text, /name="last_name"[^>]*readonly/);
    const t = text(s2.text);
    for (const s of ["Nom d'utilisateur", 'Titre', 'NISS', 'Choix linguistique',
      'Adresse e-mail utilisateur *', 'Adresse e-mail locale', 'Applications sécurisées',
      'Portail MEDSEIP', 'Source Authentique des Dispositifs Médicaux', 'Précédent', 'Enregistrer'])
      assert.ok(t.includes(s), `step 2 lacks "${s}"`);
    assert.equal([...s2.text.matchAll(/type="checkbox"[^>]*name="apps"/g)].length, 9);
    for (const code of APPS) assert.ok(s2.text.includes(`value="${code}"`), code);
    // Bad: taken user name? (none yet) — an empty e-mail, a bad local e-mail, a foreign app.
    const bad = await post(gap, '/acces/1/activer/confirmation', {
      quality: 'health_related', email_quality: 'sante@pharmaplatel.example.be', mode: 'gl',
      niss: NISS.lukas, locked: '1', username: 'l', last_name: 'Schmitz', first_name: 'Lukas',
      title: 'M.', language: 'xx', email: '', local_email: 'local@', apps: ['MEDSEIP', 'DIMONA'],
    });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'username'), 'l');
    assert.equal(valueOf(bad.text, 'local_email'), 'local@');
    for (const id of ['err-username', 'err-email', 'err-local-email', 'err-apps', 'err-language'])
      assert.ok(bad.text.includes(`id="${id}"`), id);
    assert.match(bad.text, /value="MEDSEIP" aria-describedby="app-\d+-desc" checked/);
    assert.equal(qualities(srv, { org: 1 }).length, 0);
    assert.equal(accountIds().length, 0);
  });

  it('confirmation with "Précédent" and "Confirmer"; "La qualité a bien été activée"; twice is once', async () => {
    const fields = {
      quality: 'health_related', email_quality: 'sante@pharmaplatel.example.be', mode: 'gl',
      niss: NISS.lukas, locked: '1', username: 'lukas.schmitz', last_name: 'Schmitz',
      first_name: 'Lukas', title: 'M.', language: 'de', email: 'lukas.schmitz@example.be',
      local_email: '', apps: ['SADM', 'MEDSEIP'],
    };
    const s3 = await post(gap, '/acces/1/activer/confirmation', fields);
    assert.equal(s3.status, 200);
    const t = text(s3.text);
    for (const s of ['Veuillez confirmer les données', `Qualité : ${HEALTH}`,
      'Adresse e-mail de la qualité : sante@pharmaplatel.example.be', "Nom d'utilisateur : lukas.schmitz",
      'NISS : 90.02.28-001.93', 'Choix linguistique : Allemand', 'Statut : Actif',
      'Portail MEDSEIP', 'Source Authentique des Dispositifs Médicaux', 'Précédent', 'Confirmer'])
      assert.ok(t.includes(s), `confirmation lacks "${s}"`);
    assert.ok(!t.includes('Tableau de bord de monitoring eHealth'), 'unticked applications are not shown');
    // "Précédent" goes back with everything kept.
    const back = await post(gap, '/acces/1/activer/enregistrer', { ...fields, back: '1' });
    assert.equal(back.status, 200);
    assert.equal(valueOf(back.text, 'username'), 'lukas.schmitz');
    assert.match(back.text, /value="SADM" aria-describedby="app-\d+-desc" checked/);
    assert.equal(qualities(srv, { org: 1 }).length, 0);
    // "Confirmer", twice.
    for (let i = 0; i < 2; i++) {
      const done = await post(gap, '/acces/1/activer/enregistrer', fields);
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), '/acces/1?ok=activated');
    }
    assert.equal(qualities(srv, { org: 1 }).length, 1);
    assert.equal(auditCount(srv, ['quality.activate']), 1);
    q = qualities(srv, { org: 1 }).find((x) => x.code === 'health_related').id;
    const page = await gap.get('/acces/1?ok=activated');
    assert.match(text(page.text), /✓ La qualité a bien été activée/);
    assert.ok(page.text.includes(`<a href="/acces/1/qualite/${q}">${HEALTH}</a>`));
    assert.ok(!page.text.includes('<option value="health_related">'), 'no longer offered');
    assert.deepEqual(accounts(srv, { org: 1, quality: q }).map(({ type, username, language }) => ({ type, username, language })),
      [{ type: 'GL', username: 'lukas.schmitz', language: 'de' }]);
    assert.deepEqual(accounts(srv, { org: 1, quality: q }).flatMap((a) => a.applications).sort(), ['MEDSEIP', 'SADM']);
  });

  it('the local manager sees "Gestionnaire Local" and the users of the quality', async () => {
    gl = await login(srv, 'lukas.schmitz');
    const home = await gl.get('/acces');
    assert.match(text(home.text), new RegExp(`Qualité: ${HEALTH}; Numéro d'entreprise: 1029\\.026\\.082 \\(Gestionnaire Local\\)`));
    const list = await gl.get(`/acces/1/qualite/${q}`);
    assert.equal(list.status, 200);
    const t = text(list.text);
    for (const s of ["Dénomination: PharmaPlatel; Numéro d'entreprise: 1029.026.082",
      `Qualité: ${HEALTH}; Numéro d'entreprise: 1029.026.082`, 'Utilisateurs',
      'Afficher la liste des utilisateurs en fonction des critères suivants', 'Nom :', 'Prénom :',
      "Nom d'utilisateur :", 'Type :', 'NISS :', 'Statut :', 'Applications sécurisées :',
      'Un utilisateur trouvé.', 'Supprimer utilisateur(s)', 'Exécuter',
      'Exporter les utilisateurs (.csv)', 'Ajouter un utilisateur', 'NISS:', 'Suivant'])
      assert.ok(t.includes(s), `users page lacks "${s}"`);
    assert.match(t, /Schmitz Lukas lukas\.schmitz GL 90\.02\.28-001\.93 Actif/);
    // The guide's menu "Gestion Qualité".
    for (const s of ['Utilisateurs', 'Consulter ou modifier le détail de la qualité',
      'Rechercher utilisateurs', 'Fonctions et hiérarchie de responsabilité'])
      assert.ok(t.includes(s), `menu lacks ${s}`);
    assert.ok(!list.text.includes('href="/acces/1/co-responsables"'), 'no organisation entries for a GL');
    gl.csrf = csrfOf(list.text);
  });

  it('"Ajouter un utilisateur": a bad NISS is refused and kept', async () => {
    const bad = await post(gl, `/acces/1/qualite/${q}/nouveau`, { niss: '12.34.56-789.00', type: 'USER' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'niss'), '12.34.56-789.00');
    assert.match(bad.text, /id="err-niss"/);
    const gl2 = await post(gl, `/acces/1/qualite/${q}/nouveau`, { niss: NISS.lukas, type: 'USER' });
    assert.equal(gl2.status, 422, 'already in the quality');
    assert.match(text(gl2.text), /déjà utilisateur de cette qualité/);
  });

  it('"Création d\'un Utilisateur" prefilled from the persons register; bad input kept', async () => {
    const form = await post(gl, `/acces/1/qualite/${q}/nouveau`, { niss: '72.11.05-122.56', type: 'USER' });
    assert.equal(form.status, 200);
    assert.equal(h1Of(form.text), "Création d'un Utilisateur");
    assert.match(text(form.text), /Les champs marqués d'un \* sont obligatoires/);
    assert.equal(valueOf(form.text, 'last_name'), 'Van den Broeck');
    assert.equal(valueOf(form.text, 'first_name'), 'Els Maria');
    // Known to the persons register: its names, shown read-only (a manager does not write
    // a person's identity).
    assert.match(form.text, /name="last_name"[^>]*readonly/);
    assert.match(form.text, /name="first_name"[^>]*readonly/);
    assert.match(form.text, /name="locked" value="1"/);
    const base = {
      niss: NISS.els, type: 'USER', username: 'lukas.schmitz', last_name: 'Van den Broeck',
      first_name: 'Els Maria', title: 'Mme', language: 'nl', email: 'els@', local_email: '',
      apps: ['MEDSEIP', 'NOT_AN_APP'],
    };
    const bad = await post(gl, `/acces/1/qualite/${q}/nouveau/confirmation`, base);
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'username'), 'lukas.schmitz');
    assert.equal(valueOf(bad.text, 'email'), 'els@');
    for (const id of ['err-username', 'err-email', 'err-apps']) assert.ok(bad.text.includes(`id="${id}"`), id);
    assert.match(text(bad.text), /Ce nom d'utilisateur est déjà utilisé/);
    // Other names typed all the same (the form tampered with): the register's are shown.
    const forged = await post(gl, `/acces/1/qualite/${q}/nouveau/confirmation`,
      { ...base, username: 'els.vdb', email: 'els@example.be', apps: [], last_name: 'Fausse', first_name: 'Identite' });
    assert.equal(forged.status, 200);
    assert.ok(text(forged.text).includes('Nom : Van den Broeck'), 'the register\'s last name on the confirmation');
    assert.ok(!text(forged.text).includes('Fausse'));
    // The save step checks again: the same bad data is refused there too.
    const badSave = await post(gl, `/acces/1/qualite/${q}/nouveau/enregistrer`, base);
    assert.equal(badSave.status, 422);
    assert.equal(personOf(srv, NISS.els), null);
    assert.equal(accountIds().length, 1);
  });

  it('confirmation, "L\'utilisateur a été ajouté", "2 utilisateurs trouvés."', async () => {
    const fields = {
      niss: NISS.els, type: 'USER', username: 'els.vdb', last_name: 'Van den Broeck',
      first_name: 'Els Maria', title: 'Mme', language: 'nl', email: 'els@example.be',
      local_email: 'els.local@example.be', apps: ['MEDSEIP'],
    };
    const c = await post(gl, `/acces/1/qualite/${q}/nouveau/confirmation`, fields);
    assert.equal(c.status, 200);
    const t = text(c.text);
    for (const s of ['Veuillez confirmer les données introduites', "Nom d'utilisateur : els.vdb",
      'Nom : Van den Broeck', 'Prénom : Els Maria', 'NISS : 72.11.05-122.56',
      'Choix linguistique : Néerlandais', 'Statut : Actif', 'Portail MEDSEIP', 'Précédent', 'Confirmer'])
      assert.ok(t.includes(s), `confirmation lacks "${s}"`);
    // Saved with other names posted (the read-only fields tampered with): the person
    // carries the register's, for every organisation and relying party.
    const done = await post(gl, `/acces/1/qualite/${q}/nouveau/enregistrer`,
      { ...fields, last_name: 'Fausse', first_name: 'Identite' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `/acces/1/qualite/${q}?ok=user_added`);
    assert.deepEqual(namesOf(srv, NISS.els),
      { last_name: 'Van den Broeck', first_name: 'Els Maria', name_source: 'register' });
    const again = await post(gl, `/acces/1/qualite/${q}/nouveau/enregistrer`, fields);
    assert.equal(again.status, 409, 'confirming twice adds once');
    const list = await gl.get(`/acces/1/qualite/${q}?ok=user_added`);
    const lt = text(list.text);
    assert.match(lt, /✓ L'utilisateur a été ajouté/);
    assert.match(lt, /Les données de l'utilisateur ont bien été enregistrées/);
    assert.match(lt, /2 utilisateurs trouvés\./);
    assert.match(lt, /Van den Broeck Els Maria els\.vdb USER 72\.11\.05-122\.56 Actif/);
    user = accounts(srv, { org: 1 }).find((a) => a.username === 'els.vdb').account;
    assert.deepEqual(account(user).applications, ['MEDSEIP']);
    assert.equal(auditCountWhere(srv, ['user.add'], { actor: ID.lukas,
      object: `person:${personOf(srv, NISS.els).id}` }), 1);
  });

  it('filters and pages; a bad NISS filter is kept with its message', async () => {
    const f = async (fields) => text((await post(gl, `/acces/1/qualite/${q}`, fields)).text);
    assert.match(await f({ f_type: 'USER' }), /Un utilisateur trouvé\./);
    assert.match(await f({ f_type: 'GL' }), /Un utilisateur trouvé\. .*Schmitz Lukas/);
    assert.match(await f({ f_last_name: 'van' }), /Un utilisateur trouvé\./);
    assert.match(await f({ f_first_name: 'zzz' }), /Aucun utilisateur trouvé\./);
    assert.match(await f({ f_username: 'ELS' }), /Un utilisateur trouvé\./);
    assert.match(await f({ f_niss: '72110512256' }), /Un utilisateur trouvé\./);
    assert.match(await f({ f_status: 'suspended' }), /Aucun utilisateur trouvé\./);
    assert.match(await f({ f_application: 'MEDSEIP' }), /2 utilisateurs trouvés\./);
    assert.match(await f({ f_application: 'SADM' }), /Un utilisateur trouvé\./);
    const bad = await post(gl, `/acces/1/qualite/${q}`, { f_niss: '7211', f_last_name: 'Van' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'f_niss'), '7211');
    assert.equal(valueOf(bad.text, 'f_last_name'), 'Van');
    assert.match(bad.text, /id="err-f-niss"/);
  });

  it('"Exporter les utilisateurs (.csv)": BOM, separator, NISS formatted, applications as codes', async () => {
    const csv = async (fields) => {
      const body = new URLSearchParams({ _csrf: gl.csrf, ...fields });
      const res = await gl.fetch(`/acces/1/qualite/${q}/export`, { method: 'POST', body });
      const bytes = Buffer.from(await res.arrayBuffer());
      return { res, bytes, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
    };
    const r = await csv({ sep: ';' });
    assert.equal(r.res.status, 200);
    assert.equal(r.res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(r.res.headers.get('content-disposition'), /^attachment; filename="utilisateurs-1-\d+\.csv"$/);
    assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    assert.ok(r.text.startsWith('\uFEFF'));
    const lines = r.text.slice(1).split('\r\n');
    assert.equal(lines.at(-1), '');
    assert.deepEqual(lines[0].split(';'), ['Nom', 'Prénom', "Nom d'utilisateur", 'Type', 'NISS', 'Statut',
      'Titre', 'Choix linguistique', 'Adresse e-mail utilisateur', 'Adresse e-mail locale',
      'Date création', 'Date modification', 'Applications sécurisées']);
    assert.equal(lines.length, 4);
    const schmitz = lines[1].split(';');
    assert.deepEqual(schmitz.slice(0, 6), ['Schmitz', 'Lukas', 'lukas.schmitz', 'GL', '90.02.28-001.93', 'Actif']);
    assert.equal(schmitz[12], 'MEDSEIP SADM');
    const els = lines[2].split(';');
    assert.deepEqual(els.slice(0, 5), ['Van den Broeck', 'Els Maria', 'els.vdb', 'USER', '72.11.05-122.56']);
    assert.equal(els[9], 'els.local@example.be');
    const comma = await csv({ sep: ',', f_type: 'USER' });
    const cl = comma.text.slice(1).split('\r\n');
    assert.equal(cl.length, 3);
    assert.ok(cl[0].startsWith('Nom,Prénom,'));
    assert.equal(auditCount(srv, ['users.export']), 2);
  });

  it('editing a user; two managers editing: the second save is refused with a message', async () => {
    const page = await gl.get(`/acces/1/qualite/${q}/utilisateur/${user}`);
    assert.equal(page.status, 200);
    assert.equal(h1Of(page.text), 'Modifier un utilisateur');
    const version = valueOf(page.text, 'version');
    const gapPage = await gap.get(`/acces/1/qualite/${q}/utilisateur/${user}`);
    assert.equal(valueOf(gapPage.text, 'version'), version);
    const fields = {
      version, type: 'USER', username: 'els.vdb', title: 'Mme', language: 'fr',
      email: 'els@example.be', local_email: '', apps: ['MEDSEIP', 'SAA'],
    };
    const first = await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}`, fields);
    assert.equal(first.status, 303);
    const second = await post(gap, `/acces/1/qualite/${q}/utilisateur/${user}`,
      { ...fields, language: 'en', apps: [] });
    assert.equal(second.status, 409);
    assert.match(text(second.text), /modifié par une autre personne depuis que vous avez ouvert cette page/);
    assert.deepEqual([account(user)].map(({ language, version: v }) => ({ language, version: v })),
      [{ language: 'fr', version: Number(version) + 1 }]);
    assert.deepEqual([...account(user).applications].sort(), ['MEDSEIP', 'SAA']);
    // A bad e-mail is refused and kept.
    const bad = await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}`,
      { ...fields, version: String(Number(version) + 1), email: 'nope' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'email'), 'nope');
    assert.equal(account(user).email, 'els@example.be');
  });

  it('co-manager and back; suspension and reactivation', async () => {
    const v = () => String(account(user).version);
    const base = { type: 'COGL', username: 'els.vdb', title: 'Mme', language: 'fr',
      email: 'els@example.be', local_email: '', apps: ['MEDSEIP'] };
    assert.equal((await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}`, { ...base, version: v() })).status, 303);
    assert.equal(account(user).type, 'COGL');
    assert.equal((await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}`, { ...base, type: 'USER', version: v() })).status, 303);
    assert.equal(account(user).type, 'USER');
    const s = await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}/statut`, { action: 'suspend', version: v() });
    assert.equal(s.status, 303);
    assert.equal(account(user).status, 'suspended');
    const list = await post(gl, `/acces/1/qualite/${q}`, { f_status: 'suspended' });
    assert.match(text(list.text), /Un utilisateur trouvé\. .*Suspendu/);
    const stale = await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}/statut`, { action: 'reactivate', version: '1' });
    assert.equal(stale.status, 409);
    const re = await post(gl, `/acces/1/qualite/${q}/utilisateur/${user}/statut`, { action: 'reactivate', version: v() });
    assert.equal(re.status, 303);
    assert.equal(account(user).status, 'active');
    assert.equal(auditCount(srv, ['user.suspend', 'user.reactivate', 'user.cogl.designate', 'user.cogl.withdraw']), 4);
  });

  it('the quality\'s detail page shows and changes its e-mail and managers', async () => {
    const d = await gl.get(`/acces/1/qualite/${q}/detail`);
    assert.equal(d.status, 200);
    assert.match(text(d.text), /Gestionnaires de la qualité .*Schmitz Lukas lukas\.schmitz GL/);
    assert.equal(valueOf(d.text, 'email_quality'), 'sante@pharmaplatel.example.be');
    const bad = await post(gl, `/acces/1/qualite/${q}/detail`, { email_quality: 'x@y' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'email_quality'), 'x@y');
    const ok = await post(gl, `/acces/1/qualite/${q}/detail`, { email_quality: 'medical@pharmaplatel.example.be' });
    assert.equal(ok.status, 303);
    assert.equal(qualities(srv, { org: 1 }).find((x) => x.id === q).email, 'medical@pharmaplatel.example.be');
  });

  it('selection + "Supprimer utilisateur(s)" asks, then removes; the GL cannot be removed', async () => {
    const none = await post(gl, `/acces/1/qualite/${q}/supprimer`, {});
    assert.equal(none.status, 422);
    assert.match(text(none.text), /Sélectionnez au moins un utilisateur/);
    const glAccount = accounts(srv, { org: 1 }).find((a) => a.person === ID.lukas).account;
    const ask = await post(gl, `/acces/1/qualite/${q}/supprimer`, { sel: [String(user)], action: 'delete' });
    assert.equal(ask.status, 200);
    assert.match(text(ask.text), /Voulez-vous vraiment supprimer ces utilisateurs .*Van den Broeck Els Maria/);
    const refuse = await post(gl, `/acces/1/qualite/${q}/supprimer/confirmer`, { sel: [String(user), String(glAccount)] });
    assert.equal(refuse.status, 422);
    assert.equal(accounts(srv, { org: 1, quality: q }).length, 2);
    const done = await post(gl, `/acces/1/qualite/${q}/supprimer/confirmer`, { sel: [String(user)] });
    assert.equal(done.status, 303);
    assert.equal(accounts(srv, { org: 1, quality: q }).length, 1);
    assert.equal(accountIds().includes(user), false);
  });

  it('the audit chain is intact after all of it', async () => {
    const { run } = await import('../lib/server.js');
    const out = await run(['audit', 'verify', '--db', srv.db]);
    assert.equal(out.code, 0, out.stdout + out.stderr);
  });
});
