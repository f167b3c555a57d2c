/* web.h — the HTTP adapter apps build on: a server on libmicrohttpd, a router on
 * method + path patterns, a request with its arena, parsed inputs, session and
 * language, and response writers that escape. Knows nothing of SQL or the domain. */
#ifndef PORTIER_WEB_H
#define PORTIER_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "web/tmpl.h"

struct web_server;
struct web_req;
struct i18n;
struct netblocks;

/* Limits on input, checked before a handler runs. */
struct web_limits {
	size_t header_bytes;     /* all request headers together (default 16 KiB) */
	size_t body_bytes;       /* urlencoded body (default 64 KiB) */
	size_t upload_bytes;     /* multipart body (default 10 MiB) */
	size_t field_bytes;      /* one form or query value (default 8 KiB) */
	size_t fields;           /* number of fields (default 256) */
	size_t url_bytes;        /* path + query (default 4 KiB) */
	unsigned connections;    /* open connections, all addresses together (default 4000) */
	unsigned connections_per_ip;   /* open connections from one address (default 200) */
	unsigned header_seconds; /* to receive a request's complete headers (default 10) */
};

/* A session as the web layer sees it; kept by a backend (see web_session_ops). The texts
 * are owned by the request's arena and never NULL once the web layer holds the session
 * ("" when absent); id and csrf are fixed-format random tokens (43 base64url characters
 * of 256 random bits, web/session.c random_token), hence arrays. */
struct web_session {
	char id[48];             /* cookie value: 256 random bits, base64url (never logged) */
	char csrf[48];           /* CSRF token of this session (same fixed format) */
	const char *lang;        /* explicit language choice or "" */
	int64_t person_id;       /* 0 while anonymous */
	const char *auth_method; /* eid, password, totp, token or "" */
	int auth_level;          /* 0 none, 1 low, 2 substantial, 3 high */
	int64_t auth_time;       /* unix seconds of the last authentication */
	int64_t created_at;      /* unix seconds */
	int64_t seen_at;         /* unix seconds */
	const char *capacity;    /* capacity chosen after login (employer, health …) or "" */
};

/* Where sessions live: the server calls these; cmd/ wires a store-backed implementation.
 * id_hash is BLAKE2b-256 of the cookie value; each returns 0, 1 (load: not found) or -1. */
struct web_session_ops {
	void *arg;
	/* Texts of out in a (the request's arena). */
	int (*load)(void *arg, struct arena *a, const unsigned char id_hash[32],
	    struct web_session *out);
	int (*create)(void *arg, const unsigned char id_hash[32], const struct web_session *s);
	int (*touch)(void *arg, const unsigned char id_hash[32], int64_t now);
	int (*rotate)(void *arg, const unsigned char old_hash[32], const unsigned char new_hash[32],
	    const struct web_session *s);
	int (*destroy)(void *arg, const unsigned char id_hash[32]);
	int (*set_capacity)(void *arg, const unsigned char id_hash[32], const char *capacity);
};

struct web_config {
	const char *listen;      /* "127.0.0.1:8080" */
	const char *share_dir;   /* holds templates/ and static/ */
	const char *locale_dir;  /* holds fr.mo, nl.mo, de.mo, en.mo */
	int threads;             /* connection threads (default 4) */
	int workers;             /* threads for slow work such as password hashes (default ncores) */
	int idle_timeout;        /* session idle timeout, seconds (default 1800) */
	int absolute_timeout;    /* session absolute timeout, seconds (default 43200) */
	bool tls;                /* the server is reached over TLS: Secure cookies, HSTS */
	/* portier's own TLS listener, serving the same routes (NULL: none). Requests on it
	 * get Secure cookies and HSTS whatever tls says. */
	const char *tls_listen;  /* "0.0.0.0:8443" */
	const char *tls_cert_pem;   /* server certificate (and chain), PEM text */
	const char *tls_key_pem;    /* its private key, PEM text */
	/* Anchors named in the request for a client certificate (eID), PEM text; NULL: no
	 * request. The certificate stays optional at the handshake: handlers verify it. */
	const char *tls_client_ca_pem;
	const char *version;     /* shown in the footer */
	/* Name of the session cookie (NULL: "portier_sid"). Cookies ignore ports: another
	 * application on the same host (the agency portal) needs a name of its own. */
	const char *session_cookie;
	/* Reverse proxies (HAProxy, nginx) whose X-Forwarded-For and X-Forwarded-Proto are
	 * believed (NULL or empty: none; owned by the caller, must outlive the server). */
	const struct netblocks *trusted_proxies;
	struct web_limits limits;
	struct web_session_ops sessions;
};

/* A handler fills the response through the web_* writers and returns 0; -1 gives a 500. */
typedef int (*web_handler)(struct web_req *r);

enum web_route_flags {
	WEB_NO_CSRF = 1 << 0,    /* a POST that authenticates otherwise (machine clients) */
	WEB_UPLOAD = 1 << 1,     /* accepts multipart/form-data up to limits.upload_bytes */
};
/* A route's body limit is limits.upload_bytes with WEB_UPLOAD, else limits.body_bytes; it
 * is known when the headers arrive: a larger Content-Length is refused (413) before any
 * byte of the body is read, a chunked body is cut at the limit (the connection closed),
 * and a body for no route is never read (404 or 405, the connection closed). */

/* Creates a server (not yet listening). Returns NULL with a reason in err. */
struct web_server *web_server_new(const struct web_config *cfg, char *err, size_t errlen);
/* Adds a route: method "GET"/"POST"/…, pattern "/org/:id/users" (":name" matches one
 * segment, a final "*" the rest). HEAD is served by GET routes. Returns 0 or -1. */
int web_route(struct web_server *s, const char *method, const char *pattern, web_handler h,
    unsigned flags);
/* Gives apps a pointer to their own context (services, store …), read by web_app(). */
void web_set_app(struct web_server *s, void *app);
/* Sets a function that decorates every page context (person's name, side menu …). */
void web_set_page_hook(struct web_server *s, void (*hook)(struct web_req *r,
    struct tmpl_ctx *ctx));
/* True when listen is a usable "ADDR:PORT" (IPv4 address or localhost). */
bool web_listen_ok(const char *listen);
/* Binds listen ("ADDR:PORT") for a moment and lets it go: 0 when it is free, or -1 with
 * "cannot listen on ADDR:PORT: reason" in err. For commands that write files derived
 * from the address before they listen. */
int web_listen_probe(const char *listen, char *err, size_t errlen);
/* Starts listening. Returns 0, or -1 with a reason in err. */
int web_server_start(struct web_server *s, char *err, size_t errlen);
/* Port actually bound (useful with port 0). */
int web_server_port(const struct web_server *s);
/* Port of the TLS listener actually bound, 0 when there is none. */
int web_server_tls_port(const struct web_server *s);
/* Inside a handler: the port of portier's own TLS listener when its handshake asks for a
 * client certificate (tls_client_ca_pem), else 0. */
int web_mtls_port(struct web_req *r);
/* Inside a handler: true when trusted_proxies names at least one proxy (whose header may
 * carry the client certificate it verified). */
bool web_proxies_trusted(struct web_req *r);
/* Stops accepting, lets running requests finish (up to grace_ms), then drops slow work not
 * yet begun (its requests answered 503), waits for the suspended requests to be resumed
 * (work under way, group commits), and stops the listeners. */
void web_server_stop(struct web_server *s, int grace_ms);
void web_server_free(struct web_server *s);

/* ---- inside a handler ---- */
struct arena *web_arena(struct web_req *r);
void *web_app(struct web_req *r);
const char *web_method(struct web_req *r);
const char *web_path(struct web_req *r);
const char *web_rid(struct web_req *r);          /* request id, also in every log line */
/* The client's address: the TCP peer, or, when the peer is a trusted proxy, the
 * right-most X-Forwarded-For address that is not itself a trusted proxy. */
const char *web_client(struct web_req *r);
const char *web_peer(struct web_req *r);         /* the TCP peer itself (a proxy or the client) */
bool web_tls(struct web_req *r);                 /* over TLS (own listener or cfg.tls) */
/* The request came from a trusted proxy (the TCP peer is in trusted_proxies) on a plain
 * listener: the headers the proxy sets (X-Forwarded-*, the client certificate it verified)
 * are its own. False on portier's own TLS listener, where a proxy can only pass the
 * client's TLS stream through and every header is the client's. */
bool web_via_proxy(struct web_req *r);
/* The i-th certificate the client presented in the TLS handshake of portier's own
 * listener (0: its own, then the chain it sent), DER copied into the request's arena;
 * NULL when there is none (plain HTTP, no certificate). len receives its size. */
const unsigned char *web_client_cert(struct web_req *r, size_t i, size_t *len);
const char *web_lang(struct web_req *r);         /* fr, nl, de or en */
const char *web_param(struct web_req *r, const char *name);   /* path parameter */
const char *web_query(struct web_req *r, const char *name);   /* NULL when absent */
const char *web_form(struct web_req *r, const char *name);    /* NULL when absent */
/* The query string as it came, without '?' ("" when none): SAML's HTTP-Redirect
 * signature covers its bytes as the sender encoded them. */
const char *web_raw_query(struct web_req *r);
/* All values of a repeated form field (checkboxes); returns the count. */
size_t web_form_all(struct web_req *r, const char *name, const char **out, size_t max);
/* The name of a parameter given more than once: twice in the query string, twice in the
 * form, or (across) once in each; NULL when none. For protocols that refuse repetitions
 * (OAuth 2.0, RFC 6749 §3.1 and §3.2). */
const char *web_repeated_param(struct web_req *r, bool across);
/* The id an input value names (a path parameter, query or form value): its decimal digits,
 * at most 15 of them; 0 when s is NULL, empty or anything else. */
int64_t web_id(const char *s);
/* An uploaded file of a multipart form; NULL when absent. */
const void *web_upload(struct web_req *r, const char *name, size_t *len, const char **filename,
    const char **ctype);
const char *web_header(struct web_req *r, const char *name);
/* The raw request body (JSON APIs); len receives its size. */
const char *web_body(struct web_req *r, size_t *len);
const char *web_cookie(struct web_req *r, const char *name);
/* Translates a French msgid into the request's language. */
const char *web_t(struct web_req *r, const char *msgid);
/* The same with {1}, {2}, {3} replaced by a, b, c (each may be NULL), unescaped: for
 * texts that templates escape. */
const char *web_tf(struct web_req *r, const char *msgid, const char *a, const char *b,
    const char *c);

/* The session, or NULL when the visitor has none. */
struct web_session *web_session(struct web_req *r);
/* The session, created when missing (for forms: it carries the CSRF token); NULL on error. */
struct web_session *web_session_ensure(struct web_req *r);
/* Gives the session a new id (keeping or changing its data): at login and at step-up.
 * Returns 0 or -1. */
int web_session_rotate(struct web_req *r, const struct web_session *data);
/* Records the capacity chosen after login ("Sous quelle qualité …"). Returns 0 or -1. */
int web_session_set_capacity(struct web_req *r, const char *capacity);
/* Ends the session and clears the cookie. */
void web_session_end(struct web_req *r);

/* A context for a page, prefilled with what the layout needs (lang, csrf, user …).
 * A page that holds a form calls web_session_ensure() before, so that "csrf" is set. */
struct tmpl_ctx *web_page(struct web_req *r, const char *title_msgid);
/* Renders template name inside the layout with status 200. Returns 0 or -1. */
int web_render(struct web_req *r, const char *name, struct tmpl_ctx *ctx);
/* As web_render with another status (a form shown again with its errors: 422). */
int web_render_status(struct web_req *r, int status, const char *name, struct tmpl_ctx *ctx);
/* A page of its own, without the layout (menus, languages, the person's name read for
 * it): a context holding only lang and title, and the template rendered as the whole
 * document, status 200. For a page shown an instant before the browser leaves (the way
 * back to a client after a form). */
struct tmpl_ctx *web_page_bare(struct web_req *r, const char *title_msgid);
int web_render_bare(struct web_req *r, const char *name, struct tmpl_ctx *ctx);
/* 303 See Other to a local path (anything not starting with one '/' becomes "/"). */
int web_redirect(struct web_req *r, const char *local_path);
/* A localised error page (400, 403, 404, 405, 413, 500 …). Returns 0. */
int web_error(struct web_req *r, int status);
/* A body as is, with its content type. The bytes are copied. */
int web_send(struct web_req *r, int status, const char *ctype, const void *body, size_t len);
/* A streamed body (large downloads), produced while it is sent: read(arg, dst, max) copies
 * the next bytes (at most max) to dst and returns their count, 0 at the end, or -1 on error
 * (the connection is then cut: without its last chunk the client knows the body is
 * incomplete). done(arg) runs exactly once when the response ends, complete or not (the
 * client gone mid-way), and frees arg; both run on the connection's thread, after the
 * handler has returned, so arg must not point into the request. Sent chunked with the
 * headers of every response (web_add_header adds more). Returns 0. */
typedef long (*web_stream_read)(void *arg, char *dst, size_t max);
int web_stream(struct web_req *r, int status, const char *ctype, web_stream_read read,
    void (*done)(void *arg), void *arg);
/* Adds a response header (name and value must be plain ASCII without CR/LF). A
 * Content-Security-Policy added so replaces the pages' own (SAML's HTTP-POST form, which
 * goes to the service provider's address). */
int web_add_header(struct web_req *r, const char *name, const char *value);
/* Sets a cookie: Path=/, HttpOnly, SameSite=Lax, Secure under TLS; max_age < 0 = session. */
int web_set_cookie(struct web_req *r, const char *name, const char *value, long max_age);

/* Percent-encodes s for a query value (slashes kept); NULL when out of memory. */
char *web_url_encode(struct arena *a, const char *s);

/* Runs fn(arg) on a worker thread (slow work: password hashes) while the connection is
 * suspended, then calls then(r). The handler returns web_defer's result. Once a stop's
 * grace is over, work not begun is dropped (then is not called: the request gets 503),
 * and new work runs on the connection thread. */
int web_defer(struct web_req *r, void (*fn)(void *arg), void *arg, web_handler then);
/* In the continuation: the arg given to web_defer or web_suspend. */
void *web_deferred_arg(struct web_req *r);
/* Suspends the connection until web_resume(r), then calls then(r) on a connection thread:
 * for work that another thread does and signals when done (the provider's group commit),
 * so that the connection thread serves other requests meanwhile. The handler returns
 * web_suspend's result, and hands r to exactly one later web_resume. */
int web_suspend(struct web_req *r, void *arg, web_handler then);
/* Resumes a request suspended by web_suspend; any thread, once. A stop waits for it (once
 * its grace is over, web_suspend no longer suspends: the connection thread waits). */
void web_resume(struct web_req *r);

#endif
