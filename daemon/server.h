/* docketd's sockets: commands in on the ROUTER, replies out, events on the XPUB. */
#ifndef DOCKET_SERVER_H
#define DOCKET_SERVER_H

#include <event2/event.h>

#include "alarm.h"
#include "batch.h"
#include "cmd.h"
#include "office.h"
#include "store.h"
#include "zmq_watch.h"

struct server {
	void *zctx;
	void *router;
	void *xpub;
	struct zmq_watch *router_watch;
	struct zmq_watch *xpub_watch;
	struct batch batch;
	struct store *store;
	const struct office *office;
	struct alarm *alarm;
	int64_t next_due;          /* the earliest pending reminder, INT64_MAX when none */
	struct outbox reminders;   /* events of the reminders being fired */
	struct arena arena;        /* for the reminders' work, reset each time */
	uint64_t commands, batches;
	size_t inline_max;
	unsigned heartbeat_ms;
	struct event *heartbeat;   /* the docket.heartbeat timer */
	struct event *after;       /* one more heartbeat soon after events went out */
	unsigned batch_prefixes;   /* bit n: some subscriber holds the first n bytes of docket.batch */
	msgpack_sbuffer scratch;   /* heartbeats and head forms, reused */
};

struct server_options {
	const char *listen;
	const char *publish;
	size_t batch_max;
	int event_hwm;             /* events queued per subscriber */
	size_t event_inline_max;   /* larger events are published in head form */
	unsigned heartbeat_ms;
};

/*
 * Bind both endpoints, join base and arm the reminder timer. who and
 * office are read at every batch, so the caller may change them between
 * batches (on reload). Returns 0, or -DOCKET_EUNREACHABLE when an endpoint
 * cannot be bound (errno says why), -DOCKET_ESYS or -DOCKET_ENOMEM; err
 * says which.
 */
int server_open(struct server *s, struct event_base *base, const struct server_options *o,
		struct store *store, const struct principal *who, const struct office *office,
		char *err, size_t errlen);

/*
 * Re-plan every reminder in one transaction (at start, and after the
 * office's settings changed), then fire what is due and re-arm. Returns 0
 * or -DOCKET_ESTORAGE with err set.
 */
int server_replan(struct server *s, char *err, size_t errlen);

/* Close the sockets, letting replies already queued leave first. */
void server_close(struct server *s);

#endif
