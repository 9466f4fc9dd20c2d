/* Batch arena: after the first few batches it allocates nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define BLOCK_MIN (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	struct arena_block *b = a->head;
	/* Walk on through blocks kept from earlier batches before making one. */
	while (b && b->cap - b->used < n)
		b = b->next;
	if (!b) {
		size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = a->all;
		a->all = b;
	}
	a->head = b;
	void *p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void *arena_push(struct arena *a, void **items, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t grown_cap = *cap ? 2 * *cap : 16;
		char *grown = arena_alloc(a, grown_cap * size);
		if (!grown)
			return NULL;
		if (*n)
			memcpy(grown, *items, *n * size);
		*items = grown;
		*cap = grown_cap;
	}
	return (char *)*items + (*n)++ * size;
}

void arena_reset(struct arena *a)
{
	for (struct arena_block *b = a->all; b; b = b->next)
		b->used = 0;
	a->head = a->all;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->all;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = a->all = NULL;
}
