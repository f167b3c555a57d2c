/* patch.c — a SCIM PATCH applied to a resource's JSON (scim/patch.h): each operation's
 * path parsed by scim/filter.h, its target found through the schema's JSON map. */
#include "scim/patch.h"

#include <string.h>
#include <strings.h>

static const struct scim_json_attr *
map_of(const struct scim_schema *sc, int id)
{
	for (size_t i = 0; i < sc->nmap; i++)
		if (sc->map[i].id == id)
			return &sc->map[i];
	return NULL;
}

/* The object holding attribute m (created when create is set), or NULL. */
static json_t *
holder(json_t *res, const struct scim_json_attr *m, bool create)
{
	json_t *h;

	if (m->parent == NULL)
		return res;
	h = json_object_get(res, m->parent);
	if (json_is_object(h))
		return h;
	if (!create)
		return NULL;
	h = json_object();
	if (h == NULL || json_object_set_new(res, m->parent, h) != 0)
		return NULL;
	return h;
}

static const char *
text_of(struct arena *a, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

size_t
scim_json_get(void *arg, int id, int elem, const char **vals, size_t max)
{
	struct scim_json_res *jr = arg;
	const struct scim_json_attr *m = map_of(jr->sc, id), *pm;
	json_t *h, *arr, *e;
	size_t n = 0, i;

	if (m == NULL)
		return 0;
	if (m->multi_of < 0) {
		h = holder(jr->res, m, false);
		arr = h != NULL ? json_object_get(h, m->key) : NULL;
		if (!m->multi) {
			const char *t = text_of(jr->a, arr);

			if (t == NULL || max == 0)
				return 0;
			vals[0] = t;
			return 1;
		}
		/* The complex attribute itself: one value per element. */
		json_array_foreach(arr, i, e) {
			const char *t = json_is_object(e) ? text_of(jr->a, json_object_get(e, "value")) :
			    text_of(jr->a, e);

			if (n < max)
				vals[n++] = t != NULL ? t : "";
		}
		return n;
	}
	pm = map_of(jr->sc, m->multi_of);
	if (pm == NULL || (h = holder(jr->res, pm, false)) == NULL)
		return 0;
	arr = json_object_get(h, pm->key);
	json_array_foreach(arr, i, e) {
		const char *t;

		if (elem >= 0 && (size_t)elem != i)
			continue;
		t = text_of(jr->a, json_object_get(e, m->key));
		if (t != NULL && n < max)
			vals[n++] = t;
	}
	return n;
}

static int
refuse(const char **type, const char **detail, const char *t, const char *d)
{
	*type = t;
	*detail = d;
	return 1;
}

/* Whether two elements of a multi-valued attribute are the same value. */
static bool
same_value(json_t *x, json_t *y)
{
	json_t *a = json_is_object(x) ? json_object_get(x, "value") : x;
	json_t *b = json_is_object(y) ? json_object_get(y, "value") : y;

	return a != NULL && b != NULL && json_equal(a, b);
}

/* add: appends the elements of v (an array or one element) that are not there yet. */
static int
multi_add(json_t *h, const char *key, json_t *v)
{
	json_t *arr = json_object_get(h, key), *items, *e, *x;
	size_t i, j;
	bool dup;

	if (!json_is_array(arr)) {
		arr = json_array();
		if (arr == NULL || json_object_set_new(h, key, arr) != 0)
			return -1;
	}
	items = json_is_array(v) ? v : NULL;
	if (items == NULL) {
		if (json_array_append(arr, v) != 0)
			return -1;
		return 0;
	}
	json_array_foreach(items, i, e) {
		dup = false;
		json_array_foreach(arr, j, x)
			if (same_value(x, e))
				dup = true;
		if (!dup && json_array_append(arr, e) != 0)
			return -1;
	}
	return 0;
}

/* remove with a value and no filter (as some clients send members to remove): the
 * elements equal to one of v's. Returns how many went. */
static size_t
multi_remove_values(json_t *arr, json_t *v)
{
	size_t removed = 0, i, j;
	json_t *e, *x;

	for (i = json_array_size(arr); i-- > 0;) {
		e = json_array_get(arr, i);
		if (json_is_array(v)) {
			json_array_foreach(v, j, x) {
				if (same_value(e, x)) {
					json_array_remove(arr, i);
					removed++;
					break;
				}
			}
		} else if (same_value(e, v)) {
			json_array_remove(arr, i);
			removed++;
		}
	}
	return removed;
}

/* One operation on a value path: the elements of the path's attribute that match. */
static int
apply_filtered(struct arena *a, json_t *res, const struct scim_schema *sc,
    const struct scim_path *p, const struct scim_json_attr *m, const char *op, json_t *v,
    const char **type, const char **detail)
{
	struct scim_json_res jr = { sc, res, a };
	json_t *h = holder(res, m, false), *arr = h ? json_object_get(h, m->key) : NULL;
	const struct scim_json_attr *sm = p->sub >= 0 ? map_of(sc, p->sub) : NULL;
	size_t hit = 0;

	if (p->sub >= 0 && sm == NULL)
		return refuse(type, detail, "invalidPath", "the sub-attribute cannot be changed");
	for (size_t i = json_array_size(arr); i-- > 0;) {
		json_t *e = json_array_get(arr, i);

		if (!scim_path_match_elem(p, scim_json_get, &jr, (int)i))
			continue;
		hit++;
		if (strcasecmp(op, "remove") == 0) {
			if (sm != NULL)
				json_object_del(e, sm->key);
			else
				json_array_remove(arr, i);
		} else if (sm != NULL) {
			if (!json_is_object(e) || json_object_set(e, sm->key, v) != 0)
				return -1;
		} else if (json_is_object(v) && json_is_object(e)) {
			if (json_object_update(e, v) != 0)
				return -1;
		} else if (json_array_set(arr, i, v) != 0) {
			return -1;
		}
	}
	if (hit == 0)
		return refuse(type, detail, "noTarget", "the path's filter matches no value");
	return 0;
}

static int
apply_path(struct arena *a, json_t *res, const struct scim_schema *sc, const char *path,
    const char *op, json_t *v, const char **type, const char **detail)
{
	const struct scim_json_attr *m;
	struct scim_path p;
	const char *err = NULL;
	json_t *h;
	int rc;

	rc = scim_path_parse(a, path, sc->attrs, sc->nattrs, sc->urns, &p, &err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return refuse(type, detail, "invalidPath", err);
	m = map_of(sc, p.attr);
	if (m == NULL || m->multi_of >= 0)
		return refuse(type, detail, "invalidPath",
		    "the path names an attribute that cannot be changed this way");
	if (p.filter != NULL) {
		if (!m->multi)
			return refuse(type, detail, "invalidPath", "a filter on a single value");
		if (strcasecmp(op, "remove") != 0 && v == NULL)
			return refuse(type, detail, "invalidValue", "the operation has no value");
		return apply_filtered(a, res, sc, &p, m, op, v, type, detail);
	}
	if (strcasecmp(op, "remove") == 0) {
		h = holder(res, m, false);
		if (h == NULL)
			return 0;
		if (m->multi && v != NULL) {
			if (multi_remove_values(json_object_get(h, m->key), v) == 0)
				return refuse(type, detail, "noTarget", "no such value to remove");
			return 0;
		}
		json_object_del(h, m->key);
		return 0;
	}
	if (v == NULL || json_is_null(v))
		return refuse(type, detail, "invalidValue", "the operation has no value");
	if ((h = holder(res, m, true)) == NULL)
		return -1;
	if (m->multi) {
		if (strcasecmp(op, "add") == 0)
			return multi_add(h, m->key, v);
		return json_object_set_new(h, m->key, json_is_array(v) ? json_deep_copy(v) :
		    json_pack("[O]", v)) == 0 ? 0 : -1;
	}
	if (json_is_object(v) && json_is_object(json_object_get(h, m->key)))
		return json_object_update(json_object_get(h, m->key), v) == 0 ? 0 : -1;
	return json_object_set(h, m->key, v) == 0 ? 0 : -1;
}

/* An operation without path: each member of the value object is a path (an extension's
 * URN holds its own attributes). */
static int
apply_object(struct arena *a, json_t *res, const struct scim_schema *sc, const char *op,
    json_t *v, const char **type, const char **detail)
{
	const char *k, *k2;
	json_t *x, *y;
	int rc;

	if (!json_is_object(v))
		return refuse(type, detail, "invalidValue",
		    "an operation without path takes an object of attributes");
	json_object_foreach(v, k, x) {
		bool ext = false;

		for (size_t i = 1; sc->urns != NULL && sc->urns[i] != NULL; i++)
			if (strcasecmp(k, sc->urns[i]) == 0)
				ext = true;
		if (ext && json_is_object(x)) {
			json_object_foreach(x, k2, y) {
				const char *path = arena_printf(a, "%s:%s", k, k2);

				if (path == NULL)
					return -1;
				rc = apply_path(a, res, sc, path, op, y, type, detail);
				if (rc != 0)
					return rc;
			}
			continue;
		}
		if (strcasecmp(k, "schemas") == 0 || strcasecmp(k, "id") == 0 ||
		    strcasecmp(k, "meta") == 0)
			continue;
		rc = apply_path(a, res, sc, k, op, x, type, detail);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static bool
has_schema(json_t *body, const char *urn)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(body, "schemas"), i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), urn) == 0)
			return true;
	return false;
}

int
scim_patch_apply(struct arena *a, json_t *res, json_t *body, size_t max_ops,
    const struct scim_schema *sc, const char **type, const char **detail)
{
	json_t *ops = json_object_get(body, "Operations"), *o;
	size_t i;
	int rc;

	if (!has_schema(body, "urn:ietf:params:scim:api:messages:2.0:PatchOp"))
		return refuse(type, detail, "invalidSyntax", "schemas must name PatchOp");
	if (!json_is_array(ops) || json_array_size(ops) == 0)
		return refuse(type, detail, "invalidSyntax", "Operations must be a non-empty array");
	if (json_array_size(ops) > max_ops)
		return refuse(type, detail, "tooMany", "too many operations in one PATCH");
	json_array_foreach(ops, i, o) {
		json_t *jop = json_object_get(o, "op"), *jpath = json_object_get(o, "path");
		json_t *v = json_object_get(o, "value");
		const char *op = json_string_value(jop);

		if (op == NULL || (strcasecmp(op, "add") != 0 && strcasecmp(op, "replace") != 0 &&
		    strcasecmp(op, "remove") != 0))
			return refuse(type, detail, "invalidSyntax",
			    "op must be add, replace or remove");
		if (jpath != NULL && !json_is_string(jpath))
			return refuse(type, detail, "invalidPath", "path must be a string");
		if (jpath == NULL) {
			if (strcasecmp(op, "remove") == 0)
				return refuse(type, detail, "noTarget", "remove needs a path");
			rc = apply_object(a, res, sc, op, v, type, detail);
		} else {
			rc = apply_path(a, res, sc, json_string_value(jpath), op, v, type, detail);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}
