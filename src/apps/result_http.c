/* result_http.c — one table from the access domain's result codes to HTTP statuses, used
 * by the access-management, designation and helpdesk pages alike, and field errors. */
#include "apps/result_http.h"

#include "base/log.h"

static const struct {
	enum access_rc rc;
	int status;
} statuses[] = {
	{ ACCESS_DENIED, 403 },
	{ ACCESS_REFUSED, 403 },
	{ ACCESS_NOT_FOUND, 404 },
	/* Forms answer their own invalid input (422 with the field errors) and conflicts;
	 * one reaching here is a request out of step. */
	{ ACCESS_INVALID, 400 },
	{ ACCESS_CONFLICT, 400 },
	{ ACCESS_EXISTS, 400 },
	{ ACCESS_BUSY, 503 },
};

int
app_status_of(enum access_rc rc)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].rc == rc)
			return statuses[i].status;
	return 500;
}

int
app_fail(struct web_req *r, enum access_rc rc)
{
	int status = app_status_of(rc);

	if (status == 500)
		log_err(web_rid(r), "service failed (result %d)", (int)rc);
	if (status == 503 && web_add_header(r, "Retry-After", "30") != 0)
		return -1;
	return web_error(r, status);
}

void
app_field_errors(struct web_req *r, struct tmpl_ctx *c, const struct access_errors *err)
{
	for (size_t i = 0; i < err->n; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "errors");
		const char *text = web_t(r, err->e[i].msgid);

		tmpl_set(c, arena_printf(web_arena(r), "err_%s", err->e[i].field), text);
		if (e != NULL) {
			tmpl_set(e, "field", err->e[i].field);
			tmpl_set(e, "text", text);
		}
	}
	tmpl_set_bool(c, "has_errors", err->n > 0);
}
