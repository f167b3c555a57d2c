// uman_pages.test.js — the side pages of access management: "Consulter ou modifier le
// détail de l'entreprise", "Co-Responsable des Accès", "Modifier mes données personnelles",
// "Rechercher utilisateurs" with its export, "Fonctions et hiérarchie de responsabilité"
// (SVG and table), the audit trail (filters, CSV), the certificate page; bad input on each
// form is kept and changes nothing; no NISS in any URL; every page in the four languages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { accounts, auditCount, mails, orgs, personOf } from '../lib/world.js';

import {
  HEALTH, ID, NISS, activate, addUser, h1Of, login, post, startDemo, text, valueOf,
} from './uman_lib.js';

describe('access management: side pages', () => {
  let srv;
  let gap;
  let gl;
  let qa;
  let qb;
  const seen = [];       // every HTML page and Location fetched, for the NISS check

  async function get(c, path) {
    const r = await c.get(path);
    seen.push(r.text, r.headers.get('location') ?? '');
    return r;
  }

  before(async () => {
    srv = await startDemo();
    gap = await login(srv, 'claire.dubois');
    qa = await activate(srv, gap, {});
    qb = await activate(srv, gap, { code: 'youth_care', niss: null, username: 'claire.dubois',
      userEmail: 'claire.dubois@example.be', apps: [] });
    gl = await login(srv, 'lukas.schmitz');
    await addUser(srv, gl, qa, { niss: NISS.els, username: 'els.vdb', email: 'els@example.be',
      apps: ['MEDSEIP', 'SAA'] });
    await addUser(srv, gap, qb, { niss: NISS.jan, username: 'jan.peeters', email: 'jan@example.be' });
  });
  after(() => srv?.stop());

  it('détail de l\'entreprise: bad e-mail and phone kept, nothing changed; then saved', async () => {
    const page = await get(gap, '/acces/1/entreprise');
    assert.equal(page.status, 200);
    assert.match(text(page.text), /Dénomination: PharmaPlatel .*Numéro de TVA: BE1029026082/);
    const bad = await post(gap, '/acces/1/entreprise', { contact_email: 'info@', contact_phone: 'abc' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'contact_email'), 'info@');
    assert.equal(valueOf(bad.text, 'contact_phone'), 'abc');
    assert.match(bad.text, /id="err-email"/);
    assert.match(bad.text, /id="err-phone"/);
    const empty = await post(gap, '/acces/1/entreprise', { contact_email: '', contact_phone: '' });
    assert.equal(empty.status, 422);
    // Nothing stored: the form, read again, shows the address as it was.
    assert.equal(valueOf((await get(gap, '/acces/1/entreprise')).text, 'contact_email'), 'contact@pharmaplatel.example.be');
    const ok = await post(gap, '/acces/1/entreprise', { contact_email: 'info@pharmaplatel.example.be', contact_phone: '+32 2 555 00 00' });
    assert.equal(ok.status, 303);
    const after2 = await get(gap, ok.headers.get('location'));
    assert.match(text(after2.text), /Les données de l'entreprise ont bien été enregistrées/);
    assert.equal(auditCount(srv, ['org.contact.update']), 1);
  });

  it('Co-Responsable des Accès: list with "since", add by NISS, remove; bad NISS kept', async () => {
    const page = await get(gap, '/acces/1/co-responsables');
    assert.equal(page.status, 200);
    assert.match(text(page.text), /Dubois Claire 17\.07\.30-033\.84 Gestionnaire d'Accès Principal \d\d\/\d\d\/\d{4}/);
    const bad = await post(gap, '/acces/1/co-responsables', { niss: '85.07.30-033.29', email: 'co@example.be' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'niss'), '85.07.30-033.29');
    assert.match(bad.text, /id="err-niss"/);
    // The e-mail that receives the mail is required (one rule with /csam); what was typed is kept.
    const noMail = await post(gap, '/acces/1/co-responsables', { niss: '72.11.05-122.56', email: '' });
    assert.equal(noMail.status, 422);
    assert.match(noMail.text, /id="err-email"/);
    assert.equal(valueOf(noMail.text, 'niss'), '72.11.05-122.56');
    const unknown = await post(gap, '/acces/1/co-responsables', { niss: NISS.new1, email: 'co@example.be' });
    assert.equal(unknown.status, 422);
    assert.match(text(unknown.text), /Cette personne n'est pas connue/);
    const self = await post(gap, '/acces/1/co-responsables', { niss: NISS.claire, email: 'co@example.be' });
    assert.equal(self.status, 422);
    assert.equal(orgs(srv).flatMap((o) => o.managers).length, 1);
    // From the persons register: a person portier did not know yet.
    const add = await post(gap, '/acces/1/co-responsables', { niss: '72.11.05-122.56', email: 'co@example.be' });
    assert.equal(add.status, 303);
    const list = await get(gap, add.headers.get('location'));
    assert.match(text(list.text), /Le co-responsable des accès a été ajouté/);
    assert.equal(mails(srv, 'cogap_added').filter((m) => m.recipient === 'co@example.be').length, 1);
    assert.match(text(list.text), /Van den Broeck Els( Maria)? 72\.11\.05-122\.56 Co-Responsable des Accès/);
    const els = personOf(srv, NISS.els).id;
    const rm = await post(gap, '/acces/1/co-responsables/retirer', { person: String(els) });
    assert.equal(rm.status, 303);
    assert.equal(orgs(srv).flatMap((o) => o.managers).filter((m) => m.role === 'COGAP').length, 0);
    const gone = await post(gap, '/acces/1/co-responsables/retirer', { person: String(els) });
    assert.equal(gone.status, 422);
  });

  it('Modifier mes données personnelles: own e-mail and language, account in the organisation', async () => {
    const page = await get(gl, '/acces/mes-donnees?org=1');
    assert.equal(page.status, 200);
    assert.match(text(page.text), /Nom : Schmitz Prénom : Lukas NISS : 90\.02\.28-001\.93/);
    const version = valueOf(page.text, 'version');
    const base = { org: '1', version, p_email: 'lukas@home.example.be', p_language: 'de',
      title: 'M.', language: 'de', email: 'lukas.schmitz@example.be', local_email: '' };
    const bad = await post(gl, '/acces/mes-donnees', { ...base, p_email: 'lukas@', email: '' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'p_email'), 'lukas@');
    assert.equal(valueOf((await get(gl, '/acces/mes-donnees?org=1')).text, 'p_email'), 'lukas.schmitz@example.be');
    const ok = await post(gl, '/acces/mes-donnees', base);
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/acces/mes-donnees?org=1&ok=own_saved');
    assert.equal(valueOf((await get(gl, '/acces/mes-donnees?org=1')).text, 'p_email'), 'lukas@home.example.be');
    const stale = await post(gl, '/acces/mes-donnees', base);
    assert.equal(stale.status, 409);
    // Without an organisation: the person only.
    const plain = await get(gl, '/acces/mes-donnees');
    assert.equal(plain.status, 200);
    assert.ok(!plain.text.includes('name="local_email"'));
  });

  it('Rechercher utilisateurs: every managed quality, a column naming it, the same export', async () => {
    const all = await post(gap, '/acces/1/utilisateurs', {});
    assert.equal(all.status, 200);
    const t = text(all.text);
    assert.match(t, /4 utilisateurs trouvés\./);
    assert.ok(t.includes(HEALTH) && t.includes('Aide à la jeunesse'));
    const mine = await post(gl, '/acces/1/utilisateurs', {});
    assert.match(text(mine.text), /2 utilisateurs trouvés\./, 'a local manager searches their quality only');
    const f = await post(gap, '/acces/1/utilisateurs', { f_application: 'SAA' });
    assert.match(text(f.text), /Un utilisateur trouvé\./);
    const bad = await post(gap, '/acces/1/utilisateurs', { f_niss: '1234', f_type: 'BOSS' });
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'f_niss'), '1234');
    const body = new URLSearchParams({ _csrf: gap.csrf, sep: ',' });
    const res = await gap.fetch('/acces/1/utilisateurs/export', { method: 'POST', body });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    assert.ok(lines[0].startsWith('Nom,Prénom,Nom d\'utilisateur,Type,NISS,Statut,Qualité,'));
    assert.equal(lines.length, 6);
  });

  it('Fonctions et hiérarchie de responsabilité: an SVG tree with text, and a table', async () => {
    const r = await get(gap, '/acces/1/hierarchie');
    assert.equal(r.status, 200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(r.text)?.[0];
    assert.ok(svg, 'an inline SVG');
    assert.match(svg, /role="img" aria-labelledby="tree-title tree-desc"/);
    assert.ok(!/\sstyle=/.test(r.text), 'no inline style attribute');
    assert.ok(!/<script/i.test(r.text), 'no script');
    const texts = [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) => text(m[1]));
    assert.ok(texts.some((s) => s.startsWith('Claire Dubois — Gestionnaire d\'Accès Principal')), texts.join('\n'));
    assert.ok(texts.some((s) => s.startsWith(`${HEALTH} — qualité`)));
    assert.ok(texts.some((s) => s.startsWith('Lukas Schmitz — Gestionnaire local') && s.includes('MEDSEIP SADM')));
    assert.ok(texts.some((s) => s.includes('Van den Broeck — Utilisateur') && s.includes('MEDSEIP SAA')));
    assert.ok([...svg.matchAll(/<path d="M\d+ \d+V\d+H\d+"/g)].length >= 4, 'links between the levels');
    const table = text(/<table[\s\S]*?<\/table>/.exec(r.text)[0]);
    assert.match(table, /Gestionnaire local Lukas Schmitz Institution liée au domaine de la santé lukas\.schmitz MEDSEIP SADM Actif/);
    // A local manager sees their quality only.
    const mine = await get(gl, '/acces/1/hierarchie');
    assert.equal(mine.status, 200);
    assert.ok(!text(mine.text).includes('Aide à la jeunesse'));
  });

  it('the audit trail: who granted or removed what, when; filters; CSV', async () => {
    const r = await get(gap, '/acces/1/journal');
    assert.equal(r.status, 200);
    const t = text(r.text);
    assert.match(t, /Qualité activée/);
    assert.match(t, /Lukas Schmitz GL Utilisateur ajouté Els/);
    const byAction = await get(gap, '/acces/1/journal?action=user.add');
    assert.match(text(byAction.text), /Événements trouvés : 4/);
    const byPerson = await get(gap, '/acces/1/journal?personne=broeck');
    assert.ok(/Événements trouvés : [1-9]/.test(text(byPerson.text)));
    const past = await get(gap, '/acces/1/journal?du=2000-01-01&au=2000-12-31');
    assert.match(text(past.text), /Événements trouvés : 0/);
    const bad = await get(gap, '/acces/1/journal?du=2026-02-31');
    assert.equal(bad.status, 422);
    assert.equal(valueOf(bad.text, 'du'), '2026-02-31');
    // The quality's trail: its events only.
    const qt = await get(gl, `/acces/1/qualite/${qa}/journal`);
    assert.equal(qt.status, 200);
    assert.ok(!text(qt.text).includes('Jan Peeters'), 'nothing of the other quality');
    const res = await gap.fetch('/acces/1/journal.csv?action=user.add&sep=%3B');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition'), /filename="journal-1\.csv"/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    assert.equal(lines[0], 'Numéro;Date;Acteur;Rôle;Action;Objet;Détails');
    assert.equal(lines.length, 6);
    assert.ok(lines.slice(1, 5).every((l) => l.split(';')[4] === 'user.add'));
    assert.ok(auditCount(srv, ['audit.export']) >= 1);
  });

  it('the certificate page answers', async () => {
    const r = await get(gap, '/acces/certificat?org=1');
    assert.equal(r.status, 200);
    assert.equal(h1Of(r.text), 'Gestion du certificat à utiliser sur le portail de la Sécurité Sociale');
  });

  it('every page in nl, de and en', async () => {
    for (const lang of ['nl', 'de', 'en']) {
      const c = await login(srv, 'claire.dubois', lang);
      const els = accounts(srv, { org: 1 }).find((a) => a.username === 'els.vdb').account;
      for (const p of ['/acces', '/acces/1', '/acces/1/entreprise', '/acces/1/co-responsables',
        '/acces/1/activer?qualite=employer', `/acces/1/qualite/${qa}`, `/acces/1/qualite/${qa}/detail`,
        `/acces/1/qualite/${qa}/utilisateur/${els}`, '/acces/1/utilisateurs', '/acces/1/hierarchie',
        '/acces/1/journal', '/acces/mes-donnees?org=1', '/acces/certificat']) {
        const r = await get(c, p);
        assert.equal(r.status, 200, `${p} in ${lang}`);
        assert.match(r.text, new RegExp(`<html lang="${lang}">`), `${p} in ${lang}`);
      }
      // The count is part of the sentence, where each language puts it.
      const found = await post(c, '/acces/1/utilisateurs', {});
      assert.match(text(found.text), { nl: /\b4 gebruikers gevonden\./, de: /\b4 Benutzer gefunden\./,
        en: /\b4 users found\./ }[lang], `users found in ${lang}`);
    }
  });

  it('no NISS in any URL (links, form actions, redirects)', () => {
    const niss = /\b\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}\b/;
    for (const page of seen) {
      for (const m of page.matchAll(/(?:href|action|formaction)="([^"]*)"/g))
        assert.ok(!niss.test(m[1]), `a NISS in ${m[1]}`);
      if (!page.includes('<')) assert.ok(!niss.test(page), `a NISS in ${page}`);
    }
    const inLogs = srv.logs();
    for (const n of Object.values(NISS)) assert.ok(!inLogs.includes(n), `NISS ${n} in the logs`);
  });
});
