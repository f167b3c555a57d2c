// subdept.test.js — sub-departments (issue 16 parts 4 and 7): the GAP creates them (anchored
// on an establishment unit of the enterprise imported from the KBO, or not; nested), appoints
// their local managers, who add their own users; every policy cell is tried through the
// pages by someone it refuses: 403, an access.denied event, and the rows of subdept,
// subdept_member, quality_member and app_grant unchanged. Field errors are localised, keep
// what was typed and store nothing. Runs on SQLite and, with PORTIER_TEST_DB=pg, PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { addClient, authorize, jwtPayload, login as oidcLogin, pkce, profileOptions, tokenRequest } from './oidc_lib.js';
import { addAccount, addApplication, auditCountWhere } from '../lib/world.js';
import {
  activate, addPerson, csrfOf, denials, ID, login, NISS, post, rows, sql, startDemo, text, valueOf,
} from './uman_lib.js';

const ENTERPRISE = '1029026082';     // PharmaPlatel (src/cmd/demo_seed.c)

/** A valid establishment unit number (10 digits, 2 to 8 first, mod 97) from 8 digits. */
function unit(base8) {
  const n = Number(base8);
  return `${base8}${String(97 - (n % 97)).padStart(2, '0')}`;
}
const fmt = (u) => `${u[0]}.${u.slice(1, 4)}.${u.slice(4, 7)}.${u.slice(7)}`;
const U1 = unit('21901716');          // PharmaPlatel's
const U2 = unit('21901717');          // PharmaPlatel's
const U_OTHER = unit('21901718');     // another enterprise's

/** Every row of the tables a refusal must leave alone, as one comparable value. */
async function snapshot(srv) {
  return JSON.stringify(await Promise.all([
    rows(srv, 'SELECT id, org_id, parent_id, name, establishment, version FROM subdept ORDER BY id'),
    rows(srv, 'SELECT org_quality_id, account_id, subdept_id, type FROM subdept_member ORDER BY 1, 2'),
    rows(srv, 'SELECT org_quality_id, account_id, type FROM quality_member ORDER BY 1, 2'),
    rows(srv, 'SELECT org_quality_id, account_id, application FROM app_grant ORDER BY 1, 2, 3'),
  ]));
}

describe('sub-departments: the GAP shapes them, their managers manage their own users only', () => {
  let srv;
  let q;
  let gap;
  let lukas;       // the quality's organisation-level GL
  let marie;       // GL of «Pharmacie Nord»
  let sophie;      // GL of «Pharmacie Sud»
  let jan;         // a user of the quality
  const ids = {};

  /** A refused POST: 403, one more access.denied event of that actor, nothing changed. */
  async function refused(c, actor, path, fields) {
    const before = await snapshot(srv);
    const denied = await denials(srv, actor);
    const r = await post(c, path, fields);
    assert.equal(r.status, 403, `${path} refused`);
    assert.equal(await denials(srv, actor), denied + 1, `${path}: the refusal is audited`);
    assert.equal(await snapshot(srv), before, `${path}: nothing changed`);
  }

  before(async () => {
    srv = await startDemo();
    gap = await login(srv, 'claire.dubois');
    q = await activate(srv, gap);
    // The establishment units the KBO import would have loaded.
    for (const [u, ent, line] of [[U1, ENTERPRISE, 1], [U2, ENTERPRISE, 2], [U_OTHER, '0403170701', 3]]) {
      await sql(srv, 'INSERT INTO kbo_establishment(establishment_number, start_date, enterprise_number, extract_id, source_line) VALUES (?, ?, ?, ?, ?)',
        [u, '01-01-2020', ent, 1, line]);
    }
    ids.marie = addPerson(srv, { niss: NISS.marie, last: 'Lambert', first: 'Marie', username: 'marie.lambert' });
    ids.sophie = addPerson(srv, { niss: NISS.sophie, last: 'Leroy', first: 'Sophie', username: 'sophie.leroy' });
    ids.jan = ID.jan;
    addAccount(srv, { org: ID.org, quality: q, niss: NISS.marie, username: 'marie.nord', email: 'marie@pharmaplatel.example.be' });
    addAccount(srv, { org: ID.org, quality: q, niss: NISS.sophie, username: 'sophie.sud', email: 'sophie@pharmaplatel.example.be' });
    addAccount(srv, { org: ID.org, quality: q, niss: NISS.jan, username: 'jan.peeters', email: 'jan@pharmaplatel.example.be', apps: ['SADM'] });
    lukas = await login(srv, 'lukas.schmitz');
    marie = await login(srv, 'marie.lambert');
    sophie = await login(srv, 'sophie.leroy');
    jan = await login(srv, 'jan.peeters');
  });
  after(() => srv?.stop());

  const base = () => `/acces/${ID.org}/sous-departements`;

  it('the GAP creates a sub-department anchored on an establishment unit, and one nested under it', async () => {
    const page = await gap.get(base());
    assert.equal(page.status, 200);
    assert.match(text(page.text), /Créer un sous-département/);
    assert.ok(page.text.includes(fmt(U1)), 'the enterprise\'s units are offered');
    assert.ok(!page.text.includes(fmt(U_OTHER)), 'not another enterprise\'s');
    const r = await post(gap, base(), { name: 'Pharmacie Nord', establishment: fmt(U1), parent: '' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `${base()}?ok=subdept_created`);
    const [nord] = await rows(srv, "SELECT id, establishment, parent_id FROM subdept WHERE name = 'Pharmacie Nord'");
    assert.equal(nord.establishment, U1);
    assert.equal(nord.parent_id, null);
    ids.nord = Number(nord.id);
    const r2 = await post(gap, base(), { name: 'Pharmacie Sud', establishment: '', parent: String(ids.nord) });
    assert.equal(r2.status, 303);
    const [sud] = await rows(srv, "SELECT id, establishment, parent_id FROM subdept WHERE name = 'Pharmacie Sud'");
    assert.equal(sud.establishment, null);
    assert.equal(Number(sud.parent_id), ids.nord);
    ids.sud = Number(sud.id);
    assert.equal(await auditCountWhere(srv, ['subdept.create'], { actor: ID.claire }), 2);
    const list = text((await gap.get(base())).text);
    assert.match(list, new RegExp(`Pharmacie Nord ${fmt(U1).replace(/\./g, '\\.')} 0`));
    assert.match(list, /Pharmacie Sud Pharmacie Nord/);
  });

  it('field errors: localised at the field, the typed values kept, nothing stored', async () => {
    const cases = [
      [{ name: '', establishment: fmt(U2) }, 'name', /Indiquez le nom du sous-département/],
      [{ name: 'pharmacie nord', establishment: '' }, 'name', /existe déjà dans l'entité/],
      [{ name: 'Labo', establishment: '2.190.171.600' }, 'establishment', /numéro d'unité d'établissement valable/],
      [{ name: 'Labo', establishment: fmt(U_OTHER) }, 'establishment', /n'appartient pas à l'entreprise/],
      [{ name: 'Labo', establishment: U1 }, 'establishment', /déjà ancré sur cette unité/],
      [{ name: 'Labo', establishment: '', parent: '999999' }, 'parent', /parent de la liste/],
      [{ name: 'x'.repeat(101), establishment: '' }, 'name', /au plus 100 caractères/],
    ];
    for (const [fields, field, msg] of cases) {
      const before = await snapshot(srv);
      const r = await post(gap, base(), { parent: '', ...fields });
      assert.equal(r.status, 422, JSON.stringify(fields));
      const err = new RegExp(`id="err-${field}">([^<]*)<`).exec(r.text);
      assert.ok(err, `the error is at ${field}`);
      assert.match(err[1].replace(/&#39;/g, "'"), msg);
      if (field !== 'parent') assert.equal(valueOf(r.text, 'name'), fields.name, 'the name typed is kept');
      assert.equal(valueOf(r.text, 'establishment'), fields.establishment, 'the unit typed is kept');
      assert.equal(await snapshot(srv), before, 'nothing stored');
    }
    // The same in Dutch: the message is translated.
    const nl = await login(srv, 'claire.dubois', 'nl');
    const r = await post(nl, base(), { name: '', establishment: '', parent: '' });
    assert.equal(r.status, 422);
    assert.doesNotMatch(/id="err-name">([^<]*)</.exec(r.text)[1], /Indiquez/);
  });

  it('the GAP appoints each sub-department\'s local manager', async () => {
    let r = await post(gap, `${base()}/${ids.nord}/gestionnaire`, { quality: String(q), username: 'marie.nord', type: 'GL' });
    assert.equal(r.status, 303);
    r = await post(gap, `${base()}/${ids.sud}/gestionnaire`, { quality: String(q), username: 'sophie.sud', type: 'GL' });
    assert.equal(r.status, 303);
    const m = await rows(srv, 'SELECT account_id, subdept_id, type FROM subdept_member ORDER BY subdept_id');
    assert.deepEqual(m.map((x) => [Number(x.subdept_id), x.type]), [[ids.nord, 'GL'], [ids.sud, 'GL']]);
    // Not a user name of the organisation: said at the field, typed value kept.
    const bad = await post(gap, `${base()}/${ids.nord}/gestionnaire`, { quality: String(q), username: 'nobody.here', type: 'COGL' });
    assert.equal(bad.status, 422);
    assert.match(text(bad.text), /Aucun compte de ce nom d'utilisateur dans l'entité/);
    assert.equal(valueOf(bad.text, 'username'), 'nobody.here');
    // The quality's own GL stays at the organisation level.
    const gl = await post(gap, `${base()}/${ids.nord}/gestionnaire`, { quality: String(q), username: 'lukas.schmitz', type: 'COGL' });
    assert.equal(gl.status, 422);
    assert.match(text(gl.text), /gère déjà la qualité au niveau de l'entité/);
  });

  it('policy: only the GAP and co-GAPs create, rename, remove sub-departments and appoint their managers', async () => {
    for (const [c, actor] of [[lukas, ID.lukas], [marie, ids.marie], [jan, ID.jan]]) {
      await refused(c, actor, base(), { name: 'Interdit', establishment: '', parent: '' });
      await refused(c, actor, `${base()}/${ids.sud}/renommer`, { name: 'Interdit', version: '1' });
      await refused(c, actor, `${base()}/${ids.sud}/supprimer`, { version: '1' });
      await refused(c, actor, `${base()}/${ids.sud}/gestionnaire`, { quality: String(q), username: 'jan.peeters', type: 'COGL' });
    }
  });

  it('a sub-department\'s GL adds a user to it, with applications', async () => {
    // Her home page lists her sub-department among her roles.
    const home = await marie.get('/acces');
    assert.match(text(home.text), /Sous-département : Pharmacie Nord \(Gestionnaire local du sous-département\)/);
    assert.ok(home.text.includes(`href="${base()}/${ids.nord}"`));
    assert.doesNotMatch(text((await lukas.get('/acces')).text), /Sous-département :/);
    const form = await marie.get(`${base()}/${ids.nord}/qualite/${q}/nouveau`);
    assert.equal(form.status, 200);
    // The NISS is typed at the top (id="niss"), never shown a second time read-only.
    assert.ok(form.text.includes('id="niss"'));
    assert.ok(!form.text.includes('id="niss-shown"'));
    const r = await post(marie, `${base()}/${ids.nord}/qualite/${q}/nouveau`, {
      niss: NISS.new1, username: 'nadia.nord', last_name: 'Nouveau', first_name: 'Nadia',
      title: 'Mme', language: 'fr', email: 'nadia@pharmaplatel.example.be', local_email: '', apps: ['SADM'],
    });
    assert.equal(r.status, 303, text(r.text).slice(0, 400));
    const [m] = await rows(srv, "SELECT m.account_id, m.subdept_id, m.type FROM subdept_member m JOIN account a ON a.id = m.account_id WHERE a.username = 'nadia.nord'");
    assert.equal(Number(m.subdept_id), ids.nord);
    assert.equal(m.type, 'USER');
    ids.nadia = Number(m.account_id);
    const g = await rows(srv, 'SELECT application FROM app_grant WHERE account_id = ?', [ids.nadia]);
    assert.deepEqual(g.map((x) => x.application), ['SADM']);
    // A person already in the quality is not taken into the sub-department by its GL.
    const again = await post(marie, `${base()}/${ids.nord}/qualite/${q}/nouveau`, {
      niss: NISS.jan, username: 'jan.peeters', last_name: '', first_name: '',
      title: 'M.', language: 'fr', email: 'jan@pharmaplatel.example.be', local_email: '',
    });
    assert.equal(again.status, 422);
    assert.match(text(again.text), /déjà membre de la qualité/);
    assert.equal(valueOf(again.text, 'niss'), NISS.jan);
  });

  it('grants never cross: another sub-department\'s GL neither adds there, nor grants, nor moves; nor the quality\'s GL moves, nor a user acts', async () => {
    await refused(sophie, ids.sophie, `${base()}/${ids.nord}/qualite/${q}/nouveau`, {
      niss: NISS.paul, username: 'paul.nord', last_name: 'Martin', first_name: 'Paul',
      title: 'M.', language: 'fr', email: 'paul@pharmaplatel.example.be', local_email: '', apps: ['SADM'],
    });
    await refused(sophie, ids.sophie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`,
      { apps: ['SADM', 'MEDSEIP'] });
    await refused(sophie, ids.sophie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}/deplacer`,
      { to: String(ids.sud) });
    // Nor its own GL moves people: moving is the GAP's.
    await refused(marie, ids.marie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}/deplacer`,
      { to: String(ids.sud) });
    // A sub-department's GL acts on nobody at the organisation level (Jan).
    const [janAcc] = await rows(srv, "SELECT id FROM account WHERE username = 'jan.peeters'");
    await refused(marie, ids.marie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${janAcc.id}`, { apps: [] });
    // The quality's GL stands above the sub-departments but does not move people either
    // (POLICY_MOVE_SUBDEPT); a plain user of the quality neither adds, grants nor moves.
    await refused(lukas, ID.lukas, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}/deplacer`,
      { to: String(ids.sud) });
    await refused(jan, ID.jan, `${base()}/${ids.nord}/qualite/${q}/nouveau`, {
      niss: NISS.paul, username: 'paul.nord', last_name: 'Martin', first_name: 'Paul',
      title: 'M.', language: 'fr', email: 'paul@pharmaplatel.example.be', local_email: '', apps: ['SADM'],
    });
    await refused(jan, ID.jan, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['SADM', 'MEDSEIP'] });
    await refused(jan, ID.jan, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}/deplacer`,
      { to: String(ids.sud) });
    // Sophie's page shows nothing of Pharmacie Nord's members.
    const page = text((await sophie.get(`${base()}/${ids.nord}`)).text);
    assert.doesNotMatch(page, /Nouveau|nadia\.nord|Lambert/);
    assert.doesNotMatch(page, /Ajouter un utilisateur au sous-département/);
  });

  it('its own GL changes the grants; the quality\'s GL stands above and may too', async () => {
    let r = await post(marie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['SADM', 'MEDSEIP'] });
    assert.equal(r.status, 303);
    r = await post(lukas, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['MEDSEIP'] });
    assert.equal(r.status, 303);
    const g = await rows(srv, 'SELECT application FROM app_grant WHERE account_id = ? ORDER BY 1', [ids.nadia]);
    assert.deepEqual(g.map((x) => x.application), ['MEDSEIP']);
    // A code ticked twice is one grant.
    r = await post(marie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['SADM', 'SADM'] });
    assert.equal(r.status, 303);
    assert.deepEqual((await rows(srv, 'SELECT application FROM app_grant WHERE account_id = ?', [ids.nadia])).map((x) => x.application), ['SADM']);
    r = await post(lukas, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['MEDSEIP'] });
    assert.equal(r.status, 303);
    const bad = await post(marie, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['NOT_AN_APP'] });
    assert.equal(bad.status, 422);
    assert.match(text(bad.text), /Choisissez des applications de la liste/);
  });

  it('the GAP moves a user between sub-departments; removal only when empty; a stale form conflicts', async () => {
    const full = await post(gap, `${base()}/${ids.nord}/supprimer`, { version: '1' });
    assert.equal(full.status, 422);
    assert.match(text(full.text), /n'est pas vide/);
    const r = await post(gap, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${ids.nadia}/deplacer`, { to: String(ids.sud) });
    assert.equal(r.status, 303);
    const [m] = await rows(srv, 'SELECT subdept_id FROM subdept_member WHERE account_id = ?', [ids.nadia]);
    assert.equal(Number(m.subdept_id), ids.sud);
    // Now Sophie manages her, Marie no longer.
    await refused(marie, ids.marie, `${base()}/${ids.sud}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: [] });
    const ok = await post(sophie, `${base()}/${ids.sud}/qualite/${q}/utilisateur/${ids.nadia}`, { apps: ['SADM'] });
    assert.equal(ok.status, 303);
    // Rename with a stale version: said on the form, the name typed kept, nothing changed.
    let s = await post(gap, `${base()}/${ids.nord}/renommer`, { name: 'Pharmacie du Nord', version: '1' });
    assert.equal(s.status, 303);
    const before = await snapshot(srv);
    s = await post(gap, `${base()}/${ids.nord}/renommer`, { name: 'Pharmacie Nord-Est', version: '1' });
    assert.equal(s.status, 422);
    assert.match(text(s.text), /modifié entre-temps/);
    assert.equal(valueOf(s.text, 'name'), 'Pharmacie Nord-Est');
    assert.equal(await snapshot(srv), before);
    // An empty one goes.
    await post(gap, base(), { name: 'Éphémère', establishment: fmt(U2), parent: '' });
    const [e] = await rows(srv, "SELECT id FROM subdept WHERE establishment = ?", [U2]);
    const gone = await post(gap, `${base()}/${e.id}/supprimer`, { version: '1' });
    assert.equal(gone.status, 303);
    assert.equal((await rows(srv, 'SELECT id FROM subdept WHERE id = ?', [e.id])).length, 0);
    assert.equal(await auditCountWhere(srv, ['subdept.remove'], { actor: ID.claire }), 1);
  });

  it('reading: a plain user is refused (audited); a POST without its CSRF token changes nothing', async () => {
    const denied = await denials(srv, ID.jan);
    const r = await jan.get(base());
    assert.equal(r.status, 403);
    assert.equal(await denials(srv, ID.jan), denied + 1);
    const before = await snapshot(srv);
    const noCsrf = await gap.get(base(), { method: 'POST', body: new URLSearchParams({ name: 'Sans jeton', establishment: '', parent: '' }) });
    assert.equal(noCsrf.status, 403);
    assert.equal(await snapshot(srv), before);
  });

  it('the hierarchy page shows the sub-departments with their managers and users', async () => {
    const r = await gap.get(`/acces/${ID.org}/hierarchie`);
    assert.equal(r.status, 200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(r.text)[0];
    const texts = [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) => text(m[1]).trim());
    assert.ok(texts.includes(`Pharmacie du Nord — Sous-département — Unité d'établissement ${fmt(U1)}`), texts.join('\n'));
    assert.ok(texts.includes('Marie Lambert — Gestionnaire local'), texts.join('\n'));
    assert.ok(texts.includes('Sophie Leroy — Gestionnaire local'), texts.join('\n'));
    assert.ok(texts.some((t) => t.startsWith('Nadia Nouveau — Utilisateur')), texts.join('\n'));
    const table = text(/<h2>Sous-départements<\/h2>[\s\S]*?<\/table>/.exec(r.text)[0]);
    assert.match(table, new RegExp(`Pharmacie du Nord ${fmt(U1).replace(/\./g, '\\.')} Institution liée au domaine de la santé Gestionnaire local Marie Lambert marie\\.nord`));
    assert.match(table, /Pharmacie Sud Institution liée au domaine de la santé Utilisateur Nadia Nouveau nadia\.nord SADM Actif/);
    // The quality's GL stands above its sub-departments and sees them too.
    const mine = text((await lukas.get(`/acces/${ID.org}/hierarchie`)).text);
    assert.match(mine, /Pharmacie Sud Institution liée au domaine de la santé Utilisateur Nadia Nouveau/);
  });

  it('the profile choice shows «Organisation — Sous-département» and the token carries it', async () => {
    // Marie, GL of Pharmacie du Nord, is granted an application of level 1 there by the GAP.
    addApplication(srv, { code: 'SDAPP', sort: 997, minLevel: 1,
      names: { fr: 'Application du test', nl: 'Testtoepassing', de: 'Testanwendung', en: 'Test application' } });
    const [acc] = await rows(srv, "SELECT id FROM account WHERE username = 'marie.nord'");
    const g = await post(gap, `${base()}/${ids.nord}/qualite/${q}/utilisateur/${acc.id}`, { apps: ['SDAPP'] });
    assert.equal(g.status, 303);
    const redirect = 'http://127.0.0.1:9/cb';
    const client = addClient(srv, 'subdept-client', { application: 'SDAPP', redirect: [redirect] });
    const c = new Client(srv.url);
    const { verifier, challenge } = pkce();
    const params = { response_type: 'code', client_id: client.id, redirect_uri: redirect, scope: 'openid profile',
      state: 's1', nonce: 'n1', code_challenge: challenge, code_challenge_method: 'S256' };
    // The choice page itself.
    let res = await c.fetch(`/oidc/authorize?${new URLSearchParams(params)}`);
    await res.text();
    const flow = res.headers.get('location');
    const back = new URL((await c.get(flow)).headers.get('location'), c.base).searchParams.get('next');
    assert.equal(await oidcLogin(c, 'marie.lambert', back), flow);
    const page = await c.get(flow);
    assert.equal(page.status, 200, page.headers.get('location'));
    assert.deepEqual(profileOptions(page.text).map((o) => o.label.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))),
      ['PharmaPlatel (1029.026.082) — Pharmacie du Nord']);
    const url = await authorize(c, params);
    const code = url.searchParams.get('code');
    assert.ok(code, url.toString());
    const t = await tokenRequest(srv.url, { grant_type: 'authorization_code', code, redirect_uri: redirect,
      client_id: client.id, client_secret: client.secret, code_verifier: verifier });
    assert.equal(t.status, 200, t.text);
    const claims = jwtPayload(t.json.id_token);
    assert.equal(claims.organisation.sub_department, 'Pharmacie du Nord');
    assert.equal(claims.organisation.enterprise_number, ENTERPRISE);
  });
});
