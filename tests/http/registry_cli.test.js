// registry_cli.test.js — the registry on the command line, on the demo world imported with
// `portier import kbo|persons|functions`: `registry show` and `registry search` as text and
// JSON, exit statuses, and the functions/persons imports' file:line messages, all-or-
// nothing, --skip-invalid with its rejects file. A NISS is never printed whole.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SHARE_DIR, run, tempDir } from '../lib/server.js';

const DEMO = path.join(SHARE_DIR, 'demo');
const FUNCTIONS_HEADER = '"EnterpriseNumber","RepresentativeNISS","RepresentativeEnterpriseNumber","FunctionCode","FunctionLabel","BeginDate","EndDate"\n';

describe('registry on the command line', () => {
  let dir;
  let db;
  const portier = (args) => run([...args, '--db', db], { cwd: dir });

  before(async () => {
    dir = tempDir();
    db = path.join(dir, 'r.db');
    for (const [what, src] of [['kbo', path.join(DEMO, 'kbo')],
      ['persons', path.join(DEMO, 'persons.csv')], ['functions', path.join(DEMO, 'functions.csv')]]) {
      const r = await portier(['import', what, src]);
      assert.equal(r.code, 0, `import ${what}: ${r.stderr}`);
    }
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('import persons and functions say what they did', async () => {
    const r = await portier(['import', 'persons', path.join(DEMO, 'persons.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^imported 11 persons from .*persons\.csv into .*r\.db \(the previous persons were replaced\)\n$/);
    const f = await portier(['import', 'functions', path.join(DEMO, 'functions.csv')]);
    assert.match(f.stdout, /^imported 38 functions from /);
    const help = await run(['registry', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: portier registry show NUMBER/);
    for (const what of ['functions', 'persons']) {
      const h = await run(['import', what, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.stdout, new RegExp(`^usage: portier import ${what} FILE`));
    }
  });

  it('registry show prints the card, the NISS masked', async () => {
    const r = await portier(['registry', 'show', 'BE 1099.001.189']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1099\.001\.189 {2}Zorgtech Distributie\n/);
    assert.match(r.stdout, /juridical form: {6}Société à responsabilité limitée \(610\)/);
    assert.match(r.stdout, /seat: {16}Zorgvlietstraat 12, 9000 Gand/);
    assert.match(r.stdout, /Jan Peeters \(XX\.XX\.XX-XXX\.28\) {2}Administrateur \(ADM\) {2}since 2014-03-17/);
    assert.ok(!r.stdout.includes('85073003328'));
    const nl = await portier(['registry', 'show', '1099001189', '--lang', 'nl']);
    assert.match(nl.stdout, /seat: {16}Zorgvlietstraat 12, 9000 Gent/);
    // On another day: Dentalia's former administrator.
    const old = await portier(['registry', 'show', '1099006634', '--date', '2025-06-01']);
    assert.match(old.stdout, /Pieter Janssens .* until 2025-12-31/);
  });

  it('registry show --json', async () => {
    const r = await portier(['registry', 'show', '1099004456', '--json', '--lang', 'de']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.number, '1099004456');
    assert.equal(j.number_formatted, '1099.004.456');
    assert.equal(j.name, 'Orthomed Wallonie');
    assert.equal(j.juridical_form_label, 'Aktiengesellschaft');
    assert.equal(j.seat.municipality, 'Namur');
    assert.deepEqual(j.current_functions.map((f) => [f.representative_name, f.representative_enterprise,
      f.representative_niss_masked]), [['Dubois Participations', '1099005545', null]]);
    assert.ok(j.activities.some((a) => a.nace_code === '46460' && a.nace_version === '2025'));
    assert.ok(!/\d{11}/.test(r.stdout.replace(/"\d{10}"/g, '')), 'an 11-digit number in the JSON');
  });

  it('registry search, text and JSON; exit 1 when nothing is found', async () => {
    const r = await portier(['registry', 'search', 'medical societe']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1 enterprise found \(page 1 of 1\)\n1099\.026\.826 {2}AC {2}Société Générale de Matériel Médical/);
    const j = JSON.parse((await portier(['registry', 'search', 'med', '--json'])).stdout);
    assert.equal(j.total, 6);
    assert.equal(j.capped, false);
    assert.equal(j.results.length, 6);
    const none = await portier(['registry', 'search', 'zzzqx']);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /^0 enterprises found/);
    const missing = await portier(['registry', 'show', '0552.627.113']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no enterprise 0552\.627\.113 in the registry/);
  });

  it('bad arguments are usage errors (exit 2)', async () => {
    for (const args of [['registry'], ['registry', 'show'], ['registry', 'list', 'x'],
      ['registry', 'show', '123'], ['registry', 'search', 'x', '--page', '0'],
      ['registry', 'search', 'x', '--page', '1001'], ['registry', 'show', '1099001189', '--lang', 'es'],
      ['registry', 'show', '1099001189', '--date', '2025-13-01'],
      ['import', 'functions'], ['import', 'functions', 'x.csv', '--rejects', 'r.csv']]) {
      const r = await portier(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
  });

  it('an invalid functions file: every bad row as file:line: reason, nothing applied', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, `${FUNCTIONS_HEADER
    }"1099.001.189","85073003328",,"ADM","Administrateur",2014-03-17,
"1099.001.188","85073003328",,"ADM","Administrateur",2014-03-17,
"0552.627.113","85073003328",,"ADM","Administrateur",2014-03-17,
"1099.001.189","85073003329",,"ADM","Administrateur",2014-03-17,
"1099.001.189","72110512256",,"ADM","Administrateur",2014-02-30,
`);
    const r = await portier(['import', 'functions', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, [
      `${file}:3: EnterpriseNumber "1099.001.188": check digits do not match`,
      `${file}:4: unknown enterprise 0552.627.113: not in the KBO registry (import the KBO extract first)`,
      `${file}:5: RepresentativeNISS: check digits do not match`,
      `${file}:6: BeginDate "2014-02-30": not a date (yyyy-mm-dd)`,
      `portier: import functions ${file}: 4 invalid rows`,
      'portier: nothing was applied', ''].join('\n'));
    // The demo functions are still there.
    const show = await portier(['registry', 'show', '1099001189']);
    assert.match(show.stdout, /Els Maria Van den Broeck/);

    const quoting = path.join(dir, 'quoting.csv');
    writeFileSync(quoting, `${FUNCTIONS_HEADER}"1099.001.189","850730"33328",,"ADM","A",2014-03-17,\n`);
    const q = await portier(['import', 'functions', quoting, '--skip-invalid']);
    assert.equal(q.code, 1);
    assert.match(q.stderr, /quoting\.csv:2: broken quoting/);
  });

  it('--skip-invalid applies the valid rows and writes the rejects', async () => {
    const file = path.join(dir, 'persons.csv');
    writeFileSync(file, `"NISS","LastName","FirstNames","BirthDate","Sex","Language","Country"
"85073003328","Peeters","Jan",1985-07-30,"M","nl","BE"
"85073003329","Peeters","Jan",1985-07-30,"M","nl","BE"
`);
    const rejects = path.join(dir, 'out.csv');
    const r = await portier(['import', 'persons', file, '--skip-invalid', '--rejects', rejects]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^imported 1 person from .*\n1 invalid row skipped, written with the reason to .*out\.csv\n$/);
    assert.equal(r.stderr, `${file}:3: NISS: check digits do not match\n`);
    assert.equal(readFileSync(rejects, 'utf8'),
      '"NISS","LastName","FirstNames","BirthDate","Sex","Language","Country","Line","Reason"\n'
      + '"85073003329","Peeters","Jan","1985-07-30","M","nl","BE","3","NISS: check digits do not match"\n');
    // Put the demo persons back for the other tests.
    assert.equal((await portier(['import', 'persons', path.join(DEMO, 'persons.csv')])).code, 0);
  });
});
