/* buf.h — growable byte buffer with a maximum size.
 * Every buffer fed by input has a cap; appends past it fail and leave the buffer as it was. */
#ifndef PORTIER_BASE_BUF_H
#define PORTIER_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
	size_t max;   /* 0 = 16 MiB */
};

/* Initialises b empty with the given cap (0 = 16 MiB). */
void buf_init(struct buf *b, size_t max);
/* Releases b's memory; b may be reused after buf_init. */
void buf_free(struct buf *b);
/* Empties b, keeping its memory. */
void buf_reset(struct buf *b);
/* Appends n bytes; returns 0, or -1 when the cap or memory is exhausted. */
int buf_add(struct buf *b, const void *p, size_t n);
/* Appends a NUL-terminated string; returns 0 or -1. */
int buf_puts(struct buf *b, const char *s);
/* Appends one byte; returns 0 or -1. */
int buf_putc(struct buf *b, char c);
/* Appends formatted text; returns 0 or -1. */
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (free() it) and leaves b empty. */
char *buf_steal(struct buf *b);

#endif
