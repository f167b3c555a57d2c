-- 039_search_prefix.sql — prefix searches on a user name or a last name through an index.
-- Nothing to do on SQLite: its LIKE with a constant-prefix pattern already reads the
-- NOCASE indexes (person_name, account_org_username_nocase); the pair keeps one number.
SELECT 1;
