// config_example.test.js — the documented example configuration is accepted as it is
// (every key known, every value in range), so that it stays in step with the code.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { SHARE_DIR, start } from '../lib/server.js';

test('portier.conf.example is a valid configuration', async () => {
  const example = path.join(SHARE_DIR, 'portier.conf.example');
  const srv = await start({ args: ['--config', example] });
  const res = await fetch(`${srv.url}/healthz`);
  assert.equal(res.status, 200);
  await srv.stop();
});
