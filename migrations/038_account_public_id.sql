-- 038_account_public_id.sql — a stable public id for each account (issue 19 part 2): the
-- SCIM resource id of a user (/scim/v2/Users/<id>), random, never the national number.

-- 16 random bytes in hex. The access module's insert binds a new account's id (random
-- from libsodium); SQLite's ALTER TABLE takes no expression as a default, so the
-- accounts there are get theirs here, and the trigger fills a row inserted without one.
ALTER TABLE account ADD COLUMN public_id TEXT;
UPDATE account SET public_id = lower(hex(randomblob(16))) WHERE public_id IS NULL;
CREATE UNIQUE INDEX account_public_id ON account(public_id);
CREATE TRIGGER account_public_id_new AFTER INSERT ON account
	FOR EACH ROW WHEN NEW.public_id IS NULL
	BEGIN
		UPDATE account SET public_id = lower(hex(randomblob(16))) WHERE id = NEW.id;
	END;
