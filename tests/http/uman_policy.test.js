// uman_policy.test.js — the permission table of the product design (§2) as the access-management pages
// enforce it, cell by cell: for each row that these pages serve (co-GAPs, activating a
// quality, co-GLs, users, export, audit trail, own data) and each actor (GAP, co-GAP, GL,
// co-GL, USER, helpdesk, and the GAP of another organisation), the answer; every refusal
// is a 403 page with an "access.denied" audit event, and nothing changed. Then the
// negatives by name: a local manager of quality A acting on quality B, a suspended user, a
// co-GAP removing the GAP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  accounts, addOrg, auditCountWhere, cli, giveAccessCodes, newestPersonOf, orgOf,
} from '../lib/world.js';

import {
  ID, NISS, PASSWORD, activate, addPerson, addUser, denials, h1Of, login, post, rows, startDemo,
} from './uman_lib.js';

/** Counts of everything a refused request must leave alone, and the accounts' states and
 * the qualities' e-mail addresses in id order (group_concat or string_agg). */
function snapshot(srv) {
  const list = (e, from) => ({
    sqlite: `(SELECT group_concat(v) FROM (SELECT ${e} AS v FROM ${from} ORDER BY id))`,
    pg: `(SELECT string_agg(${e}, ',' ORDER BY id) FROM ${from})`,
  });
  const states = list('status || version', 'account');
  const emails = list('email', 'org_quality');
  const counts = `(SELECT count(*) FROM org_manager) AS managers, (SELECT count(*) FROM org_quality) AS qualities,
    (SELECT count(*) FROM account) AS accounts, (SELECT count(*) FROM quality_member) AS members,
    (SELECT count(*) FROM app_grant) AS grants, (SELECT count(*) FROM person) AS people`;
  return rows(srv, {
    sqlite: `SELECT ${counts}, ${states.sqlite} AS states, ${emails.sqlite} AS emails`,
    pg: `SELECT ${counts}, ${states.pg} AS states, ${emails.pg} AS emails`,
  })[0];
}

describe('access management: the policy table through the pages', () => {
  let srv;
  /** The account of a person in the organisation, or of an id, as the GAP lists them. */
  const accountOf = (person) => accounts(srv, { org: 1 }).find((a) => a.person === person);
  const accountById = (id) => accounts(srv, { org: 1 }).find((a) => a.account === id);
  const who = {};       // clients by role
  const pid = {};       // person ids by role
  let qa;               // health quality: Lukas GL, Els co-GL, Marie user
  let qb;               // youth care: Claire herself as GL

  before(async () => {
    srv = await startDemo();
    who.gap = await login(srv, 'claire.dubois');
    qa = await activate(srv, who.gap, {});
    qb = await activate(srv, who.gap, { code: 'youth_care', niss: null, username: 'claire.dubois',
      userEmail: 'claire.dubois@example.be', apps: [] });
    pid.paul = addPerson(srv, { niss: NISS.paul, last: 'Lambert', first: 'Paul', username: 'paul.lambert' });
    pid.sophie = addPerson(srv, { niss: NISS.sophie, last: 'Martin', first: 'Sophie', username: 'sophie.martin' });
    const hd = cli(srv, ['helpdesk', 'add', NISS.paul]);
    assert.equal(hd.code, 0, hd.stderr);
    assert.equal(addOrg(srv, { enterprise: '1029025290', name: 'STRIC', gap: NISS.sophie,
      email: 'info@stric.example.be', phone: '014 00 00 00' }), 2);
    who.gl = await login(srv, 'lukas.schmitz');
    // Els and Marie become people of portier as the guide has it: a local manager adds
    // them (guide §4), the helpdesk gives them access codes.
    await addUser(srv, who.gl, qa, { niss: NISS.els, type: 'COGL', username: 'els.vdb', email: 'els@example.be',
      last: 'Van den Broeck', first: 'Els' });
    pid.els = newestPersonOf(srv, 'user.add');
    await addUser(srv, who.gl, qa, { niss: NISS.marie, type: 'USER', username: 'marie', email: 'marie@example.be', apps: ['MEDSEIP'],
      last: 'Janssens', first: 'Marie' });
    pid.marie = newestPersonOf(srv, 'user.add');
    await giveAccessCodes(srv, NISS.els, 'els.vdb', PASSWORD);
    await giveAccessCodes(srv, NISS.marie, 'marie.janssens', PASSWORD);
    const added = await post(who.gap, '/acces/1/co-responsables', { niss: NISS.jan, email: 'co@example.be' });
    assert.equal(added.status, 303);
    who.cogap = await login(srv, 'jan.peeters');
    who.cogl = await login(srv, 'els.vdb');
    who.user = await login(srv, 'marie.janssens');
    who.helpdesk = await login(srv, 'paul.lambert');
    who.other = await login(srv, 'sophie.martin');
    pid.gap = ID.claire;
    pid.cogap = ID.jan;
    pid.gl = ID.lukas;
    pid.cogl = pid.els;
    pid.user = pid.marie;
    pid.helpdesk = pid.paul;
    pid.other = pid.sophie;
  });
  after(() => srv?.stop());

  /** Sends req as role and checks the cell: allowed (status) or refused (403 + event). */
  async function cell(role, req, allowed, what) {
    const before = snapshot(srv);
    const denied = denials(srv, pid[role]);
    const r = await req(who[role]);
    if (allowed) {
      assert.ok(r.status === 200 || r.status === 303, `${what} by ${role}: expected allowed, got ${r.status}`);
      assert.equal(denials(srv, pid[role]), denied, `${what} by ${role}: no refusal recorded`);
      return r;
    }
    assert.equal(r.status, 403, `${what} by ${role}: expected 403, got ${r.status}`);
    assert.equal(h1Of(r.text), 'Accès refusé', `${what} by ${role}: the 403 page`);
    assert.equal(denials(srv, pid[role]), denied + 1, `${what} by ${role}: one access.denied event`);
    assert.deepEqual(snapshot(srv), before, `${what} by ${role}: nothing changed`);
    return r;
  }

  const ROLES = ['gap', 'cogap', 'gl', 'cogl', 'user', 'helpdesk', 'other'];
  // the product design (§2), the rows these pages serve; columns in ROLES order.
  const TABLE = [
    { what: 'designate / remove co-GAPs', allowed: [1, 0, 0, 0, 0, 0, 0],
      req: (c) => post(c, '/acces/1/co-responsables', { niss: NISS.paul, email: 'co@example.be' }),
      undo: async () => {
        const r = await post(who.gap, '/acces/1/co-responsables/retirer', { person: String(pid.paul) });
        assert.equal(r.status, 303);
      } },
    { what: 'activate a quality', allowed: [1, 1, 0, 0, 0, 0, 0],
      req: (c) => c.get('/acces/1/activer?qualite=employer') },
    { what: 'see the entity page', allowed: [1, 1, 0, 0, 0, 0, 0],
      req: (c) => c.get('/acces/1') },
    { what: 'designate co-GLs', allowed: [1, 1, 1, 0, 0, 0, 0],
      req: () => null, // set below (needs qa)
    },
    { what: 'add, change users', allowed: [1, 1, 1, 1, 0, 0, 0], req: () => null },
    { what: 'list users', allowed: [1, 1, 1, 1, 0, 0, 0], req: () => null },
    { what: 'export users', allowed: [1, 1, 1, 1, 0, 0, 0], req: () => null },
    { what: 'read the quality\'s audit trail', allowed: [1, 1, 1, 1, 0, 1, 0], req: () => null },
    { what: 'read the organisation\'s audit trail', allowed: [1, 1, 0, 0, 0, 1, 0],
      req: (c) => c.get('/acces/1/journal') },
    { what: 'change own personal data', allowed: [1, 1, 1, 1, 1, 1, 1],
      req: (c) => c.get('/acces/mes-donnees?org=1') },
  ];

  it('every cell: allowed, or 403 with its audit event and nothing changed', async () => {
    TABLE[3].req = (c) => post(c, `/acces/1/qualite/${qa}/nouveau`, { niss: NISS.new1, type: 'COGL' });
    TABLE[4].req = (c) => post(c, `/acces/1/qualite/${qa}/nouveau`, { niss: NISS.new1, type: 'USER' });
    TABLE[5].req = (c) => c.get(`/acces/1/qualite/${qa}`);
    TABLE[6].req = (c) => post(c, `/acces/1/qualite/${qa}/export`, { sep: ';' });
    TABLE[7].req = (c) => c.get(`/acces/1/qualite/${qa}/journal`);
    for (const row of TABLE) {
      for (let k = 0; k < ROLES.length; k++) {
        await cell(ROLES[k], row.req, row.allowed[k] === 1, row.what);
        if (row.allowed[k] === 1 && row.undo) await row.undo();
      }
    }
  });

  it('a local manager of quality A acting on quality B', async () => {
    for (const [what, req] of [
      ['list', (c) => c.get(`/acces/1/qualite/${qb}`)],
      ['add', (c) => post(c, `/acces/1/qualite/${qb}/nouveau`, { niss: NISS.new1, type: 'USER' })],
      ['export', (c) => post(c, `/acces/1/qualite/${qb}/export`, {})],
      ['detail', (c) => c.get(`/acces/1/qualite/${qb}/detail`)],
      ['e-mail', (c) => post(c, `/acces/1/qualite/${qb}/detail`, { email_quality: 'x@example.be' })],
      ['trail', (c) => c.get(`/acces/1/qualite/${qb}/journal`)],
    ]) await cell('gl', req, false, `${what} of B`);
    assert.ok(auditCountWhere(srv, ['access.denied'], { actor: ID.lukas,
      details: { reason: 'other_quality', quality: qb } }) >= 6);
    // Nor through quality A: the GAP's account (GL of B) is not a user of A.
    const gapAccount = accountOf(ID.claire).account;
    const r = await who.gl.get(`/acces/1/qualite/${qa}/utilisateur/${gapAccount}`);
    assert.equal(r.status, 404);
  });

  it('a manager of organisation X acting on Y', async () => {
    for (const [what, req] of [
      ['entity', (c) => c.get('/acces/1')],
      ['users', (c) => c.get(`/acces/1/qualite/${qa}`)],
      ['activate', (c) => post(c, '/acces/1/activer/enregistrer', { quality: 'employer', email_quality: 'a@b.be', mode: 'self' })],
      ['co-GAP', (c) => post(c, '/acces/1/co-responsables', { niss: NISS.sophie, email: 'co@example.be' })],
      ['contact', (c) => post(c, '/acces/1/entreprise', { contact_email: 'x@example.be', contact_phone: '02 000 00 00' })],
      ['hierarchy', (c) => c.get('/acces/1/hierarchie')],
      ['search', (c) => c.get('/acces/1/utilisateurs')],
    ]) await cell('other', req, false, `${what} of another organisation`);
    // Their own organisation answers.
    const own = await who.other.get('/acces/2');
    assert.equal(own.status, 200);
  });

  it('a suspended user (a suspended co-GL) can do nothing in the organisation', async () => {
    const els = accountOf(pid.els).account;
    const v = String(accountOf(pid.els).version);
    const s = await post(who.gl, `/acces/1/qualite/${qa}/utilisateur/${els}/statut`, { action: 'suspend', version: v });
    assert.equal(s.status, 303);
    for (const [what, req] of [
      ['list', (c) => c.get(`/acces/1/qualite/${qa}`)],
      ['add', (c) => post(c, `/acces/1/qualite/${qa}/nouveau`, { niss: NISS.new1, type: 'USER' })],
      ['export', (c) => post(c, `/acces/1/qualite/${qa}/export`, {})],
      ['own data in the organisation', (c) => c.get('/acces/mes-donnees?org=1')],
    ]) await cell('cogl', req, false, `${what} while suspended`);
    assert.ok(auditCountWhere(srv, ['access.denied'], { actor: pid.els, details: { reason: 'suspended' } }) >= 4);
    // The home page tells them, without a link.
    const home = await who.cogl.get('/acces');
    assert.match(home.text, /compte suspendu/);
    const r = await post(who.gl, `/acces/1/qualite/${qa}/utilisateur/${els}/statut`,
      { action: 'reactivate', version: String(Number(v) + 1) });
    assert.equal(r.status, 303);
  });

  it('a co-GAP removing the GAP (or any co-GAP) is refused', async () => {
    await cell('cogap', (c) => post(c, '/acces/1/co-responsables/retirer', { person: String(ID.claire) }),
      false, 'remove the GAP');
    await cell('cogap', (c) => post(c, '/acces/1/co-responsables/retirer', { person: String(ID.jan) }),
      false, 'remove a co-GAP');
    assert.equal(auditCountWhere(srv, ['access.denied'], { actor: ID.jan, object: `person:${ID.claire}`,
      details: { reason: 'no_role' } }), 1);
    assert.equal(orgOf(srv, { id: 1 }).managers.find((m) => m.role === 'GAP').person, ID.claire);
    // A co-GL making themselves or others co-GL: not theirs to do.
    const marie = accountOf(pid.marie).account;
    const v = String(accountOf(pid.marie).version);
    await cell('cogl', (c) => post(c, `/acces/1/qualite/${qa}/utilisateur/${marie}`, {
      version: v, type: 'COGL', username: 'marie', title: 'Mme', language: 'fr', email: 'marie@example.be',
      apps: ['MEDSEIP'],
    }), false, 'a co-GL designating a co-GL');
    // Nor may a co-GAP or a GL replace the local manager — only GAP and co-GAPs.
    await cell('gl', (c) => post(c, `/acces/1/qualite/${qa}/utilisateur/${marie}/gestionnaire`, {}),
      false, 'a GL designating the GL');
  });

  it('only the GAP suspends, changes or removes the account of a co-GAP', async () => {
    // The co-GAP (Jan) is also a user of quality A, where Lukas is GL and Els co-GL.
    const acc = await addUser(srv, who.gap, qa, { niss: NISS.jan, username: 'jan.peeters', email: 'jan@example.be' });
    const version = () => String(accountById(acc).version);
    for (const role of ['gl', 'cogl']) {
      await cell(role, (c) => post(c, `/acces/1/qualite/${qa}/utilisateur/${acc}/statut`, { version: version(), action: 'suspend' }),
        false, 'suspending a co-GAP\'s account');
      await cell(role, (c) => post(c, `/acces/1/qualite/${qa}/utilisateur/${acc}`, {
        version: version(), type: 'USER', username: 'jan.peeters', title: 'M.', language: 'nl',
        email: 'changed@example.be', apps: [],
      }), false, 'changing a co-GAP\'s account');
    }
    assert.equal(auditCountWhere(srv, ['access.denied'], { actor: pid.gl, object: `person:${ID.jan}`,
      details: { reason: 'target_above' } }), 2);
    // The co-GAP himself keeps his own account; the GAP may suspend it.
    assert.equal(accountById(acc).status, 'active');
    const r = await cell('gap', (c) => post(c, `/acces/1/qualite/${qa}/utilisateur/${acc}/statut`, { version: version(), action: 'suspend' }),
      true, 'the GAP suspending a co-GAP\'s account');
    assert.equal(r.status, 303);
    assert.equal(accountById(acc).status, 'suspended');
    const back = await post(who.gap, `/acces/1/qualite/${qa}/utilisateur/${acc}/statut`, { version: version(), action: 'reactivate' });
    assert.equal(back.status, 303);
    assert.equal(accountById(acc).status, 'active');
  });

  it('a co-GAP never displaces the GAP or another co-GAP as local manager', async () => {
    // Quality B: Claire (the GAP) is its GL; Marie becomes a user there too.
    const marie = await addUser(srv, who.gap, qb, { niss: NISS.marie, username: 'marie', email: 'marie@example.be' });
    const before = auditCountWhere(srv, ['access.denied'], { actor: ID.jan, details: { reason: 'target_gap' } });
    await cell('cogap', (c) => post(c, `/acces/1/qualite/${qb}/utilisateur/${marie}/gestionnaire`, {}),
      false, 'a co-GAP replacing the GAP as GL');
    assert.equal(auditCountWhere(srv, ['access.denied'], { actor: ID.jan, details: { reason: 'target_gap' } }), before + 1);
    assert.equal(accounts(srv, { org: 1, quality: qb }).find((a) => a.type === 'GL').person, ID.claire);
    // The GAP may hand it over (and take it back).
    const claire = accountOf(ID.claire).account;
    await cell('gap', (c) => post(c, `/acces/1/qualite/${qb}/utilisateur/${marie}/gestionnaire`, {}),
      true, 'the GAP replacing herself as GL');
    await cell('gap', (c) => post(c, `/acces/1/qualite/${qb}/utilisateur/${claire}/gestionnaire`, {}),
      true, 'the GAP taking the GL back');
  });

  it('the same refusal reads the same on /acces and /csam (one result-to-HTTP table)', async () => {
    /** Status, title and message of an error page. */
    const answer = (r) => ({ status: r.status, title: h1Of(r.text),
      message: /<p class="error-message">([\s\S]*?)<\/p>/.exec(r.text)?.[1] ?? null });
    // Denied: the GAP of organisation 2 designating a co-GAP of organisation 1, through
    // either page (one service operation, hierarchy_cogap_add).
    const before = snapshot(srv);
    const denied = denials(srv, pid.other);
    const acces = answer(await post(who.other, '/acces/1/co-responsables', { niss: NISS.paul, email: 'co@example.be' }));
    const csam = answer(await post(who.other, '/csam/organisation/1/cogap',
      { niss: NISS.paul, last_name: 'Lambert', email: 'co@example.be' }));
    assert.deepEqual(acces, { status: 403, title: 'Accès refusé',
      message: 'Vous n&#39;avez pas le droit d&#39;effectuer cette action.' });
    assert.deepEqual(csam, acces);
    assert.equal(denials(srv, pid.other), denied + 2, 'each refusal audited');
    assert.deepEqual(snapshot(srv), before);
    // Not found: an organisation that does not exist, through either page.
    const acces404 = answer(await post(who.gap, '/acces/999/co-responsables', { niss: NISS.paul, email: 'co@example.be' }));
    const csam404 = answer(await post(who.gap, '/csam/organisation/999/cogap',
      { niss: NISS.paul, last_name: 'Lambert', email: 'co@example.be' }));
    assert.equal(acces404.status, csam404.status);
    assert.deepEqual(csam404, acces404);
    assert.deepEqual(snapshot(srv), before);
  });

  it('without the CSRF token a form is refused before anything', async () => {
    const before = snapshot(srv);
    const r = await who.gap.get(`/acces/1/qualite/${qa}/nouveau`, {
      method: 'POST', body: new URLSearchParams({ niss: NISS.new1, type: 'USER' }),
    });
    assert.equal(r.status, 403);
    assert.deepEqual(snapshot(srv), before);
  });
});
