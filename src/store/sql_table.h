/* sql_table.h — how a module hands its SQL to a backend: a range of statement ids and
 * their texts. Ranges keep modules from colliding: each owns a thousand ids. */
#ifndef PORTIER_STORE_SQL_TABLE_H
#define PORTIER_STORE_SQL_TABLE_H

enum sql_range {
	SQL_RANGE_CORE = 0,          /* store/sql.h: migrations, settings; audit/ + 500 */
	SQL_RANGE_REGISTRY = 1000,   /* registry/: KBO, legal functions, persons registry */
	SQL_RANGE_ACCESS = 2000,     /* access/: organisations, qualities, users, grants */
	SQL_RANGE_AUTH = 3000,       /* auth/: eID, people, sessions, factors */
	SQL_RANGE_OIDC = 4000,       /* oidc/: clients, codes, tokens, keys */
	SQL_RANGE_PORTAL = 5000,     /* portal/: the agency portal's own database */
	SQL_RANGE_END = 6000,
};

struct sql_table {
	int first;                   /* the range's first id */
	int count;                   /* ids first .. first + count - 1 */
	const char *const *text;     /* text[id - first]; NULL for an unused id */
};

#endif
