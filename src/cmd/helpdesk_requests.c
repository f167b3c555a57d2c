/* helpdesk_requests.c — `portier helpdesk requests` and `portier helpdesk request REF`:
 * the exception procedure's queue and one request's decisions, read through the helpdesk
 * service in the name of a helpdesk operator (its policy and audit apply). */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "cmd/opts.h"
#include "csam/exception.h"
#include "csam/helpdesk.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier helpdesk requests --as NISS [--status STATUS] [--db PATH]\n"
    "       portier helpdesk request REFERENCE --as NISS [--db PATH]\n"
    "\n"
    "requests prints the requests of the exception procedure, oldest first, as JSON lines\n"
    "(reference, case_kind, status, company_name, enterprise, country, submitted_at); status\n"
    "is received, paper, approving, approved or rejected. request prints one request's\n"
    "reference, status, decisions (action, reason, at, operator), the person who filed it\n"
    "(submitted_by: a person id, 0 when not logged in) and the names of the legal\n"
    "representative and the GAP as typed (rep_last_name, rep_first_name, gap_last_name,\n"
    "gap_first_name). Both read as the helpdesk operator of NISS would at /helpdesk.\n"
    "Exit status: 0 done, 1 refused (not an operator, no such request), 2 usage or database\n"
    "error.\n";

/* Prints j as one line; 0 or -1. */
static int
line(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int rc = text != NULL && printf("%s\n", text) > 0 ? 0 : -1;

	free(text);
	json_decref(j);
	return rc;
}

static enum access_rc
queue(struct store *s, struct arena *a, const struct actor *who, const char *status)
{
	struct csam_queue_filter f = { .status = status };
	struct csam_queue_item *items;
	size_t n = 0, total = 0;
	enum access_rc rc;

	do {
		rc = csam_queue(s, a, who, &f, &items, &n, &total);
		for (size_t i = 0; rc == ACCESS_OK && i < n; i++)
			if (line(json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "reference",
			    items[i].reference, "case_kind", items[i].case_kind, "status",
			    items[i].status, "company_name", items[i].company_name, "enterprise",
			    items[i].enterprise, "country", items[i].country, "submitted_at",
			    items[i].submitted_at)) != 0)
				rc = ACCESS_ERROR;
		f.offset += n;
	} while (rc == ACCESS_OK && n > 0 && f.offset < total);
	return rc;
}

static enum access_rc
request(struct store *s, struct arena *a, const struct actor *who, const char *reference)
{
	struct csam_queue_filter f = { .reference = reference };
	struct csam_queue_item *items;
	struct csam_decision *d;
	struct csam_exc *x = arena_alloc(a, sizeof(*x));
	json_t *arr;
	size_t n = 0, total = 0, nd = 0;
	enum access_rc rc;

	if (x == NULL)
		return ACCESS_ERROR;
	rc = csam_request(s, a, who, reference, x, &d, &nd);
	if (rc == ACCESS_OK)
		rc = csam_queue(s, a, who, &f, &items, &n, &total);
	if (rc == ACCESS_OK && n != 1)
		rc = ACCESS_NOT_FOUND;
	if (rc != ACCESS_OK || (arr = json_array()) == NULL)
		return rc != ACCESS_OK ? rc : ACCESS_ERROR;
	for (size_t i = 0; i < nd; i++)
		json_array_append_new(arr, json_pack("{s:s?,s:s?,s:s?,s:I}", "action", d[i].action,
		    "reason", d[i].reason, "at", d[i].at, "operator", (json_int_t)d[i].operator_id));
	return line(json_pack("{s:s,s:s?,s:o,s:I,s:s?,s:s?,s:s?,s:s?}", "reference", reference,
	    "status", items[0].status, "decisions", arr, "submitted_by",
	    (json_int_t)x->submitted_by, "rep_last_name", x->rep_last_name, "rep_first_name",
	    x->rep_first_name, "gap_last_name", x->gap_last_name, "gap_first_name",
	    x->gap_first_name)) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

int
cmd_helpdesk_requests(int argc, char **argv)
{
	const char *as = NULL, *status = NULL;
	const struct cmd_opt opts[] = {
		{ .name = "as", .value = &as }, { .name = "status", .value = &status },
	};
	char *pos[2];
	struct config c;
	struct store *s;
	struct arena *a;
	struct actor who;
	int64_t person = 0;
	enum access_rc rc;
	int npos, x;

	x = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 2, &npos);
	if (x != 0)
		return x > 0 ? 0 : 2;
	if (as == NULL || !((npos == 1 && strcmp(pos[0], "requests") == 0) ||
	    (npos == 2 && strcmp(pos[0], "request") == 0 && status == NULL))) {
		fputs(usage, stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 2;
	if (cmd_person_of(s, as, &person) != 0 || (a = arena_new(0)) == NULL) {
		store_close(s);
		return 1;
	}
	who = cmd_manager_actor(person);
	who.role = "helpdesk";
	rc = npos == 1 ? queue(s, a, &who, status) : request(s, a, &who, pos[1]);
	arena_free(a);
	store_close(s);
	switch (rc) {
	case ACCESS_OK:
		return 0;
	case ACCESS_DENIED:
		fprintf(stderr, "portier: refused: not a helpdesk operator\n");
		return 1;
	case ACCESS_NOT_FOUND:
		fprintf(stderr, "portier: no such request\n");
		return 1;
	default:
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
}
