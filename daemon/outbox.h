/* Events appended by a batch, held until its transaction commits. */
#ifndef DOCKET_OUTBOX_H
#define DOCKET_OUTBOX_H

#include <msgpack.h>
#include <stddef.h>

struct outbox_event {
	const char *topic; /* static storage */
	size_t off, len;   /* the body, in buf */
};

struct outbox {
	msgpack_sbuffer buf;
	struct outbox_event *ev;
	size_t n, cap;
};

struct outbox_mark {
	size_t n, size;
};

void outbox_init(struct outbox *o);
void outbox_free(struct outbox *o);
void outbox_clear(struct outbox *o);

/* Record the body written at buf[off, buf.size). 0 or -DOCKET_ENOMEM. */
int outbox_add(struct outbox *o, const char *topic, size_t off);

/* Forget what was added after a mark, as a savepoint rollback does. */
struct outbox_mark outbox_mark(const struct outbox *o);
void outbox_rewind(struct outbox *o, struct outbox_mark m);

#endif
