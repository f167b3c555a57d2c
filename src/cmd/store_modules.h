/* store_modules.h — the composition root's list of every module's statements, registered
 * with the store (store_register) before any store is opened: the store knows no module. */
#ifndef PORTIER_CMD_STORE_MODULES_H
#define PORTIER_CMD_STORE_MODULES_H

#include <stddef.h>

#include "store/sql_table.h"

struct store_module {
	const char *name;
	const struct sql_table *portable;   /* SQLite's texts, PostgreSQL's where portable */
	const struct sql_table *pg;         /* PostgreSQL's own where they differ, or NULL */
	int own_db;                         /* 1: in a database of its own (the portal) */
};

extern const struct store_module store_modules[];
extern const size_t store_modules_n;

/* Registers every module with the store (idempotent). Returns 0, or -1. */
int store_modules_register(void);
/* Prepares every statement that declares its result columns, of the modules in the main
 * database (own_db 0, with the store's own) or of those with a database of their own
 * (1), and compares the columns with the database's (rule 9): 0, or -1 with the first
 * statement that differs in err. Called once the schema is migrated, before serving. */
struct store;
int store_modules_check(struct store *s, int own_db, char *err, size_t errlen);

#endif
