-- 033_user_import.sql — CSV imports of users (issue 19 part 1): the file a manager uploaded,
-- kept between its preview and its confirmation. Owner access (docs/table-owners.txt).
-- The file is kept as UTF-8 text and classified again at each preview page and at the
-- confirmation (docs/csv-import.md); the batch is bound to its uploader, organisation and
-- quality, expires (expires_at) and is confirmed once (applied_at). Times from the service.

CREATE TABLE import_batch (
	id          INTEGER PRIMARY KEY,
	public_id   TEXT NOT NULL UNIQUE,             -- random (libsodium): the pages' address
	org_id      INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	quality_id  INTEGER NOT NULL,                 -- the activated quality imported into
	person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,  -- the uploader
	filename    TEXT NOT NULL,
	content     TEXT NOT NULL,                    -- the file as UTF-8, without BOM
	sep         TEXT NOT NULL CHECK (sep IN (';', ',')),
	nrows       INTEGER NOT NULL,
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	applied_at  TEXT,                             -- set once, by the confirmation
	result      TEXT                              -- the refused rows (CSV) of the confirmation
);
CREATE INDEX import_batch_expiry ON import_batch(expires_at);
