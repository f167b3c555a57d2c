/* door_idp.c — the doors of the upstream identity providers (brokering, docs/
 * upstream-idp.md): GET /login/idp/:id sends the visitor to the provider (code flow,
 * PKCE S256, state, nonce), GET /login/idp/callback brings them back, checks the ID token,
 * finds the person by national number and opens the session as every door does. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "apps/app.h"
#include "apps/login/login.h"
#include "auth/upstream.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/msgid.h"
#include "oidc/provider.h"
#include "policy/loa.h"
#include "portal/idtoken.h"
#include "web/i18n.h"

#define CODE_MAX 2048            /* an authorization code from the provider */
#define RANDOM_B64 44            /* 32 random bytes in base64url, with the NUL */

/* Refusals: what the visitor reads (msgid) and the reason audited and logged. */
#define MSG_UNKNOWN N_("Ce fournisseur d'identité n'est pas connu.")
#define MSG_UNAVAILABLE N_("Ce fournisseur d'identité ne répond pas. Réessayez plus tard ou " \
	"choisissez un autre moyen de connexion.")
#define MSG_INVALID N_("La connexion par ce fournisseur d'identité a échoué. Choisissez un " \
	"autre moyen de connexion.")
#define MSG_STATE N_("Cette connexion a expiré ou a déjà été utilisée. Recommencez.")
#define MSG_NN N_("Le fournisseur d'identité n'a pas communiqué de numéro de registre " \
	"national valable.")
#define MSG_ABORTED N_("Le fournisseur d'identité a interrompu la connexion.")
#define MSG_LEVEL N_("Ce service exige un niveau de sécurité plus élevé que celui de ce " \
	"fournisseur d'identité. Choisissez un autre moyen de connexion.")
#define MSG_NOBODY N_("Votre numéro de registre national n'est pas connu. Contactez le " \
	"service d'assistance.")

struct idp_job {
	struct store *store;
	struct upstream_rp *rp;
	struct arena *arena;
	struct actor by;
	struct upstream_idp idp;
	struct upstream_pending p;
	const char *redirect_uri, *code, *state, *lang;
	const char *bound;           /* the state bound to the session (bound_state) */
	/* results */
	const char *url;             /* start: where to send the visitor */
	enum upstream_result res;
	struct upstream_identity id;
	int64_t person;
	int found;                   /* upstream_login_person: 0, 1 (nobody), -1 */
	char err[256];
};

static void
random_b64(char out[RANDOM_B64])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	portal_b64url_encode(raw, sizeof(raw), out, RANDOM_B64);
	sodium_memzero(raw, sizeof(raw));
}

/* The state stored: bound to this browser's session, so that a state carried to another
 * browser (login CSRF) finds nothing there. */
static const char *
bound_state(struct web_req *r, const char *state)
{
	const struct web_session *s = web_session(r);

	return arena_printf(web_arena(r), "%s.%s", state, s != NULL ? s->id : "");
}

static const char *
redirect_uri(struct web_req *r)
{
	const struct app *app = web_app(r);

	return arena_printf(web_arena(r), "%s/login/idp/callback", oidc_provider_issuer(app->oidc));
}

/* The login page with the other doors and why this one refused (at the level asked). */
static int
refuse(struct web_req *r, int status, const char *idp, const char *reason, const char *msgid,
    const char *next, int level)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);

	log_info(web_rid(r), "idp %s: login refused: %s", idp ? idp : "?", reason);
	if (idp != NULL && upstream_login_refused(app->store, idp, reason, &by) != 0)
		log_err(web_rid(r), "idp: audit event not written");
	return login_show_at(r, status, level, msgid, next);
}

static int
asked_level(struct web_req *r)
{
	const char *l = web_query(r, "level");

	if (l != NULL && l[0] >= '1' && l[0] <= '3' && l[1] == '\0')
		return l[0] - '0';
	return LOA_LOW;
}

static void
run_start(void *arg)
{
	struct idp_job *j = arg;

	j->url = upstream_rp_authorize_url(j->rp, j->arena, &j->idp, j->redirect_uri, j->lang,
	    j->state, j->p.nonce, j->p.verifier, j->err, sizeof(j->err));
	if (j->url != NULL && upstream_pending_add(j->store, j->bound, &j->p) != 0)
		j->url = NULL;
}

static int
start_done(struct web_req *r)
{
	struct idp_job *j = web_deferred_arg(r);

	sodium_memzero(j->idp.secret, j->idp.secret_len);
	if (j->url == NULL) {
		log_warn(web_rid(r), "idp %s: %s", j->idp.id, j->err[0] ? j->err : "cannot start");
		return refuse(r, 503, j->idp.id, "unavailable", MSG_UNAVAILABLE, j->p.next, j->p.level);
	}
	if (web_add_header(r, "Location", j->url) != 0)
		return -1;
	return web_send(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* GET /login/idp/:id — to the provider. */
static int
idp_start(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *next = login_next(web_query(r, "next"));
	int level = asked_level(r), rc;
	struct idp_job *j;
	char *state, *nonce, *verifier;

	if (web_session_ensure(r) == NULL)
		return -1;
	j = arena_alloc(web_arena(r), sizeof(*j));
	state = arena_alloc(web_arena(r), RANDOM_B64);
	nonce = arena_alloc(web_arena(r), RANDOM_B64);
	verifier = arena_alloc(web_arena(r), RANDOM_B64);
	if (j == NULL || state == NULL || nonce == NULL || verifier == NULL)
		return -1;
	memset(j, 0, sizeof(*j));
	rc = upstream_idp_get(app->store, web_arena(r), web_param(r, "id"), &j->idp);
	if (rc == 1)
		return refuse(r, 404, NULL, "unknown provider", MSG_UNKNOWN, next, level);
	if (rc != 0)
		return -1;
	if (j->idp.level_max < level) {
		sodium_memzero(j->idp.secret, j->idp.secret_len);
		return refuse(r, 403, j->idp.id, "ceiling below the level asked", MSG_LEVEL, next,
		    level);
	}
	random_b64(state);
	random_b64(nonce);
	random_b64(verifier);
	j->store = app->store;
	j->rp = app->upstream;
	j->arena = web_arena(r);
	j->lang = web_lang(r);
	j->redirect_uri = redirect_uri(r);
	j->state = state;
	j->bound = bound_state(r, state);
	j->p = (struct upstream_pending){
		.idp = j->idp.id, .nonce = nonce, .verifier = verifier, .next = next,
		.level = level,
	};
	if (j->redirect_uri == NULL || j->bound == NULL)
		return -1;
	return web_defer(r, run_start, j, start_done);
}

static void
run_finish(void *arg)
{
	struct idp_job *j = arg;
	bool created = false;

	j->res = upstream_rp_finish(j->rp, j->arena, &j->idp, j->redirect_uri, j->code,
	    j->p.verifier, j->p.nonce, &j->id, j->err, sizeof(j->err));
	sodium_memzero(j->idp.secret, j->idp.secret_len);
	j->found = -1;
	if (j->res != UP_OK || j->id.level < j->p.level)
		return;
	j->found = upstream_login_person(j->store, j->idp.id, j->id.niss, j->id.level, &j->by,
	    &j->person, &created);
}

static const char *
result_reason(const struct idp_job *j)
{
	switch (j->res) {
	case UP_OK: return "ok";
	case UP_UNAVAILABLE: return "unavailable";
	case UP_REFUSED: return "code refused";
	case UP_TOKEN: return idtoken_error_text((enum idtoken_error)j->id.idt);
	case UP_NO_NN: return "no national number";
	case UP_BAD_NN: return "invalid national number";
	}
	return "invalid";
}

static int
finish_done(struct web_req *r)
{
	struct idp_job *j = web_deferred_arg(r);
	const char *next = j->p.next;
	int level = j->p.level, rc;

	if (j->res != UP_OK) {
		sodium_memzero(j->id.niss, sizeof(j->id.niss));
		if (j->err[0] != '\0')
			log_warn(web_rid(r), "idp %s: %s", j->idp.id, j->err);
		return refuse(r, j->res == UP_UNAVAILABLE ? 502 : 403, j->idp.id, result_reason(j),
		    j->res == UP_UNAVAILABLE ? MSG_UNAVAILABLE : j->res == UP_NO_NN ||
		    j->res == UP_BAD_NN ? MSG_NN : MSG_INVALID, next, level);
	}
	sodium_memzero(j->id.niss, sizeof(j->id.niss));
	if (j->id.level < level)
		return refuse(r, 403, j->idp.id, "level below the one asked", MSG_LEVEL, next, level);
	if (j->found == 1)
		return refuse(r, 403, j->idp.id, "unknown to the register", MSG_NOBODY, next, level);
	if (j->found != 0) {
		log_err(web_rid(r), "idp %s: cannot record the login", j->idp.id);
		return -1;
	}
	rc = login_session_open(r, j->person, "idp", j->id.level);
	if (rc != 0)
		return -1;
	log_info(web_rid(r), "idp %s: person %lld logged in at level %d", j->idp.id,
	    (long long)j->person, j->id.level);
	return web_redirect(r, next);
}

/* GET /login/idp/callback — back from the provider with a code (or an error). */
static int
idp_callback(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *state = web_query(r, "state"), *code = web_query(r, "code");
	struct idp_job *j;
	int rc;

	if (web_session_ensure(r) == NULL)
		return -1;
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return -1;
	memset(j, 0, sizeof(*j));
	/* The state is taken whatever follows: a login comes back once. */
	rc = state != NULL && strlen(state) == UPSTREAM_STATE_LEN ?
	    upstream_pending_take(app->store, web_arena(r), bound_state(r, state), &j->p) : 1;
	if (rc == 1)
		return refuse(r, 400, NULL, "unknown or replayed state", MSG_STATE, "/", LOA_LOW);
	if (rc != 0)
		return -1;
	rc = upstream_idp_get(app->store, web_arena(r), j->p.idp, &j->idp);
	if (rc == 1)
		return refuse(r, 404, NULL, "provider removed", MSG_UNKNOWN, j->p.next, j->p.level);
	if (rc != 0)
		return -1;
	if (web_query(r, "error") != NULL || code == NULL || code[0] == '\0' ||
	    strlen(code) > CODE_MAX) {
		sodium_memzero(j->idp.secret, j->idp.secret_len);
		return refuse(r, 403, j->idp.id, web_query(r, "error") != NULL ?
		    "the provider answered an error" : "no code", MSG_ABORTED, j->p.next, j->p.level);
	}
	j->store = app->store;
	j->rp = app->upstream;
	j->arena = web_arena(r);
	j->by = app_actor(r);
	j->code = code;
	j->redirect_uri = redirect_uri(r);
	if (j->redirect_uri == NULL)
		return -1;
	return web_defer(r, run_finish, j, finish_done);
}

/* The providers on the login page, those that reach the level asked (login.c). */
int
door_idp_offer(struct web_req *r, struct tmpl_ctx *c, int level, const char *next)
{
	struct app *app = web_app(r);
	struct upstream_idp *v;
	size_t n;
	int any = 0;

	if (app->upstream == NULL)
		return 0;
	if (upstream_idp_list(app->store, web_arena(r), &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *e;

		if (v[i].level_max < level)
			continue;
		e = tmpl_list_add(c, "idps");
		if (e == NULL || tmpl_set(e, "name", v[i].name) != 0 ||
		    tmpl_setf(e, "href", "/login/idp/%s?level=%d&next=%s", v[i].id, level,
		    web_url_encode(web_arena(r), next)) != 0 ||
		    tmpl_set(e, "label", web_tf(r, N_("Se connecter avec {1}"), v[i].name, NULL,
		    NULL)) != 0 ||
		    (v[i].logo != NULL && tmpl_set(e, "logo", v[i].logo) != 0))
			return -1;
		any++;
	}
	return any;
}

int
door_idp_routes(struct web_server *s)
{
	/* The callback first: "callback" is no provider id the router should try. */
	if (web_route(s, "GET", "/login/idp/callback", idp_callback, 0) != 0 ||
	    web_route(s, "GET", "/login/idp/:id", idp_start, 0) != 0)
		return -1;
	return 0;
}
