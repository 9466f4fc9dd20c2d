/* docketd's sockets: commands in on the ROUTER, replies out, events on the XPUB. */
#ifndef DOCKET_SERVER_H
#define DOCKET_SERVER_H

#include <event2/event.h>

#include "batch.h"
#include "cmd.h"
#include "store.h"
#include "zmq_watch.h"

struct server {
	void *zctx;
	void *router;
	void *xpub;
	struct zmq_watch *router_watch;
	struct zmq_watch *xpub_watch;
	struct batch batch;
	uint64_t commands, batches;
};

struct server_options {
	const char *listen;
	const char *publish;
	size_t batch_max;
	int event_hwm;
};

/*
 * Bind both endpoints and join base. who is read at every batch, so the
 * caller may change it between batches (on reload). Returns 0, or
 * -DOCKET_EUNREACHABLE when an endpoint cannot be bound (errno says why),
 * -DOCKET_ESYS or -DOCKET_ENOMEM; err says which.
 */
int server_open(struct server *s, struct event_base *base, const struct server_options *o,
		struct store *store, const struct principal *who, char *err, size_t errlen);

/* Close the sockets, letting replies already queued leave first. */
void server_close(struct server *s);

#endif
