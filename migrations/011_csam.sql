-- 011_csam.sql — designating the main access manager (guide §2.2): the standard
-- procedure's submissions (so that "Confirmer" counts once), the exception procedure's
-- requests and the helpdesk's decisions on them, and the outbox of notification mails.

-- One row per "Confirmer" of the standard procedure (registration or GAP replacement),
-- keyed by the random token of the confirmation form: the same form posted again (double
-- click, back button, replay) finds its row and changes nothing.
CREATE TABLE csam_submission (
	token      TEXT PRIMARY KEY CHECK (length(token) = 32),   -- hex, 128 random bits
	person_id  INTEGER NOT NULL REFERENCES person(id),         -- the legal representative
	kind       TEXT NOT NULL CHECK (kind IN ('register', 'replace')),
	org_id     INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	gap_person INTEGER NOT NULL REFERENCES person(id),         -- the GAP designated
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) WITHOUT ROWID;

-- A request of the exception procedure: the enterprise (a Belgian one or a foreign
-- company), its legal representative (a person living abroad, or a legal person and the
-- natural person acting for it), the GAP to designate and the contact data.
CREATE TABLE exception_request (
	id              INTEGER PRIMARY KEY,
	reference       TEXT NOT NULL UNIQUE,             -- "EX-XXXX-XXXX", printed on the form
	form_token      TEXT NOT NULL UNIQUE CHECK (length(form_token) = 32),  -- the form's, once
	access_hash     BLOB NOT NULL,                    -- BLAKE2b of the requester's download key
	case_kind       TEXT NOT NULL CHECK (case_kind IN ('rep_abroad', 'rep_company',
	                    'foreign_company')),
	status          TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'paper',
	                    'approving', 'approved', 'rejected')),
	language        TEXT NOT NULL CHECK (language IN ('fr', 'nl', 'de', 'en')),
	-- the enterprise: a Belgian number, or a foreign company
	enterprise      TEXT CHECK (enterprise IS NULL OR length(enterprise) = 10),
	company_country TEXT NOT NULL,                    -- ISO 3166-1 alpha-2
	company_name    TEXT NOT NULL,
	company_reg     TEXT,                             -- foreign registration or VAT number
	company_address TEXT NOT NULL,
	-- the legal representative
	rep_kind        TEXT NOT NULL CHECK (rep_kind IN ('person', 'company')),
	rep_company_name    TEXT,                         -- rep_kind = 'company'
	rep_company_number  TEXT,                         -- its Belgian number or registration
	rep_company_country TEXT,
	rep_last_name   TEXT NOT NULL,                    -- the natural person who signs
	rep_first_name  TEXT NOT NULL,
	rep_birth_date  TEXT NOT NULL,                    -- ISO
	rep_nationality TEXT NOT NULL,                    -- ISO 3166-1 alpha-2
	rep_country     TEXT NOT NULL,                    -- country of domicile
	rep_address     TEXT NOT NULL,
	rep_doc_type    TEXT NOT NULL CHECK (rep_doc_type IN ('passport', 'id_card',
	                    'residence_permit')),
	rep_doc_number  TEXT NOT NULL,
	rep_doc_country TEXT NOT NULL,
	-- the main access manager to designate
	gap_niss        TEXT NOT NULL CHECK (length(gap_niss) = 11),   -- NISS or BIS number
	gap_last_name   TEXT NOT NULL,
	gap_first_name  TEXT NOT NULL,
	gap_has_eid     INTEGER NOT NULL CHECK (gap_has_eid IN (0, 1)),
	contact_email   TEXT NOT NULL,
	contact_phone   TEXT NOT NULL,
	submitted_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	paper_at        TEXT,                             -- signed paper received
	decided_at      TEXT,                             -- approved or rejected
	reason          TEXT,                             -- why it was rejected
	org_id          INTEGER REFERENCES organisation(id),   -- created by the approval
	gap_person      INTEGER REFERENCES person(id),
	CHECK (enterprise IS NOT NULL OR company_reg IS NOT NULL)
);
CREATE INDEX exception_request_queue ON exception_request(status, submitted_at);
CREATE INDEX exception_request_submitted ON exception_request(submitted_at);

-- What helpdesk operators did with a request, in order. Under the four-eyes rule the
-- first approval is recorded here and the second, by another operator, completes it.
CREATE TABLE exception_decision (
	id         INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES exception_request(id),
	operator   INTEGER NOT NULL REFERENCES person(id),
	action     TEXT NOT NULL CHECK (action IN ('paper', 'approve', 'reject')),
	reason     TEXT,
	at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX exception_decision_request ON exception_decision(request_id, id);
-- An operator approves a request once: the second approval must come from someone else.
CREATE UNIQUE INDEX exception_decision_one_approval ON exception_decision(request_id, operator)
	WHERE action = 'approve';

-- Notifications, written in the transaction of the change they announce and delivered
-- afterwards by SMTP (src/mail/), retried with exponential backoff.
CREATE TABLE mail_outbox (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL,                  -- gap_designated, cogap_added …
	recipient    TEXT NOT NULL,
	language     TEXT NOT NULL CHECK (language IN ('fr', 'nl', 'de', 'en')),
	subject      TEXT NOT NULL,
	body         TEXT NOT NULL,
	org          TEXT,                           -- enterprise number or org:<id>, for operators
	status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt INTEGER NOT NULL,               -- unix seconds
	last_error   TEXT,
	created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	sent_at      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt) WHERE status = 'pending';
