-- 017_registry_name_search.sql — nothing to do on SQLite: its name index is the FTS5 table of
-- 003_registry.sql. PostgreSQL's migrations/pg/017_registry_name_search.sql builds its own;
-- this step keeps the two schemas at the same version (docs/store-contract.md, rule 13).
SELECT 1;
