/* store_fixture.h — the unit tests' database: a temporary folder with a migrated store in
 * it, made for a test or a group and removed after. Header-only, because each test binary
 * is built from its one .c file; every function is static inline so unused ones are fine. */
#ifndef PORTIER_TESTS_STORE_FIXTURE_H
#define PORTIER_TESTS_STORE_FIXTURE_H

#include <errno.h>
#include <fnmatch.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "access/org.h"
#include "audit/audit.h"
#include "auth/person.h"
#include "base/arena.h"
#include "registry/functions_import.h"
#include "registry/kbo_import.h"
#include "registry/persons_import.h"
#include "cmd/store_modules.h"
#include "store/sql.h"
#include "store/store.h"

#define STORE_FIXTURE_PREFIX "/tmp/portier-"

struct store_fixture {
	char dir[64];            /* /tmp/portier-<tag>-XXXXXX */
	char path[128];          /* <dir>/t.db */
	struct store *s;
};

/* Makes a new folder /tmp/portier-<tag>-XXXXXX, its name into dir; 0, or -1 (said on stderr). */
static inline int
store_fixture_mkdir(char *dir, size_t dirlen, const char *tag)
{
	int n = snprintf(dir, dirlen, STORE_FIXTURE_PREFIX "%s-XXXXXX", tag);

	if (n < 0 || (size_t)n >= dirlen) {
		fprintf(stderr, "store_fixture: folder name too long for tag %s\n", tag);
		return -1;
	}
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "store_fixture: mkdtemp %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static inline int
store_fixture_remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	if (remove(path) != 0) {
		fprintf(stderr, "store_fixture: remove %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes a folder made by store_fixture_mkdir and everything in it, nested folders
 * included, without following links; 0, or -1 (said on stderr). Anything outside
 * /tmp/portier-* is refused, so a fixture that never got its folder removes nothing. */
static inline int
store_fixture_rmdir(const char *dir)
{
	if (strncmp(dir, STORE_FIXTURE_PREFIX, strlen(STORE_FIXTURE_PREFIX)) != 0 ||
	    strstr(dir, "..") != NULL) {
		fprintf(stderr, "store_fixture: not a fixture folder: '%s'\n", dir);
		return -1;
	}
	return nftw(dir, store_fixture_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* Every module's statements registered before main(), as portier's main() does: a test
 * opens its stores as the program would. */
__attribute__((constructor)) static void
store_fixture_register(void)
{
	if (store_modules_register() != 0) {
		fputs("store_fixture: statement tables overlap\n", stderr);
		abort();
	}
}

/* PORTIER_TEST_PG=<connection string of a cluster> (make unit-pg): a fixture's database is
 * a fresh PostgreSQL database of that cluster instead of the SQLite file at path; its
 * connection string replaces path (out, outlen). 0, 1 when not asked, -1 (said). */
static char store_fixture_last_pg[512];

static inline int
store_fixture_pg(char *out, size_t outlen)
{
	static unsigned n;
	const char *base = getenv("PORTIER_TEST_PG");
	char sql[64], name[32];
	PGconn *pg;
	PGresult *res;
	int ok;

	if (base == NULL || base[0] == '\0')
		return 1;
	snprintf(name, sizeof(name), "u%ld_%u", (long)getpid(), ++n);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	pg = PQconnectdb(base);
	res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "store_fixture: %s", PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	if (!ok || snprintf(out, outlen, "%s dbname=%s", base, name) >= (int)outlen)
		return -1;
	snprintf(store_fixture_last_pg, sizeof(store_fixture_last_pg), "%s", out);
	return 0;
}

/* Opens the database at path with pool connections and applies the migrations into *out;
 * 0, or -1 (said on stderr) with *out NULL. Under PORTIER_TEST_PG, a fresh PostgreSQL
 * database instead (store_fixture_pg), with migrations/pg. */
static inline int
store_fixture_db(const char *path, int pool, struct store **out)
{
	char err[512], conn[512];
	int pg = store_fixture_pg(conn, sizeof(conn));

	*out = NULL;
	if (pg < 0)
		return -1;
	if (store_open(pg == 0 ? conn : path, pool, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (store_migrate(*out, pg == 0 ? "migrations/pg" : "migrations", err, sizeof(err)) < 1) {
		fprintf(stderr, "%s\n", err);
		store_close(*out);
		*out = NULL;
		return -1;
	}
	/* Every statement's declared columns against this schema, as serve does (rule 9). */
	if (store_modules_check(*out, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		store_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* A new temporary folder named after tag with a migrated database t.db in it, opened with
 * pool connections; 0, or -1 (said on stderr). */
static inline int
store_fixture_open(struct store_fixture *f, const char *tag, int pool)
{
	f->s = NULL;
	f->path[0] = '\0';
	if (store_fixture_mkdir(f->dir, sizeof(f->dir), tag) != 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	if (store_fixture_db(f->path, pool, &f->s) != 0)
		return -1;
	/* Under PORTIER_TEST_PG, path names the PostgreSQL database (store_fixture_count). */
	if (getenv("PORTIER_TEST_PG") != NULL && getenv("PORTIER_TEST_PG")[0] != '\0') {
		size_t n = strlen(store_fixture_last_pg);

		if (n >= sizeof(f->path)) {
			fprintf(stderr, "store_fixture: connection string too long\n");
			return -1;
		}
		memcpy(f->path, store_fixture_last_pg, n + 1);
	}
	return 0;
}

/* Closes the store and removes the folder; 0, or -1 when the folder could not go. */
static inline int
store_fixture_close(struct store_fixture *f)
{
	store_close(f->s);
	f->s = NULL;
	return store_fixture_rmdir(f->dir);
}

/* store_fixture_open into a fixture of its own, for a cmocka state; NULL on failure. */
static inline struct store_fixture *
store_fixture_new(const char *tag, int pool)
{
	struct store_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || store_fixture_open(f, tag, pool) != 0) {
		free(f);
		return NULL;
	}
	return f;
}

/* store_fixture_close, then frees what store_fixture_new gave; 0 or -1. */
static inline int
store_fixture_free(struct store_fixture *f)
{
	int rc = store_fixture_close(f);

	free(f);
	return rc;
}

/* Runs the SQL script sql in one write transaction; 0, or -1 (said on stderr). */
static inline int
store_fixture_script(struct store_fixture *f, const char *sql)
{
	struct store_tx *tx;
	char err[512];

	if (store_begin(f->s, STORE_WRITE, &tx) != 0) {
		fprintf(stderr, "fixture: no write transaction\n");
		return -1;
	}
	if (store_script(tx, sql, err, sizeof(err)) != 0) {
		store_rollback(&tx);
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	if (store_commit(&tx) != 0) {
		fprintf(stderr, "fixture: commit failed\n");
		return -1;
	}
	return 0;
}

/* The integer the read-only query sql answers first (0 for NULL), or -1 (no row; an
 * error, said on stderr).
 * For what no service shows — rows at rest, counted after a service ran —, on a
 * connection of its own (SQLite opened read-only; libpq on PostgreSQL), so that a test
 * keeps off the store's statement ids and holds on both backends. */
static inline int64_t
store_fixture_count(const struct store_fixture *f, const char *sql)
{
	int64_t n = -1;

	if (store_is_pg(f->path)) {
		PGconn *pg = PQconnectdb(f->path);
		PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;

		if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK) {
			if (PQntuples(res) > 0)
				n = PQgetisnull(res, 0, 0) ? 0 :
				    strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		} else
			fprintf(stderr, "store_fixture_count: %s", PQerrorMessage(pg));
		PQclear(res);
		PQfinish(pg);
		return n;
	}
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		int err = 1;

		if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_busy_timeout(db, 30000) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
			int rc = sqlite3_step(st);

			if (rc == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
			else if (rc == SQLITE_DONE)
				err = 0;
		}
		if (n < 0 && err)
			fprintf(stderr, "store_fixture_count: %s\n", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return n;
}

/* What store_fixture_audit counts: the events of action (a shell pattern: '*' for any
 * text; and actor, org when not NULL)
 * whose details hold key (when not NULL) with the value val, a string or an integer
 * written in decimal. */
struct store_fixture_audit_match {
	const char *action, *actor, *org, *key, *val, *key2, *val2;
	int64_t n;
};

/* 1 when the details object d holds key with the value val (string, or integer in
 * decimal), or key is NULL; else 0. */
static inline int
store_fixture_detail_is(json_t *d, const char *key, const char *val)
{
	json_t *v;
	char num[32];
	const char *got = NULL;

	if (key == NULL)
		return 1;
	v = d != NULL ? json_object_get(d, key) : NULL;
	if (json_is_string(v))
		got = json_string_value(v);
	else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		got = num;
	}
	return got != NULL && strcmp(got, val) == 0;
}

static inline int
store_fixture_audit_one(void *ctx, int64_t seq, const char *at, const struct audit_event *ev)
{
	struct store_fixture_audit_match *m = ctx;
	json_t *d;

	(void)seq;
	(void)at;
	if (fnmatch(m->action, ev->action, 0) != 0 ||
	    (m->actor != NULL && (ev->actor == NULL || strcmp(ev->actor, m->actor) != 0)) ||
	    (m->org != NULL && (ev->org == NULL || strcmp(ev->org, m->org) != 0)))
		return 0;
	d = json_loads(ev->details != NULL ? ev->details : "{}", 0, NULL);
	if (store_fixture_detail_is(d, m->key, m->val) &&
	    store_fixture_detail_is(d, m->key2, m->val2))
		m->n++;
	json_decref(d);
	return 0;
}

/* How many audit events match (see struct store_fixture_audit_match), read through the
 * audit service (audit_each) so that it holds on every backend; -1 on error. */
static inline int64_t
store_fixture_audit(struct store *s, const char *action, const char *actor, const char *org,
    const char *key, const char *val)
{
	struct store_fixture_audit_match m = { action, actor, org, key, val, NULL, NULL, 0 };

	return audit_each(s, store_fixture_audit_one, &m) == 0 ? m.n : -1;
}

/* store_fixture_audit with a second detail, key2 = val2, to match too. */
static inline int64_t
store_fixture_audit2(struct store *s, const char *action, const char *actor, const char *org,
    const char *key, const char *val, const char *key2, const char *val2)
{
	struct store_fixture_audit_match m = { action, actor, org, key, val, key2, val2, 0 };

	return audit_each(s, store_fixture_audit_one, &m) == 0 ? m.n : -1;
}

/* Writes text into the file name in the fixture's folder (its path into out, outlen);
 * 0, or -1 (said on stderr). */
static inline int
store_fixture_file(const struct store_fixture *f, const char *name, const char *text,
    char *out, size_t outlen)
{
	FILE *fp;
	int rc = -1;

	if (snprintf(out, outlen, "%s/%s", f->dir, name) >= (int)outlen)
		return -1;
	fp = fopen(out, "w");
	if (fp == NULL) {
		fprintf(stderr, "store_fixture: %s: %s\n", out, strerror(errno));
		return -1;
	}
	if (fputs(text, fp) >= 0)
		rc = 0;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* The registers a test's world starts from, loaded through the product's own imports
 * (registry/), so that the same fixture holds on every backend. csv is a file in the
 * import's format (docs/registry-formats.md), header included; 0, or -1 (said). */
static inline int
store_fixture_registry(const struct store_fixture *f, bool functions, const char *csv)
{
	char path[192], err[512];
	struct arena *a = arena_new(0);
	int rc = -1;

	if (a != NULL &&
	    store_fixture_file(f, functions ? "functions.csv" : "persons.csv", csv, path,
	    sizeof(path)) == 0)
		rc = functions ? functions_import(f->s, a, path, NULL, NULL, err, sizeof(err)) :
		    persons_import(f->s, a, path, NULL, NULL, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "store_fixture: registry: %s\n", a != NULL ? err : "no arena");
	arena_free(a);
	return rc;
}

/* The files of a full KBO extract and their headers, as the Crossroads Bank writes them. */
static const char *const store_fixture_kbo_files[][2] = {
	{ "meta.csv", "\"Variable\",\"Value\"\n\"SnapshotDate\",\"01-01-2030\"\n"
	    "\"ExtractTimestamp\",\"01-01-2030 07:00:00\"\n\"ExtractType\",\"full\"\n"
	    "\"ExtractNumber\",\"1\"\n\"Version\",\"1.0.0\"\n" },
	{ "code.csv", "\"Category\",\"Code\",\"Language\",\"Description\"\n" },
	{ "enterprise.csv", "\"EnterpriseNumber\",\"Status\",\"JuridicalSituation\","
	    "\"TypeOfEnterprise\",\"JuridicalForm\",\"JuridicalFormCAC\",\"StartDate\"\n" },
	{ "establishment.csv", "\"EstablishmentNumber\",\"StartDate\",\"EnterpriseNumber\"\n" },
	{ "denomination.csv", "\"EntityNumber\",\"Language\",\"TypeOfDenomination\","
	    "\"Denomination\"\n" },
	{ "address.csv", "\"EntityNumber\",\"TypeOfAddress\",\"CountryNL\",\"CountryFR\","
	    "\"Zipcode\",\"MunicipalityNL\",\"MunicipalityFR\",\"StreetNL\",\"StreetFR\","
	    "\"HouseNumber\",\"Box\",\"ExtraAddressInfo\",\"DateStrikingOff\"\n" },
	{ "contact.csv", "\"EntityNumber\",\"EntityContact\",\"ContactType\",\"Value\"\n" },
	{ "activity.csv", "\"EntityNumber\",\"ActivityGroup\",\"NaceVersion\",\"NaceCode\","
	    "\"Classification\"\n" },
	{ "branch.csv", "\"Id\",\"StartDate\",\"EnterpriseNumber\"\n" },
};

/* Loads a full KBO extract through kbo_import: a folder kbo/ in the fixture's folder whose
 * enterprise.csv, denomination.csv and address.csv hold the header and then the rows
 * given (NULL: none), every other file its header only; 0, or -1 (said on stderr). */
static inline int
store_fixture_kbo(const struct store_fixture *f, const char *enterprises,
    const char *denominations, const char *addresses)
{
	struct kbo_import_opts o = { .force = true, .quiet = true };
	char dir[96], path[192], err[512];
	int rc = 0;

	if (snprintf(dir, sizeof(dir), "%s/kbo", f->dir) >= (int)sizeof(dir) ||
	    mkdir(dir, 0700) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < sizeof(store_fixture_kbo_files) /
	    sizeof(store_fixture_kbo_files[0]); i++) {
		const char *name = store_fixture_kbo_files[i][0];
		const char *rows = strcmp(name, "enterprise.csv") == 0 ? enterprises :
		    strcmp(name, "denomination.csv") == 0 ? denominations :
		    strcmp(name, "address.csv") == 0 ? addresses : NULL;
		size_t n = strlen(store_fixture_kbo_files[i][1]) + (rows ? strlen(rows) : 0) + 1;
		char *text = malloc(n), rel[64];

		rc = text == NULL ? -1 : 0;
		if (rc == 0) {
			snprintf(text, n, "%s%s", store_fixture_kbo_files[i][1], rows ? rows : "");
			snprintf(rel, sizeof(rel), "kbo/%s", name);
			rc = store_fixture_file(f, rel, text, path, sizeof(path));
		}
		free(text);
	}
	if (rc == 0 && kbo_import(f->s, dir, &o, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "store_fixture: kbo: %s\n", err);
		rc = -1;
	}
	return rc;
}

/* The value of setting name into out ("" when absent; out may be NULL): 1 when the setting
 * exists, 0 when not, -1 on error. */
static inline int
store_fixture_setting(struct store *s, const char *name, char *out, size_t outlen)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (out != NULL)
		out[0] = '\0';
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_SETTING_GET, &q, "t", name) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1 && out != NULL)
		snprintf(out, outlen, "%s", store_text(q, 0));
	store_done(q);
	store_rollback(&tx);
	return rc;
}

/* Creates a person through person_create (niss may be "", lang NULL for none), written by
 * actor; their id, or -1. */
static inline int64_t
store_fixture_person(struct store *s, const char *niss, const char *last, const char *first,
    const char *lang, const char *actor)
{
	struct person p = { .niss = niss, .last_name = last, .first_name = first,
	    .language = lang };

	return person_create(s, &(struct actor){ .name = actor }, &p) == 0 ? p.id : -1;
}

/* Creates an organisation (a Belgian enterprise, standard procedure) whose GAP is gap, as
 * the GAP's legal representative does; its id, or -1. */
static inline int64_t
store_fixture_org(struct store *s, const char *enterprise, const char *name, int64_t gap)
{
	struct org_new n = {
		.enterprise = enterprise, .country = "BE", .name = name,
		.contact_email = "contact@example.be", .contact_phone = "02 511 51 51",
		.procedure = "standard",
	};
	struct actor by = { .person_id = gap, .role = "legal_rep" };
	struct store_tx *tx;
	int64_t id;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	id = org_create(tx, &n, gap, &by);
	if (id <= 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx) == 0 ? id : -1;
}

/* The end of a test that writes audited events: its audit chain must be intact
 * (audit_verify, texts in a), then store_fixture_close. 0, or -1 when either fails. */
static inline int
store_fixture_end(struct store_fixture *f, struct arena *a)
{
	struct audit_report rep;
	int chain = audit_verify(f->s, a, &rep);

	return store_fixture_close(f) == 0 && chain == 0 ? 0 : -1;
}

/* A store with one person who logs in, no language, written by "test" (the login and
 * TOTP tests' fixture). */
struct store_fixture_login {
	struct store_fixture fx;
	int64_t person;
	struct password_cfg pw;     /* cheap costs (1 pass, 8 KiB), no common list */
};

/* store_fixture_open under tag, then the person (niss may be "") with user name user and
 * password pw; NULL on failure. */
static inline struct store_fixture_login *
store_fixture_login_new(const char *tag, const char *niss, const char *last,
    const char *first, const char *user, const char *pw)
{
	struct store_fixture_login *f = calloc(1, sizeof(*f));
	int rc = -1;

	if (f == NULL || store_fixture_open(&f->fx, tag, 2) != 0)
		return NULL;
	password_cfg_init(&f->pw, 1, 8);
	f->person = store_fixture_person(f->fx.s, niss, last, first, NULL, "test");
	if (f->person < 0 ||
	    person_set_password(f->fx.s, &f->pw, &(struct actor){ .person_id = f->person },
	    f->person, user, pw, &rc) != PASSWORD_OK || rc != 0)
		return NULL;
	return f;
}

/* store_fixture_close, then frees what store_fixture_login_new gave; 0 or -1. */
static inline int
store_fixture_login_free(struct store_fixture_login *f)
{
	int rc = store_fixture_close(&f->fx);

	free(f);
	return rc;
}

/* The initialiser of a struct actor (policy/actor.h): person acting at level loa, in French,
 * from 127.0.0.1 with a fixed request id. */
#define STORE_FIXTURE_WHO(person, loa) { .person_id = (person), .level = (loa), \
	.lang = "fr", .source = "127.0.0.1", .request_id = "0123456789abcdef" }

/* What a test's store is: the folder's tag and the pool's size. */
struct store_fixture_spec {
	const char *tag;
	int pool;
};

/* cmocka's setup for a test given a spec as its initial state (STORE_FIXTURE_TEST): the
 * state becomes a new store_fixture. */
static inline int
store_fixture_setup(void **state)
{
	const struct store_fixture_spec *spec = *state;

	*state = store_fixture_new(spec->tag, spec->pool);
	return *state != NULL ? 0 : -1;
}

static inline int
store_fixture_teardown(void **state)
{
	return store_fixture_free(*state);
}

/* A cmocka test f run on a store of its own, made from the spec at spec_ptr. */
#define STORE_FIXTURE_TEST(f, spec_ptr) cmocka_unit_test_prestate_setup_teardown(f, \
	store_fixture_setup, store_fixture_teardown, (void *)(spec_ptr))

#endif
