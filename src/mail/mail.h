/* mail.h — notifications by e-mail: a service writes its mail to the outbox inside the
 * transaction of the change it announces (so there is no mail without the change and no
 * change without its mail); a delivery thread sends the outbox by SMTP through libcurl,
 * retrying with exponential backoff. In demo mode without SMTP the outbox is the mailbox:
 * mails count as delivered and /demo/mails shows them. */
#ifndef PORTIER_MAIL_H
#define PORTIER_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "store/store.h"

#define MAIL_ADDRESS_MAX 254
#define MAIL_ARGS_MAX 6
/* Bytes of one substituted value: a rejection reason of 1000 characters (CSAM_REASON_MAX)
 * in any script; a longer value fails the mail, it is never cut. */
#define MAIL_ARG_MAX 4000

/* What a mail announces; each has a subject and paragraphs with {1}..{n} (mail.c). */
enum mail_kind {
	MAIL_GAP_DESIGNATED,       /* {1} enterprise name, {2} number, {3} the GAP's name */
	MAIL_GAP_REPLACED_OLD,     /* to the previous GAP: {1} name, {2} number, {3} the new GAP */
	MAIL_GAP_REPLACED,         /* to the organisation: {1} name, {2} number, {3} the new GAP */
	MAIL_COGAP_ADDED,          /* {1} name, {2} number, {3} the co-GAP, {4} the GAP */
	MAIL_REQUEST_RECEIVED,     /* {1} reference, {2} company name */
	MAIL_REQUEST_APPROVED,     /* {1} reference, {2} company name, {3} the GAP */
	MAIL_REQUEST_REJECTED,     /* {1} reference, {2} company name, {3} the reason */
	/* mandates (issue 16), to both organisations: {1} the mandator, {2} its number,
	 * {3} the mandatary, {4} its number, {5} the quality, {6} the quarters */
	MAIL_MANDATE_PROPOSED,
	MAIL_MANDATE_ACCEPTED,
	MAIL_MANDATE_REFUSED,
	MAIL_MANDATE_ENDED,
	MAIL_MANDATE_EXPIRED,
	MAIL_LOGIN_CODE,           /* {1} the security code, {2} its minutes (auth/email_code.c) */
	MAIL_SYSTEM_CERT_EXPIRING, /* {1} certificate's name, {2} company name, {3} number,
	                            * {4} its end dd/mm/yyyy, {5} days left */
	MAIL__KINDS
};

/* Translates a French msgid into lang (fr, nl, de, en); returns msgid when untranslated. */
typedef const char *(*mail_translate_fn)(void *arg, const char *lang, const char *msgid);

/* The catalogues the mails of one application are written with: made by mail_start (one
 * per runner, so two applications in one process each keep theirs) and reached by the
 * services that queue mail. A NULL handle, or one without fn, writes in French. */
struct mail_texts {
	mail_translate_fn fn;
	void *arg;
};

/* Addresses are checked with value_ok(VALUE_EMAIL, ...) (src/value/value.h). */

/* The short name of a kind ("gap_designated" …), stored with the mail. */
const char *mail_kind_name(enum mail_kind kind);

/* Renders kind in lang into subject (one line) and body (plain text, lines of at most
 * 76 characters where words allow), with args {1}..{nargs} (control characters in them
 * become spaces). Returns 0 or -1. */
int mail_render(const struct mail_texts *mt, enum mail_kind kind, const char *lang,
    const char *const *args, size_t nargs, struct buf *subject, struct buf *body);

/* Writes the mail, in lang through mt, to the outbox inside tx (a write transaction), due
 * at once. org names the organisation for operators (enterprise number, or NULL).
 * Returns 0, or -1 (an invalid address or language, a store error: the caller rolls
 * back). */
int mail_queue(struct store_tx *tx, const struct mail_texts *mt, enum mail_kind kind,
    const char *to, const char *lang, const char *org, const char *const *args,
    size_t nargs);

/* ---- delivery ---- */

struct mail_config {
	const char *smtp_url;        /* smtp://host:port or smtps://host:port; "" = no SMTP */
	const char *smtp_from;       /* envelope and From: address */
	const char *smtp_user;       /* "" = no authentication */
	const char *smtp_password;
	int retry_seconds;           /* first retry after this; doubles each time (default 60) */
	int max_attempts;            /* then the mail is marked failed (default 10) */
	bool demo;                   /* without SMTP: the outbox is the demo mailbox */
	const char *locale_dir;      /* catalogues for the mails' languages (NULL: French) */
};

/* Result of one delivery attempt. */
enum mail_send_result { MAIL_SENT, MAIL_RETRY, MAIL_PERMANENT };

/* Sends one message (RFC 5322 text in msg) by SMTP. err receives why it failed. */
enum mail_send_result mail_smtp_send(const struct mail_config *cfg, const char *to,
    const char *msg, size_t len, char *err, size_t errlen);
/* Builds the RFC 5322 message of an outbox mail into out (CRLF line ends). Returns 0/-1. */
int mail_message(const struct mail_config *cfg, int64_t id, const char *to,
    const char *subject, const char *body, int64_t now, struct buf *out);

/* Delivers the mails due at now, at most max of them. Returns how many were handled (sent,
 * rescheduled or failed), or -1 on a store error. */
int mail_deliver_due(struct store *s, const struct mail_config *cfg, int64_t now, int max);

struct mail_runner;
/* Loads the catalogues (the runner's mail_texts), initialises libcurl and starts the delivery
 * thread (polling every second). cfg's strings must outlive the runner. Returns 0, or -1
 * with a reason in err. Call before other threads start (curl_global_init). */
int mail_start(struct store *s, const struct mail_config *cfg, struct mail_runner **out,
    char *err, size_t errlen);
/* Stops the thread (after the attempt under way) and frees the runner; NULL is accepted. */
void mail_stop(struct mail_runner *m);
/* The runner's texts, for the services that queue mail; valid until mail_stop. NULL is
 * accepted (then NULL: French). */
const struct mail_texts *mail_runner_texts(const struct mail_runner *m);

/* ---- reading the outbox (demo page, operators) ---- */

struct mail_item {
	int64_t id;
	const char *kind, *recipient, *language, *subject, *body, *org, *status;
	int64_t attempts, next_attempt;
	const char *last_error, *created_at, *sent_at;
};

/* The newest mails first (id 0: all, else that one), at most max, allocated in a.
 * Returns the count or -1. */
int mail_list(struct store *s, struct arena *a, int64_t id, size_t max,
    struct mail_item **out);

/* Mails waiting in the outbox (status pending), for /metrics. 0 or -1. */
int mail_outbox_pending(struct store *s, int64_t *n);

#endif
