-- 038_account_public_id.sql — a stable public id for each account (issue 19 part 2): the
-- SCIM resource id of a user (/scim/v2/Users/<id>), random, never the national number.

-- 16 random bytes in hex. The access module's insert binds a new account's id (random
-- from libsodium); the volatile default (gen_random_uuid: PostgreSQL 13+, its strong
-- random source, 122 bits) fills every existing row, and a row inserted without one.
ALTER TABLE account ADD COLUMN public_id text NOT NULL
	DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX account_public_id ON account(public_id);
