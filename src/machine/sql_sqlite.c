/* sql_sqlite.c — SQLite text of the machine module's statements (machine/sql.h): it owns
 * system_cert, system_cert_app, system_cert_notice (migrations/029) and message_channel
 * (030); it reads the organisation's managers for the expiry mails. */
#include "machine/sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define M(id) [(id) - SQL_MACHINE_FIRST]

#define CERT_COLS \
	"c.id, c.public_id, c.name, c.subject, c.issuer, c.serial, c.thumbprint, c.pem, " \
	"c.by_portier, c.not_before, c.not_after, c.status, c.revoked_at, c.revoke_reason, " \
	"c.renewal_of, (SELECT " SQL_JOIN("x.application", "','") " FROM system_cert_app x " \
	"WHERE x.cert_id = c.id) AS apps FROM system_cert c "

static const char *const machine_text[SQL_MACHINE_END - SQL_MACHINE_FIRST] = {
	M(SQL_MACHINE_CERT_INSERT) =
	    "INSERT INTO system_cert(public_id, org_id, quality, name, subject, issuer, serial, "
	    "thumbprint, pem, by_portier, not_before, not_after, status, renewal_of, "
	    "registered_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, 'active', ?13, ?14, ?15) RETURNING id",
	M(SQL_MACHINE_CERT_APP_INSERT) =
	    "INSERT INTO system_cert_app(cert_id, application) VALUES (?1, ?2)",
	M(SQL_MACHINE_CERT_LIST) =
	    "SELECT " CERT_COLS "WHERE c.org_id = ?1 AND c.quality = ?2 "
	    "ORDER BY c.not_after DESC, c.id DESC LIMIT 200",
	M(SQL_MACHINE_CERT_GET) =
	    "SELECT " CERT_COLS "WHERE c.org_id = ?1 AND c.quality = ?2 AND c.public_id = ?3",
	M(SQL_MACHINE_CERT_REVOKE) =
	    "UPDATE system_cert SET status = 'revoked', revoked_at = ?2, revoked_by = ?3, "
	    "revoke_reason = ?4 WHERE id = ?1 AND status <> 'revoked'",
	M(SQL_MACHINE_CERT_REPLACE) =
	    "UPDATE system_cert SET status = 'replaced' WHERE id = ?1 AND status = 'active'",
	M(SQL_MACHINE_CRL) =
	    "SELECT serial, revoked_at FROM system_cert WHERE by_portier = 1 "
	    "AND status = 'revoked' ORDER BY revoked_at, id",
	M(SQL_MACHINE_EXPIRING) =
	    "SELECT c.id, c.org_id, c.quality, c.name, c.not_after, o.name AS org_name, "
	    "o.enterprise FROM system_cert c JOIN organisation o ON o.id = c.org_id "
	    "WHERE c.status = 'active' AND c.not_after > ?1 AND c.not_after <= ?2 "
	    "ORDER BY c.not_after, c.id LIMIT 500",
	M(SQL_MACHINE_NOTICE_INSERT) =
	    "INSERT INTO system_cert_notice(cert_id, days, sent_at) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (cert_id, days) DO NOTHING",
	/* The quality's local managers (their address in the organisation) and the GAP. */
	M(SQL_MACHINE_RECIPIENTS) =
	    "SELECT a.email AS email, a.language AS language FROM quality_member m "
	    "JOIN account a ON a.id = m.account_id JOIN org_quality q ON q.id = m.org_quality_id "
	    "WHERE q.org_id = ?1 AND q.quality = ?2 AND m.type IN ('GL', 'COGL') "
	    "AND a.status = 'active' "
	    "UNION SELECT p.email AS email, p.language AS language FROM org_manager g "
	    "JOIN person p ON p.id = g.person_id WHERE g.org_id = ?1 AND g.role = 'GAP' "
	    "AND p.email IS NOT NULL AND p.email <> ''",
	M(SQL_MACHINE_CHANNEL_PUT) =
	    "INSERT INTO message_channel(org_id, quality, application, kind, cert_id, ssh_key, "
	    "sender, registered_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT (org_id, application) DO UPDATE SET kind = excluded.kind, "
	    "cert_id = excluded.cert_id, ssh_key = excluded.ssh_key, sender = excluded.sender, "
	    "registered_by = excluded.registered_by, updated_at = excluded.updated_at "
	    "WHERE message_channel.quality = excluded.quality",
	M(SQL_MACHINE_CHANNEL_LIST) =
	    "SELECT m.application, m.kind, c.public_id AS cert_public_id, c.thumbprint, "
	    "m.ssh_key, m.sender, m.updated_at, m.quality FROM message_channel m "
	    "LEFT JOIN system_cert c ON c.id = m.cert_id "
	    "WHERE m.org_id = ?1 AND m.quality = ?2 ORDER BY m.application",
	M(SQL_MACHINE_CHANNEL_DELETE) =
	    "DELETE FROM message_channel WHERE org_id = ?1 AND quality = ?2 AND application = ?3",
	M(SQL_MACHINE_CHANNEL_LOOKUP) =
	    "SELECT m.application, m.kind, c.public_id AS cert_public_id, c.thumbprint, "
	    "m.ssh_key, m.sender, m.updated_at, m.quality FROM message_channel m "
	    "LEFT JOIN system_cert c ON c.id = m.cert_id "
	    "WHERE m.org_id = ?1 AND m.application = ?2",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const machine_cols[SQL_MACHINE_END - SQL_MACHINE_FIRST] = {
	M(SQL_MACHINE_CERT_INSERT) = "id,",
	M(SQL_MACHINE_CERT_LIST) = SQL_COLS(SQL_MACHINE_CERT_COLS),
	M(SQL_MACHINE_CERT_GET) = SQL_COLS(SQL_MACHINE_CERT_COLS),
	M(SQL_MACHINE_CRL) = SQL_COLS(SQL_MACHINE_CRL_COLS),
	M(SQL_MACHINE_EXPIRING) = SQL_COLS(SQL_MACHINE_EXPIRING_COLS),
	M(SQL_MACHINE_RECIPIENTS) = SQL_COLS(SQL_MACHINE_RECIPIENTS_COLS),
	M(SQL_MACHINE_CHANNEL_LIST) = SQL_COLS(SQL_MACHINE_CHANNEL_COLS),
	M(SQL_MACHINE_CHANNEL_LOOKUP) = SQL_COLS(SQL_MACHINE_CHANNEL_COLS),
};

const struct sql_table SQL_TABLE(machine) = {
	SQL_MACHINE_FIRST, SQL_MACHINE_END - SQL_MACHINE_FIRST, machine_text, machine_cols,
};
