-- 018_times_from_the_service.sql — the dates of rows come from the service's clock
-- (docs/store-contract.md, rule 3): every insert names its time column and binds the
-- time portier's clock gives, so the database server's clock no longer fills any. The
-- DEFAULTs go: an insert that forgot its time fails (NOT NULL) rather than taking the
-- server's. SQLite keeps its DEFAULTs, unused (migrations/018, same number).
ALTER TABLE person ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE credential_password ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE organisation ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE org_manager ALTER COLUMN since DROP DEFAULT;
ALTER TABLE org_quality ALTER COLUMN activated_at DROP DEFAULT;
ALTER TABLE account ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE account ALTER COLUMN modified_at DROP DEFAULT;
ALTER TABLE quality_member ALTER COLUMN since DROP DEFAULT;
ALTER TABLE app_grant ALTER COLUMN granted_at DROP DEFAULT;
ALTER TABLE platform_role ALTER COLUMN since DROP DEFAULT;
ALTER TABLE oidc_client ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE csam_submission ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE exception_request ALTER COLUMN submitted_at DROP DEFAULT;
ALTER TABLE exception_decision ALTER COLUMN at DROP DEFAULT;
ALTER TABLE mail_outbox ALTER COLUMN created_at DROP DEFAULT;
