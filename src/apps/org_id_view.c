/* org_id_view.c — an organisation's identifier on a page: the type's localised name and
 * the formatted value, the same on every screen that once showed an enterprise number. */
#include "apps/org_id_view.h"

#include <stdio.h>
#include <string.h>

#include "access/org_id.h"
#include "base/arena.h"

const char *
app_org_id_type(struct web_req *r, const char *type)
{
	const char *m = org_id_type_msgid(type);

	return m ? web_t(r, m) : "";
}

const char *
app_org_id_value(struct web_req *r, const char *type, const char *value)
{
	char out[ORG_ID_VALUE_MAX + 8];
	const char *s;

	org_id_show(type, value, out, sizeof(out));
	s = arena_strdup(web_arena(r), out);
	return s ? s : "";
}

const char *
app_org_identifier(struct web_req *r, const char *type, const char *value)
{
	const char *name, *v, *s;
	size_t n;
	char *out;

	if (value == NULL || value[0] == '\0')
		return "";
	if (type == NULL || type[0] == '\0')
		type = strlen(value) == 10 && strspn(value, "0123456789") == 10 ? "kbo" : "foreign";
	name = app_org_id_type(r, type);
	v = app_org_id_value(r, type, value);
	n = strlen(name) + strlen(v) + 2;
	out = arena_alloc(web_arena(r), n);
	if (out == NULL)
		return v;
	snprintf(out, n, "%s%s%s", name, name[0] ? " " : "", v);
	s = out;
	return s;
}
