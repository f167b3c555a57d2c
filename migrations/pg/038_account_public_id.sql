-- 038_account_public_id.sql — a stable public id for each account (issue 19 part 2): the
-- SCIM resource id of a user (/scim/v2/Users/<id>), random, never the national number.

-- 16 random bytes in hex (gen_random_uuid: PostgreSQL 13+, from its strong random source,
-- 122 random bits); a volatile default fills every existing row with its own value.
ALTER TABLE account ADD COLUMN public_id text NOT NULL
	DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX account_public_id ON account(public_id);
