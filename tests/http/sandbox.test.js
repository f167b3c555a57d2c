// sandbox.test.js — `portier serve` restricts itself once started (src/ops/sandbox.c): a
// forbidden system call and forbidden paths are refused, the server keeps serving, and root
// without a user to become is refused.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { SAN, TEST_PG, run, start, tempDir } from '../lib/server.js';

/* The probe is a test-only trigger: honoured only with --test-clock (loopback only). */
async function probed(extraArgs = [], extra = {}) {
  const dir = tempDir();
  const clock = path.join(dir, 'clock');
  writeFileSync(clock, '0\n');
  const srv = await start({
    args: ['--test-clock', clock, ...extraArgs],
    env: { PORTIER_TEST_SANDBOX_PROBE: '1', ...extra.env },
    db: extra.db,
  });
  return { srv, dir };
}

async function stillServing(srv) {
  for (const p of ['/healthz', '/readyz', '/']) {
    const res = await fetch(srv.url + p);
    assert.equal(res.status, 200, `${p} after the sandbox`);
    await res.arrayBuffer();
  }
}

test('sandbox on: execve, reading /etc/passwd and writing outside the database are refused; '
  + 'the server keeps serving', async () => {
  const { srv, dir } = await probed();
  try {
    const logs = srv.logs();
    assert.match(logs, /sandbox: landlock ABI \d+/);
    // Sanitizer builds have no seccomp filter (LeakSanitizer needs ptrace at exit).
    if (!SAN) {
      assert.match(logs, /sandbox: seccomp allow-list of \d+ system calls \(others refused with EPERM\)/);
      assert.match(logs, /sandbox probe: execve refused: Operation not permitted/);
      assert.match(logs, /sandbox probe: clone into a new user namespace refused: Operation not permitted/);
      assert.match(logs, /sandbox probe: netfilter socket refused: Operation not permitted/);
      assert.match(logs, /sandbox probe: TIOCSTI refused: Operation not permitted/);
    }
    assert.match(logs, /sandbox probe: read \/etc\/passwd refused: Permission denied/);
    assert.match(logs, /sandbox probe: write in the share folder refused: Permission denied/);
    assert.doesNotMatch(logs, SAN ? /(passwd|share folder) ALLOWED/ : /ALLOWED/);
    await stillServing(srv);
    // The store was opened and migrated after the restriction (SQLite: its folder is
    // writable; PostgreSQL: its Unix socket), and /readyz reads it.
    assert.match(logs, /applied \d+ migration\(s\)[\s\S]*listening on/);
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sandbox off: the same probe is allowed (the probe can see a difference)', async () => {
  const { srv, dir } = await probed(['--sandbox', 'off']);
  try {
    const logs = srv.logs();
    assert.match(logs, /sandbox = off/);
    assert.match(logs, /sandbox probe: execve ALLOWED/);
    assert.match(logs, /sandbox probe: clone into a new user namespace ALLOWED/);
    assert.match(logs, /sandbox probe: netfilter socket ALLOWED/);
    assert.match(logs, /sandbox probe: TIOCSTI ALLOWED/);
    assert.match(logs, /sandbox probe: read \/etc\/passwd ALLOWED/);
    await stillServing(srv);
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sandbox_syscalls = log: system calls are logged, not refused; files stay restricted',
  { skip: SAN && 'no seccomp filter in sanitizer builds' }, async () => {
    const { srv, dir } = await probed(['--sandbox-syscalls', 'log']);
    try {
      const logs = srv.logs();
      assert.match(logs, /others logged/);
      assert.match(logs, /sandbox probe: execve ALLOWED/);
      assert.match(logs, /sandbox probe: read \/etc\/passwd refused: Permission denied/);
      await stillServing(srv);
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('without --test-clock the probe variable does nothing', async () => {
  const srv = await start({ env: { PORTIER_TEST_SANDBOX_PROBE: '1' } });
  try {
    assert.match(srv.logs(), /sandbox: landlock ABI/);
    assert.doesNotMatch(srv.logs(), /sandbox probe/);
  } finally {
    await srv.stop();
  }
});

test('sandbox = required starts where the kernel has Landlock (this one: ABI in the log)',
  async () => {
    const srv = await start({ args: ['--sandbox', 'required'] });
    try {
      assert.match(srv.logs(), /sandbox: landlock ABI \d+/);
      assert.doesNotMatch(srv.logs(), /has no Landlock/);
      await stillServing(srv);
    } finally {
      await srv.stop();
    }
  });

test('bad sandbox settings are refused', async () => {
  let r = await run(['serve', '--listen', '127.0.0.1:1', '--sandbox', 'maybe']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /sandbox must be off, on or required/);
  r = await run(['serve', '--listen', '127.0.0.1:1', '--sandbox-syscalls', 'kill']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /sandbox_syscalls must be enforce or log/);
});

const root = process.getuid() === 0;

test('as root without user (and allow_root false) serve refuses to start; the demo warns', { skip: !root },
  async () => {
    const dir = tempDir();
    try {
      const r = await run(['serve', '--listen', '127.0.0.1:1', '--db', path.join(dir, 'p.db')],
        { env: { PORTIER_ALLOW_ROOT: 'false' } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /started as root: give the user to become/);
      const u = await run(['serve', '--listen', '127.0.0.1:1', '--db', path.join(dir, 'p.db'),
        '--user', 'no-such-user-here'], { env: { PORTIER_ALLOW_ROOT: 'false' } });
      assert.equal(u.code, 2);
      assert.match(u.stderr, /no such user/);
      // The demo is never production: it starts as root with a warning.
      const srv = await start({ command: 'demo', env: { PORTIER_ALLOW_ROOT: 'false' } });
      assert.match(srv.logs(), /serving as root \(demo mode\)/);
      await srv.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('as root with user = nobody the server runs as nobody, sandboxed', { skip: !root || TEST_PG },
  async () => {
    const dir = tempDir();
    const dbDir = path.join(dir, 'db');
    mkdirSync(dbDir);
    chmodSync(dir, 0o711);
    const nobody = 65534;
    chownSync(dbDir, nobody, nobody);
    const { srv, dir: d2 } = await probed(['--user', 'nobody'],
      { db: path.join(dbDir, 'portier.db'), env: { PORTIER_ALLOW_ROOT: 'false' } });
    try {
      assert.match(srv.logs(), /running as user nobody \(uid 65534\)/);
      const status = readFileSync(`/proc/${srv.pid}/status`, 'utf8');
      assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
      assert.match(status, /^Gid:\s+65534\s+65534\s+65534\s+65534$/m);
      assert.match(status, /^CapEff:\s+0000000000000400$/m, 'only CAP_NET_BIND_SERVICE');
      if (!SAN) assert.match(srv.logs(), /sandbox probe: execve refused/);
      await stillServing(srv);
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(d2, { recursive: true, force: true });
    }
  });
