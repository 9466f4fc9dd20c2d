/* Group commit: the requests that arrived together, applied in one transaction. */
#ifndef DOCKET_BATCH_H
#define DOCKET_BATCH_H

#include <msgpack.h>
#include <zmq.h>

#include "arena.h"
#include "cmd.h"
#include "office.h"
#include "outbox.h"
#include "store.h"

struct batch_entry {
	zmq_msg_t route;     /* the ROUTER's identity frame */
	zmq_msg_t payload;
	int delimiter;       /* an empty frame came between them (REQ clients) */
	int malformed;       /* wrong frame count or a non-empty delimiter */
	const struct principal *who; /* whose key sent it; NULL for a key revoked since */
	size_t reply_off, reply_len;
	int deferred;        /* answered later, not with the batch (backup) */
};

struct batch {
	struct batch_entry *e;
	size_t n, max;
	size_t max_request;
	msgpack_sbuffer replies;  /* every reply of the batch, back to back */
	struct outbox outbox;     /* every event of the batch */
	struct arena arena;
	struct store *store;
	const struct office *office;
	struct server *server; /* for the commands about docketd itself (status, backup) */
	int replanned; /* a command of the batch changed the reminders */
	int rekeyed;   /* a command of the batch changed the clients' keys */
};

/* Allocate room for max requests. Returns 0 or -DOCKET_ENOMEM. */
int batch_init(struct batch *b, size_t max, struct store *store, const struct office *office);
void batch_free(struct batch *b);

/*
 * Apply entries e[0..n) in one transaction, one savepoint each, and write
 * their replies. Returns 0 when the transaction committed, or
 * -DOCKET_ESTORAGE when it did not: then every reply says storage and the
 * outbox is empty.
 */
int batch_run(struct batch *b);

/* Close the entries' frames and empty the batch. */
void batch_clear(struct batch *b);

#endif
