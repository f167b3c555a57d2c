-- 015_login_slowdown.sql — failed logins slow an account down instead of locking it, and
-- the attempts refused while it waits are audited once per burst: refused counts those
-- not yet in the trail, noted_at is when the burst's audit event was written (unix s;
-- 0 after a failure: a new burst).
ALTER TABLE login_throttle ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE login_throttle ADD COLUMN noted_at INTEGER NOT NULL DEFAULT 0;
