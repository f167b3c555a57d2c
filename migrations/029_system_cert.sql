-- 029_system_cert.sql — system certificates of organisations (issue 15): software of an
-- organisation (a payroll system, a pharmacy's stock system) authenticates with a
-- certificate that a manager of one of its qualities registers for some of the quality's
-- applications; portier's CA for system certificates may have signed it (it then appears
-- in portier's CRL when revoked). Times come from the service's clock.

CREATE TABLE system_cert (
	id            INTEGER PRIMARY KEY,
	public_id     TEXT NOT NULL UNIQUE,          -- random (libsodium): addresses and client_id
	org_id        INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	quality       TEXT NOT NULL REFERENCES quality(code),
	name          TEXT NOT NULL,                 -- the manager's label ("Logiciel de paie")
	subject       TEXT NOT NULL,                 -- RFC 4514 subject DN
	issuer        TEXT NOT NULL,                 -- RFC 4514 issuer DN
	serial        TEXT NOT NULL,                 -- hexadecimal
	thumbprint    TEXT NOT NULL UNIQUE,          -- x5t#S256: base64url SHA-256 of the DER
	pem           TEXT NOT NULL,
	by_portier    INTEGER NOT NULL CHECK (by_portier IN (0, 1)),  -- signed by portier's CA
	not_before    TEXT NOT NULL,
	not_after     TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'replaced')),
	revoked_at    TEXT,
	revoked_by    INTEGER REFERENCES person(id),
	revoke_reason TEXT,
	renewal_of    INTEGER REFERENCES system_cert(id),  -- the certificate this one renews
	registered_by INTEGER NOT NULL REFERENCES person(id),
	created_at    TEXT NOT NULL,
	CHECK (status <> 'revoked' OR revoked_at IS NOT NULL)
);
CREATE INDEX system_cert_org ON system_cert(org_id, quality);
CREATE INDEX system_cert_expiry ON system_cert(status, not_after);

-- The applications a certificate may be used for: all belong to its quality.
CREATE TABLE system_cert_app (
	cert_id     INTEGER NOT NULL REFERENCES system_cert(id) ON DELETE CASCADE,
	application TEXT NOT NULL REFERENCES application(code),
	PRIMARY KEY (cert_id, application)
);

-- Expiry notices already sent (60, 30 and 7 days before not_after), so each goes once.
CREATE TABLE system_cert_notice (
	cert_id INTEGER NOT NULL REFERENCES system_cert(id) ON DELETE CASCADE,
	days    INTEGER NOT NULL CHECK (days IN (60, 30, 7)),
	sent_at TEXT NOT NULL,
	PRIMARY KEY (cert_id, days)
);
