-- 025_saml.sql (PostgreSQL, as migrations/025_saml.sql) — the SAML 2.0 identity provider (issue 14 parts 2 and 3): the service
-- providers registered from their metadata, the IdP's signing keys with their
-- certificates, the federation service's pending requests (SAML's; OpenID's stay in
-- oidc_request), the AuthnRequest IDs already seen (replay) and the responses waiting
-- for their artifact (HTTP-Artifact). Times come from the
-- service's clock (unix seconds).

-- Service providers, each linked to a secured application of the catalogue.
CREATE TABLE saml_sp (
	entity_id     text PRIMARY KEY CHECK (length(entity_id) BETWEEN 1 AND 1024),
	application   text NOT NULL REFERENCES application(code),
	metadata      text NOT NULL,               -- the SP's metadata as read (checked)
	source        text NOT NULL,               -- the file or URL it came from (refresh)
	min_level     bigint NOT NULL DEFAULT 1 CHECK (min_level BETWEEN 1 AND 3),
	allow_national_number bigint NOT NULL DEFAULT 0 CHECK (allow_national_number IN (0, 1)),
	created_at    bigint NOT NULL,
	refreshed_at  bigint NOT NULL
);

-- The IdP's signing keys. One active key per alg (retired_at NULL); a retired one stays in the
-- metadata until publish_until (the overlap in which SPs learn the new certificate).
CREATE TABLE saml_key (
	kid           text PRIMARY KEY,            -- RFC 7638 thumbprint of the key
	alg           text NOT NULL,               -- RS256 (rsa-sha256)
	private_der   bytea NOT NULL,               -- sealed as the OpenID keys (keys at rest)
	cert_pem      text NOT NULL,               -- its self-signed certificate
	created_at    bigint NOT NULL,
	retired_at    bigint,
	publish_until bigint
);
CREATE UNIQUE INDEX saml_key_one_active ON saml_key(alg) WHERE retired_at IS NULL;

-- A pending request of the federation service waiting for login, step-up or the profile
-- choice (docs/federation.md); the protocol's return information is opaque to fed.
CREATE TABLE fed_request (
	id_hash       bytea PRIMARY KEY,            -- BLAKE2b-256 of the id in the URL
	kind          text NOT NULL CHECK (kind IN ('oidc', 'saml')),
	requester     text NOT NULL,               -- client id, SAML entity id
	application   text NOT NULL,
	level         bigint NOT NULL,
	force_login   bigint NOT NULL DEFAULT 0,
	max_age       bigint NOT NULL DEFAULT -1,
	browser       bytea NOT NULL,               -- hash of the flow cookie of the browser
	stale_session bytea,
	protocol      text NOT NULL,               -- SAML: the lasso dump of the login
	created_at    bigint NOT NULL,
	expires_at    bigint NOT NULL
);
CREATE INDEX fed_request_expiry ON fed_request(expires_at);

-- AuthnRequest IDs seen, per issuer, until the request could no longer be accepted.
CREATE TABLE saml_request_seen (
	issuer        text NOT NULL,
	request_id    text NOT NULL,
	expires_at    bigint NOT NULL,
	PRIMARY KEY (issuer, request_id)
);
CREATE INDEX saml_request_seen_expiry ON saml_request_seen(expires_at);

-- Responses waiting for their artifact to be resolved (HTTP-Artifact binding, SOAP
-- ArtifactResolve): single use, a minute at most; only the hash of the artifact is kept.
CREATE TABLE saml_artifact (
	artifact_hash bytea PRIMARY KEY,            -- BLAKE2b-256 of the artifact
	entity_id     text NOT NULL,               -- the SP that alone may resolve it
	message       text NOT NULL,               -- the signed Response
	expires_at    bigint NOT NULL
);
CREATE INDEX saml_artifact_expiry ON saml_artifact(expires_at);
