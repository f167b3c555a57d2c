/* arena.h — a bump allocator that frees everything at once.
 * One arena per request (or per command); nothing allocated from it is freed alone. */
#ifndef PORTIER_BASE_ARENA_H
#define PORTIER_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Returns a new arena that refuses to grow past max_bytes (0 = 64 MiB), or NULL. */
struct arena *arena_new(size_t max_bytes);
/* Frees the arena and everything allocated from it. NULL is accepted. */
void arena_free(struct arena *a);
/* Returns zeroed memory aligned for any type, or NULL when the cap is reached. */
void *arena_alloc(struct arena *a, size_t n);
/* Room for element n of the array v of *cap elements of size bytes: v itself, or a copy
 * twice as large (8 at first) in a, *cap updated. NULL when the arena is full. */
void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);
/* Returns a NUL-terminated copy of s (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Returns a NUL-terminated copy of the first n bytes of s. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Returns a formatted string, or NULL on error or cap. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Bytes handed out so far. */
size_t arena_used(const struct arena *a);

#endif
