// csv_import.test.js — "Importer des utilisateurs (CSV)" (issue 19 part 1): the export of a
// quality edited and imported back (preview classes exact row by row, the confirmation
// applies exactly the valid rows in one go with one audit event per change, a second
// confirmation refused and changing nothing, the refused rows as CSV with their reason and
// cells defused), and the policy cells through the pages AND the import (a USER, a GL of
// another quality: 403 with an access.denied event, nothing changed; a co-manager's rows
// above their own rights refused, as the page refuses them). SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { accounts, addAccount, auditCount } from '../lib/world.js';
import {
  ID, NISS, activate, addPerson, addUser, denials, login, post, scalar, sql, startDemo, text,
} from './uman_lib.js';

/** A valid NISS born in 19YY-MM-DD with serial s (check digits computed). */
export function makeNiss(yy, mm, dd, s) {
  const base = `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}${String(s).padStart(3, '0')}`;
  return base + String(97 - (Number(base) % 97)).padStart(2, '0');
}

/** Register persons the import may add (the demo register has few). */
const REG = [
  { niss: makeNiss(81, 2, 3, 11), last: 'Müller', first: 'Anna' },
  { niss: makeNiss(81, 2, 3, 13), last: 'Dubois-Léger', first: 'Chloé' },
  { niss: makeNiss(81, 2, 3, 15), last: 'Peeters', first: 'Wim' },
  { niss: makeNiss(81, 2, 3, 17), last: 'Janssens', first: 'Lies' },
  { niss: makeNiss(81, 2, 3, 21), last: 'Maes', first: 'Jef' },
];
const OTHER_QUALITY = 'youth_care';
const UNKNOWN = makeNiss(81, 2, 3, 19);   // valid, in no register

function seedRegister(srv, persons) {
  const values = persons.map((p, i) =>
    `('${p.niss}', '${p.last.replace(/'/g, "''")}', '${p.first}', 'BE', ${900000 + i})`).join(', ');
  sql(srv, `INSERT INTO reg_person(niss, last_name, first_names, country, source_line) VALUES ${values};`);
}

/** A CSV file of rows (arrays of cells) as the export writes it: BOM, sep, CRLF, quotes. */
function csvOf(rows, sep = ';') {
  const field = (s) => (/[";\r\n,]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(rows.map((r) => `${r.map(field).join(sep)}\r\n`).join(''), 'utf8')]);
}

/** Splits a CSV text (the server's files) into rows of cells. */
function parseCsv(s, sep = ';') {
  const out = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === sep) { row.push(cell); cell = ''; } else if (ch === '\r') { /* CRLF */ } else if (ch === '\n') { row.push(cell); out.push(row); row = []; cell = ''; } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); out.push(row); }
  return out;
}

async function upload(c, org, q, buf, name = 'users.csv') {
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append('file', new Blob([buf], { type: 'text/csv' }), name);
  return c.get(`/acces/${org}/qualite/${q}/import`, { method: 'POST', body: fd });
}

/** The preview's rows: line → class code and its text. */
function previewRows(html) {
  const out = new Map();
  for (const m of html.matchAll(/<tr class="import-(\w+)"><td>(\d+)<\/td><td>([^<]*)<\/td>/g))
    out.set(Number(m[2]), { cls: m[1], text: text(m[3]) });
  return out;
}

function counts(html) {
  const out = {};
  for (const m of html.matchAll(/data-class="(\w+)">(\d+)</g)) out[m[1]] = Number(m[2]);
  return out;
}

describe('CSV import of users', () => {
  let srv, gap, gl, q;
  const batches = () => Number(scalar(srv, 'SELECT count(*) FROM import_batch'));

  before(async () => {
    srv = await startDemo();
    seedRegister(srv, REG);
    gap = await login(srv, 'claire.dubois');
    q = await activate(srv, gap);                  // Lukas Schmitz GL, MEDSEIP SADM
    gl = await login(srv, 'lukas.schmitz');
    await addUser(srv, gl, q, { niss: NISS.els, username: 'els.user', email: 'els@example.be', apps: ['MEDSEIP'] });
  });
  after(() => srv?.stop());

  let batch, beforeAdds, beforeUpdates, beforeGrants;

  it('round trip: export, edit, import: each row classified exactly', async () => {
    const exp = await post(gl, `/acces/${ID.org}/qualite/${q}/export`, { sep: ';' });
    assert.equal(exp.status, 200);
    const rowsOf = parseCsv(exp.text.replace(/^\uFEFF/, ''));
    const head = rowsOf[0];
    assert.equal(head.length, 13, 'the export of one quality has 13 columns');
    const els = rowsOf.find((r) => r[2] === 'els.user');
    const lukas = rowsOf.find((r) => r[2] === 'lukas.schmitz');
    assert.ok(els && lukas);
    const row = (niss, username, type, apps, email = `${username}@example.be`, last = 'X') =>
      [last, 'Y', username, type, niss, 'Actif', 'Mme', 'fr', email, '', '', '', apps];
    const edited = [
      head,
      lukas,                                                        // 2 unchanged (the GL)
      [...els.slice(0, 8), 'els.new@example.be', ...els.slice(9)],  // 3 to change (e-mail)
      row(REG[0].niss, 'anna.muller', 'USER', 'SADM'),              // 4 to add
      row(REG[1].niss, 'chloe.dl', 'COGL', 'MEDSEIP SADM'),         // 5 to add (a GL may designate)
      row('12345678901', 'bad.niss', 'USER', ''),                   // 6 refused: NISS
      row(REG[2].niss, 'wim.p', 'USER', 'NOSUCHAPP'),               // 7 refused: application
      row(UNKNOWN, 'nobody', 'USER', ''),                           // 8 refused: not in the register
      row(REG[0].niss, 'anna.twice', 'USER', ''),                   // 9 refused: twice in the file
      row(REG[3].niss, 'lies.gl', 'GL', ''),                        // 10 refused: GL by import
      row(REG[4].niss, '=HYPERLINK("x")', 'USER', '', 'w@example.be', '=cmd'), // 11 refused: user name
    ];
    const r = await upload(gl, ID.org, q, csvOf(edited));
    assert.equal(r.status, 303, text(r.text).slice(0, 300));
    const loc = r.headers.get('location');
    assert.match(loc, new RegExp(`^/acces/${ID.org}/qualite/${q}/import/[0-9a-f]{32}$`));
    batch = loc;
    const p = await gl.get(loc);
    assert.equal(p.status, 200);
    assert.deepEqual(counts(p.text), { add: 2, change: 1, same: 1, refused: 6 });
    const got = previewRows(p.text);
    const want = { 2: 'same', 3: 'change', 4: 'add', 5: 'add', 6: 'refused', 7: 'refused', 8: 'refused', 9: 'refused', 10: 'refused', 11: 'refused' };
    for (const [line, cls] of Object.entries(want)) assert.equal(got.get(Number(line))?.cls, cls, `line ${line}`);
    assert.match(got.get(6).text, /^Refusé, car .*NISS|^Refusé, car .*chiffres de contrôle/i);
    assert.match(got.get(7).text, /n'appartient pas à cette qualité/);
    assert.match(got.get(8).text, /inconnue du registre des personnes/);
    assert.match(got.get(9).text, /plus haut dans le fichier/);
    assert.match(got.get(10).text, /gestionnaire local se désigne/);
    assert.match(got.get(11).text, /nom d'utilisateur/i);
    // Names of register persons are the register's, whatever the file says.
    assert.match(p.text, /Müller/);
    // Nothing changed by the preview.
    assert.equal(accounts(srv, { org: ID.org, quality: q }).length, 2);
    // A class filter shows only its rows.
    const only = previewRows((await gl.get(`${loc}?classe=add`)).text);
    assert.deepEqual([...only.keys()], [4, 5]);
  });

  it('the confirmation applies exactly the valid rows, one audit event per change', async () => {
    beforeAdds = auditCount(srv, ['user.add']);
    beforeUpdates = auditCount(srv, ['user.update']);
    beforeGrants = auditCount(srv, ['grant.add']);
    const r = await post(gl, `${batch}/confirmer`, {});
    assert.equal(r.status, 200, text(r.text).slice(0, 300));
    assert.deepEqual(counts(r.text), { add: 2, change: 1, same: 1, refused: 6 });
    const list = accounts(srv, { org: ID.org, quality: q });
    assert.equal(list.length, 4);
    const anna = list.find((a) => a.username === 'anna.muller');
    const chloe = list.find((a) => a.username === 'chloe.dl');
    assert.equal(anna.type, 'USER');
    assert.deepEqual(anna.applications, ['SADM']);
    assert.equal(chloe.type, 'COGL');
    assert.equal(list.find((a) => a.username === 'els.user').email, 'els.new@example.be');
    assert.ok(!list.some((a) => ['bad.niss', 'wim.p', 'nobody', 'anna.twice', 'lies.gl'].includes(a.username)));
    assert.equal(auditCount(srv, ['user.add']) - beforeAdds, 2);
    assert.equal(auditCount(srv, ['user.update']) - beforeUpdates, 1);
    assert.equal(auditCount(srv, ['grant.add']) - beforeGrants, 0, 'grants of new users are in user.add');
    assert.equal(auditCount(srv, ['users.import']), 1);
  });

  it('a second confirmation of the same preview is refused and changes nothing', async () => {
    const events = auditCount(srv, []);
    const r = await post(gl, `${batch}/confirmer`, {});
    assert.equal(r.status, 409);
    assert.match(text(r.text), /déjà été confirmé/);
    assert.equal(auditCount(srv, []), events);
    assert.equal(accounts(srv, { org: ID.org, quality: q }).length, 4);
  });

  it('the refused rows as CSV: the same columns, a reason, formulas defused', async () => {
    const r = await gl.get(`${batch}/refuses.csv`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment/);
    const raw = Buffer.from(await (await gl.fetch(`${batch}/refuses.csv`)).arrayBuffer());
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const rowsOf = parseCsv(r.text.replace(/^\uFEFF/, ''));
    assert.equal(rowsOf.length, 7, 'header + 6 refused rows');
    assert.equal(rowsOf[0].length, 14);
    assert.equal(rowsOf[0][13], 'Motif du refus');
    assert.deepEqual(rowsOf.slice(1).map((x) => x[2]),
      ['bad.niss', 'wim.p', 'nobody', 'anna.twice', 'lies.gl', '\'=HYPERLINK("x")']);
    assert.equal(rowsOf[6][0], "'=cmd", 'a cell starting with = is prefixed');
    assert.match(rowsOf[3][13], /inconnue du registre/);
    // Nobody else reads it: another manager of the organisation (the GAP) gets 404.
    assert.equal((await gap.get(`${batch}/refuses.csv`)).status, 404);
  });

  it('limits and bad files: a clear message at the field, nothing kept', async () => {
    const n = batches();
    let r = await upload(gl, ID.org, q, Buffer.from('Nom;Prénom\r\n"unterminated;x\r\n'));
    assert.equal(r.status, 422);
    assert.match(text(r.text), /mal formé/);
    r = await upload(gl, ID.org, q, Buffer.from('Nom;Prénom\r\n'));
    assert.equal(r.status, 422);
    assert.match(text(r.text), /aucun utilisateur/);
    const many = ['h'].concat(Array.from({ length: 20001 }, (_, i) => `r${i}`)).join('\r\n');
    r = await upload(gl, ID.org, q, Buffer.from(many));
    assert.equal(r.status, 422);
    assert.match(text(r.text), /trop de lignes/);
    assert.equal(batches(), n);
  });

  it('Windows-1252 and "," are read: names with umlauts and accents', async () => {
    const line = ['Müller', 'Anna', 'anna.muller', 'USER', REG[0].niss, 'Actif', 'Mme', 'fr', 'anna.muller@example.be', 'Dubois-Léger', '', '', 'SADM'];
    const head = ['Nom', 'Prénom', "Nom d'utilisateur", 'Type', 'NISS', 'Statut', 'Titre', 'Choix linguistique', 'Adresse e-mail utilisateur', 'Adresse e-mail locale', 'Date création', 'Date modification', 'Applications sécurisées'];
    const latin1 = Buffer.from([head, line].map((x) => x.join(',')).join('\r\n'), 'latin1');
    const r = await upload(gl, ID.org, q, latin1);
    assert.equal(r.status, 303, text(r.text).slice(0, 300));
    const p = await gl.get(r.headers.get('location'));
    // The local e-mail "Dubois-Léger" is refused as an e-mail, read correctly decoded.
    assert.deepEqual(counts(p.text), { add: 0, change: 0, same: 0, refused: 1 });
    assert.match(p.text, /Müller/);
  });

  it('policy: a USER and a GL of another quality: 403 with an access.denied event, nothing changed', async () => {
    // A USER with access codes in the quality.
    const userNiss = makeNiss(82, 5, 6, 21);
    addPerson(srv, { niss: userNiss, last: 'Simple', first: 'User', username: 'simple.user' });
    addAccount(srv, { org: ID.org, quality: q, niss: userNiss, username: 'simple.user', email: 's@example.be' });
    const user = await login(srv, 'simple.user');
    // A GL of another quality of the organisation.
    const otherNiss = makeNiss(82, 5, 6, 23);
    addPerson(srv, { niss: otherNiss, last: 'Autre', first: 'Gl', username: 'other.gl' });
    await activate(srv, gap, { code: OTHER_QUALITY, email: 'ph@example.be', niss: otherNiss, username: 'other.gl', userEmail: 'o@example.be', apps: [] });
    const other = await login(srv, 'other.gl');
    const file = csvOf([['h'], ['Müller', 'Anna', 'x.y', 'USER', REG[3].niss, 'Actif', '', 'fr', 'x@example.be', '', '', '', '']]);
    for (const [who, c] of [['USER', user], ['GL of another quality', other]]) {
      const n = batches(), users = accounts(srv, { org: ID.org, quality: q }).length, d = denials(srv);
      // The pages: adding a user.
      const page = await post(c, `/acces/${ID.org}/qualite/${q}/nouveau`, { niss: REG[3].niss, type: 'USER' });
      assert.equal(page.status, 403, `${who}: the page`);
      // The import: the form, the upload, another's preview and its confirmation.
      assert.equal((await c.get(`/acces/${ID.org}/qualite/${q}/import`)).status, 403, `${who}: form`);
      assert.equal((await upload(c, ID.org, q, file)).status, 403, `${who}: upload`);
      assert.equal((await c.get(batch)).status, 403, `${who}: preview`);
      assert.equal((await post(c, `${batch}/confirmer`, {})).status, 403, `${who}: confirm`);
      assert.equal(denials(srv) - d, 5, `${who}: an access.denied event each`);
      assert.equal(batches(), n, `${who}: no batch kept`);
      assert.equal(accounts(srv, { org: ID.org, quality: q }).length, users, `${who}: nothing changed`);
    }
  });

  it('policy: a local manager may not act on the GAP, neither on the page nor by import', async () => {
    const d = denials(srv);
    const fields = { niss: NISS.claire, type: 'USER', username: 'claire.dubois', last_name: 'Dubois',
      first_name: 'Claire', title: 'Mme', language: 'fr', email: 'claire@example.be', local_email: '' };
    const page = await post(gl, `/acces/${ID.org}/qualite/${q}/nouveau/confirmation`, fields);
    assert.equal(page.status, 403, 'the page refuses');
    assert.equal(denials(srv) - d, 1);
    const head = ['Nom', 'Prénom', 'u', 'Type', 'NISS', 'Statut', 'Titre', 'Langue', 'E', 'L', 'C', 'M', 'A'];
    const r = await upload(gl, ID.org, q, csvOf([head,
      ['D', 'C', 'claire.dubois', 'USER', NISS.claire, 'Actif', 'Mme', 'fr', 'claire@example.be', '', '', '', 'SADM']]));
    assert.equal(r.status, 303);
    const loc = r.headers.get('location');
    const got = previewRows((await gl.get(loc)).text);
    assert.equal(got.get(2).cls, 'refused');
    assert.match(got.get(2).text, /au-delà de vos propres droits/);
    const users = accounts(srv, { org: ID.org, quality: q }).length;
    const c = await post(gl, `${loc}/confirmer`, {});
    assert.equal(c.status, 200);
    assert.deepEqual(counts(c.text), { add: 0, change: 0, same: 0, refused: 1 });
    assert.equal(accounts(srv, { org: ID.org, quality: q }).length, users, 'nothing changed');
  });

  it('policy: a co-manager may not designate a co-manager, neither on the page nor by import', async () => {
    const coNiss = makeNiss(82, 5, 6, 25);
    addPerson(srv, { niss: coNiss, last: 'Co', first: 'Gl', username: 'co.gl' });
    addAccount(srv, { org: ID.org, quality: q, niss: coNiss, username: 'co.gl', email: 'co@example.be', type: 'COGL' });
    const co = await login(srv, 'co.gl');
    const d = denials(srv);
    const page = await post(co, `/acces/${ID.org}/qualite/${q}/nouveau`, { niss: REG[3].niss, type: 'COGL' });
    assert.equal(page.status, 403, 'the page refuses');
    assert.equal(denials(srv) - d, 1);
    const head = ['Nom', 'Prénom', 'u', 'Type', 'NISS', 'Statut', 'Titre', 'Langue', 'E', 'L', 'C', 'M', 'A'];
    const r = await upload(co, ID.org, q, csvOf([head,
      ['J', 'L', 'lies.cogl', 'COGL', REG[3].niss, 'Actif', '', 'fr', 'l@example.be', '', '', '', ''],
      ['J', 'L', 'chloe.dl', 'USER', REG[1].niss, 'Actif', '', 'fr', 'chloe.dl@example.be', '', '', '', 'MEDSEIP SADM'],
    ]));
    assert.equal(r.status, 303);
    const p = await co.get(r.headers.get('location'));
    const got = previewRows(p.text);
    assert.equal(got.get(2).cls, 'refused');
    assert.match(got.get(2).text, /au-delà de vos propres droits/);
    assert.equal(got.get(3).cls, 'refused', 'withdrawing a co-manager is designating too');
    // The GL's own batch is not the co-manager's.
    assert.equal((await co.get(batch)).status, 404);
  });
});
