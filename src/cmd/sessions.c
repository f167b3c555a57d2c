/* sessions.c — wires the web layer's session hooks to the store-backed session service.
 * The web layer knows no SQL and the service knows no HTTP: this file translates. */
#include "cmd/wire.h"

#include <string.h>

#include "auth/session_store.h"

static void
to_rec(const struct web_session *w, struct session_rec *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->csrf, w->csrf, sizeof(r->csrf));
	r->lang = w->lang;
	r->auth_method = w->auth_method;
	r->person_id = w->person_id;
	r->auth_level = w->auth_level;
	r->auth_time = w->auth_time;
	r->created_at = w->created_at;
	r->seen_at = w->seen_at;
	r->capacity = w->capacity;
}

static int
load(void *arg, struct arena *a, const unsigned char h[32], struct web_session *out)
{
	struct session_rec r;
	int rc = session_load(arg, a, h, &r);

	if (rc != 0)
		return rc;
	memset(out, 0, sizeof(*out));
	memcpy(out->csrf, r.csrf, sizeof(out->csrf));
	out->lang = r.lang;
	out->auth_method = r.auth_method;
	out->person_id = r.person_id;
	out->auth_level = r.auth_level;
	out->auth_time = r.auth_time;
	out->created_at = r.created_at;
	out->seen_at = r.seen_at;
	out->capacity = r.capacity;
	return 0;
}

static int
create(void *arg, const unsigned char h[32], const struct web_session *w)
{
	struct session_rec r;

	to_rec(w, &r);
	return session_create(arg, h, &r);
}

static int
touch(void *arg, const unsigned char h[32], int64_t now)
{
	return session_touch(arg, h, now);
}

static int
rotate(void *arg, const unsigned char old[32], const unsigned char neu[32],
    const struct web_session *w)
{
	struct session_rec r;

	to_rec(w, &r);
	return session_rotate(arg, old, neu, &r);
}

static int
destroy(void *arg, const unsigned char h[32])
{
	return session_destroy(arg, h);
}

static int
set_capacity(void *arg, const unsigned char h[32], const char *capacity)
{
	return session_set_capacity(arg, h, capacity);
}

void
wire_sessions(struct web_session_ops *ops, struct store *s)
{
	ops->arg = s;
	ops->load = load;
	ops->create = create;
	ops->touch = touch;
	ops->rotate = rotate;
	ops->destroy = destroy;
	ops->set_capacity = set_capacity;
}
