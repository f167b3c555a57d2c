/* test_store_faults.c — every writing service operation listed below under a store that
 * fails: the operation's store calls are counted on a clean run (N), then for each k in
 * 1..N the operation runs again on a fresh copy of the same database with call k failing
 * as a disk error would. Each time it must answer its error, leave every table as it was
 * (nothing half-written), and leave the store usable: run again without the fault, it
 * succeeds. Under ASan (make asan) the same runs show no use-after-free, double unlock or
 * leak of a transaction. Also the migrations' first transaction failing, then retried.
 * Under PORTIER_TEST_PG (make unit-pg) the same on PostgreSQL: the template's rows and
 * sequences are saved once and put back before each run (a CREATE DATABASE … TEMPLATE
 * per run took a second or more), the dump read through libpq. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access/account.h"
#include "access/catalogue.h"
#include "access/hierarchy.h"
#include "access/org.h"
#include "access/quality.h"
#include "audit/audit.h"
#include "base/buf.h"
#include "auth/account.h"
#include "auth/activation.h"
#include "auth/login.h"
#include "auth/password.h"
#include "auth/person.h"
#include "auth/session_store.h"
#include "auth/tokencard.h"
#include "auth/totp.h"
#include "csam/org_view.h"
#include "csam/designate.h"
#include "mail/mail.h"
#include "oidc/batch.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "oidc/keys.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"

#define TODAY "2030-06-15"
#define PASSWORD "Un-mot-de-passe-solide"
#define REDIRECT "https://portal.example/cb"
/* Seconds one run (prepare, failing run, retry) may take before the test is stopped: a
 * transaction that keeps the writer lock or its connection makes the next one wait for
 * ever, which would otherwise hang the test instead of failing it. */
#define RUN_ALARM 300

/* The registry and people of the CSAM procedure (as in test_csam.c): enterprise E1 with
 * representatives A (person 1) and B (person 2), E6 represented by A; loaded through the
 * imports (store_fixture_kbo, store_fixture_registry), A and B made by person_create
 * first, so that they are persons 1 and 2 on either database. */
#define E1 "1200000163"
#define E6 "1200000658"
static const char kbo_enterprises[] =
    "\"1200.000.163\",\"AC\",\"000\",\"2\",\"014\",,01-01-2001\n"
    "\"1200.000.658\",\"AC\",\"000\",\"2\",\"014\",,01-01-2000\n";
static const char kbo_denominations[] =
    "\"1200.000.163\",\"1\",\"001\",\"Alpha Médical\"\n"
    "\"1200.000.658\",\"1\",\"001\",\"Foxtrot Holding\"\n";
static const char reg_persons[] =
    "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\",\"Country\"\n"
    "\"80010100107\",\"Alpha\",\"Anne\",1980-01-01,\"F\",\"fr\",\"BE\"\n"
    "\"80010100206\",\"Bravo\",\"Bruno\",1980-01-01,\"M\",\"nl\",\"BE\"\n";
static const char reg_functions[] =
    "\"EnterpriseNumber\",\"RepresentativeNISS\",\"RepresentativeEnterpriseNumber\","
    "\"FunctionCode\",\"FunctionLabel\",\"BeginDate\",\"EndDate\"\n"
    "\"" E1 "\",\"80010100107\",,\"ADM\",\"Administrateur\",2010-01-01,\n"
    "\"" E1 "\",\"80010100206\",,\"ADM\",\"Administrateur\",2015-01-01,\n"
    "\"" E6 "\",\"80010100107\",,\"ADD\",\"Administrateur délégué\",2000-01-01,\n";
#define P_ANNE 1
#define P_BRUNO 2

/* The database every run starts from, and the ids in it. */
static struct {
	struct store_fixture fx;     /* fx.path: the template, closed */
	char run_path[600];          /* the copy a run works on (a connection string on PG) */
	const char *pg;              /* PORTIER_TEST_PG: the cluster; NULL on SQLite */
	char tmpl_db[64];            /* PostgreSQL: the template's database */
	PGconn *admin;               /* PostgreSQL: on it, to put the template back */
	struct buf restore;          /* PostgreSQL: the script that does it */
	int64_t gap, gl, user, stranger;   /* people of the access organisation */
	int64_t org, quality, gl_account, e1_org;
	int64_t user_account, user_version;   /* the user's account in the quality */
	struct password_cfg pw;      /* Argon2id at its lowest cost: the logins here test the
	                              * store, not the hash */
} T;

/* One run of an operation: the store, and what prepare left for run. */
struct run {
	struct store *s;
	struct oidc_batch *batch;    /* the group commit of s (OIDC code and tokens) */
	struct arena *a;             /* what the services read goes here */
	char code[OIDC_TOKEN_MAX];
	const char *refresh;
	struct oidc_client client;
	unsigned char key[TOTP_KEY_BYTES];
	unsigned char session[32];
	char activation[ACTIVATION_CODE_MAX];
	struct tokencard_print card;
	int64_t now;
	int64_t n;                   /* a counter the operation may use to vary its input */
};

/* What an operation answered: its expected answer, its error, or anything else. */
enum answer { DONE, FAILED, OTHER };

struct op {
	const char *name;
	int (*prepare)(struct run *r);   /* store set up for run, faults off; NULL: nothing */
	enum answer (*run)(struct run *r);
};

/* ---- the database: a dump of every table, sorted ---- */

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the rows of table name, one line each in sorted order, to out. */
static void
dump_table(sqlite3 *db, const char *name, struct buf *out)
{
	char sql[256], **lines = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;

	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", name);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct buf line;

		buf_init(&line, 0);
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *v = sqlite3_column_blob(st, c);
			int len = sqlite3_column_bytes(st, c);
			char hex[3];

			assert_int_equal(buf_add(&line, "|", 1), 0);
			if (sqlite3_column_type(st, c) == SQLITE_NULL) {
				assert_int_equal(buf_add(&line, "NULL", 4), 0);
				continue;
			}
			for (int i = 0; i < len; i++) {
				snprintf(hex, sizeof(hex), "%02x", v[i]);
				assert_int_equal(buf_add(&line, hex, 2), 0);
			}
		}
		assert_int_equal(buf_add(&line, "", 0), 0);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			lines = realloc(lines, cap * sizeof(*lines));
			assert_non_null(lines);
		}
		lines[n++] = line.data;
	}
	sqlite3_finalize(st);
	if (n > 0)
		qsort(lines, n, sizeof(*lines), line_cmp);
	assert_int_equal(buf_add(out, name, strlen(name)), 0);
	assert_int_equal(buf_add(out, "\n", 1), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(buf_add(out, lines[i], strlen(lines[i])), 0);
		assert_int_equal(buf_add(out, "\n", 1), 0);
		free(lines[i]);
	}
	free(lines);
}

/* Appends the sorted lines of res (one row each, values hex, NULL as NULL) to out. */
static void
dump_result(PGresult *res, struct buf *out)
{
	int n = PQntuples(res);
	char **lines = calloc((size_t)n + 1, sizeof(*lines));

	assert_non_null(lines);
	for (int r = 0; r < n; r++) {
		struct buf line;

		buf_init(&line, 0);
		for (int c = 0; c < PQnfields(res); c++) {
			const char *v = PQgetvalue(res, r, c);
			char hex[3];

			assert_int_equal(buf_add(&line, "|", 1), 0);
			if (PQgetisnull(res, r, c)) {
				assert_int_equal(buf_add(&line, "NULL", 4), 0);
				continue;
			}
			for (int i = 0; i < PQgetlength(res, r, c); i++) {
				snprintf(hex, sizeof(hex), "%02x", (unsigned char)v[i]);
				assert_int_equal(buf_add(&line, hex, 2), 0);
			}
		}
		assert_int_equal(buf_add(&line, "", 0), 0);
		lines[r] = line.data;
	}
	if (n > 0)
		qsort(lines, (size_t)n, sizeof(*lines), line_cmp);
	for (int r = 0; r < n; r++) {
		assert_int_equal(buf_add(out, lines[r], strlen(lines[r])), 0);
		assert_int_equal(buf_add(out, "\n", 1), 0);
		free(lines[r]);
	}
	free(lines);
}

/* dump on PostgreSQL: every table of the schema, through libpq. */
static void
dump_pg(struct buf *out)
{
	PGconn *pg = PQconnectdb(T.run_path);
	PGresult *tables;

	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	tables = PQexec(pg, "SELECT table_name FROM information_schema.tables WHERE "
	    "table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1");
	assert_int_equal(PQresultStatus(tables), PGRES_TUPLES_OK);
	for (int t = 0; t < PQntuples(tables); t++) {
		const char *name = PQgetvalue(tables, t, 0);
		char sql[256];
		PGresult *res;

		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", name);
		res = PQexec(pg, sql);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(pg));
		assert_int_equal(buf_add(out, name, strlen(name)), 0);
		assert_int_equal(buf_add(out, "\n", 1), 0);
		dump_result(res, out);
		PQclear(res);
	}
	PQclear(tables);
	PQfinish(pg);
	assert_int_equal(buf_add(out, "", 0), 0);
}

/* Every table of the run's database, through a connection of its own. */
static void
dump(struct buf *out)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	buf_init(out, 0);
	if (T.pg != NULL) {
		dump_pg(out);
		return;
	}
	assert_int_equal(sqlite3_open_v2(T.run_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		dump_table(db, (const char *)sqlite3_column_text(st, 0), out);
	sqlite3_finalize(st);
	assert_int_equal(buf_add(out, "", 0), 0);
	sqlite3_close(db);
}

/* ---- runs on copies of the template ---- */

/* Copies from to to, made 0600 like the store makes its databases (store_open warns
 * about a database others may read). */
static void
copy_file(const char *from, const char *to)
{
	char chunk[65536];
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *in = fopen(from, "rb"), *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		assert_int_equal(fwrite(chunk, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* Runs the statements of sql, one after the other, on the cluster's own database
 * (PostgreSQL: CREATE and DROP DATABASE run outside any transaction). */
static void
pg_admin(const char *const *sql, size_t n)
{
	PGconn *pg = PQconnectdb(T.pg);

	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	for (size_t i = 0; i < n; i++) {
		PGresult *res = PQexec(pg, sql[i]);

		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql[i], PQerrorMessage(pg));
		PQclear(res);
	}
	PQfinish(pg);
}

/* PostgreSQL: database name made anew, empty. */
static void
pg_fresh(const char *name)
{
	char drop[400], create[400];
	const char *sql[] = { "SET client_min_messages = warning", drop, create };

	snprintf(drop, sizeof(drop), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	snprintf(create, sizeof(create), "CREATE DATABASE %s TEMPLATE template0", name);
	pg_admin(sql, 3);
}

/* Runs sql on the template's database; its result (status want), which the caller
 * clears. */
static PGresult *
pg_run(const char *sql, ExecStatusType want)
{
	PGresult *res = PQexec(T.admin, sql);

	if (PQresultStatus(res) != want)
		fail_msg("%.200s: %s", sql, PQerrorMessage(T.admin));
	return res;
}

static void
restore_add(const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[] = { a, b, c, d };

	for (size_t i = 0; i < 4; i++)
		if (parts[i] != NULL)
			assert_int_equal(buf_add(&T.restore, parts[i], strlen(parts[i])), 0);
}

/* PostgreSQL: the template's rows copied into a schema of their own, and the script that
 * puts them and the sequences back: every table emptied and filled again, triggers (the
 * audit's refusal of DELETE, the foreign keys) off for that transaction only. */
static void
template_save(void)
{
	PGresult *tables, *seqs;

	T.admin = PQconnectdb(T.fx.path);
	assert_int_equal(PQstatus(T.admin), CONNECTION_OK);
	PQclear(pg_run("CREATE SCHEMA portier_template", PGRES_COMMAND_OK));
	tables = pg_run("SELECT quote_ident(table_name) FROM information_schema.tables WHERE "
	    "table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
	    PGRES_TUPLES_OK);
	buf_init(&T.restore, 0);
	restore_add("BEGIN; SET LOCAL session_replication_role = replica;\n", NULL, NULL, NULL);
	for (int t = 0; t < PQntuples(tables); t++) {
		const char *name = PQgetvalue(tables, t, 0);
		char sql[256];

		snprintf(sql, sizeof(sql), "CREATE TABLE portier_template.%s AS SELECT * FROM %s",
		    name, name);
		PQclear(pg_run(sql, PGRES_COMMAND_OK));
		restore_add("DELETE FROM ", name, ";\n", NULL);
		restore_add("INSERT INTO ", name, " SELECT * FROM portier_template.", name);
		restore_add(";\n", NULL, NULL, NULL);
	}
	PQclear(tables);
	seqs = pg_run("SELECT format('SELECT setval(%L, %s, %s);', quote_ident(schemaname) || "
	    "'.' || quote_ident(sequencename), coalesce(last_value, start_value), "
	    "CASE WHEN last_value IS NULL THEN 'false' ELSE 'true' END) FROM pg_sequences WHERE schemaname = current_schema()",
	    PGRES_TUPLES_OK);
	for (int k = 0; k < PQntuples(seqs); k++)
		restore_add(PQgetvalue(seqs, k, 0), "\n", NULL, NULL);
	PQclear(seqs);
	restore_add("COMMIT;", NULL, NULL, NULL);
	assert_int_equal(buf_add(&T.restore, "", 0), 0);
}

/* A fresh copy of the template, opened. */
static void
run_open(struct run *r)
{
	char err[256], side[640];

	memset(r, 0, sizeof(*r));
	if (T.pg != NULL) {
		PQclear(pg_run(T.restore.data, PGRES_COMMAND_OK));
	} else {
		snprintf(side, sizeof(side), "%s-wal", T.run_path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", T.run_path);
		unlink(side);
		copy_file(T.fx.path, T.run_path);
	}
	assert_int_equal(store_open(T.run_path, 2, &r->s, err, sizeof(err)), 0);
	r->batch = oidc_batch_new(r->s);
	assert_non_null(r->batch);
	r->a = arena_new(0);
	assert_non_null(r->a);
}

static void
run_close(struct run *r)
{
	oidc_batch_free(r->batch);
	r->batch = NULL;
	store_close(r->s);
	r->s = NULL;
	arena_free(r->a);
	r->a = NULL;
}

/* The calls op makes on a clean run: the fewer of two runs, because an operation may do
 * extra work after its commit now and then;
 * the faults then always fall inside the operation's own calls. */
static long
clean_calls(const struct op *op)
{
	long least = -1;

	for (int i = 0; i < 2; i++) {
		struct run r;
		struct buf before, after;
		long n;

		run_open(&r);
		if (op->prepare != NULL)
			assert_int_equal(op->prepare(&r), 0);
		dump(&before);
		store_fault_after(r.s, 0, STORE_FAULT_ALL);
		if (op->run(&r) != DONE)
			fail_msg("%s: the clean run did not succeed", op->name);
		n = store_fault_calls(r.s);
		store_fault_off(r.s);
		dump(&after);
		/* The operation writes: otherwise there is nothing to half-write. */
		if (strcmp(before.data, after.data) == 0)
			fail_msg("%s: the clean run changed nothing", op->name);
		buf_free(&before);
		buf_free(&after);
		run_close(&r);
		if (least < 0 || n < least)
			least = n;
	}
	return least;
}

/* Runs op with its store call k failing. */
static void
faulty_run(const struct op *op, long k)
{
	struct run r;
	struct buf before, after;
	enum answer a;

	alarm(RUN_ALARM);
	run_open(&r);
	if (op->prepare != NULL)
		assert_int_equal(op->prepare(&r), 0);
	dump(&before);
	store_fault_after(r.s, k, STORE_FAULT_ALL);
	a = op->run(&r);
	if (store_fault_calls(r.s) < k)
		fail_msg("%s: call %ld never came (%ld calls)", op->name, k, store_fault_calls(r.s));
	store_fault_off(r.s);
	if (a != FAILED)
		fail_msg("%s: call %ld failing, the answer was %s", op->name, k,
		    a == DONE ? "a success" : "not an error");
	dump(&after);
	if (strcmp(before.data, after.data) != 0)
		fail_msg("%s: call %ld failing, the database changed", op->name, k);
	/* Nothing held, nothing half-done: the same operation now goes through. */
	if (op->run(&r) != DONE)
		fail_msg("%s: after call %ld failed, the operation no longer succeeds", op->name, k);
	buf_free(&before);
	buf_free(&after);
	run_close(&r);
	alarm(0);
}

static long fault_points;

static void
check_op(const struct op *op)
{
	long n = clean_calls(op);

	assert_true(n > 0);
	for (long k = 1; k <= n; k++)
		faulty_run(op, k);
	fault_points += n;
	print_message("%-28s %3ld store calls, each failed once\n", op->name, n);
}

/* ---- the operations ---- */

static struct actor
access_who(int64_t person)
{
	struct actor w = STORE_FIXTURE_WHO(person, LOA_LOW);

	return w;
}

static struct actor
csam_who(int64_t person)
{
	struct actor w = STORE_FIXTURE_WHO(person, LOA_HIGH);

	return w;
}

/* The answer of a call that returns 0, -1 on a store error, or another refusal. */
static enum answer
status_answer(int rc)
{
	return rc == 0 ? DONE : rc == -1 ? FAILED : OTHER;
}

static const struct actor octx = { .source = "127.0.0.1", .request_id = "0123456789abcdef" };

static enum answer
op_person_create(struct run *r)
{
	struct person p = { .niss = "75050500203", .last_name = "Nouveau", .first_name = "Nadia",
	    .language = "fr" };

	/* The retry after a failed run must find the NISS free: a new one each time. */
	if (r->n++ > 0)
		p.niss = "75050500401";
	return status_answer(person_create(r->s, &(struct actor){ .name = "system" }, &p));
}

static enum answer
op_set_password(struct run *r)
{
	int rc = 0;

	if (person_set_password(r->s, &T.pw, &(struct actor){ .person_id = T.stranger },
	    T.stranger, "sophie.martin", PASSWORD, &rc) !=
	    PASSWORD_OK)
		return OTHER;
	return rc == 0 ? DONE : FAILED;
}

static enum answer
login(struct run *r, const char *password, enum login_result expected)
{
	struct login_attempt a = {
		.username = "marie.janssens", .password = password,
		.by = { .source = "127.0.0.1", .request_id = "0123456789abcdef" },
		.pwcfg = &T.pw,
	};
	enum login_result res = login_password(r->s, &a);

	if (res == expected)
		return DONE;
	return res == LOGIN_ERROR ? FAILED : OTHER;
}

static enum answer
op_login_success(struct run *r)
{
	return login(r, PASSWORD, LOGIN_OK);
}

static enum answer
op_login_failure(struct run *r)
{
	return login(r, "pas-le-bon-mot-de-passe", LOGIN_REFUSED);
}

static enum answer
op_logout(struct run *r)
{
	return login_record_logout(r->s, &(struct actor){ .person_id = T.user,
	    .source = "127.0.0.1" }) == 0 ? DONE : FAILED;
}

static enum answer
op_session_create(struct run *r)
{
	struct session_rec rec = { .csrf = "c", .lang = "fr", .person_id = 0,
	    .auth_method = "", .created_at = 1900000000, .seen_at = 1900000000 };
	unsigned char h[32];

	memset(h, (int)(0x40 + r->n++), sizeof(h));
	return session_create(r->s, h, &rec) == 0 ? DONE : FAILED;
}

static enum answer
op_activation_issue(struct run *r)
{
	char code[ACTIVATION_CODE_MAX];
	int64_t expires;

	return status_answer(activation_issue(r->s, &(struct actor){ .person_id = 7,
	    .role = "helpdesk" }, T.user, code, &expires));
}

static enum answer
access_answer(enum access_rc rc)
{
	return rc == ACCESS_OK ? DONE : rc == ACCESS_ERROR ? FAILED : OTHER;
}

static enum answer
op_user_create(struct run *r)
{
	static const char *const apps[] = { "MEDSEIP" };
	struct actor w = access_who(T.gap);
	struct user_input in = {
		.niss = "75050500203", .username = "nadia.nouveau", .last_name = "Nouveau",
		.first_name = "Nadia", .data.title = "Mme", .data.language = "fr",
		.data.email = "nadia@example.be", .type = "USER", .apps = apps, .napps = 1,
	};
	struct access_errors err = { 0 };
	int64_t account = 0;

	return access_answer(account_create(r->s, &w, T.org, T.quality, &in, &err, &account));
}

static enum answer
op_quality_activate(struct run *r)
{
	struct actor w = access_who(T.gap);
	struct activation_input in = {
		.quality = "youth_care", .email = "autre@example.be", .mode = "self",
		.gl = {
			.username = "gap.access", .data.title = "Mme", .data.language = "fr",
			.data.email = "gap@example.be",
		},
	};
	struct access_errors err = { 0 };
	int64_t q = 0;
	bool again = false;
	enum access_rc rc = quality_activate(r->s, &w, T.org, &in, &err, &q, &again);

	return rc == ACCESS_OK && again ? OTHER : access_answer(rc);
}

static enum answer
csam_answer(enum access_rc rc)
{
	return rc == ACCESS_OK ? DONE : rc == ACCESS_ERROR ? FAILED : OTHER;
}

static enum answer
op_cogap_add(struct run *r)
{
	struct actor w = access_who(P_ANNE);
	struct access_errors err = { 0 };

	/* The /csam form: with the name, checked against the register's. */
	return access_answer(hierarchy_cogap_add(r->s, NULL, &w, T.e1_org, &(struct cogap_input){
	    .niss = "80010100206", .last_name = "Bravo", .email = "bruno@alpha.example" },
	    &err));
}

static enum access_rc
designate(struct store *s, const char *enterprise, const char *token)
{
	struct actor w = csam_who(P_ANNE);
	struct csam_enterprise e;
	struct csam_gap gap;
	struct access_errors err = { 0 };
	struct csam_done done;
	struct csam_gap_form f = {
		.enterprise = enterprise, .other = false, .email = "direction@alpha.example",
		.phone = "02 511 51 51", .token = token, .today = TODAY,
	};

	struct arena *a = arena_new(0);
	enum access_rc rc;

	if (a == NULL)
		return ACCESS_ERROR;
	rc = csam_designate(s, NULL, a, &w, &f, false, &e, &gap, &err, &done);
	arena_free(a);
	return rc;
}

static enum answer
op_gap_designate(struct run *r)
{
	return csam_answer(designate(r->s, E6, "4123456789abcdef0123456789abcdef"));
}

static enum answer
op_client_add(struct run *r)
{
	const char *redirect[] = { "https://other.example/cb" };
	struct oidc_client_new n = {
		.id = "other", .application = "SADM", .scopes = "openid profile",
		.redirect = redirect, .n_redirect = 1,
	};
	char secret[OIDC_SECRET_LEN + 1], err[256];

	return status_answer(oidc_client_add(r->s, &n, "test", secret, err, sizeof(err)));
}

static enum answer
op_code_issue(struct run *r)
{
	struct oidc_authz a = {
		.client_id = "portal", .application = "MEDSEIP", .person_id = T.gl,
		.account_id = T.gl_account, .org_quality_id = T.quality, .enterprise = "0552627113",
		.scope = "openid profile", .redirect_uri = REDIRECT, .auth_time = time(NULL),
		.acr_level = LOA_HIGH, .amr = "eid",
	};

	return status_answer(oidc_code_issue(r->batch, &a, NULL, &octx, r->code));
}

/* A code issued to the client, faults off. */
static int
prepare_code(struct run *r)
{
	if (oidc_client_get(r->s, r->a, "portal", &r->client) != 0)
		return -1;
	return op_code_issue(r) == DONE ? 0 : -1;
}

static enum answer
op_code_redeem(struct run *r)
{
	struct oidc_issued out;
	enum oidc_refusal why;

	return status_answer(oidc_code_redeem(r->batch, r->a, &r->client, r->code, REDIRECT, NULL,
	    &octx, &out, &why));
}

static enum answer
op_grants_revoke(struct run *r)
{
	return oidc_grants_revoke(r->s, "portal", T.gl, "logout", &octx) == 0 ? DONE : FAILED;
}

/* The two services that write inside their caller's transaction: the transaction is
 * the caller's (here), the fault may hit the service's calls or the commit. */
static enum answer
op_audit_append(struct run *r)
{
	struct audit_event ev = { .actor = "7", .actor_role = "helpdesk", .object = "person:3",
	    .action = "test.event", .details = "{\"n\":1}", .source = "127.0.0.1" };
	struct store_tx *tx;

	if (store_begin(r->s, STORE_WRITE, &tx) != 0)
		return FAILED;
	if (audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return FAILED;
	}
	return store_commit(&tx) == 0 ? DONE : FAILED;
}

static enum answer
op_mail_queue(struct run *r)
{
	const char *args[] = { "EX-AAAA-BBBB", "Société" };
	struct store_tx *tx;

	if (store_begin(r->s, STORE_WRITE, &tx) != 0)
		return FAILED;
	if (mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "a@example.be", "fr", NULL, args, 2) != 0) {
		store_rollback(&tx);
		return FAILED;
	}
	return store_commit(&tx) == 0 ? DONE : FAILED;
}

/* ---- more of access/ ---- */

static enum answer
op_hierarchy_cogap_add(struct run *r)
{
	struct actor w = access_who(T.gap);
	struct access_errors err = { 0 };

	/* The /acces form: no name asked. */
	return access_answer(hierarchy_cogap_add(r->s, NULL, &w, T.org, &(struct cogap_input){
	    .niss = "80010100701", .email = "sophie@org.example" }, &err));
}

static enum answer
op_org_update(struct run *r)
{
	struct actor w = access_who(T.gap);
	struct access_errors err = { 0 };

	return access_answer(hierarchy_org_update(r->s, &w, T.org, "nouveau@example.be",
	    "02 222 22 22", &err));
}

static enum answer
op_quality_set_email(struct run *r)
{
	struct actor w = access_who(T.gap);
	struct access_errors err = { 0 };

	return access_answer(quality_set_email(r->s, &w, T.org, T.quality,
	    "nouvelle@example.be", &err));
}

static enum answer
op_user_suspend(struct run *r)
{
	struct actor w = access_who(T.gap);
	struct access_errors err = { 0 };

	return access_answer(account_set_status(r->s, &w, T.org, T.quality, T.user_account,
	    T.user_version, true, &err));
}

static enum answer
op_user_remove(struct run *r)
{
	struct actor w = access_who(T.gap);
	struct access_errors err = { 0 };
	size_t removed = 0;
	enum access_rc rc = account_remove(r->s, &w, T.org, T.quality, &T.user_account, 1,
	    &removed, &err);

	return rc == ACCESS_OK && removed != 1 ? OTHER : access_answer(rc);
}

static enum answer
op_catalogue_quality(struct run *r)
{
	struct catalogue_quality q = {
		.code = "pharmacy", .domain = "health",
		.names = { "Pharmacie", "Apotheek", "Apotheke", "Pharmacy" }, .sort = 45,
	};
	char err[256];

	return status_answer(catalogue_add_quality(r->s, &(struct actor){ 0 }, &q, err, sizeof(err)));
}

static enum answer
op_catalogue_app(struct run *r)
{
	struct catalogue_app a = {
		.code = "HEALTH_PORTAL", .quality = "health_related",
		.names = { "Portail", "Portaal", "Portal", "Portal" },
		.descriptions = { "Décrit", "Beschreven", "Beschrieben", "Described" },
		.min_level = 2, .sort = 10,
	};
	char err[256];

	return status_answer(catalogue_add_application(r->s, &(struct actor){ 0 }, &a, err, sizeof(err)));
}

/* ---- more of auth/ ---- */

static enum answer
op_change_password(struct run *r)
{
	struct account_password_change c = {
		.by = { .person_id = T.user, .source = "127.0.0.1", .request_id = "0123456789abcdef" },
		.current = PASSWORD, .fresh = "Un-autre-mot-de-passe-solide", .pwcfg = &T.pw,
	};
	enum account_result res = account_change_password(r->s, &c);

	return res == ACCOUNT_OK ? DONE : res == ACCOUNT_ERROR ? FAILED : OTHER;
}

static enum answer
op_record_capacity(struct run *r)
{
	return account_record_capacity(r->s, &(struct actor){ .person_id = T.user,
	    .source = "127.0.0.1" }, "citizen") == 0 ?
	    DONE : FAILED;
}

static int
prepare_session(struct run *r)
{
	return op_session_create(r) == DONE ? 0 : -1;
}

static enum answer
op_session_rotate(struct run *r)
{
	struct session_rec rec = { .csrf = "d", .lang = "fr", .person_id = T.user,
	    .auth_method = "password", .auth_level = 1, .auth_time = 1900000001,
	    .created_at = 1900000000, .seen_at = 1900000001 };
	unsigned char old[32], fresh[32];

	/* The session prepare made (0x40): a failed rotation leaves it, the retry rotates it. */
	memset(old, 0x40, sizeof(old));
	memset(fresh, 0x60, sizeof(fresh));
	return session_rotate(r->s, old, fresh, &rec) == 0 ? DONE : FAILED;
}

static enum answer
op_session_destroy(struct run *r)
{
	unsigned char h[32];

	memset(h, 0x40, sizeof(h));
	return session_destroy(r->s, h) == 0 ? DONE : FAILED;
}

static int
prepare_activation(struct run *r)
{
	int64_t expires;

	return activation_issue(r->s, &(struct actor){ .person_id = 7, .role = "helpdesk" },
	    T.stranger, r->activation, &expires) == 0 ? 0 : -1;
}

static enum answer
op_activation_redeem(struct run *r)
{
	struct activation_attempt a = {
		.code = r->activation, .username = "sophie.martin", .password = PASSWORD,
		.by = { .source = "127.0.0.1", .request_id = "0123456789abcdef" },
		.pwcfg = &T.pw,
	};
	enum activation_result res = activation_redeem(r->s, &a);

	return res == ACTIVATION_OK ? DONE : res == ACTIVATION_ERROR ? FAILED : OTHER;
}

static enum answer
op_totp_enrol_begin(struct run *r)
{
	unsigned char key[TOTP_KEY_BYTES];

	return totp_enrol_begin(r->s, &(struct actor){ .person_id = T.user, .source = "127.0.0.1" }, 1900000000, key) == 0 ?
	    DONE : FAILED;
}

/* A key waiting for its first code. */
static int
prepare_totp(struct run *r)
{
	r->now = (int64_t)time(NULL);
	return totp_enrol_begin(r->s, &(struct actor){ .person_id = T.user, .source = "127.0.0.1" }, r->now, r->key);
}

static enum answer
op_totp_enrol_confirm(struct run *r)
{
	char code[9];
	enum totp_result res;

	if (totp_code(r->key, sizeof(r->key), r->now, TOTP_DIGITS, code) != 0)
		return OTHER;
	res = totp_enrol_confirm(r->s, &(struct actor){ .person_id = T.user, .source = "127.0.0.1" }, code, r->now);
	return res == TOTP_OK ? DONE : res == TOTP_ERROR ? FAILED : OTHER;
}

/* An app enrolled. */
static int
prepare_totp_active(struct run *r)
{
	if (prepare_totp(r) != 0)
		return -1;
	return op_totp_enrol_confirm(r) == DONE ? 0 : -1;
}

static enum answer
op_totp_remove(struct run *r)
{
	int rc = totp_remove(r->s, &(struct actor){ .person_id = T.user, .source = "127.0.0.1" });

	return rc == 0 ? DONE : rc == -1 ? FAILED : OTHER;
}

static enum answer
op_tokencard_issue(struct run *r)
{
	int rc = tokencard_issue(r->s, &T.pw, &(struct actor){ .person_id = T.user, .source = "127.0.0.1" },
	    &r->card);

	return rc == 0 ? DONE : FAILED;
}

static int
prepare_tokencard(struct run *r)
{
	r->now = (int64_t)time(NULL);
	return op_tokencard_issue(r) == DONE ? 0 : -1;
}

static enum answer
op_tokencard_activate(struct run *r)
{
	enum tokencard_result res = tokencard_activate(r->s,
	    &(struct actor){ .person_id = T.user, .source = "127.0.0.1" },
	    r->card.codes[r->card.confirm_position - 1], r->now);

	return res == TOKENCARD_OK ? DONE : res == TOKENCARD_ERROR ? FAILED : OTHER;
}

/* ---- more of csam/ and oidc/ ---- */

static int
prepare_cogap(struct run *r)
{
	return op_cogap_add(r) == DONE ? 0 : -1;
}

static enum answer
op_cogap_remove(struct run *r)
{
	struct actor w = access_who(P_ANNE);
	struct access_errors err;

	return access_answer(hierarchy_cogap_remove(r->s, &w, T.e1_org, P_BRUNO, &err));
}

/* A code redeemed: r->refresh holds the refresh token. */
static int
prepare_refresh(struct run *r)
{
	struct oidc_issued out;
	enum oidc_refusal why;

	if (prepare_code(r) != 0 || oidc_code_redeem(r->batch, r->a, &r->client, r->code, REDIRECT,
	    NULL, &octx, &out, &why) != 0)
		return -1;
	r->refresh = out.refresh;
	return 0;
}

static enum answer
op_refresh(struct run *r)
{
	struct oidc_issued out;
	enum oidc_refusal why;

	return status_answer(oidc_refresh(r->batch, r->a, &r->client, r->refresh, &octx, &out,
	    &why));
}

static enum answer
op_client_rotate(struct run *r)
{
	char secret[OIDC_SECRET_LEN + 1];

	return status_answer(oidc_client_rotate_secret(r->s, "portal", "test", secret));
}

static enum answer
op_client_remove(struct run *r)
{
	return status_answer(oidc_client_remove(r->s, "portal", "test"));
}

static enum answer
op_request_save(struct run *r)
{
	struct oidc_request q = {
		.client_id = "portal", .redirect_uri = REDIRECT, .scope = "openid",
		.max_age = -1, .level = 1, .created_at = (int64_t)time(NULL),
	};
	char id[OIDC_TOKEN_LEN + 1];

	return status_answer(oidc_request_save(r->s, &q, id));
}

static enum answer
op_keys_rotate(struct run *r)
{
	char kid[JWS_ALGS][JWS_KID_MAX];

	return status_answer(oidc_keys_rotate(r->s, "test", kid));
}

static enum answer
op_audit_refusal(struct run *r)
{
	return status_answer(oidc_audit_refusal(r->s, "token", "portal", T.gl, "expired", &octx));
}

static const struct op ops[] = {
	{ "person_create", NULL, op_person_create },
	{ "person_set_password", NULL, op_set_password },
	{ "login_password (failure)", NULL, op_login_failure },
	{ "login_password (success)", NULL, op_login_success },
	{ "login_record_logout", NULL, op_logout },
	{ "session_create", NULL, op_session_create },
	{ "activation_issue", NULL, op_activation_issue },
	{ "account_create", NULL, op_user_create },
	{ "quality_activate", NULL, op_quality_activate },
	{ "cogap_add_named", NULL, op_cogap_add },
	{ "csam_designate", NULL, op_gap_designate },
	{ "oidc_client_add", NULL, op_client_add },
	{ "oidc_code_issue", NULL, op_code_issue },
	{ "oidc_code_redeem", prepare_code, op_code_redeem },
	{ "oidc_grants_revoke", prepare_code, op_grants_revoke },
	{ "audit_append", NULL, op_audit_append },
	{ "mail_queue", NULL, op_mail_queue },
	{ "hierarchy_cogap_add", NULL, op_hierarchy_cogap_add },
	{ "hierarchy_org_update", NULL, op_org_update },
	{ "quality_set_email", NULL, op_quality_set_email },
	{ "account_set_status", NULL, op_user_suspend },
	{ "account_remove", NULL, op_user_remove },
	{ "catalogue_add_quality", NULL, op_catalogue_quality },
	{ "catalogue_add_application", NULL, op_catalogue_app },
	{ "account_change_password", NULL, op_change_password },
	{ "account_record_capacity", NULL, op_record_capacity },
	{ "session_rotate", prepare_session, op_session_rotate },
	{ "session_destroy", prepare_session, op_session_destroy },
	{ "activation_redeem", prepare_activation, op_activation_redeem },
	{ "totp_enrol_begin", NULL, op_totp_enrol_begin },
	{ "totp_enrol_confirm", prepare_totp, op_totp_enrol_confirm },
	{ "totp_remove", prepare_totp_active, op_totp_remove },
	{ "tokencard_issue", NULL, op_tokencard_issue },
	{ "tokencard_activate", prepare_tokencard, op_tokencard_activate },
	{ "cogap_remove_e1", prepare_cogap, op_cogap_remove },
	{ "oidc_refresh", prepare_refresh, op_refresh },
	{ "oidc_client_rotate_secret", NULL, op_client_rotate },
	{ "oidc_client_remove", prepare_code, op_client_remove },
	{ "oidc_request_save", NULL, op_request_save },
	{ "oidc_keys_rotate", NULL, op_keys_rotate },
	{ "oidc_audit_refusal", NULL, op_audit_refusal },
};

/* ---- the template ---- */

/* A person made by person_create, who must get the id want; 0 or -1. */
static int
seed_person(int64_t want, const char *niss, const char *last,
    const char *first, const char *lang, const char *email)
{
	struct person p = { .niss = niss, .last_name = last, .first_name = first,
	    .language = lang, .email = email };

	return person_create(T.fx.s, &(struct actor){ .name = "system" }, &p) == 0 &&
	    p.id == want ? 0 : -1;
}

static int64_t
make_person(const char *niss, const char *last, const char *first)
{
	int64_t id = store_fixture_person(T.fx.s, niss, last, first, "fr", "system");

	assert_true(id > 0);
	return id;
}

static int64_t
template_int(const char *sql)
{
	int64_t n = store_fixture_count(&T.fx, sql);

	assert_true(n > 0);
	return n;
}

/* Marie Janssens (with a password) also a user of the health quality, with MEDSEIP. */
static void
template_user_account(void)
{
	static const char *const apps[] = { "MEDSEIP" };
	struct actor w = access_who(T.gap);
	struct user_input in = {
		.niss = "80010100305", .username = "marie.janssens", .last_name = "Janssens",
		.first_name = "Marie", .data.title = "Mme", .data.language = "fr",
		.data.email = "marie@example.be", .type = "USER", .apps = apps, .napps = 1,
	};
	struct access_errors err = { 0 };
	char sql[128];

	assert_int_equal(account_create(T.fx.s, &w, T.org, T.quality, &in, &err,
	    &T.user_account), ACCESS_OK);
	snprintf(sql, sizeof(sql), "SELECT version FROM account WHERE id = %" PRId64,
	    T.user_account);
	T.user_version = template_int(sql);
}

/* The access organisation with its health quality (local manager Lukas Schmitz, with
 * MEDSEIP and SADM), a user with a password, the OIDC client "portal" for MEDSEIP, and
 * enterprise E1 registered through the standard procedure by Anne (person 1). */
static void
template_seed(void)
{
	static const char *const apps[] = { "MEDSEIP", "SADM" };
	const char *redirect[] = { REDIRECT };
	struct org_new n = {
		.enterprise = "0552627113", .country = "BE", .name = "Pharma Test SA",
		.contact_email = "contact@example.be", .contact_phone = "02 511 51 51",
		.procedure = "standard",
	};
	struct actor by = { .person_id = 0, .role = "legal_rep" };
	struct oidc_client_new c = {
		.id = "portal", .application = "MEDSEIP", .scopes = "openid profile",
		.redirect = redirect, .n_redirect = 1,
	};
	struct actor w;
	struct activation_input in = {
		.quality = "health_related", .email = "qualite@example.be", .mode = "gl",
		.niss = "90022800193",
		.gl = { .username = "lukas.schmitz", .last_name = "Schmitz", .first_name = "Lukas",
		    .data.title = "M.", .data.language = "de", .data.email = "lukas.schmitz@example.be",
		    .data.local_email = "", .apps = apps, .napps = 2 },
	};
	struct access_errors err = { 0 };
	struct store_tx *tx;
	char secret[OIDC_SECRET_LEN + 1], msg[256];
	int rc = -1;

	assert_int_equal(store_fixture_kbo(&T.fx, kbo_enterprises, kbo_denominations, NULL), 0);
	assert_int_equal(store_fixture_registry(&T.fx, false, reg_persons), 0);
	assert_int_equal(store_fixture_registry(&T.fx, true, reg_functions), 0);
	assert_int_equal(seed_person(P_ANNE, "80010100107", "Alpha", "Anne", "fr",
	    "anne@alpha.example"), 0);
	assert_int_equal(seed_person(P_BRUNO, "80010100206", "Bravo", "Bruno",
	    "nl", NULL), 0);
	T.gap = make_person("17073003384", "Dubois", "Claire");
	T.gl = make_person("90022800193", "Schmitz", "Lukas");
	T.user = make_person("80010100305", "Janssens", "Marie");
	T.stranger = make_person("80010100701", "Martin", "Sophie");
	by.person_id = T.gap;
	assert_int_equal(store_begin(T.fx.s, STORE_WRITE, &tx), 0);
	T.org = org_create(tx, &n, T.gap, &by);
	assert_true(T.org > 0);
	assert_int_equal(store_commit(&tx), 0);
	w = access_who(T.gap);
	assert_int_equal(quality_activate(T.fx.s, &w, T.org, &in, &err, &T.quality, NULL),
	    ACCESS_OK);
	T.gl_account = template_int("SELECT a.id FROM account a JOIN person p ON "
	    "p.id = a.person_id WHERE p.niss = '90022800193'");
	assert_int_equal(person_set_password(T.fx.s, &T.pw, &(struct actor){ .person_id = T.user },
	    T.user, "marie.janssens", PASSWORD, &rc), PASSWORD_OK);
	assert_int_equal(rc, 0);
	assert_int_equal(oidc_client_add(T.fx.s, &c, "test", secret, msg, sizeof(msg)), 0);
	template_user_account();
	assert_int_equal(designate(T.fx.s, E1, "0123456789abcdef0123456789abcdef"), ACCESS_OK);
	T.e1_org = template_int("SELECT id FROM organisation WHERE enterprise = '" E1 "'");
}

static int
group_setup(void **state)
{
	(void)state;
	const char *db = NULL;

	if (store_fixture_open(&T.fx, "faults", 2) != 0)
		return -1;
	template_seed();
	/* Closed, the template is one file (the last connection checkpoints the WAL); on
	 * PostgreSQL, a database nobody is connected to, which CREATE DATABASE can copy. */
	store_close(T.fx.s);
	T.fx.s = NULL;
	T.pg = getenv("PORTIER_TEST_PG") != NULL && getenv("PORTIER_TEST_PG")[0] != '\0' ?
	    getenv("PORTIER_TEST_PG") : NULL;
	if (T.pg == NULL) {
		snprintf(T.run_path, sizeof(T.run_path), "%s/run.db", T.fx.dir);
		return 0;
	}
	/* The fixture's database is the last dbname= of its connection string. */
	for (const char *at = strstr(T.fx.path, " dbname="); at != NULL;
	    at = strstr(at + 1, " dbname="))
		db = at;
	if (db == NULL || strchr(db + 1, ' ') != NULL ||
	    snprintf(T.tmpl_db, sizeof(T.tmpl_db), "%s", db + 8) >= (int)sizeof(T.tmpl_db))
		return -1;
	snprintf(T.run_path, sizeof(T.run_path), "%s", T.fx.path);
	template_save();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	PQfinish(T.admin);
	buf_free(&T.restore);
	return store_fixture_close(&T.fx);
}

static void
every_operation_every_fault(void **state)
{
	(void)state;
	fault_points = 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		check_op(&ops[i]);
	print_message("%zu operations, %ld fault points\n", sizeof(ops) / sizeof(ops[0]),
	    fault_points);
}

/* ---- the migrations ---- */

struct migrate_job {
	struct store *s;
	int rc;
	char err[512];
};

static void *
migrate_main(void *arg)
{
	struct migrate_job *j = arg;

	j->rc = store_migrate(j->s, T.pg != NULL ? "migrations/pg" : "migrations", j->err,
	    sizeof(j->err));
	return NULL;
}

/* store_migrate on s, given a minute: a transaction left open by an earlier failure holds
 * the one connection and the writer lock, and this one would wait for ever. Returns its
 * result, or fails the test. */
static int
migrate_within(struct store *s)
{
	struct migrate_job j = { .s = s, .rc = -1 };
	struct timespec until;
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, migrate_main, &j), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	if (pthread_timedjoin_np(t, NULL, &until) != 0)
		fail_msg("store_migrate waited a minute: the failed transaction was not ended");
	return j.rc;
}

/* A fresh database with one connection, migrated with call k failing (0: none). */
static int
migrate_once(const char *path, long k, long *calls, int *version)
{
	struct store *s;
	char err[256], side[200];
	int rc;

	if (store_is_pg(path)) {
		snprintf(side, sizeof(side), "%s_migrate", T.tmpl_db);
		pg_fresh(side);
	} else {
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	assert_int_equal(store_open(path, 1, &s, err, sizeof(err)), 0);
	store_fault_after(s, k, STORE_FAULT_ALL);
	rc = migrate_within(s);
	*calls = store_fault_calls(s);
	store_fault_off(s);
	if (k > 0) {
		if (rc != -1)
			fail_msg("migrations with call %ld failing: %d, not -1", k, rc);
		/* Then, without the fault, everything is applied. */
		rc = migrate_within(s);
	}
	*version = store_schema_version(s);
	store_close(s);
	return rc;
}

/* The first CREATE failing used to leave its transaction open, with the writer lock and
 * the connection; any call of the migrations failing must now end in -1, and a second
 * store_migrate on the same store apply what is left. */
static void
migrations_under_faults(void **state)
{
	char path[600];
	long n, calls;
	int version, v;

	(void)state;
	if (T.pg != NULL)
		snprintf(path, sizeof(path), "%s dbname=%s_migrate", T.pg, T.tmpl_db);
	else
		snprintf(path, sizeof(path), "%s/migrate.db", T.fx.dir);
	assert_true(migrate_once(path, 0, &n, &version) > 0);
	assert_true(version > 0);
	for (long k = 1; k <= n; k++) {
		assert_true(migrate_once(path, k, &calls, &v) >= 0);
		assert_int_equal(v, version);
	}
	print_message("store_migrate               %3ld store calls, each failed once\n", n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_under_faults),
		cmocka_unit_test(every_operation_every_fault),
	};

	if (sodium_init() < 0)
		return 1;
	password_cfg_init(&T.pw, 1, 8);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
