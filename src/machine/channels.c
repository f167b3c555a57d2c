/* channels.c — "Messages structurés": per application of a quality, the channel its
 * software sends structured messages by (a web service with one of the quality's system
 * certificates, or SFTP with an SSH key) and its sender identifier; the agency portal's
 * lookup. Registration only: the transport is the agency's. */
#include "machine/internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/msgid.h"
#include "machine/sql.h"

static const char *
dup(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

static int
channel_row(struct store_q *q, struct arena *a, struct channel_row *c)
{
	c->application = dup(a, store_text(q, MCH_APPLICATION));
	c->kind = dup(a, store_text(q, MCH_KIND));
	c->cert = dup(a, store_text(q, MCH_CERT));
	c->thumbprint = dup(a, store_text(q, MCH_THUMBPRINT));
	c->ssh_key = dup(a, store_text(q, MCH_SSH_KEY));
	c->sender = dup(a, store_text(q, MCH_SENDER));
	c->updated_at = dup(a, store_text(q, MCH_UPDATED_AT));
	c->quality = dup(a, store_text(q, MCH_QUALITY));
	return c->application && c->kind && c->cert && c->thumbprint && c->ssh_key &&
	    c->sender && c->updated_at && c->quality ? 0 : -1;
}

int
machine_channel_rows(struct store_tx *tx, struct arena *a, const struct machine_scope *sc,
    struct cert_view *out)
{
	struct store_q *q;
	size_t cap = 0;
	int r;

	if (store_query(tx, SQL_MACHINE_CHANNEL_LIST, &q, "it", sc->org.id, sc->code) != 0)
		return -1;
	while ((r = store_next(q)) == 1) {
		out->channels = arena_grow(a, out->channels, out->nchannels, &cap,
		    sizeof(*out->channels));
		if (out->channels == NULL) {
			r = -1;
			break;
		}
		if (channel_row(q, a, &out->channels[out->nchannels]) != 0) {
			r = -1;
			break;
		}
		out->nchannels++;
	}
	store_done(q);
	return r == 0 ? 0 : -1;
}

bool
machine_sender_ok(const char *s)
{
	size_t n = s ? strnlen(s, MACHINE_SENDER_MAX + 1) : 0;

	if (n < 3 || n > MACHINE_SENDER_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool
machine_ssh_key_ok(const char *s)
{
	static const char *const types[] = { "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
	    "ecdsa-sha2-nistp384" };
	unsigned char blob[MACHINE_SSH_KEY_MAX];
	const char *sp, *b64, *end;
	size_t tlen, blen = 0;
	uint32_t inner;
	bool known = false;

	if (s == NULL || strnlen(s, MACHINE_SSH_KEY_MAX + 1) > MACHINE_SSH_KEY_MAX ||
	    (sp = strchr(s, ' ')) == NULL)
		return false;
	tlen = (size_t)(sp - s);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		known |= strlen(types[i]) == tlen && memcmp(types[i], s, tlen) == 0;
	if (!known)
		return false;
	b64 = sp + 1;
	end = strchr(b64, ' ');
	if (end == NULL)
		end = b64 + strlen(b64);
	for (const char *p = end; *p != '\0'; p++)   /* a comment: printable only */
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return false;
	if (sodium_base642bin(blob, sizeof(blob), b64, (size_t)(end - b64), NULL, &blen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || blen < 4 + tlen + 4)
		return false;
	/* The blob starts with the key type as an SSH string: it must be the line's. */
	inner = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 |
	    blob[3];
	return inner == tlen && memcmp(blob + 4, s, tlen) == 0;
}

/* The id of the quality's certificate public_id when valid at now and not revoked, 0
 * when none, -1 on error. */
static int64_t
active_cert(struct store_tx *tx, const struct machine_scope *sc, const char *public_id,
    int64_t now)
{
	struct store_q *q;
	int64_t id = 0;
	int r;

	if (public_id == NULL || strlen(public_id) != MACHINE_PUBLIC_ID_SIZE - 1)
		return 0;
	if (store_query(tx, SQL_MACHINE_CERT_GET, &q, "itt", sc->org.id, sc->code,
	    public_id) != 0)
		return -1;
	r = store_next(q);
	if (r == 1 && strcmp(store_text(q, MC_STATUS), "revoked") != 0 &&
	    machine_time_of(store_text(q, MC_NOT_AFTER)) > now)
		id = store_int(q, MC_ID);
	store_done(q);
	return r < 0 ? -1 : id;
}

enum access_rc
machine_channel_put(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct channel_input *in, int64_t now, struct access_errors *err)
{
	struct arena *a = arena_new(ACCESS_CALL_ARENA_M);
	struct machine_scope sc;
	struct app_info *apps = NULL;
	struct store_tx *tx = NULL;
	enum access_rc rc;
	bool known = false, ws;
	int64_t cert = 0;
	char at[CLOCK_TEXT_SIZE], object[96];
	int napps;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = machine_open(s, STORE_WRITE, who, org, quality, POLICY_MANAGE_CHANNELS, &tx, a, &sc);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	if ((napps = quality_apps(tx, a, sc.code, "fr", &apps)) < 0)
		goto done;
	for (int i = 0; i < napps && in->application != NULL; i++)
		known |= strcmp(apps[i].code, in->application) == 0;
	if (!known)
		access_error_add(err, "application", N_("Choisissez une application de la "
		    "qualité."));
	ws = in->kind != NULL && strcmp(in->kind, "ws") == 0;
	if (!ws && (in->kind == NULL || strcmp(in->kind, "sftp") != 0))
		access_error_add(err, "kind", N_("Choisissez un canal."));
	else if (ws && (cert = active_cert(tx, &sc, in->cert, now)) <= 0) {
		if (cert < 0)
			goto done;
		access_error_add(err, "cert", N_("Choisissez un certificat système valable de la "
		    "qualité."));
	} else if (!ws && !machine_ssh_key_ok(in->ssh_key)) {
		access_error_add(err, "ssh_key", N_("Collez une clé publique SSH (ssh-ed25519, "
		    "ssh-rsa ou ecdsa) sur une ligne."));
	}
	if (!machine_sender_ok(in->sender))
		access_error_add(err, "sender", N_("L'identifiant d'expéditeur compte de 3 à 64 "
		    "lettres, chiffres, points, tirets ou soulignés."));
	if (err->n > 0) {
		rc = ACCESS_INVALID;
		goto done;
	}
	snprintf(object, sizeof(object), "message_channel:%s", in->application);
	if (clock_text(now, at) != 0 ||
	    store_exec(tx, SQL_MACHINE_CHANNEL_PUT, "itttIttit", sc.org.id, sc.code,
	    in->application, ws ? "ws" : "sftp", cert, ws ? NULL : in->ssh_key, in->sender,
	    who->person_id, at) != 1 ||
	    machine_audit(tx, who, &sc, "message_channel.put", object, json_pack(
	    "{s:s, s:s, s:s, s:s}", "quality", sc.code, "application", in->application,
	    "kind", ws ? "ws" : "sftp", "sender", in->sender)) != 0 || store_commit(&tx) != 0)
		goto done;
	rc = ACCESS_OK;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

enum access_rc
machine_channel_remove(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *application)
{
	struct arena *a = arena_new(ACCESS_CALL_ARENA_M);
	struct machine_scope sc;
	struct store_tx *tx = NULL;
	enum access_rc rc;
	char object[96];
	int r;

	if (a == NULL)
		return ACCESS_ERROR;
	rc = machine_open(s, STORE_WRITE, who, org, quality, POLICY_MANAGE_CHANNELS, &tx, a, &sc);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	r = store_exec(tx, SQL_MACHINE_CHANNEL_DELETE, "itt", sc.org.id, sc.code,
	    application ? application : "");
	if (r == 0) {
		rc = ACCESS_NOT_FOUND;
		goto done;
	}
	snprintf(object, sizeof(object), "message_channel:%.64s", application);
	if (r != 1 || machine_audit(tx, who, &sc, "message_channel.remove", object, json_pack(
	    "{s:s, s:s}", "quality", sc.code, "application", application)) != 0 ||
	    store_commit(&tx) != 0)
		goto done;
	rc = ACCESS_OK;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

int
machine_channel_lookup(struct store *s, const char *enterprise, const char *application,
    struct arena *a, struct channel_row *out)
{
	struct store_tx *tx = NULL;
	struct store_q *q;
	int64_t org;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	org = org_by_enterprise(tx, enterprise);
	if (org <= 0) {
		r = org == 0 ? 1 : -1;
		goto done;
	}
	if (store_query(tx, SQL_MACHINE_CHANNEL_LOOKUP, &q, "it", org, application) != 0)
		goto done;
	r = store_next(q);
	if (r == 1)
		r = channel_row(q, a, out) == 0 ? 0 : -1;
	else if (r == 0)
		r = 1;
	store_done(q);
done:
	store_rollback(&tx);
	return r;
}
