/* A bump allocator for one batch: everything in it lives until the batch ends. */
#ifndef DOCKET_ARENA_H
#define DOCKET_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* block being filled */
	struct arena_block *all;  /* every block, kept across resets */
};

/* n bytes aligned for any type, or NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);

/* Copy len bytes and a NUL; NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/*
 * A slot at the end of the array *items holding *n elements of size bytes
 * in room for *cap, which doubles (the old elements copied) when full; *n
 * counts the slot. NULL, and nothing changed, when out of memory.
 */
void *arena_push(struct arena *a, void **items, size_t *n, size_t *cap, size_t size);

/* Forget every allocation but keep the memory for the next batch. */
void arena_reset(struct arena *a);

/* Free the memory. */
void arena_free(struct arena *a);

#endif
