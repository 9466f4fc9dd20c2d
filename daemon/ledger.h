/* The ledger: the watermark and the signed checkpoints that show the log was never rewritten. */
#ifndef DOCKET_LEDGER_H
#define DOCKET_LEDGER_H

#include <event2/event.h>
#include <stddef.h>

#include "store.h"
#include "zmq_watch.h"

struct ledger;

struct ledger_options {
	const char *state_dir;        /* where the watermark and the checkpoint key live */
	unsigned check_ms;            /* most the walk of the chain at start takes; 0: no walk */
	unsigned checkpoint_interval; /* seconds between checkpoints; 0: none */
};

/*
 * Before anything writes to store: walk the log's chain (for at most
 * check_ms) and compare the log with state_dir/watermark, then
 * write the watermark, load or make the checkpoint key pair
 * (state_dir/checkpoint.key and .pub) and start the thread that keeps the
 * watermark. Logs what a first start creates. Returns 0;
 * -DOCKET_EPRECONDITION when the log must not be written to: its chain does
 * not verify, it ends before the watermark's seq or differs from it there,
 * or the watermark is damaged (err names the seqs); -DOCKET_ESTORAGE when
 * the log cannot be read; -DOCKET_ESYS (a file of state_dir; errno says
 * why) or -DOCKET_ENOMEM. *out is owned by the caller: free with
 * ledger_close.
 */
int ledger_open(struct ledger **out, struct store *store, const struct ledger_options *o,
		char *err, size_t errlen);

/*
 * Publish a docket.checkpoint on xpub every checkpoint_interval while the
 * log's head moved, calling zmq_watch_check(watch) after each send.
 * NULL-safe (no ledger: nothing). Returns 0 or -DOCKET_ENOMEM.
 */
int ledger_attach(struct ledger *l, struct event_base *base, void *xpub, struct zmq_watch *watch);

/* The last checkpoint published since start: seq 0 (at "") when none. NULL-safe. */
void ledger_last_checkpoint(const struct ledger *l, int64_t *seq, const char **at);

/* Stop publishing checkpoints, before the socket closes. NULL-safe. */
void ledger_detach(struct ledger *l);

/*
 * A transaction committed: hand the log's head to the watermark's thread,
 * which writes the newest it has been given. Never waits for a write.
 * NULL-safe.
 */
void ledger_committed(struct ledger *l);

/* Record the head a last time, wait for the write, free everything. NULL-safe; sets *l to NULL. */
void ledger_close(struct ledger **l);

#endif
