/* backup.c — `portier backup`'s copy of a SQLite database: sqlite3_backup_* in steps of a
 * few pages with a pause between, into a temporary file, checked, then linked in place. */
#include "ops/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define STEP_PAGES 256    /* 1 MiB of 4 KiB pages a step */
#define PAUSE_MS 5        /* between steps: the source's other users go first */
#define BUSY_MS 50        /* after a busy step */
#define BUSY_MAX 2000     /* busy steps before giving up (~100 s) */

static void
pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* True when db's journal mode is WAL. */
static bool
is_wal(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool wal = false;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);

		wal = m != NULL && strcasecmp(m, "wal") == 0;
	}
	sqlite3_finalize(st);
	return wal;
}

/* Starts a read transaction on db (its snapshot is the copy's). 0 or -1. */
static int
read_snapshot(sqlite3 *db)
{
	return sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL,
	    NULL) == SQLITE_OK ? 0 : -1;
}

static int
copy_pages(sqlite3 *from, sqlite3 *to, struct ops_backup_stats *st, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (b == NULL) {
		snprintf(err, errlen, "cannot start the copy: %s", sqlite3_errmsg(to));
		return -1;
	}
	for (;;) {
		rc = sqlite3_backup_step(b, STEP_PAGES);
		st->steps++;
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++st->busy > BUSY_MAX)
				break;
			pause_ms(BUSY_MS);
			continue;
		}
		if (rc != SQLITE_OK)
			break;
		pause_ms(PAUSE_MS);
	}
	st->pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "copy failed: %s", rc == SQLITE_BUSY || rc == SQLITE_LOCKED ?
		    "the database stayed busy" : sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int
ops_backup_journal_delete(const char *path)
{
	sqlite3 *db = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
	sqlite3_close(db);
	return rc;
}

/* PRAGMA integrity_check on the file at path, opened read-only. 0 when "ok". */
static int
integrity(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot reopen the copy: %s", db ? sqlite3_errmsg(db) : "?");
		goto done;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);

		if (r != NULL && strcmp(r, "ok") == 0)
			rc = 0;
		else
			snprintf(err, errlen, "the copy fails its integrity check: %.200s",
			    r ? r : "?");
	} else {
		snprintf(err, errlen, "integrity check of the copy: %s", sqlite3_errmsg(db));
	}
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* The copy from src into the empty file tmp, then its check. 0 or -1. */
static int
backup_into(const char *src, const char *tmp, struct ops_backup_stats *st, char *err,
    size_t errlen)
{
	sqlite3 *from = NULL, *to = NULL;
	bool snapshot = false;
	int rc = -1;

	/* Read-write without create: a missing file is an error, not an empty copy (a
	 * read-only connection could not open a WAL database whose server is stopped). */
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", src, from ? sqlite3_errmsg(from) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(from, 5000);
	if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, to ? sqlite3_errmsg(to) : "cannot open");
		goto fail;
	}
	/* WAL: one read transaction for the whole copy. Writers go on (a reader never blocks
	 * them in WAL mode), the copy is one consistent snapshot, and a write meanwhile does
	 * not restart the copy; only the checkpoint waits until the copy ends. */
	if (is_wal(from)) {
		if (read_snapshot(from) != 0) {
			snprintf(err, errlen, "%s: %s", src, sqlite3_errmsg(from));
			goto fail;
		}
		snapshot = true;
	}
	if (copy_pages(from, to, st, err, errlen) != 0)
		goto fail;
	/* One self-contained file: the copy leaves WAL mode (portier puts it back in WAL
	 * when it opens it), so that reading it leaves no -wal or -shm beside it. */
	if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(to));
		goto fail;
	}
	if (sqlite3_close(to) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot close the copy", tmp);
		goto fail;
	}
	to = NULL;
	rc = integrity(tmp, err, errlen);
fail:
	if (snapshot)
		sqlite3_exec(from, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(to);
	sqlite3_close(from);
	return rc;
}

int
ops_backup_sqlite(const char *src, const char *dst, struct ops_backup_stats *st, char *err,
    size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, n;

	memset(st, 0, sizeof(*st));
	if (access(dst, F_OK) == 0) {
		snprintf(err, errlen, "%s: exists already (a backup never overwrites a file)",
		    dst);
		return -1;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		return -1;
	}
	n = snprintf(tmp, sizeof(tmp), "%s.partial-XXXXXX", dst);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", dst);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	if (backup_into(src, tmp, st, err, errlen) != 0)
		goto fail;
	/* link fails when dst appeared meanwhile: still never overwritten. */
	if (link(tmp, dst) != 0) {
		snprintf(err, errlen, "%s: %s", dst, errno == EEXIST ?
		    "exists already (a backup never overwrites a file)" : strerror(errno));
		goto fail;
	}
	unlink(tmp);
	return 0;
fail:
	unlink(tmp);
	return -1;
}
