// metrics.test.js — /metrics (issue 18 part 1): after a walk (a refused and an accepted
// password login, an OpenID code flow with its token exchange and a refresh, a mail), a
// scrape shows the exact counter deltas by label; the output parses as the Prometheus text
// format 0.0.4 (a strict parser below); it holds no personal data and no raw path; a
// scraper outside metrics_allow is refused, also when a trusted proxy names an allowed one.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, freePort, run, start, tempDir } from '../lib/server.js';
import { exec } from '../lib/db.js';
import { smtpServer } from './csam_support.js';
import {
  activationSession, enrolTotp, loginPassword, startDemo, submit, totp, wrongCode,
} from './factors_lib.js';
import {
  addClient, authorize, csrfOf, login, PEOPLE, pkce, startWorld, tokenRequest,
} from './oidc_lib.js';

const CB = 'http://127.0.0.1:9/cb';
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/y;

/**
 * A strict reader of the text format 0.0.4: every line is # HELP, # TYPE or a sample; a
 * family's HELP and TYPE come once, before its samples; a sample belongs to the last
 * declared family (counter: name; gauge: name; histogram: _bucket/_sum/_count); labels are
 * k="v"; values are numbers; no series twice; buckets cumulative with +Inf == _count.
 * Returns a Map "name{k="v",…}" -> value (labels in the order written).
 */
function parseProm(text) {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const families = new Map();
  const samples = new Map();
  let current = null;
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (m) {
      assert.match(m[2], NAME, line);
      const f = families.get(m[2]) ?? {};
      assert.equal(f[m[1]], undefined, `${m[1]} twice for ${m[2]}`);
      if (m[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram'].includes(m[3]), line);
        assert.ok(f.HELP, `HELP before TYPE for ${m[2]}`);
      }
      f[m[1]] = m[3];
      families.set(m[2], f);
      current = m[2];
      continue;
    }
    assert.ok(!line.startsWith('#') && line !== '', `unexpected line: ${JSON.stringify(line)}`);
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample: ${JSON.stringify(line)}`);
    const [, name, labels = '', value] = m;
    const type = families.get(current)?.TYPE;
    assert.ok(type, `sample before TYPE: ${line}`);
    const ok = type === 'histogram'
      ? [`${current}_bucket`, `${current}_sum`, `${current}_count`].includes(name)
      : name === current;
    assert.ok(ok, `sample ${name} outside its family ${current}`);
    if (labels) {
      const inner = labels.slice(1, -1);
      let pos = 0;
      while (pos < inner.length) {
        LABEL.lastIndex = pos;
        const lm = LABEL.exec(inner);
        assert.ok(lm, `bad labels in ${line}`);
        pos = LABEL.lastIndex;
        if (pos < inner.length) { assert.equal(inner[pos], ',', line); pos++; }
      }
    }
    assert.match(value, /^(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN)$/, line);
    const key = `${name}${labels}`;
    assert.ok(!samples.has(key), `series twice: ${key}`);
    samples.set(key, Number(value));
  }
  // Histograms: cumulative buckets, +Inf equal to _count.
  for (const [fam, f] of families) {
    if (f.TYPE !== 'histogram') continue;
    const series = new Map();
    for (const [k, v] of samples) {
      const m = new RegExp(`^${fam}_bucket\\{(.*),le="([^"]+)"\\}$`).exec(k);
      if (!m) continue;
      if (!series.has(m[1])) series.set(m[1], []);
      series.get(m[1]).push([m[2], v]);
    }
    for (const [lab, buckets] of series) {
      for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], `${fam}{${lab}} not cumulative`);
      assert.equal(buckets.at(-1)[0], '+Inf');
      assert.equal(buckets.at(-1)[1], samples.get(`${fam}_count{${lab}}`), `${fam}{${lab}} +Inf != count`);
    }
  }
  return samples;
}

async function scrape(url, init = {}) {
  const r = await fetch(`${url}/metrics`, init);
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), text };
}

const v = (m, key) => m.get(key) ?? 0;

describe('/metrics after a walk', () => {
  let srv;
  let rp;
  let smtp;
  before(async () => {
    // An SMTP relay that turns the first connection away: one failed attempt, then sent.
    smtp = await smtpServer({ failFirst: 1 });
    srv = await startWorld({ env: {
      PORTIER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PORTIER_SMTP_FROM: 'portier@example.be',
      PORTIER_MAIL_RETRY_SECONDS: '1',
    } });
    rp = addClient(srv, 'rp', { redirect: [CB] });
  });
  after(async () => { await srv?.stop(); await smtp?.close(); });

  it('counts the walk exactly, by label, in valid text format, without personal data', async () => {
    const s0 = await scrape(srv.url);
    assert.equal(s0.status, 200, s0.text);
    assert.equal(s0.type, 'text/plain; version=0.0.4; charset=utf-8');
    const m0 = parseProm(s0.text);
    // A forwarded request (a proxy on this allowed address, not declared trusted) is refused.
    const fwd = await scrape(srv.url, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    assert.equal(fwd.status, 403);

    // A refused password login, then an accepted one.
    const bad = new Client(srv.url);
    const page = await bad.get('/login');
    const r = await bad.fetch('/login/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), username: PEOPLE.jan.user, password: 'wrong-password-1', next: '/', level: '1' }).toString(),
    });
    await r.text();
    assert.equal(r.status, 401);
    await login(new Client(srv.url), PEOPLE.claire.user);

    // A code flow (its own login), the code exchanged, the refresh token used.
    const jar = new Client(srv.url);
    const { verifier, challenge } = pkce();
    const back = await authorize(jar, {
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 'st',
      code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user });
    const t = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: back.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier,
    }, { basic: rp });
    assert.equal(t.status, 200, t.text);
    const t2 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token }, { basic: rp });
    assert.equal(t2.status, 200, t2.text);

    // A mail in the outbox: refused once by the relay, then sent.
    exec(srv, "INSERT INTO mail_outbox (kind, recipient, language, subject, body, next_attempt, created_at) VALUES ('test', 'metrics@example.invalid', 'fr', 's', 'b', 0, '2026-01-01T00:00:00Z')");
    let m1;
    for (let i = 0; i < 200; i++) {
      m1 = parseProm((await scrape(srv.url)).text);
      if (v(m1, 'portier_mails_total{result="sent"}') > v(m0, 'portier_mails_total{result="sent"}')) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const s1 = await scrape(srv.url);
    assert.equal(s1.status, 200);
    m1 = parseProm(s1.text);
    const d = (key) => v(m1, key) - v(m0, key);

    assert.equal(d('portier_logins_total{door="password",result="failure"}'), 1);
    assert.equal(d('portier_logins_total{door="password",result="success"}'), 2);
    for (const door of ['totp', 'token', 'eid']) {
      assert.equal(d(`portier_logins_total{door="${door}",result="success"}`), 0, door);
      assert.equal(d(`portier_logins_total{door="${door}",result="failure"}`), 0, door);
    }
    assert.equal(d('portier_stepups_total{door="password"}'), 0);
    assert.equal(d('portier_tokens_issued_total{grant="authorization_code"}'), 1);
    assert.equal(d('portier_tokens_issued_total{grant="refresh_token"}'), 1);
    assert.equal(d('portier_oidc_flows_total{stage="authorize"}'), 1);
    assert.equal(d('portier_oidc_flows_total{stage="code"}'), 1);
    assert.equal(d('portier_oidc_flows_total{stage="error"}'), 0);
    assert.equal(d('portier_mails_total{result="sent"}'), 1);
    assert.equal(d('portier_mails_total{result="failed"}'), 1);
    assert.equal(smtp.messages.length, 1);
    assert.equal(v(m1, 'portier_mail_outbox_pending'), 0);
    // Requests by route pattern (never the raw path), method and status.
    const req = (method, route, status) => `portier_http_requests_total{method="${method}",route="${route}",status="${status}"}`;
    assert.equal(d(req('POST', '/login/password', 401)), 1);
    assert.equal(d(req('POST', '/login/password', 303)), 2);
    assert.equal(d(req('POST', '/oidc/token', 200)), 2);
    assert.equal(d(req('GET', '/oidc/authorize', 303)), 1);
    assert.ok(d(req('GET', '/oidc/continue/:id', 200)) >= 1, 'the flow page under its pattern');
    assert.ok(d(req('GET', '/metrics', 200)) >= 2, 'the scrapes themselves');
    assert.ok(d('portier_http_request_duration_seconds_count{method="POST",route="/oidc/token"}') === 2);
    // Database time (every request reads the store), the queues present.
    const backend = srv.db.startsWith('postgres') || srv.db.includes('=') ? 'postgresql' : 'sqlite';
    assert.ok(d(`portier_db_transaction_seconds_count{backend="${backend}"}`) > 0);
    assert.equal(d(`portier_db_errors_total{backend="${backend}"}`), 0);
    assert.ok(m1.has('portier_queue_depth{queue="hashing"}'));
    assert.ok(m1.has('portier_queue_depth{queue="token_committer"}'));

    // No personal data, no secret, no raw path.
    const text = s1.text;
    for (const p of Object.values(PEOPLE)) {
      for (const s of [p.niss, p.first, p.last, p.user]) assert.ok(!text.includes(s), `${s} in /metrics`);
    }
    for (const s of ['metrics@example', 'wrong-password', 'Demo-portier', back.searchParams.get('code'), t.json.refresh_token, rp.secret]) {
      assert.ok(!text.includes(s), `${s} in /metrics`);
    }
    assert.ok(!/route="[^"]*\/oidc\/continue\/[A-Za-z0-9_-]{8,}/.test(text), 'a flow id in a label');
  });
});

describe('/metrics refused outside metrics_allow', () => {
  let srv;
  before(async () => {
    srv = await start({ env: { PORTIER_METRICS_ALLOW: '10.0.0.0/8', PORTIER_TRUSTED_PROXIES: '127.0.0.1/32' } });
  });
  after(async () => { await srv?.stop(); });

  it('a loopback scraper not in the list gets 403 and no metric', async () => {
    const s = await scrape(srv.url);
    assert.equal(s.status, 403);
    assert.ok(!s.text.includes('portier_'));
  });

  it('a trusted proxy naming an allowed client does not open it: the peer itself counts', async () => {
    const s = await scrape(srv.url, { headers: { 'x-forwarded-for': '10.1.2.3' } });
    assert.equal(s.status, 403);
    assert.ok(!s.text.includes('portier_'));
  });
});

describe('/metrics never through a proxy on an allowed address', () => {
  let srv;
  before(async () => {
    srv = await start({ env: { PORTIER_METRICS_ALLOW: '127.0.0.1/32', PORTIER_TRUSTED_PROXIES: '127.0.0.1/32' } });
  });
  after(async () => { await srv?.stop(); });

  it('a peer that is a trusted proxy is refused, even when allowed and without X-Forwarded-For', async () => {
    const s = await scrape(srv.url);
    assert.equal(s.status, 403);
    assert.ok(!s.text.includes('portier_'));
  });
});

describe('/metrics: the mobile-app door and a step-up', () => {
  let srv;
  let key;
  let enrolStep;
  const NEW_PASSWORD = 'Claire-metrics-2026!';
  before(async () => {
    srv = await startDemo();
    const c = new Client(srv.url);
    await activationSession(srv, c, 'claire.dubois', NEW_PASSWORD);
    ({ key, step: enrolStep } = await enrolTotp(c));
  });
  after(async () => { await srv?.stop(); });

  it('a refused code counts a totp failure; a code after a password login counts a step-up', async () => {
    const m0 = parseProm((await scrape(srv.url)).text);
    const bad = await submit(new Client(srv.url), '/login/totp',
      { username: 'claire.dubois', password: NEW_PASSWORD, code: wrongCode(key), next: '/' }, { from: '/login' });
    assert.equal(bad.status, 401);
    const c = new Client(srv.url);
    await loginPassword(c, 'claire.dubois', NEW_PASSWORD);
    // The server takes one step either side of its own: the step after the enrolment's.
    const step = Math.max(enrolStep + 1, Math.floor(Date.now() / 1000 / 30));
    const up = await submit(c, '/login/totp',
      { username: 'claire.dubois', password: NEW_PASSWORD, code: totp(key, step * 30), next: '/' }, { from: '/login' });
    assert.equal(up.status, 303);
    const m1 = parseProm((await scrape(srv.url)).text);
    const d = (k) => v(m1, k) - v(m0, k);
    assert.equal(d('portier_logins_total{door="totp",result="failure"}'), 1);
    assert.equal(d('portier_logins_total{door="totp",result="success"}'), 1);
    assert.equal(d('portier_logins_total{door="password",result="success"}'), 1);
    assert.equal(d('portier_stepups_total{door="totp"}'), 1);
    assert.equal(d('portier_stepups_total{door="password"}'), 0);
  });
});

it('a metrics_allow that is not a list of addresses stops the start, naming the setting', async () => {
  const dir = tempDir();
  try {
    const r = await run(['serve', '--listen', `127.0.0.1:${await freePort()}`, '--db', path.join(dir, 'm.db')],
      { env: { PORTIER_METRICS_ALLOW: '300.1.2.3/8' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metrics_allow/);
    assert.ok(!/listening on/.test(r.stderr));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
