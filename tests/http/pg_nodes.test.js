// pg_nodes.test.js — two portier nodes on one PostgreSQL database (issue 13 parts 3 and 7):
// both asked for signing keys at once on an empty schema (one first key per algorithm),
// then concurrent password logins and OpenID code flows spread over both nodes: no 500,
// every login recorded once, and one audit chain that `portier audit verify` accepts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { run, start, waitFor } from '../lib/server.js';
import { smtpServer } from './csam_support.js';
import * as world from './oidc_lib.js';

const { addClient, authorize, browser, csrfOf, PASSWORD, PEOPLE, pkce, tokenRequest } = world;

const CB = 'http://127.0.0.1:9/cb';
const LOGINS = Number(process.env.PG_NODES_LOGINS ?? 40);
const FLOWS = Number(process.env.PG_NODES_FLOWS ?? 12);
const skip = pgAvailable() ? false
  : 'PostgreSQL binaries absent (/usr/lib/postgresql/15/bin; apt-get install postgresql-15)';

/** One password login on a fresh cookie jar; returns the status (303 = logged in). */
async function passwordLogin(srv, user) {
  const c = browser(srv);
  const page = await c.get('/login?next=/aide');
  if (page.status !== 200) return page.status;
  const res = await c.fetch('/login/password', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrfOf(page.text), username: user, password: PASSWORD, next: '/aide', level: '1',
    }).toString(),
  });
  await res.text();
  return res.status;
}

describe('two portier nodes on one PostgreSQL database', { skip }, () => {
  let conn;
  let nodes;
  let rp;

  before(async () => {
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    nodes = await Promise.all([start({ db: conn }), start({ db: conn })]);
    world.buildWorld(nodes[0]);
    rp = addClient(nodes[0], 'rp', { redirect: [CB], scope: 'openid profile email' });
  });
  after(async () => {
    await Promise.all((nodes ?? []).map((n) => n.stop()));
  });

  it('creates one first signing key per algorithm when two nodes need one at once', async () => {
    // The first use of the keys (here the key set) creates them on a database without any.
    const got = await Promise.all([0, 1, 0, 1].map(async (i) => {
      const r = await fetch(`${nodes[i].url}/oidc/jwks`);
      const text = await r.text();
      return [r.status, r.status === 200 ? JSON.parse(text).keys.length : text.slice(0, 80)];
    }));
    for (const [status] of got) assert.equal(status, 200, JSON.stringify(got));
    const rows = psql(conn, 'SELECT alg, count(*) FROM oidc_key GROUP BY alg ORDER BY alg;');
    const algs = rows.split('\n').map((l) => l.split('|'));
    assert.ok(algs.length >= 1, rows);
    for (const [alg, n] of algs) assert.equal(n, '1', `one ${alg} key, not ${n}`);
    const created = Number(psql(conn, "SELECT count(*) FROM audit_event WHERE action = 'oidc.key.created';"));
    assert.equal(created, algs.length, 'one creation recorded per algorithm');
    for (const n of nodes) assert.doesNotMatch(n.logs(), /no signing key/);
  });

  it(`answers ${LOGINS} concurrent password logins on both nodes without an error`, async () => {
    const users = [PEOPLE.jan.user, PEOPLE.claire.user];
    const before = Number(psql(conn, "SELECT count(*) FROM audit_event WHERE action = 'login.password.success';"));
    const statuses = await Promise.all(Array.from({ length: LOGINS },
      (_, i) => passwordLogin(nodes[i % 2], users[i % users.length])));
    const counts = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    assert.deepEqual(counts, { 303: LOGINS }, `every login answered 303: ${JSON.stringify(counts)}`);
    const afterCount = Number(psql(conn, "SELECT count(*) FROM audit_event WHERE action = 'login.password.success';"));
    assert.equal(afterCount - before, LOGINS, 'each login recorded once in the audit chain');
  });

  it(`runs ${FLOWS} concurrent OpenID code flows across the nodes, each code good once`, async () => {
    const one = async (i) => {
      const { verifier, challenge } = pkce();
      const url = await authorize(browser(nodes[i % 2]), {
        client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
        state: `s${i}`, nonce: `n${i}`, code_challenge: challenge, code_challenge_method: 'S256',
      }, { user: PEOPLE.jan.user, account: world.ACCOUNTS.jan });
      const code = url.searchParams.get('code');
      // The code is redeemed on the other node than the one that issued it.
      const form = { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier };
      const t = await tokenRequest(nodes[(i + 1) % 2].url, form, { basic: rp });
      const again = await tokenRequest(nodes[i % 2].url, form, { basic: rp });
      return [t.status, again.status];
    };
    const got = await Promise.all(Array.from({ length: FLOWS }, (_, i) => one(i)));
    for (const [first, second] of got) {
      assert.equal(first, 200, `a code redeemed on the other node: ${JSON.stringify(got)}`);
      assert.equal(second, 400, 'a code is good once, whichever node sees it again');
    }
  });

  it('keeps one audit chain that portier audit verify accepts, and no node logged a 500', async () => {
    const ok = await run(['audit', 'verify', '--db', conn]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /audit chain intact: \d+ events/);
    for (const n of nodes) {
      assert.doesNotMatch(n.logs(), /access [A-Z]+ \S+ 5\d\d /, 'no request answered 5xx');
    }
  });
});

describe('two portier nodes sending one PostgreSQL outbox', { skip }, () => {
  const MAILS = Number(process.env.PG_NODES_MAILS ?? 60);
  let conn;
  let nodes = [];
  let smtp;

  before(async () => {
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    // Mail already due when both nodes start: both senders find it at once.
    psql(conn, `INSERT INTO mail_outbox(kind, recipient, language, subject, body, next_attempt,
        created_at)
      SELECT 'test', 'p' || g || '@example.be', 'fr', 'message ' || g, 'body ' || g, 0,
        '2026-01-01T00:00:00Z'
      FROM generate_series(1, ${MAILS}) g;`);
    smtp = await smtpServer();
    const args = ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-from', 'portier@example.be'];
    nodes = await Promise.all([start({ db: conn, args }), start({ db: conn, args })]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await smtp?.close();
  });

  it(`sends each of ${MAILS} mails once, whichever node claims it`, async () => {
    await waitFor(() => psql(conn, "SELECT count(*) FROM mail_outbox WHERE status = 'pending';") === '0',
      { what: 'every mail sent' });
    const subjects = smtp.messages.map((msg) => /^Subject: (.*)$/m.exec(msg.data)?.[1]);
    assert.equal(smtp.messages.length, MAILS, `${smtp.messages.length} messages at the SMTP server`);
    assert.equal(new Set(subjects).size, MAILS, 'no message twice');
    assert.equal(psql(conn, "SELECT count(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1;"), String(MAILS));
    // A node logs a sending before it records it: the last lines may still be in the pipe
    // when the outbox shows nothing pending.
    const sentBy = () => nodes.map((n) => (n.logs().match(/mail: outbox \d+ \(test\) sent/g) ?? []).length);
    const total = () => sentBy()[0] + sentBy()[1];
    await waitFor(() => total() >= MAILS, { what: `${MAILS} lines "sent" in the nodes' logs` })
      .catch(() => {});
    assert.equal(total(), MAILS, `sent by the nodes: ${sentBy()}`);
    console.log(`# mails sent by node 1 / node 2: ${sentBy().join(' / ')}`);
  });
});

describe('a node killed with SIGKILL under a load of logins and token requests', { skip }, () => {
  const CLIENTS = Number(process.env.PG_NODES_KILL_CLIENTS ?? 8);
  const ROUNDS = Number(process.env.PG_NODES_KILL_ROUNDS ?? 12);
  let conn;
  let nodes = [];
  let rp;
  let killed = false;

  before(async () => {
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    nodes = await Promise.all([start({ db: conn }), start({ db: conn })]);
    world.buildWorld(nodes[0]);
    rp = addClient(nodes[0], 'rp-kill', { redirect: [CB], scope: 'openid profile' });
  });
  after(async () => {
    await nodes[1]?.stop();
    if (!killed) await nodes[0]?.stop();
  });

  it('keeps every acknowledged write once, and one chain', async () => {
    const acked = [];      // request ids of logins answered 303
    const codes = [];      // codes issued, redeemed afterwards
    let retries = 0;
    // A request to node i, on a network error (the killed node) to the other one.
    const onAny = async (i, fn) => {
      for (let k = 0; k < 4; k++) {
        const n = nodes[(i + k) % 2];
        if (killed && n === nodes[0]) continue;
        try { return await fn(n); } catch { retries += 1; }
      }
      throw new Error('no node answered');
    };
    const worker = async (w) => {
      for (let r = 0; r < ROUNDS; r++) {
        if (w === 0 && r === Math.floor(ROUNDS / 3)) {
          killed = true;
          process.kill(nodes[0].pid, 'SIGKILL');
        }
        if (r % 3 === 2) {
          // An OpenID flow: the code issued on one node, kept for the redemption below.
          const { verifier, challenge } = pkce();
          const got = await onAny(w + r, async (n) => {
            const url = await authorize(browser(n), {
              client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid',
              state: `k${w}.${r}`, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
            }, { user: PEOPLE.jan.user, account: world.ACCOUNTS.jan });
            return url.searchParams.get('code');
          }).catch(() => null);
          if (got) codes.push({ code: got, verifier });
          continue;
        }
        const res = await onAny(w + r, async (n) => {
          const c = browser(n);
          const page = await c.get('/login?next=/aide');
          const post = await c.fetch('/login/password', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              _csrf: csrfOf(page.text), username: PEOPLE.claire.user, password: PASSWORD, next: '/aide', level: '1',
            }).toString(),
          });
          await post.text();
          return post;
        });
        assert.notEqual(res.status, 500, 'no login answered 500');
        if (res.status === 303) acked.push(res.headers.get('x-request-id'));
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    assert.ok(killed, 'node 1 was killed during the load');

    // Every acknowledged login is in the audit chain exactly once, under its request id.
    const ids = psql(conn, "SELECT request_id FROM audit_event WHERE action = 'login.password.success';")
      .split('\n').filter(Boolean);
    const count = new Map();
    for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1);
    for (const rid of acked) assert.equal(count.get(rid), 1, `login ${rid} recorded once`);
    assert.ok([...count.values()].every((v) => v === 1), 'no login recorded twice');
    // Every issued code is redeemed once on the surviving node, refused the second time.
    for (const { code, verifier } of codes) {
      const form = { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier };
      const t = await tokenRequest(nodes[1].url, form, { basic: rp });
      assert.equal(t.status, 200, t.text);
      assert.equal((await tokenRequest(nodes[1].url, form, { basic: rp })).status, 400);
    }
    const ok = await run(['audit', 'verify', '--db', conn]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.doesNotMatch(nodes[1].logs(), /access [A-Z]+ \S+ 5\d\d /);
    console.log(`# kill: ${acked.length} logins acknowledged, ${codes.length} codes, ${retries} client retries on the other node`);
  });
});
