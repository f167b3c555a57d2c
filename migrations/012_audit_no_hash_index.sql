-- 012_audit_no_hash_index.sql — the audit chain without a unique index on its hashes.
-- Nothing looks an event up by its hash (verification walks the chain by seq, and a hash
-- covers its predecessor's, so two equal hashes cannot arise from appends), while the index
-- cost every append a write to a random page and the checkpoint another. The table is
-- rebuilt, the same columns and rows in the same order, with its triggers and its index.
-- DROP TABLE removes the triggers before it empties the table: none of them fires.
CREATE TABLE audit_event_012 (
	seq         INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	actor       TEXT,
	actor_role  TEXT,
	org         TEXT,
	object      TEXT,
	action      TEXT NOT NULL,
	details     TEXT NOT NULL DEFAULT '{}',
	source      TEXT,
	request_id  TEXT,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
INSERT INTO audit_event_012 (seq, at, actor, actor_role, org, object, action, details,
	source, request_id, prev_hash, hash)
SELECT seq, at, actor, actor_role, org, object, action, details, source, request_id,
	prev_hash, hash FROM audit_event ORDER BY seq;
DROP TABLE audit_event;
ALTER TABLE audit_event_012 RENAME TO audit_event;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE INDEX audit_event_org ON audit_event(org, seq);
