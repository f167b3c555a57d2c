-- 013_exception_filer.sql — who filed an exception request: the person of the session
-- that submitted the form, when one was logged in (the form is public: NULL otherwise).
-- A helpdesk operator acts on no request she filed, nor on one that names her as GAP.
ALTER TABLE exception_request ADD COLUMN submitted_by INTEGER REFERENCES person(id);
