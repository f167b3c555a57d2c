// uman_catalogue.test.js — `portier catalogue`: the operator lists the catalogue, adds a
// quality and a secured application (names and descriptions in four languages); codes
// taken, unknown qualities and missing texts are refused with exit status 1; the new
// quality is then offered on the entity page and its application in the activation.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { run, tempDir } from '../lib/server.js';
import { login, post, startDemo, text } from './uman_lib.js';

const NAMES = ['--name-fr', 'Pharmacie', '--name-nl', 'Apotheek', '--name-de', 'Apotheke', '--name-en', 'Pharmacy'];
const APP = ['--code', 'PHARMA_NET', '--quality', 'pharmacy', '--name-fr', 'Réseau des pharmacies',
  '--name-nl', 'Apothekersnetwerk', '--name-de', 'Apothekennetz', '--name-en', 'Pharmacy network',
  '--desc-fr', 'Le réseau des pharmacies; "officines".', '--desc-nl', 'Het netwerk.',
  '--desc-de', 'Das Netz.', '--desc-en', 'The network.', '--min-level', '3'];

describe('portier catalogue', () => {
  let dir;
  let db;

  before(() => {
    dir = tempDir();
    db = path.join(dir, 'c.db');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help, list, add-quality, add-application, refusals', async () => {
    const help = await run(['catalogue', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /portier catalogue add-application --code CODE --quality QUALITY/);
    const list = await run(['catalogue', 'list', '--db', db]);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^health_related\tInstitution liée au domaine de la santé$/m);
    assert.match(list.stdout, /^ {2}MEDSEIP\tPortail MEDSEIP\t\(level 3\)$/m);
    const q = await run(['catalogue', 'add-quality', '--db', db, '--code', 'pharmacy', '--domain', 'health', ...NAMES]);
    assert.equal(q.code, 0, q.stderr);
    const again = await run(['catalogue', 'add-quality', '--db', db, '--code', 'pharmacy', '--domain', 'health', ...NAMES]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    const missing = await run(['catalogue', 'add-quality', '--db', db, '--code', 'x', '--domain', 'health', '--name-fr', 'X']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /the nl name is missing/);
    const badCode = await run(['catalogue', 'add-quality', '--db', db, '--code', 'a b', '--domain', 'health', ...NAMES]);
    assert.equal(badCode.code, 1);
    const app = await run(['catalogue', 'add-application', '--db', db, ...APP]);
    assert.equal(app.code, 0, app.stderr);
    const orphan = await run(['catalogue', 'add-application', '--db', db, ...APP.map((a) => (a === 'pharmacy' ? 'nope' : a === 'PHARMA_NET' ? 'OTHER' : a))]);
    assert.equal(orphan.code, 1);
    assert.match(orphan.stderr, /no quality 'nope'/);
    const level = await run(['catalogue', 'add-application', '--db', db, ...APP.slice(0, -2), '--min-level', '4']);
    assert.equal(level.code, 2, 'usage error');
    const nl = await run(['catalogue', 'list', '--lang', 'nl', '--db', db]);
    assert.match(nl.stdout, /^pharmacy\tApotheek\n {2}PHARMA_NET\tApothekersnetwerk\t\(level 3\)$/m);
    const audit = await run(['audit', 'verify', '--db', db]);
    assert.equal(audit.code, 0);
  });

  it('the new quality is offered and activated with its application', async () => {
    const srv = await startDemo();
    try {
      const add = await run(['catalogue', 'add-quality', '--db', srv.db, '--code', 'pharmacy', '--domain', 'health', ...NAMES]);
      assert.equal(add.code, 0, add.stderr);
      assert.equal((await run(['catalogue', 'add-application', '--db', srv.db, ...APP])).code, 0);
      const gap = await login(srv, 'claire.dubois');
      const entity = await gap.get('/acces/1');
      assert.match(entity.text, /<option value="pharmacy">Pharmacie<\/option>/);
      const step1 = await gap.get('/acces/1/activer?qualite=pharmacy');
      assert.equal(step1.status, 200);
      const step2 = await post(gap, '/acces/1/activer/gestionnaire',
        { quality: 'pharmacy', email_quality: 'pharma@pharmaplatel.example.be', mode: 'self' });
      assert.equal(step2.status, 200);
      assert.match(step2.text, /name="apps" value="PHARMA_NET"/);
      assert.match(text(step2.text), /Réseau des pharmacies Le réseau des pharmacies; "officines"\./);
    } finally {
      await srv.stop();
    }
  });
});
