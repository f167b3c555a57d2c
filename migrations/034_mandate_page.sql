-- 034_mandate_page.sql — the profile choice of a person serving thousands of mandators
-- (issue 16 part 3) reads one page, not all of them: each mandate keeps a copy of its
-- mandator's name (the page's order and its name search), and an index in that order.
-- The copy is the name itself (the order is byte for byte the one of organisation.name);
-- triggers keep it, whoever writes the mandate or renames the organisation.

ALTER TABLE mandate ADD COLUMN mandator_name TEXT NOT NULL DEFAULT '';
UPDATE mandate SET mandator_name = (SELECT o.name FROM organisation o WHERE o.id = mandate.mandator_org);

-- A keyset page of one mandatary's active mandates is a range of this index.
CREATE INDEX mandate_mandatary_name ON mandate(mandatary_org, status, mandator_name, public_id);

CREATE TRIGGER mandate_mandator_name_insert AFTER INSERT ON mandate
BEGIN
	UPDATE mandate SET mandator_name = (SELECT o.name FROM organisation o WHERE o.id = NEW.mandator_org)
	WHERE id = NEW.id;
END;
CREATE TRIGGER mandate_mandator_name_move AFTER UPDATE OF mandator_org ON mandate
BEGIN
	UPDATE mandate SET mandator_name = (SELECT o.name FROM organisation o WHERE o.id = NEW.mandator_org)
	WHERE id = NEW.id;
END;
CREATE TRIGGER organisation_name_mandates AFTER UPDATE OF name ON organisation
BEGIN
	UPDATE mandate SET mandator_name = NEW.name WHERE mandator_org = NEW.id;
END;
