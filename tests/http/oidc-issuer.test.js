// oidc-issuer.test.js — the OpenID Connect issuer comes from the "issuer" setting (config
// file, PORTIER_ISSUER, --issuer, in that order of strength) or else from the listen
// address; it shows in discovery and in the ID token's "iss"; a malformed one stops the
// start with a message naming it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { run, start } from '../lib/server.js';

async function discoveredIssuer(srv) {
  const res = await fetch(`${srv.url}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  // Every endpoint is under the issuer.
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
    assert.ok(doc[k].startsWith(`${doc.issuer}/`), `${k} ${doc[k]} is not under ${doc.issuer}`);
  }
  return doc.issuer;
}

describe('OpenID Connect issuer setting', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-issuer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to http:// and the listen address', async () => {
    const srv = await start();
    try {
      assert.equal(await discoveredIssuer(srv), `http://127.0.0.1:${srv.port}`);
    } finally {
      await srv.stop();
    }
  });

  it('--issuer wins over PORTIER_ISSUER and the config file; a trailing slash is dropped', async () => {
    const conf = path.join(dir, 'flag.conf');
    writeFileSync(conf, 'issuer = https://from-file.example.test\n');
    const srv = await start({
      args: ['--config', conf, '--issuer', 'https://idp.example.test/'],
      env: { PORTIER_ISSUER: 'https://from-env.example.test' },
    });
    try {
      assert.equal(await discoveredIssuer(srv), 'https://idp.example.test');
      assert.match(srv.logs(), /oidc: issuer https:\/\/idp\.example\.test\b/);
    } finally {
      await srv.stop();
    }
  });

  it('PORTIER_ISSUER wins over the config file, which wins over the listen address', async () => {
    const conf = path.join(dir, 'env.conf');
    writeFileSync(conf, '# public address\nissuer = https://from-file.example.test/base\n');
    const envSrv = await start({ args: ['--config', conf], env: { PORTIER_ISSUER: 'https://from-env.example.test' } });
    try {
      assert.equal(await discoveredIssuer(envSrv), 'https://from-env.example.test');
    } finally {
      await envSrv.stop();
    }
    const fileSrv = await start({ args: ['--config', conf] });
    try {
      assert.equal(await discoveredIssuer(fileSrv), 'https://from-file.example.test/base');
    } finally {
      await fileSrv.stop();
    }
  });

  for (const bad of ['ftp://idp.example.test', 'https://idp.example.test/?a=1', 'https://idp.example.test/#x', 'idp.example.test']) {
    it(`refuses to start with issuer ${bad}`, async () => {
      const db = path.join(dir, `bad-${Buffer.from(bad).toString('hex').slice(0, 16)}.db`);
      const r = await run(['serve', '--listen', '127.0.0.1:0', '--db', db, '--issuer', bad]);
      assert.notEqual(r.code, 0, `portier started with issuer ${bad}`);
      assert.match(r.stderr, /issuer .* is not an http\(s\) URL/);
    });
  }
});
