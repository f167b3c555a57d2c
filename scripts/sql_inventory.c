/* sql_inventory.c — counts, per module, the statements whose SQLite text uses a construct
 * PostgreSQL does not take as is (issue 13, docs/store-contract.md). Build and run:
 *   make all && cc -Isrc -o build/sql_inventory scripts/sql_inventory.c build/libportier.a \
 *       $(pkg-config --libs sqlite3) -lpthread -lm && ./build/sql_inventory */
#include <regex.h>
#include <stdio.h>

#include "store/sql_table.h"

extern const struct sql_table sql_core_sqlite, sql_registry_sqlite, sql_registry_query_sqlite,
    sql_eid_sqlite, sql_factor_sqlite, sql_person_sqlite, sql_login_sqlite, sql_audit_sqlite,
    sql_access_sqlite, sql_oidc_sqlite, sql_csam_sqlite, sql_mail_sqlite, sql_portal_sqlite;

static const struct {
	const char *name;
	const struct sql_table *t;
} modules[] = {
	{ "core", &sql_core_sqlite }, { "registry", &sql_registry_sqlite },
	{ "registry_query", &sql_registry_query_sqlite }, { "eid", &sql_eid_sqlite },
	{ "factor", &sql_factor_sqlite }, { "person", &sql_person_sqlite },
	{ "login", &sql_login_sqlite }, { "audit", &sql_audit_sqlite },
	{ "access", &sql_access_sqlite }, { "oidc", &sql_oidc_sqlite },
	{ "csam", &sql_csam_sqlite }, { "mail", &sql_mail_sqlite },
	{ "portal", &sql_portal_sqlite },
};

/* SQLite-only first (counted in "with a construct"), then portable ones worth knowing. */
#define N_ONLY 11
static const char *const pat[][2] = {
	{ "INSERT OR FAIL/IGNORE/REPLACE", "INSERT OR (FAIL|IGNORE|REPLACE|ABORT|ROLLBACK)" },
	{ "strftime / 'now'", "strftime\\(|'now'" },
	{ "rowid / last_insert_rowid()", "rowid" },
	{ "json_each", "json_each" },
	{ "json_extract / json()", "json_extract|[^_a-z]json\\(" },
	{ "group_concat", "group_concat" },
	{ "COLLATE NOCASE", "COLLATE NOCASE" },
	{ "LIKE (ASCII case-insensitive on SQLite)", "[^a-z_]LIKE[^a-z_]" },
	{ "GLOB", "GLOB" },
	{ "printf()", "printf\\(" },
	{ "FTS5 MATCH", "MATCH" },
	{ "(portable) ORDER BY a boolean", "ORDER BY [a-z.]+ = '" },
	{ "(portable) ON CONFLICT … DO", "ON CONFLICT" },
	{ "(portable) RETURNING", "RETURNING" },
};
#define N_PAT ((int)(sizeof(pat) / sizeof(pat[0])))

int
main(void)
{
	regex_t re[N_PAT];
	int cnt[N_PAT] = { 0 }, total = 0, any = 0;

	for (int i = 0; i < N_PAT; i++)
		if (regcomp(&re[i], pat[i][1], REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
			return 1;
	for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++) {
		const struct sql_table *t = modules[m].t;
		int n = 0, a = 0;

		for (int k = 0; k < t->count; k++) {
			int hit = 0;

			if (t->text[k] == NULL)
				continue;
			n++;
			for (int i = 0; i < N_PAT; i++)
				if (regexec(&re[i], t->text[k], 0, NULL, 0) == 0) {
					cnt[i]++;
					hit |= i < N_ONLY;
				}
			a += hit;
		}
		printf("%-15s %4d statements, %3d with a SQLite-only construct\n",
		    modules[m].name, n, a);
		total += n;
		any += a;
	}
	printf("total           %4d statements, %3d with a SQLite-only construct\n", total, any);
	for (int i = 0; i < N_PAT; i++)
		printf("  %-42s %4d\n", pat[i][0], cnt[i]);
	for (int i = 0; i < N_PAT; i++)
		regfree(&re[i]);
	return 0;
}
