/* session.c — the visitor's session: a 256-bit random id in an HttpOnly cookie, only its
 * BLAKE2b hash in the store, idle and absolute timeouts, rotation, the CSRF token. */
#include "web/internal.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"

#define SID_COOKIE "portier_sid"   /* unless web_config.session_cookie names another */
#define TOUCH_EVERY 60   /* seconds: seen_at is written at most this often */

static const char *
sid_cookie(const struct web_req *r)
{
	return r->srv->cfg.session_cookie ? r->srv->cfg.session_cookie : SID_COOKIE;
}

static void
sid_hash(const char *id, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)id, strlen(id), NULL, 0);
}

static void
random_token(char *out, size_t outlen)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, outlen, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static bool
sid_well_formed(const char *v)
{
	size_t n = strlen(v);

	if (n != 43)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Gives s's texts to the request's arena ("" for NULL), so that the session holds no
 * pointer to a handler's buffer. Returns 0, or -1 when the arena is full. */
static int
session_texts(struct web_req *r, struct web_session *s)
{
	s->lang = arena_strdup(r->arena, s->lang != NULL ? s->lang : "");
	s->auth_method = arena_strdup(r->arena, s->auth_method != NULL ? s->auth_method : "");
	s->capacity = arena_strdup(r->arena, s->capacity != NULL ? s->capacity : "");
	return s->lang != NULL && s->auth_method != NULL && s->capacity != NULL ? 0 : -1;
}

void
session_from_cookie(struct web_req *r)
{
	const struct web_session_ops *ops = &r->srv->cfg.sessions;
	const char *v = web_cookie(r, sid_cookie(r));
	int64_t now = clock_time();
	int rc;

	if (v == NULL || ops->load == NULL || !sid_well_formed(v))
		return;
	sid_hash(v, r->sid_hash);
	rc = ops->load(ops->arg, r->arena, r->sid_hash, &r->session);
	if (rc != 0 || session_texts(r, &r->session) != 0)
		return;
	if (now - r->session.seen_at > r->srv->cfg.idle_timeout ||
	    now - r->session.created_at > r->srv->cfg.absolute_timeout) {
		ops->destroy(ops->arg, r->sid_hash);
		memset(&r->session, 0, sizeof(r->session));
		log_info(r->rid, "session expired");
		return;
	}
	memcpy(r->session.id, v, strlen(v) + 1);
	r->has_session = true;
	if (now - r->session.seen_at >= TOUCH_EVERY) {
		ops->touch(ops->arg, r->sid_hash, now);
		r->session.seen_at = now;
	}
}

struct web_session *
web_session(struct web_req *r)
{
	return r->has_session ? &r->session : NULL;
}

struct web_session *
web_session_ensure(struct web_req *r)
{
	const struct web_session_ops *ops = &r->srv->cfg.sessions;
	int64_t now = clock_time();

	if (r->has_session)
		return &r->session;
	if (ops->create == NULL)
		return NULL;
	memset(&r->session, 0, sizeof(r->session));
	if (session_texts(r, &r->session) != 0)
		return NULL;
	random_token(r->session.id, sizeof(r->session.id));
	random_token(r->session.csrf, sizeof(r->session.csrf));
	r->session.created_at = now;
	r->session.seen_at = now;
	sid_hash(r->session.id, r->sid_hash);
	if (ops->create(ops->arg, r->sid_hash, &r->session) != 0) {
		log_err(r->rid, "session: cannot create");
		return NULL;
	}
	r->has_session = true;
	web_set_cookie(r, sid_cookie(r), r->session.id, -1);
	return &r->session;
}

int
web_session_rotate(struct web_req *r, const struct web_session *data)
{
	const struct web_session_ops *ops = &r->srv->cfg.sessions;
	unsigned char new_hash[32];
	struct web_session s = *data;

	if ((!r->has_session && web_session_ensure(r) == NULL) || session_texts(r, &s) != 0)
		return -1;
	random_token(s.id, sizeof(s.id));
	random_token(s.csrf, sizeof(s.csrf));
	s.created_at = r->session.created_at;
	s.seen_at = clock_time();
	sid_hash(s.id, new_hash);
	if (ops->rotate(ops->arg, r->sid_hash, new_hash, &s) != 0)
		return -1;
	r->session = s;
	memcpy(r->sid_hash, new_hash, sizeof(new_hash));
	web_set_cookie(r, sid_cookie(r), s.id, -1);
	sodium_memzero(&s, sizeof(s));
	return 0;
}

int
web_session_set_capacity(struct web_req *r, const char *capacity)
{
	const struct web_session_ops *ops = &r->srv->cfg.sessions;
	const char *kept;

	if (!r->has_session || ops->set_capacity == NULL)
		return -1;
	kept = arena_strdup(r->arena, capacity);
	if (kept == NULL || ops->set_capacity(ops->arg, r->sid_hash, capacity) != 0)
		return -1;
	r->session.capacity = kept;
	return 0;
}

void
web_session_end(struct web_req *r)
{
	const struct web_session_ops *ops = &r->srv->cfg.sessions;

	if (r->has_session)
		ops->destroy(ops->arg, r->sid_hash);
	sodium_memzero(&r->session, sizeof(r->session));
	r->has_session = false;
	web_set_cookie(r, sid_cookie(r), "", 0);
}

bool
session_csrf_ok(struct web_req *r)
{
	const char *sent = web_form(r, "_csrf");
	size_t n;

	if (!r->has_session || sent == NULL)
		return false;
	n = strlen(r->session.csrf);
	return n > 0 && strlen(sent) == n && sodium_memcmp(sent, r->session.csrf, n) == 0;
}
