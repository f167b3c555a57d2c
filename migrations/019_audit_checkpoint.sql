-- 019_audit_checkpoint.sql — signed checkpoints of the audit chain's head (docs/audit.md).
-- One row per checkpointed event (the primary key: two nodes never store two for one
-- position); append-only like audit_event. The copy that counts is the external file.
CREATE TABLE audit_checkpoint (
	seq INTEGER PRIMARY KEY,
	hash TEXT NOT NULL,
	made_at INTEGER NOT NULL,
	signature TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;
