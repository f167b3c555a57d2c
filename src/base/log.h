/* log.h — one line per event on stderr: time, level, request id, message; as text or as
 * a JSON object (log_format = json). Never pass personal data (NISS, names, e-mail
 * addresses, passwords) to these functions. */
#ifndef PORTIER_BASE_LOG_H
#define PORTIER_BASE_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
/* LOG_TEXT: "TIME LEVEL RID message"; LOG_JSON: {"time","level","rid","msg",fields…}. */
enum log_format { LOG_TEXT, LOG_JSON };

/* A structured field of an event (LOG_JSON writes it as a member; text shows only the
 * message, which says the same). Build them with LOG_STR, LOG_INT and LOG_NUM. */
enum log_kind { LOG_K_STR, LOG_K_INT, LOG_K_NUM };
struct log_field {
	const char *key;     /* a fixed ASCII name, never one of time, level, rid, msg */
	enum log_kind kind;
	const char *s;       /* LOG_K_STR; NULL is written as null */
	long long i;         /* LOG_K_INT */
	double d;            /* LOG_K_NUM */
};
#define LOG_STR(k, v) ((struct log_field){ .key = (k), .kind = LOG_K_STR, .s = (v) })
#define LOG_INT(k, v) ((struct log_field){ .key = (k), .kind = LOG_K_INT, .i = (long long)(v) })
#define LOG_NUM(k, v) ((struct log_field){ .key = (k), .kind = LOG_K_NUM, .d = (double)(v) })

/* Sets the lowest level written (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* Sets the format of the lines (default LOG_TEXT). */
void log_set_format(enum log_format fmt);
/* "text" or "json" to the format; 0, or -1 for another name. */
int log_format_parse(const char *name, enum log_format *out);
/* Writes one line; rid is the request id or NULL outside requests. */
void log_msg(enum log_level lvl, const char *rid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with n structured fields f (written by LOG_JSON only). */
void log_fields(enum log_level lvl, const char *rid, const struct log_field *f, size_t n,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define log_info(rid, ...) log_msg(LOG_INFO, (rid), __VA_ARGS__)
#define log_warn(rid, ...) log_msg(LOG_WARN, (rid), __VA_ARGS__)
#define log_err(rid, ...) log_msg(LOG_ERROR, (rid), __VA_ARGS__)
#define log_debug(rid, ...) log_msg(LOG_DEBUG, (rid), __VA_ARGS__)

#endif
