/* log.c — line-buffered logging to stderr, safe from many threads, as text or JSON lines.
 * Each line is formatted first and written with one write(2). */
#include "base/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/utf8.h"

/* Process-wide on purpose: every line goes to the process's one stderr, whichever
 * application in it writes; level and format are the process's (set by cmd/). */
static enum log_level min_level = LOG_INFO;
static enum log_format format = LOG_TEXT;

#define LINE_MAX_BYTES 4096
#define MSG_MAX_BYTES 2048

/* A line being built: what does not fit is dropped, the line stays one line. */
struct line {
	char b[LINE_MAX_BYTES];
	size_t n;
};

void
log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void
log_set_format(enum log_format fmt)
{
	format = fmt;
}

int
log_format_parse(const char *name, enum log_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = LOG_TEXT;
	else if (strcmp(name, "json") == 0)
		*out = LOG_JSON;
	else
		return -1;
	return 0;
}

static void
put(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->b) - 2 - l->n)
		n = sizeof(l->b) - 2 - l->n;
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

static void
puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* A JSON string: quotes, backslashes and control characters escaped, a byte that is not
 * valid UTF-8 written as U+FFFD, so every line parses. */
static void
put_json_str(struct line *l, const char *s, size_t n)
{
	put(l, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(l, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(l, esc, 6);
		} else if (c < 0x80) {
			put(l, (const char *)&c, 1);
		} else if (i + len <= n && utf8_valid(s + i, len)) {
			put(l, s + i, len);
			i += len;
			continue;
		} else {
			put(l, "\\ufffd", 6);
		}
		i++;
	}
	put(l, "\"", 1);
}

static void
put_time(struct line *l, bool json)
{
	struct timespec ts;
	struct tm tm;
	char t[40];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(t + n, sizeof(t) - n, ".%03ldZ", ts.tv_nsec / 1000000);
	if (json)
		put_json_str(l, t, strlen(t));
	else
		puts_(l, t);
}

static void
put_field(struct line *l, const struct log_field *f)
{
	char num[64];

	put(l, ",", 1);
	put_json_str(l, f->key, strlen(f->key));
	put(l, ":", 1);
	switch (f->kind) {
	case LOG_K_STR:
		if (f->s == NULL)
			puts_(l, "null");
		else
			put_json_str(l, f->s, strlen(f->s));
		return;
	case LOG_K_INT:
		snprintf(num, sizeof(num), "%lld", f->i);
		break;
	case LOG_K_NUM:
		snprintf(num, sizeof(num), "%.3f", f->d);
		break;
	}
	puts_(l, num);
}

/* {"time":…,"level":…,"rid":…,"msg": — the message's value follows. */
static void
json_head(struct line *l, const char *level, const char *rid)
{
	puts_(l, "{\"time\":");
	put_time(l, true);
	puts_(l, ",\"level\":\"");
	puts_(l, level);
	puts_(l, "\",\"rid\":");
	if (rid == NULL)
		puts_(l, "null");
	else
		put_json_str(l, rid, strlen(rid));
	puts_(l, ",\"msg\":");
}

static void emit(enum log_level lvl, const char *rid, const struct log_field *f, size_t nf,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void
emit(enum log_level lvl, const char *rid, const struct log_field *f, size_t nf,
    const char *fmt, va_list ap)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char msg[MSG_MAX_BYTES];
	struct line l;
	int k;

	l.n = 0;
	k = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (k < 0)
		msg[0] = '\0';
	if (format == LOG_JSON) {
		json_head(&l, names[lvl], rid);
		put_json_str(&l, msg, strlen(msg));
		for (size_t i = 0; i < nf; i++)
			put_field(&l, &f[i]);
		/* A line cut at the limit would not parse: say so in one that does. */
		if (l.n >= sizeof(l.b) - 3) {
			l.n = 0;
			json_head(&l, names[lvl], rid);
			puts_(&l, "\"(event too long to log)\"");
		}
		puts_(&l, "}");
	} else {
		put_time(&l, false);
		put(&l, " ", 1);
		puts_(&l, names[lvl]);
		put(&l, " ", 1);
		puts_(&l, rid ? rid : "-");
		put(&l, " ", 1);
		puts_(&l, msg);
		/* A message must stay one line: control characters become '?'. */
		for (size_t i = 0; i < l.n; i++)
			if ((unsigned char)l.b[i] < 0x20)
				l.b[i] = '?';
	}
	l.b[l.n++] = '\n';
	(void)!write(STDERR_FILENO, l.b, l.n);
}

void
log_msg(enum log_level lvl, const char *rid, const char *fmt, ...)
{
	va_list ap;

	if (lvl < min_level)
		return;
	va_start(ap, fmt);
	emit(lvl, rid, NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_fields(enum log_level lvl, const char *rid, const struct log_field *f, size_t n,
    const char *fmt, ...)
{
	va_list ap;

	if (lvl < min_level)
		return;
	va_start(ap, fmt);
	emit(lvl, rid, f, n, fmt, ap);
	va_end(ap);
}
