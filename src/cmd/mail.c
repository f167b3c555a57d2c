/* mail.c — `portier mail list`: the mail outbox as operators see it (what was queued, to
 * whom, sent or still retrying and why), one JSON object a line, oldest first. */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "mail/mail.h"
#include "store/store.h"

#define MAIL_LIST_MAX 1000

static const char usage[] =
    "usage: portier mail list [--kind KIND] [--db PATH] [--config FILE]\n"
    "\n"
    "Prints the mails of the outbox, oldest first, one JSON object a line: id, kind,\n"
    "recipient, language, subject, body, org, status (pending, sent, failed), attempts,\n"
    "next_attempt, last_error, created_at, sent_at. --kind keeps one kind of mail\n"
    "(gap_designated, gap_replaced_previous, gap_replaced, cogap_added, request_received,\n"
    "request_approved, request_rejected). At most the 1000 newest mails are read.\n"
    "Exit status: 0 listed, 2 usage or database error.\n";

/* Sets key to the string s, or to null when s is NULL. Returns 0 or -1. */
static int
set_text(json_t *o, const char *key, const char *s)
{
	return json_object_set_new(o, key, s ? json_string(s) : json_null());
}

/* Prints one mail as a JSON line. Returns 0 or -1. */
static int
print_mail(const struct mail_item *m)
{
	json_t *o = json_object();
	int rc = -1;

	if (o == NULL)
		return -1;
	if (json_object_set_new(o, "id", json_integer(m->id)) == 0 &&
	    set_text(o, "kind", m->kind) == 0 && set_text(o, "recipient", m->recipient) == 0 &&
	    set_text(o, "language", m->language) == 0 &&
	    set_text(o, "subject", m->subject) == 0 && set_text(o, "body", m->body) == 0 &&
	    set_text(o, "org", m->org) == 0 && set_text(o, "status", m->status) == 0 &&
	    json_object_set_new(o, "attempts", json_integer(m->attempts)) == 0 &&
	    json_object_set_new(o, "next_attempt", json_integer(m->next_attempt)) == 0 &&
	    set_text(o, "last_error", m->last_error) == 0 &&
	    set_text(o, "created_at", m->created_at) == 0 &&
	    set_text(o, "sent_at", m->sent_at) == 0 &&
	    json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
	json_decref(o);
	return rc;
}

/* Lists the outbox of s (kind NULL: every kind). Returns the exit status. */
static int
list_mails(struct store *s, const char *kind)
{
	struct arena *a = arena_new(0);
	struct mail_item *m = NULL;
	int n, rc = 0;

	if (a == NULL)
		return 2;
	n = mail_list(s, a, 0, MAIL_LIST_MAX, &m);
	if (n < 0)
		rc = 2;
	/* mail_list gives the newest first; operators read a log oldest first. */
	for (int i = n - 1; rc == 0 && i >= 0; i--) {
		if (kind != NULL && (m[i].kind == NULL || strcmp(m[i].kind, kind) != 0))
			continue;
		if (print_mail(&m[i]) != 0)
			rc = 2;
	}
	if (rc == 0 && fflush(stdout) != 0)
		rc = 2;
	if (rc != 0)
		fprintf(stderr, "portier: cannot list the mail outbox\n");
	arena_free(a);
	return rc;
}

int
cmd_mail(int argc, char **argv)
{
	const char *kind = NULL;
	const struct cmd_opt opts[] = { { .name = "kind", .value = &kind } };
	struct config c;
	struct store *s;
	char *pos[1];
	int npos, rc;

	/* Our own options first; the rest are the common settings (--db, --config …). */
	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1,
	    &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || strcmp(pos[0], "list") != 0 || (kind != NULL && kind[0] == '\0')) {
		fputs(usage, stderr);
		return 2;
	}
	/* Reading only: a missing file is not created, no migrations are applied. */
	if (open_store_existing(&c, &s) != 0)
		return 2;
	rc = list_mails(s, kind);
	store_close(s);
	return rc;
}
