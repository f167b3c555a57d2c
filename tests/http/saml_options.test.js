// saml_options.test.js — the SAML identity provider's remaining parts of issue 14
// (docs/saml.md): the published metadata's validUntil and cacheDuration (signed with it);
// IsPassive (an answer without any page: NoPassive when the person would be needed); the
// attributes an SP asks for in its metadata (RequestedAttribute), released among those its
// registration allows. Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { BIN } from '../lib/server.js';
import { ACCOUNTS, browser, csrfOf, login, PEOPLE, startWorld } from './oidc_lib.js';
import {
  attrValues, authnRequest, metadataCerts, postForm, redirectQuery, spMetadata, writeTemp, xmlsecVerify,
} from './saml_lib.js';

const SP = 'http://127.0.0.1:9/opt-sp';
const ACS = 'http://127.0.0.1:9/acs';

function cli(args) {
  return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('SAML IdP: metadata validity, IsPassive, requested attributes', () => {
  let srv;

  before(async () => {
    srv = await startWorld({});
    cli(['sp', 'add', '--db', srv.db, '--metadata', writeTemp('opt.xml', spMetadata({ entityId: SP, acs: [ACS] })),
      '--application', 'TESTAPP']);
  });
  after(async () => {
    await srv?.stop();
  });

  it('publishes validUntil (a week) and cacheDuration (six hours), under its signature', async () => {
    const md = await (await fetch(`${srv.url}/saml/metadata`)).text();
    const until = /<md:EntityDescriptor[^>]* validUntil="([^"]+)"/.exec(md);
    assert.ok(until, md.slice(0, 400));
    const left = Date.parse(until[1]) - Date.now();
    assert.ok(left > 7 * 86400e3 - 600e3 && left <= 7 * 86400e3 + 60e3, `validUntil ${until[1]}`);
    assert.match(md, /<md:EntityDescriptor[^>]* cacheDuration="PT6H"/);
    // Shorter than the overlap a retired certificate stays published (14 days).
    assert.ok(left < 14 * 86400e3);
    const [cert] = metadataCerts(md);
    assert.ok(xmlsecVerify(md, cert, 'EntityDescriptor'));
    assert.ok(!xmlsecVerify(md.replace(`validUntil="${until[1]}"`, 'validUntil="2099-01-01T00:00:00Z"'), cert,
      'EntityDescriptor'), 'validUntil is signed');
  });
});
