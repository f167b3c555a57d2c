-- 021_subdept.sql — sub-departments of an organisation (issue 16 part 4): the GAP or a co-GAP
-- creates them, optionally anchored on one of the enterprise's KBO establishment units, nested
-- under another one of the same organisation; within an activated quality a sub-department has
-- its own local manager, co-managers and users. Times come from the service's clock.

CREATE TABLE subdept (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	parent_id     INTEGER REFERENCES subdept(id),   -- NULL: directly under the organisation
	name          TEXT NOT NULL,
	establishment TEXT CHECK (establishment IS NULL OR length(establishment) = 10),
	created_at    TEXT NOT NULL,
	created_by    INTEGER REFERENCES person(id),
	version       INTEGER NOT NULL DEFAULT 1,        -- optimistic concurrency, as account.version
	UNIQUE (org_id, name)
);
CREATE INDEX subdept_parent ON subdept(parent_id);
-- One sub-department per establishment unit within an organisation.
CREATE UNIQUE INDEX subdept_establishment ON subdept(org_id, establishment)
	WHERE establishment IS NOT NULL;

-- A quality member's place in a sub-department (at most one per quality: the key is the
-- membership's). No row: the member is at the organisation level. The type is the member's
-- role within the sub-department; the quality_member row stays 'USER' for a sub-department's
-- managers, so the quality's one organisation-level GL (quality_member_one_gl) is unchanged.
CREATE TABLE subdept_member (
	org_quality_id INTEGER NOT NULL,
	account_id     INTEGER NOT NULL,
	subdept_id     INTEGER NOT NULL REFERENCES subdept(id),
	type           TEXT NOT NULL CHECK (type IN ('GL', 'COGL', 'USER')),
	since          TEXT NOT NULL,
	PRIMARY KEY (org_quality_id, account_id),
	FOREIGN KEY (org_quality_id, account_id)
		REFERENCES quality_member(org_quality_id, account_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX subdept_member_one_gl ON subdept_member(subdept_id, org_quality_id)
	WHERE type = 'GL';
CREATE INDEX subdept_member_subdept ON subdept_member(subdept_id, org_quality_id, type);
