/* scim_groups.c — SCIM Groups: the applications of the token's quality (id = the
 * application's code, displayName = its name), members = the users granted it; a PATCH of
 * members grants or revokes through the users' own change (scim_user_grant), within the
 * token's scope. */
#include "apps/api/scim.h"

#include <string.h>

#include "access/quality.h"
#include "access/search.h"
#include "scim/filter.h"
#include "scim/ids.h"
#include "scim/patch.h"

enum { G_ID, G_NAME, G_MEMBERS, G_MEMBERS_VALUE, G_MEMBERS_DISPLAY };

static const struct scim_attr group_attrs[] = {
	{ "id", G_ID, SCIM_STRING, true },
	{ "displayName", G_NAME, SCIM_STRING, false },
	{ "members", G_MEMBERS, SCIM_STRING, true },
	{ "members.value", G_MEMBERS_VALUE, SCIM_STRING, true },
	{ "members.display", G_MEMBERS_DISPLAY, SCIM_STRING, false },
};

static const struct scim_json_attr group_map[] = {
	{ G_ID, NULL, "id", -1, false },
	{ G_NAME, NULL, "displayName", -1, false },
	{ G_MEMBERS, NULL, "members", -1, true },
	{ G_MEMBERS_VALUE, NULL, "value", G_MEMBERS, false },
	{ G_MEMBERS_DISPLAY, NULL, "display", G_MEMBERS, false },
};

static const char *const group_urns[] = { SCIM_URN_GROUP, NULL };

static const struct scim_schema group_schema = {
	group_attrs, sizeof(group_attrs) / sizeof(group_attrs[0]), group_urns,
	group_map, sizeof(group_map) / sizeof(group_map[0]),
};

static int
apps_of(struct scim_req *c, struct quality_view *qv, struct scim_out *o)
{
	int rc = quality_get(c->app->store, &c->p.actor, c->p.actor.org_id,
	    c->p.actor.quality_id, web_arena(c->r), qv);

	if (rc != ACCESS_OK)
		return scim_fail_access(c, o, rc, NULL), 1;
	return 0;
}

/* The members of application code (the users granted it) into arr: 0, or 1 with o set
 * (tooMany beyond SCIM_MEMBERS_MAX). */
static int
members_of(struct scim_req *c, const char *code, json_t *arr, struct scim_out *o)
{
	struct arena *a = web_arena(c->r);
	struct user_filter uf = { .application = code };
	struct access_errors err = { 0 };
	int page = 1, rc;

	for (;;) {
		struct user_page pg;
		int64_t acc[SEARCH_PAGE_MAX];
		const char *pid[SEARCH_PAGE_MAX];

		rc = search_users(c->app->store, &c->p.actor, c->p.actor.org_id,
		    c->p.actor.quality_id, &uf, page, SEARCH_PAGE_MAX, a, &pg, &err);
		if (rc != ACCESS_OK)
			return scim_fail_access(c, o, rc, &err), 1;
		if (pg.total > SCIM_MEMBERS_MAX)
			return scim_fail(o, 400, "tooMany", "the group has more than 1000 members: "
			    "ask it with excludedAttributes=members and list its members with "
			    "GET /Users?filter=" SCIM_URN_EXT ":applications.value eq \"<code>\""), 1;
		for (size_t i = 0; i < pg.n; i++)
			acc[i] = pg.rows[i].account_id;
		if (scim_public_ids(c->app->store, a, c->p.actor.org_id, acc, pg.n, pid) != 0)
			return scim_fail(o, 500, NULL, "internal error"), 1;
		for (size_t i = 0; i < pg.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "value", pid[i],
			    "display", pg.rows[i].username, "$ref", arena_printf(a, "%s/Users/%s",
			    c->base, pid[i])));
		if (pg.page >= pg.pages)
			return 0;
		page++;
	}
}

static json_t *
group_json(struct scim_req *c, const struct app_info *ap)
{
	return json_pack("{s:[s], s:s, s:s, s:{s:s, s:s}}", "schemas", SCIM_URN_GROUP,
	    "id", ap->code, "displayName", ap->name, "meta", "resourceType", "Group",
	    "location", arena_printf(web_arena(c->r), "%s/Groups/%s", c->base, ap->code));
}

/* The group of application id with its members (when asked) into *out: 0, 1 (o set). */
static int
build(struct scim_req *c, const struct quality_view *qv, const char *id, bool members,
    json_t **out, struct scim_out *o)
{
	const struct app_info *ap = NULL;
	json_t *arr;

	*out = NULL;
	for (size_t i = 0; i < qv->napps; i++)
		if (strcmp(qv->apps[i].code, id) == 0)
			ap = &qv->apps[i];
	if (ap == NULL)
		return scim_fail(o, 404, NULL, "no such group (application) in this quality"), 1;
	*out = group_json(c, ap);
	if (*out == NULL)
		return scim_fail(o, 500, NULL, "internal error"), 1;
	if (!members)
		return 0;
	arr = json_array();
	if (arr == NULL || json_object_set_new(*out, "members", arr) != 0 ||
	    members_of(c, id, arr, o) != 0) {
		json_decref(*out);
		*out = NULL;
		if (o->status == 0)
			scim_fail(o, 500, NULL, "internal error");
		return 1;
	}
	return 0;
}

int
scim_group_get(struct scim_req *c, const char *id, bool members, struct scim_out *o)
{
	struct quality_view qv;
	json_t *g;

	if (apps_of(c, &qv, o) != 0 || build(c, &qv, id, members, &g, o) != 0)
		return 0;
	json_decref(o->body);
	o->body = g;
	o->status = 200;
	o->location = arena_printf(web_arena(c->r), "%s/Groups/%s", c->base, id);
	return 0;
}

int
scim_group_list(struct scim_req *c, const struct scim_list_params *lp, struct scim_out *o)
{
	struct arena *a = web_arena(c->r);
	struct scim_filter *f = NULL;
	struct quality_view qv;
	const char *ferr = NULL;
	json_t *list;
	bool members = !(lp->excluded != NULL && strstr(lp->excluded, "members") != NULL) &&
	    !(lp->attributes != NULL && strstr(lp->attributes, "members") == NULL);
	size_t total = 0, shown = 0;
	int rc;

	if (lp->filter != NULL) {
		rc = scim_filter_parse(a, lp->filter, group_attrs, 5, group_urns, &f, &ferr);
		if (rc != 0)
			return rc < 0 ? scim_fail(o, 500, NULL, "internal error") :
			    scim_fail(o, 400, "invalidFilter", ferr);
		if (scim_filter_names(f, G_MEMBERS) || scim_filter_names(f, G_MEMBERS_VALUE))
			members = true;
	}
	if (apps_of(c, &qv, o) != 0)
		return 0;
	list = json_array();
	if (list == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	for (size_t i = 0; i < qv.napps; i++) {
		struct scim_json_res jr = { &group_schema, NULL, a };
		json_t *g;

		if (build(c, &qv, qv.apps[i].code, members, &g, o) != 0) {
			json_decref(list);
			return 0;
		}
		jr.res = g;
		if (f != NULL && !scim_filter_match(f, scim_json_get, &jr)) {
			json_decref(g);
			continue;
		}
		total++;
		if (total < (size_t)lp->start || shown >= (size_t)lp->count) {
			json_decref(g);
			continue;
		}
		scim_project(g, lp);
		json_array_append_new(list, g);
		shown++;
	}
	json_decref(o->body);
	o->body = json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas", SCIM_URN_LIST,
	    "totalResults", (json_int_t)total, "startIndex", (json_int_t)lp->start,
	    "itemsPerPage", (json_int_t)shown, "Resources", list);
	o->status = o->body != NULL ? 200 : 500;
	return 0;
}

static bool
listed_in(json_t *arr, const char *v)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (json_is_string(json_object_get(e, "value")) &&
		    strcmp(json_string_value(json_object_get(e, "value")), v) == 0)
			return true;
	return false;
}

int
scim_group_patch(struct scim_req *c, const char *id, json_t *body, struct scim_out *o)
{
	struct quality_view qv;
	const char *type = NULL, *detail = NULL;
	json_t *g = NULL, *before, *after;
	const char *add[SCIM_PATCH_OPS_MAX], *del[SCIM_PATCH_OPS_MAX];
	size_t nadd = 0, ndel = 0, i;
	json_t *e;
	int rc;

	if (apps_of(c, &qv, o) != 0 || build(c, &qv, id, true, &g, o) != 0)
		return 0;
	/* Within the token's scope: the application granted or revoked. */
	if (!api_scope_has(&c->p, id)) {
		json_decref(g);
		return scim_fail_scope(c, o, id);
	}
	before = json_deep_copy(json_object_get(g, "members"));
	rc = scim_patch_apply(web_arena(c->r), g, body, SCIM_PATCH_OPS_MAX, &group_schema,
	    &type, &detail);
	if (rc != 0 || before == NULL) {
		json_decref(g);
		json_decref(before);
		return rc > 0 ? scim_fail(o, 400, type, detail) :
		    scim_fail(o, 500, NULL, "internal error");
	}
	after = json_object_get(g, "members");
	for (size_t k = 0; k < qv.napps; k++)
		if (strcmp(qv.apps[k].code, id) == 0 &&
		    (!json_is_string(json_object_get(g, "displayName")) ||
		    strcmp(json_string_value(json_object_get(g, "displayName")),
		    qv.apps[k].name) != 0)) {
			json_decref(g);
			json_decref(before);
			return scim_fail(o, 400, "mutability", "displayName is the catalogue's name "
			    "of the application");
		}
	json_array_foreach(after, i, e) {
		const char *v = json_string_value(json_object_get(e, "value"));

		if (v == NULL) {
			rc = 1;
			break;
		}
		if (!listed_in(before, v)) {
			if (nadd == SCIM_PATCH_OPS_MAX) {
				rc = 2;
				break;
			}
			add[nadd++] = v;
		}
	}
	json_array_foreach(before, i, e) {
		const char *v = json_string_value(json_object_get(e, "value"));

		if (rc == 0 && !listed_in(after, v)) {
			if (ndel == SCIM_PATCH_OPS_MAX) {
				rc = 2;
				break;
			}
			del[ndel++] = v;
		}
	}
	if (rc != 0) {
		json_decref(g);
		json_decref(before);
		return rc == 1 ? scim_fail(o, 400, "invalidValue", "a member needs a value (a "
		    "user's id)") : scim_fail(o, 400, "tooMany", "too many members changed at "
		    "once (100)");
	}
	/* Every user named first, so that a wrong id changes nothing. */
	for (i = 0; i < nadd; i++) {
		int64_t acc;

		rc = scim_account_of(c->app->store, c->p.actor.org_id, c->p.actor.quality_id,
		    add[i], &acc);
		if (rc != 0) {
			json_decref(g);
			json_decref(before);
			return rc < 0 ? scim_fail(o, 500, NULL, "internal error") :
			    scim_fail(o, 400, "invalidValue", "a member is no user of this quality");
		}
	}
	/* One service call per user changed. A refusal (the policy on one of them, a change
	 * meanwhile) undoes the ones made before it, in reverse, through the same calls: the
	 * group is left as it was, as the answer says. */
	for (i = 0; i < nadd + ndel && o->status == 0; i++)
		scim_user_grant(c, i < nadd ? add[i] : del[i - nadd], id, i < nadd, o);
	if (o->status != 0) {
		for (size_t k = i - 1; k-- > 0;) {
			struct scim_out undo = { 0 };

			scim_user_grant(c, k < nadd ? add[k] : del[k - nadd], id, k >= nadd, &undo);
			json_decref(undo.body);
		}
	}
	json_decref(g);
	json_decref(before);
	if (o->status != 0)
		return 0;
	return scim_group_get(c, id, true, o);
}

int
scim_group_replace(struct scim_req *c, const char *id, json_t *body, struct scim_out *o)
{
	json_t *members = json_object_get(body, "members"), *name, *none = NULL;
	json_t *patch;
	size_t i;
	json_t *e;
	bool group = false;

	json_array_foreach(json_object_get(body, "schemas"), i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), SCIM_URN_GROUP) == 0)
			group = true;
	if (!group)
		return scim_fail(o, 400, "invalidSyntax", "schemas must name " SCIM_URN_GROUP);
	if (members != NULL && !json_is_array(members) && !json_is_null(members))
		return scim_fail(o, 400, "invalidValue", "members is an array");
	/* The replacement as one PATCH: the same checks, scope and grants. */
	if (!json_is_array(members) && (members = none = json_array()) == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	patch = json_pack("{s:[s], s:[{s:s, s:s, s:O}]}", "schemas", SCIM_URN_PATCH,
	    "Operations", "op", "replace", "path", "members", "value", members);
	json_decref(none);
	if (patch == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	name = json_object_get(body, "displayName");
	if (json_is_string(name))
		json_array_append_new(json_object_get(patch, "Operations"), json_pack("{s:s, s:s, s:O}",
		    "op", "replace", "path", "displayName", "value", name));
	scim_group_patch(c, id, patch, o);
	json_decref(patch);
	return 0;
}
