/* dialect.h — the few SQL constructs that SQLite and PostgreSQL spell differently, as
 * macros: a module writes its statements once (its sql_sqlite.c) and compiles that file a
 * second time with SQL_DIALECT_PG defined (its sql_pg.c) to get PostgreSQL's table. The
 * SQLite texts are the ones the module had before. See docs/store-contract.md, rule 6.
 * No macro for the current time: statements take it as a parameter (rule 3). */
#ifndef PORTIER_STORE_DIALECT_H
#define PORTIER_STORE_DIALECT_H

#ifdef SQL_DIALECT_PG
/* The integers of a JSON array parameter p ("[1,2]"), as a subquery for IN. */
#define SQL_ID_LIST(p) "(SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(" p " AS json)))"
/* The texts of a JSON array parameter p ("[\"a\",\"b\"]"), as a subquery for IN. */
#define SQL_TEXT_LIST(p) "(SELECT value FROM json_array_elements_text(CAST(" p " AS json)))"
/* The values of x joined by sep (an aggregate). */
#define SQL_JOIN(x, sep) "string_agg(" x ", " sep ")"
/* x in the order of its lower-case form (ASCII: as SQLite's NOCASE). */
#define SQL_NOCASE(x) "lower(" x ")"
/* Case-insensitive LIKE (SQLite's LIKE is, for ASCII). */
#define SQL_LIKE "ILIKE"
/* Case-insensitive LIKE of x against pattern p that an index on lower(x) text_pattern_ops
 * serves for a constant prefix (ILIKE reads no index). */
#define SQL_ILIKE(x, p) "lower(" x ") LIKE lower(" p ")"
/* True when the text x is a person id: 1 to 18 digits and nothing else (an audit actor
 * may also be a machine's client id, whose hex may start with digits: not cast). */
#define SQL_ALL_DIGITS(x) "(" x " ~ '^[0-9]{1,18}$')"
/* The text of member key of the JSON object in text column doc. */
#define SQL_JSON_TEXT(doc, key) "(CAST(" doc " AS json) ->> '" key "')"
/* LIMIT p, where a negative p means no limit (as SQLite reads it). */
#define SQL_LIMIT(p) "LIMIT CASE WHEN " p " < 0 THEN NULL ELSE " p " END"
#define SQL_TABLE(module) sql_##module##_pg
#else
#define SQL_ID_LIST(p) "(SELECT value FROM json_each(" p "))"
#define SQL_TEXT_LIST(p) "(SELECT value FROM json_each(" p "))"
#define SQL_JOIN(x, sep) "group_concat(" x ", " sep ")"
#define SQL_NOCASE(x) x " COLLATE NOCASE"
#define SQL_LIKE "LIKE"
#define SQL_ILIKE(x, p) x " LIKE " p
#define SQL_ALL_DIGITS(x) "(length(" x ") BETWEEN 1 AND 18 AND " x " NOT GLOB '*[^0-9]*')"
#define SQL_JSON_TEXT(doc, key) "json_extract(" doc ", '$." key "')"
#define SQL_LIMIT(p) "LIMIT " p
#define SQL_TABLE(module) sql_##module##_sqlite
#endif

#endif
