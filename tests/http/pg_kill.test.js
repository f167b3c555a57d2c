// pg_kill.test.js — two portier nodes on one PostgreSQL database behind HAProxy
// (deploy/haproxy/haproxy.cfg), one of them killed with SIGKILL in the middle of a load of
// password logins, user creations (the /acces pages, with their CSRF token) and OpenID
// code flows with their token requests (issue 13 part 7). A client whose request failed
// (no answer, or HAProxy's 502/503 for a POST it may not send again) tries again, and
// lands on the surviving node. Afterwards every acknowledged write is in the database
// exactly once (counted), nothing is there twice (no person, account or mail twice), two
// creations of one user at once give one user, and `portier audit verify` passes.
// Skipped without PostgreSQL's programs or haproxy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { haproxyAvailable, startProxy } from '../lib/haproxy.js';
import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { Client, freePort, run, start } from '../lib/server.js';
import * as world from './oidc_lib.js';
import * as uman from './uman_lib.js';

const { addClient, csrfOf, PASSWORD, PEOPLE, pkce, profileOptions, refreshTarget } = world;

const CB = 'http://127.0.0.1:9/cb';
const WORKERS = Number(process.env.PG_KILL_WORKERS ?? 6);
const ROUNDS = Number(process.env.PG_KILL_ROUNDS ?? 9);
const TRIES = 8;
const skip = !pgAvailable() ? 'PostgreSQL binaries absent (/usr/lib/postgresql/15/bin)'
  : !haproxyAvailable() ? 'haproxy absent (apt-get install haproxy)' : false;

/** A valid NISS born 1975-03-03 with sequence seq (100..999): the check digits of a birth
 * before 2000. */
function niss(seq) {
  const nine = `750303${String(seq).padStart(3, '0')}`;
  return nine + String(97 - (Number(nine) % 97)).padStart(2, '0');
}

/** True for what a client tries again: no answer at all, or the proxy's own refusal. */
const failed = (e, res) => e !== null || [502, 503, 504].includes(res?.status);

describe('a node killed with SIGKILL under load behind HAProxy', { skip }, () => {
  let conn;
  let nodes = [];
  let proxy;
  let base;
  let rp;
  let manager;     // Jan, GAP of Pharma Test, on /acces
  let quality;     // the quality where users are created
  let killed = false;

  before(async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';   // the proxy's self-signed certificate
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    const front = await freePort();
    base = `https://127.0.0.1:${front}`;
    nodes = await Promise.all([0, 1].map(() => start({ db: conn, args: ['--issuer', base, '--trusted-proxies', '127.0.0.1'] })));
    world.buildWorld(nodes[0]);
    rp = addClient(nodes[0], 'rp-kill', { redirect: [CB], scope: 'openid profile' });
    proxy = await startProxy(nodes, { front });
    manager = await uman.login({ url: base }, PEOPLE.jan.user);
    quality = psql(conn, `SELECT id FROM org_quality WHERE org_id = ${world.ORGS.pharma.id} ORDER BY id LIMIT 1;`);
  });
  after(async () => {
    await proxy?.stop();
    await nodes[1]?.stop();
    if (!killed) await nodes[0]?.stop();
  });

  /** The creation of a user through the three pages; on a failed request that request
   * again. Resolves { status, retried } of the last "enregistrer". */
  async function createUser(c, fields, counters) {
    const path = `/acces/${world.ORGS.pharma.id}/qualite/${quality}/nouveau`;
    const step = async (suffix, body) => {
      for (let k = 0; k < TRIES; k++) {
        let res = null;
        let err = null;
        try { res = await uman.post(c, path + suffix, body); } catch (e) { err = e; }
        if (!failed(err, res)) return { res, retried: k > 0 };
        counters.retries += 1;
        await new Promise((r) => setTimeout(r, 300));
      }
      throw new Error(`no answer to ${suffix} after ${TRIES} tries`);
    };
    const form = await step('', { niss: fields.niss, type: 'USER' });
    assert.equal(form.res.status, 200, uman.text(form.res.text).slice(0, 300));
    const confirm = await step('/confirmation', fields);
    assert.equal(confirm.res.status, 200, uman.text(confirm.res.text).slice(0, 300));
    const done = await step('/enregistrer', fields);
    return { res: done.res, retried: done.retried };
  }

  /** A password login of Claire on a fresh cookie jar, the whole of it again when a
   * request failed. Resolves the request id of the acknowledged login. */
  async function passwordLogin(counters) {
    for (let k = 0; k < TRIES; k++) {
      try {
        const c = new Client(base);
        const page = await c.get('/login?next=/aide');
        if (!failed(null, page)) {
          const res = await c.get('/login/password', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: csrfOf(page.text), username: PEOPLE.claire.user, password: PASSWORD, next: '/aide', level: '1' }).toString(),
          });
          if (!failed(null, res)) {
            assert.equal(res.status, 303, `login: ${res.status}`);
            return res.headers.get('x-request-id');
          }
        }
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
      }
      counters.retries += 1;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error('no login after retries');
  }

  /** Jan's code flow (login, profile choice) then the token request; the flow again when
   * one of its requests failed, the token request again when it got no answer (a code
   * used twice is refused: that token is lost, not doubled). Resolves { rid, token } of an
   * acknowledged token response, or { lost: true }. */
  async function tokenFlow(w, r, counters) {
    for (let k = 0; k < TRIES; k++) {
      let code = null;
      const { verifier, challenge } = pkce();
      try {
        const c = new Client(base);
        const start = await c.get(`/oidc/authorize?${new URLSearchParams({
          client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
          state: `k${w}.${r}`, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
        })}`);
        const flow = start.headers.get('location');
        if (start.status === 303 && flow?.startsWith('/oidc/continue/')) {
          const login = await c.get(`/login?next=${encodeURIComponent(flow)}`);
          const logged = login.status === 200 ? await c.get('/login/password', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: csrfOf(login.text), username: PEOPLE.jan.user, password: PASSWORD, next: flow, level: '1' }).toString(),
          }) : login;
          const choice = logged.status === 303 ? await c.get(flow) : logged;
          if (choice.status === 200) {
            const res = await c.get(flow, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ _csrf: csrfOf(choice.text), org: profileOptions(choice.text)[0].value }).toString(),
            });
            if (res.status === 200) code = new URL(refreshTarget(res.text)).searchParams.get('code');
          }
        }
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
      }
      if (code === null) {
        counters.retries += 1;
        await new Promise((res) => setTimeout(res, 300));
        continue;
      }
      const form = { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier };
      for (let t = 0; t < TRIES; t++) {
        let res = null;
        let err = null;
        try { res = await world.tokenRequest(base, form, { basic: rp }); } catch (e) { err = e; }
        if (!failed(err, res)) {
          if (res.status === 200) return { rid: res.headers.get('x-request-id'), token: res.json.access_token };
          // The code was spent by an attempt whose answer was lost: refused, never twice.
          assert.ok(t > 0 && res.status === 400, `token: ${res.status} ${res.text}`);
          counters.lost += 1;
          return { lost: true };
        }
        counters.retries += 1;
        await new Promise((x) => setTimeout(x, 300));
      }
      throw new Error('no token answer after retries');
    }
    throw new Error('no code after retries');
  }

  it('creations of one user sent at once, on both nodes, give one user and clear refusals', async () => {
    const path = `/acces/${world.ORGS.pharma.id}/qualite/${quality}/nouveau`;
    for (let round = 0; round < 4; round++) {
      const n = niss(990 + round);
      const fields = {
        niss: n, type: 'USER', username: `twice.${round}`, last_name: 'Double', first_name: 'Clic',
        title: 'M.', language: 'fr', email: `twice${round}@example.be`, local_email: '', apps: ['TESTAPP'],
      };
      assert.equal((await uman.post(manager, path, { niss: n, type: 'USER' })).status, 200);
      assert.equal((await uman.post(manager, `${path}/confirmation`, fields)).status, 200);
      // A double click and a retry: three at once, spread by the proxy over both nodes.
      const all = await Promise.all([0, 1, 2].map(() => uman.post(manager, `${path}/enregistrer`, fields)));
      const statuses = all.map((r) => r.status).sort();
      assert.deepEqual(statuses, [303, 409, 409], `one created, the others refused: ${all.map((r) => `${r.status} ${uman.text(r.text).slice(0, 200)}`)}`);
      for (const r of all.filter((x) => x.status === 409)) {
        assert.match(uman.text(r.text), /Cette personne est déjà utilisateur de cette qualité/);
      }
      // A retry after an answer that was lost, later, on the other node: refused the same way.
      const late = await uman.post(manager, `${path}/enregistrer`, fields);
      assert.equal(late.status, 409);
      assert.match(uman.text(late.text), /Cette personne est déjà utilisateur de cette qualité/);
      assert.equal(psql(conn, `SELECT count(*) FROM account a JOIN person p ON p.id = a.person_id WHERE p.niss = '${n}';`), '1');
      assert.equal(psql(conn, `SELECT count(*) FROM person WHERE niss = '${n}';`), '1');
    }
    const adds = psql(conn, `SELECT count(*) FROM audit_event e JOIN person p ON e.object = 'person:' || p.id
      WHERE e.action = 'user.add' AND p.niss >= '${niss(990)}' AND p.niss LIKE '750303%';`);
    assert.equal(adds, '4', 'one user.add per user');
  });

  it('keeps every acknowledged login, user and token once, and one chain', async () => {
    const acked = { logins: [], users: [], tokens: [] };
    const counters = { retries: 0, lost: 0, usersRetried: 0 };
    let done = 0;
    const killAt = Math.floor((WORKERS * ROUNDS) / 3);
    const worker = async (w) => {
      for (let r = 0; r < ROUNDS; r++) {
        if (!killed && done >= killAt) {
          killed = true;
          process.kill(nodes[0].pid, 'SIGKILL');
        }
        const kind = (w + r) % 3;
        if (kind === 0) {
          acked.logins.push(await passwordLogin(counters));
        } else if (kind === 1) {
          const n = niss(100 + w * ROUNDS + r);
          const fields = {
            niss: n, type: 'USER', username: `load.${w}.${r}`, last_name: 'Charge',
            first_name: `Essai${w}x${r}`, title: 'Mme', language: 'fr',
            email: `load.${w}.${r}@example.be`, local_email: '', apps: ['TESTAPP'],
          };
          const { res, retried } = await createUser(manager, fields, counters);
          // Created now (303), or by an attempt whose answer was lost: the retry is told
          // the person is already a user of the quality (409), and nothing is added.
          if (res.status === 409 && retried) {
            assert.match(uman.text(res.text), /Cette personne est déjà utilisateur de cette qualité/);
            counters.usersRetried += 1;
          } else {
            assert.equal(res.status, 303, `user ${n}: ${res.status} ${uman.text(res.text).slice(0, 300)}`);
          }
          acked.users.push(n);
        } else {
          const t = await tokenFlow(w, r, counters);
          if (!t.lost) acked.tokens.push(t);
        }
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    assert.ok(killed, 'node 1 was killed during the load');

    // Logins: each acknowledged one recorded once, under its request id; none twice.
    const count = (action) => {
      const m = new Map();
      for (const id of psql(conn, `SELECT request_id FROM audit_event WHERE action = '${action}';`).split('\n').filter(Boolean)) {
        m.set(id, (m.get(id) ?? 0) + 1);
      }
      return m;
    };
    const logins = count('login.password.success');
    for (const rid of acked.logins) assert.equal(logins.get(rid), 1, `login ${rid} recorded once`);
    assert.ok([...logins.values()].every((v) => v === 1), 'no login recorded twice');

    // Users: each acknowledged creation is one person, one account, one user.add; none twice.
    const rows = psql(conn, `SELECT p.niss, count(DISTINCT p.id), count(a.id) FROM person p
      LEFT JOIN account a ON a.person_id = p.id AND a.org_id = ${world.ORGS.pharma.id}
      WHERE p.niss LIKE '750303%' AND p.niss < '${niss(990)}' GROUP BY p.niss;`).split('\n').filter(Boolean).map((l) => l.split('|'));
    const stored = new Map(rows.map(([n, persons, accounts]) => [n, [Number(persons), Number(accounts)]]));
    for (const n of acked.users) assert.deepEqual(stored.get(n), [1, 1], `user ${n}: one person, one account`);
    for (const [n, v] of stored) assert.deepEqual(v, [1, 1], `${n} not twice`);
    const adds = Number(psql(conn, `SELECT count(*) FROM audit_event e JOIN person p ON e.object = 'person:' || p.id
      WHERE e.action = 'user.add' AND p.niss LIKE '750303%' AND p.niss < '${niss(990)}';`));
    assert.equal(adds, stored.size, 'one user.add per account');
    assert.equal(psql(conn, `SELECT count(*) FROM (SELECT 1 FROM mail_outbox
      GROUP BY kind, recipient, subject, body HAVING count(*) > 1) d;`), '0', 'no mail twice');

    // Tokens: each acknowledged one recorded once and usable on the surviving node.
    const issued = count('oidc.token.issued');
    for (const t of acked.tokens) {
      assert.equal(issued.get(t.rid), 1, `token ${t.rid} recorded once`);
      const u = await fetch(`${base}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.token}` } });
      await u.text();
      assert.equal(u.status, 200, 'the acknowledged access token works');
    }
    assert.equal(psql(conn, `SELECT count(*) FROM (SELECT details FROM audit_event
      WHERE action = 'oidc.token.issued' GROUP BY details HAVING count(*) > 1) d;`), '0', 'no code gave two tokens');

    const ok = await run(['audit', 'verify', '--db', conn]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.doesNotMatch(nodes[1].logs(), /access [A-Z]+ \S+ 5\d\d /, 'no 5xx from the surviving node');
    console.log(`# kill: ${acked.logins.length} logins, ${acked.users.length} users (${counters.usersRetried} acknowledged by the retry), `
      + `${acked.tokens.length} tokens acknowledged; ${counters.lost} codes spent by a lost answer; `
      + `${counters.retries} client retries; ${stored.size - acked.users.length} users written without acknowledgement`);
  });

});
