/* The outbox: event bodies waiting for their transaction to commit. */
#include <stdlib.h>

#include "docket/error.h"
#include "outbox.h"

void outbox_init(struct outbox *o)
{
	msgpack_sbuffer_init(&o->buf);
	o->ev = NULL;
	o->n = o->cap = 0;
}

void outbox_free(struct outbox *o)
{
	msgpack_sbuffer_destroy(&o->buf);
	free(o->ev);
	outbox_init(o);
}

void outbox_clear(struct outbox *o)
{
	o->buf.size = 0;
	o->n = 0;
}

int outbox_add(struct outbox *o, const char *topic, size_t off)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 256;
		struct outbox_event *ev = realloc(o->ev, cap * sizeof *ev);
		if (!ev)
			return -DOCKET_ENOMEM;
		o->ev = ev;
		o->cap = cap;
	}
	o->ev[o->n++] = (struct outbox_event){topic, off, o->buf.size - off};
	return 0;
}

struct outbox_mark outbox_mark(const struct outbox *o)
{
	return (struct outbox_mark){o->n, o->buf.size};
}

void outbox_rewind(struct outbox *o, struct outbox_mark m)
{
	o->n = m.n;
	o->buf.size = m.size;
}
