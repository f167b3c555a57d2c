// long_names.test.js — names of 100 characters in Cyrillic, Greek and accented Latin (200
// to 400 bytes of UTF-8) through every service they cross: the persons register import,
// user creation in access management (names prefilled from the register), the ID token
// and userinfo, the CSV export of the users, the token card PDF and the exception form
// PDF. Each must carry the names whole, byte for byte, or refuse: never cut them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, run, SHARE_DIR, tempDir } from '../lib/server.js';
import { addApplication, exceptionRequest, personOf, setPassword } from '../lib/world.js';
import {
  addClient, authorize, jwtPayload, pkce, tokenRequest,
} from './oidc_lib.js';
import { post } from './csam_support.js';
import { TOKEN_DOORS, activationSession, submit } from './factors_lib.js';
import {
  DEMO_COST, ID, NISS, PASSWORD, activate, addUser, login, rows, scalar, startDemo,
} from './uman_lib.js';

/** A name of exactly n characters: words repeated, never ending with a space or hyphen. */
function named(words, n = 100) {
  let s = '';
  while ([...s].length < n + 1) s += `${words} `;
  const cps = [...s].slice(0, n);
  while (/[ -]/.test(cps[cps.length - 1])) cps[cps.length - 1] = 'a';
  return cps.join('');
}

/** A NISS of someone born on yymmdd (before 2000), sequence seq, with its check digits. */
function niss(yymmdd, seq) {
  const base = `${yymmdd}${String(seq).padStart(3, '0')}`;
  return base + String(97 - (Number(base) % 97)).padStart(2, '0');
}

const PEOPLE = {
  cyrillic: {
    niss: niss('800202', 11), user: 'zhanna.maria', lang: 'fr',
    last: named('Жанна-Мария'), first: named('Ёлка-Щукина Чебурашка'),
  },
  greek: {
    niss: niss('810303', 13), user: 'eleni.papa', lang: 'fr',
    last: named('Παπαδοπούλου-Αικατερίνη'), first: named('Ελένη-Χρυσούλα'),
  },
  latin: {
    niss: niss('820404', 15), user: 'eleonore.berenice', lang: 'fr',
    last: named('Éléonore-Bérénice Ñúñez-Çàçèöü'), first: named('Ådèlïne-Ærøskøbing Œuvré'),
  },
};

const full = (p) => `${p.first} ${p.last}`;
/** Text with runs of white space (line breaks of a PDF) as one space. */
const squeeze = (s) => s.replace(/\s+/g, ' ');

/** The text of a PDF as pdftotext reads it. */
function pdfText(bytes) {
  const dir = tempDir();
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('names of 100 characters are never cut', () => {
  let srv;
  let gap;
  let q;

  before(async () => {
    for (const p of Object.values(PEOPLE)) {
      assert.equal([...p.last].length, 100);
      assert.equal([...p.first].length, 100);
      assert.ok(Buffer.byteLength(p.last) > 128 && Buffer.byteLength(p.first) > 128,
        'the names are longer than the old 128-byte arrays');
    }
    srv = await startDemo(TOKEN_DOORS);
    // A level-1 application of the quality, so that a password login may use it.
    addApplication(srv, { code: 'TESTAPP', sort: 998, minLevel: 1,
      names: { fr: 'Application de test', nl: 'Testtoepassing', de: 'Testanwendung', en: 'Test application' } });
    // The register: the demo persons and ours.
    const csv = readFileSync(path.join(SHARE_DIR, 'demo', 'persons.csv'), 'utf8').trimEnd()
      + '\n' + Object.values(PEOPLE).map((p) => `"${p.niss}","${p.last}","${p.first}",,"F","fr","BE"`).join('\n') + '\n';
    const file = path.join(tempDir(), 'persons.csv');
    writeFileSync(file, csv);
    const r = await run(['import', 'persons', file, '--db', srv.db]);
    assert.equal(r.code, 0, r.stderr);
    gap = await login(srv, 'claire.dubois');
  });
  after(async () => {
    await srv?.stop();
  });

  it('the register import keeps the names whole', () => {
    for (const p of Object.values(PEOPLE)) {
      const [row] = rows(srv, `SELECT last_name, first_names FROM reg_person WHERE niss = '${p.niss}'`);
      assert.deepEqual(row, { last_name: p.last, first_names: p.first });
    }
  });

  it('access management creates the users with the names of the register', async () => {
    const c = PEOPLE.cyrillic;
    q = await activate(srv, gap, { niss: c.niss, username: c.user, userEmail: 'zhanna@example.be', apps: ['TESTAPP'] });
    for (const p of [PEOPLE.greek, PEOPLE.latin]) {
      await addUser(srv, gap, q, { niss: p.niss, username: p.user, email: `${p.user}@example.be`, apps: ['TESTAPP'] });
    }
    for (const p of Object.values(PEOPLE)) {
      const row = personOf(srv, p.niss);
      assert.deepEqual({ last_name: row.last_name, first_name: row.first_name },
        { last_name: p.last, first_name: p.first }, `person ${p.user}`);
      // Access codes for the rest of the tests (the demo password).
      setPassword(srv, { niss: p.niss, username: p.user, password: PASSWORD, extra: DEMO_COST });
    }
  });

  it('the ID token and userinfo carry the names exactly', async () => {
    const client = addClient(srv, 'long-names', { application: 'TESTAPP', scope: 'openid profile' });
    for (const p of Object.values(PEOPLE)) {
      const b = new Client(srv.url);
      const { verifier, challenge } = pkce();
      const back = await authorize(b, {
        response_type: 'code', client_id: client.id, redirect_uri: 'http://127.0.0.1:9/cb',
        scope: 'openid profile', state: 's', nonce: 'n', code_challenge: challenge,
        code_challenge_method: 'S256',
      }, { user: p.user });
      const code = back.searchParams.get('code');
      assert.ok(code, `a code for ${p.user}: ${back}`);
      const t = await tokenRequest(srv.url, {
        grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/cb',
        code_verifier: verifier,
      }, { basic: client });
      assert.equal(t.status, 200, t.text);
      const claims = jwtPayload(t.json.id_token);
      assert.equal(claims.given_name, p.first);
      assert.equal(claims.family_name, p.last);
      assert.equal(claims.name, full(p));
      assert.equal(claims.organisation?.name, 'PharmaPlatel');
      const ui = await fetch(new URL('/oidc/userinfo', srv.url), {
        headers: { authorization: `Bearer ${t.json.access_token}` },
      });
      assert.equal(ui.status, 200);
      const u = await ui.json();
      assert.equal(u.given_name, p.first);
      assert.equal(u.family_name, p.last);
      assert.equal(u.name, full(p));
    }
  });

  it('the CSV export holds the names whole', async () => {
    const body = new URLSearchParams({ _csrf: gap.csrf, sep: ';' });
    const res = await gap.fetch(`/acces/${ID.org}/qualite/${q}/export`, { method: 'POST', body });
    assert.equal(res.status, 200);
    const text = new TextDecoder('utf-8').decode(Buffer.from(await res.arrayBuffer()));
    for (const p of Object.values(PEOPLE)) {
      const line = text.split('\r\n').find((l) => l.includes(p.user));
      assert.ok(line, `a row for ${p.user}`);
      const cells = line.split(';');
      assert.equal(cells[0], p.last);
      assert.equal(cells[1], p.first);
    }
  });

  it('the token card PDF prints the holder whole, in every script', async () => {
    for (const p of Object.values(PEOPLE)) {
      const c = new Client(srv.url);
      await activationSession(srv, c, p.user, "Sept-lunes-bleues-2026!");
      const issued = await submit(c, '/enrolement/token', {});
      assert.equal(issued.status, 303, `a card for ${p.user}`);
      const pdf = await c.fetch('/enrolement/token/carte.pdf');
      assert.equal(pdf.status, 200);
      const bytes = Buffer.from(await pdf.arrayBuffer());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      const text = squeeze(pdfText(bytes));
      assert.ok(text.includes(full(p)), `the holder ${p.user} is on the card:\n${text.slice(0, 600)}`);
      assert.ok(!text.includes('???'), 'no character replaced by ?');
    }
  });

  it('the exception form PDF prints the names whole', async () => {
    const c = new Client(srv.url);
    const form = await c.get('/csam/exception');
    assert.equal(form.status, 200);
    const token = /name="token" value="([^"]+)"/.exec(form.text)[1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)[1];
    const rep = PEOPLE.cyrillic;
    const g = PEOPLE.greek;
    const res = await post(c, '/csam/exception', {
      _csrf: csrf, token, has_eid: 'no', rep_domicile_be: 'no', case_kind: 'foreign_company',
      company_country: 'DE', company_name: 'Krämer Medizintechnik GmbH', company_reg: 'DE 811 234 567',
      company_address: 'Hauptstraße 1, 52062 Aachen', rep_kind: 'person',
      rep_last_name: rep.last, rep_first_name: rep.first, rep_birth_date: '1970-12-01',
      rep_nationality: 'DE', rep_country: 'DE', rep_address: 'Hauptstraße 1, 52062 Aachen',
      rep_doc_type: 'passport', rep_doc_number: 'C01X00T47', rep_doc_country: 'DE',
      gap_niss: '78.43.12-044.80', gap_last_name: g.last, gap_first_name: g.first,
      gap_has_eid: 'no', contact_email: 'info@kraemer-medizin.example',
      contact_phone: '+49 241 123456', declaration: 'yes',
    });
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const loc = res.headers.get('location');
    // What was stored, as the helpdesk reads it (Jan made an operator for it).
    const op = await run(['helpdesk', 'add', NISS.jan, '--db', srv.db]);
    assert.equal(op.code, 0, op.stderr);
    const stored = exceptionRequest(srv, NISS.jan, loc.split('/').pop());
    assert.deepEqual([stored.rep_last_name, stored.rep_first_name, stored.gap_last_name, stored.gap_first_name],
      [rep.last, rep.first, g.last, g.first]);
    const pdf = await c.fetch(`${loc}/formulaire.pdf`);
    assert.equal(pdf.status, 200);
    const text = squeeze(pdfText(Buffer.from(await pdf.arrayBuffer())));
    for (const name of [rep.last, rep.first, g.last, g.first]) {
      assert.ok(text.includes(name), `${name.slice(0, 20)}… is on the form:\n${text.slice(0, 800)}`);
    }
    assert.ok(text.includes('Krämer Medizintechnik GmbH'));
  });

  it('a name too long for the register is refused, not cut', async () => {
    const long = named('Жанна-Мария', 201);
    const file = path.join(tempDir(), 'persons.csv');
    writeFileSync(file, `"NISS","LastName","FirstNames","BirthDate","Sex","Language","Country"\n"${niss('830505', 17)}","${long}","Anna",,"F","fr","BE"\n`);
    const r = await run(['import', 'persons', file, '--db', srv.db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /longer than 200 characters/);
    assert.equal(scalar(srv, `SELECT count(*) FROM reg_person WHERE niss = '${PEOPLE.cyrillic.niss}'`), 1, 'the register is unchanged');
  });
});
