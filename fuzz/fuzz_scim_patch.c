/* fuzz_scim_patch.c — libFuzzer driver for src/scim/patch.c and src/scim/user.c: arbitrary
 * bytes as a PatchOp applied to a fixed user's JSON, and as a User resource read; a
 * refusal names a scimType and a detail, a patched resource stays an object. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "fuzz_common.h"
#include "scim/patch.h"
#include "scim/user.h"

static const char user[] =
    "{\"schemas\":[\"" SCIM_URN_USER "\",\"" SCIM_URN_EXT "\"],\"id\":\"0123\","
    "\"userName\":\"ann\",\"externalId\":\"82040501111\",\"name\":{\"familyName\":\"V\","
    "\"givenName\":\"Ann\"},\"emails\":[{\"value\":\"a@x.be\",\"type\":\"work\","
    "\"primary\":true}],\"preferredLanguage\":\"nl\",\"active\":true,\"" SCIM_URN_EXT "\":"
    "{\"applications\":[{\"value\":\"A\",\"display\":\"App\"}]},\"meta\":{\"created\":"
    "\"2026-01-01T00:00:00Z\",\"lastModified\":\"2026-01-01T00:00:00Z\"}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(1 << 20);
	json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	json_t *res = json_loads(user, 0, NULL);
	struct scim_user_in in;
	const char *type = NULL, *detail = NULL;
	int rc;

	check(a != NULL && res != NULL);
	if (body != NULL) {
		rc = scim_patch_apply(a, res, body, 100, &scim_user_schema, &type, &detail);
		check(rc == 0 || rc == 1);
		if (rc == 1)
			check(type != NULL && detail != NULL);
		check(json_is_object(res));
		/* The patched resource is read as a PUT would read it. */
		type = detail = NULL;
		rc = scim_user_parse(res, a, &in, &type, &detail);
		check(rc == 0 || (rc == 1 && type != NULL && detail != NULL));
		check(in.napps <= SCIM_USER_APPS_MAX);
		type = detail = NULL;
		rc = scim_user_parse(body, a, &in, &type, &detail);
		check(rc == 0 || (rc == 1 && type != NULL && detail != NULL));
		if (rc == 0 && in.lang != NULL)
			check(strlen(in.lang) == 2);
	}
	json_decref(body);
	json_decref(res);
	arena_free(a);
	return 0;
}
