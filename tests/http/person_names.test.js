// person_names.test.js — a local manager never writes a person's identity: a NISS the
// persons register knows gets the register's names (shown read-only, stored whatever is
// posted), and names a manager typed for a person nobody knew give way to the card's at
// that person's first eID login (where the names come from is recorded: name_source).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { auditCount, namesOf } from '../lib/world.js';
import { PEOPLE, escapedPem, makeCA } from './eid_support.js';
import { ID, NISS, activate, addUser, login, post, startDemo, valueOf } from './uman_lib.js';

describe('the names of a person', () => {
  let ca;
  let srv;
  let gap;
  let q;

  before(async () => {
    ca = await makeCA({ sofie: PEOPLE.sofie });
    srv = await startDemo(['--trusted-proxies', '127.0.0.1', '--eid-trust',
      path.join(ca.ca, 'trust.pem'), '--eid-crl', path.join(ca.ca, 'crl.pem')]);
    gap = await login(srv, 'claire.dubois');
    q = await activate(srv, gap, {});
  });
  after(async () => {
    await srv?.stop();
    ca?.remove();
  });

  it('a NISS of the persons register: its names, read-only, whatever is posted', async () => {
    const form = await post(gap, `/acces/${ID.org}/qualite/${q}/nouveau`, { niss: NISS.els, type: 'USER' });
    assert.equal(form.status, 200);
    assert.equal(valueOf(form.text, 'last_name'), 'Van den Broeck');
    assert.match(form.text, /name="last_name"[^>]*readonly/);
    const fields = {
      niss: NISS.els, type: 'USER', username: 'els.vdb', last_name: 'Fausse', first_name: 'Identite',
      title: 'Mme', language: 'nl', email: 'els@example.be', local_email: '', apps: [],
    };
    const confirm = await post(gap, `/acces/${ID.org}/qualite/${q}/nouveau/confirmation`, fields);
    assert.equal(confirm.status, 200);
    assert.doesNotMatch(confirm.text, /Fausse|Identite/);
    assert.equal((await post(gap, `/acces/${ID.org}/qualite/${q}/nouveau/enregistrer`, fields)).status, 303);
    assert.deepEqual(namesOf(srv, NISS.els),
      { last_name: 'Van den Broeck', first_name: 'Els Maria', name_source: 'register' });
  });

  it('names typed for a person nobody knew give way to the card\'s at the first eID login', async () => {
    const form = await post(gap, `/acces/${ID.org}/qualite/${q}/nouveau`, { niss: PEOPLE.sofie.niss, type: 'USER' });
    assert.doesNotMatch(form.text, /name="last_name"[^>]*readonly/, 'nobody knows her: names typed');
    await addUser(srv, gap, q, { niss: PEOPLE.sofie.niss, username: 'sofie', email: 'sofie@example.be',
      last: 'Choisi', first: 'Nom' });
    const who = () => namesOf(srv, PEOPLE.sofie.niss);
    assert.deepEqual(who(), { last_name: 'Choisi', first_name: 'Nom', name_source: 'manager' });
    const c = new Client(srv.url);
    const res = await c.fetch('/login/eid?next=/', { headers: { 'X-SSL-Client-Cert': escapedPem(ca.pem('sofie')) } });
    assert.equal(res.status, 303, await res.text());
    assert.deepEqual(who(), { last_name: 'Janssens', first_name: 'Sofie', name_source: 'eid' });
    assert.equal(auditCount(srv, ['person.names']), 1);
    // Her next login changes nothing more.
    const c2 = new Client(srv.url);
    const res2 = await c2.fetch('/login/eid?next=/', { headers: { 'X-SSL-Client-Cert': escapedPem(ca.pem('sofie')) } });
    assert.equal(res2.status, 303);
    assert.equal(auditCount(srv, ['person.names']), 1);
  });
});
