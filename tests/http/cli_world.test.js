// cli_world.test.js — the commands that build a world through the services (person add,
// set-password, show; org add; quality activate; account add, suspend, reactivate, list)
// and the test clock of serve: what they write, what they refuse and that a refusal
// leaves nothing behind.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { freePort, run, start, tempDir } from '../lib/server.js';
import {
  accounts, activateQuality, addAccount, addOrg, addPerson, auditEvents, cli, personOf,
  setAccountStatus,
} from '../lib/world.js';

const P = {
  jan: { niss: '85073003328', last: 'Peeters', first: 'Jan', lang: 'nl' },
  claire: { niss: '17073003384', last: 'Dubois', first: 'Claire', lang: 'fr' },
  lukas: { niss: '90022800193', last: 'Schmitz', first: 'Lukas', lang: 'de' },
};
const PASSWORD = 'Demo-portier-2026';
const COST = ['--password-ops', '1', '--password-mem-kib', '8'];

describe('world-building commands', () => {
  let dir;
  let db;     // a { db } for tests/lib/world.js

  before(() => {
    dir = tempDir();
    db = { db: path.join(dir, 'w.db') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('person add: names given or from the register, access codes from standard input', () => {
    const id = addPerson(db, { ...P.jan, email: 'jan@example.be', username: 'jan.peeters', password: PASSWORD, extra: COST });
    assert.deepEqual(personOf(db, P.jan.niss), {
      id, niss: P.jan.niss, last_name: 'Peeters', first_name: 'Jan', language: 'nl', email: 'jan@example.be',
      name_source: 'manager',
      app: false, card: { active: false, serial: '', unused: 0, pending: false },
    });
    assert.equal(auditEvents(db, ['person.create']).at(-1).object, `person:${id}`);
    assert.equal(auditEvents(db, ['password.set']).at(-1).object, `person:${id}`);
    // Known already: refused, nothing added.
    const again = cli(db, ['person', 'add', '--niss', P.jan.niss, '--last-name', 'X', '--first-name', 'Y']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already known/);
    // Unknown to the (empty) register and no names: nobody is made up.
    const noname = cli(db, ['person', 'add', '--niss', P.lukas.niss]);
    assert.equal(noname.code, 1);
    assert.equal(personOf(db, P.lukas.niss), null);
    // A NISS that is not one, and the password on the command line: usage errors.
    assert.equal(cli(db, ['person', 'add', '--niss', '85073003329', '--last-name', 'X', '--first-name', 'Y']).code, 2);
    assert.equal(cli(db, ['person', 'add', '--niss', P.claire.niss, '--password', PASSWORD]).code, 2);
    // A weak password is refused before anything is written.
    const weak = cli(db, ['person', 'add', '--niss', P.claire.niss, '--last-name', 'Dubois', '--first-name', 'Claire',
      '--username', 'claire.dubois', '--password-stdin', ...COST], 'claire.dubois\n');
    assert.equal(weak.code, 1);
    assert.equal(personOf(db, P.claire.niss), null);
    // set-password on someone unknown; a user name that is taken.
    assert.equal(cli(db, ['person', 'set-password', '--niss', P.claire.niss, '--username', 'x.y', '--password-stdin'], `${PASSWORD}\n`).code, 1);
    addPerson(db, P.claire);
    const taken = cli(db, ['person', 'set-password', '--niss', P.claire.niss, '--username', 'jan.peeters', '--password-stdin', ...COST], `${PASSWORD}\n`);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /taken/);
  });

  it('org add: a GAP known to portier, checked values, one registration per enterprise', () => {
    const args = (extra) => ['org', 'add', '--enterprise', '0552.627.113', '--name', 'Pharma Test SA', ...extra];
    assert.equal(cli(db, args(['--gap', P.lukas.niss])).code, 1, 'a GAP portier does not know');
    assert.equal(cli(db, args(['--gap', P.jan.niss, '--contact-email', 'jan@zorg-.be'])).code, 1, 'a bad e-mail');
    assert.equal(cli(db, ['org', 'add', '--enterprise', '0552.627.114', '--name', 'X', '--gap', P.jan.niss]).code, 1, 'a bad number');
    assert.equal(auditEvents(db, ['org.register']).length, 0, 'nothing registered by the refusals');
    const id = addOrg(db, { enterprise: '0552.627.113', name: 'Pharma Test SA', gap: P.jan.niss, email: 'contact@example.be', phone: '02 000 00 00' });
    const reg = auditEvents(db, ['org.register']);
    assert.equal(reg.length, 1);
    assert.equal(reg[0].org, '0552627113');
    assert.equal(reg[0].source, 'cli');
    assert.equal(auditEvents(db, ['org.gap.designate']).at(-1).object, `person:${personOf(db, P.jan.niss).id}`);
    assert.equal(cli(db, args(['--gap', P.jan.niss])).code, 1, 'registered already');
    assert.equal(id, 1);
  });

  it('quality activate, account add|suspend|reactivate|list: in the name of a manager, under the policy', () => {
    // Claire is nobody in the organisation: the policy refuses her, and says so in the audit.
    const denied = cli(db, ['quality', 'activate', '--org', '1', '--quality', 'health_related', '--email', 'q@example.be',
      '--gl', P.claire.niss, '--username', 'claire', '--user-email', 'claire@example.be', '--as', P.claire.niss]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /policy/);
    assert.equal(auditEvents(db, ['access.denied']).length, 1);
    const q = activateQuality(db, { org: 1, email: 'q@example.be', gl: P.claire.niss, username: 'claire', userEmail: 'claire@example.be', apps: ['MEDSEIP'] });
    // An application of another quality: refused, and nobody created by the refused form.
    assert.equal(cli(db, ['account', 'add', '--org', '1', '--quality', String(q.quality), '--niss', P.lukas.niss,
      '--username', 'lukas', '--email', 'l@example.be', '--last-name', 'Schmitz', '--first-name', 'Lukas', '--app', 'NOPE']).code, 1);
    assert.equal(personOf(db, P.lukas.niss), null);
    const lukas = addAccount(db, { org: 1, quality: q.quality, niss: P.lukas.niss, username: 'lukas', email: 'l@example.be',
      lang: 'de', last: 'Schmitz', first: 'Lukas', apps: ['SADM'] });
    assert.deepEqual(accounts(db, { org: 1, quality: q.quality }).map((a) => [a.account, a.username, a.type, a.status, a.applications]),
      [[q.account, 'claire', 'GL', 'active', ['MEDSEIP']], [lukas, 'lukas', 'USER', 'active', ['SADM']]]);
    // The same person a second time: refused.
    assert.equal(cli(db, ['account', 'add', '--org', '1', '--quality', String(q.quality), '--niss', P.lukas.niss,
      '--username', 'lukas2', '--email', 'l@example.be']).code, 1);
    // Suspended by the GL, not by a user.
    const user = cli(db, ['account', 'suspend', '--org', '1', '--quality', String(q.quality), '--account', String(lukas), '--as', P.lukas.niss]);
    assert.equal(user.code, 1);
    setAccountStatus(db, { org: 1, quality: q.quality, account: lukas, suspend: true, as: P.claire.niss });
    assert.equal(accounts(db, { org: 1, quality: q.quality }).find((a) => a.account === lukas).status, 'suspended');
    setAccountStatus(db, { org: 1, quality: q.quality, account: lukas, suspend: false });
    assert.equal(accounts(db, { org: 1, quality: q.quality }).find((a) => a.account === lukas).status, 'active');
    // Lists are for managers: Lukas is not one.
    assert.equal(cli(db, ['account', 'list', '--org', '1', '--as', P.lukas.niss]).code, 1);
    const adds = auditEvents(db, ['user.add']);
    assert.ok(adds.every((e) => e.source === 'cli' && e.actor === String(personOf(db, P.jan.niss).id)),
      'the audit names the GAP in whose name the operator acted');
  });
});

describe('the test clock of serve', () => {
  it('is refused unless every listener is on loopback, and only comes from the command line', async () => {
    const dir = tempDir();
    try {
      const db = path.join(dir, 'c.db');
      const port = await freePort();
      const pub = await run(['serve', '--db', db, '--listen', `0.0.0.0:${port}`, '--test-clock', path.join(dir, 'clock')]);
      assert.equal(pub.code, 2);
      assert.match(pub.stderr, /--test-clock is for test servers/);
      const env = await run(['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--test_clock', path.join(dir, 'clock')]);
      assert.equal(env.code, 2, 'no setting of that name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const srv = await start({ args: ['--test-clock', path.join(tempDir(), 'clock')] });
    try {
      assert.match(srv.logs(), /TEST CLOCK: the time of this server is shifted/);
    } finally {
      await srv.stop();
    }
  });
});

describe('world-building commands: help', () => {
  for (const cmd of [['person', 'add'], ['org'], ['quality'], ['account']]) {
    it(`portier ${cmd.join(' ')} --help exits 0 with "usage:", and portier --help lists ${cmd[0]}`, async () => {
      const r = await run([...cmd, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: portier ${cmd[0]}\\b`));
      assert.match((await run(['--help'])).stdout, new RegExp(`^  ${cmd[0]} `, 'm'));
    });
  }
});
