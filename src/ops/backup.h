/* backup.h — an online copy of a SQLite database while portier serves on it: the SQLite
 * backup API in steps, then the copy checked (integrity_check). PostgreSQL: pg_dump. */
#ifndef PORTIER_OPS_BACKUP_H
#define PORTIER_OPS_BACKUP_H

#include <stddef.h>

struct ops_backup_stats {
	int pages;      /* pages copied */
	int steps;      /* sqlite3_backup_step calls */
	int busy;       /* steps that found the source or the copy busy and waited */
};

/* Copies the SQLite database file src into dst, a file that must not exist (never
 * overwritten: the copy is written beside it under a temporary name and linked to dst at
 * the end, so dst appears complete or not at all) with mode 0600. In WAL mode the copy is
 * one snapshot read under one read transaction, which never blocks portier's writers;
 * without WAL each step holds the source's read lock only for its pages. The copy is then
 * reopened and must pass PRAGMA integrity_check. Returns 0, or -1 with the reason in err
 * (dst then does not exist). */
int ops_backup_sqlite(const char *src, const char *dst, struct ops_backup_stats *st,
    char *err, size_t errlen);

/* Puts the finished copy at path back in rollback-journal mode (reopening it through the
 * store for its audit check leaves it in WAL mode, which is kept in the file): one file,
 * no -wal or -shm. 0 or -1. */
int ops_backup_journal_delete(const char *path);

#endif
