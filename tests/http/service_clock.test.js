// service_clock.test.js — the times a server stores come from its own clock
// (docs/store-contract.md, rule 3), not from the database's: a server started with
// --test-clock three years ahead dates an exception request, its acknowledgement mail
// and that mail's delivery three years ahead, read back through the CLI (`portier
// helpdesk requests`, `portier mail list`), on SQLite and on PostgreSQL
// (PORTIER_TEST_DB=pg). Before, SQLite's strftime('now') and PostgreSQL's now() wrote
// today's date whatever the server's clock said.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, run, waitFor } from '../lib/server.js';
import { exceptionRequests, mails, testClock } from '../lib/world.js';
import { P, foreignRequest, formFields, post, smtpServer, startWorld } from './csam_support.js';

const AHEAD = 3 * 365 * 86400;

/** The stored text of a time (2026-01-31T12:00:00Z), as clock_text writes it. */
function stored(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('the times a server stores follow its clock', () => {
  let clock;
  let smtp;
  let world;

  before(async () => {
    clock = testClock();
    smtp = await smtpServer();
    world = await startWorld({
      args: [...clock.args, '--smtp-url', `smtp://127.0.0.1:${smtp.port}`,
        '--smtp-from', 'portier@example.be'],
    });
    const r = await run(['helpdesk', 'add', P.anna.niss, '--db', world.srv.db]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await world?.stop();
    await smtp?.close();
  });

  it('an exception request, its mail and the mail\'s delivery are dated by the server\'s clock', async () => {
    clock.advance(AHEAD);
    // Two years ahead of the real time: what the server dates now is later than that;
    // what the database's clock would date is earlier.
    const bound = stored(Date.now() + 2 * 365 * 86400 * 1000);
    const c = new Client(world.srv.url);
    const page = await c.get('/csam/exception');
    const base = formFields(page.text, '/csam/exception');
    const res = await post(c, '/csam/exception', foreignRequest(base.token, { _csrf: base._csrf }));
    assert.equal(res.status, 303);
    const reference = res.headers.get('location').split('/').pop();

    const request = exceptionRequests(world.srv, P.anna.niss).find((x) => x.reference === reference);
    assert.ok(request, `${reference} in the helpdesk's queue`);
    assert.match(request.submitted_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await waitFor(() => mails(world.srv, 'request_received')[0]?.status === 'sent',
      { what: 'the acknowledgement sent' });
    const mail = mails(world.srv, 'request_received')[0];
    assert.deepEqual({
      submitted_at: request.submitted_at > bound,
      created_at: mail.created_at > bound,
      sent_at: mail.sent_at > bound,
    }, { submitted_at: true, created_at: true, sent_at: true },
    `stored ${request.submitted_at}, ${mail.created_at}, ${mail.sent_at}; the clock is past ${bound}`);
    assert.ok(mail.sent_at >= mail.created_at);
  });
});
