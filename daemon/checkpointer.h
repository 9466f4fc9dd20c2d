/* The WAL's checkpoints, made on a connection and a thread of their own, out of every commit. */
#ifndef DOCKET_CHECKPOINTER_H
#define DOCKET_CHECKPOINTER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A passive checkpoint is asked for each time the WAL has grown by this many pages. */
#define CHECKPOINTER_PAGES 1000
/*
 * Past this many pages the next batch waits for a checkpoint to copy what
 * is left, so that it starts the WAL again from its beginning.
 */
#define CHECKPOINTER_RESTART_PAGES 4000
/* Past this size the WAL is truncated even if new batches must wait for it. */
#define CHECKPOINTER_HARD_BYTES (64 * 1024 * 1024)
/*
 * What the WAL file is cut back to when it starts again from its beginning:
 * more than it reaches by CHECKPOINTER_RESTART_PAGES, since a commit that
 * grows the file syncs its size too, and one that rewrites it in place
 * does not (measured: a sixth more commands a second).
 */
#define CHECKPOINTER_KEEP_BYTES (20 * 1024 * 1024)
/* How long a truncating checkpoint waits for readers (and so holds writers back). */
#define CHECKPOINTER_BUSY_MS 500

struct checkpointer;

/* The last checkpoint made, for the status query. */
struct checkpointer_report {
	char at[32];         /* time of changes; "" when none yet */
	const char *mode;    /* "passive" or "truncate" */
	int64_t wal_pages;   /* pages in the WAL then */
	int64_t backfilled;  /* of them, pages copied into the database */
	uint64_t count;      /* checkpoints made since start */
	uint64_t busy;       /* truncating ones that gave up on a reader */
	uint64_t waits;      /* batches that waited for one, to start the WAL again */
};

/*
 * Turn off SQLite's automatic checkpoint on store's connection, which runs
 * inside the commit that crosses its threshold, and start a thread with a
 * connection of its own to the database at path that checkpoints when a
 * commit tells it the WAL has grown (sqlite3_wal_hook): passive, which
 * never waits for and never holds back the command connection, unless the
 * WAL is past CHECKPOINTER_HARD_BYTES. Returns 0, -DOCKET_ESTORAGE or
 * -DOCKET_ESYS with err set. Free with checkpointer_close before
 * store_close.
 */
int checkpointer_open(struct checkpointer **out, struct store *store, const char *path, char *err,
		      size_t errlen);

/*
 * Before a batch begins (the loop's): when the WAL is past
 * CHECKPOINTER_RESTART_PAGES and not all copied into the database, copy
 * what is left with a passive checkpoint on the store's own connection,
 * unless the thread is making one (then at a later batch). A commit begun
 * on a WAL all copied writes it again from its beginning; one begun while
 * a checkpoint lags behind the commits, as under a steady stream of them,
 * never does. Tries again only once the WAL has grown by
 * CHECKPOINTER_PAGES more (a reader may keep it from being copied).
 * NULL-safe.
 */
void checkpointer_before_batch(struct checkpointer *c);

/* The last checkpoint, copied under the thread's lock. NULL-safe (all zero). */
void checkpointer_report(struct checkpointer *c, struct checkpointer_report *r);

/* Stop the thread (a checkpoint in hand finishes), close its connection, free. NULL-safe. */
void checkpointer_close(struct checkpointer **c);

#endif
