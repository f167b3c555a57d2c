-- 041_logout_token_unkept.sql — a back-channel logout token is signed at each attempt
-- (src/oidc/backchannel.c): the outbox no longer keeps the first one.
ALTER TABLE logout_outbox DROP COLUMN logout_token;
