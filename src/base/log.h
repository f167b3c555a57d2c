/* log.h — one line per event on stderr: time, level, request id, message.
 * Never pass personal data (NISS, names, passwords) to these functions. */
#ifndef PORTIER_BASE_LOG_H
#define PORTIER_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the lowest level written (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* Writes one line; rid is the request id or NULL outside requests. */
void log_msg(enum log_level lvl, const char *rid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_info(rid, ...) log_msg(LOG_INFO, (rid), __VA_ARGS__)
#define log_warn(rid, ...) log_msg(LOG_WARN, (rid), __VA_ARGS__)
#define log_err(rid, ...) log_msg(LOG_ERROR, (rid), __VA_ARGS__)
#define log_debug(rid, ...) log_msg(LOG_DEBUG, (rid), __VA_ARGS__)

#endif
