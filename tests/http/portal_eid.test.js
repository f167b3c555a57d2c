// portal_eid.test.js — the portal with `portier demo` as guide §5 has it: the MEDSEIP
// client demands eID (level high), given here by the demo card reader; the company card
// comes from portier's public registry API (demo registry: MediDistri Belgium). Also the
// registry API itself: the public card as JSON, no personal data, 400 and 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, start } from '../lib/server.js';
import { MEDI, NISS, portalLogin, portalWorld, startPortal } from './portal_lib.js';

describe('portal with portier demo (eID, registry API)', () => {
  let srv;
  let portal;

  before(async () => {
    srv = await start({ args: ['--demo'] });
    portalWorld(srv);
    portal = await startPortal(srv);
  });
  after(async () => {
    await portal?.stop();
    await srv?.stop();
  });

  it('GET /api/registry/enterprises/{number}: the public card as JSON, without personal data', async () => {
    const r = await fetch(`${srv.url}/api/registry/enterprises/${MEDI.shown}?lang=fr`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    const text = await r.text();
    const card = JSON.parse(text);
    assert.equal(card.enterprise_number, MEDI.enterprise);
    assert.equal(card.vat_number, MEDI.vat);
    assert.equal(card.name, MEDI.name);
    assert.ok(card.seat && card.seat.municipality, 'seat address');
    assert.deepEqual(card.establishments.map((e) => e.number).sort(), ['2990200192', '2990200291']);
    assert.ok(Array.isArray(card.contacts) && Array.isArray(card.activities));
    // No NISS anywhere, no representatives (Claire is the gérant in the demo registry).
    for (const n of Object.values(NISS)) assert.ok(!text.includes(n), 'a NISS in the API');
    assert.ok(!/Dubois|functions|representative/i.test(text), 'representatives in the API');
    const nl = await (await fetch(`${srv.url}/api/registry/enterprises/${MEDI.enterprise}?lang=nl`)).json();
    assert.equal(nl.name, 'MediDistri België');
    assert.equal((await fetch(`${srv.url}/api/registry/enterprises/12345`)).status, 400);
    const unknown = await fetch(`${srv.url}/api/registry/enterprises/0999999811`);
    assert.ok([400, 404].includes(unknown.status));
    assert.equal((await unknown.json()).error !== undefined, true);
  });

  it('Claire logs in with eID for MediDistri Belgium and sees its registry card', async () => {
    const p = new Client(portal.url);
    const idp = new Client(srv.url);
    const res = await portalLogin(p, idp, 'Claire', { orgName: MEDI.name });
    assert.equal(res.status, 303, res.text.slice(0, 400));
    const home = await p.get('/');
    assert.match(home.text, /<span class="person">Claire Dubois<\/span>/);
    assert.match(home.text, new RegExp(`<span class="bce">BCE: ${MEDI.shown.replace(/\./g, '\\.')}</span>`));
    const company = await p.get('/entreprise');
    assert.ok(company.text.includes(MEDI.vat));
    assert.ok(company.text.includes('2.990.200.192'));
    assert.ok(company.text.includes('Siège social'));
    assert.ok(!company.text.includes('ne sont pas disponibles'), 'the registry card is shown');
    // The establishments are offered for activities.
    const acts = await p.get('/activites');
    assert.match(acts.text, /<option value="2990200291">2\.990\.200\.291/);
  });
});
