/* sql.h — statement ids of the machine module (SQL_RANGE_OIDC + 800 … 899): system
 * certificates of organisations, their applications, expiry notices, and the channels of
 * "Messages structurés"; their SQLite text is machine/sql_sqlite.c. */
#ifndef PORTIER_MACHINE_SQL_H
#define PORTIER_MACHINE_SQL_H

#include "store/sql_table.h"

enum machine_sql {
	SQL_MACHINE_FIRST = SQL_RANGE_OIDC + 800,
	SQL_MACHINE_CERT_INSERT = SQL_MACHINE_FIRST,
	SQL_MACHINE_CERT_APP_INSERT,
	SQL_MACHINE_CERT_LIST,
	SQL_MACHINE_CERT_GET,
	SQL_MACHINE_CERT_REVOKE,
	SQL_MACHINE_CERT_REPLACE,
	SQL_MACHINE_CRL,
	SQL_MACHINE_EXPIRING,
	SQL_MACHINE_NOTICE_INSERT,
	SQL_MACHINE_RECIPIENTS,
	SQL_MACHINE_CHANNEL_PUT,
	SQL_MACHINE_CHANNEL_LIST,
	SQL_MACHINE_CHANNEL_DELETE,
	SQL_MACHINE_CHANNEL_LOOKUP,
	SQL_MACHINE_END
};

#define SQL_MACHINE_CERT_COLS(X) \
	X(MC_ID, id) X(MC_PUBLIC_ID, public_id) X(MC_NAME, name) X(MC_SUBJECT, subject) \
	X(MC_ISSUER, issuer) X(MC_SERIAL, serial) X(MC_THUMBPRINT, thumbprint) \
	X(MC_PEM, pem) X(MC_BY_PORTIER, by_portier) X(MC_NOT_BEFORE, not_before) \
	X(MC_NOT_AFTER, not_after) X(MC_STATUS, status) X(MC_REVOKED_AT, revoked_at) \
	X(MC_REVOKE_REASON, revoke_reason) X(MC_RENEWAL_OF, renewal_of) X(MC_APPS, apps)
SQL_COLUMNS(SQL_MACHINE_CERT_COLS);
#define SQL_MACHINE_CRL_COLS(X) X(MCRL_SERIAL, serial) X(MCRL_REVOKED_AT, revoked_at)
SQL_COLUMNS(SQL_MACHINE_CRL_COLS);
#define SQL_MACHINE_EXPIRING_COLS(X) \
	X(MEXP_ID, id) X(MEXP_ORG, org_id) X(MEXP_QUALITY, quality) X(MEXP_NAME, name) \
	X(MEXP_NOT_AFTER, not_after) X(MEXP_ORG_NAME, org_name) X(MEXP_ENTERPRISE, enterprise)
SQL_COLUMNS(SQL_MACHINE_EXPIRING_COLS);
#define SQL_MACHINE_RECIPIENTS_COLS(X) X(MREC_EMAIL, email) X(MREC_LANGUAGE, language)
SQL_COLUMNS(SQL_MACHINE_RECIPIENTS_COLS);
#define SQL_MACHINE_CHANNEL_COLS(X) \
	X(MCH_APPLICATION, application) X(MCH_KIND, kind) X(MCH_CERT, cert_public_id) \
	X(MCH_THUMBPRINT, thumbprint) X(MCH_SSH_KEY, ssh_key) X(MCH_SENDER, sender) \
	X(MCH_UPDATED_AT, updated_at) X(MCH_QUALITY, quality)
SQL_COLUMNS(SQL_MACHINE_CHANNEL_COLS);

extern const struct sql_table sql_machine_sqlite;
extern const struct sql_table sql_machine_pg;   /* the same, PostgreSQL's */

#endif
