/* certs.c — "Gestion du certificat" and "Messages structurés" of a quality (issue 15):
 * its system certificates (request by CSR, registration of an existing one, renewal,
 * revocation, download) and the channel per application its software sends structured
 * messages by. The services are machine/certs.h. */
#include "apps/uman/uman.h"

#include <string.h>

#include "base/clock.h"
#include "base/msgid.h"
#include "machine/certs.h"

static const struct machine_settings *
settings(struct web_req *r)
{
	const struct app *app = web_app(r);

	return app->machine;
}

static const char *
status_label(struct web_req *r, const char *status)
{
	static const struct { const char *code, *msgid; } labels[] = {
		{ "active", N_("Actif") }, { "to_renew", N_("À renouveler") },
		{ "expired", N_("Expiré") }, { "revoked", N_("Révoqué") },
		{ "replaced", N_("Remplacé") },
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].code, status) == 0)
			return web_t(r, labels[i].msgid);
	return status;
}

static const char *
flash_of(const char *code)
{
	static const struct { const char *code, *msgid; } flashes[] = {
		{ "cert_registered", N_("Le certificat système a bien été enregistré.") },
		{ "cert_revoked", N_("Le certificat système a été révoqué.") },
		{ "channel_saved", N_("Le canal a bien été enregistré.") },
		{ "channel_removed", N_("Le canal a été supprimé.") },
	};

	for (size_t i = 0; code != NULL && i < sizeof(flashes) / sizeof(flashes[0]); i++)
		if (strcmp(flashes[i].code, code) == 0)
			return flashes[i].msgid;
	return NULL;
}

/* Field errors as "e_<prefix>_<field>" (two forms on one page), and the summary. */
static void
errors_at(struct web_req *r, struct tmpl_ctx *c, const char *prefix,
    const struct access_errors *err)
{
	app_field_errors(r, c, err);
	for (size_t i = 0; i < err->n; i++)
		tmpl_set(c, arena_printf(web_arena(r), "e_%s_%s", prefix, err->e[i].field),
		    web_t(r, err->e[i].msgid));
}

static int
read_apps(struct web_req *r, struct cert_input *in)
{
	const char *v[ACCESS_MAX_APPS + 1];
	size_t n = web_form_all(r, "apps", v, ACCESS_MAX_APPS + 1);

	for (size_t i = 0; i < n && i <= ACCESS_MAX_APPS; i++)
		in->apps[i] = v[i];
	in->napps = n;
	return 0;
}

/* Whether code is one of the comma-separated list (exactly, not a part of one). */
static bool
listed(const char *list, const char *code)
{
	size_t n = strlen(code);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, code, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return false;
}

static bool
ticked(const struct cert_input *in, const char *code)
{
	for (size_t i = 0; i < in->napps && i <= ACCESS_MAX_APPS; i++)
		if (strcmp(in->apps[i], code) == 0)
			return true;
	return false;
}

/* ---- the list and the two forms ---- */

static int
list_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct cert_view v;
	struct cert_input in = { 0 };
	struct tmpl_ctx *c;
	const char *mode = uman_form(r, "mode"), *fl;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = machine_view(uman_store(r), &who, here.org, here.quality, clock_time(),
	    web_arena(r), &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = uman_entity_page(r, N_("Gestion du certificat"), &here, true, &v.org,
	    v.quality_name);
	if (c == NULL)
		return -1;
	if ((fl = flash_of(web_query(r, "ok"))) != NULL)
		tmpl_set(c, "flash", web_t(r, fl));
	if (err != NULL)
		read_apps(r, &in);
	tmpl_set_bool(c, "may_sign", settings(r) != NULL && settings(r)->ca != NULL);
	for (size_t i = 0; i < v.n; i++) {
		struct tmpl_ctx *x = tmpl_list_add(c, "certs");

		if (x == NULL)
			return -1;
		tmpl_set(x, "id", v.rows[i].public_id);
		tmpl_set(x, "name", v.rows[i].name);
		tmpl_set(x, "subject", v.rows[i].subject);
		tmpl_set(x, "apps", v.rows[i].apps);
		tmpl_set(x, "until", uman_date(r, v.rows[i].not_after));
		tmpl_set(x, "status", v.rows[i].status);
		tmpl_set(x, "status_label", status_label(r, v.rows[i].status));
	}
	for (size_t i = 0; i < v.napps; i++) {
		struct tmpl_ctx *x = tmpl_list_add(c, "apps");
		bool mine = ticked(&in, v.apps[i].code);

		if (x == NULL)
			return -1;
		tmpl_set(x, "code", v.apps[i].code);
		tmpl_set(x, "name", v.apps[i].name);
		tmpl_set_bool(x, "checked_csr", mine && strcmp(mode, "csr") == 0);
		tmpl_set_bool(x, "checked_cert", mine && strcmp(mode, "cert") == 0);
	}
	if (err != NULL) {
		bool csr = strcmp(mode, "cert") != 0;

		tmpl_set(c, csr ? "label_csr" : "label_cert", uman_form(r, "label"));
		tmpl_set(c, csr ? "csr" : "cert", uman_form(r, csr ? "csr" : "cert"));
		errors_at(r, c, csr ? "csr" : "cert", err);
	}
	return web_render_status(r, status, "uman/certs", c);
}

static int
show_list(struct web_req *r)
{
	return list_page(r, 200, NULL);
}

static enum access_rc
do_register(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	struct cert_input in = { .label = uman_form(r, "label") };
	const char *mode = uman_form(r, "mode");
	char id[MACHINE_PUBLIC_ID_SIZE];

	read_apps(r, &in);
	if (strcmp(mode, "cert") == 0) {
		in.cert = uman_form(r, "cert");
		in.cert_len = strlen(in.cert);
	} else {
		in.csr = uman_form(r, "csr");
		in.csr_len = strlen(in.csr);
	}
	return machine_cert_register(uman_store(r), settings(r), who, here->org, here->quality,
	    &in, clock_time(), err, id);
}

static int
post_register(struct web_req *r)
{
	return uman_post(r, do_register, list_page, "/certificats?ok=cert_registered");
}

/* ---- one certificate: detail, renewal, revocation, download ---- */

static int
detail_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct cert_view v;
	struct cert_row row;
	struct cert_input in = { 0 };
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = machine_view(uman_store(r), &who, here.org, here.quality, clock_time(),
	    web_arena(r), &v);
	if (rc == ACCESS_OK)
		rc = machine_cert_get(uman_store(r), &who, here.org, here.quality,
		    web_param(r, "id"), clock_time(), web_arena(r), &row);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = uman_entity_page(r, N_("Certificat système"), &here, true, &v.org, v.quality_name);
	if (c == NULL)
		return -1;
	if (err != NULL)
		read_apps(r, &in);
	tmpl_set(c, "id", row.public_id);
	tmpl_set(c, "name", row.name);
	tmpl_set(c, "subject", row.subject);
	tmpl_set(c, "issuer", row.issuer);
	tmpl_set(c, "serial", row.serial);
	tmpl_set(c, "thumbprint", row.thumbprint);
	tmpl_set(c, "apps_list", row.apps);
	tmpl_set(c, "from", uman_date(r, row.not_before));
	tmpl_set(c, "until", uman_date(r, row.not_after));
	tmpl_set(c, "status_label", status_label(r, row.status));
	tmpl_set(c, "revoked_at", uman_date(r, row.revoked_at));
	tmpl_set(c, "reason", row.reason);
	tmpl_set_bool(c, "revoked", strcmp(row.status, "revoked") == 0);
	tmpl_set_bool(c, "may_renew", row.may_renew);
	tmpl_set_bool(c, "may_revoke", row.may_revoke);
	tmpl_set_bool(c, "by_portier", row.by_portier);
	for (size_t i = 0; i < v.napps; i++) {
		struct tmpl_ctx *x = tmpl_list_add(c, "apps");

		if (x == NULL)
			return -1;
		tmpl_set(x, "code", v.apps[i].code);
		tmpl_set(x, "name", v.apps[i].name);
		tmpl_set_bool(x, "checked", err ? ticked(&in, v.apps[i].code) :
		    listed(row.apps, v.apps[i].code));
	}
	tmpl_set(c, "label", err ? uman_form(r, "label") : row.name);
	if (err != NULL) {
		tmpl_set(c, "csr", uman_form(r, "csr"));
		tmpl_set(c, "reason_typed", uman_form(r, "reason"));
		errors_at(r, c, "x", err);
	}
	return web_render_status(r, status, "uman/cert", c);
}

static int
show_detail(struct web_req *r)
{
	return detail_page(r, 200, NULL);
}

static enum access_rc
do_renew(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	struct cert_input in = { .label = uman_form(r, "label"), .csr = uman_form(r, "csr"),
	    .renews = web_param(r, "id") };
	char id[MACHINE_PUBLIC_ID_SIZE];

	in.csr_len = strlen(in.csr);
	read_apps(r, &in);
	return machine_cert_register(uman_store(r), settings(r), who, here->org, here->quality,
	    &in, clock_time(), err, id);
}

static int
post_renew(struct web_req *r)
{
	return uman_post(r, do_renew, detail_page, "/certificats?ok=cert_registered");
}

static enum access_rc
do_revoke(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	return machine_cert_revoke(uman_store(r), settings(r), who, here->org, here->quality,
	    web_param(r, "id"), uman_form(r, "reason"), clock_time(), err);
}

static int
post_revoke(struct web_req *r)
{
	return uman_post(r, do_revoke, detail_page, "/certificats?ok=cert_revoked");
}

static int
download(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct cert_row row;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = machine_cert_get(uman_store(r), &who, here.org, here.quality, web_param(r, "id"),
	    clock_time(), web_arena(r), &row);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	web_add_header(r, "Content-Disposition", arena_printf(web_arena(r),
	    "attachment; filename=\"%s.pem\"", row.public_id));
	return web_send(r, 200, "application/x-pem-file", row.pem, strlen(row.pem));
}

/* ---- "Messages structurés" ---- */

static int
channels_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct cert_view v;
	struct tmpl_ctx *c;
	const char *fl, *typed_app = uman_form(r, "application");
	const char *typed_kind = uman_form(r, "kind"), *typed_cert = uman_form(r, "cert");
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = machine_view(uman_store(r), &who, here.org, here.quality, clock_time(),
	    web_arena(r), &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = uman_entity_page(r, N_("Messages structurés"), &here, true, &v.org, v.quality_name);
	if (c == NULL)
		return -1;
	if ((fl = flash_of(web_query(r, "ok"))) != NULL)
		tmpl_set(c, "flash", web_t(r, fl));
	for (size_t i = 0; i < v.nchannels; i++) {
		struct tmpl_ctx *x = tmpl_list_add(c, "channels");
		bool ws = strcmp(v.channels[i].kind, "ws") == 0;

		if (x == NULL)
			return -1;
		tmpl_set(x, "application", v.channels[i].application);
		tmpl_set(x, "kind", web_t(r, ws ? N_("Service web (certificat système)") :
		    N_("SFTP (clé SSH)")));
		tmpl_set(x, "detail", ws ? v.channels[i].thumbprint : v.channels[i].ssh_key);
		tmpl_set(x, "sender", v.channels[i].sender);
	}
	for (size_t i = 0; i < v.napps; i++) {
		struct tmpl_ctx *x = tmpl_list_add(c, "apps");

		if (x == NULL)
			return -1;
		tmpl_set(x, "code", v.apps[i].code);
		tmpl_set(x, "name", v.apps[i].name);
		tmpl_set_bool(x, "selected", err && strcmp(typed_app, v.apps[i].code) == 0);
	}
	for (size_t i = 0; i < v.n; i++) {
		struct tmpl_ctx *x;

		if (strcmp(v.rows[i].status, "active") != 0 &&
		    strcmp(v.rows[i].status, "to_renew") != 0)
			continue;
		if ((x = tmpl_list_add(c, "certs")) == NULL)
			return -1;
		tmpl_set(x, "id", v.rows[i].public_id);
		tmpl_set(x, "name", v.rows[i].name);
		tmpl_set(x, "until", uman_date(r, v.rows[i].not_after));
		tmpl_set_bool(x, "selected", err && strcmp(typed_cert, v.rows[i].public_id) == 0);
	}
	tmpl_set_bool(c, "kind_sftp", err && strcmp(typed_kind, "sftp") == 0);
	if (err != NULL) {
		tmpl_set(c, "ssh_key", uman_form(r, "ssh_key"));
		tmpl_set(c, "sender", uman_form(r, "sender"));
		errors_at(r, c, "ch", err);
	}
	return web_render_status(r, status, "uman/channels", c);
}

static int
show_channels(struct web_req *r)
{
	return channels_page(r, 200, NULL);
}

static enum access_rc
do_channel(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	struct channel_input in = {
		.application = uman_form(r, "application"), .kind = uman_form(r, "kind"),
		.cert = uman_form(r, "cert"), .ssh_key = uman_form(r, "ssh_key"),
		.sender = uman_form(r, "sender"),
	};

	return machine_channel_put(uman_store(r), who, here->org, here->quality, &in,
	    clock_time(), err);
}

static int
post_channel(struct web_req *r)
{
	return uman_post(r, do_channel, channels_page, "/messages?ok=channel_saved");
}

static enum access_rc
do_channel_remove(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	memset(err, 0, sizeof(*err));
	return machine_channel_remove(uman_store(r), who, here->org, here->quality,
	    uman_form(r, "application"));
}

static int
post_channel_remove(struct web_req *r)
{
	return uman_post(r, do_channel_remove, channels_page, "/messages?ok=channel_removed");
}

int
uman_certs_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/qualite/:q/certificats", show_list, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/certificats", post_register, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/certificats/:id", show_detail, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/certificats/:id/pem", download, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/certificats/:id/renouveler", post_renew,
	    0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/certificats/:id/revoquer", post_revoke,
	    0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/messages", show_channels, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/messages", post_channel, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/messages/supprimer",
	    post_channel_remove, 0) != 0)
		return -1;
	return 0;
}
