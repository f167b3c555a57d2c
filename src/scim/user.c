/* user.c — the SCIM User resource (scim/user.h): the attribute table and JSON map shared
 * by filters and PATCH, the resource written from a user, a request read into what it asks. */
#include "scim/user.h"

#include <string.h>

static const struct scim_attr user_attrs[] = {
	{ "id", U_ID, SCIM_STRING, true },
	{ "externalId", U_EXTERNAL, SCIM_STRING, true },
	{ "userName", U_USERNAME, SCIM_STRING, false },
	{ "name", U_NAME, SCIM_STRING, false },
	{ "name.familyName", U_FAMILY, SCIM_STRING, false },
	{ "name.givenName", U_GIVEN, SCIM_STRING, false },
	{ "emails", U_EMAILS, SCIM_STRING, false },
	{ "emails.value", U_EMAILS_VALUE, SCIM_STRING, false },
	{ "emails.type", U_EMAILS_TYPE, SCIM_STRING, false },
	{ "emails.primary", U_EMAILS_PRIMARY, SCIM_BOOLEAN, false },
	{ "preferredLanguage", U_LANG, SCIM_STRING, false },
	{ "active", U_ACTIVE, SCIM_BOOLEAN, false },
	{ "meta.created", U_CREATED, SCIM_DATETIME, false },
	{ "meta.lastModified", U_MODIFIED, SCIM_DATETIME, false },
	{ "applications", U_APPS, SCIM_STRING, true },
	{ "applications.value", U_APPS_VALUE, SCIM_STRING, true },
	{ "applications.display", U_APPS_DISPLAY, SCIM_STRING, false },
};

static const struct scim_json_attr user_map[] = {
	{ U_ID, NULL, "id", -1, false },
	{ U_EXTERNAL, NULL, "externalId", -1, false },
	{ U_USERNAME, NULL, "userName", -1, false },
	{ U_NAME, NULL, "name", -1, false },
	{ U_FAMILY, "name", "familyName", -1, false },
	{ U_GIVEN, "name", "givenName", -1, false },
	{ U_EMAILS, NULL, "emails", -1, true },
	{ U_EMAILS_VALUE, NULL, "value", U_EMAILS, false },
	{ U_EMAILS_TYPE, NULL, "type", U_EMAILS, false },
	{ U_EMAILS_PRIMARY, NULL, "primary", U_EMAILS, false },
	{ U_LANG, NULL, "preferredLanguage", -1, false },
	{ U_ACTIVE, NULL, "active", -1, false },
	{ U_CREATED, "meta", "created", -1, false },
	{ U_MODIFIED, "meta", "lastModified", -1, false },
	{ U_APPS, SCIM_URN_EXT, "applications", -1, true },
	{ U_APPS_VALUE, NULL, "value", U_APPS, false },
	{ U_APPS_DISPLAY, NULL, "display", U_APPS, false },
};

static const char *const user_urns[] = { SCIM_URN_USER, SCIM_URN_EXT, NULL };

const struct scim_schema scim_user_schema = {
	user_attrs, sizeof(user_attrs) / sizeof(user_attrs[0]), user_urns,
	user_map, sizeof(user_map) / sizeof(user_map[0]),
};


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

/* A string member, or a refusal when of another type. */
static int
str_member(json_t *o, const char *k, const char **out, const char **why)
{
	json_t *v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		*why = k;
		return 1;
	}
	*out = json_string_value(v);
	return 0;
}

static int
parse_emails(json_t *emails, const char **out)
{
	const char *work = NULL, *primary = NULL, *first = NULL;
	size_t i;
	json_t *e;

	*out = NULL;
	if (emails == NULL || json_is_null(emails))
		return 0;
	if (!json_is_array(emails) || json_array_size(emails) > 8)
		return 1;
	json_array_foreach(emails, i, e) {
		const char *v = json_string_value(json_object_get(e, "value"));
		const char *t = json_string_value(json_object_get(e, "type"));

		if (!json_is_object(e) || v == NULL)
			return 1;
		if (first == NULL)
			first = v;
		if (json_is_true(json_object_get(e, "primary")))
			primary = v;
		if (t != NULL && strcmp(t, "work") == 0 && work == NULL)
			work = v;
	}
	*out = primary ? primary : work ? work : first;
	return 0;
}

/* The language: fr, nl, de, en (a tag as fr-BE gives its language). */
static const char *
parse_lang(struct arena *a, const char *s)
{
	static const char *const ok[] = { "fr", "nl", "de", "en" };
	char l[3];

	if (strlen(s) < 2 || (s[2] != '\0' && s[2] != '-' && s[2] != '_') || strlen(s) > 16)
		return NULL;
	l[0] = (char)(s[0] | 0x20);
	l[1] = (char)(s[1] | 0x20);
	l[2] = '\0';
	for (size_t i = 0; i < 4; i++)
		if (strcmp(l, ok[i]) == 0)
			return arena_strdup(a, ok[i]);
	return NULL;
}

static int
parse_apps(json_t *arr, struct scim_user_in *in)
{
	size_t i;
	json_t *e;

	in->has_apps = true;
	in->napps = 0;
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return 1;
	json_array_foreach(arr, i, e) {
		const char *v = json_is_string(e) ? json_string_value(e) :
		    json_string_value(json_object_get(e, "value"));
		bool dup = false;

		if (v == NULL || strlen(v) > 64)
			return 1;
		for (size_t k = 0; k < in->napps; k++)
			dup = dup || strcmp(in->apps[k], v) == 0;
		if (dup)
			continue;
		if (in->napps == SCIM_USER_APPS_MAX)
			return 1;
		in->apps[in->napps++] = v;
	}
	return 0;
}

static int
refuse(const char **type, const char **detail, const char *t, const char *d)
{
	*type = t;
	*detail = d;
	return 1;
}

int
scim_user_parse(json_t *body, struct arena *a, struct scim_user_in *in, const char **type,
    const char **detail)
{
	const char *why = NULL, *lang = NULL;
	json_t *name = json_object_get(body, "name"), *active = json_object_get(body, "active");
	json_t *ext = json_object_get(body, SCIM_URN_EXT);

	memset(in, 0, sizeof(*in));
	in->active = -1;
	if (!has_schema(body, SCIM_URN_USER))
		return refuse(type, detail, "invalidSyntax", "schemas must name " SCIM_URN_USER);
	if (str_member(body, "userName", &in->username, &why) != 0 ||
	    str_member(body, "externalId", &in->niss, &why) != 0 ||
	    str_member(body, "preferredLanguage", &lang, &why) != 0 ||
	    (name != NULL && !json_is_null(name) && !json_is_object(name) && (why = "name")) ||
	    str_member(name, "familyName", &in->family, &why) != 0 ||
	    str_member(name, "givenName", &in->given, &why) != 0) {
		const char *d = arena_printf(a, "%s has the wrong type", why);

		return d == NULL ? -1 : refuse(type, detail, "invalidValue", d);
	}
	if (parse_emails(json_object_get(body, "emails"), &in->email) != 0)
		return refuse(type, detail, "invalidValue",
		    "emails is an array of objects with a value");
	if (lang != NULL && (in->lang = parse_lang(a, lang)) == NULL)
		return refuse(type, detail, "invalidValue",
		    "preferredLanguage is one of fr, nl, de, en");
	if (active != NULL && !json_is_null(active)) {
		if (!json_is_boolean(active))
			return refuse(type, detail, "invalidValue", "active is a boolean");
		in->active = json_is_true(active);
	}
	if (ext != NULL && !json_is_object(ext))
		return refuse(type, detail, "invalidValue", SCIM_URN_EXT " is an object");
	if (json_object_get(ext, "applications") != NULL &&
	    parse_apps(json_object_get(ext, "applications"), in) != 0)
		return refuse(type, detail, "invalidValue", "applications is an array of at most "
		    "32 application codes ({\"value\": code})");
	return 0;
}

json_t *
scim_user_json(const struct scim_user *u, struct arena *a)
{
	json_t *apps = json_array(), *o;
	const char *formatted = arena_printf(a, "%s %s", u->first, u->last);

	if (apps == NULL || formatted == NULL) {
		json_decref(apps);
		return NULL;
	}
	for (size_t i = 0; i < u->napps; i++)
		if (json_array_append_new(apps, json_pack("{s:s, s:s}", "value", u->apps[i],
		    "display", u->names[i])) != 0) {
			json_decref(apps);
			return NULL;
		}
	o = json_pack("{s:[s,s], s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:b}], s:s, "
	    "s:b, s:{s:o}, s:{s:s, s:s, s:s, s:s, s:s}}",
	    "schemas", SCIM_URN_USER, SCIM_URN_EXT,
	    "id", u->id, "externalId", u->niss, "userName", u->username,
	    "name", "familyName", u->last, "givenName", u->first, "formatted", formatted,
	    "emails", "value", u->email, "type", "work", "primary", 1,
	    "preferredLanguage", u->lang,
	    "active", u->active,
	    SCIM_URN_EXT, "applications", apps,
	    "meta", "resourceType", "User", "created", u->created, "lastModified", u->modified,
	    "version", u->version, "location", u->location);
	return o;
}
