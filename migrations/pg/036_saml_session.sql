-- 036_saml_session.sql (PostgreSQL, as migrations/036_saml_session.sql) — SAML Single Logout across service providers (issue 14): each
-- SAML SP a browser's person got a Response from, with the NameID (persistent or
-- transient) and SessionIndex sent, so that a logout (an SP's LogoutRequest, portier's
-- own logout, an OpenID RP-initiated logout) reaches every SP of the session; and the
-- logouts under way, whose browser goes through each SP in turn; and the attributes
-- each SP asks for in its metadata. Times from the service's
-- clock (unix seconds).

-- One row per browser and SP: a new login to the same SP replaces it.
CREATE TABLE saml_session (
	browser       bytea NOT NULL,               -- hash of the browser's SAML flow cookie
	entity_id     TEXT NOT NULL,
	person_id     bigint NOT NULL,
	name_id       TEXT NOT NULL,               -- the NameID sent (pairwise or transient)
	name_format   TEXT NOT NULL,
	session_index TEXT NOT NULL,
	logout        bytea,                        -- the logout under way it waits in, or NULL
	created_at    bigint NOT NULL,
	expires_at    bigint NOT NULL,
	PRIMARY KEY (browser, entity_id)
);
CREATE INDEX saml_session_name ON saml_session(entity_id, name_id);
CREATE INDEX saml_session_logout ON saml_session(logout);
CREATE INDEX saml_session_expiry ON saml_session(expires_at);

-- A logout under way: the SPs still to be told are the saml_session rows with its hash.
CREATE TABLE saml_logout (
	id_hash       bytea PRIMARY KEY,            -- BLAKE2b-256 of the id in the URL
	browser       bytea NOT NULL,
	origin        TEXT,                        -- the SP whose LogoutRequest started it
	origin_dump   TEXT,                        -- lasso's logout, to answer it at the end
	origin_relay  TEXT,                        -- its RelayState, given back with the answer
	return_to     TEXT,                        -- where the person goes at the end, or NULL
	created_at    bigint NOT NULL,
	expires_at    bigint NOT NULL
);
CREATE INDEX saml_logout_expiry ON saml_logout(expires_at);

-- The attributes an SP asks for in its metadata (the Names of the RequestedAttribute of its
-- default AttributeConsumingService, one a line), read at sp add and sp refresh: it is
-- sent only those among what its registration allows. NULL: it asks for none in
-- particular, and receives all it may.
ALTER TABLE saml_sp ADD COLUMN requested_attributes text;
