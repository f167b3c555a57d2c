-- 028_oidc_mandate.sql (PostgreSQL, as migrations/028_oidc_mandate.sql) — a grant made under a
-- mandate (issue 16, profile choice): the person acts for the mandator through their account
-- in the mandatary. The mandate is kept on the grant so that the code exchange and every
-- refresh check it again; a mandate deleted takes its grants with it.
ALTER TABLE oidc_grant ADD COLUMN mandate_id bigint REFERENCES mandate(id) ON DELETE CASCADE;
-- The cascade above looks the grants of a mandate up by it.
CREATE INDEX oidc_grant_mandate ON oidc_grant(mandate_id) WHERE mandate_id IS NOT NULL;
