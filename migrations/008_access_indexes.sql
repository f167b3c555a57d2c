-- 008_access_indexes.sql — indexes for access management (issue 6): user lists in name
-- order with a last-name prefix (LIKE uses an index only with the NOCASE collation), the
-- audit trail of one organisation, newest first.

CREATE INDEX person_name ON person(last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX audit_event_org ON audit_event(org, seq);
-- A user list filtered on one application or one member type is driven by these.
CREATE INDEX app_grant_quality_app ON app_grant(org_quality_id, application, account_id);
CREATE INDEX quality_member_type ON quality_member(org_quality_id, type, account_id);
CREATE INDEX account_status ON account(org_id, status);
