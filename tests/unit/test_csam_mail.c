/* test_csam_mail.c — the outbox (mail/mail.h): addresses, texts rendered in the recipient's
 * language with their values (no header injection), wrapping, the RFC 5322 message, the
 * mail written only with its transaction, delivery to the demo mailbox, and retries with
 * exponential backoff when the SMTP server cannot be reached, until the mail fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail/mail.h"
#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"
#include "value/value.h"

static struct store_fixture F;

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F, sql);
}

static int
group_setup(void **state)
{
	(void)state;
	return store_fixture_open(&F, "mail", 2);
}

static int
group_teardown(void **state)
{
	(void)state;
	return store_fixture_close(&F);
}

static void
test_addresses(void **state)
{
	(void)state;
	assert_true(value_ok(VALUE_EMAIL, "direction@entreprise.be", 0));
	assert_true(value_ok(VALUE_EMAIL, "a.b+c@sub.example.com", 0));
	assert_false(value_ok(VALUE_EMAIL, "direction@", 0));
	assert_false(value_ok(VALUE_EMAIL, "@entreprise.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "a@b", 0));
	assert_false(value_ok(VALUE_EMAIL, "a b@example.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "a@example.be\r\nBcc: x@evil.example", 0));
	assert_false(value_ok(VALUE_EMAIL, "a<b>@example.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "a@@example.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "a..b@example.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "é@example.be", 0));
	assert_false(value_ok(VALUE_EMAIL, NULL, 0));
}

static const char *
fake_nl(void *arg, const char *lang, const char *msgid)
{
	(void)arg;
	if (strcmp(lang, "nl") == 0 && strcmp(msgid, "Demande {1} reçue") == 0)
		return "Aanvraag {1} ontvangen";
	return msgid;
}

static void
test_render(void **state)
{
	const char *args[] = { "EX-AAAA-BBBB", "Société\r\nBcc: evil@example.be" };
	struct buf subject, body;

	(void)state;
	buf_init(&subject, 0);
	buf_init(&body, 0);
	assert_int_equal(mail_render(NULL, MAIL_REQUEST_RECEIVED, "fr", args, 2, &subject, &body), 0);
	assert_string_equal(subject.data, "Demande EX-AAAA-BBBB reçue");
	/* Values lose their control characters: no new header, no new line. */
	assert_non_null(strstr(body.data, "Société"));
	assert_null(strstr(body.data, "\r"));
	assert_null(strstr(body.data, "\nBcc:"));
	assert_true(strncmp(body.data, "Bonjour,\n\n", 10) == 0);
	for (const char *line = body.data; *line != '\0'; ) {
		const char *end = strchr(line, '\n');
		size_t chars = 0;

		for (const char *p = line; p < (end ? end : line + strlen(line)); p++)
			if (((unsigned char)*p & 0xC0) != 0x80)
				chars++;
		assert_true(chars <= 76);
		line = end ? end + 1 : line + strlen(line);
	}
	buf_reset(&subject);
	buf_reset(&body);
	assert_int_equal(mail_render(&(struct mail_texts){ fake_nl, NULL }, MAIL_REQUEST_RECEIVED,
	    "nl", args, 2, &subject, &body), 0);
	assert_string_equal(subject.data, "Aanvraag EX-AAAA-BBBB ontvangen");
	buf_free(&subject);
	buf_free(&body);
}

static void
test_message(void **state)
{
	struct mail_config cfg = { .smtp_from = "portier@example.be" };
	struct buf m;

	(void)state;
	buf_init(&m, 0);
	assert_int_equal(mail_message(&cfg, 7, "to@example.be", "Demande EX-AAAA-BBBB reçue",
	    "Bonjour,\n\nligne\n", 1900000000, &m), 0);
	assert_non_null(strstr(m.data, "From: portier@example.be\r\n"));
	assert_non_null(strstr(m.data, "To: to@example.be\r\n"));
	assert_non_null(strstr(m.data, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(m.data, "Date: Sun, 17 Mar 2030 17:46:40 +0000\r\n"));
	assert_non_null(strstr(m.data, "Message-ID: <outbox.7."));
	assert_non_null(strstr(m.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(m.data, "\r\n\r\nBonjour,\r\n\r\nligne\r\n"));
	assert_null(strstr(m.data, "reçue"));    /* the subject is encoded */
	buf_free(&m);
}

static void
test_queue_with_transaction(void **state)
{
	const char *args[] = { "EX-AAAA-BBBB", "Société" };
	struct store_tx *tx;

	(void)state;
	assert_int_equal(store_begin(F.s, STORE_WRITE, &tx), 0);
	assert_int_equal(mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "a@example.be", "fr", NULL, args,
	    2), 0);
	store_rollback(&tx);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox"), 0);
	assert_int_equal(store_begin(F.s, STORE_WRITE, &tx), 0);
	assert_int_equal(mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "bad address", "fr", NULL, args,
	    2), -1);
	assert_int_equal(mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "a@example.be", "xx", NULL, args,
	    2), -1);
	assert_int_equal(mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "a@example.be", "fr", NULL, args,
	    2), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE status = 'pending' AND "
	    "kind = 'request_received' AND language = 'fr'"), 1);
}

static void
test_demo_mailbox(void **state)
{
	struct mail_config cfg = { .demo = true };
	struct arena *a = arena_new(0);
	struct mail_item *m;

	(void)state;
	assert_int_equal(mail_deliver_due(F.s, &cfg, (int64_t)time(NULL), 10), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE status = 'sent' AND "
	    "sent_at IS NOT NULL AND attempts = 1"), 1);
	assert_int_equal(mail_deliver_due(F.s, &cfg, (int64_t)time(NULL), 10), 0);
	assert_int_equal(mail_list(F.s, a, 0, 10, &m), 1);
	assert_string_equal(m[0].status, "sent");
	assert_string_equal(m[0].subject, "Demande EX-AAAA-BBBB reçue");
	arena_free(a);
}

static void
test_retry_and_fail(void **state)
{
	/* Port 1 on localhost: connection refused at once. */
	struct mail_config cfg = { .smtp_url = "smtp://127.0.0.1:1", .smtp_from = "p@example.be",
	    .retry_seconds = 10, .max_attempts = 3 };
	const char *args[] = { "EX-CCCC-DDDD", "X" };
	struct store_tx *tx;
	int64_t now;

	(void)state;
	assert_int_equal(store_begin(F.s, STORE_WRITE, &tx), 0);
	assert_int_equal(mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "b@example.be", "fr", NULL, args,
	    2), 0);
	assert_int_equal(store_commit(&tx), 0);
	/* The clock of the queue's first attempt, as stored: a time(NULL) read before or after
	 * may be another second on a slow machine. */
	now = count("SELECT next_attempt FROM mail_outbox WHERE recipient = 'b@example.be'");
	assert_true(now > 0);
	assert_true(now <= (int64_t)time(NULL));
	assert_int_equal(mail_deliver_due(F.s, &cfg, now, 10), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE recipient = 'b@example.be' "
	    "AND status = 'pending' AND attempts = 1 AND last_error IS NOT NULL"), 1);
	/* Not due yet; then due after 10 s, then 20 s: doubling. */
	assert_int_equal(mail_deliver_due(F.s, &cfg, now + 9, 10), 0);
	assert_int_equal(mail_deliver_due(F.s, &cfg, now + 10, 10), 1);
	{
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT next_attempt - %lld FROM mail_outbox WHERE "
		    "recipient = 'b@example.be'", (long long)(now + 10));
		assert_int_equal(count(sql), 20);
	}
	assert_int_equal(mail_deliver_due(F.s, &cfg, now + 30, 10), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE recipient = 'b@example.be' "
	    "AND status = 'failed' AND attempts = 3"), 1);
	assert_int_equal(mail_deliver_due(F.s, &cfg, now + 100000, 10), 0);
}

/* A mail's created_at and sent_at come from the service's clock (docs/store-contract.md,
 * rule 3): with the clock 1,095 days back, both are dated then, not today. The sender's
 * schedule (next_attempt) stays on the system clock: the mail is due at once. */
static void
test_times_follow_the_clock(void **state)
{
	struct mail_config cfg = { .demo = true };
	const char *args[] = { "EX-EEEE-FFFF", "Horloge" };
	struct clock_fixture c;
	struct store_tx *tx;
	char sql[256];

	(void)state;
	assert_int_equal(clock_fixture_back(&c), 0);
	assert_int_equal(store_begin(F.s, STORE_WRITE, &tx), 0);
	assert_int_equal(mail_queue(tx, NULL, MAIL_REQUEST_RECEIVED, "c@example.be", "fr", NULL,
	    args, 2), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(mail_deliver_due(F.s, &cfg, (int64_t)time(NULL), 10), 1);
	assert_int_equal(clock_fixture_end(&c), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM mail_outbox WHERE recipient = "
	    "'c@example.be' AND status = 'sent' AND created_at < '%s' AND sent_at < '%s' AND "
	    "sent_at >= created_at", c.before, c.before);
	assert_int_equal(count(sql), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_queue_with_transaction),
		cmocka_unit_test(test_demo_mailbox),
		cmocka_unit_test(test_retry_and_fail),
		cmocka_unit_test(test_times_follow_the_clock),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
