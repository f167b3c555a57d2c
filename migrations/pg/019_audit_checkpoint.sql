-- 019_audit_checkpoint.sql — signed checkpoints of the audit chain's head (docs/audit.md),
-- as migrations/019_audit_checkpoint.sql. One row per checkpointed event (the primary key:
-- two nodes never store two for one position); append-only like audit_event.
CREATE TABLE audit_checkpoint (
	seq bigint PRIMARY KEY,
	hash text NOT NULL,
	made_at bigint NOT NULL,
	signature text NOT NULL
);
CREATE FUNCTION audit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_checkpoint is append-only';
END;
$$;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
	FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
	FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();
