/* test_audit.c — the store (migrations, transactions, bound parameters) and the audit
 * chain: intact, edited, missing in the middle, cut at the end, appended in rollback; its
 * signed checkpoints: the line and the signature, when one is due, one per position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/checkpoint.h"
#include "audit/sql.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

static const struct store_fixture_spec spec = { "audit", 2 };

static void
append(struct store *s, int n)
{
	for (int i = 0; i < n; i++) {
		struct store_tx *tx;
		char obj[32];
		struct audit_event ev = {
			.actor = "42", .actor_role = "GAP", .org = "0552627113", .object = obj,
			.action = "user.add", .details = "{\"b\":2,\"a\":[1,\"x\"]}",
			.source = "127.0.0.1", .request_id = "00ff00ff00ff00ff",
		};

		snprintf(obj, sizeof(obj), "user:%d", i);
		assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
		assert_int_equal(audit_append(tx, &ev), 0);
		assert_int_equal(store_commit(&tx), 0);
	}
}

/* Runs sql on a connection of its own (SQLite or PostgreSQL), as a person holding the
 * database would; 0 when it ran, -1 when the database refused it. */
static int
raw_sql(struct store_fixture *f, const char *sql)
{
	int rc = -1;

	if (store_is_pg(f->path)) {
		PGconn *pg = PQconnectdb(f->path);
		PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;

		if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK))
			rc = 0;
		PQclear(res);
		PQfinish(pg);
	} else {
		sqlite3 *db = NULL;

		if (sqlite3_open(f->path, &db) == SQLITE_OK &&
		    sqlite3_busy_timeout(db, 30000) == SQLITE_OK &&
		    sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
			rc = 0;
		sqlite3_close(db);
	}
	return rc;
}

/* Runs sql as a person holding the database would, the triggers that forbid changing the
 * trail dropped first. */
static void
tamper(struct store_fixture *f, const char *sql)
{
	char all[1024];
	const char *on = store_is_pg(f->path) ? " ON audit_event" : "";

	snprintf(all, sizeof(all), "DROP TRIGGER IF EXISTS audit_event_no_update%s; "
	    "DROP TRIGGER IF EXISTS audit_event_no_delete%s; %s", on, on, sql);
	assert_int_equal(raw_sql(f, all), 0);
}

static void
migrations_recorded(void **state)
{
	struct store_fixture *f = *state;
	char err[256];

	assert_true(store_schema_version(f->s) >= 1);
	/* Applying again applies nothing. */
	assert_int_equal(store_migrate(f->s, store_is_pg(f->path) ? "migrations/pg" : "migrations",
	    err, sizeof(err)), 0);
	assert_int_equal(store_migrate(f->s, "/nonexistent", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent"));
}

static void
chain_intact(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 0);
	append(f->s, 5);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 5);
	assert_int_equal(r.first_bad, 0);
}

static void
append_only_in_sql(void **state)
{
	struct store_fixture *f = *state;

	append(f->s, 1);
	/* The triggers refuse both, on either backend; a SELECT goes through (the check
	 * itself can pass). */
	assert_int_equal(raw_sql(f, "SELECT count(*) FROM audit_event"), 0);
	assert_int_equal(raw_sql(f, "UPDATE audit_event SET action='x'"), -1);
	assert_int_equal(raw_sql(f, "DELETE FROM audit_event"), -1);
}

static void
edited_event_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 6);
	tamper(f, "UPDATE audit_event SET actor='43' WHERE seq=4");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 4);
	assert_non_null(strstr(r.reason, "changed"));
}

static void
details_edit_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 3);
	tamper(f, "UPDATE audit_event SET details='{\"a\":[1,\"y\"],\"b\":2}' WHERE seq=2");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 2);
}

static void
recomputed_hash_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	/* Someone rewrites event 2 and its hash: event 3 no longer points to it. */
	append(f->s, 4);
	/* (Two other first digits: a hash that began with "ab" was left unchanged before,
	 * once in 256 runs.) */
	tamper(f, "UPDATE audit_event SET hash = CASE WHEN substr(hash, 1, 2) = 'ab' "
	    "THEN 'cd' ELSE 'ab' END || substr(hash, 3) WHERE seq=2");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 2);
}

static void
missing_event_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 5);
	tamper(f, "DELETE FROM audit_event WHERE seq=3");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 3);
	assert_non_null(strstr(r.reason, "missing"));
}

static void
cut_end_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 5);
	tamper(f, "DELETE FROM audit_event WHERE seq=5");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 5);
}

static void
rolled_back_event_absent(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;
	struct store_tx *tx;
	struct audit_event ev = { .action = "quality.activate" };

	append(f->s, 2);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(audit_append(tx, &ev), 0);
	store_rollback(&tx);
	append(f->s, 1);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 3);
}

/* Appends an event of object user:<n> in tx. */
static void
append_in(struct store_tx *tx, int n)
{
	char obj[32];
	struct audit_event ev = {
		.actor = "42", .object = obj, .action = "user.add", .details = "{\"n\":1}",
	};

	snprintf(obj, sizeof(obj), "user:%d", n);
	assert_int_equal(audit_append(tx, &ev), 0);
}

/* The recorded head ("audit.head") is the last event's "seq:hash". */
static void
head_is_last(struct store_fixture *f, int64_t seq)
{
	struct store_tx *tx;
	struct store_q *q;
	char head[96], want[96];

	assert_int_equal(store_fixture_setting(f->s, "audit.head", head, sizeof(head)), 1);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, SQL_AUDIT_LAST, &q, ""), 0);
	assert_int_equal(store_next(q), 1);
	assert_int_equal(store_int(q, AUDIT_LAST_SEQ), seq);
	snprintf(want, sizeof(want), "%lld:%s", (long long)seq, store_text(q, AUDIT_LAST_HASH));
	store_done(q);
	store_rollback(&tx);
	assert_string_equal(head, want);
}

/* Several events in one transaction read the chain's head once and write it once, at the
 * commit: 8 events cost 10 statements (3 each, 24, before the head was carried). */
static void
one_head_per_transaction(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	struct audit_report r;

	append(f->s, 2);
	store_fault_after(f->s, 0, STORE_FAULT_PREPARE);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	for (int i = 0; i < 8; i++)
		append_in(tx, i);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_fault_calls(f->s), 1 + 8 + 1);
	store_fault_off(f->s);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 10);
	head_is_last(f, 10);
}

/* Events, a rollback to a savepoint that undoes some, then more: the chain the commit
 * leaves verifies and its recorded head is its last event; also when nothing is appended
 * after the rollback (the head is then read again at the commit), and when the rollback
 * undoes every append of the transaction. */
static void
savepoint_rollback_between_appends(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	struct audit_report r;

	append(f->s, 1);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	append_in(tx, 1);
	append_in(tx, 2);
	assert_int_equal(store_savepoint(tx), 0);
	append_in(tx, 3);
	append_in(tx, 4);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	append_in(tx, 5);
	assert_int_equal(store_savepoint(tx), 0);
	append_in(tx, 6);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 5);
	head_is_last(f, 5);

	/* Nothing after the rollback: the head is the last event kept. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	append_in(tx, 7);
	assert_int_equal(store_savepoint(tx), 0);
	append_in(tx, 8);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 6);
	head_is_last(f, 6);

	/* Every append undone. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_savepoint(tx), 0);
	append_in(tx, 9);
	append_in(tx, 10);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 6);
	head_is_last(f, 6);
	append(f->s, 1);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	head_is_last(f, 7);
}

/* audit_each's visitor: the details of every event, in order. */
struct seen {
	char *details[32];
	int n;
};

static int
see(void *ctx, int64_t seq, const char *at, const struct audit_event *ev)
{
	struct seen *s = ctx;

	(void)seq;
	(void)at;
	assert_true(s->n < 32);
	s->details[s->n] = strdup(ev->details);
	assert_non_null(s->details[s->n]);
	s->n++;
	return 0;
}

/* Details given as an object (audit_append_json) are recorded as the very text
 * audit_append makes of the same object given as its compact text (json_text's), so the
 * chain hashes alike: escapes, non-ASCII, nested values, numbers, a text longer than the
 * stack buffer. Not an object, too long, no action: refused. */
static void
details_as_object(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	struct audit_report r;
	struct seen seen = { 0 };
	struct audit_event ev = { .actor = "m", .action = "oidc.machine.token.issued" };
	char *big = malloc(3001), *huge = malloc(17001);
	json_t *objs[6], *arr = json_array(), *too_long;
	int n = 0;

	assert_non_null(big);
	assert_non_null(huge);
	memset(big, 'b', 3000);
	big[3000] = '\0';
	memset(huge, 'h', 17000);
	huge[17000] = '\0';
	objs[n++] = json_pack("{s:s, s:s, s:s, s:b}", "method", "tls_client_auth", "quality",
	    "EA", "scope", "a b", "bound", 1);
	objs[n++] = json_pack("{s:s, s:s}", "z", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    "a", "q\"b\\s/\n\t\x01");
	objs[n++] = json_pack("{s:{s:[i, f, I, n, b]}, s:s}", "z", "b", 1, 2.5,
	    (json_int_t)9007199254740993LL, 0, "a", "x");
	objs[n++] = json_pack("{s:f, s:f}", "tenth", 0.1, "big", 1e300);
	objs[n++] = json_pack("{s:s}", "long", big);
	objs[n++] = json_object();
	too_long = json_pack("{s:s}", "x", huge);
	for (int i = 0; i < n; i++)
		assert_non_null(objs[i]);
	assert_non_null(too_long);

	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	for (int i = 0; i < n; i++) {
		char *text = json_dumps(objs[i], JSON_COMPACT);

		assert_non_null(text);
		ev.details = text;
		assert_int_equal(audit_append(tx, &ev), 0);
		ev.details = "{\"not\":\"read\"}";
		assert_int_equal(audit_append_json(tx, &ev, objs[i]), 0);
		free(text);
	}
	assert_int_equal(audit_append_json(tx, &ev, arr), -1);
	assert_int_equal(audit_append_json(tx, &ev, NULL), -1);
	assert_int_equal(audit_append_json(tx, &ev, too_long), -1);
	ev.action = NULL;
	assert_int_equal(audit_append_json(tx, &ev, objs[0]), -1);
	assert_int_equal(store_commit(&tx), 0);

	assert_int_equal(audit_each(f->s, see, &seen), 0);
	assert_int_equal(seen.n, 2 * n);
	for (int i = 0; i < n; i++)
		assert_string_equal(seen.details[2 * i], seen.details[2 * i + 1]);
	assert_string_equal(seen.details[0],
	    "{\"bound\":true,\"method\":\"tls_client_auth\",\"quality\":\"EA\",\"scope\":\"a b\"}");
	assert_string_equal(seen.details[2],
	    "{\"a\":\"q\\\"b\\\\s/\\n\\t\\u0001\",\"z\":\"\\u00E9\\u20AC\\uD83D\\uDE00\"}");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 2 * n);
	head_is_last(f, 2 * n);
	for (int i = 0; i < seen.n; i++)
		free(seen.details[i]);
	for (int i = 0; i < n; i++)
		json_decref(objs[i]);
	json_decref(arr);
	json_decref(too_long);
	free(big);
	free(huge);
}

static void
bad_details_refused(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	struct audit_event ev = { .action = "x", .details = "[1,2]" };
	struct audit_event ev2 = { .action = "x", .details = "{\"a\":1,\"a\":2}" };
	struct audit_event ev3 = { .action = NULL };

	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(audit_append(tx, &ev), -1);
	assert_int_equal(audit_append(tx, &ev2), -1);
	assert_int_equal(audit_append(tx, &ev3), -1);
	store_rollback(&tx);
}

/* A key made in the fixture's folder. */
static void
make_key(struct store_fixture *f, const char *name, struct audit_cp_key *k)
{
	char path[200], err[300];

	snprintf(path, sizeof(path), "%s/%s.key", f->dir, name);
	assert_int_equal(audit_cp_keygen(path, NULL, k, err, sizeof(err)), 0);
}

static void
checkpoint_signature_and_line(void **state)
{
	struct store_fixture *f = *state;
	struct audit_cp_key k, other, loaded;
	struct audit_cp cp = { .seq = 12, .made_at = 1700000000 }, back, changed;
	char line[AUDIT_CP_LINE_MAX], path[200], err[300];

	make_key(f, "k", &k);
	make_key(f, "other", &other);
	memset(cp.hash, 'a', AUDIT_CP_HASH_HEX - 1);
	assert_int_equal(audit_cp_sign(&k, &cp), 0);
	assert_true(audit_cp_valid(&k, &cp));
	assert_false(audit_cp_valid(&other, &cp));
	/* Every signed field counts. */
	changed = cp;
	changed.seq = 13;
	assert_false(audit_cp_valid(&k, &changed));
	changed = cp;
	changed.made_at++;
	assert_false(audit_cp_valid(&k, &changed));
	changed = cp;
	changed.hash[63] = 'b';
	assert_false(audit_cp_valid(&k, &changed));
	/* The line goes and comes back whole. */
	audit_cp_line(&cp, line);
	assert_int_equal(audit_cp_parse(line, &back), 0);
	assert_int_equal(back.seq, 12);
	assert_int_equal(back.made_at, 1700000000);
	assert_true(audit_cp_valid(&k, &back));
	assert_int_equal(audit_cp_parse("cp1 0 aaaa 1 00", &back), -1);
	assert_int_equal(audit_cp_parse("", &back), -1);
	line[10] = 'X';
	assert_int_equal(audit_cp_parse(line, &back), -1);
	/* The secret file reloads (the same key); a public one verifies only. */
	snprintf(path, sizeof(path), "%s/k.key", f->dir);
	assert_int_equal(audit_cp_key_load(path, &loaded, err, sizeof(err)), 0);
	assert_true(loaded.secret);
	assert_memory_equal(loaded.pk, k.pk, sizeof(k.pk));
	/* The same file is never made twice. */
	assert_int_equal(audit_cp_keygen(path, NULL, &loaded, err, sizeof(err)), -1);
}

/* Checkpoints of the chain (a hash changed, one past the end) as audit verify gives them. */
static void
verify_against_checkpoints(void **state)
{
	struct store_fixture *f = *state;
	struct audit_cp_key k;
	struct audit_cp_config c = { .key = &k, .every = 2, .seconds = 3600 };
	struct audit_cp_list l = { 0 };
	struct audit_report r;
	char err[300];

	make_key(f, "k", &k);
	append(f->s, 2);
	assert_int_equal(audit_checkpoint(f->s, &c, 1000, false, NULL, err, sizeof(err)), 1);
	append(f->s, 2);
	assert_int_equal(audit_checkpoint(f->s, &c, 1001, false, NULL, err, sizeof(err)), 1);
	append(f->s, 1);
	assert_int_equal(audit_cp_read_db(f->s, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(audit_verify_against(f->s, test_arena(), l.v, l.n, &r), 0);
	assert_int_equal(r.checked, 2);
	assert_int_equal(r.last_good, 4);
	/* A checkpoint whose hash is not the chain's at its event. */
	l.v[1].hash[0] = l.v[1].hash[0] == '0' ? '1' : '0';
	assert_int_equal(audit_verify_against(f->s, test_arena(), l.v, l.n, &r), 3);
	assert_int_equal(r.first_bad, 3);
	assert_non_null(strstr(r.reason, "between event 3 and event 4"));
	/* One past the chain's end. */
	l.v[1].hash[0] = l.v[0].hash[0];
	l.v[1] = l.v[0];
	l.v[1].seq = 9;
	assert_int_equal(audit_verify_against(f->s, test_arena(), l.v, l.n, &r), 3);
	assert_int_equal(r.first_bad, 3);
	assert_non_null(strstr(r.reason, "ends at event 5"));
	audit_cp_list_free(&l);
}

static void
checkpoint_due_and_file(void **state)
{
	struct store_fixture *f = *state;
	struct audit_cp_key k;
	char file[200], err[300];
	struct audit_cp_config c = { .key = &k, .file = file, .every = 3, .seconds = 60 };
	struct audit_cp made;
	struct audit_cp_list inFile = { 0 }, inDb = { 0 };

	make_key(f, "k", &k);
	snprintf(file, sizeof(file), "%s/checkpoints", f->dir);
	/* Nothing to sign in an empty chain, even forced. */
	assert_int_equal(audit_checkpoint(f->s, &c, 1000, true, NULL, err, sizeof(err)), 0);
	append(f->s, 2);
	/* The first: due at once (no checkpoint yet, made_at 0 is long ago). */
	assert_int_equal(audit_checkpoint(f->s, &c, 1000, false, &made, err, sizeof(err)), 1);
	assert_int_equal(made.seq, 2);
	append(f->s, 2);
	assert_int_equal(audit_checkpoint(f->s, &c, 1010, false, NULL, err, sizeof(err)), 0);
	/* Time makes one due with fewer than `every` events. */
	assert_int_equal(audit_checkpoint(f->s, &c, 1060, false, &made, err, sizeof(err)), 1);
	assert_int_equal(made.seq, 4);
	append(f->s, 3);
	assert_int_equal(audit_checkpoint(f->s, &c, 1061, false, &made, err, sizeof(err)), 1);
	assert_int_equal(made.seq, 7);
	/* No new event: none, forced or not. */
	assert_int_equal(audit_checkpoint(f->s, &c, 9999, true, NULL, err, sizeof(err)), 0);
	/* The file and the table hold the same three, all signed. */
	assert_int_equal(audit_cp_read_file(file, &inFile, err, sizeof(err)), 0);
	assert_int_equal(audit_cp_read_db(f->s, &inDb), 0);
	assert_int_equal(inFile.n, 3);
	assert_int_equal(inDb.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_memory_equal(&inFile.v[i], &inDb.v[i], sizeof(inFile.v[i]));
		assert_true(audit_cp_valid(&k, &inFile.v[i]));
	}
	/* The table is append-only too. */
	assert_int_equal(raw_sql(f, "DELETE FROM audit_checkpoint"), -1);
	assert_int_equal(raw_sql(f, "UPDATE audit_checkpoint SET hash = 'x'"), -1);
	audit_cp_list_free(&inFile);
	audit_cp_list_free(&inDb);
}

struct racer {
	struct store *s;
	const struct audit_cp_config *c;
	int rc;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	char err[300];

	r->rc = audit_checkpoint(r->s, r->c, 5000, true, NULL, err, sizeof(err));
	return NULL;
}

/* Two nodes (threads) checkpoint the same head at once: one checkpoint for the position. */
static void
one_checkpoint_per_position(void **state)
{
	struct store_fixture *f = *state;
	struct audit_cp_key k;
	struct audit_cp_config c = { .key = &k, .every = 1, .seconds = 1 };
	struct racer r[2] = { { f->s, &c, -9 }, { f->s, &c, -9 } };
	pthread_t t[2];
	struct audit_cp_list l = { 0 };

	make_key(f, "k", &k);
	for (int round = 0; round < 5; round++) {
		append(f->s, 1);
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(r[0].rc + r[1].rc, 1);
	}
	assert_int_equal(audit_cp_read_db(f->s, &l), 0);
	assert_int_equal(l.n, 5);
	audit_cp_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(migrations_recorded, &spec),
		STORE_FIXTURE_TEST(chain_intact, &spec),
		STORE_FIXTURE_TEST(append_only_in_sql, &spec),
		STORE_FIXTURE_TEST(edited_event_found, &spec),
		STORE_FIXTURE_TEST(details_edit_found, &spec),
		STORE_FIXTURE_TEST(recomputed_hash_found, &spec),
		STORE_FIXTURE_TEST(missing_event_found, &spec),
		STORE_FIXTURE_TEST(cut_end_found, &spec),
		STORE_FIXTURE_TEST(rolled_back_event_absent, &spec),
		STORE_FIXTURE_TEST(bad_details_refused, &spec),
		STORE_FIXTURE_TEST(one_head_per_transaction, &spec),
		STORE_FIXTURE_TEST(savepoint_rollback_between_appends, &spec),
		STORE_FIXTURE_TEST(details_as_object, &spec),
		STORE_FIXTURE_TEST(checkpoint_signature_and_line, &spec),
		STORE_FIXTURE_TEST(verify_against_checkpoints, &spec),
		STORE_FIXTURE_TEST(checkpoint_due_and_file, &spec),
		STORE_FIXTURE_TEST(one_checkpoint_per_position, &spec),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
