-- 030_message_channel.sql — "Messages structurés" (issue 15, part 4): per application of
-- a quality, the channel an organisation's software uses to send structured messages to
-- the agency (a web service authenticated by one of the quality's system certificates, or
-- SFTP with an SSH key) and its sender identifier. Registration and lookup only: the
-- transport is the agency's. Times come from the service's clock.

CREATE TABLE message_channel (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	quality       TEXT NOT NULL REFERENCES quality(code),
	application   TEXT NOT NULL REFERENCES application(code),
	kind          TEXT NOT NULL CHECK (kind IN ('ws', 'sftp')),
	cert_id       INTEGER REFERENCES system_cert(id),   -- kind ws: the certificate used
	ssh_key       TEXT,                                  -- kind sftp: "ssh-ed25519 AAAA…"
	sender        TEXT NOT NULL,                         -- the sender identifier
	registered_by INTEGER NOT NULL REFERENCES person(id),
	updated_at    TEXT NOT NULL,
	CHECK ((kind = 'ws' AND cert_id IS NOT NULL AND ssh_key IS NULL) OR
	       (kind = 'sftp' AND ssh_key IS NOT NULL AND cert_id IS NULL)),
	UNIQUE (org_id, application)
);
CREATE INDEX message_channel_quality ON message_channel(org_id, quality);
