/* docketd's sockets: commands in on the ROUTER, replies out, events on the XPUB. */
#ifndef DOCKET_SERVER_H
#define DOCKET_SERVER_H

#include <event2/event.h>
#include <sys/types.h>

#include "alarm.h"
#include "batch.h"
#include "cmd.h"
#include "keyring.h"
#include "ledger.h"
#include "office.h"
#include "stats.h"
#include "store.h"
#include "zap.h"
#include "zmq_watch.h"

struct server {
	void *zctx;
	void *router;
	void *xpub;
	struct zmq_watch *router_watch;
	struct zmq_watch *xpub_watch;
	struct batch batch;
	struct store *store;
	struct keyring *keys;       /* the clients' keys, read again when a batch changes them */
	const struct principal *local; /* who a client on an ipc endpoint is */
	struct zap zap;
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
	msgpack_sbuffer scratch;   /* heartbeats and head forms, reused */
	struct ledger *ledger;
	struct stats stats;        /* the commands' rate, for STATUS= and the status query */
	struct event *tick;        /* once a second: a sample, and STATUS= when it changed */
	char status[192];          /* the STATUS= line last sent */
	struct checkpointer *wal;  /* the WAL's checkpoints; NULL: SQLite's own */
	struct backup *backup;
	int64_t subscribers;       /* subscribers holding docket.welcome: libdocket's, each once */
	int64_t subscriptions;     /* every subscription held on the event socket */
	unsigned batch_subs;       /* subscriptions to docket.batch or a prefix of it */
};

struct server_options {
	const char *listen;
	const char *publish;
	size_t batch_max;
	int event_hwm;             /* events queued per subscriber */
	size_t event_inline_max;   /* larger events are published in head form */
	unsigned heartbeat_ms;
	struct ledger *ledger;     /* told of each commit; publishes checkpoints. NULL: none */
	gid_t ipc_group;           /* group of ipc socket files, (gid_t)-1 to leave it */
	const char *state_dir;     /* where the last backup is recorded */
	struct checkpointer *wal;  /* reported by the status query; NULL: none */
};

/*
 * Start the ZAP handler, bind both endpoints (tcp with CURVE and keys'
 * server pair, checked to refuse an unknown key), join base and arm the
 * reminder timer. local and office are read at every batch, so the caller
 * may change them between batches (on reload). Returns 0, or
 * -DOCKET_EUNREACHABLE when an endpoint cannot be bound (errno says why),
 * -DOCKET_ECONFIG (an endpoint docketd will not serve, or the self-test
 * failed), -DOCKET_ESYS or -DOCKET_ENOMEM; err says which.
 */
int server_open(struct server *s, struct event_base *base, const struct server_options *o,
		struct store *store, struct keyring *keys, const struct principal *local,
		const struct office *office, char *err, size_t errlen);

/*
 * Re-plan every reminder in one transaction (at start, and after the
 * office's settings changed), then fire what is due and re-arm. Returns 0
 * or -DOCKET_ESTORAGE with err set.
 */
int server_replan(struct server *s, char *err, size_t errlen);

/* The command and event endpoints as bound (a port 0 resolved), into cmd and ev. */
void server_endpoints(struct server *s, char *cmd, size_t cmdlen, char *ev, size_t evlen);

/* Close the sockets, letting replies already queued leave first. */
void server_close(struct server *s);

#endif
