/* activate.c — "Activer une qualité" in the three steps of guide §3: the quality's e-mail
 * and who manages it; the local manager's data and secured applications; the
 * confirmation ("Précédent" / "Confirmer"). Nothing is kept between steps but hidden
 * fields, and every step checks them all again through the service. */
#include "apps/uman/uman.h"

#include <string.h>
#include <time.h>

#include "access/hierarchy.h"
#include "base/msgid.h"

/* The quality being activated and its applications. */
struct wizard {
	struct actor who;
	struct uman_here here;
	struct quality_info q;
	struct app_info *apps;
	size_t napps;
	struct org org;
};

/* Loads the quality named by code (query on GET, form on POST); answers on failure. */
static int
wizard_load(struct web_req *r, struct wizard *w, const char *code, bool active_ok)
{
	enum access_rc rc;

	if (!uman_enter(r, &w->who, &w->here))
		return 0;
	rc = quality_activation_start(uman_store(r), &w->who, w->here.org, code, web_arena(r),
	    &w->q, &w->apps, &w->napps);
	if (rc == ACCESS_EXISTS && !active_ok) {
		/* Already active: its page says so. */
		web_redirect(r, arena_printf(web_arena(r), "/acces/%lld/qualite/%lld",
		    (long long)w->here.org, (long long)w->q.id));
		return 0;
	}
	if (rc != ACCESS_OK && rc != ACCESS_EXISTS) {
		app_fail(r, rc);
		return 0;
	}
	w->here.org_manager = true;
	rc = hierarchy_org(uman_store(r), &w->who, w->here.org, web_arena(r), &w->org);
	if (rc != ACCESS_OK) {
		app_fail(r, rc);
		return 0;
	}
	return 1;
}

static struct tmpl_ctx *
wizard_page(struct web_req *r, struct wizard *w)
{
	struct tmpl_ctx *c = uman_page(r, N_("Activer une qualité"), &w->here, true);

	if (c == NULL)
		return NULL;
	uman_entity(r, c, &w->org, NULL);
	tmpl_set(c, "q_code", w->q.code);
	tmpl_set(c, "q_name", w->q.name);
	return c;
}

/* Step 1 with what was typed (or nothing). */
static int
step1(struct web_req *r, struct wizard *w, int status, const struct access_errors *err)
{
	struct tmpl_ctx *c = wizard_page(r, w);
	const char *mode = uman_form(r, "mode");

	if (c == NULL)
		return -1;
	tmpl_set(c, "email_quality", uman_form(r, "email_quality"));
	tmpl_set(c, "niss", uman_form(r, "niss"));
	tmpl_set_bool(c, "mode_self", strcmp(mode, "self") == 0);
	tmpl_set_bool(c, "mode_gl", strcmp(mode, "gl") == 0);
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/activate1", c);
}

/* Carries step 1's answers to the next pages. */
static void
step1_hidden(struct web_req *r, struct tmpl_ctx *c, const char *niss)
{
	tmpl_set(c, "email_quality", uman_form(r, "email_quality"));
	tmpl_set(c, "mode", uman_form(r, "mode"));
	tmpl_set(c, "niss", niss);
	tmpl_set_bool(c, "mode_self", strcmp(uman_form(r, "mode"), "self") == 0);
}

/* Step 2: the local manager's form, from in (prefill or typed). */
static int
step2(struct web_req *r, struct wizard *w, int status, const struct user_input *in,
    bool locked, const char *niss, const struct access_errors *err)
{
	struct tmpl_ctx *c = wizard_page(r, w);

	if (c == NULL)
		return -1;
	step1_hidden(r, c, niss);
	uman_user_form(r, c, in, locked, niss, w->apps, w->napps, err);
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/activate2", c);
}

static void
read_step1(struct web_req *r, struct activation_input *in)
{
	memset(in, 0, sizeof(*in));
	in->quality = web_form(r, "quality");
	in->email = web_form(r, "email_quality");
	in->mode = web_form(r, "mode");
	in->niss = web_form(r, "niss");
}

static int
start(struct web_req *r)
{
	struct wizard w;

	if (!wizard_load(r, &w, web_query(r, "qualite"), false))
		return 0;
	return step1(r, &w, 200, NULL);
}

/* Step 1 → step 2. */
static int
to_manager(struct web_req *r)
{
	struct activation_input in;
	struct access_errors err;
	struct user_prefill gl;
	struct user_input prefill;
	struct wizard w;
	enum access_rc rc;

	if (!wizard_load(r, &w, web_form(r, "quality"), false))
		return 0;
	read_step1(r, &in);
	rc = quality_activation_step1(uman_store(r), &w.who, w.here.org, &in, web_arena(r), &gl,
	    &err);
	if (rc == ACCESS_INVALID)
		return step1(r, &w, 422, &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	prefill = uman_input_of(&gl);
	return step2(r, &w, 200, &prefill, gl.names_locked, gl.niss, NULL);
}

/* Step 2 → confirmation (or back to step 1). */
static int
to_confirm(struct web_req *r)
{
	struct activation_input in;
	struct access_errors err;
	struct tmpl_ctx *c;
	struct wizard w;
	enum access_rc rc;
	bool locked = strcmp(uman_form(r, "locked"), "1") == 0;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;

	if (!wizard_load(r, &w, web_form(r, "quality"), false))
		return 0;
	if (web_form(r, "back") != NULL)
		return step1(r, &w, 200, NULL);
	read_step1(r, &in);
	uman_read_user(r, &in.gl);
	rc = quality_activation_check(uman_store(r), &w.who, w.here.org, &in, &err);
	if (rc == ACCESS_INVALID || rc == ACCESS_EXISTS)
		return step2(r, &w, rc == ACCESS_EXISTS ? 409 : 422, &in.gl, locked,
		    uman_form(r, "niss"), &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = wizard_page(r, &w);
	if (c == NULL)
		return -1;
	step1_hidden(r, c, uman_form(r, "niss"));
	uman_user_form(r, c, &in.gl, locked, uman_form(r, "niss"), w.apps, w.napps, NULL);
	tmpl_set_bool(c, "locked", locked);
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%d/%m/%Y", &tm);
	tmpl_set(c, "today", today);
	return web_render(r, "uman/activate3", c);
}

/* "Confirmer" (or back to step 2). */
static int
save(struct web_req *r)
{
	struct activation_input in;
	struct access_errors err;
	struct wizard w;
	enum access_rc rc;
	int64_t quality = 0;
	bool again = false, locked = strcmp(uman_form(r, "locked"), "1") == 0;

	/* Confirming twice: the second answer is the same success. */
	if (!wizard_load(r, &w, web_form(r, "quality"), true))
		return 0;
	read_step1(r, &in);
	uman_read_user(r, &in.gl);
	if (web_form(r, "back") != NULL)
		return step2(r, &w, 200, &in.gl, locked, uman_form(r, "niss"), NULL);
	rc = quality_activate(uman_store(r), &w.who, w.here.org, &in, &err, &quality, &again);
	if (rc == ACCESS_INVALID || rc == ACCESS_EXISTS || rc == ACCESS_CONFLICT)
		return step2(r, &w, rc == ACCESS_INVALID ? 422 : 409, &in.gl, locked,
		    uman_form(r, "niss"), &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r), "/acces/%lld?ok=activated",
	    (long long)w.here.org));
}

int
uman_activate_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/activer", start, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/activer/gestionnaire", to_manager, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/activer/confirmation", to_confirm, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/activer/enregistrer", save, 0) != 0)
		return -1;
	return 0;
}
