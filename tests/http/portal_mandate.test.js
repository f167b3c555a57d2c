// portal_mandate.test.js — issue 16 part 3 at the agency portal: a person who logs in at
// portier as "mandataire de A (via B)" enters the portal for A (its number in the header)
// and the header says "pour A, via B", in the four languages; a login for their own
// organisation says nothing of the kind. The mandate is a row put in the database directly.
// Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { exec, scalar } from '../lib/db.js';
import { csrfOf, login, ORGS, PEOPLE, profileOptions, refreshTarget, startWorld } from './oidc_lib.js';
import { startPortal } from './portal_lib.js';

const form = (o) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o).toString(),
});

/** Text of the element of that class (tags stripped, entities of quotes undone), or null. */
function cls(html, name) {
  const m = new RegExp(`class="${name}"[^>]*>([\\s\\S]*?)</span>`).exec(html);
  return m ? m[1].replace(/<[^>]*>/g, '').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim() : null;
}

// The mandator: a Belgian enterprise number with valid check digits.
const A = { enterprise: '0200000142', shown: '0200.000.142', name: 'Alpha Mandant SA' };

describe('agency portal: "pour A, via B" under a mandate', () => {
  let srv;
  let portal;
  let pub;

  before(async () => {
    srv = await startWorld();
    portal = await startPortal(srv, { clientApplication: 'TESTAPP' });
    exec(srv, `INSERT INTO organisation(enterprise, country, name, contact_email, contact_phone,
      procedure, created_at) VALUES (?, 'BE', ?, 'a@example.be', '02 000 00 00', 'standard',
      '2026-01-01T00:00:00Z')`, [A.enterprise, A.name]);
    A.id = scalar(srv, 'SELECT id FROM organisation WHERE enterprise = ?', [A.enterprise]);
    exec(srv, `INSERT INTO org_quality(org_id, quality, email, activated_at)
      VALUES (?, 'health_related', 'q@example.be', '2026-01-01T00:00:00Z')`, [A.id]);
    // Jan's Pharma Test SA serves Alpha under a mandate covering TESTAPP and MEDSEIP, open-ended.
    pub = 'portal-mandate-1';
    exec(srv, `INSERT INTO mandate(public_id, mandator_org, mandatary_org, quality, start_quarter,
      end_quarter, status, proposed_side, proposed_by, serve_all, created_at, changed_at)
      VALUES (?, ?, ?, 'health_related', 20201, NULL, 'active', 'mandator', ?, 1,
      '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, [pub, A.id, ORGS.pharma.id, PEOPLE.jan.id]);
    const m = scalar(srv, 'SELECT id FROM mandate WHERE public_id = ?', [pub]);
    for (const app of ['TESTAPP', 'MEDSEIP']) {
      exec(srv, 'INSERT INTO mandate_app(mandate_id, application) VALUES (?, ?)', [m, app]);
    }
  });
  after(async () => {
    await portal?.stop();
    await srv?.stop();
  });

  /** Jan logs in at portier, then walks the portal's login choosing value(page). */
  async function enter(choose) {
    const p = new Client(portal.url);
    const idp = new Client(srv.url);
    await login(idp, PEOPLE.jan.user, '/');
    const start = await p.fetch('/login?next=%2F');
    await start.text();
    assert.equal(start.status, 303);
    const authz = new URL(start.headers.get('location'));
    let r = await idp.fetch(authz.pathname + authz.search);
    await r.text();
    const flow = r.headers.get('location');
    const page = await idp.get(flow);
    assert.equal(page.status, 200, page.text.slice(0, 300));
    r = await idp.fetch(flow, form({ _csrf: csrfOf(page.text), org: choose(page.text) }));
    assert.equal(r.status, 200);
    const cb = new URL(refreshTarget(await r.text()));
    const res = await p.get(cb.pathname + cb.search);
    assert.equal(res.status, 303, res.text.slice(0, 300));
    return p;
  }

  it('shows "pour A, via B" and enters for the mandator', async () => {
    const p = await enter((html) => {
      assert.match(html, new RegExp(`<option value="m:${pub}">`));
      return `m:${pub}`;
    });
    const home = await p.get('/');
    assert.equal(home.status, 200);
    assert.equal(cls(home.text, 'via'), `pour ${A.name}, via ${ORGS.pharma.name}`);
    assert.equal(cls(home.text, 'bce'), `BCE: ${A.shown}`);
    const want = {
      nl: `voor ${A.name}, via ${ORGS.pharma.name}`,
      de: `für ${A.name}, über ${ORGS.pharma.name}`,
      en: `for ${A.name}, via ${ORGS.pharma.name}`,
    };
    for (const [lang, text] of Object.entries(want)) {
      const t = await p.get('/', { headers: { cookie: `${p.cookieHeader()}; portier_lang=${lang}` } });
      assert.equal(cls(t.text, 'via'), text, lang);
    }
  });

  it('says nothing of a mandate when the person logs in for their own organisation', async () => {
    const p = await enter((html) => profileOptions(html).find((o) => o.label.includes(ORGS.pharma.name)).value);
    const home = await p.get('/');
    assert.equal(home.status, 200);
    assert.equal(cls(home.text, 'via'), null);
    assert.equal(cls(home.text, 'bce'), `BCE: ${ORGS.pharma.shown}`);
  });
});
