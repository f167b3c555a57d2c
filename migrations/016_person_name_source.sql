-- 016_person_name_source.sql — where a person's names come from: the persons register,
-- an eID card, or a manager who typed them for a person nobody knew ('manager', until
-- the person's first eID login replaces them). A manager never writes the names of a
-- person the register or a card knows.
ALTER TABLE person ADD COLUMN name_source TEXT NOT NULL DEFAULT 'manager'
	CHECK (name_source IN ('register', 'eid', 'manager'));
-- People created by their first eID login carry the card's names.
UPDATE person SET name_source = 'eid' WHERE id IN (
	SELECT CAST(substr(object, 8) AS INTEGER) FROM audit_event
	WHERE action = 'person.create' AND object LIKE 'person:%'
	AND json_extract(details, '$.via') = 'eid');
-- Everyone else the register knows gets the register's names (a manager's typing undone).
UPDATE person SET name_source = 'register',
	last_name = (SELECT r.last_name FROM reg_person r WHERE r.niss = person.niss),
	first_name = (SELECT r.first_names FROM reg_person r WHERE r.niss = person.niss)
WHERE name_source = 'manager' AND niss IN (SELECT niss FROM reg_person);
