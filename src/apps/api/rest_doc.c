/* rest_doc.c — GET /api/openapi.json: the REST API's OpenAPI 3.1 document, kept in the
 * repository (data/openapi.json, installed with the shared files) and served with the
 * addresses of this instance filled in: the server and the token endpoint of its issuer. */
#include "apps/api/rest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/app.h"
#include "base/log.h"
#include "oidc/provider.h"

/* Sets the document's servers and the client-credentials flow's token URL from the
 * issuer (where portier is reached), so that nothing in the file names a host. */
static int
fill_addresses(json_t *doc, const char *issuer)
{
	json_t *cc = json_object_get(json_object_get(json_object_get(json_object_get(
	    json_object_get(doc, "components"), "securitySchemes"), "machine"), "flows"),
	    "clientCredentials");
	char token[1100];

	if (!json_is_object(cc) || snprintf(token, sizeof(token), "%s/oidc/token", issuer) >=
	    (int)sizeof(token))
		return -1;
	if (json_object_set_new(cc, "tokenUrl", json_string(token)) != 0)
		return -1;
	return json_object_set_new(doc, "servers", json_pack("[{s:s}]", "url", issuer));
}

int
rest_openapi(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *issuer = oidc_provider_issuer(app->oidc);
	char path[1100];
	json_error_t e;
	json_t *doc;
	char *text;
	int rc;

	if (snprintf(path, sizeof(path), "%s/data/openapi.json", app->share_dir) >=
	    (int)sizeof(path))
		return -1;
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (doc == NULL) {
		log_err(web_rid(r), "rest: %s: %s (line %d)", path, e.text, e.line);
		return -1;
	}
	if (fill_addresses(doc, issuer) != 0) {
		json_decref(doc);
		return -1;
	}
	text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL)
		return -1;
	/* Public: the same for everyone, and it changes only with the binary. */
	rc = web_add_header(r, "Cache-Control", "public, max-age=300");
	if (rc == 0)
		rc = web_add_header(r, "Access-Control-Allow-Origin", "*");
	if (rc == 0)
		rc = web_send(r, 200, "application/json", text, strlen(text));
	free(text);
	return rc;
}
