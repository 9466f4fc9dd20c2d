/* WAL checkpoints on a thread of their own: a commit only says how long the WAL has grown. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpointer.h"
#include "docket/error.h"
#include "log.h"
#include "wallclock.h"

struct checkpointer {
	struct store *store;
	sqlite3 *db;          /* the thread's own connection */
	int64_t hard_pages;   /* CHECKPOINTER_HARD_BYTES in pages */
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;  /* a checkpoint is wanted */
	/* Under lock. */
	int64_t pages;        /* the WAL's length the last commit reported */
	int64_t base;         /* its length at the last checkpoint; 0 once it started again */
	int64_t copied;       /* the WAL's length when a checkpoint last copied all of it */
	int64_t restart_at;   /* past this length, a batch waits for a checkpoint */
	uint64_t started, finished; /* checkpoints */
	bool pending, stop;
	struct checkpointer_report last;
};

/*
 * The WAL hook, on the loop's thread inside each commit: no I/O and no
 * waiting, only a look at the length and perhaps a signal. A WAL shorter
 * than at the last checkpoint has started again from its beginning.
 */
static int on_wal(void *arg, struct sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	struct checkpointer *c = arg;
	pthread_mutex_lock(&c->lock);
	if (pages < c->pages) {
		c->base = 0;
		c->restart_at = CHECKPOINTER_RESTART_PAGES;
	}
	c->pages = pages;
	if (!c->pending && pages >= c->base + CHECKPOINTER_PAGES) {
		c->pending = true;
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

/*
 * Passive: copies what no reader still needs and returns, without taking
 * the write lock. A commit begun once the WAL is all copied starts it again
 * from its beginning (and cuts a larger file to CHECKPOINTER_KEEP_BYTES);
 * checkpointer_before_batch sees that one does. A reader holding an old
 * snapshot (a backup, an operator's sqlite3) keeps it from starting again;
 * past the hard bound the checkpoint truncates, waiting
 * CHECKPOINTER_BUSY_MS at most for readers, new batches waiting meanwhile:
 * the bound is worth a short pause.
 */
static void *run(void *arg)
{
	struct checkpointer *c = arg;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->pending && !c->stop)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stop)
			break;
		c->pending = false;
		c->started++;
		bool hard = c->pages >= c->hard_pages;
		pthread_mutex_unlock(&c->lock);

		int log = -1, done = -1;
		int rc = sqlite3_wal_checkpoint_v2(c->db, "main",
						   hard ? SQLITE_CHECKPOINT_TRUNCATE
							: SQLITE_CHECKPOINT_PASSIVE,
						   &log, &done);
		char ts[WALLCLOCK_TS_LEN];
		wallclock_now(ts);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_msg(LOG_WARNING, "WAL checkpoint failed: %s", sqlite3_errmsg(c->db));
		else if (hard && rc == SQLITE_BUSY)
			log_msg(LOG_WARNING,
				"the WAL is past %d MiB and a reader kept it from being truncated",
				CHECKPOINTER_HARD_BYTES / (1024 * 1024));

		pthread_mutex_lock(&c->lock);
		if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
			struct checkpointer_report *r = &c->last;
			snprintf(r->at, sizeof r->at, "%s", ts);
			r->mode = hard ? "truncate" : "passive";
			r->wal_pages = log;
			r->backfilled = done;
			r->count++;
			r->busy += rc == SQLITE_BUSY;
		}
		/* Another checkpoint once the WAL has grown again by as much. */
		if (log >= 0)
			c->base = log;
		if (rc == SQLITE_OK && log >= 0 && done == log)
			c->copied = log;
		c->finished++;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int checkpointer_open(struct checkpointer **out, struct store *store, const char *path, char *err,
		      size_t errlen)
{
	*out = NULL;
	struct checkpointer *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -DOCKET_ENOMEM;
	}
	c->store = store;
	c->restart_at = CHECKPOINTER_RESTART_PAGES;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	int rc = -DOCKET_ESTORAGE;
	sqlite3_stmt *st = NULL;
	/* A first read opens the WAL on this connection: a checkpoint finds it there. */
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "PRAGMA page_size", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "cannot open the database for checkpoints: %s",
			 c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_finalize(st);
		goto fail;
	}
	int page = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	c->hard_pages = CHECKPOINTER_HARD_BYTES / (page > 0 ? page : 4096);
	sqlite3_busy_timeout(c->db, CHECKPOINTER_BUSY_MS);
	if ((rc = pthread_create(&c->thread, NULL, run, c)) != 0) {
		snprintf(err, errlen, "cannot start the checkpoints' thread: %s", strerror(rc));
		rc = -DOCKET_ESYS;
		goto fail;
	}
	c->running = true;
	if (store_on_wal(store, CHECKPOINTER_KEEP_BYTES, on_wal, c) < 0) {
		snprintf(err, errlen, "cannot hand the WAL's checkpoints over: %s",
			 store_errmsg(store));
		rc = -DOCKET_ESTORAGE;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	checkpointer_close(&c);
	return rc;
}

void checkpointer_before_batch(struct checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	bool due = c->pages >= c->restart_at, all = c->copied == c->pages;
	/* While the thread copies, the loop's checkpoint would find the lock taken: later. */
	bool idle = c->started == c->finished && !c->pending;
	pthread_mutex_unlock(&c->lock);
	if (!due || (!all && !idle))
		return;
	int64_t log = -1, done = -1;
	/*
	 * Here, not on the thread: what is left since its last checkpoint is
	 * little, and the loop waiting for the thread to be scheduled costs more.
	 */
	int rc = all ? 0 : store_wal_checkpoint(c->store, &log, &done);
	if (rc == -DOCKET_ECONFLICT)
		return;
	pthread_mutex_lock(&c->lock);
	if (!all) {
		c->last.waits++;
		if (rc < 0)
			log_msg(LOG_WARNING, "WAL checkpoint failed: %s", store_errmsg(c->store));
	}
	c->restart_at = c->pages + CHECKPOINTER_PAGES;
	pthread_mutex_unlock(&c->lock);
}

void checkpointer_report(struct checkpointer *c, struct checkpointer_report *r)
{
	memset(r, 0, sizeof *r);
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	*r = c->last;
	pthread_mutex_unlock(&c->lock);
}

void checkpointer_close(struct checkpointer **cp)
{
	struct checkpointer *c = *cp;
	if (!c)
		return;
	/* The hook points at c: off before c goes. SQLite's own checkpoint at close remains. */
	store_on_wal(c->store, -1, NULL, NULL);
	if (c->running) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	free(c);
	*cp = NULL;
}
