-- 040_saml_backchannel.sql — a suspension or a removal of an account ends its SAML sessions
-- at the SPs (docs/saml.md): each session records the account (profile) and the quality
-- its Response was given for, so that the access service's transaction finds the sessions
-- of that account; the SPs with a SOAP SingleLogoutService are sent a signed LogoutRequest
-- from an outbox, retried with the back-off of OpenID's back-channel logout. Times from
-- the service's clock (unix seconds).

-- NULL for the sessions recorded before this migration (then found by their person).
ALTER TABLE saml_session ADD COLUMN account_id INTEGER;
ALTER TABLE saml_session ADD COLUMN org_quality_id INTEGER;
CREATE INDEX saml_session_account ON saml_session(account_id);
CREATE INDEX saml_session_person ON saml_session(person_id);

-- One LogoutRequest to send by SOAP: what the ended session recorded (the row is gone).
-- Each attempt signs a new request (a fresh ID and IssueInstant).
CREATE TABLE saml_logout_outbox (
	id            INTEGER PRIMARY KEY,
	entity_id     TEXT NOT NULL,               -- the SP
	person_id     INTEGER NOT NULL,
	name_id       TEXT NOT NULL,
	name_format   TEXT NOT NULL,
	session_index TEXT NOT NULL,
	reason        TEXT NOT NULL,               -- suspended, removed
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_attempt  INTEGER NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	last_error    TEXT,
	created_at    INTEGER NOT NULL,
	sent_at       INTEGER
);
CREATE INDEX saml_logout_outbox_due ON saml_logout_outbox(status, next_attempt);
