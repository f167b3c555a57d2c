-- 041_logout_token_unkept.sql (PostgreSQL, as migrations/041_logout_token_unkept.sql) — a
-- back-channel logout token is signed at each attempt: the outbox no longer keeps one.
ALTER TABLE logout_outbox DROP COLUMN logout_token;
