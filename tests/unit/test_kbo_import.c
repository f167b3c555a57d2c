/* test_kbo_import.c — the KBO Open Data import: a synthetic full extract written here as
 * the base, the REAL daily update 147 (tests/data, or $PORTIER_TEST_DATA) applied on
 * top and checked row by row against the files, malformed extracts refused with file:line
 * and nothing changed; the row reader and the value normalisers on their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "be/be.h"
#include "registry/kbo_import.h"
#include "registry/kbo_internal.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store_fixture.h"

#define UPDATE_DIR "kbo-open-data-0147-update"

/* ------------------------------------------------------------------------------------ */
/* An independent CSV reader for the expectations (RFC 4180, as the cookbook describes). */

struct tcsv {
	size_t n;          /* records, header included */
	int *nf;
	char ***f;         /* f[record][field], NUL-terminated */
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static struct tcsv *
tcsv_read(const char *path)
{
	struct tcsv *c = calloc(1, sizeof(*c));
	size_t len, i = 0, cap = 0;
	char *buf = slurp(path, &len);

	assert_non_null(buf);
	while (i < len) {
		char *fields[16], field[4096];
		int nf = 0;
		size_t k = 0;
		int quoted = 0, done = 0;

		while (!done) {
			char ch = i < len ? buf[i] : '\n';

			i++;
			if (quoted) {
				if (ch == '"' && i < len && buf[i] == '"') {
					field[k++] = '"';
					i++;
				} else if (ch == '"') {
					quoted = 0;
				} else {
					field[k++] = ch;
				}
				continue;
			}
			if (ch == '"') {
				quoted = 1;
			} else if (ch == ',' || ch == '\n') {
				field[k] = '\0';
				fields[nf++] = strdup(field);
				k = 0;
				done = ch == '\n';
			} else if (ch != '\r') {
				field[k++] = ch;
			}
			assert_true(k < sizeof(field) - 1 && nf < 16);
		}
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->nf = realloc(c->nf, cap * sizeof(*c->nf));
			c->f = realloc(c->f, cap * sizeof(*c->f));
		}
		c->nf[c->n] = nf;
		c->f[c->n] = malloc((size_t)nf * sizeof(char *));
		memcpy(c->f[c->n], fields, (size_t)nf * sizeof(char *));
		c->n++;
	}
	free(buf);
	return c;
}

static void
tcsv_free(struct tcsv *c)
{
	for (size_t r = 0; r < c->n; r++) {
		for (int k = 0; k < c->nf[r]; k++)
			free(c->f[r][k]);
		free(c->f[r]);
	}
	free(c->nf);
	free(c->f);
	free(c);
}

/* The schema as this test expects it: table, file, columns with their kind
 * ('n' number to 10 digits, 'd' date to ISO, 't' text as is). */
struct ttable {
	const char *table;
	const char *file;          /* base name: file_insert.csv, file_delete.csv */
	const char *key;           /* column the delete file names */
	int n;
	const char *cols[13];
	const char *kinds;
};

static const struct ttable tables[] = {
	{ "kbo_enterprise", "enterprise", "enterprise_number", 7,
	  { "enterprise_number", "status", "juridical_situation", "type_of_enterprise",
	    "juridical_form", "juridical_form_cac", "start_date" }, "ntttttd" },
	{ "kbo_establishment", "establishment", "establishment_number", 3,
	  { "establishment_number", "start_date", "enterprise_number" }, "ndn" },
	{ "kbo_denomination", "denomination", "entity_number", 4,
	  { "entity_number", "language", "type_of_denomination", "denomination" }, "nttt" },
	{ "kbo_address", "address", "entity_number", 13,
	  { "entity_number", "type_of_address", "country_nl", "country_fr", "zipcode",
	    "municipality_nl", "municipality_fr", "street_nl", "street_fr", "house_number",
	    "box", "extra_address_info", "date_striking_off" }, "nttttttttttttd" },
	{ "kbo_contact", "contact", "entity_number", 4,
	  { "entity_number", "entity_contact", "contact_type", "value" }, "nttt" },
	{ "kbo_activity", "activity", "entity_number", 5,
	  { "entity_number", "activity_group", "nace_version", "nace_code", "classification" },
	  "ntttt" },
	{ "kbo_branch", "branch", "id", 3, { "id", "start_date", "enterprise_number" }, "ndn" },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* The stored form of a file value, as the migration documents it; NULL for empty. */
static const char *
expect(const char *v, char kind, char out[32])
{
	size_t k = 0;

	if (v[0] == '\0')
		return NULL;
	if (kind == 'n') {
		for (; *v != '\0' && k < 31; v++)
			if (*v != '.')
				out[k++] = *v;
		out[k] = '\0';
		return out;
	}
	if (kind == 'd') {
		assert_int_equal(strlen(v), 10);
		snprintf(out, 32, "%.4s-%.2s-%.2s", v + 6, v + 3, v);
		return out;
	}
	return v;
}

/* ------------------------------------------------------------------------------------ */
/* Fixture: a fresh database and a scratch folder. */

struct fixture {
	struct store_fixture fx;
	char update[512];          /* the real update extract */
	sqlite3 *raw;              /* a second connection, for checks only (SQLite) */
	PGconn *pg;                /* the same on PostgreSQL (make unit-pg) */
};

static const char *
test_data(void)
{
	const char *d = getenv("PORTIER_TEST_DATA");

	return d != NULL && d[0] != '\0' ? d : "tests/data";
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->update, sizeof(f->update), "%s/%s", test_data(), UPDATE_DIR);
	if (access(f->update, R_OK) != 0) {
		fprintf(stderr, "the real update extract is missing: %s\n", f->update);
		return -1;
	}
	if (store_fixture_open(&f->fx, "kbo", 2) != 0)
		return -1;
	if (store_is_pg(f->fx.path)) {
		f->pg = PQconnectdb(f->fx.path);
		if (PQstatus(f->pg) != CONNECTION_OK) {
			fprintf(stderr, "%s", PQerrorMessage(f->pg));
			return -1;
		}
	} else if (sqlite3_open_v2(f->fx.path, &f->raw, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sqlite3_close(f->raw);
	PQfinish(f->pg);
	if (store_fixture_close(&f->fx) != 0)
		return -1;
	free(f);
	return 0;
}

static int
import(struct fixture *f, const char *path, bool force, char *err, size_t errlen)
{
	struct kbo_import_opts o = { .force = force, .quiet = true };

	return kbo_import(f->fx.s, path, &o, NULL, err, errlen);
}

static void
import_ok(struct fixture *f, const char *path, bool force)
{
	char err[1024] = "";

	if (import(f, path, force, err, sizeof(err)) != 0)
		fail_msg("import of %s failed: %s", path, err);
}

/* The checks' SQL is written for both databases, parameters as $1, $2 …: SQLite reads
 * them as ?1, ?2 (the same numbers). */

/* The rows of a check's query: a SQLite statement stepped, or a PostgreSQL result read. */
struct qrows {
	sqlite3_stmt *st;
	PGresult *res;
	int row;                   /* PostgreSQL: the current row */
};

/* Runs sql with the n texts of params (NULL for NULL) on the check connection. */
static void
rows_open(struct fixture *f, struct qrows *r, const char *sql, int n, const char *const *params)
{
	memset(r, 0, sizeof(*r));
	r->row = -1;
	if (f->pg != NULL) {
		r->res = PQexecParams(f->pg, sql, n, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r->res) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(f->pg));
		return;
	}
	{
		char *lite = strdup(sql);

		assert_non_null(lite);
		for (char *c = lite; *c != '\0'; c++)
			if (c[0] == '$' && c[1] >= '0' && c[1] <= '9')
				c[0] = '?';
		if (sqlite3_prepare_v2(f->raw, lite, -1, &r->st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(f->raw));
		free(lite);
	}
	for (int k = 0; k < n; k++)
		if (params[k] != NULL)
			assert_int_equal(sqlite3_bind_text(r->st, k + 1, params[k], -1,
			    SQLITE_TRANSIENT), SQLITE_OK);
}

/* The next row: true, or false at the end. */
static bool
rows_next(struct qrows *r)
{
	if (r->res != NULL)
		return ++r->row < PQntuples(r->res);
	return sqlite3_step(r->st) == SQLITE_ROW;
}

static int
rows_columns(const struct qrows *r)
{
	return r->res != NULL ? PQnfields(r->res) : sqlite3_column_count(r->st);
}

static const char *
rows_name(const struct qrows *r, int c)
{
	return r->res != NULL ? PQfname(r->res, c) : sqlite3_column_name(r->st, c);
}

/* Column c of the current row as text; NULL for NULL. */
static const char *
rows_text(const struct qrows *r, int c)
{
	if (r->res != NULL)
		return PQgetisnull(r->res, r->row, c) ? NULL : PQgetvalue(r->res, r->row, c);
	return (const char *)sqlite3_column_text(r->st, c);
}

static void
rows_close(struct qrows *r)
{
	PQclear(r->res);
	sqlite3_finalize(r->st);
	memset(r, 0, sizeof(*r));
}

/* Text of a one-value query with n parameters into out ("" for NULL or no row). */
static const char *
q_textn(struct fixture *f, char *out, size_t outlen, const char *sql, int n,
    const char *const *params)
{
	struct qrows r;

	out[0] = '\0';
	rows_open(f, &r, sql, n, params);
	if (rows_next(&r) && rows_text(&r, 0) != NULL)
		snprintf(out, outlen, "%s", rows_text(&r, 0));
	rows_close(&r);
	return out;
}

/* Runs a query that returns one integer (0 for NULL); -1 when it returns no row. */
static int64_t
q_int(struct fixture *f, const char *sql)
{
	struct qrows r;
	int64_t v = -1;

	rows_open(f, &r, sql, 0, NULL);
	if (rows_next(&r))
		v = rows_text(&r, 0) != NULL ? strtoll(rows_text(&r, 0), NULL, 10) : 0;
	rows_close(&r);
	return v;
}

/* Text of a one-value query into out ("" for NULL or no row); p1 is $1 when not NULL. */
static const char *
q_text(struct fixture *f, char *out, size_t outlen, const char *sql, const char *p1)
{
	return q_textn(f, out, outlen, sql, p1 != NULL ? 1 : 0, &p1);
}

/* Order-independent hash of a table's rows, leaving out the named columns. */
static uint64_t
table_hash(struct fixture *f, const char *table, const char *const *skip)
{
	char sql[128];
	struct qrows r;
	uint64_t sum = 0;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
	rows_open(f, &r, sql, 0, NULL);
	while (rows_next(&r)) {
		uint64_t h = 1469598103934665603ULL;

		for (int c = 0; c < rows_columns(&r); c++) {
			const char *name = rows_name(&r, c);
			const unsigned char *v = (const unsigned char *)rows_text(&r, c);
			bool skipped = false;

			for (const char *const *s = skip; s && *s; s++)
				skipped |= strcmp(*s, name) == 0;
			if (skipped)
				continue;
			for (const unsigned char *p = v ? v : (const unsigned char *)"\x01NULL"; *p; p++)
				h = (h ^ *p) * 1099511628211ULL;
			h = (h ^ 0xff) * 1099511628211ULL;
		}
		sum += h * 0x9e3779b97f4a7c15ULL + (h >> 29);
	}
	rows_close(&r);
	return sum;
}

/* The query counting the indexes of the kbo_ tables, as the database lists them. */
static const char *
index_count(const struct fixture *f)
{
	return f->pg != NULL ? "SELECT count(*) FROM pg_indexes WHERE schemaname = "
	    "current_schema() AND indexname LIKE 'kbo_%'" :
	    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'kbo_%'";
}

/* Everything the import may touch, in one number. */
static uint64_t
state_hash(struct fixture *f, const char *const *skip)
{
	static const char *const all[] = {
		"kbo_extract", "kbo_meta", "kbo_code", "kbo_enterprise", "kbo_establishment",
		"kbo_denomination", "kbo_address", "kbo_contact", "kbo_activity", "kbo_branch",
	};
	uint64_t h = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (skip != NULL && strcmp(all[i], "kbo_extract") == 0)
			continue;   /* a forced re-import adds a row here: compared apart */
		h = h * 31 + table_hash(f, all[i], skip);
	}
	return h;
}

/* The name index agrees with kbo_denomination (FTS5 checks it against the content). On
 * PostgreSQL there is no such index to check: the name search reads kbo_denomination
 * itself (registry/query_sql.c); name_search_finds checks the search on both. */
static void
fts_consistent(struct fixture *f)
{
	char *msg = NULL;

	if (f->pg != NULL)
		return;
	if (sqlite3_exec(f->raw, "INSERT INTO kbo_denomination_fts(kbo_denomination_fts) "
	    "VALUES ('integrity-check')", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("name index out of step: %s", msg ? msg : "?");
}

/* ------------------------------------------------------------------------------------ */
/* The base: a synthetic full extract with entities the real update deletes, replaces and
 * leaves alone. */

#define OTHERS 40

/* The registry's name search (registry_find, as the lookup page calls it) finds an
 * inserted name whatever its case and accents, and the names of the base's other
 * enterprises ("Société Ancienne k"), each once. */
static void
name_search_finds(struct fixture *f)
{
	struct reg_enterprise out[OTHERS + 1];
	struct arena *a = arena_new(0);
	size_t total = 0;
	bool capped = true;

	assert_non_null(a);
	assert_int_equal(registry_find(f->fx.s, a, "CALLEBAUT brenda", "fr", 0, 2, out, &total,
	    &capped), 1);
	assert_int_equal(total, 1);
	assert_string_equal(out[0].number, "0552627113");
	assert_int_equal(registry_find(f->fx.s, a, "societe ancienne", "fr", 0, OTHERS + 1, out,
	    &total, &capped), OTHERS);
	assert_int_equal(total, OTHERS);
	assert_false(capped);
	arena_free(a);
}

static void
path_of(char *out, size_t len, const char *dir, const char *file)
{
	snprintf(out, len, "%s/%s", dir, file);
}

static FILE *
csv_create(const char *dir, const char *file, const char *header)
{
	char path[600];
	FILE *fp;

	path_of(path, sizeof(path), dir, file);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", header);
	return fp;
}

/* Enterprise number k of the entities the update never mentions, in the official form. */
static void
other_enterprise(int k, char out[13])
{
	char d[11];
	unsigned body = 4100000u + (unsigned)k * 1237u;

	snprintf(d, sizeof(d), "%08u%02u", body, 97u - body % 97u);
	be_enterprise_format(d, out);
}

static void
other_establishment(int k, char out[14])
{
	char d[11];
	unsigned body = 41000000u + (unsigned)k * 7919u;

	snprintf(d, sizeof(d), "%08u%02u", body, 97u - body % 97u);
	be_establishment_format(d, out);
}

/* The numbers of column 0 of a real update file, header skipped. */
static struct tcsv *
update_file(struct fixture *f, const char *file)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/%s", f->update, file);
	return tcsv_read(path);
}

static bool
in_file(const struct tcsv *c, const char *v)
{
	for (size_t r = 1; r < c->n; r++)
		if (strcmp(c->f[r][0], v) == 0)
			return true;
	return false;
}

#define LONG_VERSION "1.0.0-build.2025-10-11.0740-abcdef0123456789"

static void
write_meta(const char *dir, const char *number, const char *type)
{
	FILE *fp = csv_create(dir, "meta.csv", "\"Variable\",\"Value\"");

	fprintf(fp, "\"SnapshotDate\",\"10-10-2025\"\n\"ExtractTimestamp\",\"11-10-2025 07:40:02\"\n"
	    "\"ExtractType\",\"%s\"\n", type);
	if (number != NULL)
		fprintf(fp, "\"ExtractNumber\",\"%s\"\n", number);
	fprintf(fp, "\"Version\",\"1.0.0\"\n");
	fclose(fp);
}

/* Writes the base full extract into dir (created). */
static void
write_base(struct fixture *f, const char *dir)
{
	struct tcsv *ent_del = update_file(f, "enterprise_delete.csv");
	struct tcsv *ent_ins = update_file(f, "enterprise_insert.csv");
	struct tcsv *est_del = update_file(f, "establishment_delete.csv");
	struct tcsv *est_ins = update_file(f, "establishment_insert.csv");
	const char *children[] = { "denomination", "address", "contact", "activity" };
	char num[14], est[14];
	FILE *fp;

	assert_int_equal(mkdir(dir, 0755), 0);
	write_meta(dir, "146", "full");

	fp = csv_create(dir, "code.csv", "\"Category\",\"Code\",\"Language\",\"Description\"");
	fprintf(fp, "\"JuridicalForm\",\"610\",\"FR\",\"ancien libellé\"\n"
	    "\"JuridicalSituation\",\"000\",\"NL\",\"Normale toestand\"\n");
	fclose(fp);

	/* Every enterprise the update deletes; the replaced ones with other values; others. */
	fp = csv_create(dir, "enterprise.csv", "\"EnterpriseNumber\",\"Status\","
	    "\"JuridicalSituation\",\"TypeOfEnterprise\",\"JuridicalForm\",\"JuridicalFormCAC\","
	    "\"StartDate\"");
	for (size_t r = 1; r < ent_del->n; r++)
		fprintf(fp, "\"%s\",\"AC\",\"000\",\"2\",\"014\",,01-01-2000\n", ent_del->f[r][0]);
	for (size_t r = 1; r < ent_ins->n; r++)
		if (!in_file(ent_del, ent_ins->f[r][0]))
			fprintf(fp, "\"%s\",\"ST\",\"012\",\"2\",\"999\",\"001\",29-02-2000\n",
			    ent_ins->f[r][0]);
	for (int k = 0; k < OTHERS; k++) {
		other_enterprise(k, num);
		fprintf(fp, "\"%s\",\"AC\",\"000\",\"1\",,,%02d-0%d-19%d\n", num, 1 + k % 28,
		    1 + k % 9, 50 + k);
	}
	fclose(fp);

	fp = csv_create(dir, "establishment.csv",
	    "\"EstablishmentNumber\",\"StartDate\",\"EnterpriseNumber\"");
	other_enterprise(0, num);
	for (size_t r = 1; r < est_del->n; r++)
		fprintf(fp, "\"%s\",01-06-2001,\"%s\"\n", est_del->f[r][0], num);
	for (size_t r = 1; r < est_ins->n; r++)
		if (!in_file(est_del, est_ins->f[r][0]))
			fprintf(fp, "\"%s\",02-06-2002,\"%s\"\n", est_ins->f[r][0], num);
	for (int k = 0; k < OTHERS; k++) {
		other_establishment(k, est);
		other_enterprise(k, num);
		fprintf(fp, "\"%s\",03-03-2003,\"%s\"\n", est, num);
	}
	fclose(fp);

	/* Child tables: rows for every entity the update deletes or inserts, and others. */
	for (size_t t = 0; t < sizeof(children) / sizeof(children[0]); t++) {
		char file[64];
		struct tcsv *del, *ins;
		const char *header = NULL;

		snprintf(file, sizeof(file), "%s_delete.csv", children[t]);
		del = update_file(f, file);
		snprintf(file, sizeof(file), "%s_insert.csv", children[t]);
		ins = update_file(f, file);
		snprintf(file, sizeof(file), "%s.csv", children[t]);
		switch (t) {
		case 0:
			header = "\"EntityNumber\",\"Language\",\"TypeOfDenomination\",\"Denomination\"";
			break;
		case 1:
			header = "\"EntityNumber\",\"TypeOfAddress\",\"CountryNL\",\"CountryFR\","
			    "\"Zipcode\",\"MunicipalityNL\",\"MunicipalityFR\",\"StreetNL\",\"StreetFR\","
			    "\"HouseNumber\",\"Box\",\"ExtraAddressInfo\",\"DateStrikingOff\"";
			break;
		case 2:
			header = "\"EntityNumber\",\"EntityContact\",\"ContactType\",\"Value\"";
			break;
		default:
			header = "\"EntityNumber\",\"ActivityGroup\",\"NaceVersion\",\"NaceCode\","
			    "\"Classification\"";
			break;
		}
		fp = csv_create(dir, file, header);
		for (size_t pass = 0; pass < 3; pass++) {
			const struct tcsv *src = pass == 0 ? del : ins;
			size_t n = pass == 2 ? OTHERS : src->n - 1;

			for (size_t r = 0; r < n; r++) {
				const char *e;

				if (pass == 2) {
					other_enterprise((int)r, num);
					e = num;
				} else {
					e = src->f[r + 1][0];
				}
				if (t == 0)
					fprintf(fp, "\"%s\",\"1\",\"001\",\"Société Ancienne %zu\"\n", e, r);
				else if (t == 1)
					fprintf(fp, "\"%s\",\"REGO\",\"België\",\"Belgique\",\"1000\","
					    "\"Brussel\",\"Bruxelles\",\"Wetstraat\",\"Rue de la Loi\",\"%zu\","
					    ",\"\",\n", e, r + 1);
				else if (t == 2)
					fprintf(fp, "\"%s\",\"ENT\",\"EMAIL\",\"old%zu@example.be\"\n", e, r);
				else
					fprintf(fp, "\"%s\",\"003\",\"2008\",\"01110\",\"MAIN\"\n\"%s\","
					    "\"001\",\"2025\",\"0111%zu\",\"SECO\"\n", e, e, r % 10);
			}
		}
		fclose(fp);
		tcsv_free(del);
		tcsv_free(ins);
	}

	fp = csv_create(dir, "branch.csv", "\"Id\",\"StartDate\",\"EnterpriseNumber\"");
	other_enterprise(1, num);
	fprintf(fp, "\"9.000.006.626\",01-01-2010,\"%s\"\n\"9.000.006.725\",,\"%s\"\n", num, num);
	fclose(fp);

	tcsv_free(ent_del);
	tcsv_free(ent_ins);
	tcsv_free(est_del);
	tcsv_free(est_ins);
}

static void
load_base(struct fixture *f)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/KboOpenData_0146_2025_10_11_Full", f->fx.dir);
	write_base(f, dir);
	import_ok(f, dir, false);
}

/* A writable copy of the real update extract, to damage. */
static void
copy_update(struct fixture *f, const char *name, char *out, size_t outlen)
{
	char cmd[1400];

	snprintf(out, outlen, "%s/%s", f->fx.dir, name);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s' && chmod -R u+w '%s'", f->update, out, out);
	assert_int_equal(system(cmd), 0);
}

/* Replaces line `line` (1-based) of dir/file with text. */
static void
set_line(const char *dir, const char *file, int line, const char *text)
{
	char path[600], *buf, *p, *start, *end;
	size_t len;
	FILE *fp;
	int n = 1;

	path_of(path, sizeof(path), dir, file);
	buf = slurp(path, &len);
	assert_non_null(buf);
	for (p = buf; n < line && (p = strchr(p, '\n')) != NULL; n++)
		p++;
	assert_non_null(p);
	start = p;
	end = strchr(start, '\n');
	fp = fopen(path, "w");
	assert_non_null(fp);
	fwrite(buf, 1, (size_t)(start - buf), fp);
	fputs(text, fp);
	if (end != NULL)
		fputs(end, fp);
	fclose(fp);
	free(buf);
}

/* ------------------------------------------------------------------------------------ */
/* Pure parts. */

static void
values_normalised(void **state)
{
	char out[24];

	(void)state;
	assert_int_equal(kbo_date_iso("15-09-2025", 10, out), 0);
	assert_string_equal(out, "2025-09-15");
	assert_int_equal(kbo_date_iso("29-02-2024", 10, out), 0);
	assert_int_equal(kbo_date_iso("29-02-2000", 10, out), 0);
	assert_int_equal(kbo_date_iso("29-02-1900", 10, out), -1);
	assert_int_equal(kbo_date_iso("29-02-2023", 10, out), -1);
	assert_int_equal(kbo_date_iso("31-04-2020", 10, out), -1);
	assert_int_equal(kbo_date_iso("00-01-2020", 10, out), -1);
	assert_int_equal(kbo_date_iso("01-13-2020", 10, out), -1);
	assert_int_equal(kbo_date_iso("1-1-2020", 8, out), -1);
	assert_int_equal(kbo_date_iso("2020-01-01", 10, out), -1);
	assert_int_equal(kbo_date_iso("01-01-20x0", 10, out), -1);
	assert_int_equal(kbo_timestamp_iso("12-10-2025 07:40:18", 19, out), 0);
	assert_string_equal(out, "2025-10-12T07:40:18");
	assert_int_equal(kbo_timestamp_iso("12-10-2025 24:00:00", 19, out), -1);
	assert_int_equal(kbo_branch_id("9.000.006.626", 13, out), 0);
	assert_string_equal(out, "9000006626");
	assert_int_equal(kbo_branch_id("9.000.006.62", 12, out), -1);
	assert_int_equal(kbo_branch_id("9.000.006.6266", 14, out), -1);
	assert_int_equal(kbo_number(KBO_ENTERPRISE, "0552.627.113", 12, out), BE_OK);
	assert_string_equal(out, "0552627113");
	assert_int_equal(kbo_number(KBO_ENTERPRISE, "0552.627.114", 12, out), BE_CHECKSUM);
	assert_int_equal(kbo_number(KBO_ENTITY, "2.190.171.611", 13, out), BE_OK);
	assert_string_equal(out, "2190171611");
	assert_int_equal(kbo_number(KBO_ENTERPRISE, "2.190.171.611", 13, out), BE_FIRST_DIGIT);
	assert_int_equal(kbo_number(KBO_ESTABLISHMENT, "0552.627.113", 12, out),
	    BE_FIRST_DIGIT);
	/* A NUL inside the field must not cut it short. */
	assert_int_equal(kbo_number(KBO_ENTERPRISE, "0552.627.113\0x", 14, out), BE_CHARS);
	assert_int_equal(kbo_name_number("KboOpenData_0147_2025_10_12_Update.zip"), 147);
	assert_int_equal(kbo_name_number("kbo-open-data-0147-update"), 147);
	assert_int_equal(kbo_name_number("extract_2025"), 0);
	assert_int_equal(kbo_name_number("x_12345_y"), 0);
}

struct rows {
	int n;
	unsigned long line[8];
	char first[8][16];
	char last[8][64];
};

static int
collect(void *ud, const struct kbo_row *row)
{
	struct rows *r = ud;

	if (r->n < 8) {
		r->line[r->n] = row->line;
		snprintf(r->first[r->n], sizeof(r->first[0]), "%s", row->val[0] ? row->val[0] : "-");
		snprintf(r->last[r->n], sizeof(r->last[0]), "%s",
		    row->val[row->n - 1] ? row->val[row->n - 1] : "-");
	}
	r->n++;
	return 0;
}

/* Feeds text to a reader of the contact layout, step bytes at a time. Returns the
 * reader's result; the error lands in err. */
static int
read_text(const char *text, size_t step, struct rows *r, char *err, size_t errlen)
{
	const struct kbo_table *t = &kbo_tables[KBO_CONTACT_T];
	struct kbo_csv *c = kbo_csv_new("contact.csv", t->cols, t->ncols, collect, r);
	size_t n = strlen(text);
	int rc = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n && rc == 0; i += step)
		rc = kbo_csv_feed(c, text + i, n - i < step ? n - i : step);
	if (rc == 0)
		rc = kbo_csv_end(c);
	snprintf(err, errlen, "%s", kbo_csv_error(c));
	kbo_csv_free(c);
	return rc;
}

#define HDR "\"EntityNumber\",\"EntityContact\",\"ContactType\",\"Value\"\n"

static void
reader_rows_and_lines(void **state)
{
	static const char good[] =
	    "\xef\xbb\xbf" HDR
	    "\"0552.627.113\",\"ENT\",\"TEL\",\"053/39-00-70\"\r\n"
	    "\r\n"
	    "\"0552.627.113\",\"ENT\",\"WEB\",\"line one\nline two\"\n"
	    "\"2.190.171.611\",\"EST\",\"EMAIL\",\"say \"\"hi\"\"\"\n"
	    "\"0552.627.113\",,\"WEB\",";
	static const size_t steps[] = { 1, 2, 3, 7, 64, 100000 };
	struct rows r;
	char err[512];

	(void)state;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		assert_int_equal(read_text(good, steps[s], &r, err, sizeof(err)), 0);
		assert_int_equal(r.n, 4);
		assert_int_equal(r.line[0], 2);
		assert_int_equal(r.line[1], 4);   /* a blank line before it */
		assert_int_equal(r.line[2], 6);   /* the quoted newline made line 5 longer */
		assert_int_equal(r.line[3], 7);   /* no newline at the very end */
		assert_string_equal(r.first[0], "0552627113");
		assert_string_equal(r.first[2], "2190171611");
		assert_string_equal(r.last[0], "053/39-00-70");
		assert_string_equal(r.last[1], "line one\nline two");
		assert_string_equal(r.last[2], "say \"hi\"");
		assert_string_equal(r.last[3], "-");
	}
	/* Old Mac line ends: a lone CR ends a line too. */
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		assert_int_equal(read_text("\"EntityNumber\",\"EntityContact\",\"ContactType\","
		    "\"Value\"\r\"0552.627.113\",\"ENT\",\"TEL\",\"x\"\r\r\n\"0552.627.113\","
		    "\"ENT\",\"TEL\",\"y\"\r", steps[s], &r, err, sizeof(err)), 0);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.line[0], 2);
		assert_int_equal(r.line[1], 4);
	}
}

static void
reader_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "\"EntityNumber\",\"EntityContact\",\"Type\",\"Value\"\n",
		  "contact.csv:1: unexpected column 3 \"Type\", expected \"ContactType\"" },
		{ "\"EntityNumber\",\"EntityContact\",\"ContactType\"\n",
		  "contact.csv:1: missing column 4 \"Value\"" },
		{ "\"EntityNumber\",\"EntityContact\",\"ContactType\",\"Value\",\"X\"\n",
		  "contact.csv:1: unexpected column 5 after \"Value\"" },
		{ "", "contact.csv:1: empty file: no header" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\"\n", "contact.csv:2: 3 fields, expected 4" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\",\"a\",\"b\"\n",
		  "contact.csv:2: 5 fields, expected 4" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\",\"a\"b\"\n",
		  "contact.csv:2: broken quoting" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\",a\"b\n", "contact.csv:2: broken quoting" },
		{ HDR "\"x\",\"ENT\",\"TEL\",\"a\"\n\"0552.627.114\",\"ENT\",\"TEL\",\"a\"\n",
		  "contact.csv:2: EntityNumber \"x\": characters other than digits" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\",\"a\"\n\"0552.627.114\",\"ENT\",\"TEL\",\"a\"\n",
		  "contact.csv:3: EntityNumber \"0552.627.114\": check digits do not match" },
		{ HDR ",\"ENT\",\"TEL\",\"a\"\n", "contact.csv:2: EntityNumber is empty" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\",\"\xc3\x28\"\n",
		  "contact.csv:2: Value is not valid UTF-8 text" },
		{ HDR "\"0552.627.113\",\"ENT\",\"TEL\",\"open\n\n",
		  "contact.csv:2: quoted field not closed at the end of the file" },
		{ "\xef\xbb" "x" HDR, "contact.csv:1: broken byte order mark" },
	};
	struct rows r;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t step = 1; step <= 4096; step *= 64) {
			assert_int_equal(read_text(cases[i].text, step, &r, err, sizeof(err)), -1);
			if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
				fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, cases[i].want);
		}
	}
}

static void
reader_caps_a_record(void **state)
{
	static const char start[] = HDR "\"0552.627.113\",\"ENT\",\"TEL\",\"";
	size_t big = KBO_RECORD_MAX + 100;
	char *text = malloc(sizeof(start) + big), err[512];
	struct rows r;

	(void)state;
	/* A quote never closed: the reader stops at the cap, not at the end of memory. */
	memcpy(text, start, sizeof(start) - 1);
	memset(text + sizeof(start) - 1, 'a', big);
	text[sizeof(start) - 1 + big] = '\0';
	assert_int_equal(read_text(text, 4096, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "contact.csv:2: record longer than"));
	free(text);
}

/* ------------------------------------------------------------------------------------ */
/* The real update on the base. */

/* Every row of file_insert.csv is stored, normalised; and each entity it names has
 * exactly its rows from that file, none left from the base. */
static void
check_inserted(struct fixture *f, const struct ttable *t)
{
	char file[64], sql[1024], out[13][32];
	struct tcsv *c;
	size_t k;

	snprintf(file, sizeof(file), "%s_insert.csv", t->file);
	c = update_file(f, file);
	for (size_t r = 1; r < c->n; r++) {
		const char *params[13];
		char got[32];
		size_t used;
		int per_entity = 0;

		assert_int_equal(c->nf[r], t->n);
		used = (size_t)snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE true",
		    t->table);
		for (k = 0; k < (size_t)t->n; k++) {
			used += (size_t)snprintf(sql + used, sizeof(sql) - used,
			    " AND %s IS NOT DISTINCT FROM $%zu", t->cols[k], k + 1);
			params[k] = expect(c->f[r][k], t->kinds[k], out[k]);
		}
		if (strtol(q_textn(f, got, sizeof(got), sql, t->n, params), NULL, 10) < 1)
			fail_msg("%s line %zu is not in %s as expected", file, r + 1, t->table);

		/* The entity's row count equals its rows in the file. */
		for (size_t q = 1; q < c->n; q++)
			per_entity += strcmp(c->f[q][0], c->f[r][0]) == 0;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s = '%s'", t->table,
		    t->key, expect(c->f[r][0], 'n', out[0]));
		if (q_int(f, sql) != per_entity)
			fail_msg("%s: %s has %lld rows, the file %d", t->table, out[0],
			    (long long)q_int(f, sql), per_entity);
	}
	tcsv_free(c);
}

/* Every entity of file_delete.csv that file_insert.csv does not bring back is gone. */
static void
check_deleted(struct fixture *f, const struct ttable *t)
{
	char file[64], sql[256], out[32];
	struct tcsv *del, *ins;
	int gone = 0;

	snprintf(file, sizeof(file), "%s_delete.csv", t->file);
	del = update_file(f, file);
	snprintf(file, sizeof(file), "%s_insert.csv", t->file);
	ins = update_file(f, file);
	for (size_t r = 1; r < del->n; r++) {
		int64_t n;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s = '%s'", t->table,
		    t->key, expect(del->f[r][0], 'n', out));
		n = q_int(f, sql);
		if (in_file(ins, del->f[r][0])) {
			assert_true(n > 0);
		} else {
			if (n != 0)
				fail_msg("%s: %s should be gone", t->table, out);
			gone++;
		}
	}
	/* The base held every deleted enterprise: the test deletes something real. */
	if (strcmp(t->table, "kbo_enterprise") == 0)
		assert_true(gone > 100);
	tcsv_free(del);
	tcsv_free(ins);
}

/* The entities the update does not name keep their rows from the base. */
static void
check_others_kept(struct fixture *f)
{
	char num[13], d[11], sql[256];

	for (int k = 0; k < OTHERS; k++) {
		other_enterprise(k, num);
		assert_int_equal(be_enterprise_parse(num, d), BE_OK);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM kbo_enterprise WHERE "
		    "enterprise_number = '%s' AND extract_id = 1", d);
		assert_int_equal(q_int(f, sql), 1);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM kbo_activity WHERE "
		    "entity_number = '%s'", d);
		assert_int_equal(q_int(f, sql), 2);
	}
	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_branch WHERE id = '9000006626' "
	    "AND start_date = '2010-01-01'"), 1);
}

/* Labels of the juridical forms the update uses, in FR, NL and DE, as code.csv has them. */
static void
check_codes(struct fixture *f)
{
	static const char *const langs[] = { "FR", "NL", "DE" };
	struct tcsv *codes, *ent = update_file(f, "enterprise_insert.csv");
	char path[700], got[256];
	int checked = 0;

	snprintf(path, sizeof(path), "%s/code.csv", f->update);
	codes = tcsv_read(path);
	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_code"), (int64_t)codes->n - 1);
	for (size_t r = 1; r < ent->n; r++) {
		const char *form = ent->f[r][4];

		if (form[0] == '\0')
			continue;
		for (size_t l = 0; l < 3; l++) {
			const char *want = NULL, *params[2];

			for (size_t c = 1; c < codes->n && want == NULL; c++)
				if (strcmp(codes->f[c][0], "JuridicalForm") == 0 &&
				    strcmp(codes->f[c][1], form) == 0 &&
				    strcmp(codes->f[c][2], langs[l]) == 0)
					want = codes->f[c][3];
			assert_non_null(want);
			params[0] = expect(ent->f[r][0], 'n', path);
			params[1] = langs[l];
			assert_string_equal(q_textn(f, got, sizeof(got), "SELECT c.description FROM "
			    "kbo_enterprise e JOIN kbo_code c ON c.category = 'JuridicalForm' AND "
			    "c.code = e.juridical_form AND c.language = $2 WHERE e.enterprise_number "
			    "= $1", 2, params), want);
			checked++;
		}
	}
	assert_true(checked >= 3 * 10);
	/* Codes keep their leading zeros. */
	assert_string_equal(q_text(f, got, sizeof(got), "SELECT description FROM kbo_code WHERE "
	    "category = 'JuridicalSituation' AND code = $1 AND language = 'FR'", "000"),
	    "Situation normale");
	tcsv_free(codes);
	tcsv_free(ent);
}

static void
check_recorded(struct fixture *f, int64_t extracts, int forced)
{
	char got[64];

	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_extract"), extracts);
	assert_string_equal(q_text(f, got, sizeof(got), "SELECT extract_number || ' ' || "
	    "extract_type || ' ' || snapshot_date || ' ' || extract_timestamp || ' ' || forced || "
	    "' ' || rows FROM kbo_extract ORDER BY id DESC LIMIT 1", NULL), forced ?
	    "147 update 2025-10-11 2025-10-12T07:40:18 1 22608" :
	    "147 update 2025-10-11 2025-10-12T07:40:18 0 22608");
	assert_string_equal(q_text(f, got, sizeof(got), "SELECT value FROM kbo_meta WHERE "
	    "variable = $1", "SnapshotDate"), "2025-10-11");
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit_event WHERE action = "
	    "'registry.kbo_import'"), extracts);
}

static void
update_applies(void **state)
{
	struct fixture *f = *state;
	static const char *const moving[] = { "extract_id", "id", NULL };
	uint64_t before, after;
	char err[1024], got[64];

	load_base(f);
	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_extract"), 1);
	import_ok(f, f->update, false);

	for (size_t t = 0; t < NTABLES; t++) {
		check_inserted(f, &tables[t]);
		check_deleted(f, &tables[t]);
	}
	check_others_kept(f);
	check_codes(f);
	check_recorded(f, 2, 0);
	fts_consistent(f);
	/* The name index finds an inserted name, accents and case aside. */
	if (f->pg == NULL) {
		assert_string_equal(q_text(f, got, sizeof(got), "SELECT d.entity_number FROM "
		    "kbo_denomination_fts JOIN kbo_denomination d ON "
		    "d.id = kbo_denomination_fts.rowid WHERE kbo_denomination_fts MATCH $1",
		    "CALLEBAUT brenda"), "0552627113");
		assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_denomination_fts WHERE "
		    "kbo_denomination_fts MATCH 'societe ancienne'"), OTHERS);
	}
	/* And the registry's name search, on either database. */
	name_search_finds(f);

	/* Again: refused, nothing changed. */
	before = state_hash(f, NULL);
	assert_int_equal(import(f, f->update, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "update extract 147 is not newer than the last applied "
	    "extract 147"));
	assert_non_null(strstr(err, "--force"));
	assert_true(state_hash(f, NULL) == before);

	/* Forced: applied again, to the same tables. */
	before = state_hash(f, moving);
	import_ok(f, f->update, true);
	after = state_hash(f, moving);
	assert_true(before == after);
	check_recorded(f, 3, 1);
	fts_consistent(f);
	for (size_t t = 0; t < NTABLES; t++)
		check_inserted(f, &tables[t]);
}

/* The same update as the official zip gives the same tables as the folder. */
static void
zip_applies(void **state)
{
	struct fixture *f = *state;
	static const char *const moving[] = { "extract_id", "id", NULL };
	char zpath[256], file[700], err[1024];
	uint64_t from_folder;
	zip_t *z;
	int zerr;

	load_base(f);
	import_ok(f, f->update, false);
	from_folder = state_hash(f, moving);

	/* A fresh base, then the zip: official name, files in a folder as some tools do. */
	snprintf(zpath, sizeof(zpath), "%s/KboOpenData_0147_2025_10_12_Update.zip", f->fx.dir);
	z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (int i = 0; i < KBO_NTABLES; i++) {
		const char *suffix[] = { "", "_delete", "_insert" };

		for (int k = 0; k < 3; k++) {
			char name[64];
			zip_source_t *src;

			if ((k == 0) != (i <= KBO_CODE))
				continue;
			snprintf(name, sizeof(name), "%s%s.csv", kbo_tables[i].name, suffix[k]);
			snprintf(file, sizeof(file), "%s/%s", f->update, name);
			src = zip_source_file(z, file, 0, -1);
			assert_non_null(src);
			snprintf(file, sizeof(file), "extract/%s", name);
			assert_true(zip_file_add(z, file, src, ZIP_FL_OVERWRITE) >= 0);
		}
	}
	assert_int_equal(zip_close(z), 0);

	/* Back to the base state: a full load of the base replaces everything. Both are
	 * older than or as old as the update applied above: forced (the import's own way,
	 * kbo_extract, which `moving` leaves out, records them). */
	snprintf(file, sizeof(file), "%s/KboOpenData_0146_2025_10_11_Full", f->fx.dir);
	import_ok(f, file, true);
	if (import(f, zpath, true, err, sizeof(err)) != 0)
		fail_msg("zip: %s", err);
	assert_true(state_hash(f, moving) == from_folder);
	fts_consistent(f);

	/* Cut in half: refused, naming the file, nothing changed. */
	{
		struct stat st;
		uint64_t before = state_hash(f, NULL);

		assert_int_equal(stat(zpath, &st), 0);
		assert_int_equal(truncate(zpath, st.st_size / 2), 0);
		assert_int_equal(import(f, zpath, true, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "KboOpenData_0147_2025_10_12_Update.zip"));
		assert_non_null(strstr(err, "truncated"));
		assert_true(state_hash(f, NULL) == before);
	}
}

/* Damaged copies of the real update: each refused with file:line, nothing changed. */
static void
malformed_refused(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *file;
		int line;
		const char *text;       /* NULL: the line is left out (a truncated file) */
		const char *want[2];
	} cases[] = {
		{ "denomination_insert.csv", 2, "\"0552.627.113\",\"0\",\"001\",\"Callebaut \"Brenda\"",
		  { "denomination_insert.csv:2: ", "broken quoting" } },
		{ "enterprise_insert.csv", 1, "\"EnterpriseNumber\",\"Status\",\"JuridicalSitu\","
		  "\"TypeOfEnterprise\",\"JuridicalForm\",\"JuridicalFormCAC\",\"StartDate\"",
		  { "enterprise_insert.csv:1: ", "\"JuridicalSitu\"" } },
		{ "activity_insert.csv", 5, "\"0648.687.006\",\"001\",\"2008\",\"14310\",\"SECO\"",
		  { "activity_insert.csv:5: ", "check digits do not match" } },
		{ "establishment_insert.csv", 2, "\"2.190.171.611\",31-02-2010,\"0859.001.118\"",
		  { "establishment_insert.csv:2: ", "\"31-02-2010\": not a date" } },
		{ "contact_insert.csv", 3, "\"0628.983.929\",\"ENT\",\"053/39-00-70\"",
		  { "contact_insert.csv:3: ", "3 fields, expected 4" } },
		{ "address_insert.csv", 69, "\"1029.028.458\",\"REGO\",,,\"2000\",\"Antwerpen",
		  { "address_insert.csv:69: ", "not closed" } },
		{ "enterprise_delete.csv", 4, "\"0505.671.4\"",
		  { "enterprise_delete.csv:4: ", "wrong number of digits" } },
		{ "meta.csv", 2, "\"SnapshotDate\",\"11/10/2025\"",
		  { "meta.csv: SnapshotDate", "not a date" } },
	};
	uint64_t before;
	char err[1024];

	load_base(f);
	before = state_hash(f, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dir[256], name[32];

		snprintf(name, sizeof(name), "bad-0147-update-%zu", i);
		copy_update(f, name, dir, sizeof(dir));
		set_line(dir, cases[i].file, cases[i].line, cases[i].text);
		err[0] = '\0';
		assert_int_equal(import(f, dir, true, err, sizeof(err)), -1);
		for (int k = 0; k < 2; k++)
			if (strstr(err, cases[i].want[k]) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].want[k]);
		if (state_hash(f, NULL) != before)
			fail_msg("case %zu changed the tables", i);
	}
	assert_int_equal(q_int(f, "SELECT max(extract_number) FROM kbo_extract"), 146);

	/* A missing file is named too. */
	{
		char dir[256], path[300];

		copy_update(f, "missing-0147-update", dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/branch_insert.csv", dir);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(import(f, dir, true, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "branch_insert.csv: missing"));
	}
	assert_true(state_hash(f, NULL) == before);
}

/* A full extract that fails in its last file leaves the previous data, indexes and name
 * index as they were: the tables were emptied and the indexes dropped in the same
 * transaction. */
static void
full_failure_keeps_previous(void **state)
{
	struct fixture *f = *state;
	char dir[128], err[1024], num[13], line[64];
	uint64_t before;
	int64_t indexes;

	load_base(f);
	import_ok(f, f->update, false);
	before = state_hash(f, NULL);
	indexes = q_int(f, index_count(f));
	assert_true(indexes >= 3);

	snprintf(dir, sizeof(dir), "%s/next-0148-full", f->fx.dir);
	write_base(f, dir);
	write_meta(dir, "148", "full");
	other_enterprise(1, num);
	snprintf(line, sizeof(line), "\"9.000.006.725\",30-02-2011,\"%s\"", num);
	set_line(dir, "branch.csv", 3, line);
	assert_int_equal(import(f, dir, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "branch.csv:3: StartDate \"30-02-2011\""));
	assert_true(state_hash(f, NULL) == before);
	assert_int_equal(q_int(f, index_count(f)), indexes);
	fts_consistent(f);

	/* A number twice, in the middle of a many-rows statement: its line is named. */
	{
		char dup[128], path[300], *text, *row, *eol;
		size_t len;

		snprintf(dup, sizeof(dup), "%s/dup-0149-full", f->fx.dir);
		write_base(f, dup);
		write_meta(dup, "149", "full");
		snprintf(path, sizeof(path), "%s/enterprise.csv", dup);
		text = slurp(path, &len);
		assert_non_null(text);
		row = text;
		for (int k = 1; k < 12; k++)
			row = strchr(row, '\n') + 1;
		eol = strchr(row, '\n');
		*eol = '\0';
		set_line(dup, "enterprise.csv", 40, row);
		free(text);
		assert_int_equal(import(f, dup, false, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "enterprise.csv:40: EnterpriseNumber "));
		assert_non_null(strstr(err, "appears twice"));
		assert_true(state_hash(f, NULL) == before);
	}

	/* Repaired, it replaces everything: the update's rows are gone again. */
	snprintf(line, sizeof(line), "\"9.000.006.725\",,\"%s\"", num);
	set_line(dir, "branch.csv", 3, line);
	import_ok(f, dir, false);
	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_enterprise WHERE extract_id <> 3"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_code"), 2);
	assert_int_equal(q_int(f, "SELECT count(*) FROM kbo_denomination WHERE "
	    "denomination = 'Callebaut, Brenda'"), 0);
	fts_consistent(f);
	/* An older full extract is refused now. */
	assert_int_equal(import(f, f->update, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not newer"));
}

/* The number comes from meta.csv, else the name, else the caller; never contradicted. */
static void
extract_number_sources(void **state)
{
	struct fixture *f = *state;
	struct kbo_import_opts o = { .quiet = true };
	struct kbo_import_result res;
	char dir[256], dir2[256], path[300], err[1024];

	load_base(f);
	/* meta.csv without ExtractNumber: the folder name's -0148- is used. */
	copy_update(f, "kbo-open-data-0148-update", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/meta.csv", dir);
	assert_int_equal(unlink(path), 0);
	write_meta(dir, NULL, "update");
	assert_int_equal(kbo_import(f->fx.s, dir, &o, &res, err, sizeof(err)), 0);
	assert_int_equal(res.extract_number, 148);
	assert_false(res.full);
	assert_string_equal(res.snapshot, "2025-10-10");

	/* No number anywhere: the caller must give it. */
	copy_update(f, "no-number", dir2, sizeof(dir2));
	snprintf(path, sizeof(path), "%s/meta.csv", dir2);
	assert_int_equal(unlink(path), 0);
	{
		/* A Version of 40 characters is recorded whole (once cut to 31). */
		FILE *fp = csv_create(dir2, "meta.csv", "\"Variable\",\"Value\"");

		fprintf(fp, "\"SnapshotDate\",\"10-10-2025\"\n\"ExtractType\",\"update\"\n"
		    "\"Version\",\"" LONG_VERSION "\"\n");
		fclose(fp);
	}
	assert_int_equal(kbo_import(f->fx.s, dir2, &o, &res, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--extract-number"));
	o.extract_number = 149;
	assert_int_equal(kbo_import(f->fx.s, dir2, &o, &res, err, sizeof(err)), 0);
	assert_int_equal(res.extract_number, 149);
	{
		char version[128];

		assert_string_equal(q_text(f, version, sizeof(version), "SELECT version FROM "
		    "kbo_extract WHERE extract_number = 149", NULL), LONG_VERSION);
	}

	/* meta.csv says 147: a different --extract-number is a contradiction. */
	o.extract_number = 150;
	assert_int_equal(kbo_import(f->fx.s, f->update, &o, &res, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "contradicts meta.csv"));
	/* Older than the last applied (149): refused. */
	o.extract_number = 0;
	assert_int_equal(kbo_import(f->fx.s, f->update, &o, &res, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "update extract 147 is not newer than the last applied "
	    "extract 149"));
}

/* A full load drops and rebuilds the secondary indexes: they must come back exactly as
 * the migration made them. */
static void
indexes_as_migrated(void **state)
{
	struct fixture *f = *state;
	static const char lite[] = "SELECT group_concat(name || ':' || sql, ';') FROM "
	    "(SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
	    "tbl_name LIKE 'kbo_%' ORDER BY name)";
	static const char pg[] = "SELECT string_agg(indexname || ':' || indexdef, ';' "
	    "ORDER BY indexname) FROM pg_indexes WHERE schemaname = current_schema() AND "
	    "tablename LIKE 'kbo_%'";
	const char *sql = f->pg != NULL ? pg : lite;
	char before[4096], after[4096];

	q_text(f, before, sizeof(before), sql, NULL);
	assert_true(strlen(before) > 20);
	load_base(f);
	q_text(f, after, sizeof(after), sql, NULL);
	assert_string_equal(before, after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_normalised),
		cmocka_unit_test(reader_rows_and_lines),
		cmocka_unit_test(reader_errors),
		cmocka_unit_test(reader_caps_a_record),
		cmocka_unit_test_setup_teardown(update_applies, setup, teardown),
		cmocka_unit_test_setup_teardown(zip_applies, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(full_failure_keeps_previous, setup, teardown),
		cmocka_unit_test_setup_teardown(extract_number_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(indexes_as_migrated, setup, teardown),
	};

	return cmocka_run_group_tests_name("kbo_import", tests, NULL, NULL);
}
