/* person_sql.c — SQLite text of the people statements (auth/person_sql.h): the one
 * place that writes the person table's rows into being. Schema: 002_people.sql, 016. */
#include "auth/person_sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define T(id) [(id) - SQL_PERSON_FIRST]

static const char *const person_text[SQL_PERSON_END - SQL_PERSON_FIRST] = {
	/* ?6 is where the names come from (register, eid, manager); a NISS the persons
	 * register knows gets the register's names whatever a manager typed. */
	T(SQL_PERSON_INSERT) =
	    "INSERT INTO person(niss, last_name, first_name, language, email, name_source, "
	    "created_at) "
	    "SELECT ?1, coalesce(r.last_name, ?2), coalesce(r.first_names, ?3), ?4, ?5, "
	    "CASE WHEN r.niss IS NULL THEN ?6 ELSE 'register' END, ?7 "
	    "FROM (SELECT 1) AS one LEFT JOIN reg_person r ON r.niss = ?1 AND ?6 <> 'eid' "
	    "RETURNING id",
	T(SQL_PERSON_GET) =
	    "SELECT id, niss, last_name, first_name, language, email, name_source FROM person "
	    "WHERE id = ?1",
	T(SQL_PERSON_BY_NISS) =
	    "SELECT id, niss, last_name, first_name, language, email, name_source FROM person "
	    "WHERE niss = ?1",
	T(SQL_PERSON_SET_CONTACT) =
	    "UPDATE person SET email = ?2, language = ?3 WHERE id = ?1",
	/* Any case, as the unique index (SQLite's column is NOCASE; PostgreSQL's index is
	 * on lower(username)): lower() on both sides there. */
	T(SQL_PASSWORD_BY_USERNAME) =
	    "SELECT person_id, hash FROM credential_password WHERE " SQL_NOCASE("username")
	    " = " SQL_NOCASE("?1"),
	/* updated_at (?4 and ?3 below) from the service's clock (store-contract rule 3). */
	T(SQL_PASSWORD_PUT) =
	    "INSERT INTO credential_password(person_id, username, hash, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT(person_id) DO UPDATE SET username = excluded.username, "
	    "hash = excluded.hash, updated_at = excluded.updated_at",
	/* (Parentheses: clang's -Wstring-concatenation takes two literals, in the table's
	 * last entry, for a missing comma.) */
	T(SQL_PASSWORD_SET_HASH) =
	    ("UPDATE credential_password SET hash = ?2, "
	    "updated_at = ?3 WHERE person_id = ?1"),
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const person_cols[SQL_PERSON_END - SQL_PERSON_FIRST] = {
	[SQL_PERSON_INSERT - SQL_PERSON_FIRST] = SQL_COLS(SQL_PERSON_INSERT_COLS),
	[SQL_PERSON_GET - SQL_PERSON_FIRST] = SQL_COLS(SQL_PERSON_COLS),
	[SQL_PERSON_BY_NISS - SQL_PERSON_FIRST] = SQL_COLS(SQL_PERSON_COLS),
	[SQL_PASSWORD_BY_USERNAME - SQL_PERSON_FIRST] =
	    SQL_COLS(SQL_PASSWORD_BY_USERNAME_COLS),
};

const struct sql_table SQL_TABLE(person) = {
	SQL_PERSON_FIRST, SQL_PERSON_END - SQL_PERSON_FIRST, person_text, person_cols,
};
