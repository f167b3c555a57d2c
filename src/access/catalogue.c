/* catalogue.c — adding qualities and secured applications to the catalogue, with checks
 * and an audit event in the same transaction; listing it in one language. */
#include "access/catalogue.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/sql.h"
#include "audit/audit.h"
#include "base/analyzer.h"
#include "base/utf8.h"
#include "value/value.h"

static bool
valid_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > CATALOGUE_CODE_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static int
audited(struct store_tx *tx, const struct actor *by, const char *action, const char *object)
{
	char actor[ACTOR_NAME_SIZE];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = by->role ? by->role : "operator",
		.object = object, .action = action, .source = by->source,
		.request_id = by->request_id,
	};

	return audit_append(tx, &ev);
}

static const char *const lang_names[4] = { "fr", "nl", "de", "en" };

int
catalogue_add_quality(struct store *s, const struct actor *by,
    const struct catalogue_quality *q, char *err, size_t errlen)
{
	struct store_tx *tx;
	char object[48];
	int rc;

	if (!valid_code(q->code)) {
		snprintf(err, errlen, "the code must be 1 to %d letters, digits, '_' or '-'",
		    CATALOGUE_CODE_MAX);
		return -3;
	}
	if (!valid_code(q->domain)) {
		snprintf(err, errlen, "the domain must be 1 to %d letters, digits, '_' or '-'",
		    CATALOGUE_CODE_MAX);
		return -3;
	}
	for (int i = 0; i < 4; i++)
		if (!value_ok(VALUE_TEXT, q->names[i], CATALOGUE_NAME_MAX)) {
			snprintf(err, errlen, "the %s name is missing, not UTF-8 or longer than %d "
			    "characters", lang_names[i], CATALOGUE_NAME_MAX);
			return -3;
		}
	if (q->sort < 0 || q->sort > 1000000) {
		snprintf(err, errlen, "the sort key must be 0 to 1000000");
		return -3;
	}
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec_try(tx, SQL_ACCESS_QUALITY_INSERT, "ttttttI", q->code, q->domain, q->names[0],
	    q->names[1], q->names[2], q->names[3], (int64_t)q->sort);
	if (rc != 1) {
		store_rollback(&tx);
		if (rc == -2)
			snprintf(err, errlen, "a quality '%s' exists already", q->code);
		return rc == -2 ? -2 : -1;
	}
	snprintf(object, sizeof(object), "quality:%s", q->code);
	if (audited(tx, by, "catalogue.quality.add", object) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

/* Whether the catalogue has quality code: 1, 0, -1. */
static int
quality_exists(struct store_tx *tx, const char *code)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_QUALITY_GET, &q, "tt", code, "fr") != 0)
		return -1;
	rc = store_next(q);
	store_done(q);
	return rc;
}

int
catalogue_add_application(struct store *s, const struct actor *by,
    const struct catalogue_app *a, char *err, size_t errlen)
{
	struct store_tx *tx;
	char object[48];
	int rc;

	if (!valid_code(a->code) || !valid_code(a->quality)) {
		snprintf(err, errlen, "codes must be 1 to %d letters, digits, '_' or '-'",
		    CATALOGUE_CODE_MAX);
		return -3;
	}
	for (int i = 0; i < 4; i++) {
		if (!value_ok(VALUE_TEXT, a->names[i], CATALOGUE_NAME_MAX)) {
			snprintf(err, errlen, "the %s name is missing, not UTF-8 or longer than %d "
			    "characters", lang_names[i], CATALOGUE_NAME_MAX);
			return -3;
		}
		if (!value_ok(VALUE_TEXT, a->descriptions[i], CATALOGUE_DESC_MAX)) {
			snprintf(err, errlen, "the %s description is missing, not UTF-8 or longer "
			    "than %d characters", lang_names[i], CATALOGUE_DESC_MAX);
			return -3;
		}
	}
	if (a->min_level < 1 || a->min_level > 3) {
		snprintf(err, errlen, "the minimum level must be 1 (low), 2 (substantial) or 3 (high)");
		return -3;
	}
	if (a->sort < 0 || a->sort > 1000000) {
		snprintf(err, errlen, "the sort key must be 0 to 1000000");
		return -3;
	}
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = quality_exists(tx, a->quality);
	if (rc != 1) {
		store_rollback(&tx);
		if (rc == 0)
			snprintf(err, errlen, "no quality '%s' in the catalogue", a->quality);
		return rc == 0 ? -3 : -1;
	}
	rc = store_exec_try(tx, SQL_ACCESS_APP_INSERT, "ttttttttttII", a->code, a->quality,
	    a->names[0], a->names[1], a->names[2], a->names[3], a->descriptions[0],
	    a->descriptions[1], a->descriptions[2], a->descriptions[3], (int64_t)a->min_level,
	    (int64_t)a->sort);
	if (rc != 1) {
		store_rollback(&tx);
		if (rc == -2)
			snprintf(err, errlen, "an application '%s' exists already", a->code);
		return rc == -2 ? -2 : -1;
	}
	snprintf(object, sizeof(object), "application:%s", a->code);
	if (audited(tx, by, "catalogue.application.add", object) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

struct qrow {
	char *code, *name;
};

int
catalogue_each(struct store *s, const char *lang,
    int (*fn)(void *arg, const char *quality, const char *quality_name, const char *app,
    const char *app_name, int min_level), void *arg)
{
	struct store_tx *tx;
	struct store_q *q;
	struct qrow *rows = NULL;
	size_t n = 0, cap = 0;
	int rc, result = 0;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_ACCESS_QUALITY_LIST, &q, "t", lang) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1) {
		if (n == cap) {
			struct qrow *nr;

			cap = cap ? cap * 2 : 16;
			nr = realloc(rows, cap * sizeof(*rows));
			if (nr == NULL) {
				rc = -1;
				break;
			}
			rows = nr;
		}
		rows[n].code = strdup(store_text(q, ACCESS_QUALITY_LIST_CODE) ?
		    store_text(q, ACCESS_QUALITY_LIST_CODE) : "");
		rows[n].name = strdup(store_text(q, ACCESS_QUALITY_LIST_NAME) ?
		    store_text(q, ACCESS_QUALITY_LIST_NAME) : "");
		/* gcc 12's analyzer loses the names already in rows when realloc moves the
		 * array (it does not follow the copied contents) and calls them leaked; every
		 * one is freed below. */
		ANALYZER_IGNORE("-Wanalyzer-malloc-leak")
		if (rows[n].code == NULL || rows[n].name == NULL) {
			free(rows[n].code);
			free(rows[n].name);
			rc = -1;
			break;
		}
		ANALYZER_END
		n++;
	}
	store_done(q);
	if (rc < 0)
		result = -1;
	for (size_t i = 0; result == 0 && i < n; i++) {
		if (fn(arg, rows[i].code, rows[i].name, NULL, NULL, 0) != 0)
			break;
		if (store_query(tx, SQL_ACCESS_APPS_OF_QUALITY, &q, "tt", rows[i].code, lang) != 0) {
			result = -1;
			break;
		}
		while ((rc = store_next(q)) == 1)
			if (fn(arg, rows[i].code, rows[i].name,
			    store_text(q, ACCESS_APPS_OF_QUALITY_CODE),
			    store_text(q, ACCESS_APPS_OF_QUALITY_NAME),
			    (int)store_int(q, ACCESS_APPS_OF_QUALITY_MIN_LEVEL)) != 0)
				break;
		store_done(q);
		if (rc < 0)
			result = -1;
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].name);
	}
	free(rows);
	store_rollback(&tx);
	return result;
}
