-- 039_search_prefix.sql — prefix searches on a user name or a last name through an index.
-- The searches read `lower(col) LIKE lower(pattern)` (store/dialect.h, SQL_ILIKE): ILIKE and
-- the lower() indexes of 016 (default collation, not "C") serve no LIKE prefix; these
-- text_pattern_ops ones do, whatever the cluster's collation.
CREATE INDEX person_last_name_prefix ON person(lower(last_name) text_pattern_ops);
CREATE INDEX account_username_prefix ON account(org_id, lower(username) text_pattern_ops);
