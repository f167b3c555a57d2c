-- 034_mandate_page.sql — the profile choice of a person serving thousands of mandators
-- (issue 16 part 3) reads one page, not all of them: each mandate keeps a copy of its
-- mandator's name (the page's order and its name search), and an index in that order.
-- The copy is the name itself (the order is the one of organisation.name, same type and
-- collation); triggers keep it, whoever writes the mandate or renames the organisation.

ALTER TABLE mandate ADD COLUMN mandator_name text NOT NULL DEFAULT '';
UPDATE mandate m SET mandator_name = o.name FROM organisation o WHERE o.id = m.mandator_org;

-- A keyset page of one mandatary's active mandates is a range of this index.
CREATE INDEX mandate_mandatary_name ON mandate(mandatary_org, status, mandator_name, public_id);

CREATE FUNCTION mandate_mandator_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.mandator_name := (SELECT o.name FROM organisation o WHERE o.id = NEW.mandator_org);
	RETURN NEW;
END;
$$;
CREATE TRIGGER mandate_mandator_name_insert BEFORE INSERT ON mandate
	FOR EACH ROW EXECUTE FUNCTION mandate_mandator_name();
CREATE TRIGGER mandate_mandator_name_move BEFORE UPDATE OF mandator_org ON mandate
	FOR EACH ROW EXECUTE FUNCTION mandate_mandator_name();

CREATE FUNCTION organisation_name_mandates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE mandate SET mandator_name = NEW.name WHERE mandator_org = NEW.id;
	RETURN NULL;
END;
$$;
CREATE TRIGGER organisation_name_mandates AFTER UPDATE OF name ON organisation
	FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
	EXECUTE FUNCTION organisation_name_mandates();
