/* deliver.c — sending the outbox: RFC 5322 messages handed to an SMTP server by libcurl,
 * one delivery thread per process, a lease per mail so that several nodes never send the
 * same one, and retries after retry_seconds, doubling each time, until max_attempts. */
#include "mail/mail.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "mail/sql.h"
#include "web/i18n.h"
#include "value/value.h"

#define LEASE_SECONDS 300          /* a claimed mail waits this long before another try */
#define BACKOFF_MAX (6 * 3600)
#define BATCH 20
#define MESSAGE_MAX (256 * 1024)
#define WORD_BYTES 45              /* raw bytes per encoded word of the Subject */

/* ---- the message ---- */

static int
add_b64(struct buf *out, const char *p, size_t n)
{
	char enc[128];

	if (sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) > sizeof(enc))
		return -1;
	sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)p, n,
	    sodium_base64_VARIANT_ORIGINAL);
	return buf_puts(out, enc);
}

/* Subject: as RFC 2047 encoded words, folded, cut between UTF-8 sequences. */
static int
add_subject(struct buf *out, const char *s)
{
	size_t n = strlen(s), i = 0;

	if (buf_puts(out, "Subject:") != 0)
		return -1;
	while (i < n) {
		size_t take = n - i < WORD_BYTES ? n - i : WORD_BYTES;

		while (i + take < n && take > 0 && ((unsigned char)s[i + take] & 0xC0) == 0x80)
			take--;
		if (take == 0 || buf_puts(out, i == 0 ? " =?UTF-8?B?" : "\r\n =?UTF-8?B?") != 0 ||
		    add_b64(out, s + i, take) != 0 || buf_puts(out, "?=") != 0)
			return -1;
		i += take;
	}
	return buf_puts(out, "\r\n");
}

int
mail_message(const struct mail_config *cfg, int64_t id, const char *to, const char *subject,
    const char *body, int64_t now, struct buf *out)
{
	const char *from = cfg->smtp_from && cfg->smtp_from[0] ? cfg->smtp_from :
	    "portier@localhost";
	const char *domain = strchr(from, '@');
	unsigned char rnd[8];
	char date[64], hex[17];
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	if (buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n", date, from, to) != 0 ||
	    add_subject(out, subject) != 0 ||
	    buf_printf(out, "Message-ID: <outbox.%lld.%s@%s>\r\n", (long long)id, hex,
	    domain ? domain + 1 : "localhost") != 0 ||
	    buf_puts(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n") != 0)
		return -1;
	for (const char *p = body; *p != '\0'; p++) {
		if (*p == '\r')
			continue;
		if ((*p == '\n' ? buf_puts(out, "\r\n") : buf_putc(out, *p)) != 0)
			return -1;
	}
	return 0;
}

/* ---- SMTP ---- */

struct reader {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

enum mail_send_result
mail_smtp_send(const struct mail_config *cfg, const char *to, const char *msg, size_t len,
    char *err, size_t errlen)
{
	struct curl_slist *rcpt = NULL;
	struct reader rd = { msg, len };
	char from[MAIL_ADDRESS_MAX + 3], rcpt_to[MAIL_ADDRESS_MAX + 3];
	enum mail_send_result res = MAIL_RETRY;
	long code = 0;
	CURLcode rc;
	CURL *c;

	if (!value_ok(VALUE_EMAIL, to, MAIL_ADDRESS_MAX)) {
		snprintf(err, errlen, "invalid recipient address");
		return MAIL_PERMANENT;
	}
	c = curl_easy_init();
	if (c == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return MAIL_RETRY;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->smtp_from && cfg->smtp_from[0] ?
	    cfg->smtp_from : "portier@localhost");
	snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_to);
	if (rcpt == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (cfg->smtp_user && cfg->smtp_user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
		/* Never send a password in clear: STARTTLS is required on smtp://. */
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		res = MAIL_SENT;
	} else {
		/* A 5xx reply is the server's final word; anything else may pass later. */
		res = code >= 500 && code < 600 ? MAIL_PERMANENT : MAIL_RETRY;
		snprintf(err, errlen, "%s (SMTP %ld)", curl_easy_strerror(rc), code);
	}
done:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return res;
}

/* ---- the outbox ---- */

static int64_t
backoff(const struct mail_config *cfg, int64_t attempts)
{
	int64_t d = cfg->retry_seconds > 0 ? cfg->retry_seconds : 60;

	for (int64_t i = 0; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

/* Claims mail id (due at due) for this node. Returns 1 claimed, 0 taken by another, -1. */
static int
claim(struct store *s, int64_t id, int64_t due, int64_t now)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_MAIL_CLAIM, "iii", id, due, now + LEASE_SECONDS);
	if (rc < 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx) == 0 ? (rc == 1) : -1;
}

static int
record(struct store *s, int64_t id, enum mail_send_result res, int64_t attempts,
    const struct mail_config *cfg, int64_t now, const char *err)
{
	int max = cfg->max_attempts > 0 ? cfg->max_attempts : 10;
	char at[CLOCK_TEXT_SIZE];
	struct store_tx *tx;
	int rc;

	/* sent_at from the service's clock (docs/store-contract.md, rule 3), as created_at. */
	if (clock_text(clock_time(), at) != 0 || store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (res == MAIL_SENT)
		rc = store_exec(tx, SQL_MAIL_SENT, "it", id, at);
	else if (res == MAIL_PERMANENT || attempts + 1 >= max)
		rc = store_exec(tx, SQL_MAIL_FAILED, "it", id, err);
	else
		rc = store_exec(tx, SQL_MAIL_RETRY, "iit", id, now + backoff(cfg, attempts), err);
	if (rc != 1) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

static int
deliver_one(struct store *s, const struct mail_config *cfg, int64_t id, int64_t due,
    int64_t now)
{
	struct arena *a = arena_new(1 << 20);
	struct mail_item *m;
	enum mail_send_result res;
	struct buf msg;
	char err[256] = "";
	int rc = claim(s, id, due, now);

	if (rc != 1 || a == NULL) {
		arena_free(a);
		return rc < 0 ? -1 : 0;
	}
	if (mail_list(s, a, id, 1, &m) != 1) {
		arena_free(a);
		return -1;
	}
	buf_init(&msg, MESSAGE_MAX);
	if (cfg->smtp_url == NULL || cfg->smtp_url[0] == '\0') {
		res = MAIL_SENT;   /* demo mailbox */
	} else if (mail_message(cfg, id, m->recipient, m->subject, m->body, now, &msg) != 0) {
		snprintf(err, sizeof(err), "message too large");
		res = MAIL_PERMANENT;
	} else {
		res = mail_smtp_send(cfg, m->recipient, msg.data, msg.len, err, sizeof(err));
	}
	metric_mail(res == MAIL_SENT ? MMAIL_SENT : MMAIL_FAILED);
	if (res == MAIL_SENT)
		log_info(NULL, "mail: outbox %lld (%s) sent", (long long)id, m->kind);
	else
		log_warn(NULL, "mail: outbox %lld (%s) attempt %lld failed: %s", (long long)id,
		    m->kind, (long long)m->attempts + 1, err);
	rc = record(s, id, res, m->attempts, cfg, now, err);
	buf_free(&msg);
	arena_free(a);
	return rc;
}

int
mail_deliver_due(struct store *s, const struct mail_config *cfg, int64_t now, int max)
{
	int64_t ids[BATCH], due[BATCH];
	struct store_tx *tx;
	struct store_q *q;
	int n = 0, rc;

	if (max <= 0 || max > BATCH)
		max = BATCH;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_MAIL_DUE, &q, "ii", now, (int64_t)max) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while (n < max && (rc = store_next(q)) == 1) {
		ids[n] = store_int(q, MAIL_DUE_ID);
		due[n] = store_int(q, MAIL_DUE_NEXT_ATTEMPT);
		n++;
	}
	store_done(q);
	store_rollback(&tx);
	for (int i = 0; i < n; i++)
		if (deliver_one(s, cfg, ids[i], due[i], now) < 0)
			return -1;
	return n;
}

/* ---- the thread ---- */

struct mail_runner {
	struct store *s;
	const struct mail_config *cfg;
	struct i18n *catalogues;
	struct mail_texts texts;     /* catalogue_tr over catalogues, or none: French */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, running, curl;
};

static const char *
catalogue_tr(void *arg, const char *lang, const char *msgid)
{
	return i18n_get(arg, lang, msgid);
}

static void *
loop(void *arg)
{
	struct mail_runner *m = arg;
	bool stop = false;

	while (!stop) {
		struct timespec until;

		if (mail_deliver_due(m->s, m->cfg, (int64_t)time(NULL), BATCH) < 0)
			log_err(NULL, "mail: cannot read the outbox");
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&m->lock);
		if (!m->stop)
			pthread_cond_timedwait(&m->wake, &m->lock, &until);
		stop = m->stop;
		pthread_mutex_unlock(&m->lock);
	}
	return NULL;
}

int
mail_start(struct store *s, const struct mail_config *cfg, struct mail_runner **out,
    char *err, size_t errlen)
{
	struct mail_runner *m = calloc(1, sizeof(*m));
	bool smtp = cfg->smtp_url != NULL && cfg->smtp_url[0] != '\0';

	if (m == NULL) {
		snprintf(err, errlen, "mail: out of memory");
		return -1;
	}
	m->s = s;
	m->cfg = cfg;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	if (cfg->locale_dir != NULL) {
		char why[256];

		if (i18n_load(cfg->locale_dir, &m->catalogues, why, sizeof(why)) != 0)
			log_warn(NULL, "mail: catalogues not loaded (%s): mails in French", why);
		else
			m->texts = (struct mail_texts){ catalogue_tr, m->catalogues };
	}
	if (smtp && (strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(cfg->smtp_url, "smtps://", 8) != 0)) {
		snprintf(err, errlen, "smtp_url must start with smtp:// or smtps://");
		goto fail;
	}
	if (smtp && !value_ok(VALUE_EMAIL, cfg->smtp_from, MAIL_ADDRESS_MAX)) {
		snprintf(err, errlen, "smtp_from must be an e-mail address");
		goto fail;
	}
	if (!smtp && !cfg->demo) {
		log_warn(NULL, "mail: smtp_url is not set: notifications wait in the outbox");
		*out = m;
		return 0;
	}
	if (smtp) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "mail: libcurl cannot start");
			goto fail;
		}
		m->curl = true;
	}
	if (pthread_create(&m->thread, NULL, loop, m) != 0) {
		snprintf(err, errlen, "mail: cannot start the delivery thread");
		goto fail;
	}
	m->running = true;
	log_info(NULL, "mail: delivery %s", smtp ? "by SMTP" : "to the demo mailbox (/demo/mails)");
	*out = m;
	return 0;
fail:
	mail_stop(m);
	return -1;
}

void
mail_stop(struct mail_runner *m)
{
	if (m == NULL)
		return;
	if (m->running) {
		pthread_mutex_lock(&m->lock);
		m->stop = true;
		pthread_cond_signal(&m->wake);
		pthread_mutex_unlock(&m->lock);
		pthread_join(m->thread, NULL);
	}
	i18n_free(m->catalogues);
	if (m->curl)
		curl_global_cleanup();
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->wake);
	free(m);
}

const struct mail_texts *
mail_runner_texts(const struct mail_runner *m)
{
	return m != NULL ? &m->texts : NULL;
}
