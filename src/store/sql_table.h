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
	SQL_RANGE_API = 6000,        /* scim/ (+ 0), the REST API's reads (+ 300) */
	SQL_RANGE_END = 7000,
};

struct sql_table {
	int first;                   /* the range's first id */
	int count;                   /* ids first .. first + count - 1 */
	const char *const *text;     /* text[id - first]; NULL for an unused id */
	/* cols[id - first]: the names of the result columns of a statement that is read
	 * (store_query, store_insert), each followed by a comma ("id,name,"), NULL for one
	 * that gives no rows; cols itself may be NULL (no statement read). */
	const char *const *cols;
};

/* Named columns (docs/store-contract.md, rule 9). A statement that gives rows lists its
 * columns once, in its module's header, as an X-macro of (constant, name) pairs:
 *
 *     #define SQL_PERSON_GET_COLS(X) X(PERSON_ID, id) X(PERSON_NISS, niss)
 *     SQL_COLUMNS(SQL_PERSON_GET_COLS);
 *
 * SQL_COLUMNS gives the constants callers read with (store_text(q, PERSON_NISS)), numbered
 * from 0 in the list's order; SQL_COLS gives the text the module's table declares for the
 * statement ("id,niss,"). Each backend compares it, when it prepares the statement, with
 * the names the database reports for the result (sqlite3_column_name, PQfname), and
 * refuses the statement when they differ: a reordered SELECT fails at once, by name,
 * never reads the wrong column. A name is a column's own name or its alias (AS name):
 * an expression takes an alias, since engines name expressions differently. */
#define SQL_COL_ENUM_(constant, name) constant,
#define SQL_COL_NAME_(constant, name) #name ","
#define SQL_COLUMNS(list) enum { list(SQL_COL_ENUM_) }
#define SQL_COLS(list) list(SQL_COL_NAME_)

#endif
